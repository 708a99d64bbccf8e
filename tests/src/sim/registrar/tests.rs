//! The registrar on its own: hand-written requests in, exact responses out.
#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use sansip_core::parse::Framing;
use sansip_core::time::Instant;
use sansip_core::transport::ConnId;

use super::{PeerAction, PeerConn, Registrar};

const CONN: PeerConn = PeerConn {
    ua: 0,
    conn: ConnId(1),
};

fn request(method: &str, cseq: u32, extra: &str) -> Bytes {
    Bytes::from(format!(
        "{method} sip:example.com SIP/2.0\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bK{cseq}\r\n\
         Max-Forwards: 70\r\nTo: <sip:alice@example.com>\r\nFrom: <sip:alice@example.com>;tag=f\r\n\
         Call-ID: c1\r\nCSeq: {cseq} {method}\r\n{extra}Content-Length: 0\r\n\r\n"
    ))
}

fn answer(r: &mut Registrar, ms: u64, data: Bytes) -> String {
    match &r.receive(Instant::from_millis(ms), CONN, data, Framing::WebSocket)[..] {
        [PeerAction::Send(b)] => String::from_utf8(b.to_vec()).unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn options_register_retransmission_and_wildcard() {
    let mut r = Registrar::open();
    assert_eq!(
        answer(&mut r, 0, request("OPTIONS", 1, "")),
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bK1\r\nTo: <sip:alice@example.com>;tag=simreg\r\n\
         From: <sip:alice@example.com>;tag=f\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nAllow: REGISTER,OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    );
    let reg = request(
        "REGISTER",
        2,
        "Contact: <sip:a@h.invalid;transport=ws>;expires=120\r\nExpires: 600\r\n",
    );
    let ok = answer(&mut r, 1_000, reg.clone());
    assert!(ok.starts_with("SIP/2.0 200 OK\r\n"), "{ok}");
    assert!(
        ok.contains("\r\nContact: <sip:a@h.invalid;transport=ws>;expires=120\r\nExpires: 120\r\n"),
        "{ok}"
    );
    let binding = r
        .binding(
            "sip:alice@example.com",
            "sip:a@h.invalid;transport=ws",
            Instant::from_millis(1_000),
        )
        .cloned();
    assert_eq!(
        binding.as_ref().unwrap().expires_at,
        Instant::from_millis(121_000)
    );
    // A retransmission gets the same bytes and changes nothing.
    assert_eq!(answer(&mut r, 5_000, reg), ok);
    assert!(r.received[2].retransmission);
    let again = r
        .binding(
            "sip:alice@example.com",
            "sip:a@h.invalid;transport=ws",
            Instant::ZERO,
        )
        .cloned();
    assert_eq!(binding, again);
    // `*` needs Expires: 0 (RFC 3261 §10.3 step 6).
    let bad = answer(
        &mut r,
        6_000,
        request("REGISTER", 3, "Contact: *\r\nExpires: 5\r\n"),
    );
    assert!(bad.starts_with("SIP/2.0 400 Bad Request\r\n"), "{bad}");
    let all = answer(
        &mut r,
        7_000,
        request("REGISTER", 4, "Contact: *\r\nExpires: 0\r\n"),
    );
    assert!(
        all.starts_with("SIP/2.0 200 OK\r\n") && !all.contains("Contact:"),
        "{all}"
    );
    assert!(r
        .live_bindings("sip:alice@example.com", Instant::from_millis(7_000))
        .is_empty());
}
