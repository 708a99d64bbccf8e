//! The header value on the wire (escaping), rspauth, and the small helpers.

use bytes::Bytes;

use super::tests::{answer, chal, parsed, WWW};
use super::*;
use crate::header::auth::AuthenticationInfo;
use crate::message::Message;
use crate::parse::{parse_message, Framing, Limits};

#[test]
fn quoted_values_are_escaped() {
    let c = chal("Digest realm=\"a\\\"b\\\\c\", nonce=\"n\", opaque=\"o\\\"p\", qop=\"auth\"");
    let user = "bob \"the\" \\ builder";
    let creds = DigestCredentials::with_password(user, "pw");
    let v = answer(&mut DigestClient::new(), &c, &creds).unwrap();
    assert!(v.starts_with(
        "Digest algorithm=MD5, username=\"bob \\\"the\\\" \\\\ builder\", realm=\"a\\\"b\\\\c\", nonce=\"n\", "
    ));
    assert!(v.contains(", opaque=\"o\\\"p\", "));
    // Read back, the values are the originals, and the response is over the unescaped text.
    let p = parsed(&v);
    assert_eq!(p.username.as_deref(), Some(user.as_bytes()));
    assert_eq!(p.realm.as_deref(), Some(&b"a\"b\\c"[..]));
    let ha1 = DigestHash::Md5.ha1(user.as_bytes(), b"a\"b\\c", b"pw");
    let ha2 = DigestHash::Md5.ha2(b"REGISTER", b"sip:example.com");
    let r = DigestHash::Md5.response(&ha1, b"n", 1, b"c0ffee", b"auth", &ha2);
    assert_eq!(p.response.as_deref(), Some(r.as_bytes()));
    // A CR or LF cannot be sent in a quoted-string: no header injection.
    let evil = DigestCredentials::with_password("bob\r\nX-Evil: 1", "pw");
    assert_eq!(
        answer(&mut DigestClient::new(), &c, &evil),
        Err(DigestError::InvalidValue("username"))
    );
    let req = AuthorizedRequest::new(&Method::Register, "sip:example.com", b"");
    let e = DigestClient::new().authorize_with_cnonce(&c, WWW, &creds, &req, "a\nb");
    assert_eq!(e.unwrap_err(), DigestError::InvalidValue("cnonce"));
}

#[test]
fn rspauth_check() {
    // rspauth values computed here with Python hashlib (no published vector):
    // H(HA1:nonce:nc:cnonce:qop:H(":" uri)), and for auth-int H(":" uri ":" H(body)).
    let c = chal(
        "Digest realm=\"testrealm@host.com\", qop=\"auth\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
    );
    let get = Method::Extension(Bytes::from_static(b"GET"));
    let req = AuthorizedRequest::new(&get, "/dir/index.html", b"");
    let creds = DigestCredentials::with_password("Mufasa", "Circle Of Life");
    let a = DigestClient::new()
        .authorize_with_cnonce(&c, WWW, &creds, &req, "0a4f113b")
        .unwrap();
    let info = |v: &'static str| AuthenticationInfo::parse(v.as_bytes()).unwrap();
    let good = "qop=auth, rspauth=\"376602cfd2f4e8e5e78b948a85263e85\", cnonce=\"0a4f113b\", nc=00000001";
    assert!(a.verify_rspauth(&info(good), b""));
    assert!(a.verify_rspauth(&info("rspauth=\"376602CFD2F4E8E5E78B948A85263E85\""), b""));
    assert!(!a.verify_rspauth(&info("rspauth=\"376602cfd2f4e8e5e78b948a85263e86\""), b""));
    assert!(!a.verify_rspauth(
        &info("rspauth=\"376602cfd2f4e8e5e78b948a85263e85\", nc=00000002"),
        b""
    ));
    assert!(!a.verify_rspauth(
        &info("rspauth=\"376602cfd2f4e8e5e78b948a85263e85\", cnonce=\"x\""),
        b""
    ));
    assert!(!a.verify_rspauth(&info("nextnonce=\"abc\""), b""));

    let c = chal("Digest realm=\"testrealm@host.com\", qop=\"auth-int\", nonce=\"5a071f75353f667787615249c62dcc7b15a4828f\"");
    let req = AuthorizedRequest::new(&Method::Register, "sip:testrealm@host.com", b"");
    let creds = DigestCredentials::with_password("testuser", "testpassword");
    let a = DigestClient::new()
        .authorize_with_cnonce(&c, WWW, &creds, &req, "0a4f113b")
        .unwrap();
    let int = info("qop=auth-int, rspauth=\"eea705df428be986709569dcc103cf2a\"");
    assert!(a.verify_rspauth(&int, b"OK BODY"));
    assert!(!a.verify_rspauth(&int, b"OK BODY!"));
    assert!(!a.verify_rspauth(
        &info("qop=auth, rspauth=\"eea705df428be986709569dcc103cf2a\""),
        b"OK BODY"
    ));
    // No qop, no rspauth.
    let plain = chal("Digest realm=\"r\", nonce=\"n\"");
    let a = DigestClient::new()
        .authorize_with_cnonce(&plain, WWW, &creds, &req, "x")
        .unwrap();
    assert!(!a.verify_rspauth(&int, b"OK BODY"));
}

#[test]
fn authorized_request_of_a_request_and_header_names() {
    let wire = "MESSAGE sip:bob@example.com;transport=ws SIP/2.0\r\n\
                Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK776sgdkse\r\n\
                To: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=49583\r\n\
                Call-ID: asd88asd77a\r\nCSeq: 2 MESSAGE\r\nContent-Length: 5\r\n\r\nhello";
    let msg = parse_message(
        Bytes::from_static(wire.as_bytes()),
        Framing::Datagram,
        &Limits::default(),
    )
    .unwrap();
    let Message::Request(r) = msg else {
        panic!("not a request")
    };
    let req = AuthorizedRequest::of(&r);
    assert_eq!(
        (req.method, req.digest_uri, req.body),
        (
            &Method::Message,
            "sip:bob@example.com;transport=ws",
            &b"hello"[..]
        )
    );
    let st = |c| crate::message::StatusCode::new(c).unwrap();
    assert_eq!(ChallengeHeader::for_status(st(401)), Some(WWW));
    assert_eq!(
        ChallengeHeader::for_status(st(407)),
        Some(ChallengeHeader::ProxyAuthenticate)
    );
    assert_eq!(ChallengeHeader::for_status(st(403)), None);
    assert_eq!(WWW.challenge_name(), HeaderName::WwwAuthenticate);
    assert_eq!(
        ChallengeHeader::ProxyAuthenticate.credentials_name(),
        HeaderName::ProxyAuthorization
    );
    assert_eq!(nc_hex(0x1a), "0000001a");
}
