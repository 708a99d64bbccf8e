//! INVITE sessions, the basic call (RFC 3261 §13–§15): placing a call (early dialogs, ACK,
//! CANCEL including the 200-after-CANCEL race, digest retry), receiving one (automatic 180,
//! answer/reject, 2xx retransmission until the ACK, `no_answer_timeout`, CANCEL → 487), and
//! BYE both ways. Re-INVITE, UPDATE, PRACK and the rest of issue 4 build on this.

use super::contact_value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;
use rand_core::Rng;

use super::call_state::{Call, Phase};
use super::{normalize_target, send::build_request, CallOptions, Event, Originator, OutgoingRequest};
use super::{Owner, SessionId, Ua, UaError, ALLOW};
use crate::cause::Cause;
use crate::dialog::Dialog;
use crate::header::NameAddr;
use crate::message::{HeaderName, Method, Request, Response, StatusCode};
use crate::registration::random_token;
use crate::time::Instant;

fn body_of(m: &Bytes) -> Option<Bytes> {
    (!m.is_empty()).then(|| m.clone())
}

impl<R: Rng> Ua<R> {
    /// Places a call to `target` (JsSIP `ua.call()`): an INVITE with `options.sdp` as the
    /// offer. Progress comes as [`Event::Progress`], [`Event::Accepted`], [`Event::Confirmed`],
    /// and the end as [`Event::Failed`] or [`Event::Ended`].
    pub fn call(&mut self, now: Instant, target: &str, options: CallOptions) -> Result<SessionId, UaError> {
        let uri = normalize_target(target, Some(self.config.uri.host())).ok_or(UaError::InvalidTarget)?;
        // RFC 3261 §19.1.5: the URI's ?headers become headers of the request (a Refer-To
        // target's Replaces, say), and the Request-URI goes without them.
        let uri_headers: Vec<(String, String)> = uri
            .headers()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(b"body"))
            .map(|(n, v)| {
                let text = |b: &[u8]| String::from_utf8_lossy(&crate::uri::unescape(b)).into_owned();
                (text(n), text(v))
            })
            .collect();
        let uri = match uri.as_str().split_once('?') {
            Some((bare, _)) => crate::uri::Uri::parse_str(bare).map_err(|_| UaError::InvalidTarget)?,
            None => uri,
        };
        let id = self.next_session_id();
        let tag = random_token(&mut self.rng, 10);
        let contact = contact_value(&self.identity, &self.config, self.link.as_ref());
        let mut out = OutgoingRequest {
            method: Method::Invite,
            to: NameAddr::format(None, &uri),
            uri,
            from: if options.anonymous {
                format!("\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag={tag}")
            } else {
                format!(
                    "{};tag={tag}",
                    NameAddr::format(self.config.display_name.as_deref(), &self.config.uri)
                )
            },
            call_id: random_token(&mut self.rng, 22),
            cseq: 1 + self.rng.next_u32() % 9_999,
            credentials: None,
            headers: Vec::new(),
            body: options.sdp.clone(),
            initial: true,
        };
        out.header("Contact", contact);
        if options.anonymous {
            // RFC 3325 §9.2 / RFC 3323 §4.2: the trusted proxy learns who we are, the callee not.
            out.header(
                "P-Preferred-Identity",
                NameAddr::format(self.config.display_name.as_deref(), &self.config.uri),
            );
            out.header("Privacy", "id");
        }
        out.header("Allow", ALLOW);
        // JsSIP's Supported for an INVITE.
        out.header("Supported", "100rel, timer, ice, replaces, outbound");
        for line in &options.extra_headers {
            if let Some((n, v)) = line.split_once(':') {
                out.header(String::from(n.trim()), v.trim());
            }
        }
        for (name, value) in uri_headers {
            if !value.contains(['\r', '\n']) {
                out.header(name, value);
            }
        }
        // RFC 4028 as JsSIP does it: ask for 90 s; name ourselves refresher only when forced.
        if self.config.session_timers {
            let force = if self.config.session_timers_force_refresher {
                ";refresher=uac"
            } else {
                ""
            };
            out.header(
                "Session-Expires",
                format!("{}{force}", super::session_timer::SESSION_EXPIRES),
            );
        }
        if !options.sdp.is_empty() {
            out.header("Content-Type", "application/sdp");
        }
        let mut call = Call::new(Phase::Calling, tag);
        call.placed_by_us = true;
        call.media.local = crate::sdp::Sdp::parse(options.sdp.clone()).ok();
        if let Some(offer) = call.media.local.clone() {
            let _ = call.media.oa.local_offer(offer, crate::sdp::Carrier::Invite);
        }
        call.template = Some(out.clone());
        self.calls.insert(id, call);
        self.send_invite(id, out, now);
        self.pump(now);
        Ok(id)
    }

    pub(super) fn next_session_id(&mut self) -> SessionId {
        self.next_session += 1;
        SessionId(self.next_session)
    }

    /// Builds and sends an INVITE for call `id`, remembering the request as sent.
    fn send_invite(&mut self, id: SessionId, out: OutgoingRequest, now: Instant) {
        let Some(link) = &self.link else {
            self.call_failed(id, Cause::ConnectionError, Originator::System, None);
            return;
        };
        let server = link.server.clone();
        let Ok(req) = build_request(&out, &self.config, &self.identity, &server, &mut self.rng) else {
            self.call_failed(id, Cause::BadResponse, Originator::System, None);
            return;
        };
        match self
            .transactions
            .send_request(req.clone(), server.transport.is_reliable(), now)
        {
            Ok(tx) => {
                self.owners.insert(tx, Owner::Invite(id));
                if let Some(call) = self.calls.get_mut(&id) {
                    call.invite = Some(req);
                    call.invite_tx = Some(tx);
                }
            }
            Err(_) => self.call_failed(id, Cause::ConnectionError, Originator::System, None),
        }
    }

    pub(super) fn call_failed(
        &mut self,
        id: SessionId,
        cause: Cause,
        originator: Originator,
        status: Option<StatusCode>,
    ) {
        if let Some(call) = self.calls.get_mut(&id) {
            if call.phase != Phase::Terminated {
                call.phase = Phase::Terminated;
                call.clear_timers();
                self.event(Event::Failed {
                    id,
                    cause,
                    originator,
                    status,
                });
            }
        }
        self.reap_call(id);
    }

    pub(super) fn call_ended(&mut self, id: SessionId, cause: Cause, originator: Originator) {
        if let Some(call) = self.calls.get_mut(&id) {
            if call.phase != Phase::Terminated {
                call.phase = Phase::Terminated;
                call.clear_timers();
                self.event(Event::Ended {
                    id,
                    cause,
                    originator,
                });
            }
        }
        self.reap_call(id);
    }

    fn reap_call(&mut self, id: SessionId) {
        let busy = self
            .owners
            .values()
            .any(|o| matches!(o, Owner::Invite(i) | Owner::Bye(i) | Owner::Cancel(i) | Owner::Reinvite(i) | Owner::Info(i) | Owner::Refresh(i) | Owner::Prack(i) | Owner::Refer(i) | Owner::Notify(i) if *i == id));
        if !busy && self.calls.get(&id).is_some_and(|c| c.phase == Phase::Terminated) {
            self.calls.remove(&id);
        }
    }

    /// Sends `bytes` as they are (an ACK for a 2xx is not a transaction, RFC 3261 §17).
    pub(super) fn send_stateless(&mut self, out: &OutgoingRequest) -> Option<Bytes> {
        let server = self.link.as_ref()?.server.clone();
        let req = build_request(out, &self.config, &self.identity, &server, &mut self.rng).ok()?;
        let bytes = req.buffer().clone();
        self.transmit(bytes.clone());
        Some(bytes)
    }

    /// A response to the INVITE of outgoing call `id`.
    pub(super) fn invite_response(&mut self, id: SessionId, resp: Response, additional: bool, now: Instant) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let status = resp.status();
        let Some(invite) = call.invite.clone() else { return };
        if status.is_provisional() {
            call.provisional = true;
            let progress = match call.early.receive_response(&invite, &resp, false) {
                Ok(Some(_)) | Ok(None) => status.as_u16() != 100,
                Err(_) => false,
            };
            if call.cancel && !call.cancel_sent {
                self.send_cancel(id, now);
            }
            let fresh = self.prack_if_reliable(id, &invite, &resp, now);
            // RFC 3262 §5: a reliable provisional may carry the answer (early media).
            if fresh && resp.headers().requires("100rel") && !resp.body_bytes().is_empty() {
                if let (Some(call), Ok(sdp)) = (self.calls.get_mut(&id), crate::sdp::Sdp::parse(resp.body()))
                {
                    let _ = call.media.oa.remote_answer(sdp, crate::sdp::Carrier::Reliable1xx);
                }
            }
            if progress && fresh && call_is_live(self, id) {
                self.event(Event::Progress {
                    id,
                    status,
                    sdp: body_of(&resp.body()),
                });
            }
            return;
        }
        if status.is_success() {
            self.invite_2xx(id, &invite, &resp, additional, now);
            return;
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        // RFC 3261 §22.2: one answer to a digest challenge, same Call-ID and tag, CSeq + 1.
        let challenged = matches!(status.as_u16(), 401 | 407) && !call.answered_challenge && !call.cancel;
        if let Some(mut out) = call.template.clone().filter(|_| challenged) {
            if self.answer_challenge(&mut out, &resp) {
                if let Some(call) = self.calls.get_mut(&id) {
                    call.answered_challenge = true;
                    call.provisional = false;
                    call.template = Some(out.clone());
                }
                self.send_invite(id, out, now);
                return;
            }
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        // RFC 4028 §7.4: 422 names the smallest interval the peer accepts; ask again, once.
        if status.as_u16() == 422 && !call.timer.retried_422 && !call.cancel {
            let min_se = resp.headers().min_se().and_then(Result::ok).map(|m| m.delta);
            if let (Some(min_se), Some(mut out)) = (min_se, call.template.clone()) {
                for (name, value) in out.headers.iter_mut() {
                    if name.eq_ignore_ascii_case("Session-Expires") {
                        *value = format!("{min_se}");
                    }
                }
                out.header("Min-SE", format!("{min_se}"));
                out.cseq += 1;
                call.timer.retried_422 = true;
                call.provisional = false;
                call.template = Some(out.clone());
                self.send_invite(id, out, now);
                return;
            }
        }
        let cause = if call.cancel {
            Cause::Canceled
        } else {
            Cause::from_status(status)
        };
        let originator = if call.cancel {
            Originator::Local
        } else {
            Originator::Remote
        };
        self.call_failed(id, cause, originator, Some(status));
    }

    fn invite_2xx(
        &mut self,
        id: SessionId,
        invite: &Request,
        resp: &Response,
        additional: bool,
        now: Instant,
    ) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let same_dialog = call.dialog.as_ref().is_some_and(|d| d.matches_response(resp));
        if additional && same_dialog {
            // A retransmitted 2xx: the ACK again (RFC 3261 §13.2.2.4).
            if let Some(ack) = call.ack.clone() {
                self.transmit(ack);
            }
            return;
        }
        let cseq = invite.cseq().map(|c| c.seq).unwrap_or(1);
        let dialog = match call.early.receive_response(invite, resp, false) {
            Ok(Some(_)) => resp
                .to_tag()
                .and_then(|t| call.early.remove(core::str::from_utf8(t).ok()?)),
            _ => None,
        }
        .or_else(|| Dialog::uac(invite, resp, false).ok());
        let Some(mut dialog) = dialog else {
            // No usable Contact in the 2xx: nothing to acknowledge (RFC 3261 §12.1.2).
            self.call_failed(id, Cause::BadResponse, Originator::Remote, Some(resp.status()));
            return;
        };
        let mut ack = dialog.ack_for_2xx(cseq);
        ack.credentials = call.template.as_ref().and_then(|t| t.credentials.clone());
        let ack_bytes = self.send_stateless(&ack);
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        // A second fork answering, or an answer after our CANCEL: ACK it, then BYE it
        // (RFC 3261 §13.2.2.4, §9.1).
        if call.dialog.is_some() || call.cancel || call.phase == Phase::Terminated {
            let bye = dialog.next_request(Method::Bye);
            let canceled = call.cancel && call.dialog.is_none();
            self.send(bye, Owner::Bye(id), now);
            if canceled {
                self.call_failed(id, Cause::Canceled, Originator::Local, Some(resp.status()));
            }
            return;
        }
        call.ack = ack_bytes;
        call.dialog = Some(dialog);
        call.phase = Phase::Confirmed;
        // The answer in the 2xx, unless a reliable 1xx answered already (then it repeats it).
        if let Ok(sdp) = crate::sdp::Sdp::parse(resp.body()) {
            let _ = call.media.oa.remote_answer(sdp, crate::sdp::Carrier::Final2xx);
        }
        // RFC 4028 §7.2: the 2xx's Session-Expires sets the timer; no refresher means uac (us).
        if let Some((interval, refresher)) = super::session_timer::session_expires(resp.headers()) {
            let we = refresher != Some(crate::header::session_timer::Refresher::Uas);
            call.timer.start(now, interval, we);
        }
        self.event(Event::Accepted {
            id,
            sdp: body_of(&resp.body()),
        });
        self.event(Event::Confirmed { id });
    }

    /// CANCEL for the INVITE of call `id` (RFC 3261 §9.1): same Request-URI, Call-ID, From,
    /// To, CSeq number and top Via (so the same branch), Route as the INVITE.
    fn send_cancel(&mut self, id: SessionId, now: Instant) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let Some(invite) = call.invite.clone() else { return };
        call.cancel_sent = true;
        call.cancel_deadline = Some(now + self.transactions.config().t1 * 64);
        let h = invite.headers();
        let mut b = Request::builder(Method::Cancel, invite.uri().clone());
        if let Some(via) = h.get(HeaderName::Via) {
            let top = crate::message::split_list(via).next().unwrap_or(via);
            b = b.header(HeaderName::Via, top);
        }
        b = b.header(HeaderName::MaxForwards, "70");
        for name in [
            HeaderName::Route,
            HeaderName::To,
            HeaderName::From,
            HeaderName::CallId,
        ] {
            for v in h.get_all(name) {
                b = b.header(name, v);
            }
        }
        let cseq = invite.cseq().map(|c| c.seq).unwrap_or(1);
        b = b.header(HeaderName::CSeq, format!("{cseq} CANCEL"));
        let Ok(cancel) = b.build() else { return };
        let reliable = self
            .link
            .as_ref()
            .is_some_and(|l| l.server.transport.is_reliable());
        if let Ok(tx) = self.transactions.send_request(cancel, reliable, now) {
            self.owners.insert(tx, Owner::Cancel(id));
        }
    }

    /// Ends call `id` (JsSIP `terminate()`): CANCEL before an answer (as soon as a provisional
    /// response allows it), BYE after; an incoming call not yet answered is rejected with 480.
    pub fn terminate(&mut self, now: Instant, id: SessionId) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        match call.phase {
            Phase::Calling => {
                call.cancel = true;
                if call.provisional && !call.cancel_sent {
                    self.send_cancel(id, now);
                }
            }
            Phase::Ringing => self.reject(now, id, StatusCode::TEMPORARILY_UNAVAILABLE),
            Phase::Answered | Phase::Confirmed => {
                if let Some(bye) = call.dialog.as_mut().map(|d| d.next_request(Method::Bye)) {
                    call.retransmit_at = None;
                    call.ack_deadline = None;
                    self.send(bye, Owner::Bye(id), now);
                }
                self.call_ended(id, Cause::Bye, Originator::Local);
            }
            Phase::Terminated => {}
        }
        self.pump(now);
    }

    /// Call `id` ended on a timer or a transport failure of its INVITE.
    pub(super) fn invite_failed(&mut self, id: SessionId, cause: Cause) {
        let cancel = self.calls.get(&id).is_some_and(|c| c.cancel);
        if cancel {
            self.call_failed(id, Cause::Canceled, Originator::Local, None);
        } else {
            self.call_failed(id, cause, Originator::System, None);
        }
    }

    pub(super) fn session_transaction_ended(&mut self, id: SessionId) {
        self.reap_call(id);
    }

    /// Runs call timers: 2xx retransmission, ACK wait, no answer.
    pub(super) fn call_timeouts(&mut self, now: Instant) {
        let due: Vec<SessionId> = self
            .calls
            .iter()
            .filter(|(_, c)| c.poll_timeout().is_some_and(|t| t <= now))
            .map(|(id, _)| *id)
            .collect();
        let t2 = self.transactions.config().t2;
        for id in due {
            let Some(call) = self.calls.get_mut(&id) else {
                continue;
            };
            if call.cancel_deadline.is_some_and(|t| t <= now) {
                // RFC 3261 §9.1: no final response 64·T1 after our CANCEL: the INVITE
                // transaction is given up and the call ends.
                call.cancel_deadline = None;
                if let Some(tx) = call.invite_tx {
                    let _ = self.transactions.abandon(tx);
                }
                self.call_failed(id, Cause::Canceled, Originator::Local, None);
                continue;
            }
            if call.no_answer_at.is_some_and(|t| t <= now) {
                call.no_answer_at = None;
                // JsSIP answers an unanswered call 408 after no_answer_timeout.
                self.final_response(id, StatusCode::REQUEST_TIMEOUT, now);
                self.call_failed(id, Cause::NoAnswer, Originator::Local, None);
                continue;
            }
            if call.ack_deadline.is_some_and(|t| t <= now) {
                // RFC 3261 §13.3.1.4: no ACK within 64·T1: end the session with a BYE.
                call.ack_deadline = None;
                call.retransmit_at = None;
                if let Some(bye) = call.dialog.as_mut().map(|d| d.next_request(Method::Bye)) {
                    self.send(bye, Owner::Bye(id), now);
                }
                self.call_ended(id, Cause::NoAck, Originator::System);
                continue;
            }
            if call.retransmit_at.is_some_and(|t| t <= now) {
                // §13.3.1.4: the 2xx again, at T1 doubling up to T2.
                call.retransmit_every = (call.retransmit_every * 2).min(t2);
                call.retransmit_at = Some(now + call.retransmit_every);
                if let Some(ok) = call.ok_bytes.clone() {
                    self.transmit(ok);
                }
            }
        }
    }

    pub(super) fn calls_poll_timeout(&self) -> Option<Instant> {
        self.calls.values().filter_map(Call::poll_timeout).min()
    }
}

fn call_is_live<R: Rng>(ua: &Ua<R>, id: SessionId) -> bool {
    ua.calls.get(&id).is_some_and(|c| c.phase != Phase::Terminated)
}
