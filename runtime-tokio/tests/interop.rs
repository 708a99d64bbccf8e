//! The interop suite: sansip UAs on the tokio runtime against real third-party SIP software on
//! 127.0.0.1 — Kamailio as registrar and proxy (WebSocket, secure WebSocket, UDP, TCP, TLS,
//! digest auth), SIPp as a scripted UAS and UAC, baresip as a softphone.
//!
//! `tests/interop/run` installs and starts the peers and runs this file with
//! `SANSIP_INTEROP=1` and the ports in the environment; without them every test prints why it
//! is skipped and passes, so `cargo test --workspace` needs none of that software. The tests
//! share one Kamailio and one of them restarts it: run them one at a time
//! (`--test-threads=1`, as the script does).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "interop/peers.rs"]
mod peers;

use std::time::Duration;

use peers::{
    call_sdp, ended, expect_message, peer_env, registered, start_ua, until, Peer, Transport, DOMAIN,
};
use sansip_tokio::core::cause::Cause;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::transport::{DisconnectReason, ServerUri};
use sansip_tokio::core::ua::{CallOptions, Event, Originator};

/// The registration lifetime sansip asks for (JsSIP's default `register_expires`), which
/// Kamailio grants as it is.
const EXPIRES: u32 = 600;

/// Scenario 1: digest registration over each transport Kamailio offers, the binding proven
/// usable by a MESSAGE to ourselves routed back over it, then unregistration; a wrong password
/// is refused.
#[tokio::test]
async fn register_over_ws_wss_udp_tcp_tls_and_unregister() {
    let Some(env) = peer_env("register_over_ws_wss_udp_tcp_tls_and_unregister") else {
        return;
    };
    env.guard(async {
        for transport in [
            Transport::Ws,
            Transport::Wss,
            Transport::Udp,
            Transport::Tcp,
            Transport::Tls,
        ] {
            let server = env.server(transport);
            let (ua, mut events) = start_ua(&env, "alice", "alice-secret", transport, "");
            let uri = ServerUri::parse(&server).unwrap();
            assert_eq!(
                until(&mut events, registered).await,
                vec![
                    Event::Connecting {
                        server: uri.clone(),
                        attempt: 1
                    },
                    Event::Connected { server: uri.clone() },
                    Event::Registered { expires: EXPIRES },
                ],
                "{transport:?}"
            );
            // Kamailio looks our binding up and sends the MESSAGE back down this connection.
            let body = format!("to myself over {transport:?}");
            assert_eq!(
                ua.send_message("alice", "text/plain", body.clone()).await,
                Ok(StatusCode::OK),
                "{transport:?}"
            );
            expect_message(&mut events, "alice", &body).await;
            ua.unregister().await.unwrap();
            let gone = until(&mut events, |e| matches!(e, Event::Unregistered { .. })).await;
            assert_eq!(
                gone.last(),
                Some(&Event::Unregistered { cause: None }),
                "{transport:?}"
            );
            // Unbound: the same MESSAGE now finds nobody.
            let status = ua.send_message("alice", "text/plain", "nobody home").await;
            assert!(
                matches!(
                    status,
                    Err(sansip_tokio::MessageError::Failed {
                        status: Some(StatusCode::NOT_FOUND),
                        ..
                    })
                ),
                "{transport:?}: {status:?}"
            );
            ua.stop().await;
            println!("pass: register/unregister over {transport:?}");
        }

        let (ua, mut events) = start_ua(&env, "bob", "not-bobs-password", Transport::Ws, "");
        let failed = until(&mut events, |e| {
            matches!(e, Event::RegistrationFailed { .. } | Event::Registered { .. })
        })
        .await;
        assert!(
            matches!(
                failed.last(),
                Some(Event::RegistrationFailed {
                    cause: Cause::AuthenticationError,
                    status: Some(StatusCode::UNAUTHORIZED),
                    ..
                })
            ),
            "{failed:?}"
        );
        ua.stop().await;
        println!("pass: a wrong password gets RegistrationFailed (401)");
    })
    .await;
}

/// Scenario 2: MESSAGE through Kamailio between two sansip UAs on different transports (alice
/// on WebSocket, bob on UDP), both ways, each authenticated by a 407 challenge; then to a sipp
/// UAS and from a sipp UAC.
#[tokio::test]
async fn message_between_ws_and_udp_and_with_sipp() {
    let Some(env) = peer_env("message_between_ws_and_udp_and_with_sipp") else {
        return;
    };
    env.guard(async {
        let (alice, mut alice_events) = start_ua(&env, "alice", "alice-secret", Transport::Ws, "");
        let (bob, mut bob_events) = start_ua(&env, "bob", "bob-secret", Transport::Udp, "");
        until(&mut alice_events, registered).await;
        until(&mut bob_events, registered).await;

        assert_eq!(
            alice
                .send_message("bob", "text/plain", "hello bob, from ws")
                .await,
            Ok(StatusCode::OK)
        );
        expect_message(&mut bob_events, "alice", "hello bob, from ws").await;
        assert_eq!(
            bob.send_message(
                &format!("sip:alice@{DOMAIN}"),
                "text/plain",
                "hello alice, from udp"
            )
            .await,
            Ok(StatusCode::OK)
        );
        expect_message(&mut alice_events, "bob", "hello alice, from udp").await;
        println!("pass: MESSAGE ws <-> udp through kamailio");

        // sipp answers as user "sipp" (Kamailio routes that user to it) and checks the body.
        let uas = Peer::sipp_uas(&env, "uas-message.xml");
        assert_eq!(
            alice.send_message("sipp", "text/plain", "hello sipp").await,
            Ok(StatusCode::OK)
        );
        uas.wait_success().await;
        println!("pass: MESSAGE to a sipp UAS");

        let uac = Peer::sipp_uac(&env, "uac-message.xml", "alice");
        expect_message(&mut alice_events, "sipp-uac", "hello from sipp\r\n").await;
        uac.wait_success().await;
        println!("pass: MESSAGE from a sipp UAC");

        alice.stop().await;
        bob.stop().await;
    })
    .await;
}

/// Scenario 3: a call from sansip (WebSocket) through Kamailio to a sipp UAS — INVITE (407
/// challenge first), 180, 200 with sipp's SDP, ACK, our BYE — and a call from a sipp UAC to a
/// sansip UA on WebSocket, answered by the test and hung up by sipp.
#[tokio::test]
async fn calls_with_sipp_uas_and_uac() {
    let Some(env) = peer_env("calls_with_sipp_uas_and_uac") else {
        return;
    };
    env.guard(async {
        let (alice, mut events) = start_ua(&env, "alice", "alice-secret", Transport::Ws, "");
        until(&mut events, registered).await;

        let uas = Peer::sipp_uas(&env, "uas-call.xml");
        let offer = call_sdp("alice", 5004);
        let call = alice
            .call(
                "sipp",
                CallOptions {
                    sdp: offer.into(),
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap();
        let id = call.id();
        let confirmed = until(&mut events, |e| {
            matches!(e, Event::Confirmed { .. } | Event::Failed { .. })
        })
        .await;
        let [Event::Progress {
            status: StatusCode::RINGING,
            ..
        }, Event::Accepted {
            sdp: Some(answer), ..
        }, Event::Confirmed { id: confirmed_id }] = confirmed.as_slice()
        else {
            panic!("alice saw {confirmed:?}");
        };
        assert_eq!(*confirmed_id, id);
        let answer = String::from_utf8_lossy(answer);
        assert!(answer.contains("m=audio 6000 RTP/AVP 0"), "{answer}");
        call.terminate().await.unwrap();
        assert_eq!(
            until(&mut events, ended).await,
            vec![Event::Ended {
                id,
                cause: Cause::Bye,
                originator: Originator::Local
            }]
        );
        uas.wait_success().await;
        println!("pass: a call to a sipp UAS (INVITE/180/200/ACK/BYE)");

        let uac = Peer::sipp_uac(&env, "uac-call.xml", "alice");
        let ringing = until(&mut events, |e| matches!(e, Event::NewSession { .. })).await;
        let Some(Event::NewSession { id, from, sdp, .. }) = ringing.last() else {
            panic!("{ringing:?}");
        };
        assert!(from.contains("sip:sipp-uac@sansip.test"), "{from}");
        let offer = String::from_utf8_lossy(sdp.as_deref().unwrap_or_default()).into_owned();
        assert!(offer.contains("m=audio 6002 RTP/AVP 0"), "{offer}");
        let incoming = alice.session(*id);
        // sipp checks for this port in the 200's SDP.
        incoming.answer(call_sdp("alice", 7000)).await.unwrap();
        assert_eq!(
            until(&mut events, |e| matches!(e, Event::Confirmed { .. })).await,
            vec![Event::Confirmed { id: *id }]
        );
        assert_eq!(
            until(&mut events, ended).await,
            vec![Event::Ended {
                id: *id,
                cause: Cause::Bye,
                originator: Originator::Remote
            }]
        );
        uac.wait_success().await;
        println!("pass: a call from a sipp UAC, answered, hung up by sipp");
        alice.stop().await;
    })
    .await;
}

/// Scenario 5 (last by name: it restarts Kamailio): a UA registered over WebSocket loses the
/// server, reconnects with backoff once Kamailio is back, registers again, and the new binding
/// routes a MESSAGE.
#[tokio::test]
async fn zz_kamailio_restart_under_a_registered_ua() {
    let Some(env) = peer_env("zz_kamailio_restart_under_a_registered_ua") else {
        return;
    };
    env.guard(async {
        let extra = r#", "connection_recovery_min_interval": 1, "connection_recovery_max_interval": 2"#;
        let (ua, mut events) = start_ua(&env, "alice", "alice-secret", Transport::Ws, extra);
        until(&mut events, registered).await;
        let uri = ServerUri::parse(&env.server(Transport::Ws)).unwrap();

        let restarted = tokio::time::Instant::now();
        env.restart_kamailio().await;
        let again = until(&mut events, registered).await;
        let elapsed = restarted.elapsed();
        // The connection drops (Kamailio closes it, or it resets), the binding is counted
        // lost, then zero or more failed attempts while Kamailio is down, then it is back.
        assert!(
            matches!(
                again.first(),
                Some(Event::Disconnected { server, reason: DisconnectReason::Closed }) if *server == uri
            ),
            "{again:?}"
        );
        assert_eq!(
            again.get(1),
            Some(&Event::Unregistered {
                cause: Some(Cause::ConnectionError)
            }),
            "{again:?}"
        );
        let n = again.len();
        assert!(n >= 5, "{again:?}");
        assert!(
            matches!(&again[n - 3], Event::Connecting { server, attempt } if *server == uri && *attempt >= 2),
            "{again:?}"
        );
        assert_eq!(
            again[n - 2],
            Event::Connected { server: uri.clone() },
            "{again:?}"
        );
        assert_eq!(again[n - 1], Event::Registered { expires: EXPIRES }, "{again:?}");
        // Every attempt in between is a failed connection followed by another attempt.
        for event in &again[2..n - 3] {
            assert!(
                matches!(event, Event::Connecting { .. } | Event::Disconnected { .. }),
                "{again:?}"
            );
        }
        // connection_recovery_min_interval is 1 s: no reconnection before it.
        assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
        assert_eq!(
            ua.send_message("alice", "text/plain", "after the restart").await,
            Ok(StatusCode::OK)
        );
        expect_message(&mut events, "alice", "after the restart").await;
        println!(
            "pass: registered again {:?} after the restart began, {} events",
            elapsed,
            again.len()
        );
        ua.stop().await;
    })
    .await;
}
