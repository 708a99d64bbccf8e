//! RFC 5118 IPv6 torture tests (`shared/corpus/rfc5118`, the CRLF copies with corrected
//! Content-Length): every MANIFEST row gets the RFC's verdict, and each section's hosts, ports,
//! received parameters and bodies are checked exactly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::net::Ipv6Addr;

use sansip_core::message::{HeaderName, Request};
use sansip_core::parse::{Framing, ParseErrorKind as K};
use sansip_core::uri::{HostKind, UriErrorKind};
use sansip_tests::{assert_verdict, contacts, load, manifest, parse_datagram, Verdict};

fn verdict(name: &str) -> (&'static str, Verdict) {
    use Verdict::Accept;
    match name {
        // §4.2: without brackets the host would be `2001` followed by a port `db8::10`.
        // `2001` is not a hostname (a top label starts with a letter) nor an IPv4 address, so
        // the Request-URI is refused right at the host; a UAS answers 400.
        "ipv6-bad.dat" => (
            "invalid",
            Verdict::Reject {
                kind: K::RequestUri(UriErrorKind::Host),
                line: "REGISTER sip:2001:db8::10 SIP/2.0",
                at: "2001:db8::10 SIP/2.0",
            },
        ),
        // §4.10: tolerated, see `three_colon_form_is_tolerated`.
        "ipv6-bug-abnf-3-colons.dat" => ("valid-but-unusual", Accept),
        "ipv6-good.dat"
        | "port-ambiguous.dat"
        | "port-unambiguous.dat"
        | "via-received-param-with-delim.dat"
        | "via-received-param-no-delim.dat"
        | "ipv6-in-sdp.dat"
        | "mult-ip-in-header.dat"
        | "mult-ip-in-sdp.dat"
        | "ipv4-mapped-ipv6.dat"
        | "ipv6-correct-abnf-2-colons.dat" => ("valid", Accept),
        other => panic!("{other}: no verdict for this MANIFEST row"),
    }
}

#[test]
fn every_manifest_row_has_the_rfc_verdict() {
    let rows = manifest("rfc5118");
    assert_eq!(rows.len(), 12);
    for row in rows {
        let (class, v) = verdict(&row.name);
        assert_eq!(class, row.class, "{}: MANIFEST class changed", row.name);
        let label = format!("rfc5118/{}", row.name);
        assert_verdict(&label, load(&label), Framing::Datagram, &v);
    }
}

fn req(file: &str) -> Request {
    parse_datagram(&format!("rfc5118/{file}"))
        .unwrap()
        .as_request()
        .unwrap()
        .clone()
}

/// (host, kind, port) of every Via, top first.
fn vias(r: &Request) -> Vec<(String, HostKind, Option<u16>)> {
    r.headers()
        .via()
        .map(Result::unwrap)
        .map(|v| (String::from_utf8(v.host.to_vec()).unwrap(), v.host_kind, v.port))
        .collect()
}

// §4.1
#[test]
fn ipv6_references_in_uri_via_and_contact() {
    let r = req("ipv6-good.dat");
    assert_eq!(r.uri().host(), "[2001:db8::10]");
    assert_eq!(r.uri().host_kind(), Some(HostKind::Ipv6));
    assert_eq!(r.uri().port(), None);
    assert_eq!(vias(&r), [("[2001:db8::9:1]".to_owned(), HostKind::Ipv6, None)]);
    assert_eq!(r.via_sent_by(), Some(("[2001:db8::9:1]", None)));
    let c = contacts(r.headers()).remove(0);
    assert_eq!(c.display_name().as_deref(), Some("Caller"));
    assert_eq!(
        (c.uri().host(), c.uri().host_kind()),
        ("[2001:db8::1]", Some(HostKind::Ipv6))
    );
}

// §4.3, §4.4
#[test]
fn port_only_outside_the_brackets() {
    let r = req("port-ambiguous.dat");
    assert_eq!(r.uri().host(), "[2001:db8::10:5070]");
    assert_eq!(r.uri().port(), None);
    let r = req("port-unambiguous.dat");
    assert_eq!(r.uri().host(), "[2001:db8::10]");
    assert_eq!(r.uri().port(), Some(5070));
    assert!(!req("port-ambiguous.dat").uri().equivalent(r.uri()));
}

// §4.5
#[test]
fn via_received_both_forms() {
    let r = req("via-received-param-with-delim.dat");
    let v = r.headers().top_via().unwrap().unwrap();
    assert_eq!(v.received(), Some(&b"[2001:db8::9:255]"[..]));
    assert_eq!(v.branch(), Some(&b"z9hG4bKas3-111"[..]));
    // The bare form: its colons do not end the parameter list, so branch still follows.
    let r = req("via-received-param-no-delim.dat");
    let v = r.headers().top_via().unwrap().unwrap();
    assert_eq!(v.received(), Some(&b"2001:db8::9:255"[..]));
    assert_eq!(v.branch(), Some(&b"z9hG4bKas3"[..]));
    assert_eq!(r.via_branch(), Some(&b"z9hG4bKas3"[..]));
    assert_eq!(v.params.iter().count(), 2);
}

// §4.7
#[test]
fn mixed_vias() {
    let r = req("mult-ip-in-header.dat");
    assert_eq!(
        vias(&r),
        [
            ("[2001:db8::9:1]".to_owned(), HostKind::Ipv6, Some(6050)),
            ("192.0.2.1".to_owned(), HostKind::Ipv4, None),
            ("[2001:db8::9:255]".to_owned(), HostKind::Ipv6, None),
        ]
    );
    let third = r.headers().via().nth(2).unwrap().unwrap();
    assert_eq!(third.transport, b"TCP");
    assert_eq!(third.received(), Some(&b"192.0.2.200"[..]));
    assert_eq!(third.branch(), Some(&b"z9hG4bK451jj"[..]));
}

// §4.9: IPv4-mapped addresses are IPv6 literals, not IPv4.
#[test]
fn ipv4_mapped_ipv6() {
    let r = req("ipv4-mapped-ipv6.dat");
    assert_eq!(
        vias(&r),
        [
            ("[::ffff:192.0.2.10]".to_owned(), HostKind::Ipv6, Some(19823)),
            ("[::ffff:192.0.2.2]".to_owned(), HostKind::Ipv6, None),
        ]
    );
    let c = contacts(r.headers()).remove(0);
    assert_eq!(c.display_name().as_deref(), Some("T. desk phone"));
    assert_eq!(
        (c.uri().host(), c.uri().host_kind()),
        ("[::ffff:192.0.2.2]", Some(HostKind::Ipv6))
    );
    assert_eq!(r.content_length(), Some(245));
    assert_eq!(r.body().len(), 245);
    assert!(r
        .body()
        .windows(27)
        .any(|w| w == b"c=IN IP6 ::ffff:192.0.2.2\r\n"));
}

// §4.6, §4.8: the SDP bodies arrive whole, framed by their (corrected) Content-Length.
#[test]
fn sdp_bodies_intact() {
    let r = req("ipv6-in-sdp.dat");
    assert_eq!(r.uri().host(), "[2001:db8::10]");
    assert_eq!(r.headers().to().unwrap().unwrap().uri().host(), "[2001:db8::10]");
    assert_eq!((r.content_length(), r.body().len()), (Some(251), 251));
    let body = String::from_utf8(r.body().to_vec()).unwrap();
    assert!(body.starts_with("v=0\r\no=assistant 971731711378798081 0 IN IP6 2001:db8::20\r\n"));
    assert!(body.contains("\r\nc=IN IP6 2001:db8::20\r\n"));
    assert!(body.ends_with("a=rtpmap:107 H263-1998/90000\r\n"));

    let r = req("mult-ip-in-sdp.dat");
    assert_eq!((r.content_length(), r.body().len()), (Some(189), 189));
    let body = String::from_utf8(r.body().to_vec()).unwrap();
    let lines: Vec<&str> = body.lines().collect();
    let c_lines: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("c=")).collect();
    assert_eq!(c_lines, ["c=IN IP4 192.0.2.1", "c=IN IP6 2001:db8::1"]);
    // No session-level c=: the first c= comes after the first m=.
    let first_m = lines.iter().position(|l| l.starts_with("m=")).unwrap();
    let first_c = lines.iter().position(|l| l.starts_with("c=")).unwrap();
    assert!(first_c > first_m);
    assert_eq!(
        r.headers().get(HeaderName::ContentType),
        Some(&b"application/sdp"[..])
    );
}

// §4.10
#[test]
fn three_colon_form_is_tolerated() {
    // RFC 3261's grammar reads `2001:db8:::192.0.2.1` as hexpart `2001:db8::` followed by
    // `:` IPv4address, i.e. the same address as `2001:db8::192.0.2.1`; RFC 4291 (and Rust's
    // std) refuse it. RFC 5118 §4.10 says to accept both: we take the RFC 3261 reading and keep
    // the text as written.
    let three = req("ipv6-bug-abnf-3-colons.dat");
    assert_eq!(three.uri().host(), "[2001:db8:::192.0.2.1]");
    assert_eq!(three.uri().host_kind(), Some(HostKind::Ipv6));
    assert_eq!(three.uri().user(), Some(&b"user"[..]));
    assert_eq!(
        three.headers().to().unwrap().unwrap().uri().host(),
        "[2001:db8:::192.0.2.1]"
    );
    assert!("2001:db8:::192.0.2.1".parse::<Ipv6Addr>().is_err());

    let two = req("ipv6-correct-abnf-2-colons.dat");
    assert_eq!(two.uri().host(), "[2001:db8::192.0.2.1]");
    assert_eq!(two.uri().host_kind(), Some(HostKind::Ipv6));
    let addr: Ipv6Addr = "2001:db8::192.0.2.1".parse().unwrap();
    assert_eq!(addr.segments(), [0x2001, 0xdb8, 0, 0, 0, 0, 0xc000, 0x0201]);
}
