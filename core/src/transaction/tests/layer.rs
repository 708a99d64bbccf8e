//! The transaction layer: matching (RFC 3261 §17.1.3, §17.2.3, RFC 2543 fallback), CANCEL,
//! ACKs, reaping.

use super::*;
use crate::transaction::{
    ClientEvent, RequestDisposition as Req, ResponseDisposition as Resp, ServerEvent, ServerState,
    TimerConfig, TransactionError, TransactionEvent, TransactionLayer,
};

fn layer() -> TransactionLayer {
    TransactionLayer::new(TimerConfig::default())
}

#[test]
fn responses_match_by_branch_and_cseq_method() {
    let mut l = layer();
    let req = invite("z9hG4bKlay1");
    let tx = l.send_request(req.clone(), false, at(0)).unwrap();
    assert_eq!(l.poll_transmit(), Some((tx, encoded_request(&req))));
    assert!(l.poll_transmit().is_none());
    // Unknown branch, same branch but another method, no branch at all: no transaction.
    let other = response(&invite("z9hG4bKother"), 200, "a");
    assert!(matches!(l.receive_response(other, at(10)), Resp::Unmatched(_)));
    let cancel_resp = response(&request(Method::Cancel, "z9hG4bKlay1"), 200, "a");
    assert!(matches!(
        l.receive_response(cancel_resp, at(10)),
        Resp::Unmatched(_)
    ));
    let mut no_branch = invite("z9hG4bKlay1");
    no_branch = parse_request(&text(&encoded_request(&no_branch)).replace(";branch=z9hG4bKlay1", ""));
    assert!(matches!(
        l.receive_response(response(&no_branch, 200, "a"), at(10)),
        Resp::Unmatched(_)
    ));

    // The 486 is ACKed through the layer; its retransmission is absorbed and ACKed again.
    let busy = response(&req, 486, "b");
    assert!(
        matches!(l.receive_response(busy.clone(), at(20)), Resp::Event(id, ClientEvent::Final(_)) if id == tx)
    );
    let (id, ack) = l.poll_transmit().unwrap();
    assert_eq!(id, tx);
    assert!(text(&ack).starts_with("ACK sip:bob@biloxi.example.com SIP/2.0\r\n"));
    assert!(matches!(l.receive_response(busy.clone(), at(520)), Resp::Absorbed(id) if id == tx));
    assert_eq!(l.poll_transmit(), Some((tx, ack)));
    // Timer D ends it; it is reaped and a late 486 matches nothing.
    assert_eq!(l.poll_timeout(), Some(at(32_020)));
    assert!(l.handle_timeout(at(32_020)).is_empty());
    assert!(l.is_empty());
    assert!(matches!(l.receive_response(busy, at(40_000)), Resp::Unmatched(_)));
}

#[test]
fn send_request_refuses_what_cannot_be_a_transaction() {
    let mut l = layer();
    let req = request(Method::Options, "z9hG4bKdup");
    l.send_request(req.clone(), true, at(0)).unwrap();
    assert_eq!(l.send_request(req, true, at(0)), Err(TransactionError::Duplicate));
    let no_branch = parse_request(
        &text(&encoded_request(&request(Method::Options, "z9hG4bKx"))).replace(";branch=z9hG4bKx", ""),
    );
    assert_eq!(
        l.send_request(no_branch, true, at(0)),
        Err(TransactionError::MissingBranch)
    );
    let ack =
        crate::transaction::ack_for_non_2xx(&invite("z9hG4bKa"), &response(&invite("z9hG4bKa"), 486, "t"));
    assert_eq!(
        l.send_request(ack.unwrap(), true, at(0)),
        Err(TransactionError::Ack)
    );
    assert_eq!(l.len(), 1);
}

#[test]
fn timeouts_come_out_of_the_layer_once() {
    let mut l = layer();
    let a = l
        .send_request(request(Method::Options, "z9hG4bKt1"), false, at(0))
        .unwrap();
    let b = l.send_request(invite("z9hG4bKt2"), true, at(100)).unwrap();
    assert_eq!(l.poll_transmit().map(|(id, _)| id), Some(a));
    assert_eq!(l.poll_transmit().map(|(id, _)| id), Some(b));
    let mut sent = alloc::vec::Vec::new();
    let mut events = alloc::vec::Vec::new();
    while let Some(t) = l.poll_timeout() {
        for (id, ev) in l.handle_timeout(t) {
            events.push((t.as_millis(), id, ev));
        }
        while let Some((id, _)) = l.poll_transmit() {
            sent.push((t.as_millis(), id));
        }
    }
    assert_eq!(events.len(), 2);
    assert!(matches!(events[0], (32_000, id, TransactionEvent::Client(ClientEvent::Timeout)) if id == a));
    assert!(matches!(events[1], (32_100, id, TransactionEvent::Client(ClientEvent::Timeout)) if id == b));
    // Ten retransmissions of the OPTIONS (UDP), none of the INVITE (reliable).
    assert_eq!(sent.iter().filter(|(_, id)| *id == a).count(), 10);
    assert!(sent.iter().all(|(_, id)| *id == a));
    assert!(l.is_empty());
}

#[test]
fn server_side_through_the_layer() {
    let mut l = layer();
    let req = invite("z9hG4bKsrvl");
    let Req::New(tx) = l.receive_request(req.clone(), false, at(0)) else {
        panic!()
    };
    assert!(l.server(tx).unwrap().is_invite());
    assert_eq!(l.poll_timeout(), Some(at(200)));
    assert!(l.handle_timeout(at(200)).is_empty());
    let (id, trying) = l.poll_transmit().unwrap();
    assert_eq!(
        (id, text(&trying).lines().next()),
        (tx, Some("SIP/2.0 100 Trying"))
    );
    assert!(matches!(l.receive_request(req.clone(), false, at(300)), Req::Absorbed(id) if id == tx));
    assert_eq!(l.poll_transmit(), Some((tx, trying)));

    let busy = response(&req, 486, "uas");
    l.respond(tx, busy.clone(), at(400)).unwrap();
    assert_eq!(l.poll_transmit(), Some((tx, encoded_response(&busy))));
    let ack = crate::transaction::ack_for_non_2xx(&req, &busy).unwrap();
    assert!(matches!(l.receive_request(ack.clone(), false, at(450)), Req::Absorbed(id) if id == tx));
    assert_eq!(l.server(tx).unwrap().state(), ServerState::Confirmed);
    // An ACK on another branch is the ACK for a 2xx: the dialog's.
    let ack2xx = parse_request(&text(&encoded_request(&ack)).replace("z9hG4bKsrvl", "z9hG4bKnew"));
    assert!(
        matches!(l.receive_request(ack2xx, false, at(460)), Req::Ack2xx(a) if a.via_branch() == Some(&b"z9hG4bKnew"[..]))
    );

    // Responding to what is not a live server transaction.
    let c = l
        .send_request(request(Method::Options, "z9hG4bKc"), false, at(0))
        .unwrap();
    assert_eq!(
        l.respond(c, busy.clone(), at(500)),
        Err(TransactionError::NotServer)
    );
    assert!(matches!(
        l.transport_error(c),
        Some(TransactionEvent::Client(ClientEvent::TransportError))
    ));
    assert_eq!(
        l.respond(c, busy, at(500)),
        Err(TransactionError::UnknownTransaction)
    );

    // Without Via, or without CSeq: no transaction.
    let bare = Request::builder(Method::Options, Uri::parse_str("sip:a@b").unwrap())
        .header(HeaderName::From, "<sip:c@d>;tag=1")
        .header(HeaderName::To, "<sip:a@b>")
        .header(HeaderName::CallId, "x")
        .header(HeaderName::CSeq, "1 OPTIONS")
        .build()
        .unwrap();
    assert!(matches!(
        l.receive_request(bare, false, at(0)),
        Req::Invalid(_, TransactionError::MissingHeader(HeaderName::Via))
    ));
    let no_cseq = parse_request(
        &text(&encoded_request(&request(Method::Info, "z9hG4bKi"))).replace("CSeq: 1 INFO\r\n", ""),
    );
    assert!(matches!(
        l.receive_request(no_cseq, false, at(0)),
        Req::Invalid(_, TransactionError::MissingHeader(HeaderName::CSeq))
    ));
}

#[test]
fn cancel_matches_the_invite_by_key_except_method() {
    let mut l = layer();
    let Req::New(inv) = l.receive_request(invite("z9hG4bKcan"), true, at(0)) else {
        panic!()
    };
    let Req::Cancel { cancel_tx, invite_tx } =
        l.receive_request(request(Method::Cancel, "z9hG4bKcan"), true, at(50))
    else {
        panic!()
    };
    assert_eq!(invite_tx, Some(inv));
    assert_ne!(cancel_tx, inv);
    assert!(!l.server(cancel_tx).unwrap().is_invite());
    // A retransmitted CANCEL is absorbed by its own transaction.
    assert!(
        matches!(l.receive_request(request(Method::Cancel, "z9hG4bKcan"), true, at(60)), Req::Absorbed(id) if id == cancel_tx)
    );
    // Another branch, or the same branch from another sent-by: no INVITE.
    let Req::Cancel { invite_tx, .. } =
        l.receive_request(request(Method::Cancel, "z9hG4bKzzz"), true, at(70))
    else {
        panic!()
    };
    assert_eq!(invite_tx, None);
    let moved = text(&encoded_request(&request(Method::Cancel, "z9hG4bKcan"))).replace(
        "client.atlanta.example.com:5060",
        "client.atlanta.example.com:5070",
    );
    let Req::Cancel { invite_tx, .. } = l.receive_request(parse_request(&moved), true, at(80)) else {
        panic!()
    };
    assert_eq!(invite_tx, None);
}

/// RFC 4475 §3.4.1 (inv2543.dat): an RFC 2543 INVITE, no branch, no From tag.
const INV2543: &str = "INVITE sip:UserB@example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP iftgw.example.com\r\n\
From: <sip:+13035551111@ift.client.example.net;user=phone>\r\n\
Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>\r\n\
To: sip:+16505552222@ss1.example.net;user=phone\r\n\
Call-ID: inv2543.1717@ift.client.example.com\r\n\
CSeq: 56 INVITE\r\n\
Content-Type: application/sdp\r\n\
\r\n\
v=0\r\n\
o=mhandley 29739 7272939 IN IP4 192.0.2.5\r\n\
s=-\r\n\
c=IN IP4 192.0.2.5\r\n\
t=0 0\r\n\
m=audio 49217 RTP/AVP 0\r\n";

#[test]
fn rfc2543_requests_match_on_uri_tags_call_id_cseq_and_via() {
    let mut l = layer();
    l.set_auto_trying(false);
    let Req::New(inv) = l.receive_request(parse_request(INV2543), false, at(0)) else {
        panic!()
    };
    assert!(
        matches!(l.receive_request(parse_request(INV2543), false, at(500)), Req::Absorbed(id) if id == inv)
    );
    let cancel = "CANCEL sip:UserB@example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP iftgw.example.com\r\n\
        From: <sip:+13035551111@ift.client.example.net;user=phone>\r\n\
        To: sip:+16505552222@ss1.example.net;user=phone\r\n\
        Call-ID: inv2543.1717@ift.client.example.com\r\n\
        CSeq: 56 CANCEL\r\n\r\n";
    let Req::Cancel { invite_tx, .. } = l.receive_request(parse_request(cancel), false, at(600)) else {
        panic!()
    };
    assert_eq!(invite_tx, Some(inv));
    // The next CSeq is another transaction.
    let Req::New(next) = l.receive_request(
        parse_request(&INV2543.replace("56 INVITE", "57 INVITE")),
        false,
        at(700),
    ) else {
        panic!()
    };
    assert_ne!(next, inv);
    // The ACK for our 487 carries our To tag; it still finds the INVITE.
    let req = parse_request(INV2543);
    let terminated = response(&req, 487, "uas2543");
    l.respond(inv, terminated.clone(), at(800)).unwrap();
    let ack = crate::transaction::ack_for_non_2xx(&req, &terminated).unwrap();
    assert!(ack.via_branch().is_none());
    assert!(matches!(l.receive_request(ack, false, at(900)), Req::Absorbed(id) if id == inv));
    assert_eq!(l.server(inv).unwrap().state(), ServerState::Confirmed);
}

#[test]
fn bare_cookie_branch_falls_back_to_rfc2543() {
    // RFC 4475 §3.2.1: `branch=z9hG4bK` alone identifies nothing; two different requests
    // carrying it are two transactions.
    let mut l = layer();
    let a = request(Method::Options, "z9hG4bK");
    let b = parse_request(&text(&encoded_request(&a)).replace("3848276298220188511", "another-call"));
    let Req::New(ta) = l.receive_request(a.clone(), false, at(0)) else {
        panic!()
    };
    let Req::New(tb) = l.receive_request(b, false, at(0)) else {
        panic!()
    };
    assert_ne!(ta, tb);
    assert!(matches!(l.receive_request(a, false, at(10)), Req::Absorbed(id) if id == ta));
    let k = crate::transaction::TransactionKey::server(&l.server(ta).unwrap().request().clone()).unwrap();
    assert!(k.is_rfc2543());
}

#[test]
fn server_timeout_and_transport_error_events() {
    let mut l = layer();
    let req = invite("z9hG4bKh");
    let Req::New(tx) = l.receive_request(req.clone(), true, at(0)) else {
        panic!()
    };
    l.respond(tx, response(&req, 486, "u"), at(0)).unwrap();
    let events = l.handle_timeout(at(32_000));
    assert_eq!(events.len(), 1);
    assert!(matches!(events[0], (id, TransactionEvent::Server(ServerEvent::Timeout)) if id == tx));
    assert!(l.is_empty());
    let Req::New(tx) = l.receive_request(req, true, at(0)) else {
        panic!()
    };
    assert!(matches!(
        l.transport_error(tx),
        Some(TransactionEvent::Server(ServerEvent::TransportError))
    ));
    assert!(l.transport_error(tx).is_none());
}
