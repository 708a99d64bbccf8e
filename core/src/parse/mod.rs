//! Parsing SIP messages from bytes (RFC 3261 §7, §25), zero-copy.
//!
//! [`parse_message`] takes one whole message (a WebSocket frame, a datagram, or what the
//! [`StreamFramer`] cut from a TCP/TLS stream) and returns a [`Message`] that shares the input
//! buffer. The start line and the headers every transaction needs (Via, From, To, Call-ID,
//! CSeq, Content-Length) are checked here; a malformed one is a [`ParseError`] with its kind
//! and byte offset. Every other header is kept raw and parsed only when asked for, so one bad
//! `Date:` does not make the message unusable.

mod error;
mod framer;
pub mod lex;
mod start_line;
pub(crate) mod swar;

pub use error::{ParseError, ParseErrorKind};
pub use framer::{Frame, FrameError, StreamFramer};

use alloc::vec::Vec;
use bytes::Bytes;

use crate::header::{cseq, name_addr, via};
use crate::message::{Essentials, Field, HeaderName, Headers, Message, Request, Response, Span};
use lex::{is_wsp, Class};
use start_line::StartLine;

/// How the message arrived, which decides how its body is delimited (RFC 3261 §18.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// One UDP datagram: Content-Length optional; without it the body runs to the end, with it
    /// extra bytes are ignored (RFC 3261 §18.3).
    Datagram,
    /// One WebSocket message: Content-Length optional (RFC 7118 §5), otherwise as a datagram.
    WebSocket,
    /// Cut from a TCP/TLS stream: Content-Length required and exact (RFC 3261 §18.3).
    Stream,
}

/// Size limits applied while parsing. Exceeding one is an error naming the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole message in bytes (default 65 535, the largest UDP payload).
    pub max_message_size: usize,
    /// Most header lines (default 256), not counting one Content-Length line.
    pub max_headers: usize,
    /// Longest single line, start line or header line, in bytes (default 8 192).
    pub max_header_line: usize,
    /// Longest Request-URI in bytes (default 4 096).
    pub max_uri_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 65_535,
            max_headers: 256,
            max_header_line: 8_192,
            max_uri_len: 4_096,
        }
    }
}

/// Byte offset of `part` inside `whole` (`part` must be a subslice of `whole`).
#[inline]
pub(crate) fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize)
}

#[inline]
fn span_of(whole: &[u8], part: &[u8]) -> Span {
    let s = offset_in(whole, part);
    Span::new(s, s + part.len())
}

/// The end of the line starting at `pos`: (index of CR or LF ending it, index after the LF).
/// Lines end in CRLF; a bare LF is tolerated.
#[inline]
fn line_end(buf: &[u8], pos: usize) -> Option<(usize, usize)> {
    let rest = buf.get(pos..)?;
    let lf = memchr::memchr(b'\n', rest)? + pos;
    let end = if lf > pos && buf.get(lf - 1) == Some(&b'\r') {
        lf - 1
    } else {
        lf
    };
    Some((end, lf + 1))
}

/// Parses one whole SIP message. See the [module docs](self).
pub fn parse_message(data: Bytes, framing: Framing, limits: &Limits) -> Result<Message, ParseError> {
    use ParseErrorKind as K;
    let buf: &[u8] = &data;
    if buf.len() > limits.max_message_size {
        return Err(ParseError::at(K::TooLarge, limits.max_message_size));
    }
    // RFC 3261 §7.5: CRLFs before the start line are ignored (keep-alives, RFC 5626 §3.5.1).
    let mut pos = buf.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
    if pos == buf.len() {
        return Err(ParseError::at(K::Empty, pos));
    }
    let (sl_end, next) = line_end(buf, pos).ok_or(ParseError::at(K::NoEndOfHeaders, buf.len()))?;
    if sl_end - pos > limits.max_header_line {
        return Err(ParseError::at(K::LineTooLong, pos));
    }
    let start = start_line::parse(&data, pos, sl_end, limits)?;
    pos = next;

    // Header lines until the empty line (RFC 3261 §7.3). Folded lines (starting with WSP)
    // continue the previous value (RFC 3261 §7.3.1).
    let mut fields: Vec<Field> = Vec::with_capacity(32);
    // The encoder always writes one Content-Length line; it does not count toward the limit,
    // so whatever parses also re-parses after encoding.
    let mut seen_length = false;
    // One search over the header section: the lines are consecutive, so each LF found is the
    // end of the next line.
    let base = pos;
    let mut lfs = memchr::memchr_iter(b'\n', buf.get(base..).unwrap_or_default());
    loop {
        let lf = lfs.next().ok_or(ParseError::at(K::NoEndOfHeaders, buf.len()))? + base;
        let end = if lf > pos && buf.get(lf - 1) == Some(&b'\r') {
            lf - 1
        } else {
            lf
        };
        let next = lf + 1;
        if end - pos > limits.max_header_line {
            return Err(ParseError::at(K::LineTooLong, pos));
        }
        if end == pos {
            pos = next;
            break;
        }
        let line = buf.get(pos..end).unwrap_or_default();
        if line.first().copied().is_some_and(is_wsp) {
            let Some(last) = fields.last_mut() else {
                return Err(ParseError::at(K::HeaderLine, pos));
            };
            let text_end = end - trailing_wsp(line);
            if last.value.start == last.value.end {
                // The value starts on a continuation line (RFC 4475 §3.1.1.3).
                let lead = line.iter().take_while(|&&b| is_wsp(b)).count();
                if pos + lead < text_end {
                    last.value = Span::new(pos + lead, text_end);
                }
            } else if pos + line.iter().take_while(|&&b| is_wsp(b)).count() < text_end {
                last.value.end = Span::new(0, text_end).end;
            }
            pos = next;
            continue;
        }
        let name_len = lex::run(line, Class::TOKEN);
        if name_len == 0 {
            return Err(ParseError::at(K::HeaderLine, pos));
        }
        // HCOLON = *( SP / HTAB ) ":" SWS (RFC 3261 §25.1)
        let vstart_rel = match line.get(name_len..) {
            // The usual `Name: value`.
            Some([b':', b' ', v, ..]) if !is_wsp(*v) => name_len + 2,
            _ => value_start(line, name_len).map_err(|at| ParseError::at(K::HeaderLine, pos + at))?,
        };
        let vstart = pos + vstart_rel;
        let vend = match line.last() {
            Some(&b) if is_wsp(b) => (end - trailing_wsp(line)).max(vstart),
            _ => end.max(vstart),
        };
        let kind = HeaderName::from_prefix(line, name_len);
        let first_length = kind == HeaderName::ContentLength && !seen_length;
        seen_length |= first_length;
        if fields.len() >= limits.max_headers + usize::from(seen_length) && !first_length {
            return Err(ParseError::at(K::TooManyHeaders, pos));
        }
        fields.push(Field {
            name: Span::new(pos, pos + name_len),
            value: Span::new(vstart, vend),
            kind,
        });
        pos = next;
    }

    let essentials = check_headers(buf, &fields)?;

    // Body (RFC 3261 §18.3, RFC 7118 §5).
    let avail = buf.len() - pos;
    let body_len = match (essentials.content_length, framing) {
        (None, Framing::Stream) => return Err(ParseError::at(K::ContentLengthMissing, pos)),
        (None, _) => avail,
        (Some(cl), _) => {
            let cl = cl as usize;
            if cl > avail {
                return Err(ParseError::at(K::BodyIncomplete, buf.len()));
            }
            if framing == Framing::Stream && cl < avail {
                return Err(ParseError::at(K::TrailingData, pos + cl));
            }
            cl
        }
    };
    let body = Span::new(pos, pos + body_len);
    // The message keeps the input buffer itself: no extra reference count.
    let headers = Headers { buf: data, fields };
    Ok(match start {
        StartLine::Request { method, uri, version } => Message::Request(Request {
            method,
            uri,
            version,
            headers,
            body,
            essentials,
        }),
        StartLine::Response {
            version,
            status,
            reason,
        } => Message::Response(Response {
            version,
            status,
            reason,
            headers,
            body,
            essentials,
        }),
    })
}

/// Where the value of a header line starts, after `HCOLON` and the whitespace that follows;
/// `line` starts with a `name_len`-byte name. Returns the offset of the bad byte otherwise.
fn value_start(line: &[u8], name_len: usize) -> Result<usize, usize> {
    let after_name = line.get(name_len..).unwrap_or_default();
    let ws = after_name.iter().take_while(|&&b| is_wsp(b)).count();
    if after_name.get(ws) != Some(&b':') {
        return Err(name_len + ws);
    }
    let vstart_rel = name_len + ws + 1;
    let lead = line
        .get(vstart_rel..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| is_wsp(b))
        .count();
    Ok(vstart_rel + lead)
}

fn trailing_wsp(line: &[u8]) -> usize {
    line.iter().rev().take_while(|&&b| is_wsp(b)).count()
}

/// Checks the headers every transaction relies on and records where their key parts are.
fn check_headers(buf: &[u8], fields: &[Field]) -> Result<Essentials, ParseError> {
    use ParseErrorKind as K;
    let mut e = Essentials::default();
    let mut seen_via = false;
    for f in fields {
        let value = f.value.get(buf);
        let bad = |k: HeaderName, at: usize| ParseError::at(K::Header(k), f.value.start as usize + at);
        match f.kind {
            HeaderName::Via => {
                // Via = 1#via-parm (RFC 3261 §20.42): every element must parse.
                let mut rest = value;
                loop {
                    let (v, used, branch) = via::scan_with_branch(rest)
                        .map_err(|at| bad(HeaderName::Via, offset_in(value, rest) + at))?;
                    if !seen_via {
                        seen_via = true;
                        e.via_transport = Some(span_of(buf, v.transport));
                        e.via_host = Some(span_of(buf, v.host));
                        e.via_port = v.port;
                        e.via_branch = branch.map(|b| span_of(buf, b));
                    }
                    rest = rest.get(used..).unwrap_or_default();
                    match lex::sep(rest, b',') {
                        Some(r) => rest = r,
                        None if lex::sws(rest).is_empty() => break,
                        None => return Err(bad(HeaderName::Via, offset_in(value, rest))),
                    }
                }
            }
            HeaderName::From | HeaderName::To => {
                // From/To = ( name-addr / addr-spec ) *( SEMI from-param ) (RFC 3261 §20.20, §20.39)
                let (na, used) = name_addr::scan(value).map_err(|at| bad(f.kind, at))?;
                if !lex::sws(value.get(used..).unwrap_or_default()).is_empty() {
                    return Err(bad(f.kind, used));
                }
                let slot = if f.kind == HeaderName::From {
                    &mut e.from_tag
                } else {
                    &mut e.to_tag
                };
                if slot.is_none() {
                    *slot = na.tag.flatten().map(|t| span_of(buf, t));
                }
            }
            HeaderName::CallId => {
                // callid = word [ "@" word ] (RFC 3261 §25.1)
                // '@' is not a word character, so the first run ends at it or at a bad byte.
                let a = lex::run(value, Class::WORD);
                let ok = a > 0
                    && match value.get(a) {
                        None => true,
                        Some(b'@') => {
                            let b = lex::run(value.get(a + 1..).unwrap_or_default(), Class::WORD);
                            b > 0 && a + 1 + b == value.len()
                        }
                        Some(_) => false,
                    };
                if !ok {
                    return Err(bad(HeaderName::CallId, 0));
                }
                e.call_id.get_or_insert(f.value);
            }
            HeaderName::CSeq => {
                let (seq, method) = cseq::scan(value).map_err(|at| bad(HeaderName::CSeq, at))?;
                e.cseq.get_or_insert((seq, span_of(buf, method)));
            }
            HeaderName::ContentLength => {
                // Content-Length = 1*DIGIT (RFC 3261 §20.14); a negative value (RFC 4475 §3.1.2.3)
                // or a second, different one (§3.3.9) makes the framing unknowable.
                let n = match lex::decimal(value) {
                    Some((n, [])) => u32::try_from(n).ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    return Err(ParseError::at(K::ContentLength, f.value.start as usize));
                };
                match e.content_length {
                    Some(prev) if prev != n => {
                        return Err(ParseError::at(K::ContentLengthConflict, f.value.start as usize))
                    }
                    _ => e.content_length = Some(n),
                }
            }
            _ => {}
        }
    }
    Ok(e)
}

#[cfg(test)]
mod tests;
