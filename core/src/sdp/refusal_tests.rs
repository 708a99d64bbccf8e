//! The refusal rules for incoming offers (RFC 3261 §14.2, RFC 3311 §5, RFC 3264 §8,
//! RFC 6337 §2.1), each with the status it answers.

use super::oa_tests::{answer, offer, sdp, stable};
use super::*;
use crate::message::StatusCode;
use Carrier::*;
use OfferAnswerState::*;

#[test]
fn refusals_while_our_offer_is_pending() {
    // We sent an offer (in a re-INVITE, then in an UPDATE): a crossing offer is glare.
    for ours in [Invite, Update] {
        let mut oa = stable();
        oa.local_offer(offer().with_next_version(), ours).unwrap();
        // RFC 3311 §5.2: UPDATE → 491; RFC 3261 §14.2: re-INVITE → 491; PRACK likewise.
        for theirs in [Update, Invite, Prack] {
            assert_eq!(
                oa.check_remote_offer(theirs),
                Err(OfferRefusal::RequestPending),
                "{ours:?}/{theirs:?}"
            );
            assert_eq!(
                oa.remote_offer(answer(), theirs),
                Err(OfferRefusal::RequestPending)
            );
        }
        // A response cannot be refused: it is no offer at all (RFC 3264 §4).
        for theirs in [Reliable1xx, Final2xx] {
            assert_eq!(oa.check_remote_offer(theirs), Err(OfferRefusal::NotAnOffer));
        }
        assert_eq!(oa.state(), LocalOffer);
        assert_eq!(oa.pending_offer().unwrap().via, ours);
    }
}

#[test]
fn refusals_while_their_offer_is_unanswered() {
    for theirs_first in [Invite, Update] {
        let mut oa = stable();
        oa.remote_offer(answer().with_next_version(), theirs_first)
            .unwrap();
        // RFC 3311 §5.2: UPDATE → 500 + Retry-After 0–10 s; RFC 3261 §14.2: re-INVITE alike.
        for theirs in [Update, Invite, Prack] {
            let refusal = oa.check_remote_offer(theirs).unwrap_err();
            assert_eq!(refusal, OfferRefusal::ServerInternalError);
            assert_eq!(
                (refusal.status(), refusal.retry_after_max_secs()),
                (Some(StatusCode::SERVER_INTERNAL_ERROR), Some(10))
            );
        }
        assert_eq!(oa.check_remote_offer(Final2xx), Err(OfferRefusal::NotAnOffer));
        assert_eq!(oa.state(), RemoteOffer);
    }
}

#[test]
fn refusals_before_any_exchange() {
    let oa = OfferAnswer::new();
    // RFC 3311 §5.1, RFC 6337 §2.1: no initial offer in UPDATE or PRACK.
    assert_eq!(
        oa.check_remote_offer(Update),
        Err(OfferRefusal::ServerInternalError)
    );
    assert_eq!(
        oa.check_remote_offer(Prack),
        Err(OfferRefusal::ServerInternalError)
    );
    for c in [Invite, Reliable1xx, Final2xx] {
        assert_eq!(oa.check_remote_offer(c), Ok(()));
    }
    // RFC 6337 §2.1: SDP in ACK or in PRACK/UPDATE responses is never an offer, in any state.
    let mut pending = stable();
    pending.local_offer(offer(), Invite).unwrap();
    for state in [OfferAnswer::new(), stable(), pending] {
        for c in [Ack, PrackResponse, UpdateResponse] {
            assert_eq!(state.check_remote_offer(c), Err(OfferRefusal::NotAnOffer));
        }
    }
    // Stable: everything that can carry an offer may.
    let oa = stable();
    for c in [Invite, Reliable1xx, Final2xx, Prack, Update] {
        assert_eq!(oa.check_remote_offer(c), Ok(()));
    }
}

#[test]
fn refusal_codes() {
    assert_eq!(
        OfferRefusal::RequestPending.status(),
        Some(StatusCode::REQUEST_PENDING)
    );
    assert_eq!(
        OfferRefusal::RequestPending.status().map(|s| s.as_u16()),
        Some(491)
    );
    assert_eq!(
        OfferRefusal::ServerInternalError.status().map(|s| s.as_u16()),
        Some(500)
    );
    assert_eq!(
        OfferRefusal::NotAcceptableHere.status().map(|s| s.as_u16()),
        Some(488)
    );
    assert_eq!(OfferRefusal::NotAnOffer.status(), None);
    assert_eq!(OfferRefusal::RequestPending.retry_after_max_secs(), None);
    assert_eq!(OfferRefusal::NotAcceptableHere.retry_after_max_secs(), None);
}

#[test]
fn reoffer_keeps_every_m_line() {
    // RFC 3264 §8: streams are removed with port 0, never by dropping the m= line.
    let mut oa = OfferAnswer::new();
    oa.local_offer(sdp("alice", 1, &[5004, 5006], Direction::SendRecv), Invite)
        .unwrap();
    oa.remote_answer(sdp("bob", 1, &[6004, 0], Direction::SendRecv), Final2xx)
        .unwrap();
    assert_eq!(
        oa.local_offer(sdp("alice", 2, &[5004], Direction::SendRecv), Invite),
        Err(OfferAnswerError::MediaLinesRemoved { session: 2, offer: 1 })
    );
    assert_eq!(
        oa.remote_offer(sdp("bob", 2, &[6004], Direction::SendRecv), Invite),
        Err(OfferRefusal::NotAcceptableHere)
    );
    assert_eq!(oa.state(), Stable);
    // Port 0 and an added stream are fine.
    oa.local_offer(sdp("alice", 2, &[5004, 0, 5008], Direction::SendRecv), Invite)
        .unwrap();
}
