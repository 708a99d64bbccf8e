//! Behaviour of the Digest client: challenge selection, nonce counts, HA1 credentials, errors,
//! the RNG cnonce, escaping and rspauth. The published vectors are in `vector_tests.rs`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use bytes::Bytes;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::*;
use crate::header::auth::{Algorithm, Credentials};
use crate::message::{Message, Response};
use crate::parse::{parse_message, Framing, Limits};

pub(super) const WWW: ChallengeHeader = ChallengeHeader::WwwAuthenticate;

fn response(wire: &str) -> Response {
    let msg = parse_message(
        Bytes::from(String::from(wire)),
        Framing::Datagram,
        &Limits::default(),
    )
    .unwrap();
    let Message::Response(r) = msg else {
        panic!("not a response")
    };
    r
}

/// A 401 or 407 to REGISTER carrying the given authenticate header lines.
fn challenged(status: &str, lines: &str) -> Response {
    response(&format!(
        "SIP/2.0 {status}\r\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7\r\n\
         To: <sip:alice@example.com>;tag=37GkEhwl6\r\n\
         From: <sip:alice@example.com>;tag=1928301774\r\n\
         Call-ID: a84b4c76e66710\r\n\
         CSeq: 1 REGISTER\r\n\
         {lines}\
         Content-Length: 0\r\n\r\n"
    ))
}

pub(super) fn chal(v: &str) -> Challenge<'_> {
    Challenge::parse(v.as_bytes()).unwrap()
}

pub(super) fn creds() -> DigestCredentials<'static> {
    DigestCredentials::with_password("alice", "secret")
}

pub(super) fn answer(
    client: &mut DigestClient,
    c: &Challenge<'_>,
    creds: &DigestCredentials<'_>,
) -> Result<String, DigestError> {
    let req = AuthorizedRequest::new(&Method::Register, "sip:example.com", b"");
    client
        .authorize_with_cnonce(c, WWW, creds, &req, "c0ffee")
        .map(|a| a.value)
}

pub(super) fn parsed(value: &str) -> Credentials<'_> {
    Credentials::parse(value.as_bytes()).unwrap()
}

#[test]
fn strongest_challenge_of_a_real_401() {
    let resp = challenged(
        "401 Unauthorized",
        "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"md5nonce\", algorithm=MD5, qop=\"auth\"\r\n\
         WWW-Authenticate: Bearer realm=\"example.com\", Digest realm=\"example.com\", nonce=\"sha1nonce\", algorithm=SHA-1, qop=\"auth\"\r\n\
         WWW-Authenticate: Digest realm=\"example.com\", nonce=\"shanonce\", algorithm=SHA-256, qop=\"auth\"\r\n",
    );
    let all: Vec<_> = WWW.challenges_in(resp.headers()).collect();
    assert_eq!(all.len(), 4);
    assert_eq!(
        select_challenge(&all, &creds()).unwrap().algorithm,
        Algorithm::Sha256
    );
    let mut rng = Pcg64::seed_from_u64(1);
    let req = AuthorizedRequest::new(&Method::Register, "sip:example.com", b"");
    let a = DigestClient::new()
        .authorize_response(&resp, &creds(), &req, &mut rng)
        .unwrap();
    assert_eq!(a.header_name(), HeaderName::Authorization);
    assert_eq!(a.challenge_header(), WWW);
    let p = parsed(&a.value);
    assert_eq!(
        (p.algorithm, p.nonce.as_deref()),
        (Algorithm::Sha256, Some(&b"shanonce"[..]))
    );
    // SHA-512-256 beats SHA-256; -sess ranks with its hash, and a tie goes to the first listed.
    let cs: Vec<_> = Challenge::parse_list(
        b"Digest realm=\"r\", nonce=\"a\", algorithm=SHA-256-sess, qop=\"auth\", \
          Digest realm=\"r\", nonce=\"b\", algorithm=SHA-512-256, qop=\"auth\", \
          Digest realm=\"r\", nonce=\"c\", algorithm=SHA-512-256-sess, qop=\"auth\"",
    )
    .map(Result::unwrap)
    .collect();
    assert_eq!(
        select_challenge(&cs, &creds()).unwrap().nonce.as_deref(),
        Some(&b"b"[..])
    );
    assert_eq!(
        select_challenge(&cs[..1], &creds()).unwrap().nonce.as_deref(),
        Some(&b"a"[..])
    );
}

#[test]
fn proxy_challenge_gets_proxy_authorization() {
    let resp = challenged(
        "407 Proxy Authentication Required",
        "Proxy-Authenticate: Digest realm=\"proxy.example.com\", nonce=\"p1\", qop=\"auth\"\r\n\
         WWW-Authenticate: Digest realm=\"other\", nonce=\"w1\", algorithm=SHA-512-256, qop=\"auth\"\r\n",
    );
    let req = AuthorizedRequest::new(&Method::Invite, "sip:bob@example.com", b"");
    let mut rng = Pcg64::seed_from_u64(1);
    let a = DigestClient::new()
        .authorize_response(&resp, &creds(), &req, &mut rng)
        .unwrap();
    assert_eq!(a.header_name(), HeaderName::ProxyAuthorization);
    // Only Proxy-Authenticate counts in a 407.
    assert_eq!(parsed(&a.value).realm.as_deref(), Some(&b"proxy.example.com"[..]));
    // A 200 or a 401 without challenges has nothing to answer.
    let ok = challenged("200 OK", "");
    let none = challenged("401 Unauthorized", "");
    for r in [&ok, &none] {
        let e = DigestClient::new().authorize_response(r, &creds(), &req, &mut rng);
        assert_eq!(e.unwrap_err(), DigestError::NoDigestChallenge);
    }
}

#[test]
fn nonce_count_per_realm_and_nonce() {
    let mut client = DigestClient::new();
    let n1 = chal("Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"");
    let n2 = chal("Digest realm=\"r\", nonce=\"n2\", qop=\"auth\"");
    let nc = |v: Result<String, DigestError>| parsed(&v.unwrap()).nc.unwrap();
    assert_eq!(nc(answer(&mut client, &n1, &creds())), 1);
    assert_eq!(nc(answer(&mut client, &n1, &creds())), 2);
    let v = answer(&mut client, &n1, &creds()).unwrap();
    assert!(v.ends_with(", nc=00000003"));
    // A new nonce (after stale=true, say) starts again; the old one keeps counting.
    assert_eq!(nc(answer(&mut client, &n2, &creds())), 1);
    assert_eq!(nc(answer(&mut client, &n1, &creds())), 4);
    assert_eq!(
        (client.nonce_count("r", "n1"), client.nonce_count("r", "n2")),
        (4, 1)
    );
    assert_eq!(client.nonce_count("other", "n1"), 0);
    // The same nonce in another realm is another count.
    let other = chal("Digest realm=\"other\", nonce=\"n1\", qop=\"auth\"");
    assert_eq!(nc(answer(&mut client, &other, &creds())), 1);
    // No qop: no nc sent, nothing counted.
    let plain = chal("Digest realm=\"r\", nonce=\"n3\"");
    assert!(!answer(&mut client, &plain, &creds()).unwrap().contains("nc="));
    assert_eq!(client.nonce_count("r", "n3"), 0);
    // A failed answer counts nothing.
    let bad = chal("Digest realm=\"r\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-1");
    assert!(answer(&mut client, &bad, &creds()).is_err());
    assert_eq!(client.nonce_count("r", "n1"), 4);
    // Only the 16 most recently used nonces are kept.
    for i in 0..16 {
        let v = format!("Digest realm=\"r\", nonce=\"x{i}\", qop=\"auth\"");
        answer(&mut client, &chal(&v), &creds()).unwrap();
    }
    assert_eq!(
        (client.nonce_count("r", "n1"), client.nonce_count("r", "x0")),
        (0, 1)
    );
    assert_eq!(nc(answer(&mut client, &n1, &creds())), 1);
    client.clear();
    assert_eq!(client.nonce_count("r", "x15"), 0);
}

#[test]
fn precomputed_ha1() {
    let c = chal("Digest realm=\"testrealm@host.com\", nonce=\"5a071f75353f667787615249c62dcc7b15a4828f\", qop=\"auth\"");
    let ha1 = "7b33ddc76839924578513358674924f8"; // digest-vectors.md §5
    let with_pw = DigestCredentials::with_password("testuser", "testpassword");
    let expected = answer(&mut DigestClient::new(), &c, &with_pw).unwrap();
    let with_ha1 = DigestCredentials::with_ha1("testuser", "testrealm@host.com", ha1);
    assert_eq!(answer(&mut DigestClient::new(), &c, &with_ha1).unwrap(), expected);
    let upper = ha1.to_ascii_uppercase();
    let with_upper = DigestCredentials::with_ha1("testuser", "testrealm@host.com", &upper);
    assert_eq!(
        answer(&mut DigestClient::new(), &c, &with_upper).unwrap(),
        expected
    );
    // The HA1 wins over a (wrong) password when the realm matches, as in JsSIP.
    let both = DigestCredentials {
        password: Some("wrong"),
        ..with_ha1
    };
    assert_eq!(answer(&mut DigestClient::new(), &c, &both).unwrap(), expected);
    // Another realm: the password is used, or, without one, an error.
    let elsewhere = DigestCredentials::with_ha1("testuser", "elsewhere", ha1);
    assert_eq!(
        answer(&mut DigestClient::new(), &c, &elsewhere),
        Err(DigestError::Ha1RealmMismatch {
            configured: "elsewhere".into(),
            challenged: "testrealm@host.com".into()
        })
    );
    let fallback = DigestCredentials {
        password: Some("testpassword"),
        ..elsewhere
    };
    assert_eq!(answer(&mut DigestClient::new(), &c, &fallback).unwrap(), expected);
    // An MD5 HA1 cannot answer SHA-256; with both offered, MD5 is picked.
    let sha = chal("Digest realm=\"testrealm@host.com\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\"");
    assert_eq!(
        answer(&mut DigestClient::new(), &sha, &with_ha1),
        Err(DigestError::Ha1HashMismatch {
            configured: DigestHash::Md5,
            challenged: DigestHash::Sha256
        })
    );
    let both_algs = [sha.clone(), c.clone()];
    assert_eq!(select_challenge(&both_algs, &with_ha1).unwrap(), &c);
    assert_eq!(select_challenge(&both_algs, &with_pw).unwrap(), &sha);
    // Not 32 hex digits.
    for bad in [
        "7b33ddc7683992457851335867492",
        "7b33ddc76839924578513358674924fg",
    ] {
        let creds = DigestCredentials::with_ha1("testuser", "testrealm@host.com", bad);
        assert_eq!(
            answer(&mut DigestClient::new(), &c, &creds),
            Err(DigestError::InvalidHa1(32))
        );
    }
    let nothing = DigestCredentials {
        username: "testuser",
        password: None,
        ha1: None,
    };
    assert_eq!(
        answer(&mut DigestClient::new(), &c, &nothing),
        Err(DigestError::MissingSecret)
    );
    // Debug shows neither secret.
    let shown = format!("{both:?}");
    assert!(!shown.contains("wrong") && !shown.contains(ha1), "{shown}");
}

#[test]
fn unusable_challenges() {
    let e = |v: &str| answer(&mut DigestClient::new(), &chal(v), &creds()).unwrap_err();
    assert_eq!(
        e("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1"),
        DigestError::UnsupportedAlgorithm("SHA-1".into())
    );
    assert_eq!(
        e("Digest realm=\"r\", nonce=\"n\", algorithm=\"x-new\""),
        DigestError::UnsupportedAlgorithm("x-new".into())
    );
    assert_eq!(
        e("Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf,x\""),
        DigestError::UnsupportedQop("auth-conf,x".into())
    );
    assert_eq!(
        e("Digest realm=\"r\", nonce=\"n\", qop=\"\""),
        DigestError::UnsupportedQop("".into())
    );
    assert_eq!(e("Digest nonce=\"n\""), DigestError::MissingRealm);
    assert_eq!(e("Digest realm=\"r\""), DigestError::MissingNonce);
    assert_eq!(
        e("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess"),
        DigestError::SessionWithoutQop
    );
    assert_eq!(e("Basic realm=\"r\""), DigestError::NoDigestChallenge);
    assert_eq!(
        e("Digest realm=\"r\", nonce=\"a\\\x01b\""),
        DigestError::InvalidValue("nonce")
    );
    // Selection skips what it cannot use and reports the first Digest challenge's reason.
    let cs: Vec<_> = Challenge::parse_list(
        b"Bearer realm=\"r\", Digest realm=\"r\", nonce=\"1\", algorithm=SHA-1, \
          Digest realm=\"r\", nonce=\"2\", qop=\"x\", Digest realm=\"r\", nonce=\"3\", qop=\"auth-int,auth\"",
    )
    .map(Result::unwrap)
    .collect();
    assert_eq!(
        select_challenge(&cs, &creds()).unwrap().nonce.as_deref(),
        Some(&b"3"[..])
    );
    assert_eq!(
        select_challenge(&cs[..3], &creds()),
        Err(DigestError::UnsupportedAlgorithm("SHA-1".into()))
    );
    assert_eq!(
        select_challenge(&cs[..1], &creds()),
        Err(DigestError::NoDigestChallenge)
    );
    // auth is preferred over auth-int whatever the order; auth-int alone is used.
    let v = answer(&mut DigestClient::new(), &cs[3], &creds()).unwrap();
    assert!(v.contains(", qop=auth, "));
    let v = answer(
        &mut DigestClient::new(),
        &chal("Digest realm=\"r\", nonce=\"n\", qop=\"AUTH-INT\""),
        &creds(),
    );
    assert!(v.unwrap().contains(", qop=auth-int, "));
}

#[test]
fn seeded_rng_cnonce_is_deterministic() {
    let c = chal("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"");
    let req = AuthorizedRequest::new(&Method::Register, "sip:example.com", b"");
    let run = |seed: u64| {
        let mut rng = Pcg64::seed_from_u64(seed);
        let a = DigestClient::new()
            .authorize(&c, WWW, &creds(), &req, &mut rng)
            .unwrap();
        (a.value, rng.next_u64())
    };
    let (a, after_a) = run(42);
    assert_eq!(run(42), (a.clone(), after_a));
    assert_ne!(run(43).0, a);
    // The cnonce is the RNG's next 16 bytes in lowercase hex.
    let mut rng = Pcg64::seed_from_u64(42);
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(parsed(&a).cnonce.as_deref(), Some(hex.as_bytes()));
    // ... and the answer equals the one with that cnonce given.
    let given = DigestClient::new()
        .authorize_with_cnonce(&c, WWW, &creds(), &req, &hex)
        .unwrap();
    assert_eq!(given.value, a);
    // Without qop no cnonce is drawn.
    let plain = chal("Digest realm=\"r\", nonce=\"n\"");
    let mut rng = Pcg64::seed_from_u64(42);
    DigestClient::new()
        .authorize(&plain, WWW, &creds(), &req, &mut rng)
        .unwrap();
    assert_eq!(rng.next_u64(), Pcg64::seed_from_u64(42).next_u64());
}
