//! The SDP parser: splits lines, checks the lines every consumer needs, records positions.

use alloc::vec::Vec;
use bytes::Bytes;

use super::model::{Connection, Line, Origin, Sdp, Section};
use super::{SdpError, SdpErrorKind};
use crate::message::Span;

/// Splits `value` into fields separated by runs of SP or HTAB. RFC 8866 §5 says one SP; more
/// are tolerated. Yields `(start, end)` offsets into `value`.
pub(crate) fn fields(value: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    core::iter::from_fn(move || {
        let rest = value.get(pos..)?;
        let start = pos + rest.iter().position(|&b| b != b' ' && b != b'\t')?;
        let len = value
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b != b' ' && b != b'\t')
            .count();
        pos = start + len;
        Some((start, start + len))
    })
}

/// A decimal number made of ASCII digits only, fitting in `u16`.
pub(crate) fn parse_u16(s: &[u8]) -> Option<u16> {
    parse_u32(s).and_then(|v| u16::try_from(v).ok())
}

/// A decimal number made of ASCII digits only, fitting in `u32`.
pub(crate) fn parse_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
    })
}

/// Parses a whole session description. See the [module docs](super).
pub(crate) fn parse(buf: Bytes) -> Result<Sdp, SdpError> {
    if u32::try_from(buf.len()).is_err() {
        return Err(SdpError {
            kind: SdpErrorKind::TooLarge,
            line: 1,
        });
    }
    let mut lines: Vec<Line> = Vec::with_capacity(16);
    let mut sections: Vec<Section> = Vec::new();
    let mut origin: Option<usize> = None;
    let mut version_line: Option<u32> = None;
    let mut number: u32 = 0;
    let mut pos = 0;
    while pos < buf.len() {
        number = number.saturating_add(1);
        let rest = buf.get(pos..).unwrap_or_default();
        // RFC 8866 §5: lines end in CRLF; parsers should also accept a bare LF.
        let (end, next) = match memchr::memchr(b'\n', rest) {
            Some(lf) if lf > 0 && rest.get(lf - 1) == Some(&b'\r') => (pos + lf - 1, pos + lf + 1),
            Some(lf) => (pos + lf, pos + lf + 1),
            None => (buf.len(), buf.len()),
        };
        let text = buf.get(pos..end).unwrap_or_default();
        let start = pos;
        pos = next;
        if text.is_empty() {
            continue;
        }
        let err = |kind| Err(SdpError { kind, line: number });
        // RFC 8866 §5: `<type>=<value>`, type one letter, no whitespace around '='.
        let kind = match text {
            [k, b'=', ..] if k.is_ascii_lowercase() => *k,
            _ => return err(SdpErrorKind::Line),
        };
        let value = Span::new(start + 2, end);
        let value_bytes = text.get(2..).unwrap_or_default();
        if version_line.is_none() {
            // RFC 8866 §5.1: the first line is v=0.
            if kind != b'v' {
                return err(SdpErrorKind::MissingVersion);
            }
            if value_bytes != b"0" {
                return err(SdpErrorKind::Version);
            }
            version_line = Some(number);
        }
        let in_session = sections.is_empty();
        match kind {
            b'o' if in_session && origin.is_none() => {
                if Origin::parse(value_bytes).is_none() {
                    return err(SdpErrorKind::Origin);
                }
                origin = Some(lines.len());
            }
            // RFC 8866 §9: text = byte-string, which excludes NUL.
            b's' if in_session && value_bytes.contains(&0) => return err(SdpErrorKind::SessionName),
            b'c' if Connection::parse(value_bytes).is_none() => return err(SdpErrorKind::Connection),
            b'm' => {
                let Some(mut section) = parse_media(value_bytes, start + 2) else {
                    return err(SdpErrorKind::Media);
                };
                section.first = lines.len();
                if let Some(prev) = sections.last_mut() {
                    prev.end = lines.len();
                }
                sections.push(section);
            }
            _ => {}
        }
        lines.push(Line { kind, value, number });
    }
    let Some(v_line) = version_line else {
        return Err(SdpError {
            kind: SdpErrorKind::Empty,
            line: number.max(1),
        });
    };
    let Some(origin) = origin else {
        // RFC 8866 §5: o= follows v=; report the line where it was expected.
        return Err(SdpError {
            kind: SdpErrorKind::MissingOrigin,
            line: v_line.saturating_add(1),
        });
    };
    if let Some(last) = sections.last_mut() {
        last.end = lines.len();
    }
    Ok(Sdp {
        buf,
        lines,
        origin,
        sections,
    })
}

/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14). `base` is the
/// offset of `value` in the buffer. The format list may be empty (tolerated).
fn parse_media(value: &[u8], base: usize) -> Option<Section> {
    core::str::from_utf8(value).ok()?;
    let mut it = fields(value);
    let (ms, me) = it.next()?;
    let (ps, pe) = it.next()?;
    let (ts, te) = it.next()?;
    let port_text = value.get(ps..pe)?;
    let (port, port_count) = match port_text.iter().position(|&b| b == b'/') {
        Some(slash) => {
            let count = parse_u16(port_text.get(slash + 1..)?).filter(|&n| n > 0)?;
            (parse_u16(port_text.get(..slash)?)?, Some(count))
        }
        None => (parse_u16(port_text)?, None),
    };
    let formats = match it.next() {
        // From the first format to the end of the line, without trailing whitespace.
        Some((fs, _)) => {
            let end = value
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t')
                .map_or(fs, |i| i + 1);
            Span::new(base + fs, base + end)
        }
        None => Span::new(base + te, base + te),
    };
    Some(Section {
        first: 0,
        end: 0,
        media: Span::new(base + ms, base + me),
        port,
        port_count,
        proto: Span::new(base + ts, base + te),
        formats,
    })
}
