//! Reliable provisional responses (RFC 3262): PRACK for the ones we receive, and sending our
//! own 180/183 reliably when the caller supports or requires `100rel`. Also `progress()`:
//! a 183 with early media (JsSIP has no way to send one).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;
use rand_core::Rng;

use super::incoming_call::Reply;
use super::{Owner, SessionId, Ua};
use crate::message::{HeaderName, Method, Request, Response, StatusCode};
use crate::time::{Duration, Instant};
use crate::transaction::TxId;

/// Our reliable provisional response waiting for its PRACK (RFC 3262 §3).
#[derive(Debug, Clone)]
pub(super) struct Reliable1xx {
    bytes: Bytes,
    rseq: u32,
    retransmit_at: Instant,
    every: Duration,
    give_up_at: Instant,
}

/// What a call knows about 100rel.
#[derive(Debug, Default, Clone)]
pub(super) struct Rel100 {
    /// UAS: the caller supports or requires 100rel, so our provisionals are reliable.
    pub(super) peer_supports: bool,
    /// UAS: the last RSeq we used.
    next_rseq: u32,
    /// UAS: the provisional waiting for its PRACK.
    pending: Option<Reliable1xx>,
    /// UAS: the RSeq of a provisional no longer retransmitted (a final response went out)
    /// but never acknowledged: its PRACK may still be on the way.
    unacked_rseq: Option<u32>,
    /// UAC: (remote tag, RSeq) already acknowledged, so retransmissions are not PRACKed twice.
    acked: Vec<(String, u32)>,
}

impl Rel100 {
    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.pending.as_ref().map(|p| p.retransmit_at.min(p.give_up_at))
    }
    /// Stops retransmitting; a PRACK for the provisional still gets its 200 (RFC 3262 §3).
    pub(super) fn stop(&mut self) {
        if let Some(p) = self.pending.take() {
            self.unacked_rseq = Some(p.rseq);
        }
    }
}

impl<R: Rng> Ua<R> {
    /// UAC: a provisional response that asks for reliability gets a PRACK in its early dialog
    /// (RFC 3262 §4). Returns false for a retransmission already acknowledged (no Progress).
    pub(super) fn prack_if_reliable(
        &mut self,
        id: SessionId,
        invite: &Request,
        resp: &Response,
        now: Instant,
    ) -> bool {
        if !resp.headers().requires("100rel") {
            return true;
        }
        let (Some(Ok(rseq)), Some(tag)) = (resp.headers().rseq(), resp.to_tag()) else {
            return true;
        };
        let tag = String::from_utf8_lossy(tag).into_owned();
        let Some(call) = self.calls.get_mut(&id) else {
            return false;
        };
        if call.rel100.acked.iter().any(|(t, r)| *t == tag && *r == rseq) {
            return false;
        }
        call.rel100.acked.push((tag.clone(), rseq));
        let cseq = invite.cseq().map(|c| c.seq).unwrap_or(1);
        let Some(mut prack) = call.early_dialog_mut(&tag).map(|d| d.next_request(Method::Prack)) else {
            return true;
        };
        // RFC 3262 §7.2: RAck = response-num CSeq-num Method.
        prack.header("RAck", format!("{rseq} {cseq} INVITE"));
        self.send(prack, Owner::Prack(id), now);
        true
    }

    /// UAS: sends `status` (180 or 183) with an optional SDP, reliably when the caller supports
    /// 100rel (RFC 3262 §3: Require: 100rel and an RSeq, retransmitted until the PRACK).
    pub(super) fn send_provisional(
        &mut self,
        id: SessionId,
        status: StatusCode,
        sdp: Option<&Bytes>,
        now: Instant,
    ) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let (Some(req), Some(tx)) = (call.invite().cloned(), call.invite_tx()) else {
            return;
        };
        let tag = String::from(call.local_tag());
        let reliable = call.rel100.peer_supports && call.rel100.pending.is_none();
        let mut extra = Vec::new();
        if reliable {
            if call.rel100.next_rseq == 0 {
                // RFC 3262 §3: the first RSeq is random in 1..2^31-1.
                call.rel100.next_rseq = 1 + self.rng.next_u32() % 0x7fff_ffff;
            } else {
                call.rel100.next_rseq += 1;
            }
            extra.push((HeaderName::Require, String::from("100rel")));
            extra.push((HeaderName::RSeq, format!("{}", call.rel100.next_rseq)));
        }
        let rseq = call.rel100.next_rseq;
        let Some(bytes) = self.respond_with_headers(
            tx,
            &req,
            Reply {
                status,
                tag: &tag,
                sdp,
                extra: &extra,
            },
            now,
        ) else {
            return;
        };
        if reliable {
            let t1 = self.transactions.config().t1;
            if let Some(call) = self.calls.get_mut(&id) {
                call.rel100.pending = Some(Reliable1xx {
                    bytes,
                    rseq,
                    retransmit_at: now + t1,
                    every: t1,
                    give_up_at: now + t1 * 64,
                });
            }
        }
    }

    /// Sends a 183 Session Progress with `sdp` on incoming call `id`: early media before the
    /// answer (beyond JsSIP, which cannot).
    pub fn progress(&mut self, now: Instant, id: SessionId, sdp: impl Into<Bytes>) {
        let sdp = sdp.into();
        if !self.calls.get(&id).is_some_and(|c| c.is_ringing()) {
            return;
        }
        self.send_provisional(id, StatusCode::SESSION_PROGRESS, Some(&sdp), now);
        if let Some(call) = self.calls.get_mut(&id) {
            call.media.local = crate::sdp::Sdp::parse(sdp).ok();
            // In a reliable 183 the description answers the INVITE's offer (RFC 3262 §5).
            if let (true, Some(local)) = (call.rel100.peer_supports, call.media.local.clone()) {
                if call.media.oa.state() == crate::sdp::OfferAnswerState::RemoteOffer {
                    let _ = call
                        .media
                        .oa
                        .local_answer(local, crate::sdp::Carrier::Reliable1xx);
                }
            }
        }
        self.pump(now);
    }

    /// UAS: a PRACK for our reliable provisional (RFC 3262 §3): 200 when its RAck matches one
    /// not yet acknowledged (also after our final response stopped its retransmissions), 481
    /// otherwise.
    pub(super) fn incoming_prack(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let tag = String::from(call.local_tag());
        let invite_cseq = call.invite().and_then(|i| i.cseq()).map(|c| c.seq);
        let unacked = call
            .rel100
            .pending
            .as_ref()
            .map(|p| p.rseq)
            .or(call.rel100.unacked_rseq);
        let ok = match (req.headers().rack(), unacked) {
            (Some(Ok(rack)), Some(rseq)) => {
                rack.rseq == rseq && Some(rack.cseq) == invite_cseq && rack.method == Method::Invite
            }
            _ => false,
        };
        if ok {
            call.rel100.pending = None;
            call.rel100.unacked_rseq = None;
        }
        let status = if ok {
            StatusCode::OK
        } else {
            StatusCode::CALL_TRANSACTION_DOES_NOT_EXIST
        };
        self.respond_with(tx, req, status, &tag, None, now);
    }

    /// UAS: retransmits reliable provisionals (T1 doubling) and gives up after 64·T1 with a
    /// 5xx (RFC 3262 §3).
    pub(super) fn rel100_timeouts(&mut self, now: Instant) {
        let due: Vec<SessionId> = self
            .calls
            .iter()
            .filter(|(_, c)| c.rel100.poll_timeout().is_some_and(|t| t <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            let Some(call) = self.calls.get_mut(&id) else {
                continue;
            };
            let Some(p) = call.rel100.pending.as_mut() else {
                continue;
            };
            if p.give_up_at <= now {
                call.rel100.pending = None;
                self.final_response(id, StatusCode::SERVER_INTERNAL_ERROR, now);
                self.call_failed(id, crate::cause::Cause::NoAck, super::Originator::System, None);
                continue;
            }
            p.every *= 2;
            p.retransmit_at = now + p.every;
            let bytes = p.bytes.clone();
            self.transmit(bytes);
        }
    }
}
