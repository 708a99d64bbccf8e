//! RFC 4475 SIP torture tests (`shared/corpus/rfc4475`): every MANIFEST row gets the verdict
//! the RFC gives, checked through `parse_message` and `check_request`, and each message's
//! section is checked for the exact values it names.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;

use bytes::Bytes;
use sansip_core::header::{CSeq, HeaderError};
use sansip_core::message::validate::Problem;
use sansip_core::message::{HeaderName, Message, Method, Request, Response, StatusCode, Version};
use sansip_core::parse::{Framing, ParseErrorKind as K};
use sansip_core::uri::{unescape, HostKind, Scheme, UriErrorKind};
use sansip_tests::{assert_verdict, contacts, corpus_dir, load, manifest, parse_datagram, Verdict};

/// One verdict: the MANIFEST row, the file read for it, the row's class, what must happen.
struct Case {
    row: &'static str,
    file: &'static str,
    class: &'static str,
    verdict: Verdict,
}

fn case(row: &'static str, class: &'static str, verdict: Verdict) -> Case {
    Case {
        row,
        file: row,
        class,
        verdict,
    }
}

fn refuse(code: u16, problem: Problem) -> Verdict {
    Verdict::Refuse(StatusCode::new(code).unwrap(), problem)
}

fn reject(kind: K, line: &'static str, at: &'static str) -> Verdict {
    Verdict::Reject { kind, line, at }
}

/// The RFC's verdict for every file, as our API shows it (one row a line: a table).
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Verdict::{Accept, RejectAtEnd};
    const V: &str = "valid";
    const I: &str = "invalid";
    const U: &str = "valid-but-unusual";
    vec![
        // §3.1.1: valid messages. Each parses, round-trips and is processed; the two with an
        // unknown method are processed the way RFC 3261 §8.2.1 says a UAS handles an unknown
        // method: 501 Not Implemented.
        case("wsinv.dat", V, Accept),
        case("intmeth.dat", V, refuse(501, Problem::UnknownMethod)),
        case("esc01.dat", V, Accept),
        case("escnull.dat", V, Accept),
        case("esc02.dat", V, refuse(501, Problem::UnknownMethod)),
        case("lwsdisp.dat", V, Accept),
        case("longreq.dat", V, Accept),
        case("dblreq.dat", V, Accept),
        case("semiuri.dat", V, Accept),
        case("transports.dat", V, Accept),
        case("mpart01.dat", V, Accept),
        case("unreason.dat", V, Accept),
        case("noreason.dat", V, Accept),
        // §3.1.2: invalid messages.
        case("badinv01.dat", I, reject(K::Header(HeaderName::Via), "Via: SIP/2.0/UDP 192.0.2.15", ";,;,,")),
        // Over UDP the missing body bytes never come (§3.1.2.2).
        case("clerr.dat", I, RejectAtEnd(K::BodyIncomplete)),
        case("ncl.dat", I, reject(K::ContentLength, "Content-Length: -999", "-999")),
        case("scalar02.dat", I, reject(K::Header(HeaderName::CSeq), "CSeq: ", "36893488147419103232 ")),
        case("scalarlg.dat", I, reject(K::Header(HeaderName::CSeq), "CSeq: ", "9292394834772304023312 ")),
        case("quotbal.dat", I, reject(K::Header(HeaderName::To), "To: \"Mr. J. User", "\"Mr. J. User")),
        case("ltgtruri.dat", I, reject(K::RequestUri(UriErrorKind::Scheme), "INVITE <sip:", "<sip:user@")),
        case("lwsruri.dat", I, reject(K::RequestUri(UriErrorKind::Param), "INVITE sip:user@example.com; lr", " lr SIP")),
        case("lwsstart.dat", I, reject(K::RequestUri(UriErrorKind::Empty), "INVITE  sip:", " sip:user@")),
        case("trws.dat", I, reject(K::Version, "OPTIONS sip:remote-target@", "SIP/2.0  \r\n")),
        case("escruri.dat", I, reject(K::RequestUriHeaders, "INVITE sip:user@example.com?Route=", "sip:user@")),
        // §3.1.2.12: reject only if the Date matters; it does not to a UAS (see `baddate`).
        case("baddate.dat", I, Accept),
        case("regbadct.dat", I, refuse(400, Problem::MalformedHeader(HeaderName::Contact))),
        case("badaspec.dat", I, reject(K::Header(HeaderName::To), "To: \"Watson, Thomas\" <", " sip:t.watson")),
        // The archive copy lost its blank line (corpus README): the fixed copy carries the
        // RFC's test, the raw copy is a message whose headers never end.
        Case {
            row: "baddn.dat",
            file: "baddn.dat.crlf-fixed",
            class: I,
            verdict: reject(K::Header(HeaderName::From), "From:    Bell, Alexander", "Bell, Alexander"),
        },
        case("baddn.dat", I, RejectAtEnd(K::NoEndOfHeaders)),
        case("badvers.dat", I, refuse(505, Problem::Version)),
        case("mismatch01.dat", I, refuse(400, Problem::CSeqMethod)),
        case("mismatch02.dat", I, refuse(501, Problem::CSeqMethod)),
        case("bigcode.dat", I, reject(K::StatusCode, "SIP/2.0 4294967301", "4294967301 ")),
        // §3.2 and §3.3: valid but unusual.
        case("badbranch.dat", U, Accept),
        case("insuf.dat", U, refuse(400, Problem::MissingHeader(HeaderName::From))),
        case("unkscm.dat", U, refuse(416, Problem::UriScheme)),
        case("novelsc.dat", U, refuse(416, Problem::UriScheme)),
        // A registrar refuses it (To is not a SIP AOR); a UAS has no reason to.
        case("unksm2.dat", U, Accept),
        case(
            "bext01.dat",
            U,
            refuse(420, Problem::Extensions(vec!["nothingSupportsThis".into(), "nothingSupportsThisEither".into()])),
        ),
        case("invut.dat", U, refuse(415, Problem::MediaType)),
        case("regaut01.dat", U, Accept),
        // The first single-value header found repeated, in check order, is From.
        case("multi01.dat", U, refuse(400, Problem::RepeatedHeader(HeaderName::From))),
        // §3.3.9 allows rejecting outright, and it is the only safe answer: with two lengths
        // the framing is undefined, so nothing after the headers can be trusted (400 over UDP,
        // close the connection over a stream).
        case("mcl01.dat", U, reject(K::ContentLengthConflict, "Content-Length: 5", "5\r\nContent-Type")),
        case("bcast.dat", U, Accept),
        case("zeromf.dat", U, Accept),
        case("cparam01.dat", U, Accept),
        case("cparam02.dat", U, Accept),
        case("regescrt.dat", U, Accept),
        case("sdp01.dat", U, refuse(406, Problem::NotAcceptable)),
        case("inv2543.dat", U, Accept),
        // Not in the RFC (archive only): no SIP-Version on the Request-Line.
        case("test.dat", I, reject(K::Version, "INVITE sip:alan@jasomi.com", "\r\nTO :")),
    ]
}

#[test]
fn every_manifest_row_has_the_rfc_verdict() {
    let rows = manifest("rfc4475");
    let table = cases();
    for row in &rows {
        let mine: Vec<&Case> = table.iter().filter(|c| c.row == row.name).collect();
        assert!(
            !mine.is_empty(),
            "{}: no verdict for this MANIFEST row ({})",
            row.name,
            row.what
        );
        for c in mine {
            assert_eq!(c.class, row.class, "{}: MANIFEST class changed", row.name);
            let label = format!("rfc4475/{}", c.file);
            assert_verdict(&label, load(&label), Framing::Datagram, &c.verdict);
        }
    }
    for c in &table {
        assert!(
            rows.iter().any(|r| r.name == c.row),
            "{}: not in the MANIFEST",
            c.row
        );
    }
    // Every message file in the directory is read by some verdict.
    let read: BTreeSet<&str> = table.iter().map(|c| c.file).collect();
    for entry in std::fs::read_dir(corpus_dir().join("rfc4475")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.contains(".dat") {
            assert!(read.contains(name.as_str()), "{name}: no verdict");
        }
    }
}

fn req(file: &str) -> Request {
    match parse_datagram(&format!("rfc4475/{file}")).unwrap() {
        Message::Request(r) => r,
        Message::Response(_) => panic!("{file} is a response"),
    }
}

fn resp(file: &str) -> Response {
    match parse_datagram(&format!("rfc4475/{file}")).unwrap() {
        Message::Response(r) => r,
        Message::Request(_) => panic!("{file} is a request"),
    }
}

/// Max-Forwards, typed (RFC 3261 §20.22; leading zeros allowed, RFC 4475 §3.1.1.1).
fn max_forwards(r: &Request) -> u8 {
    r.headers().max_forwards().unwrap().unwrap()
}

fn via_summary(r: &Request) -> Vec<(String, String, Option<u16>, Option<String>)> {
    let s = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    r.headers()
        .via()
        .map(|v| v.unwrap())
        .map(|v| (s(v.transport), s(v.host), v.port, v.branch().map(s)))
        .collect()
}

/// `(name, value)` of the URI parameters, each decoded once.
fn decoded_params(p: sansip_core::params::Params<'_>) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    p.iter()
        .map(|(n, v)| (unescape(n).into_owned(), v.map(|v| unescape(v).into_owned())))
        .collect()
}

// §3.1.1.1
#[test]
fn wsinv_values_survive_the_whitespace() {
    let r = req("wsinv.dat");
    let h = r.headers();
    assert_eq!(r.method(), &Method::Invite);
    assert_eq!(r.uri().as_str(), "sip:vivekg@chair-dnrc.example.com;unknownparam");
    assert_eq!(r.uri().param("unknownparam"), Some(None));
    let names: Vec<&[u8]> = h.iter().map(|f| f.raw_name).collect();
    let expected: [&[u8]; 14] = [
        b"TO",
        b"from",
        b"MaX-fOrWaRdS",
        b"Call-ID",
        b"Content-Length",
        b"cseq",
        b"Via",
        b"s",
        b"NewFangledHeader",
        b"UnknownHeaderWithUnusualValue",
        b"Content-Type",
        b"Route",
        b"v",
        b"m",
    ];
    assert_eq!(names, expected);
    assert_eq!(h.get(HeaderName::MaxForwards), Some(&b"0068"[..]));
    assert_eq!(max_forwards(&r), 68);
    let cseq = r.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method), (9, &b"INVITE"[..]));
    assert_eq!(r.call_id(), Some("wsinv.ndaksdj@192.0.2.1"));
    assert_eq!(r.content_length(), Some(150));
    assert_eq!(r.body().len(), 150);

    // To's value starts on a continuation line; LWS around ';' and '='.
    let to = h.to().unwrap().unwrap();
    assert_eq!(to.uri().as_str(), "sip:vivekg@chair-dnrc.example.com");
    assert_eq!(to.tag(), Some(&b"1918181833n"[..]));
    // `"J Rosenberg \\\""`: the quoted-pairs decode to `J Rosenberg \"`.
    let from = h.from().unwrap().unwrap();
    assert_eq!(from.display_name().as_deref(), Some(r#"J Rosenberg \""#));
    assert_eq!(from.uri().as_str(), "sip:jdrosen@example.com");
    assert_eq!(from.tag(), Some(&b"98asjd8"[..]));

    // `Via  : SIP  /   2.0 /UDP ...` then a folded two-element `v:` line.
    let s = |x: &str| x.to_owned();
    assert_eq!(
        via_summary(&r),
        [
            (s("UDP"), s("192.0.2.2"), None, Some(s("390skdjuw"))),
            (s("TCP"), s("spindle.example.com"), None, Some(s("z9hG4bK9ikj8"))),
            (s("UDP"), s("192.168.255.111"), None, Some(s("z9hG4bK30239"))),
        ]
    );
    assert!(h
        .via()
        .all(|v| v.is_ok_and(|v| v.protocol == b"SIP" && v.version == b"2.0")));

    // `s :` is an empty Subject; unknown headers are kept opaque, folds included.
    assert_eq!(h.get(HeaderName::Subject), Some(&b""[..]));
    assert_eq!(
        h.get_str("NewFangledHeader"),
        Some(&b"newfangled value\r\n continued newfangled value"[..])
    );
    assert_eq!(h.get_str("UnknownHeaderWithUnusualValue"), Some(&b";;,,;;,;"[..]));
    assert_eq!(h.get(HeaderName::ContentType), Some(&b"application/sdp"[..]));

    let route: Vec<_> = h.route().map(Result::unwrap).collect();
    assert_eq!(route.len(), 1);
    assert_eq!(
        route[0].uri().as_str(),
        "sip:services.example.com;lr;unknownwith=value;unknown-no-value"
    );
    assert!(route[0].uri().is_loose_route());
    assert_eq!(route[0].uri().param("unknownwith"), Some(Some(&b"value"[..])));
    assert_eq!(route[0].uri().param("unknown-no-value"), Some(None));

    // `m:"Quoted string \"\"" <...> ; newparam =\r\n newvalue ;\r\n secondparam ; q = 0.33`
    let c = contacts(h);
    assert_eq!(c.len(), 1);
    let c = &c[0];
    assert_eq!(c.display_name().as_deref(), Some(r#"Quoted string """#));
    assert_eq!(c.uri().as_str(), "sip:jdrosen@example.com");
    let p = c.params();
    assert_eq!(p.get("newparam"), Some(Some(&b"newvalue"[..])));
    assert_eq!(p.get("secondparam"), Some(None));
    assert_eq!(p.get("q"), Some(Some(&b"0.33"[..])));
    assert_eq!(c.q(), Some(Ok(330)));
    assert_eq!(p.iter().count(), 3);
}

// §3.1.1.2
#[test]
fn intmeth_keeps_the_widest_character_set() {
    const METHOD: &str = "!interesting-Method0123456789_*+`.%indeed'~";
    let r = req("intmeth.dat");
    let h = r.headers();
    // '%' in a method is a plain token character, not an escape.
    assert_eq!(
        r.method(),
        &Method::Extension(Bytes::from_static(METHOD.as_bytes()))
    );
    assert_eq!(r.method().as_str(), METHOD);
    assert_eq!(r.cseq().unwrap().seq, 139122385);
    assert_eq!(r.cseq().unwrap().method, METHOD.as_bytes());
    assert_eq!(
        h.cseq(),
        Some(Ok(CSeq {
            seq: 139122385,
            method: r.method().clone()
        }))
    );
    let u = r.uri();
    assert_eq!(
        u.user(),
        Some(&b"1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"[..])
    );
    assert_eq!(
        u.password(),
        Some(&b"&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"[..])
    );
    assert_eq!(u.host(), "example.com");
    assert_eq!(r.via_branch(), Some(&b"z9hG4bK-.!%66*_+`'~"[..]));
    // Quoted-pairs for BEL, NUL (a raw 0x00 byte) and DEL decode to those bytes.
    let to = h.to().unwrap().unwrap();
    assert_eq!(
        to.display_name_raw(),
        Some(&b"\"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\""[..])
    );
    assert_eq!(
        to.display_name().as_deref(),
        Some("BEL:\u{7} NUL:\u{0} DEL:\u{7f}")
    );
    assert_eq!(to.uri().user(), u.user());
    let from = h.from().unwrap().unwrap();
    assert_eq!(
        from.display_name().as_deref(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(from.uri().as_str(), "sip:mundane@example.com");
    assert_eq!(
        from.params().get_unquoted("fromParam''~+*_!.-%"),
        Some("работающий".as_bytes())
    );
    assert_eq!(from.tag(), Some(&b"_token~1'+`*%!-."[..]));
    assert_eq!(r.call_id(), Some(r#"intmeth.word%ZK-!.*_+'@word`~)(><:\/"][?}{"#));
    assert_eq!(max_forwards(&r), 255);
    assert_eq!(
        h.get_str("extensionHeader-!.%*+_`'~"),
        Some("\u{feff}大停電".as_bytes())
    );
}

// §3.1.1.3
#[test]
fn esc01_decodes_escapes_once() {
    let r = req("esc01.dat");
    let h = r.headers();
    assert_eq!(r.uri().user(), Some(&b"sips%3Auser%40example.com"[..]));
    assert_eq!(
        r.uri().user_decoded().as_deref(),
        Some(&b"sips:user@example.com"[..])
    );
    assert_eq!(r.uri().host(), "example.net");
    let to = h.to().unwrap().unwrap();
    assert_eq!(to.uri().user_decoded().as_deref(), Some(&b"user"[..]));
    let from = h.from().unwrap().unwrap();
    assert_eq!(from.uri().user_decoded().as_deref(), Some(&b"I have spaces"[..]));
    assert_eq!(from.tag(), Some(&b"938"[..]));
    assert_eq!(r.call_id(), Some("esc01.239409asdfakjkn23onasd0-3234"));
    assert_eq!(
        h.iter()
            .find(|f| f.name == HeaderName::ContentType)
            .unwrap()
            .raw_name,
        b"C"
    );
    // Contact's value starts on the next line.
    let c = contacts(h);
    assert_eq!(c.len(), 1);
    let uri = c[0].uri().clone();
    assert_eq!(uri.user_decoded().as_deref(), Some(&b"caller"[..]));
    // `;%6C%72;n%61me=v%61lue%25%34%31`: `lr`, and `name=value%41`, never `valueA`.
    assert_eq!(
        decoded_params(uri.params()),
        [
            (b"lr".to_vec(), None),
            (b"name".to_vec(), Some(b"value%41".to_vec()))
        ]
    );
}

// §3.1.1.4
#[test]
fn escnull_keeps_escaped_nuls() {
    let r = req("escnull.dat");
    let h = r.headers();
    let to = h.to().unwrap().unwrap();
    assert_eq!(to.uri().user_decoded().as_deref(), Some(&b"null-\0-null"[..]));
    let from = h.from().unwrap().unwrap();
    assert_eq!(from.uri().user_decoded().as_deref(), Some(&b"null-\0-null"[..]));
    assert_eq!(from.tag(), Some(&b"839923423"[..]));
    let c = contacts(h);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].uri().user_decoded().as_deref(), Some(&b"\0"[..]));
    assert_eq!(c[1].uri().user_decoded().as_deref(), Some(&b"\0\0"[..]));
    assert!(!c[0].uri().equivalent(c[1].uri()));
}

// §3.1.1.5
#[test]
fn esc02_percent_is_not_always_an_escape() {
    let r = req("esc02.dat");
    let h = r.headers();
    assert_eq!(
        r.method(),
        &Method::Extension(Bytes::from_static(b"RE%47IST%45R"))
    );
    assert_ne!(r.method(), &Method::Register);
    assert_eq!(r.cseq().unwrap().method, b"RE%47IST%45R");
    assert_eq!(h.to().unwrap().unwrap().display_name().as_deref(), Some("%Z%45"));
    assert_eq!(
        h.from().unwrap().unwrap().display_name().as_deref(),
        Some("%Z%45")
    );
    assert_eq!(r.via_branch(), Some(&b"z9hG4bK209%fzsnel234"[..]));
    // `C%6Fntact` is an extension header: two Contacts, not three.
    let hosts: Vec<String> = contacts(h).iter().map(|c| c.uri().host().to_owned()).collect();
    assert_eq!(hosts, ["host1.example.com", "host3.example.com"]);
    assert_eq!(
        h.get_str("C%6Fntact"),
        Some(&b"<sip:alias2@host2.example.com>"[..])
    );
}

// §3.1.1.6
#[test]
fn lwsdisp_token_display_name_without_space() {
    let r = req("lwsdisp.dat");
    let from = r.headers().from().unwrap().unwrap();
    assert_eq!(from.display_name().as_deref(), Some("caller"));
    assert_eq!(from.uri().as_str(), "sip:caller@example.com");
    assert_eq!(from.tag(), Some(&b"323"[..]));
}

// §3.1.1.7
#[test]
fn longreq_long_values_intact() {
    let r = req("longreq.dat");
    let h = r.headers();
    assert_eq!(r.buffer().len(), 3515);
    let long = |n: usize| "long".repeat(n);
    let to = h.to().unwrap().unwrap();
    let extreme = "extreme".repeat(10);
    assert_eq!(
        to.display_name(),
        Some(format!("I have a user name of {extreme} proportion"))
    );
    assert_eq!(to.uri().port(), Some(6000));
    let very = format!("very{}value", long(20));
    assert_eq!(to.uri().param("unknownparam1"), Some(Some(very.as_bytes())));
    let pname = format!("longparam{}", "name".repeat(25));
    assert_eq!(to.uri().param(&pname), Some(Some(&b"shortvalue"[..])));
    assert_eq!(
        to.uri()
            .param(&format!("very{}ParameterNameWithNoValue", long(25))),
        Some(None)
    );

    let from = h.from().unwrap().unwrap();
    let caller = "amazinglylongcallername".repeat(5);
    assert_eq!(from.uri().user(), Some(caller.as_bytes()));
    let tag = format!("1{}2424", "298".repeat(50));
    assert_eq!(from.tag(), Some(tag.as_bytes()));
    let hp = format!("unknownheaderparam{}", "name".repeat(20));
    let hv = format!("unknowheaderparam{}", "value".repeat(15));
    assert_eq!(from.params().get(&hp), Some(Some(hv.as_bytes())));
    let valueless = format!("unknownValueless{}", "paramname".repeat(10));
    assert_eq!(from.params().get(&valueless), Some(None));
    assert_eq!(
        r.call_id(),
        Some(format!("longreq.one{}longcallid", "really".repeat(20)).as_str())
    );
    let uname = format!("Unknown-{}-Name", "Long".repeat(20));
    let l = long(20);
    let uvalue = format!("unknown-{l}-value; unknown-{l}-parameter-name = unknown-{l}-parameter-value");
    assert_eq!(h.get_str(&uname), Some(uvalue.as_bytes()));
    let c = contacts(h);
    assert_eq!(c[0].uri().user(), Some(caller.as_bytes()));

    // 34 Vias over lines named in every case of `Via` / `v`, some with SP before ':'.
    let mut names: Vec<&[u8]> = vec![
        b"Via", b"v", b"V", b"Via", b"ViA", b"VIa", b"VIA", b"via", b"viA", b"vIa", b"vIA", b"V", b"v", b"V",
        b"v", b"Via", b"Via",
    ];
    names.extend([&b"Via"[..]; 17]);
    let got: Vec<&[u8]> = h
        .iter()
        .filter(|f| f.name == HeaderName::Via)
        .map(|f| f.raw_name)
        .collect();
    assert_eq!(got, names);
    let vias: Vec<_> = h.via().map(Result::unwrap).collect();
    assert_eq!(vias.len(), 34);
    for (k, v) in vias.iter().take(33).enumerate() {
        assert_eq!(v.host, format!("sip{}.example.com", 33 - k).as_bytes());
        assert_eq!(v.transport, b"TCP");
    }
    assert_eq!(vias[33].host, b"host.example.com");
    assert_eq!(vias[33].received(), Some(&b"192.0.2.5"[..]));
    assert_eq!(
        vias[33].branch(),
        Some(format!("very{}branchvalue", long(50)).as_bytes())
    );
    assert_eq!(r.content_length(), Some(150));
}

// §3.1.1.8
#[test]
fn dblreq_only_the_register() {
    let r = req("dblreq.dat");
    assert_eq!(r.method(), &Method::Register);
    assert_eq!(r.content_length(), Some(0));
    assert!(r.body().is_empty());
    assert_eq!(r.cseq().unwrap().method, b"REGISTER");
    assert_eq!(r.headers().len(), 8);
    // The trailing INVITE is in the datagram but not in the message, nor in what we'd send.
    assert!(r.buffer().windows(14).any(|w| w == b"INVITE sip:joe"));
    let out = Message::Request(r).to_bytes();
    assert!(!out.windows(6).any(|w| w == b"INVITE"));
}

// §3.1.1.9
#[test]
fn semiuri_semicolon_in_user() {
    let r = req("semiuri.dat");
    assert_eq!(r.uri().user(), Some(&b"user;par=u%40example.net"[..]));
    assert_eq!(
        r.uri().user_decoded().as_deref(),
        Some(&b"user;par=u@example.net"[..])
    );
    assert_eq!(r.uri().host(), "example.com");
    assert!(r.uri().params().is_empty());
    let accept: Vec<&[u8]> = r.headers().list(HeaderName::Accept).collect();
    let expected: [&[u8]; 6] = [
        b"application/sdp",
        b"application/pkcs7-mime",
        b"multipart/mixed",
        b"multipart/signed",
        b"message/sip",
        b"message/sipfrag",
    ];
    assert_eq!(accept, expected);
}

// §3.1.1.10
#[test]
fn transports_unknown_token_accepted() {
    let r = req("transports.dat");
    let got: Vec<(String, String)> = via_summary(&r).into_iter().map(|v| (v.0, v.1)).collect();
    let want: Vec<(String, String)> = [
        ("UDP", "t1"),
        ("SCTP", "t2"),
        ("TLS", "t3"),
        ("UNKNOWN", "t4"),
        ("TCP", "t5"),
    ]
    .iter()
    .map(|(t, h)| (t.to_string(), format!("{h}.example.com")))
    .collect();
    assert_eq!(got, want);
}

// §3.1.1.11
#[test]
fn mpart01_body_framed_by_content_length() {
    let r = req("mpart01.dat");
    let body = r.body();
    assert_eq!(r.content_length(), Some(553));
    assert_eq!(body.len(), 553);
    assert_eq!(body.iter().filter(|&&b| b == 0).count(), 2);
    assert!(std::str::from_utf8(&body).is_err());
    assert!(body.starts_with(b"--7a9cbec02ceef655\r\nContent-Type: text/plain\r\n"));
    assert!(body.ends_with(b"\r\n--7a9cbec02ceef655--\r\n"));
    assert_eq!(
        r.headers().get(HeaderName::ContentType),
        Some(&b"multipart/mixed;boundary=7a9cbec02ceef655"[..])
    );
    let via = r.headers().top_via().unwrap().unwrap();
    assert_eq!((via.port, via.rport()), (Some(5070), Some(None)));
    // A well-formed Date, unlike baddate's.
    let date = r.headers().date().unwrap().unwrap();
    assert_eq!(
        (
            date.year,
            date.month,
            date.day,
            date.hour,
            date.minute,
            date.second
        ),
        (2005, 10, 15, 4, 44, 56)
    );
    assert_eq!(date.unix_time(), 1_129_351_496);
}

// §3.1.1.12, §3.1.1.13
#[test]
fn reason_phrases_exact() {
    let r = resp("unreason.dat");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.reason(),
        "= 2**3 * 5**2 но сто девяносто девять - простое".as_bytes()
    );
    let raw = load("rfc4475/unreason.dat");
    let first = &raw[..raw.iter().position(|&b| b == b'\r').unwrap()];
    assert_eq!(r.reason(), &first[b"SIP/2.0 200 ".len()..]);
    assert_eq!(r.body().len(), 154);

    let r = resp("noreason.dat");
    assert_eq!(r.status().as_u16(), 100);
    assert_eq!(r.reason(), b"");
    assert_eq!(r.to_tag(), Some(&b"902jndnke3"[..]));
}

// §3.1.2.12
#[test]
fn baddate_date_is_not_gmt_but_the_message_is_usable() {
    let r = req("baddate.dat");
    // RFC 3261 §20.17 allows only "GMT"; the RFC says to reject only where the Date matters.
    // Nothing in a UAS's processing reads Date, so the message is processed; whoever needs
    // the date sees that it does not carry the GMT zone the grammar requires.
    let date = r.headers().get(HeaderName::Date).unwrap();
    assert_eq!(date, b"Fri, 01 Jan 2010 16:00:00 EST");
    // The typed Date refuses it, pointing at the zone.
    assert_eq!(
        r.headers().date(),
        Some(Err(HeaderError {
            header: HeaderName::Date,
            offset: 26
        }))
    );
    assert_eq!(&date[26..], b"EST");
    assert_eq!(r.call_id(), Some("baddate.239423mnsadf3j23lj42--sedfnm234"));
    assert_eq!(r.body().len(), 150);
}

// §3.1.2.16
#[test]
fn badvers_is_sip_7() {
    let r = req("badvers.dat");
    assert_eq!(r.version(), Version { major: 7, minor: 0 });
    assert_eq!(r.headers().top_via().unwrap().unwrap().version, b"7.0");
}

// §3.2.1
#[test]
fn badbranch_is_just_the_cookie() {
    let r = req("badbranch.dat");
    assert_eq!(r.via_branch(), Some(&b"z9hG4bK"[..]));
    let via = r.headers().top_via().unwrap().unwrap();
    assert_eq!(via.branch(), Some(&b"z9hG4bK"[..]));
    // The bare cookie identifies nothing, so it is not treated as an RFC 3261 branch: such a
    // request falls back to RFC 2543 transaction matching, one of the two answers RFC 4475
    // §3.2.1 allows (the other is a 400).
    assert!(!via.is_rfc3261_branch());
}

// §3.3.1
#[test]
fn insuf_lacks_the_mandatory_headers() {
    let r = req("insuf.dat");
    let h = r.headers();
    for name in [
        HeaderName::To,
        HeaderName::From,
        HeaderName::CallId,
        HeaderName::MaxForwards,
    ] {
        assert!(!h.contains(name), "{name:?}");
    }
    assert_eq!(r.call_id(), None);
    assert_eq!(r.cseq().unwrap().seq, 193942);
    assert_eq!(r.content_length(), Some(152));
}

// §3.3.2, §3.3.3, §3.3.4
#[test]
fn unknown_schemes_stay_opaque() {
    let r = req("unkscm.dat");
    assert_eq!(r.uri().scheme(), Scheme::Other);
    assert_eq!(r.uri().scheme_str(), "nobodyKnowsThisScheme");
    assert_eq!(r.uri().as_str(), "nobodyKnowsThisScheme:totallyopaquecontent");

    let r = req("novelsc.dat");
    assert_eq!(r.uri().scheme(), Scheme::Other);
    assert_eq!(r.uri().scheme_str(), "soap.beep");
    assert_eq!(r.uri().as_str(), "soap.beep://192.0.2.103:3002");

    let r = req("unksm2.dat");
    let h = r.headers();
    let to = h.to().unwrap().unwrap();
    assert_eq!(
        (to.uri().scheme(), to.uri().as_str()),
        (Scheme::Other, "isbn:2983792873")
    );
    let from = h.from().unwrap().unwrap();
    assert_eq!(
        (from.uri().scheme(), from.uri().as_str()),
        (Scheme::Other, "http://www.example.com")
    );
    assert_eq!(from.tag(), Some(&b"3234233"[..]));
    let c = contacts(h);
    assert_eq!(c[0].uri().as_str(), "name:John_Smith");
}

// §3.3.5: the UAS answers 420 listing Require (checked in the verdict table); Proxy-Require
// is for proxies and does not enter a UAS's decision (RFC 3261 §8.2.2.3).
#[test]
fn bext01_option_tags() {
    let r = req("bext01.dat");
    let h = r.headers();
    let pr: Vec<&[u8]> = h.list(HeaderName::ProxyRequire).collect();
    assert_eq!(pr, [&b"noProxiesSupportThis"[..], b"norDoAnyProxiesSupportThis"]);
    let req_tags: Vec<&[u8]> = h.require().map(Result::unwrap).collect();
    assert_eq!(
        req_tags,
        [&b"nothingSupportsThis"[..], b"nothingSupportsThisEither"]
    );
}

// §3.3.6, §3.3.15
#[test]
fn invut_and_sdp01_media_types() {
    let r = req("invut.dat");
    assert_eq!(
        r.headers().get(HeaderName::ContentType),
        Some(&b"application/unknownformat"[..])
    );
    assert!(r
        .headers()
        .content_type()
        .unwrap()
        .unwrap()
        .is("application", "unknownformat"));
    assert_eq!(
        r.body(),
        Bytes::from_static(b"<audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n")
    );
    let r = req("sdp01.dat");
    assert_eq!(
        r.headers().get(HeaderName::Accept),
        Some(&b"text/nobodyKnowsThis"[..])
    );
    let accept: Vec<_> = r.headers().accept().map(Result::unwrap).collect();
    assert_eq!(accept.len(), 1);
    assert!(accept[0].is("text", "nobodyKnowsThis") && !accept[0].accepts("application", "sdp"));
    assert_eq!(
        r.headers().get(HeaderName::ContentType),
        Some(&b"application/sdp"[..])
    );
}

// §3.3.7
#[test]
fn regaut01_unknown_auth_scheme_kept_raw() {
    let r = req("regaut01.dat");
    assert_eq!(
        r.headers().get(HeaderName::Authorization),
        Some(&b"NoOneKnowsThisScheme opaque-data=here"[..])
    );
    let creds: Vec<_> = r.headers().authorization().map(Result::unwrap).collect();
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0].scheme, b"NoOneKnowsThisScheme");
    assert!(!creds[0].is_digest());
    assert_eq!(creds[0].params.as_bytes(), b"opaque-data=here");
    assert_eq!(
        creds[0].params.get("opaque-data").map(|p| p.raw_value),
        Some(&b"here"[..])
    );
    assert_eq!(
        (creds[0].username.as_deref(), creds[0].response.as_deref()),
        (None, None)
    );
    assert_eq!(r.content_length(), Some(0));
}

// §3.3.8
#[test]
fn multi01_repeated_single_value_headers() {
    let r = req("multi01.dat");
    let h = r.headers();
    for name in [
        HeaderName::CallId,
        HeaderName::CSeq,
        HeaderName::To,
        HeaderName::From,
        HeaderName::MaxForwards,
        HeaderName::Contact,
    ] {
        assert_eq!(h.count(name), 2, "{name:?}");
    }
    // The lines parse one by one; the parser's shortcuts read the first of each.
    assert_eq!(r.cseq().unwrap().seq, 5);
    assert_eq!(r.call_id(), Some("multi01.98asdh@192.0.2.1"));
    assert_eq!(r.from_tag(), Some(&b"3413415"[..]));
}

// §3.3.10
#[test]
fn bcast_second_via_is_broadcast() {
    let r = resp("bcast.dat");
    let vias: Vec<_> = r.headers().via().map(Result::unwrap).collect();
    assert_eq!(vias.len(), 2);
    assert_eq!(vias[1].host, b"255.255.255.255");
    assert_eq!(vias[1].host_kind, HostKind::Ipv4);
    assert_eq!(vias[1].branch(), Some(&b"z9hG4bK1saber23"[..]));
    assert_eq!(r.via_sent_by(), Some(("192.0.2.198", None)));
}

// §3.3.11: legal; an endpoint handles it normally (the verdict table shows check passes).
#[test]
fn zeromf_max_forwards_zero() {
    let r = req("zeromf.dat");
    assert_eq!(r.headers().get(HeaderName::MaxForwards), Some(&b"0"[..]));
    assert_eq!(max_forwards(&r), 0);
}

// §3.3.12, §3.3.13
#[test]
fn cparam_header_param_versus_uri_param() {
    let a = req("cparam01.dat");
    let a = contacts(a.headers()).remove(0);
    // addr-spec form: `;unknownparam` is a Contact header parameter.
    assert_eq!(a.uri().as_str(), "sip:+19725552222@gw1.example.net");
    assert!(a.uri().params().is_empty());
    assert_eq!(a.params().get("unknownparam"), Some(None));

    let b = req("cparam02.dat");
    let b = contacts(b.headers()).remove(0);
    // name-addr form: `;unknownparam` is inside <>, a URI parameter.
    assert_eq!(b.uri().as_str(), "sip:+19725552222@gw1.example.net;unknownparam");
    assert_eq!(b.uri().param("unknownparam"), Some(None));
    assert!(b.params().is_empty());
    // The binding URIs differ as written; under RFC 3261 §19.1.4 a parameter present in only
    // one URI is ignored, so they still compare equivalent.
    assert_ne!(a.uri().as_bytes(), b.uri().as_bytes());
    assert!(a.uri().equivalent(b.uri()));
}

// §3.3.14
#[test]
fn regescrt_contact_keeps_its_header() {
    let r = req("regescrt.dat");
    let c = contacts(r.headers()).remove(0);
    assert_eq!(
        c.uri().as_str(),
        "sip:user@example.com?Route=%3Csip:sip.example.com%3E"
    );
    let hdrs: Vec<_> = c.uri().headers().collect();
    assert_eq!(hdrs, [(&b"Route"[..], &b"%3Csip:sip.example.com%3E"[..])]);
    assert_eq!(&*unescape(hdrs[0].1), b"<sip:sip.example.com>");
    assert_eq!(
        r.headers()
            .iter()
            .find(|f| f.name == HeaderName::Contact)
            .unwrap()
            .raw_name,
        b"M"
    );
}

// §3.4.1
#[test]
fn inv2543_rfc2543_request() {
    let r = req("inv2543.dat");
    assert_eq!(r.via_branch(), None);
    assert!(!r.headers().top_via().unwrap().unwrap().is_rfc3261_branch());
    assert_eq!(r.from_tag(), None);
    assert_eq!(r.content_length(), None);
    assert!(!r.headers().contains(HeaderName::MaxForwards));
    // No Content-Length over UDP: the body runs to the end of the datagram (RFC 3261 §18.3).
    let raw = load("rfc4475/inv2543.dat");
    let start = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(r.body(), raw.slice(start..));
    assert!(r.body().ends_with(b"m=audio 49217 RTP/AVP 0\r\n"));
    let rr: Vec<_> = r.headers().record_route().map(Result::unwrap).collect();
    assert_eq!(rr[0].uri().param("maddr"), Some(Some(&b"ss1.example.com"[..])));
    let to = r.headers().to().unwrap().unwrap();
    assert_eq!(
        to.uri().param("user"),
        None,
        "addr-spec: ;user=phone is a header param"
    );
    assert_eq!(to.params().get("user"), Some(Some(&b"phone"[..])));
}
