//! The URI grammar: scheme, then `sip:`/`sips:` userinfo, hostport, parameters and headers
//! (RFC 3261 §25.1), `tel:` numbers (RFC 3966 §3), any other scheme kept opaque.

use bytes::Bytes;

use super::escape::{escaped_class_run, escaped_run};
use super::{parse_host, Range, Scheme, Uri, UriContext, UriError, UriErrorKind, MAX_URI_LEN};
use crate::parse::lex::{eq_ic, Class};

/// `scheme ":"` at the start of `i`: the scheme's length (without the colon) and kind.
/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3261 §25.1).
fn scheme(i: &[u8]) -> Result<(usize, Scheme), UriError> {
    let slen = i
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    if slen == 0 || !i.first().is_some_and(u8::is_ascii_alphabetic) || i.get(slen) != Some(&b':') {
        return Err(UriError {
            kind: UriErrorKind::Scheme,
            offset: 0,
        });
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
    Ok((slen, scheme))
}

impl Uri {
    /// Parses the longest URI at the start of `i`. The returned `Uri` has an empty `raw`;
    /// callers attach the bytes.
    pub(super) fn parse_prefix(i: &[u8], ctx: UriContext) -> Result<(Uri, usize), UriError> {
        let err = |kind, offset| Err(UriError { kind, offset });
        if i.is_empty() {
            return err(UriErrorKind::Empty, 0);
        }
        let (slen, scheme) = match i {
            // The usual lower-case `sip:`, as the general rule below reads it.
            [b's', b'i', b'p', b':', ..] => (3, Scheme::Sip),
            _ => scheme(i)?,
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
        let ui_len = match escaped_class_run(rest, Class::USER, |b| b == b':') {
            Ok(n) => n,
            Err(n) => n,
        };
        if rest.get(ui_len) == Some(&b'@') {
            let ui = rest.get(..ui_len).unwrap_or_default();
            let (user_len, has_pw) = match ui.iter().position(|&b| b == b':') {
                Some(c) => (c, true),
                None => (ui_len, false),
            };
            // `ui` is user characters, ':' and valid escapes (the run above stopped at '@'),
            // so the user before the first ':' is valid when it is not empty.
            if user_len == 0 {
                return err(UriErrorKind::UserInfo, pos);
            }
            self.user = Some(Range::new(pos, pos + user_len));
            if has_pw {
                let pw = ui.get(user_len + 1..).unwrap_or_default();
                match escaped_class_run(pw, Class::PASSWORD, |_| false) {
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
        pos = self.parse_params(i, pos, |_| false)?;
        // headers = "?" header *( "&" header ); hname = 1*(...), hvalue = *(...)
        if i.get(pos) == Some(&b'?') {
            let start = pos + 1;
            pos = start;
            loop {
                let seg = i.get(pos..).unwrap_or_default();
                let n = escaped_class_run(seg, Class::HEADER, |b| b == b'=').map_err(|n| UriError {
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

    /// `*( ";" pname [ "=" pvalue ] )` with 1*(`paramchar` or `also`)-or-escaped names and
    /// values.
    fn parse_params(&mut self, i: &[u8], mut pos: usize, also: fn(u8) -> bool) -> Result<usize, UriError> {
        let start = pos + 1;
        let mut any = false;
        while i.get(pos) == Some(&b';') {
            any = true;
            pos += 1;
            pos += param_token(i, pos, also)?;
            if i.get(pos) == Some(&b'=') {
                pos += 1;
                pos += param_token(i, pos, also)?;
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
        self.parse_params(i, pos + n, |b| b == b'=' || b == b'?' || b == b'@')
    }
}

/// One `pname` or `pvalue` of a URI parameter at `at` in `i`: its length, at least one
/// character (RFC 3261 §25.1 `paramchar`, or `also`, or an escape).
#[inline(always)]
fn param_token(i: &[u8], at: usize, also: fn(u8) -> bool) -> Result<usize, UriError> {
    match escaped_class_run(i.get(at..).unwrap_or_default(), Class::PARAM, also) {
        Ok(0) => Err(UriError {
            kind: UriErrorKind::Param,
            offset: at,
        }),
        Ok(n) => Ok(n),
        Err(n) => Err(UriError {
            kind: UriErrorKind::Escape,
            offset: at + n,
        }),
    }
}
