//! Every vector of ../shared/corpus/digest-vectors.md and the JsSIP vectors of
//! ../shared/corpus/jssip-parser-cases.md §4, through the hash functions and through the client.

use alloc::string::String;
use alloc::vec::Vec;

use bytes::Bytes;

use super::*;
use crate::header::auth::{Algorithm, Credentials, Qop};

const MD5: DigestHash = DigestHash::Md5;
const SHA256: DigestHash = DigestHash::Sha256;
const SHA512: DigestHash = DigestHash::Sha512_256;

fn method(name: &str) -> Method {
    Method::known(name.as_bytes()).unwrap_or(Method::Extension(Bytes::copy_from_slice(name.as_bytes())))
}

/// Answers the one challenge in `chal` with a password and a fixed cnonce, through a fresh
/// client.
fn answer(chal: &str, user: &str, pw: &str, m: &str, uri: &str, body: &[u8], cnonce: &str) -> String {
    let c = Challenge::parse(chal.as_bytes()).unwrap();
    let m = method(m);
    let req = AuthorizedRequest::new(&m, uri, body);
    let creds = DigestCredentials::with_password(user, pw);
    let a = DigestClient::new()
        .authorize_with_cnonce(&c, ChallengeHeader::WwwAuthenticate, &creds, &req, cnonce)
        .unwrap();
    a.value
}

/// The `response` of a header value, read back with the crate's own credentials parser.
fn response_in(value: &str) -> String {
    let c = Credentials::parse(value.as_bytes()).unwrap();
    String::from_utf8(c.response.unwrap().into_owned()).unwrap()
}

#[test]
fn rfc2617_md5_auth() {
    // digest-vectors.md §1 (RFC 2617 §3.5), also JsSIP case 1.
    let (n, c) = ("dcd98b7102dd2f0e8b11d0f600bfb0c093", "0a4f113b");
    let ha1 = MD5.ha1(b"Mufasa", b"testrealm@host.com", b"Circle Of Life");
    assert_eq!(ha1, "939e7578ed9e3c518a452acee763bce9");
    let ha2 = MD5.ha2(b"GET", b"/dir/index.html");
    assert_eq!(ha2, "39aff3a2bab6126f332b942af96d3366");
    let r = MD5.response(&ha1, n.as_bytes(), 1, c.as_bytes(), b"auth", &ha2);
    assert_eq!(r, "6629fae49393a05397450978507c4ef1");
    // The RFC's challenge offers auth and auth-int; the client answers with auth.
    let chal = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    assert_eq!(
        answer(chal, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", b"", c),
        "Digest algorithm=MD5, username=\"Mufasa\", realm=\"testrealm@host.com\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", \
         response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", \
         qop=auth, cnonce=\"0a4f113b\", nc=00000001"
    );
}

const R7616_CHALLENGES: &str = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
const R7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

#[test]
fn rfc7616_md5_and_sha256() {
    // digest-vectors.md §2 (RFC 7616 §3.9.1).
    let n = b"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    let c = R7616_CNONCE.as_bytes();
    for (h, ha1, ha2, resp) in [
        (
            MD5,
            "3d78807defe7de2157e2b0b6573a855f",
            "39aff3a2bab6126f332b942af96d3366",
            "8ca523f5e9506fed4657c9700eebdbec",
        ),
        (
            SHA256,
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
            "9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04",
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
        ),
    ] {
        assert_eq!(h.ha1(b"Mufasa", b"http-auth@example.org", b"Circle of Life"), ha1);
        assert_eq!(h.ha2(b"GET", b"/dir/index.html"), ha2);
        assert_eq!(h.response(ha1, n, 1, c, b"auth", ha2), resp);
    }
    // Both challenges in one header: SHA-256 is picked, and the header is exact.
    let cs: Vec<_> = Challenge::parse_list(R7616_CHALLENGES.as_bytes())
        .map(Result::unwrap)
        .collect();
    let creds = DigestCredentials::with_password("Mufasa", "Circle of Life");
    let chosen = select_challenge(&cs, &creds).unwrap();
    assert_eq!(chosen.algorithm, Algorithm::Sha256);
    let get = method("GET");
    let req = AuthorizedRequest::new(&get, "/dir/index.html", b"");
    let mut client = DigestClient::new();
    let a = client
        .authorize_with_cnonce(
            chosen,
            ChallengeHeader::WwwAuthenticate,
            &creds,
            &req,
            R7616_CNONCE,
        )
        .unwrap();
    assert_eq!(
        a.value,
        "Digest algorithm=SHA-256, username=\"Mufasa\", realm=\"http-auth@example.org\", \
         nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", \
         response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
         opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, \
         cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", nc=00000001"
    );
    // The MD5 one answered on its own (a fresh client, so nc is 1 again).
    let a = DigestClient::new()
        .authorize_with_cnonce(
            &cs[1],
            ChallengeHeader::WwwAuthenticate,
            &creds,
            &req,
            R7616_CNONCE,
        )
        .unwrap();
    assert!(a.value.starts_with("Digest algorithm=MD5, "));
    assert_eq!(response_in(&a.value), "8ca523f5e9506fed4657c9700eebdbec");
}

#[test]
fn rfc7616_sha512_256_userhash() {
    // digest-vectors.md §3 (RFC 7616 §3.9.2 with erratum 4897). HA1 and HA2 are not in the
    // corpus; they were computed here with Python hashlib's sha512_256.
    let (user, realm) = ("J\u{e4}s\u{f8}n Doe", "api@example.org");
    assert_eq!(user.as_bytes(), b"\x4a\xc3\xa4\x73\xc3\xb8\x6e\x20\x44\x6f\x65");
    let (n, c) = (
        "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
        "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
    );
    let userhash = "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b";
    assert_eq!(SHA512.userhash(user.as_bytes(), realm.as_bytes()), userhash);
    let ha1 = SHA512.ha1(user.as_bytes(), realm.as_bytes(), b"Secret, or not?");
    assert_eq!(
        ha1,
        "2d3d9f12c9f3d30011259dc5fecee005ae24de40e3e1f61806d03e65f1e6024f"
    );
    let ha2 = SHA512.ha2(b"GET", b"/doe.json");
    assert_eq!(
        ha2,
        "1734b070bafdeb53ae52f93659427bb4bc545e2ef4d5e74ba247dad4861b4634"
    );
    let resp = "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5";
    assert_eq!(
        SHA512.response(&ha1, n.as_bytes(), 1, c.as_bytes(), b"auth", &ha2),
        resp
    );
    // Not the values printed in the RFC (a pre-final SHA-512/256).
    assert_ne!(
        userhash,
        "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec"
    );

    let chal = "Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", charset=UTF-8, userhash=true";
    assert_eq!(
        answer(chal, user, "Secret, or not?", "GET", "/doe.json", b"", c),
        "Digest algorithm=SHA-512-256, \
         username=\"793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b\", \
         realm=\"api@example.org\", nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", \
         uri=\"/doe.json\", \
         response=\"3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5\", \
         opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", qop=auth, \
         cnonce=\"NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v\", nc=00000001, userhash=true"
    );
}

#[test]
fn sip_auth_examples_md5() {
    // digest-vectors.md §4 (draft-smith-sipping-auth-examples-01 §3).
    let (n, c) = (b"dcd98b7102dd2f0e8b11d0f600bfb0c093", b"0a4f113b");
    let ha1 = MD5.ha1(b"bob", b"biloxi.com", b"zanzibar");
    assert_eq!(ha1, "12af60467a33e8518da5c68bbff12b11");
    let ha1_sess = MD5.ha1_sess(&ha1, n, c);
    assert_eq!(ha1_sess, "4f36886771c77832be5c5a8de5a7ec82");
    let ha2 = MD5.ha2(b"INVITE", b"sip:bob@biloxi.com");
    assert_eq!(ha2, "13a14a3eb5e2c24732a1a04fff543e92");
    // The draft's SDP body is not in the corpus, only its hash.
    let ha2_int = MD5.ha2_auth_int(
        b"INVITE",
        b"sip:bob@biloxi.com",
        "c1ed018b8ec4a3b170c0921f5b564e48",
    );
    assert_eq!(ha2_int, "3e8ec46a56447dbb073e1171b1be0683");
    let r = |ha1: &str, qop: &[u8], ha2: &str| MD5.response(ha1, n, 1, c, qop, ha2);
    assert_eq!(
        MD5.response_without_qop(&ha1, n, &ha2),
        "bf57e4e0d0bffc0fbaedce64d59add5e"
    ); // 3.1
    assert_eq!(r(&ha1, b"auth", &ha2), "89eb0059246c02b2f6ee02c7961d5ea3"); // 3.2, 3.3
    assert_eq!(r(&ha1_sess, b"auth", &ha2), "e4e4ea61d186d07a92c9e1f6919902e9"); // 3.4
    assert_eq!(r(&ha1, b"auth-int", &ha2_int), "bdbeebb2da6adb6bca02599c2239e192"); // 3.5
    assert_eq!(
        r(&ha1_sess, b"auth-int", &ha2_int),
        "91984da2d8663716e91554859c22ca70"
    ); // 3.6

    // 3.1–3.4 through the client (3.5 and 3.6 need the body, which the corpus lacks).
    let common = "realm=\"biloxi.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    for (extra, response, sess) in [
        ("", "bf57e4e0d0bffc0fbaedce64d59add5e", false),
        (
            ", qop=\"auth,auth-int\"",
            "89eb0059246c02b2f6ee02c7961d5ea3",
            false,
        ),
        (
            ", qop=\"auth,auth-int\", algorithm=MD5",
            "89eb0059246c02b2f6ee02c7961d5ea3",
            false,
        ),
        (
            ", qop=\"auth,auth-int\", algorithm=MD5-sess",
            "e4e4ea61d186d07a92c9e1f6919902e9",
            true,
        ),
    ] {
        let chal = alloc::format!("Digest {common}{extra}");
        let v = answer(
            &chal,
            "bob",
            "zanzibar",
            "INVITE",
            "sip:bob@biloxi.com",
            b"v=0\r\n",
            "0a4f113b",
        );
        assert_eq!(response_in(&v), response, "{chal}");
        let alg = if sess { "MD5-sess" } else { "MD5" };
        assert!(v.starts_with(&alloc::format!("Digest algorithm={alg}, username=\"bob\"")));
    }
}

const JSSIP_CHALLENGE: &str =
    "Digest realm=\"testrealm@host.com\", nonce=\"5a071f75353f667787615249c62dcc7b15a4828f\"";

fn jssip(extra: &str, body: &[u8]) -> String {
    let chal = alloc::format!("{JSSIP_CHALLENGE}{extra}");
    answer(
        &chal,
        "testuser",
        "testpassword",
        "REGISTER",
        "sip:testrealm@host.com",
        body,
        "0a4f113b",
    )
}

#[test]
fn jssip_vectors_and_header_format() {
    // jssip-parser-cases.md §4 cases 2–5 = digest-vectors.md §5 (case 1 is rfc2617_md5_auth).
    let ha1 = MD5.ha1(b"testuser", b"testrealm@host.com", b"testpassword");
    assert_eq!(ha1, "7b33ddc76839924578513358674924f8");
    let (m, u) = (&b"REGISTER"[..], &b"sip:testrealm@host.com"[..]);
    assert_eq!(MD5.ha2(m, u), "7225a4b3eba42cbdb4d43ded54ba93bf");
    assert_eq!(
        MD5.ha2_auth_int(m, u, &MD5.hex(b"")),
        "5202316b06ade9aa7c43d0eb3d106785"
    );
    assert_eq!(
        MD5.ha2_auth_int(m, u, &MD5.hex(b"TEST BODY")),
        "92d79a39fea1f0b9f125bcba5c1e96f4"
    );
    let head = "Digest algorithm=MD5, username=\"testuser\", realm=\"testrealm@host.com\", \
                nonce=\"5a071f75353f667787615249c62dcc7b15a4828f\", uri=\"sip:testrealm@host.com\", ";
    // Case 2: no qop, RFC 2069 form: no qop, cnonce or nc.
    assert_eq!(
        jssip("", b""),
        alloc::format!("{head}response=\"f99e05f591f147facbc94ff23b4b1dee\"")
    );
    // Case 3: qop=auth.
    assert_eq!(
        jssip(", qop=\"auth\"", b""),
        alloc::format!(
            "{head}response=\"a69b9c2ea0dea1437a21df6ddc9b05e4\", qop=auth, cnonce=\"0a4f113b\", nc=00000001"
        )
    );
    // Cases 4 and 5: qop=auth-int with an empty and a non-empty body.
    for (body, response) in [
        (&b""[..], "82b3cab8b1c4df404434db6a0581650c"),
        (b"TEST BODY", "7bf0e9de3fbb5da121974509d617f532"),
    ] {
        assert_eq!(
            jssip(", qop=\"auth-int\"", body),
            alloc::format!("{head}response=\"{response}\", qop=auth-int, cnonce=\"0a4f113b\", nc=00000001")
        );
    }
}

#[test]
fn sha_and_sess_register_vectors() {
    // digest-vectors.md §6 (a JsSIP fork's tests) and §7 (MD5-sess self-check).
    let n = b"5a071f75353f667787615249c62dcc7b15a4828f";
    for (h, ha1_sess) in [
        (MD5, "5ddd7915167f526c76e6015f8cb912cb"),
        (
            SHA256,
            "a4767e15743db0c523c7125d9a3e944c0d315b30fe5c22ba599c8041ce947ecf",
        ),
        (
            SHA512,
            "b04a436d1b3fdf1cf7d079d5adab243ce697ed49cd3ef499b884880719eaf2f5",
        ),
    ] {
        let ha1 = h.ha1(b"testuser", b"testrealm@host.com", b"testpassword");
        assert_eq!(h.ha1_sess(&ha1, n, b"0a4f113b"), ha1_sess, "{h:?}");
    }
    for (alg, qop, body, response) in [
        (
            "SHA-256",
            "auth",
            &b""[..],
            "dccff9158e4ae98e393289e185045a6ed99b4aaee610cbe0ed73ad64b1ce86fb",
        ),
        (
            "SHA-256-sess",
            "auth",
            b"",
            "69ab2b84fd74d13e7651ba2de802490ca3f9c1d940df150dfb0e57e7a3fc787f",
        ),
        (
            "SHA-512-256-sess",
            "auth",
            b"",
            "896624eac5d5022eae449f98bc19d85cb9c0c74cb04ec940c2a098935c9e92f4",
        ),
        (
            "SHA-256",
            "auth-int",
            b"",
            "0ace4c65bebcb70bb1afd97713d1aab441369881d94812514d7f05f07f72b442",
        ),
        (
            "SHA-256",
            "auth-int",
            b"TEST BODY",
            "4ba607066f2ea1a8cd3f9402d35c7be94b7406ac6cf6068eee497d615c95737e",
        ),
        (
            "SHA-512-256",
            "auth-int",
            b"",
            "4dd0a3006ac4caac16b4b92304ded30fac6e0e42eb6b8fca9a8e0aaead56176c",
        ),
        (
            "SHA-512-256",
            "auth-int",
            b"TEST BODY",
            "10800ab7a3ab2d9376b1fa15a2c54418f7f20869963edff1cd21a7807f51c859",
        ),
        ("MD5-sess", "auth", b"", "1cd65901de038bb46c003cd0f152c275"),
    ] {
        let v = jssip(&alloc::format!(", algorithm={alg}, qop=\"{qop}\""), body);
        assert_eq!(response_in(&v), response, "{alg} {qop}");
        assert!(v.starts_with(&alloc::format!("Digest algorithm={alg}, ")));
        assert!(v.ends_with(&alloc::format!(", qop={qop}, cnonce=\"0a4f113b\", nc=00000001")));
    }
    // The fork's RFC 7616 user over SIP REGISTER, SHA-512-256.
    let chal = "Digest realm=\"testrealm@host.com\", nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", algorithm=SHA-512-256, qop=\"auth\"";
    let v = answer(
        chal,
        "Jason Doe",
        "Secret, or not?",
        "REGISTER",
        "sip:testrealm@host.com",
        b"",
        "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
    );
    assert_eq!(
        response_in(&v),
        "3a9447d97abbaa1ecb0b0b2715fc7430b7c610a9953b67057dbe9bb6400c611b"
    );
}

#[test]
fn fork_behaviours() {
    // digest-vectors.md §6: charset=UTF-16 and SHA-384 are refused; no algorithm and no qop
    // is MD5 in the RFC 2069 form.
    let creds = DigestCredentials::with_password("testuser", "testpassword");
    let m = method("REGISTER");
    let req = AuthorizedRequest::new(&m, "sip:testrealm@host.com", b"");
    let try_one = |extra: &str| {
        let chal = alloc::format!("{JSSIP_CHALLENGE}{extra}");
        let c = Challenge::parse(chal.as_bytes()).unwrap();
        DigestClient::new()
            .authorize_with_cnonce(&c, ChallengeHeader::WwwAuthenticate, &creds, &req, "0a4f113b")
            .map(|a| a.value)
    };
    assert_eq!(
        try_one(", qop=\"auth\", charset=UTF-16"),
        Err(DigestError::UnsupportedCharset("UTF-16".into()))
    );
    assert_eq!(
        try_one(", qop=\"auth\", algorithm=SHA-384"),
        Err(DigestError::UnsupportedAlgorithm("SHA-384".into()))
    );
    assert_eq!(try_one("").unwrap(), jssip("", b""));
    let plain = try_one("").unwrap();
    let parsed = Credentials::parse(plain.as_bytes()).unwrap();
    assert_eq!((parsed.qop, parsed.nc, parsed.cnonce), (None, None, None));
    // charset=utf-8 in any case is fine.
    assert!(try_one(", qop=\"auth\", charset=utf-8").is_ok());
    assert_eq!(Qop::from_bytes(b"AUTH"), Qop::Auth);
}
