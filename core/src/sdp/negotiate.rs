//! Checks across descriptions: an answer against its offer (RFC 3264 §6), whether a
//! description puts the other side on hold (RFC 3264 §8.4), the RFC 4733 DTMF payload type.

use super::model::Sdp;
use super::offer_answer::OfferAnswerError;

/// Checks an answer against its offer (RFC 3264 §6): the same number of `m=` lines, and a
/// stream offered with port 0 stays at port 0, except a BUNDLE `a=bundle-only` stream
/// (RFC 8843 §6).
pub fn check_answer(offer: &Sdp, answer: &Sdp) -> Result<(), OfferAnswerError> {
    // RFC 3264 §6: "The answer MUST contain exactly the same number of "m=" lines as the offer."
    if offer.media_count() != answer.media_count() {
        return Err(OfferAnswerError::MediaCountMismatch {
            offer: offer.media_count(),
            answer: answer.media_count(),
        });
    }
    for (o, a) in offer.media().zip(answer.media()) {
        // RFC 3264 §6: a stream offered with port zero is marked with port zero in the answer.
        if o.is_rejected() && !a.is_rejected() && o.attribute("bundle-only").is_none() {
            return Err(OfferAnswerError::RejectedStreamAccepted { index: o.index() });
        }
    }
    Ok(())
}

impl Sdp {
    /// True when whoever sent this description has put the other side on hold: there is at
    /// least one active (port ≠ 0) audio or video stream and every one of them is `sendonly`
    /// or `inactive` (RFC 3264 §8.4), or has the RFC 2543 connection address `0.0.0.0`
    /// (RFC 3264 §8.4 says to understand it) and no ICE. Audio and video only, as JsSIP
    /// decides hold.
    pub fn holds_peer(&self) -> bool {
        let mut streams = self
            .media()
            .filter(|m| !m.is_rejected() && matches!(m.media(), "audio" | "video"))
            .peekable();
        streams.peek().is_some()
            && streams.all(|m| {
                // Trickle ICE (RFC 8838) offers `c=IN IP4 0.0.0.0` with port 9 as a
                // placeholder: with ICE the address says nothing about hold.
                let zero_address =
                    m.ice_ufrag().is_none() && m.effective_connection().is_some_and(|c| c.is_unspecified());
                !m.direction().receives() || zero_address
            })
    }

    /// The RTP payload type of `telephone-event/8000` in the first active audio stream that
    /// offers it: what RFC 4733 DTMF is sent with.
    pub fn telephone_event_payload_type(&self) -> Option<u8> {
        self.media()
            .filter(|m| !m.is_rejected() && m.media().eq_ignore_ascii_case("audio"))
            .find_map(|m| m.telephone_event_payload_type(8000))
    }
}
