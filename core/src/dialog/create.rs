//! Creating dialogs (RFC 3261 §12.1) and confirming early ones (§13.2.2.4).

use alloc::string::String;

use super::{
    owned_uri, single_contact, tag_text, unfold, Dialog, DialogError, DialogId, DialogRole, DialogState,
    RouteSet,
};
use crate::header::NameAddr;
use crate::message::{HeaderName, Request, Response};
use crate::uri::Scheme;

impl Dialog {
    /// The dialog our `request` (INVITE, SUBSCRIBE, REFER, as sent) and a `response` to it (a
    /// 101–199 with a To tag: early; a 2xx: confirmed) create (RFC 3261 §12.1.2). `over_tls`:
    /// the request went over TLS (the dialog is secure when its Request-URI is also SIPS).
    pub fn uac(request: &Request, response: &Response, over_tls: bool) -> Result<Dialog, DialogError> {
        let status = response.status().as_u16();
        // RFC 3261 §12.1: only 101-199 with a To tag and 2xx create dialogs.
        if !(101..=299).contains(&status) {
            return Err(DialogError::NotDialogCreating(status));
        }
        let rh = request.headers();
        let call_id = request.call_id().ok_or(DialogError::BadHeader("Call-ID"))?;
        let from = party(rh.from(), "From")?;
        let to = party(rh.to(), "To")?;
        let local_tag = from
            .tag()
            .and_then(tag_text)
            .ok_or(DialogError::BadHeader("From"))?;
        // RFC 3261 §12.1.2: a 2xx without a To tag (RFC 2543) has a null remote tag.
        let remote_tag = match response.to_tag() {
            Some(t) => tag_text(t).ok_or(DialogError::BadHeader("To"))?,
            None if status >= 200 => String::new(),
            None => return Err(DialogError::MissingToTag),
        };
        let local_seq = request.cseq().ok_or(DialogError::BadHeader("CSeq"))?.seq;
        // RFC 3261 §12.1.2: the remote target is the response's Contact, the route set its
        // Record-Route reversed.
        let remote_target = single_contact(response.headers())?;
        let route_set = RouteSet::from_response(response)?;
        let mut remote_party = unfold(rh.get(HeaderName::To).unwrap_or_default());
        if !remote_tag.is_empty() {
            remote_party.push_str(";tag=");
            remote_party.push_str(&remote_tag);
        }
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.into(),
                local_tag,
                remote_tag,
            },
            state: if status >= 200 {
                DialogState::Confirmed
            } else {
                DialogState::Early
            },
            role: DialogRole::Uac,
            // RFC 3261 §12.1.2: local seq = the request's CSeq; remote seq empty.
            local_seq: Some(local_seq),
            remote_seq: None,
            local_uri: owned_uri(from.uri()),
            remote_uri: owned_uri(to.uri()),
            local_party: unfold(rh.get(HeaderName::From).unwrap_or_default()),
            remote_party,
            remote_target,
            route_set,
            // RFC 3261 §12.1.2: secure when sent over TLS to a SIPS Request-URI.
            secure: over_tls && request.uri().scheme() == Scheme::Sips,
        })
    }

    /// The dialog a received `request` (INVITE, SUBSCRIBE, REFER) creates when we answer it
    /// with a 1xx or 2xx carrying `local_tag` in To (RFC 3261 §12.1.1). It starts early;
    /// [`Dialog::confirm`] with our 2xx confirms it. `over_tls`: the request arrived over TLS.
    /// The local sequence number is empty: the first request we send has CSeq 1 unless
    /// [`Dialog::with_local_seq`] picks another start.
    pub fn uas(request: &Request, local_tag: &str, over_tls: bool) -> Result<Dialog, DialogError> {
        let rh = request.headers();
        let call_id = request.call_id().ok_or(DialogError::BadHeader("Call-ID"))?;
        let from = party(rh.from(), "From")?;
        let to = party(rh.to(), "To")?;
        if to.tag().is_some() {
            return Err(DialogError::ToTagPresent);
        }
        // RFC 3261 §12.1.1: a From without a tag (RFC 2543) gives a null remote tag.
        let remote_tag = match from.tag() {
            Some(t) => tag_text(t).ok_or(DialogError::BadHeader("From"))?,
            None => String::new(),
        };
        let remote_seq = request.cseq().ok_or(DialogError::BadHeader("CSeq"))?.seq;
        // RFC 3261 §12.1.1: the remote target is the request's Contact, the route set its
        // Record-Route in order.
        let remote_target = single_contact(rh)?;
        let route_set = RouteSet::from_request(request)?;
        let mut local_party = unfold(rh.get(HeaderName::To).unwrap_or_default());
        local_party.push_str(";tag=");
        local_party.push_str(local_tag);
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.into(),
                local_tag: local_tag.into(),
                remote_tag,
            },
            state: DialogState::Early,
            role: DialogRole::Uas,
            // RFC 3261 §12.1.1: remote seq = the request's CSeq; local seq empty.
            local_seq: None,
            remote_seq: Some(remote_seq),
            local_uri: owned_uri(to.uri()),
            remote_uri: owned_uri(from.uri()),
            local_party,
            remote_party: unfold(rh.get(HeaderName::From).unwrap_or_default()),
            remote_target,
            route_set,
            // RFC 3261 §12.1.1: secure when received over TLS with a SIPS Request-URI.
            secure: over_tls && request.uri().scheme() == Scheme::Sips,
        })
    }

    /// Sets the local sequence number, so the next request has CSeq `seq + 1`. For a UAS
    /// dialog, whose local sequence number starts empty (RFC 3261 §12.2.1.1 lets the UA pick
    /// the first value; JsSIP picks a random one below 10000).
    pub fn with_local_seq(mut self, seq: u32) -> Dialog {
        self.local_seq = Some(seq);
        self
    }

    /// Confirms an early dialog with the 2xx to the INVITE that created it: received (UAC) or
    /// sent (UAS). For a UAC the route set is recomputed from the 2xx's Record-Route and the
    /// remote target taken from its Contact (RFC 3261 §13.2.2.4, §12.2.1.2); a UAS's route
    /// set and target stay those of the request (§12.1.1).
    pub fn confirm(&mut self, response: &Response) -> Result<(), DialogError> {
        let status = response.status().as_u16();
        if !(200..=299).contains(&status) {
            return Err(DialogError::NotDialogCreating(status));
        }
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        let ours = match self.role {
            DialogRole::Uac => self.matches_response(response),
            // The 2xx a UAS sends carries our tag in To and the peer's in From.
            DialogRole::Uas => self.tags_match(response.call_id(), response.to_tag(), response.from_tag()),
        };
        if !ours {
            return Err(DialogError::WrongDialog);
        }
        if self.role == DialogRole::Uac {
            // Check both before changing either.
            let route_set = RouteSet::from_response(response)?;
            let remote_target = single_contact(response.headers())?;
            self.route_set = route_set;
            self.remote_target = remote_target;
        }
        self.state = DialogState::Confirmed;
        Ok(())
    }
}

/// A From or To header of a dialog-creating request, parsed.
fn party(
    header: Option<Result<NameAddr, crate::header::HeaderError>>,
    name: &'static str,
) -> Result<NameAddr, DialogError> {
    header.and_then(Result::ok).ok_or(DialogError::BadHeader(name))
}
