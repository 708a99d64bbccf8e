//! Authentication headers: WWW-Authenticate and Proxy-Authenticate challenges, Authorization and
//! Proxy-Authorization credentials, Authentication-Info (RFC 3261 §20.27, §20.28, §20.44, §20.7,
//! §20.6, §25.1; Digest per RFC 2617, RFC 7616 and RFC 8760).
//!
//! A header value can carry several challenges (RFC 7616 §3.7, RFC 7235 §4.1) and a message
//! several lines of each header; the accessors on [`Headers`] walk them all in order. Any scheme
//! parses: Digest parameters are interpreted, every other scheme keeps its parameters (or its
//! token68) raw (RFC 4475 §3.3.7). Quoted values come back unquoted, and a copy is made only when
//! a quoted-pair or a line fold has to be decoded.

mod challenge;
mod credentials;
#[cfg(test)]
mod message_tests;
mod scan;
#[cfg(test)]
mod tests;

pub use challenge::Challenge;
pub use credentials::{AuthenticationInfo, Credentials};

use alloc::borrow::Cow;

use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::parse::lex::{eq_ic, quoted_string, sws, unquote};

/// A Digest `algorithm` (RFC 7616 §3.3, RFC 8760 §2), matched case-insensitively; MD5 when the
/// parameter is absent (RFC 2617 §3.2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm<'a> {
    /// `MD5`.
    #[default]
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
    /// `SHA-512-256` (FIPS 180-4 SHA-512/256).
    Sha512_256,
    /// `SHA-512-256-sess`.
    Sha512_256Sess,
    /// Any other algorithm, as written (escapes kept).
    Other(&'a [u8]),
}

impl<'a> Algorithm<'a> {
    /// Classifies an algorithm name (case-insensitive).
    pub fn from_bytes(name: &'a [u8]) -> Algorithm<'a> {
        const KNOWN: [(&[u8], Algorithm<'static>); 6] = [
            (b"MD5", Algorithm::Md5),
            (b"MD5-sess", Algorithm::Md5Sess),
            (b"SHA-256", Algorithm::Sha256),
            (b"SHA-256-sess", Algorithm::Sha256Sess),
            (b"SHA-512-256", Algorithm::Sha512_256),
            (b"SHA-512-256-sess", Algorithm::Sha512_256Sess),
        ];
        KNOWN
            .iter()
            .find(|(n, _)| eq_ic(n, name))
            .map(|(_, a)| *a)
            .unwrap_or(Algorithm::Other(name))
    }

    /// The name in its registered spelling (RFC 7616 §6.1); `Other` gives the text as written.
    pub fn as_bytes(&self) -> &'a [u8] {
        match self {
            Algorithm::Md5 => b"MD5",
            Algorithm::Md5Sess => b"MD5-sess",
            Algorithm::Sha256 => b"SHA-256",
            Algorithm::Sha256Sess => b"SHA-256-sess",
            Algorithm::Sha512_256 => b"SHA-512-256",
            Algorithm::Sha512_256Sess => b"SHA-512-256-sess",
            Algorithm::Other(n) => n,
        }
    }

    /// True for the `-sess` variants, whose HA1 also hashes nonce and cnonce (RFC 7616 §3.4.2).
    pub fn is_session(&self) -> bool {
        matches!(
            self,
            Algorithm::Md5Sess | Algorithm::Sha256Sess | Algorithm::Sha512_256Sess
        )
    }

    /// How strong the hash is, for picking among challenges (RFC 7616 §3.7: the client uses the
    /// strongest it supports): SHA-512-256 (3) > SHA-256 (2) > MD5 (1); a `-sess` variant ranks
    /// with its hash. `None` for an algorithm this library does not know.
    pub fn strength(&self) -> Option<u8> {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => Some(1),
            Algorithm::Sha256 | Algorithm::Sha256Sess => Some(2),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => Some(3),
            Algorithm::Other(_) => None,
        }
    }
}

/// A quality of protection (RFC 7616 §3.3): `auth`, `auth-int` or an extension token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Qop<'a> {
    /// `auth`: authentication only.
    Auth,
    /// `auth-int`: authentication with integrity protection of the body.
    AuthInt,
    /// Any other value, as written.
    Other(&'a [u8]),
}

impl<'a> Qop<'a> {
    /// Classifies a qop value (case-insensitive, as JsSIP does).
    pub fn from_bytes(v: &'a [u8]) -> Qop<'a> {
        if eq_ic(v, b"auth") {
            Qop::Auth
        } else if eq_ic(v, b"auth-int") {
            Qop::AuthInt
        } else {
            Qop::Other(v)
        }
    }

    /// The value as it goes on the wire (`auth`, `auth-int`, or the text as written).
    pub fn as_bytes(&self) -> &'a [u8] {
        match self {
            Qop::Auth => b"auth",
            Qop::AuthInt => b"auth-int",
            Qop::Other(v) => v,
        }
    }
}

/// The `qop-options` of a challenge: a quoted, comma-separated list (RFC 3261 §25.1,
/// RFC 7616 §3.3), e.g. `"auth,auth-int"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QopOptions<'a> {
    raw: &'a [u8],
}

impl<'a> QopOptions<'a> {
    /// Wraps the list text (without the quotes).
    pub fn new(raw: &'a [u8]) -> Self {
        QopOptions { raw }
    }
    /// The list text as written, without the quotes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }
    /// Each option in order; empty elements are skipped.
    pub fn iter(&self) -> impl Iterator<Item = Qop<'a>> + 'a {
        crate::message::split_list(self.raw).map(Qop::from_bytes)
    }
    /// True when the list offers `qop`.
    pub fn contains(&self, qop: Qop<'_>) -> bool {
        self.iter().any(|q| eq_ic(q.as_bytes(), qop.as_bytes()))
    }
}

/// One `auth-param = token EQUAL ( token / quoted-string )` (RFC 3261 §25.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthParam<'a> {
    /// The name as written (compare case-insensitively).
    pub name: &'a [u8],
    /// The value as written: quotes and escapes kept.
    pub raw_value: &'a [u8],
}

impl<'a> AuthParam<'a> {
    /// True when the value is a quoted-string.
    pub fn is_quoted(&self) -> bool {
        self.raw_value.first() == Some(&b'"')
    }
    /// The value without its surrounding quotes; quoted-pairs stay escaped.
    pub fn unquoted_raw(&self) -> &'a [u8] {
        strip_quotes(self.raw_value)
    }
    /// The value unquoted, with quoted-pairs and line folds decoded (copied only then).
    pub fn value(&self) -> Cow<'a, [u8]> {
        let inner = self.unquoted_raw();
        if self.is_quoted() && inner.iter().any(|&b| b == b'\\' || b == b'\r' || b == b'\n') {
            Cow::Owned(unquote(inner))
        } else {
            Cow::Borrowed(inner)
        }
    }
}

fn strip_quotes(v: &[u8]) -> &[u8] {
    match quoted_string(v) {
        Some((_, inner)) => inner,
        None => v,
    }
}

/// The auth-params of a challenge or credentials, kept as their raw, already validated text;
/// iterating parses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthParams<'a> {
    raw: &'a [u8],
}

impl<'a> AuthParams<'a> {
    /// The raw text, from the first parameter name to the end of the last value.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }
    /// True when there is no parameter.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
    /// Every parameter in order, known and unknown.
    pub fn iter(&self) -> impl Iterator<Item = AuthParam<'a>> + 'a {
        let mut rest = self.raw;
        core::iter::from_fn(move || {
            let r = scan::skip_commas(rest);
            let (name, raw_value, after) = scan::param(r).ok()?;
            rest = after;
            Some(AuthParam { name, raw_value })
        })
    }
    /// The first parameter with this name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<AuthParam<'a>> {
        self.iter().find(|p| eq_ic(p.name, name.as_bytes()))
    }
}

/// Stores `v` in `slot`, refusing a repeated parameter (RFC 7235 §2.1: each parameter name
/// occurs at most once per challenge or credentials). `Err` carries the offset of the repeat.
fn put<T>(slot: &mut Option<T>, v: T, at: usize) -> Result<(), usize> {
    if slot.is_some() {
        return Err(at);
    }
    *slot = Some(v);
    Ok(())
}

/// `nc-value = 8LHEX` (RFC 3261 §25.1, RFC 7616 §3.4); uppercase hex is tolerated.
fn nonce_count(v: &[u8]) -> Option<u32> {
    if v.len() != 8 {
        return None;
    }
    v.iter().try_fold(0u32, |acc, &b| {
        let d = char::from(b).to_digit(16)?;
        Some((acc << 4) | d)
    })
}

/// `TRUE` / `true` / any case (RFC 7616 §3.3 `stale`, `userhash`); anything else is false.
fn flag(v: &[u8]) -> bool {
    eq_ic(v, b"true")
}

/// True when nothing but SWS is left.
fn at_end(i: &[u8]) -> bool {
    sws(i).is_empty()
}

impl Headers {
    /// Every challenge of every WWW-Authenticate line, in order (RFC 3261 §20.44, RFC 7616 §3.7).
    pub fn www_authenticate(&self) -> impl Iterator<Item = Result<Challenge<'_>, HeaderError>> + '_ {
        self.challenges(HeaderName::WwwAuthenticate)
    }

    /// Every challenge of every Proxy-Authenticate line, in order (RFC 3261 §20.27).
    pub fn proxy_authenticate(&self) -> impl Iterator<Item = Result<Challenge<'_>, HeaderError>> + '_ {
        self.challenges(HeaderName::ProxyAuthenticate)
    }

    /// The credentials of every Authorization line, in order (RFC 3261 §20.7).
    pub fn authorization(&self) -> impl Iterator<Item = Result<Credentials<'_>, HeaderError>> + '_ {
        self.credentials(HeaderName::Authorization)
    }

    /// The credentials of every Proxy-Authorization line, in order (RFC 3261 §20.28).
    pub fn proxy_authorization(&self) -> impl Iterator<Item = Result<Credentials<'_>, HeaderError>> + '_ {
        self.credentials(HeaderName::ProxyAuthorization)
    }

    /// Authentication-Info (RFC 3261 §20.6, RFC 7616 §3.5), from its first line.
    pub fn authentication_info(&self) -> Option<Result<AuthenticationInfo<'_>, HeaderError>> {
        let v = self.get(HeaderName::AuthenticationInfo)?;
        Some(AuthenticationInfo::parse(v))
    }

    fn challenges(&self, name: HeaderName) -> impl Iterator<Item = Result<Challenge<'_>, HeaderError>> + '_ {
        self.get_all(name).flat_map(move |v| Challenge::list_in(v, name))
    }

    fn credentials(
        &self,
        name: HeaderName,
    ) -> impl Iterator<Item = Result<Credentials<'_>, HeaderError>> + '_ {
        self.get_all(name)
            .flat_map(move |v| Credentials::list_in(v, name))
    }
}
