//! WWW-Authenticate / Proxy-Authenticate challenges (RFC 3261 §20.44, §20.27, §25.1;
//! RFC 7616 §3.3; RFC 8760 §2).

use alloc::borrow::Cow;

use super::scan::{self, RawAuth};
use super::{flag, put, Algorithm, AuthParams, QopOptions};
use crate::header::HeaderError;
use crate::message::HeaderName;
use crate::parse::lex::{eq_ic, is_wsp};
use crate::parse::offset_in;

/// One challenge: `Digest realm="atlanta.com", nonce="84a4cc6f", qop="auth"`, or any other
/// scheme with its parameters kept raw.
///
/// The Digest fields are filled only when the scheme is Digest (`realm` for every scheme,
/// RFC 7235 §2.2); [`Challenge::params`] holds every parameter, known or not, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge<'a> {
    /// The auth-scheme as written (`Digest`, `Bearer`, ...); compare case-insensitively.
    pub scheme: &'a [u8],
    /// The token68 of a scheme that uses one instead of parameters (RFC 7235 §2.1).
    pub token68: Option<&'a [u8]>,
    /// Every auth-param in order.
    pub params: AuthParams<'a>,
    /// `realm`, unquoted (RFC 7616 §3.3).
    pub realm: Option<Cow<'a, [u8]>>,
    /// `domain`: a space-separated list of URIs, unquoted (RFC 7616 §3.3).
    pub domain: Option<Cow<'a, [u8]>>,
    /// `nonce`, unquoted.
    pub nonce: Option<Cow<'a, [u8]>>,
    /// `opaque`, unquoted; echoed back unchanged in the credentials.
    pub opaque: Option<Cow<'a, [u8]>>,
    /// `stale=true`: the nonce expired but the credentials were right; retry without asking the
    /// user again (RFC 7616 §3.3).
    pub stale: bool,
    /// `algorithm`; MD5 when absent.
    pub algorithm: Algorithm<'a>,
    /// `qop` options; `None` when absent (RFC 2069 compatibility mode).
    pub qop: Option<QopOptions<'a>>,
    /// `userhash=true`: the server accepts a hashed username (RFC 7616 §3.4.4).
    pub userhash: bool,
    /// `charset`, unquoted; only `UTF-8` is defined (RFC 7616 §3.3).
    pub charset: Option<&'a [u8]>,
}

impl<'a> Challenge<'a> {
    /// Parses a value holding exactly one challenge.
    pub fn parse(value: &'a [u8]) -> Result<Challenge<'a>, HeaderError> {
        let h = HeaderName::WwwAuthenticate;
        let raw = scan::single(value).map_err(|at| HeaderError::new(h, at))?;
        Self::from_raw(value, raw, h)
    }

    /// Parses a value holding one or more challenges separated by commas (RFC 7616 §3.7).
    pub fn parse_list(value: &'a [u8]) -> impl Iterator<Item = Result<Challenge<'a>, HeaderError>> + 'a {
        Self::list_in(value, HeaderName::WwwAuthenticate)
    }

    pub(super) fn list_in(
        value: &'a [u8],
        header: HeaderName,
    ) -> impl Iterator<Item = Result<Challenge<'a>, HeaderError>> + 'a {
        scan::typed_list(value, header, Self::from_raw)
    }

    fn from_raw(value: &'a [u8], raw: RawAuth<'a>, header: HeaderName) -> Result<Challenge<'a>, HeaderError> {
        let err = |at| HeaderError::new(header, at);
        let mut c = Challenge {
            scheme: raw.scheme,
            token68: raw.token68,
            params: AuthParams { raw: raw.params },
            realm: None,
            domain: None,
            nonce: None,
            opaque: None,
            stale: false,
            algorithm: Algorithm::Md5,
            qop: None,
            userhash: false,
            charset: None,
        };
        let digest = c.is_digest();
        if let (true, Some(t)) = (digest, raw.token68) {
            // `challenge = "Digest" LWS digest-cln *(COMMA digest-cln)` (RFC 3261 §25.1).
            return Err(err(offset_in(value, t)));
        }
        let (mut algorithm, mut stale, mut userhash) = (None, None, None);
        for p in c.params.iter() {
            let at = offset_in(value, p.name);
            let n = p.name;
            let r = if eq_ic(n, b"realm") {
                put(&mut c.realm, p.value(), at)
            } else if !digest {
                Ok(())
            } else if eq_ic(n, b"domain") {
                put(&mut c.domain, p.value(), at)
            } else if eq_ic(n, b"nonce") {
                put(&mut c.nonce, p.value(), at)
            } else if eq_ic(n, b"opaque") {
                put(&mut c.opaque, p.value(), at)
            } else if eq_ic(n, b"stale") {
                put(&mut stale, flag(p.unquoted_raw()), at)
            } else if eq_ic(n, b"algorithm") {
                put(&mut algorithm, Algorithm::from_bytes(p.unquoted_raw()), at)
            } else if eq_ic(n, b"qop") {
                put(&mut c.qop, QopOptions::new(p.unquoted_raw()), at)
            } else if eq_ic(n, b"userhash") {
                put(&mut userhash, flag(p.unquoted_raw()), at)
            } else if eq_ic(n, b"charset") {
                put(&mut c.charset, p.unquoted_raw(), at)
            } else {
                Ok(())
            };
            r.map_err(err)?;
        }
        c.algorithm = algorithm.unwrap_or_default();
        c.stale = stale.unwrap_or(false);
        c.userhash = userhash.unwrap_or(false);
        Ok(c)
    }

    /// True when the scheme is Digest (case-insensitive, RFC 3261 §22.4).
    pub fn is_digest(&self) -> bool {
        eq_ic(self.scheme, b"Digest")
    }

    /// How strong this challenge is for a client that supports MD5, SHA-256 and SHA-512-256:
    /// the algorithm's [`Algorithm::strength`] for a Digest challenge, `None` for another scheme
    /// or an unknown algorithm.
    pub fn strength(&self) -> Option<u8> {
        if !self.is_digest() {
            return None;
        }
        self.algorithm.strength()
    }

    /// The strongest usable Digest challenge (RFC 7616 §3.7: the client uses the strongest
    /// algorithm it understands); on a tie the first one, as the server listed them in order of
    /// preference.
    pub fn strongest<'c>(challenges: impl IntoIterator<Item = &'c Challenge<'a>>) -> Option<&'c Challenge<'a>>
    where
        'a: 'c,
    {
        let mut best: Option<(u8, &'c Challenge<'a>)> = None;
        for c in challenges {
            match (c.strength(), best) {
                (Some(s), Some((b, _))) if s > b => best = Some((s, c)),
                (Some(s), None) => best = Some((s, c)),
                _ => {}
            }
        }
        best.map(|(_, c)| c)
    }

    /// The URIs of `domain`, split at whitespace (RFC 7616 §3.3 `domain`).
    pub fn domain_uris(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.domain
            .as_deref()
            .unwrap_or_default()
            .split(|&b| is_wsp(b) || b == b'\r' || b == b'\n')
            .filter(|s| !s.is_empty())
    }
}
