//! The RFC 7118 §8.2 call flow (../shared/corpus/rfc7118/wire): Alice's UAC dialog from F1 +
//! F5 must produce F6's ACK, Bob's UAS dialog from F3 + F4 must produce F8's BYE, and F9
//! must land in Alice's dialog.

use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;

use super::*;
use crate::message::{HeaderName, Message, Request, Response};
use crate::parse::{parse_message, Framing, Limits};
use crate::ua::OutgoingRequest;

macro_rules! wire {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/corpus/rfc7118/wire/",
            $name
        ))
    };
}

fn message(bytes: &'static [u8]) -> Message {
    parse_message(Bytes::from_static(bytes), Framing::WebSocket, &Limits::default()).unwrap()
}
fn request(bytes: &'static [u8]) -> Request {
    message(bytes).as_request().unwrap().clone()
}
fn response(bytes: &'static [u8]) -> Response {
    message(bytes).as_response().unwrap().clone()
}

/// The request as the UA would write it, with the given Via and the RFC's header order
/// (Via, the dialog's headers, From, To, Call-ID, CSeq, Max-Forwards).
fn written(out: &OutgoingRequest, via: &str) -> String {
    let mut b = Request::builder(out.method.clone(), out.uri.clone()).header(HeaderName::Via, via);
    for (name, value) in &out.headers {
        b = b.header_raw(name, value);
    }
    let r = b
        .header(HeaderName::From, &out.from)
        .header(HeaderName::To, &out.to)
        .header(HeaderName::CallId, &out.call_id)
        .header(HeaderName::CSeq, alloc::format!("{} {}", out.cseq, out.method))
        .header(HeaderName::MaxForwards, "70")
        .body(out.body.clone())
        .build()
        .unwrap();
    String::from_utf8(Message::Request(r).to_bytes().to_vec()).unwrap()
}

/// The corpus text with its folded Route joined on one line and the Content-Length the
/// builder always writes.
fn expected(bytes: &[u8]) -> String {
    let text = core::str::from_utf8(bytes).unwrap().replace(",\r\n  <", ", <");
    let head = text.strip_suffix("\r\n").unwrap();
    alloc::format!("{head}Content-Length: 0\r\n\r\n")
}

fn routes(headers: &crate::message::Headers) -> Vec<Vec<u8>> {
    headers.route().map(|r| r.unwrap().as_bytes().to_vec()).collect()
}

fn alice() -> Dialog {
    Dialog::uac(
        &request(wire!("8.2-F1-invite.sip")),
        &response(wire!("8.2-F5-200-ok.sip")),
        false,
    )
    .unwrap()
}

fn bob() -> Dialog {
    let mut bob = Dialog::uas(&request(wire!("8.2-F3-invite.sip")), "bmqkjhsd", false)
        .unwrap()
        .with_local_seq(1200);
    assert_eq!(bob.state(), DialogState::Early);
    bob.confirm(&response(wire!("8.2-F4-200-ok.sip"))).unwrap();
    bob
}

#[test]
fn alice_dialog_from_f1_and_f5() {
    let d = alice();
    assert_eq!(
        d.id(),
        &DialogId {
            call_id: "asidkj3ss".into(),
            local_tag: "asdyka899".into(),
            remote_tag: "bmqkjhsd".into(),
        }
    );
    assert_eq!(d.state(), DialogState::Confirmed);
    assert_eq!(d.role(), DialogRole::Uac);
    assert_eq!((d.local_seq(), d.remote_seq()), (Some(1), None));
    assert_eq!(d.local_uri().as_str(), "sip:alice@example.com");
    assert_eq!(d.remote_uri().as_str(), "sip:bob@example.com");
    assert_eq!(
        d.remote_target().as_str(),
        "sip:bob@203.0.113.22:5060;transport=udp"
    );
    assert!(!d.is_secure());
    // RFC 3261 §12.1.2: F5's Record-Route reversed.
    let set: Vec<&[u8]> = d.route_set().iter().map(|r| r.as_bytes()).collect();
    assert_eq!(
        set,
        [
            &b"<sip:h7kjh12s@proxy.example.com:443;transport=ws;lr>"[..],
            b"<sip:proxy.example.com;transport=udp;lr>",
        ]
    );
}

#[test]
fn alice_ack_is_f6() {
    let d = alice();
    let ack = d.ack_for_2xx(1);
    assert_eq!(
        (ack.method.clone(), ack.cseq, ack.initial),
        (Method::Ack, 1, false)
    );
    assert!(ack.credentials.is_none() && ack.body.is_empty());
    let f6 = request(wire!("8.2-F6-ack.sip"));
    assert_eq!(ack.uri.as_str(), f6.uri().as_str());
    let text = written(&ack, "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKhgqqp090");
    assert_eq!(text, expected(wire!("8.2-F6-ack.sip")));
    let sent = request_from(&text);
    assert_eq!(routes(sent.headers()), routes(f6.headers()));
    // The ACK takes no new CSeq number (RFC 3261 §13.2.2.4).
    assert_eq!(d.local_seq(), Some(1));
}

fn request_from(text: &str) -> Request {
    let bytes = Bytes::copy_from_slice(text.as_bytes());
    match parse_message(bytes, Framing::Stream, &Limits::default()).unwrap() {
        Message::Request(r) => r,
        Message::Response(_) => panic!("not a request"),
    }
}

#[test]
fn bob_dialog_from_f3_and_f4_sends_f8() {
    let mut d = bob();
    assert_eq!(d.state(), DialogState::Confirmed);
    assert_eq!(d.role(), DialogRole::Uas);
    assert_eq!((d.local_seq(), d.remote_seq()), (Some(1200), Some(1)));
    assert_eq!(
        d.remote_target().as_str(),
        "sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1;ob"
    );
    let f8 = request(wire!("8.2-F8-bye.sip"));
    // RFC 3261 §12.1.1: F3's Record-Route in order is F8's Route.
    let set: Vec<Vec<u8>> = d.route_set().iter().map(|r| r.as_bytes().to_vec()).collect();
    assert_eq!(set, routes(f8.headers()));

    let bye = d.next_request(Method::Bye);
    assert_eq!((bye.cseq, d.local_seq()), (1201, Some(1201)));
    let text = written(&bye, "SIP/2.0/UDP 203.0.113.22;branch=z9hG4bKbiuiansd001");
    assert_eq!(text, expected(wire!("8.2-F8-bye.sip")));

    // F11, the 200 to that BYE, belongs to Bob's dialog.
    let f11 = response(wire!("8.2-F11-200-ok.sip"));
    assert!(d.matches_response(&f11));
    d.receive_response(&f11).unwrap();
    d.terminate();
    assert_eq!(d.state(), DialogState::Terminated);
}

#[test]
fn bob_receives_the_ack_f7() {
    let mut d = bob();
    let f7 = request(wire!("8.2-F7-ack.sip"));
    assert!(d.matches_request(&f7));
    d.receive_request(&f7).unwrap();
    // The ACK reuses the INVITE's number: the remote sequence number stays 1.
    assert_eq!(d.remote_seq(), Some(1));
}

#[test]
fn f9_bye_lands_in_alice_dialog() {
    let mut d = alice();
    let f9 = request(wire!("8.2-F9-bye.sip"));
    // RFC 7118 §8.2 F9: Alice matches with local and remote reversed from Bob's view.
    assert!(d.matches_request(&f9));
    assert_eq!(DialogId::from_request(&f9).as_ref(), Some(d.id()));
    // Bob's dialog is Alice's seen from the other side.
    let b = bob();
    assert_eq!(
        (&b.id().local_tag, &b.id().remote_tag),
        (&d.id().remote_tag, &d.id().local_tag)
    );
    assert!(!b.matches_request(&f9));
    // Her own INVITE (no To tag) and F8 seen by Bob do not land in her dialog as requests.
    assert!(!d.matches_request(&request(wire!("8.2-F1-invite.sip"))));
    d.receive_request(&f9).unwrap();
    assert_eq!(d.remote_seq(), Some(1201));
    // A retransmitted-looking BYE with the same CSeq on a new transaction is refused.
    assert_eq!(
        d.receive_request(&f9),
        Err(DialogError::OutOfOrder {
            seq: 1201,
            remote: 1201
        })
    );
    // F10, Alice's 200 to the BYE, is a response she sends: not one to her requests.
    assert!(!d.matches_response(&response(wire!("8.2-F10-200-ok.sip"))));
}

#[test]
fn forked_ids_from_f5() {
    let f1 = request(wire!("8.2-F1-invite.sip"));
    let id = DialogId::from_response(&f1, &response(wire!("8.2-F5-200-ok.sip"))).unwrap();
    assert_eq!(&id, alice().id());
    // F2, the proxy's 100 Trying, has no To tag: no dialog.
    assert_eq!(
        DialogId::from_response(&f1, &response(wire!("8.2-F2-100-trying.sip"))),
        None
    );
}
