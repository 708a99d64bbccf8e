use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::*;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/corpus/digest-vectors.md"
));

/// The field values these tests put into header text all come from digest-vectors.md.
fn from_vectors(v: &[u8]) -> &[u8] {
    let s = core::str::from_utf8(v).unwrap();
    assert!(
        VECTORS.contains(&alloc::format!("`{s}`")),
        "{s} is not in digest-vectors.md"
    );
    v
}

fn b<'c>(c: &'c Option<Cow<'_, [u8]>>) -> Option<&'c [u8]> {
    c.as_deref()
}

fn qops<'a>(c: &Challenge<'a>) -> Vec<Qop<'a>> {
    c.qop.unwrap().iter().collect()
}

fn all<T>(it: impl Iterator<Item = Result<T, HeaderError>>) -> Vec<T> {
    it.collect::<Result<Vec<_>, _>>().unwrap()
}

#[test]
fn jssip_challenge() {
    // jssip-parser-cases.md §2.10: LWS around '=' and ',', qop and algorithm in odd case.
    let v = br#"Digest realm =  "[1:ABCD::abc]", nonce =  "31d0a89ed7781ce6877de5cb032bf114", qop="AUTH,autH-INt", algorithm =  md5  ,  stale =  TRUE , opaque = "00000188""#;
    let c = Challenge::parse(v).unwrap();
    assert!(c.is_digest());
    assert_eq!(c.scheme, b"Digest");
    assert_eq!(b(&c.realm), Some(&b"[1:ABCD::abc]"[..]));
    assert_eq!(b(&c.nonce), Some(&b"31d0a89ed7781ce6877de5cb032bf114"[..]));
    assert_eq!(qops(&c), [Qop::Auth, Qop::AuthInt]);
    assert_eq!(c.algorithm, Algorithm::Md5);
    assert_eq!(c.algorithm.as_bytes(), b"MD5");
    assert!(c.stale);
    assert_eq!(b(&c.opaque), Some(&b"00000188"[..]));
    assert!(matches!(c.realm, Some(Cow::Borrowed(_))));
    assert_eq!(c.params.iter().count(), 6);
    assert_eq!(c.params.get("ALGORITHM").unwrap().raw_value, b"md5");
}

#[test]
fn rfc2617_example() {
    // digest-vectors.md §1 (RFC 2617 §3.5), laid out as the RFC prints it: folded lines.
    let chal = b"Digest\r\n        realm=\"testrealm@host.com\",\r\n        qop=\"auth,auth-int\",\r\n        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    let c = Challenge::parse(chal).unwrap();
    assert_eq!(b(&c.realm), Some(from_vectors(b"testrealm@host.com")));
    assert_eq!(
        b(&c.nonce),
        Some(from_vectors(b"dcd98b7102dd2f0e8b11d0f600bfb0c093"))
    );
    assert_eq!(
        b(&c.opaque),
        Some(from_vectors(b"5ccc069c403ebaf9f0171e9517f40e41"))
    );
    assert_eq!(qops(&c), [Qop::Auth, Qop::AuthInt]);
    assert_eq!(c.algorithm, Algorithm::Md5, "absent algorithm means MD5");
    assert!(!c.stale && !c.userhash && c.charset.is_none() && c.domain.is_none());

    let auth = b"Digest username=\"Mufasa\",\r\n        realm=\"testrealm@host.com\",\r\n        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n        uri=\"/dir/index.html\",\r\n        qop=auth,\r\n        nc=00000001,\r\n        cnonce=\"0a4f113b\",\r\n        response=\"6629fae49393a05397450978507c4ef1\",\r\n        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    let a = Credentials::parse(auth).unwrap();
    assert!(a.is_digest());
    assert_eq!(b(&a.username), Some(&b"Mufasa"[..]));
    assert_eq!(b(&a.realm), Some(&b"testrealm@host.com"[..]));
    assert_eq!(b(&a.nonce), Some(&b"dcd98b7102dd2f0e8b11d0f600bfb0c093"[..]));
    assert_eq!(b(&a.uri), Some(from_vectors(b"/dir/index.html")));
    assert_eq!(a.qop, Some(Qop::Auth));
    assert_eq!(a.nc, Some(1));
    assert_eq!(b(&a.cnonce), Some(from_vectors(b"0a4f113b")));
    assert_eq!(
        b(&a.response),
        Some(from_vectors(b"6629fae49393a05397450978507c4ef1"))
    );
    assert_eq!(b(&a.opaque), Some(&b"5ccc069c403ebaf9f0171e9517f40e41"[..]));
    assert_eq!(a.algorithm, Algorithm::Md5);
}

const R7616_NONCE: &[u8] = b"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const R7616_OPAQUE: &[u8] = b"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

#[test]
fn rfc7616_two_challenges_in_one_line() {
    // digest-vectors.md §2 (RFC 7616 §3.9.1): the server offers SHA-256 then MD5. Here both sit
    // in one line (RFC 7616 §3.7); the qop list has a space after its comma.
    let v = b"Digest\r\n realm=\"http-auth@example.org\",\r\n qop=\"auth, auth-int\",\r\n algorithm=SHA-256,\r\n nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", Digest\r\n realm=\"http-auth@example.org\",\r\n qop=\"auth, auth-int\",\r\n algorithm=MD5,\r\n nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    let cs = all(Challenge::parse_list(v));
    assert_eq!(cs.len(), 2);
    assert_eq!(cs[0].algorithm, Algorithm::Sha256);
    assert_eq!(cs[1].algorithm, Algorithm::Md5);
    for c in &cs {
        assert_eq!(b(&c.realm), Some(from_vectors(b"http-auth@example.org")));
        assert_eq!(b(&c.nonce), Some(from_vectors(R7616_NONCE)));
        assert_eq!(b(&c.opaque), Some(from_vectors(R7616_OPAQUE)));
        assert_eq!(qops(c), [Qop::Auth, Qop::AuthInt]);
        assert_eq!(c.params.iter().count(), 5);
    }
    assert_eq!(cs[0].strength(), Some(2));
    assert_eq!(cs[1].strength(), Some(1));
    let best = Challenge::strongest(&cs).unwrap();
    assert_eq!(best.algorithm, Algorithm::Sha256);
    // Parsing exactly one challenge refuses the second.
    let e = Challenge::parse(v).unwrap_err();
    assert_eq!(&v[e.offset..e.offset + 8], b", Digest");

    let auth = b"Digest username=\"Mufasa\",\r\n realm=\"http-auth@example.org\",\r\n uri=\"/dir/index.html\",\r\n algorithm=SHA-256,\r\n nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n nc=00000001,\r\n cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n qop=auth,\r\n response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    let a = Credentials::parse(auth).unwrap();
    assert_eq!(a.algorithm, Algorithm::Sha256);
    assert_eq!(
        b(&a.cnonce),
        Some(from_vectors(b"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"))
    );
    assert_eq!(
        b(&a.response),
        Some(from_vectors(
            b"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        ))
    );
    assert_eq!((a.nc, a.qop), (Some(1), Some(Qop::Auth)));
}

#[test]
fn rfc7616_sha512_256_userhash() {
    // digest-vectors.md §3 (RFC 7616 §3.9.2 with erratum 4897).
    let chal = b"Digest\r\n realm=\"api@example.org\",\r\n qop=\"auth\",\r\n algorithm=SHA-512-256,\r\n nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\",\r\n opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\",\r\n charset=UTF-8,\r\n userhash=true";
    let c = Challenge::parse(chal).unwrap();
    assert_eq!(c.algorithm, Algorithm::Sha512_256);
    assert_eq!(c.strength(), Some(3));
    assert_eq!(b(&c.realm), Some(from_vectors(b"api@example.org")));
    assert_eq!(
        b(&c.nonce),
        Some(from_vectors(b"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK"))
    );
    assert_eq!(
        b(&c.opaque),
        Some(from_vectors(b"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS"))
    );
    assert_eq!(qops(&c), [Qop::Auth]);
    assert!(c.userhash);
    assert_eq!(c.charset, Some(&b"UTF-8"[..]));

    let auth = b"Digest\r\n username=\"793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b\",\r\n realm=\"api@example.org\",\r\n uri=\"/doe.json\",\r\n algorithm=SHA-512-256,\r\n nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\",\r\n nc=00000001,\r\n cnonce=\"NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v\",\r\n qop=auth,\r\n response=\"3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5\",\r\n opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\",\r\n userhash=true";
    let a = Credentials::parse(auth).unwrap();
    assert!(a.userhash);
    assert_eq!(
        b(&a.username),
        Some(from_vectors(
            b"793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b"
        ))
    );
    assert_eq!(b(&a.uri), Some(from_vectors(b"/doe.json")));
    assert_eq!(
        b(&a.cnonce),
        Some(from_vectors(b"NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v"))
    );
    assert_eq!(
        b(&a.response),
        Some(from_vectors(
            b"3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5"
        ))
    );
    assert_eq!(a.algorithm, Algorithm::Sha512_256);
    // Without userhash the username goes out in the RFC 8187 form, kept as a raw param.
    let ext = Credentials::parse(b"Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"api@example.org\"")
        .unwrap();
    assert_eq!(ext.username, None);
    assert_eq!(
        ext.params.get("username*").unwrap().raw_value,
        b"UTF-8''J%C3%A4s%C3%B8n%20Doe"
    );
}

#[test]
fn sip_md5_sess_challenge() {
    // digest-vectors.md §4 row 3.4 (draft-smith-sipping-auth-examples): qop list, MD5-sess.
    let v = b"Digest realm=\"biloxi.com\", qop=\"auth,auth-int\", algorithm=MD5-sess, nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    let c = Challenge::parse(v).unwrap();
    assert_eq!(b(&c.realm), Some(from_vectors(b"biloxi.com")));
    assert_eq!(c.algorithm, Algorithm::Md5Sess);
    assert!(c.algorithm.is_session());
    assert!(c.qop.unwrap().contains(Qop::AuthInt));
    assert_eq!(c.strength(), Some(1));
}

#[test]
fn algorithms_and_strength() {
    for (text, alg, s) in [
        (&b"md5"[..], Algorithm::Md5, Some(1)),
        (b"MD5-SESS", Algorithm::Md5Sess, Some(1)),
        (b"sha-256", Algorithm::Sha256, Some(2)),
        (b"SHA-256-sess", Algorithm::Sha256Sess, Some(2)),
        (b"Sha-512-256", Algorithm::Sha512_256, Some(3)),
        (b"SHA-512-256-Sess", Algorithm::Sha512_256Sess, Some(3)),
        (b"SHA-384", Algorithm::Other(b"SHA-384"), None),
    ] {
        let a = Algorithm::from_bytes(text);
        assert_eq!(a, alg);
        assert_eq!(a.strength(), s);
    }
    assert!(Algorithm::Sha256Sess.is_session() && !Algorithm::Sha256.is_session());
    // Unknown algorithms and other schemes are never picked; ties go to the first listed.
    let v = b"Bearer realm=\"x\", Digest realm=\"a\", nonce=\"1\", algorithm=SHA-384, Digest realm=\"a\", nonce=\"2\", algorithm=\"sha-256\", Digest realm=\"a\", nonce=\"3\", algorithm=SHA-256";
    let cs = all(Challenge::parse_list(v));
    assert_eq!(cs.len(), 4);
    assert_eq!(cs[0].strength(), None);
    assert_eq!(cs[1].strength(), None);
    assert_eq!(b(&Challenge::strongest(&cs).unwrap().nonce), Some(&b"2"[..]));
    assert!(Challenge::strongest(&cs[..2]).is_none());
}

#[test]
fn brief_example_and_quoted_commas() {
    let v = br#"Digest realm="a", nonce="1", algorithm=SHA-256, Digest realm="a", nonce="2""#;
    let cs = all(Challenge::parse_list(v));
    assert_eq!(cs.len(), 2);
    assert_eq!(
        (b(&cs[0].nonce), cs[0].algorithm),
        (Some(&b"1"[..]), Algorithm::Sha256)
    );
    assert_eq!(
        (b(&cs[1].nonce), cs[1].algorithm),
        (Some(&b"2"[..]), Algorithm::Md5)
    );
    // Commas and a fake scheme inside a quoted value do not split; empty elements are skipped.
    let v = br#"Digest realm="a, Digest b=c", , nonce="x,y" ,, Newauth realm="apps", type=1, title="Login to \"apps\"", Basic  realm="simple""#;
    let cs = all(Challenge::parse_list(v));
    assert_eq!(cs.len(), 3);
    assert_eq!(b(&cs[0].realm), Some(&b"a, Digest b=c"[..]));
    assert_eq!(b(&cs[0].nonce), Some(&b"x,y"[..]));
    assert_eq!(cs[1].scheme, b"Newauth");
    assert!(!cs[1].is_digest());
    assert_eq!(b(&cs[1].realm), Some(&b"apps"[..]));
    assert_eq!(cs[1].nonce, None);
    let title = cs[1].params.get("title").unwrap();
    assert_eq!(title.raw_value, br#""Login to \"apps\"""#);
    assert_eq!(title.unquoted_raw(), br#"Login to \"apps\""#);
    assert_eq!(title.value(), Cow::<[u8]>::Owned(b"Login to \"apps\"".to_vec()));
    assert_eq!(cs[2].scheme, b"Basic");
    assert_eq!(b(&cs[2].realm), Some(&b"simple"[..]));
}

#[test]
fn token68_scheme_only_and_domain() {
    // RFC 8898 §6.1 Bearer credentials carry a token68.
    let a = Credentials::parse(b"Bearer mF_9.B5f-4.1JqM/x+y==").unwrap();
    assert_eq!(
        (a.scheme, a.token68),
        (&b"Bearer"[..], Some(&b"mF_9.B5f-4.1JqM/x+y=="[..]))
    );
    assert!(a.params.is_empty() && !a.is_digest());
    let cs = all(Challenge::parse_list(b"Negotiate, Basic dXNlcg==, Digest realm=\"r\", domain=\"sip:a.example.com  sip:b.example.com\", nonce=\"n\""));
    assert_eq!(cs.len(), 3);
    assert_eq!((cs[0].scheme, cs[0].token68), (&b"Negotiate"[..], None));
    assert_eq!(cs[1].token68, Some(&b"dXNlcg=="[..]));
    let d: Vec<_> = cs[2].domain_uris().collect();
    assert_eq!(d, [&b"sip:a.example.com"[..], b"sip:b.example.com"]);
    // Digest takes parameters, not a token68; a token68 takes no parameters.
    assert_eq!(Challenge::parse(b"Digest abc==").unwrap_err().offset, 7);
    assert_eq!(
        Credentials::parse(b"Bearer abc, realm=\"x\"").unwrap_err().offset,
        10
    );
}

#[test]
fn quoted_pairs_and_folds_decode_only_when_needed() {
    let c = Challenge::parse(b"Digest realm=\"a\\\"b\\\\c\", nonce=\"n1\", opaque=\"x\r\n y\"").unwrap();
    assert_eq!(c.realm, Some(Cow::Owned(b"a\"b\\c".to_vec())));
    assert!(matches!(c.nonce, Some(Cow::Borrowed(b"n1"))));
    assert_eq!(b(&c.opaque), Some(&b"x y"[..]));
}

#[test]
fn malformed_values() {
    let h = HeaderName::WwwAuthenticate;
    // A missing closing quote: realm swallows `, nonce=`, then `84a4cc6f` is where a comma
    // should be.
    let v = b"Digest realm=\"atlanta.com, nonce=\"84a4cc6f\"";
    let e = Challenge::parse(v).unwrap_err();
    assert_eq!(
        e,
        HeaderError {
            header: h,
            offset: 34
        }
    );
    assert_eq!(v[34], b'8');
    // Unterminated quoted-string: the error points at its opening quote.
    let v = b"Digest realm=\"atlanta.com\", nonce=\"84a4";
    assert_eq!(v[34], b'"');
    assert_eq!(Challenge::parse(v).unwrap_err().offset, 34);
    let mut it = Challenge::parse_list(v);
    assert_eq!(it.next().unwrap().unwrap_err().offset, 34);
    assert!(it.next().is_none());
    // A good challenge, then a bad one: the first parses, then one error, then nothing.
    let v = b"Digest realm=\"a\", nonce=\"1\", Digest realm=\"b\" nonce=\"2\"";
    let r: Vec<_> = Challenge::parse_list(v).collect();
    assert_eq!(r.len(), 2);
    assert_eq!(b(&r[0].as_ref().unwrap().realm), Some(&b"a"[..]));
    assert_eq!(r[1].as_ref().unwrap_err().offset, 46);
    assert_eq!(&v[46..], b"nonce=\"2\"");
    // A bare scheme is syntactically a challenge (RFC 7235 §2.1); it has no nonce.
    assert_eq!(Challenge::parse(b"Digest").unwrap().nonce, None);
    for (bad, at) in [
        (&b""[..], 0),                             // 1#challenge
        (b"Digest=realm", 6),                      // LWS needed after the scheme
        (b"Digest realm=", 7),                     // no value: a token68, not for Digest
        (b"Digest realm=,nonce=\"1\"", 13),        // empty value
        (b"Digest realm=\"a\", realm=\"b\"", 18),  // repeated parameter (RFC 7235 §2.1)
        (b"Digest realm=\"a\" ; nonce=\"b\"", 17), // not a comma
        (b"\"Digest\" realm=\"a\"", 0),            // the scheme is a token
    ] {
        assert_eq!(
            Challenge::parse(bad).unwrap_err().offset,
            at,
            "{}",
            core::str::from_utf8(bad).unwrap()
        );
    }
    // nc must be 8 hex digits.
    assert_eq!(
        Credentials::parse(b"Digest username=\"a\", nc=0001")
            .unwrap_err()
            .offset,
        24
    );
    assert_eq!(Credentials::parse(b"Digest nc=0000000g").unwrap_err().offset, 10);
    assert_eq!(
        Credentials::parse(b"Digest nc=FFFFFFFF").unwrap().nc,
        Some(u32::MAX)
    );
    assert_eq!(Credentials::parse(b"Digest nc=0000001a").unwrap().nc, Some(26));
}

#[test]
fn unknown_scheme_is_opaque() {
    // RFC 4475 §3.3.7: parameters of an unknown scheme are kept, never interpreted.
    let a = Credentials::parse(b"NoOneKnowsThisScheme opaque-data=here, nc=xyz, realm=\"r\"").unwrap();
    assert!(!a.is_digest());
    assert_eq!((a.opaque.clone(), a.nc, a.realm.clone()), (None, None, None));
    let p: Vec<_> = a.params.iter().map(|p| (p.name, p.raw_value)).collect();
    assert_eq!(
        p,
        [
            (&b"opaque-data"[..], &b"here"[..]),
            (b"nc", b"xyz"),
            (b"realm", b"\"r\"")
        ]
    );
}

#[test]
fn authentication_info() {
    // RFC 7616 §3.5 ainfo, RFC 3261 §20.6 example.
    let v = b"qop=auth, rspauth=\"6629fae49393a05397450978507c4ef1\",\r\n cnonce=\"0a4f113b\", nc=00000001, nextnonce=\"47364c23432d2e131a5fb210812c\", x-ext=1";
    let a = AuthenticationInfo::parse(v).unwrap();
    assert_eq!(a.qop, Some(Qop::Auth));
    assert_eq!(b(&a.rspauth), Some(&b"6629fae49393a05397450978507c4ef1"[..]));
    assert_eq!(b(&a.cnonce), Some(&b"0a4f113b"[..]));
    assert_eq!(a.nc, Some(1));
    assert_eq!(b(&a.nextnonce), Some(&b"47364c23432d2e131a5fb210812c"[..]));
    assert_eq!(a.params.get("x-ext").unwrap().raw_value, b"1");
    assert_eq!(
        AuthenticationInfo::parse(b"nextnonce=\"abc").unwrap_err().offset,
        10
    );
    assert_eq!(
        AuthenticationInfo::parse(b"nextnonce=\"a\", Digest x=1")
            .unwrap_err()
            .offset,
        13
    );
    assert!(AuthenticationInfo::parse(b"").is_err());
}

/// Runs every parser over `v`: no panic, errors inside the value, iteration ends.
fn survives(v: &[u8]) {
    let mut n = 0;
    for r in Challenge::parse_list(v).chain(Challenge::parse(v).into_iter().map(Ok)) {
        n += 1;
        assert!(n <= v.len() + 2, "too many challenges");
        match r {
            Ok(c) => c.params.iter().for_each(|p| drop(p.value())),
            Err(e) => assert!(e.offset <= v.len()),
        }
    }
    for r in Credentials::parse_list(v) {
        n += 1;
        assert!(n <= 2 * v.len() + 4, "too many credentials");
        if let Err(e) = r {
            assert!(e.offset <= v.len());
        }
    }
    if let Err(e) = AuthenticationInfo::parse(v) {
        assert!(e.offset <= v.len());
    }
}

#[test]
fn truncated_and_mutated_values_never_panic() {
    let seeds: [&[u8]; 3] = [
        br#"Digest realm =  "[1:ABCD::abc]", nonce =  "3\"1", qop="AUTH,autH-INt", algorithm =  md5  ,  stale =  TRUE , opaque = "00000188""#,
        b"Digest realm=\"a\",\r\n nonce=\"1\", Bearer x/y==, Negotiate, Basic realm=\"b\" ,, nc=0000000a",
        b"qop=auth, rspauth=\"6629\\\\fae\", cnonce=\"0a4f113b\", nc=00000001, nextnonce=\"4736\r\n 4c23\"",
    ];
    for s in seeds {
        for end in 0..=s.len() {
            survives(&s[..end]);
            survives(&s[end..]);
        }
        for i in 0..s.len() {
            for &c in b"\",=\\ \r\n\tD/" {
                let mut m = s.to_vec();
                m[i] = c;
                survives(&m);
            }
        }
    }
}
