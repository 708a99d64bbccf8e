//! SDP offer/answer for one RTP/AVP audio stream (RFC 3264): our offer, our answer to an offer,
//! and what a remote description tells the engine.

use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;
use sansip_core::sdp::{AddressType, Direction, MediaBuilder, MediaDescription, Sdp, SdpBuilder};

use super::{Codec, MediaError};

/// The fmtp of our telephone-event: the 16 DTMF events and flash (RFC 4733 §3.2).
const EVENTS: &str = "0-16";

/// What goes into our descriptions.
#[derive(Clone, Debug)]
pub(crate) struct LocalDescription {
    /// `o=` session id and version (RFC 8866 §5.2).
    pub session_id: u64,
    pub session_version: u64,
    /// `c=` and the `m=` port.
    pub address: IpAddr,
    pub rtp_port: u16,
    /// The RTCP port we listen on, advertised with `a=rtcp` (RFC 3605) when it is not
    /// `rtp_port + 1`.
    pub rtcp_port: u16,
    pub rtcp_mux: bool,
    pub codecs: Vec<Codec>,
    pub telephone_event: u8,
    pub ptime: u32,
    /// What we would like: sendrecv, or sendonly on hold.
    pub direction: Direction,
}

/// What was agreed for the audio stream, seen from our side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Negotiated {
    /// The codec we send with and its payload type in this session.
    pub codec: Codec,
    pub payload_type: u8,
    /// The payload type of telephone-event, when both sides have it.
    pub telephone_event: Option<u8>,
    /// Where the peer wants RTP; `None` for `c=0.0.0.0` (RFC 3264 §8.4).
    pub rtp: Option<SocketAddr>,
    /// Where the peer wants RTCP.
    pub rtcp: Option<SocketAddr>,
    pub rtcp_mux: bool,
    /// The direction of the stream from our side: whether we send, whether we receive.
    pub direction: Direction,
    /// The packet duration the peer wants to receive (its `a=ptime`, RFC 3264 §5.1), when it
    /// is one we can send: 10 to 120 ms in steps of 10.
    pub ptime: Option<u32>,
}

fn address_type(ip: IpAddr) -> AddressType {
    match ip {
        IpAddr::V4(_) => AddressType::Ip4,
        IpAddr::V6(_) => AddressType::Ip6,
    }
}

/// Starts a description with our `o=` and `c=`.
fn session(local: &LocalDescription) -> SdpBuilder {
    let address = local.address.to_string();
    let addr_type = address_type(local.address);
    SdpBuilder::new("-", local.session_id, local.session_version, addr_type, &address)
        .connection(addr_type, &address)
}

/// The audio lines shared by offers and answers after the formats: ptime, rtcp, mux, direction.
fn audio_tail(
    m: MediaBuilder,
    local: &LocalDescription,
    mux: bool,
    direction: Direction,
    is_offer: bool,
) -> MediaBuilder {
    let mut m = m.ptime(local.ptime);
    // RFC 3605 §2.1: a=rtcp when RTCP is not on the next port up; an offer keeps it as the
    // fallback should the answerer not take rtcp-mux, an answer that takes it needs none.
    if (is_offer || !mux) && local.rtcp_port != local.rtp_port.wrapping_add(1) {
        m = m.rtcp(local.rtcp_port);
    }
    if mux {
        m = m.rtcp_mux();
    }
    m.direction(direction)
}

/// Our offer (RFC 3264 §5): one audio stream with our codecs in preference order and
/// telephone-event.
pub(crate) fn offer(local: &LocalDescription) -> Result<Sdp, MediaError> {
    let mut m = MediaBuilder::new("audio", local.rtp_port, "RTP/AVP");
    for codec in &local.codecs {
        m = m.rtpmap(codec.payload_type(), codec.name(), 8000, None);
    }
    m = m.telephone_event(local.telephone_event, EVENTS);
    let m = audio_tail(m, local, local.rtcp_mux, local.direction, true);
    session(local).media(m).build().map_err(MediaError::LocalSdp)
}

/// True for a stream this engine can take: active audio over RTP/AVP (RFC 3551).
fn is_our_kind(m: &MediaDescription<'_>) -> bool {
    !m.is_rejected() && m.media().eq_ignore_ascii_case("audio") && m.proto().eq_ignore_ascii_case("RTP/AVP")
}

/// The codec of a payload type in a stream: its rtpmap when there is one (PCMU/PCMA at 8000 Hz,
/// mono), else the static assignment (RFC 3551 §6).
fn codec_of(m: &MediaDescription<'_>, payload_type: u8) -> Option<Codec> {
    match m.rtpmap(payload_type) {
        Some(map) => {
            let mono = map.channels.is_none_or(|c| c == 1);
            let rate = map.clock_rate.is_none_or(|r| r == 8000);
            Codec::from_name(map.encoding).filter(|_| mono && rate)
        }
        None => Codec::from_payload_type(payload_type),
    }
}

/// The first payload type of the stream, in its order, whose codec we support.
fn first_common(m: &MediaDescription<'_>, ours: &[Codec]) -> Option<(Codec, u8)> {
    m.formats()
        .filter_map(|f| f.parse::<u8>().ok())
        .find_map(|pt| codec_of(m, pt).filter(|c| ours.contains(c)).map(|c| (c, pt)))
}

fn no_common_codec(m: &MediaDescription<'_>, ours: &[Codec]) -> MediaError {
    MediaError::NoCommonCodec {
        offered: m.formats().collect::<Vec<_>>().join(" "),
        supported: ours.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "),
    }
}

/// The stream we use and its codec: the first active RTP/AVP audio stream with a codec in
/// common.
fn choose<'a>(sdp: &'a Sdp, ours: &[Codec]) -> Result<(MediaDescription<'a>, Codec, u8), MediaError> {
    let mut first_unmatched = None;
    for m in sdp.media().filter(is_our_kind) {
        match first_common(&m, ours) {
            Some((codec, pt)) => return Ok((m, codec, pt)),
            None => {
                first_unmatched.get_or_insert(m);
            }
        }
    }
    Err(match first_unmatched {
        Some(m) => no_common_codec(&m, ours),
        None => MediaError::NoAudioStream,
    })
}

/// Reads the peer's addresses, direction and DTMF from its chosen stream.
fn negotiated(
    m: &MediaDescription<'_>,
    codec: Codec,
    payload_type: u8,
    our_mux: bool,
    our_direction: Direction,
) -> Result<Negotiated, MediaError> {
    let connection = m
        .effective_connection()
        .ok_or_else(|| MediaError::ConnectionAddress("no c= line".to_string()))?;
    let ip: IpAddr = connection
        .address
        .parse()
        .map_err(|_| MediaError::ConnectionAddress(connection.address.to_string()))?;
    // RFC 3264 §8.4: c=0.0.0.0 (RFC 2543 hold) means "do not send".
    let rtp = (!ip.is_unspecified()).then(|| SocketAddr::new(ip, m.port()));
    // RFC 5761 §5.1.1: RTP and RTCP share the port when both sides say a=rtcp-mux.
    let rtcp_mux = our_mux && m.rtcp_mux();
    let rtcp = if rtcp_mux {
        rtp
    } else {
        match m.rtcp() {
            // RFC 3605 §2.1: the port, and the address when it differs.
            Some(r) => {
                let rtcp_ip = r
                    .connection
                    .and_then(|c| c.address.parse::<IpAddr>().ok())
                    .unwrap_or(ip);
                (!rtcp_ip.is_unspecified()).then(|| SocketAddr::new(rtcp_ip, r.port))
            }
            // RFC 3550 §11: RTCP on the next port up.
            None => rtp.map(|a| SocketAddr::new(a.ip(), a.port().wrapping_add(1))),
        }
    };
    let theirs = m.direction();
    // RFC 3264 §6.1: we send only what they receive, receive only what they send.
    let direction = Direction::from_flags(
        our_direction.sends() && theirs.receives() && rtp.is_some(),
        our_direction.receives() && theirs.sends(),
    );
    Ok(Negotiated {
        codec,
        payload_type,
        telephone_event: m.telephone_event_payload_type(8000),
        rtp,
        rtcp,
        rtcp_mux,
        direction,
        ptime: m.ptime().filter(|ms| (10..=120).contains(ms) && ms % 10 == 0),
    })
}

/// Our answer to `offer` (RFC 3264 §6) and what it agrees.
pub(crate) fn answer(offer: &Sdp, local: &LocalDescription) -> Result<(Sdp, Negotiated), MediaError> {
    let (chosen, codec, payload_type) = choose(offer, &local.codecs)?;
    // RFC 3264 §6.1: the answer's direction follows the offer's.
    let direction = local.direction.answer_to(chosen.direction());
    let mux = local.rtcp_mux && chosen.rtcp_mux();
    let mut agreed = negotiated(&chosen, codec, payload_type, mux, direction)?;
    let mut sdp = session(local);
    for m in offer.media() {
        let builder = if m.index() == chosen.index() {
            let mut b = MediaBuilder::new("audio", local.rtp_port, "RTP/AVP").rtpmap(
                payload_type,
                codec.name(),
                8000,
                None,
            );
            if let Some(te) = agreed.telephone_event {
                // RFC 4733 §2.4.1: the answer echoes the offer's events (0-16 if unsaid).
                let events = m
                    .fmtp(&te.to_string())
                    .map(|f| f.params)
                    .filter(|p| !p.is_empty());
                b = b.telephone_event(te, events.unwrap_or(EVENTS));
            }
            audio_tail(b, local, mux, direction, false)
        } else {
            // RFC 3264 §6: a stream we do not take is answered with port 0 and its formats.
            let mut b = MediaBuilder::new(m.media(), 0, m.proto());
            for f in m.formats() {
                b = b.format(f);
            }
            b
        };
        sdp = sdp.media(builder);
    }
    let sdp = sdp.build().map_err(MediaError::LocalSdp)?;
    agreed.rtcp_mux = mux;
    Ok((sdp, agreed))
}

/// What a remote description means for us: an answer to our offer or a later description.
pub(crate) fn remote(sdp: &Sdp, local: &LocalDescription) -> Result<Negotiated, MediaError> {
    let (chosen, codec, payload_type) = choose(sdp, &local.codecs)?;
    negotiated(&chosen, codec, payload_type, local.rtcp_mux, local.direction)
}

/// True when `sdp` has an audio stream, and every one is set to port 0: the peer removed the
/// audio (RFC 3264 §8.2), which is not a refusal.
pub(crate) fn audio_removed(sdp: &Sdp) -> bool {
    let mut audio = sdp
        .media()
        .filter(|m| m.media().eq_ignore_ascii_case("audio"))
        .peekable();
    audio.peek().is_some() && audio.all(|m| m.is_rejected())
}

/// Parses a remote description.
pub(crate) fn parse(sdp: &[u8]) -> Result<Sdp, MediaError> {
    Sdp::parse(Bytes::copy_from_slice(sdp)).map_err(MediaError::RemoteSdp)
}

#[cfg(test)]
#[path = "negotiation_tests.rs"]
mod tests;
