//! Call features through the simulated proxy, over WebSocket with a fixed 20 ms hop (UDP where
//! said): session timers (RFC 4028), reliable provisional responses (RFC 3262), blind and
//! attended transfer (RFC 3515, RFC 3891) and hold by UPDATE (RFC 3311). The same features as
//! the core's two-UA unit tests, asserted here on the proxied wire: every message with the
//! instant it was sent, the header lines that matter, and every call event with its instant.
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
use sansip_core::uri::unescape;
use sansip_tests::sim::calls::{
    body, call_config, header_tag, header_value, ladder_answered, ladder_exchange, ladder_ringing,
    session_of, ANSWER, OFFER,
};
use sansip_tests::sim::proxy::Proxy;
use sansip_tests::sim::{header_line, header_lines, Network, Registrar, Sim, WireMessage};

const NAMES: [&str; 3] = ["A", "B", "C"];
const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
/// Calls start here, once everyone is registered.
const T0: Instant = Instant::from_millis(1_000);
const PROXY_ROUTE: &str = "Route: <sip:proxy.example.com;lr;transport=ws>";
const WSS: &str = "wss://proxy.example.com";
const SE_UAC: &str = "Session-Expires: 90;refresher=uac";
const SDP_TYPE: &str = "Content-Type: application/sdp";

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// `users` (UAs 0, 1, 2...) registered through the proxy on `server` with a 20 ms hop, session
/// timers on or off; `network` may carry a drop rule.
fn setup_on(network: Network, server: &str, users: &[&str], timers: bool) -> Sim {
    let mut sim = Sim::with_proxy(network, Registrar::open(), Proxy::new(), 1);
    for (i, u) in users.iter().enumerate() {
        let cfg = call_config(u, server).session_timers(timers).build().unwrap();
        sim.add_ua(Sim::pcg_ua(cfg, 10 + i as u64));
    }
    let all: Vec<usize> = (0..users.len()).collect();
    sim.register_all(&all);
    sim.run_until(T0);
    sim
}

fn setup(users: &[&str], timers: bool) -> Sim {
    setup_on(Network::fixed(Duration::from_millis(20)), WSS, users, timers)
}

/// UA `ua` calls `target` now with [`OFFER`] and `extra` header lines.
fn call(sim: &mut Sim, ua: usize, target: &str, extra: Vec<String>) -> SessionId {
    let options = CallOptions {
        sdp: OFFER.into(),
        extra_headers: extra,
        ..Default::default()
    };
    sim.command(ua, |u, now| u.call(now, target, options)).unwrap()
}

/// UA `from` calls `target` (UA `to`) now; `to` answers 500 ms later; runs 500 ms more.
/// Returns the call's id on both sides.
fn established(sim: &mut Sim, from: usize, target: &str, to: usize) -> (SessionId, SessionId) {
    let id = call(sim, from, target, Vec::new());
    sim.run_for(Duration::from_millis(500));
    let theirs = sim.incoming(to);
    sim.command(to, |u, now| u.answer(now, theirs, ANSWER));
    sim.run_for(Duration::from_millis(500));
    (id, theirs)
}

fn sdp(s: &str) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(s.as_bytes()))
}

fn accepted(id: SessionId) -> Event {
    Event::Accepted { id, sdp: sdp(ANSWER) }
}

fn ended(id: SessionId, cause: Cause, originator: Originator) -> Event {
    Event::Ended {
        id,
        cause,
        originator,
    }
}

fn refer_notify(id: SessionId, status: u16, terminated: bool) -> Event {
    Event::ReferNotify {
        id,
        status: StatusCode::new(status).unwrap(),
        terminated,
    }
}

fn hold(id: SessionId, originator: Originator) -> Event {
    Event::Hold { id, originator }
}

fn unhold(id: SessionId, originator: Originator) -> Event {
    Event::Unhold { id, originator }
}

fn progress(id: SessionId, status: u16, sdp: Option<Bytes>) -> Event {
    Event::Progress {
        id,
        status: StatusCode::new(status).unwrap(),
        sdp,
    }
}

/// RFC 4028 through the proxy: Alice asks for 90 s, Bob's 200 makes her the refresher, she
/// refreshes by UPDATE at half the interval after each 2xx that set her timer; Bob, who only
/// watches, keeps the call while refreshes arrive. Her third refresh is lost with her
/// connection: Bob ends the call 90 − min(32, 90/3) = 60 s after the last refresh reached him.
#[test]
fn session_timer_refreshed_by_update_through_the_proxy_then_expired_by_the_callee() {
    let mut sim = setup(&["alice", "bob"], true);
    let (ca, cb) = (sim.contact(A), sim.contact(B));
    let (id, bob) = established(&mut sim, A, "bob", B);
    // Alice's timer starts when the 200 reaches her (sent by the proxy at 1520, +20 ms): her
    // refreshes go at 1540 + 45 s; each 200 to an UPDATE restarts it 80 ms after she sent it.
    let refresh1 = 1_540 + 45_000;
    let refresh2 = refresh1 + 80 + 45_000;
    let refresh3 = refresh2 + 80 + 45_000;
    assert_eq!((refresh1, refresh2, refresh3), (46_540, 91_620, 136_700));
    sim.run_until(at(refresh3));
    // The UPDATE just sent is lost with her connection.
    sim.cut_ua(A);
    sim.run_until(at(200_000));
    // Bob's timer restarted when the second refresh reached him (sent by the proxy +20 ms).
    let expiry = refresh2 + 40 + 60_000;

    let update = format!("UPDATE {cb}");
    let mut expected = ladder_ringing(1_000, "A", "B", "sip:bob@example.com", &cb);
    expected.extend(ladder_answered(1_500, "A", "B", &cb));
    expected.extend(ladder_exchange(refresh1, "A", "B", &update, "200 OK/UPDATE"));
    expected.extend(ladder_exchange(refresh2, "A", "B", &update, "200 OK/UPDATE"));
    expected.push(format!("{refresh3} A>P {update} (cut)"));
    // Alice's refresh failed with her connection (RFC 4028 §10): she ended the call then, so
    // Bob's expiry BYE finds no dialog at her side.
    let bye = format!("BYE {ca}");
    expected.extend(ladder_exchange(
        expiry,
        "B",
        "A",
        &bye,
        "481 Call/Transaction Does Not Exist/BYE",
    ));
    assert_eq!(sim.ladder(&NAMES, T0), expected);

    let text = |n| sim.ladder_text(T0, n);
    // JsSIP's INVITE: 90 s, no refresher named (RFC 4028 §7.1).
    assert_eq!(header_line(&text(0), "Session-Expires"), "Session-Expires: 90");
    assert!(header_value(&text(0), "Supported").contains("timer"));
    // Bob's 200 as Alice gets it: the caller refreshes, and Bob requires the extension.
    let ok = text(10);
    assert_eq!(header_line(&ok, "Session-Expires"), SE_UAC);
    assert_eq!(header_lines(&ok, "Require"), ["Require: timer"]);
    for n in [13, 17, 21] {
        let update = text(n);
        assert_eq!(header_line(&update, "Session-Expires"), SE_UAC);
        // In the dialog, through the proxy (her route set from the 200's Record-Route).
        assert_eq!(header_lines(&update, "Route"), [PROXY_ROUTE], "{update}");
        assert_eq!(body(&update), "");
    }
    for n in [16, 20] {
        let ok = text(n);
        assert_eq!(header_line(&ok, "Session-Expires"), SE_UAC);
        assert_eq!(header_lines(&ok, "Require"), ["Require: timer"]);
    }
    assert_eq!(header_lines(&text(22), "Route"), [PROXY_ROUTE]);

    assert_eq!(
        sim.call_events(B, bob, at(1_100)),
        [
            (at(1_580), Event::Confirmed { id: bob }),
            (at(expiry), ended(bob, Cause::Expires, Originator::System)),
        ]
    );
    assert_eq!(
        sim.call_events(A, id, at(1_100)),
        [
            (at(1_540), accepted(id)),
            (at(1_540), Event::Confirmed { id }),
            (at(refresh3), ended(id, Cause::RequestTimeout, Originator::System)),
        ]
    );
    sim.assert_no_drops(&[A, B]);
}

/// A call with session timers over UDP (a stateless proxy) whose every message to or from
/// Alice is lost from 46 s on: her first refresh and its retransmissions.
fn lost_refresh_over_udp() -> (Sim, SessionId, SessionId) {
    let mut network = Network::fixed(Duration::from_millis(20));
    network.drop_rule = Some(Box::new(|w: &WireMessage| w.ua == A && w.at >= at(46_000)));
    let server = "sip:proxy.example.com;transport=udp";
    let mut sim = setup_on(network, server, &["alice", "bob"], true);
    let (id, bob) = established(&mut sim, A, "bob", B);
    sim.run_until(at(200_000));
    (sim, id, bob)
}

/// Nothing reaches Bob after the answer: he ends the call 60 s after sending his 200, while
/// Alice's UPDATE is still being retransmitted (Timer E: T1 doubling to T2, RFC 3261 §17.1.2.2).
#[test]
fn unrefreshed_session_over_udp_ends_at_the_callee_60_s_after_the_answer() {
    let (sim, _id, bob) = lost_refresh_over_udp();
    let cb = sim.contact(B);
    let updates: Vec<String> = sim
        .ladder(&NAMES, at(40_000))
        .into_iter()
        .filter(|l| l.contains(" A>P UPDATE "))
        .collect();
    let sent = [
        46_540, 47_040, 48_040, 50_040, 54_040, 58_040, 62_040, 66_040, 70_040, 74_040, 78_040,
    ];
    assert_eq!(updates, sent.map(|t| format!("{t} A>P UPDATE {cb} (lost)")));
    assert_eq!(
        sim.call_events(B, bob, at(1_100)),
        [
            (at(1_580), Event::Confirmed { id: bob }),
            (at(61_500), ended(bob, Cause::Expires, Originator::System)),
        ]
    );
    assert!(sim
        .ladder(&NAMES, at(40_000))
        .contains(&format!("61500 B>P BYE {}", sim.contact(A))));
}

/// RFC 4028 §10: "If the session refresh request transaction times out or generates a 408 or
/// 481 response, then the UAC sends a BYE request". Alice's UPDATE times out at 46 540 +
/// 64·T1 = 78 540; she should end the call then.
#[test]
fn refresher_ends_the_call_when_its_refresh_times_out() {
    let (sim, id, _bob) = lost_refresh_over_udp();
    let cb = sim.contact(B);
    assert!(sim
        .ladder(&NAMES, at(78_540))
        .contains(&format!("78540 A>P BYE {cb} (lost)")));
    assert_eq!(
        sim.call_events(A, id, at(1_600)),
        [(at(78_540), ended(id, Cause::RequestTimeout, Originator::System))]
    );
}

/// RFC 3262 through the proxy: Bob's 180 and his 183 with early media are both reliable
/// (Require: 100rel, RSeq counting up); Alice PRACKs each in the early dialog, through the
/// proxy (the Record-Route of the 1xx), and each PRACK is answered 200.
#[test]
fn prack_through_the_proxy_for_a_180_and_a_183_with_early_media() {
    let mut sim = setup(&["alice", "bob"], false);
    let cb = sim.contact(B);
    let id = call(&mut sim, A, "bob", Vec::new());
    sim.run_until(at(1_500));
    let bob = sim.incoming(B);
    sim.command(B, |u, now| u.progress(now, bob, ANSWER));
    sim.run_until(at(2_000));
    sim.command(B, |u, now| u.answer(now, bob, ANSWER));
    sim.run_until(at(3_000));

    let prack = format!("PRACK {cb}");
    let mut expected = ladder_ringing(1_000, "A", "B", "sip:bob@example.com", &cb);
    expected.extend([
        "1500 B>P 183 Session Progress/INVITE".to_owned(),
        "1520 P>A 183 Session Progress/INVITE".to_owned(),
    ]);
    expected.extend(ladder_exchange(1_540, "A", "B", &prack, "200 OK/PRACK"));
    expected.extend(ladder_answered(2_000, "A", "B", &cb));
    // No retransmission of either reliable 1xx: each PRACK came within T1.
    assert_eq!(sim.ladder(&NAMES, T0), expected);

    let text = |n| sim.ladder_text(T0, n);
    let invite = text(0);
    assert!(header_value(&invite, "Supported").contains("100rel"));
    let cseq: u32 = header_value(&invite, "CSeq")
        .strip_suffix(" INVITE")
        .unwrap()
        .parse()
        .unwrap();
    let ringing = text(4);
    assert_eq!(header_lines(&ringing, "Require"), ["Require: 100rel"]);
    let rseq: u32 = header_value(&ringing, "RSeq").parse().unwrap();
    assert!((1..1 << 31).contains(&rseq), "{rseq}");
    // (180 at 4, 183 at 10): the PRACK 1 later, the PRACK as Bob gets it 2 later, its 200
    // as Alice gets it 4 later.
    for (n, k, sdp_body) in [(4, 0, ""), (10, 1, ANSWER)] {
        let provisional = text(n);
        assert_eq!(header_lines(&provisional, "Require"), ["Require: 100rel"]);
        assert_eq!(header_value(&provisional, "RSeq"), (rseq + k).to_string());
        assert_eq!(body(&provisional), sdp_body);
        let sent = text(n + 1);
        // RFC 3262 §7.2: RAck = RSeq, the INVITE's CSeq number and method.
        assert_eq!(
            header_line(&sent, "RAck"),
            format!("RAck: {} {cseq} INVITE", rseq + k)
        );
        assert_eq!(header_value(&sent, "CSeq"), format!("{} PRACK", cseq + 1 + k));
        assert_eq!(header_lines(&sent, "Route"), [PROXY_ROUTE], "{sent}");
        assert_eq!(header_tag(&sent, "To"), header_tag(&provisional, "To"));
        let got = text(n + 2);
        assert!(header_lines(&got, "Route").is_empty(), "{got}");
        assert_eq!(header_line(&got, "RAck"), header_line(&sent, "RAck"));
        let ok = text(n + 4);
        assert_eq!(header_value(&ok, "CSeq"), header_value(&sent, "CSeq"));
        assert_eq!(header_lines(&ok, "Via"), header_lines(&sent, "Via"));
    }
    assert_eq!(header_line(&text(10), "Content-Type"), SDP_TYPE);
    assert_eq!(
        sim.call_events(A, id, T0),
        [
            (at(1_080), progress(id, 180, None)),
            (at(1_540), progress(id, 183, sdp(ANSWER))),
            (at(2_040), accepted(id)),
            (at(2_040), Event::Confirmed { id }),
        ]
    );
    sim.assert_no_drops(&[A, B]);
}

/// Ladder lines: `A` sends a REFER at `t` that `B` accepts 500 ms later: 202, then a
/// NOTIFY with 100 Trying (RFC 3515 §2.4.2), answered 200.
fn ladder_refer_accepted(t: u64, ca: &str, cb: &str) -> Vec<String> {
    vec![
        format!("{t} A>P REFER {cb}"),
        format!("{} P>B REFER {cb}", t + 20),
        format!("{} B>P 202 Accepted/REFER", t + 500),
        format!("{} B>P NOTIFY {ca}", t + 500),
        format!("{} P>A 202 Accepted/REFER", t + 520),
        format!("{} P>A NOTIFY {ca}", t + 520),
        format!("{} A>P 200 OK/NOTIFY", t + 540),
        format!("{} P>B 200 OK/NOTIFY", t + 560),
    ]
}

/// RFC 3515 blind transfer through the proxy: Alice refers Bob to Carol; Bob accepts (202,
/// NOTIFY 100), calls Carol himself, reports the 200 (NOTIFY, subscription terminated); then
/// Alice hangs up with Bob. REFER and NOTIFY both follow the dialog's route set.
#[test]
fn blind_transfer_through_the_proxy() {
    let mut sim = setup(&["alice", "bob", "carol"], false);
    let (ca, cb, cc) = (sim.contact(A), sim.contact(B), sim.contact(C));
    let (a, b) = established(&mut sim, A, "bob", B);
    let t = at(2_000);
    sim.command(A, |u, now| u.refer(now, a, "carol", None)).unwrap();
    sim.run_until(at(2_500));
    sim.command(B, |u, now| u.accept_refer(now, b));
    sim.run_until(at(3_000));
    let bc = call(&mut sim, B, "sip:carol@example.com", Vec::new());
    sim.run_until(at(3_500));
    let c = sim.incoming(C);
    sim.command(C, |u, now| u.answer(now, c, ANSWER));
    sim.run_until(at(4_000));
    sim.command(B, |u, now| u.notify_refer(now, b, StatusCode::OK));
    sim.run_until(at(4_500));
    sim.command(A, |u, now| u.terminate(now, a));
    sim.run_until(at(6_000));

    let (notify, bye) = (format!("NOTIFY {ca}"), format!("BYE {cb}"));
    let mut expected = ladder_refer_accepted(2_000, &ca, &cb);
    expected.extend(ladder_ringing(3_000, "B", "C", "sip:carol@example.com", &cc));
    expected.extend(ladder_answered(3_500, "B", "C", &cc));
    expected.extend(ladder_exchange(4_000, "B", "A", &notify, "200 OK/NOTIFY"));
    expected.extend(ladder_exchange(4_500, "A", "B", &bye, "200 OK/BYE"));
    assert_eq!(sim.ladder(&NAMES, t), expected);
    let text = |n| sim.ladder_text(t, n);
    let refer = text(0);
    assert_eq!(header_value(&refer, "Refer-To"), "<sip:carol@example.com>");
    assert_eq!(header_value(&refer, "Referred-By"), "<sip:alice@example.com>");
    assert_eq!(header_lines(&refer, "Route"), [PROXY_ROUTE]);
    assert_eq!(header_line(&text(1), "Refer-To"), header_line(&refer, "Refer-To"));
    // RFC 3515 §2.4.5: sipfrag bodies; the final status ends the implicit subscription.
    for (n, got, state, frag) in [
        (3, 5, "active;expires=60", "SIP/2.0 100 Trying\r\n"),
        (21, 22, "terminated;reason=noresource", "SIP/2.0 200 OK\r\n"),
    ] {
        let sent = text(n);
        assert_eq!(header_lines(&sent, "Route"), [PROXY_ROUTE], "{sent}");
        assert_eq!(header_value(&sent, "Event"), "refer");
        assert_eq!(header_value(&sent, "Subscription-State"), state);
        assert_eq!(header_value(&sent, "Content-Type"), "message/sipfrag;version=2.0");
        assert_eq!(body(&sent), frag);
        assert_eq!(header_value(&sent, "Call-ID"), header_value(&refer, "Call-ID"));
        assert!(header_lines(&text(got), "Route").is_empty());
        assert_eq!(body(&text(got)), frag);
    }
    assert_eq!(
        sim.call_events(A, a, t),
        [
            (at(2_540), Event::ReferAccepted { id: a }),
            (at(2_540), refer_notify(a, 100, false)),
            (at(4_040), refer_notify(a, 200, true)),
            (at(4_500), ended(a, Cause::Bye, Originator::Local)),
        ]
    );
    let refer_event = Event::Refer {
        id: b,
        target: "sip:carol@example.com".into(),
        replaces: false,
    };
    assert_eq!(
        sim.call_events(B, b, t),
        [
            (at(2_040), refer_event),
            (at(4_540), ended(b, Cause::Bye, Originator::Remote)),
        ]
    );
    assert_eq!(
        sim.call_events(B, bc, t),
        [
            (at(3_080), progress(bc, 180, None)),
            (at(3_540), accepted(bc)),
            (at(3_540), Event::Confirmed { id: bc }),
        ]
    );
    let events = sim.call_events(C, c, t);
    assert!(
        matches!(&events[0], (t, Event::NewSession { replaces: None, from, .. }) if *t == at(3_040) && from.starts_with("<sip:bob@example.com>;tag=")),
        "{events:?}"
    );
    assert_eq!(events[1..], [(at(3_580), Event::Confirmed { id: c })]);
    sim.assert_no_drops(&[A, B, C]);
}

/// The URI and the unescaped Replaces value of a Refer-To target with `?Replaces=`.
fn split_refer_target(target: &str) -> (&str, String) {
    let (uri, escaped) = target.split_once("?Replaces=").unwrap();
    let value = String::from_utf8(unescape(escaped.as_bytes()).into_owned()).unwrap();
    (uri, value)
}

/// RFC 3891 attended transfer through the proxy: Alice has calls with Bob and Carol and
/// refers Bob to Carol with Replaces naming her call with Carol. Bob's INVITE (to Carol's
/// contact, with the Replaces header) reaches Carol, who reports it as replacing her call with
/// Alice, answers it, and so ends that call with a BYE.
#[test]
fn attended_transfer_through_the_proxy_replaces_the_call_with_carol() {
    let mut sim = setup(&["alice", "bob", "carol"], false);
    let (ca, cb, cc) = (sim.contact(A), sim.contact(B), sim.contact(C));
    let (a1, b) = established(&mut sim, A, "bob", B);
    let (a2, c_old) = established(&mut sim, A, "carol", C);
    // Alice's INVITE to Carol and Carol's 200 as Alice got it name the dialog to replace.
    let (invite2, ok2) = (sim.ladder_text(at(2_000), 0), sim.ladder_text(at(2_000), 10));
    let replaces = format!(
        "{};to-tag={};from-tag={}",
        header_value(&invite2, "Call-ID"),
        header_tag(&ok2, "To"),
        header_tag(&invite2, "From")
    );
    let t = at(3_000);
    sim.command(A, |u, now| u.refer(now, a1, "", Some(a2))).unwrap();
    sim.run_until(at(3_500));
    let Some((
        _,
        Event::Refer {
            target,
            replaces: true,
            ..
        },
    )) = sim.events(B).last().cloned()
    else {
        panic!("{:?}", sim.events(B).last());
    };
    sim.command(B, |u, now| u.accept_refer(now, b));
    sim.run_until(at(4_000));
    let (uri, value_got) = split_refer_target(&target);
    let b_new = call(&mut sim, B, uri, vec![format!("Replaces: {value_got}")]);
    sim.run_until(at(4_500));
    let c_new = sim.incoming(C);
    sim.command(C, |u, now| u.answer(now, c_new, ANSWER));
    sim.run_until(at(5_000));
    sim.command(B, |u, now| u.notify_refer(now, b, StatusCode::OK));
    sim.run_until(at(5_500));
    sim.command(A, |u, now| u.terminate(now, a1));
    sim.run_until(at(7_000));

    // ';' and '=' escaped in the URI header (RFC 3261 §19.1.1); the URI is Carol's contact.
    let escaped = replaces.replace(';', "%3B").replace('=', "%3D");
    assert_eq!(target, format!("{cc}?Replaces={escaped}"));
    assert_eq!(value_got, replaces);
    let (notify, bye) = (format!("NOTIFY {ca}"), format!("BYE {cb}"));
    let mut expected = ladder_refer_accepted(3_000, &ca, &cb);
    expected.extend(ladder_ringing(4_000, "B", "C", &cc, &cc));
    expected.extend([
        // Carol answers Bob and hangs up on Alice at once (RFC 3891 §3).
        "4500 C>P 200 OK/INVITE".to_owned(),
        format!("4500 C>P BYE {ca}"),
        "4520 P>B 200 OK/INVITE".to_owned(),
        format!("4520 P>A BYE {ca}"),
        format!("4540 B>P ACK {cc}"),
        "4540 A>P 200 OK/BYE".to_owned(),
        format!("4560 P>C ACK {cc}"),
        "4560 P>C 200 OK/BYE".to_owned(),
    ]);
    expected.extend(ladder_exchange(5_000, "B", "A", &notify, "200 OK/NOTIFY"));
    expected.extend(ladder_exchange(5_500, "A", "B", &bye, "200 OK/BYE"));
    assert_eq!(sim.ladder(&NAMES, t), expected);
    let text = |n| sim.ladder_text(t, n);
    assert_eq!(header_value(&text(0), "Refer-To"), format!("<{target}>"));
    assert_eq!(header_value(&text(1), "Refer-To"), format!("<{target}>"));
    // Bob's INVITE and the one Carol gets carry the Replaces header unescaped.
    for n in [8, 10] {
        assert_eq!(
            header_lines(&text(n), "Replaces"),
            [format!("Replaces: {replaces}")]
        );
    }
    // Carol's BYE follows her route set in the replaced call.
    assert_eq!(header_lines(&text(18), "Route"), [PROXY_ROUTE]);
    assert_eq!(
        header_value(&text(18), "Call-ID"),
        header_value(&invite2, "Call-ID")
    );

    let events = sim.call_events(C, c_new, t);
    assert!(
        matches!(&events[0], (t, Event::NewSession { replaces: Some(old), .. }) if *t == at(4_040) && *old == c_old),
        "{events:?}"
    );
    assert_eq!(events[1..], [(at(4_580), Event::Confirmed { id: c_new })]);
    assert_eq!(
        sim.call_events(C, c_old, t),
        [(at(4_500), ended(c_old, Cause::Bye, Originator::Local))]
    );
    assert_eq!(
        sim.call_events(A, a2, t),
        [(at(4_540), ended(a2, Cause::Bye, Originator::Remote))]
    );
    assert_eq!(
        sim.call_events(A, a1, t),
        [
            (at(3_540), Event::ReferAccepted { id: a1 }),
            (at(3_540), refer_notify(a1, 100, false)),
            (at(5_040), refer_notify(a1, 200, true)),
            (at(5_500), ended(a1, Cause::Bye, Originator::Local)),
        ]
    );
    assert_eq!(
        sim.call_events(B, b_new, t),
        [
            (at(4_080), progress(b_new, 180, None)),
            (at(4_540), accepted(b_new)),
            (at(4_540), Event::Confirmed { id: b_new }),
        ]
    );
    sim.assert_no_drops(&[A, B, C]);
}

/// Alice holds and unholds by UPDATE (RFC 3311) through the proxy: the offer in the UPDATE,
/// the answer in its 200, no ACK.
fn hold_by_update() -> (Sim, SessionId, SessionId) {
    let mut sim = setup(&["alice", "bob"], false);
    let (a, b) = established(&mut sim, A, "bob", B);
    sim.command(A, |u, now| u.hold_by_update(now, a)).unwrap();
    sim.run_until(at(3_000));
    sim.command(A, |u, now| u.unhold_by_update(now, a)).unwrap();
    sim.run_until(at(4_000));
    (sim, a, b)
}

#[test]
fn hold_and_unhold_by_update_through_the_proxy() {
    let (sim, a, b) = hold_by_update();
    let cb = sim.contact(B);
    let t = at(2_000);
    // RFC 3311 §5.1: no ACK for an UPDATE's 2xx.
    let update = format!("UPDATE {cb}");
    let mut expected = ladder_exchange(2_000, "A", "B", &update, "200 OK/UPDATE");
    expected.extend(ladder_exchange(3_000, "A", "B", &update, "200 OK/UPDATE"));
    assert_eq!(sim.ladder(&NAMES, t), expected);
    let text = |n| sim.ladder_text(t, n);
    // Each offer bumps the o= version (RFC 3264 §8); hold answers recvonly (§8.4).
    let sdp_v = |sdp: &str, o: &str, v: u8, dir: &str| {
        sdp.replace(&format!("o=- {o} 1 "), &format!("o=- {o} {v} "))
            .replace("sendrecv", dir)
    };
    let (hold_offer, unhold_offer) = (sdp_v(OFFER, "1", 2, "sendonly"), sdp_v(OFFER, "1", 3, "sendrecv"));
    for (n, offer, answer) in [
        (0, &hold_offer, sdp_v(ANSWER, "2", 2, "recvonly")),
        (4, &unhold_offer, sdp_v(ANSWER, "2", 3, "sendrecv")),
    ] {
        let update = text(n);
        assert_eq!(header_lines(&update, "Route"), [PROXY_ROUTE], "{update}");
        assert_eq!(header_line(&update, "Content-Type"), SDP_TYPE);
        assert_eq!(body(&update), offer.as_str());
        let got = text(n + 1);
        assert!(header_lines(&got, "Route").is_empty(), "{got}");
        assert!(header_lines(&got, "Record-Route").is_empty(), "{got}");
        assert_eq!(body(&got), offer.as_str());
        let ok = text(n + 3);
        assert_eq!(header_value(&ok, "CSeq"), header_value(&update, "CSeq"));
        assert_eq!(body(&ok), answer);
    }
    assert_eq!(
        sim.call_events(A, a, t),
        [
            (at(2_080), hold(a, Originator::Local)),
            (at(3_080), unhold(a, Originator::Local)),
        ]
    );
    // `call_events` leaves Update events out (`session_of` in sim/calls.rs does not list them).
    let events: Vec<(Instant, Event)> = sim
        .events(B)
        .iter()
        .filter(|(at, e)| {
            *at >= t && (session_of(e) == Some(b) || matches!(e, Event::Update { id, .. } if *id == b))
        })
        .cloned()
        .collect();
    let update = |offer: &str| Event::Update {
        id: b,
        sdp: sdp(offer),
    };
    assert_eq!(
        events,
        [
            (at(2_040), update(&hold_offer)),
            (at(2_040), hold(b, Originator::Remote)),
            (at(3_040), update(&unhold_offer)),
            (at(3_040), unhold(b, Originator::Remote)),
        ]
    );
    sim.assert_no_drops(&[A, B]);
}

/// A 2xx to a target refresh carries the UAS's one Contact (RFC 3311 §5.2, RFC 3261 §12.2.2).
#[test]
fn ok_to_update_carries_one_contact() {
    let (sim, _a, _b) = hold_by_update();
    let cb = sim.contact(B);
    for n in [2, 6] {
        let ok = sim.ladder_text(at(2_000), n);
        assert_eq!(header_lines(&ok, "Contact"), [format!("Contact: <{cb}>")], "{ok}");
    }
}
