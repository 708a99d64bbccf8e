//! Building a new session description. The builder writes the lines in the order RFC 8866 §5
//! fixes, with CRLF, and parses the text back, so a built [`Sdp`] is what a peer would parse.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bytes::Bytes;

use super::attr::Direction;
use super::model::{AddressType, Sdp};
use super::SdpError;

/// Why a session description could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdpBuildError {
    /// A value holds CR, LF or NUL, which would break the line structure (RFC 8866 §9).
    #[error("{0} contains a line break or nul")]
    LineBreak(&'static str),
    /// A field that must be one word is empty or holds whitespace.
    #[error("{0} is empty or contains whitespace")]
    Token(&'static str),
    /// The written text does not parse (cannot happen with valid fields).
    #[error("built sdp does not parse: {0}")]
    Parse(SdpError),
}

/// The session-level line order of RFC 8866 §5.
const SESSION_ORDER: &[u8] = b"vosiuepcbtrzka";
/// The media-level line order of RFC 8866 §5.
const MEDIA_ORDER: &[u8] = b"micbka";

/// Lines collected in call order, written sorted by type in the RFC order (stable, so lines of
/// one type keep their call order).
#[derive(Clone, Debug, Default)]
struct Lines {
    lines: Vec<(u8, String)>,
    error: Option<SdpBuildError>,
}

impl Lines {
    fn fail(&mut self, e: SdpBuildError) {
        self.error.get_or_insert(e);
    }
    fn text(&mut self, field: &'static str, value: &str) -> bool {
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            self.fail(SdpBuildError::LineBreak(field));
            return false;
        }
        true
    }
    fn token(&mut self, field: &'static str, value: &str) -> bool {
        if value.is_empty() || value.bytes().any(|b| b.is_ascii_whitespace() || b == 0) {
            self.fail(SdpBuildError::Token(field));
            return false;
        }
        true
    }
    /// `c=IN <addr_type> <address>` (RFC 8866 §5.7), at session or media level.
    fn connection(&mut self, addr_type: AddressType, address: &str) {
        if self.token("connection address", address) {
            let value = format!("IN {} {address}", addr_type.as_str());
            self.push(b'c', "connection", value);
        }
    }

    /// `b=<bw_type>:<bandwidth>` (RFC 8866 §5.8), at session or media level.
    fn bandwidth(&mut self, bw_type: &str, bandwidth: u32) {
        if self.token("bandwidth type", bw_type) {
            self.push(b'b', "bandwidth", format!("{bw_type}:{bandwidth}"));
        }
    }

    fn push(&mut self, kind: u8, field: &'static str, value: String) {
        if self.text(field, &value) {
            self.lines.push((kind, value));
        }
    }
    fn attribute(&mut self, name: &str, value: Option<&str>) {
        if !self.token("attribute name", name) {
            return;
        }
        match value {
            Some(v) => self.push(b'a', "attribute value", format!("{name}:{v}")),
            None => self.push(b'a', "attribute name", name.to_string()),
        }
    }
    fn write(&self, order: &[u8], out: &mut Vec<u8>) {
        let rank = |k: u8| order.iter().position(|&o| o == k).unwrap_or(order.len());
        let mut sorted: Vec<&(u8, String)> = self.lines.iter().collect();
        sorted.sort_by_key(|(k, _)| rank(*k));
        for (kind, value) in sorted {
            out.push(*kind);
            out.push(b'=');
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// Builds an [`Sdp`]: `SdpBuilder::new(...).connection(...).media(MediaBuilder::new(...)).build()`.
#[derive(Clone, Debug)]
pub struct SdpBuilder {
    lines: Lines,
    has_name: bool,
    has_time: bool,
    media: Vec<MediaBuilder>,
}

impl SdpBuilder {
    /// Starts a description with `v=0` and
    /// `o=<username> <session_id> <session_version> IN <addr_type> <address>` (RFC 8866 §5.2).
    /// Unless set, `s=-` and `t=0 0` are written, as RFC 3264 §5 suggests.
    pub fn new(
        username: &str,
        session_id: u64,
        session_version: u64,
        addr_type: AddressType,
        address: &str,
    ) -> Self {
        let mut lines = Lines::default();
        lines.lines.push((b'v', "0".to_string()));
        if lines.token("username", username) && lines.token("address", address) {
            let value = format!(
                "{username} {session_id} {session_version} IN {} {address}",
                addr_type.as_str()
            );
            lines.push(b'o', "origin", value);
        }
        SdpBuilder {
            lines,
            has_name: false,
            has_time: false,
            media: Vec::new(),
        }
    }
    /// `s=` (RFC 8866 §5.3); `-` when not set.
    pub fn session_name(mut self, name: &str) -> Self {
        self.has_name = true;
        self.lines.push(b's', "session name", name.to_string());
        self
    }
    /// Session-level `i=` (RFC 8866 §5.4).
    pub fn information(mut self, text: &str) -> Self {
        self.lines.push(b'i', "information", text.to_string());
        self
    }
    /// `u=` (RFC 8866 §5.5).
    pub fn uri(mut self, uri: &str) -> Self {
        self.lines.push(b'u', "uri", uri.to_string());
        self
    }
    /// An `e=` line (RFC 8866 §5.6).
    pub fn email(mut self, email: &str) -> Self {
        self.lines.push(b'e', "email", email.to_string());
        self
    }
    /// A `p=` line (RFC 8866 §5.6).
    pub fn phone(mut self, phone: &str) -> Self {
        self.lines.push(b'p', "phone", phone.to_string());
        self
    }
    /// Session-level `c=IN <addr_type> <address>` (RFC 8866 §5.7).
    pub fn connection(mut self, addr_type: AddressType, address: &str) -> Self {
        self.lines.connection(addr_type, address);
        self
    }
    /// A session-level `b=<bw_type>:<bandwidth>` line (RFC 8866 §5.8).
    pub fn bandwidth(mut self, bw_type: &str, bandwidth: u32) -> Self {
        self.lines.bandwidth(bw_type, bandwidth);
        self
    }
    /// A `t=<start> <stop>` line (RFC 8866 §5.9); `t=0 0` when none is set.
    pub fn time(mut self, start: u64, stop: u64) -> Self {
        self.has_time = true;
        self.lines.push(b't', "time", format!("{start} {stop}"));
        self
    }
    /// A session-level `a=<name>[:<value>]` line (RFC 8866 §5.13).
    pub fn attribute(mut self, name: &str, value: Option<&str>) -> Self {
        self.lines.attribute(name, value);
        self
    }
    /// A session-level direction attribute (RFC 3264 §5.1).
    pub fn direction(self, direction: Direction) -> Self {
        self.attribute(direction.as_str(), None)
    }
    /// Appends a media section.
    pub fn media(mut self, media: MediaBuilder) -> Self {
        self.media.push(media);
        self
    }
    /// Writes and parses the description.
    pub fn build(mut self) -> Result<Sdp, SdpBuildError> {
        if !self.has_name {
            self.lines.lines.push((b's', "-".to_string()));
        }
        if !self.has_time {
            self.lines.lines.push((b't', "0 0".to_string()));
        }
        if let Some(e) = self.lines.error {
            return Err(e);
        }
        let mut out = Vec::with_capacity(256);
        self.lines.write(SESSION_ORDER, &mut out);
        for media in self.media {
            if let Some(e) = media.lines.error {
                return Err(e);
            }
            media.lines.write(MEDIA_ORDER, &mut out);
        }
        Sdp::parse(Bytes::from(out)).map_err(SdpBuildError::Parse)
    }
}

/// Builds one media section for [`SdpBuilder::media`].
#[derive(Clone, Debug)]
pub struct MediaBuilder {
    lines: Lines,
    media: String,
    port: u16,
    port_count: Option<u16>,
    proto: String,
    formats: Vec<String>,
}

impl MediaBuilder {
    /// Starts `m=<media> <port> <proto>` (RFC 8866 §5.14); formats are added by
    /// [`MediaBuilder::format`] and [`MediaBuilder::rtpmap`]. Port 0 rejects or removes a
    /// stream (RFC 3264 §6, §8.2).
    pub fn new(media: &str, port: u16, proto: &str) -> Self {
        let mut lines = Lines::default();
        lines.token("media", media);
        lines.token("proto", proto);
        let mut this = MediaBuilder {
            lines,
            media: media.to_string(),
            port,
            port_count: None,
            proto: proto.to_string(),
            formats: Vec::new(),
        };
        this.sync_m_line();
        this
    }
    fn sync_m_line(&mut self) {
        let mut value = match self.port_count {
            Some(n) => format!("{} {}/{n} {}", self.media, self.port, self.proto),
            None => format!("{} {} {}", self.media, self.port, self.proto),
        };
        for f in &self.formats {
            value.push(' ');
            value.push_str(f);
        }
        match self.lines.lines.iter_mut().find(|(k, _)| *k == b'm') {
            Some((_, v)) => *v = value,
            None => self.lines.lines.push((b'm', value)),
        }
    }
    /// Appends a format to the `m=` line (once).
    pub fn format(mut self, format: &str) -> Self {
        if self.lines.token("format", format) && !self.formats.iter().any(|f| f == format) {
            self.formats.push(format.to_string());
            self.sync_m_line();
        }
        self
    }
    /// `a=rtpmap:<pt> <encoding>/<clock_rate>[/<channels>]` (RFC 8866 §6.6); the payload
    /// type is added to the `m=` line if missing.
    pub fn rtpmap(self, payload_type: u8, encoding: &str, clock_rate: u32, channels: Option<u16>) -> Self {
        let mut this = self.format(&format!("{payload_type}"));
        if this.lines.token("encoding", encoding) {
            let value = match channels {
                Some(c) => format!("{payload_type} {encoding}/{clock_rate}/{c}"),
                None => format!("{payload_type} {encoding}/{clock_rate}"),
            };
            this.lines.attribute("rtpmap", Some(&value));
        }
        this
    }
    /// `a=fmtp:<format> <params>` (RFC 8866 §6.15).
    pub fn fmtp(mut self, format: &str, params: &str) -> Self {
        if self.lines.token("format", format) {
            self.lines.attribute("fmtp", Some(&format!("{format} {params}")));
        }
        self
    }
    /// RFC 4733 DTMF: `telephone-event/8000` as `payload_type` with `a=fmtp:<pt> <events>`
    /// (`0-16` for the DTMF digits and flash, RFC 4733 §3.2).
    pub fn telephone_event(self, payload_type: u8, events: &str) -> Self {
        self.rtpmap(payload_type, "telephone-event", 8000, None)
            .fmtp(&format!("{payload_type}"), events)
    }
    /// `m=<media> <port>/<count>` (RFC 8866 §5.14).
    pub fn port_count(mut self, count: u16) -> Self {
        self.port_count = Some(count);
        self.sync_m_line();
        self
    }
    /// Media-level `i=` (RFC 8866 §5.4).
    pub fn information(mut self, text: &str) -> Self {
        self.lines.push(b'i', "information", text.to_string());
        self
    }
    /// Media-level `c=IN <addr_type> <address>` (RFC 8866 §5.7).
    pub fn connection(mut self, addr_type: AddressType, address: &str) -> Self {
        self.lines.connection(addr_type, address);
        self
    }
    /// A media-level `b=<bw_type>:<bandwidth>` line (RFC 8866 §5.8).
    pub fn bandwidth(mut self, bw_type: &str, bandwidth: u32) -> Self {
        self.lines.bandwidth(bw_type, bandwidth);
        self
    }
    /// A media-level `a=<name>[:<value>]` line (RFC 8866 §5.13).
    pub fn attribute(mut self, name: &str, value: Option<&str>) -> Self {
        self.lines.attribute(name, value);
        self
    }
    /// The direction attribute (RFC 3264 §5.1).
    pub fn direction(self, direction: Direction) -> Self {
        self.attribute(direction.as_str(), None)
    }
    /// `a=ptime:<ms>` (RFC 8866 §6.4).
    pub fn ptime(self, millis: u32) -> Self {
        self.attribute("ptime", Some(&format!("{millis}")))
    }
    /// `a=maxptime:<ms>` (RFC 8866 §6.5).
    pub fn maxptime(self, millis: u32) -> Self {
        self.attribute("maxptime", Some(&format!("{millis}")))
    }
    /// `a=rtcp:<port>` (RFC 3605).
    pub fn rtcp(self, port: u16) -> Self {
        self.attribute("rtcp", Some(&format!("{port}")))
    }
    /// `a=rtcp-mux` (RFC 5761 §5.1.1).
    pub fn rtcp_mux(self) -> Self {
        self.attribute("rtcp-mux", None)
    }
    /// `a=mid:<id>` (RFC 5888 §4).
    pub fn mid(self, id: &str) -> Self {
        self.attribute("mid", Some(id))
    }
}
