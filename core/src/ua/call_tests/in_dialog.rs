//! Inside an established call: hold and unhold by re-INVITE, re-INVITE glare, DTMF by INFO.

use super::*;

#[test]
fn hold_and_unhold_by_reinvite() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(1_000);
    p.a.hold(t, a).unwrap();
    p.run(t);
    assert_eq!(
        p.first_lines()[0],
        alloc::format!("A→B INVITE {}", contact_of_b(&p))
    );
    assert_eq!(p.first_lines()[1], "B→A SIP/2.0 200 OK");
    assert_eq!(p.first_lines()[2], ack_line(&p));
    // RFC 3264 §8.4: the hold offer is sendonly with the o= version bumped; the answer recvonly.
    let offer = body_of_wire(&p, 0);
    assert_eq!(offer, OFFER.replace("o=- 1 1 ", "o=- 1 2 ") + "a=sendonly\r\n");
    assert!(
        body_of_wire(&p, 1).ends_with("a=recvonly\r\n"),
        "{}",
        body_of_wire(&p, 1)
    );
    assert_eq!(
        p.events_a,
        [Event::Hold {
            id: a,
            originator: Originator::Local
        }]
    );
    // JsSIP's `reinvite` event carries the offer, then the hold it means.
    let hold_offer = Bytes::from(OFFER.replace("o=- 1 1 ", "o=- 1 2 ") + "a=sendonly\r\n");
    assert_eq!(
        p.events_b,
        [
            Event::Reinvite {
                id: b,
                sdp: Some(hold_offer)
            },
            Event::Hold {
                id: b,
                originator: Originator::Remote
            }
        ]
    );

    p.wire.clear();
    p.a.unhold(t, a).unwrap();
    p.run(t);
    assert_eq!(
        body_of_wire(&p, 0),
        OFFER.replace("o=- 1 1 ", "o=- 1 3 ") + "a=sendrecv\r\n"
    );
    assert_eq!(
        p.events_a[1..],
        [Event::Unhold {
            id: a,
            originator: Originator::Local
        }]
    );
    let unhold_offer = Bytes::from(OFFER.replace("o=- 1 1 ", "o=- 1 3 ") + "a=sendrecv\r\n");
    assert_eq!(
        p.events_b[2..],
        [
            Event::Reinvite {
                id: b,
                sdp: Some(unhold_offer)
            },
            Event::Unhold {
                id: b,
                originator: Originator::Remote
            }
        ]
    );
    // CSeq rises by one per in-dialog request.
    let cseq = |k: usize| match parse_message(p.wire[k].1.clone(), Framing::WebSocket, &Limits::default())
        .unwrap()
    {
        Message::Request(r) => r.cseq().unwrap().seq,
        Message::Response(r) => r.cseq().unwrap().seq,
    };
    assert_eq!(cseq(0), cseq(2), "ACK carries the re-INVITE's CSeq number");
}

#[test]
fn reinvite_glare_both_get_491_and_retry_after_the_rfc_delays() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(1_000);
    // Both offer at once: each side's re-INVITE meets the other's pending one.
    p.a.hold(t, a).unwrap();
    p.b.hold(t, b).unwrap();
    p.run(t);
    let lines = p.first_lines();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with("491 Request Pending"))
            .count(),
        2,
        "{lines:?}"
    );
    // RFC 3261 §14.1: the Call-ID owner (A placed the call) waits 2.1–4 s, the other 0–2 s.
    let wake_a = p.a.poll_timeout().unwrap() - t;
    let wake_b = p.b.poll_timeout().unwrap() - t;
    assert!(
        wake_a >= Duration::from_millis(2_100) && wake_a <= Duration::from_secs(4),
        "{wake_a:?}"
    );
    assert!(wake_b <= Duration::from_secs(2), "{wake_b:?}");
    // B retries first and wins; A's retry then finds the dialog idle.
    let tb = t + wake_b;
    p.b.handle_timeout(tb);
    p.run(tb);
    assert!(p.events_b.contains(&Event::Hold {
        id: b,
        originator: Originator::Local
    }));
    assert!(p.events_a.contains(&Event::Hold {
        id: a,
        originator: Originator::Remote
    }));
    let ta = t + wake_a;
    p.a.handle_timeout(ta);
    p.run(ta);
    assert!(p.events_a.contains(&Event::Hold {
        id: a,
        originator: Originator::Local
    }));
}

#[test]
fn dtmf_by_info_one_tone_at_a_time_with_gaps() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(1_000);
    p.a.send_dtmf(t, a, "1#", Some(40)).unwrap();
    p.run(t);
    // Durations below 70 ms are raised to 70 (JsSIP); the second tone waits for the 200 + gap.
    assert_eq!(
        p.first_lines()[0],
        alloc::format!("A→B INFO {}", contact_of_b(&p))
    );
    let info = core::str::from_utf8(&p.wire[0].1).unwrap();
    assert!(info.contains("\r\nContent-Type: application/dtmf-relay\r\n"));
    assert!(info.ends_with("\r\n\r\nSignal=1\r\nDuration=70\r\n"), "{info}");
    assert_eq!(p.wire.len(), 2, "one INFO and its 200");
    assert_eq!(p.a.poll_timeout(), Some(t + Duration::from_millis(500)));
    p.a.handle_timeout(t + Duration::from_millis(500));
    p.run(t + Duration::from_millis(500));
    assert!(core::str::from_utf8(&p.wire[2].1)
        .unwrap()
        .ends_with("Signal=#\r\nDuration=70\r\n"));
    assert_eq!(
        p.events_b,
        [
            Event::NewDtmf {
                id: b,
                tone: '1',
                duration: 70,
                originator: Originator::Remote
            },
            Event::NewDtmf {
                id: b,
                tone: '#',
                duration: 70,
                originator: Originator::Remote
            },
        ]
    );
    assert_eq!(p.a.send_dtmf(t, a, "x", None), Err(CallCommandError::InvalidTone));
}

#[test]
fn hold_and_unhold_by_update() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(1_000);
    p.a.hold_by_update(t, a).unwrap();
    p.run(t);
    // RFC 3311: an UPDATE with the offer, answered in its 200; no ACK.
    assert_eq!(
        p.first_lines(),
        [
            alloc::format!("A→B UPDATE {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into()
        ]
    );
    assert_eq!(
        body_of_wire(&p, 0),
        OFFER.replace("o=- 1 1 ", "o=- 1 2 ") + "a=sendonly\r\n"
    );
    assert!(body_of_wire(&p, 1).ends_with("a=recvonly\r\n"));
    assert_eq!(
        p.events_a,
        [Event::Hold {
            id: a,
            originator: Originator::Local
        }]
    );
    assert!(
        matches!(&p.events_b[..], [Event::Update { id, sdp: Some(_) }, Event::Hold { originator: Originator::Remote, .. }] if *id == b)
    );
    p.wire.clear();
    p.a.unhold_by_update(t, a).unwrap();
    p.run(t);
    assert_eq!(p.first_lines().len(), 2);
    assert_eq!(
        p.events_a[1..],
        [Event::Unhold {
            id: a,
            originator: Originator::Local
        }]
    );
}

#[test]
fn dtmf_inter_tone_gap_is_the_callers_choice_but_at_least_50_ms() {
    for (gap, expected) in [(80, 80), (10, 50)] {
        let (mut p, a, _b) = established();
        let t = Instant::from_millis(1_000);
        p.a.send_dtmf_with(
            t,
            a,
            "12",
            DtmfOptions {
                duration_ms: Some(100),
                inter_tone_gap_ms: Some(gap),
            },
        )
        .unwrap();
        p.run(t);
        assert_eq!(
            p.a.poll_timeout(),
            Some(t + Duration::from_millis(expected)),
            "gap {gap}"
        );
    }
}
