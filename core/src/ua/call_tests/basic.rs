//! The basic call: answered and hung up, the ACK repeated for a retransmitted 2xx, a busy
//! callee and a request for an unknown dialog.

use super::*;

#[test]
fn basic_call_answered_and_hung_up_by_the_caller() {
    let mut p = Pair::new();
    let t = Instant::from_millis(10);
    let id = p.a.call(t, "bob", with_offer()).unwrap();
    p.run(t);
    // Both support 100rel (RFC 3262): the 180 is reliable and gets a PRACK in the early dialog.
    assert_eq!(
        p.first_lines(),
        [
            String::from("A→B INVITE sip:bob@example.com SIP/2.0"),
            "B→A SIP/2.0 180 Ringing".into(),
            alloc::format!("A→B PRACK {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into(),
        ]
    );
    let rseq = header(&p.wire[1].1, "RSeq").unwrap();
    assert_eq!(header(&p.wire[1].1, "Require"), Some("100rel"));
    let invite_cseq = header(&p.wire[0].1, "CSeq").unwrap().split(' ').next().unwrap();
    assert_eq!(
        header(&p.wire[2].1, "RAck").unwrap(),
        alloc::format!("{rseq} {invite_cseq} INVITE")
    );
    let invite = &p.wire[0].1;
    let text = core::str::from_utf8(invite).unwrap();
    assert!(text.contains("\r\nContent-Type: application/sdp\r\n") && text.ends_with(OFFER));
    assert!(text.contains("\r\nSupported: 100rel, timer, ice, replaces, outbound\r\n"));
    let ringing = core::str::from_utf8(&p.wire[1].1).unwrap();
    assert!(
        ringing.contains(";tag=") && ringing.contains("\r\nContact: <sip:"),
        "{ringing}"
    );
    assert!(
        matches!(&p.events_a[..], [Event::Progress { id: i, status, sdp: None }] if *i == id && status.as_u16() == 180)
    );
    let bob_id = incoming_id(&p.events_b);
    assert!(matches!(&p.events_b[0], Event::NewSession { sdp: Some(s), .. } if s == OFFER.as_bytes()));

    p.b.answer(t, bob_id, ANSWER);
    p.run(t);
    assert_eq!(
        p.first_lines()[4..],
        [String::from("B→A SIP/2.0 200 OK"), ack_line(&p)]
    );
    assert_eq!(
        &p.events_a[1..],
        [
            Event::Accepted {
                id,
                sdp: Some(Bytes::from_static(ANSWER.as_bytes()))
            },
            Event::Confirmed { id }
        ]
    );
    assert_eq!(p.events_b[1..], [Event::Confirmed { id: bob_id }]);

    let t2 = Instant::from_millis(5_000);
    p.a.terminate(t2, id);
    p.run(t2);
    assert_eq!(
        &p.first_lines()[6..],
        [
            alloc::format!("A→B BYE {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into()
        ]
    );
    assert_eq!(
        p.events_a[3..],
        [Event::Ended {
            id,
            cause: Cause::Bye,
            originator: Originator::Local
        }]
    );
    assert_eq!(
        p.events_b[2..],
        [Event::Ended {
            id: bob_id,
            cause: Cause::Bye,
            originator: Originator::Remote
        }]
    );
}

#[test]
fn ack_is_repeated_for_a_retransmitted_2xx() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    p.a.call(t, "bob", with_offer()).unwrap();
    p.run(t);
    let bob_id = incoming_id(&p.events_b);
    p.b.answer(t, bob_id, ANSWER);
    p.run(t);
    let ok = p.wire.iter().rev().find(|(from_a, _)| !from_a).unwrap().1.clone();
    let ack = p.wire.last().unwrap().1.clone();
    assert!(ack.starts_with(b"ACK "));
    p.a.handle_input(Input::Received {
        conn: p.conn_a,
        data: ok,
        now: t,
    });
    let again: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    assert_eq!(
        again,
        [Output::Transmit {
            conn: p.conn_a,
            data: ack
        }]
    );
}

#[test]
fn callee_rejects_busy_and_unknown_dialog_gets_481() {
    let mut p = Pair::new();
    let id = p.a.call(Instant::ZERO, "bob", CallOptions::default()).unwrap();
    p.run(Instant::ZERO);
    let bob_id = incoming_id(&p.events_b);
    p.b.reject(Instant::ZERO, bob_id, StatusCode::BUSY_HERE);
    p.run(Instant::ZERO);
    assert!(p.events_a.contains(&Event::Failed {
        id,
        cause: Cause::Busy,
        originator: Originator::Remote,
        status: StatusCode::new(486)
    }));
    // A BYE for a dialog Bob does not have.
    let bye = Bytes::from_static(
        b"BYE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bKbye1\r\n\
          To: <sip:bob@example.com>;tag=nope\r\nFrom: <sip:alice@example.com>;tag=a\r\nCall-ID: zz\r\nCSeq: 2 BYE\r\n\r\n",
    );
    p.b.handle_input(Input::Received {
        conn: p.conn_b,
        data: bye,
        now: Instant::ZERO,
    });
    let outs: Vec<Output> = core::iter::from_fn(|| p.b.poll_output()).collect();
    assert!(
        matches!(&outs[..], [Output::Transmit { data, .. }] if data.starts_with(b"SIP/2.0 481 ")),
        "{outs:?}"
    );
}

#[test]
fn anonymous_call_hides_the_caller() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    p.a.call(
        t,
        "bob",
        CallOptions {
            anonymous: true,
            ..Default::default()
        },
    )
    .unwrap();
    p.run(t);
    let invite = &p.wire[0].1;
    let from = header(invite, "From").unwrap();
    assert!(
        from.starts_with("\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag="),
        "{from}"
    );
    assert_eq!(
        header(invite, "P-Preferred-Identity"),
        Some("<sip:alice@example.com>")
    );
    assert_eq!(header(invite, "Privacy"), Some("id"));
    assert!(matches!(&p.events_b[0], Event::NewSession { from, .. } if from.starts_with("\"Anonymous\"")));
}
