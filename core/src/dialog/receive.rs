//! Requests and responses arriving inside a dialog (RFC 3261 §12.2.1.2, §12.2.2; RFC 3311).

use super::{is_target_refresh, optional_contact, Dialog, DialogError, DialogRole, DialogState};
use crate::message::{Method, Request, Response};

impl Dialog {
    /// True when `call_id` is ours, `local` (the tag on our side of the message) is our tag
    /// and `remote` the peer's; a missing tag matches an empty (RFC 2543) tag.
    pub(super) fn tags_match(
        &self,
        call_id: Option<&str>,
        local: Option<&[u8]>,
        remote: Option<&[u8]>,
    ) -> bool {
        call_id == Some(self.id.call_id.as_str())
            && local.unwrap_or_default() == self.id.local_tag.as_bytes()
            && remote.unwrap_or_default() == self.id.remote_tag.as_bytes()
    }

    /// True when a request we received belongs to this dialog (RFC 3261 §12.2.2): same
    /// Call-ID, its To tag is our tag and its From tag the peer's (local and remote reversed
    /// from the sender's view, RFC 7118 §8.2 F9).
    pub fn matches_request(&self, request: &Request) -> bool {
        request.to_tag().is_some() && self.tags_match(request.call_id(), request.to_tag(), request.from_tag())
    }

    /// True when a response to a request we sent belongs to this dialog: same Call-ID, its
    /// From tag is ours and its To tag the peer's (RFC 3261 §12.1.2, §12.2.1.2).
    pub fn matches_response(&self, response: &Response) -> bool {
        self.tags_match(response.call_id(), response.from_tag(), response.to_tag())
    }

    /// Checks and records a request received in the dialog (RFC 3261 §12.2.2). A CSeq at or
    /// below the remote sequence number is [`DialogError::OutOfOrder`] (the UA answers 500);
    /// otherwise it becomes the remote sequence number. ACK and CANCEL reuse the number of
    /// the request they refer to and are not counted. A target refresh (INVITE, UPDATE)
    /// replaces the remote target with its Contact when it has one (§12.2.2, RFC 3311 §5.2).
    /// Nothing changes when an error is returned.
    pub fn receive_request(&mut self, request: &Request) -> Result<(), DialogError> {
        if !self.matches_request(request) {
            return Err(DialogError::WrongDialog);
        }
        if self.state == DialogState::Terminated {
            // RFC 3261 §12.2.2: the UA answers 481.
            return Err(DialogError::Terminated);
        }
        let method = request.method();
        if matches!(method, Method::Ack | Method::Cancel) {
            return Ok(());
        }
        let seq = request.cseq().ok_or(DialogError::BadHeader("CSeq"))?.seq;
        if let Some(remote) = self.remote_seq {
            // RFC 3261 §12.2.2: lower is out of order (500); an equal number on a new
            // request breaks §12.2.1.1's increment and is refused the same way.
            if seq <= remote {
                return Err(DialogError::OutOfOrder { seq, remote });
            }
        }
        let target = if is_target_refresh(method) {
            optional_contact(request.headers())?
        } else {
            None
        };
        self.remote_seq = Some(seq);
        if let Some(t) = target {
            self.remote_target = t;
        }
        Ok(())
    }

    /// Learns from a response to a request we sent in the dialog:
    /// - a 2xx to the INVITE of an early UAC dialog confirms it ([`Dialog::confirm`]);
    /// - a 2xx to another target refresh (re-INVITE, UPDATE) replaces the remote target with
    ///   its Contact when it has one (RFC 3261 §12.2.1.2, RFC 3311 §5.1);
    /// - a non-2xx final response to the INVITE of an early dialog ends it (§12.3), and so do
    ///   481 and 408 to any request (§12.2.1.2).
    ///
    /// Nothing changes when an error is returned.
    pub fn receive_response(&mut self, response: &Response) -> Result<(), DialogError> {
        if !self.matches_response(response) {
            return Err(DialogError::WrongDialog);
        }
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        let status = response.status().as_u16();
        let cseq = response.cseq().ok_or(DialogError::BadHeader("CSeq"))?;
        let invite = Method::Invite.matches(cseq.method);
        if matches!(status, 408 | 481) {
            // RFC 3261 §12.2.1.2: the UAC SHOULD terminate the dialog.
            self.state = DialogState::Terminated;
            return Ok(());
        }
        match status {
            200..=299 if invite && self.state == DialogState::Early && self.role == DialogRole::Uac => {
                self.confirm(response)
            }
            200..=299 => {
                let refresh = Method::known(cseq.method).is_some_and(|m| is_target_refresh(&m));
                if refresh {
                    if let Some(t) = optional_contact(response.headers())? {
                        self.remote_target = t;
                    }
                }
                Ok(())
            }
            300..=699 if invite && self.state == DialogState::Early => {
                // RFC 3261 §12.3: the INVITE failed, so its early dialogs end.
                self.state = DialogState::Terminated;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
