//! The offer/answer state machine of one session (RFC 3264 §4; RFC 3261 §13.2.1, §14;
//! RFC 3262 §5; RFC 3311 §5; RFC 6337 §2.1).

use core::fmt;

use super::model::Sdp;
use super::negotiate::check_answer;
use crate::message::StatusCode;

/// Where an offer/answer exchange stands (RFC 3264 §4, RFC 6337 §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OfferAnswerState {
    /// No exchange has completed and no offer is pending.
    NoOffer,
    /// We sent an offer and wait for its answer.
    LocalOffer,
    /// The peer sent an offer and waits for our answer.
    RemoteOffer,
    /// The last exchange completed; either side may offer.
    Stable,
}

/// Who made an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// This user agent.
    Local,
    /// The peer.
    Remote,
}

/// The SIP message that carries an offer or an answer (RFC 6337 §2.1, Table 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Carrier {
    /// An INVITE or re-INVITE request.
    Invite,
    /// A reliable provisional response to INVITE (RFC 3262).
    Reliable1xx,
    /// A 2xx response to INVITE.
    Final2xx,
    /// The ACK for a 2xx.
    Ack,
    /// A PRACK request (RFC 3262 §5).
    Prack,
    /// The 2xx response to a PRACK.
    PrackResponse,
    /// An UPDATE request (RFC 3311).
    Update,
    /// The 2xx response to an UPDATE.
    UpdateResponse,
}

impl Carrier {
    /// True for a request (INVITE, ACK, PRACK, UPDATE).
    pub fn is_request(self) -> bool {
        matches!(
            self,
            Carrier::Invite | Carrier::Ack | Carrier::Prack | Carrier::Update
        )
    }
    /// True when this message may carry an offer (RFC 6337 §2.1): ACK and the responses to
    /// PRACK and UPDATE only ever carry answers.
    pub fn may_carry_offer(self) -> bool {
        !matches!(
            self,
            Carrier::Ack | Carrier::PrackResponse | Carrier::UpdateResponse
        )
    }
    /// True when this message may carry the answer to an offer carried by `offer`
    /// (RFC 6337 §2.1 Table 1; RFC 3261 §13.2.1; RFC 3262 §5; RFC 3311 §5).
    pub fn may_answer(self, offer: Carrier) -> bool {
        matches!(
            (offer, self),
            (Carrier::Invite, Carrier::Reliable1xx | Carrier::Final2xx)
                | (Carrier::Reliable1xx, Carrier::Prack)
                | (Carrier::Final2xx, Carrier::Ack)
                | (Carrier::Prack, Carrier::PrackResponse)
                | (Carrier::Update, Carrier::UpdateResponse)
        )
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Carrier::Invite => "INVITE",
            Carrier::Reliable1xx => "a reliable 1xx",
            Carrier::Final2xx => "a 2xx to INVITE",
            Carrier::Ack => "ACK",
            Carrier::Prack => "PRACK",
            Carrier::PrackResponse => "a 2xx to PRACK",
            Carrier::Update => "UPDATE",
            Carrier::UpdateResponse => "a 2xx to UPDATE",
        })
    }
}

/// Why we may not make an offer or accept an answer now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfferAnswerError {
    /// An offer of ours still waits for its answer (RFC 3264 §4).
    #[error("an offer of ours is waiting for its answer")]
    LocalOfferPending,
    /// An offer from the peer still waits for our answer (RFC 3264 §4, RFC 3311 §5.1).
    #[error("an offer from the peer is waiting for our answer")]
    RemoteOfferPending,
    /// ACK and the responses to PRACK and UPDATE carry answers only (RFC 6337 §2.1).
    #[error("{0} cannot carry an offer")]
    CannotCarryOffer(Carrier),
    /// PRACK and UPDATE cannot carry the initial offer (RFC 3311 §5.1, RFC 6337 §2.1).
    #[error("the initial offer cannot be sent in {0}")]
    InitialOfferNotAllowed(Carrier),
    /// There is no offer from the peer to answer.
    #[error("no offer from the peer to answer")]
    NoRemoteOffer,
    /// There is no offer of ours to be answered.
    #[error("no offer of ours to answer")]
    NoLocalOffer,
    /// The answer came in a message that cannot answer this offer (RFC 6337 §2.1).
    #[error("an offer in {offer} cannot be answered in {answer}")]
    WrongAnswerCarrier {
        /// The message that carried the offer.
        offer: Carrier,
        /// The message that carried the answer.
        answer: Carrier,
    },
    /// The answer's `m=` line count differs from the offer's (RFC 3264 §6).
    #[error("answer has {answer} m= lines, the offer {offer}")]
    MediaCountMismatch {
        /// `m=` lines in the offer.
        offer: usize,
        /// `m=` lines in the answer.
        answer: usize,
    },
    /// A stream offered with port 0 has a port in the answer (RFC 3264 §6).
    #[error("stream {index} was offered with port 0 but accepted")]
    RejectedStreamAccepted {
        /// The 0-based `m=` index.
        index: usize,
    },
    /// A re-offer has fewer `m=` lines than the session (RFC 3264 §8: streams are removed by
    /// setting their port to 0, never by leaving them out).
    #[error("re-offer has {offer} m= lines, the session {session}")]
    MediaLinesRemoved {
        /// `m=` lines in the current session.
        session: usize,
        /// `m=` lines in the new offer.
        offer: usize,
    },
}

/// How an incoming offer must be refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OfferRefusal {
    /// `491 Request Pending`: our own offer is outstanding (glare, RFC 3261 §14.2,
    /// RFC 3311 §5.2). The peer retries after a random delay (RFC 3261 §14.1).
    RequestPending,
    /// `500 Server Internal Error` with `Retry-After` of a random 0–10 s: an offer of the
    /// peer is still unanswered (RFC 3311 §5.2, RFC 3261 §14.2), or an UPDATE/PRACK offer
    /// overtook the initial offer (RFC 3311 §5.1 forbids it there).
    ServerInternalError,
    /// `488 Not Acceptable Here`: the re-offer drops `m=` lines (RFC 3264 §8; RFC 6337 §2.2
    /// rejects an unacceptable offer with 488).
    NotAcceptableHere,
    /// Not an offer position: SDP in ACK or in a response to PRACK/UPDATE is never an offer,
    /// and a response carrying an offer while one is pending breaks RFC 3264 §4. There is no
    /// response to send: the session layer ignores the body or ends the session.
    NotAnOffer,
}

impl OfferRefusal {
    /// The response status to send, when there is a request to respond to.
    pub fn status(self) -> Option<StatusCode> {
        match self {
            OfferRefusal::RequestPending => Some(StatusCode::REQUEST_PENDING),
            OfferRefusal::ServerInternalError => Some(StatusCode::SERVER_INTERNAL_ERROR),
            OfferRefusal::NotAcceptableHere => Some(StatusCode::NOT_ACCEPTABLE_HERE),
            OfferRefusal::NotAnOffer => None,
        }
    }
    /// The upper bound in seconds of the random Retry-After the response must carry
    /// (RFC 3311 §5.2, RFC 3261 §14.2: 0–10 s), when it needs one.
    pub fn retry_after_max_secs(self) -> Option<u32> {
        (self == OfferRefusal::ServerInternalError).then_some(10)
    }
}

/// An offer waiting for its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingOffer {
    /// The offered description.
    pub sdp: Sdp,
    /// Who offered.
    pub side: Side,
    /// The message that carried it.
    pub via: Carrier,
}

/// The offer/answer state of one session (RFC 3264 §4).
///
/// ```text
///                    local_offer                 remote_answer
///  NoOffer, Stable ───────────────▶ LocalOffer ───────────────▶ Stable
///  NoOffer, Stable ───────────────▶ RemoteOffer ──────────────▶ Stable
///                    remote_offer                local_answer
///  LocalOffer, RemoteOffer ── rollback ──▶ the state before the offer
/// ```
///
/// What the state machine cannot see is the SIP transaction state; the session layer adds it:
/// - RFC 3261 §14.2: a re-INVITE that arrives while an INVITE server transaction of ours is
///   still unanswered gets 500 with Retry-After (0–10 s), and one that arrives while our own
///   INVITE is in progress gets 491, whether or not either carries SDP.
/// - An offer in a reliable 1xx or a 2xx is only possible when the INVITE had no offer
///   (RFC 3261 §13.2.1, RFC 3262 §5); SDP in a 1xx or 2xx that follows the answer already
///   given in a reliable 1xx repeats that answer and is not a new offer.
/// - SDP in an unreliable 1xx completes no exchange (RFC 6337 §2.3): it may preview early
///   media, but only the answer in a reliable 1xx or in the 2xx counts. So there is no
///   `Carrier` for it.
/// - An unacceptable answer (an [`OfferAnswerError`] from [`OfferAnswer::remote_answer`])
///   that came in a 2xx still gets its ACK, then a BYE, as RFC 3261 §13.2.2.4 does for an
///   unacceptable offer in a 2xx; one in a reliable 1xx ends the call with CANCEL.
#[derive(Clone, Debug, Default)]
pub struct OfferAnswer {
    local: Option<Sdp>,
    remote: Option<Sdp>,
    pending: Option<PendingOffer>,
}

impl OfferAnswer {
    /// A session with no offer yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// The current state.
    pub fn state(&self) -> OfferAnswerState {
        match (&self.pending, &self.local) {
            (Some(p), _) if p.side == Side::Local => OfferAnswerState::LocalOffer,
            (Some(_), _) => OfferAnswerState::RemoteOffer,
            (None, Some(_)) => OfferAnswerState::Stable,
            (None, None) => OfferAnswerState::NoOffer,
        }
    }
    /// Our description as of the last completed exchange.
    pub fn local_description(&self) -> Option<&Sdp> {
        self.local.as_ref()
    }
    /// The peer's description as of the last completed exchange.
    pub fn remote_description(&self) -> Option<&Sdp> {
        self.remote.as_ref()
    }
    /// The offer waiting for its answer, if any.
    pub fn pending_offer(&self) -> Option<&PendingOffer> {
        self.pending.as_ref()
    }
    /// True when the peer's current description puts us on hold ([`Sdp::holds_peer`]).
    pub fn is_remote_hold(&self) -> bool {
        self.remote.as_ref().is_some_and(Sdp::holds_peer)
    }
    /// True when our current description puts the peer on hold.
    pub fn is_local_hold(&self) -> bool {
        self.local.as_ref().is_some_and(Sdp::holds_peer)
    }

    /// May we send an offer in `via` now? Only with no offer pending either way (RFC 3264 §4;
    /// RFC 3311 §5.1), in a message that can carry one, and not the initial offer in PRACK or
    /// UPDATE (RFC 6337 §2.1).
    pub fn may_send_offer(&self, via: Carrier) -> Result<(), OfferAnswerError> {
        if !via.may_carry_offer() {
            return Err(OfferAnswerError::CannotCarryOffer(via));
        }
        match &self.pending {
            Some(p) if p.side == Side::Local => Err(OfferAnswerError::LocalOfferPending),
            Some(_) => Err(OfferAnswerError::RemoteOfferPending),
            None if self.local.is_none() && matches!(via, Carrier::Prack | Carrier::Update) => {
                Err(OfferAnswerError::InitialOfferNotAllowed(via))
            }
            None => Ok(()),
        }
    }

    /// Must an offer arriving in `via` be refused, and how? Decided from offer/answer state
    /// alone; see [`OfferAnswer`] for what the session layer adds.
    pub fn check_remote_offer(&self, via: Carrier) -> Result<(), OfferRefusal> {
        // RFC 6337 §2.1: ACK and the PRACK/UPDATE responses carry answers only.
        if !via.may_carry_offer() {
            return Err(OfferRefusal::NotAnOffer);
        }
        match &self.pending {
            // RFC 3311 §5.2: an UPDATE offer while our offer is unanswered gets 491; RFC 3261
            // §14.2: so does a re-INVITE while our INVITE is in progress.
            Some(p) if p.side == Side::Local && via.is_request() => Err(OfferRefusal::RequestPending),
            // RFC 3311 §5.2: an UPDATE offer while the peer's offer is unanswered gets 500 with
            // Retry-After; RFC 3261 §14.2 treats the overlapping re-INVITE the same.
            Some(_) if via.is_request() => Err(OfferRefusal::ServerInternalError),
            // RFC 3264 §4: no new offer before the pending one is answered; a response
            // cannot be refused.
            Some(_) => Err(OfferRefusal::NotAnOffer),
            // RFC 3311 §5.1, RFC 6337 §2.1: the initial offer is never in UPDATE or PRACK;
            // one arriving now overtook the offer it should follow.
            None if self.local.is_none() && matches!(via, Carrier::Prack | Carrier::Update) => {
                Err(OfferRefusal::ServerInternalError)
            }
            None => Ok(()),
        }
    }

    /// We send `sdp` as an offer in `via`. On success the state is `LocalOffer`.
    pub fn local_offer(&mut self, sdp: Sdp, via: Carrier) -> Result<(), OfferAnswerError> {
        self.may_send_offer(via)?;
        if let Some(current) = &self.local {
            // RFC 3264 §8: a re-offer keeps every m= line of the session.
            if sdp.media_count() < current.media_count() {
                return Err(OfferAnswerError::MediaLinesRemoved {
                    session: current.media_count(),
                    offer: sdp.media_count(),
                });
            }
        }
        self.pending = Some(PendingOffer {
            sdp,
            side: Side::Local,
            via,
        });
        Ok(())
    }

    /// The peer offered `sdp` in `via`. On success the state is `RemoteOffer`; on refusal
    /// nothing changes and the refusal says what to answer.
    pub fn remote_offer(&mut self, sdp: Sdp, via: Carrier) -> Result<(), OfferRefusal> {
        self.check_remote_offer(via)?;
        if let Some(current) = &self.remote {
            // RFC 3264 §8: a re-offer keeps every m= line of the session.
            if sdp.media_count() < current.media_count() {
                return Err(OfferRefusal::NotAcceptableHere);
            }
        }
        self.pending = Some(PendingOffer {
            sdp,
            side: Side::Remote,
            via,
        });
        Ok(())
    }

    /// We answer the peer's pending offer with `sdp` in `via`. On success the state is
    /// `Stable` and the descriptions are the offer and this answer.
    pub fn local_answer(&mut self, sdp: Sdp, via: Carrier) -> Result<(), OfferAnswerError> {
        let offer = match &self.pending {
            Some(p) if p.side == Side::Remote => p,
            _ => return Err(OfferAnswerError::NoRemoteOffer),
        };
        Self::check_exchange(offer, &sdp, via)?;
        if let Some(offer) = self.pending.take() {
            self.remote = Some(offer.sdp);
            self.local = Some(sdp);
        }
        Ok(())
    }

    /// The peer answered our pending offer with `sdp` in `via`. On success the state is
    /// `Stable`; on error nothing changes (see [`OfferAnswer`] for what to do).
    pub fn remote_answer(&mut self, sdp: Sdp, via: Carrier) -> Result<(), OfferAnswerError> {
        let offer = match &self.pending {
            Some(p) if p.side == Side::Local => p,
            _ => return Err(OfferAnswerError::NoLocalOffer),
        };
        Self::check_exchange(offer, &sdp, via)?;
        if let Some(offer) = self.pending.take() {
            self.local = Some(offer.sdp);
            self.remote = Some(sdp);
        }
        Ok(())
    }

    fn check_exchange(offer: &PendingOffer, answer: &Sdp, via: Carrier) -> Result<(), OfferAnswerError> {
        if !via.may_answer(offer.via) {
            return Err(OfferAnswerError::WrongAnswerCarrier {
                offer: offer.via,
                answer: via,
            });
        }
        check_answer(&offer.sdp, answer)
    }

    /// The pending offer was rejected (488, 491, any failure of the request that carried it)
    /// or abandoned: back to the state before it, `Stable` with the previous descriptions or
    /// `NoOffer` (RFC 6337 §2.2). Returns the withdrawn offer; `None` when none was pending.
    pub fn rollback(&mut self) -> Option<PendingOffer> {
        self.pending.take()
    }
}
