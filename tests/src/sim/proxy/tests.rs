//! The proxy on its own: hand-written requests and responses in, exact routing out.
#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use sansip_core::time::Instant;
use sansip_core::transport::{ConnId, TransportKind};

use super::{PeerAction, PeerConn, Proxy, Registrar, Routed};

const ALICE: PeerConn = PeerConn {
    ua: 0,
    conn: ConnId(1),
};
const BOB: PeerConn = PeerConn {
    ua: 1,
    conn: ConnId(1),
};
const BOB_CONTACT: &str = "sip:b@b.invalid;transport=ws";

fn register(p: &mut Proxy, r: &mut Registrar, from: PeerConn, user: &str, contact: &str, t: TransportKind) {
    let req = format!(
        "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bKr{user}\r\n\
         Max-Forwards: 70\r\nTo: <sip:{user}@example.com>\r\nFrom: <sip:{user}@example.com>;tag=f\r\n\
         Call-ID: reg{user}\r\nCSeq: 1 REGISTER\r\nContact: <{contact}>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n"
    );
    let out = p.receive(Instant::ZERO, from, t, Bytes::from(req), r);
    assert!(
        matches!(&out[..], [(to, PeerAction::Send(b))] if *to == from && b.starts_with(b"SIP/2.0 200 OK\r\n"))
    );
}

fn request(method: &str, uri: &str, branch: &str, extra: &str) -> Bytes {
    Bytes::from(format!(
        "{method} {uri} SIP/2.0\r\nVia: SIP/2.0/WSS a.invalid;branch={branch}\r\nMax-Forwards: 70\r\n\
         To: <sip:bob@example.com>{extra}\r\nFrom: <sip:alice@example.com>;tag=a\r\nCall-ID: c1\r\n\
         CSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n"
    ))
}

/// The sends in `out` as (connection, first line, whole text).
fn sends(out: &Routed) -> Vec<(PeerConn, String)> {
    out.iter()
        .map(|(to, a)| match a {
            PeerAction::Send(b) => (*to, String::from_utf8(b.to_vec()).unwrap()),
            PeerAction::Close => (*to, "close".to_owned()),
        })
        .collect()
}

fn first_lines(out: &Routed) -> Vec<(usize, String)> {
    sends(out)
        .into_iter()
        .map(|(to, t)| (to.ua, t.lines().next().unwrap().to_owned()))
        .collect()
}

fn setup(transport: TransportKind) -> (Proxy, Registrar) {
    let (mut p, mut r) = (Proxy::new(), Registrar::open());
    register(
        &mut p,
        &mut r,
        ALICE,
        "alice",
        "sip:a@a.invalid;transport=ws",
        transport,
    );
    register(&mut p, &mut r, BOB, "bob", BOB_CONTACT, transport);
    (p, r)
}

#[test]
fn stateful_invite_busy_and_the_acks() {
    let (mut p, mut r) = setup(TransportKind::Wss);
    let now = Instant::from_millis(10);
    let out = p.receive(
        now,
        ALICE,
        TransportKind::Wss,
        request("INVITE", "sip:bob@example.com", "z9hG4bK1", ""),
        &mut r,
    );
    let s = sends(&out);
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[0],
        (
            ALICE,
            "SIP/2.0 100 Trying\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nTo: <sip:bob@example.com>\r\n\
             From: <sip:alice@example.com>;tag=a\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
                .to_owned()
        )
    );
    assert_eq!(
        s[1],
        (
            BOB,
            format!(
                "INVITE {BOB_CONTACT} SIP/2.0\r\nVia: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKproxy1\r\n\
                 Record-Route: <sip:proxy.example.com;lr;transport=ws>\r\n\
                 Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nMax-Forwards: 69\r\nTo: <sip:bob@example.com>\r\n\
                 From: <sip:alice@example.com>;tag=a\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
            )
        )
    );
    // Bob's 486: the proxy ACKs it on its branch and passes it up without its Via.
    let busy = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKproxy1\r\n\
                Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nTo: <sip:bob@example.com>;tag=b\r\n\
                From: <sip:alice@example.com>;tag=a\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    let out = p.receive(now, BOB, TransportKind::Wss, Bytes::from(busy), &mut r);
    assert_eq!(
        sends(&out),
        [
            (
                BOB,
                format!(
                    "ACK {BOB_CONTACT} SIP/2.0\r\nVia: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKproxy1\r\n\
                     Max-Forwards: 70\r\nTo: <sip:bob@example.com>;tag=b\r\nFrom: <sip:alice@example.com>;tag=a\r\n\
                     Call-ID: c1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
                )
            ),
            (ALICE, busy.replace("Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKproxy1\r\n", "")),
        ]
    );
    // Alice's ACK for the 486 ends at the proxy; a CANCEL now has nothing to cancel.
    let ack = request("ACK", "sip:bob@example.com", "z9hG4bK1", ";tag=b");
    assert!(p.receive(now, ALICE, TransportKind::Wss, ack, &mut r).is_empty());
    let cancel = request("CANCEL", "sip:bob@example.com", "z9hG4bK1", "");
    assert_eq!(
        first_lines(&p.receive(now, ALICE, TransportKind::Wss, cancel, &mut r)),
        [(0, "SIP/2.0 200 OK".to_owned())]
    );
    assert_eq!(p.stray_responses, 0);
}

#[test]
fn cancel_waits_for_a_provisional_and_the_closed_branch_gets_503() {
    let (mut p, mut r) = setup(TransportKind::Wss);
    let now = Instant::from_millis(10);
    p.receive(
        now,
        ALICE,
        TransportKind::Wss,
        request("INVITE", "sip:bob@example.com", "z9hG4bK1", ""),
        &mut r,
    );
    // No provisional from Bob yet: the CANCEL is answered, and held back (RFC 3261 §9.1).
    let cancel = request("CANCEL", "sip:bob@example.com", "z9hG4bK1", "");
    assert_eq!(
        first_lines(&p.receive(now, ALICE, TransportKind::Wss, cancel, &mut r)),
        [(0, "SIP/2.0 200 OK".to_owned())]
    );
    let ringing = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKproxy1\r\n\
                   Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nTo: <sip:bob@example.com>;tag=b\r\n\
                   From: <sip:alice@example.com>;tag=a\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(
        first_lines(&p.receive(now, BOB, TransportKind::Wss, Bytes::from(ringing), &mut r)),
        [
            (1, format!("CANCEL {BOB_CONTACT} SIP/2.0")),
            (0, "SIP/2.0 180 Ringing".to_owned())
        ]
    );
    // Bob's flow dies before his 487: the branch counts as a 503, which goes up.
    assert_eq!(
        first_lines(&p.connection_closed(BOB)),
        [(0, "SIP/2.0 503 Service Unavailable".to_owned())]
    );
    // And Bob is unreachable until he registers again.
    let msg = request("MESSAGE", "sip:bob@example.com", "z9hG4bK2", "");
    assert_eq!(
        first_lines(&p.receive(now, ALICE, TransportKind::Wss, msg, &mut r)),
        [(0, "SIP/2.0 480 Temporarily Unavailable".to_owned())]
    );
}

#[test]
fn unknown_users_hops_and_cancels_are_answered_by_the_proxy() {
    let (mut p, mut r) = setup(TransportKind::Wss);
    let now = Instant::from_millis(10);
    let carol = request("MESSAGE", "sip:carol@example.com", "z9hG4bK1", "");
    assert_eq!(
        first_lines(&p.receive(now, ALICE, TransportKind::Wss, carol.clone(), &mut r)),
        [(0, "SIP/2.0 404 Not Found".to_owned())]
    );
    // A retransmission gets the same response.
    let again = sends(&p.receive(now, ALICE, TransportKind::Wss, carol, &mut r));
    assert!(again[0].1.contains(";tag=simproxy\r\n"), "{}", again[0].1);
    let hops = Bytes::from(
        String::from_utf8(request("MESSAGE", "sip:bob@example.com", "z9hG4bK2", "").to_vec())
            .unwrap()
            .replace("Max-Forwards: 70", "Max-Forwards: 0"),
    );
    assert_eq!(
        first_lines(&p.receive(now, ALICE, TransportKind::Wss, hops, &mut r)),
        [(0, "SIP/2.0 483 Too Many Hops".to_owned())]
    );
    let stray_cancel = request("CANCEL", "sip:bob@example.com", "z9hG4bK9", "");
    assert_eq!(
        first_lines(&p.receive(now, ALICE, TransportKind::Wss, stray_cancel, &mut r)),
        [(0, "SIP/2.0 481 Call/Transaction Does Not Exist".to_owned())]
    );
    let stray = "SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKnope\r\n\
                 To: <sip:bob@example.com>;tag=b\r\nFrom: <sip:alice@example.com>;tag=a\r\nCall-ID: c1\r\n\
                 CSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
    assert!(p
        .receive(now, BOB, TransportKind::Wss, Bytes::from(stray), &mut r)
        .is_empty());
    assert_eq!(p.stray_responses, 1);
}

/// Over UDP: no 100 Trying, a retransmission and the CANCEL reuse the INVITE's branch, and
/// the response to the CANCEL comes from Bob, end to end.
#[test]
fn stateless_over_udp() {
    let (mut p, mut r) = setup(TransportKind::Udp);
    let now = Instant::from_millis(10);
    let invite = request("INVITE", "sip:bob@example.com", "z9hG4bK1", "");
    let first = sends(&p.receive(now, ALICE, TransportKind::Udp, invite.clone(), &mut r));
    assert_eq!(first.len(), 1);
    assert!(first[0]
        .1
        .contains("\r\nVia: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1\r\n"));
    assert_eq!(
        sends(&p.receive(now, ALICE, TransportKind::Udp, invite, &mut r)),
        first
    );
    let cancel = request("CANCEL", "sip:bob@example.com", "z9hG4bK1", "");
    let fwd = sends(&p.receive(now, ALICE, TransportKind::Udp, cancel, &mut r));
    assert_eq!(fwd.len(), 1);
    assert!(fwd[0].1.starts_with(&format!("CANCEL {BOB_CONTACT} SIP/2.0\r\n")));
    assert!(fwd[0].1.contains("branch=z9hG4bKproxy1\r\n"));
    let ok = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1\r\n\
              Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nTo: <sip:bob@example.com>;tag=b\r\n\
              From: <sip:alice@example.com>;tag=a\r\nCall-ID: c1\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(
        first_lines(&p.receive(now, BOB, TransportKind::Udp, Bytes::from(ok), &mut r)),
        [(0, "SIP/2.0 200 OK".to_owned())]
    );
}
