//! Call transfer (RFC 3515 REFER, RFC 3891 Replaces, RFC 3892 Referred-By): sending REFER
//! (blind, or attended with Replaces), the NOTIFYs that report its progress, and the
//! transferee's side: the Refer event, accept/reject, and the NOTIFYs it sends back.

use super::contact_value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;
use rand_core::Rng;

use super::in_dialog::CallCommandError;
use super::{normalize_target, Event, Owner, SessionId, Ua};
use crate::message::{HeaderName, Method, Request, StatusCode};
use crate::time::Instant;
use crate::transaction::TxId;
use crate::uri::{escape, Uri};

/// A REFER we received and have not answered yet.
#[derive(Debug, Clone)]
pub(super) struct PendingRefer {
    tx: TxId,
    req: Request,
}

/// The `Replaces` value naming `dialog` for the party that will receive it (RFC 3891 §3):
/// its Call-ID, `to-tag` = that party's tag (our remote tag), `from-tag` = ours.
fn replaces_value(call_id: &str, remote_tag: &str, local_tag: &str) -> String {
    format!("{call_id};to-tag={remote_tag};from-tag={local_tag}")
}

/// `status` as a message/sipfrag body (RFC 3515 §2.4.5): the status line only.
fn sipfrag(status: StatusCode) -> String {
    format!("SIP/2.0 {} {}\r\n", status.as_u16(), status.canonical_reason())
}

impl<R: Rng> Ua<R> {
    /// Transfers call `id` (JsSIP `session.refer()`): a REFER whose Refer-To is `target`, or,
    /// with `replaces`, an attended transfer to the peer of call `replaces` (its dialog goes in
    /// the Refer-To's `?Replaces=` header, RFC 3891 §3). Progress comes as `ReferAccepted` /
    /// `ReferFailed` and `ReferNotify` events.
    pub fn refer(
        &mut self,
        now: Instant,
        id: SessionId,
        target: &str,
        replaces: Option<SessionId>,
    ) -> Result<(), CallCommandError> {
        let uri = match replaces {
            None => normalize_target(target, Some(self.config.uri.host()))
                .ok_or(CallCommandError::InvalidTarget)?,
            Some(other) => {
                let call = self
                    .calls
                    .get(&other)
                    .filter(|c| c.is_confirmed())
                    .ok_or(CallCommandError::NotEstablished)?;
                let dialog = call.dialog().ok_or(CallCommandError::NotEstablished)?;
                let d = dialog.id();
                let mut escaped = Vec::new();
                // In a URI header value ';', '=' and '@' must be escaped (RFC 3261 §19.1.1).
                escape(
                    replaces_value(&d.call_id, &d.remote_tag, &d.local_tag).as_bytes(),
                    |b| b.is_ascii_alphanumeric() || b"-_.!~*'()[]/?:+$".contains(&b),
                    &mut escaped,
                );
                let text = format!(
                    "{}?Replaces={}",
                    dialog.remote_target(),
                    String::from_utf8_lossy(&escaped)
                );
                Uri::parse_str(&text).map_err(|_| CallCommandError::InvalidTarget)?
            }
        };
        let aor = self.config.uri.clone();
        let call = self
            .calls
            .get_mut(&id)
            .filter(|c| c.is_confirmed())
            .ok_or(CallCommandError::NotEstablished)?;
        let mut req = call
            .dialog_mut()
            .map(|d| d.next_request(Method::Refer))
            .ok_or(CallCommandError::NotEstablished)?;
        req.header("Refer-To", format!("<{uri}>"));
        req.header("Referred-By", format!("<{aor}>"));
        req.header(
            "Contact",
            contact_value(&self.identity, &self.config, self.link.as_ref()),
        );
        self.send(req, Owner::Refer(id), now);
        self.pump(now);
        Ok(())
    }

    /// The final response to our REFER.
    pub(super) fn refer_response(&mut self, id: SessionId, status: StatusCode) {
        if status.is_success() {
            self.event(Event::ReferAccepted { id });
        } else {
            self.event(Event::ReferFailed {
                id,
                status: Some(status),
            });
        }
    }

    /// A NOTIFY in call `id`: REFER progress as a sipfrag (RFC 3515 §2.4.5), answered 200.
    pub(super) fn incoming_notify(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        let tag = self.local_tag_of(id);
        let is_refer = req
            .headers()
            .event()
            .and_then(Result::ok)
            .is_some_and(|e| e.is("refer"));
        let terminated = req
            .headers()
            .get(HeaderName::SubscriptionState)
            .and_then(|v| v.trim_ascii_start().get(..10))
            .is_some_and(|s| s.eq_ignore_ascii_case(b"terminated"));
        // The first line of the fragment: `SIP/2.0 200 OK`.
        let status = core::str::from_utf8(req.body_bytes())
            .ok()
            .and_then(|b| b.lines().next())
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse::<u16>().ok())
            .and_then(StatusCode::new);
        let reply = if is_refer {
            StatusCode::OK
        } else {
            StatusCode::BAD_EVENT
        };
        self.respond_with(tx, req, reply, &tag, None, now);
        if let (true, Some(status)) = (is_refer, status) {
            self.event(Event::ReferNotify {
                id,
                status,
                terminated,
            });
        }
    }

    /// A REFER in call `id`: reported as [`Event::Refer`]; the application answers with
    /// [`Ua::accept_refer`] or [`Ua::reject_refer`].
    pub(super) fn incoming_refer(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        let tag = self.local_tag_of(id);
        let Some(Ok(refer_to)) = req.headers().refer_to() else {
            // RFC 3515 §2.4.1: exactly one Refer-To.
            self.respond_with(tx, req, StatusCode::BAD_REQUEST, &tag, None, now);
            return;
        };
        let uri = refer_to.uri();
        let replaces = uri.headers().any(|(n, _)| n.eq_ignore_ascii_case(b"replaces"));
        let event = Event::Refer {
            id,
            target: String::from(uri.as_str()),
            replaces,
        };
        if let Some(call) = self.calls.get_mut(&id) {
            call.refer = Some(PendingRefer { tx, req: req.clone() });
        }
        self.event(event);
    }

    /// Accepts the REFER pending on call `id`: 202 Accepted, then a NOTIFY with
    /// `SIP/2.0 100 Trying` (RFC 3515 §2.4.2). The application places the new call itself and
    /// reports its outcome with [`Ua::notify_refer`].
    pub fn accept_refer(&mut self, now: Instant, id: SessionId) {
        let Some(p) = self.calls.get_mut(&id).and_then(|c| c.refer.take()) else {
            return;
        };
        let tag = self.local_tag_of(id);
        self.respond_with(p.tx, &p.req, StatusCode::ACCEPTED, &tag, None, now);
        self.notify_refer(now, id, StatusCode::TRYING);
    }

    /// Refuses the REFER pending on call `id` with 603 Decline.
    pub fn reject_refer(&mut self, now: Instant, id: SessionId) {
        let Some(p) = self.calls.get_mut(&id).and_then(|c| c.refer.take()) else {
            return;
        };
        let tag = self.local_tag_of(id);
        self.respond_with(p.tx, &p.req, StatusCode::DECLINE, &tag, None, now);
        self.pump(now);
    }

    /// Reports the progress of an accepted REFER to the transferor: a NOTIFY with the status
    /// of the new call as a sipfrag; a final status ends the implicit subscription
    /// (RFC 3515 §2.4.5).
    pub fn notify_refer(&mut self, now: Instant, id: SessionId, status: StatusCode) {
        let Some(call) = self.calls.get_mut(&id).filter(|c| c.is_confirmed()) else {
            return;
        };
        let Some(mut notify) = call.dialog_mut().map(|d| d.next_request(Method::Notify)) else {
            return;
        };
        notify.header("Event", "refer");
        // RFC 6665 §4.2.2: NOTIFY carries Contact.
        notify.header(
            "Contact",
            contact_value(&self.identity, &self.config, self.link.as_ref()),
        );
        let state = if status.is_final() {
            "terminated;reason=noresource"
        } else {
            "active;expires=60"
        };
        notify.header("Subscription-State", state);
        notify.header("Content-Type", "message/sipfrag;version=2.0");
        notify.body = Bytes::from(sipfrag(status));
        self.send(notify, Owner::Notify(id), now);
        self.pump(now);
    }
}
