//! Dialogs (RFC 3261 §12): the peer-to-peer relationship an INVITE, SUBSCRIBE or REFER sets
//! up, with its identifier, sequence numbers, route set and remote target.
//!
//! A [`Dialog`] is plain state: it is created from the messages that establish it
//! ([`Dialog::uac`], [`Dialog::uas`]), builds the requests sent inside it
//! ([`Dialog::next_request`], [`Dialog::ack_for_2xx`]) as [`OutgoingRequest`](crate::ua::OutgoingRequest)s the UA completes
//! with Via, Max-Forwards and credentials, and checks and learns from what arrives inside it
//! ([`Dialog::receive_request`], [`Dialog::receive_response`]). One INVITE can create several
//! early dialogs when a proxy forks it; [`EarlyDialogs`] keeps them by remote tag.
//!
//! ```
//! use bytes::Bytes;
//! use sansip_core::dialog::{Dialog, DialogState};
//! use sansip_core::message::{Message, Method};
//! use sansip_core::parse::{parse_message, Framing, Limits};
//!
//! let parse = |wire: &'static [u8]| parse_message(Bytes::from_static(wire), Framing::WebSocket, &Limits::default());
//! let Message::Request(invite) = parse(
//!     b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n\
//!       From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\n\
//!       CSeq: 7 INVITE\r\nContact: <sip:alice@a.invalid;transport=ws>\r\n\r\n",
//! )? else { unreachable!() };
//! let Message::Response(ok) = parse(
//!     b"SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n\
//!       Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
//!       From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n\
//!       Call-ID: c1\r\nCSeq: 7 INVITE\r\nContact: <sip:bob@192.0.2.4>\r\n\r\n",
//! )? else { unreachable!() };
//!
//! let mut dialog = Dialog::uac(&invite, &ok, false)?;
//! assert_eq!(dialog.state(), DialogState::Confirmed);
//! let ack = dialog.ack_for_2xx(7);
//! assert_eq!(ack.uri.as_str(), "sip:bob@192.0.2.4");
//! let bye = dialog.next_request(Method::Bye);
//! assert_eq!((bye.cseq, bye.to.as_str()), (8, "<sip:bob@example.com>;tag=b1"));
//! assert_eq!(bye.headers[0].1, "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod create;
mod early;
mod receive;
mod request;
mod route_set;

pub use early::EarlyDialogs;
pub use route_set::RouteSet;

use alloc::string::String;
use bytes::Bytes;

use crate::header::ContactValue;
use crate::message::{Headers, Method, Request, Response};
use crate::uri::Uri;

/// What identifies a dialog (RFC 3261 §12): the Call-ID and the two tags, from this UA's side.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DialogId {
    /// The Call-ID.
    pub call_id: String,
    /// Our tag: From of the requests we send, To of those we receive.
    pub local_tag: String,
    /// The peer's tag (empty when an RFC 2543 peer sent none, RFC 3261 §12.1.1, §12.1.2).
    pub remote_tag: String,
}

impl DialogId {
    /// The dialog a response to our dialog-creating `request` belongs to (RFC 3261 §12.1.2):
    /// the request's Call-ID and From tag, the response's To tag. `None` without a To tag
    /// (such a response creates no dialog, except a 2xx from an RFC 2543 peer) or without a
    /// Call-ID or From tag. Forked responses differ in the To tag, so this keys them apart.
    pub fn from_response(request: &Request, response: &Response) -> Option<DialogId> {
        Some(DialogId {
            call_id: request.call_id()?.into(),
            local_tag: tag_text(request.from_tag()?)?,
            remote_tag: tag_text(response.to_tag()?)?,
        })
    }

    /// The dialog a request we received claims to be in (RFC 3261 §12.2.2): our tag is its To
    /// tag, the peer's its From tag. `None` when it has no To tag (it is not in a dialog).
    pub fn from_request(request: &Request) -> Option<DialogId> {
        Some(DialogId {
            call_id: request.call_id()?.into(),
            local_tag: tag_text(request.to_tag()?)?,
            remote_tag: match request.from_tag() {
                Some(t) => tag_text(t)?,
                None => String::new(),
            },
        })
    }
}

/// Where a dialog is in its life (RFC 3261 §12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogState {
    /// Created by a provisional response (RFC 3261 §12.1).
    Early,
    /// Created or confirmed by a 2xx (RFC 3261 §12.1).
    Confirmed,
    /// Ended: a BYE, a non-2xx final response for an early dialog, a 481 or 408 (§12.3).
    Terminated,
}

/// Which side of the dialog-creating request this UA was (RFC 3261 §12.1). RFC 3261 §14.1
/// glare delays depend on it (the UAC owns the Call-ID).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogRole {
    /// We sent the request that created the dialog.
    Uac,
    /// We received it.
    Uas,
}

/// Why a dialog could not be created or a message was refused by it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DialogError {
    /// A header a dialog needs is missing or malformed (Call-ID, From, To, CSeq, Record-Route).
    #[error("missing or malformed {0} header")]
    BadHeader(&'static str),
    /// The message has no Contact (RFC 3261 §12.1.1, §12.1.2 need exactly one).
    #[error("no contact header")]
    MissingContact,
    /// The Contact is malformed or `*`.
    #[error("malformed contact header")]
    MalformedContact,
    /// The Contact holds more than one URI (RFC 3261 §12.1.1, §12.1.2 need exactly one).
    #[error("more than one contact uri")]
    MultipleContacts,
    /// Only 101–299 responses create dialogs (RFC 3261 §12.1).
    #[error("status {0} does not create a dialog")]
    NotDialogCreating(u16),
    /// A provisional response without a To tag creates no dialog (RFC 3261 §12.1).
    #[error("provisional response has no to tag")]
    MissingToTag,
    /// The request already has a To tag, so it is inside a dialog and creates none.
    #[error("request already has a to tag")]
    ToTagPresent,
    /// The message's Call-ID or tags are not this dialog's (RFC 3261 §12.2.2).
    #[error("message does not belong to this dialog")]
    WrongDialog,
    /// The dialog has ended (the UA answers 481, RFC 3261 §12.2.2).
    #[error("dialog is terminated")]
    Terminated,
    /// The CSeq is not above the remote sequence number (the UA answers 500, §12.2.2).
    #[error("cseq {seq} is not above the remote sequence number {remote}")]
    OutOfOrder {
        /// The request's CSeq number.
        seq: u32,
        /// The dialog's remote sequence number.
        remote: u32,
    },
}

/// The state of one dialog (RFC 3261 §12): identifier, sequence numbers, URIs, remote target,
/// route set and secure flag. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct Dialog {
    id: DialogId,
    state: DialogState,
    role: DialogRole,
    local_seq: Option<u32>,
    remote_seq: Option<u32>,
    local_uri: Uri,
    remote_uri: Uri,
    /// The From value of our requests: the local party with our tag.
    local_party: String,
    /// The To value of our requests: the remote party with its tag.
    remote_party: String,
    remote_target: Uri,
    route_set: RouteSet,
    secure: bool,
}

impl Dialog {
    /// The dialog ID.
    pub fn id(&self) -> &DialogId {
        &self.id
    }
    /// Early, confirmed or terminated.
    pub fn state(&self) -> DialogState {
        self.state
    }
    /// Whether we created the dialog as UAC or as UAS.
    pub fn role(&self) -> DialogRole {
        self.role
    }
    /// The CSeq number of the last request we sent in the dialog (`None`: none yet, as UAS).
    pub fn local_seq(&self) -> Option<u32> {
        self.local_seq
    }
    /// The highest CSeq number received from the peer (`None`: nothing received yet, as UAC).
    pub fn remote_seq(&self) -> Option<u32> {
        self.remote_seq
    }
    /// Our URI (From of our requests).
    pub fn local_uri(&self) -> &Uri {
        &self.local_uri
    }
    /// The peer's URI (To of our requests).
    pub fn remote_uri(&self) -> &Uri {
        &self.remote_uri
    }
    /// The From header value our requests carry (with our tag).
    pub fn local_party(&self) -> &str {
        &self.local_party
    }
    /// The To header value our requests carry (with the peer's tag).
    pub fn remote_party(&self) -> &str {
        &self.remote_party
    }
    /// Where requests go: the peer's Contact URI (RFC 3261 §12.1, §12.2).
    pub fn remote_target(&self) -> &Uri {
        &self.remote_target
    }
    /// The route set (RFC 3261 §12.1).
    pub fn route_set(&self) -> &RouteSet {
        &self.route_set
    }
    /// True when the dialog was set up over TLS with a SIPS Request-URI (RFC 3261 §12.1).
    pub fn is_secure(&self) -> bool {
        self.secure
    }
    /// Ends the dialog (a BYE was sent or received, RFC 3261 §15): later requests get
    /// [`DialogError::Terminated`].
    pub fn terminate(&mut self) {
        self.state = DialogState::Terminated;
    }
}

/// True for the methods that refresh the remote target: INVITE (RFC 3261 §12.2) and UPDATE
/// (RFC 3311 §5.1, §5.2).
pub fn is_target_refresh(method: &Method) -> bool {
    matches!(method, Method::Invite | Method::Update)
}

/// A tag as text (tags are tokens, so ASCII).
fn tag_text(tag: &[u8]) -> Option<String> {
    core::str::from_utf8(tag).ok().map(String::from)
}

/// Header text on one line: folds (CRLF + whitespace) keep only their whitespace.
fn unfold(value: &[u8]) -> String {
    let kept: alloc::vec::Vec<u8> = value
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    String::from_utf8_lossy(&kept).into_owned()
}

/// A copy of `uri` with its own small buffer (not the whole message's).
fn owned_uri(uri: &Uri) -> Uri {
    Uri::parse(Bytes::copy_from_slice(uri.as_bytes())).unwrap_or_else(|_| uri.clone())
}

/// The URI of the one Contact a dialog-creating message must carry (RFC 3261 §12.1.1,
/// §12.1.2), or why there is not exactly one.
fn single_contact(headers: &Headers) -> Result<Uri, DialogError> {
    optional_contact(headers)?.ok_or(DialogError::MissingContact)
}

/// The Contact URI of a target refresh (RFC 3261 §12.2.1.2, §12.2.2): `None` when absent.
fn optional_contact(headers: &Headers) -> Result<Option<Uri>, DialogError> {
    let mut all = headers.contact();
    let Some(first) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        return Err(DialogError::MultipleContacts);
    }
    match first {
        Ok(ContactValue::Address(c)) => Ok(Some(owned_uri(c.uri()))),
        _ => Err(DialogError::MalformedContact),
    }
}

#[cfg(test)]
mod create_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wire_tests;
