//! RFC 7118 §8 examples (`shared/corpus/rfc7118/wire`): SIP over WebSocket as it looks on the
//! wire. Every `.sip` file parses as one WebSocket message (no Content-Length), and the facts
//! the MANIFEST describes hold: WSS Vias, `.invalid` hosts, Outbound/GRUU Contact parameters,
//! Record-Route and Route sets, GRUU Request-URIs, dialog tags.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use sansip_core::header::NameAddr;
use sansip_core::message::validate::{check_request, UasPolicy};
use sansip_core::message::{HeaderName, Message, Method, Request, Response, StatusCode};
use sansip_core::parse::{parse_message, Framing, Limits, ParseErrorKind as K};
use sansip_core::uri::{HostKind, Uri, UriErrorKind};
use sansip_tests::{assert_round_trip, contacts, load, manifest};

fn parse(file: &str) -> Message {
    parse_message(
        load(&format!("rfc7118/wire/{file}")),
        Framing::WebSocket,
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn req(file: &str) -> Request {
    parse(file).as_request().unwrap().clone()
}

fn resp(file: &str) -> Response {
    parse(file).as_response().unwrap().clone()
}

fn uris(list: impl Iterator<Item = Result<NameAddr, sansip_core::header::HeaderError>>) -> Vec<String> {
    list.map(|n| n.unwrap().uri().as_str().to_owned()).collect()
}

const RR: [&str; 2] = [
    "sip:proxy.example.com;transport=udp;lr",
    "sip:h7kjh12s@proxy.example.com:443;transport=ws;lr",
];
const GRUU: &str = "sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1;ob";
const INSTANCE: &[u8] = b"<urn:uuid:f81-7dec-14a06cf1>";

#[test]
fn every_wire_message_parses_over_websocket() {
    let rows = manifest("rfc7118");
    assert_eq!(rows.len(), 15);
    for row in rows {
        if row.name.ends_with(".sip") {
            let msg = parse(&row.name);
            // RFC 7118 §5: Content-Length is optional over WebSocket, and none is sent here.
            assert!(!msg.headers().contains(HeaderName::ContentLength), "{}", row.name);
            assert!(msg.body().is_empty(), "{}", row.name);
            assert_round_trip(&msg, Framing::WebSocket);
            if let Message::Request(r) = &msg {
                assert_eq!(check_request(r, &UasPolicy::default()), Ok(()), "{}", row.name);
            }
        } else {
            // The handshake (§8.1 F1, F2) is HTTP, handled by the runtime's WebSocket layer;
            // fed to the SIP parser it is refused, never mistaken for SIP.
            assert!(row.name.ends_with(".http"), "{}: unknown kind of file", row.name);
            let err = parse_message(
                load(&format!("rfc7118/wire/{}", row.name)),
                Framing::WebSocket,
                &Limits::default(),
            )
            .unwrap_err();
            let want = if row.name.contains("F1") {
                // `GET / HTTP/1.1`: `/` is no absolute URI.
                (K::RequestUri(UriErrorKind::Scheme), 4)
            } else {
                // `HTTP/1.1 101 ...`: no SIP-Version, and `HTTP/1.1` is no method token.
                (K::Method, 4)
            };
            assert_eq!((err.kind, err.offset), want, "{}", row.name);
        }
    }
}

// §8.1 F3, F4
#[test]
fn register_over_wss() {
    let r = req("8.1-F3-register.sip");
    assert_eq!(r.method(), &Method::Register);
    assert_eq!(r.via_transport(), Some(&b"WSS"[..]));
    let via = r.headers().top_via().unwrap().unwrap();
    assert_eq!(
        (via.host, via.host_kind, via.port),
        (&b"df7jal23ls0d.invalid"[..], HostKind::Domain, None)
    );
    let supported: Vec<&[u8]> = r.headers().list(HeaderName::Supported).collect();
    assert_eq!(supported, [&b"path"[..], b"outbound", b"gruu"]);
    // The Contact's parameters sit on folded lines.
    let c = contacts(r.headers()).remove(0);
    assert_eq!(c.uri().as_str(), "sip:alice@df7jal23ls0d.invalid;transport=ws");
    assert_eq!(c.uri().host(), "df7jal23ls0d.invalid");
    assert_eq!(c.uri().transport(), Some(&b"ws"[..]));
    assert_eq!(c.params().get("reg-id"), Some(Some(&b"1"[..])));
    assert_eq!(c.reg_id(), Some(Ok(1)));
    assert_eq!(c.params().get_unquoted("+sip.instance"), Some(INSTANCE));
    assert_eq!(c.sip_instance(), Some(INSTANCE));

    let ok = resp("8.1-F4-200-ok.sip");
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.to_tag(), Some(&b"12isjljn8"[..]));
    assert_eq!(ok.from_tag(), Some(&b"65bnmj.34asd"[..]));
    let c = contacts(ok.headers()).remove(0);
    let p = c.params();
    assert_eq!(p.get("reg-id"), Some(Some(&b"1"[..])));
    assert_eq!(p.get_unquoted("+sip.instance"), Some(INSTANCE));
    assert_eq!(p.get("expires"), Some(Some(&b"3600"[..])));
    assert_eq!(
        (c.reg_id(), c.expires(), c.sip_instance()),
        (Some(Ok(1)), Some(Ok(3600)), Some(INSTANCE))
    );
    // The GRUUs are quoted URIs holding ';' and '='.
    assert_eq!(c.pub_gruu(), p.get_unquoted("pub-gruu"));
    assert_eq!(c.temp_gruu(), Some(&b"sip:87ash54=3dd.98a@example.com;gr"[..]));
    let pub_gruu = Uri::parse_str(std::str::from_utf8(c.pub_gruu().unwrap()).unwrap()).unwrap();
    assert_eq!(
        pub_gruu.as_str(),
        "sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1"
    );
    assert_eq!(
        pub_gruu.param("gr"),
        Some(Some(&b"urn:uuid:f81-7dec-14a06cf1"[..]))
    );
    let temp_gruu =
        Uri::parse_str(std::str::from_utf8(p.get_unquoted("temp-gruu").unwrap()).unwrap()).unwrap();
    assert_eq!(temp_gruu.user(), Some(&b"87ash54=3dd.98a"[..]));
    assert_eq!(temp_gruu.param("gr"), Some(None));
}

// §8.2 F1, F2, F3
#[test]
fn invite_from_the_ws_client_and_forwarded() {
    let r = req("8.2-F1-invite.sip");
    assert_eq!(r.via_transport(), Some(&b"WSS"[..]));
    assert_eq!(r.via_sent_by(), Some(("df7jal23ls0d.invalid", None)));
    assert_eq!(
        uris(r.headers().route()),
        ["sip:proxy.example.com:443;transport=ws;lr"]
    );
    let c = contacts(r.headers()).remove(0);
    assert_eq!(c.uri().as_str(), GRUU);
    assert_eq!(
        c.uri().param("gr"),
        Some(Some(&b"urn:uuid:f81-7dec-14a06cf1"[..]))
    );
    assert_eq!(c.uri().param("ob"), Some(None));
    assert_eq!(
        r.headers().get(HeaderName::ContentType),
        Some(&b"application/sdp"[..])
    );
    assert_eq!(r.to_tag(), None);

    let trying = resp("8.2-F2-100-trying.sip");
    assert_eq!(trying.status(), StatusCode::TRYING);
    assert_eq!(trying.to_tag(), None);
    assert_eq!(trying.via_branch(), r.via_branch());

    let fwd = req("8.2-F3-invite.sip");
    assert_eq!(fwd.uri().as_str(), "sip:bob@203.0.113.22:5060");
    let vias: Vec<_> = fwd
        .headers()
        .via()
        .map(Result::unwrap)
        .map(|v| (v.transport, v.host))
        .collect();
    assert_eq!(
        vias,
        [
            (&b"UDP"[..], &b"proxy.example.com"[..]),
            (b"WSS", b"df7jal23ls0d.invalid")
        ]
    );
    assert_eq!(uris(fwd.headers().record_route()), RR);
    assert_eq!(fwd.headers().get(HeaderName::MaxForwards), Some(&b"69"[..]));
}

// §8.2 F4, F5, F6, F7: the 2xx carries Record-Route; the ACK's Route set is that list reversed
// (RFC 3261 §12.1.2), its Request-URI the remote target from the 2xx's Contact.
#[test]
fn ack_route_set_is_the_reversed_record_route() {
    let f4 = resp("8.2-F4-200-ok.sip");
    let top = f4.headers().top_via().unwrap().unwrap();
    assert_eq!(top.received(), Some(&b"192.0.2.10"[..]));
    assert_eq!(top.branch(), Some(&b"z9hG4bKhjhjqw32c"[..]));
    assert_eq!(uris(f4.headers().record_route()), RR);
    assert_eq!(f4.to_tag(), Some(&b"bmqkjhsd"[..]));

    let f5 = resp("8.2-F5-200-ok.sip");
    assert_eq!(f5.headers().count(HeaderName::Via), 1);
    assert_eq!(f5.via_transport(), Some(&b"WSS"[..]));
    assert_eq!(uris(f5.headers().record_route()), RR);
    let target = contacts(f5.headers()).remove(0);
    assert_eq!(target.uri().as_str(), "sip:bob@203.0.113.22:5060;transport=udp");

    let ack = req("8.2-F6-ack.sip");
    assert_eq!(ack.method(), &Method::Ack);
    assert!(ack.uri().equivalent(target.uri()));
    assert_eq!(ack.uri().as_str(), "sip:bob@203.0.113.22:5060;transport=udp");
    let mut reversed = uris(f5.headers().record_route());
    reversed.reverse();
    assert_eq!(uris(ack.headers().route()), reversed);
    assert_eq!(uris(ack.headers().route()), [RR[1], RR[0]]);
    assert_eq!(ack.via_branch(), Some(&b"z9hG4bKhgqqp090"[..]));
    assert_ne!(ack.via_branch(), req("8.2-F1-invite.sip").via_branch());
    assert_eq!(
        (ack.cseq().unwrap().seq, ack.cseq().unwrap().method),
        (1, &b"ACK"[..])
    );
    assert_eq!(
        (ack.from_tag(), ack.to_tag()),
        (Some(&b"asdyka899"[..]), Some(&b"bmqkjhsd"[..]))
    );

    let f7 = req("8.2-F7-ack.sip");
    assert_eq!(f7.headers().count(HeaderName::Via), 2);
    assert!(!f7.headers().contains(HeaderName::Route));
    assert_eq!(f7.headers().get(HeaderName::MaxForwards), Some(&b"69"[..]));
}

// §8.2 F8, F9, F10, F11: Bob's BYE to Alice's GRUU, with Bob's route set (the Record-Route as
// he received it, RFC 3261 §12.1.1), From/To swapped.
#[test]
fn bye_to_the_gruu() {
    let f8 = req("8.2-F8-bye.sip");
    assert_eq!(f8.method(), &Method::Bye);
    assert_eq!(f8.uri().as_str(), GRUU);
    assert_eq!(
        f8.uri().param("gr"),
        Some(Some(&b"urn:uuid:f81-7dec-14a06cf1"[..]))
    );
    assert_eq!(f8.uri().param("ob"), Some(None));
    assert_eq!(
        uris(f8.headers().route()),
        uris(resp("8.2-F4-200-ok.sip").headers().record_route())
    );
    assert_eq!(
        (f8.from_tag(), f8.to_tag()),
        (Some(&b"bmqkjhsd"[..]), Some(&b"asdyka899"[..]))
    );
    assert_eq!(
        (f8.cseq().unwrap().seq, f8.cseq().unwrap().method),
        (1201, &b"BYE"[..])
    );

    let f9 = req("8.2-F9-bye.sip");
    assert_eq!(f9.uri().as_str(), GRUU);
    assert_eq!(f9.via_transport(), Some(&b"WSS"[..]));
    assert_eq!(f9.via_sent_by(), Some(("proxy.example.com", Some(443))));
    // Alice matches the dialog with Call-ID and the tags reversed: her local tag is the To tag.
    let invite = req("8.2-F1-invite.sip");
    assert_eq!(f9.call_id(), invite.call_id());
    assert_eq!(f9.to_tag(), invite.from_tag());
    assert_eq!(f9.from_tag(), Some(&b"bmqkjhsd"[..]));

    let f10 = resp("8.2-F10-200-ok.sip");
    let vias =
        |m: &Response| -> Vec<Vec<u8>> { m.headers().get_all(HeaderName::Via).map(<[u8]>::to_vec).collect() };
    let f9_vias: Vec<Vec<u8>> = f9
        .headers()
        .get_all(HeaderName::Via)
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(vias(&f10), f9_vias);
    assert_eq!(f10.cseq().unwrap().method, b"BYE");
    let f11 = resp("8.2-F11-200-ok.sip");
    assert_eq!(vias(&f11), f9_vias[1..]);
}
