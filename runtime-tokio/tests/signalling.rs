//! The tokio adapter end to end against an in-process registrar (`support/registrar.rs`, written for
//! these tests): WebSocket with the `sip` subprotocol, secure WebSocket, UDP, TCP and TLS,
//! digest registration, MESSAGE, reconnection after the server closes, refusal of a server
//! that does not speak `sip`, two UAs in one process, and the `trace_sip` ladder. Real sockets
//! on 127.0.0.1 and real time; each test is guarded by a 10 s timeout.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sansip_tokio::core::cause::Cause;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::transport::{DisconnectReason, ServerUri};
use sansip_tokio::core::ua::{Event, MessageId, UaError};
use sansip_tokio::lab::{Registrar, Transport, CA_PEM, EXPIRES};
use sansip_tokio::{MessageError, TlsOptions, UaOptions};
use support::{config, first_registration, guard, registered, start, stop, unregistered_and_stopped, until};

#[tokio::test]
async fn ws_registers_with_digest_and_unregisters_on_stop() {
    guard(async {
        let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
        assert_eq!(until(&mut events, registered).await, first_registration(&server));
        assert_eq!(stop(&ua, events).await, unregistered_and_stopped(&server));
        reg.seen(|seen| {
            assert_eq!(seen.offered_sip, 1);
            assert_eq!(seen.connections, 1);
            // Challenged, authorized, then the un-REGISTER (authorized).
            assert!(seen.registers[0].header("authorization").is_none());
            assert_eq!(seen.authorized, 2);
            assert!(seen.registers.last().unwrap().removes_binding());
            assert!(seen.bindings.is_empty());
            assert!(seen.registers[0]
                .header("via")
                .unwrap()
                .starts_with("SIP/2.0/WS "));
        });
    })
    .await;
}

#[tokio::test]
async fn send_message_returns_the_final_status() {
    guard(async {
        let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
        until(&mut events, registered).await;
        let status = ua.send_message("bob", "text/plain", "hello bob").await;
        assert_eq!(status, Ok(StatusCode::OK));
        let invalid = ua.send_message("bob", "text/plain\r\nX: y", "hi").await;
        assert_eq!(invalid, Err(MessageError::Invalid(UaError::InvalidContentType)));
        reg.seen(|seen| {
            assert_eq!(seen.messages.len(), 1);
            assert_eq!(seen.messages[0].uri, "sip:bob@sansip.test");
            assert_eq!(seen.messages[0].body, "hello bob");
            assert_eq!(seen.messages[0].header("content-type"), Some("text/plain"));
        });
        let succeeded = until(&mut events, |e| matches!(e, Event::MessageSucceeded { .. })).await;
        assert!(matches!(
            succeeded.last(),
            Some(Event::MessageSucceeded {
                status: StatusCode::OK,
                ..
            })
        ));
        ua.stop().await;
        assert_eq!(
            ua.send_message("bob", "text/plain", "late").await,
            Err(MessageError::Stopped)
        );
    })
    .await;
}

#[tokio::test]
async fn reconnects_and_registers_again_when_the_server_closes() {
    guard(async {
        let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        let uri = ServerUri::parse(&server).unwrap();
        let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
        until(&mut events, registered).await;
        reg.close_connections();
        let started = tokio::time::Instant::now();
        let again = until(&mut events, registered).await;
        assert_eq!(
            again,
            vec![
                Event::Disconnected {
                    server: uri.clone(),
                    reason: DisconnectReason::Closed
                },
                // JsSIP: the binding is lost with the transport; the close counts as a failure.
                Event::Unregistered {
                    cause: Some(Cause::ConnectionError)
                },
                Event::Connecting {
                    server: uri.clone(),
                    attempt: 2
                },
                Event::Connected { server: uri },
                Event::Registered { expires: EXPIRES },
            ]
        );
        // connection_recovery_min_interval is 1 s.
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );
        reg.seen(|seen| {
            assert_eq!(seen.connections, 2);
            assert_eq!(seen.bindings.len(), 1);
        });
        ua.stop().await;
    })
    .await;
}

#[tokio::test]
async fn refuses_a_server_that_does_not_choose_the_sip_subprotocol() {
    guard(async {
        let reg = Registrar::without_subprotocol(&[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        let uri = ServerUri::parse(&server).unwrap();
        let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
        let failed = until(&mut events, |e| matches!(e, Event::Disconnected { .. })).await;
        assert_eq!(
            failed,
            vec![
                Event::Connecting {
                    server: uri.clone(),
                    attempt: 1
                },
                Event::Disconnected {
                    server: uri.clone(),
                    reason: DisconnectReason::ConnectFailed
                },
            ]
        );
        let retry = until(&mut events, |e| matches!(e, Event::Connecting { .. })).await;
        assert_eq!(
            retry,
            vec![Event::Connecting {
                server: uri,
                attempt: 2
            }]
        );
        ua.stop().await;
        reg.seen(|seen| {
            assert!(seen.offered_sip >= 1);
            assert!(seen.registers.is_empty());
        });
    })
    .await;
}

#[tokio::test]
async fn registers_over_udp_and_tcp() {
    guard(async {
        for (transport, via) in [(Transport::Udp, "SIP/2.0/UDP "), (Transport::Tcp, "SIP/2.0/TCP ")] {
            let reg = Registrar::start(transport, &[("alice", "secret")]).await.unwrap();
            let server = reg.server_uri(transport);
            let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
            assert_eq!(until(&mut events, registered).await, first_registration(&server));
            assert_eq!(stop(&ua, events).await, unregistered_and_stopped(&server));
            reg.seen(|seen| {
                assert_eq!(seen.authorized, 2, "{transport:?}");
                assert!(seen.bindings.is_empty(), "{transport:?}");
                assert!(
                    seen.registers[0].header("via").unwrap().starts_with(via),
                    "{transport:?}"
                );
            });
        }
    })
    .await;
}

#[tokio::test]
async fn wss_and_tls_verify_the_server_certificate() {
    guard(async {
        for transport in [Transport::Wss, Transport::Tls] {
            let reg = Registrar::start(transport, &[("alice", "secret")]).await.unwrap();
            let server = reg.server_uri(transport);
            // The test CA is not a webpki root: refused.
            let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
            let refused = until(&mut events, |e| matches!(e, Event::Disconnected { .. })).await;
            assert!(
                matches!(
                    refused.last(),
                    Some(Event::Disconnected {
                        reason: DisconnectReason::ConnectFailed,
                        ..
                    })
                ),
                "{refused:?}"
            );
            ua.stop().await;
            // Trusted with the CA added, or with verification off.
            for tls in [
                TlsOptions::new().with_ca_pem(CA_PEM).unwrap(),
                TlsOptions::dangerous_accept_any_certificate(),
            ] {
                let options = UaOptions::new().tls(tls);
                let (ua, mut events) = start(config("alice", "secret", &server, ""), options);
                assert_eq!(until(&mut events, registered).await, first_registration(&server));
                ua.stop().await;
            }
            reg.seen(|seen| assert_eq!(seen.authorized, 4, "{transport:?}"));
        }
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_fails_the_registration() {
    guard(async {
        let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        let (ua, mut events) = start(config("alice", "wrong", &server, ""), UaOptions::new());
        let failed = until(&mut events, |e| matches!(e, Event::RegistrationFailed { .. })).await;
        assert!(
            matches!(
                failed.last(),
                Some(Event::RegistrationFailed {
                    cause: Cause::AuthenticationError,
                    status: Some(status),
                    ..
                }) if status.as_u16() == 401
            ),
            "{failed:?}"
        );
        ua.stop().await;
        reg.seen(|seen| {
            assert_eq!(seen.authorized, 0);
            assert!(seen.registers.len() >= 2);
        });
    })
    .await;
}

#[tokio::test]
async fn two_uas_run_side_by_side() {
    guard(async {
        let users = [("alice", "secret-a"), ("bob", "secret-b")];
        let reg = Registrar::start(Transport::Ws, &users).await.unwrap();
        let server = reg.server_uri(Transport::Ws);
        let (alice, mut alice_events) = start(config("alice", "secret-a", &server, ""), UaOptions::new());
        let (bob, mut bob_events) = start(config("bob", "secret-b", &server, ""), UaOptions::new());
        let (a, b) = tokio::join!(
            until(&mut alice_events, registered),
            until(&mut bob_events, registered)
        );
        assert_eq!((a, b), (first_registration(&server), first_registration(&server)));
        reg.seen(|seen| {
            assert_eq!(seen.bindings.len(), 2);
            assert_ne!(seen.bindings["alice"], seen.bindings["bob"]);
        });
        // The lab proxy hands each MESSAGE to the other UA, whose core answers it 200.
        assert_eq!(
            alice.send_message("bob", "text/plain", "hi bob").await,
            Ok(StatusCode::OK)
        );
        let got = until(&mut bob_events, |e| matches!(e, Event::NewMessage { .. })).await;
        assert!(
            matches!(got.last(), Some(Event::NewMessage { body, .. }) if body.as_ref() == b"hi bob"),
            "{got:?}"
        );
        assert_eq!(
            bob.send_message("alice", "text/plain", "hi alice").await,
            Ok(StatusCode::OK)
        );
        let got = until(&mut alice_events, |e| matches!(e, Event::NewMessage { .. })).await;
        assert!(
            matches!(got.last(), Some(Event::NewMessage { body, .. }) if body.as_ref() == b"hi alice"),
            "{got:?}"
        );
        tokio::join!(alice.stop(), bob.stop());
        reg.seen(|seen| {
            assert!(seen.messages.is_empty(), "the registrar answered none itself");
            assert_eq!(seen.routed, ["MESSAGE", "200", "MESSAGE", "200"]);
            assert!(seen.bindings.is_empty());
        });
    })
    .await;
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// The default current-thread runtime runs the UA task on this thread, where the subscriber is.
#[tokio::test]
async fn trace_sip_logs_a_ladder() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    guard(async {
        let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        let (ua, mut events) = start(
            config("alice", "secret", &server, r#", "trace_sip": true"#),
            UaOptions::new(),
        );
        until(&mut events, registered).await;
        ua.stop().await;
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let ladder: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("sansip::trace"))
            .map(|l| l.split_once("sansip::trace: ").unwrap().1)
            .collect();
        // The REGISTER and the un-REGISTER of stop(), each challenged once.
        let challenged_register = [
            format!("--> {server}  REGISTER sip:sansip.test SIP/2.0"),
            format!("<-- {server}  SIP/2.0 401 Unauthorized"),
            format!("--> {server}  REGISTER sip:sansip.test SIP/2.0"),
            format!("<-- {server}  SIP/2.0 200 OK"),
        ];
        assert_eq!(
            ladder,
            [challenged_register.clone(), challenged_register].concat(),
            "{log}"
        );
        // Then the whole message, indented.
        assert!(log.contains("\n    Authorization: Digest "), "{log}");
    })
    .await;
}

#[tokio::test]
async fn a_seed_replays_the_random_choices() {
    guard(async {
        let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        for seed in [7, 7, 8] {
            let options = UaOptions::new().seed(seed);
            let (ua, mut events) = start(config("alice", "secret", &server, ""), options);
            until(&mut events, registered).await;
            ua.stop().await;
        }
        reg.seen(|seen| {
            // Each run: challenged REGISTER, REGISTER, challenged un-REGISTER, un-REGISTER.
            let firsts: Vec<_> = seen.registers.iter().step_by(4).collect();
            let call_ids: Vec<_> = firsts.iter().map(|r| r.header("call-id").unwrap()).collect();
            let vias: Vec<_> = firsts.iter().map(|r| r.header("via").unwrap()).collect();
            assert_eq!(firsts.len(), 3);
            assert_eq!((call_ids[0], vias[0]), (call_ids[1], vias[1]));
            assert_ne!(call_ids[1], call_ids[2]);
            assert_ne!(vias[1], vias[2]);
        });
    })
    .await;
}

#[tokio::test]
async fn a_message_split_across_tcp_reads_is_framed_by_the_core() {
    guard(async {
        let reg = Registrar::splitting_tcp(&[("alice", "secret")]).await.unwrap();
        let server = reg.server_uri(Transport::Tcp);
        let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
        assert_eq!(until(&mut events, registered).await, first_registration(&server));
        assert_eq!(
            ua.send_message("bob", "text/plain", "hi").await,
            Ok(StatusCode::OK)
        );
        let succeeded = Event::MessageSucceeded {
            id: MessageId(1),
            status: StatusCode::OK,
        };
        let rest = [vec![succeeded], unregistered_and_stopped(&server)].concat();
        assert_eq!(stop(&ua, events).await, rest);
    })
    .await;
}

#[tokio::test]
async fn dropping_every_handle_stops_the_ua() {
    guard(async {
        let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
            .await
            .unwrap();
        let server = reg.server_uri(Transport::Ws);
        let (ua, mut events) = start(config("alice", "secret", &server, ""), UaOptions::new());
        until(&mut events, registered).await;
        let copy = ua.clone();
        drop(ua);
        assert!(!copy.is_stopped());
        drop(copy);
        let mut rest = Vec::new();
        while let Some(event) = events.next().await {
            rest.push(event);
        }
        assert_eq!(rest, unregistered_and_stopped(&server));
        reg.seen(|seen| assert!(seen.bindings.is_empty()));
    })
    .await;
}
