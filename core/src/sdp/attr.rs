//! Attributes (`a=`), typed on access: rtpmap, fmtp, direction, ptime, rtcp, mid, and the ICE
//! and DTLS attributes as their raw text.

use super::media::MediaDescription;
use super::model::{Connection, Sdp};
use super::parse::{fields, parse_u16, parse_u32};
use crate::parse::lex::eq_ic;

/// `a=<attribute-name>[:<attribute-value>]` (RFC 8866 §5.13), raw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The name (`rtpmap`, `sendrecv`, `candidate`, ...); empty when it is not UTF-8.
    pub name: &'a str,
    /// The value after the first `:`, raw; `None` for a property attribute like `rtcp-mux`.
    pub value: Option<&'a [u8]>,
}

impl<'a> Attribute<'a> {
    pub(crate) fn parse(line: &'a [u8]) -> Attribute<'a> {
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => (line.get(..i).unwrap_or_default(), line.get(i + 1..)),
            None => (line, None),
        };
        Attribute {
            name: core::str::from_utf8(name).unwrap_or_default(),
            value,
        }
    }
    /// The value as text, when there is one and it is UTF-8.
    pub fn value_str(&self) -> Option<&'a str> {
        self.value.and_then(|v| core::str::from_utf8(v).ok())
    }
    fn is(&self, name: &str) -> bool {
        eq_ic(self.name.as_bytes(), name.as_bytes())
    }
}

/// The media direction attributes (RFC 3264 §5.1, RFC 8866 §6.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `a=sendrecv`, the default (RFC 8866 §6.7.2).
    SendRecv,
    /// `a=sendonly`.
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The attribute name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }
    /// Reads a direction attribute name (case-insensitively).
    pub fn from_name(name: &str) -> Option<Direction> {
        [
            Direction::SendRecv,
            Direction::SendOnly,
            Direction::RecvOnly,
            Direction::Inactive,
        ]
        .into_iter()
        .find(|d| name.eq_ignore_ascii_case(d.as_str()))
    }
    /// The direction from its two halves.
    pub fn from_flags(sends: bool, receives: bool) -> Direction {
        match (sends, receives) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }
    /// True when the side that wrote it sends media.
    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }
    /// True when the side that wrote it receives media.
    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }
    /// The same stream seen from the other side: sendonly ↔ recvonly (RFC 3264 §6.1).
    pub fn reversed(self) -> Direction {
        Direction::from_flags(self.receives(), self.sends())
    }
    /// The direction to put in an answer to an offer of `offered`, when we would like `self`:
    /// we may only send what they receive and receive what they send (RFC 3264 §6.1).
    pub fn answer_to(self, offered: Direction) -> Direction {
        Direction::from_flags(
            self.sends() && offered.receives(),
            self.receives() && offered.sends(),
        )
    }
    /// The direction of a hold re-offer: stop receiving; sendrecv → sendonly, recvonly →
    /// inactive (RFC 3264 §8.4).
    pub fn hold(self) -> Direction {
        Direction::from_flags(self.sends(), false)
    }
    /// The direction of an unhold re-offer: receive again; sendonly → sendrecv, inactive →
    /// recvonly (RFC 3264 §8.4).
    pub fn unhold(self) -> Direction {
        Direction::from_flags(self.sends(), true)
    }
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 §6.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtpMap<'a> {
    /// The RTP payload type, 0–127.
    pub payload_type: u8,
    /// The encoding name as written (`PCMU`, `opus`, `telephone-event`).
    pub encoding: &'a str,
    /// The clock rate in Hz; `None` when missing (RFC 4475 sends `a=rtpmap:31 LPC`).
    pub clock_rate: Option<u32>,
    /// The encoding parameters: the channel count for audio (RFC 8866 §6.6); `None` when absent.
    pub channels: Option<u16>,
}

impl<'a> RtpMap<'a> {
    /// Parses an rtpmap value; `None` when the payload type or encoding is missing or bad.
    pub fn parse(value: &'a [u8]) -> Option<RtpMap<'a>> {
        let s = core::str::from_utf8(value).ok()?;
        let mut it = fields(value).filter_map(|(a, b)| s.get(a..b));
        let payload_type = parse_u16(it.next()?.as_bytes())
            .and_then(|p| u8::try_from(p).ok())
            .filter(|&p| p <= 127)?;
        let mut enc = it.next()?.split('/');
        let encoding = enc.next().filter(|e| !e.is_empty())?;
        Some(RtpMap {
            payload_type,
            encoding,
            clock_rate: enc.next().and_then(|c| parse_u32(c.as_bytes())),
            channels: enc.next().and_then(|c| parse_u16(c.as_bytes())),
        })
    }
    /// True when the encoding name is `name` (case-insensitively, RFC 4855 §3).
    pub fn is(&self, name: &str) -> bool {
        self.encoding.eq_ignore_ascii_case(name)
    }
}

/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15), parameters raw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fmtp<'a> {
    /// The format (the payload type for RTP).
    pub format: &'a str,
    /// The parameters, raw (`0-16`, `minptime=10;useinbandfec=1`).
    pub params: &'a str,
}

impl<'a> Fmtp<'a> {
    /// Parses an fmtp value.
    pub fn parse(value: &'a [u8]) -> Option<Fmtp<'a>> {
        let s = core::str::from_utf8(value).ok()?;
        let (format, params) = s.split_once([' ', '\t']).unwrap_or((s, ""));
        (!format.is_empty()).then(|| Fmtp {
            format,
            params: params.trim_matches([' ', '\t']),
        })
    }
    /// The payload type, when the format is a number 0–127.
    pub fn payload_type(&self) -> Option<u8> {
        parse_u16(self.format.as_bytes())
            .and_then(|p| u8::try_from(p).ok())
            .filter(|&p| p <= 127)
    }
    /// The value of `name` in a `key=value;key=value` parameter list (names compared
    /// case-insensitively); `Some("")` for a key without `=`.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params.split(';').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rtcp<'a> {
    /// The RTCP port.
    pub port: u16,
    /// The RTCP address, when it differs from the media connection.
    pub connection: Option<Connection<'a>>,
}

impl<'a> Rtcp<'a> {
    /// Parses an rtcp value.
    pub fn parse(value: &'a [u8]) -> Option<Rtcp<'a>> {
        let (ps, pe) = fields(value).next()?;
        let port = parse_u16(value.get(ps..pe)?)?;
        let rest = value.get(pe..).unwrap_or_default();
        let connection = if fields(rest).next().is_some() {
            Some(Connection::parse(rest)?)
        } else {
            None
        };
        Some(Rtcp { port, connection })
    }
}

impl Sdp {
    /// The session-level direction attribute, if any (RFC 3264 §5.1).
    pub fn direction(&self) -> Option<Direction> {
        self.attributes().find_map(|a| Direction::from_name(a.name))
    }
}

impl<'a> MediaDescription<'a> {
    fn attr_str(&self, name: &str) -> Option<&'a str> {
        self.attribute(name).and_then(|a| a.value_str())
    }
    fn attr_or_session_str(&self, name: &str) -> Option<&'a str> {
        self.attribute_or_session(name).and_then(|a| a.value_str())
    }
    /// The direction attribute written in this section, if any.
    pub fn explicit_direction(&self) -> Option<Direction> {
        self.attributes().find_map(|a| Direction::from_name(a.name))
    }
    /// The direction that applies: media level, else session level, else sendrecv
    /// (RFC 3264 §5.1, RFC 8866 §6.7).
    pub fn direction(&self) -> Direction {
        self.explicit_direction()
            .or_else(|| self.sdp.direction())
            .unwrap_or(Direction::SendRecv)
    }
    /// The `a=rtpmap` lines that parse, for formats listed on the `m=` line (RFC 8866 §6.6).
    pub fn rtpmaps(&self) -> impl Iterator<Item = RtpMap<'a>> + 'a {
        let this = *self;
        self.attributes()
            .filter(|a| a.is("rtpmap"))
            .filter_map(|a| RtpMap::parse(a.value?))
            .filter(move |m| this.has_payload_type(m.payload_type))
    }
    fn has_payload_type(&self, pt: u8) -> bool {
        self.formats()
            .any(|f| parse_u16(f.as_bytes()) == Some(u16::from(pt)))
    }
    /// The rtpmap of a payload type.
    pub fn rtpmap(&self, payload_type: u8) -> Option<RtpMap<'a>> {
        self.rtpmaps().find(|m| m.payload_type == payload_type)
    }
    /// The `a=fmtp` lines that parse.
    pub fn fmtps(&self) -> impl Iterator<Item = Fmtp<'a>> + 'a {
        self.attributes()
            .filter(|a| a.is("fmtp"))
            .filter_map(|a| Fmtp::parse(a.value?))
    }
    /// The fmtp of a format.
    pub fn fmtp(&self, format: &str) -> Option<Fmtp<'a>> {
        self.fmtps().find(|f| f.format == format)
    }
    /// `a=ptime` in milliseconds (RFC 8866 §6.4); a fraction is cut off.
    pub fn ptime(&self) -> Option<u32> {
        millis(self.attr_str("ptime")?)
    }
    /// `a=maxptime` in milliseconds (RFC 8866 §6.5).
    pub fn maxptime(&self) -> Option<u32> {
        millis(self.attr_str("maxptime")?)
    }
    /// `a=rtcp` (RFC 3605).
    pub fn rtcp(&self) -> Option<Rtcp<'a>> {
        Rtcp::parse(self.attribute("rtcp")?.value?)
    }
    /// True when `a=rtcp-mux` is present (RFC 5761 §5.1.1).
    pub fn rtcp_mux(&self) -> bool {
        self.attribute("rtcp-mux").is_some()
    }
    /// `a=mid` (RFC 5888 §4).
    pub fn mid(&self) -> Option<&'a str> {
        self.attr_str("mid")
    }
    /// `a=ice-ufrag`, media level else session level (RFC 8839 §5.4), raw.
    pub fn ice_ufrag(&self) -> Option<&'a str> {
        self.attr_or_session_str("ice-ufrag")
    }
    /// `a=ice-pwd`, media level else session level (RFC 8839 §5.4), raw.
    pub fn ice_pwd(&self) -> Option<&'a str> {
        self.attr_or_session_str("ice-pwd")
    }
    /// `a=ice-options`, media level else session level (RFC 8839 §5.6), raw.
    pub fn ice_options(&self) -> Option<&'a str> {
        self.attr_or_session_str("ice-options")
    }
    /// The `a=candidate` values (RFC 8839 §5.1), raw.
    pub fn candidates(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes()
            .filter(|a| a.is("candidate"))
            .filter_map(|a| a.value_str())
    }
    /// True when `a=end-of-candidates` is present here or at session level (RFC 8840 §8.2).
    pub fn end_of_candidates(&self) -> bool {
        self.attribute_or_session("end-of-candidates").is_some()
    }
    /// `a=fingerprint`, media level else session level (RFC 8122 §5), raw.
    pub fn fingerprint(&self) -> Option<&'a str> {
        self.attr_or_session_str("fingerprint")
    }
    /// `a=setup`, media level else session level (RFC 4145 §4), raw.
    pub fn setup(&self) -> Option<&'a str> {
        self.attr_or_session_str("setup")
    }
    /// The payload type of `telephone-event` at this clock rate (RFC 4733).
    pub fn telephone_event_payload_type(&self, clock_rate: u32) -> Option<u8> {
        self.rtpmaps()
            .find(|m| m.is("telephone-event") && m.clock_rate == Some(clock_rate))
            .map(|m| m.payload_type)
    }
}

/// Milliseconds from a `ptime` value, allowing a fraction (`20.0`), which is cut off.
fn millis(s: &str) -> Option<u32> {
    let int = s.trim().split('.').next()?;
    parse_u32(int.as_bytes())
}
