//! Property tests of the message layer.
//!
//! (a) Generated requests and responses survive build → encode → parse under every framing
//! with the same meaning; (b) arbitrary bytes never make `parse_message`, `Uri::parse` or the
//! `StreamFramer` panic, and whatever parses re-parses after encoding; (c) the same holds for
//! corpus messages with random byte flips, insertions, deletions and truncations.
//!
//! 256 cases per property by default; `PROPTEST_CASES=N` overrides it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::sync::OnceLock;

use bytes::Bytes;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use sansip_core::message::{HeaderName, Headers, Message, Method, Request, Response, StatusCode};
use sansip_core::parse::{parse_message, Framing, Limits, StreamFramer};
use sansip_core::uri::{Uri, UriBuilder};

const FRAMINGS: [Framing; 3] = [Framing::Datagram, Framing::WebSocket, Framing::Stream];

fn config() -> ProptestConfig {
    // `ProptestConfig::default()` reads PROPTEST_CASES (256 when unset). No regression files:
    // a failure prints the minimal input instead.
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const METHODS: &[&str] = &[
    "INVITE",
    "ACK",
    "BYE",
    "CANCEL",
    "REGISTER",
    "OPTIONS",
    "PRACK",
    "SUBSCRIBE",
    "NOTIFY",
    "PUBLISH",
    "INFO",
    "REFER",
    "MESSAGE",
    "UPDATE",
];

/// `token` (RFC 3261 §25.1).
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9.!%*_+`'~-]{1,12}"
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![select(METHODS).prop_map(String::from), token()]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            vec("[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", 0..3),
            "[a-zA-Z]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?"
        )
            .prop_map(|(labels, top)| labels.into_iter().chain([top]).collect::<Vec<_>>().join(".")),
        any::<[u8; 4]>().prop_map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        any::<[u16; 8]>().prop_map(|g| {
            let g: Vec<String> = g.iter().map(|x| format!("{x:x}")).collect();
            format!("[{}]", g.join(":"))
        }),
        any::<(u16, u16)>().prop_map(|(a, b)| format!("[2001:DB8::{a:x}:{b:X}]")),
    ]
}

/// A SIP URI built with `UriBuilder` (so the user and params get escaped), with distinct
/// parameter names.
fn sip_uri() -> impl Strategy<Value = Uri> {
    (
        option::of("\\PC{1,10}"),
        host(),
        option::of(any::<u16>()),
        vec(("[a-zA-Z][a-zA-Z0-9-]{0,6}", option::of("\\PC{1,8}")), 0..4),
        any::<bool>(),
    )
        .prop_map(|(user, host, port, params, secure)| {
            let mut b = UriBuilder::sip(user.as_deref(), &host, secure);
            if let Some(p) = port {
                b = b.port(p);
            }
            let mut seen: Vec<String> = Vec::new();
            for (name, value) in &params {
                if !seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                    seen.push(name.clone());
                    b = b.param(name, value.as_deref());
                }
            }
            b.build()
                .unwrap_or_else(|e| panic!("UriBuilder({user:?}, {host:?}, {params:?}): {e}"))
        })
}

/// `gen-value` / header parameter text: `;name` or `;name=token` or `;name="quoted"`.
fn header_params() -> impl Strategy<Value = String> {
    vec((token(), option::of(prop_oneof![token(), quoted()])), 0..3).prop_map(|ps| {
        ps.into_iter()
            .map(|(n, v)| match v {
                Some(v) => format!(";{n}={v}"),
                None => format!(";{n}"),
            })
            .collect()
    })
}

/// A quoted-string with quoted-pairs for `"` and `\` (RFC 3261 §25.1).
fn quoted() -> impl Strategy<Value = String> {
    "\\PC{0,10}".prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
}

fn name_addr() -> impl Strategy<Value = (String, Option<String>)> {
    (
        option::of(prop_oneof![
            quoted(),
            vec(token(), 1..3).prop_map(|w| w.join(" "))
        ]),
        sip_uri(),
        option::of(token()),
        header_params(),
    )
        .prop_filter("no second tag in the params", |(_, _, _, p)| {
            !p.to_ascii_lowercase().contains(";tag")
        })
        .prop_map(|(display, uri, tag, params)| {
            let mut v = match display {
                Some(d) => format!("{d} <{uri}>"),
                None => format!("<{uri}>"),
            };
            if let Some(t) = &tag {
                v.push_str(&format!(";tag={t}"));
            }
            v.push_str(&params);
            (v, tag)
        })
}

/// A header line to add: (raw name, value), and what it means for the essentials.
#[derive(Clone, Debug)]
struct Line {
    name: String,
    value: String,
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Via(String),
    From(Option<String>),
    To(Option<String>),
    CallId,
    CSeq(u32),
    Other,
}

fn via() -> impl Strategy<Value = Line> {
    (
        select(&["Via", "v", "VIA", "via"][..]),
        prop_oneof![
            select(&["UDP", "TCP", "TLS", "WS", "WSS", "SCTP"][..]).prop_map(String::from),
            token()
        ],
        host(),
        option::of(any::<u16>()),
        "[A-Za-z0-9.!%*_+`'~-]{0,12}",
        header_params(),
    )
        .prop_filter("one branch", |t| !t.5.to_ascii_lowercase().contains(";branch"))
        .prop_map(|(name, transport, host, port, branch, params)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let branch = format!("z9hG4bK{branch}");
            Line {
                name: name.into(),
                value: format!("SIP/2.0/{transport} {host}{port};branch={branch}{params}"),
                kind: Kind::Via(branch),
            }
        })
}

fn header_lines(method: String) -> impl Strategy<Value = Vec<Line>> {
    let from = (select(&["From", "f", "FROM"][..]), name_addr()).prop_map(|(n, (v, tag))| Line {
        name: n.into(),
        value: v,
        kind: Kind::From(tag),
    });
    let to = (select(&["To", "t", "tO"][..]), name_addr()).prop_map(|(n, (v, tag))| Line {
        name: n.into(),
        value: v,
        kind: Kind::To(tag),
    });
    let call_id = (
        select(&["Call-ID", "i", "call-id"][..]),
        r#"[a-zA-Z0-9.!%*_+`'~()<>:\\"/\[\]?{}-]{1,16}(@[a-zA-Z0-9.!%*_+`'~-]{1,10})?"#,
    )
        .prop_map(|(n, v)| Line {
            name: n.into(),
            value: v,
            kind: Kind::CallId,
        });
    let cseq = (select(&["CSeq", "cseq"][..]), any::<u32>()).prop_map(move |(n, s)| Line {
        name: n.into(),
        value: format!("{s} {method}"),
        kind: Kind::CSeq(s),
    });
    let max_forwards = (0u8..=255).prop_map(|n| Line {
        name: "Max-Forwards".into(),
        value: n.to_string(),
        kind: Kind::Other,
    });
    let extension = (
        "X-[A-Za-z0-9-]{1,10}",
        prop_oneof![
            vec(token(), 1..4).prop_map(|t| t.join(", ")),
            quoted(),
            "[!-~ñ€→]([ \t!-~ñ€→]{0,20}[!-~ñ€→])?",
            Just(String::new()),
            Just(";;,,;;,;".to_string()),
        ],
    )
        .prop_map(|(n, v)| Line {
            name: n,
            value: v,
            kind: Kind::Other,
        });
    (
        vec(via(), 0..3),
        option::of(from),
        option::of(to),
        option::of(call_id),
        option::of(cseq),
        option::of(max_forwards),
        vec(extension, 0..4),
    )
        .prop_flat_map(|(vias, from, to, call_id, cseq, mf, ext)| {
            let mut lines = vias;
            lines.extend(
                from.into_iter()
                    .chain(to)
                    .chain(call_id)
                    .chain(cseq)
                    .chain(mf)
                    .chain(ext),
            );
            Just(lines).prop_shuffle()
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..64)
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

fn header_list(h: &Headers) -> Vec<(Vec<u8>, Vec<u8>)> {
    h.iter()
        .map(|f| (f.raw_name.to_vec(), f.value.to_vec()))
        .collect()
}

/// The headers the builder must produce: the lines in order, then the one Content-Length.
fn expected_headers(lines: &[Line], body_len: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
    lines
        .iter()
        .map(|l| (l.name.clone().into_bytes(), l.value.clone().into_bytes()))
        .chain([(b"Content-Length".to_vec(), body_len.to_string().into_bytes())])
        .collect()
}

/// What the essentials must say for these lines.
struct Essentials {
    via_branch: Option<Vec<u8>>,
    from_tag: Option<Vec<u8>>,
    to_tag: Option<Vec<u8>>,
    call_id: Option<String>,
    cseq: Option<u32>,
}

fn essentials(lines: &[Line]) -> Essentials {
    let find = |f: &dyn Fn(&Kind) -> bool| lines.iter().find(|l| f(&l.kind));
    let tag = |k: &Kind| match k {
        Kind::From(t) | Kind::To(t) => t.clone().map(String::into_bytes),
        _ => None,
    };
    Essentials {
        via_branch: find(&|k| matches!(k, Kind::Via(_))).map(|l| match &l.kind {
            Kind::Via(b) => b.clone().into_bytes(),
            _ => unreachable!(),
        }),
        from_tag: find(&|k| matches!(k, Kind::From(_))).and_then(|l| tag(&l.kind)),
        to_tag: find(&|k| matches!(k, Kind::To(_))).and_then(|l| tag(&l.kind)),
        call_id: find(&|k| *k == Kind::CallId).map(|l| l.value.clone()),
        cseq: find(&|k| matches!(k, Kind::CSeq(_))).map(|l| match l.kind {
            Kind::CSeq(s) => s,
            _ => unreachable!(),
        }),
    }
}

macro_rules! check_common {
    ($m:expr, $lines:expr, $body:expr) => {{
        let m = $m;
        let e = essentials($lines);
        prop_assert_eq!(header_list(m.headers()), expected_headers($lines, $body.len()));
        prop_assert_eq!(m.body_bytes(), &$body[..]);
        prop_assert_eq!(m.via_branch().map(<[u8]>::to_vec), e.via_branch);
        prop_assert_eq!(m.from_tag().map(<[u8]>::to_vec), e.from_tag);
        prop_assert_eq!(m.to_tag().map(<[u8]>::to_vec), e.to_tag);
        prop_assert_eq!(m.call_id().map(String::from), e.call_id);
        prop_assert_eq!(m.cseq().map(|c| c.seq), e.cseq);
        prop_assert_eq!(m.content_length(), Some($body.len() as u32));
    }};
}

/// `parse_message` under every framing: no panic, and an accepted message encodes to bytes
/// that parse again with the same headers and body (the fuzz round trip).
fn message_round_trip(data: &[u8]) -> Result<(), TestCaseError> {
    let limits = Limits::default();
    for framing in FRAMINGS {
        let Ok(m) = parse_message(Bytes::copy_from_slice(data), framing, &limits) else {
            continue;
        };
        let wire = m.to_bytes();
        let again = parse_message(wire.clone(), framing, &limits);
        prop_assert!(
            again.is_ok(),
            "{framing:?}: {again:?}\ninput:   {data:?}\nencoded: {wire:?}"
        );
        let again = again.unwrap();
        // Same headers but for Content-Length, of which there is now exactly one.
        let non_cl = |h: &Headers| -> Vec<(Vec<u8>, Vec<u8>)> {
            h.iter()
                .filter(|f| f.name != HeaderName::ContentLength)
                .map(|f| (f.raw_name.to_vec(), f.value.to_vec()))
                .collect()
        };
        prop_assert_eq!(non_cl(again.headers()), non_cl(m.headers()));
        prop_assert_eq!(again.headers().count(HeaderName::ContentLength), 1);
        prop_assert_eq!(again.body(), m.body());
        prop_assert_eq!(again.call_id(), m.call_id());
        prop_assert_eq!(again.cseq(), m.cseq());
        // Encoding is idempotent.
        prop_assert_eq!(again.to_bytes(), wire);
    }
    Ok(())
}

/// `Uri::parse`: no panic; an accepted URI displays as its exact text and parses again.
fn uri_round_trip(data: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(u) = Uri::parse(Bytes::copy_from_slice(data)) {
        let text = u.to_string();
        prop_assert_eq!(text.as_bytes(), data);
        let again = Uri::parse_str(&text);
        prop_assert!(again.is_ok(), "{text:?}: {again:?}");
    }
    Ok(())
}

/// Pushes each chunk and drains the framer after each push. `None` if it reported an error
/// (checking that it then stays failed), else every message.
fn frame<'a>(chunks: impl Iterator<Item = &'a [u8]>) -> Result<Option<Vec<Bytes>>, TestCaseError> {
    let mut f = StreamFramer::new(Limits::default());
    let (mut pushed, mut yielded, mut out) = (0usize, 0usize, Vec::new());
    for c in chunks {
        f.push(c);
        pushed += c.len();
        loop {
            match f.next_message() {
                Ok(Some(m)) => {
                    yielded += m.len();
                    out.push(m);
                    prop_assert!(yielded <= pushed && out.len() <= pushed);
                }
                Ok(None) => break,
                Err(e) => {
                    // Failed for good: the framing is lost (RFC 4475 §3.1.2.3).
                    prop_assert_eq!(f.next_message(), Err(e));
                    return Ok(None);
                }
            }
        }
    }
    Ok(Some(out))
}

/// The framer fed in chunks of the given sizes (cycled): no panic, no bytes out of thin air,
/// and (when neither run fails) the same messages as when the stream is pushed whole.
fn framer_chunks(stream: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
    let mut rest = stream;
    let mut sz = sizes.iter().cycle();
    let chunked = std::iter::from_fn(|| {
        if rest.is_empty() {
            return None;
        }
        let n = sz.next().copied().unwrap_or(rest.len()).clamp(1, rest.len());
        let (c, r) = rest.split_at(n);
        rest = r;
        Some(c)
    });
    let a = frame(chunked)?;
    let b = frame(std::iter::once(stream))?;
    if let (Some(a), Some(b)) = (a, b) {
        prop_assert_eq!(a, b);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (a) generated messages round-trip
// ---------------------------------------------------------------------------------------------

fn request() -> impl Strategy<Value = (String, Uri, Vec<Line>, Vec<u8>)> {
    (method(), sip_uri()).prop_flat_map(|(m, u)| (Just(m.clone()), Just(u), header_lines(m), body()))
}

fn response() -> impl Strategy<Value = (u16, Option<String>, Vec<Line>, Vec<u8>)> {
    (100u16..700, option::of("[ -~ñ€]{0,20}"), method())
        .prop_flat_map(|(c, r, m)| (Just(c), Just(r), header_lines(m), body()))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_requests_round_trip((method, uri, lines, body) in request()) {
        let m = Method::from_token(&Bytes::from(method.clone()), 0, method.len());
        let mut b = Request::builder(m, uri.clone());
        for l in &lines {
            b = b.header_raw(&l.name, &l.value);
        }
        let built = b.body(body.clone()).build();
        prop_assert!(built.is_ok(), "{:?}", built);
        let built = built.unwrap();
        let wire = Message::from(built.clone()).to_bytes();
        prop_assert_eq!(&wire, built.buffer());
        for framing in FRAMINGS {
            let parsed = parse_message(wire.clone(), framing, &Limits::default());
            prop_assert!(parsed.is_ok(), "{:?}: {:?}\n{:?}", framing, parsed, wire);
            let Ok(Message::Request(r)) = parsed else { panic!("not a request") };
            prop_assert_eq!(r.method().as_str(), method.as_str());
            prop_assert_eq!(r.uri().as_bytes(), uri.as_bytes());
            prop_assert!(r.uri().equivalent(&uri) && uri.equivalent(r.uri()));
            prop_assert_eq!(r.uri().user_decoded(), uri.user_decoded());
            prop_assert_eq!(r.uri().host(), uri.host());
            prop_assert_eq!(r.uri().port(), uri.port());
            check_common!(&r, &lines, body);
            prop_assert_eq!(Message::from(r).to_bytes(), wire.clone());
        }
    }

    #[test]
    fn generated_responses_round_trip((code, reason, lines, body) in response()) {
        let status = StatusCode::new(code).unwrap();
        let mut b = Response::builder(status);
        if let Some(r) = &reason {
            b = b.reason(r);
        }
        for l in &lines {
            b = b.header_raw(&l.name, &l.value);
        }
        let built = b.body(body.clone()).build();
        prop_assert!(built.is_ok(), "{:?}", built);
        let wire = Message::from(built.unwrap()).to_bytes();
        let want_reason = reason.clone().unwrap_or_else(|| status.canonical_reason().to_string());
        for framing in FRAMINGS {
            let parsed = parse_message(wire.clone(), framing, &Limits::default());
            prop_assert!(parsed.is_ok(), "{:?}: {:?}\n{:?}", framing, parsed, wire);
            let Ok(Message::Response(r)) = parsed else { panic!("not a response") };
            prop_assert_eq!(r.status(), status);
            prop_assert_eq!(r.reason(), want_reason.as_bytes());
            check_common!(&r, &lines, body);
            prop_assert_eq!(Message::from(r).to_bytes(), wire.clone());
        }
    }

    #[test]
    fn built_uris_round_trip(uri in sip_uri()) {
        let again = Uri::parse_str(&uri.to_string()).unwrap();
        prop_assert_eq!(again.as_bytes(), uri.as_bytes());
        prop_assert!(again.equivalent(&uri));
    }
}

// ---------------------------------------------------------------------------------------------
// (b) arbitrary bytes never panic
// ---------------------------------------------------------------------------------------------

/// Bytes that matter to the SIP grammar, so random input gets past the first check.
const ALPHABET: &[u8] =
    b"SIP/2.0 sip:@;=,?&%<>\"\\[]:\r\n\t abcxyz0123456789-.!~*'()+Via:From:To:Call-ID:CSeq:l:v:";

fn sip_like() -> impl Strategy<Value = Vec<u8>> {
    let start = prop_oneof![
        3 => (method(), sip_uri()).prop_map(|(m, u)| format!("{m} {u} SIP/2.0")),
        2 => (100u16..700, "[ -~]{0,12}").prop_map(|(c, r)| format!("SIP/2.0 {c} {r}")),
        1 => "[A-Z]{1,8} (sip|sips|tel|urn):[a-z0-9@.:;=%?&\\[\\]-]{1,24} (SIP|sip)/2\\.0",
        1 => "SIP/2\\.0 [0-9]{1,4}( [ -~]{0,12})?",
    ];
    let junk_name = select(
        &[
            "Via",
            "v",
            "From",
            "f",
            "To",
            "t",
            "Call-ID",
            "i",
            "CSeq",
            "Content-Length",
            "l",
            "X-A",
            " ",
            "",
        ][..],
    );
    let junk = (any::<prop::sample::Index>(), junk_name, "[ -~\t]{0,40}");
    let colon = prop_oneof![12 => Just(": "), 2 => Just(" :\t"), 2 => Just(":"), 1 => Just("")];
    let eol = prop_oneof![20 => Just("\r\n"), 5 => Just("\n"), 1 => Just("\r\n "), 1 => Just("\r")];
    let length = option::of(prop_oneof![Just(None), (0usize..100).prop_map(Some)]);
    (
        start,
        header_lines("INVITE".into()),
        vec(junk, 0..2),
        vec((colon, eol), 1..12),
        length,
        prop_oneof![4 => Just("\r\n"), 1 => Just("\n"), 1 => Just("")],
        vec(any::<u8>(), 0..32),
    )
        .prop_map(|(start, good, junk, seps, length, end, body)| {
            let mut lines: Vec<(String, String)> = good.into_iter().map(|l| (l.name, l.value)).collect();
            for (at, n, v) in junk {
                lines.insert(at.index(lines.len() + 1), (n.to_string(), v));
            }
            match length {
                Some(Some(n)) => lines.push(("Content-Length".into(), n.to_string())),
                Some(None) => lines.push(("l".into(), body.len().to_string())),
                None => {}
            }
            let mut out = start.into_bytes();
            out.extend_from_slice(b"\r\n");
            for ((n, v), (colon, eol)) in lines.iter().zip(seps.iter().cycle()) {
                out.extend_from_slice(format!("{n}{colon}{v}{eol}").as_bytes());
            }
            out.extend_from_slice(end.as_bytes());
            out.extend_from_slice(&body);
            out
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(data in vec(any::<u8>(), 0..1024)) {
        message_round_trip(&data)?;
        uri_round_trip(&data)?;
    }

    #[test]
    fn sip_alphabet_never_panics(data in vec(select(ALPHABET), 0..600)) {
        message_round_trip(&data)?;
        uri_round_trip(&data)?;
    }

    #[test]
    fn sip_like_messages_never_panic(data in sip_like()) {
        message_round_trip(&data)?;
        framer_chunks(&data, &[7])?;
    }

    #[test]
    fn uri_like_text_never_panics(s in "(sip|sips|tel|SIP|x):[a-zA-Z0-9@.:;=%?&\\[\\]<>, \"-]{0,40}") {
        uri_round_trip(s.as_bytes())?;
    }

    #[test]
    fn framer_random_chunks(data in vec(prop_oneof![any::<u8>(), select(ALPHABET)], 0..800), sizes in vec(1usize..64, 1..8)) {
        framer_chunks(&data, &sizes)?;
    }
}

// ---------------------------------------------------------------------------------------------
// (c) mutated corpus messages never panic
// ---------------------------------------------------------------------------------------------

fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"));
        let mut out = Vec::new();
        for (dir, ext) in [("rfc4475", "dat"), ("rfc5118", "dat"), ("rfc7118/wire", "sip")] {
            let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("{}: {e}", root.join(dir).display()))
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect();
            files.sort();
            out.extend(files.iter().map(|p| std::fs::read(p).unwrap()));
        }
        out
    })
}

#[test]
fn corpus_is_there() {
    // 50 RFC 4475 files, 12 RFC 5118, 13 RFC 7118 SIP messages.
    assert_eq!(corpus().len(), 50 + 12 + 13);
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutate(mut data: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = data.len();
        match *m {
            Mutation::Flip(p, bit) if len > 0 => data[p % len] ^= 1 << (bit % 8),
            Mutation::Set(p, b) if len > 0 => data[p % len] = b,
            Mutation::Insert(p, b) => data.insert(p % (len + 1), b),
            Mutation::Delete(p) if len > 0 => {
                data.remove(p % len);
            }
            Mutation::Truncate(p) => data.truncate(p % (len + 1)),
            _ => {}
        }
    }
    data
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![any::<u8>(), select(ALPHABET)];
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        4 => (any::<usize>(), byte.clone()).prop_map(|(p, b)| Mutation::Set(p, b)),
        4 => (any::<usize>(), byte).prop_map(|(p, b)| Mutation::Insert(p, b)),
        4 => any::<usize>().prop_map(Mutation::Delete),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_corpus_never_panics(file in any::<prop::sample::Index>(), muts in vec(mutation(), 1..5)) {
        let data = mutate(file.get(corpus()).clone(), &muts);
        message_round_trip(&data)?;
        framer_chunks(&data, &[13, 1, 200])?;
    }
}
