//! The UA configuration, with JsSIP's parameter names, defaults and checks (JsSIP's `Config.js`
//! and its UA configuration reference), plus a few extensions of ours.
//!
//! A [`Config`] is always valid: build one with [`ConfigBuilder`] or, with the `serde`
//! feature, load a JsSIP configuration object given as JSON with `Config::from_json`. Both
//! go through the same checks in [`ConfigBuilder::build`], and every refusal is a
//! [`ConfigError`] naming the JsSIP parameter at fault.
//!
//! ```
//! use core::time::Duration;
//! use sansip_core::config::{Config, ConfigProblem};
//!
//! let config = Config::builder("sip:alice@example.com")
//!     .weighted_server("wss://sip1.example.com", 10)
//!     .weighted_server("wss://sip2.example.com", 1)
//!     .display_name("Alice")
//!     .password("secret")
//!     .register_expires(300)
//!     .build()?;
//! assert_eq!(config.authorization_user, "alice");
//! assert_eq!(config.registrar_server.as_str(), "sip:example.com");
//! assert_eq!(config.servers[0].server.port, 443);
//! assert_eq!(config.no_answer_timeout, Duration::from_secs(60));
//!
//! let err = Config::builder("sip:alice@example.com").build().unwrap_err();
//! assert_eq!((&*err.parameter, &err.problem), ("ws_servers", &ConfigProblem::Missing));
//! assert_eq!(err.to_string(), "invalid configuration parameter \"ws_servers\": missing");
//! # Ok::<(), sansip_core::config::ConfigError>(())
//! ```

mod builder;
mod error;
#[cfg(feature = "serde")]
mod json;
mod validate;

pub use builder::ConfigBuilder;
pub use error::{ConfigError, ConfigProblem};

use alloc::string::String;
use alloc::vec::Vec;

use crate::message::Method;
use crate::parse::Limits;
use crate::time::Duration;
use crate::transport::ServerUri;
use crate::uri::Uri;

/// The `User-Agent` sent when the configuration names none.
pub const DEFAULT_USER_AGENT: &str = concat!("sansip/", env!("CARGO_PKG_VERSION"));

/// The STUN server used when the configuration names none (JsSIP's default).
pub const DEFAULT_STUN_SERVER: &str = "stun:stun.l.google.com:19302";

/// A validated UA configuration: JsSIP's parameters in snake case, defaults applied, URIs
/// parsed and normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `uri`: the address of record, a `sip:`/`sips:` URI with a user part (scheme and host
    /// lower-cased, the user unescaped where escaping is not needed).
    pub uri: Uri,
    /// `ws_servers` / `sockets`: where to connect, with weights (higher first).
    pub servers: Vec<WeightedServer>,
    /// `display_name`: the name as given, never quoted; the writer quotes and escapes it.
    pub display_name: Option<String>,
    /// `password`: for digest authentication.
    pub password: Option<String>,
    /// `authorization_user`: the digest username (default: the user part of `uri`, unescaped).
    pub authorization_user: String,
    /// `register`: register automatically on start (default true).
    pub register: bool,
    /// `register_expires`: requested registration lifetime in seconds (default 600).
    pub register_expires: u32,
    /// `register_from_tag_trail`: token characters JsSIP appends to the random From tag of each
    /// REGISTER it sends, refreshes included, but not of un-REGISTER (JsSIP `Registrator.js`
    /// `register()`); default none.
    pub register_from_tag_trail: Option<String>,
    /// `registrar_server`: the REGISTER Request-URI (default: `uri` without user, params and
    /// headers).
    pub registrar_server: Uri,
    /// `no_answer_timeout`: an unanswered incoming call is rejected after this (default 60 s).
    pub no_answer_timeout: Duration,
    /// `trace_sip`: emit every message sent and received as an event (default false).
    pub trace_sip: bool,
    /// `stun_servers`: `stun:`/`stuns:` URLs for the media engine.
    pub stun_servers: Vec<String>,
    /// `turn_servers`: TURN relays for the media engine (default none).
    pub turn_servers: Vec<TurnServer>,
    /// `use_preloaded_route`: initial requests carry a Route to the connected server.
    pub use_preloaded_route: bool,
    /// `connection_recovery_min_interval`: the shortest reconnection delay (default 2 s).
    pub connection_recovery_min_interval: Duration,
    /// `connection_recovery_max_interval`: the longest reconnection delay (default 30 s).
    pub connection_recovery_max_interval: Duration,
    /// `hack_via_tcp`: send `TCP` as the Via transport instead of WS/WSS.
    pub hack_via_tcp: bool,
    /// `hack_ip_in_contact`: a random IP address as the Via sent-by and Contact host.
    pub hack_ip_in_contact: bool,
    /// `contact_uri`: the Contact to use instead of a generated one.
    pub contact_uri: Option<Uri>,
    /// `instance_id`: the `+sip.instance` UUID (RFC 5626 §4.1), without `uuid:`.
    pub instance_id: Option<String>,
    /// `realm`: the realm `ha1` was computed for.
    pub realm: Option<String>,
    /// `ha1`: a precomputed digest HA1 in lower-case hex, used instead of `password`.
    pub ha1: Option<String>,
    /// `authorization_jwt`: sent verbatim (no `Bearer ` added) as the `Authorization` header
    /// value of every request JsSIP's `RequestSender.js` `send()` sends, replacing any
    /// Authorization already there; default none. A secret, like `password`.
    pub authorization_jwt: Option<String>,
    /// `user_agent`: the User-Agent header value.
    pub user_agent: String,
    /// `register_extra_headers` / `extra_headers`: whole header lines (`Name: value`) added to
    /// REGISTER requests.
    pub register_extra_headers: Vec<String>,
    /// `session_timers`: use session timers (RFC 4028) (default true).
    pub session_timers: bool,
    /// `session_timers_refresh_method`: UPDATE (default) or INVITE.
    pub session_timers_refresh_method: Method,
    /// `session_timers_force_refresher`: the initial INVITE's `Session-Expires` carries
    /// `;refresher=uac` (RFC 4028 §7.1), as JsSIP's `RTCSession.js` `connect()` does (default
    /// false).
    pub session_timers_force_refresher: bool,
    /// Extension `keep_alive_interval`: send a CRLF keep-alive at this interval (RFC 5626
    /// §3.5.1); `None` (default) sends none.
    pub keep_alive_interval: Option<Duration>,
    /// Extension: parser size limits for incoming messages.
    pub limits: Limits,
}

/// A server to connect to and its weight (higher weights are tried first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedServer {
    /// The server.
    pub server: ServerUri,
    /// Its weight (default 0).
    pub weight: u32,
}

/// A TURN relay (the shape of WebRTC's `RTCIceServer`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TurnServer {
    /// `turn:`/`turns:` URLs.
    pub urls: Vec<String>,
    /// The TURN username.
    pub username: Option<String>,
    /// The TURN credential.
    pub credential: Option<String>,
}

impl Config {
    /// Starts a builder for the address of record `uri`.
    pub fn builder(uri: impl Into<String>) -> ConfigBuilder {
        ConfigBuilder::new().uri(uri)
    }
}

#[cfg(all(test, feature = "serde"))]
mod json_error_tests;
#[cfg(all(test, feature = "serde"))]
mod json_tests;
#[cfg(test)]
mod jssip_3_10_tests;
#[cfg(test)]
mod tests;
