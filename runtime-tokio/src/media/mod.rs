//! Media: plain RTP audio for calls (G.711 over RTP/AVP, RFC 3550/3551), with RFC 4733 DTMF,
//! RTCP reports, symmetric RTP and STUN-learned addresses.
//!
//! A call needs something that writes the local SDP, reads the remote one and moves the audio:
//! that is a [`MediaSession`]. [`RtpAudio`] is the first implementation: one UDP socket for RTP
//! (and one for RTCP unless `a=rtcp-mux` is agreed), one tokio task that sends each frame when
//! it is due and handles what arrives. TURN and WebRTC engines can implement the same trait.
//!
//! - **Codecs.** G.711 μ-law ([`Codec::Pcmu`], payload type 0) and A-law ([`Codec::Pcma`], 8),
//!   plus `telephone-event/8000` for DTMF (RFC 4733). Our offer lists them in
//!   [`AudioOptions::codecs`] order; an answer takes the first codec in the *offerer's* order
//!   that we support (RFC 3264 §6.1) and the offerer's telephone-event payload type.
//! - **Audio out.** A generated tone, silence, or a WAV file (8 kHz mono 16-bit) played once
//!   and followed by silence ([`AudioSource`]). Frames of [`AudioOptions::ptime_ms`] (160
//!   samples at 20 ms) until the peer's description asks for another `a=ptime` (10–120 ms;
//!   RFC 3264 §5.1), which takes over at the next frame boundary; the RTP timestamp follows the
//!   clock, so it advances during hold and across such a change without a jump.
//! - **Audio in.** Every valid RTP packet from the peer is counted ([`MediaStats`]); G.711
//!   payloads are decoded and, with [`AudioOptions::record`], appended to a WAV file, finalised
//!   by [`MediaSession::close`].
//! - **Symmetric RTP (RFC 4961).** We send from the socket we receive on, and latch onto the
//!   source address of the first RTP packet received after each new remote address, so a peer
//!   behind a NAT that advertised its private address still gets our audio.
//! - **RTCP (RFC 3550 §6.4).** A sender report when we sent RTP since the last report, else a
//!   receiver report, each with an SDES CNAME, every [`AudioOptions::rtcp_interval`] (a fixed
//!   interval: a two-party call needs none of the §6.3 scaling); a BYE on close.
//! - **Hold.** [`MediaSession::set_local_hold`] stops our RTP (as JsSIP mutes its tracks on
//!   hold) and our next description says `sendonly`; a remote description that does not receive
//!   (`sendonly`, `inactive`, `c=0.0.0.0`) stops our RTP too.
//! - **STUN (RFC 5389).** With [`AudioOptions::stun_servers`] and no
//!   [`AudioOptions::advertised_ip`], [`RtpAudio::bind`] asks the servers for the public
//!   address of the RTP (and RTCP) socket and writes it in `c=` and `m=`.
//!
//! ```no_run
//! use sansip_tokio::media::{AudioOptions, MediaSession, RtpAudio};
//!
//! # async fn run(remote_answer: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! let mut media = RtpAudio::bind(AudioOptions::default()).await?;
//! let offer = media.local_offer()?;       // the body of our INVITE
//! // ... send the INVITE, get the 200 OK ...
//! media.apply_remote(remote_answer)?;     // audio flows both ways now
//! media.send_dtmf("123#", 100)?;
//! let stats = media.close();              // RTCP BYE, WAV finalised
//! println!("sent {} packets, received {}", stats.rtp_sent, stats.rtp_received);
//! # let _ = offer;
//! # Ok(())
//! # }
//! ```

pub mod dtmf;
mod engine;
pub mod g711;
mod negotiation;
pub mod rtcp;
pub mod rtp;
mod session;
pub mod stun;
pub mod tone;
mod wav;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

pub use session::RtpAudio;

/// An audio codec the engine speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Codec {
    /// G.711 μ-law, static payload type 0 (RFC 3551 §6).
    Pcmu,
    /// G.711 A-law, static payload type 8 (RFC 3551 §6).
    Pcma,
}

impl Codec {
    /// The encoding name of `a=rtpmap` (`PCMU`, `PCMA`).
    pub fn name(self) -> &'static str {
        match self {
            Codec::Pcmu => "PCMU",
            Codec::Pcma => "PCMA",
        }
    }
    /// The static RTP payload type (RFC 3551 §6, Table 4).
    pub fn payload_type(self) -> u8 {
        match self {
            Codec::Pcmu => 0,
            Codec::Pcma => 8,
        }
    }
    /// The codec of a static payload type.
    pub fn from_payload_type(payload_type: u8) -> Option<Codec> {
        match payload_type {
            0 => Some(Codec::Pcmu),
            8 => Some(Codec::Pcma),
            _ => None,
        }
    }
    /// The codec of an encoding name (case-insensitive, RFC 4855 §3).
    pub fn from_name(name: &str) -> Option<Codec> {
        [Codec::Pcmu, Codec::Pcma]
            .into_iter()
            .find(|c| name.eq_ignore_ascii_case(c.name()))
    }
    /// Encodes 16-bit samples, one octet each.
    pub fn encode(self, samples: &[i16]) -> Vec<u8> {
        let f = match self {
            Codec::Pcmu => g711::linear_to_ulaw,
            Codec::Pcma => g711::linear_to_alaw,
        };
        samples.iter().map(|&s| f(s)).collect()
    }
    /// Decodes a payload to 16-bit samples.
    pub fn decode(self, payload: &[u8]) -> Vec<i16> {
        let f = match self {
            Codec::Pcmu => g711::ulaw_to_linear,
            Codec::Pcma => g711::alaw_to_linear,
        };
        payload.iter().map(|&c| f(c)).collect()
    }
}

impl std::fmt::Display for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the engine sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AudioSource {
    /// Encoded silence (packets still flow, keeping NAT bindings open).
    Silence,
    /// A sine tone of this frequency at half of full scale.
    Tone {
        /// The frequency in Hz (below 4000 to be representable at 8 kHz).
        hz: u32,
    },
    /// A WAV file, 8 kHz mono 16-bit PCM, read whole at bind time and played once, then
    /// silence.
    Wav(PathBuf),
}

/// How an [`RtpAudio`] binds, what it offers and what it plays.
#[derive(Clone, Debug)]
pub struct AudioOptions {
    /// Where the RTP socket binds (default `0.0.0.0`, any port).
    pub bind_ip: IpAddr,
    /// The `c=` address; default: the STUN result, else `bind_ip` when it is not unspecified,
    /// else the local address the routing table picks.
    pub advertised_ip: Option<IpAddr>,
    /// JsSIP's `stun_servers`: `stun:host[:port]` strings, tried in order.
    pub stun_servers: Vec<String>,
    /// The codecs, in preference order (default `[Pcmu, Pcma]`); not empty.
    pub codecs: Vec<Codec>,
    /// The payload type of telephone-event in our offers (default 101; 96–127).
    pub telephone_event_payload_type: u8,
    /// What we send (default a 440 Hz tone).
    pub source: AudioSource,
    /// A WAV file (8 kHz mono 16-bit) to record what is received into.
    pub record: Option<PathBuf>,
    /// Milliseconds of audio per packet (default 20; 10–120 in steps of 10): our `a=ptime`
    /// (what we would like to receive), and what we send until the peer asks for another.
    pub ptime_ms: u32,
    /// Time between RTCP reports (default 5 s).
    pub rtcp_interval: Duration,
    /// Offer and accept `a=rtcp-mux` (RFC 5761), RTP and RTCP on one port (default true).
    pub rtcp_mux: bool,
}

impl Default for AudioOptions {
    fn default() -> AudioOptions {
        AudioOptions {
            bind_ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            advertised_ip: None,
            stun_servers: Vec::new(),
            codecs: vec![Codec::Pcmu, Codec::Pcma],
            telephone_event_payload_type: 101,
            source: AudioSource::Tone { hz: 440 },
            record: None,
            ptime_ms: 20,
            rtcp_interval: Duration::from_secs(5),
            rtcp_mux: true,
        }
    }
}

/// Counters and what was negotiated, as [`MediaSession::stats`] reports them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaStats {
    /// RTP packets sent (audio and DTMF).
    pub rtp_sent: u64,
    /// Valid RTP packets received from the peer (audio and DTMF).
    pub rtp_received: u64,
    /// RTCP compound packets sent (reports and the BYE).
    pub rtcp_sent: u64,
    /// Valid RTCP compound packets received.
    pub rtcp_received: u64,
    /// DTMF digits sent as RFC 4733 events, in order.
    pub dtmf_sent: String,
    /// DTMF digits received as RFC 4733 events, each event once.
    pub dtmf_received: String,
    /// The codec we send with, once negotiated.
    pub codec: Option<Codec>,
    /// Where our RTP goes: the SDP address, or the latched source of the peer's RTP.
    pub remote_rtp: Option<SocketAddr>,
    /// Where our RTCP goes.
    pub remote_rtcp: Option<SocketAddr>,
    /// True once `remote_rtp` is the source address of received RTP (RFC 4961 latching).
    pub latched: bool,
    /// RTP payload octets sent.
    pub payload_bytes_sent: u64,
    /// RTP payload octets received.
    pub payload_bytes_received: u64,
    /// Datagrams that were not valid RTP, RTCP or STUN, or came from a stranger, and were
    /// dropped.
    pub invalid_received: u64,
    /// Packets lost from the peer's stream by our count (RFC 3550 A.3; negative with
    /// duplicates).
    pub packets_lost: i64,
    /// Our interarrival jitter estimate of the peer's stream, in ms (RFC 3550 A.8).
    pub jitter_ms: f64,
    /// The cumulative loss the peer reported for our stream in its last report block.
    pub peer_reported_lost: Option<i32>,
    /// The jitter the peer reported for our stream, in ms.
    pub peer_reported_jitter_ms: Option<f64>,
    /// The round-trip time from the peer's last report block (RFC 3550 §6.4.1).
    pub round_trip_time: Option<Duration>,
    /// True when the peer sent an RTCP BYE.
    pub peer_bye: bool,
    /// True while we send RTP (negotiated, not on hold, the peer receives).
    pub sending: bool,
}

/// Why a media operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The options are not usable (the caller's mistake).
    #[error("invalid audio options: {0}")]
    Options(String),
    /// A `stun_servers` entry is not `stun:host[:port]`.
    #[error("invalid stun server {0:?}: expected stun:host[:port]")]
    StunServer(String),
    /// A socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The error.
        source: std::io::Error,
    },
    /// A WAV file could not be read, written, or is not 8 kHz mono 16-bit PCM.
    #[error("wav file {}: {reason}", path.display())]
    Wav {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The remote description does not parse.
    #[error("remote sdp does not parse: {0}")]
    RemoteSdp(sansip_core::sdp::SdpError),
    /// The remote description has no active audio stream over RTP/AVP.
    #[error("remote sdp has no active audio stream over RTP/AVP")]
    NoAudioStream,
    /// The remote audio stream has no codec we support.
    #[error("no common codec: the remote side offers payload types [{offered}], we support {supported}")]
    NoCommonCodec {
        /// The payload types of the remote `m=` line.
        offered: String,
        /// Our codecs.
        supported: String,
    },
    /// The remote connection address is missing or not an IP address.
    #[error("remote sdp has no usable connection address: {0}")]
    ConnectionAddress(String),
    /// Our own description could not be written.
    #[error("cannot write the local sdp: {0}")]
    LocalSdp(sansip_core::sdp::SdpBuildError),
    /// DTMF was asked for but telephone-event was not negotiated.
    #[error("telephone-event (RFC 4733) was not negotiated with the peer")]
    DtmfNotNegotiated,
    /// A character that is not a DTMF digit (0-9, *, #, A-D).
    #[error("invalid dtmf digit {0:?}")]
    InvalidDtmf(char),
    /// The session was closed.
    #[error("media session is closed")]
    Closed,
}

impl MediaError {
    pub(crate) fn io(context: &'static str, source: std::io::Error) -> MediaError {
        MediaError::Io { context, source }
    }
}

/// What a call needs from a media engine; [`RtpAudio`] is the first implementation.
pub trait MediaSession: Send {
    /// Our SDP offer: `m=audio <port> RTP/AVP 0 8 101`, rtpmaps, `a=fmtp:101 0-16`, ptime, and
    /// the direction (`sendrecv`, `sendonly` on hold).
    fn local_offer(&mut self) -> Result<bytes::Bytes, MediaError>;
    /// Our SDP answer to a remote offer (RFC 3264 §6: the same `m=` line count, rejected
    /// streams with port 0, the first common codec in the offerer's order, the direction
    /// answered), and starts the media.
    fn answer_offer(&mut self, offer: &[u8]) -> Result<bytes::Bytes, MediaError>;
    /// Applies a remote description: the answer to our offer, or a later one (re-INVITE or
    /// UPDATE: a new address, a new direction; `sendonly` hold stops our sending; an audio
    /// stream set to port 0 is removed, RFC 3264 §8.2, and our sending stops).
    fn apply_remote(&mut self, sdp: &[u8]) -> Result<(), MediaError>;
    /// Puts the call on hold from our side (stop sending RTP) or takes it off hold.
    fn set_local_hold(&mut self, on: bool);
    /// Sends DTMF digits (0-9, *, #, A-D) as RFC 4733 events of `duration_ms` each; an error
    /// when telephone-event was not negotiated or a digit is invalid.
    fn send_dtmf(&mut self, digits: &str, duration_ms: u32) -> Result<(), MediaError>;
    /// The counters so far.
    fn stats(&self) -> MediaStats;
    /// Stops the media: sends an RTCP BYE, finalises the recording, ends the task; returns
    /// the final counters. Idempotent.
    fn close(&mut self) -> MediaStats;
}
