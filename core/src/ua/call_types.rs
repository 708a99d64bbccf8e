//! The public face of calls: ids, options, who ended a call.

use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;

/// Identifies a call (an INVITE session) in commands and events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(pub u64);

/// Who caused a session event (JsSIP `originator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Originator {
    /// This UA (a command of the application).
    Local,
    /// The peer.
    Remote,
    /// The protocol itself (a timer, a transport failure).
    System,
}

/// How to place a call.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// The SDP offer (from the media engine). Empty makes an offer-less INVITE: the offer in
    /// the 2xx is reported in `Event::Accepted`, but answering it in the ACK is not supported
    /// yet, so give an offer here (JsSIP always does).
    pub sdp: Bytes,
    /// Extra `Name: value` header lines for the INVITE.
    pub extra_headers: Vec<String>,
    /// Hide who calls (JsSIP `anonymous`): From is `"Anonymous" <sip:anonymous@anonymous.invalid>`
    /// and our identity goes in P-Preferred-Identity with `Privacy: id` (RFC 3323, RFC 3325).
    pub anonymous: bool,
}
