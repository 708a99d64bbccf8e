//! `Config::from_json`: JsSIP's configuration objects, every accepted shape, every refusal.

use alloc::string::{String, ToString};
use alloc::vec;

use super::*;
use crate::message::Method;
use crate::time::Duration;
use crate::transport::TransportKind;

pub(super) fn load(json: &str) -> Config {
    Config::from_json(json).unwrap()
}

/// The parameter and problem of a refused JSON configuration.
pub(super) fn refused(json: &str) -> (String, ConfigProblem) {
    let e = Config::from_json(json).unwrap_err();
    (e.parameter.to_string(), e.problem)
}

/// A minimal valid object plus `extra` members (`extra` starts with a comma when not empty).
pub(super) fn with(extra: &str) -> String {
    alloc::format!(r#"{{"uri": "sip:alice@example.com", "ws_servers": "wss://sip.example.com"{extra}}}"#)
}

pub(super) fn wrong_type(parameter: &str, expected: &'static str) -> (String, ConfigProblem) {
    (parameter.to_string(), ConfigProblem::WrongType { expected })
}

pub(super) fn servers(c: &Config) -> vec::Vec<(&str, u16, u32)> {
    c.servers
        .iter()
        .map(|s| (s.server.host.as_str(), s.server.port, s.weight))
        .collect()
}

/// JsSIP's test UA (`src/test/include/consts.ts` UA_CONFIGURATION) and what JsSIP's UA holds
/// after normalising it (UA_CONFIGURATION_AFTER_START).
#[test]
fn jssip_test_ua_configuration() {
    let c = load(
        r#"{
        "uri": "sip:f%61keUA@jssip.net",
        "password": "1234ññññ",
        "display_name": "Fake UA ð→€ł !!!",
        "authorization_user": "fakeUA",
        "instance_id": "uuid:8f1fa16a-1165-4a96-8341-785b1ef24f12",
        "registrar_server": "registrar.jssip.NET:6060;TRansport=TCP",
        "register_expires": 600,
        "register": false,
        "connection_recovery_min_interval": 2,
        "connection_recovery_max_interval": 30,
        "use_preloaded_route": true,
        "no_answer_timeout": 60000,
        "session_timers": true,
        "sockets": ["ws://localhost:12345"]
    }"#,
    );
    assert_eq!(c.uri.as_str(), "sip:fakeUA@jssip.net");
    assert_eq!(c.password.as_deref(), Some("1234ññññ"));
    assert_eq!(c.display_name.as_deref(), Some("Fake UA ð→€ł !!!"));
    assert_eq!(c.authorization_user, "fakeUA");
    assert_eq!(
        c.instance_id.as_deref(),
        Some("8f1fa16a-1165-4a96-8341-785b1ef24f12")
    );
    assert_eq!(
        c.registrar_server.as_str(),
        "sip:registrar.jssip.net:6060;transport=tcp"
    );
    assert_eq!(c.register_expires, 600);
    assert!(!c.register);
    assert!(c.use_preloaded_route);
    assert_eq!(c.no_answer_timeout, Duration::from_secs(60_000));
    assert!(c.session_timers);
    assert_eq!(c.connection_recovery_min_interval, Duration::from_secs(2));
    assert_eq!(c.connection_recovery_max_interval, Duration::from_secs(30));
    assert_eq!(servers(&c), [("localhost", 12345, 0)]);
    assert_eq!(c.servers[0].server.transport, TransportKind::Ws);
    // Without authorization_user, JsSIP takes the user of `uri`, unescaped.
    let c = load(r#"{"uri": "sip:f%61keUA@jssip.net", "sockets": "ws://localhost:12345"}"#);
    assert_eq!(c.authorization_user, "fakeUA");
}

/// The example in README.md.
#[test]
fn readme_example() {
    let c = load(
        r#"{
        "uri": "sip:alice@example.com",
        "ws_servers": [
            { "ws_uri": "wss://sip1.example.com", "weight": 10 },
            { "ws_uri": "wss://sip2.example.com", "weight": 1 }
        ],
        "display_name": "Alice",
        "password": "secret",
        "register": true,
        "register_expires": 600,
        "no_answer_timeout": 60,
        "trace_sip": false,
        "connection_recovery_min_interval": 2,
        "connection_recovery_max_interval": 30
    }"#,
    );
    let built = Config::builder("sip:alice@example.com")
        .weighted_server("wss://sip1.example.com", 10)
        .weighted_server("wss://sip2.example.com", 1)
        .display_name("Alice")
        .password("secret")
        .build()
        .unwrap();
    assert_eq!(c, built);
    assert_eq!(
        servers(&c),
        [("sip1.example.com", 443, 10), ("sip2.example.com", 443, 1)]
    );
}

/// A configuration using every parameter, as a JsSIP application would write it.
#[test]
fn every_parameter() {
    let c = load(
        r#"{
        "uri": "sip:alice@example.com",
        "ws_servers": ["wss://edge1.example.com:8443/sip", {"ws_uri": "ws://edge2.example.com"}],
        "display_name": "\"Alice\" ¶€ĸøĸø",
        "password": 1234,
        "authorization_user": "alice123",
        "register": true,
        "register_expires": "300",
        "register_from_tag_trail": "edge-1",
        "registrar_server": "sip:registrar.example.com",
        "no_answer_timeout": 120,
        "trace_sip": true,
        "stun_servers": ["stun:stun1.example.com", "stuns:stun2.example.com:5349"],
        "turn_servers": [
            {"urls": "turn:turn.example.com", "username": "turnuser", "credential": "turnpassword"},
            {"urls": ["turn:t2.example.com", "turns:t2.example.com"], "username": "u2", "credential": "p2"}
        ],
        "use_preloaded_route": true,
        "connection_recovery_min_interval": 0.5,
        "connection_recovery_max_interval": 60,
        "hack_via_tcp": true,
        "hack_ip_in_contact": true,
        "contact_uri": "sip:alice@192.0.2.10;transport=ws",
        "instance_id": "8f1fa16a-1165-4a96-8341-785b1ef24f12",
        "realm": "example.com",
        "ha1": "939E7578ED9E3C518A452ACEE763BCE9",
        "authorization_jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln",
        "user_agent": "MyPhone 1.0",
        "register_extra_headers": ["X-Device: desk"],
        "extra_headers": ["X-Tenant: 42"],
        "session_timers": false,
        "session_timers_refresh_method": "invite",
        "session_timers_force_refresher": true,
        "keep_alive_interval": 25,
        "limits": {"max_message_size": 20000, "max_headers": 64}
    }"#,
    );
    assert_eq!(
        servers(&c),
        [("edge1.example.com", 8443, 0), ("edge2.example.com", 80, 0)]
    );
    assert_eq!(c.servers[0].server.path, "/sip");
    assert_eq!(c.display_name.as_deref(), Some("\"Alice\" ¶€ĸøĸø"));
    assert_eq!(
        c.password.as_deref(),
        Some("1234"),
        "a number is taken as its text"
    );
    assert_eq!(c.authorization_user, "alice123");
    assert_eq!(c.register_expires, 300, "JsSIP takes numeric strings");
    assert_eq!(c.register_from_tag_trail.as_deref(), Some("edge-1"));
    assert_eq!(c.registrar_server.as_str(), "sip:registrar.example.com");
    assert_eq!(c.no_answer_timeout, Duration::from_secs(120));
    assert!(c.trace_sip);
    assert_eq!(
        c.stun_servers,
        ["stun:stun1.example.com", "stuns:stun2.example.com:5349"]
    );
    assert_eq!(c.turn_servers.len(), 2);
    assert_eq!(c.turn_servers[0].urls, ["turn:turn.example.com"]);
    assert_eq!(c.turn_servers[0].username.as_deref(), Some("turnuser"));
    assert_eq!(c.turn_servers[0].credential.as_deref(), Some("turnpassword"));
    assert_eq!(
        c.turn_servers[1].urls,
        ["turn:t2.example.com", "turns:t2.example.com"]
    );
    assert!(c.use_preloaded_route);
    assert_eq!(c.connection_recovery_min_interval, Duration::from_millis(500));
    assert_eq!(c.connection_recovery_max_interval, Duration::from_secs(60));
    assert!(c.hack_via_tcp && c.hack_ip_in_contact);
    assert_eq!(
        c.contact_uri.as_ref().map(|u| u.as_str()),
        Some("sip:alice@192.0.2.10;transport=ws")
    );
    assert_eq!(
        c.instance_id.as_deref(),
        Some("8f1fa16a-1165-4a96-8341-785b1ef24f12")
    );
    assert_eq!(c.realm.as_deref(), Some("example.com"));
    assert_eq!(c.ha1.as_deref(), Some("939e7578ed9e3c518a452acee763bce9"));
    assert_eq!(
        c.authorization_jwt.as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln")
    );
    assert_eq!(c.user_agent, "MyPhone 1.0");
    // Both names feed one list, in key order (serde_json keeps objects sorted).
    assert_eq!(c.register_extra_headers, ["X-Tenant: 42", "X-Device: desk"]);
    assert!(!c.session_timers);
    assert_eq!(c.session_timers_refresh_method, Method::Invite);
    assert!(c.session_timers_force_refresher);
    assert_eq!(c.keep_alive_interval, Some(Duration::from_secs(25)));
    assert_eq!((c.limits.max_message_size, c.limits.max_headers), (20_000, 64));
    assert_eq!(c.limits.max_uri_len, 4_096);
}

#[test]
fn server_shapes() {
    let c = load(&with(""));
    assert_eq!(servers(&c), [("sip.example.com", 443, 0)]);
    let c = load(r#"{"uri": "sip:a@b.com", "ws_servers": ["ws://one.com", "wss://two.com:444"]}"#);
    assert_eq!(servers(&c), [("one.com", 80, 0), ("two.com", 444, 0)]);
    let c = load(
        r#"{"uri": "sip:a@b.com", "ws_servers": [
            {"ws_uri": "wss://one.com", "weight": 10}, "wss://two.com",
            {"ws_uri": "wss://three.com", "weight": null}, {"ws_uri": "wss://four.com", "weight": 2.0}]}"#,
    );
    assert_eq!(
        servers(&c),
        [
            ("one.com", 443, 10),
            ("two.com", 443, 0),
            ("three.com", 443, 0),
            ("four.com", 443, 2)
        ]
    );
    // Newer JsSIP's `sockets`, with `url` or `socket` for the URL.
    let c = load(
        r#"{"uri": "sip:a@b.com", "sockets": [{"url": "wss://one.com", "weight": 1}, {"socket": "wss://two.com"}]}"#,
    );
    assert_eq!(servers(&c), [("one.com", 443, 1), ("two.com", 443, 0)]);
    // Our extension: SIP URIs for UDP/TCP/TLS.
    let c = load(
        r#"{"uri": "sip:a@b.com", "ws_servers": ["sip:proxy.b.com;transport=tcp", "sips:proxy.b.com"]}"#,
    );
    let kinds: vec::Vec<_> = c
        .servers
        .iter()
        .map(|s| (s.server.transport, s.server.port))
        .collect();
    assert_eq!(kinds, [(TransportKind::Tcp, 5060), (TransportKind::Tls, 5061)]);
}

#[test]
fn stun_and_turn_shapes() {
    assert_eq!(
        load(&with(r#", "stun_servers": "stun:s.com""#)).stun_servers,
        ["stun:s.com"]
    );
    assert_eq!(
        load(&with(r#", "stun_servers": ["stun:a.com", "stuns:b.com"]"#)).stun_servers,
        ["stun:a.com", "stuns:b.com"]
    );
    // JsSIP: null, "" and [] leave the default in place.
    for empty in ["null", "\"\"", "[]"] {
        let c = load(&with(&alloc::format!(
            r#", "stun_servers": {empty}, "display_name": {empty}"#
        )));
        assert_eq!(c.stun_servers, [DEFAULT_STUN_SERVER]);
        assert_eq!(c.display_name, None);
    }
    let one = TurnServer {
        urls: vec!["turn:t.com".to_string()],
        username: Some("u".to_string()),
        credential: Some("p".to_string()),
    };
    let c = load(&with(
        r#", "turn_servers": {"urls": "turn:t.com", "username": "u", "credential": "p"}"#,
    ));
    assert_eq!(c.turn_servers, vec![one.clone()]);
    let c = load(&with(
        r#", "turn_servers": [{"urls": ["turn:t.com"], "username": "u", "credential": "p"}]"#,
    ));
    assert_eq!(c.turn_servers, vec![one.clone()]);
    // Older JsSIP's `url` / `server`.
    let c = load(&with(
        r#", "turn_servers": {"server": "turn:t.com", "username": "u", "credential": "p"}"#,
    ));
    assert_eq!(c.turn_servers, [one]);
    let c = load(&with(r#", "turn_servers": {"url": "turns:t.com"}"#));
    assert_eq!(c.turn_servers[0].username, None);
}

#[test]
fn numbers() {
    let c = load(&with(
        r#", "no_answer_timeout": 1.25, "connection_recovery_max_interval": "45""#,
    ));
    assert_eq!(c.no_answer_timeout, Duration::from_millis(1250));
    assert_eq!(c.connection_recovery_max_interval, Duration::from_secs(45));
    assert_eq!(c.keep_alive_interval, None);
    assert_eq!(
        load(&with(r#", "keep_alive_interval": 0"#)).keep_alive_interval,
        None
    );
    assert_eq!(
        load(&with(r#", "register_expires": 3600.0"#)).register_expires,
        3600
    );
}

#[test]
fn builder_from_json_can_be_adjusted() {
    let c = ConfigBuilder::from_json(&with(r#", "password": "from-file""#))
        .unwrap()
        .password("from-keyring")
        .build()
        .unwrap();
    assert_eq!(c.password.as_deref(), Some("from-keyring"));
    let value = serde_json::json!({"uri": "sip:a@b.com", "ws_servers": "wss://x.com"});
    assert_eq!(Config::from_json_value(&value).unwrap().authorization_user, "a");
}
