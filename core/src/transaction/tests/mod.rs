//! Transaction tests in virtual time: exact instants, exact bytes, exact events.

mod client;
mod layer;
mod random;
mod server;

use alloc::vec::Vec;
use bytes::{Bytes, BytesMut};

use crate::message::{HeaderName, Method, Request, Response, StatusCode};
use crate::parse::{parse_message, Framing, Limits};
use crate::time::Instant;
use crate::uri::Uri;

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

fn text(b: &[u8]) -> &str {
    core::str::from_utf8(b).unwrap()
}

/// An INVITE from Alice to Bob through a proxy (RFC 3665-style).
fn invite(branch: &str) -> Request {
    Request::builder(
        Method::Invite,
        Uri::parse_str("sip:bob@biloxi.example.com").unwrap(),
    )
    .header(
        HeaderName::Via,
        alloc::format!("SIP/2.0/UDP client.atlanta.example.com:5060;branch={branch}"),
    )
    .header(HeaderName::MaxForwards, "70")
    .header(HeaderName::Route, "<sip:ss1.atlanta.example.com;lr>")
    .header(HeaderName::Route, "<sip:ss2.biloxi.example.com;lr>")
    .header(
        HeaderName::From,
        "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl",
    )
    .header(HeaderName::To, "Bob <sip:bob@biloxi.example.com>")
    .header(HeaderName::CallId, "3848276298220188511@atlanta.example.com")
    .header(HeaderName::CSeq, "1 INVITE")
    .header(
        HeaderName::Contact,
        "<sip:alice@client.atlanta.example.com;transport=udp>",
    )
    .build()
    .unwrap()
}

/// A non-INVITE request (`method` is OPTIONS, REGISTER, CANCEL, ...).
fn request(method: Method, branch: &str) -> Request {
    let cseq = alloc::format!("1 {}", method.as_str());
    Request::builder(method, Uri::parse_str("sip:bob@biloxi.example.com").unwrap())
        .header(
            HeaderName::Via,
            alloc::format!("SIP/2.0/UDP client.atlanta.example.com:5060;branch={branch}"),
        )
        .header(HeaderName::MaxForwards, "70")
        .header(
            HeaderName::From,
            "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl",
        )
        .header(HeaderName::To, "Bob <sip:bob@biloxi.example.com>")
        .header(HeaderName::CallId, "3848276298220188511@atlanta.example.com")
        .header(HeaderName::CSeq, cseq)
        .build()
        .unwrap()
}

/// A response to `req` with the given status and To tag.
fn response(req: &Request, code: u16, to_tag: &str) -> Response {
    let mut b = Response::builder(StatusCode::new(code).unwrap()).echo(req);
    if !to_tag.is_empty() {
        b = b.to_tag(to_tag);
    }
    b.build().unwrap()
}

fn encoded_request(r: &Request) -> Bytes {
    let mut out = BytesMut::new();
    r.encode(&mut out);
    out.freeze()
}

fn encoded_response(r: &Response) -> Bytes {
    let mut out = BytesMut::new();
    r.encode(&mut out);
    out.freeze()
}

/// Parses wire text (CRLF line ends) as one datagram.
fn parse_request(wire: &str) -> Request {
    match parse_message(
        Bytes::copy_from_slice(wire.as_bytes()),
        Framing::Datagram,
        &Limits::default(),
    ) {
        Ok(crate::message::Message::Request(r)) => r,
        other => panic!("not a request: {other:?}"),
    }
}

/// Drains everything a transaction has to send.
fn drain(poll: impl FnMut() -> Option<Bytes>) -> Vec<Bytes> {
    core::iter::from_fn(poll).collect()
}
