//! SDP (RFC 8866, which obsoletes RFC 4566) and the offer/answer model (RFC 3264) as SIP uses
//! it (RFC 3261 §13.2.1, §14; RFC 3262 §5; RFC 3311 §5; RFC 6337).
//!
//! An [`Sdp`] is one shared buffer (`Bytes`, usually a slice of the SIP message body) plus the
//! positions of its lines, like [`crate::message::Message`] and [`crate::uri::Uri`]. The lines
//! every consumer needs (`v=`, `o=`, `c=`, `m=`) are checked while parsing; a malformed one is an
//! [`SdpError`] naming the line. Everything else stays raw and is typed on access: rtpmap, fmtp,
//! direction, ptime, rtcp, mid; ICE and DTLS attributes are handed out as their raw text.
//!
//! Parsing is lenient where it costs nothing: LF or CRLF line ends, blank lines skipped,
//! unknown line types and attributes kept, `s=` and `t=` may be missing (RFC 4475's
//! `mismatch02.dat` has neither), `a=rtpmap:31 LPC` without a clock rate is kept.
//!
//! Writing ([`Sdp::to_bytes`]) emits every non-blank line in order with CRLF, so an SDP that
//! arrived with CRLF line ends and no blank lines is re-serialised byte for byte; one with LF
//! line ends comes out with CRLF and otherwise identical. [`SdpBuilder`] writes a new SDP in
//! the RFC 8866 §5 line order; [`Sdp::with_direction`] and [`Sdp::with_next_version`] give the
//! re-offers the session layer needs for hold and unhold.
//!
//! [`OfferAnswer`] is the per-session offer/answer state machine.
//!
//! ```
//! use sansip_core::sdp::{Carrier, Direction, OfferAnswer, Sdp};
//!
//! let offer = Sdp::parse_str(
//!     "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\n\
//!      c=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0 101\r\n\
//!      a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
//! )?;
//! let audio = offer.media().next().unwrap();
//! assert_eq!(audio.port(), 49172);
//! assert_eq!(audio.direction(), Direction::SendRecv);
//! assert_eq!(offer.telephone_event_payload_type(), Some(101));
//!
//! // Hold: a new offer with every stream sendonly and the o= version bumped (RFC 3264 §8.4).
//! let hold = offer.with_direction(Direction::SendOnly).with_next_version();
//! assert_eq!(hold.origin().session_version, "2890844527");
//!
//! let mut oa = OfferAnswer::new();
//! oa.local_offer(offer.clone(), Carrier::Invite)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attr;
mod builder;
mod media;
mod model;
mod negotiate;
mod offer_answer;
mod parse;
mod write;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod oa_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod refusal_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod write_tests;

pub use attr::{Attribute, Direction, Fmtp, Rtcp, RtpMap};
pub use builder::{MediaBuilder, SdpBuildError, SdpBuilder};
pub use media::MediaDescription;
pub use model::{AddressType, Bandwidth, Connection, Origin, Sdp, SdpLine};
pub use negotiate::check_answer;
pub use offer_answer::{
    Carrier, OfferAnswer, OfferAnswerError, OfferAnswerState, OfferRefusal, PendingOffer, Side,
};

/// What made a session description unparseable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdpErrorKind {
    /// No lines at all (or only blank ones).
    #[error("empty session description")]
    Empty,
    /// The description is larger than 4 GiB, more than positions can hold.
    #[error("session description too large")]
    TooLarge,
    /// A line is not `<type>=<value>` with a lower-case letter as type (RFC 8866 §5).
    #[error("line is not <type>=<value>")]
    Line,
    /// The first line is not `v=` (RFC 8866 §5).
    #[error("first line is not v=")]
    MissingVersion,
    /// `v=` is not `0`, the only version (RFC 8866 §5.1).
    #[error("unsupported sdp version")]
    Version,
    /// There is no `o=` line at session level (RFC 8866 §5.2).
    #[error("no o= line")]
    MissingOrigin,
    /// `o=` is not `username sess-id sess-version nettype addrtype address` (RFC 8866 §5.2).
    #[error("malformed o= line")]
    Origin,
    /// `s=` holds a NUL byte, which `text` excludes (RFC 8866 §9).
    #[error("malformed s= line")]
    SessionName,
    /// `c=` is not `nettype addrtype connection-address` (RFC 8866 §5.7).
    #[error("malformed c= line")]
    Connection,
    /// `m=` is not `media port[/number] proto fmt ...` (RFC 8866 §5.14).
    #[error("malformed m= line")]
    Media,
}

/// A session description parse error: what went wrong and on which line (1-based, counting
/// blank lines too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at line {line}")]
pub struct SdpError {
    /// What went wrong.
    pub kind: SdpErrorKind,
    /// The 1-based line number.
    pub line: u32,
}
