//! Creating dialogs: which responses create them, Contact rules, early dialogs confirmed by
//! a 2xx, UAS confirmation, the secure flag, forking.

use alloc::vec::Vec;

use super::tests::{from_bob, invite, parse, reply, route_value, BOB};
use super::*;
use crate::message::{Response, StatusCode};

#[test]
fn early_dialog_confirmed_by_2xx_recomputes_the_route_set() {
    let inv = invite("sip:bob@example.com", "");
    let ringing = reply(
        180,
        "b1",
        "7 INVITE",
        "Record-Route: <sip:p1.example.com;lr>\r\nContact: <sip:bob@192.0.2.4;early>\r\n",
    );
    let mut d = Dialog::uac(&inv, &ringing, false).unwrap();
    assert_eq!(d.state(), DialogState::Early);
    assert_eq!(d.remote_target().as_str(), "sip:bob@192.0.2.4;early");
    // A PRACK in the early dialog (RFC 3262) takes the next number.
    let prack = d.next_request(Method::Prack);
    assert_eq!(
        (prack.cseq, route_value(&prack)),
        (8, Some("<sip:p1.example.com;lr>"))
    );
    let ok = reply(
        200,
        "b1",
        "7 INVITE",
        "Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;lr>\r\nContact: <sip:bob@192.0.2.5>\r\n",
    );
    // RFC 3261 §13.2.2.4: recomputed from the 2xx.
    d.receive_response(&ok).unwrap();
    assert_eq!(d.state(), DialogState::Confirmed);
    assert_eq!(d.remote_target().as_str(), "sip:bob@192.0.2.5");
    let ack = d.ack_for_2xx(7);
    assert_eq!(ack.uri.as_str(), "sip:bob@192.0.2.5");
    assert_eq!(
        route_value(&ack),
        Some("<sip:p1.example.com;lr>, <sip:p2.example.com;lr>")
    );
    assert_eq!(d.local_seq(), Some(8));
    // `confirm` refuses what cannot confirm it.
    assert_eq!(d.confirm(&ringing), Err(DialogError::NotDialogCreating(180)));
    let other = reply(200, "b2", "7 INVITE", BOB);
    assert_eq!(d.confirm(&other), Err(DialogError::WrongDialog));
}

#[test]
fn early_dialog_ends_with_a_failure() {
    let ringing = reply(183, "b1", "7 INVITE", BOB);
    let mut d = Dialog::uac(&invite("sip:bob@example.com", ""), &ringing, false).unwrap();
    d.receive_response(&reply(486, "b1", "7 INVITE", "")).unwrap();
    assert_eq!(d.state(), DialogState::Terminated);
}

#[test]
fn uas_dialog_is_confirmed_by_its_own_2xx() {
    let req = invite(
        "sip:bob@example.com",
        "Record-Route: <sip:p1.example.com;lr>\r\nContact: <sip:alice@a.invalid>\r\n",
    );
    let mut d = Dialog::uas(&req, "b1", false).unwrap();
    let ok = Response::builder(StatusCode::OK)
        .echo(&req)
        .to_tag("b1")
        .header(
            crate::message::HeaderName::RecordRoute,
            "<sip:other.example.com;lr>",
        )
        .header(crate::message::HeaderName::Contact, "<sip:bob@192.0.2.4>")
        .build()
        .unwrap();
    d.confirm(&ok).unwrap();
    assert_eq!(d.state(), DialogState::Confirmed);
    // The UAS keeps the request's route set and target (RFC 3261 §12.1.1).
    let routes: Vec<&[u8]> = d.route_set().iter().map(|r| r.as_bytes()).collect();
    assert_eq!(routes, [&b"<sip:p1.example.com;lr>"[..]]);
    assert_eq!(d.remote_target().as_str(), "sip:alice@a.invalid");
    let wrong = Response::builder(StatusCode::OK)
        .echo(&req)
        .to_tag("b2")
        .build()
        .unwrap();
    let mut d = Dialog::uas(&req, "b1", false).unwrap();
    assert_eq!(d.confirm(&wrong), Err(DialogError::WrongDialog));
    // A request already in a dialog creates none.
    let inside = from_bob("INVITE", 3, BOB);
    assert_eq!(
        Dialog::uas(&inside, "x", false).unwrap_err(),
        DialogError::ToTagPresent
    );
}

#[test]
fn contact_must_be_exactly_one_uri() {
    let inv = invite("sip:bob@example.com", "");
    let uac = |extra: &str| Dialog::uac(&inv, &reply(200, "b1", "7 INVITE", extra), false).unwrap_err();
    assert_eq!(uac(""), DialogError::MissingContact);
    assert_eq!(
        uac("Contact: <sip:bob@192.0.2.4>, <sip:bob@192.0.2.5>\r\n"),
        DialogError::MultipleContacts
    );
    assert_eq!(
        uac("Contact: <sip:bob@192.0.2.4>\r\nContact: <sip:bob@192.0.2.5>\r\n"),
        DialogError::MultipleContacts
    );
    assert_eq!(uac("Contact: *\r\n"), DialogError::MalformedContact);
    assert_eq!(
        uac("Contact: <sip:bob@192.0.2.4\r\n"),
        DialogError::MalformedContact
    );
    let uas = |extra: &str| Dialog::uas(&invite("sip:bob@example.com", extra), "b1", false).unwrap_err();
    assert_eq!(uas(""), DialogError::MissingContact);
    assert_eq!(
        uas("Contact: <sip:a@h>,<sip:b@h>\r\n"),
        DialogError::MultipleContacts
    );
    assert_eq!(uas("Contact: <sip:a@h>;x=\"\r\n"), DialogError::MalformedContact);
}

#[test]
fn which_responses_create_dialogs() {
    let inv = invite("sip:bob@example.com", "");
    let uac = |status, tag: &str| Dialog::uac(&inv, &reply(status, tag, "7 INVITE", BOB), false);
    assert_eq!(uac(100, "b1").unwrap_err(), DialogError::NotDialogCreating(100));
    assert_eq!(uac(486, "b1").unwrap_err(), DialogError::NotDialogCreating(486));
    assert_eq!(uac(180, "").unwrap_err(), DialogError::MissingToTag);
    // RFC 3261 §12.1.2: a 2xx without a To tag (RFC 2543) has a null remote tag.
    let d = uac(200, "").unwrap();
    assert_eq!(d.id().remote_tag, "");
    assert_eq!(d.remote_party(), "<sip:bob@example.com>");
    assert!(d.matches_request(
        &parse(
            "BYE sip:alice@a.invalid SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\n\
         From: <sip:bob@example.com>\r\nTo: <sip:alice@example.com>;tag=a1\r\nCall-ID: c1\r\n\
         CSeq: 1 BYE\r\n\r\n"
                .into()
        )
        .as_request()
        .unwrap()
        .clone()
    ));
}

#[test]
fn secure_needs_tls_and_sips() {
    let ok = reply(200, "b1", "7 INVITE", "Contact: <sips:bob@192.0.2.4>\r\n");
    let sips = invite("sips:bob@example.com", "");
    assert!(Dialog::uac(&sips, &ok, true).unwrap().is_secure());
    assert!(!Dialog::uac(&sips, &ok, false).unwrap().is_secure());
    assert!(!Dialog::uac(&invite("sip:bob@example.com", ""), &ok, true)
        .unwrap()
        .is_secure());
    let req = invite("sips:bob@example.com", "Contact: <sips:alice@a.example.com>\r\n");
    assert!(Dialog::uas(&req, "b1", true).unwrap().is_secure());
}

#[test]
fn forked_responses_make_separate_dialogs() {
    let inv = invite("sip:bob@example.com", "");
    let r1 = reply(180, "b1", "7 INVITE", "Contact: <sip:bob@192.0.2.4>\r\n");
    let r2 = reply(183, "b2", "7 INVITE", "Contact: <sip:bob@192.0.2.99>\r\n");
    let id1 = DialogId::from_response(&inv, &r1).unwrap();
    let id2 = DialogId::from_response(&inv, &r2).unwrap();
    assert_ne!(id1, id2);
    assert_eq!((id1.call_id.as_str(), id1.local_tag.as_str()), ("c1", "a1"));
    assert_eq!((id1.remote_tag.as_str(), id2.remote_tag.as_str()), ("b1", "b2"));

    let mut forks = EarlyDialogs::new();
    assert!(forks
        .receive_response(&inv, &reply(100, "", "7 INVITE", ""), false)
        .unwrap()
        .is_none());
    // No Contact: no early dialog (as JsSIP).
    assert!(forks
        .receive_response(&inv, &reply(180, "b0", "7 INVITE", ""), false)
        .unwrap()
        .is_none());
    let d1 = forks.receive_response(&inv, &r1, false).unwrap().unwrap();
    assert_eq!(d1.id(), &id1);
    forks.receive_response(&inv, &r2, false).unwrap();
    // A second 18x on the same fork keeps the dialog as created.
    let again = reply(180, "b2", "7 INVITE", "Contact: <sip:bob@203.0.113.1>\r\n");
    forks.receive_response(&inv, &again, false).unwrap();
    assert_eq!(forks.len(), 2);
    assert_eq!(
        forks.get("b2").unwrap().remote_target().as_str(),
        "sip:bob@192.0.2.99"
    );
    // The 2xx from fork b2 confirms that one only; a 2xx from a new fork b3 makes a third.
    let ok2 = reply(200, "b2", "7 INVITE", "Contact: <sip:bob@192.0.2.100>\r\n");
    let d2 = forks.receive_response(&inv, &ok2, false).unwrap().unwrap();
    assert_eq!(
        (d2.state(), d2.remote_target().as_str()),
        (DialogState::Confirmed, "sip:bob@192.0.2.100")
    );
    let ok3 = reply(200, "b3", "7 INVITE", "Contact: <sip:carol@192.0.2.7>\r\n");
    forks.receive_response(&inv, &ok3, false).unwrap();
    let states: Vec<(&str, DialogState)> = forks.iter().map(|(t, d)| (t, d.state())).collect();
    assert_eq!(
        states,
        [
            ("b1", DialogState::Early),
            ("b2", DialogState::Confirmed),
            ("b3", DialogState::Confirmed)
        ]
    );
    // A final failure ends the early ones; confirmed dialogs are the session's to end.
    assert!(forks
        .receive_response(&inv, &reply(487, "b1", "7 INVITE", ""), false)
        .unwrap()
        .is_none());
    assert_eq!(forks.get("b1").unwrap().state(), DialogState::Terminated);
    assert_eq!(forks.get("b3").unwrap().state(), DialogState::Confirmed);
    assert_eq!(
        forks.receive_response(&inv, &r1, false).unwrap_err(),
        DialogError::Terminated
    );
    let kept = forks.remove("b2").unwrap();
    assert_eq!(kept.id(), &id2);
    assert!(forks.get("b2").is_none() && !forks.is_empty());
}
