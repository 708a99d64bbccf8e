//! [`ConfigBuilder::build`]: every check and default, in one place for the builder and JSON.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bytes::Bytes;

use super::builder::ConfigBuilder;
use super::{Config, ConfigError, ConfigProblem, WeightedServer};
use super::{DEFAULT_STUN_SERVER, DEFAULT_USER_AGENT};
use crate::message::Method;
use crate::parse::lex::{is_token, is_user_char};
use crate::transport::ServerUri;
use crate::uri::{escape, unescape, Scheme, Uri, UriError};

fn fail<T>(parameter: &'static str, problem: ConfigProblem) -> Result<T, ConfigError> {
    Err(ConfigError::new(parameter, problem))
}

/// JsSIP treats an empty string as "not given" and applies the default.
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

impl ConfigBuilder {
    /// Checks every parameter, applies JsSIP's defaults and returns the configuration, or the
    /// first problem found, naming its parameter.
    pub fn build(self) -> Result<Config, ConfigError> {
        let Some(uri_text) = given(self.uri) else {
            return fail("uri", ConfigProblem::Missing);
        };
        let uri = address_of_record(&uri_text)?;
        if self.servers.is_empty() {
            return fail("ws_servers", ConfigProblem::Missing);
        }
        let mut servers = Vec::with_capacity(self.servers.len());
        for raw in &self.servers {
            match ServerUri::parse(&raw.uri) {
                Ok(server) => servers.push(WeightedServer {
                    server,
                    weight: raw.weight,
                }),
                Err(e) => return fail(raw.parameter, ConfigProblem::InvalidServer(e)),
            }
        }
        let display_name = single_line("display_name", given(self.display_name))?;
        let authorization_user = match single_line("authorization_user", given(self.authorization_user))? {
            Some(user) => user,
            None => user_of(&uri)?,
        };
        if self.register_expires == 0 {
            return fail("register_expires", ConfigProblem::OutOfRange);
        }
        let register_from_tag_trail = given(self.register_from_tag_trail)
            .map(from_tag_trail)
            .transpose()?;
        let registrar_server = match given(self.registrar_server) {
            Some(text) => registrar(&text)?,
            None => default_registrar(&uri)?,
        };
        if self.no_answer_timeout.is_zero() {
            return fail("no_answer_timeout", ConfigProblem::OutOfRange);
        }
        let stun_servers = self
            .stun_servers
            .unwrap_or_else(|| alloc::vec![DEFAULT_STUN_SERVER.to_string()]);
        if !stun_servers.iter().all(|s| has_scheme(s, &["stun:", "stuns:"])) {
            return fail(
                "stun_servers",
                ConfigProblem::Invalid("each url must start with stun: or stuns:"),
            );
        }
        for turn in &self.turn_servers {
            if turn.urls.is_empty() {
                return fail("turn_servers", ConfigProblem::MissingField("urls"));
            }
            if !turn.urls.iter().all(|u| has_scheme(u, &["turn:", "turns:"])) {
                return fail(
                    "turn_servers",
                    ConfigProblem::Invalid("each url must start with turn: or turns:"),
                );
            }
        }
        let (min, max) = (
            self.connection_recovery_min_interval,
            self.connection_recovery_max_interval,
        );
        if min.is_zero() {
            return fail("connection_recovery_min_interval", ConfigProblem::OutOfRange);
        }
        if min > max {
            return fail(
                "connection_recovery_min_interval",
                ConfigProblem::Invalid("greater than connection_recovery_max_interval"),
            );
        }
        let contact_uri = given(self.contact_uri).map(|t| contact(&t)).transpose()?;
        let instance_id = given(self.instance_id).map(|t| uuid(&t)).transpose()?;
        let realm = single_line("realm", given(self.realm))?;
        let ha1 = given(self.ha1).map(|h| ha1(&h)).transpose()?;
        if ha1.is_some() && realm.is_none() {
            return fail("ha1", ConfigProblem::Requires("realm"));
        }
        let authorization_jwt = given(self.authorization_jwt).map(jwt).transpose()?;
        let user_agent = single_line("user_agent", given(self.user_agent))?
            .unwrap_or_else(|| DEFAULT_USER_AGENT.to_string());
        let mut register_extra_headers = Vec::with_capacity(self.extra_headers.len());
        for (line, parameter) in self.extra_headers {
            register_extra_headers.push(header_line(parameter, line)?);
        }
        let l = self.limits;
        if [
            l.max_message_size,
            l.max_headers,
            l.max_header_line,
            l.max_uri_len,
        ]
        .contains(&0)
        {
            return fail("limits", ConfigProblem::OutOfRange);
        }
        if !matches!(
            self.session_timers_refresh_method,
            Method::Update | Method::Invite
        ) {
            return fail("session_timers_refresh_method", REFRESH_METHOD);
        }
        Ok(Config {
            uri,
            servers,
            display_name,
            password: given(self.password),
            authorization_user,
            register: self.register,
            register_expires: self.register_expires,
            register_from_tag_trail,
            registrar_server,
            no_answer_timeout: self.no_answer_timeout,
            trace_sip: self.trace_sip,
            stun_servers,
            turn_servers: self.turn_servers,
            use_preloaded_route: self.use_preloaded_route,
            connection_recovery_min_interval: min,
            connection_recovery_max_interval: max,
            hack_via_tcp: self.hack_via_tcp,
            hack_ip_in_contact: self.hack_ip_in_contact,
            contact_uri,
            instance_id,
            realm,
            ha1,
            authorization_jwt,
            user_agent,
            register_extra_headers,
            session_timers: self.session_timers,
            session_timers_refresh_method: self.session_timers_refresh_method,
            session_timers_force_refresher: self.session_timers_force_refresher,
            keep_alive_interval: self.keep_alive_interval.filter(|d| !d.is_zero()),
            limits: self.limits,
        })
    }
}

/// The problem for a refresh method other than UPDATE or INVITE.
pub(super) const REFRESH_METHOD: ConfigProblem = ConfigProblem::Invalid("must be UPDATE or INVITE");

fn starts_with_ic(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn has_scheme(url: &str, schemes: &[&str]) -> bool {
    schemes.iter().any(|s| starts_with_ic(url, s))
}

/// Refuses text that cannot be sent in a header: quoted strings and header values cannot hold
/// CR or LF (RFC 3261 §25.1 `quoted-pair` excludes them).
fn single_line(parameter: &'static str, value: Option<String>) -> Result<Option<String>, ConfigError> {
    match value {
        Some(v) if v.contains(['\r', '\n']) => {
            fail(parameter, ConfigProblem::Invalid("contains a line break"))
        }
        v => Ok(v),
    }
}

/// JsSIP prefixes `sip:` when the text does not start with `sip:` (Config.js `uri`,
/// `registrar_server`); we also keep `sips:`.
fn with_sip_scheme(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    if has_scheme(t, &["sip:", "sips:"]) {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(format!("sip:{t}"))
    }
}

fn parse_sip(parameter: &'static str, text: &str) -> Result<Uri, ConfigError> {
    let uri = Uri::parse_str(text).map_err(|e| ConfigError::new(parameter, ConfigProblem::InvalidUri(e)))?;
    if !uri.is_sip() {
        return fail(parameter, ConfigProblem::Invalid("must be a sip: or sips: uri"));
    }
    Ok(uri)
}

/// `uri`: a SIP URI with a user part, in canonical form.
fn address_of_record(text: &str) -> Result<Uri, ConfigError> {
    let uri = parse_sip("uri", &with_sip_scheme(text))?;
    if uri.user().is_none() {
        return fail("uri", ConfigProblem::Invalid("has no user part"));
    }
    canonical(&uri, true, true).map_err(|e| ConfigError::new("uri", ConfigProblem::InvalidUri(e)))
}

/// `registrar_server`: a SIP URI without user part, in canonical form (JsSIP turns
/// `registrar.jssip.NET:6060;TRansport=TCP` into `sip:registrar.jssip.net:6060;transport=tcp`).
fn registrar(text: &str) -> Result<Uri, ConfigError> {
    let uri = parse_sip("registrar_server", &with_sip_scheme(text))?;
    if uri.user().is_some() {
        return fail("registrar_server", ConfigProblem::Invalid("has a user part"));
    }
    canonical(&uri, false, true)
        .map_err(|e| ConfigError::new("registrar_server", ConfigProblem::InvalidUri(e)))
}

/// The default registrar: `uri` without user, parameters and headers (JsSIP's UA).
fn default_registrar(uri: &Uri) -> Result<Uri, ConfigError> {
    canonical(uri, false, false)
        .map_err(|e| ConfigError::new("registrar_server", ConfigProblem::InvalidUri(e)))
}

/// `contact_uri`: a SIP URI as written with its scheme (JsSIP parses it as `SIP_URI`).
fn contact(text: &str) -> Result<Uri, ConfigError> {
    let uri = parse_sip("contact_uri", text.trim())?;
    canonical(&uri, true, true).map_err(|e| ConfigError::new("contact_uri", ConfigProblem::InvalidUri(e)))
}

/// The default `authorization_user`: the user of `uri`, unescaped.
fn user_of(uri: &Uri) -> Result<String, ConfigError> {
    let user = uri.user_decoded().unwrap_or_default().into_owned();
    String::from_utf8(user).map_err(|_| {
        ConfigError::new(
            "uri",
            ConfigProblem::Invalid("the user part is not utf-8 once unescaped"),
        )
    })
}

/// Writes a SIP URI as JsSIP's `URI.toString()` does: scheme, host and parameter names
/// lower-cased, the values of `transport`, `user` and `maddr` lower-cased (case-insensitive
/// tokens, RFC 3261 §19.1.4), the user unescaped then escaped only where RFC 3261 §25.1 needs.
fn canonical(uri: &Uri, keep_user: bool, keep_params: bool) -> Result<Uri, UriError> {
    let mut out = Vec::with_capacity(uri.as_bytes().len());
    out.extend_from_slice(if uri.scheme() == Scheme::Sips {
        b"sips:"
    } else {
        b"sip:"
    });
    if let (true, Some(user)) = (keep_user, uri.user()) {
        escape(&unescape(user), is_user_char, &mut out);
        if let Some(password) = uri.password() {
            out.push(b':');
            out.extend_from_slice(password);
        }
        out.push(b'@');
    }
    out.extend_from_slice(uri.host().to_ascii_lowercase().as_bytes());
    if let Some(port) = uri.port() {
        out.extend_from_slice(format!(":{port}").as_bytes());
    }
    if keep_params {
        for (name, value) in uri.params().iter() {
            let name = name.to_ascii_lowercase();
            out.push(b';');
            out.extend_from_slice(&name);
            if let Some(value) = value {
                out.push(b'=');
                if matches!(name.as_slice(), b"transport" | b"user" | b"maddr") {
                    out.extend_from_slice(&value.to_ascii_lowercase());
                } else {
                    out.extend_from_slice(value);
                }
            }
        }
        if let Some(headers) = uri.headers_raw() {
            out.push(b'?');
            out.extend_from_slice(headers);
        }
    }
    Uri::parse(Bytes::from(out))
}

/// `instance_id`: a UUID `8-4-4-4-12` hex (RFC 4122 §3), a leading `uuid:` stripped as JsSIP does.
fn uuid(text: &str) -> Result<String, ConfigError> {
    let id = if starts_with_ic(text, "uuid:") {
        text.get(5..).unwrap_or_default()
    } else {
        text
    };
    let mut groups = id.split('-');
    let ok = [8, 4, 4, 4, 12].iter().all(|&len| {
        groups
            .next()
            .is_some_and(|g| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
    }) && groups.next().is_none();
    if !ok {
        return fail(
            "instance_id",
            ConfigProblem::Invalid("not a uuid (8-4-4-4-12 hex digits)"),
        );
    }
    Ok(id.to_string())
}

/// `ha1`: MD5 (32) or SHA-256 / SHA-512-256 (64) hex digits, lower-cased as the digest
/// computation writes them (RFC 7616 §3.4.2).
fn ha1(text: &str) -> Result<String, ConfigError> {
    if !matches!(text.len(), 32 | 64) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return fail("ha1", ConfigProblem::Invalid("must be 32 or 64 hex digits"));
    }
    Ok(text.to_ascii_lowercase())
}

/// `register_from_tag_trail`: it ends a From tag, so token characters only (RFC 3261 §25.1
/// `tag-param = "tag" EQUAL token`).
fn from_tag_trail(trail: String) -> Result<String, ConfigError> {
    if !trail.bytes().all(is_token) {
        return fail(
            "register_from_tag_trail",
            ConfigProblem::Invalid("must be token characters only"),
        );
    }
    Ok(trail)
}

/// `authorization_jwt`: a whole header value, so on one line (RFC 3261 §7.3.1) and not blank
/// (RFC 3261 §25.1 `credentials` cannot be empty).
fn jwt(value: String) -> Result<String, ConfigError> {
    if value.contains(['\r', '\n']) {
        return fail(
            "authorization_jwt",
            ConfigProblem::Invalid("contains a line break"),
        );
    }
    if value.trim_matches([' ', '\t']).is_empty() {
        return fail("authorization_jwt", ConfigProblem::Invalid("is blank"));
    }
    Ok(value)
}

/// An extra header line: `Name: value`, the name a token, no CR/LF (RFC 3261 §7.3.1).
fn header_line(parameter: &'static str, line: String) -> Result<String, ConfigError> {
    if line.contains(['\r', '\n']) {
        return fail(parameter, ConfigProblem::Invalid("contains a line break"));
    }
    let Some((name, _)) = line.split_once(':') else {
        return fail(
            parameter,
            ConfigProblem::Invalid("a header line must be \"Name: value\""),
        );
    };
    let name = name.trim_end_matches([' ', '\t']);
    if name.is_empty() || !name.bytes().all(is_token) {
        return fail(parameter, ConfigProblem::Invalid("a header name must be a token"));
    }
    Ok(line)
}
