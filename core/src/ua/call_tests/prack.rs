//! Reliable provisional responses (RFC 3262): early media, retransmitted until the PRACK.

use super::*;

#[test]
fn early_media_183_is_reliable_and_retransmitted_until_prack() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    let a = p.a.call(t0, "bob", with_offer()).unwrap();
    p.run(t0);
    let b = incoming_id(&p.events_b);
    p.wire.clear();
    p.events_a.clear();
    // The 183 leaves B; A never sees it (the PRACK never comes).
    p.b.progress(t0, b, ANSWER);
    let first: Vec<Bytes> = sent(&mut p.b);
    assert_eq!(first.len(), 1);
    assert!(first[0].starts_with(b"SIP/2.0 183 Session Progress\r\n"));
    assert!(first[0].ends_with(ANSWER.as_bytes()));
    // RFC 3262 §3: retransmitted at T1, 2·T1, 4·T1 ... (500, 1500, 3500 ms after sending).
    let mut sent = Vec::new();
    while let Some(t) = p.b.poll_timeout().filter(|t| *t <= t0 + Duration::from_secs(4)) {
        p.b.handle_timeout(t);
        for o in core::iter::from_fn(|| p.b.poll_output()) {
            if let Output::Transmit { data, .. } = o {
                assert_eq!(data, first[0]);
                sent.push(t.as_millis());
            }
        }
    }
    assert_eq!(sent, [500, 1500, 3500]);
    // Delivered now: A sends one PRACK, reports early media once, even for a retransmission.
    for _ in 0..2 {
        p.a.handle_input(Input::Received {
            conn: p.conn_a,
            data: first[0].clone(),
            now: t0,
        });
    }
    p.run(t0);
    assert_eq!(
        p.wire
            .iter()
            .filter(|(from_a, d)| *from_a && d.starts_with(b"PRACK "))
            .count(),
        1
    );
    assert_eq!(
        p.events_a,
        [Event::Progress {
            id: a,
            status: StatusCode::SESSION_PROGRESS,
            sdp: Some(Bytes::from_static(ANSWER.as_bytes()))
        }]
    );
    // Acknowledged: no more retransmissions of the 183.
    assert!(p
        .b
        .poll_timeout()
        .is_none_or(|t| t >= t0 + Duration::from_secs(30)));
}

#[test]
fn a_prack_that_arrives_after_our_2xx_still_gets_200() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    p.a.call(t0, "bob", with_offer()).unwrap();
    for invite in sent(&mut p.a) {
        p.b.handle_input(Input::Received {
            conn: p.conn_b,
            data: invite,
            now: t0,
        });
    }
    // B rings reliably (A supports 100rel) and answers before A's PRACK can arrive: allowed,
    // the 180 has no session description (RFC 3262 §3).
    let (ringing, events) = drain(&mut p.b);
    assert!(ringing
        .iter()
        .any(|r| r.starts_with(b"SIP/2.0 180 Ringing\r\n") && header(r, "Require") == Some("100rel")));
    p.b.answer(t0, incoming_id(&events), ANSWER);
    let ok = sent(&mut p.b);
    for data in ringing.into_iter().chain(ok) {
        p.a.handle_input(Input::Received {
            conn: p.conn_a,
            data,
            now: t0,
        });
    }
    p.run(t0);
    // RFC 3262 §3: the PRACK matches a reliable provisional we sent and it never acknowledged,
    // so it is answered 200 — not 481, which is for a PRACK that matches nothing.
    let prack_answers: Vec<&Bytes> = p
        .wire
        .iter()
        .filter(|(from_a, d)| !*from_a && header(d, "CSeq").is_some_and(|c| c.ends_with("PRACK")))
        .map(|(_, d)| d)
        .collect();
    assert_eq!(prack_answers.len(), 1, "{:?}", p.first_lines());
    assert!(
        prack_answers[0].starts_with(b"SIP/2.0 200 OK\r\n"),
        "{:?}",
        p.first_lines()
    );
}
