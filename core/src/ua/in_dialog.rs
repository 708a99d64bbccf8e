//! Inside an established call: hold and unhold by re-INVITE (RFC 3264 §8.4, RFC 3261 §14)
//! with the §14.1 glare retry, the media state a call keeps, and the in-dialog timers. DTMF by
//! INFO is in `dtmf.rs`, an UPDATE from the peer in `update.rs`.

use super::contact_value;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use bytes::Bytes;
use rand_core::Rng;

use super::incoming_call::Reply;
use super::{Event, Originator, Owner, SessionId, Ua, ALLOW};
use crate::message::{HeaderName, Method, Request, Response, StatusCode};
use crate::sdp::{Direction, Sdp};
use crate::time::{Duration, Instant};
use crate::transaction::TxId;

/// What a call knows about its media negotiation and in-dialog work.
#[derive(Debug, Default)]
pub(super) struct Media {
    /// Our current description (offer or answer), as last agreed.
    pub(super) local: Option<Sdp>,
    /// The offer/answer state of the session (RFC 3264 §4, RFC 6337): decides which incoming
    /// offers must be refused and with what.
    pub(super) oa: crate::sdp::OfferAnswer,
    pub(super) local_hold: bool,
    pub(super) remote_hold: bool,
    /// Our re-INVITE in flight: the description it offers and the hold state it asks for.
    pub(super) reinvite: Option<(Sdp, bool)>,
    /// The re-offer in flight (or to retry) goes by UPDATE (RFC 3311), not re-INVITE.
    by_update: bool,
    reinvite_ack: Option<Bytes>,
    /// A re-INVITE refused with 491, to retry at this instant (RFC 3261 §14.1).
    pub(super) retry_at: Option<(Instant, bool)>,
    pub(super) dtmf: VecDeque<(char, u32)>,
    pub(super) dtmf_busy: bool,
    pub(super) dtmf_at: Option<Instant>,
    /// The pause between queued tones (JsSIP `interToneGap`).
    pub(super) dtmf_gap: Duration,
}

/// Why an in-dialog command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallCommandError {
    /// No such call, or it is not established.
    #[error("no established call with that id")]
    NotEstablished,
    /// A re-INVITE of ours is still in progress (RFC 3261 §14.1).
    #[error("a re-invite is in progress")]
    Pending,
    /// No local description to re-offer.
    #[error("no local session description")]
    NoSdp,
    /// A DTMF tone outside 0-9, A-D, # and * (a comma pauses).
    #[error("invalid dtmf tone")]
    InvalidTone,
    /// A transfer target that is not a SIP URI.
    #[error("invalid transfer target")]
    InvalidTarget,
}

impl<R: Rng> Ua<R> {
    /// Puts call `id` on hold (JsSIP `session.hold()`): a re-INVITE whose description stops
    /// receiving (sendrecv → sendonly, RFC 3264 §8.4).
    pub fn hold(&mut self, now: Instant, id: SessionId) -> Result<(), CallCommandError> {
        self.reoffer(now, id, true, false)
    }

    /// Takes call `id` off hold (JsSIP `session.unhold()`).
    pub fn unhold(&mut self, now: Instant, id: SessionId) -> Result<(), CallCommandError> {
        self.reoffer(now, id, false, false)
    }

    /// [`Ua::hold`] by UPDATE instead of re-INVITE (RFC 3311; JsSIP `hold({useUpdate: true})`).
    pub fn hold_by_update(&mut self, now: Instant, id: SessionId) -> Result<(), CallCommandError> {
        self.reoffer(now, id, true, true)
    }

    /// [`Ua::unhold`] by UPDATE (RFC 3311).
    pub fn unhold_by_update(&mut self, now: Instant, id: SessionId) -> Result<(), CallCommandError> {
        self.reoffer(now, id, false, true)
    }

    fn reoffer(
        &mut self,
        now: Instant,
        id: SessionId,
        hold: bool,
        by_update: bool,
    ) -> Result<(), CallCommandError> {
        let call = self
            .calls
            .get_mut(&id)
            .filter(|c| c.is_confirmed())
            .ok_or(CallCommandError::NotEstablished)?;
        let carrier = if by_update {
            crate::sdp::Carrier::Update
        } else {
            crate::sdp::Carrier::Invite
        };
        // RFC 3264 §4 / RFC 6337: no new offer while one is outstanding either way.
        if call.media.reinvite.is_some() || call.media.oa.may_send_offer(carrier).is_err() {
            return Err(CallCommandError::Pending);
        }
        let local = call.media.local.as_ref().ok_or(CallCommandError::NoSdp)?;
        let offer = local
            .map_directions(|d| if hold { d.hold() } else { d.unhold() })
            .with_next_version();
        let method = if by_update { Method::Update } else { Method::Invite };
        let Some(mut req) = call.dialog_mut().map(|d| d.next_request(method)) else {
            return Err(CallCommandError::NotEstablished);
        };
        req.header(
            "Contact",
            contact_value(&self.identity, &self.config, self.link.as_ref()),
        );
        req.header("Allow", ALLOW);
        req.header("Content-Type", "application/sdp");
        req.body = offer.buffer().clone();
        if let Some(call) = self.calls.get_mut(&id) {
            let _ = call.media.oa.local_offer(offer.clone(), carrier);
            call.media.reinvite = Some((offer, hold));
            call.media.by_update = by_update;
            call.media.retry_at = None;
        }
        self.send(req, Owner::Reinvite(id), now);
        self.pump(now);
        Ok(())
    }

    /// A response to our re-INVITE.
    pub(super) fn reinvite_response(
        &mut self,
        id: SessionId,
        resp: &Response,
        additional: bool,
        now: Instant,
    ) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let status = resp.status();
        if status.is_provisional() {
            return;
        }
        if additional {
            // A retransmitted 2xx: the same ACK again (RFC 3261 §13.2.2.4).
            if let Some(ack) = call.media.reinvite_ack.clone() {
                self.transmit(ack);
            }
            return;
        }
        let Some((offer, hold)) = call.media.reinvite.take() else {
            return;
        };
        if status.is_success() {
            let carrier = if call.media.by_update {
                crate::sdp::Carrier::UpdateResponse
            } else {
                crate::sdp::Carrier::Final2xx
            };
            if let Ok(answer) = Sdp::parse(resp.body()) {
                let _ = call.media.oa.remote_answer(answer, carrier);
            }
            let cseq = resp.cseq().map(|c| c.seq).unwrap_or(0);
            let by_update = call.media.by_update;
            let ack = call.dialog_mut().and_then(|d| {
                let _ = d.receive_response(resp);
                // An UPDATE's 2xx is not acknowledged (RFC 3311 §5.1).
                (!by_update).then(|| d.ack_for_2xx(cseq))
            });
            call.media.local = Some(offer);
            call.media.local_hold = hold;
            if let Some(ack) = ack {
                let bytes = self.send_stateless(&ack);
                if let Some(call) = self.calls.get_mut(&id) {
                    call.media.reinvite_ack = bytes;
                }
            }
            let e = if hold {
                Event::Hold {
                    id,
                    originator: Originator::Local,
                }
            } else {
                Event::Unhold {
                    id,
                    originator: Originator::Local,
                }
            };
            if self.calls.get(&id).is_some_and(|c| c.is_confirmed()) {
                self.event(e);
            }
        } else if status == StatusCode::REQUEST_PENDING {
            // The offer is withdrawn (RFC 6337 §2.2) and made again later.
            call.media.oa.rollback();
            // RFC 3261 §14.1 glare: retry after 2.1–4 s if we own the Call-ID (we placed the
            // call), else after 0–2 s, in units of 10 ms.
            let ms = if call.placed_by_us() {
                2_100 + u64::from(self.rng.next_u32() % 191) * 10
            } else {
                u64::from(self.rng.next_u32() % 201) * 10
            };
            if let Some(call) = self.calls.get_mut(&id) {
                call.media.retry_at = Some((now + Duration::from_millis(ms), hold));
            }
        }
    }

    /// Refuses an offer as the offer/answer state says (RFC 3261 §14.2, RFC 3311 §5.2): 491,
    /// 500 with a Retry-After of 0–10 s, or 488.
    pub(super) fn refuse_offer(
        &mut self,
        id: SessionId,
        tx: TxId,
        req: &Request,
        refusal: crate::sdp::OfferRefusal,
        now: Instant,
    ) {
        let tag = self.local_tag_of(id);
        let status = refusal.status().unwrap_or(StatusCode::NOT_ACCEPTABLE_HERE);
        let retry: alloc::vec::Vec<(HeaderName, String)> = refusal
            .retry_after_max_secs()
            .map(|max| {
                alloc::vec![(
                    HeaderName::RetryAfter,
                    format!("{}", self.rng.next_u32() % (max + 1))
                )]
            })
            .unwrap_or_default();
        let reply = Reply {
            status,
            tag: &tag,
            sdp: None,
            extra: &retry,
        };
        self.respond_with_headers(tx, req, reply, now);
    }

    /// Our re-INVITE got no final response: the previous description stays.
    pub(super) fn reinvite_lost(&mut self, id: SessionId) {
        if let Some(call) = self.calls.get_mut(&id) {
            call.media.oa.rollback();
            call.media.reinvite = None;
        }
    }

    /// A re-INVITE from the peer (RFC 3261 §14.2): 491 while ours is pending, else answer from
    /// our current description with the direction the offer allows (RFC 3264 §6.1).
    pub(super) fn incoming_reinvite(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        // RFC 3261 §14.2: an INVITE before our final response to the previous one (the call
        // still ringing, or our 2xx not yet ACKed) gets 500 with a Retry-After of 0–10 s.
        if self
            .calls
            .get(&id)
            .is_some_and(|c| !c.is_confirmed() || c.awaiting_ack())
        {
            let tag = self.local_tag_of(id);
            let retry = [(HeaderName::RetryAfter, format!("{}", self.rng.next_u32() % 11))];
            let reply = Reply {
                status: StatusCode::SERVER_INTERNAL_ERROR,
                tag: &tag,
                sdp: None,
                extra: &retry,
            };
            self.respond_with_headers(tx, req, reply, now);
            return;
        }
        if self.calls.get(&id).is_some_and(|c| c.is_confirmed()) {
            let sdp = (!req.body_bytes().is_empty()).then(|| req.body());
            self.event(Event::Reinvite { id, sdp });
        }
        let Some(call) = self.calls.get(&id) else { return };
        let tag = String::from(call.local_tag());
        // RFC 3261 §14.2, RFC 6337: 491 while our offer is out, 500 + Retry-After while the
        // peer's own earlier offer is unanswered.
        if let Err(refusal) = call.media.oa.check_remote_offer(crate::sdp::Carrier::Invite) {
            self.refuse_offer(id, tx, req, refusal, now);
            return;
        }
        let Some(local) = call.media.local.clone() else {
            self.respond_with(tx, req, StatusCode::NOT_ACCEPTABLE_HERE, &tag, None, now);
            return;
        };
        let offer = (!req.body_bytes().is_empty())
            .then(|| Sdp::parse(req.body()).ok())
            .flatten();
        let wish = if call.media.local_hold {
            Direction::SendOnly
        } else {
            Direction::SendRecv
        };
        let answer = match &offer {
            Some(o) => {
                let offered = o
                    .media()
                    .next()
                    .map(|m| m.direction())
                    .unwrap_or(Direction::SendRecv);
                local.with_direction(wish.answer_to(offered)).with_next_version()
            }
            // An offer-less re-INVITE: our 2xx is the offer (RFC 3261 §14.2).
            None => local.with_next_version(),
        };
        let remote_hold = offer.as_ref().is_some_and(Sdp::holds_peer);
        let reliable = self
            .link
            .as_ref()
            .is_some_and(|l| l.server.transport.is_reliable());
        let t1 = self.transactions.config().t1;
        let body = answer.buffer().clone();
        // RFC 4028 §9: a refresh carries Session-Expires; echo it and restart the timer.
        let offered =
            super::session_timer::session_expires(req.headers()).filter(|_| self.config.session_timers);
        let extra: alloc::vec::Vec<(HeaderName, String)> = Self::session_expires_reply(offered)
            .map(|(se, _)| {
                alloc::vec![
                    (HeaderName::SessionExpires, se),
                    (HeaderName::Require, String::from("timer"))
                ]
            })
            .unwrap_or_default();
        self.peer_refreshed(id, offered, now);
        if let Some(ok) = self.respond_with_headers(
            tx,
            req,
            Reply {
                status: StatusCode::OK,
                tag: &tag,
                sdp: Some(&body),
                extra: &extra,
            },
            now,
        ) {
            if let Some(call) = self.calls.get_mut(&id) {
                // The exchange: their offer and our answer, or our offer in the 2xx.
                let carrier = crate::sdp::Carrier::Final2xx;
                match offer.clone() {
                    Some(o) => {
                        let _ = call.media.oa.remote_offer(o, crate::sdp::Carrier::Invite);
                        let _ = call.media.oa.local_answer(answer.clone(), carrier);
                    }
                    None => {
                        let _ = call.media.oa.local_offer(answer.clone(), carrier);
                    }
                }
                call.media.local = Some(answer);
                call.await_ack(ok, reliable, now, t1);
                self.remote_hold(id, remote_hold);
            }
        }
    }

    /// The peer's latest offer holds us (`held`) or not: a change is reported as
    /// `Event::Hold`/`Event::Unhold` with originator remote (RFC 3264 §8.4).
    pub(super) fn remote_hold(&mut self, id: SessionId, held: bool) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if core::mem::replace(&mut call.media.remote_hold, held) == held {
            return;
        }
        let originator = Originator::Remote;
        self.event(if held {
            Event::Hold { id, originator }
        } else {
            Event::Unhold { id, originator }
        });
    }

    /// Runs the in-dialog timers of every call: glare retries and DTMF gaps.
    pub(super) fn in_dialog_timeouts(&mut self, now: Instant) {
        let due: alloc::vec::Vec<(SessionId, Option<bool>, bool)> = self
            .calls
            .iter()
            .map(|(id, c)| {
                let retry = c.media.retry_at.filter(|(t, _)| *t <= now).map(|(_, h)| h);
                (*id, retry, c.media.dtmf_at.is_some_and(|t| t <= now))
            })
            .filter(|(_, r, d)| r.is_some() || *d)
            .collect();
        let timers: alloc::vec::Vec<SessionId> = self
            .calls
            .iter()
            .filter(|(_, c)| {
                [c.timer.refresh_at, c.timer.expire_at]
                    .into_iter()
                    .flatten()
                    .any(|t| t <= now)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in timers {
            self.session_timer_due(id, now);
        }
        for (id, retry, dtmf) in due {
            if let Some(hold) = retry {
                if let Some(c) = self.calls.get_mut(&id) {
                    c.media.retry_at = None;
                }
                let by_update = self.calls.get(&id).is_some_and(|c| c.media.by_update);
                let _ = self.reoffer(now, id, hold, by_update);
            }
            if dtmf {
                self.next_dtmf(id, now);
            }
        }
    }
}
