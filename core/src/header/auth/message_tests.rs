//! The accessors on `Headers`, over whole messages parsed from the wire.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use bytes::Bytes;

use super::*;
use crate::message::Message;
use crate::parse::{parse_message, Framing, Limits};

fn b<'c>(c: &'c Option<Cow<'_, [u8]>>) -> Option<&'c [u8]> {
    c.as_deref()
}

fn all<T>(it: impl Iterator<Item = Result<T, HeaderError>>) -> Vec<T> {
    it.collect::<Result<Vec<_>, _>>().unwrap()
}

fn parse(wire: &'static [u8]) -> Message {
    parse_message(Bytes::from_static(wire), Framing::Datagram, &Limits::default()).unwrap()
}

#[test]
fn accessors_on_a_401_with_several_lines() {
    let msg = parse(
        b"SIP/2.0 407 Proxy Authentication Required\r\n\
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK776\r\n\
From: <sip:alice@atlanta.com>;tag=1\r\n\
To: <sip:bob@biloxi.com>;tag=2\r\n\
Call-ID: c1\r\n\
CSeq: 1 INVITE\r\n\
WWW-Authenticate: Digest realm=\"a\", nonce=\"1\",\r\n algorithm=SHA-256, Digest realm=\"a\",\r\n\tnonce=\"2\"\r\n\
www-authenticate: Digest realm=\"b\", nonce=\"3\", algorithm=SHA-512-256\r\n\
Proxy-Authenticate: Digest realm=\"proxy\", nonce=\"4\", stale=true, qop=\"auth\"\r\n\
Proxy-Authenticate: Digest realm=\"proxy2\", nonce=\"5\r\n\
Authentication-Info: nextnonce=\"6\"\r\n\
Content-Length: 0\r\n\r\n",
    );
    let h = msg.headers();
    let www = all(h.www_authenticate());
    let nonces: Vec<_> = www.iter().map(|c| b(&c.nonce).unwrap()).collect();
    assert_eq!(nonces, [&b"1"[..], b"2", b"3"]);
    assert_eq!(www[0].algorithm, Algorithm::Sha256);
    assert_eq!(b(&Challenge::strongest(&www).unwrap().realm), Some(&b"b"[..]));
    let proxy: Vec<_> = h.proxy_authenticate().collect();
    assert_eq!(proxy.len(), 2);
    let p0 = proxy[0].as_ref().unwrap();
    assert!(p0.stale);
    assert_eq!(b(&p0.realm), Some(&b"proxy"[..]));
    assert_eq!(
        proxy[1].as_ref().unwrap_err(),
        &HeaderError {
            header: HeaderName::ProxyAuthenticate,
            offset: 29
        }
    );
    assert_eq!(
        b(&h.authentication_info().unwrap().unwrap().nextnonce),
        Some(&b"6"[..])
    );
    assert_eq!(h.authorization().count(), 0);
    assert_eq!(h.proxy_authorization().count(), 0);
}

#[test]
fn accessors_on_corpus_requests() {
    // RFC 4475 §3.3.7 regaut01: an unknown scheme must parse, opaque.
    let msg = parse(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/rfc4475/regaut01.dat"
    )));
    let creds = all(msg.headers().authorization());
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0].scheme, b"NoOneKnowsThisScheme");
    let p: Vec<_> = creds[0].params.iter().map(|p| (p.name, p.raw_value)).collect();
    assert_eq!(p, [(&b"opaque-data"[..], &b"here"[..])]);
    assert_eq!(creds[0].username, None);
    assert!(msg.headers().www_authenticate().next().is_none());
    assert!(msg.headers().authentication_info().is_none());

    // The REGISTER-with-Authorization benchmark message.
    let msg = parse(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/bench/register_auth.txt"
    )));
    let a = all(msg.headers().authorization());
    assert_eq!(a.len(), 1);
    let a = &a[0];
    assert_eq!(b(&a.username), Some(&b"bob"[..]));
    assert_eq!(b(&a.realm), Some(&b"biloxi.example.com"[..]));
    assert_eq!(b(&a.uri), Some(&b"sip:biloxi.example.com"[..]));
    assert_eq!(b(&a.response), Some(&b"245f23415f11432b3434341c022d6e8a"[..]));
    assert_eq!(
        (a.algorithm, a.qop, a.nc),
        (Algorithm::Md5, Some(Qop::Auth), Some(1))
    );
    assert_eq!(b(&a.opaque), Some(&b"5ccc069c403ebaf9f0171e9517f40e41"[..]));

    // Proxy-Authorization lines, one per realm.
    let msg = parse(
        b"INVITE sip:bob@biloxi.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK776\r\n\
From: <sip:alice@atlanta.com>;tag=1\r\n\
To: <sip:bob@biloxi.com>\r\n\
Call-ID: c1\r\n\
CSeq: 2 INVITE\r\n\
Proxy-Authorization: Digest username=\"alice\", realm=\"atlanta.com\", nonce=\"wf84f1ceczx41ae6cbe5aea9c8e88d359\", uri=\"sip:bob@biloxi.com\", response=\"42ce3cef44b22f50c6a6071bc8\"\r\n\
Proxy-Authorization: Digest username=\"alice\", realm=\"biloxi.com\", nonce=\"c60f3082ee1212b402a21831ae\", uri=\"sip:bob@biloxi.com\", response=\"42ce3cef44b22f50c6a6071bc8\", qop=auth-int, nc=00000002, cnonce=\"x\"\r\n\
Content-Length: 0\r\n\r\n",
    );
    let pa = all(msg.headers().proxy_authorization());
    let realms: Vec<_> = pa.iter().map(|c| b(&c.realm).unwrap()).collect();
    assert_eq!(realms, [&b"atlanta.com"[..], b"biloxi.com"]);
    assert_eq!((pa[0].qop, pa[0].nc), (None, None));
    assert_eq!((pa[1].qop, pa[1].nc), (Some(Qop::AuthInt), Some(2)));
}
