//! A request as a protocol module (registration, messages, sessions) wants it sent. The UA
//! completes it with what depends on the flow: Via, Max-Forwards, a preloaded Route,
//! credentials, User-Agent.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;

use crate::message::{HeaderName, Method};
use crate::uri::Uri;

/// A request before the transport-dependent headers are added.
#[derive(Clone, Debug)]
pub struct OutgoingRequest {
    /// The method.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// The To header value.
    pub to: String,
    /// The From header value (with its tag).
    pub from: String,
    /// The Call-ID.
    pub call_id: String,
    /// The CSeq number (the method is `method`).
    pub cseq: u32,
    /// Credentials to send, if any: `Authorization` or `Proxy-Authorization` and the value.
    pub credentials: Option<(HeaderName, String)>,
    /// Further headers in order (Contact, Expires, Supported, extra headers...).
    pub headers: Vec<(Cow<'static, str>, String)>,
    /// The body (Content-Type must be among `headers` when it is not empty).
    pub body: Bytes,
    /// True for requests outside a dialog (they get the preloaded Route, JsSIP
    /// `use_preloaded_route`).
    pub initial: bool,
}

impl OutgoingRequest {
    /// Appends a header.
    pub fn header(&mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.headers.push((name.into(), value.into()));
    }
}
