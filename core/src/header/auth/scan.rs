//! The lexical layer shared by challenges, credentials and Authentication-Info:
//! `auth-scheme LWS auth-param *(COMMA auth-param)` (RFC 3261 §25.1), the token68 form
//! (RFC 7235 §2.1, used by Bearer in RFC 8898), and lists of several of them (RFC 7616 §3.7).
//!
//! Errors are the input left at the point of failure, so callers turn them into offsets.

use crate::header::HeaderError;
use crate::message::HeaderName;
use crate::parse::lex::{is_token, quoted_string, sws};
use crate::parse::offset_in;

/// One challenge or credentials as scanned, not yet interpreted.
#[derive(Clone, Copy, Debug)]
pub(super) struct RawAuth<'a> {
    pub(super) scheme: &'a [u8],
    pub(super) token68: Option<&'a [u8]>,
    pub(super) params: &'a [u8],
}

type Scan<'a, T> = Result<T, &'a [u8]>;

fn take(i: &[u8], f: impl Fn(u8) -> bool) -> (&[u8], &[u8]) {
    let n = i.iter().take_while(|&&b| f(b)).count();
    (i.get(..n).unwrap_or_default(), i.get(n..).unwrap_or_default())
}

/// `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 7235 §2.1).
fn is_token68(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

/// A byte of an unquoted value. RFC 3261 §25.1 allows a token there; values some servers send
/// unquoted (base64 nonces with `/` and `=`, URIs) are tolerated: anything visible but a comma
/// or a quote.
fn is_value_char(b: u8) -> bool {
    b > b' ' && b != 0x7f && b != b',' && b != b'"'
}

/// Skips SWS and empty list elements (RFC 7230 §7: a recipient ignores empty elements).
pub(super) fn skip_commas(i: &[u8]) -> &[u8] {
    let mut r = sws(i);
    while let Some(rest) = r.strip_prefix(b",") {
        r = sws(rest);
    }
    r
}

/// `auth-param = auth-param-name EQUAL ( token / quoted-string )` (RFC 3261 §25.1): returns the
/// name, the raw value (quotes kept) and the rest after the value.
pub(super) fn param(i: &[u8]) -> Scan<'_, (&[u8], &[u8], &[u8])> {
    let (name, r) = take(i, is_token);
    if name.is_empty() {
        return Err(i);
    }
    let v = crate::parse::lex::sep(r, b'=').ok_or(sws(r))?;
    if v.first() == Some(&b'"') {
        let (rest, _) = quoted_string(v).ok_or(v)?;
        return Ok((name, v.get(..v.len() - rest.len()).unwrap_or_default(), rest));
    }
    let (value, rest) = take(v, is_value_char);
    if value.is_empty() {
        return Err(v);
    }
    Ok((name, value, rest))
}

/// True when `i` starts with `token SWS "="`: the next auth-param of the same challenge rather
/// than a new auth-scheme (a scheme is followed by LWS and a parameter or token68, RFC 7616 §3.7).
fn starts_param(i: &[u8]) -> bool {
    let (name, r) = take(i, is_token);
    !name.is_empty() && sws(r).first() == Some(&b'=')
}

/// Scans `auth-param *(COMMA auth-param)` at `i` and stops at the end, or before a comma that
/// is followed by a new auth-scheme. Returns the parameter text and the rest.
pub(super) fn params(i: &[u8]) -> Scan<'_, (&[u8], &[u8])> {
    let mut r = i;
    loop {
        let (_, _, after) = param(r)?;
        let text = i.get(..offset_in(i, after)).unwrap_or_default();
        let a = sws(after);
        match a.first() {
            None => return Ok((text, a)),
            Some(b',') => {
                let next = skip_commas(a);
                if next.is_empty() {
                    return Ok((text, next));
                }
                if !starts_param(next) {
                    return Ok((text, a));
                }
                r = next;
            }
            Some(_) => return Err(a),
        }
    }
}

/// Scans one `challenge` / `credentials` (RFC 3261 §25.1) at `i` (SWS already skipped):
/// `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`. The rest starts at the comma before the
/// next element, or is empty.
pub(super) fn one(i: &[u8]) -> Scan<'_, (RawAuth<'_>, &[u8])> {
    let (scheme, r) = take(i, is_token);
    if scheme.is_empty() {
        return Err(i);
    }
    let none = |rest| {
        Ok((
            RawAuth {
                scheme,
                token68: None,
                params: &[][..],
            },
            rest,
        ))
    };
    let after = sws(r);
    // A scheme alone (`Negotiate`, RFC 7235 §2.1) ends at the end or at a comma.
    if after.is_empty() || after.first() == Some(&b',') {
        return none(after);
    }
    // LWS is required between the scheme and what follows.
    if after.len() == r.len() {
        return Err(r);
    }
    // token68, when it is the whole element: `Bearer mF_9.B5f-4.1JqM`, `Basic dXNlcg==`.
    let (t, t_rest) = take(after, is_token68);
    let (_, eq_rest) = take(t_rest, |b| b == b'=');
    let end = sws(eq_rest);
    if !t.is_empty() && (end.is_empty() || end.first() == Some(&b',')) {
        let token68 = after.get(..offset_in(after, eq_rest)).unwrap_or_default();
        if !end.is_empty() && starts_param(skip_commas(end)) {
            // token68 takes no parameters.
            return Err(end);
        }
        return Ok((
            RawAuth {
                scheme,
                token68: Some(token68),
                params: &[][..],
            },
            end,
        ));
    }
    let (params, rest) = params(after)?;
    Ok((
        RawAuth {
            scheme,
            token68: None,
            params,
        },
        rest,
    ))
}

/// Every element of a challenge or credentials list (RFC 7616 §3.7), in order; after an error,
/// nothing more. Errors are offsets in `value`.
pub(super) fn list(value: &[u8]) -> impl Iterator<Item = Result<RawAuth<'_>, usize>> + '_ {
    let mut rest = Some(value);
    let mut first = true;
    core::iter::from_fn(move || {
        let r = rest?;
        let r = skip_commas(r);
        if r.is_empty() {
            rest = None;
            // At least one element: `1#challenge` (RFC 3261 §20.44).
            return if first {
                Some(Err(offset_in(value, r)))
            } else {
                None
            };
        }
        first = false;
        match one(r) {
            Ok((raw, after)) => {
                rest = Some(after);
                Some(Ok(raw))
            }
            Err(at) => {
                rest = None;
                Some(Err(offset_in(value, at)))
            }
        }
    })
}

/// Scans exactly one element making up the whole of `value`.
pub(super) fn single(value: &[u8]) -> Result<RawAuth<'_>, usize> {
    let (raw, rest) = one(sws(value)).map_err(|at| offset_in(value, at))?;
    if !sws(rest).is_empty() {
        return Err(offset_in(value, rest));
    }
    Ok(raw)
}

/// The items of a list value, each read by `from_raw`; the iteration stops after the first
/// error (what follows a malformed item cannot be split reliably).
pub(super) fn typed_list<'a, T: 'a>(
    value: &'a [u8],
    header: HeaderName,
    from_raw: fn(&'a [u8], RawAuth<'a>, HeaderName) -> Result<T, HeaderError>,
) -> impl Iterator<Item = Result<T, HeaderError>> + 'a {
    let mut failed = false;
    list(value).map_while(move |r| {
        if failed {
            return None;
        }
        let item = r
            .map_err(|at| HeaderError::new(header, at))
            .and_then(|raw| from_raw(value, raw, header));
        failed = item.is_err();
        Some(item)
    })
}
