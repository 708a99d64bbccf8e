//! UPDATE from the peer inside a call (RFC 3311): an offer answered like a re-INVITE's,
//! without an ACK to wait for, or a session refresh (RFC 4028 §9).

use alloc::string::String;
use rand_core::Rng;

use super::incoming_call::Reply;
use super::{Event, SessionId, Ua};
use crate::message::{HeaderName, Request, StatusCode};
use crate::sdp::{Direction, Sdp};
use crate::time::Instant;
use crate::transaction::TxId;

impl<R: Rng> Ua<R> {
    /// An UPDATE from the peer (RFC 3311): with an offer, answered like a re-INVITE's but
    /// without an ACK to wait for; without one, a session refresh (RFC 4028 §9) or a no-op.
    pub(super) fn incoming_update(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        if self.calls.get(&id).is_some_and(|c| c.is_confirmed()) {
            let sdp = (!req.body_bytes().is_empty()).then(|| req.body());
            self.event(Event::Update { id, sdp });
        }
        let Some(call) = self.calls.get(&id) else { return };
        let tag = String::from(call.local_tag());
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
        let offer = (!req.body_bytes().is_empty())
            .then(|| Sdp::parse(req.body()).ok())
            .flatten();
        let mut answer_body = None;
        if let Some(o) = &offer {
            // RFC 3311 §5.2: 491 when it crosses our offer, 500 + Retry-After while an earlier
            // offer (the INVITE's, in an early dialog) is unanswered.
            if let Err(refusal) = call.media.oa.check_remote_offer(crate::sdp::Carrier::Update) {
                self.refuse_offer(id, tx, req, refusal, now);
                return;
            }
            let Some(local) = call.media.local.clone() else {
                self.respond_with(tx, req, StatusCode::NOT_ACCEPTABLE_HERE, &tag, None, now);
                return;
            };
            let wish = if call.media.local_hold {
                Direction::SendOnly
            } else {
                Direction::SendRecv
            };
            let offered_dir = o
                .media()
                .next()
                .map(|m| m.direction())
                .unwrap_or(Direction::SendRecv);
            answer_body = Some(
                local
                    .with_direction(wish.answer_to(offered_dir))
                    .with_next_version(),
            );
        }
        // Our Contact is added to every 101–299 response (`respond_with_headers`).
        let body = answer_body.as_ref().map(|a| a.buffer().clone());
        self.peer_refreshed(id, offered, now);
        if self
            .respond_with_headers(
                tx,
                req,
                Reply {
                    status: StatusCode::OK,
                    tag: &tag,
                    sdp: body.as_ref(),
                    extra: &extra,
                },
                now,
            )
            .is_some()
        {
            if let (Some(call), Some(answer)) = (self.calls.get_mut(&id), answer_body) {
                if let Some(o) = offer.clone() {
                    let _ = call.media.oa.remote_offer(o, crate::sdp::Carrier::Update);
                    let _ = call
                        .media
                        .oa
                        .local_answer(answer.clone(), crate::sdp::Carrier::UpdateResponse);
                }
                call.media.local = Some(answer);
                self.remote_hold(id, offer.as_ref().is_some_and(Sdp::holds_peer));
            }
        }
    }
}
