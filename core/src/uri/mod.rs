//! URIs: `sip:`, `sips:` (RFC 3261 §19.1), `tel:` (RFC 3966) and any other absolute URI kept
//! opaque (RFC 3261 §25.1 `absoluteURI`).
//!
//! A [`Uri`] keeps its exact text in a [`Bytes`] (a slice of the message it came from, so no
//! copy) plus the positions of its parts. Accessors return the raw, still-escaped text;
//! `*_decoded` accessors decode `%HH` once.

mod builder;
mod equivalence;
mod escape;
mod host;
mod parser;

pub use builder::UriBuilder;
pub use escape::{escape, unescape};
pub use host::{parse_host, HostKind};

pub(crate) use builder::itoa_u64;

use alloc::borrow::Cow;
use bytes::Bytes;
use core::fmt;

use crate::params::Params;
use crate::parse::lex::eq_ic;

/// The scheme of a URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `sip:` (RFC 3261 §19.1).
    Sip,
    /// `sips:` (RFC 3261 §19.1).
    Sips,
    /// `tel:` (RFC 3966).
    Tel,
    /// Any other scheme; the URI is kept opaque (RFC 4475 §3.3.2).
    Other,
}

/// Why a URI failed to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriErrorKind {
    /// The input is empty.
    #[error("empty uri")]
    Empty,
    /// The scheme is missing or has characters a scheme cannot have.
    #[error("bad scheme")]
    Scheme,
    /// The user or password part has a character that must be escaped.
    #[error("bad user info")]
    UserInfo,
    /// A `%` is not followed by two hex digits.
    #[error("bad %-escape")]
    Escape,
    /// The host is not a hostname, IPv4 address or bracketed IPv6 address.
    #[error("bad host")]
    Host,
    /// The port is not a number from 0 to 65535.
    #[error("bad port")]
    Port,
    /// A `;param` is empty or has a character that must be escaped.
    #[error("bad uri parameter")]
    Param,
    /// A `?header` is empty or has a character that must be escaped.
    #[error("bad uri header")]
    Header,
    /// Unexpected bytes follow the URI.
    #[error("unexpected characters after uri")]
    Trailing,
    /// The URI is longer than the configured limit.
    #[error("uri too long")]
    TooLong,
}

/// A URI parse error: what went wrong and the byte offset in the URI text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct UriError {
    /// What went wrong.
    pub kind: UriErrorKind,
    /// Byte offset in the URI text.
    pub offset: usize,
}

/// How much of the input a URI may take (RFC 3261 §20.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriContext {
    /// Inside `<...>` or a Request-URI: parameters and headers belong to the URI.
    Full,
    /// An `addr-spec` without angle brackets in a header: the URI ends before `;`, `,` and
    /// `?`; what follows are header parameters.
    AddrSpec,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Range {
    start: u16,
    end: u16,
}

impl Range {
    fn new(start: usize, end: usize) -> Self {
        // Callers have checked that the URI is at most u16::MAX bytes long.
        Range {
            start: u16::try_from(start).unwrap_or(u16::MAX),
            end: u16::try_from(end).unwrap_or(u16::MAX),
        }
    }
    fn get<'a>(&self, b: &'a [u8]) -> &'a [u8] {
        b.get(usize::from(self.start)..usize::from(self.end))
            .unwrap_or_default()
    }
}

/// A parsed URI. See the [module docs](self).
#[derive(Clone)]
pub struct Uri {
    raw: Bytes,
    scheme: Scheme,
    user: Option<Range>,
    password: Option<Range>,
    host: Range,
    host_kind: Option<HostKind>,
    port: Option<u16>,
    params: Range,
    headers: Option<Range>,
}

/// The longest URI this type can hold (positions are kept as u16).
pub const MAX_URI_LEN: usize = u16::MAX as usize;

impl Uri {
    /// Parses a whole URI (Request-URI form: parameters and headers included).
    pub fn parse(raw: Bytes) -> Result<Uri, UriError> {
        let (uri, used) = Self::parse_prefix(&raw, UriContext::Full)?;
        if used != raw.len() {
            return Err(UriError {
                kind: UriErrorKind::Trailing,
                offset: used,
            });
        }
        Ok(uri.with_raw(raw))
    }

    /// Parses a URI from text (copies it).
    pub fn parse_str(s: &str) -> Result<Uri, UriError> {
        Self::parse(Bytes::copy_from_slice(s.as_bytes()))
    }

    /// Parses the URI at the start of `buf.slice(start..)` in the given context and returns it
    /// with the number of bytes it took. The URI shares `buf`'s memory.
    pub fn parse_in(buf: &Bytes, start: usize, ctx: UriContext) -> Result<(Uri, usize), UriError> {
        let input = buf.get(start..).unwrap_or_default();
        let (uri, used) = Self::parse_prefix(input, ctx)?;
        Ok((uri.with_raw(buf.slice(start..start + used)), used))
    }

    /// Checks the URI at the start of `i` and returns how many bytes it takes.
    pub(crate) fn scan(i: &[u8], ctx: UriContext) -> Result<((), usize), UriError> {
        Self::parse_prefix(i, ctx).map(|(_, n)| ((), n))
    }

    /// Parses exactly `buf[start..end]` as a whole URI sharing `buf`'s memory. On error returns
    /// how far it got, counted from `start`.
    pub(crate) fn parse_exact(buf: &Bytes, start: usize, end: usize) -> Result<(Uri, usize), UriError> {
        let input = buf.get(start..end).unwrap_or_default();
        let (uri, used) = Self::parse_prefix(input, UriContext::Full)?;
        Ok((uri.with_raw(buf.slice(start..start + used)), used))
    }

    fn with_raw(mut self, raw: Bytes) -> Uri {
        self.raw = raw;
        self
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }
    /// The scheme as written, without the colon.
    pub fn scheme_str(&self) -> &str {
        let n = self.raw.iter().position(|&b| b == b':').unwrap_or(0);
        core::str::from_utf8(self.raw.get(..n).unwrap_or_default()).unwrap_or_default()
    }
    /// The user part as written (still escaped); for `tel:` the number.
    pub fn user(&self) -> Option<&[u8]> {
        self.user.map(|r| r.get(&self.raw))
    }
    /// The user part with `%HH` decoded once.
    pub fn user_decoded(&self) -> Option<Cow<'_, [u8]>> {
        self.user().map(unescape)
    }
    /// The password as written (still escaped).
    pub fn password(&self) -> Option<&[u8]> {
        self.password.map(|r| r.get(&self.raw))
    }
    /// The host as written (IPv6 references keep their brackets); empty for tel/opaque URIs.
    pub fn host(&self) -> &str {
        core::str::from_utf8(self.host.get(&self.raw)).unwrap_or_default()
    }
    /// What kind of host this is; `None` for tel/opaque URIs.
    pub fn host_kind(&self) -> Option<HostKind> {
        self.host_kind
    }
    /// The explicit port, if any.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// The `;params` (raw).
    pub fn params(&self) -> Params<'_> {
        Params::new(self.params.get(&self.raw))
    }
    /// A parameter value, raw; `Some(None)` when present without a value.
    pub fn param(&self, name: &str) -> Option<Option<&[u8]>> {
        let p = self.params();
        // Fast path: the name as written; else compare names after unescaping (§19.1.4).
        p.get(name).or_else(|| {
            p.iter()
                .find(|(n, _)| n.contains(&b'%') && eq_ic(&unescape(n), name.as_bytes()))
                .map(|(_, v)| v)
        })
    }
    /// The `transport` parameter, if any.
    pub fn transport(&self) -> Option<&[u8]> {
        self.param("transport").flatten()
    }
    /// True when the `lr` parameter is present (loose routing, RFC 3261 §19.1.1).
    pub fn is_loose_route(&self) -> bool {
        self.param("lr").is_some()
    }
    /// The raw `?headers` text, without the `?`.
    pub fn headers_raw(&self) -> Option<&[u8]> {
        self.headers.map(|r| r.get(&self.raw))
    }
    /// The `?headers` as (name, value) pairs, raw.
    pub fn headers(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.headers_raw()
            .unwrap_or_default()
            .split(|&b| b == b'&')
            .filter(|h| !h.is_empty())
            .map(|h| match h.iter().position(|&b| b == b'=') {
                Some(e) => (h.get(..e).unwrap_or_default(), h.get(e + 1..).unwrap_or_default()),
                None => (h, &[][..]),
            })
    }
    /// The exact text of the URI.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }
    /// The exact text as a shared buffer.
    pub fn to_bytes(&self) -> Bytes {
        self.raw.clone()
    }
    /// The exact text as `str` (a parsed SIP URI is ASCII).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.raw).unwrap_or_default()
    }
    /// True for `sip:` and `sips:` URIs.
    pub fn is_sip(&self) -> bool {
        matches!(self.scheme, Scheme::Sip | Scheme::Sips)
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uri({:?})", self.as_str())
    }
}

impl core::str::FromStr for Uri {
    type Err = UriError;
    fn from_str(s: &str) -> Result<Uri, UriError> {
        Uri::parse_str(s)
    }
}

#[cfg(test)]
mod tests;
