//! The state of one call: where it stands (`Phase`), its dialogs and the INVITE it rests
//! on, its 2xx retransmission and no-answer timers, and the accessors the call logic in
//! `call.rs` and the rest of `ua` use.

use alloc::string::String;
use bytes::Bytes;

use super::{OutgoingRequest, SessionId};
use crate::dialog::{Dialog, EarlyDialogs};
use crate::message::Request;
use crate::time::{Duration, Instant};
use crate::transaction::TxId;

/// Where a call stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    /// Outgoing: INVITE sent, no final response yet.
    Calling,
    /// Incoming: ringing, waiting for the application.
    Ringing,
    /// Incoming: answered with a 2xx, waiting for the ACK.
    Answered,
    /// Both sides agree the session is up.
    Confirmed,
    /// Over (kept until its last transaction ends).
    Terminated,
}

/// One call.
#[derive(Debug)]
pub(super) struct Call {
    pub(super) phase: Phase,
    /// We sent the INVITE (so we own the Call-ID, RFC 3261 §14.1).
    pub(super) placed_by_us: bool,
    /// A 2xx of ours waits for its ACK.
    awaiting_ack: bool,
    /// Media negotiation and in-dialog work (hold, DTMF).
    pub(super) media: super::in_dialog::Media,
    /// The session timer (RFC 4028).
    pub(super) timer: super::session_timer::SessionTimer,
    /// Reliable provisional responses (RFC 3262).
    pub(super) rel100: super::prack::Rel100,
    /// A REFER waiting for the application's decision.
    pub(super) refer: Option<super::refer::PendingRefer>,
    /// Incoming: the call this one replaces (RFC 3891).
    pub(super) replaces: Option<SessionId>,
    /// Outgoing: the INVITE as last sent (for CANCEL and the dialog); incoming: as received.
    pub(super) invite: Option<Request>,
    /// Outgoing: the INVITE before transport headers, to resend with credentials.
    pub(super) template: Option<OutgoingRequest>,
    pub(super) invite_tx: Option<TxId>,
    pub(super) early: EarlyDialogs,
    pub(super) dialog: Option<Dialog>,
    /// Outgoing: a provisional response arrived, so CANCEL may be sent (RFC 3261 §9.1).
    pub(super) provisional: bool,
    /// Outgoing: the application hung up before the final response.
    pub(super) cancel: bool,
    pub(super) cancel_sent: bool,
    pub(super) answered_challenge: bool,
    /// The ACK for the 2xx, re-sent for each retransmitted 2xx (RFC 3261 §13.2.2.4).
    pub(super) ack: Option<Bytes>,
    /// Incoming: our tag, the 2xx bytes and their retransmission schedule (§13.3.1.4).
    local_tag: String,
    pub(super) ok_bytes: Option<Bytes>,
    pub(super) retransmit_at: Option<Instant>,
    pub(super) retransmit_every: Duration,
    pub(super) ack_deadline: Option<Instant>,
    pub(super) no_answer_at: Option<Instant>,
    /// Our CANCEL went out: if no final response comes within 64·T1, give up (RFC 3261 §9.1).
    pub(super) cancel_deadline: Option<Instant>,
}

impl Call {
    pub(super) fn new(phase: Phase, local_tag: String) -> Self {
        Call {
            phase,
            placed_by_us: false,
            awaiting_ack: false,
            media: super::in_dialog::Media::default(),
            timer: super::session_timer::SessionTimer::default(),
            rel100: super::prack::Rel100::default(),
            refer: None,
            replaces: None,
            invite: None,
            template: None,
            invite_tx: None,
            early: EarlyDialogs::new(),
            dialog: None,
            provisional: false,
            cancel: false,
            cancel_sent: false,
            answered_challenge: false,
            ack: None,
            local_tag,
            ok_bytes: None,
            retransmit_at: None,
            retransmit_every: Duration::from_millis(500),
            ack_deadline: None,
            no_answer_at: None,
            cancel_deadline: None,
        }
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        [
            self.retransmit_at,
            self.ack_deadline,
            self.no_answer_at,
            self.media.retry_at.map(|(t, _)| t),
            self.media.dtmf_at,
            self.timer.refresh_at,
            self.timer.expire_at,
            self.rel100.poll_timeout(),
            self.cancel_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

impl Call {
    pub(super) fn incoming(local_tag: String, invite: Request, tx: TxId, dialog: Dialog) -> Self {
        let mut c = Call::new(Phase::Ringing, local_tag);
        c.invite = Some(invite);
        c.invite_tx = Some(tx);
        c.dialog = Some(dialog);
        c
    }
    pub(super) fn is_ringing(&self) -> bool {
        self.phase == Phase::Ringing
    }
    pub(super) fn is_answered(&self) -> bool {
        self.phase == Phase::Answered
    }
    pub(super) fn confirm(&mut self) {
        // A call that ended stays ended (an ACK may cross our BYE).
        if self.phase != Phase::Terminated {
            self.phase = Phase::Confirmed;
        }
        self.awaiting_ack = false;
        self.retransmit_at = None;
        self.ack_deadline = None;
    }
    /// A finished call waits for nothing any more.
    pub(super) fn clear_timers(&mut self) {
        self.retransmit_at = None;
        self.ack_deadline = None;
        self.no_answer_at = None;
        self.media.retry_at = None;
        self.media.dtmf_at = None;
        self.timer.stop();
        self.rel100.stop();
        self.cancel_deadline = None;
        // Queued tones die with the call.
        self.media.dtmf.clear();
    }
    /// True once the call ended (it may still wait for its last transactions).
    pub(super) fn is_terminated(&self) -> bool {
        self.phase == Phase::Terminated
    }
    /// A BYE crossed our 2xx: stop repeating it, whatever the phase.
    pub(super) fn stop_retransmitting(&mut self) {
        self.awaiting_ack = false;
        self.retransmit_at = None;
        self.ack_deadline = None;
    }
    pub(super) fn is_confirmed(&self) -> bool {
        self.phase == Phase::Confirmed
    }
    pub(super) fn placed_by_us(&self) -> bool {
        self.placed_by_us
    }
    pub(super) fn awaiting_ack(&self) -> bool {
        self.awaiting_ack
    }
    /// A 2xx of ours (to a re-INVITE) is repeated until its ACK (RFC 3261 §13.3.1.4).
    pub(super) fn await_ack(&mut self, ok: Bytes, reliable: bool, now: Instant, t1: Duration) {
        self.awaiting_ack = true;
        self.ok_bytes = Some(ok);
        self.retransmit_every = t1;
        self.retransmit_at = (!reliable).then(|| now + t1);
        self.ack_deadline = Some(now + t1 * 64);
    }
    pub(super) fn mark_answered(&mut self, ok: Bytes, reliable: bool, now: Instant, t1: Duration) {
        // A final response ends the reliable provisional's retransmissions (RFC 3262 §3).
        self.rel100.stop();
        self.phase = Phase::Answered;
        self.no_answer_at = None;
        self.await_ack(ok, reliable, now, t1);
    }
    pub(super) fn stop_ringing(&mut self) {
        self.no_answer_at = None;
    }
    pub(super) fn ring_until(&mut self, at: Instant) {
        self.no_answer_at = Some(at);
    }
    pub(super) fn local_tag(&self) -> &str {
        &self.local_tag
    }
    pub(super) fn invite(&self) -> Option<&Request> {
        self.invite.as_ref()
    }
    pub(super) fn invite_tx(&self) -> Option<TxId> {
        self.invite_tx
    }
    pub(super) fn dialog_mut(&mut self) -> Option<&mut Dialog> {
        self.dialog.as_mut()
    }
    pub(super) fn early_dialog_mut(&mut self, remote_tag: &str) -> Option<&mut Dialog> {
        self.early.get_mut(remote_tag)
    }
    pub(super) fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }
}
