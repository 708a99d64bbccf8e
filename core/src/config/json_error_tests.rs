//! `Config::from_json` refusals: each names the JsSIP parameter and says what is wrong.

use alloc::string::ToString;

use super::json_tests::{refused, with, wrong_type};
use super::*;
use crate::transport::ServerUriError;
#[test]
fn unknown_keys() {
    assert_eq!(
        refused(&with(r#", "wss_servers": "wss://x.com""#)),
        ("wss_servers".to_string(), ConfigProblem::Unknown)
    );
    // Even when its value is empty.
    assert_eq!(
        refused(&with(r#", "hack_via_ws": null"#)),
        ("hack_via_ws".to_string(), ConfigProblem::Unknown)
    );
    assert_eq!(
        refused(r#"{"uri": "sip:a@b.com", "ws_servers": [{"ws_uri": "wss://x.com", "wieght": 1}]}"#),
        (
            "ws_servers".to_string(),
            ConfigProblem::UnknownField("wieght".to_string())
        )
    );
    assert_eq!(
        refused(&with(
            r#", "turn_servers": {"urls": "turn:t.com", "usrname": "u"}"#
        )),
        (
            "turn_servers".to_string(),
            ConfigProblem::UnknownField("usrname".to_string())
        )
    );
    assert_eq!(
        refused(&with(r#", "limits": {"max_body": 5}"#)),
        (
            "limits".to_string(),
            ConfigProblem::UnknownField("max_body".to_string())
        )
    );
}

#[test]
fn wrong_types() {
    let list = "a string or a list of strings and {ws_uri, weight} objects";
    assert_eq!(
        refused(r#"{"uri": 42, "ws_servers": "wss://x.com"}"#),
        wrong_type("uri", "a string")
    );
    assert_eq!(
        refused(r#"{"uri": "sip:a@b.com", "ws_servers": 5}"#),
        wrong_type("ws_servers", list)
    );
    assert_eq!(
        refused(r#"{"uri": "sip:a@b.com", "sockets": [true]}"#),
        wrong_type("sockets", list)
    );
    assert_eq!(
        refused(r#"{"uri": "sip:a@b.com", "ws_servers": [{"ws_uri": "wss://x.com", "weight": "heavy"}]}"#),
        wrong_type("ws_servers", "a number")
    );
    assert_eq!(
        refused(&with(r#", "register": "yes""#)),
        wrong_type("register", "a boolean")
    );
    assert_eq!(
        refused(&with(r#", "trace_sip": 1"#)),
        wrong_type("trace_sip", "a boolean")
    );
    assert_eq!(
        refused(&with(r#", "register_expires": true"#)),
        wrong_type("register_expires", "a number")
    );
    assert_eq!(
        refused(&with(r#", "register_expires": "soon""#)),
        wrong_type("register_expires", "a number")
    );
    assert_eq!(
        refused(&with(r#", "register_expires": 60.5"#)),
        wrong_type("register_expires", "a whole number")
    );
    assert_eq!(
        refused(&with(r#", "no_answer_timeout": [60]"#)),
        wrong_type("no_answer_timeout", "a number")
    );
    assert_eq!(
        refused(&with(r#", "display_name": {"a": 1}"#)),
        wrong_type("display_name", "a string")
    );
    assert_eq!(
        refused(&with(r#", "password": false"#)),
        wrong_type("password", "a string")
    );
    assert_eq!(
        refused(&with(r#", "stun_servers": 3"#)),
        wrong_type("stun_servers", "a string or a list of strings")
    );
    assert_eq!(
        refused(&with(r#", "extra_headers": ["X-A: 1", 2]"#)),
        wrong_type("extra_headers", "a string or a list of strings")
    );
    assert_eq!(
        refused(&with(r#", "turn_servers": "turn:t.com""#)),
        wrong_type("turn_servers", "an object or a list of objects")
    );
    assert_eq!(
        refused(&with(r#", "limits": 3"#)),
        wrong_type("limits", "an object")
    );
    assert_eq!(
        refused(&with(r#", "session_timers_refresh_method": 1"#)),
        wrong_type("session_timers_refresh_method", "a string")
    );
}

#[test]
fn bad_values() {
    assert!(matches!(
        refused(r#"{"uri": "sip:alice@exa mple.com", "ws_servers": "wss://x.com"}"#),
        (p, ConfigProblem::InvalidUri(_)) if p == "uri"
    ));
    assert_eq!(
        refused(r#"{"uri": "sip:alice@example.com", "ws_servers": ["wss://ok.com", "https://x.com"]}"#),
        (
            "ws_servers".to_string(),
            ConfigProblem::InvalidServer(ServerUriError::Scheme)
        )
    );
    assert_eq!(
        refused(r#"{"uri": "sip:alice@example.com", "sockets": "wss://x.com:99999"}"#),
        (
            "sockets".to_string(),
            ConfigProblem::InvalidServer(ServerUriError::Port)
        )
    );
    assert_eq!(
        refused(r#"{"uri": "sip:alice@example.com", "ws_servers": [{"weight": 3}]}"#),
        ("ws_servers".to_string(), ConfigProblem::MissingField("ws_uri"))
    );
    assert_eq!(
        refused(r#"{"uri": "sip:alice@example.com", "ws_servers": []}"#),
        ("ws_servers".to_string(), ConfigProblem::Missing)
    );
    assert_eq!(
        refused(r#"{"uri": "", "ws_servers": "wss://x.com"}"#),
        ("uri".to_string(), ConfigProblem::Missing)
    );
    assert_eq!(
        refused(&with(
            r#", "stun_servers": ["stun:ok.com", "stun.example.com:3478"]"#
        )),
        (
            "stun_servers".to_string(),
            ConfigProblem::Invalid("each url must start with stun: or stuns:")
        )
    );
    assert_eq!(
        refused(&with(r#", "connection_recovery_min_interval": 40"#)),
        (
            "connection_recovery_min_interval".to_string(),
            ConfigProblem::Invalid("greater than connection_recovery_max_interval")
        )
    );
    for negative in [
        r#", "connection_recovery_max_interval": -1"#,
        r#", "no_answer_timeout": -0.5"#,
        r#", "keep_alive_interval": "-3""#,
        r#", "register_expires": -600"#,
        r#", "register_expires": 5000000000"#,
        r#", "no_answer_timeout": "NaN""#,
        r#", "no_answer_timeout": 1e300"#,
    ] {
        let (parameter, problem) = refused(&with(negative));
        assert_eq!(problem, ConfigProblem::OutOfRange, "{negative}");
        assert!(negative.contains(&*parameter), "{negative} named {parameter}");
    }
    assert_eq!(
        refused(&with(r#", "register_expires": 0"#)),
        ("register_expires".to_string(), ConfigProblem::OutOfRange)
    );
    assert_eq!(
        refused(&with(r#", "ha1": "939e7578ed9e3c518a452acee763bce9""#)),
        ("ha1".to_string(), ConfigProblem::Requires("realm"))
    );
    assert_eq!(
        refused(&with(r#", "instance_id": "uuid:not-a-uuid""#)),
        (
            "instance_id".to_string(),
            ConfigProblem::Invalid("not a uuid (8-4-4-4-12 hex digits)")
        )
    );
    assert_eq!(
        refused(&with(r#", "session_timers_refresh_method": "BYE""#)),
        (
            "session_timers_refresh_method".to_string(),
            ConfigProblem::Invalid("must be UPDATE or INVITE")
        )
    );
    assert_eq!(
        refused(&with(r#", "session_timers_refresh_method": "REFRESH""#)),
        (
            "session_timers_refresh_method".to_string(),
            ConfigProblem::Invalid("must be UPDATE or INVITE")
        )
    );
}

#[test]
fn malformed_documents() {
    let e = Config::from_json("{\n  \"uri\": \"sip:a@b.com\",\n  \"register\": yes\n}").unwrap_err();
    assert_eq!(&*e.parameter, "");
    assert_eq!(e.problem, ConfigProblem::Json { line: 3, column: 15 });
    assert_eq!(
        e.to_string(),
        "invalid configuration: malformed json at line 3 column 15"
    );
    assert_eq!(refused("[]"), wrong_type("", "a json object"));
    assert_eq!(refused("\"sip:a@b.com\""), wrong_type("", "a json object"));
    assert!(matches!(refused(""), (_, ConfigProblem::Json { line: 1, .. })));
    assert_eq!(refused("{}"), ("uri".to_string(), ConfigProblem::Missing));
}
