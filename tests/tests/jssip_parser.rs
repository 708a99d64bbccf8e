//! JsSIP's parser tests (`shared/corpus/jssip-parser-cases.md` §2.1–§2.18, and the §3 builder
//! cases we have an API for), run through sansip's public API.
//!
//! Where the results differ from JsSIP it is on purpose, and the test says why. The one
//! difference that runs through them all: JsSIP rewrites what it parses (lowercases hosts,
//! schemes, parameter names and the values of known parameters, uppercases algorithms) and
//! re-serialises it; sansip keeps the bytes as received, so a message is forwarded and echoed
//! exactly, and compares case-insensitively where the RFCs say to (RFC 3261 §19.1.4, §7.3.1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use bytes::Bytes;
use sansip_core::header::auth::{Algorithm, Challenge, Qop};
use sansip_core::header::{CSeq, Event, NameAddr, Refresher, Replaces, SessionExpires, Via};
use sansip_core::message::{HeaderName, Message, Method, StatusCode};
use sansip_core::parse::{parse_message, Framing, Limits};
use sansip_core::uri::{parse_host, HostKind, Scheme, Uri, UriBuilder};

const URI: &str =
    "SIP:%61liCE@versaTICA.Com:6060;TRansport=TCp;Foo=ABc;baz?X-Header-1=AaA1&X-Header-2=BbB&x-header-1=AAA2";

/// A WebSocket message: an OPTIONS with the mandatory headers and `extra` header lines.
fn message_with(extra: &str) -> Message {
    let text = format!(
        "OPTIONS sip:bob@biloxi.com SIP/2.0\r\n\
         Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n\
         To: <sip:bob@biloxi.com>\r\n\
         From: <sip:alice@atlanta.com>;tag=1\r\n\
         Call-ID: c1\r\n\
         Max-Forwards: 70\r\n\
         {extra}\r\n\r\n"
    );
    parse_message(Bytes::from(text), Framing::WebSocket, &Limits::default()).unwrap()
}

fn eq_ic(a: impl AsRef<[u8]>, b: &str) -> bool {
    a.as_ref().eq_ignore_ascii_case(b.as_bytes())
}

/// The values of URI header `name` (case-insensitive), in order.
fn uri_header<'a>(u: &'a Uri, name: &str) -> Vec<&'a [u8]> {
    u.headers()
        .filter(|(n, _)| eq_ic(n, name))
        .map(|(_, v)| v)
        .collect()
}

/// The §2.1 URI's fields, as JsSIP checks them.
fn check_jssip_uri(u: &Uri) {
    // JsSIP: scheme `sip`, host `versatica.com`, transport `tcp`. We keep `SIP`,
    // `versaTICA.Com` and `TCp` as written; scheme and host compare case-insensitively, and so
    // do the values of the parameters RFC 3261 §19.1.4 names.
    assert_eq!(u.scheme(), Scheme::Sip);
    assert_eq!(u.scheme_str(), "SIP");
    assert_eq!(u.user(), Some(&b"%61liCE"[..]));
    assert_eq!(u.user_decoded().as_deref(), Some(&b"aliCE"[..]));
    assert_eq!(u.host(), "versaTICA.Com");
    assert!(eq_ic(u.host(), "versatica.com"));
    assert_eq!(u.port(), Some(6060));
    assert!(u.params().contains("transport"));
    assert_eq!(u.transport(), Some(&b"TCp"[..]));
    assert!(eq_ic(u.transport().unwrap(), "tcp"));
    // An unknown parameter keeps its value's case (as in JsSIP); its name matches any case.
    assert_eq!(u.param("foo"), Some(Some(&b"ABc"[..])));
    assert_eq!(u.param("FOO"), Some(Some(&b"ABc"[..])));
    // JsSIP's `null` (present, no value) and `undefined` (absent).
    assert_eq!(u.param("baz"), Some(None));
    assert_eq!(u.param("nooo"), None);
    assert_eq!(uri_header(u, "x-header-1"), [&b"AaA1"[..], b"AAA2"]);
    assert_eq!(uri_header(u, "X-HEADER-2"), [&b"BbB"[..]]);
    assert!(uri_header(u, "nooo").is_empty());
}

// §2.1
#[test]
fn uri_parse() {
    let u = Uri::parse_str(URI).unwrap();
    check_jssip_uri(&u);
    // JsSIP re-serialises canonically; we write the URI back as received. Both are the same
    // URI under RFC 3261 §19.1.4.
    assert_eq!(u.as_str(), URI);
    let jssip = Uri::parse_str(
        "sip:aliCE@versatica.com:6060;transport=tcp;foo=ABc;baz?X-Header-1=AaA1&X-Header-1=AAA2&X-Header-2=BbB",
    )
    .unwrap();
    assert!(u.equivalent(&jssip));
    // toAor: built from the parts (the builder lowercases the host, as JsSIP does).
    let user = String::from_utf8(u.user_decoded().unwrap().into_owned()).unwrap();
    let aor = UriBuilder::sip(Some(&user), u.host(), false).build().unwrap();
    assert_eq!(aor.as_str(), "sip:aliCE@versatica.com");

    // JsSIP's "after changes" output parses back to a user and a password.
    let changed =
        Uri::parse_str("sip:I%C3%B1aki:PASSWD@versatica.com:6060;transport=tcp;baz?X-Header-2=BbB").unwrap();
    assert_eq!(changed.user_decoded().as_deref(), Some("Iñaki".as_bytes()));
    assert_eq!(changed.password(), Some(&b"PASSWD"[..]));
    // There is no URI mutation API; building the same URI, `UriBuilder` takes a user only, so a
    // ':' in it is escaped (JsSIP writes it raw and so turns the rest into a password).
    let built = UriBuilder::sip(Some("Iñaki:PASSWD"), "versatica.com", false)
        .port(6060)
        .param("transport", Some("tcp"))
        .param("baz", None);
    assert_eq!(
        built.build().unwrap().as_str(),
        "sip:I%C3%B1aki%3APASSWD@versatica.com:6060;transport=tcp;baz"
    );
    let cleared = UriBuilder::sip(Some("Iñaki"), "versatica.com", false)
        .build()
        .unwrap();
    assert_eq!(cleared.as_str(), "sip:I%C3%B1aki@versatica.com");
}

// §2.2
#[test]
fn name_addr_quoted_display_name_with_escapes() {
    let input = format!(r#" "Iñaki ðđøþ foo \"bar\" \\\\ \\ \\d \\\\d \\' \\\"sdf\\\"" <{URI}>;QWE=QWE;ASd"#);
    let na = NameAddr::parse(input.as_bytes()).unwrap();
    // Each quoted-pair `\X` becomes `X`.
    assert_eq!(
        na.display_name().as_deref(),
        Some(r#"Iñaki ðđøþ foo "bar" \\ \ \d \\d \' \"sdf\""#)
    );
    // Header parameter names match in any case; JsSIP lowercases them when it writes the
    // header back, we write them as received.
    assert!(na.params().contains("qwe") && na.params().contains("asd"));
    assert_eq!(na.params().get("qwe"), Some(Some(&b"QWE"[..])));
    assert_eq!(na.params().get("asd"), Some(None));
    assert_eq!(na.params().as_bytes(), b"QWE=QWE;ASd");
    check_jssip_uri(na.uri());
}

// §2.3
#[test]
fn name_addr_non_ascii_display_name() {
    // What JsSIP's parser actually receives: U+FFFD, and no space before '<'.
    let na = NameAddr::parse("\"\u{FFFD}\"<sip:foo@bar.com>".as_bytes()).unwrap();
    assert_eq!(na.display_name().as_deref(), Some("\u{FFFD}"));
    assert_eq!(
        (na.uri().scheme(), na.uri().user(), na.uri().host()),
        (Scheme::Sip, Some(&b"foo"[..]), "bar.com")
    );
    assert_eq!(na.uri().port(), None);
    // We work on bytes, so we see the raw 0xC0 the test meant. A quoted-string admits
    // UTF8-NONASCII (RFC 3261 §25.1) and a lone 0xC0 is not UTF-8, yet refusing the whole
    // header for a display name would lose a call over cosmetics: the byte is kept raw and
    // turns into U+FFFD only when the display name is read as text.
    let na = NameAddr::parse(b"\"\xC0\"<sip:foo@bar.com>").unwrap();
    assert_eq!(na.display_name_raw(), Some(&b"\"\xC0\""[..]));
    assert_eq!(na.display_name().as_deref(), Some("\u{FFFD}"));
    assert_eq!(na.uri().as_str(), "sip:foo@bar.com");
}

// §2.4, §2.5, §2.6
#[test]
fn name_addr_display_name_forms() {
    let na = NameAddr::parse(format!("Foo    Foo Bar\tBaz<{URI}>;QWE=QWE;ASd").as_bytes()).unwrap();
    assert_eq!(na.display_name().as_deref(), Some("Foo Foo Bar Baz"));
    check_jssip_uri(na.uri());
    let na = NameAddr::parse(format!("\"Foo\"<{URI}>;QWE=QWE;ASd").as_bytes()).unwrap();
    assert_eq!(na.display_name().as_deref(), Some("Foo"));
    let na = NameAddr::parse(format!("<{URI}>;QWE=QWE;ASd").as_bytes()).unwrap();
    assert_eq!(na.display_name(), None);
    assert_eq!(na.params().get("qwe"), Some(Some(&b"QWE"[..])));
}

// §2.7
#[test]
fn contact_list_of_three() {
    let m = message_with(
        "Contact: \"Iñaki @ł€\" <SIP:+1234@ALIAX.net;Transport=WS>;+sip.Instance=\"abCD\", \
         sip:bob@biloxi.COM;headerParam, <sip:DOMAIN.com:5>",
    );
    let c: Vec<_> = m
        .headers()
        .contact()
        .map(|c| c.unwrap().address().unwrap().clone())
        .collect();
    assert_eq!(c.len(), 3);

    assert_eq!(c[0].display_name().as_deref(), Some("Iñaki @ł€"));
    assert!(c[0].params().contains("+sip.instance"));
    // A quoted value keeps its quotes, as in JsSIP; `sip_instance` gives it unquoted.
    assert_eq!(c[0].params().get("+SIP.instance"), Some(Some(&b"\"abCD\""[..])));
    assert_eq!(c[0].sip_instance(), Some(&b"abCD"[..]));
    let u = c[0].uri();
    assert_eq!((u.user(), u.port()), (Some(&b"+1234"[..]), None));
    // JsSIP: host `aliax.net`, transport `ws` (lowercased); kept as written here.
    assert_eq!(u.host(), "ALIAX.net");
    assert!(eq_ic(u.host(), "aliax.net") && eq_ic(u.transport().unwrap(), "ws"));

    // addr-spec form: `;headerParam` is a header parameter, not a URI parameter.
    assert_eq!(c[1].display_name(), None);
    assert!(c[1].params().contains("HEADERPARAM"));
    assert_eq!(
        (c[1].uri().user(), c[1].uri().host()),
        (Some(&b"bob"[..]), "biloxi.COM")
    );
    assert!(!c[1].uri().params().contains("headerParam"));

    assert_eq!(
        (c[2].uri().user(), c[2].uri().host(), c[2].uri().port()),
        (None, "DOMAIN.com", Some(5))
    );
    // JsSIP's toString and setters (display_name=, setParam) have no counterpart: sansip
    // builds new headers with the message builders instead of editing parsed ones.
}

// §2.8
#[test]
fn via_folded_spaced_ipv6() {
    let base = "SIP /  3.0 \r\n / UDP [1:ab::FF]:6060 ;\r\n  BRanch=1234;";
    for (extra, rport) in [
        ("", None),
        ("rport=1111;", Some(Some(1111))),
        ("rport;", Some(None)),
    ] {
        let text = format!("{base}{extra}Param1=Foo;paRAM2;param3=Bar");
        let v = Via::parse(text.as_bytes()).unwrap();
        // The version is a token: `3.0` is accepted, as by JsSIP.
        assert_eq!(
            (v.protocol, v.version, v.transport),
            (&b"SIP"[..], &b"3.0"[..], &b"UDP"[..])
        );
        assert_eq!(
            (v.host, v.host_kind, v.port),
            (&b"[1:ab::FF]"[..], HostKind::Ipv6, Some(6060))
        );
        assert_eq!(v.branch(), Some(&b"1234"[..]));
        // A bare `rport` is `Some(None)` where JsSIP says `undefined`: RFC 3581 §4 needs to
        // tell "asked for rport" from "no rport".
        assert_eq!(v.rport(), rport);
        // JsSIP moves branch and rport out of `params`; here every parameter stays in
        // `params` (in order, for forwarding) and branch/rport also have getters.
        assert_eq!(v.params.get("param1"), Some(Some(&b"Foo"[..])));
        assert_eq!(v.params.get("param2"), Some(None));
        assert_eq!(v.params.get("param3"), Some(Some(&b"Bar"[..])));
        assert_eq!(v.params.get("branch"), Some(Some(&b"1234"[..])));
    }
}

// §2.9
#[test]
fn cseq_unknown_method_and_spaces() {
    let m = message_with("CSeq: 123456  CHICKEN");
    let cseq = m.headers().cseq().unwrap().unwrap();
    assert_eq!(
        cseq,
        CSeq {
            seq: 123456,
            method: Method::Extension(Bytes::from_static(b"CHICKEN"))
        }
    );
    assert_eq!(
        m.cseq().map(|c| (c.seq, c.method)),
        Some((123456, &b"CHICKEN"[..]))
    );
}

// §2.10
#[test]
fn digest_challenge() {
    let v = br#"Digest realm =  "[1:ABCD::abc]", nonce =  "31d0a89ed7781ce6877de5cb032bf114", qop="AUTH,autH-INt", algorithm =  md5  ,  stale =  TRUE , opaque = "00000188""#;
    let c = Challenge::parse(v).unwrap();
    assert!(c.is_digest());
    assert_eq!(c.realm.as_deref(), Some(&b"[1:ABCD::abc]"[..]));
    assert_eq!(c.nonce.as_deref(), Some(&b"31d0a89ed7781ce6877de5cb032bf114"[..]));
    // JsSIP lowercases the qop list and uppercases the algorithm; both are matched
    // case-insensitively here, the classified values being the same.
    let qop: Vec<Qop<'_>> = c.qop.unwrap().iter().collect();
    assert_eq!(qop, [Qop::Auth, Qop::AuthInt]);
    assert_eq!(c.algorithm, Algorithm::Md5);
    assert!(c.stale);
    assert_eq!(c.opaque.as_deref(), Some(&b"00000188"[..]));
}

// §2.11
#[test]
fn event_with_params() {
    let m = message_with("Event: Presence;Param1=QWe;paraM2");
    let e = m.headers().event().unwrap().unwrap();
    // JsSIP: `presence`. The type is kept as written; `is` compares without case.
    assert_eq!(e.event_type, b"Presence");
    assert!(e.is("presence"));
    assert_eq!(e.params.get("param1"), Some(Some(&b"QWe"[..])));
    assert_eq!(e.params.get("param2"), Some(None));
    assert_eq!(Event::parse(b"Presence;Param1=QWe;paraM2").unwrap(), e);
}

// §2.12
#[test]
fn session_expires() {
    let s = SessionExpires::parse(b"180;refresher=uac").unwrap();
    assert_eq!((s.delta, s.refresher), (180, Some(Refresher::Uac)));
    let m = message_with("Session-Expires: 210  ;   refresher  =  UAS ; foo  =  bar");
    let s = m.headers().session_expires().unwrap().unwrap();
    assert_eq!((s.delta, s.refresher), (210, Some(Refresher::Uas)));
    assert_eq!(s.params.get("foo"), Some(Some(&b"bar"[..])));
}

// §2.13
#[test]
fn reason_rfc3326() {
    let m = message_with(
        "Reason: SIP  ; cause = 488 ; text = \"Wrong SDP\"\r\nReason: ISUP; cause=500 ; LALA = foo",
    );
    let r: Vec<_> = m.headers().reason().map(Result::unwrap).collect();
    assert_eq!(r.len(), 2);
    // JsSIP lowercases the protocol; kept as written, `is` compares without case.
    assert_eq!(r[0].protocol, b"SIP");
    assert!(r[0].is("sip"));
    assert_eq!(r[0].cause, Some(488));
    assert_eq!(r[0].text().as_deref(), Some("Wrong SDP"));
    assert!(r[1].is("isup"));
    assert_eq!((r[1].cause, r[1].text()), (Some(500), None));
    assert_eq!(r[1].params.get("lala"), Some(Some(&b"foo"[..])));
}

/// The kind of `text` when all of it is one host.
fn host(text: &str) -> Option<HostKind> {
    parse_host(text.as_bytes())
        .filter(|(_, len)| *len == text.len())
        .map(|(kind, _)| kind)
}

// §2.14
#[test]
fn hosts() {
    assert_eq!(host("versatica.com"), Some(HostKind::Domain));
    assert_eq!(host("myhost123"), Some(HostKind::Domain));
    assert_eq!(host("1.2.3.4"), Some(HostKind::Ipv4));
    assert_eq!(host("[1:0:fF::432]"), Some(HostKind::Ipv6));
    assert_eq!(host("1.2.3.444"), None);
    assert_eq!(host("iñaki.com"), None);
    assert!(Uri::parse_str("sip:iñaki.com").is_err());
    assert_eq!(host("1.2.3.bar.qwe-asd.foo"), Some(HostKind::Domain));
    assert_eq!(host("1.2.3.4.bar.qwe-asd.foo"), Some(HostKind::Domain));
}

// §2.15
#[test]
fn refer_to() {
    let m = message_with("Refer-To: sip:alice@versatica.com");
    let r = m.headers().refer_to().unwrap().unwrap();
    assert_eq!(
        (r.uri().scheme(), r.uri().user(), r.uri().host()),
        (Scheme::Sip, Some(&b"alice"[..]), "versatica.com")
    );
    let m = message_with("Refer-To: <sip:bob@versatica.com?Accept-Contact=sip:bobsdesk.versatica.com>");
    let r = m.headers().refer_to().unwrap().unwrap();
    assert_eq!(
        (r.uri().user(), r.uri().host()),
        (Some(&b"bob"[..]), "versatica.com")
    );
    // An unescaped ':' in a URI header value is legal (`hnv-unreserved`, RFC 3261 §25.1).
    assert_eq!(
        uri_header(r.uri(), "accept-contact"),
        [&b"sip:bobsdesk.versatica.com"[..]]
    );
}

// §2.16
#[test]
fn replaces() {
    let v = b"5t2gpbrbi72v79p1i8mr;to-tag=03aq91cl9n;from-tag=kun98clbf7";
    let r = Replaces::parse(v).unwrap();
    assert_eq!(
        (r.call_id, r.to_tag, r.from_tag),
        (
            &b"5t2gpbrbi72v79p1i8mr"[..],
            &b"03aq91cl9n"[..],
            &b"kun98clbf7"[..]
        )
    );
    assert!(!r.early_only);
    let m = message_with("Replaces: 5t2gpbrbi72v79p1i8mr;to-tag=03aq91cl9n;from-tag=kun98clbf7");
    assert_eq!(m.headers().replaces(), Some(Ok(r)));
}

// §2.17
#[test]
fn status_line() {
    let m = parse_message(
        Bytes::from_static(b"SIP/2.0 420 Bad Extension\r\n\r\n"),
        Framing::WebSocket,
        &Limits::default(),
    )
    .unwrap();
    let r = m.as_response().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_EXTENSION);
    assert_eq!(r.reason(), b"Bad Extension");
}

// §2.18
#[test]
fn whole_message() {
    let wire = Bytes::from_static(
        b"INVITE sip:bob@biloxi.com SIP/2.0\r\n\
          Via: SIP/2.0/TCP useragent.cisco.com;branch=z9hG4bK-a111\r\n\
          To: <sip:bob@biloxi.com>\r\n\
          From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=9802748\r\n\
          Call-ID: 245780247857024504\r\n\
          CSeq: 1 INVITE\r\n\
          Max-Forwards: 70\r\n\
          Privacy: id\r\n\
          P-Preferred-Identity: \"Cullen Jennings\" <sip:fluffy@cisco.com>\r\n\
          \r\n",
    );
    let m = parse_message(wire, Framing::WebSocket, &Limits::default()).unwrap();
    let h = m.headers();
    let ppi = h.get_str("P-Preferred-Identity").unwrap();
    let na = NameAddr::parse_in(h.buffer(), ppi, HeaderName::Other).unwrap();
    assert_eq!(
        (na.uri().user(), na.uri().host()),
        (Some(&b"fluffy"[..]), "cisco.com")
    );
    assert_eq!(na.display_name().as_deref(), Some("Cullen Jennings"));
    assert_eq!(h.get(HeaderName::Privacy), Some(&b"id"[..]));
    assert!(m.body().is_empty());
}

// §3.1 (test-URI.ts), with `UriBuilder`. JsSIP's URI setters (scheme=, user=, setHeader,
// deleteParam, ...) have no counterpart: a URI is built once. §3.2 (NameAddrHeader) has no
// builder here: name-addr headers are written by the message builders. §3.3
// (Utils.normalizeTarget) is a UA-level feature and is tested with the UA.
#[test]
fn uri_builder() {
    let b = || UriBuilder::sip(Some("alice"), "jssip.net", false);
    assert_eq!(
        b().port(6060).build().unwrap().as_str(),
        "sip:alice@jssip.net:6060"
    );
    assert_eq!(
        UriBuilder::sip(Some("alice"), "jssip.net", true)
            .port(6060)
            .build()
            .unwrap()
            .as_str(),
        "sips:alice@jssip.net:6060"
    );
    let u = UriBuilder::sip(Some("Iñaki ðđ"), "jssip.net", false)
        .port(6060)
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:I%C3%B1aki%20%C3%B0%C4%91@jssip.net:6060");
    assert_eq!(u.user_decoded().as_deref(), Some("Iñaki ðđ".as_bytes()));
    // The builder takes the user unescaped, so a '%' in it is a percent sign and is escaped
    // (JsSIP decodes `%61lice` to `alice` here).
    assert_eq!(
        UriBuilder::sip(Some("%61lice"), "jssip.net", false)
            .build()
            .unwrap()
            .as_str(),
        "sip:%2561lice@jssip.net"
    );
    assert_eq!(
        UriBuilder::sip(None, "jssip.net", false)
            .build()
            .unwrap()
            .as_str(),
        "sip:jssip.net"
    );
    assert_eq!(
        UriBuilder::sip(Some("alice"), "VERSATICA.com", false)
            .build()
            .unwrap()
            .as_str(),
        "sip:alice@versatica.com"
    );
    // JsSIP throws TypeError for a host that is not a string; a host that is not a host
    // fails to build.
    assert!(UriBuilder::sip(Some("ibc"), "iñaki.ðđß", false).build().is_err());
    assert_eq!(b().port(0).build().unwrap().as_str(), "sip:alice@jssip.net:0");
    // Parameter names are written as given (JsSIP lowercases them) and match in any case.
    let u = b()
        .param("Foo", None)
        .param("Baz", Some("123"))
        .param("zero", Some("0"))
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:alice@jssip.net;Foo;Baz=123;zero=0");
    assert_eq!(
        (u.param("foo"), u.param("baz"), u.param("ZERO")),
        (Some(None), Some(Some(&b"123"[..])), Some(Some(&b"0"[..])))
    );
}
