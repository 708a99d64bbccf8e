//! Call timers: `no_answer_timeout` and session timers (RFC 4028).

use super::*;

#[test]
fn unanswered_call_gets_408_after_no_answer_timeout() {
    let mut p = Pair::new();
    let id = p.a.call(Instant::ZERO, "bob", CallOptions::default()).unwrap();
    p.run(Instant::ZERO);
    let bob_id = incoming_id(&p.events_b);
    let deadline = Instant::ZERO + Duration::from_secs(30);
    assert!(p.b.poll_timeout().is_some_and(|t| t <= deadline));
    p.b.handle_timeout(deadline);
    p.run(deadline);
    assert!(p
        .first_lines()
        .contains(&"B→A SIP/2.0 408 Request Timeout".into()));
    assert!(p.events_b.contains(&Event::Failed {
        id: bob_id,
        cause: Cause::NoAnswer,
        originator: Originator::Local,
        status: None
    }));
    assert!(p.events_a.contains(&Event::Failed {
        id,
        cause: Cause::RequestTimeout,
        originator: Originator::Remote,
        status: StatusCode::new(408)
    }));
}

#[test]
fn session_timer_negotiated_and_refreshed_by_update_at_half_interval() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    let a = p.a.call(t0, "bob", with_offer()).unwrap();
    p.run(t0);
    assert_eq!(
        header(&p.wire[0].1, "Session-Expires"),
        Some("90"),
        "JsSIP asks for 90 s"
    );
    let b = incoming_id(&p.events_b);
    p.b.answer(t0, b, ANSWER);
    p.run(t0);
    let ok = &p
        .wire
        .iter()
        .rev()
        .find(|(from_a, d)| !from_a && d.starts_with(b"SIP/2.0 200"))
        .unwrap()
        .1;
    assert!(header(ok, "CSeq").unwrap().ends_with(" INVITE"));
    assert_eq!(header(ok, "Session-Expires"), Some("90;refresher=uac"));
    assert_eq!(header(ok, "Require"), Some("timer"));
    // The caller refreshes at half the interval (45 s) and nothing else is sent before.
    p.wire.clear();
    let t45 = t0 + Duration::from_secs(45);
    p.advance(t45 - Duration::from_millis(1));
    assert!(p.wire.is_empty(), "{:?}", p.first_lines());
    p.advance(t45);
    assert_eq!(
        p.first_lines(),
        [
            alloc::format!("A→B UPDATE {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into()
        ]
    );
    assert_eq!(header(&p.wire[0].1, "Session-Expires"), Some("90;refresher=uac"));
    // The callee's expiry moved from 60 s to 45 + 60 s; the next refresh is at 90 s.
    p.wire.clear();
    p.advance(t0 + Duration::from_secs(90));
    assert_eq!(
        p.first_lines(),
        [
            alloc::format!("A→B UPDATE {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into()
        ]
    );
    assert!(!p.events_b.iter().any(|e| matches!(e, Event::Ended { .. })));
    assert!(!p
        .events_a
        .iter()
        .any(|e| matches!(e, Event::Ended { id, .. } if *id == a)));
}

#[test]
fn unrefreshed_session_ends_with_bye_at_expiry() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    p.a.call(t0, "bob", with_offer()).unwrap();
    p.run(t0);
    let b = incoming_id(&p.events_b);
    p.b.answer(t0, b, ANSWER);
    p.run(t0);
    // The caller never refreshes (only the callee's timers run): the callee ends the session
    // at 90 − min(32, 90/3) = 60 s (RFC 4028 §10), not a millisecond before.
    let t60 = t0 + Duration::from_secs(60);
    while let Some(t) = p.b.poll_timeout().filter(|t| *t < t60) {
        p.b.handle_timeout(t);
        p.run(t);
    }
    assert!(!p.events_b.iter().any(|e| matches!(e, Event::Ended { .. })));
    assert_eq!(p.b.poll_timeout(), Some(t60));
    p.b.handle_timeout(t60);
    p.run(t60);
    assert_eq!(
        p.events_b.last(),
        Some(&Event::Ended {
            id: b,
            cause: Cause::Expires,
            originator: Originator::System
        })
    );
    assert!(p.first_lines().iter().any(|l| l.starts_with("B→A BYE ")));
}

#[test]
fn session_interval_too_small_is_retried_with_min_se() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    let id = p.a.call(t0, "bob", CallOptions::default()).unwrap();
    let outs: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    let invite = outs
        .iter()
        .find_map(|o| match o {
            Output::Transmit { data, .. } => {
                match parse_message(data.clone(), Framing::WebSocket, &Limits::default()) {
                    Ok(Message::Request(r)) => Some(r),
                    _ => None,
                }
            }
            _ => None,
        })
        .unwrap();
    let too_small = crate::message::Response::builder(StatusCode::SESSION_INTERVAL_TOO_SMALL)
        .echo(&invite)
        .to_tag("x")
        .header(crate::message::HeaderName::MinSe, "120")
        .build()
        .unwrap();
    p.a.handle_input(Input::Received {
        conn: p.conn_a,
        data: too_small.buffer().clone(),
        now: t0,
    });
    let again: Vec<Bytes> = sent(&mut p.a);
    let retry = again.iter().find(|d| d.starts_with(b"INVITE ")).unwrap();
    assert_eq!(header(retry, "Session-Expires"), Some("120"));
    assert_eq!(header(retry, "Min-SE"), Some("120"));
    let cseq = |d: &Bytes| {
        header(d, "CSeq")
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    assert_eq!(cseq(retry), invite.cseq().unwrap().seq + 1);
    let _ = id;
}
