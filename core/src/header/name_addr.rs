//! `name-addr` / `addr-spec` with header parameters: From, To, Contact, Route, Record-Route,
//! Path, Reply-To, Refer-To, Referred-By (RFC 3261 §20.10, §25.1).

use alloc::borrow::Cow;
use alloc::string::String;
use bytes::Bytes;
use core::fmt;

use super::HeaderError;
use crate::message::HeaderName;
use crate::params::{header_params_find, Params, Wanted};

const TAG: Wanted = Wanted::new(b"tag");
use crate::parse::lex::{is_wsp, quoted_string, run, sws, unquote, Class};
use crate::uri::{Uri, UriContext};

/// The parts of one `name-addr` / `addr-spec` element, as slices of the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parts<'a> {
    pub(crate) display: Option<&'a [u8]>,
    pub(crate) uri: &'a [u8],
    pub(crate) params: Params<'a>,
    /// The `tag` parameter, as `params.get("tag")` gives it (found while checking them).
    pub(crate) tag: Option<Option<&'a [u8]>>,
}

/// Scans one element at the start of `i` (leading SWS allowed). Returns it and the bytes used
/// (up to the end of its parameters), or the offset of the first error.
pub(crate) fn scan(i: &[u8]) -> Result<(Parts<'_>, usize), usize> {
    let at = |r: &[u8]| i.len() - r.len();
    let r = sws(i);
    let (display, r) = match r.first() {
        Some(b'"') => {
            // display-name = quoted-string
            let (rest, _) = quoted_string(r).ok_or(at(r))?;
            let d = r.get(..r.len() - rest.len()).unwrap_or_default();
            (Some(d), sws(rest))
        }
        Some(b'<') => (None, r),
        _ => match token_display(r) {
            Some((d, rest)) => (Some(d), rest),
            None => (None, r),
        },
    };
    let (uri, r) = if let Some(inner) = r.strip_prefix(b"<") {
        // LAQUOT addr-spec RAQUOT: no whitespace inside (RFC 4475 §3.1.2.14).
        let (_, used) = Uri::scan(inner, UriContext::Full).map_err(|e| at(inner) + e.offset)?;
        let uri = inner.get(..used).unwrap_or_default();
        let after = inner.get(used..).unwrap_or_default();
        let after = after.strip_prefix(b">").ok_or(at(after))?;
        (uri, after)
    } else {
        if display.is_some() {
            return Err(at(r));
        }
        // addr-spec: the URI ends before ';' — those are header params (RFC 3261 §20.10).
        let (_, used) = Uri::scan(r, UriContext::AddrSpec).map_err(|e| at(r) + e.offset)?;
        let uri = r.get(..used).unwrap_or_default();
        let after = r.get(used..).unwrap_or_default();
        // `?headers` need the name-addr form (RFC 4475 §3.1.2.13).
        if matches!(after.first(), Some(b'?')) {
            return Err(at(after));
        }
        (uri, after)
    };
    let (rest, params, tag) = header_params_find(r, TAG).map_err(|off| at(r) + off)?;
    Ok((
        Parts {
            display,
            uri,
            params: Params::new(params),
            tag,
        },
        at(rest),
    ))
}

/// `display-name = *(token LWS)` right before `<` (no LWS needed before `<`, RFC 4475
/// §3.1.1.6). Returns the display text (trimmed) and the rest starting at `<`.
fn token_display(r: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut k = 0;
    let mut last_token_end = 0;
    loop {
        let t = run(r.get(k..)?, Class::TOKEN);
        if t == 0 {
            break;
        }
        k += t;
        last_token_end = k;
        let rest = r.get(k..)?;
        k += rest.len() - sws(rest).len();
    }
    if last_token_end == 0 || r.get(k) != Some(&b'<') {
        return None;
    }
    Some((r.get(..last_token_end)?, r.get(k..)?))
}

/// One address with its header parameters: `"Alice" <sip:alice@example.com>;tag=1`.
#[derive(Clone)]
pub struct NameAddr {
    raw: Bytes,
    display: Option<(usize, usize)>,
    uri: Uri,
    params: (usize, usize),
}

impl NameAddr {
    /// Parses one element from a shared buffer (`value` is a slice of `buf`).
    pub fn parse_in(buf: &Bytes, value: &[u8], header: HeaderName) -> Result<NameAddr, HeaderError> {
        let (parts, used) = scan(value).map_err(|at| HeaderError::new(header, at))?;
        if !sws(value.get(used..).unwrap_or_default()).is_empty() {
            return Err(HeaderError::new(header, used));
        }
        let raw = if value.is_empty() {
            Bytes::new()
        } else {
            buf.slice_ref(value)
        };
        Self::from_parts(raw, value, parts).ok_or(HeaderError::new(header, 0))
    }

    /// Parses one element from text (copies it).
    pub fn parse(value: &[u8]) -> Result<NameAddr, HeaderError> {
        let buf = Bytes::copy_from_slice(value);
        Self::parse_in(&buf, &buf, HeaderName::Other)
    }

    fn from_parts(raw: Bytes, value: &[u8], p: Parts<'_>) -> Option<NameAddr> {
        let off = |s: &[u8]| crate::parse::offset_in(value, s);
        let uri_off = off(p.uri);
        // The scan accepted exactly these bytes as a URI.
        let uri = Uri::parse(raw.slice(uri_off..uri_off + p.uri.len())).ok()?;
        let display = p.display.map(|d| (off(d), off(d) + d.len()));
        let params = if p.params.is_empty() {
            (0, 0)
        } else {
            let s = off(p.params.as_bytes());
            (s, s + p.params.as_bytes().len())
        };
        Some(NameAddr {
            raw,
            display,
            uri,
            params,
        })
    }

    /// Writes `"Display" <uri>` (or `<uri>` without a display name). The display name is
    /// always quoted, with `"` and `\` escaped (RFC 3261 §25.1 quoted-pair), so any UTF-8
    /// text is safe (JsSIP `display_name`: never quoted by the user).
    pub fn format(display: Option<&str>, uri: &Uri) -> String {
        let mut out = String::with_capacity(uri.as_str().len() + 8);
        if let Some(d) = display.filter(|d| !d.is_empty()) {
            out.push('"');
            for ch in d.chars() {
                // CR and LF cannot be sent in a header; drop them.
                match ch {
                    '"' | '\\' => {
                        out.push('\\');
                        out.push(ch);
                    }
                    '\r' | '\n' => {}
                    _ => out.push(ch),
                }
            }
            out.push_str("\" ");
        }
        out.push('<');
        out.push_str(uri.as_str());
        out.push('>');
        out
    }

    /// The display name as written (quotes and escapes kept).
    pub fn display_name_raw(&self) -> Option<&[u8]> {
        self.display.and_then(|(s, e)| self.raw.get(s..e))
    }

    /// The display name, unquoted: quoted-pairs decoded, token runs joined by single spaces
    /// (RFC 3261 §25.1). Invalid UTF-8 becomes U+FFFD.
    pub fn display_name(&self) -> Option<String> {
        let raw = self.display_name_raw()?;
        let bytes: Cow<'_, [u8]> = match quoted_string(raw) {
            Some((_, inner)) => Cow::Owned(unquote(inner)),
            None => {
                let mut out = alloc::vec::Vec::with_capacity(raw.len());
                let mut space = false;
                for &b in raw {
                    if is_wsp(b) || b == b'\r' || b == b'\n' {
                        space = true;
                    } else {
                        if space && !out.is_empty() {
                            out.push(b' ');
                        }
                        space = false;
                        out.push(b);
                    }
                }
                Cow::Owned(out)
            }
        };
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The URI.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The header parameters (after the URI, or after `>`).
    pub fn params(&self) -> Params<'_> {
        Params::new(self.raw.get(self.params.0..self.params.1).unwrap_or_default())
    }

    /// The `tag` parameter (RFC 3261 §19.3).
    pub fn tag(&self) -> Option<&[u8]> {
        self.params().get("tag").flatten()
    }

    /// The exact text of the element.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }
}

impl fmt::Debug for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameAddr({:?})", String::from_utf8_lossy(&self.raw))
    }
}

/// Parses a comma-separated list of elements (Contact, Route, Record-Route, Path).
pub(crate) fn parse_list<'a>(
    buf: &'a Bytes,
    value: &'a [u8],
    header: HeaderName,
) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + 'a {
    let mut rest = Some(value);
    core::iter::from_fn(move || {
        let r = rest?;
        if sws(r).is_empty() {
            rest = None;
            return None;
        }
        let base = crate::parse::offset_in(value, r);
        match scan(r) {
            Ok((parts, used)) => {
                let elem = r.get(..used).unwrap_or_default();
                let after = r.get(used..).unwrap_or_default();
                rest = match crate::parse::lex::sep(after, b',') {
                    Some(n) => Some(n),
                    None if sws(after).is_empty() => None,
                    None => return Some(Err(HeaderError::new(header, base + used))),
                };
                let lead = elem.len() - sws(elem).len();
                let elem = elem.get(lead..).unwrap_or_default();
                let raw = if elem.is_empty() {
                    Bytes::new()
                } else {
                    buf.slice_ref(elem)
                };
                Some(NameAddr::from_parts(raw, elem, parts).ok_or(HeaderError::new(header, base)))
            }
            Err(off) => {
                rest = None;
                Some(Err(HeaderError::new(header, base + off)))
            }
        }
    })
}
