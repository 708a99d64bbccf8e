use alloc::format;
use alloc::string::String;
use bytes::Bytes;

use super::*;
use crate::message::{Message, Request, Response, StatusCode};
use crate::parse::{parse_message, Framing, Limits};
use crate::ua::OutgoingRequest;

pub(super) fn parse(text: String) -> Message {
    parse_message(Bytes::from(text), Framing::WebSocket, &Limits::default()).unwrap()
}

/// Alice's INVITE (CSeq 7) to `uri`, with `extra` header lines.
pub(super) fn invite(uri: &str, extra: &str) -> Request {
    let text = format!(
        "INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n\
         From: \"Alice\" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n\
         Call-ID: c1\r\nCSeq: 7 INVITE\r\n{extra}\r\n"
    );
    parse(text).as_request().unwrap().clone()
}

/// A response to Alice's request with `status`, To tag `tag` (none when empty), `cseq` and
/// `extra` header lines.
pub(super) fn reply(status: u16, tag: &str, cseq: &str, extra: &str) -> Response {
    let to_tag = if tag.is_empty() {
        String::new()
    } else {
        format!(";tag={tag}")
    };
    let reason = StatusCode::new(status).unwrap().canonical_reason();
    let text = format!(
        "SIP/2.0 {status} {reason}\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n\
         From: \"Alice\" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>{to_tag}\r\n\
         Call-ID: c1\r\nCSeq: {cseq}\r\n{extra}\r\n"
    );
    parse(text).as_response().unwrap().clone()
}

/// A request from Bob (tag b1) to Alice (tag a1) inside the dialog.
pub(super) fn from_bob(method: &str, cseq: u32, extra: &str) -> Request {
    let text = format!(
        "{method} sip:alice@a.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK{cseq}\r\n\
         From: <sip:bob@example.com>;tag=b1\r\nTo: \"Alice\" <sip:alice@example.com>;tag=a1\r\n\
         Call-ID: c1\r\nCSeq: {cseq} {method}\r\n{extra}\r\n"
    );
    parse(text).as_request().unwrap().clone()
}

pub(super) const BOB: &str = "Contact: <sip:bob@192.0.2.4>\r\n";

/// Alice's confirmed dialog with Bob (no route set).
fn alice() -> Dialog {
    Dialog::uac(
        &invite("sip:bob@example.com", ""),
        &reply(200, "b1", "7 INVITE", BOB),
        false,
    )
    .unwrap()
}

pub(super) fn route_value(out: &OutgoingRequest) -> Option<&str> {
    out.headers
        .iter()
        .find(|(n, _)| n == "Route")
        .map(|(_, v)| v.as_str())
}

#[test]
fn cseq_increments_and_ack_keeps_the_invite_number() {
    let mut d = alice();
    let bye = d.next_request(Method::Info);
    assert_eq!(bye.cseq, 8);
    assert_eq!(bye.uri.as_str(), "sip:bob@192.0.2.4");
    assert_eq!(bye.to, "<sip:bob@example.com>;tag=b1");
    assert_eq!(bye.from, "\"Alice\" <sip:alice@example.com>;tag=a1");
    assert_eq!(bye.call_id, "c1");
    assert!(!bye.initial && bye.headers.is_empty());
    let reinvite = d.next_request(Method::Invite);
    assert_eq!(reinvite.cseq, 9);
    // ACK and CANCEL take no new number.
    assert_eq!(d.next_request(Method::Cancel).cseq, 9);
    assert_eq!(d.ack_for_2xx(9).cseq, 9);
    assert_eq!(d.ack_for_2xx(9).method, Method::Ack);
    assert_eq!(d.next_request(Method::Bye).cseq, 10);
    assert_eq!(d.local_seq(), Some(10));
}

#[test]
fn uas_local_seq_starts_at_one_or_where_chosen() {
    let req = invite(
        "sip:bob@example.com",
        "Contact: <sip:alice@a.invalid;transport=ws>\r\n",
    );
    let mut d = Dialog::uas(&req, "b1", false).unwrap();
    assert_eq!((d.local_seq(), d.remote_seq()), (None, Some(7)));
    let bye = d.next_request(Method::Bye);
    assert_eq!(bye.cseq, 1);
    assert_eq!(bye.to, "\"Alice\" <sip:alice@example.com>;tag=a1");
    assert_eq!(bye.from, "<sip:bob@example.com>;tag=b1");
    assert_eq!(bye.uri.as_str(), "sip:alice@a.invalid;transport=ws");
    let mut d = Dialog::uas(&req, "b1", false).unwrap().with_local_seq(4999);
    assert_eq!(d.next_request(Method::Bye).cseq, 5000);
}

#[test]
fn out_of_order_cseq_is_refused() {
    let req = invite("sip:bob@example.com", "Contact: <sip:alice@a.invalid>\r\n");
    let mut d = Dialog::uas(&req, "b1", false).unwrap();
    // The UAS dialog's peer is Alice: requests come From a1 To b1.
    let from_alice = |method: &str, cseq: u32| -> Request {
        let text = format!(
            "{method} sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bKx{cseq}\r\n\
             From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n\
             Call-ID: c1\r\nCSeq: {cseq} {method}\r\n\r\n"
        );
        parse(text).as_request().unwrap().clone()
    };
    let err = |seq, remote| Err(DialogError::OutOfOrder { seq, remote });
    assert_eq!(d.receive_request(&from_alice("INFO", 6)), err(6, 7));
    assert_eq!(d.receive_request(&from_alice("INFO", 7)), err(7, 7));
    assert_eq!(d.remote_seq(), Some(7));
    // The ACK for the 2xx and a CANCEL carry the INVITE's number.
    assert_eq!(d.receive_request(&from_alice("ACK", 7)), Ok(()));
    assert_eq!(d.receive_request(&from_alice("CANCEL", 7)), Ok(()));
    // Gaps are fine (RFC 3261 §12.2.2).
    assert_eq!(d.receive_request(&from_alice("INFO", 11)), Ok(()));
    assert_eq!(d.remote_seq(), Some(11));
    assert_eq!(d.receive_request(&from_alice("INFO", 10)), err(10, 11));
    d.terminate();
    assert_eq!(
        d.receive_request(&from_alice("BYE", 12)),
        Err(DialogError::Terminated)
    );
}

#[test]
fn uac_remote_seq_starts_with_the_first_request() {
    let mut d = alice();
    assert_eq!(d.remote_seq(), None);
    // Any number is in order when the remote sequence number is empty.
    d.receive_request(&from_bob("INFO", 3, "")).unwrap();
    assert_eq!(d.remote_seq(), Some(3));
    assert!(!d.matches_request(&invite("sip:bob@example.com", "")));
    let mut stranger = from_bob("INFO", 4, "");
    stranger = parse(
        String::from_utf8(Message::Request(stranger).to_bytes().to_vec())
            .unwrap()
            .replace("tag=b1", "tag=b2"),
    )
    .as_request()
    .unwrap()
    .clone();
    assert!(!d.matches_request(&stranger));
    assert_eq!(d.receive_request(&stranger), Err(DialogError::WrongDialog));
}

#[test]
fn target_refresh_by_reinvite_and_update() {
    let mut d = alice();
    // RFC 3261 §12.2.2: a re-INVITE's Contact replaces the remote target.
    d.receive_request(&from_bob("INVITE", 1, "Contact: <sip:bob@198.51.100.7:5062>\r\n"))
        .unwrap();
    assert_eq!(d.remote_target().as_str(), "sip:bob@198.51.100.7:5062");
    assert_eq!(
        d.next_request(Method::Bye).uri.as_str(),
        "sip:bob@198.51.100.7:5062"
    );
    // INFO is no target refresh; a re-INVITE without Contact keeps the target.
    d.receive_request(&from_bob("INFO", 2, "Contact: <sip:bob@203.0.113.9>\r\n"))
        .unwrap();
    d.receive_request(&from_bob("INVITE", 3, "")).unwrap();
    assert_eq!(d.remote_target().as_str(), "sip:bob@198.51.100.7:5062");
    // RFC 3311 §5.2: so is UPDATE.
    d.receive_request(&from_bob("UPDATE", 4, "Contact: <sip:bob@203.0.113.9>\r\n"))
        .unwrap();
    assert_eq!(d.remote_target().as_str(), "sip:bob@203.0.113.9");
    // Two Contact URIs: refused, and nothing changes.
    let two = "Contact: <sip:bob@192.0.2.50>, <sip:bob@192.0.2.51>\r\n";
    assert_eq!(
        d.receive_request(&from_bob("INVITE", 5, two)),
        Err(DialogError::MultipleContacts)
    );
    assert_eq!(d.remote_seq(), Some(4));
    assert_eq!(d.remote_target().as_str(), "sip:bob@203.0.113.9");
}

#[test]
fn target_refresh_by_2xx_to_our_reinvite_or_update() {
    let mut d = alice();
    let contact = "Contact: <sip:bob@198.51.100.8>\r\n";
    // RFC 3261 §12.2.1.2: a 2xx to a target refresh request.
    d.receive_response(&reply(200, "b1", "8 INFO", contact)).unwrap();
    assert_eq!(d.remote_target().as_str(), "sip:bob@192.0.2.4");
    d.receive_response(&reply(491, "b1", "9 INVITE", contact))
        .unwrap();
    assert_eq!(d.remote_target().as_str(), "sip:bob@192.0.2.4");
    d.receive_response(&reply(200, "b1", "10 UPDATE", contact))
        .unwrap();
    assert_eq!(d.remote_target().as_str(), "sip:bob@198.51.100.8");
    d.receive_response(&reply(
        200,
        "b1",
        "11 INVITE",
        "Contact: <sip:bob@198.51.100.9>\r\n",
    ))
    .unwrap();
    assert_eq!(d.remote_target().as_str(), "sip:bob@198.51.100.9");
    assert_eq!(d.state(), DialogState::Confirmed);
    // Another fork's tag is not this dialog.
    assert_eq!(
        d.receive_response(&reply(200, "b9", "12 UPDATE", contact)),
        Err(DialogError::WrongDialog)
    );
    // RFC 3261 §12.2.1.2: a 481 ends the dialog.
    d.receive_response(&reply(481, "b1", "12 INFO", "")).unwrap();
    assert_eq!(d.state(), DialogState::Terminated);
}

#[test]
fn strict_routing() {
    // Reversed, the first hop is a strict router (no `lr`).
    let rr = "Record-Route: <sip:p3.example.com;lr>, \
              <sip:p2.example.com;transport=tcp;method=INVITE;maddr=10.0.0.1?h=v>\r\n";
    let ok = reply(200, "b1", "7 INVITE", &format!("{rr}{BOB}"));
    let mut d = Dialog::uac(&invite("sip:bob@example.com", ""), &ok, false).unwrap();
    let bye = d.next_request(Method::Bye);
    // RFC 3261 §12.2.1.1: R-URI = the first route without `method` and headers; Route = the
    // rest of the route set, then the remote target.
    assert_eq!(
        bye.uri.as_str(),
        "sip:p2.example.com;transport=tcp;maddr=10.0.0.1"
    );
    assert_eq!(
        route_value(&bye),
        Some("<sip:p3.example.com;lr>, <sip:bob@192.0.2.4>")
    );
    // A single strict route: Route holds only the remote target.
    let ok = reply(
        200,
        "b1",
        "7 INVITE",
        &format!("Record-Route: <sip:p2.example.com>\r\n{BOB}"),
    );
    let d = Dialog::uac(&invite("sip:bob@example.com", ""), &ok, false).unwrap();
    let ack = d.ack_for_2xx(7);
    assert_eq!(ack.uri.as_str(), "sip:p2.example.com");
    assert_eq!(route_value(&ack), Some("<sip:bob@192.0.2.4>"));
}

#[test]
fn loose_routing_keeps_every_parameter() {
    let rr = "Record-Route: <sip:p1.example.com;lr;ftag=x>;foo=bar,\r\n <sip:p2.example.com;lr>\r\n";
    let ok = reply(200, "b1", "7 INVITE", &format!("{rr}{BOB}"));
    let mut d = Dialog::uac(&invite("sip:bob@example.com", ""), &ok, false).unwrap();
    let info = d.next_request(Method::Info);
    assert_eq!(info.uri.as_str(), "sip:bob@192.0.2.4");
    assert_eq!(
        route_value(&info),
        Some("<sip:p2.example.com;lr>, <sip:p1.example.com;lr;ftag=x>;foo=bar")
    );
}

#[test]
fn request_uri_form_strips_only_method_and_headers() {
    let strip = |s: &str| route_set::request_uri_form(&crate::uri::Uri::parse_str(s).unwrap());
    assert_eq!(strip("sip:p.example.com;lr").as_str(), "sip:p.example.com;lr");
    assert_eq!(strip("sip:p.example.com?X=1").as_str(), "sip:p.example.com");
    assert_eq!(
        strip("sip:u;x?y@p.example.com;METHOD=BYE").as_str(),
        "sip:u;x?y@p.example.com"
    );
    assert_eq!(
        strip("sips:p.example.com:5061;a=1;method=INVITE;b?X=1&Y=2").as_str(),
        "sips:p.example.com:5061;a=1;b"
    );
}
