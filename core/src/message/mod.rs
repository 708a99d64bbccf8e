//! The SIP message model (RFC 3261 §7): requests, responses, headers, bodies.
//!
//! A [`Message`] is one shared buffer (`Bytes`) plus the positions of its parts. Parsing
//! ([`crate::parse::parse_message`]) and building ([`RequestBuilder`], [`ResponseBuilder`])
//! give the same representation, and [`Message::encode`] writes it back out.

mod builder;
mod dump;
mod encode;
mod header_name;
mod headers;
mod method;
mod status;
pub mod validate;

pub use builder::{BuildError, RequestBuilder, ResponseBuilder};
pub use dump::Dump;
pub use header_name::HeaderName;
pub use headers::{split_list, HeaderRef, Headers};
pub(crate) use headers::{Field, Span};
pub use method::Method;
pub use status::StatusCode;

use bytes::Bytes;
use core::fmt;

use crate::uri::Uri;

/// `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT` (RFC 3261 §7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    /// Major number.
    pub major: u8,
    /// Minor number.
    pub minor: u8,
}

impl Version {
    /// SIP/2.0, the only version this library speaks (RFC 3261 §7.1).
    pub const SIP_2_0: Version = Version { major: 2, minor: 0 };
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SIP/{}.{}", self.major, self.minor)
    }
}

/// Fields every transaction needs, located while parsing so reading them costs nothing.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Essentials {
    pub(crate) call_id: Option<Span>,
    pub(crate) cseq: Option<(u32, Span)>,
    pub(crate) from_tag: Option<Span>,
    pub(crate) to_tag: Option<Span>,
    pub(crate) via_branch: Option<Span>,
    pub(crate) via_host: Option<Span>,
    pub(crate) via_port: Option<u16>,
    pub(crate) via_transport: Option<Span>,
    pub(crate) content_length: Option<u32>,
}

/// A SIP request (RFC 3261 §7.1).
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) version: Version,
    pub(crate) headers: Headers,
    pub(crate) body: Span,
    pub(crate) essentials: Essentials,
}

/// A SIP response (RFC 3261 §7.2).
#[derive(Clone, Debug)]
pub struct Response {
    pub(crate) version: Version,
    pub(crate) status: StatusCode,
    pub(crate) reason: Span,
    pub(crate) headers: Headers,
    pub(crate) body: Span,
    pub(crate) essentials: Essentials,
}

/// A request or a response.
#[derive(Clone, Debug)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

/// The CSeq of a message (RFC 3261 §20.16), as located by the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CSeqRef<'a> {
    /// The sequence number (at most 2^31 - 1 when we send it; up to 2^32 - 1 accepted).
    pub seq: u32,
    /// The method token as written.
    pub method: &'a [u8],
}

/// Accessors shared by requests and responses.
macro_rules! common_accessors {
    () => {
        /// The SIP version.
        pub fn version(&self) -> Version {
            self.version
        }
        /// The header fields.
        pub fn headers(&self) -> &Headers {
            &self.headers
        }
        /// The body (empty when there is none), a shared slice of the message.
        pub fn body(&self) -> Bytes {
            if self.body.start == self.body.end {
                return Bytes::new();
            }
            self.headers.buf.slice(self.body.range())
        }
        /// The body as a byte slice.
        pub fn body_bytes(&self) -> &[u8] {
            self.body.get(&self.headers.buf)
        }
        /// The whole message buffer this message lives in.
        pub fn buffer(&self) -> &Bytes {
            &self.headers.buf
        }
        /// The Call-ID value (RFC 3261 §20.8).
        pub fn call_id(&self) -> Option<&str> {
            self.essentials
                .call_id
                .and_then(|s| core::str::from_utf8(s.get(&self.headers.buf)).ok())
        }
        /// The CSeq number and method (RFC 3261 §20.16).
        pub fn cseq(&self) -> Option<CSeqRef<'_>> {
            self.essentials.cseq.map(|(seq, m)| CSeqRef {
                seq,
                method: m.get(&self.headers.buf),
            })
        }
        /// The `tag` parameter of From (RFC 3261 §19.3).
        pub fn from_tag(&self) -> Option<&[u8]> {
            self.essentials.from_tag.map(|s| s.get(&self.headers.buf))
        }
        /// The `tag` parameter of To (RFC 3261 §19.3).
        pub fn to_tag(&self) -> Option<&[u8]> {
            self.essentials.to_tag.map(|s| s.get(&self.headers.buf))
        }
        /// The `branch` parameter of the top Via (RFC 3261 §8.1.1.7).
        pub fn via_branch(&self) -> Option<&[u8]> {
            self.essentials.via_branch.map(|s| s.get(&self.headers.buf))
        }
        /// The sent-by host and port of the top Via (RFC 3261 §18.2.2).
        pub fn via_sent_by(&self) -> Option<(&str, Option<u16>)> {
            let host = self.essentials.via_host?.get(&self.headers.buf);
            Some((core::str::from_utf8(host).ok()?, self.essentials.via_port))
        }
        /// The transport token of the top Via (`UDP`, `WSS`, ...).
        pub fn via_transport(&self) -> Option<&[u8]> {
            self.essentials
                .via_transport
                .map(|s| s.get(&self.headers.buf))
        }
        /// The Content-Length header value, when there was one.
        pub fn content_length(&self) -> Option<u32> {
            self.essentials.content_length
        }
    };
}

impl Request {
    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// The Request-URI.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }
    /// Starts building a request.
    pub fn builder(method: Method, uri: Uri) -> RequestBuilder {
        RequestBuilder::new(method, uri)
    }
    common_accessors!();
}

impl Response {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The reason phrase as sent (may be empty, may be UTF-8, RFC 3261 §25.1).
    pub fn reason(&self) -> &[u8] {
        self.reason.get(&self.headers.buf)
    }
    /// Starts building a response.
    pub fn builder(status: StatusCode) -> ResponseBuilder {
        ResponseBuilder::new(status)
    }
    common_accessors!();
}

impl Message {
    /// The header fields.
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }
    /// The body.
    pub fn body(&self) -> Bytes {
        match self {
            Message::Request(r) => r.body(),
            Message::Response(r) => r.body(),
        }
    }
    /// The request, if this is one.
    pub fn as_request(&self) -> Option<&Request> {
        match self {
            Message::Request(r) => Some(r),
            Message::Response(_) => None,
        }
    }
    /// The response, if this is one.
    pub fn as_response(&self) -> Option<&Response> {
        match self {
            Message::Response(r) => Some(r),
            Message::Request(_) => None,
        }
    }
    /// The Call-ID.
    pub fn call_id(&self) -> Option<&str> {
        match self {
            Message::Request(r) => r.call_id(),
            Message::Response(r) => r.call_id(),
        }
    }
    /// The CSeq.
    pub fn cseq(&self) -> Option<CSeqRef<'_>> {
        match self {
            Message::Request(r) => r.cseq(),
            Message::Response(r) => r.cseq(),
        }
    }
}

impl From<Request> for Message {
    fn from(r: Request) -> Message {
        Message::Request(r)
    }
}

impl From<Response> for Message {
    fn from(r: Response) -> Message {
        Message::Response(r)
    }
}
