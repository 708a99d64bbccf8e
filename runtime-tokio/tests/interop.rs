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

#[path = "interop/baresip.rs"]
mod baresip;
#[path = "interop/peers.rs"]
mod peers;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use baresip::Baresip;

use peers::{
    call_sdp, ended, expect_message, peer_env, registered, start_ua, until, Peer, Transport, DOMAIN,
};
use sansip_tokio::core::cause::Cause;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::transport::{DisconnectReason, ServerUri};
use sansip_tokio::core::ua::{CallOptions, Event, Originator};
use sansip_tokio::media::{AudioOptions, Codec, MediaSession, MediaStats, RtpAudio};

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

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An RTP audio engine on 127.0.0.1 (a 440 Hz tone, PCMU and PCMA, telephone-event 101,
/// RTCP reports every second).
async fn media() -> RtpAudio {
    RtpAudio::bind(AudioOptions {
        bind_ip: LOCALHOST,
        rtcp_interval: Duration::from_secs(1),
        ..AudioOptions::default()
    })
    .await
    .unwrap()
}

/// The port of the first `m=audio` line.
fn audio_port(sdp: &[u8]) -> u16 {
    let sdp = String::from_utf8_lossy(sdp);
    let line = sdp
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .unwrap_or_else(|| panic!("no m=audio in {sdp}"));
    line.split(' ').next().unwrap().parse().unwrap()
}

/// Polls the media counters until `done` holds (5 s at most) and returns them.
async fn stats_until(media: &RtpAudio, what: &str, done: impl Fn(&MediaStats) -> bool) -> MediaStats {
    let started = tokio::time::Instant::now();
    loop {
        let stats = media.stats();
        if done(&stats) {
            return stats;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{what}: {stats:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the counters did over `period`: (RTP sent, RTP received) in that time.
async fn rtp_over(media: &RtpAudio, period: Duration) -> (u64, u64) {
    let before = media.stats();
    tokio::time::sleep(period).await;
    let after = media.stats();
    (
        after.rtp_sent - before.rtp_sent,
        after.rtp_received - before.rtp_received,
    )
}

/// Scenario 4: calls with baresip (registered to Kamailio over UDP, answering by itself, a
/// 440 Hz sine as its microphone) and sansip's RTP engine: audio both ways (counted on both
/// sides), RFC 4733 DTMF both ways, hold and resume from either side (the held side's RTP
/// stops and comes back), hang-up from either side.
#[tokio::test]
async fn call_with_baresip_rtp_dtmf_hold_hangup() {
    let Some(env) = peer_env("call_with_baresip_rtp_dtmf_hold_hangup") else {
        return;
    };
    env.guard(async {
        let mut carol = Baresip::start(&env).await;
        let (alice, mut events) = start_ua(&env, "alice", "alice-secret", Transport::Ws, "");
        until(&mut events, registered).await;

        // alice calls carol, who answers by herself.
        let mut audio = media().await;
        let offer = audio.local_offer().unwrap();
        let call = alice
            .call(
                "carol",
                CallOptions {
                    sdp: offer,
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap();
        let id = call.id();
        let seen = until(&mut events, |e| {
            matches!(e, Event::Confirmed { .. } | Event::Failed { .. })
        })
        .await;
        assert_eq!(seen.last(), Some(&Event::Confirmed { id }), "{seen:?}");
        let answer = seen
            .iter()
            .find_map(|e| match e {
                Event::Accepted { sdp: Some(sdp), .. } => Some(sdp.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no answer in {seen:?}"));
        audio.apply_remote(&answer).unwrap();
        carol.event("CALL_ESTABLISHED").await;
        let flowing = stats_until(&audio, "rtp both ways", |s| {
            s.rtp_sent >= 25 && s.rtp_received >= 25
        })
        .await;
        assert_eq!(flowing.codec, Some(Codec::Pcmu));
        assert_eq!(
            flowing.remote_rtp,
            Some(SocketAddr::new(LOCALHOST, audio_port(&answer)))
        );
        println!("pass: alice -> baresip: answered, rtp both ways: {flowing:?}");

        // DTMF both ways, as RTP events (RFC 4733).
        audio.send_dtmf("159#", 100).unwrap();
        let mut heard = String::new();
        while heard.len() < 4 {
            heard.push_str(&carol.event("CALL_DTMF_START").await.param);
        }
        assert_eq!(heard, "159#");
        for digit in ["4", "2", "*"] {
            carol.command("sndcode", digit).await;
            let want = audio.stats().dtmf_received.len() + 1;
            stats_until(&audio, "dtmf from baresip", |s| s.dtmf_received.len() >= want).await;
        }
        assert_eq!(audio.stats().dtmf_received, "42*");
        println!("pass: dtmf both ways (rfc 4733)");
        // And by SIP INFO (application/dtmf-relay), as JsSIP sends it by default.
        call.send_dtmf("7").await.unwrap();
        assert_eq!(carol.event("CALL_DTMF_START").await.param, "7");
        println!("pass: dtmf by INFO");
        // baresip takes our RTCP reports (it reports each one it accepts as CALL_RTCP).
        carol.event("CALL_RTCP").await;
        assert!(audio.stats().rtcp_sent >= 1);
        println!("pass: baresip accepted our rtcp");
        // And we take baresip's: reduced-size packets (RFC 5506), APP keep-alives among them.
        stats_until(&audio, "rtcp from baresip", |s| s.rtcp_received >= 1).await;
        assert_eq!(audio.stats().invalid_received, 0, "{:?}", audio.stats());
        println!("pass: we accepted baresip's rtcp");

        // alice holds: baresip answers recvonly and stops sending; we stop too.
        call.hold().await.unwrap();
        audio.set_local_hold(true);
        let held = until(&mut events, |e| matches!(e, Event::Hold { .. })).await;
        assert_eq!(
            held.last(),
            Some(&Event::Hold {
                id,
                originator: Originator::Local
            })
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (sent, received) = rtp_over(&audio, Duration::from_secs(1)).await;
        assert_eq!(sent, 0, "alice sent rtp on hold");
        assert!(received <= 2, "baresip sent {received} packets while held");
        call.unhold().await.unwrap();
        audio.set_local_hold(false);
        let resumed = until(&mut events, |e| matches!(e, Event::Unhold { .. })).await;
        assert_eq!(
            resumed.last(),
            Some(&Event::Unhold {
                id,
                originator: Originator::Local
            })
        );
        let before = audio.stats();
        stats_until(&audio, "rtp after unhold", |s| {
            s.rtp_sent >= before.rtp_sent + 20 && s.rtp_received >= before.rtp_received + 20
        })
        .await;
        println!("pass: hold/unhold from sansip");

        // carol holds (a sendonly re-INVITE): we stop sending to her, then resume.
        carol.command("hold", "").await;
        let held = until(&mut events, |e| matches!(e, Event::Hold { .. })).await;
        assert_eq!(
            held.last(),
            Some(&Event::Hold {
                id,
                originator: Originator::Remote
            }),
            "{held:?}"
        );
        let offer = held
            .iter()
            .find_map(|e| match e {
                Event::Reinvite { sdp: Some(sdp), .. } => Some(sdp.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no re-INVITE offer in {held:?}"));
        assert!(
            String::from_utf8_lossy(&offer).contains("a=sendonly"),
            "{offer:?}"
        );
        audio.apply_remote(&offer).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (sent, _) = rtp_over(&audio, Duration::from_secs(1)).await;
        assert_eq!(sent, 0, "alice sent rtp to a sendonly peer");
        carol.command("resume", "").await;
        let resumed = until(&mut events, |e| matches!(e, Event::Unhold { .. })).await;
        assert_eq!(
            resumed.last(),
            Some(&Event::Unhold {
                id,
                originator: Originator::Remote
            }),
            "{resumed:?}"
        );
        let offer = resumed
            .iter()
            .find_map(|e| match e {
                Event::Reinvite { sdp: Some(sdp), .. } => Some(sdp.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no re-INVITE offer in {resumed:?}"));
        audio.apply_remote(&offer).unwrap();
        let before = audio.stats();
        stats_until(&audio, "rtp after baresip resumed", |s| {
            s.rtp_sent >= before.rtp_sent + 20 && s.rtp_received >= before.rtp_received + 20
        })
        .await;
        println!("pass: hold/resume from baresip");

        // alice hangs up.
        call.terminate().await.unwrap();
        assert_eq!(
            until(&mut events, ended).await,
            vec![Event::Ended {
                id,
                cause: Cause::Bye,
                originator: Originator::Local
            }]
        );
        carol.event("CALL_CLOSED").await;
        let first = audio.close();
        println!("pass: alice hung up; {first:?}");

        // carol calls alice, who answers with the engine's answer; carol hangs up.
        carol.command("dial", &format!("sip:alice@{DOMAIN}")).await;
        let ringing = until(&mut events, |e| matches!(e, Event::NewSession { .. })).await;
        let Some(Event::NewSession {
            id,
            from,
            sdp: Some(offer),
            ..
        }) = ringing.last()
        else {
            panic!("{ringing:?}");
        };
        assert!(from.contains("sip:carol@sansip.test"), "{from}");
        let mut audio = media().await;
        let answer = audio.answer_offer(offer).unwrap();
        let incoming = alice.session(*id);
        incoming.answer(answer).await.unwrap();
        assert_eq!(
            until(&mut events, |e| matches!(e, Event::Confirmed { .. })).await,
            vec![Event::Confirmed { id: *id }]
        );
        carol.event("CALL_ESTABLISHED").await;
        let flowing = stats_until(&audio, "rtp both ways", |s| {
            s.rtp_sent >= 25 && s.rtp_received >= 25
        })
        .await;
        assert_eq!(flowing.codec, Some(Codec::Pcmu));
        assert_eq!(
            flowing.remote_rtp,
            Some(SocketAddr::new(LOCALHOST, audio_port(offer)))
        );
        carol.command("hangup", "").await;
        assert_eq!(
            until(&mut events, ended).await,
            vec![Event::Ended {
                id: *id,
                cause: Cause::Bye,
                originator: Originator::Remote
            }]
        );
        let second = audio.close();
        println!("pass: baresip -> alice: answered, rtp both ways, baresip hung up; {second:?}");
        alice.stop().await;

        // baresip's own counts agree with ours (loopback: nothing lost, a few in flight).
        let counts = carol.quit().await;
        assert_eq!(counts.len(), 2, "baresip's per-call packet counts: {counts:?}");
        for ((their_sent, their_received), ours) in counts.iter().zip([&first, &second]) {
            assert!(*their_sent > 0 && *their_received > 0, "{counts:?}");
            assert!(
                their_received.abs_diff(ours.rtp_sent) <= 10,
                "baresip received {their_received}, we sent {}",
                ours.rtp_sent
            );
            assert!(
                their_sent.abs_diff(ours.rtp_received) <= 10,
                "baresip sent {their_sent}, we received {}",
                ours.rtp_received
            );
        }
        println!("pass: baresip counted {counts:?} (sent, received)");
    })
    .await;
}

/// Scenario 3b: a call between two sansip UAs through Kamailio, alice on WebSocket and bob on
/// UDP, each with the RTP engine: both 407-challenged INVITE and BYE routed by Kamailio's
/// aliases across the transports, RTP both ways, DTMF as RFC 4733 and by INFO, bob hangs up.
#[tokio::test]
async fn call_between_sansip_on_ws_and_udp_with_rtp() {
    let Some(env) = peer_env("call_between_sansip_on_ws_and_udp_with_rtp") else {
        return;
    };
    env.guard(async {
        let (alice, mut alice_events) = start_ua(&env, "alice", "alice-secret", Transport::Ws, "");
        let (bob, mut bob_events) = start_ua(&env, "bob", "bob-secret", Transport::Udp, "");
        until(&mut alice_events, registered).await;
        until(&mut bob_events, registered).await;

        let mut alice_audio = media().await;
        let offer = alice_audio.local_offer().unwrap();
        let call = alice
            .call(
                "bob",
                CallOptions {
                    sdp: offer.clone(),
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap();
        let ringing = until(&mut bob_events, |e| matches!(e, Event::NewSession { .. })).await;
        let Some(Event::NewSession {
            id: bob_id,
            from,
            sdp: Some(received_offer),
            ..
        }) = ringing.last()
        else {
            panic!("{ringing:?}");
        };
        assert!(from.contains("sip:alice@sansip.test"), "{from}");
        assert_eq!(received_offer, &offer, "kamailio changed the offer");
        let mut bob_audio = media().await;
        let answer = bob_audio.answer_offer(received_offer).unwrap();
        let incoming = bob.session(*bob_id);
        incoming.answer(answer.clone()).await.unwrap();
        let id = call.id();
        let seen = until(&mut alice_events, |e| {
            matches!(e, Event::Confirmed { .. } | Event::Failed { .. })
        })
        .await;
        assert_eq!(seen.last(), Some(&Event::Confirmed { id }), "{seen:?}");
        assert!(
            seen.contains(&Event::Accepted {
                id,
                sdp: Some(answer.clone())
            }),
            "{seen:?}"
        );
        alice_audio.apply_remote(&answer).unwrap();
        assert_eq!(
            until(&mut bob_events, |e| matches!(e, Event::Confirmed { .. })).await,
            vec![Event::Confirmed { id: *bob_id }]
        );
        for audio in [&alice_audio, &bob_audio] {
            stats_until(audio, "rtp both ways", |s| {
                s.rtp_sent >= 25 && s.rtp_received >= 25 && s.codec == Some(Codec::Pcmu)
            })
            .await;
        }
        assert_eq!(
            alice_audio.stats().remote_rtp,
            Some(SocketAddr::new(LOCALHOST, audio_port(&answer)))
        );
        assert_eq!(
            bob_audio.stats().remote_rtp,
            Some(SocketAddr::new(LOCALHOST, audio_port(&offer)))
        );

        for audio in [&alice_audio, &bob_audio] {
            stats_until(audio, "rtcp both ways", |s| {
                s.rtcp_sent >= 1 && s.rtcp_received >= 1
            })
            .await;
        }
        alice_audio.send_dtmf("3", 100).unwrap();
        stats_until(&bob_audio, "rtp dtmf", |s| s.dtmf_received == "3").await;
        call.send_dtmf("8").await.unwrap();
        let sent = until(&mut alice_events, |e| matches!(e, Event::NewDtmf { .. })).await;
        assert_eq!(
            sent,
            vec![Event::NewDtmf {
                id,
                tone: '8',
                duration: 100,
                originator: Originator::Local
            }]
        );
        let tone = until(&mut bob_events, |e| matches!(e, Event::NewDtmf { .. })).await;
        assert!(
            matches!(
                tone.last(),
                Some(Event::NewDtmf {
                    tone: '8',
                    originator: Originator::Remote,
                    ..
                })
            ),
            "{tone:?}"
        );

        incoming.terminate().await.unwrap();
        assert_eq!(
            until(&mut alice_events, ended).await,
            vec![Event::Ended {
                id,
                cause: Cause::Bye,
                originator: Originator::Remote
            }]
        );
        assert_eq!(
            until(&mut bob_events, ended).await,
            vec![Event::Ended {
                id: *bob_id,
                cause: Cause::Bye,
                originator: Originator::Local
            }]
        );
        let (a, b) = (alice_audio.close(), bob_audio.close());
        assert!(a.rtp_sent.abs_diff(b.rtp_received) <= 10, "{a:?} {b:?}");
        assert!(b.rtp_sent.abs_diff(a.rtp_received) <= 10, "{a:?} {b:?}");
        println!("pass: ws <-> udp call with rtp: alice {a:?}, bob {b:?}");
        alice.stop().await;
        bob.stop().await;
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
