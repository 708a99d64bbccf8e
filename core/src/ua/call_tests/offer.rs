//! Where the offer travels: an offer-less INVITE (answer in the ACK) and a re-INVITE that
//! comes before the previous INVITE is done (RFC 3261 §13.2.1, §14.2).

use super::*;

fn deliver_to_b(p: &mut Pair, data: Bytes, now: Instant) -> Vec<Bytes> {
    p.b.handle_input(Input::Received {
        conn: p.conn_b,
        data,
        now,
    });
    let (sent, events) = drain(&mut p.b);
    p.events_b.extend(events);
    sent
}

#[test]
fn offerless_invite_takes_the_answer_from_the_ack() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    p.a.call(t, "bob", CallOptions::default()).unwrap();
    p.run(t);
    let b = incoming_id(&p.events_b);
    assert!(matches!(&p.events_b[0], Event::NewSession { sdp: None, .. }));
    // B's 200 carries the offer; A's ACK (built here with a body, as the caller's media engine
    // would answer) carries the answer.
    p.b.answer(t, b, OFFER);
    let ok = sent(&mut p.b).pop().unwrap();
    assert!(ok.ends_with(OFFER.as_bytes()));
    p.a.handle_input(Input::Received {
        conn: p.conn_a,
        data: ok,
        now: t,
    });
    let ack = sent(&mut p.a).pop().unwrap();
    let Ok(Message::Request(ack)) = parse_message(ack, Framing::WebSocket, &Limits::default()) else {
        panic!("ACK")
    };
    let mut builder = crate::message::Request::builder(ack.method().clone(), ack.uri().clone());
    for h in ack
        .headers()
        .iter()
        .filter(|h| h.name != crate::message::HeaderName::ContentLength)
    {
        builder = builder.header_raw(core::str::from_utf8(h.raw_name).unwrap(), h.value);
    }
    let with_answer = builder
        .header(crate::message::HeaderName::ContentType, "application/sdp")
        .body(Bytes::from_static(ANSWER.as_bytes()))
        .build()
        .unwrap();
    deliver_to_b(&mut p, with_answer.buffer().clone(), t);
    assert_eq!(
        p.events_b[1..],
        [
            Event::Answer {
                id: b,
                sdp: Bytes::from_static(ANSWER.as_bytes())
            },
            Event::Confirmed { id: b }
        ]
    );
}

#[test]
fn reinvite_before_the_previous_invite_is_acked_gets_500_with_retry_after() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let a = p.a.call(t, "bob", with_offer()).unwrap();
    p.run(t);
    let b = incoming_id(&p.events_b);
    p.b.answer(t, b, ANSWER);
    let ok = sent(&mut p.b).pop().unwrap();
    p.a.handle_input(Input::Received {
        conn: p.conn_a,
        data: ok,
        now: t,
    });
    // A's ACK is held back; its re-INVITE overtakes it.
    let _ack = sent(&mut p.a);
    p.a.hold(t, a).unwrap();
    let reinvite = sent(&mut p.a).pop().unwrap();
    assert!(reinvite.starts_with(b"INVITE "));
    let replies = deliver_to_b(&mut p, reinvite, t);
    let refusal = replies
        .iter()
        .find(|d| d.starts_with(b"SIP/2.0 500 "))
        .expect("a 500");
    let retry: u32 = header(refusal, "Retry-After").unwrap().parse().unwrap();
    assert!(retry <= 10, "RFC 3261 §14.2: 0–10 s, got {retry}");
}

#[test]
fn update_offer_in_the_early_dialog_before_the_answer_gets_500_with_retry_after() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let a = p.a.call(t, "bob", with_offer()).unwrap();
    p.run(t);
    p.wire.clear();
    // Bob is ringing with Alice's INVITE offer unanswered; Alice sends an UPDATE with a new
    // offer in the early dialog. RFC 3311 §5.2: 500 with Retry-After 0–10 s.
    let bob_tag = {
        let call = p.a.calls.get(&a).unwrap();
        call.early
            .iter()
            .next()
            .map(|(tag, _)| String::from(tag))
            .unwrap()
    };
    let mut update =
        p.a.calls
            .get_mut(&a)
            .unwrap()
            .early_dialog_mut(&bob_tag)
            .unwrap()
            .next_request(crate::message::Method::Update);
    update.header("Content-Type", "application/sdp");
    update.body = Bytes::from_static(OFFER.as_bytes());
    p.a.send(update, Owner::Refresh(a), t);
    p.a.pump(t);
    p.run(t);
    let lines = p.first_lines();
    assert!(lines[0].starts_with("A→B UPDATE "), "{lines:?}");
    assert_eq!(lines[1], "B→A SIP/2.0 500 Server Internal Error");
    let retry: u32 = header(&p.wire[1].1, "Retry-After").unwrap().parse().unwrap();
    assert!(retry <= 10);
}
