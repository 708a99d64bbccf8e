//! Authorization / Proxy-Authorization credentials (RFC 3261 §20.7, §20.28, §25.1;
//! RFC 7616 §3.4) and Authentication-Info (RFC 3261 §20.6, RFC 7616 §3.5).

use alloc::borrow::Cow;

use super::scan::{self, RawAuth};
use super::{at_end, flag, nonce_count, put, Algorithm, AuthParam, AuthParams, Qop};
use crate::header::HeaderError;
use crate::message::HeaderName;
use crate::parse::lex::eq_ic;
use crate::parse::offset_in;

/// The credentials of one Authorization or Proxy-Authorization line:
/// `Digest username="bob", realm="biloxi.com", nonce="...", uri="sip:bob@biloxi.com", ...`.
///
/// The Digest fields are filled only when the scheme is Digest; any other scheme
/// (`NoOneKnowsThisScheme opaque-data=here`, RFC 4475 §3.3.7) keeps its parameters raw in
/// [`Credentials::params`] or its [`Credentials::token68`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials<'a> {
    /// The auth-scheme as written; compare case-insensitively.
    pub scheme: &'a [u8],
    /// The token68 of a scheme that uses one (`Bearer <token>`, RFC 8898 §6.1).
    pub token68: Option<&'a [u8]>,
    /// Every auth-param in order (also `username*`, RFC 7616 §3.4.4, which is not decoded).
    pub params: AuthParams<'a>,
    /// `username`, unquoted (the hash itself when `userhash` is true).
    pub username: Option<Cow<'a, [u8]>>,
    /// `realm`, unquoted.
    pub realm: Option<Cow<'a, [u8]>>,
    /// `nonce`, unquoted.
    pub nonce: Option<Cow<'a, [u8]>>,
    /// `uri`: the digest-uri, unquoted (the Request-URI as sent, RFC 3261 §22.4).
    pub uri: Option<Cow<'a, [u8]>>,
    /// `response`: the request-digest in hex, unquoted.
    pub response: Option<Cow<'a, [u8]>>,
    /// `algorithm`; MD5 when absent.
    pub algorithm: Algorithm<'a>,
    /// `cnonce`, unquoted.
    pub cnonce: Option<Cow<'a, [u8]>>,
    /// `opaque`, unquoted.
    pub opaque: Option<Cow<'a, [u8]>>,
    /// `qop`: the one quality of protection used.
    pub qop: Option<Qop<'a>>,
    /// `nc`: the nonce count (8 hex digits on the wire).
    pub nc: Option<u32>,
    /// `userhash=true`: `username` is `H(username ":" realm)` (RFC 7616 §3.4.4).
    pub userhash: bool,
}

impl<'a> Credentials<'a> {
    /// Parses a value holding exactly one credentials.
    pub fn parse(value: &'a [u8]) -> Result<Credentials<'a>, HeaderError> {
        let h = HeaderName::Authorization;
        let raw = scan::single(value).map_err(|at| HeaderError::new(h, at))?;
        Self::from_raw(value, raw, h)
    }

    /// Parses a value holding one or more credentials separated by commas.
    pub fn parse_list(value: &'a [u8]) -> impl Iterator<Item = Result<Credentials<'a>, HeaderError>> + 'a {
        Self::list_in(value, HeaderName::Authorization)
    }

    pub(super) fn list_in(
        value: &'a [u8],
        header: HeaderName,
    ) -> impl Iterator<Item = Result<Credentials<'a>, HeaderError>> + 'a {
        scan::typed_list(value, header, Self::from_raw)
    }

    fn from_raw(
        value: &'a [u8],
        raw: RawAuth<'a>,
        header: HeaderName,
    ) -> Result<Credentials<'a>, HeaderError> {
        let err = |at| HeaderError::new(header, at);
        let mut c = Credentials {
            scheme: raw.scheme,
            token68: raw.token68,
            params: AuthParams { raw: raw.params },
            username: None,
            realm: None,
            nonce: None,
            uri: None,
            response: None,
            algorithm: Algorithm::Md5,
            cnonce: None,
            opaque: None,
            qop: None,
            nc: None,
            userhash: false,
        };
        if !c.is_digest() {
            return Ok(c);
        }
        if let Some(t) = raw.token68 {
            // `credentials = "Digest" LWS digest-response` (RFC 3261 §25.1).
            return Err(err(offset_in(value, t)));
        }
        let (mut algorithm, mut userhash) = (None, None);
        for p in c.params.iter() {
            let at = offset_in(value, p.name);
            let n = p.name;
            let r = if eq_ic(n, b"username") {
                put(&mut c.username, p.value(), at)
            } else if eq_ic(n, b"realm") {
                put(&mut c.realm, p.value(), at)
            } else if eq_ic(n, b"nonce") {
                put(&mut c.nonce, p.value(), at)
            } else if eq_ic(n, b"uri") {
                put(&mut c.uri, p.value(), at)
            } else if eq_ic(n, b"response") {
                put(&mut c.response, p.value(), at)
            } else if eq_ic(n, b"algorithm") {
                put(&mut algorithm, Algorithm::from_bytes(p.unquoted_raw()), at)
            } else if eq_ic(n, b"cnonce") {
                put(&mut c.cnonce, p.value(), at)
            } else if eq_ic(n, b"opaque") {
                put(&mut c.opaque, p.value(), at)
            } else if eq_ic(n, b"qop") {
                put(&mut c.qop, Qop::from_bytes(p.unquoted_raw()), at)
            } else if eq_ic(n, b"nc") {
                nc(value, &p).and_then(|v| put(&mut c.nc, v, at))
            } else if eq_ic(n, b"userhash") {
                put(&mut userhash, flag(p.unquoted_raw()), at)
            } else {
                Ok(())
            };
            r.map_err(err)?;
        }
        c.algorithm = algorithm.unwrap_or_default();
        c.userhash = userhash.unwrap_or(false);
        Ok(c)
    }

    /// True when the scheme is Digest (case-insensitive, RFC 3261 §22.4).
    pub fn is_digest(&self) -> bool {
        eq_ic(self.scheme, b"Digest")
    }
}

/// `nonce-count = "nc" EQUAL nc-value` (RFC 3261 §25.1); `Err` is the offset of a bad value.
fn nc(value: &[u8], p: &AuthParam<'_>) -> Result<u32, usize> {
    nonce_count(p.unquoted_raw()).ok_or(offset_in(value, p.raw_value))
}

/// Authentication-Info: what the server says after a successful authentication
/// (RFC 3261 §20.6, RFC 7616 §3.5), e.g. `nextnonce="47364c23432d2e131a5fb210812c"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticationInfo<'a> {
    /// Every ainfo parameter in order, known and unknown.
    pub params: AuthParams<'a>,
    /// `nextnonce`, unquoted: the nonce to use for the next request.
    pub nextnonce: Option<Cow<'a, [u8]>>,
    /// `qop` the server used.
    pub qop: Option<Qop<'a>>,
    /// `rspauth`: the response digest proving the server knows the secret, unquoted.
    pub rspauth: Option<Cow<'a, [u8]>>,
    /// `cnonce`, unquoted (the client's, echoed).
    pub cnonce: Option<Cow<'a, [u8]>>,
    /// `nc` (the client's, echoed).
    pub nc: Option<u32>,
}

impl<'a> AuthenticationInfo<'a> {
    /// Parses an Authentication-Info value: `ainfo *(COMMA ainfo)` (RFC 3261 §25.1).
    pub fn parse(value: &'a [u8]) -> Result<AuthenticationInfo<'a>, HeaderError> {
        let err = |at| HeaderError::new(HeaderName::AuthenticationInfo, at);
        let start = scan::skip_commas(value);
        let (text, rest) = scan::params(start).map_err(|at| err(offset_in(value, at)))?;
        if !at_end(scan::skip_commas(rest)) {
            return Err(err(offset_in(value, rest)));
        }
        let mut a = AuthenticationInfo {
            params: AuthParams { raw: text },
            nextnonce: None,
            qop: None,
            rspauth: None,
            cnonce: None,
            nc: None,
        };
        for p in a.params.iter() {
            let at = offset_in(value, p.name);
            let n = p.name;
            let r = if eq_ic(n, b"nextnonce") {
                put(&mut a.nextnonce, p.value(), at)
            } else if eq_ic(n, b"qop") {
                put(&mut a.qop, Qop::from_bytes(p.unquoted_raw()), at)
            } else if eq_ic(n, b"rspauth") {
                put(&mut a.rspauth, p.value(), at)
            } else if eq_ic(n, b"cnonce") {
                put(&mut a.cnonce, p.value(), at)
            } else if eq_ic(n, b"nc") {
                nc(value, &p).and_then(|v| put(&mut a.nc, v, at))
            } else {
                Ok(())
            };
            r.map_err(err)?;
        }
        Ok(a)
    }
}
