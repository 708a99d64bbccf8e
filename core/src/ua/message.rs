//! Instant messages (RFC 3428): sending MESSAGE with a digest retry, receiving it.

use alloc::format;
use alloc::string::String;
use bytes::Bytes;
use rand_core::Rng;

use super::{normalize_target, Event, OutgoingRequest, Owner, Ua, UaError};
use crate::cause::Cause;
use crate::header::NameAddr;
use crate::message::{Method, Response, StatusCode};
use crate::registration::random_token;
use crate::time::Instant;

/// Identifies a MESSAGE sent with [`Ua::send_message`] in its result event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub u64);

/// An outgoing MESSAGE waiting for its final response.
#[derive(Debug)]
pub(super) struct PendingMessage {
    request: OutgoingRequest,
    /// Challenges answered so far: one per MESSAGE, so a wrong password ends in a failure.
    answered: u8,
}

impl<R: Rng> Ua<R> {
    /// Sends a MESSAGE (RFC 3428) to `target` (a SIP URI, `user@domain` or a bare user or number
    /// at our domain, as JsSIP's `sendMessage` takes it). The result comes as
    /// [`Event::MessageSucceeded`] or [`Event::MessageFailed`] with the returned id.
    pub fn send_message(
        &mut self,
        now: Instant,
        target: &str,
        body: impl Into<Bytes>,
        content_type: &str,
    ) -> Result<MessageId, UaError> {
        if content_type.contains(['\r', '\n']) || content_type.is_empty() {
            return Err(UaError::InvalidContentType);
        }
        self.out_of_dialog(now, Method::Message, target, body.into(), Some(content_type))
    }

    /// Sends OPTIONS (RFC 3261 §11) to `target`, e.g. to learn what it supports or as an
    /// application-level keep-alive. The result comes as for a MESSAGE:
    /// [`Event::MessageSucceeded`] on a 2xx, [`Event::MessageFailed`] otherwise.
    pub fn send_options(&mut self, now: Instant, target: &str) -> Result<MessageId, UaError> {
        self.out_of_dialog(now, Method::Options, target, Bytes::new(), None)
    }

    /// A request outside any dialog with a digest retry: MESSAGE or OPTIONS.
    fn out_of_dialog(
        &mut self,
        now: Instant,
        method: Method,
        target: &str,
        body: Bytes,
        content_type: Option<&str>,
    ) -> Result<MessageId, UaError> {
        let uri = normalize_target(target, Some(self.config.uri.host())).ok_or(UaError::InvalidTarget)?;
        self.next_message += 1;
        let id = MessageId(self.next_message);
        let mut request = OutgoingRequest {
            method,
            to: NameAddr::format(None, &uri),
            uri,
            from: format!(
                "{};tag={}",
                NameAddr::format(self.config.display_name.as_deref(), &self.config.uri),
                random_token(&mut self.rng, 10)
            ),
            call_id: random_token(&mut self.rng, 22),
            cseq: 1,
            credentials: None,
            headers: alloc::vec::Vec::new(),
            body,
            initial: true,
        };
        if let Some(ct) = content_type {
            request.header("Content-Type", String::from(ct));
        }
        self.messages.insert(
            id,
            PendingMessage {
                request: request.clone(),
                answered: 0,
            },
        );
        self.send(request, Owner::Message(id), now);
        self.pump(now);
        Ok(id)
    }

    /// The final response to MESSAGE `id`: success, a digest retry, or failure.
    pub(super) fn message_response(&mut self, id: MessageId, resp: &Response, now: Instant) {
        let Some(mut pending) = self.messages.remove(&id) else {
            return;
        };
        let status = resp.status();
        if status.is_success() {
            self.event(Event::MessageSucceeded { id, status });
            return;
        }
        // RFC 3261 §22.2: one answer to a digest challenge, same Call-ID and tags, CSeq + 1.
        if matches!(status.as_u16(), 401 | 407)
            && pending.answered == 0
            && self.answer_challenge(&mut pending.request, resp)
        {
            pending.answered += 1;
            let request = pending.request.clone();
            self.messages.insert(id, pending);
            self.send(request, Owner::Message(id), now);
            return;
        }
        self.event(Event::MessageFailed {
            id,
            cause: Cause::from_status(status),
            status: Some(status),
        });
    }

    /// MESSAGE `id` got no response (Timer F, transport error, no connection).
    pub(super) fn message_failed(&mut self, id: MessageId, cause: Cause) {
        if self.messages.remove(&id).is_some() {
            self.event(Event::MessageFailed {
                id,
                cause,
                status: None,
            });
        }
    }
}

/// `StatusCode` of a MESSAGE accepted by us (RFC 3428 §7: 200 OK).
pub(super) const MESSAGE_ACCEPTED: StatusCode = StatusCode::OK;
