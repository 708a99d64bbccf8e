//! Unit tests of [`parse_message`] on hand-written messages with exact values: framing,
//! line endings, folding, limits, start-line and required-header errors with their offsets,
//! builder and encoder round trips.

use super::*;
use crate::message::{BuildError, HeaderName as H, Method, StatusCode, Version};
use crate::uri::{Uri, UriErrorKind};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use ParseErrorKind as K;

/// Six header lines, no Content-Length, no blank line.
const HEAD: &str = "OPTIONS sip:bob@example.com SIP/2.0\r\n\
    Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n\
    Max-Forwards: 70\r\n\
    To: <sip:bob@example.com>\r\n\
    From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n\
    Call-ID: a84b4c76e66710@pc33.example.com\r\n\
    CSeq: 314159 OPTIONS\r\n";

fn parse(text: &str, framing: Framing) -> Result<Message, ParseError> {
    parse_message(
        Bytes::copy_from_slice(text.as_bytes()),
        framing,
        &Limits::default(),
    )
}

fn parse_with(text: &str, limits: Limits) -> Result<Message, ParseError> {
    parse_message(
        Bytes::copy_from_slice(text.as_bytes()),
        Framing::Datagram,
        &limits,
    )
}

fn req(text: &str, framing: Framing) -> Request {
    match parse(text, framing) {
        Ok(Message::Request(r)) => r,
        other => panic!("not a request: {other:?}"),
    }
}

fn resp(text: &str) -> Response {
    match parse(text, Framing::Datagram) {
        Ok(Message::Response(r)) => r,
        other => panic!("not a response: {other:?}"),
    }
}

fn fail(text: &str, framing: Framing) -> (ParseErrorKind, usize) {
    match parse(text, framing) {
        Ok(m) => panic!("parsed: {m:?}"),
        Err(e) => (e.kind, e.offset),
    }
}

/// Offset of `needle` in `hay` (the first one).
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in message"))
}

fn headers_of(h: &Headers) -> Vec<(String, String)> {
    h.iter()
        .map(|h| {
            (
                String::from_utf8_lossy(h.raw_name).into_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

#[test]
fn request_fields() {
    let r = req(&format!("{HEAD}\r\n"), Framing::Datagram);
    assert_eq!(r.method(), &Method::Options);
    assert_eq!(r.uri().as_str(), "sip:bob@example.com");
    assert_eq!(r.version(), crate::message::Version::SIP_2_0);
    assert_eq!(r.via_branch(), Some(&b"z9hG4bK776asdhds"[..]));
    assert_eq!(r.via_sent_by(), Some(("pc33.example.com", None)));
    assert_eq!(r.via_transport(), Some(&b"UDP"[..]));
    assert_eq!(r.from_tag(), Some(&b"1928301774"[..]));
    assert_eq!(r.to_tag(), None);
    assert_eq!(r.call_id(), Some("a84b4c76e66710@pc33.example.com"));
    assert_eq!(
        r.cseq().map(|c| (c.seq, c.method)),
        Some((314159, &b"OPTIONS"[..]))
    );
    assert_eq!(r.content_length(), None);
    assert_eq!(r.headers().len(), 6);
    assert_eq!(r.headers().get(HeaderName::MaxForwards), Some(&b"70"[..]));
    assert!(r.body().is_empty());
}

#[test]
fn body_framing() {
    // RFC 3261 §18.3, RFC 7118 §5: extra header lines after HEAD, then "\r\nhello". Offsets
    // count from the end of HEAD.
    let h = HEAD.len();
    let (dg, ws, st) = (Framing::Datagram, Framing::WebSocket, Framing::Stream);
    // The body, or the error kind and offset.
    type Want = Result<&'static str, (ParseErrorKind, usize)>;
    let cases: [(&str, Framing, Want); 14] = [
        // No Content-Length on UDP / WS: the body runs to the end.
        ("", dg, Ok("hello")),
        ("", ws, Ok("hello")),
        // With one, extra bytes are ignored (RFC 4475 §3.1.1.8 dblreq).
        ("Content-Length: 3\r\n", dg, Ok("hel")),
        ("l: 3\r\n", ws, Ok("hel")),
        // Fewer bytes than it says (RFC 4475 §3.1.2.2 clerr).
        ("Content-Length: 10\r\n", dg, Err((K::BodyIncomplete, h + 27))),
        ("Content-Length: 10\r\n", ws, Err((K::BodyIncomplete, h + 27))),
        ("Content-Length: 10\r\n", st, Err((K::BodyIncomplete, h + 27))),
        // Streams: mandatory and exact.
        ("", st, Err((K::ContentLengthMissing, h + 2))),
        ("Content-Length: 3\r\n", st, Err((K::TrailingData, h + 24))),
        ("Content-Length: 5\r\n", st, Ok("hello")),
        // Two that agree, leading zeros (RFC 4475 §3.1.1.1); two that disagree (§3.3.9 mcl01).
        ("Content-Length: 5\r\nl: 005\r\n", st, Ok("hello")),
        (
            "Content-Length: 5\r\nl: 3\r\n",
            dg,
            Err((K::ContentLengthConflict, h + 22)),
        ),
        // Negative (RFC 4475 §3.1.2.3 ncl) or not a number.
        ("Content-Length: -999\r\n", dg, Err((K::ContentLength, h + 16))),
        ("Content-Length: 5x\r\n", st, Err((K::ContentLength, h + 16))),
    ];
    for (extra, framing, want) in cases {
        let text = format!("{HEAD}{extra}\r\nhello");
        let got = parse(&text, framing).map(|m| String::from_utf8(m.body().to_vec()).unwrap());
        assert_eq!(
            got.as_deref().map_err(|e| (e.kind, e.offset)),
            want,
            "{extra:?} {framing:?}"
        );
    }
    let r = req(&format!("{HEAD}Content-Length: 5\r\nl: 005\r\n\r\nhello"), st);
    assert_eq!(
        (r.content_length(), r.headers().count(HeaderName::ContentLength)),
        (Some(5), 2)
    );
    assert_eq!(req(&format!("{HEAD}\r\nhello"), dg).content_length(), None);
    assert!(req(&format!("{HEAD}Content-Length: 0\r\n\r\n"), st)
        .body()
        .is_empty());
}

#[test]
fn leading_crlf_and_empty() {
    // RFC 3261 §7.5: CRLFs before the start line are skipped.
    let r = req(&format!("\r\n\r\n\n{HEAD}\r\n"), Framing::Datagram);
    assert_eq!(r.method(), &Method::Options);
    assert_eq!(fail("", Framing::Datagram), (ParseErrorKind::Empty, 0));
    assert_eq!(fail("\r\n\r\n", Framing::Stream), (ParseErrorKind::Empty, 4));
    let text = HEAD.to_string();
    assert_eq!(
        fail(&text, Framing::Datagram),
        (ParseErrorKind::NoEndOfHeaders, text.len())
    );
    assert_eq!(
        fail("OPTIONS sip:a@b.com SIP/2.0", Framing::Datagram),
        (ParseErrorKind::NoEndOfHeaders, 27)
    );
}

#[test]
fn bare_lf_lines() {
    let text = format!("{}\nbody", HEAD.replace("\r\n", "\n"));
    let r = req(&text, Framing::Datagram);
    assert_eq!(r.headers().get(HeaderName::CSeq), Some(&b"314159 OPTIONS"[..]));
    assert_eq!(r.via_branch(), Some(&b"z9hG4bK776asdhds"[..]));
    assert_eq!(r.call_id(), Some("a84b4c76e66710@pc33.example.com"));
    assert_eq!(r.body_bytes(), b"body");
}

#[test]
fn folded_values() {
    // RFC 3261 §7.3.1: a line starting with WSP continues the previous value; the raw value
    // keeps the fold.
    let text = format!(
        "{HEAD}Subject: I know you're there,\r\n      pick up the phone\r\n\
         Contact:\r\n  <sip:alice@pc33.example.com>\r\n ;expires=5\r\nX-Empty:   \r\ns :\r\n\r\n"
    );
    let r = req(&text, Framing::Datagram);
    let subjects: Vec<_> = r.headers().get_all(HeaderName::Subject).collect();
    assert_eq!(
        subjects,
        vec![&b"I know you're there,\r\n      pick up the phone"[..], &b""[..]]
    );
    // The value starts on a continuation line (RFC 4475 §3.1.1.3 esc01).
    assert_eq!(
        r.headers().get(HeaderName::Contact),
        Some(&b"<sip:alice@pc33.example.com>\r\n ;expires=5"[..])
    );
    assert_eq!(r.headers().get_str("x-empty"), Some(&b""[..]));
    // Folds inside the required headers (RFC 4475 §3.1.1.1 wsinv).
    let text = "INVITE sip:vivekg@chair-dnrc.example.com SIP/2.0\r\n\
        Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw\r\n\
        TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n\
        from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n\
        i: 0ha0isndaksdj\r\n\
        cseq: 0009\r\n  INVITE\r\n\
        \r\n";
    let r = req(text, Framing::Datagram);
    assert_eq!(r.via_branch(), Some(&b"390skdjuw"[..]));
    assert_eq!(r.via_sent_by(), Some(("192.0.2.2", None)));
    assert_eq!(r.to_tag(), Some(&b"1918181833n"[..]));
    assert_eq!(r.from_tag(), Some(&b"98asjd8"[..]));
    assert_eq!(r.cseq().map(|c| (c.seq, c.method)), Some((9, &b"INVITE"[..])));
    assert_eq!(r.call_id(), Some("0ha0isndaksdj"));
    // A continuation line with nothing before it is not a header.
    let text = "OPTIONS sip:a@b.com SIP/2.0\r\n x: y\r\n\r\n";
    assert_eq!(fail(text, Framing::Datagram), (ParseErrorKind::HeaderLine, 29));
}

#[test]
fn header_line_errors() {
    // RFC 4475 test.dat: a header line with no colon.
    let text = format!("{HEAD}Foobar roobar\r\n\r\n");
    assert_eq!(
        fail(&text, Framing::Datagram),
        (ParseErrorKind::HeaderLine, at(&text, "roobar"))
    );
    let text = format!("{HEAD}: value\r\n\r\n");
    assert_eq!(
        fail(&text, Framing::Datagram),
        (ParseErrorKind::HeaderLine, HEAD.len())
    );
    // HCOLON = *( SP / HTAB ) ":" SWS: space and tab before the colon are fine.
    let r = req(&format!("{HEAD}X-A \t:  v\r\n\r\n"), Framing::Datagram);
    assert_eq!(r.headers().get_str("X-A"), Some(&b"v"[..]));
}

#[test]
fn limits() {
    let text = format!("{HEAD}Content-Length: 0\r\n\r\n");
    let n = text.len();
    // The start line is 35 bytes, the Via line (the longest) 57; 7 header lines.
    assert_eq!(text.lines().map(str::len).max(), Some(57));
    let lim = |max_message_size, max_headers, max_header_line, max_uri_len| Limits {
        max_message_size,
        max_headers,
        max_header_line,
        max_uri_len,
    };
    let cases = [
        (lim(n, 7, 57, 19), None),
        (lim(n - 1, 7, 57, 19), Some((K::TooLarge, n - 1))),
        // The one Content-Length line does not count toward max_headers (the encoder always
        // writes one), so 6 is enough; with 5 the sixth other header is one too many.
        (lim(n, 6, 57, 19), None),
        (
            lim(n, 5, 57, 19),
            Some((
                K::TooManyHeaders,
                HEAD[..HEAD.len() - 2].rfind("\r\n").unwrap() + 2,
            )),
        ),
        (lim(n, 7, 56, 19), Some((K::LineTooLong, 37))),
        (lim(n, 7, 34, 19), Some((K::LineTooLong, 0))),
        (lim(n, 7, 57, 18), Some((K::UriTooLong, 8))),
    ];
    for (limits, want) in cases {
        assert_eq!(
            parse_with(&text, limits).err().map(|e| (e.kind, e.offset)),
            want,
            "{limits:?}"
        );
    }
}

#[test]
fn request_line_errors() {
    let rest = &HEAD[HEAD.find("\r\n").unwrap()..];
    let with = |line: &str| format!("{line}{rest}\r\n");
    let cases = [
        // RFC 4475 §3.1.2.9 (lwsstart), §3.1.2.10 (trws): single SPs only.
        (
            "OPTIONS  sip:bob@example.com SIP/2.0",
            K::RequestUri(UriErrorKind::Empty),
            8,
        ),
        ("OPTIONS sip:bob@example.com  SIP/2.0", K::Version, 28),
        ("OPTIONS sip:bob@example.com SIP/2.0 ", K::Version, 28),
        ("INVITE sip:alan@jasomi.com", K::Version, 26),
        ("OPTIONS sip:bob@example.com SIP/2", K::Version, 28),
        ("OPTIONS sip:bob@example.com HTTP/1.1", K::Version, 28),
        ("INV@ITE sip:bob@example.com SIP/2.0", K::Method, 3),
        (" OPTIONS sip:bob@example.com SIP/2.0", K::StartLine, 0),
        // RFC 4475 §3.1.2.7 (ltgtruri), §3.1.2.11 (escruri).
        (
            "INVITE <sip:bob@example.com> SIP/2.0",
            K::RequestUri(UriErrorKind::Scheme),
            7,
        ),
        (
            "OPTIONS sip:bob@example.com?Route=x SIP/2.0",
            K::RequestUriHeaders,
            8,
        ),
        (
            "OPTIONS sip:bob@example.com:99999 SIP/2.0",
            K::RequestUri(UriErrorKind::Port),
            28,
        ),
    ];
    for (line, kind, offset) in cases {
        assert_eq!(fail(&with(line), Framing::Datagram), (kind, offset), "{line}");
    }
    let ok = |line: &str| req(&with(line), Framing::Datagram);
    // "SIP" is case-insensitive (RFC 5234 §2.3 ABNF strings); the version is kept as sent.
    assert_eq!(
        ok("OPTIONS sip:bob@example.com sip/2.0").version(),
        Version::SIP_2_0
    );
    assert_eq!(
        ok("OPTIONS sip:bob@example.com SIP/7.0").version(),
        Version { major: 7, minor: 0 }
    );
    // Methods are case-sensitive tokens (RFC 3261 §7.1; RFC 4475 §3.1.1.5 esc02).
    let r = ok("invite sip:bob@example.com SIP/2.0");
    assert_eq!(r.method().as_str(), "invite");
    assert!(matches!(r.method(), Method::Extension(_)));
    assert!(matches!(
        ok("RE%47IST%45R sip:bob@example.com SIP/2.0").method(),
        Method::Extension(_)
    ));
    // RFC 4475 §3.3.2: any scheme in the Request-URI.
    let r = ok("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0");
    assert_eq!(r.uri().scheme(), crate::uri::Scheme::Other);
}

#[test]
fn status_line() {
    let tail = &HEAD[HEAD.find("\r\n").unwrap()..];
    let with = |line: &str| format!("{line}{tail}\r\n");
    let ok = |line: &str| {
        let r = resp(&with(line));
        (
            r.status().as_u16(),
            String::from_utf8(r.reason().to_vec()).unwrap(),
        )
    };
    assert_eq!(ok("SIP/2.0 200 OK"), (200, "OK".into()));
    // RFC 4475 §3.1.1.13 (noreason): empty reason; without the SP it is tolerated.
    assert_eq!(ok("SIP/2.0 100 "), (100, "".into()));
    assert_eq!(ok("SIP/2.0 100"), (100, "".into()));
    assert_eq!(ok("sip/2.0 180 Ringing, really"), (180, "Ringing, really".into()));
    assert_eq!(ok("SIP/2.0 200 Окей = 2**3"), (200, "Окей = 2**3".into()));
    assert_eq!(resp(&with("SIP/2.0 200 OK")).cseq().map(|c| c.seq), Some(314159));
    let cases = [
        // Codes outside 100–699 or not three digits (RFC 3261 §7.2; RFC 4475 §3.1.2.19).
        ("SIP/2.0 99 Low", K::StatusCode, 8),
        ("SIP/2.0 099 Low", K::StatusCode, 8),
        ("SIP/2.0 700 High", K::StatusCode, 8),
        ("SIP/2.0 1000 Big", K::StatusCode, 8),
        ("SIP/2.0 4294967301 Big", K::StatusCode, 8),
        ("SIP/2.0  200 OK", K::StatusCode, 8),
        ("SIP/2.0 200OK", K::StatusCode, 8),
        ("SIP/2.0 2x0 OK", K::StatusCode, 8),
        ("SIP/2.0", K::StartLine, 7),
        ("SIP/2.0 200 O\0K", K::StartLine, 12),
    ];
    for (line, kind, offset) in cases {
        assert_eq!(fail(&with(line), Framing::Datagram), (kind, offset), "{line:?}");
    }
}

#[test]
fn compact_names_and_lookups() {
    let text = "INVITE sip:bob@example.com SIP/2.0\r\n\
        v: SIP/2.0/TCP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com\r\n\
        VIA: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n\
        f: <sip:alice@example.com>;tag=a\r\n\
        t: sip:bob@example.com\r\n\
        i: abc@def\r\n\
        CSeq: 1 INVITE\r\n\
        m: <sip:alice@a.example.com>, \"x, y\" <sip:z@example.com;p=1,2>\r\n\
        k: timer, 100rel\r\n\
        Supported: path\r\n\
        x-Foo: bar\r\n\
        X-FOO: baz\r\n\
        l: 0\r\n\r\n";
    let r = req(text, Framing::Stream);
    let h = r.headers();
    assert_eq!(h.count(HeaderName::Via), 2);
    assert_eq!(
        h.get(HeaderName::Via),
        Some(&b"SIP/2.0/TCP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com"[..])
    );
    assert_eq!(
        h.iter().next().map(|f| (f.name, f.raw_name)),
        Some((HeaderName::Via, &b"v"[..]))
    );
    assert_eq!(r.via_branch(), Some(&b"z9hG4bK1"[..]));
    assert_eq!(r.via_transport(), Some(&b"TCP"[..]));
    assert_eq!(h.list(HeaderName::Via).count(), 3);
    assert_eq!(
        h.via().filter_map(Result::ok).map(|v| v.host).collect::<Vec<_>>(),
        vec![&b"a.example.com"[..], b"b.example.com", b"c.example.com"]
    );
    // Long and compact names find each other, in any case.
    assert_eq!(h.get_str("Call-ID"), Some(&b"abc@def"[..]));
    assert_eq!(h.get_str("i"), Some(&b"abc@def"[..]));
    assert_eq!(h.get_str("FROM"), Some(&b"<sip:alice@example.com>;tag=a"[..]));
    assert_eq!(h.get_str("t"), Some(&b"sip:bob@example.com"[..]));
    assert_eq!(h.get_str("Content-Length"), Some(&b"0"[..]));
    assert_eq!(
        h.get_all_str("x-foo").collect::<Vec<_>>(),
        vec![&b"bar"[..], b"baz"]
    );
    assert_eq!(h.get_str("X-Nope"), None);
    // Comma lists split outside quotes and <>, across lines (RFC 3261 §7.3.1).
    assert_eq!(
        h.list(HeaderName::Supported).collect::<Vec<_>>(),
        vec![&b"timer"[..], b"100rel", b"path"]
    );
    assert_eq!(
        h.list(HeaderName::Contact).collect::<Vec<_>>(),
        vec![
            &b"<sip:alice@a.example.com>"[..],
            b"\"x, y\" <sip:z@example.com;p=1,2>"
        ]
    );
    assert_eq!((r.from_tag(), r.to_tag()), (Some(&b"a"[..]), None));
}

#[test]
fn required_header_errors() {
    // Each malformed required header is `Header(name)` at the byte offset of the problem:
    // (replace this, with that, error kind, the offset is where `needle` is + `delta`).
    let cases = [
        (
            "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds",
            "Via: SIP/2.0/UDP",
            H::Via,
            "SIP/2.0/UDP",
            11,
        ),
        // RFC 4475 §3.1.2.1 (badinv01): `;;` and `,,` in Via.
        (";branch=", ";;branch=", H::Via, ";;", 1),
        (
            "z9hG4bK776asdhds",
            "z9hG4bK776asdhds,,SIP/2.0/UDP b",
            H::Via,
            ",,",
            1,
        ),
        (
            "<sip:bob@example.com>",
            "<sip:bob@example.com",
            H::To,
            "<sip:bob@example.com\r\n",
            20,
        ),
        (
            "To: <sip:bob@example.com>",
            "To: sip:bob@example.com junk",
            H::To,
            " junk",
            0,
        ),
        // RFC 4475 §3.1.2.6 (quotbal): unterminated display name.
        (
            "\"Alice\" <sip:alice",
            "\"Alice <sip:alice",
            H::From,
            "\"Alice",
            0,
        ),
        (
            "a84b4c76e66710@pc33.example.com",
            "a84b 4c76",
            H::CallId,
            "a84b",
            0,
        ),
        ("a84b4c76e66710@pc33.example.com", "a@b@c", H::CallId, "a@b@c", 0),
        ("314159 OPTIONS", "x OPTIONS", H::CSeq, "x OPTIONS", 0),
        // RFC 4475 §3.1.2.4 (scalar02): CSeq above 2^32 - 1.
        (
            "314159 OPTIONS",
            "36893488147419103232 OPTIONS",
            H::CSeq,
            "3689",
            0,
        ),
        ("314159 OPTIONS", "314159", H::CSeq, "314159", 6),
    ];
    for (from, to, header, needle, delta) in cases {
        let text = format!("{}\r\n", HEAD.replace(from, to));
        assert_eq!(
            fail(&text, Framing::Datagram),
            (K::Header(header), at(&text, needle) + delta),
            "{to}"
        );
    }
    // Absent required headers are not a parse error (RFC 4475 §3.3.1 insuf): the UAS decides.
    let r = req("OPTIONS sip:a@b.com SIP/2.0\r\nl: 0\r\n\r\n", Framing::Stream);
    assert_eq!(
        (r.via_branch(), r.from_tag(), r.call_id(), r.cseq()),
        (None, None, None, None)
    );
    // Errors name the header.
    let e = parse(&format!("{}\r\n", HEAD.replace("314159", "x")), Framing::Datagram).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("malformed CSeq header at byte {}", e.offset)
    );
}

fn encode(m: impl Into<Message>) -> Bytes {
    m.into().to_bytes()
}

#[test]
fn builder_round_trip() {
    let uri = Uri::parse_str("sip:bob@biloxi.com").unwrap();
    let built = Request::builder(Method::Invite, uri)
        .header(
            HeaderName::Via,
            "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
        )
        .header(HeaderName::Via, "SIP/2.0/TCP proxy.atlanta.com;branch=z9hG4bK2")
        .header(HeaderName::MaxForwards, "70")
        .header(HeaderName::To, "Bob <sip:bob@biloxi.com>")
        .header(HeaderName::From, "Alice <sip:alice@atlanta.com>;tag=1928301774")
        .header(HeaderName::CallId, "a84b4c76e66710@pc33.atlanta.com")
        .header(HeaderName::CSeq, "314159 INVITE")
        .header(HeaderName::ContentLength, "99")
        .header_raw("X-Weird", "a;;,,b")
        .header(HeaderName::ContentType, "application/sdp")
        .body(Bytes::from_static(b"v=0\r\n"))
        .build()
        .unwrap();
    let wire = encode(built.clone());
    let expected = "INVITE sip:bob@biloxi.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n\
        Via: SIP/2.0/TCP proxy.atlanta.com;branch=z9hG4bK2\r\n\
        Max-Forwards: 70\r\n\
        To: Bob <sip:bob@biloxi.com>\r\n\
        From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n\
        Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n\
        CSeq: 314159 INVITE\r\n\
        X-Weird: a;;,,b\r\n\
        Content-Type: application/sdp\r\n\
        Content-Length: 5\r\n\r\nv=0\r\n";
    assert_eq!(String::from_utf8_lossy(&wire), expected);
    assert_eq!(&wire[..], &built.buffer()[..]);
    for framing in [Framing::Stream, Framing::Datagram, Framing::WebSocket] {
        let back = req(expected, framing);
        assert_eq!(back.method(), built.method());
        assert_eq!(back.uri().as_str(), built.uri().as_str());
        assert_eq!(headers_of(back.headers()), headers_of(built.headers()));
        assert_eq!(back.body_bytes(), b"v=0\r\n");
        assert_eq!(back.via_branch(), Some(&b"z9hG4bK776asdhds"[..]));
        assert_eq!(back.cseq().map(|c| c.seq), Some(314159));
    }

    // The echo of a request: Vias, From, To (+ tag), Call-ID, CSeq (RFC 3261 §8.2.6.2).
    let r = Response::builder(StatusCode::RINGING)
        .echo(&built)
        .to_tag("abc")
        .build()
        .unwrap();
    let wire = encode(r.clone());
    assert_eq!(
        String::from_utf8_lossy(&wire),
        "SIP/2.0 180 Ringing\r\n\
         Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n\
         Via: SIP/2.0/TCP proxy.atlanta.com;branch=z9hG4bK2\r\n\
         To: Bob <sip:bob@biloxi.com>;tag=abc\r\n\
         From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n\
         Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n\
         CSeq: 314159 INVITE\r\n\
         Content-Length: 0\r\n\r\n"
    );
    assert_eq!(
        (r.to_tag(), r.from_tag(), r.call_id()),
        (Some(&b"abc"[..]), Some(&b"1928301774"[..]), built.call_id())
    );
    // A To that already has a tag keeps it; echo writes long names for compact input.
    let compact = req("BYE sip:a@b.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bKx\r\nt: <sip:a@b.com>;tag=old\r\nf: <sip:c@d.com>;tag=f\r\ni: x\r\nCSeq: 2 BYE\r\n\r\n", Framing::Datagram);
    let r = Response::builder(StatusCode::OK)
        .echo(&compact)
        .to_tag("new")
        .reason("Fine")
        .build()
        .unwrap();
    assert_eq!(r.to_tag(), Some(&b"old"[..]));
    assert_eq!(r.reason(), b"Fine");
    assert_eq!(
        r.headers().iter().map(|h| h.raw_name).collect::<Vec<_>>(),
        vec![
            &b"Via"[..],
            b"To",
            b"From",
            b"Call-ID",
            b"CSeq",
            b"Content-Length"
        ]
    );
}

#[test]
fn builder_errors() {
    let uri = || Uri::parse_str("sip:bob@biloxi.com").unwrap();
    // Header injection (RFC 3261 §7.3: a value cannot hold a bare CR or LF).
    let e = Request::builder(Method::Options, uri())
        .header_raw("X-A", "x\r\nVia: evil")
        .build()
        .unwrap_err();
    assert_eq!(e, BuildError::HeaderValue);
    let e = Request::builder(Method::Options, uri())
        .header(HeaderName::Subject, "a\nb")
        .build()
        .unwrap_err();
    assert_eq!(e, BuildError::HeaderValue);
    assert_eq!(
        Request::builder(Method::Options, uri())
            .header_raw("X A", "v")
            .build()
            .unwrap_err(),
        BuildError::HeaderName
    );
    assert_eq!(
        Request::builder(Method::Options, uri())
            .header_raw("", "v")
            .build()
            .unwrap_err(),
        BuildError::HeaderName
    );
    assert_eq!(
        Response::builder(StatusCode::OK)
            .reason("OK\r\nVia: x")
            .build()
            .unwrap_err(),
        BuildError::Reason
    );
    // A malformed required header makes the built text unparseable.
    match Request::builder(Method::Options, uri())
        .header(HeaderName::Via, "SIP/2.0/UDP")
        .build()
    {
        Err(BuildError::Parse(e)) => assert_eq!(e.kind, ParseErrorKind::Header(HeaderName::Via)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn encoder_output() {
    // Exactly one Content-Length, in the first one's place, with the true length; unknown
    // headers and folds byte-for-byte; leading CRLFs and trailing WSP not kept.
    let text = "\r\nMESSAGE sip:bob@example.com sip/2.0\r\n\
        Content-Length: 5\r\n\
        X-Weird :  a;;,,b\r\n\
        Subject: one,\r\n two  \r\n\
        l: 5\r\n\r\nhello";
    let r = req(text, Framing::Stream);
    let wire = encode(r);
    assert_eq!(
        String::from_utf8_lossy(&wire),
        "MESSAGE sip:bob@example.com SIP/2.0\r\n\
         Content-Length: 5\r\n\
         X-Weird :  a;;,,b\r\n\
         Subject: one,\r\n two\r\n\
         \r\nhello"
    );
    // A datagram body cut by Content-Length is encoded with that length.
    let r = req(
        &format!("{HEAD}Content-Length: 3\r\n\r\nhello"),
        Framing::Datagram,
    );
    let wire = encode(r);
    assert!(wire.ends_with(b"\r\nContent-Length: 3\r\n\r\nhel"));
    assert!(req(core::str::from_utf8(&wire).unwrap(), Framing::Stream).body_bytes() == b"hel");
    // A response keeps its (empty) reason.
    let r = resp(&format!(
        "SIP/2.0 100 {}\r\n",
        &HEAD[HEAD.find("\r\n").unwrap()..]
    ));
    assert!(encode(r).starts_with(b"SIP/2.0 100 \r\nVia: "));
}

mod framer_tests {
    use super::super::framer::Frame;
    use super::*;

    fn msg(body: &str) -> String {
        format!("{HEAD}Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn drain(f: &mut StreamFramer) -> Result<Vec<Frame>, FrameError> {
        let mut out = Vec::new();
        while let Some(fr) = f.next_frame()? {
            out.push(fr);
        }
        Ok(out)
    }

    #[test]
    fn split_at_every_position() {
        let one = msg("hello");
        let two = msg("");
        let stream = format!("{one}{two}");
        for k in 0..=stream.len() {
            let mut f = StreamFramer::new(Limits::default());
            f.push(&stream.as_bytes()[..k]);
            let mut frames = drain(&mut f).unwrap();
            f.push(&stream.as_bytes()[k..]);
            frames.extend(drain(&mut f).unwrap());
            assert_eq!(
                frames,
                vec![
                    Frame::Message(Bytes::from(one.clone())),
                    Frame::Message(Bytes::from(two.clone()))
                ],
                "split at {k}"
            );
            assert_eq!(f.buffered(), 0);
        }
        // What the framer cuts parses as a stream message.
        let mut f = StreamFramer::new(Limits::default());
        f.push(stream.as_bytes());
        let m = f.next_message().unwrap().unwrap();
        let r = parse_message(m, Framing::Stream, &Limits::default()).unwrap();
        assert_eq!(r.body(), Bytes::from_static(b"hello"));
    }

    #[test]
    fn keep_alives() {
        // RFC 5626 §3.5.1: CRLF CRLF is a ping, a single CRLF a pong.
        let mut f = StreamFramer::new(Limits::default());
        f.push(b"\r\n\r\n");
        assert_eq!(drain(&mut f), Ok(vec![Frame::Ping]));
        f.push(b"\r\n");
        assert_eq!(drain(&mut f), Ok(vec![Frame::Pong]));
        f.push(b"\r\n\r");
        assert_eq!(drain(&mut f), Ok(vec![]));
        f.push(b"\n");
        assert_eq!(drain(&mut f), Ok(vec![Frame::Ping]));
        let m = msg("");
        f.push(format!("\r\n\r\n{m}\r\n").as_bytes());
        assert_eq!(
            drain(&mut f),
            Ok(vec![
                Frame::Ping,
                Frame::Message(Bytes::from(m.clone())),
                Frame::Pong
            ])
        );
        // next_message skips them.
        f.push(format!("\r\n\r\n\r\n{m}").as_bytes());
        assert_eq!(f.next_message(), Ok(Some(Bytes::from(m))));
        assert_eq!(f.next_message(), Ok(None));
        // A message whose headers end in bare LFs.
        f.push(b"OPTIONS sip:a@b.com SIP/2.0\nl: 2\n\nhi");
        assert_eq!(
            f.next_message(),
            Ok(Some(Bytes::from_static(
                b"OPTIONS sip:a@b.com SIP/2.0\nl: 2\n\nhi"
            )))
        );
    }

    fn fails_for_good(text: &str, limits: Limits, want: FrameError) {
        let mut f = StreamFramer::new(limits);
        f.push(text.as_bytes());
        assert_eq!(f.next_frame(), Err(want));
        // After an error the framer stays failed, whatever comes next (RFC 4475 §3.1.2.3).
        assert_eq!(f.next_frame(), Err(want));
        f.push(msg("").as_bytes());
        assert_eq!(f.next_message(), Err(want));
    }

    #[test]
    fn errors() {
        let d = Limits::default();
        fails_for_good(&format!("{HEAD}\r\n"), d, FrameError::ContentLengthMissing);
        fails_for_good(
            &format!("{HEAD}Content-Length: -999\r\n\r\n"),
            d,
            FrameError::ContentLength,
        );
        fails_for_good(
            &format!("{HEAD}Content-Length: 5\r\nl: 3\r\n\r\nhello"),
            d,
            FrameError::ContentLengthConflict,
        );
        let small = Limits {
            max_message_size: 300,
            ..d
        };
        fails_for_good(
            &format!("{HEAD}Content-Length: 1000\r\n\r\n"),
            small,
            FrameError::TooLarge,
        );
        fails_for_good(
            &format!("{HEAD}Content-Length: 99999999999999999999999\r\n\r\n"),
            d,
            FrameError::ContentLength,
        );
        // Headers that never end, past the size limit.
        fails_for_good(
            &format!("{HEAD}X: {}", "a".repeat(400)),
            small,
            FrameError::TooLarge,
        );
        // At the limit exactly is fine.
        let m = msg("hello");
        let mut f = StreamFramer::new(Limits {
            max_message_size: m.len(),
            ..d
        });
        f.push(m.as_bytes());
        assert_eq!(f.next_message(), Ok(Some(Bytes::from(m))));
    }
}

#[test]

fn encoding_stays_within_the_header_limit() {
    // A datagram with `max_headers` lines and no Content-Length parses; its encoding adds a
    // Content-Length line, and must still parse under the same limits (the fuzz round trip).
    let d = Limits::default();
    let mut text = String::from(HEAD);
    for i in 0..d.max_headers - 6 {
        text.push_str(&format!("X-{i}: v\r\n"));
    }
    text.push_str("\r\n");
    let m = parse(&text, Framing::Datagram).unwrap();
    assert_eq!(m.headers().len(), d.max_headers);
    let back = parse_message(m.to_bytes(), Framing::Datagram, &d).map(|m| m.headers().len());
    assert_eq!(back, Ok(d.max_headers + 1));
}
