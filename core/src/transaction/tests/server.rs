//! Server transactions: absorbing retransmissions, the automatic 100, Timer G/H/I/J/L.

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::transaction::{ServerEvent, ServerState, ServerTransaction, Timer, TimerConfig, TransactionError};

/// Steps time to each deadline up to `until`; returns the instants bytes went out at (each
/// must equal `expect`) and the events.
fn run(tx: &mut ServerTransaction, until: u64, expect: &Bytes) -> (Vec<u64>, Vec<(u64, ServerEvent)>) {
    let (mut sends, mut events) = (Vec::new(), Vec::new());
    while let Some(t) = tx.poll_timeout().filter(|t| t.as_millis() <= until) {
        let now = t.as_millis();
        if let Some(ev) = tx.handle_timeout(t) {
            events.push((now, ev));
        }
        for b in drain(|| tx.poll_transmit()) {
            assert_eq!(&b, expect);
            sends.push(now);
        }
    }
    (sends, events)
}

#[test]
fn non_invite_absorbs_retransmissions_and_resends_the_last_response() {
    let req = request(Method::Options, "z9hG4bKsrvopt");
    let mut tx = ServerTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    assert_eq!(tx.state(), ServerState::Trying);
    assert_eq!(tx.poll_timeout(), None); // no automatic 100 for non-INVITE
                                         // RFC 3261 §17.2.2: in Trying a retransmission is absorbed with nothing to send.
    assert!(tx.handle_request(req.clone(), at(500)).is_none());
    assert!(tx.poll_transmit().is_none());
    let trying = response(&req, 100, "");
    tx.respond(trying.clone(), at(600)).unwrap();
    assert_eq!(tx.state(), ServerState::Proceeding);
    assert_eq!(drain(|| tx.poll_transmit()), [encoded_response(&trying)]);
    assert!(tx.handle_request(req.clone(), at(1_500)).is_none());
    assert_eq!(drain(|| tx.poll_transmit()), [encoded_response(&trying)]);
    let ok = response(&req, 200, "srv");
    tx.respond(ok.clone(), at(2_000)).unwrap();
    assert_eq!(tx.state(), ServerState::Completed);
    assert_eq!(tx.timers().get(Timer::J), Some(at(34_000)));
    assert!(tx.handle_request(req.clone(), at(3_500)).is_none());
    assert_eq!(
        drain(|| tx.poll_transmit()),
        [encoded_response(&ok), encoded_response(&ok)]
    );
    assert_eq!(
        tx.respond(response(&req, 500, "srv"), at(4_000)),
        Err(TransactionError::ResponseNotAllowed(ServerState::Completed))
    );
    assert!(tx.handle_timeout(at(33_999)).is_none());
    assert_eq!(tx.state(), ServerState::Completed);
    assert!(tx.handle_timeout(at(34_000)).is_none());
    assert!(tx.is_terminated());

    // Reliable: Timer J is zero.
    let mut tx = ServerTransaction::new(req.clone(), true, at(0), TimerConfig::default()).unwrap();
    tx.respond(response(&req, 200, "srv"), at(1)).unwrap();
    assert!(tx.is_terminated());
    assert_eq!(tx.poll_transmit().as_deref(), Some(&encoded_response(&ok)[..]));
}

const TRYING: &str = "SIP/2.0 100 Trying\r\n\
Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKsrvinv\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Content-Length: 0\r\n\r\n";

#[test]
fn invite_sends_100_trying_itself_at_200_ms() {
    let req = invite("z9hG4bKsrvinv");
    let mut tx = ServerTransaction::new(req.clone(), false, at(1_000), TimerConfig::default()).unwrap();
    assert_eq!(tx.state(), ServerState::Proceeding);
    assert_eq!(tx.poll_timeout(), Some(at(1_200)));
    assert!(tx.handle_timeout(at(1_199)).is_none());
    assert!(tx.poll_transmit().is_none());
    assert!(tx.handle_timeout(at(1_200)).is_none());
    assert_eq!(
        drain(|| tx.poll_transmit()),
        [Bytes::from_static(TRYING.as_bytes())]
    );
    assert_eq!(tx.poll_timeout(), None);
    // RFC 3261 §17.2.1: a retransmitted INVITE draws the latest provisional again.
    assert!(tx.handle_request(req.clone(), at(1_500)).is_none());
    assert_eq!(
        drain(|| tx.poll_transmit()),
        [Bytes::from_static(TRYING.as_bytes())]
    );

    // The TU answering first, or auto_trying off: no 100.
    let mut tx = ServerTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    tx.respond(response(&req, 180, "r"), at(100)).unwrap();
    assert_eq!(tx.poll_timeout(), None);
    assert_eq!(drain(|| tx.poll_transmit()).len(), 1);
    let mut tx = ServerTransaction::new(req, false, at(0), TimerConfig::default()).unwrap();
    tx.set_auto_trying(false, at(0));
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn invite_486_retransmits_with_timer_g_until_the_ack() {
    let req = invite("z9hG4bKsrv486");
    let mut tx = ServerTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    let busy = response(&req, 486, "uas");
    let wire = encoded_response(&busy);
    tx.respond(busy, at(0)).unwrap();
    assert_eq!(tx.state(), ServerState::Completed);
    assert_eq!(drain(|| tx.poll_transmit()), vec![wire.clone()]);
    // RFC 3261 §17.2.1: G at T1, doubling to T2.
    let (sends, events) = run(&mut tx, 12_000, &wire);
    assert_eq!(sends, [500, 1_500, 3_500, 7_500, 11_500]);
    assert!(events.is_empty());
    // A retransmitted INVITE draws the 486 again.
    assert!(tx.handle_request(req.clone(), at(11_800)).is_none());
    assert_eq!(drain(|| tx.poll_transmit()), vec![wire.clone()]);
    let ack = parse_request(
        "ACK sip:bob@biloxi.example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKsrv486\r\n\
         Max-Forwards: 70\r\n\
         From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
         To: Bob <sip:bob@biloxi.example.com>;tag=uas\r\n\
         Call-ID: 3848276298220188511@atlanta.example.com\r\n\
         CSeq: 1 ACK\r\n\r\n",
    );
    // The ACK for a non-2xx is absorbed: Confirmed, Timer I = T4, G and H gone.
    assert!(tx.handle_request(ack.clone(), at(12_000)).is_none());
    assert_eq!(tx.state(), ServerState::Confirmed);
    assert_eq!(tx.poll_timeout(), Some(at(17_000)));
    assert_eq!(tx.timers().get(Timer::H), None);
    assert!(tx.handle_request(ack, at(13_000)).is_none());
    assert!(tx.handle_request(req, at(13_500)).is_none());
    assert!(tx.poll_transmit().is_none());
    assert!(tx.handle_timeout(at(17_000)).is_none());
    assert!(tx.is_terminated());
}

#[test]
fn invite_without_ack_times_out_with_timer_h() {
    let req = invite("z9hG4bKsrvH");
    let mut tx = ServerTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    let busy = response(&req, 486, "uas");
    let wire = encoded_response(&busy);
    tx.respond(busy, at(0)).unwrap();
    drain(|| tx.poll_transmit());
    let (sends, events) = run(&mut tx, u64::MAX, &wire);
    assert_eq!(
        sends,
        [500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    assert_eq!(events.len(), 1);
    assert!(matches!(events[0], (32_000, ServerEvent::Timeout)));
    assert!(tx.is_terminated());

    // Reliable: no G, H still runs; the ACK ends it at once (Timer I zero).
    let mut tx = ServerTransaction::new(req.clone(), true, at(0), TimerConfig::default()).unwrap();
    tx.respond(response(&req, 603, "uas"), at(50)).unwrap();
    assert_eq!(tx.timers().get(Timer::G), None);
    assert_eq!(tx.poll_timeout(), Some(at(32_050)));
    let ack = crate::transaction::ack_for_non_2xx(&req, &response(&req, 603, "uas")).unwrap();
    assert!(tx.handle_request(ack, at(60)).is_none());
    assert!(tx.is_terminated());
}

#[test]
fn invite_2xx_moves_to_accepted_and_passes_acks_up() {
    let req = invite("z9hG4bKsrv2xx");
    let mut tx = ServerTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    let ok = response(&req, 200, "uas");
    tx.respond(ok.clone(), at(100)).unwrap();
    assert_eq!(tx.state(), ServerState::Accepted);
    assert_eq!(tx.poll_timeout(), Some(at(32_100))); // Timer L (RFC 6026 §8.7)
    assert_eq!(drain(|| tx.poll_transmit()), [encoded_response(&ok)]);
    // RFC 6026 §7.1: INVITE retransmissions are absorbed; the TU retransmits the 2xx itself.
    assert!(tx.handle_request(req.clone(), at(600)).is_none());
    assert!(tx.poll_transmit().is_none());
    tx.respond(ok.clone(), at(600)).unwrap();
    assert_eq!(drain(|| tx.poll_transmit()), [encoded_response(&ok)]);
    assert_eq!(
        tx.respond(response(&req, 486, "uas"), at(700)),
        Err(TransactionError::ResponseNotAllowed(ServerState::Accepted))
    );
    // An ACK that matches (an RFC 2543 peer reusing the INVITE's Via) goes to the TU.
    let ack = crate::transaction::ack_for_non_2xx(&req, &ok).unwrap();
    assert!(
        matches!(tx.handle_request(ack, at(800)), Some(ServerEvent::Ack(a)) if *a.method() == Method::Ack)
    );
    assert!(tx.handle_timeout(at(32_100)).is_none());
    assert!(tx.is_terminated());
    assert!(tx.transport_error().is_none());
}

#[test]
fn transport_error_ends_a_server_transaction() {
    let req = invite("z9hG4bKsrvte");
    let mut tx = ServerTransaction::new(req.clone(), false, at(0), TimerConfig::default()).unwrap();
    tx.respond(response(&req, 486, "uas"), at(0)).unwrap();
    assert!(matches!(tx.transport_error(), Some(ServerEvent::TransportError)));
    assert!(tx.is_terminated());
    assert!(tx.poll_transmit().is_none());
    assert_eq!(tx.poll_timeout(), None);
}
