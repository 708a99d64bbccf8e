//! Request-Line and Status-Line (RFC 3261 §7.1, §7.2, §25.1).

use bytes::Bytes;

use super::{lex, Limits, ParseError, ParseErrorKind as K};
use crate::message::{Method, Span, StatusCode, Version};
use crate::uri::{Scheme, Uri};

pub(crate) enum StartLine {
    Request {
        method: Method,
        uri: Uri,
        version: Version,
    },
    Response {
        version: Version,
        status: StatusCode,
        reason: Span,
    },
}

/// `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`; "SIP" is case-insensitive (RFC 3261 §7.1,
/// RFC 5234 §2.3). Returns the version and its length.
fn version(i: &[u8]) -> Option<(Version, usize)> {
    // The usual `SIP/2.0` not followed by another digit: what the grammar below gives too.
    if let Some(rest) = i.strip_prefix(b"SIP/2.0") {
        if !rest.first().is_some_and(u8::is_ascii_digit) {
            return Some((Version::SIP_2_0, 7));
        }
    }
    let head = i.get(..4)?;
    if !lex::eq_ic(head, b"SIP/") {
        return None;
    }
    let (major, rest) = lex::decimal(i.get(4..)?)?;
    let rest = rest.strip_prefix(b".")?;
    let (minor, rest) = lex::decimal(rest)?;
    let v = Version {
        major: u8::try_from(major).ok()?,
        minor: u8::try_from(minor).ok()?,
    };
    Some((v, i.len() - rest.len()))
}

pub(crate) fn parse(
    data: &Bytes,
    start: usize,
    end: usize,
    limits: &Limits,
) -> Result<StartLine, ParseError> {
    let line = data.get(start..end).unwrap_or_default();
    if let Some((v, used)) = version(line) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
        let rest = line.get(used..).unwrap_or_default();
        let Some(rest) = rest.strip_prefix(b" ") else {
            return Err(ParseError::at(K::StartLine, start + used));
        };
        let code_at = start + used + 1;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits != 3 {
            return Err(ParseError::at(K::StatusCode, code_at));
        }
        let code = rest
            .get(..3)
            .unwrap_or_default()
            .iter()
            .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
        let status = StatusCode::new(code).ok_or(ParseError::at(K::StatusCode, code_at))?;
        // Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP /
        // HTAB): anything but CR and LF. The SP before it is required, but a Status-Line that
        // stops right after the code is tolerated.
        let reason = match rest.get(3..).unwrap_or_default() {
            [] => Span::new(code_at + 3, code_at + 3),
            [b' ', r @ ..] => {
                if r.iter().any(|&b| b == b'\r' || b == 0) {
                    return Err(ParseError::at(K::StartLine, code_at + 4));
                }
                Span::new(code_at + 4, end)
            }
            _ => return Err(ParseError::at(K::StatusCode, code_at)),
        };
        return Ok(StartLine::Response {
            version: v,
            status,
            reason,
        });
    }

    // Request-Line = Method SP Request-URI SP SIP-Version CRLF, single spaces (RFC 4475 §3.1.2.9)
    let mlen = lex::run(line, lex::Class::TOKEN);
    if mlen == 0 {
        return Err(ParseError::at(K::StartLine, start));
    }
    if line.get(mlen) != Some(&b' ') {
        return Err(ParseError::at(K::Method, start + mlen));
    }
    let method = Method::from_token(data, start, start + mlen);
    let uri_start = start + mlen + 1;
    let rest = line.get(mlen + 1..).unwrap_or_default();
    let ulen = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    if ulen > limits.max_uri_len {
        return Err(ParseError::at(K::UriTooLong, uri_start));
    }
    let (uri, used) = Uri::parse_exact(data, uri_start, uri_start + ulen)
        .map_err(|e| ParseError::at(K::RequestUri(e.kind), uri_start + e.offset))?;
    if used != ulen {
        return Err(ParseError::at(
            K::RequestUri(crate::uri::UriErrorKind::Trailing),
            uri_start + used,
        ));
    }
    // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
    if matches!(uri.scheme(), Scheme::Sip | Scheme::Sips) && uri.headers_raw().is_some() {
        return Err(ParseError::at(K::RequestUriHeaders, uri_start));
    }
    let vrest = rest.get(ulen..).unwrap_or_default();
    let Some(vtext) = vrest.strip_prefix(b" ") else {
        return Err(ParseError::at(K::Version, uri_start + ulen));
    };
    let vat = uri_start + ulen + 1;
    match version(vtext) {
        // Trailing spaces after the version are an error too (RFC 4475 §3.1.2.10).
        Some((version, used)) if used == vtext.len() => Ok(StartLine::Request { method, uri, version }),
        _ => Err(ParseError::at(K::Version, vat)),
    }
}
