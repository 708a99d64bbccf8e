//! Why something failed or ended, named after JsSIP's `causes` so applications ported from
//! JsSIP recognise them.

use crate::message::StatusCode;

/// A failure or end cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cause {
    /// The transport failed or closed (JsSIP `CONNECTION_ERROR`).
    ConnectionError,
    /// No final response in time: Timer B/F or 408 (JsSIP `REQUEST_TIMEOUT`).
    RequestTimeout,
    /// Credentials were refused (JsSIP `AUTHENTICATION_ERROR`).
    AuthenticationError,
    /// 3xx (JsSIP `REDIRECTED`).
    Redirected,
    /// 404/604 (JsSIP `NOT_FOUND`).
    NotFound,
    /// 480/410/408 and similar (JsSIP `UNAVAILABLE`).
    Unavailable,
    /// 486/600 (JsSIP `BUSY`).
    Busy,
    /// 403/603 (JsSIP `REJECTED`).
    Rejected,
    /// 484 (JsSIP `ADDRESS_INCOMPLETE`).
    AddressIncomplete,
    /// 488/606 (JsSIP `INCOMPATIBLE_SDP`).
    IncompatibleSdp,
    /// Any other SIP failure (JsSIP `SIP_FAILURE_CODE`).
    SipFailureCode,
    /// The response could not be understood (JsSIP `BAD_MEDIA_DESCRIPTION` / internal).
    BadResponse,
    /// The call was canceled before it was answered (JsSIP `CANCELED`).
    Canceled,
    /// Nobody answered within `no_answer_timeout` (JsSIP `NO_ANSWER`).
    NoAnswer,
    /// Our 2xx to an INVITE was never acknowledged (JsSIP `NO_ACK`, RFC 3261 §13.3.1.4).
    NoAck,
    /// The session ended with a BYE (JsSIP `BYE`).
    Bye,
    /// The session timer ran out without a refresh (RFC 4028 §10).
    Expires,
}

impl Cause {
    /// The cause JsSIP gives a failure response (`Utils.sipErrorCause`).
    pub fn from_status(status: StatusCode) -> Cause {
        match status.as_u16() {
            300..=399 => Cause::Redirected,
            401 | 407 => Cause::AuthenticationError,
            403 | 603 => Cause::Rejected,
            404 | 604 => Cause::NotFound,
            408 => Cause::RequestTimeout,
            410 | 480 => Cause::Unavailable,
            484 => Cause::AddressIncomplete,
            486 | 600 => Cause::Busy,
            487 => Cause::Canceled,
            488 | 606 => Cause::IncompatibleSdp,
            _ => Cause::SipFailureCode,
        }
    }
}
