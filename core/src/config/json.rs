//! A JsSIP configuration object given as JSON (`serde` feature). The text is parsed into a
//! [`serde_json::Value`] and converted key by key, so every error names its parameter and
//! JsSIP's several shapes are accepted (`ws_servers` as a string, a list of strings or a list
//! of `{ws_uri, weight}` objects, and so on). [`ConfigBuilder::build`] then checks the values.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::slice;
use serde_json::Value;

use super::validate::REFRESH_METHOD;
use super::{Config, ConfigBuilder, ConfigError, ConfigProblem, TurnServer};
use crate::message::Method;
use crate::parse::Limits;
use crate::time::Duration;

/// Every key a configuration object may hold: JsSIP's, old and new, and our extensions.
const PARAMETERS: &[&str] = &[
    "uri",
    "ws_servers",
    "sockets",
    "display_name",
    "password",
    "authorization_user",
    "register",
    "register_expires",
    "register_from_tag_trail",
    "registrar_server",
    "no_answer_timeout",
    "trace_sip",
    "stun_servers",
    "turn_servers",
    "use_preloaded_route",
    "connection_recovery_min_interval",
    "connection_recovery_max_interval",
    "hack_via_tcp",
    "hack_ip_in_contact",
    "contact_uri",
    "instance_id",
    "realm",
    "ha1",
    "authorization_jwt",
    "user_agent",
    "register_extra_headers",
    "extra_headers",
    "session_timers",
    "session_timers_refresh_method",
    "session_timers_force_refresher",
    "keep_alive_interval",
    "limits",
];

impl Config {
    /// Loads a JsSIP configuration object given as JSON text.
    ///
    /// ```
    /// let config = sansip_core::config::Config::from_json(r#"{
    ///     "uri": "sip:alice@example.com",
    ///     "ws_servers": "wss://sip.example.com",
    ///     "password": "secret"
    /// }"#)?;
    /// assert_eq!(config.servers[0].server.host, "sip.example.com");
    /// # Ok::<(), sansip_core::config::ConfigError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        ConfigBuilder::from_json(text)?.build()
    }

    /// Loads a JsSIP configuration object already parsed as JSON.
    pub fn from_json_value(value: &Value) -> Result<Config, ConfigError> {
        ConfigBuilder::from_json_value(value)?.build()
    }
}

impl ConfigBuilder {
    /// A builder holding the parameters of a JSON configuration object, to adjust before
    /// [`build`](ConfigBuilder::build).
    pub fn from_json(text: &str) -> Result<ConfigBuilder, ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ConfigError::document(ConfigProblem::Json {
                line: e.line(),
                column: e.column(),
            })
        })?;
        Self::from_json_value(&value)
    }

    /// A builder holding the parameters of an already parsed JSON configuration object.
    pub fn from_json_value(value: &Value) -> Result<ConfigBuilder, ConfigError> {
        let Value::Object(object) = value else {
            return Err(ConfigError::document(ConfigProblem::WrongType {
                expected: "a json object",
            }));
        };
        let mut builder = ConfigBuilder::new();
        for (key, value) in object {
            // JsSIP's UA throws on a key it does not know.
            let Some(&name) = PARAMETERS.iter().find(|p| **p == key.as_str()) else {
                return Err(ConfigError::unknown(key));
            };
            // JsSIP's Config.load: null, "" and [] leave the default in place.
            if is_empty(value) {
                continue;
            }
            builder = apply(builder, name, value)?;
        }
        Ok(builder)
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn apply(b: ConfigBuilder, name: &'static str, v: &Value) -> Result<ConfigBuilder, ConfigError> {
    Ok(match name {
        "uri" => b.uri(string(name, v)?),
        "ws_servers" | "sockets" => servers(b, name, v)?,
        "display_name" => b.display_name(text(name, v)?),
        "password" => b.password(text(name, v)?),
        "authorization_user" => b.authorization_user(text(name, v)?),
        "register" => b.register(boolean(name, v)?),
        "register_expires" => b.register_expires(whole(name, v)?),
        // JsSIP's `String(register_from_tag_trail)` (a function there has no JSON form).
        "register_from_tag_trail" => b.register_from_tag_trail(text(name, v)?),
        "registrar_server" => b.registrar_server(string(name, v)?),
        "no_answer_timeout" => b.no_answer_timeout(seconds(name, v)?),
        "trace_sip" => b.trace_sip(boolean(name, v)?),
        "stun_servers" => b.stun_servers(strings(name, v)?),
        "turn_servers" => turn_servers(b, v)?,
        "use_preloaded_route" => b.use_preloaded_route(boolean(name, v)?),
        "connection_recovery_min_interval" => b.connection_recovery_min_interval(seconds(name, v)?),
        "connection_recovery_max_interval" => b.connection_recovery_max_interval(seconds(name, v)?),
        "hack_via_tcp" => b.hack_via_tcp(boolean(name, v)?),
        "hack_ip_in_contact" => b.hack_ip_in_contact(boolean(name, v)?),
        "contact_uri" => b.contact_uri(string(name, v)?),
        "instance_id" => b.instance_id(string(name, v)?),
        "realm" => b.realm(text(name, v)?),
        "ha1" => b.ha1(text(name, v)?),
        // JsSIP takes only a string here (`typeof authorization_jwt === 'string'`).
        "authorization_jwt" => b.authorization_jwt(string(name, v)?),
        "user_agent" => b.user_agent(string(name, v)?),
        "register_extra_headers" | "extra_headers" => strings(name, v)?
            .into_iter()
            .fold(b, |b, line| b.extra_header_for(name, line)),
        "session_timers" => b.session_timers(boolean(name, v)?),
        "session_timers_refresh_method" => {
            // JsSIP upper-cases the method name before comparing it.
            let method = string(name, v)?.to_ascii_uppercase();
            match Method::known(method.as_bytes()) {
                Some(m) => b.session_timers_refresh_method(m),
                None => return Err(ConfigError::new(name, REFRESH_METHOD)),
            }
        }
        "session_timers_force_refresher" => b.session_timers_force_refresher(boolean(name, v)?),
        "keep_alive_interval" => b.keep_alive_interval(seconds(name, v)?),
        "limits" => b.limits(limits(v)?),
        _ => return Err(ConfigError::unknown(name)),
    })
}

fn wrong_type(name: &'static str, expected: &'static str) -> ConfigError {
    ConfigError::new(name, ConfigProblem::WrongType { expected })
}

fn string(name: &'static str, v: &Value) -> Result<String, ConfigError> {
    v.as_str()
        .map(ToString::to_string)
        .ok_or_else(|| wrong_type(name, "a string"))
}

/// A string, or a number taken as its text (JsSIP's `String(password)`).
fn text(name: &'static str, v: &Value) -> Result<String, ConfigError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(wrong_type(name, "a string")),
    }
}

fn boolean(name: &'static str, v: &Value) -> Result<bool, ConfigError> {
    v.as_bool().ok_or_else(|| wrong_type(name, "a boolean"))
}

/// A number, or a string holding one (JsSIP's `Utils.isDecimal` takes both).
fn number(name: &'static str, v: &Value) -> Result<f64, ConfigError> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    n.ok_or_else(|| wrong_type(name, "a number"))
}

/// Seconds, whole or fractional, as a duration; negative, NaN or huge values are refused.
fn seconds(name: &'static str, v: &Value) -> Result<Duration, ConfigError> {
    Duration::try_from_secs_f64(number(name, v)?)
        .map_err(|_| ConfigError::new(name, ConfigProblem::OutOfRange))
}

/// A whole number from 0 to `u32::MAX`.
fn whole(name: &'static str, v: &Value) -> Result<u32, ConfigError> {
    if let Some(n) = v.as_u64() {
        return u32::try_from(n).map_err(|_| ConfigError::new(name, ConfigProblem::OutOfRange));
    }
    let x = number(name, v)?;
    if x.is_nan() || !(0.0..=f64::from(u32::MAX)).contains(&x) {
        return Err(ConfigError::new(name, ConfigProblem::OutOfRange));
    }
    // In range, so the cast only drops a fraction; a fraction means it was not whole.
    let w = x as u32;
    if f64::from(w) != x {
        return Err(wrong_type(name, "a whole number"));
    }
    Ok(w)
}

/// A string or a list of strings.
fn strings(name: &'static str, v: &Value) -> Result<Vec<String>, ConfigError> {
    let items = match v {
        Value::String(_) => slice::from_ref(v),
        Value::Array(a) => a.as_slice(),
        _ => return Err(wrong_type(name, "a string or a list of strings")),
    };
    items
        .iter()
        .map(|i| {
            i.as_str()
                .map(ToString::to_string)
                .ok_or_else(|| wrong_type(name, "a string or a list of strings"))
        })
        .collect()
}

/// `ws_servers` / `sockets`: a URI, or a list of URIs and `{ws_uri, weight}` objects (`url` and
/// `socket` are taken for `ws_uri`, as newer JsSIP names the socket's URL).
fn servers(mut b: ConfigBuilder, name: &'static str, v: &Value) -> Result<ConfigBuilder, ConfigError> {
    const EXPECTED: &str = "a string or a list of strings and {ws_uri, weight} objects";
    let items = match v {
        Value::String(_) => slice::from_ref(v),
        Value::Array(a) => a.as_slice(),
        _ => return Err(wrong_type(name, EXPECTED)),
    };
    for item in items {
        match item {
            Value::String(s) => b = b.server_for(name, s.clone(), 0),
            Value::Object(o) => {
                let (mut uri, mut weight) = (None, 0);
                for (key, value) in o {
                    match key.as_str() {
                        "ws_uri" | "url" | "socket" => uri = Some(string(name, value)?),
                        // JsSIP: a missing or falsy weight is 0.
                        "weight" if is_empty(value) => weight = 0,
                        "weight" => weight = whole(name, value)?,
                        _ => return Err(unknown_field(name, key)),
                    }
                }
                let uri = uri.ok_or_else(|| ConfigError::new(name, ConfigProblem::MissingField("ws_uri")))?;
                b = b.server_for(name, uri, weight);
            }
            _ => return Err(wrong_type(name, EXPECTED)),
        }
    }
    Ok(b)
}

fn unknown_field(name: &'static str, key: &str) -> ConfigError {
    ConfigError::new(name, ConfigProblem::UnknownField(key.to_string()))
}

/// `turn_servers`: an object or a list of objects `{urls, username, credential}`; `urls` is a
/// string or a list (older JsSIP also took `url` and `server`).
fn turn_servers(mut b: ConfigBuilder, v: &Value) -> Result<ConfigBuilder, ConfigError> {
    const NAME: &str = "turn_servers";
    let items = match v {
        Value::Object(_) => slice::from_ref(v),
        Value::Array(a) => a.as_slice(),
        _ => return Err(wrong_type(NAME, "an object or a list of objects")),
    };
    for item in items {
        let Value::Object(o) = item else {
            return Err(wrong_type(NAME, "an object or a list of objects"));
        };
        let mut turn = TurnServer::default();
        for (key, value) in o {
            match key.as_str() {
                "urls" | "url" | "server" => turn.urls.extend(strings(NAME, value)?),
                "username" => turn.username = Some(text(NAME, value)?),
                "credential" => turn.credential = Some(text(NAME, value)?),
                _ => return Err(unknown_field(NAME, key)),
            }
        }
        b = b.turn_server(turn);
    }
    Ok(b)
}

/// Extension `limits`: `{max_message_size, max_headers, max_header_line, max_uri_len}`, each
/// optional (the default where absent).
fn limits(v: &Value) -> Result<Limits, ConfigError> {
    const NAME: &str = "limits";
    let Value::Object(o) = v else {
        return Err(wrong_type(NAME, "an object"));
    };
    let mut limits = Limits::default();
    for (key, value) in o {
        let slot = match key.as_str() {
            "max_message_size" => &mut limits.max_message_size,
            "max_headers" => &mut limits.max_headers,
            "max_header_line" => &mut limits.max_header_line,
            "max_uri_len" => &mut limits.max_uri_len,
            _ => return Err(unknown_field(NAME, key)),
        };
        *slot = usize::try_from(whole(NAME, value)?)
            .map_err(|_| ConfigError::new(NAME, ConfigProblem::OutOfRange))?;
    }
    Ok(limits)
}
