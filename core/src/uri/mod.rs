//! URIs: `sip:`, `sips:` (RFC 3261 §19.1), `tel:` (RFC 3966) and any other absolute URI kept
//! opaque (RFC 3261 §25.1 `absoluteURI`).
//!
//! A [`Uri`] keeps its exact text in a [`Bytes`] (a slice of the message it came from, so no
//! copy) plus the positions of its parts. Accessors return the raw, still-escaped text;
//! `*_decoded` accessors decode `%HH` once.

mod escape;
mod host;

pub use escape::{escape, unescape};
pub use host::{parse_host, HostKind};

use alloc::borrow::Cow;
use alloc::vec::Vec;
use bytes::Bytes;
use core::fmt;

use crate::params::Params;
use crate::parse::lex::{eq_ic, is_header_char, is_param_char, is_password_char, is_user_char};
use escape::escaped_run;

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

    /// Parses the longest URI at the start of `i`. The returned `Uri` has an empty `raw`;
    /// callers attach the bytes.
    fn parse_prefix(i: &[u8], ctx: UriContext) -> Result<(Uri, usize), UriError> {
        let err = |kind, offset| Err(UriError { kind, offset });
        if i.is_empty() {
            return err(UriErrorKind::Empty, 0);
        }
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3261 §25.1)
        let slen = i
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
            .count();
        if slen == 0 || !i.first().is_some_and(u8::is_ascii_alphabetic) || i.get(slen) != Some(&b':') {
            return err(UriErrorKind::Scheme, 0);
        }
        let name = i.get(..slen).unwrap_or_default();
        let scheme = if eq_ic(name, b"sip") {
            Scheme::Sip
        } else if eq_ic(name, b"sips") {
            Scheme::Sips
        } else if eq_ic(name, b"tel") {
            Scheme::Tel
        } else {
            Scheme::Other
        };
        let mut uri = Uri {
            raw: Bytes::new(),
            scheme,
            user: None,
            password: None,
            host: Range::default(),
            host_kind: None,
            port: None,
            params: Range::default(),
            headers: None,
        };
        let body = slen + 1;
        let used = match scheme {
            Scheme::Sip | Scheme::Sips => uri.parse_sip(i, body, ctx)?,
            Scheme::Tel => uri.parse_tel(i, body, ctx)?,
            Scheme::Other => {
                // absoluteURI: kept opaque. It ends at whitespace, '>' and, in addr-spec
                // context, at ';' / ',' (RFC 3261 §20.10).
                let n = i
                    .get(body..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&b| {
                        b > b' '
                            && b < 0x7f
                            && b != b'>'
                            && b != b'<'
                            && b != b'"'
                            && !(ctx == UriContext::AddrSpec && matches!(b, b';' | b','))
                    })
                    .count();
                if n == 0 {
                    return err(UriErrorKind::Scheme, body);
                }
                body + n
            }
        };
        if used > MAX_URI_LEN {
            return err(UriErrorKind::TooLong, MAX_URI_LEN);
        }
        Ok((uri, used))
    }

    fn parse_sip(&mut self, i: &[u8], mut pos: usize, ctx: UriContext) -> Result<usize, UriError> {
        let err = |kind, offset| Err(UriError { kind, offset });
        let rest = i.get(pos..).unwrap_or_default();
        // userinfo = ( user / telephone-subscriber ) [ ":" password ] "@": present when an '@'
        // comes before any byte that cannot be in userinfo (the user may hold ';' '?' '/').
        let ui_len = match escaped_run(rest, |b| is_user_char(b) || b == b':') {
            Ok(n) => n,
            Err(n) => n,
        };
        if rest.get(ui_len) == Some(&b'@') {
            let ui = rest.get(..ui_len).unwrap_or_default();
            let (user_len, has_pw) = match ui.iter().position(|&b| b == b':') {
                Some(c) => (c, true),
                None => (ui_len, false),
            };
            let user = ui.get(..user_len).unwrap_or_default();
            match escaped_run(user, is_user_char) {
                Ok(n) if n == user.len() && n > 0 => {}
                Ok(n) => return err(UriErrorKind::UserInfo, pos + n),
                Err(n) => return err(UriErrorKind::Escape, pos + n),
            }
            self.user = Some(Range::new(pos, pos + user_len));
            if has_pw {
                let pw = ui.get(user_len + 1..).unwrap_or_default();
                match escaped_run(pw, is_password_char) {
                    Ok(n) if n == pw.len() => {}
                    Ok(n) => return err(UriErrorKind::UserInfo, pos + user_len + 1 + n),
                    Err(n) => return err(UriErrorKind::Escape, pos + user_len + 1 + n),
                }
                self.password = Some(Range::new(pos + user_len + 1, pos + ui_len));
            }
            pos += ui_len + 1;
        } else if let Some(&b) = rest.get(ui_len) {
            if b == b'%' {
                return err(UriErrorKind::Escape, pos + ui_len);
            }
        }
        // hostport = host [ ":" port ]
        let Some((kind, hlen)) = parse_host(i.get(pos..).unwrap_or_default()) else {
            return err(UriErrorKind::Host, pos);
        };
        self.host = Range::new(pos, pos + hlen);
        self.host_kind = Some(kind);
        pos += hlen;
        if i.get(pos) == Some(&b':') {
            let digits = i
                .get(pos + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let port = i
                .get(pos + 1..pos + 1 + digits)
                .and_then(|d| core::str::from_utf8(d).ok())
                .and_then(|d| d.parse::<u16>().ok());
            match port {
                Some(p) if digits > 0 => self.port = Some(p),
                _ => return err(UriErrorKind::Port, pos + 1),
            }
            pos += 1 + digits;
        }
        if ctx == UriContext::AddrSpec {
            return Ok(pos);
        }
        pos = self.parse_params(i, pos, is_param_char)?;
        // headers = "?" header *( "&" header ); hname = 1*(...), hvalue = *(...)
        if i.get(pos) == Some(&b'?') {
            let start = pos + 1;
            pos = start;
            loop {
                let seg = i.get(pos..).unwrap_or_default();
                let n = escaped_run(seg, |b| is_header_char(b) || b == b'=').map_err(|n| UriError {
                    kind: UriErrorKind::Escape,
                    offset: pos + n,
                })?;
                let h = seg.get(..n).unwrap_or_default();
                let name_len = h.iter().position(|&b| b == b'=').unwrap_or(h.len());
                if name_len == 0 {
                    return err(UriErrorKind::Header, pos);
                }
                pos += n;
                if i.get(pos) == Some(&b'&') {
                    pos += 1;
                } else {
                    break;
                }
            }
            self.headers = Some(Range::new(start, pos));
        }
        Ok(pos)
    }

    /// `*( ";" pname [ "=" pvalue ] )` with 1*`allowed`-or-escaped names and values.
    fn parse_params(&mut self, i: &[u8], mut pos: usize, allowed: fn(u8) -> bool) -> Result<usize, UriError> {
        let start = pos + 1;
        let mut any = false;
        while i.get(pos) == Some(&b';') {
            any = true;
            pos += 1;
            let n = escaped_run(i.get(pos..).unwrap_or_default(), allowed).map_err(|n| UriError {
                kind: UriErrorKind::Escape,
                offset: pos + n,
            })?;
            if n == 0 {
                return Err(UriError {
                    kind: UriErrorKind::Param,
                    offset: pos,
                });
            }
            pos += n;
            if i.get(pos) == Some(&b'=') {
                pos += 1;
                let n = escaped_run(i.get(pos..).unwrap_or_default(), allowed).map_err(|n| UriError {
                    kind: UriErrorKind::Escape,
                    offset: pos + n,
                })?;
                if n == 0 {
                    return Err(UriError {
                        kind: UriErrorKind::Param,
                        offset: pos,
                    });
                }
                pos += n;
            }
        }
        if any {
            self.params = Range::new(start, pos);
        }
        Ok(pos)
    }

    /// `tel:` URI (RFC 3966 §3): the number is kept in `user`, then `;params`.
    fn parse_tel(&mut self, i: &[u8], pos: usize, ctx: UriContext) -> Result<usize, UriError> {
        let n = escaped_run(i.get(pos..).unwrap_or_default(), |b| {
            b.is_ascii_hexdigit() || matches!(b, b'+' | b'-' | b'.' | b'(' | b')' | b'*' | b'#')
        })
        .map_err(|n| UriError {
            kind: UriErrorKind::Escape,
            offset: pos + n,
        })?;
        if n == 0 {
            return Err(UriError {
                kind: UriErrorKind::UserInfo,
                offset: pos,
            });
        }
        self.user = Some(Range::new(pos, pos + n));
        if ctx == UriContext::AddrSpec {
            return Ok(pos + n);
        }
        self.parse_params(i, pos + n, |b| {
            is_param_char(b) || b == b'=' || b == b'?' || b == b'@'
        })
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

    /// URI equivalence (RFC 3261 §19.1.4): scheme; user and password byte-exact after
    /// unescaping; host case-insensitive; port present or absent alike; `user`, `ttl`, `method`,
    /// `maddr` and `transport` must match when either side has them; other parameters compared
    /// only when both have them; headers must all match.
    pub fn equivalent(&self, other: &Uri) -> bool {
        if self.scheme != other.scheme {
            return false;
        }
        if !self.is_sip() {
            return match self.scheme {
                // RFC 3966 §4: numbers compare without visual separators, params as SIP's.
                Scheme::Tel => {
                    let digits = |u: &Uri| -> Vec<u8> {
                        unescape(u.user().unwrap_or_default())
                            .iter()
                            .filter(|b| !matches!(b, b'-' | b'.' | b'(' | b')'))
                            .map(u8::to_ascii_lowercase)
                            .collect()
                    };
                    digits(self) == digits(other)
                        && params_equivalent(self.params(), other.params(), &[], true)
                }
                _ => eq_ic(&self.raw, &other.raw),
            };
        }
        let opt_eq = |a: Option<&[u8]>, b: Option<&[u8]>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => unescape(a) == unescape(b),
            _ => false,
        };
        if !opt_eq(self.user(), other.user()) || !opt_eq(self.password(), other.password()) {
            return false;
        }
        if !hosts_equal(self, other) || self.port != other.port {
            return false;
        }
        const MUST: &[&str] = &["user", "ttl", "method", "maddr", "transport"];
        if !params_equivalent(self.params(), other.params(), MUST, false) {
            return false;
        }
        // Headers: every header on either side must be on the other with an equal value.
        let covered = |a: &Uri, b: &Uri| {
            a.headers().all(|(n, v)| {
                b.headers()
                    .any(|(n2, v2)| eq_ic(&unescape(n), &unescape(n2)) && unescape(v) == unescape(v2))
            })
        };
        covered(self, other) && covered(other, self)
    }
}

/// Hosts compare case-insensitively; two IPv6 references compare by address, so
/// `[2001:db8::1]` equals `[2001:DB8:0::1]` (RFC 5118 §4, RFC 4291 §2.2).
fn hosts_equal(a: &Uri, b: &Uri) -> bool {
    if eq_ic(a.host().as_bytes(), b.host().as_bytes()) {
        return true;
    }
    if a.host_kind == Some(HostKind::Ipv6) && b.host_kind == Some(HostKind::Ipv6) {
        let addr = |u: &Uri| {
            let h = u.host();
            h.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse::<core::net::Ipv6Addr>().ok())
        };
        if let (Some(x), Some(y)) = (addr(a), addr(b)) {
            return x == y;
        }
    }
    false
}

/// The first parameter whose name, after unescaping, is `name` (case-insensitive), with its
/// unescaped value.
fn find_param<'a>(p: Params<'a>, name: &[u8]) -> Option<Option<Cow<'a, [u8]>>> {
    p.iter()
        .find(|(n, _)| eq_ic(&unescape(n), name))
        .map(|(_, v)| v.map(unescape))
}

/// RFC 3261 §19.1.4 parameter comparison: names in `must` (every name when `every`, as
/// RFC 3966 §4 wants for tel) have to match when present on either side; any other name is
/// compared only when present on both. Names and values compare case-insensitively after
/// unescaping; only the first occurrence of a name counts.
fn params_equivalent(a: Params<'_>, b: Params<'_>, must: &[&str], every: bool) -> bool {
    let one_way = |x: Params<'_>, y: Params<'_>| {
        x.iter().all(|(n, _)| {
            let name = unescape(n);
            let required = every || must.iter().any(|m| eq_ic(m.as_bytes(), &name));
            match (find_param(x, &name), find_param(y, &name)) {
                (Some(Some(v)), Some(Some(w))) => eq_ic(&v, &w),
                (Some(None), Some(None)) => true,
                (_, None) => !required,
                _ => false,
            }
        })
    };
    one_way(a, b) && one_way(b, a)
}

impl PartialEq for Uri {
    /// Equivalence per RFC 3261 §19.1.4 (see [`Uri::equivalent`]).
    fn eq(&self, other: &Uri) -> bool {
        self.equivalent(other)
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

/// Builds a SIP URI from parts, escaping the user as RFC 3261 §19.1.2 requires.
#[derive(Clone, Debug)]
pub struct UriBuilder {
    text: Vec<u8>,
}

impl UriBuilder {
    /// Starts `sip:` (or `sips:` when `secure`) with an optional user (empty = none) and a host.
    pub fn sip(user: Option<&str>, host: &str, secure: bool) -> Self {
        let mut text = Vec::with_capacity(32 + host.len());
        text.extend_from_slice(if secure { b"sips:" } else { b"sip:" });
        if let Some(u) = user.filter(|u| !u.is_empty()) {
            escape(u.as_bytes(), is_user_char, &mut text);
            text.push(b'@');
        }
        text.extend_from_slice(host.to_ascii_lowercase().as_bytes());
        UriBuilder { text }
    }
    /// Sets the port.
    pub fn port(mut self, port: u16) -> Self {
        self.text.push(b':');
        let mut buf = itoa_u64(u64::from(port));
        self.text.append(&mut buf);
        self
    }
    /// Appends `;name` or `;name=value` (both escaped as needed; an empty value gives `;name`).
    pub fn param(mut self, name: &str, value: Option<&str>) -> Self {
        self.text.push(b';');
        escape(name.as_bytes(), is_param_char, &mut self.text);
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.text.push(b'=');
            escape(v.as_bytes(), is_param_char, &mut self.text);
        }
        self
    }
    /// Parses the result; fails when the host is not a valid host.
    pub fn build(self) -> Result<Uri, UriError> {
        Uri::parse(Bytes::from(self.text))
    }
}

pub(crate) fn itoa_u64(mut v: u64) -> Vec<u8> {
    let mut buf = [0u8; 20];
    let mut k = buf.len();
    loop {
        k -= 1;
        if let Some(slot) = buf.get_mut(k) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || k == 0 {
            break;
        }
    }
    buf.get(k..).unwrap_or_default().to_vec()
}

#[cfg(test)]
mod tests;
