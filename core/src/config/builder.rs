//! [`ConfigBuilder`]: the raw parameters as the user gave them; [`ConfigBuilder::build`]
//! (in `validate.rs`) checks them all and makes a [`Config`](super::Config).

use alloc::string::String;
use alloc::vec::Vec;

use super::TurnServer;
use crate::message::Method;
use crate::parse::Limits;
use crate::time::Duration;

/// A server as given, with its weight and the parameter it came from (`ws_servers`/`sockets`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct RawServer {
    pub(super) uri: String,
    pub(super) weight: u32,
    pub(super) parameter: &'static str,
}

/// Collects configuration parameters; [`build`](ConfigBuilder::build) validates them and
/// applies JsSIP's defaults. Empty strings count as absent, as in JsSIP.
///
/// ```
/// use sansip_core::config::{ConfigBuilder, ConfigProblem};
///
/// let config = ConfigBuilder::new()
///     .uri("sip:alice@example.com")
///     .server("sip:proxy.example.com;transport=tcp")
///     .register(false)
///     .build()?;
/// assert!(!config.register);
///
/// let err = ConfigBuilder::new().uri("sip:alice@example.com").server("http://x").build();
/// assert_eq!(err.unwrap_err().to_string(),
///     "invalid configuration parameter \"ws_servers\": invalid server: \
///      scheme must be ws://, wss://, sip: or sips:");
/// # Ok::<(), sansip_core::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct ConfigBuilder {
    pub(super) uri: Option<String>,
    pub(super) servers: Vec<RawServer>,
    pub(super) display_name: Option<String>,
    pub(super) password: Option<String>,
    pub(super) authorization_user: Option<String>,
    pub(super) register: bool,
    pub(super) register_expires: u32,
    pub(super) register_from_tag_trail: Option<String>,
    pub(super) registrar_server: Option<String>,
    pub(super) no_answer_timeout: Duration,
    pub(super) trace_sip: bool,
    pub(super) stun_servers: Option<Vec<String>>,
    pub(super) turn_servers: Vec<TurnServer>,
    pub(super) use_preloaded_route: bool,
    pub(super) connection_recovery_min_interval: Duration,
    pub(super) connection_recovery_max_interval: Duration,
    pub(super) hack_via_tcp: bool,
    pub(super) hack_ip_in_contact: bool,
    pub(super) contact_uri: Option<String>,
    pub(super) instance_id: Option<String>,
    pub(super) realm: Option<String>,
    pub(super) ha1: Option<String>,
    pub(super) authorization_jwt: Option<String>,
    pub(super) user_agent: Option<String>,
    pub(super) extra_headers: Vec<(String, &'static str)>,
    pub(super) session_timers: bool,
    pub(super) session_timers_refresh_method: Method,
    pub(super) session_timers_force_refresher: bool,
    pub(super) keep_alive_interval: Option<Duration>,
    pub(super) limits: Limits,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigBuilder {
    /// An empty builder holding JsSIP's defaults; `uri` and a server are still needed.
    pub fn new() -> Self {
        ConfigBuilder {
            uri: None,
            servers: Vec::new(),
            display_name: None,
            password: None,
            authorization_user: None,
            register: true,
            register_expires: 600,
            register_from_tag_trail: None,
            registrar_server: None,
            no_answer_timeout: Duration::from_secs(60),
            trace_sip: false,
            stun_servers: None,
            turn_servers: Vec::new(),
            use_preloaded_route: false,
            connection_recovery_min_interval: Duration::from_secs(2),
            connection_recovery_max_interval: Duration::from_secs(30),
            hack_via_tcp: false,
            hack_ip_in_contact: false,
            contact_uri: None,
            instance_id: None,
            realm: None,
            ha1: None,
            authorization_jwt: None,
            user_agent: None,
            extra_headers: Vec::new(),
            session_timers: true,
            session_timers_refresh_method: Method::Update,
            session_timers_force_refresher: false,
            keep_alive_interval: None,
            limits: Limits::default(),
        }
    }

    /// `uri`: the address of record; `sip:` is prefixed when the text has no `sip:`/`sips:`.
    pub fn uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }
    /// Adds a server with weight 0: `ws://`/`wss://` (JsSIP `ws_servers`) or, beyond JsSIP, a
    /// `sip:`/`sips:` URI for UDP/TCP/TLS.
    pub fn server(self, uri: impl Into<String>) -> Self {
        self.weighted_server(uri, 0)
    }
    /// Adds a server with a weight; higher weights are tried first.
    pub fn weighted_server(self, uri: impl Into<String>, weight: u32) -> Self {
        self.server_for("ws_servers", uri.into(), weight)
    }
    /// Adds a server given under the JsSIP parameter `parameter` (named in errors).
    pub(super) fn server_for(mut self, parameter: &'static str, uri: String, weight: u32) -> Self {
        self.servers.push(RawServer {
            uri,
            weight,
            parameter,
        });
        self
    }
    /// `display_name`: the plain name, not quoted (the writer quotes and escapes it).
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }
    /// `password`: for digest authentication.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }
    /// `authorization_user`: the digest username when it differs from the user of `uri`.
    pub fn authorization_user(mut self, user: impl Into<String>) -> Self {
        self.authorization_user = Some(user.into());
        self
    }
    /// `register`: register automatically on start.
    pub fn register(mut self, register: bool) -> Self {
        self.register = register;
        self
    }
    /// `register_expires`: requested registration lifetime in seconds (more than 0).
    pub fn register_expires(mut self, seconds: u32) -> Self {
        self.register_expires = seconds;
        self
    }
    /// `register_from_tag_trail`: token characters appended to the From tag of each REGISTER.
    pub fn register_from_tag_trail(mut self, trail: impl Into<String>) -> Self {
        self.register_from_tag_trail = Some(trail.into());
        self
    }
    /// `registrar_server`: a SIP URI without user part; `sip:` is prefixed when missing.
    pub fn registrar_server(mut self, uri: impl Into<String>) -> Self {
        self.registrar_server = Some(uri.into());
        self
    }
    /// `no_answer_timeout`: reject an unanswered incoming call after this (more than 0).
    pub fn no_answer_timeout(mut self, timeout: Duration) -> Self {
        self.no_answer_timeout = timeout;
        self
    }
    /// `trace_sip`: emit every message sent and received as an event.
    pub fn trace_sip(mut self, trace: bool) -> Self {
        self.trace_sip = trace;
        self
    }
    /// Adds a STUN server (`stun:`/`stuns:`); the first one replaces the default.
    pub fn stun_server(mut self, url: impl Into<String>) -> Self {
        self.stun_servers.get_or_insert_with(Vec::new).push(url.into());
        self
    }
    /// `stun_servers`: replaces the list (an empty list means no STUN server).
    pub fn stun_servers<S: Into<String>>(mut self, urls: impl IntoIterator<Item = S>) -> Self {
        self.stun_servers = Some(urls.into_iter().map(Into::into).collect());
        self
    }
    /// Adds a TURN server (`turn_servers`).
    pub fn turn_server(mut self, server: TurnServer) -> Self {
        self.turn_servers.push(server);
        self
    }
    /// `use_preloaded_route`: initial requests carry a Route to the connected server.
    pub fn use_preloaded_route(mut self, on: bool) -> Self {
        self.use_preloaded_route = on;
        self
    }
    /// `connection_recovery_min_interval`: the shortest reconnection delay (more than 0).
    pub fn connection_recovery_min_interval(mut self, interval: Duration) -> Self {
        self.connection_recovery_min_interval = interval;
        self
    }
    /// `connection_recovery_max_interval`: the longest reconnection delay (at least the minimum).
    pub fn connection_recovery_max_interval(mut self, interval: Duration) -> Self {
        self.connection_recovery_max_interval = interval;
        self
    }
    /// `hack_via_tcp`: send `TCP` as the Via transport.
    pub fn hack_via_tcp(mut self, on: bool) -> Self {
        self.hack_via_tcp = on;
        self
    }
    /// `hack_ip_in_contact`: a random IP address as the Via sent-by and Contact host.
    pub fn hack_ip_in_contact(mut self, on: bool) -> Self {
        self.hack_ip_in_contact = on;
        self
    }
    /// `contact_uri`: a `sip:`/`sips:` URI to use as our Contact.
    pub fn contact_uri(mut self, uri: impl Into<String>) -> Self {
        self.contact_uri = Some(uri.into());
        self
    }
    /// `instance_id`: a UUID (`8-4-4-4-12` hex), with or without a leading `uuid:`.
    pub fn instance_id(mut self, id: impl Into<String>) -> Self {
        self.instance_id = Some(id.into());
        self
    }
    /// `realm`: the realm `ha1` was computed for.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }
    /// `ha1`: a precomputed HA1 (32 or 64 hex digits); needs `realm`.
    pub fn ha1(mut self, ha1: impl Into<String>) -> Self {
        self.ha1 = Some(ha1.into());
        self
    }
    /// `authorization_jwt`: a token sent verbatim as the `Authorization` header value.
    pub fn authorization_jwt(mut self, jwt: impl Into<String>) -> Self {
        self.authorization_jwt = Some(jwt.into());
        self
    }
    /// `user_agent`: the User-Agent header value.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }
    /// Adds a header line (`Name: value`) to REGISTER requests (`register_extra_headers`).
    pub fn register_extra_header(self, line: impl Into<String>) -> Self {
        self.extra_header_for("register_extra_headers", line.into())
    }
    /// Adds a header line given under the JsSIP parameter `parameter` (named in errors).
    pub(super) fn extra_header_for(mut self, parameter: &'static str, line: String) -> Self {
        self.extra_headers.push((line, parameter));
        self
    }
    /// `session_timers`: use session timers (RFC 4028).
    pub fn session_timers(mut self, on: bool) -> Self {
        self.session_timers = on;
        self
    }
    /// `session_timers_refresh_method`: [`Method::Update`] or [`Method::Invite`].
    pub fn session_timers_refresh_method(mut self, method: Method) -> Self {
        self.session_timers_refresh_method = method;
        self
    }
    /// `session_timers_force_refresher`: ask to be the session refresher (`;refresher=uac`).
    pub fn session_timers_force_refresher(mut self, on: bool) -> Self {
        self.session_timers_force_refresher = on;
        self
    }
    /// Extension: send a CRLF keep-alive at this interval (zero sends none).
    pub fn keep_alive_interval(mut self, interval: Duration) -> Self {
        self.keep_alive_interval = Some(interval);
        self
    }
    /// Extension: parser size limits for incoming messages.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}
