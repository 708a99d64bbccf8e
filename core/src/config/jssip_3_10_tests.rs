//! The parameters later JsSIP versions added: `authorization_jwt` (3.4),
//! `session_timers_force_refresher` (3.6) and `register_from_tag_trail` (3.10): defaults, the
//! builder, JSON shapes and every refusal.

use alloc::format;
use alloc::string::{String, ToString};

use super::*;

/// A made-up compact JWT (header.payload.signature, base64url).
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_";

fn minimal() -> ConfigBuilder {
    Config::builder("sip:alice@example.com").server("wss://sip.example.com")
}

fn refused(b: ConfigBuilder) -> (String, ConfigProblem) {
    let e = b.build().unwrap_err();
    (e.parameter.to_string(), e.problem)
}

fn invalid(parameter: &str, reason: &'static str) -> (String, ConfigProblem) {
    (parameter.to_string(), ConfigProblem::Invalid(reason))
}

#[test]
fn defaults_are_jssips() {
    // JsSIP Config.js: authorization_jwt null, session_timers_force_refresher false,
    // register_from_tag_trail ''.
    let c = minimal().build().unwrap();
    assert_eq!(c.authorization_jwt, None);
    assert!(!c.session_timers_force_refresher);
    assert_eq!(c.register_from_tag_trail, None);
}

#[test]
fn builder_sets_each() {
    let c = minimal()
        .authorization_jwt(format!("Bearer {JWT}"))
        .session_timers_force_refresher(true)
        .register_from_tag_trail("-edge1.!%*_+`'~")
        .build()
        .unwrap();
    let bearer = format!("Bearer {JWT}");
    assert_eq!(
        c.authorization_jwt.as_deref(),
        Some(bearer.as_str()),
        "kept verbatim: JsSIP adds no scheme"
    );
    assert!(c.session_timers_force_refresher);
    assert_eq!(
        c.register_from_tag_trail.as_deref(),
        Some("-edge1.!%*_+`'~"),
        "every token character of RFC 3261 §25.1"
    );
    let c = minimal().authorization_jwt(JWT).build().unwrap();
    assert_eq!(c.authorization_jwt.as_deref(), Some(JWT));
    // Empty strings count as absent, as in JsSIP.
    let c = minimal()
        .authorization_jwt("")
        .register_from_tag_trail("")
        .build()
        .unwrap();
    assert_eq!((c.authorization_jwt, c.register_from_tag_trail), (None, None));
}

#[test]
fn bad_values() {
    for jwt in ["abc\r\nVia: SIP/2.0/WS evil", "abc\n", "\r", "Bearer x\ry"] {
        assert_eq!(
            refused(minimal().authorization_jwt(jwt)),
            invalid("authorization_jwt", "contains a line break"),
            "{jwt:?}"
        );
    }
    for jwt in [" ", "\t", " \t "] {
        assert_eq!(
            refused(minimal().authorization_jwt(jwt)),
            invalid("authorization_jwt", "is blank"),
            "{jwt:?}"
        );
    }
    for trail in [
        "a b", "x;lr", "k=v", "a,b", "a\"b", "<a>", "a:b", "a/b", "é", "a\r\n", " ",
    ] {
        assert_eq!(
            refused(minimal().register_from_tag_trail(trail)),
            invalid("register_from_tag_trail", "must be token characters only"),
            "{trail:?}"
        );
    }
    let e = minimal().register_from_tag_trail("a b").build().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid configuration parameter \"register_from_tag_trail\": must be token characters only"
    );
}

#[cfg(feature = "serde")]
mod json {
    use alloc::string::ToString;

    use super::super::json_tests::{load, refused, with, wrong_type};
    use super::super::ConfigProblem;
    use super::JWT;

    #[test]
    fn shapes() {
        let c = load(&with(&alloc::format!(
            r#", "authorization_jwt": "{JWT}", "session_timers_force_refresher": true, "register_from_tag_trail": "edge1""#
        )));
        assert_eq!(c.authorization_jwt.as_deref(), Some(JWT));
        assert!(c.session_timers_force_refresher);
        assert_eq!(c.register_from_tag_trail.as_deref(), Some("edge1"));
        // JsSIP's String(register_from_tag_trail) takes a number as its text.
        let c = load(&with(r#", "register_from_tag_trail": 42"#));
        assert_eq!(c.register_from_tag_trail.as_deref(), Some("42"));
        let c = load(&with(r#", "session_timers_force_refresher": false"#));
        assert!(!c.session_timers_force_refresher);
        // null and "" leave JsSIP's defaults in place.
        let c = load(&with(
            r#", "authorization_jwt": "", "register_from_tag_trail": null, "session_timers_force_refresher": null"#,
        ));
        assert_eq!(c.authorization_jwt, None);
        assert_eq!(c.register_from_tag_trail, None);
        assert!(!c.session_timers_force_refresher);
    }

    #[test]
    fn wrong_types() {
        for (member, parameter, expected) in [
            (r#""authorization_jwt": 42"#, "authorization_jwt", "a string"),
            (r#""authorization_jwt": true"#, "authorization_jwt", "a string"),
            (r#""authorization_jwt": ["x"]"#, "authorization_jwt", "a string"),
            (
                r#""authorization_jwt": {"token": "x"}"#,
                "authorization_jwt",
                "a string",
            ),
            (
                r#""session_timers_force_refresher": "yes""#,
                "session_timers_force_refresher",
                "a boolean",
            ),
            (
                r#""session_timers_force_refresher": 1"#,
                "session_timers_force_refresher",
                "a boolean",
            ),
            (
                r#""register_from_tag_trail": true"#,
                "register_from_tag_trail",
                "a string",
            ),
            (
                r#""register_from_tag_trail": ["x"]"#,
                "register_from_tag_trail",
                "a string",
            ),
            (
                r#""register_from_tag_trail": {}"#,
                "register_from_tag_trail",
                "a string",
            ),
        ] {
            assert_eq!(
                refused(&with(&alloc::format!(", {member}"))),
                wrong_type(parameter, expected),
                "{member}"
            );
        }
    }

    #[test]
    fn invalid_values() {
        let invalid = |p: &str, r: &'static str| (p.to_string(), ConfigProblem::Invalid(r));
        assert_eq!(
            refused(&with(r#", "authorization_jwt": "abc\r\nVia: x""#)),
            invalid("authorization_jwt", "contains a line break")
        );
        assert_eq!(
            refused(&with(r#", "authorization_jwt": "  ""#)),
            invalid("authorization_jwt", "is blank")
        );
        assert_eq!(
            refused(&with(r#", "register_from_tag_trail": "x;lr""#)),
            invalid("register_from_tag_trail", "must be token characters only")
        );
        assert_eq!(
            refused(&with(r#", "register_from_tag_trail": "edge 1""#)),
            invalid("register_from_tag_trail", "must be token characters only")
        );
        assert_eq!(
            refused(&with(r#", "authorisation_jwt": "x""#)),
            ("authorisation_jwt".to_string(), ConfigProblem::Unknown)
        );
    }
}
