//! The called side of a basic call: INVITE → 180 → answer/reject, ACK, CANCEL, BYE.

use super::contact_value;
use alloc::string::String;
use bytes::Bytes;
use rand_core::Rng;

use super::call_state::Call;
use super::{Event, Originator, SessionId, Ua, ALLOW};
use crate::cause::Cause;
use crate::dialog::{Dialog, DialogId};
use crate::message::{HeaderName, Request, Response, StatusCode};
use crate::registration::random_token;
use crate::time::Instant;
use crate::transaction::TxId;

/// A response to send: status, our tag, an SDP body and extra header lines.
pub(super) struct Reply<'a> {
    pub(super) status: StatusCode,
    pub(super) tag: &'a str,
    pub(super) sdp: Option<&'a Bytes>,
    pub(super) extra: &'a [(HeaderName, String)],
}

impl<R: Rng> Ua<R> {
    /// Our tag in call `id` (empty for an unknown call): what our responses in it carry.
    pub(super) fn local_tag_of(&self, id: SessionId) -> String {
        self.calls
            .get(&id)
            .map(|c| String::from(c.local_tag()))
            .unwrap_or_default()
    }

    /// A new INVITE outside any dialog (RFC 3261 §13.3): ring and tell the application.
    pub(super) fn incoming_invite(&mut self, tx: TxId, req: Request, now: Instant) {
        let tag = random_token(&mut self.rng, 10);
        let Ok(dialog) = Dialog::uas(&req, &tag, false) else {
            // No usable Contact (RFC 3261 §12.1.1): the dialog cannot be built.
            self.respond_with(tx, &req, StatusCode::BAD_REQUEST, &tag, None, now);
            return;
        };
        // RFC 3891 §3: Replaces must name a dialog of ours (to-tag ours, from-tag theirs).
        let replaces = match req.headers().replaces() {
            None => None,
            Some(Ok(r)) => {
                let found = self.calls.iter().find(|(_, c)| {
                    c.dialog().is_some_and(|d| {
                        let i = d.id();
                        i.call_id.as_bytes() == r.call_id
                            && i.local_tag.as_bytes() == r.to_tag
                            && i.remote_tag.as_bytes() == r.from_tag
                    })
                });
                match found {
                    Some((id, _)) => Some(*id),
                    None => {
                        self.respond_with(
                            tx,
                            &req,
                            StatusCode::CALL_TRANSACTION_DOES_NOT_EXIST,
                            &tag,
                            None,
                            now,
                        );
                        return;
                    }
                }
            }
            Some(Err(_)) => {
                self.respond_with(tx, &req, StatusCode::BAD_REQUEST, &tag, None, now);
                return;
            }
        };
        let id = self.next_session_id();
        let text = |v: Option<&[u8]>| {
            v.map(|v| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default()
        };
        let event = Event::NewSession {
            id,
            from: text(req.headers().get(HeaderName::From)),
            to: text(req.headers().get(HeaderName::To)),
            sdp: (!req.body_bytes().is_empty()).then(|| req.body()),
            replaces,
        };
        let mut call = Call::incoming(tag.clone(), req.clone(), tx, dialog);
        call.replaces = replaces;
        call.ring_until(now + self.config.no_answer_timeout);
        if self.config.session_timers {
            call.timer.offered = super::session_timer::session_expires(req.headers());
        }
        let h = req.headers();
        call.rel100.peer_supports = h.supports("100rel") || h.requires("100rel");
        if let Ok(offer) = crate::sdp::Sdp::parse(req.body()) {
            let _ = call.media.oa.remote_offer(offer, crate::sdp::Carrier::Invite);
        }
        self.calls.insert(id, call);
        // JsSIP answers 180 Ringing with our Contact at once.
        self.send_provisional(id, StatusCode::RINGING, None, now);
        self.event(event);
    }

    /// A response to `req` on server transaction `tx` with our tag, Contact, and an SDP body.
    pub(super) fn respond_with(
        &mut self,
        tx: TxId,
        req: &Request,
        status: StatusCode,
        tag: &str,
        sdp: Option<&Bytes>,
        now: Instant,
    ) -> Option<Bytes> {
        self.respond_with_headers(
            tx,
            req,
            Reply {
                status,
                tag,
                sdp,
                extra: &[],
            },
            now,
        )
    }

    /// [`Ua::respond_with`] with the whole [`Reply`].
    pub(super) fn respond_with_headers(
        &mut self,
        tx: TxId,
        req: &Request,
        reply: Reply<'_>,
        now: Instant,
    ) -> Option<Bytes> {
        let Reply {
            status,
            tag,
            sdp,
            extra,
        } = reply;
        let contact = contact_value(&self.identity, &self.config, self.link.as_ref());
        let mut b = Response::builder(status).echo(req).to_tag(tag);
        // RFC 3261 §12.1.1: responses that establish a dialog copy Record-Route in order.
        if *req.method() == crate::message::Method::Invite && status.as_u16() > 100 && status.as_u16() < 300 {
            for rr in req.headers().get_all(HeaderName::RecordRoute) {
                b = b.header(HeaderName::RecordRoute, rr);
            }
        }
        if status.as_u16() > 100 && status.as_u16() < 300 {
            b = b
                .header(HeaderName::Contact, &contact)
                .header(HeaderName::Allow, ALLOW);
        }
        for (name, value) in extra {
            b = b.header(*name, value);
        }
        if let Some(sdp) = sdp.filter(|s| !s.is_empty()) {
            b = b
                .header(HeaderName::ContentType, "application/sdp")
                .body(sdp.clone());
        }
        let resp = b
            .header(HeaderName::Server, &self.config.user_agent)
            .build()
            .ok()?;
        let bytes = resp.buffer().clone();
        self.transactions.respond(tx, resp, now).ok()?;
        Some(bytes)
    }

    /// Sends a final response to the INVITE of incoming call `id`.
    pub(super) fn final_response(&mut self, id: SessionId, status: StatusCode, now: Instant) {
        let Some(call) = self.calls.get(&id) else { return };
        let (Some(req), Some(tx)) = (call.invite().cloned(), call.invite_tx()) else {
            return;
        };
        let tag = String::from(call.local_tag());
        if let Some(c) = self.calls.get_mut(&id) {
            c.rel100.stop();
        }
        self.respond_with(tx, &req, status, &tag, None, now);
    }

    /// Answers incoming call `id` with `sdp` (JsSIP `session.answer()`): a 200 OK, repeated
    /// until the ACK comes (RFC 3261 §13.3.1.4).
    pub fn answer(&mut self, now: Instant, id: SessionId, sdp: impl Into<Bytes>) {
        let sdp = sdp.into();
        let Some(call) = self.calls.get(&id).filter(|c| c.is_ringing()) else {
            return;
        };
        let (Some(req), Some(tx)) = (call.invite().cloned(), call.invite_tx()) else {
            return;
        };
        let tag = String::from(call.local_tag());
        let reliable = self
            .link
            .as_ref()
            .is_some_and(|l| l.server.transport.is_reliable());
        let t1 = self.transactions.config().t1;
        // RFC 4028 §9: the 2xx names the interval and the refresher (the caller unless it
        // asked us to refresh).
        let offered = call.timer.offered;
        let reply = Self::session_expires_reply(offered);
        let extra: alloc::vec::Vec<(HeaderName, String)> = reply
            .as_ref()
            .map(|(se, _)| {
                alloc::vec![
                    (HeaderName::SessionExpires, se.clone()),
                    (HeaderName::Require, String::from("timer"))
                ]
            })
            .unwrap_or_default();
        if let Some(ok) = self.respond_with_headers(
            tx,
            &req,
            Reply {
                status: StatusCode::OK,
                tag: &tag,
                sdp: Some(&sdp),
                extra: &extra,
            },
            now,
        ) {
            if let Some(call) = self.calls.get_mut(&id) {
                call.media.local = crate::sdp::Sdp::parse(sdp.clone()).ok();
                if let Some(local) = call.media.local.clone() {
                    // Our 2xx answers the INVITE's offer, or makes the offer when it had none.
                    let carrier = crate::sdp::Carrier::Final2xx;
                    if call.media.oa.state() == crate::sdp::OfferAnswerState::RemoteOffer {
                        let _ = call.media.oa.local_answer(local, carrier);
                    } else if call.media.oa.state() != crate::sdp::OfferAnswerState::Stable {
                        let _ = call.media.oa.local_offer(local, carrier);
                    }
                }
                call.mark_answered(ok, reliable, now, t1);
                if let (Some((interval, _)), Some((_, we))) = (offered, reply) {
                    call.timer.start(now, interval, we);
                }
            }
        }
        // RFC 3891 §3: the replaced call ends once the new one is answered.
        if let Some(old) = self.calls.get(&id).and_then(|c| c.replaces) {
            self.terminate(now, old);
        }
        self.pump(now);
    }

    /// Rejects incoming call `id` with `status` (JsSIP `terminate({status_code})`).
    pub fn reject(&mut self, now: Instant, id: SessionId, status: StatusCode) {
        if !self.calls.get(&id).is_some_and(|c| c.is_ringing()) || !status.is_final() || status.is_success() {
            return;
        }
        self.final_response(id, status, now);
        self.call_failed(id, Cause::from_status(status), Originator::Local, Some(status));
        self.pump(now);
    }

    fn call_for_dialog(&self, req: &Request) -> Option<SessionId> {
        let did = DialogId::from_request(req)?;
        self.calls
            .iter()
            .find(|(_, c)| c.dialog().is_some_and(|d| *d.id() == did))
            .map(|(id, _)| *id)
    }

    /// An ACK for a 2xx (RFC 3261 §13.3.1.4): the session is confirmed.
    pub(super) fn incoming_ack(&mut self, req: &Request) {
        let Some(id) = self.call_for_dialog(req) else {
            return;
        };
        if let Some(call) = self.calls.get_mut(&id) {
            // The ACK for our 2xx to the INVITE confirms the call; for a re-INVITE's 2xx it only
            // stops the retransmissions.
            let first = call.is_answered();
            if call.awaiting_ack() {
                call.confirm();
                // An offer-less INVITE: our 2xx made the offer, the ACK carries the answer
                // (RFC 3261 §13.2.1, RFC 3264 §4).
                let offerless = call.invite().is_some_and(|i| i.body_bytes().is_empty());
                if first && offerless && !req.body_bytes().is_empty() {
                    if let Ok(sdp) = crate::sdp::Sdp::parse(req.body()) {
                        let _ = call.media.oa.remote_answer(sdp, crate::sdp::Carrier::Ack);
                    }
                    self.event(Event::Answer { id, sdp: req.body() });
                }
                if first {
                    self.event(Event::Confirmed { id });
                }
            }
        }
    }

    /// A CANCEL matched the INVITE on `invite_tx` (RFC 3261 §9.2): 487 if still ringing.
    pub(super) fn incoming_cancel(&mut self, invite_tx: TxId, now: Instant) {
        let Some(id) = self
            .calls
            .iter()
            .find(|(_, c)| c.invite_tx() == Some(invite_tx) && c.is_ringing())
            .map(|(id, _)| *id)
        else {
            return;
        };
        if let Some(c) = self.calls.get_mut(&id) {
            c.stop_ringing();
        }
        self.final_response(id, StatusCode::REQUEST_TERMINATED, now);
        self.call_failed(id, Cause::Canceled, Originator::Remote, None);
    }

    /// A request inside a dialog (a To tag): BYE ends the call; others are not handled yet;
    /// no dialog → 481 (RFC 3261 §12.2.2).
    pub(super) fn in_dialog_request(&mut self, tx: TxId, req: &Request, now: Instant) -> bool {
        let Some(id) = self.call_for_dialog(req) else {
            return false;
        };
        let ordered = self
            .calls
            .get_mut(&id)
            .and_then(Call::dialog_mut)
            .map(|d| d.receive_request(req));
        let tag = self.local_tag_of(id);
        if let Some(Err(_)) = ordered {
            // RFC 3261 §12.2.2: a CSeq lower than the last one gets 500.
            self.respond_with(tx, req, StatusCode::SERVER_INTERNAL_ERROR, &tag, None, now);
            return true;
        }
        let terminated = self.calls.get(&id).is_some_and(Call::is_terminated);
        if terminated {
            // The call is over (our BYE is out): a crossing BYE gets its 200, anything else
            // 481 (RFC 3261 §15.1.1); nothing more is reported.
            let status = if *req.method() == crate::message::Method::Bye {
                StatusCode::OK
            } else {
                StatusCode::CALL_TRANSACTION_DOES_NOT_EXIST
            };
            self.respond_with(tx, req, status, &tag, None, now);
            return true;
        }
        if *req.method() == crate::message::Method::Invite {
            self.incoming_reinvite(id, tx, req, now);
        } else if *req.method() == crate::message::Method::Refer {
            self.incoming_refer(id, tx, req, now);
        } else if *req.method() == crate::message::Method::Notify {
            self.incoming_notify(id, tx, req, now);
        } else if *req.method() == crate::message::Method::Prack {
            self.incoming_prack(id, tx, req, now);
        } else if *req.method() == crate::message::Method::Update {
            self.incoming_update(id, tx, req, now);
        } else if *req.method() == crate::message::Method::Info {
            self.incoming_info(id, tx, req, now);
        } else if *req.method() == crate::message::Method::Bye {
            self.respond_with(tx, req, StatusCode::OK, &tag, None, now);
            if let Some(call) = self.calls.get_mut(&id) {
                call.stop_retransmitting();
            }
            self.call_ended(id, Cause::Bye, Originator::Remote);
        } else {
            self.respond_with(tx, req, StatusCode::NOT_IMPLEMENTED, &tag, None, now);
        }
        true
    }
}
