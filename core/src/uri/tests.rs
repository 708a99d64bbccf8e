//! Unit tests of [`Uri`] and [`UriBuilder`] with exact values: JsSIP's parser cases
//! (jssip-parser-cases.md), RFC 3261 §19.1 examples, RFC 4475 escaping cases, RFC 5118 IPv6
//! hosts, tel (RFC 3966) and opaque URIs, and errors with their kind and offset.

use super::*;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

fn uri(s: &str) -> Uri {
    Uri::parse_str(s).unwrap_or_else(|e| panic!("{s:?} does not parse: {e}"))
}

fn err(s: &str) -> (UriErrorKind, usize) {
    match Uri::parse_str(s) {
        Ok(u) => panic!("{s:?} parsed as {u:?}"),
        Err(e) => (e.kind, e.offset),
    }
}

/// Asserts equivalence both ways (RFC 3261 §19.1.4 equivalence is symmetric).
fn same(a: &str, b: &str) {
    assert!(uri(a).equivalent(&uri(b)), "{a} should equal {b}");
    assert!(uri(b).equivalent(&uri(a)), "{b} should equal {a}");
}

fn differ(a: &str, b: &str) {
    assert!(!uri(a).equivalent(&uri(b)), "{a} should differ from {b}");
    assert!(!uri(b).equivalent(&uri(a)), "{b} should differ from {a}");
}

const JSSIP: &str =
    "SIP:%61liCE@versaTICA.Com:6060;TRansport=TCp;Foo=ABc;baz?X-Header-1=AaA1&X-Header-2=BbB&x-header-1=AAA2";

#[test]
fn jssip_uri_parse() {
    // jssip-parser-cases.md §2.1. Differences on purpose: JsSIP lowercases the host and the
    // values of known params (`versatica.com`, `tcp`); we keep the text as written and compare
    // case-insensitively (RFC 3261 §19.1.4), so raw accessors return `versaTICA.Com` and `TCp`.
    let u = uri(JSSIP);
    assert_eq!(u.scheme(), Scheme::Sip);
    assert_eq!(u.scheme_str(), "SIP");
    assert_eq!(u.user(), Some(&b"%61liCE"[..]));
    assert_eq!(u.user_decoded().as_deref(), Some(&b"aliCE"[..]));
    assert_eq!(u.password(), None);
    assert_eq!(u.host(), "versaTICA.Com");
    assert_eq!(u.host_kind(), Some(HostKind::Domain));
    assert_eq!(u.port(), Some(6060));
    assert!(u.params().contains("transport"));
    assert_eq!(u.transport(), Some(&b"TCp"[..]));
    assert_eq!(u.param("foo"), Some(Some(&b"ABc"[..])));
    assert_eq!(u.param("FOO"), Some(Some(&b"ABc"[..])));
    assert_eq!(u.param("baz"), Some(None));
    assert_eq!(u.param("nooo"), None);
    assert_eq!(u.params().as_bytes(), b"TRansport=TCp;Foo=ABc;baz");
    assert_eq!(
        u.headers_raw(),
        Some(&b"X-Header-1=AaA1&X-Header-2=BbB&x-header-1=AAA2"[..])
    );
    let headers: Vec<_> = u.headers().collect();
    assert_eq!(
        headers,
        vec![
            (&b"X-Header-1"[..], &b"AaA1"[..]),
            (&b"X-Header-2"[..], &b"BbB"[..]),
            (&b"x-header-1"[..], &b"AAA2"[..]),
        ]
    );
    // JsSIP's getHeader('x-header-1') collects values case-insensitively by name.
    let x1: Vec<_> = u
        .headers()
        .filter(|(n, _)| eq_ic(n, b"X-HEADER-1"))
        .map(|(_, v)| v)
        .collect();
    assert_eq!(x1, vec![&b"AaA1"[..], &b"AAA2"[..]]);
    assert_eq!(u.to_string(), JSSIP);
    // JsSIP's toString of the same URI is an equivalent URI.
    same(JSSIP, "sip:aliCE@versatica.com:6060;transport=tcp;foo=ABc;baz?X-Header-1=AaA1&X-Header-1=AAA2&X-Header-2=BbB");
    // ... and its toAor is not (port and params are gone).
    differ(JSSIP, "sip:aliCE@versatica.com");
}

#[test]
fn jssip_contact_and_refer_to_uris() {
    // jssip-parser-cases.md §2.7 c1–c3 (the URIs inside the Contact values).
    let c1 = uri("SIP:+1234@ALIAX.net;Transport=WS");
    assert_eq!(c1.user(), Some(&b"+1234"[..]));
    assert_eq!(c1.host(), "ALIAX.net");
    assert_eq!(c1.port(), None);
    assert_eq!(c1.transport(), Some(&b"WS"[..]));
    // c2 is an addr-spec: `;headerParam` belongs to the header, not the URI (RFC 3261 §20.10).
    let buf = Bytes::from_static(b"sip:bob@biloxi.COM;headerParam");
    let (c2, used) = Uri::parse_in(&buf, 0, UriContext::AddrSpec).unwrap();
    assert_eq!(used, 18);
    assert_eq!(c2.as_str(), "sip:bob@biloxi.COM");
    assert_eq!(c2.user(), Some(&b"bob"[..]));
    assert!(c2.params().is_empty());
    assert!(!c2.params().contains("headerParam"));
    // In Full context (inside <>) the same text is a URI parameter.
    let (full, used) = Uri::parse_in(&buf, 0, UriContext::Full).unwrap();
    assert_eq!(used, buf.len());
    assert_eq!(full.param("headerparam"), Some(None));
    let c3 = uri("sip:DOMAIN.com:5");
    assert_eq!(c3.user(), None);
    assert_eq!(c3.host(), "DOMAIN.com");
    assert_eq!(c3.port(), Some(5));

    // §2.15 Refer-To: an unescaped ':' in a URI header value is fine (hnv-unreserved).
    let r = uri("sip:bob@versatica.com?Accept-Contact=sip:bobsdesk.versatica.com");
    assert_eq!(r.user(), Some(&b"bob"[..]));
    assert_eq!(r.host(), "versatica.com");
    assert_eq!(
        r.headers().collect::<Vec<_>>(),
        vec![(&b"Accept-Contact"[..], &b"sip:bobsdesk.versatica.com"[..])]
    );
}

#[test]
fn parse_in_shares_the_buffer() {
    let buf = Bytes::from_static(b"<sip:alice@example.com>;tag=1");
    let (u, used) = Uri::parse_in(&buf, 1, UriContext::Full).unwrap();
    assert_eq!(used, 21);
    assert_eq!(u.as_bytes(), b"sip:alice@example.com");
    assert_eq!(u.as_bytes().as_ptr(), buf[1..].as_ptr());
    assert_eq!(Uri::scan(b"sip:a@b.com>", UriContext::Full), Ok(((), 11)));
}

#[test]
fn rfc3261_examples() {
    // RFC 3261 §19.1.3.
    let u = uri("sip:alice:secretword@atlanta.com;transport=tcp");
    assert_eq!(
        (u.user(), u.password()),
        (Some(&b"alice"[..]), Some(&b"secretword"[..]))
    );
    assert_eq!(u.transport(), Some(&b"tcp"[..]));
    let u = uri("sips:alice@atlanta.com?subject=project%20x&priority=urgent");
    assert_eq!(u.scheme(), Scheme::Sips);
    assert_eq!(u.headers().count(), 2);
    let u = uri("sip:+1-212-555-1212:1234@gateway.com;user=phone");
    assert_eq!(
        (u.user(), u.password()),
        (Some(&b"+1-212-555-1212"[..]), Some(&b"1234"[..]))
    );
    assert_eq!(u.param("user"), Some(Some(&b"phone"[..])));
    let u = uri("sip:alice@192.0.2.4");
    assert_eq!((u.host(), u.host_kind()), ("192.0.2.4", Some(HostKind::Ipv4)));
    let u = uri("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com");
    assert_eq!((u.user(), u.host()), (None, "atlanta.com"));
    assert_eq!(
        u.headers().next(),
        Some((&b"to"[..], &b"alice%40atlanta.com"[..]))
    );
    // user-unreserved ';' in the user (RFC 3261 §19.1.1).
    let u = uri("sip:alice;day=tuesday@atlanta.com");
    assert_eq!(
        (u.user(), u.host()),
        (Some(&b"alice;day=tuesday"[..]), "atlanta.com")
    );
    assert!(u.params().is_empty());
    assert!(uri("sip:bob@biloxi.com;lr").is_loose_route());
    assert!(!uri("sip:bob@biloxi.com;lrx").is_loose_route());
}

#[test]
fn rfc3261_equivalence() {
    // RFC 3261 §19.1.4, equivalent pairs.
    same(
        "sip:%61lice@atlanta.com;transport=TCP",
        "sip:alice@AtLanTa.CoM;Transport=tcp",
    );
    same("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5");
    same("sip:carol@chicago.com", "sip:carol@chicago.com;security=on");
    same(
        "sip:carol@chicago.com;newparam=5",
        "sip:carol@chicago.com;security=on",
    );
    same(
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
        "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
    );
    same(
        "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
        "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
    );
    // RFC 3261 §19.1.4, pairs that are not equivalent.
    differ(
        "SIP:ALICE@AtLanTa.CoM;Transport=udp",
        "sip:alice@AtLanTa.CoM;Transport=UDP",
    );
    differ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060");
    differ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp");
    differ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp");
    differ(
        "sip:carol@chicago.com",
        "sip:carol@chicago.com?Subject=next%20meeting",
    );
    differ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4");
    differ(
        "sip:carol@chicago.com;security=on",
        "sip:carol@chicago.com;security=off",
    );
    // Scheme, password and the other must-match params (user, ttl, method, maddr).
    differ("sip:alice@atlanta.com", "sips:alice@atlanta.com");
    differ("sip:alice:a@atlanta.com", "sip:alice:A@atlanta.com");
    differ("sip:alice:a@atlanta.com", "sip:alice@atlanta.com");
    differ("sip:bob@biloxi.com", "sip:bob@biloxi.com;maddr=192.0.2.1");
    differ("sip:bob@biloxi.com", "sip:bob@biloxi.com;ttl=1");
    differ("sip:bob@biloxi.com", "sip:bob@biloxi.com;method=INVITE");
    differ("sip:+1@biloxi.com", "sip:+1@biloxi.com;user=phone");
    same(
        "sip:bob@biloxi.com;method=invite",
        "sip:bob@biloxi.com;METHOD=INVITE",
    );
    same("sip:bob@biloxi.com", "sip:bob@biloxi.com;lr");
    differ("sip:bob@biloxi.com;foo", "sip:bob@biloxi.com;foo=1");
    // Header values compare after unescaping; names case-insensitively.
    same(
        "sip:a@b.com?Subject=next%20meeting",
        "sip:a@b.com?subject=next%20m%65eting",
    );
    differ("sip:a@b.com?subject=x", "sip:a@b.com?subject=X");
    // PartialEq is equivalence.
    assert_eq!(uri("sip:%61lice@atlanta.com"), uri("sip:alice@ATLANTA.com"));
    assert_ne!(uri("sip:alice@atlanta.com"), uri("sip:Alice@atlanta.com"));
}

#[test]

fn escaped_param_names_are_equivalent() {
    // RFC 3261 §19.1.4: characters other than reserved ones are equivalent to their %HH form,
    // in parameter names too. `%74ransport` is `transport`.
    same(
        "sip:bob@biloxi.com;transport=tcp",
        "sip:bob@biloxi.com;%74ransport=tcp",
    );
    // RFC 4475 §3.1.1.3 (esc01): the Contact URI `;%6C%72` is the `lr` parameter.
    assert!(uri("sip:caller@host5.example.net;%6C%72").is_loose_route());
}

#[test]
fn escaping() {
    // RFC 4475 §3.1.1.3 (esc01): the Contact URI params decode once: `value%41`, not `valueA`.
    let u = uri("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    assert_eq!(u.user_decoded().as_deref(), Some(&b"caller"[..]));
    let params: Vec<_> = u.params().iter().collect();
    assert_eq!(
        params,
        vec![
            (&b"%6C%72"[..], None),
            (&b"n%61me"[..], Some(&b"v%61lue%25%34%31"[..]))
        ]
    );
    assert_eq!(&*unescape(params[1].0), b"name");
    assert_eq!(&*unescape(params[1].1.unwrap()), b"value%41");
    // esc01 Request-URI: an escaped ':' and '@' in the user.
    let u = uri("sips:sips%3Auser%40example.com@example.net");
    assert_eq!(u.user_decoded().as_deref(), Some(&b"sips:user@example.com"[..]));
    assert_eq!(u.host(), "example.net");
    // %2541 decodes once to %41.
    let u = uri("sip:%2541@example.com");
    assert_eq!(u.user_decoded().as_deref(), Some(&b"%41"[..]));
    differ("sip:%2541@example.com", "sip:A@example.com");
    same("sip:%2541@example.com", "sip:%25%34%31@example.com");
    // RFC 4475 §3.1.1.4 (escnull): %00 is a NUL byte and does not cut the user short.
    let u = uri("sip:%00@host5.example.com");
    assert_eq!(u.user_decoded().as_deref(), Some(&b"\0"[..]));
    assert_eq!(
        uri("sip:null-%00-null@example.com").user_decoded().as_deref(),
        Some(&b"null-\0-null"[..])
    );
    differ("sip:%00@host5.example.com", "sip:%00%00@host5.example.com");
    // RFC 4475 §3.1.1.9 (semiuri): ';' in the user, params only after the host.
    let u = uri("sip:user;par=u%40example.net@example.com");
    assert_eq!(u.user(), Some(&b"user;par=u%40example.net"[..]));
    assert_eq!(u.user_decoded().as_deref(), Some(&b"user;par=u@example.net"[..]));
    assert_eq!(u.host(), "example.com");
    assert!(u.params().is_empty());
    // RFC 4475 §3.1.1.2 (intmeth): the widest legal user and password.
    let u = uri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
    assert_eq!(
        u.user(),
        Some(&b"1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"[..])
    );
    assert_eq!(
        u.password(),
        Some(&b"&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"[..])
    );
    assert_eq!(u.host(), "example.com");
    assert!(u.params().is_empty() && u.headers_raw().is_none());
}

#[test]
fn ipv6_hosts() {
    // RFC 5118 §4.1, §4.3, §4.4, §4.9, §4.10.
    let u = uri("sip:[2001:db8::10]");
    assert_eq!(
        (u.host(), u.host_kind(), u.port()),
        ("[2001:db8::10]", Some(HostKind::Ipv6), None)
    );
    let u = uri("sip:[2001:db8::10]:5070");
    assert_eq!((u.host(), u.port()), ("[2001:db8::10]", Some(5070)));
    // The whole bracketed text is the address: no port (RFC 5118 §4.3).
    let u = uri("sip:[2001:db8::10:5070]");
    assert_eq!((u.host(), u.port()), ("[2001:db8::10:5070]", None));
    let u = uri("sip:user@[2001:db8::192.0.2.1]");
    assert_eq!(
        (u.user(), u.host()),
        (Some(&b"user"[..]), "[2001:db8::192.0.2.1]")
    );
    let u = uri("sip:user@[2001:db8:::192.0.2.1]");
    assert_eq!(u.host_kind(), Some(HostKind::Ipv6));
    let u = uri("sip:[::ffff:192.0.2.10]:19823;transport=tcp");
    assert_eq!(
        (u.host(), u.port(), u.transport()),
        ("[::ffff:192.0.2.10]", Some(19823), Some(&b"tcp"[..]))
    );
    same("sip:[2001:DB8::10]", "sip:[2001:db8::10]");
    differ("sip:[2001:db8::10]", "sip:[2001:db8::10]:5060");
    // IPv6 references compare by address (RFC 5118 §4, RFC 4291 §2.2).
    same("sip:alice@[2001:db8::1]", "sip:alice@[2001:DB8:0:0::1]");
    same("sip:[::ffff:192.0.2.10]:19823", "sip:[::FFFF:c000:20a]:19823");
    same("sip:[2001:db8::192.0.2.1]", "sip:[2001:db8::c000:201]");
    differ("sip:[2001:db8::1]", "sip:[2001:db8::2]");
    differ("sip:[::1]", "sip:[::1:0]");
    // RFC 5118 §4.2: no brackets. `2001` is not a hostname (its top label starts with a digit),
    // so the host is what fails, before the port is looked at.
    assert_eq!(err("sip:2001:db8::10"), (UriErrorKind::Host, 4));
    assert_eq!(err("sip:[2001:db8::10"), (UriErrorKind::Host, 4));
    assert_eq!(err("sip:[2001:db8::g]"), (UriErrorKind::Host, 4));
    assert_eq!(err("sip:[2001:db8::10]:"), (UriErrorKind::Port, 19));
}

#[test]
fn tel_uris() {
    // RFC 3966 §3.
    let u = uri("tel:+1-201-555-0123");
    assert_eq!(u.scheme(), Scheme::Tel);
    assert_eq!(u.user(), Some(&b"+1-201-555-0123"[..]));
    assert_eq!((u.host(), u.host_kind(), u.port()), ("", None, None));
    assert!(!u.is_sip());
    let u = uri("tel:7042;phone-context=example.com");
    assert_eq!(u.user(), Some(&b"7042"[..]));
    assert_eq!(u.param("phone-context"), Some(Some(&b"example.com"[..])));
    // RFC 3966 §4: visual separators are ignored, parameters compared by name.
    same("tel:+1-201-555-0123", "tel:+1.201.555.0123");
    same("tel:+1-201-555-0123", "tel:+1(201)5550123");
    same(
        "tel:7042;phone-context=example.com",
        "tel:7042;PHONE-CONTEXT=Example.COM",
    );
    differ("tel:+1-201-555-0123", "tel:+1-201-555-0124");
    differ(
        "tel:7042;phone-context=example.com",
        "tel:7042;phone-context=example.org",
    );
    differ("tel:+1-201-555-0123", "sip:+1-201-555-0123@example.com");
    // An addr-spec tel URI ends before ';' (header params follow).
    let buf = Bytes::from_static(b"tel:+1-201-555-0123;tag=x");
    assert_eq!(Uri::parse_in(&buf, 0, UriContext::AddrSpec).unwrap().1, 19);
    assert_eq!(err("tel:"), (UriErrorKind::UserInfo, 4));
    assert_eq!(err("tel:+1%4"), (UriErrorKind::Escape, 6));
}

#[test]

fn tel_params_must_be_on_both_sides() {
    // RFC 3966 §4: "If one URI has a parameter name not found in the other, the two URIs are
    // not equal."
    differ("tel:+1-201-555-0123", "tel:+1-201-555-0123;ext=22");
    differ("tel:7042;phone-context=example.com", "tel:7042");
}

#[test]
fn opaque_uris() {
    // RFC 4475 §3.3.2, §3.3.3, §3.3.4: other schemes are kept whole.
    for s in [
        "nobodyKnowsThisScheme:totallyopaquecontent",
        "soap.beep://192.0.2.103:3002",
        "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "isbn:2983792873",
        "http://www.example.com",
        "name:John_Smith",
    ] {
        let u = uri(s);
        assert_eq!(u.scheme(), Scheme::Other, "{s}");
        assert_eq!(
            (u.as_str(), u.user(), u.host(), u.port()),
            (s, None, "", None),
            "{s}"
        );
        assert_eq!(u.to_string(), s);
    }
    assert_eq!(uri("soap.beep://192.0.2.103:3002").scheme_str(), "soap.beep");
    same(
        "nobodyKnowsThisScheme:totallyopaquecontent",
        "NOBODYKNOWSTHISSCHEME:totallyopaquecontent",
    );
    differ("urn:uuid:1", "urn:uuid:2");
    // In an addr-spec the opaque URI ends before ';' and ','; inside <> it stops at '>'.
    let buf = Bytes::from_static(b"name:John_Smith;tag=1, x");
    assert_eq!(Uri::parse_in(&buf, 0, UriContext::AddrSpec).unwrap().1, 15);
    assert_eq!(
        Uri::scan(b"http://www.example.com>;tag=1", UriContext::Full),
        Ok(((), 22))
    );
    assert_eq!(err("foo:"), (UriErrorKind::Scheme, 4));
    assert_eq!(err("foo: x"), (UriErrorKind::Scheme, 4));
}

#[test]
fn errors_with_kind_and_offset() {
    assert_eq!(err(""), (UriErrorKind::Empty, 0));
    assert_eq!(err("alice@example.com"), (UriErrorKind::Scheme, 0));
    assert_eq!(err(":alice"), (UriErrorKind::Scheme, 0));
    assert_eq!(err("1sip:alice@example.com"), (UriErrorKind::Scheme, 0));
    // Bad escapes: in the user, a param value, a header.
    assert_eq!(err("sip:al%4ice@example.com"), (UriErrorKind::Escape, 6));
    assert_eq!(err("sip:%4"), (UriErrorKind::Escape, 4));
    assert_eq!(err("sip:alice@example.com;p=%4"), (UriErrorKind::Escape, 24));
    assert_eq!(err("sip:alice@example.com?h=%zz"), (UriErrorKind::Escape, 24));
    // Ports.
    assert_eq!(err("sip:alice@example.com:99999"), (UriErrorKind::Port, 22));
    assert_eq!(err("sip:alice@example.com:65536"), (UriErrorKind::Port, 22));
    assert_eq!(err("sip:alice@example.com:"), (UriErrorKind::Port, 22));
    assert_eq!(err("sip:alice@example.com:x"), (UriErrorKind::Port, 22));
    assert_eq!(uri("sip:alice@example.com:65535").port(), Some(65535));
    assert_eq!(uri("sip:alice@example.com:0").port(), Some(0));
    assert_eq!(uri("sip:alice@example.com:05060").port(), Some(5060));
    assert_eq!(err("sip:alice@example.com:6060x"), (UriErrorKind::Trailing, 26));
    // Params: empty `;;`, `;` at the end, `=` with no value.
    assert_eq!(err("sip:alice@example.com;;x"), (UriErrorKind::Param, 22));
    assert_eq!(err("sip:alice@example.com;"), (UriErrorKind::Param, 22));
    assert_eq!(err("sip:alice@example.com;x="), (UriErrorKind::Param, 24));
    // Headers: empty, empty after '&', no name.
    assert_eq!(err("sip:alice@example.com?"), (UriErrorKind::Header, 22));
    assert_eq!(err("sip:alice@example.com?x=1&&y=2"), (UriErrorKind::Header, 26));
    assert_eq!(err("sip:alice@example.com?=v"), (UriErrorKind::Header, 22));
    // User info: empty user, a ';' in the password.
    assert_eq!(err("sip:@example.com"), (UriErrorKind::UserInfo, 4));
    assert_eq!(err("sip:alice:se;cret@example.com"), (UriErrorKind::UserInfo, 12));
    // Hosts.
    assert_eq!(err("sip:"), (UriErrorKind::Host, 4));
    assert_eq!(err("sip:alice@"), (UriErrorKind::Host, 10));
    assert_eq!(err("sip:alice@1.2.3.444"), (UriErrorKind::Host, 10));
    assert_eq!(err("sip:alice@-example.com"), (UriErrorKind::Host, 10));
    // Spaces end the URI (RFC 4475 §3.1.2.8); a non-ASCII host is not a host (JsSIP §2.14),
    // so `sip:iñaki.com` reads host `i` and then stops at the first UTF-8 byte.
    assert_eq!(err("sip:alice@example.com ;lr"), (UriErrorKind::Trailing, 21));
    assert_eq!(err("sip:al ice@example.com"), (UriErrorKind::Trailing, 6));
    assert_eq!(err(" sip:alice@example.com"), (UriErrorKind::Scheme, 0));
    assert_eq!(err("sip:iñaki.com"), (UriErrorKind::Trailing, 5));
    assert_eq!(err("sip:alice@iñaki.com"), (UriErrorKind::Trailing, 11));
    // Longer than a Uri can hold.
    let long = alloc::format!("sip:example.com;x={}", "a".repeat(70_000));
    assert_eq!(err(&long), (UriErrorKind::TooLong, MAX_URI_LEN));
    // Messages.
    let e = Uri::parse_str("sip:alice@example.com:99999").unwrap_err();
    assert_eq!(e.to_string(), "bad port at byte 22");
    assert!("sip:alice@example.com".parse::<Uri>().is_ok());
    assert_eq!("sip:".parse::<Uri>().map_err(|e| e.kind), Err(UriErrorKind::Host));
}

#[test]
fn builder() {
    // jssip-parser-cases.md §3.1.
    let u = UriBuilder::sip(Some("alice"), "jssip.net", false)
        .port(6060)
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:alice@jssip.net:6060");
    let u = UriBuilder::sip(Some("alice"), "jssip.net", true).build().unwrap();
    assert_eq!((u.as_str(), u.scheme()), ("sips:alice@jssip.net", Scheme::Sips));
    let u = UriBuilder::sip(Some("Iñaki ðđ"), "jssip.net", false)
        .port(6060)
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:I%C3%B1aki%20%C3%B0%C4%91@jssip.net:6060");
    assert_eq!(u.user_decoded().as_deref(), Some("Iñaki ðđ".as_bytes()));
    let u = UriBuilder::sip(Some("alice"), "VERSATICA.com", false)
        .build()
        .unwrap();
    assert_eq!(u.host(), "versatica.com");
    let u = UriBuilder::sip(None, "jssip.net", false).build().unwrap();
    assert_eq!((u.as_str(), u.user()), ("sip:jssip.net", None));
    assert_eq!(
        UriBuilder::sip(None, "jssip.net", false)
            .port(0)
            .build()
            .unwrap()
            .as_str(),
        "sip:jssip.net:0"
    );
    // Params keep the name's case (JsSIP lowercases it); values are escaped as needed.
    let u = UriBuilder::sip(Some("alice"), "jssip.net", false)
        .param("Foo", None)
        .param("Baz", Some("123"))
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:alice@jssip.net;Foo;Baz=123");
    assert_eq!(u.param("baz"), Some(Some(&b"123"[..])));
    let u = UriBuilder::sip(None, "h.example", false)
        .param("a b", Some("c=d;e"))
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:h.example;a%20b=c%3Dd%3Be");
    // The user is taken literally: '%' is escaped too (JsSIP instead decodes `%61lice`), and
    // ':' and '@' are escaped so they cannot start a password or end the userinfo.
    let u = UriBuilder::sip(Some("%61lice"), "jssip.net", false)
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:%2561lice@jssip.net");
    assert_eq!(u.user_decoded().as_deref(), Some(&b"%61lice"[..]));
    let u = UriBuilder::sip(Some("ibc@gmail.com:x"), "aliax.net", false)
        .build()
        .unwrap();
    assert_eq!(u.as_str(), "sip:ibc%40gmail.com%3Ax@aliax.net");
    assert_eq!(
        UriBuilder::sip(None, "[2001:DB8::1]", false)
            .build()
            .unwrap()
            .as_str(),
        "sip:[2001:db8::1]"
    );
    // A host that is not a host fails (JsSIP test-UA: `sip:ibc@iñaki.ðđß`).
    let e = UriBuilder::sip(Some("ibc"), "iñaki.ðđß", false)
        .build()
        .unwrap_err();
    assert_eq!((e.kind, e.offset), (UriErrorKind::Trailing, 9));
    assert_eq!(
        UriBuilder::sip(Some("ibc"), "", false).build().unwrap_err().kind,
        UriErrorKind::Host
    );
}

#[test]
fn display_round_trip() {
    for s in [
        JSSIP,
        "sip:alice:secretword@atlanta.com;transport=tcp",
        "sips:sips%3Auser%40example.com@example.net",
        "sip:user;par=u%40example.net@example.com",
        "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
        "sip:[2001:db8::10:5070]",
        "sip:[2001:db8::10]:5070;lr",
        "tel:7042;phone-context=example.com",
        "soap.beep://192.0.2.103:3002",
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
    ] {
        let u = uri(s);
        let text = u.to_string();
        assert_eq!(text, s);
        assert_eq!(alloc::format!("{u:?}"), alloc::format!("Uri({s:?})"));
        let again = uri(&text);
        assert_eq!(again.as_bytes(), u.as_bytes());
        assert!(again.equivalent(&u));
        assert_eq!(
            (again.user(), again.host(), again.port()),
            (u.user(), u.host(), u.port())
        );
    }
}

#[test]

fn equivalence_is_reflexive_with_repeated_params() {
    // `params_equivalent` looks the other side up with `get` (first occurrence) but compares
    // it with every occurrence on this side, so `a=2` is compared with `a=1`.
    let u = uri("sip:alice@example.com;a=1;a=2");
    assert!(u.equivalent(&u.clone()));
}
