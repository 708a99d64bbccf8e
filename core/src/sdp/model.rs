//! The session description model: [`Sdp`], its media sections and the typed `o=`, `c=`, `b=`
//! fields (RFC 8866 §5).

use alloc::vec::Vec;
use bytes::Bytes;
use core::fmt;

use super::attr::Attribute;
use super::media::MediaDescription;
use super::parse::{fields, parse, parse_u32};
use super::SdpError;
use crate::message::Span;
use crate::parse::lex::eq_ic;

/// One line as parsed: its type letter, where its value is, its 1-based line number.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub(crate) kind: u8,
    pub(crate) value: Span,
    pub(crate) number: u32,
}

/// One media section: the index of its `m=` line, the index after its last line, and the
/// parsed `m=` fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Section {
    pub(crate) first: usize,
    pub(crate) end: usize,
    pub(crate) media: Span,
    pub(crate) port: u16,
    pub(crate) port_count: Option<u16>,
    pub(crate) proto: Span,
    pub(crate) formats: Span,
}

/// A parsed session description. See the [module docs](super).
#[derive(Clone)]
pub struct Sdp {
    pub(crate) buf: Bytes,
    pub(crate) lines: Vec<Line>,
    /// Index in `lines` of the session-level `o=` line.
    pub(crate) origin: usize,
    pub(crate) sections: Vec<Section>,
}

/// One line of a session description, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdpLine<'a> {
    /// The type letter (`v`, `o`, `a`, ...).
    pub kind: char,
    /// The value after `=`, without the line end.
    pub value: &'a [u8],
    /// The 1-based line number in the parsed text (blank lines counted).
    pub number: u32,
}

/// The address type of `o=` and `c=` (RFC 8866 §5.7; IPv6 as in RFC 5118 §4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressType {
    /// `IP4`.
    Ip4,
    /// `IP6`.
    Ip6,
}

impl AddressType {
    /// The token: `IP4` or `IP6`.
    pub fn as_str(self) -> &'static str {
        match self {
            AddressType::Ip4 => "IP4",
            AddressType::Ip6 => "IP6",
        }
    }
    /// Reads an `addrtype` token (case-insensitively); `None` for any other type.
    pub fn from_token(token: &str) -> Option<AddressType> {
        if token.eq_ignore_ascii_case("IP4") {
            Some(AddressType::Ip4)
        } else if token.eq_ignore_ascii_case("IP6") {
            Some(AddressType::Ip6)
        } else {
            None
        }
    }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`
/// (RFC 8866 §5.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The user name (`-` when there is none).
    pub username: &'a str,
    /// The session id, as written.
    pub session_id: &'a str,
    /// The session version: ASCII digits, of any length.
    pub session_version: &'a str,
    /// The network type (`IN`).
    pub net_type: &'a str,
    /// The address type token as written (`IP4`, `IP6`).
    pub addr_type: &'a str,
    /// The address of the machine that made the description.
    pub address: &'a str,
}

impl<'a> Origin<'a> {
    /// Parses an `o=` value: six fields, the version made of digits only.
    pub(crate) fn parse(value: &'a [u8]) -> Option<Origin<'a>> {
        let s = core::str::from_utf8(value).ok()?;
        let mut it = fields(value).filter_map(|(a, b)| s.get(a..b));
        let origin = Origin {
            username: it.next()?,
            session_id: it.next()?,
            session_version: it.next()?,
            net_type: it.next()?,
            addr_type: it.next()?,
            address: it.next()?,
        };
        let digits = origin.session_version.bytes().all(|b| b.is_ascii_digit());
        (it.next().is_none() && digits).then_some(origin)
    }
    /// The session version as a number, when it fits in `u64`.
    pub fn session_version_number(&self) -> Option<u64> {
        self.session_version.parse().ok()
    }
    /// The address type, when it is `IP4` or `IP6`.
    pub fn address_type(&self) -> Option<AddressType> {
        AddressType::from_token(self.addr_type)
    }
}

/// `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connection<'a> {
    /// The network type (`IN`).
    pub net_type: &'a str,
    /// The address type token as written (`IP4`, `IP6`).
    pub addr_type: &'a str,
    /// The address (IPv4, IPv6 without brackets, or a host name), without `/ttl/count`.
    pub address: &'a str,
    /// The multicast suffix after the first `/` (`127/3` of `224.2.1.1/127/3`), if any.
    pub multicast: Option<&'a str>,
}

impl<'a> Connection<'a> {
    /// Parses a `c=` value (also the address part of `a=rtcp`, RFC 3605 §2.1).
    pub(crate) fn parse(value: &'a [u8]) -> Option<Connection<'a>> {
        let s = core::str::from_utf8(value).ok()?;
        let mut it = fields(value).filter_map(|(a, b)| s.get(a..b));
        let net_type = it.next()?;
        let addr_type = it.next()?;
        let full = it.next()?;
        if it.next().is_some() {
            return None;
        }
        let (address, multicast) = match full.split_once('/') {
            Some((a, m)) => (a, Some(m)),
            None => (full, None),
        };
        (!address.is_empty()).then_some(Connection {
            net_type,
            addr_type,
            address,
            multicast,
        })
    }
    /// The address type, when it is `IP4` or `IP6`.
    pub fn address_type(&self) -> Option<AddressType> {
        AddressType::from_token(self.addr_type)
    }
    /// True for `c=IN IP4 0.0.0.0`, the RFC 2543 way of putting a stream on hold (RFC 3264
    /// §8.4 says to understand it).
    pub fn is_unspecified(&self) -> bool {
        self.address_type() == Some(AddressType::Ip4) && self.address == "0.0.0.0"
    }
}

/// `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bandwidth<'a> {
    /// The bandwidth type (`AS`, `CT`, `TIAS`, ...).
    pub bw_type: &'a str,
    /// The value, in the unit the type defines (kbit/s for `AS` and `CT`).
    pub bandwidth: u32,
}

impl<'a> Bandwidth<'a> {
    pub(crate) fn parse(value: &'a [u8]) -> Option<Bandwidth<'a>> {
        let s = core::str::from_utf8(value).ok()?;
        let (bw_type, n) = s.split_once(':')?;
        Some(Bandwidth {
            bw_type,
            bandwidth: parse_u32(n.as_bytes())?,
        })
    }
}

/// The values of the lines of type `kind` among `lines`.
pub(crate) fn values<'a>(buf: &'a [u8], lines: &'a [Line], kind: u8) -> impl Iterator<Item = &'a [u8]> + 'a {
    lines
        .iter()
        .filter(move |l| l.kind == kind)
        .map(move |l| l.value.get(buf))
}

/// The `a=` lines among `lines`.
pub(crate) fn attributes<'a>(buf: &'a [u8], lines: &'a [Line]) -> impl Iterator<Item = Attribute<'a>> + 'a {
    values(buf, lines, b'a').map(Attribute::parse)
}

impl Sdp {
    /// Parses a session description that shares `buf`'s memory.
    pub fn parse(buf: Bytes) -> Result<Sdp, SdpError> {
        parse(buf)
    }
    /// Parses a session description from text (copies it).
    pub fn parse_str(s: &str) -> Result<Sdp, SdpError> {
        parse(Bytes::copy_from_slice(s.as_bytes()))
    }
    /// The buffer the description was parsed from, exactly as it came.
    pub fn buffer(&self) -> &Bytes {
        &self.buf
    }
    /// Every non-blank line in order.
    pub fn lines(&self) -> impl Iterator<Item = SdpLine<'_>> {
        self.lines.iter().map(|l| self.view(l))
    }
    pub(crate) fn view(&self, l: &Line) -> SdpLine<'_> {
        SdpLine {
            kind: char::from(l.kind),
            value: l.value.get(&self.buf),
            number: l.number,
        }
    }
    /// The session-level lines: everything before the first `m=`.
    pub(crate) fn session_lines(&self) -> &[Line] {
        let end = self.sections.first().map_or(self.lines.len(), |s| s.first);
        self.lines.get(..end).unwrap_or_default()
    }
    /// The values of the session-level lines of type `kind` (`'t'`, `'r'`, `'z'`, ...), raw.
    pub fn session_values(&self, kind: char) -> impl Iterator<Item = &[u8]> {
        let kind = u8::try_from(kind).unwrap_or(0);
        values(&self.buf, self.session_lines(), kind)
    }
    fn session_value(&self, kind: char) -> Option<&[u8]> {
        self.session_values(kind).next()
    }
    /// `o=` (RFC 8866 §5.2).
    pub fn origin(&self) -> Origin<'_> {
        // The parser checked this line; the default is never used.
        self.lines
            .get(self.origin)
            .and_then(|l| Origin::parse(l.value.get(&self.buf)))
            .unwrap_or_default()
    }
    /// `s=` (RFC 8866 §5.3), raw (may be empty or absent).
    pub fn session_name(&self) -> Option<&[u8]> {
        self.session_value('s')
    }
    /// Session-level `i=` (RFC 8866 §5.4), raw.
    pub fn information(&self) -> Option<&[u8]> {
        self.session_value('i')
    }
    /// `u=` (RFC 8866 §5.5), raw.
    pub fn uri(&self) -> Option<&[u8]> {
        self.session_value('u')
    }
    /// `e=` lines (RFC 8866 §5.6), raw.
    pub fn emails(&self) -> impl Iterator<Item = &[u8]> {
        self.session_values('e')
    }
    /// `p=` lines (RFC 8866 §5.6), raw.
    pub fn phones(&self) -> impl Iterator<Item = &[u8]> {
        self.session_values('p')
    }
    /// Session-level `c=` (RFC 8866 §5.7).
    pub fn connection(&self) -> Option<Connection<'_>> {
        self.session_value('c').and_then(Connection::parse)
    }
    /// Session-level `b=` lines (RFC 8866 §5.8); malformed ones are skipped.
    pub fn bandwidths(&self) -> impl Iterator<Item = Bandwidth<'_>> {
        self.session_values('b').filter_map(Bandwidth::parse)
    }
    /// `t=` lines (RFC 8866 §5.9), raw.
    pub fn times(&self) -> impl Iterator<Item = &[u8]> {
        self.session_values('t')
    }
    /// Session-level `k=` (RFC 8866 §5.12, obsolete), raw.
    pub fn encryption_key(&self) -> Option<&[u8]> {
        self.session_value('k')
    }
    /// Session-level `a=` lines (RFC 8866 §5.13).
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'_>> {
        attributes(&self.buf, self.session_lines())
    }
    /// The first session-level attribute with this name (compared case-insensitively).
    pub fn attribute(&self, name: &str) -> Option<Attribute<'_>> {
        self.attributes()
            .find(|a| eq_ic(a.name.as_bytes(), name.as_bytes()))
    }
    /// The media sections in order.
    pub fn media(&self) -> impl ExactSizeIterator<Item = MediaDescription<'_>> {
        self.sections
            .iter()
            .enumerate()
            .map(move |(index, section)| MediaDescription {
                sdp: self,
                section,
                index,
            })
    }
    /// The number of `m=` lines.
    pub fn media_count(&self) -> usize {
        self.sections.len()
    }
    /// The media section at `index` (0-based, in `m=` order).
    pub fn media_at(&self, index: usize) -> Option<MediaDescription<'_>> {
        self.media().nth(index)
    }
}

impl fmt::Debug for Sdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sdp")
            .field("text", &alloc::string::String::from_utf8_lossy(&self.buf))
            .finish()
    }
}

impl PartialEq for Sdp {
    /// Two descriptions are equal when their lines are (line ends and blank lines aside).
    fn eq(&self, other: &Sdp) -> bool {
        self.lines.len() == other.lines.len()
            && self
                .lines()
                .zip(other.lines())
                .all(|(a, b)| a.kind == b.kind && a.value == b.value)
    }
}

impl Eq for Sdp {}
