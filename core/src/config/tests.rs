use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::message::Method;
use crate::parse::Limits;
use crate::time::Duration;
use crate::transport::{ServerUriError, TransportKind};
use crate::uri::Uri;
use crate::uri::UriErrorKind;

fn minimal() -> ConfigBuilder {
    Config::builder("sip:alice@example.com").server("wss://sip.example.com")
}

/// The parameter and problem of a refused builder.
fn refused(b: ConfigBuilder) -> (String, ConfigProblem) {
    let e = b.build().unwrap_err();
    (e.parameter.to_string(), e.problem)
}

fn invalid(parameter: &str, reason: &'static str) -> (String, ConfigProblem) {
    (parameter.to_string(), ConfigProblem::Invalid(reason))
}

#[test]
fn defaults() {
    let c = minimal().build().unwrap();
    assert_eq!(c.uri.as_str(), "sip:alice@example.com");
    assert_eq!(c.servers.len(), 1);
    assert_eq!(c.servers[0].weight, 0);
    assert_eq!(c.servers[0].server.transport, TransportKind::Wss);
    assert_eq!(c.servers[0].server.port, 443);
    assert_eq!(c.display_name, None);
    assert_eq!(c.password, None);
    assert_eq!(c.authorization_user, "alice");
    assert!(c.register);
    assert_eq!(c.register_expires, 600);
    assert_eq!(c.registrar_server.as_str(), "sip:example.com");
    assert_eq!(c.no_answer_timeout, Duration::from_secs(60));
    assert!(!c.trace_sip);
    assert_eq!(c.stun_servers, vec!["stun:stun.l.google.com:19302".to_string()]);
    assert!(c.turn_servers.is_empty());
    assert!(!c.use_preloaded_route);
    assert_eq!(c.connection_recovery_min_interval, Duration::from_secs(2));
    assert_eq!(c.connection_recovery_max_interval, Duration::from_secs(30));
    assert!(!c.hack_via_tcp);
    assert!(!c.hack_ip_in_contact);
    assert_eq!(c.contact_uri, None);
    assert_eq!(c.instance_id, None);
    assert_eq!(c.realm, None);
    assert_eq!(c.ha1, None);
    assert_eq!(c.user_agent, concat!("sansip/", env!("CARGO_PKG_VERSION")));
    assert!(c.register_extra_headers.is_empty());
    assert!(c.session_timers);
    assert_eq!(c.session_timers_refresh_method, Method::Update);
    assert_eq!(c.keep_alive_interval, None);
    assert_eq!(c.limits, Limits::default());
}

#[test]
fn every_setter_lands_in_its_field() {
    let limits = Limits {
        max_message_size: 10_000,
        ..Limits::default()
    };
    let turn = TurnServer {
        urls: vec!["turns:turn.example.com:443?transport=tcp".to_string()],
        username: Some("turnuser".to_string()),
        credential: Some("turnpassword".to_string()),
    };
    let c = Config::builder("sips:Bob@Example.COM:5061;transport=tcp")
        .weighted_server("wss://a.example.com/ws", 10)
        .server("sip:proxy.example.com;transport=udp")
        .display_name("\"Bob\"")
        .password("pw")
        .authorization_user("bob-auth")
        .register(false)
        .register_expires(300)
        .registrar_server("sips:registrar.example.com")
        .no_answer_timeout(Duration::from_millis(1500))
        .trace_sip(true)
        .stun_server("stuns:stun.example.com")
        .stun_server("STUN:stun2.example.com")
        .turn_server(turn.clone())
        .use_preloaded_route(true)
        .connection_recovery_min_interval(Duration::from_secs(4))
        .connection_recovery_max_interval(Duration::from_secs(60))
        .hack_via_tcp(true)
        .hack_ip_in_contact(true)
        .contact_uri("sip:bob@198.51.100.7:5070;transport=ws;ob")
        .instance_id("8F1FA16A-1165-4a96-8341-785b1ef24f12")
        .realm("example.com")
        .ha1("0123456789ABCDEF0123456789abcdef")
        .user_agent("MyPhone/1.0")
        .register_extra_header("X-Foo: bar")
        .register_extra_header("P-Bar : baz")
        .session_timers(false)
        .session_timers_refresh_method(Method::Invite)
        .keep_alive_interval(Duration::from_secs(25))
        .limits(limits)
        .build()
        .unwrap();
    assert_eq!(c.uri.as_str(), "sips:Bob@example.com:5061;transport=tcp");
    let servers: Vec<_> = c.servers.iter().map(|s| (s.server.transport, s.weight)).collect();
    assert_eq!(servers, [(TransportKind::Wss, 10), (TransportKind::Udp, 0)]);
    assert_eq!(c.servers[0].server.path, "/ws");
    assert_eq!(
        c.display_name.as_deref(),
        Some("\"Bob\""),
        "kept as given, quotes included"
    );
    assert_eq!(c.password.as_deref(), Some("pw"));
    assert_eq!(c.authorization_user, "bob-auth");
    assert!(!c.register);
    assert_eq!(c.register_expires, 300);
    assert_eq!(c.registrar_server.as_str(), "sips:registrar.example.com");
    assert_eq!(c.no_answer_timeout, Duration::from_millis(1500));
    assert!(c.trace_sip);
    assert_eq!(
        c.stun_servers,
        ["stuns:stun.example.com", "STUN:stun2.example.com"]
    );
    assert_eq!(c.turn_servers, [turn]);
    assert!(c.use_preloaded_route);
    assert_eq!(c.connection_recovery_min_interval, Duration::from_secs(4));
    assert_eq!(c.connection_recovery_max_interval, Duration::from_secs(60));
    assert!(c.hack_via_tcp && c.hack_ip_in_contact);
    assert_eq!(
        c.contact_uri.as_ref().map(Uri::as_str),
        Some("sip:bob@198.51.100.7:5070;transport=ws;ob")
    );
    assert_eq!(
        c.instance_id.as_deref(),
        Some("8F1FA16A-1165-4a96-8341-785b1ef24f12")
    );
    assert_eq!(c.realm.as_deref(), Some("example.com"));
    assert_eq!(c.ha1.as_deref(), Some("0123456789abcdef0123456789abcdef"));
    assert_eq!(c.user_agent, "MyPhone/1.0");
    assert_eq!(c.register_extra_headers, ["X-Foo: bar", "P-Bar : baz"]);
    assert!(!c.session_timers);
    assert_eq!(c.session_timers_refresh_method, Method::Invite);
    assert_eq!(c.keep_alive_interval, Some(Duration::from_secs(25)));
    assert_eq!(c.limits.max_message_size, 10_000);
}

#[test]
fn uri_forms_and_derived_defaults() {
    // JsSIP prefixes `sip:` when it is missing; the user is unescaped where it can be.
    let c = Config::builder("f%61keUA@JSSIP.net")
        .server("ws://h")
        .build()
        .unwrap();
    assert_eq!(c.uri.as_str(), "sip:fakeUA@jssip.net");
    assert_eq!(c.authorization_user, "fakeUA");
    // A user that needs escaping keeps it; authorization_user is the unescaped text.
    let c = Config::builder("SIP:I%C3%B1aki%20x@Example.com:5080;TRansport=WS;Foo=Bar?Subject=Hi")
        .server("ws://h")
        .build()
        .unwrap();
    assert_eq!(
        c.uri.as_str(),
        "sip:I%C3%B1aki%20x@example.com:5080;transport=ws;foo=Bar?Subject=Hi"
    );
    assert_eq!(c.authorization_user, "Iñaki x");
    // The default registrar drops user, parameters and headers but keeps scheme and port.
    assert_eq!(c.registrar_server.as_str(), "sip:example.com:5080");
    let c = Config::builder("sips:alice@[2001:DB8::1]")
        .server("ws://h")
        .build()
        .unwrap();
    assert_eq!(c.registrar_server.as_str(), "sips:[2001:db8::1]");
    // Empty strings count as not given (JsSIP's Utils.isEmpty).
    let c = minimal()
        .display_name("")
        .password("")
        .authorization_user("")
        .registrar_server("")
        .user_agent("")
        .build()
        .unwrap();
    assert_eq!((c.display_name, c.password), (None, None));
    assert_eq!(c.authorization_user, "alice");
    assert_eq!(c.registrar_server.as_str(), "sip:example.com");
    assert_eq!(c.user_agent, DEFAULT_USER_AGENT);
}

#[test]
fn registrar_is_normalised_like_jssip() {
    let c = minimal()
        .registrar_server("registrar.jssip.NET:6060;TRansport=TCP")
        .build()
        .unwrap();
    assert_eq!(
        c.registrar_server.as_str(),
        "sip:registrar.jssip.net:6060;transport=tcp"
    );
}

#[test]
fn stun_and_keep_alive_edges() {
    let c = minimal().stun_servers(Vec::<String>::new()).build().unwrap();
    assert!(
        c.stun_servers.is_empty(),
        "an explicit empty list means no STUN server"
    );
    let c = minimal().keep_alive_interval(Duration::ZERO).build().unwrap();
    assert_eq!(c.keep_alive_interval, None);
    let c = minimal()
        .connection_recovery_min_interval(Duration::from_secs(5))
        .connection_recovery_max_interval(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(
        c.connection_recovery_min_interval,
        c.connection_recovery_max_interval
    );
}

#[test]
fn mandatory_parameters() {
    assert_eq!(
        refused(ConfigBuilder::new().server("ws://h")),
        ("uri".to_string(), ConfigProblem::Missing)
    );
    assert_eq!(
        refused(ConfigBuilder::new().uri("").server("ws://h")),
        ("uri".to_string(), ConfigProblem::Missing)
    );
    assert_eq!(
        refused(Config::builder("sip:a@b")),
        ("ws_servers".to_string(), ConfigProblem::Missing)
    );
}

#[test]
fn bad_uris() {
    let bad_host = ConfigProblem::InvalidUri(crate::uri::UriError {
        kind: UriErrorKind::Host,
        offset: 10,
    });
    assert_eq!(
        refused(Config::builder("sip:alice@-bad-").server("ws://h")),
        ("uri".to_string(), bad_host)
    );
    assert_eq!(
        refused(Config::builder("sip:example.com").server("ws://h")),
        invalid("uri", "has no user part")
    );
    assert_eq!(
        refused(Config::builder("sip:%FF@example.com").server("ws://h")),
        invalid("uri", "the user part is not utf-8 once unescaped")
    );
    assert!(matches!(
        refused(Config::builder("tel:+1234").server("ws://h")),
        (p, ConfigProblem::InvalidUri(_)) if p == "uri"
    ));
    assert_eq!(
        refused(minimal().registrar_server("sip:bob@registrar.example.com")),
        invalid("registrar_server", "has a user part")
    );
    assert!(matches!(
        refused(minimal().registrar_server("sip:registrar example")),
        (p, ConfigProblem::InvalidUri(_)) if p == "registrar_server"
    ));
    assert_eq!(
        refused(minimal().contact_uri("tel:+1234")),
        invalid("contact_uri", "must be a sip: or sips: uri")
    );
    assert_eq!(
        refused(minimal().server("http://example.com")),
        (
            "ws_servers".to_string(),
            ConfigProblem::InvalidServer(ServerUriError::Scheme)
        )
    );
    assert_eq!(
        refused(minimal().server("wss://example.com:0")),
        (
            "ws_servers".to_string(),
            ConfigProblem::InvalidServer(ServerUriError::Port)
        )
    );
}

#[test]
fn bad_values() {
    let out_of_range = |p: &str| (p.to_string(), ConfigProblem::OutOfRange);
    assert_eq!(
        refused(minimal().register_expires(0)),
        out_of_range("register_expires")
    );
    assert_eq!(
        refused(minimal().no_answer_timeout(Duration::ZERO)),
        out_of_range("no_answer_timeout")
    );
    assert_eq!(
        refused(minimal().connection_recovery_min_interval(Duration::ZERO)),
        out_of_range("connection_recovery_min_interval")
    );
    assert_eq!(
        refused(minimal().connection_recovery_min_interval(Duration::from_secs(31))),
        invalid(
            "connection_recovery_min_interval",
            "greater than connection_recovery_max_interval"
        )
    );
    assert_eq!(
        refused(minimal().stun_server("stun.example.com")),
        invalid("stun_servers", "each url must start with stun: or stuns:")
    );
    assert_eq!(
        refused(minimal().turn_server(TurnServer::default())),
        ("turn_servers".to_string(), ConfigProblem::MissingField("urls"))
    );
    let turn = TurnServer {
        urls: vec!["turn:ok".to_string(), "stun:nope".to_string()],
        ..TurnServer::default()
    };
    assert_eq!(
        refused(minimal().turn_server(turn)),
        invalid("turn_servers", "each url must start with turn: or turns:")
    );
    for id in [
        "8f1fa16a-1165-4a96-8341",
        "uuid:8f1fa16a-1165-4a96-8341-785b1ef24f1g",
        "urn:uuid:x",
    ] {
        assert_eq!(
            refused(minimal().instance_id(id)),
            invalid("instance_id", "not a uuid (8-4-4-4-12 hex digits)")
        );
    }
    assert_eq!(
        refused(minimal().ha1("0123456789abcdef0123456789abcdef")),
        ("ha1".to_string(), ConfigProblem::Requires("realm"))
    );
    assert_eq!(
        refused(minimal().realm("r").ha1("abc")),
        invalid("ha1", "must be 32 or 64 hex digits")
    );
    assert_eq!(
        refused(minimal().display_name("Alice\r\nX-Evil: 1")),
        invalid("display_name", "contains a line break")
    );
    assert_eq!(
        refused(minimal().user_agent("ua\n")),
        invalid("user_agent", "contains a line break")
    );
    assert_eq!(
        refused(minimal().register_extra_header("X-Foo bar")),
        invalid("register_extra_headers", "a header line must be \"Name: value\"")
    );
    assert_eq!(
        refused(minimal().register_extra_header("X Foo: bar")),
        invalid("register_extra_headers", "a header name must be a token")
    );
    assert_eq!(
        refused(minimal().register_extra_header("X-Foo: a\r\nVia: b")),
        invalid("register_extra_headers", "contains a line break")
    );
    assert_eq!(
        refused(minimal().session_timers_refresh_method(Method::Bye)),
        invalid("session_timers_refresh_method", "must be UPDATE or INVITE")
    );
    let zero = Limits {
        max_headers: 0,
        ..Limits::default()
    };
    assert_eq!(refused(minimal().limits(zero)), out_of_range("limits"));
}

#[test]
fn error_display_names_the_parameter() {
    let e = minimal().register_expires(0).build().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid configuration parameter \"register_expires\": out of range"
    );
    let e = Config::builder("sip:alice@-bad-")
        .server("ws://h")
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid configuration parameter \"uri\": invalid uri: bad host at byte 10"
    );
    assert_eq!(
        ConfigError::unknown("wss_servers").to_string(),
        "invalid configuration parameter \"wss_servers\": unknown parameter"
    );
    assert_eq!(
        ConfigError::document(ConfigProblem::Json { line: 2, column: 7 }).to_string(),
        "invalid configuration: malformed json at line 2 column 7"
    );
    assert_eq!(
        ConfigError::new("turn_servers", ConfigProblem::UnknownField("usrname".to_string())).to_string(),
        "invalid configuration parameter \"turn_servers\": unknown field \"usrname\""
    );
    assert_eq!(
        ConfigError::new("ha1", ConfigProblem::Requires("realm")).to_string(),
        "invalid configuration parameter \"ha1\": requires \"realm\""
    );
}
