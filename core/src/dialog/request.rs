//! Requests sent inside a dialog (RFC 3261 §12.2.1.1) and the ACK for a 2xx (§13.2.2.4).

use alloc::borrow::Cow;
use alloc::vec::Vec;
use bytes::Bytes;

use super::Dialog;
use crate::message::Method;
use crate::ua::OutgoingRequest;

impl Dialog {
    /// The next request in the dialog (RFC 3261 §12.2.1.1): To and From from the remote and
    /// local URIs with their tags, the Call-ID, Request-URI and Route from the remote target
    /// and route set (loose or strict routing), and CSeq one above the local sequence number,
    /// which it becomes (1 when it was empty; it stops at 2^32 - 1). ACK and CANCEL take no
    /// new number (they keep the current one): use [`Dialog::ack_for_2xx`] for the ACK of a
    /// 2xx, and build a CANCEL from the request it cancels (RFC 3261 §9.1). The session adds
    /// Contact for target refreshes, the body and its headers; the UA adds Via, Max-Forwards
    /// and credentials (`initial` is false, so no preloaded Route).
    pub fn next_request(&mut self, method: Method) -> OutgoingRequest {
        let cseq = match method {
            Method::Ack | Method::Cancel => self.local_seq.unwrap_or(0),
            _ => {
                let next = self.local_seq.map_or(1, |s| s.saturating_add(1));
                self.local_seq = Some(next);
                next
            }
        };
        self.request(method, cseq)
    }

    /// The ACK for a 2xx to the INVITE (or re-INVITE) whose CSeq number is `invite_cseq`
    /// (RFC 3261 §13.2.2.4): built like any request in the dialog, but with the INVITE's CSeq
    /// number and method ACK. The local sequence number does not change. The UA gives it a
    /// new branch (§17.1.1.3: a 2xx ACK is its own transaction); the session copies the
    /// INVITE's credentials into `credentials` (§13.2.2.4 "the same credentials").
    pub fn ack_for_2xx(&self, invite_cseq: u32) -> OutgoingRequest {
        self.request(Method::Ack, invite_cseq)
    }

    fn request(&self, method: Method, cseq: u32) -> OutgoingRequest {
        let (uri, route) = self.route_set.route(&self.remote_target);
        let mut headers = Vec::new();
        if let Some(route) = route {
            headers.push((Cow::Borrowed("Route"), route));
        }
        OutgoingRequest {
            method,
            uri,
            // RFC 3261 §12.2.1.1: To = remote URI + remote tag, From = local URI + local tag.
            to: self.remote_party.clone(),
            from: self.local_party.clone(),
            call_id: self.id.call_id.clone(),
            cseq,
            credentials: None,
            headers,
            body: Bytes::new(),
            initial: false,
        }
    }
}
