//! Responses written by hand (not with sansip's builder), and the key that recognises a
//! retransmitted request.

use bytes::Bytes;
use sansip_core::message::{HeaderName, Request};

/// The key a retransmission shares with the original: top Via branch, Call-ID, CSeq.
pub(super) fn transaction_key(req: &Request) -> String {
    let branch = String::from_utf8_lossy(req.via_branch().unwrap_or_default()).into_owned();
    let cseq = req.cseq().map(|c| c.seq).unwrap_or(0);
    format!(
        "{branch} {} {cseq} {}",
        req.call_id().unwrap_or_default(),
        req.method().as_str()
    )
}

pub(super) fn fail(req: &Request, status: u16, retry_after: Option<u32>) -> Bytes {
    match retry_after {
        Some(s) => response(req, status, &[("Retry-After", s.to_string())]),
        None => response(req, status, &[]),
    }
}

/// The reason phrases this registrar uses (RFC 3261 §21).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        423 => "Interval Too Brief",
        480 => "Temporarily Unavailable",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The To tag of every response this registrar sends.
pub const TO_TAG: &str = "simreg";

/// A response to `req`, written by hand: the status line, the request's Via, From, To (with
/// our tag), Call-ID and CSeq lines in order (RFC 3261 §8.2.6.2), `extra`, Content-Length 0.
pub fn response(req: &Request, status: u16, extra: &[(&str, String)]) -> Bytes {
    let mut out = format!("SIP/2.0 {status} {}\r\n", reason(status));
    for h in req.headers().iter() {
        let name = h.name;
        if !matches!(
            name,
            HeaderName::Via | HeaderName::From | HeaderName::To | HeaderName::CallId | HeaderName::CSeq
        ) {
            continue;
        }
        let value = String::from_utf8_lossy(h.value);
        out.push_str(&format!("{}: {value}", name.as_str()));
        if name == HeaderName::To && !value.to_ascii_lowercase().contains(";tag=") {
            out.push_str(&format!(";tag={TO_TAG}"));
        }
        out.push_str("\r\n");
    }
    for (name, value) in extra {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    Bytes::from(out)
}
