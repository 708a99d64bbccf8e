//! Instant messages (RFC 3428) between real `Ua`s through the simulated proxy (issue 4), over
//! WebSocket with a fixed 20 ms hop: exact wire lines, digest challenge by the proxy, forking,
//! unknown and unreachable users, and every event with its virtual instant.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use bytes::Bytes;
use sansip_core::cause::Cause;
use sansip_core::message::{Method, StatusCode};
use sansip_core::time::{Duration, Instant};
use sansip_core::ua::{Event, MessageId};
use sansip_tests::sim::calls::{body, call_config};
use sansip_tests::sim::digest::{digest_params, response_qop_auth};
use sansip_tests::sim::proxy::{Proxy, ProxyAuth};
use sansip_tests::sim::{header_line, header_lines, Network, Registrar, Sim};

const NAMES: [&str; 3] = ["A", "B", "C"];
const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
const T0: Instant = Instant::from_millis(1_000);
const TEXT: &str = "Hello Bob \u{2014} are you there?";

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// UAs for `users` (Alice with `password`) registered through `proxy` over WSS, 20 ms a hop.
fn setup(proxy: Proxy, users: &[&str], password: &str) -> Sim {
    let mut sim = Sim::with_proxy(
        Network::fixed(Duration::from_millis(20)),
        Registrar::open(),
        proxy,
        1,
    );
    for (i, u) in users.iter().enumerate() {
        let cfg = call_config(u, "wss://proxy.example.com")
            .password(password)
            .build()
            .unwrap();
        sim.add_ua(Sim::pcg_ua(cfg, 20 + i as u64));
    }
    let all: Vec<usize> = (0..users.len()).collect();
    sim.register_all(&all);
    sim.run_until(T0);
    sim
}

fn send(sim: &mut Sim, ua: usize, target: &str) -> MessageId {
    sim.command(ua, |u, now| u.send_message(now, target, TEXT, "text/plain"))
        .unwrap()
}

fn message_events(sim: &Sim, ua: usize) -> Vec<(Instant, Event)> {
    sim.events(ua)
        .iter()
        .filter(|(t, e)| {
            *t >= T0
                && matches!(
                    e,
                    Event::NewMessage { .. } | Event::MessageSucceeded { .. } | Event::MessageFailed { .. }
                )
        })
        .cloned()
        .collect()
}

fn new_message(from: &str) -> Event {
    Event::NewMessage {
        from: from.to_owned(),
        to: "<sip:bob@example.com>".into(),
        content_type: Some("text/plain".into()),
        body: Bytes::copy_from_slice(TEXT.as_bytes()),
    }
}

fn no_dropped(sim: &Sim, uas: &[usize]) {
    for &ua in uas {
        assert!(
            !sim.events(ua)
                .iter()
                .any(|(_, e)| matches!(e, Event::Dropped { .. })),
            "UA {ua}: {:?}",
            sim.events(ua)
        );
    }
    assert_eq!(sim.proxy().stray_responses, 0);
    assert!(sim.anomalies.is_empty(), "{:?}", sim.anomalies);
}

#[test]
fn message_alice_to_bob() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], "secret");
    let cb = sim.contact(B);
    let id = send(&mut sim, A, "bob");
    sim.run_until(at(2_000));
    assert_eq!(
        sim.ladder(&NAMES, T0),
        [
            "1000 A>P MESSAGE sip:bob@example.com".to_owned(),
            format!("1020 P>B MESSAGE {cb}"),
            "1040 B>P 200 OK/MESSAGE".to_owned(),
            "1060 P>A 200 OK/MESSAGE".to_owned(),
        ]
    );
    let (sent, got) = (sim.ladder_text(T0, 0), sim.ladder_text(T0, 1));
    assert_eq!(body(&sent), TEXT);
    assert_eq!(body(&got), TEXT);
    assert_eq!(header_line(&got, "Content-Type"), "Content-Type: text/plain");
    assert_eq!(
        header_lines(&got, "Via"),
        [
            "Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKproxy1",
            header_line(&sent, "Via")
        ]
    );
    // A MESSAGE creates no dialog: the proxy does not record-route it.
    assert!(header_lines(&got, "Record-Route").is_empty());
    assert_eq!(header_line(&got, "Max-Forwards"), "Max-Forwards: 69");
    let from = header_line(&sent, "From").strip_prefix("From: ").unwrap();
    assert_eq!(message_events(&sim, B), [(at(1_040), new_message(from))]);
    assert_eq!(
        message_events(&sim, A),
        [(
            at(1_080),
            Event::MessageSucceeded {
                id,
                status: StatusCode::OK
            }
        )]
    );
    no_dropped(&sim, &[A, B]);
}

fn challenging_proxy() -> Proxy {
    let mut proxy = Proxy::new();
    proxy.auth = Some(ProxyAuth::new(
        "example.com",
        "alice",
        "secret",
        &[Method::Invite, Method::Message],
    ));
    proxy
}

/// The proxy answers 407; Alice sends the MESSAGE again with Proxy-Authorization (same
/// Call-ID and From tag, CSeq + 1, RFC 3261 §22.2), checked by the proxy with its own MD5.
#[test]
fn message_challenged_by_the_proxy_with_407() {
    let mut sim = setup(challenging_proxy(), &["alice", "bob"], "secret");
    let cb = sim.contact(B);
    let id = send(&mut sim, A, "bob");
    sim.run_until(at(2_000));
    assert_eq!(
        sim.ladder(&NAMES, T0),
        [
            "1000 A>P MESSAGE sip:bob@example.com".to_owned(),
            "1020 P>A 407 Proxy Authentication Required/MESSAGE".to_owned(),
            "1040 A>P MESSAGE sip:bob@example.com".to_owned(),
            format!("1060 P>B MESSAGE {cb}"),
            "1080 B>P 200 OK/MESSAGE".to_owned(),
            "1100 P>A 200 OK/MESSAGE".to_owned(),
        ]
    );
    let (first, challenge, second) = (
        sim.ladder_text(T0, 0),
        sim.ladder_text(T0, 1),
        sim.ladder_text(T0, 2),
    );
    assert_eq!(header_line(&first, "CSeq"), "CSeq: 1 MESSAGE");
    assert_eq!(header_line(&second, "CSeq"), "CSeq: 2 MESSAGE");
    assert_eq!(header_line(&second, "Call-ID"), header_line(&first, "Call-ID"));
    assert_eq!(header_line(&second, "From"), header_line(&first, "From"));
    assert!(header_lines(&first, "Proxy-Authorization").is_empty());
    assert_eq!(
        header_line(&challenge, "Proxy-Authenticate"),
        format!(
            "Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"{}\", algorithm=MD5, qop=\"auth\"",
            ProxyAuth::nonce(1)
        )
    );
    let auth = header_line(&second, "Proxy-Authorization")
        .strip_prefix("Proxy-Authorization: ")
        .unwrap();
    let cnonce = digest_params(auth).unwrap()["cnonce"].clone();
    let response = response_qop_auth(
        "alice",
        "example.com",
        "secret",
        "MESSAGE",
        "sip:bob@example.com",
        &ProxyAuth::nonce(1),
        "00000001",
        &cnonce,
    );
    assert_eq!(
        auth,
        format!(
            "Digest algorithm=MD5, username=\"alice\", realm=\"example.com\", nonce=\"{}\", \
             uri=\"sip:bob@example.com\", response=\"{response}\", qop=auth, cnonce=\"{cnonce}\", \
             nc=00000001",
            ProxyAuth::nonce(1)
        )
    );
    let checks = &sim.proxy().auth.as_ref().unwrap().checks;
    assert_eq!(checks.len(), 1);
    assert!(checks[0].ok && checks[0].expected == response);
    let from = header_line(&first, "From").strip_prefix("From: ").unwrap();
    assert_eq!(message_events(&sim, B), [(at(1_080), new_message(from))]);
    assert_eq!(
        message_events(&sim, A),
        [(
            at(1_120),
            Event::MessageSucceeded {
                id,
                status: StatusCode::OK
            }
        )]
    );
    no_dropped(&sim, &[A, B]);
}

/// A wrong password: one answer to the challenge, then failure (no loop).
#[test]
fn message_with_a_wrong_password_fails_after_one_retry() {
    let mut sim = setup(challenging_proxy(), &["alice", "bob"], "wrong");
    let id = send(&mut sim, A, "bob");
    sim.run_until(at(60_000));
    assert_eq!(
        sim.ladder(&NAMES, T0),
        [
            "1000 A>P MESSAGE sip:bob@example.com",
            "1020 P>A 407 Proxy Authentication Required/MESSAGE",
            "1040 A>P MESSAGE sip:bob@example.com",
            "1060 P>A 407 Proxy Authentication Required/MESSAGE",
        ]
    );
    assert_eq!(
        message_events(&sim, A),
        [(
            at(1_080),
            Event::MessageFailed {
                id,
                cause: Cause::AuthenticationError,
                status: StatusCode::new(407)
            }
        )]
    );
    assert!(message_events(&sim, B).is_empty());
    let checks = &sim.proxy().auth.as_ref().unwrap().checks;
    assert_eq!(checks.len(), 1);
    assert!(!checks[0].ok);
}

/// Nobody by that name: 404 (Cause NotFound). Bob unregistered: 480 (Cause Unavailable).
#[test]
fn message_to_an_unknown_or_unregistered_user_fails() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], "secret");
    let id = send(&mut sim, A, "carol");
    sim.run_until(at(2_000));
    sim.command(B, |u, now| u.unregister(now, false));
    sim.run_until(at(3_000));
    assert!(sim
        .registrar()
        .live_bindings("sip:bob@example.com", sim.now())
        .is_empty());
    let id2 = send(&mut sim, A, "bob");
    sim.run_until(at(4_000));
    assert_eq!(
        sim.ladder(&NAMES, T0),
        [
            "1000 A>P MESSAGE sip:carol@example.com",
            "1020 P>A 404 Not Found/MESSAGE",
            "3000 A>P MESSAGE sip:bob@example.com",
            "3020 P>A 480 Temporarily Unavailable/MESSAGE",
        ]
    );
    assert_eq!(
        message_events(&sim, A),
        [
            (
                at(1_040),
                Event::MessageFailed {
                    id,
                    cause: Cause::NotFound,
                    status: StatusCode::new(404)
                }
            ),
            (
                at(3_040),
                Event::MessageFailed {
                    id: id2,
                    cause: Cause::Unavailable,
                    status: StatusCode::new(480)
                }
            ),
        ]
    );
    no_dropped(&sim, &[A, B]);
}

/// Bob has two contacts: both get the MESSAGE; Alice gets one result, from the first 200
/// (RFC 3261 §16.7 step 5; the later 200 of a non-INVITE is not forwarded).
#[test]
fn message_forked_to_both_contacts_of_bob() {
    let mut sim = setup(Proxy::new(), &["alice", "bob", "bob"], "secret");
    let (cb, cc) = (sim.contact(B), sim.contact(C));
    let id = send(&mut sim, A, "bob");
    sim.run_until(at(2_000));
    assert_eq!(
        sim.ladder(&NAMES, T0),
        [
            "1000 A>P MESSAGE sip:bob@example.com".to_owned(),
            format!("1020 P>B MESSAGE {cb}"),
            format!("1020 P>C MESSAGE {cc}"),
            "1040 B>P 200 OK/MESSAGE".to_owned(),
            "1040 C>P 200 OK/MESSAGE".to_owned(),
            "1060 P>A 200 OK/MESSAGE".to_owned(),
        ]
    );
    let from = header_line(&sim.ladder_text(T0, 0), "From")
        .strip_prefix("From: ")
        .unwrap()
        .to_owned();
    assert_eq!(message_events(&sim, B), [(at(1_040), new_message(&from))]);
    assert_eq!(message_events(&sim, C), [(at(1_040), new_message(&from))]);
    assert_eq!(
        message_events(&sim, A),
        [(
            at(1_080),
            Event::MessageSucceeded {
                id,
                status: StatusCode::OK
            }
        )]
    );
    no_dropped(&sim, &[A, B, C]);
}
