//! CANCEL (RFC 3261 §9): waiting for a provisional response, and the 200-after-CANCEL race.

use super::*;

#[test]
fn cancel_waits_for_a_provisional_then_487() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id = p.a.call(t, "bob", CallOptions::default()).unwrap();
    // Hang up before anything came back: RFC 3261 §9.1, no CANCEL yet.
    let invite: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    p.a.terminate(t, id);
    assert!(p.a.poll_output().is_none());
    for o in invite {
        if let Output::Transmit { data, .. } = o {
            p.wire.push((true, data.clone()));
            p.b.handle_input(Input::Received {
                conn: p.conn_b,
                data,
                now: t,
            });
        }
    }
    p.run(t);
    // 180 → CANCEL (same branch as the INVITE) → 200 to CANCEL, 487 to INVITE → ACK.
    let lines = p.first_lines();
    assert_eq!(
        lines[..3],
        [
            "A→B INVITE sip:bob@example.com SIP/2.0",
            "B→A SIP/2.0 180 Ringing",
            "A→B CANCEL sip:bob@example.com SIP/2.0"
        ]
    );
    let branch = |d: &Bytes| match parse_message(d.clone(), Framing::WebSocket, &Limits::default()).unwrap() {
        Message::Request(r) => r.via_branch().unwrap().to_vec(),
        Message::Response(r) => r.via_branch().unwrap().to_vec(),
    };
    assert_eq!(branch(&p.wire[0].1), branch(&p.wire[2].1));
    assert!(
        lines.contains(&"B→A SIP/2.0 487 Request Terminated".into()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"A→B ACK sip:bob@example.com SIP/2.0".into()),
        "{lines:?}"
    );
    assert_eq!(
        p.events_a.last(),
        Some(&Event::Failed {
            id,
            cause: Cause::Canceled,
            originator: Originator::Local,
            status: StatusCode::new(487)
        })
    );
    let bob_id = incoming_id(&p.events_b);
    assert_eq!(
        p.events_b.last(),
        Some(&Event::Failed {
            id: bob_id,
            cause: Cause::Canceled,
            originator: Originator::Remote,
            status: None
        })
    );
}

#[test]
fn answer_after_cancel_race_gets_ack_then_bye() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id = p.a.call(t, "bob", with_offer()).unwrap();
    p.run(t);
    let bob_id = incoming_id(&p.events_b);
    // Bob answers; the 200 is in flight when Alice hangs up (her CANCEL crosses it).
    p.b.answer(t, bob_id, ANSWER);
    let ok: Vec<Bytes> = sent(&mut p.b);
    p.a.terminate(t, id);
    let cancel: Vec<Bytes> = sent(&mut p.a);
    assert!(cancel[0].starts_with(b"CANCEL "));
    for d in ok {
        p.a.handle_input(Input::Received {
            conn: p.conn_a,
            data: d,
            now: t,
        });
    }
    let after: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    let sent: Vec<&[u8]> = after
        .iter()
        .filter_map(|o| {
            if let Output::Transmit { data, .. } = o {
                Some(&data[..4])
            } else {
                None
            }
        })
        .collect();
    assert_eq!(sent, [&b"ACK "[..], b"BYE "]);
    assert!(after.contains(&Output::Event(Event::Failed {
        id,
        cause: Cause::Canceled,
        originator: Originator::Local,
        status: Some(StatusCode::OK)
    })));
}
