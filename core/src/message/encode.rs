//! Serializing a message (RFC 3261 §7): start line, header lines byte-for-byte as held, exactly
//! one Content-Length, the body.

use alloc::vec::Vec;
use bytes::{BufMut, Bytes, BytesMut};

use super::{HeaderName, Headers, Message, Request, Response, Span};
use crate::uri::itoa_u64;

fn put_headers(h: &Headers, body_len: usize, out: &mut BytesMut) {
    let mut wrote_length = false;
    for f in &h.fields {
        if f.kind == HeaderName::ContentLength {
            // Every Content-Length line becomes one, with the true body length
            // (RFC 3261 §20.14); the first one keeps its place.
            if !wrote_length {
                put_length(body_len, out);
                wrote_length = true;
            }
            continue;
        }
        // The line as held: name, separator and value exactly as written or built.
        out.put_slice(Span::new(f.name.start as usize, f.value.end as usize).get(&h.buf));
        out.put_slice(b"\r\n");
    }
    if !wrote_length {
        put_length(body_len, out);
    }
    out.put_slice(b"\r\n");
}

fn put_length(len: usize, out: &mut BytesMut) {
    out.put_slice(b"Content-Length: ");
    out.put_slice(&itoa_u64(len as u64));
    out.put_slice(b"\r\n");
}

impl Request {
    /// Appends the request to `out`.
    pub fn encode(&self, out: &mut BytesMut) {
        let body = self.body_bytes();
        out.reserve(self.headers.buf.len() + 24);
        out.put_slice(self.method.as_str().as_bytes());
        out.put_u8(b' ');
        out.put_slice(self.uri.as_bytes());
        out.put_slice(b" SIP/");
        out.put_slice(&itoa_u64(u64::from(self.version.major)));
        out.put_u8(b'.');
        out.put_slice(&itoa_u64(u64::from(self.version.minor)));
        out.put_slice(b"\r\n");
        put_headers(&self.headers, body.len(), out);
        out.put_slice(body);
    }
}

impl Response {
    /// Appends the response to `out`.
    pub fn encode(&self, out: &mut BytesMut) {
        let body = self.body_bytes();
        out.reserve(self.headers.buf.len() + 24);
        out.put_slice(b"SIP/");
        out.put_slice(&itoa_u64(u64::from(self.version.major)));
        out.put_u8(b'.');
        out.put_slice(&itoa_u64(u64::from(self.version.minor)));
        out.put_u8(b' ');
        out.put_slice(&itoa_u64(u64::from(self.status.as_u16())));
        out.put_u8(b' ');
        out.put_slice(self.reason());
        out.put_slice(b"\r\n");
        put_headers(&self.headers, body.len(), out);
        out.put_slice(body);
    }
}

impl Message {
    /// Appends the message to `out`.
    pub fn encode(&self, out: &mut BytesMut) {
        match self {
            Message::Request(r) => r.encode(out),
            Message::Response(r) => r.encode(out),
        }
    }
    /// The encoded message as a new buffer.
    pub fn to_bytes(&self) -> Bytes {
        let mut out = BytesMut::new();
        self.encode(&mut out);
        out.freeze()
    }
    /// The encoded message as a `Vec<u8>`.
    pub fn encode_to_vec(&self) -> Vec<u8> {
        self.to_bytes().to_vec()
    }
}
