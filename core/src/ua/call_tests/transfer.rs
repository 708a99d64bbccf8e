//! Transfer by REFER (RFC 3515), attended with Replaces (RFC 3891).

use super::*;

#[test]
fn blind_transfer_refer_accepted_and_progress_notified() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(2_000);
    p.a.refer(t, a, "carol", None).unwrap();
    p.run(t);
    assert_eq!(
        p.first_lines()[0],
        alloc::format!("A→B REFER {}", contact_of_b(&p))
    );
    assert_eq!(header(&p.wire[0].1, "Refer-To"), Some("<sip:carol@example.com>"));
    assert_eq!(
        header(&p.wire[0].1, "Referred-By"),
        Some("<sip:alice@example.com>")
    );
    assert_eq!(
        p.events_b,
        [Event::Refer {
            id: b,
            target: "sip:carol@example.com".into(),
            replaces: false
        }]
    );
    p.b.accept_refer(t, b);
    p.run(t);
    // 202, then NOTIFY with the 100 Trying fragment (RFC 3515 §2.4.2).
    let lines = p.first_lines();
    assert_eq!(lines[1], "B→A SIP/2.0 202 Accepted");
    assert_eq!(
        lines[2],
        alloc::format!("A→B NOTIFY {}", p.a_contact()).replace("A→B", "B→A")
    );
    let notify = &p.wire[2].1;
    assert_eq!(header(notify, "Event"), Some("refer"));
    assert_eq!(header(notify, "Subscription-State"), Some("active;expires=60"));
    assert!(notify.ends_with(b"\r\n\r\nSIP/2.0 100 Trying\r\n"));
    // B's new call to Carol is answered: the final NOTIFY ends the subscription.
    p.b.notify_refer(t, b, StatusCode::OK);
    p.run(t);
    assert_eq!(
        p.events_a,
        [
            Event::ReferAccepted { id: a },
            Event::ReferNotify {
                id: a,
                status: StatusCode::TRYING,
                terminated: false
            },
            Event::ReferNotify {
                id: a,
                status: StatusCode::OK,
                terminated: true
            },
        ]
    );
}

#[test]
fn attended_transfer_refer_carries_replaces_and_invite_with_replaces_replaces_the_call() {
    let (mut p, first_a, first_b) = established();
    let t = Instant::from_millis(1_000);
    // A second call between the same two UAs (B's side of it is what Replaces will name).
    let second_a = p.a.call(t, "bob", with_offer()).unwrap();
    p.run(t);
    let second_b = incoming_id(&p.events_b);
    p.b.answer(t, second_b, ANSWER);
    p.run(t);
    p.wire.clear();
    p.events_a.clear();
    p.events_b.clear();
    p.a.refer(t, first_a, "", Some(second_a)).unwrap();
    p.run(t);
    let refer_to = header(&p.wire[0].1, "Refer-To").unwrap().to_string();
    let Some(Event::Refer {
        target,
        replaces: true,
        ..
    }) = p.events_b.first().cloned()
    else {
        panic!(
            "{:?} {:?}",
            p.events_b,
            p.wire
                .iter()
                .map(|w| String::from_utf8_lossy(&w.1).into_owned())
                .collect::<Vec<_>>()
        )
    };
    assert_eq!(refer_to, alloc::format!("<{target}>"));
    // ';' '=' escaped inside the URI header (RFC 3261 §19.1.1); to-tag is B's tag in call 2.
    let (_, replaces) = target.split_once("?Replaces=").unwrap();
    assert!(
        !replaces.contains(';') && replaces.contains("%3Bto-tag%3D") && replaces.contains("%3Bfrom-tag%3D"),
        "{replaces}"
    );

    // Replaces names A's second call for its other party: its Call-ID, to-tag = B's tag there,
    // from-tag = A's (RFC 3891 §3).
    let d2 = p.a.calls.get(&second_a).unwrap().dialog().unwrap().id().clone();
    let unescaped = String::from_utf8(crate::uri::unescape(replaces.as_bytes()).into_owned()).unwrap();
    assert_eq!(
        unescaped,
        alloc::format!(
            "{};to-tag={};from-tag={}",
            d2.call_id,
            d2.remote_tag,
            d2.local_tag
        )
    );

    // An INVITE to A whose Replaces names A's second call from A's side (to-tag = A's tag):
    // A reports the new call as replacing it, and answering it ends the second call with BYE.
    let for_a = alloc::format!(
        "{};to-tag={};from-tag={}",
        d2.call_id,
        d2.local_tag,
        d2.remote_tag
    );
    let id =
        p.b.call(
            t,
            "alice",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                extra_headers: alloc::vec![alloc::format!("Replaces: {for_a}")],
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t);
    let Some(Event::NewSession {
        id: new_a,
        replaces: Some(old),
        ..
    }) = p
        .events_a
        .iter()
        .find(|e| matches!(e, Event::NewSession { .. }))
        .cloned()
    else {
        panic!("{:?}", p.events_a)
    };
    assert_eq!(old, second_a);
    p.a.answer(t, new_a, ANSWER);
    p.run(t);
    assert!(p.events_a.contains(&Event::Ended {
        id: second_a,
        cause: Cause::Bye,
        originator: Originator::Local
    }));
    assert!(p.events_b.contains(&Event::Ended {
        id: second_b,
        cause: Cause::Bye,
        originator: Originator::Remote
    }));
    let _ = (first_b, id);
}

#[test]
fn invite_with_replaces_for_an_unknown_dialog_gets_481() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id =
        p.b.call(
            t,
            "alice",
            CallOptions {
                extra_headers: alloc::vec!["Replaces: nope;to-tag=x;from-tag=y".into()],
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t);
    assert!(
        p.first_lines()
            .contains(&"A→B SIP/2.0 481 Call/Transaction Does Not Exist".into()),
        "{:?}",
        p.first_lines()
    );
    assert!(p.events_a.is_empty());
    assert!(p.events_b.contains(&Event::Failed {
        id,
        cause: Cause::SipFailureCode,
        originator: Originator::Remote,
        status: StatusCode::new(481)
    }));
}
