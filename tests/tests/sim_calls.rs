//! Calls between real `Ua`s through the simulated proxy (issue 4), over WebSocket with a fixed
//! 20 ms hop: every message on the wire with the instant it was sent, the exact header lines
//! that matter, and every call event with its virtual instant.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use bytes::Bytes;
use sansip_core::cause::Cause;
use sansip_core::message::StatusCode;
use sansip_core::time::{Duration, Instant};
use sansip_core::ua::{CallOptions, Event, Originator, SessionId};
use sansip_tests::sim::calls::{body, call_config, ANSWER, OFFER};
use sansip_tests::sim::proxy::Proxy;
use sansip_tests::sim::{header_line, header_lines, Network, Registrar, Sim};

const NAMES: [&str; 3] = ["A", "B", "C"];
const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
/// Calls start here, once everyone is registered.
const T0: Instant = Instant::from_millis(1_000);
const PROXY_RR: &str = "Record-Route: <sip:proxy.example.com;lr;transport=ws>";
const PROXY_ROUTE: &str = "Route: <sip:proxy.example.com;lr;transport=ws>";

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// Alice (UA 0) and the given Bobs (`sip:bob@example.com`, UAs 1, 2...) registered through the
/// proxy over WSS with a 20 ms hop; `no_answer` is every UA's `no_answer_timeout`.
fn setup(proxy: Proxy, users: &[&str], no_answer: u64) -> Sim {
    let mut sim = Sim::with_proxy(
        Network::fixed(Duration::from_millis(20)),
        Registrar::open(),
        proxy,
        1,
    );
    for (i, u) in users.iter().enumerate() {
        let cfg = call_config(u, "wss://proxy.example.com")
            .no_answer_timeout(Duration::from_secs(no_answer))
            .build()
            .unwrap();
        sim.add_ua(Sim::pcg_ua(cfg, 10 + i as u64));
    }
    let all: Vec<usize> = (0..users.len()).collect();
    sim.register_all(&all);
    sim.run_until(T0);
    sim
}

fn call(sim: &mut Sim, ua: usize, target: &str) -> SessionId {
    sim.command(ua, |u, now| {
        u.call(
            now,
            target,
            CallOptions {
                sdp: OFFER.into(),
                ..Default::default()
            },
        )
    })
    .unwrap()
}

fn sdp(s: &str) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(s.as_bytes()))
}

/// The ladder of an INVITE from `x` to `y` (contact `cy`) through the proxy, ringing with a
/// reliable 180 and its PRACK, starting at T0.
fn ringing(x: &str, y: &str, cy: &str) -> Vec<String> {
    [
        format!(
            "1000 {x}>P INVITE sip:{}@example.com",
            if y == "A" { "alice" } else { "bob" }
        ),
        format!("1020 P>{x} 100 Trying/INVITE"),
        format!("1020 P>{y} INVITE {cy}"),
        format!("1040 {y}>P 180 Ringing/INVITE"),
        format!("1060 P>{x} 180 Ringing/INVITE"),
        format!("1080 {x}>P PRACK {cy}"),
        format!("1100 P>{y} PRACK {cy}"),
        format!("1120 {y}>P 200 OK/PRACK"),
        format!("1140 P>{x} 200 OK/PRACK"),
    ]
    .to_vec()
}

fn no_dropped(sim: &Sim, uas: &[usize]) {
    for &ua in uas {
        let dropped: Vec<_> = sim
            .events(ua)
            .iter()
            .filter(|(_, e)| matches!(e, Event::Dropped { .. }))
            .collect();
        assert!(dropped.is_empty(), "UA {ua}: {dropped:?}");
    }
    assert_eq!(sim.proxy().stray_responses, 0);
    assert_eq!(sim.proxy().malformed, 0);
    assert!(sim.anomalies.is_empty(), "{:?}", sim.anomalies);
}

#[test]
fn basic_call_alice_to_bob_hung_up_by_the_callee() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let (ca, cb) = (sim.contact(A), sim.contact(B));
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.answer(now, bob, ANSWER));
    sim.run_until(at(2_000));
    sim.command(B, |u, now| u.terminate(now, bob));
    sim.run_until(at(5_000));

    let mut expected = ringing("A", "B", &cb);
    expected.extend([
        "1500 B>P 200 OK/INVITE".to_owned(),
        "1520 P>A 200 OK/INVITE".to_owned(),
        format!("1540 A>P ACK {cb}"),
        format!("1560 P>B ACK {cb}"),
        format!("2000 B>P BYE {ca}"),
        format!("2020 P>A BYE {ca}"),
        "2040 A>P 200 OK/BYE".to_owned(),
        "2060 P>B 200 OK/BYE".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);

    // The INVITE as Bob gets it: retargeted to his contact, our Via on top of Alice's,
    // record-routed, one hop fewer, the offer untouched.
    let sent = sim.ladder_text(T0, 0);
    let got = sim.ladder_text(T0, 2);
    assert!(got.starts_with(&format!("INVITE {cb} SIP/2.0\r\n")), "{got}");
    assert_eq!(
        header_lines(&got, "Via"),
        [
            "Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKproxy1",
            header_line(&sent, "Via")
        ]
    );
    assert_eq!(header_lines(&got, "Record-Route"), [PROXY_RR]);
    assert_eq!(header_line(&sent, "Max-Forwards"), "Max-Forwards: 70");
    assert_eq!(header_line(&got, "Max-Forwards"), "Max-Forwards: 69");
    assert_eq!(header_line(&got, "Contact"), format!("Contact: <{ca}>"));
    assert_eq!(header_line(&got, "Content-Type"), "Content-Type: application/sdp");
    assert_eq!(body(&got), OFFER);
    // The 200 as Alice gets it: only her Via left, Bob's contact, the answer.
    let ok = sim.ladder_text(T0, 10);
    assert_eq!(header_lines(&ok, "Via"), [header_line(&sent, "Via")]);
    assert_eq!(header_line(&ok, "Contact"), format!("Contact: <{cb}>"));
    assert_eq!(body(&ok), ANSWER);
    // Bob's BYE follows his route set (the Record-Route of the INVITE): loose routing
    // through the proxy, which removes its own Route before passing it on.
    let bye = sim.ladder_text(T0, 13);
    assert_eq!(header_lines(&bye, "Route"), [PROXY_ROUTE]);
    assert!(header_lines(&sim.ladder_text(T0, 14), "Route").is_empty());

    let from = header_line(&sent, "From")
        .strip_prefix("From: ")
        .unwrap()
        .to_owned();
    assert_eq!(
        sim.call_events(A, id, T0),
        [
            (
                at(1_080),
                Event::Progress {
                    id,
                    status: StatusCode::new(180).unwrap(),
                    sdp: None
                }
            ),
            (at(1_540), Event::Accepted { id, sdp: sdp(ANSWER) }),
            (at(1_540), Event::Confirmed { id }),
            (
                at(2_040),
                Event::Ended {
                    id,
                    cause: Cause::Bye,
                    originator: Originator::Remote
                }
            ),
        ]
    );
    assert_eq!(
        sim.call_events(B, bob, T0),
        [
            (
                at(1_040),
                Event::NewSession {
                    id: bob,
                    from,
                    to: "<sip:bob@example.com>".into(),
                    sdp: sdp(OFFER),
                    replaces: None
                }
            ),
            (at(1_580), Event::Confirmed { id: bob }),
            (
                at(2_000),
                Event::Ended {
                    id: bob,
                    cause: Cause::Bye,
                    originator: Originator::Local
                }
            ),
        ]
    );
    no_dropped(&sim, &[A, B]);
}

#[test]
fn basic_call_bob_to_alice_hung_up_by_the_caller() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let ca = sim.contact(A);
    let id = call(&mut sim, B, "alice");
    sim.run_until(at(1_500));
    let alice = sim.incoming(A);
    sim.command(A, |u, now| u.answer(now, alice, ANSWER));
    sim.run_until(at(2_000));
    sim.command(B, |u, now| u.terminate(now, id));
    sim.run_until(at(5_000));

    let mut expected = ringing("B", "A", &ca);
    expected.extend([
        "1500 A>P 200 OK/INVITE".to_owned(),
        "1520 P>B 200 OK/INVITE".to_owned(),
        format!("1540 B>P ACK {ca}"),
        format!("1560 P>A ACK {ca}"),
        format!("2000 B>P BYE {ca}"),
        format!("2020 P>A BYE {ca}"),
        "2040 A>P 200 OK/BYE".to_owned(),
        "2060 P>B 200 OK/BYE".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);
    assert_eq!(body(&sim.ladder_text(T0, 2)), OFFER);
    assert_eq!(body(&sim.ladder_text(T0, 10)), ANSWER);
    assert_eq!(
        sim.call_events(B, id, T0),
        [
            (
                at(1_080),
                Event::Progress {
                    id,
                    status: StatusCode::new(180).unwrap(),
                    sdp: None
                }
            ),
            (at(1_540), Event::Accepted { id, sdp: sdp(ANSWER) }),
            (at(1_540), Event::Confirmed { id }),
            (
                at(2_000),
                Event::Ended {
                    id,
                    cause: Cause::Bye,
                    originator: Originator::Local
                }
            ),
        ]
    );
    let events = sim.call_events(A, alice, T0);
    assert!(
        matches!(&events[0], (t, Event::NewSession { sdp: Some(s), to, .. }) if *t == at(1_040) && s == OFFER.as_bytes() && to == "<sip:alice@example.com>"),
        "{events:?}"
    );
    assert_eq!(
        events[1..],
        [
            (at(1_580), Event::Confirmed { id: alice }),
            (
                at(2_040),
                Event::Ended {
                    id: alice,
                    cause: Cause::Bye,
                    originator: Originator::Remote
                }
            ),
        ]
    );
    no_dropped(&sim, &[A, B]);
}

#[test]
fn busy_callee_rejects_with_486() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.reject(now, bob, StatusCode::new(486).unwrap()));
    sim.run_until(at(40_000));

    // The proxy acknowledges the 486 on its branch itself and absorbs Alice's ACK
    // (RFC 3261 §16.7, §17.1.1.3).
    let mut expected = ringing("A", "B", &cb);
    expected.extend([
        "1500 B>P 486 Busy Here/INVITE".to_owned(),
        format!("1520 P>B ACK {cb}"),
        "1520 P>A 486 Busy Here/INVITE".to_owned(),
        "1540 A>P ACK sip:bob@example.com".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);
    // The proxy's ACK: same branch as the INVITE it sent, To with Bob's tag.
    let invite = sim.ladder_text(T0, 2);
    let busy = sim.ladder_text(T0, 9);
    let ack = sim.ladder_text(T0, 10);
    assert_eq!(header_lines(&ack, "Via"), [header_lines(&invite, "Via")[0]]);
    assert_eq!(header_line(&ack, "To"), header_line(&busy, "To"));
    assert_eq!(
        header_line(&ack, "CSeq"),
        header_line(&invite, "CSeq").replace("INVITE", "ACK")
    );
    assert_eq!(
        sim.call_events(A, id, at(1_100)),
        [(
            at(1_540),
            Event::Failed {
                id,
                cause: Cause::Busy,
                originator: Originator::Remote,
                status: StatusCode::new(486)
            }
        )]
    );
    assert_eq!(
        sim.call_events(B, bob, at(1_100)),
        [(
            at(1_500),
            Event::Failed {
                id: bob,
                cause: Cause::Busy,
                originator: Originator::Local,
                status: StatusCode::new(486)
            }
        )]
    );
    no_dropped(&sim, &[A, B]);
}

#[test]
fn cancel_before_answer_ends_both_sides_canceled() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(A, |u, now| u.terminate(now, id));
    sim.run_until(at(40_000));

    let mut expected = ringing("A", "B", &cb);
    expected.extend([
        "1500 A>P CANCEL sip:bob@example.com".to_owned(),
        "1520 P>A 200 OK/CANCEL".to_owned(),
        format!("1520 P>B CANCEL {cb}"),
        "1540 B>P 200 OK/CANCEL".to_owned(),
        "1540 B>P 487 Request Terminated/INVITE".to_owned(),
        format!("1560 P>B ACK {cb}"),
        "1560 P>A 487 Request Terminated/INVITE".to_owned(),
        "1580 A>P ACK sip:bob@example.com".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);
    // Alice's CANCEL copies her INVITE's Request-URI, top Via, Call-ID, From, To and CSeq
    // number (RFC 3261 §9.1).
    let (invite, cancel) = (sim.ladder_text(T0, 0), sim.ladder_text(T0, 9));
    for name in ["Via", "To", "From", "Call-ID"] {
        assert_eq!(header_line(&cancel, name), header_line(&invite, name));
    }
    assert_eq!(
        header_line(&cancel, "CSeq"),
        header_line(&invite, "CSeq").replace("INVITE", "CANCEL")
    );
    assert_eq!(
        sim.call_events(A, id, at(1_100)),
        [(
            at(1_580),
            Event::Failed {
                id,
                cause: Cause::Canceled,
                originator: Originator::Local,
                status: StatusCode::new(487)
            }
        )]
    );
    assert_eq!(
        sim.call_events(B, bob, at(1_100)),
        [(
            at(1_540),
            Event::Failed {
                id: bob,
                cause: Cause::Canceled,
                originator: Originator::Remote,
                status: None
            }
        )]
    );
    no_dropped(&sim, &[A, B]);
}

/// The 200 passes the proxy before Alice's CANCEL reaches it: the proxy answers the CANCEL
/// and has nothing left to cancel; Alice gets the 200 after hanging up and sends ACK, then
/// BYE (RFC 3261 §9.1, §15).
#[test]
fn answer_crossing_cancel_at_the_proxy_gets_ack_then_bye() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.answer(now, bob, ANSWER));
    sim.run_until(at(1_510));
    sim.command(A, |u, now| u.terminate(now, id));
    sim.run_until(at(40_000));

    let mut expected = ringing("A", "B", &cb);
    expected.extend([
        "1500 B>P 200 OK/INVITE".to_owned(),
        "1510 A>P CANCEL sip:bob@example.com".to_owned(),
        "1520 P>A 200 OK/INVITE".to_owned(),
        "1530 P>A 200 OK/CANCEL".to_owned(),
        format!("1540 A>P ACK {cb}"),
        format!("1540 A>P BYE {cb}"),
        format!("1560 P>B ACK {cb}"),
        format!("1560 P>B BYE {cb}"),
        "1580 B>P 200 OK/BYE".to_owned(),
        "1600 P>A 200 OK/BYE".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);
    race_events(&sim, id, bob);
}

/// The CANCEL reaches Bob after he answered: he answers it 200 without a 487 (the INVITE
/// has its final response, RFC 3261 §9.2), and Alice still gets ACK then BYE.
#[test]
fn cancel_reaching_the_callee_after_his_answer_gets_ack_then_bye() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_490));
    sim.command(A, |u, now| u.terminate(now, id));
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.answer(now, bob, ANSWER));
    sim.run_until(at(40_000));

    let mut expected = ringing("A", "B", &cb);
    expected.extend([
        "1490 A>P CANCEL sip:bob@example.com".to_owned(),
        "1500 B>P 200 OK/INVITE".to_owned(),
        "1510 P>A 200 OK/CANCEL".to_owned(),
        format!("1510 P>B CANCEL {cb}"),
        "1520 P>A 200 OK/INVITE".to_owned(),
        "1530 B>P 200 OK/CANCEL".to_owned(),
        format!("1540 A>P ACK {cb}"),
        format!("1540 A>P BYE {cb}"),
        format!("1560 P>B ACK {cb}"),
        format!("1560 P>B BYE {cb}"),
        "1580 B>P 200 OK/BYE".to_owned(),
        "1600 P>A 200 OK/BYE".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);
    race_events(&sim, id, bob);
}

fn race_events(sim: &Sim, id: SessionId, bob: SessionId) {
    assert_eq!(
        sim.call_events(A, id, at(1_100)),
        [(
            at(1_540),
            Event::Failed {
                id,
                cause: Cause::Canceled,
                originator: Originator::Local,
                status: StatusCode::new(200)
            }
        )]
    );
    assert_eq!(
        sim.call_events(B, bob, at(1_100)),
        [
            (at(1_580), Event::Confirmed { id: bob }),
            (
                at(1_580),
                Event::Ended {
                    id: bob,
                    cause: Cause::Bye,
                    originator: Originator::Remote
                }
            ),
        ]
    );
    no_dropped(sim, &[A, B]);
}

#[test]
fn unanswered_call_gets_408_after_no_answer_timeout() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 5);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(40_000));
    let bob = sim.incoming(B);
    // Ringing since 1040: the 408 goes at 1040 + 5 s.
    let mut expected = ringing("A", "B", &cb);
    expected.extend([
        "6040 B>P 408 Request Timeout/INVITE".to_owned(),
        format!("6060 P>B ACK {cb}"),
        "6060 P>A 408 Request Timeout/INVITE".to_owned(),
        "6080 A>P ACK sip:bob@example.com".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);
    assert_eq!(
        sim.call_events(A, id, at(1_100)),
        [(
            at(6_080),
            Event::Failed {
                id,
                cause: Cause::RequestTimeout,
                originator: Originator::Remote,
                status: StatusCode::new(408)
            }
        )]
    );
    assert_eq!(
        sim.call_events(B, bob, at(1_100)),
        [(
            at(6_040),
            Event::Failed {
                id: bob,
                cause: Cause::NoAnswer,
                originator: Originator::Local,
                status: None
            }
        )]
    );
    no_dropped(&sim, &[A, B]);
}

#[test]
fn early_media_from_a_183_with_sdp() {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.progress(now, bob, ANSWER));
    sim.run_until(at(2_000));
    sim.command(B, |u, now| u.answer(now, bob, ANSWER));
    sim.run_until(at(3_000));
    sim.command(A, |u, now| u.terminate(now, id));
    sim.run_until(at(5_000));

    let mut expected = ringing("A", "B", &cb);
    expected.extend([
        "1500 B>P 183 Session Progress/INVITE".to_owned(),
        "1520 P>A 183 Session Progress/INVITE".to_owned(),
        format!("1540 A>P PRACK {cb}"),
        format!("1560 P>B PRACK {cb}"),
        "1580 B>P 200 OK/PRACK".to_owned(),
        "1600 P>A 200 OK/PRACK".to_owned(),
        "2000 B>P 200 OK/INVITE".to_owned(),
        "2020 P>A 200 OK/INVITE".to_owned(),
        format!("2040 A>P ACK {cb}"),
        format!("2060 P>B ACK {cb}"),
        format!("3000 A>P BYE {cb}"),
        format!("3020 P>B BYE {cb}"),
        "3040 B>P 200 OK/BYE".to_owned(),
        "3060 P>A 200 OK/BYE".to_owned(),
    ]);
    assert_eq!(sim.ladder(&NAMES, T0), expected);
    let early = sim.ladder_text(T0, 10);
    assert_eq!(
        header_line(&early, "Content-Type"),
        "Content-Type: application/sdp"
    );
    assert_eq!(body(&early), ANSWER);
    let events = sim.call_events(A, id, T0);
    assert_eq!(
        events[..3],
        [
            (
                at(1_080),
                Event::Progress {
                    id,
                    status: StatusCode::new(180).unwrap(),
                    sdp: None
                }
            ),
            (
                at(1_540),
                Event::Progress {
                    id,
                    status: StatusCode::new(183).unwrap(),
                    sdp: sdp(ANSWER)
                }
            ),
            (at(2_040), Event::Accepted { id, sdp: sdp(ANSWER) }),
        ]
    );
    assert_eq!(
        events[3..],
        [
            (at(2_040), Event::Confirmed { id }),
            (
                at(3_000),
                Event::Ended {
                    id,
                    cause: Cause::Bye,
                    originator: Originator::Local
                }
            ),
        ]
    );
    no_dropped(&sim, &[A, B]);
}

/// Bob has two contacts (UAs 1 and 2): the proxy forks, Alice sees two early dialogs (two
/// 180s with different To tags), the second contact answers, and the proxy cancels the first
/// (RFC 3261 §16.7 step 10).
#[test]
fn forked_invite_first_answer_wins_the_other_fork_is_cancelled() {
    let mut sim = setup(Proxy::new(), &["alice", "bob", "bob"], 30);
    let (cb, cc) = (sim.contact(B), sim.contact(C));
    assert_eq!(
        sim.registrar()
            .live_bindings("sip:bob@example.com", sim.now())
            .len(),
        2
    );
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let (b1, b2) = (sim.incoming(B), sim.incoming(C));
    sim.command(C, |u, now| u.answer(now, b2, ANSWER));
    sim.run_until(at(40_000));

    assert_eq!(
        sim.ladder(&NAMES, T0),
        [
            "1000 A>P INVITE sip:bob@example.com".to_owned(),
            "1020 P>A 100 Trying/INVITE".to_owned(),
            format!("1020 P>B INVITE {cb}"),
            format!("1020 P>C INVITE {cc}"),
            "1040 B>P 180 Ringing/INVITE".to_owned(),
            "1040 C>P 180 Ringing/INVITE".to_owned(),
            "1060 P>A 180 Ringing/INVITE".to_owned(),
            "1060 P>A 180 Ringing/INVITE".to_owned(),
            format!("1080 A>P PRACK {cb}"),
            format!("1080 A>P PRACK {cc}"),
            format!("1100 P>B PRACK {cb}"),
            format!("1100 P>C PRACK {cc}"),
            "1120 B>P 200 OK/PRACK".to_owned(),
            "1120 C>P 200 OK/PRACK".to_owned(),
            "1140 P>A 200 OK/PRACK".to_owned(),
            "1140 P>A 200 OK/PRACK".to_owned(),
            "1500 C>P 200 OK/INVITE".to_owned(),
            "1520 P>A 200 OK/INVITE".to_owned(),
            format!("1520 P>B CANCEL {cb}"),
            format!("1540 A>P ACK {cc}"),
            "1540 B>P 200 OK/CANCEL".to_owned(),
            "1540 B>P 487 Request Terminated/INVITE".to_owned(),
            format!("1560 P>C ACK {cc}"),
            format!("1560 P>B ACK {cb}"),
        ]
    );
    // Two early dialogs: the two 180s carry different To tags, and each PRACK goes in its own.
    let tag = |n: usize| header_line(&sim.ladder_text(T0, n), "To").to_owned();
    assert_ne!(tag(6), tag(7));
    assert_eq!(tag(8), tag(6));
    assert_eq!(tag(9), tag(7));
    assert_eq!(
        sim.call_events(A, id, T0)
            .into_iter()
            .map(|(t, _)| t)
            .collect::<Vec<_>>(),
        [at(1_080), at(1_080), at(1_540), at(1_540)]
    );
    assert!(matches!(
        &sim.call_events(A, id, T0)[2..],
        [(_, Event::Accepted { .. }), (_, Event::Confirmed { .. })]
    ));
    assert_eq!(
        sim.call_events(B, b1, at(1_100)),
        [(
            at(1_540),
            Event::Failed {
                id: b1,
                cause: Cause::Canceled,
                originator: Originator::Remote,
                status: None
            }
        )]
    );
    assert_eq!(
        sim.call_events(C, b2, at(1_100)),
        [(at(1_580), Event::Confirmed { id: b2 })]
    );
    no_dropped(&sim, &[A, B, C]);
}

/// With the proxy letting every branch ring on, both of Bob's contacts answer: Alice keeps
/// the first and acknowledges then hangs up the second (RFC 3261 §13.2.2.4).
#[test]
fn forked_invite_second_answer_is_acknowledged_and_hung_up() {
    let mut proxy = Proxy::new();
    proxy.cancel_forks = false;
    let mut sim = setup(proxy, &["alice", "bob", "bob"], 30);
    let (cb, cc) = (sim.contact(B), sim.contact(C));
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let (b1, b2) = (sim.incoming(B), sim.incoming(C));
    sim.command(C, |u, now| u.answer(now, b2, ANSWER));
    sim.run_until(at(1_600));
    sim.command(B, |u, now| u.answer(now, b1, ANSWER));
    sim.run_until(at(40_000));

    assert_eq!(
        sim.ladder(&NAMES, at(1_500)),
        [
            "1500 C>P 200 OK/INVITE".to_owned(),
            "1520 P>A 200 OK/INVITE".to_owned(),
            format!("1540 A>P ACK {cc}"),
            format!("1560 P>C ACK {cc}"),
            "1600 B>P 200 OK/INVITE".to_owned(),
            "1620 P>A 200 OK/INVITE".to_owned(),
            format!("1640 A>P ACK {cb}"),
            format!("1640 A>P BYE {cb}"),
            format!("1660 P>B ACK {cb}"),
            format!("1660 P>B BYE {cb}"),
            "1680 B>P 200 OK/BYE".to_owned(),
            "1700 P>A 200 OK/BYE".to_owned(),
        ]
    );
    assert!(matches!(
        &sim.call_events(A, id, at(1_500))[..],
        [(t1, Event::Accepted { .. }), (t2, Event::Confirmed { .. })] if *t1 == at(1_540) && *t2 == at(1_540)
    ));
    assert_eq!(
        sim.call_events(B, b1, at(1_100)),
        [
            (at(1_680), Event::Confirmed { id: b1 }),
            (
                at(1_680),
                Event::Ended {
                    id: b1,
                    cause: Cause::Bye,
                    originator: Originator::Remote
                }
            ),
        ]
    );
    assert_eq!(
        sim.call_events(C, b2, at(1_100)),
        [(at(1_580), Event::Confirmed { id: b2 })]
    );
    no_dropped(&sim, &[A, B, C]);
}

/// An established call (Alice called Bob); returns the ids on both sides.
fn established() -> (Sim, SessionId, SessionId) {
    let mut sim = setup(Proxy::new(), &["alice", "bob"], 30);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.answer(now, bob, ANSWER));
    sim.run_until(at(2_000));
    (sim, id, bob)
}

/// Bob (the callee) holds and unholds: his re-INVITEs follow his route set, so they carry
/// the proxy's Route; each offer flips the direction (RFC 3264 §8.4).
#[test]
fn callee_hold_and_unhold_through_the_proxy() {
    let (mut sim, id, bob) = established();
    let ca = sim.contact(A);
    sim.command(B, |u, now| u.hold(now, bob)).unwrap();
    sim.run_until(at(3_000));
    sim.command(B, |u, now| u.unhold(now, bob)).unwrap();
    sim.run_until(at(4_000));

    let t = at(2_000);
    assert_eq!(
        sim.ladder(&NAMES, t),
        [
            format!("2000 B>P INVITE {ca}"),
            "2020 P>B 100 Trying/INVITE".to_owned(),
            format!("2020 P>A INVITE {ca}"),
            "2040 A>P 200 OK/INVITE".to_owned(),
            "2060 P>B 200 OK/INVITE".to_owned(),
            format!("2080 B>P ACK {ca}"),
            format!("2100 P>A ACK {ca}"),
            format!("3000 B>P INVITE {ca}"),
            "3020 P>B 100 Trying/INVITE".to_owned(),
            format!("3020 P>A INVITE {ca}"),
            "3040 A>P 200 OK/INVITE".to_owned(),
            "3060 P>B 200 OK/INVITE".to_owned(),
            format!("3080 B>P ACK {ca}"),
            format!("3100 P>A ACK {ca}"),
        ]
    );
    for (n, dir) in [(0, "a=sendonly"), (7, "a=sendrecv")] {
        let reinvite = sim.ladder_text(t, n);
        assert_eq!(header_lines(&reinvite, "Route"), [PROXY_ROUTE]);
        assert!(body(&reinvite).contains(&format!("{dir}\r\n")), "{reinvite}");
        // The proxy removes its Route and does not record-route a re-INVITE.
        let passed = sim.ladder_text(t, n + 2);
        assert!(header_lines(&passed, "Route").is_empty(), "{passed}");
        assert!(header_lines(&passed, "Record-Route").is_empty(), "{passed}");
        assert_eq!(header_lines(&sim.ladder_text(t, n + 5), "Route"), [PROXY_ROUTE]);
    }
    assert!(body(&sim.ladder_text(t, 3)).contains("a=recvonly\r\n"));
    let hold = |originator| Event::Hold { id, originator };
    assert_eq!(
        sim.call_events(A, id, t),
        [
            (at(2_040), hold(Originator::Remote)),
            (
                at(3_040),
                Event::Unhold {
                    id,
                    originator: Originator::Remote
                }
            ),
        ]
    );
    assert_eq!(
        sim.call_events(B, bob, t),
        [
            (
                at(2_080),
                Event::Hold {
                    id: bob,
                    originator: Originator::Local
                }
            ),
            (
                at(3_080),
                Event::Unhold {
                    id: bob,
                    originator: Originator::Local
                }
            ),
        ]
    );
    no_dropped(&sim, &[A, B]);
}

/// Alice (the caller) holds: her re-INVITE must follow her route set, the Record-Route of
/// Bob's 2xx (RFC 3261 §12.1.2), so it carries the proxy's Route. Bob's UA does not copy the
/// INVITE's Record-Route into its 18x/2xx (RFC 3261 §12.1.1: "the UAS MUST copy all
/// Record-Route header field values from the request into the response"), so Alice's route
/// set is empty and her in-dialog requests (PRACK, ACK, re-INVITE, INFO, BYE) go without it
/// (`respond_with_headers` in core/src/ua/incoming_call.rs builds on `ResponseBuilder::echo`,
/// which copies Via, From, To, Call-ID and CSeq only).
#[test]
fn caller_hold_carries_the_route_from_record_route() {
    let (mut sim, id, _bob) = established();
    // Bob's 200 as Alice received it.
    let ok = sim.ladder_text(T0, 10);
    assert_eq!(header_lines(&ok, "Record-Route"), [PROXY_RR], "{ok}");
    sim.command(A, |u, now| u.hold(now, id)).unwrap();
    sim.run_until(at(3_000));
    let reinvite = sim.ladder_text(at(2_000), 0);
    assert_eq!(header_lines(&reinvite, "Route"), [PROXY_ROUTE], "{reinvite}");
}

/// Both re-INVITE at the same instant: each gets 491 and retries after the RFC 3261 §14.1
/// delay — Alice, who placed the call (owns the Call-ID), after 2.1–4 s; Bob after 0–2 s;
/// both in 10 ms units. Bob's retry goes first and succeeds, then Alice's.
#[test]
fn glare_both_retry_after_their_delays() {
    let mut seen = Vec::new();
    for seed in 0..4 {
        let (mut sim, id, bob) = established_seeded(seed);
        let (ca, cb) = (sim.contact(A), sim.contact(B));
        let t = at(4_000);
        sim.run_until(t);
        sim.command(A, |u, now| u.hold(now, id)).unwrap();
        sim.command(B, |u, now| u.hold(now, bob)).unwrap();
        sim.run_until(at(20_000));
        let ladder = sim.ladder(&NAMES, t);
        assert_eq!(
            ladder[..14],
            [
                format!("4000 A>P INVITE {cb}"),
                format!("4000 B>P INVITE {ca}"),
                "4020 P>A 100 Trying/INVITE".to_owned(),
                format!("4020 P>B INVITE {cb}"),
                "4020 P>B 100 Trying/INVITE".to_owned(),
                format!("4020 P>A INVITE {ca}"),
                "4040 B>P 491 Request Pending/INVITE".to_owned(),
                "4040 A>P 491 Request Pending/INVITE".to_owned(),
                format!("4060 P>B ACK {cb}"),
                "4060 P>A 491 Request Pending/INVITE".to_owned(),
                format!("4060 P>A ACK {ca}"),
                "4060 P>B 491 Request Pending/INVITE".to_owned(),
                format!("4080 A>P ACK {cb}"),
                format!("4080 B>P ACK {ca}"),
            ],
            "seed {seed}"
        );
        // The 491s arrive at 4080; the retries go at 4080 + delay.
        let sent = |who: &str, uri: &str| {
            ladder[14..]
                .iter()
                .find(|l| l.ends_with(&format!(" {who}>P INVITE {uri}")))
                .map(|l| l.split(' ').next().unwrap().parse::<u64>().unwrap())
                .unwrap()
        };
        let (retry_a, retry_b) = (sent("A", &cb), sent("B", &ca));
        let (delay_a, delay_b) = (retry_a - 4_080, retry_b - 4_080);
        assert!(
            (2_100..=4_000).contains(&delay_a) && delay_a % 10 == 0,
            "{delay_a}"
        );
        assert!(delay_b <= 2_000 && delay_b % 10 == 0, "{delay_b}");
        seen.push((delay_a, delay_b));
        // Each retry is a complete re-INVITE transaction: 100, 200, ACK, 80 ms round trip.
        let b_line = ladder
            .iter()
            .position(|l| l.starts_with(&format!("{retry_b} B>P INVITE")))
            .unwrap();
        assert_eq!(
            ladder[b_line..b_line + 7],
            [
                format!("{retry_b} B>P INVITE {ca}"),
                format!("{} P>B 100 Trying/INVITE", retry_b + 20),
                format!("{} P>A INVITE {ca}", retry_b + 20),
                format!("{} A>P 200 OK/INVITE", retry_b + 40),
                format!("{} P>B 200 OK/INVITE", retry_b + 60),
                format!("{} B>P ACK {ca}", retry_b + 80),
                format!("{} P>A ACK {ca}", retry_b + 100),
            ]
        );
        assert_eq!(
            sim.call_events(A, id, t),
            [
                (
                    at(retry_b + 40),
                    Event::Hold {
                        id,
                        originator: Originator::Remote
                    }
                ),
                (
                    at(retry_a + 80),
                    Event::Hold {
                        id,
                        originator: Originator::Local
                    }
                ),
            ],
            "seed {seed}"
        );
        assert_eq!(
            sim.call_events(B, bob, t),
            [
                (
                    at(retry_b + 80),
                    Event::Hold {
                        id: bob,
                        originator: Originator::Local
                    }
                ),
                (
                    at(retry_a + 40),
                    Event::Hold {
                        id: bob,
                        originator: Originator::Remote
                    }
                ),
            ],
            "seed {seed}"
        );
        no_dropped(&sim, &[A, B]);
    }
    // The delays are drawn, not fixed.
    seen.sort_unstable();
    seen.dedup();
    assert!(seen.len() > 1, "{seen:?}");
}

fn established_seeded(seed: u64) -> (Sim, SessionId, SessionId) {
    let mut sim = Sim::with_proxy(
        Network::fixed(Duration::from_millis(20)),
        Registrar::open(),
        Proxy::new(),
        seed,
    );
    for (i, u) in ["alice", "bob"].iter().enumerate() {
        let cfg = call_config(u, "wss://proxy.example.com").build().unwrap();
        sim.add_ua(Sim::pcg_ua(cfg, 100 * seed + i as u64));
    }
    sim.register_all(&[A, B]);
    sim.run_until(T0);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.answer(now, bob, ANSWER));
    sim.run_until(at(2_000));
    (sim, id, bob)
}

/// DTMF by INFO both ways through the proxy: one INFO per tone, the next 500 ms after the
/// previous one's 200 (JsSIP's inter-tone gap).
#[test]
fn dtmf_info_both_ways_through_the_proxy() {
    let (mut sim, id, bob) = established();
    let (ca, cb) = (sim.contact(A), sim.contact(B));
    sim.command(A, |u, now| u.send_dtmf(now, id, "1#", None)).unwrap();
    sim.run_until(at(3_000));
    sim.command(B, |u, now| u.send_dtmf(now, bob, "9", Some(250)))
        .unwrap();
    sim.run_until(at(4_000));
    let t = at(2_000);
    assert_eq!(
        sim.ladder(&NAMES, t),
        [
            format!("2000 A>P INFO {cb}"),
            format!("2020 P>B INFO {cb}"),
            "2040 B>P 200 OK/INFO".to_owned(),
            "2060 P>A 200 OK/INFO".to_owned(),
            format!("2580 A>P INFO {cb}"),
            format!("2600 P>B INFO {cb}"),
            "2620 B>P 200 OK/INFO".to_owned(),
            "2640 P>A 200 OK/INFO".to_owned(),
            format!("3000 B>P INFO {ca}"),
            format!("3020 P>A INFO {ca}"),
            "3040 A>P 200 OK/INFO".to_owned(),
            "3060 P>B 200 OK/INFO".to_owned(),
        ]
    );
    for (n, tone, duration) in [(1, "1", 100), (5, "#", 100), (9, "9", 250)] {
        let info = sim.ladder_text(t, n);
        assert_eq!(
            header_line(&info, "Content-Type"),
            "Content-Type: application/dtmf-relay"
        );
        assert_eq!(body(&info), format!("Signal={tone}\r\nDuration={duration}\r\n"));
    }
    // Bob's INFO carries his route set; the proxy removed it.
    assert_eq!(header_lines(&sim.ladder_text(t, 8), "Route"), [PROXY_ROUTE]);
    let dtmf = |id, tone, duration, originator| Event::NewDtmf {
        id,
        tone,
        duration,
        originator,
    };
    assert_eq!(
        sim.call_events(A, id, t),
        [
            (at(2_000), dtmf(id, '1', 100, Originator::Local)),
            (at(2_580), dtmf(id, '#', 100, Originator::Local)),
            (at(3_040), dtmf(id, '9', 250, Originator::Remote)),
        ]
    );
    assert_eq!(
        sim.call_events(B, bob, t),
        [
            (at(2_040), dtmf(bob, '1', 100, Originator::Remote)),
            (at(2_620), dtmf(bob, '#', 100, Originator::Remote)),
            (at(3_000), dtmf(bob, '9', 250, Originator::Local)),
        ]
    );
    no_dropped(&sim, &[A, B]);
}

/// The proxy challenges Alice's INVITE with 407: she acknowledges it, sends it again with
/// Proxy-Authorization (CSeq + 1, same Call-ID and From tag, RFC 3261 §22.2), and the call
/// goes through; the proxy checked the digest itself.
#[test]
fn invite_challenged_by_the_proxy_is_sent_again_with_credentials() {
    use sansip_core::message::Method;
    use sansip_tests::sim::digest::{digest_params, response_qop_auth};
    use sansip_tests::sim::proxy::ProxyAuth;

    let mut proxy = Proxy::new();
    proxy.auth = Some(ProxyAuth::new(
        "example.com",
        "alice",
        "secret",
        &[Method::Invite, Method::Message],
    ));
    let mut sim = Sim::with_proxy(
        Network::fixed(Duration::from_millis(20)),
        Registrar::open(),
        proxy,
        1,
    );
    let alice = call_config("alice", "wss://proxy.example.com")
        .password("secret")
        .build()
        .unwrap();
    sim.add_ua(Sim::pcg_ua(alice, 10));
    let bob = call_config("bob", "wss://proxy.example.com").build().unwrap();
    sim.add_ua(Sim::pcg_ua(bob, 11));
    sim.register_all(&[A, B]);
    sim.run_until(T0);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob");
    sim.run_until(at(1_500));
    let ladder = sim.ladder(&NAMES, T0);
    assert_eq!(
        ladder[..5],
        [
            "1000 A>P INVITE sip:bob@example.com".to_owned(),
            "1020 P>A 407 Proxy Authentication Required/INVITE".to_owned(),
            "1040 A>P ACK sip:bob@example.com".to_owned(),
            "1040 A>P INVITE sip:bob@example.com".to_owned(),
            "1060 P>A 100 Trying/INVITE".to_owned(),
        ]
    );
    assert_eq!(ladder[5], format!("1060 P>B INVITE {cb}"));
    let (first, second) = (sim.ladder_text(T0, 0), sim.ladder_text(T0, 3));
    let seq = |t: &str| -> u32 { header_line(t, "CSeq").split(' ').nth(1).unwrap().parse().unwrap() };
    assert_eq!(seq(&second), seq(&first) + 1);
    assert_eq!(header_line(&second, "Call-ID"), header_line(&first, "Call-ID"));
    assert_eq!(header_line(&second, "From"), header_line(&first, "From"));
    let challenge = sim.ladder_text(T0, 1);
    let nonce = digest_params(
        header_line(&challenge, "Proxy-Authenticate")
            .strip_prefix("Proxy-Authenticate: ")
            .unwrap(),
    )
    .unwrap()["nonce"]
        .clone();
    let auth = header_line(&second, "Proxy-Authorization")
        .strip_prefix("Proxy-Authorization: ")
        .unwrap();
    let params = digest_params(auth).unwrap();
    let expected = response_qop_auth(
        "alice",
        "example.com",
        "secret",
        "INVITE",
        "sip:bob@example.com",
        &nonce,
        "00000001",
        &params["cnonce"],
    );
    assert_eq!(params["response"], expected);
    assert_eq!(params["uri"], "sip:bob@example.com");
    let checks = &sim.proxy().auth.as_ref().unwrap().checks;
    assert_eq!(checks.len(), 1);
    assert!(checks[0].ok);
    // The credentials stay with the proxy: Bob's copy still carries them (a proxy may leave
    // them), and the call proceeds as any other.
    let bob_id = sim.incoming(B);
    sim.command(B, |u, now| u.answer(now, bob_id, ANSWER));
    sim.run_until(at(3_000));
    assert!(matches!(
        &sim.call_events(A, id, T0)[..],
        [
            (_, Event::Progress { .. }),
            (_, Event::Accepted { .. }),
            (_, Event::Confirmed { .. })
        ]
    ));
    no_dropped(&sim, &[A, B]);
}

/// The events of call `id` on `ua` from `from` on, as names (`Ended`, `NewDtmf`...).
fn names(sim: &Sim, ua: usize, id: SessionId, from: Instant) -> Vec<(u64, String)> {
    sim.call_events(ua, id, from)
        .into_iter()
        .map(|(t, e)| {
            let name = format!("{e:?}");
            let name = name.split([' ', '{']).next().unwrap().to_owned();
            (t.as_millis(), name)
        })
        .collect()
}

/// Both hang up at the same instant: the BYEs cross, each side answers the other's 200 and
/// reports the end once. Actual: each side reports `Ended { Bye, Local }` and then
/// `Ended { Bye, Remote }` — the incoming BYE finds the call (kept until its own BYE
/// transaction ends), and the BYE branch of `in_dialog_request`
/// (core/src/ua/incoming_call.rs) calls `Call::confirm()` (core/src/ua/call_state.rs), which
/// sets the phase back from Terminated to Confirmed, so `call_ended` emits a second Ended.
#[test]
fn crossing_byes_end_each_side_once() {
    let (mut sim, id, bob) = established();
    sim.command(A, |u, now| u.terminate(now, id));
    sim.command(B, |u, now| u.terminate(now, bob));
    sim.run_until(at(40_000));
    let (ca, cb) = (sim.contact(A), sim.contact(B));
    assert_eq!(
        sim.ladder(&NAMES, at(2_000)),
        [
            format!("2000 A>P BYE {cb}"),
            format!("2000 B>P BYE {ca}"),
            format!("2020 P>B BYE {cb}"),
            format!("2020 P>A BYE {ca}"),
            "2040 B>P 200 OK/BYE".to_owned(),
            "2040 A>P 200 OK/BYE".to_owned(),
            "2060 P>A 200 OK/BYE".to_owned(),
            "2060 P>B 200 OK/BYE".to_owned(),
        ]
    );
    assert_eq!(names(&sim, A, id, at(2_000)), [(2_000, "Ended".to_owned())]);
    assert_eq!(names(&sim, B, bob, at(2_000)), [(2_000, "Ended".to_owned())]);
}

/// Bob's DTMF INFO is in flight when Alice hangs up: after her BYE the session is over
/// (RFC 3261 §15.1.1), so the INFO gets 481 and no event. Actual: Alice answers 200 and
/// reports `NewDtmf` after her `Ended` (`in_dialog_request` in core/src/ua/incoming_call.rs
/// serves a call in phase Terminated, kept only for its BYE transaction).
#[test]
fn dtmf_arriving_after_the_hang_up_is_not_reported() {
    let (mut sim, id, bob) = established();
    sim.command(B, |u, now| u.send_dtmf(now, bob, "5", None)).unwrap();
    sim.run_until(at(2_030));
    sim.command(A, |u, now| u.terminate(now, id));
    sim.run_until(at(40_000));
    assert_eq!(names(&sim, A, id, at(2_000)), [(2_030, "Ended".to_owned())]);
    let info_answer = sim
        .ladder(&NAMES, at(2_000))
        .into_iter()
        .find(|l| l.contains(" A>P ") && l.ends_with("/INFO"))
        .unwrap();
    assert_eq!(info_answer, "2040 A>P 481 Call/Transaction Does Not Exist/INFO");
}

/// Alice hangs up while a DTMF INFO is in flight and more tones are queued: the queue goes
/// with the call. Actual: the INFO's 200 (at 2080) re-arms the inter-tone timer, which sends
/// the next tones by INFO in the ended dialog 500 ms later, each with a `NewDtmf { Local }`
/// after `Ended` (`dtmf_done` / `next_dtmf` in core/src/ua/dtmf.rs do not check that the
/// call is still up).
#[test]
fn queued_dtmf_is_dropped_when_the_call_ends() {
    let (mut sim, id, _bob) = established();
    sim.command(A, |u, now| u.send_dtmf(now, id, "123", None))
        .unwrap();
    // The first INFO is answered at 2080; hang up before.
    sim.run_until(at(2_010));
    sim.command(A, |u, now| u.terminate(now, id));
    sim.run_until(at(40_000));
    let cb = sim.contact(B);
    let infos: Vec<String> = sim
        .ladder(&NAMES, at(2_000))
        .into_iter()
        .filter(|l| l.contains(" A>P INFO "))
        .collect();
    assert_eq!(infos, [format!("2000 A>P INFO {cb}")]);
    assert_eq!(
        names(&sim, A, id, at(2_000)),
        [(2_000, "NewDtmf".to_owned()), (2_010, "Ended".to_owned())]
    );
}

/// Alice hangs up while her hold re-INVITE is in flight: the 200 still gets its ACK
/// (RFC 3261 §13.2.2.4), but the call is over, so no Hold event. Actual: `Hold { Local }`
/// after `Ended` (`reinvite_response` in core/src/ua/in_dialog.rs does not look at the
/// call's phase).
#[test]
fn reinvite_answered_after_the_hang_up_is_not_reported() {
    let (mut sim, id, _bob) = established();
    sim.command(A, |u, now| u.hold(now, id)).unwrap();
    sim.run_until(at(2_010));
    sim.command(A, |u, now| u.terminate(now, id));
    sim.run_until(at(40_000));
    assert_eq!(names(&sim, A, id, at(2_000)), [(2_010, "Ended".to_owned())]);
}
