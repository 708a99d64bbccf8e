//! Building requests and responses.
//!
//! The builder writes wire text and parses it back, so a built message is exactly what a peer
//! would parse, with the same accessors and the same guarantees.

use alloc::vec::Vec;
use bytes::{BufMut, Bytes, BytesMut};

use super::{HeaderName, Message, Method, Request, Response, StatusCode};
use crate::parse::{lex::is_token, parse_message, Framing, Limits, ParseError};
use crate::uri::Uri;

/// Why a message could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A header name is empty or not a token.
    #[error("invalid header name")]
    HeaderName,
    /// A header value holds CR or LF (header injection).
    #[error("header value contains CR or LF")]
    HeaderValue,
    /// The reason phrase holds CR or LF.
    #[error("reason phrase contains CR or LF")]
    Reason,
    /// The built text does not parse as SIP (a required header is malformed, say).
    #[error("built message does not parse: {0}")]
    Parse(ParseError),
}

#[derive(Debug, Clone)]
struct Common {
    head: Vec<u8>,
    body: Bytes,
    error: Option<BuildError>,
}

impl Common {
    fn new() -> Self {
        Common {
            head: Vec::with_capacity(512),
            body: Bytes::new(),
            error: None,
        }
    }

    fn header(&mut self, name: &[u8], value: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
            self.error = Some(BuildError::HeaderName);
            return;
        }
        if value.iter().any(|&b| b == b'\r' || b == b'\n') {
            self.error = Some(BuildError::HeaderValue);
            return;
        }
        // The encoder always writes the one true Content-Length (RFC 3261 §20.14).
        if HeaderName::from_bytes(name) == HeaderName::ContentLength {
            return;
        }
        self.head.extend_from_slice(name);
        self.head.extend_from_slice(b": ");
        self.head.extend_from_slice(value);
        self.head.extend_from_slice(b"\r\n");
    }

    fn finish(self, start_line: &[u8]) -> Result<Message, BuildError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut out = BytesMut::with_capacity(start_line.len() + self.head.len() + 32 + self.body.len());
        out.put_slice(start_line);
        out.put_slice(&self.head);
        out.put_slice(b"Content-Length: ");
        out.put_slice(&crate::uri::itoa_u64(self.body.len() as u64));
        out.put_slice(b"\r\n\r\n");
        out.put_slice(&self.body);
        let limits = Limits {
            max_message_size: usize::MAX,
            ..Limits::default()
        };
        parse_message(out.freeze(), Framing::Stream, &limits).map_err(BuildError::Parse)
    }
}

/// Builds a [`Request`]: `Request::builder(Method::Options, uri).header(...).build()`.
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    method: Method,
    uri: Uri,
    common: Common,
}

impl RequestBuilder {
    /// Starts a request line `METHOD uri SIP/2.0`.
    pub fn new(method: Method, uri: Uri) -> Self {
        RequestBuilder {
            method,
            uri,
            common: Common::new(),
        }
    }
    /// Appends a header line (`Name: value`), using the canonical long name.
    pub fn header(mut self, name: HeaderName, value: impl AsRef<[u8]>) -> Self {
        self.common.header(name.as_str().as_bytes(), value.as_ref());
        self
    }
    /// Appends a header line with any name (an extension header, or a compact form).
    pub fn header_raw(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.common.header(name.as_bytes(), value.as_ref());
        self
    }
    /// Sets the body (Content-Length is written for it; set Content-Type yourself).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.common.body = body.into();
        self
    }
    /// Writes and parses the request.
    pub fn build(self) -> Result<Request, BuildError> {
        let mut line = Vec::with_capacity(self.uri.as_bytes().len() + 24);
        line.extend_from_slice(self.method.as_str().as_bytes());
        line.push(b' ');
        line.extend_from_slice(self.uri.as_bytes());
        line.extend_from_slice(b" SIP/2.0\r\n");
        match self.common.finish(&line)? {
            Message::Request(r) => Ok(r),
            Message::Response(_) => Err(BuildError::HeaderName),
        }
    }
}

/// Builds a [`Response`]: `Response::builder(StatusCode::OK).header(...).build()`.
#[derive(Debug, Clone)]
pub struct ResponseBuilder {
    status: StatusCode,
    reason: Option<Vec<u8>>,
    common: Common,
}

impl ResponseBuilder {
    /// Starts a status line `SIP/2.0 code reason`.
    pub fn new(status: StatusCode) -> Self {
        ResponseBuilder {
            status,
            reason: None,
            common: Common::new(),
        }
    }
    /// Sets the reason phrase (default: the standard one for the code).
    pub fn reason(mut self, reason: impl AsRef<[u8]>) -> Self {
        let r = reason.as_ref();
        if r.iter().any(|&b| b == b'\r' || b == b'\n') {
            self.common.error = Some(BuildError::Reason);
        }
        self.reason = Some(r.to_vec());
        self
    }
    /// Appends a header line (`Name: value`), using the canonical long name.
    pub fn header(mut self, name: HeaderName, value: impl AsRef<[u8]>) -> Self {
        self.common.header(name.as_str().as_bytes(), value.as_ref());
        self
    }
    /// Appends a header line with any name.
    pub fn header_raw(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.common.header(name.as_bytes(), value.as_ref());
        self
    }
    /// Copies the headers a response must echo from its request: every Via, From, To,
    /// Call-ID and CSeq, in order (RFC 3261 §8.2.6.2). The To tag is the caller's to add
    /// (use [`ResponseBuilder::to_tag`]).
    pub fn echo(mut self, req: &Request) -> Self {
        for h in req.headers().iter() {
            if matches!(
                h.name,
                HeaderName::Via | HeaderName::From | HeaderName::To | HeaderName::CallId | HeaderName::CSeq
            ) {
                self.common.header(h.name.as_str().as_bytes(), h.value);
            }
        }
        self
    }
    /// Appends `;tag=TAG` to the To header already added (RFC 3261 §8.2.6.2), unless it
    /// already has a tag.
    pub fn to_tag(mut self, tag: &str) -> Self {
        let head = &mut self.common.head;
        let mut pos = 0;
        while let Some(eol) = head
            .get(pos..)
            .and_then(|r| r.windows(2).position(|w| w == b"\r\n"))
        {
            let line = head.get(pos..pos + eol).unwrap_or_default();
            if line.starts_with(b"To: ") {
                let has_tag = crate::header::NameAddr::parse(line.get(4..).unwrap_or_default())
                    .map(|n| n.params().contains("tag"))
                    .unwrap_or(false);
                if !has_tag {
                    let ins = [b";tag=", tag.as_bytes()].concat();
                    head.splice(pos + eol..pos + eol, ins);
                }
                break;
            }
            pos += eol + 2;
        }
        self
    }
    /// Sets the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.common.body = body.into();
        self
    }
    /// Writes and parses the response.
    pub fn build(self) -> Result<Response, BuildError> {
        let reason = self
            .reason
            .unwrap_or_else(|| self.status.canonical_reason().as_bytes().to_vec());
        let mut line = Vec::with_capacity(reason.len() + 16);
        line.extend_from_slice(b"SIP/2.0 ");
        line.extend_from_slice(&crate::uri::itoa_u64(u64::from(self.status.as_u16())));
        line.push(b' ');
        line.extend_from_slice(&reason);
        line.extend_from_slice(b"\r\n");
        match self.common.finish(&line)? {
            Message::Response(r) => Ok(r),
            Message::Request(_) => Err(BuildError::Reason),
        }
    }
}
