//! Client transactions: retransmission schedules, timeouts, the non-2xx ACK, RFC 6026 Accepted.

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::transaction::{ClientEvent, ClientState, ClientTransaction, Timer, TimerConfig, TransactionError};

/// Runs a transaction with no input but time: the instants it sends at (checking each send is
/// the request itself) and the events with their instants, until it ends or `until`.
fn run_silent(tx: &mut ClientTransaction, start: u64, until: u64) -> (Vec<u64>, Vec<(u64, ClientEvent)>) {
    let wire = encoded_request(tx.request());
    let (mut sends, mut events) = (Vec::new(), Vec::new());
    let mut now = start;
    loop {
        for b in drain(|| tx.poll_transmit()) {
            assert_eq!(b, wire);
            sends.push(now);
        }
        match tx.poll_timeout() {
            Some(t) if t.as_millis() <= until => now = t.as_millis(),
            _ => break,
        }
        if let Some(ev) = tx.handle_timeout(at(now)) {
            events.push((now, ev));
        }
    }
    (sends, events)
}

fn timeout_only(events: &[(u64, ClientEvent)]) -> Vec<u64> {
    events
        .iter()
        .map(|(t, e)| {
            assert!(matches!(e, ClientEvent::Timeout), "{e:?}");
            *t
        })
        .collect()
}

#[test]
fn udp_non_invite_retransmits_doubling_to_t2_then_timer_f() {
    let mut tx = ClientTransaction::new(
        request(Method::Options, "z9hG4bKopt1"),
        false,
        at(0),
        TimerConfig::default(),
    )
    .unwrap();
    assert_eq!(tx.state(), ClientState::Trying);
    assert_eq!(tx.timers().get(Timer::E), Some(at(500)));
    assert_eq!(tx.timers().get(Timer::F), Some(at(32_000)));
    let (sends, events) = run_silent(&mut tx, 0, u64::MAX);
    // RFC 3261 §17.1.2.2: T1, 2·T1, 4·T1, then T2 apart.
    assert_eq!(
        sends,
        [0, 500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    assert_eq!(timeout_only(&events), [32_000]);
    assert!(tx.is_terminated());
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn non_invite_after_1xx_retransmits_every_t2() {
    let req = request(Method::Register, "z9hG4bKreg1");
    let mut tx = ClientTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    let (sends, _) = run_silent(&mut tx, 0, 600);
    assert_eq!(sends, [0, 500]);
    let ev = tx.handle_response(response(&req, 100, ""), at(600));
    assert!(matches!(ev, Some(ClientEvent::Provisional(r)) if r.status().as_u16() == 100));
    assert_eq!(tx.state(), ClientState::Proceeding);
    // A second 1xx is passed up too (RFC 3261 §17.1.2.2).
    assert!(matches!(
        tx.handle_response(response(&req, 100, ""), at(700)),
        Some(ClientEvent::Provisional(_))
    ));
    // Timer E keeps its deadline (1500), then fires every T2.
    let (sends, events) = run_silent(&mut tx, 600, u64::MAX);
    assert_eq!(
        sends,
        [1_500, 5_500, 9_500, 13_500, 17_500, 21_500, 25_500, 29_500]
    );
    assert_eq!(timeout_only(&events), [32_000]);
}

#[test]
fn non_invite_final_then_timer_k_absorbs_retransmissions() {
    let req = request(Method::Options, "z9hG4bKopt2");
    let mut tx = ClientTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    drain(|| tx.poll_transmit());
    let ev = tx.handle_response(response(&req, 200, "t1"), at(800));
    assert!(matches!(ev, Some(ClientEvent::Final(r)) if r.status().as_u16() == 200));
    assert_eq!(tx.state(), ClientState::Completed);
    assert_eq!(tx.poll_timeout(), Some(at(5_800))); // Timer K = T4, E and F gone
    assert!(tx.handle_response(response(&req, 200, "t1"), at(900)).is_none());
    assert!(tx.handle_response(response(&req, 100, ""), at(950)).is_none());
    assert!(tx.poll_transmit().is_none());
    assert!(tx.handle_timeout(at(5_799)).is_none());
    assert!(!tx.is_terminated());
    assert!(tx.handle_timeout(at(5_800)).is_none());
    assert!(tx.is_terminated());
}

#[test]
fn udp_invite_timer_a_doubles_without_cap_then_timer_b() {
    let mut tx = ClientTransaction::new(invite("z9hG4bKinv1"), false, at(0), TimerConfig::default()).unwrap();
    assert_eq!(tx.state(), ClientState::Calling);
    let (sends, events) = run_silent(&mut tx, 0, u64::MAX);
    // RFC 3261 §17.1.1.2: A at T1, 2·T1, 4·T1, ...; B at 64·T1.
    assert_eq!(sends, [0, 500, 1_500, 3_500, 7_500, 15_500, 31_500]);
    assert_eq!(timeout_only(&events), [32_000]);
    assert!(tx.is_terminated());
}

#[test]
fn invite_1xx_stops_retransmissions_and_timer_b() {
    let req = invite("z9hG4bKinv2");
    let mut tx = ClientTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    let (sends, _) = run_silent(&mut tx, 0, 1_000);
    assert_eq!(sends, [0, 500]);
    assert!(matches!(
        tx.handle_response(response(&req, 180, "b1"), at(1_000)),
        Some(ClientEvent::Provisional(_))
    ));
    assert_eq!(tx.state(), ClientState::Proceeding);
    // Proceeding has no timer (RFC 3261 Figure 5): the TU decides how long to wait.
    assert_eq!(tx.poll_timeout(), None);
    assert!(matches!(tx.abandon(), Some(ClientEvent::Timeout)));
    assert!(tx.is_terminated());
    assert!(tx.abandon().is_none());
}

#[test]
fn reliable_transports_never_retransmit_but_still_time_out() {
    let config = TimerConfig::default();
    for req in [invite("z9hG4bKtcp1"), request(Method::Message, "z9hG4bKtcp2")] {
        let mut tx = ClientTransaction::new(req, true, at(1_000), config).unwrap();
        assert_eq!(tx.timers().get(Timer::A), None);
        assert_eq!(tx.timers().get(Timer::E), None);
        let (sends, events) = run_silent(&mut tx, 1_000, u64::MAX);
        assert_eq!(sends, [1_000]);
        assert_eq!(timeout_only(&events), [33_000]);
    }
    // Timer K and D are zero: the final response ends the transaction at once.
    let req = request(Method::Options, "z9hG4bKtcp3");
    let mut tx = ClientTransaction::new(req.clone(), true, at(0), config).unwrap();
    assert!(matches!(
        tx.handle_response(response(&req, 404, "x"), at(10)),
        Some(ClientEvent::Final(_))
    ));
    assert!(tx.is_terminated());
    let req = invite("z9hG4bKtcp4");
    let mut tx = ClientTransaction::new(req.clone(), true, at(0), config).unwrap();
    drain(|| tx.poll_transmit());
    assert!(matches!(
        tx.handle_response(response(&req, 486, "x"), at(10)),
        Some(ClientEvent::Final(_))
    ));
    assert!(tx.is_terminated());
    // The ACK is still handed out after the end.
    assert!(text(&tx.poll_transmit().unwrap()).starts_with("ACK sip:bob@biloxi.example.com SIP/2.0\r\n"));
}

const ACK_486: &str = "ACK sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKnashds8\r\n\
Max-Forwards: 70\r\n\
Route: <sip:ss1.atlanta.example.com;lr>\r\n\
Route: <sip:ss2.biloxi.example.com;lr>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=314159\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 ACK\r\n\
Content-Length: 0\r\n\r\n";

#[test]
fn invite_486_is_acked_exactly_and_reacked_on_retransmission() {
    let req = invite("z9hG4bKnashds8");
    let mut tx = ClientTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    drain(|| tx.poll_transmit());
    // The 486 as it reaches us: our Via with a received param, the UAS's To tag.
    let busy = parse_request_response(
        "SIP/2.0 486 Busy Here\r\n\
         Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKnashds8;received=192.0.2.101\r\n\
         From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
         To: Bob <sip:bob@biloxi.example.com>;tag=314159\r\n\
         Call-ID: 3848276298220188511@atlanta.example.com\r\n\
         CSeq: 1 INVITE\r\n\
         Content-Length: 0\r\n\r\n",
    );
    assert!(
        matches!(tx.handle_response(busy.clone(), at(300)), Some(ClientEvent::Final(r)) if r.status().as_u16() == 486)
    );
    assert_eq!(tx.state(), ClientState::Completed);
    assert_eq!(
        drain(|| tx.poll_transmit()),
        [Bytes::from_static(ACK_486.as_bytes())]
    );
    // Timer D = 32 s; A and B are gone.
    assert_eq!(tx.poll_timeout(), Some(at(32_300)));
    // RFC 3261 §17.1.1.2: each retransmission of the final response is ACKed again, silently.
    assert!(tx.handle_response(busy.clone(), at(800)).is_none());
    assert!(tx.handle_response(busy, at(1_800)).is_none());
    assert_eq!(
        drain(|| tx.poll_transmit()),
        vec![Bytes::from_static(ACK_486.as_bytes()); 2]
    );
    assert!(tx
        .handle_response(response(&req, 200, "other"), at(2_000))
        .is_none());
    assert!(tx.handle_timeout(at(32_299)).is_none());
    assert!(tx.handle_timeout(at(32_300)).is_none());
    assert!(tx.is_terminated());
}

fn parse_request_response(wire: &str) -> Response {
    match parse_message(
        Bytes::copy_from_slice(wire.as_bytes()),
        Framing::Datagram,
        &Limits::default(),
    ) {
        Ok(crate::message::Message::Response(r)) => r,
        other => panic!("not a response: {other:?}"),
    }
}

#[test]
fn invite_2xx_passes_through_accepted_until_timer_m() {
    let req = invite("z9hG4bKfork");
    let mut tx = ClientTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    drain(|| tx.poll_transmit());
    assert!(matches!(
        tx.handle_response(response(&req, 180, "a"), at(100)),
        Some(ClientEvent::Provisional(_))
    ));
    let ev = tx.handle_response(response(&req, 200, "a"), at(2_000));
    assert!(matches!(&ev, Some(ClientEvent::Final(r)) if r.to_tag() == Some(&b"a"[..])));
    assert_eq!(tx.state(), ClientState::Accepted);
    assert_eq!(tx.poll_timeout(), Some(at(34_000))); // Timer M = 64·T1 (RFC 6026 §8.4)
                                                     // A second fork's 200 and a retransmitted 200 both reach the TU (RFC 6026 §7.2).
    let ev = tx.handle_response(response(&req, 200, "b"), at(2_100));
    assert!(matches!(&ev, Some(ClientEvent::Additional2xx(r)) if r.to_tag() == Some(&b"b"[..])));
    let ev = tx.handle_response(response(&req, 200, "a"), at(2_500));
    assert!(matches!(&ev, Some(ClientEvent::Additional2xx(r)) if r.to_tag() == Some(&b"a"[..])));
    // Provisional and non-2xx responses are dropped; the transaction never ACKs a 2xx.
    assert!(tx.handle_response(response(&req, 183, "c"), at(2_600)).is_none());
    assert!(tx.handle_response(response(&req, 486, "c"), at(2_700)).is_none());
    assert!(tx.poll_transmit().is_none());
    assert!(tx.handle_timeout(at(33_999)).is_none());
    assert_eq!(tx.state(), ClientState::Accepted);
    assert!(tx.handle_timeout(at(34_000)).is_none());
    assert!(tx.is_terminated());
    assert!(tx.handle_response(response(&req, 200, "a"), at(35_000)).is_none());
}

#[test]
fn transport_error_ends_with_one_event() {
    let mut tx = ClientTransaction::new(invite("z9hG4bKte"), false, at(0), TimerConfig::default()).unwrap();
    assert!(matches!(tx.transport_error(), Some(ClientEvent::TransportError)));
    assert!(tx.is_terminated());
    assert_eq!(tx.poll_timeout(), None);
    assert!(tx.transport_error().is_none());
    // After the final response was reported, a transport error ends it silently.
    let req = request(Method::Bye, "z9hG4bKte2");
    let mut tx = ClientTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    assert!(tx.handle_response(response(&req, 200, "x"), at(5)).is_some());
    assert!(tx.transport_error().is_none());
    assert!(tx.is_terminated());
}

#[test]
fn ack_and_incomplete_requests_start_no_transaction() {
    let ack = parse_request(ACK_486);
    assert_eq!(
        ClientTransaction::new(ack, false, at(0), TimerConfig::default()).unwrap_err(),
        TransactionError::Ack
    );
    let no_cseq = Request::builder(Method::Options, Uri::parse_str("sip:a@b").unwrap())
        .header(HeaderName::Via, "SIP/2.0/UDP h;branch=z9hG4bK1")
        .header(HeaderName::From, "<sip:c@d>;tag=1")
        .header(HeaderName::To, "<sip:a@b>")
        .header(HeaderName::CallId, "x")
        .build()
        .unwrap();
    assert_eq!(
        ClientTransaction::new(no_cseq, false, at(0), TimerConfig::default()).unwrap_err(),
        TransactionError::MissingHeader(HeaderName::CSeq)
    );
}
