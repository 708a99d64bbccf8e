//! A media section of a session description (RFC 8866 §5.14), viewed in place.

use core::fmt;

use super::attr::Attribute;
use super::model::{attributes, values, Bandwidth, Connection, Line, Sdp, SdpLine, Section};
use super::parse::fields;
use crate::message::Span;
use crate::parse::lex::eq_ic;

/// A view of one media section: the `m=` line and the lines up to the next `m=`
/// (RFC 8866 §5.14).
#[derive(Clone, Copy)]
pub struct MediaDescription<'a> {
    pub(crate) sdp: &'a Sdp,
    pub(crate) section: &'a Section,
    pub(crate) index: usize,
}

impl<'a> MediaDescription<'a> {
    /// The 0-based position of this section among the `m=` lines.
    pub fn index(&self) -> usize {
        self.index
    }
    /// The description this section belongs to.
    pub fn sdp(&self) -> &'a Sdp {
        self.sdp
    }
    fn text(&self, span: Span) -> &'a str {
        // The parser checked that the m= line is UTF-8.
        core::str::from_utf8(span.get(&self.sdp.buf)).unwrap_or_default()
    }
    /// The media type: `audio`, `video`, `application`, ...
    pub fn media(&self) -> &'a str {
        self.text(self.section.media)
    }
    /// The transport port; 0 means the stream is rejected or disabled (RFC 3264 §6, §8.2).
    pub fn port(&self) -> u16 {
        self.section.port
    }
    /// The number of ports of `port/number` (RFC 8866 §5.14), when written.
    pub fn port_count(&self) -> Option<u16> {
        self.section.port_count
    }
    /// The transport protocol: `RTP/AVP`, `UDP/TLS/RTP/SAVPF`, ...
    pub fn proto(&self) -> &'a str {
        self.text(self.section.proto)
    }
    /// The media formats (RTP payload type numbers for RTP).
    pub fn formats(&self) -> impl Iterator<Item = &'a str> + 'a {
        let s = self.text(self.section.formats);
        fields(s.as_bytes()).filter_map(move |(a, b)| s.get(a..b))
    }
    /// True when the port is 0: a rejected or removed stream (RFC 3264 §6, §8.2).
    pub fn is_rejected(&self) -> bool {
        self.section.port == 0
    }
    /// The raw lines of this section, the `m=` line first.
    pub(crate) fn raw_lines(&self) -> &'a [Line] {
        self.sdp
            .lines
            .get(self.section.first..self.section.end)
            .unwrap_or_default()
    }
    /// The lines of this section, the `m=` line first.
    pub fn lines(&self) -> impl Iterator<Item = SdpLine<'a>> + 'a {
        let sdp = self.sdp;
        self.raw_lines().iter().map(move |l| sdp.view(l))
    }
    /// The values of this section's lines of type `kind`, raw.
    pub fn values(&self, kind: char) -> impl Iterator<Item = &'a [u8]> + 'a {
        let kind = u8::try_from(kind).unwrap_or(0);
        values(&self.sdp.buf, self.raw_lines(), kind)
    }
    /// Media-level `i=` (RFC 8866 §5.4), raw.
    pub fn information(&self) -> Option<&'a [u8]> {
        self.values('i').next()
    }
    /// The first media-level `c=` (RFC 8866 §5.7; several are allowed for multicast).
    pub fn connection(&self) -> Option<Connection<'a>> {
        self.values('c').next().and_then(Connection::parse)
    }
    /// The connection that applies: media-level, else session-level (RFC 8866 §5.7).
    pub fn effective_connection(&self) -> Option<Connection<'a>> {
        self.connection().or_else(|| self.sdp.connection())
    }
    /// Media-level `b=` lines (RFC 8866 §5.8); malformed ones are skipped.
    pub fn bandwidths(&self) -> impl Iterator<Item = Bandwidth<'a>> + 'a {
        self.values('b').filter_map(Bandwidth::parse)
    }
    /// Media-level `k=` (RFC 8866 §5.12, obsolete), raw.
    pub fn encryption_key(&self) -> Option<&'a [u8]> {
        self.values('k').next()
    }
    /// Media-level `a=` lines (RFC 8866 §5.13).
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        attributes(&self.sdp.buf, self.raw_lines())
    }
    /// The first media-level attribute with this name (compared case-insensitively).
    pub fn attribute(&self, name: &str) -> Option<Attribute<'a>> {
        self.attributes()
            .find(|a| eq_ic(a.name.as_bytes(), name.as_bytes()))
    }
    /// The media-level attribute with this name, else the session-level one (for attributes
    /// allowed at both levels, where the media level wins).
    pub(crate) fn attribute_or_session(&self, name: &str) -> Option<Attribute<'a>> {
        self.attribute(name).or_else(|| self.sdp.attribute(name))
    }
}

impl fmt::Debug for MediaDescription<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaDescription")
            .field("index", &self.index)
            .field("media", &self.media())
            .field("port", &self.port())
            .field("proto", &self.proto())
            .finish()
    }
}
