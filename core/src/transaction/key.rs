//! Matching messages to transactions (RFC 3261 §17.1.3, §17.2.3, §9.2).

use alloc::vec::Vec;
use bytes::Bytes;

use crate::message::{HeaderName, Method, Request, Response};

/// What identifies a transaction: the key a message is looked up by.
///
/// Client keys are the top Via branch plus the CSeq method (RFC 3261 §17.1.3). Server keys are
/// the branch, the sent-by and the method, with ACK folded into INVITE (§17.2.3); a request
/// whose branch lacks the `z9hG4bK` cookie is keyed the RFC 2543 way instead, on Request-URI,
/// tags, Call-ID, CSeq number and top Via.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransactionKey(Inner);

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Inner {
    Client {
        branch: Bytes,
        method: Bytes,
    },
    Server {
        branch: Bytes,
        sent_by_host: Bytes,
        sent_by_port: Option<u16>,
        method: Bytes,
    },
    ServerRfc2543 {
        request_uri: Bytes,
        to_tag: Option<Bytes>,
        from_tag: Option<Bytes>,
        call_id: Bytes,
        cseq: u32,
        top_via: Bytes,
        method: Bytes,
    },
}

fn copy(b: &[u8]) -> Bytes {
    Bytes::copy_from_slice(b)
}

fn lowercase(b: &[u8]) -> Bytes {
    Bytes::from(b.to_ascii_lowercase())
}

/// The method a server transaction is keyed by: ACK belongs to the INVITE (RFC 3261 §17.2.3).
fn server_method(m: &Method) -> Bytes {
    match m {
        Method::Ack => Bytes::from_static(b"INVITE"),
        m => copy(m.as_str().as_bytes()),
    }
}

impl TransactionKey {
    /// The key of a client transaction sending `req`: its branch and method (RFC 3261 §17.1.3).
    /// `None` when the request has no branch to match responses by.
    pub fn client(req: &Request) -> Option<TransactionKey> {
        let branch = req.via_branch().filter(|b| !b.is_empty())?;
        Some(TransactionKey(Inner::Client {
            branch: copy(branch),
            method: copy(req.method().as_str().as_bytes()),
        }))
    }

    /// The client transaction a response belongs to: top Via branch and CSeq method
    /// (RFC 3261 §17.1.3). `None` when either is missing.
    pub fn for_response(resp: &Response) -> Option<TransactionKey> {
        let branch = resp.via_branch().filter(|b| !b.is_empty())?;
        let method = resp.cseq()?.method;
        Some(TransactionKey(Inner::Client {
            branch: copy(branch),
            method: copy(method),
        }))
    }

    /// The server transaction `req` belongs to (RFC 3261 §17.2.3): branch, sent-by and method,
    /// or the RFC 2543 fields when the branch is not an RFC 3261 one. `None` when the request
    /// lacks a top Via, Call-ID or CSeq.
    pub fn server(req: &Request) -> Option<TransactionKey> {
        let via = req.headers().top_via()?.ok()?;
        let method = server_method(req.method());
        if via.is_rfc3261_branch() {
            let branch = via.branch()?;
            return Some(TransactionKey(Inner::Server {
                branch: copy(branch),
                sent_by_host: lowercase(via.host),
                sent_by_port: via.port,
                method,
            }));
        }
        // RFC 3261 §17.2.3: the RFC 2543 way. The top Via compares by transport, sent-by and
        // parameters; the To tag compares as sent (an ACK's is looked up both ways by the layer).
        let mut top_via = Vec::with_capacity(64);
        top_via.extend_from_slice(&via.transport.to_ascii_uppercase());
        top_via.push(b' ');
        top_via.extend_from_slice(&via.host.to_ascii_lowercase());
        if let Some(port) = via.port {
            top_via.push(b':');
            top_via.extend_from_slice(&crate::uri::itoa_u64(u64::from(port)));
        }
        top_via.extend_from_slice(via.params.as_bytes());
        Some(TransactionKey(Inner::ServerRfc2543 {
            request_uri: req.uri().to_bytes(),
            to_tag: req.to_tag().map(copy),
            from_tag: req.from_tag().map(copy),
            call_id: copy(req.call_id()?.as_bytes()),
            cseq: req.cseq()?.seq,
            top_via: Bytes::from(top_via),
            method,
        }))
    }

    /// The same key for another method: the INVITE a CANCEL targets matches every field but
    /// the method (RFC 3261 §9.2).
    pub fn with_method(&self, m: &Method) -> TransactionKey {
        let mut k = self.clone();
        match &mut k.0 {
            Inner::Client { method, .. } => *method = copy(m.as_str().as_bytes()),
            Inner::Server { method, .. } | Inner::ServerRfc2543 { method, .. } => *method = server_method(m),
        }
        k
    }

    /// For an RFC 2543 key, the same key with no To tag: an ACK carries the tag of our
    /// response, which the INVITE that opened a dialog did not have (RFC 3261 §17.2.3).
    /// `None` for other keys or when there was no To tag.
    pub fn without_to_tag(&self) -> Option<TransactionKey> {
        let mut k = self.clone();
        match &mut k.0 {
            Inner::ServerRfc2543 { to_tag, .. } => to_tag.take().map(|_| k),
            _ => None,
        }
    }

    /// True for a key made the RFC 2543 way (no `z9hG4bK` branch).
    pub fn is_rfc2543(&self) -> bool {
        matches!(self.0, Inner::ServerRfc2543 { .. })
    }

    /// True for a client transaction key.
    pub fn is_client(&self) -> bool {
        matches!(self.0, Inner::Client { .. })
    }
}

/// The header a message lacks that a transaction needs, if any (RFC 3261 §8.1.1).
pub(crate) fn missing_header(req: &Request) -> Option<HeaderName> {
    let h = req.headers();
    [
        HeaderName::Via,
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::CSeq,
    ]
    .into_iter()
    .find(|&name| !h.contains(name))
}
