//! Writing a session description back out, and the rewrites a re-offer needs: every media
//! direction changed (hold/unhold), the `o=` version bumped (RFC 3264 §8).

use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;

use super::attr::{Attribute, Direction};
use super::model::{Line, Sdp};

impl Sdp {
    /// Appends every line, in order, each ended with CRLF (RFC 8866 §5). Blank lines are
    /// dropped and LF line ends become CRLF; everything else is byte for byte as parsed.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        for line in &self.lines {
            self.write_line(line, out);
        }
    }

    /// The description as text with CRLF line ends (see [`Sdp::write_to`]). For a description
    /// that arrived with CRLF and no blank lines this equals [`Sdp::buffer`].
    pub fn to_bytes(&self) -> Bytes {
        let mut out = Vec::with_capacity(self.buf.len() + 16);
        self.write_to(&mut out);
        Bytes::from(out)
    }

    fn write_line(&self, line: &Line, out: &mut Vec<u8>) {
        out.push(line.kind);
        out.push(b'=');
        out.extend_from_slice(line.value.get(&self.buf));
        out.extend_from_slice(b"\r\n");
    }

    /// A copy where every media section carries `direction` as its one direction attribute
    /// (RFC 3264 §8.4: hold is `sendonly` or `inactive`, unhold `sendrecv`). An existing
    /// direction line is replaced in place; a section without one gets it as its last line.
    /// Everything else, the session level included, is kept. The `o=` version is not touched:
    /// chain [`Sdp::with_next_version`] for a new offer.
    pub fn with_direction(&self, direction: Direction) -> Sdp {
        self.map_directions(|_| direction)
    }

    /// Like [`Sdp::with_direction`], with each section's new direction computed from the one
    /// that applies to it now (`Direction::hold`, `Direction::unhold`, ...).
    pub fn map_directions(&self, mut f: impl FnMut(Direction) -> Direction) -> Sdp {
        let mut out = Vec::with_capacity(self.buf.len() + 16 * self.sections.len());
        for line in self.session_lines() {
            self.write_line(line, &mut out);
        }
        for media in self.media() {
            let direction = f(media.direction());
            let mut written = false;
            for line in media.raw_lines() {
                let is_direction = line.kind == b'a'
                    && Direction::from_name(Attribute::parse(line.value.get(&self.buf)).name).is_some();
                if !is_direction {
                    self.write_line(line, &mut out);
                } else if !written {
                    push_direction(direction, &mut out);
                    written = true;
                }
            }
            if !written {
                push_direction(direction, &mut out);
            }
        }
        self.reparse(out)
    }

    /// A copy with the `o=` session version incremented by one, as a new offer in the same
    /// session needs (RFC 3264 §8). The number is incremented as decimal text, so it never
    /// overflows (`999` → `1000`).
    pub fn with_next_version(&self) -> Sdp {
        let next = increment_decimal(self.origin().session_version);
        self.with_version_text(&next)
    }

    /// A copy with the `o=` session version set to `version`.
    pub fn with_session_version(&self, version: u64) -> Sdp {
        self.with_version_text(&alloc::format!("{version}"))
    }

    fn with_version_text(&self, version: &str) -> Sdp {
        let o = self.origin();
        let mut out = Vec::with_capacity(self.buf.len() + 8);
        for (i, line) in self.lines.iter().enumerate() {
            if i == self.origin {
                let value = alloc::format!(
                    "o={} {} {} {} {} {}\r\n",
                    o.username,
                    o.session_id,
                    version,
                    o.net_type,
                    o.addr_type,
                    o.address
                );
                out.extend_from_slice(value.as_bytes());
            } else {
                self.write_line(line, &mut out);
            }
        }
        self.reparse(out)
    }

    /// Parses text made from this description's own lines. It cannot fail: every line was
    /// parsed before, and a direction or `o=` line written here is well formed; should it
    /// fail anyway the description is returned unchanged.
    fn reparse(&self, out: Vec<u8>) -> Sdp {
        Sdp::parse(Bytes::from(out)).unwrap_or_else(|_| self.clone())
    }

    /// True when `other` has the same `o=` username, session id and version: by RFC 3264 §8
    /// it is then the same description (a repeated answer, an unchanged re-offer).
    pub fn same_version_as(&self, other: &Sdp) -> bool {
        let (a, b) = (self.origin(), other.origin());
        a.username == b.username
            && a.session_id == b.session_id
            && a.session_version.trim_start_matches('0') == b.session_version.trim_start_matches('0')
    }
}

fn push_direction(direction: Direction, out: &mut Vec<u8>) {
    out.extend_from_slice(b"a=");
    out.extend_from_slice(direction.as_str().as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Adds one to a string of ASCII digits.
fn increment_decimal(digits: &str) -> String {
    let mut d: Vec<u8> = digits.bytes().collect();
    let mut carry = true;
    for b in d.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            carry = false;
            break;
        }
    }
    if carry {
        d.insert(0, b'1');
    }
    String::from_utf8(d).unwrap_or_default()
}

#[cfg(test)]
mod unit {
    #[test]
    fn increment_decimal() {
        assert_eq!(super::increment_decimal("0"), "1");
        assert_eq!(super::increment_decimal("2890844526"), "2890844527");
        assert_eq!(super::increment_decimal("999"), "1000");
        assert_eq!(
            super::increment_decimal("18446744073709551615"),
            "18446744073709551616"
        );
        assert_eq!(super::increment_decimal("0099"), "0100");
    }
}
