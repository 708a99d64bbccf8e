//! The checks a UAS makes before acting on a request (RFC 3261 §8.2), giving the response a
//! request must be refused with.
//!
//! Parsing already refuses what cannot be framed or lacks a well-formed Via, From, To,
//! Call-ID or CSeq. This goes further, on meaning: missing or repeated headers, a CSeq method
//! that disagrees, an unsupported scheme, version, extension or media type (RFC 4475 §3.1.2,
//! §3.3).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::{HeaderName, Method, Request, StatusCode};
use crate::parse::lex::{eq_ic, trim};
use crate::uri::Scheme;

/// What a UAS supports, which decides 405/415/416/420/406 answers.
#[derive(Clone, Debug)]
pub struct UasPolicy<'a> {
    /// Methods the UAS accepts; `None`: every standard method.
    pub methods: Option<&'a [Method]>,
    /// Option tags the UAS supports (RFC 3261 §8.2.2.3).
    pub supported: &'a [&'a str],
    /// Body types the UAS understands, `type/subtype` (RFC 3261 §8.2.3).
    pub accept: &'a [&'a str],
    /// Request-URI schemes the UAS handles (RFC 3261 §8.2.2.1).
    pub schemes: &'a [Scheme],
}

impl Default for UasPolicy<'_> {
    fn default() -> Self {
        UasPolicy {
            methods: None,
            supported: &[
                "100rel",
                "timer",
                "replaces",
                "outbound",
                "path",
                "gruu",
                "ice",
                "norefersub",
            ],
            accept: &[
                "application/sdp",
                "text/plain",
                "application/dtmf-relay",
                "message/sipfrag",
            ],
            schemes: &[Scheme::Sip, Scheme::Sips, Scheme::Tel],
        }
    }
}

/// Why a request is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The SIP version is not 2.0 (RFC 3261 §7.1, RFC 4475 §3.1.2.16) → 505.
    Version,
    /// A mandatory header is missing (RFC 3261 §8.1.1) → 400.
    MissingHeader(HeaderName),
    /// A single-valued header appears more than once (RFC 3261 §7.3.1, RFC 4475 §3.3.8) → 400.
    RepeatedHeader(HeaderName),
    /// A header the request needs does not parse (RFC 3261 §8.2, RFC 4475 §3.1.2.13) → 400.
    MalformedHeader(HeaderName),
    /// The CSeq method is not the request method (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.17) → 400
    /// (or 501 when the method is unknown anyway, §3.1.2.18).
    CSeqMethod,
    /// The method is not implemented (RFC 3261 §8.2.1) → 501.
    UnknownMethod,
    /// The method is known but not accepted here (RFC 3261 §8.2.1) → 405 with Allow.
    MethodNotAllowed,
    /// The Request-URI scheme is not handled (RFC 3261 §8.2.2.1) → 416.
    UriScheme,
    /// Require lists option tags we do not support (RFC 3261 §8.2.2.3) → 420 with Unsupported.
    Extensions(Vec<String>),
    /// The body type is not understood (RFC 3261 §8.2.3) → 415 with Accept.
    MediaType,
    /// Accept excludes the only type we could answer with (RFC 3261 §21.4.7) → 406.
    NotAcceptable,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Version => f.write_str("unsupported sip version"),
            Problem::MissingHeader(h) => write!(f, "missing {} header", h.as_str()),
            Problem::RepeatedHeader(h) => write!(f, "repeated {} header", h.as_str()),
            Problem::MalformedHeader(h) => write!(f, "malformed {} header", h.as_str()),
            Problem::CSeqMethod => f.write_str("cseq method does not match request method"),
            Problem::UnknownMethod => f.write_str("method not implemented"),
            Problem::MethodNotAllowed => f.write_str("method not allowed"),
            Problem::UriScheme => f.write_str("unsupported request-uri scheme"),
            Problem::Extensions(t) => write!(f, "unsupported extensions: {}", t.join(", ")),
            Problem::MediaType => f.write_str("unsupported content-type"),
            Problem::NotAcceptable => f.write_str("no acceptable response body type"),
        }
    }
}

/// A refusal: the status to answer with and why (for a `Warning: 399` text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The status code to answer with.
    pub status: StatusCode,
    /// Why.
    pub problem: Problem,
}

fn reject(status: StatusCode, problem: Problem) -> Result<(), Rejection> {
    Err(Rejection { status, problem })
}

/// `type/subtype` of a media-type value, trimmed, without parameters.
fn media_type(v: &[u8]) -> &[u8] {
    let end = v.iter().position(|&b| b == b';').unwrap_or(v.len());
    trim(v.get(..end).unwrap_or_default())
}

/// True when a media range (`*/*`, `type/*`, `type/subtype`) covers `t` (RFC 3261 §20.1).
fn range_covers(range: &[u8], t: &str) -> bool {
    let range = media_type(range);
    let (rt, rs) = split_slash(range);
    let (tt, ts) = split_slash(t.as_bytes());
    (rt == b"*" || eq_ic(rt, tt)) && (rs == b"*" || eq_ic(rs, ts))
}

fn split_slash(v: &[u8]) -> (&[u8], &[u8]) {
    match v.iter().position(|&b| b == b'/') {
        Some(p) => (
            trim(v.get(..p).unwrap_or_default()),
            trim(v.get(p + 1..).unwrap_or_default()),
        ),
        None => (v, &[][..]),
    }
}

/// Checks a request as a UAS must before processing it (RFC 3261 §8.2), in the RFC's order.
/// `Ok(())` means process it; `Err` gives the response to send instead.
pub fn check_request(req: &Request, policy: &UasPolicy<'_>) -> Result<(), Rejection> {
    let h = req.headers();
    if req.version() != super::Version::SIP_2_0 {
        return reject(StatusCode::VERSION_NOT_SUPPORTED, Problem::Version);
    }
    // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Via are mandatory (Max-Forwards too, but
    // RFC 2543 requests lack it and must still be accepted, RFC 4475 §3.4.1).
    for name in [
        HeaderName::Via,
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::CSeq,
    ] {
        if !h.contains(name) {
            return reject(StatusCode::BAD_REQUEST, Problem::MissingHeader(name));
        }
    }
    for name in [
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::CSeq,
        HeaderName::MaxForwards,
        HeaderName::ContentType,
    ] {
        if h.count(name) > 1 {
            return reject(StatusCode::BAD_REQUEST, Problem::RepeatedHeader(name));
        }
    }
    let unknown = matches!(req.method(), Method::Extension(_));
    if let Some(cseq) = req.cseq() {
        if !req.method().matches(cseq.method) {
            let status = if unknown {
                StatusCode::NOT_IMPLEMENTED
            } else {
                StatusCode::BAD_REQUEST
            };
            return reject(status, Problem::CSeqMethod);
        }
    }
    // Max-Forwards = 1*DIGIT, at most 255 (RFC 3261 §20.22).
    if let Some(mf) = h.get(HeaderName::MaxForwards) {
        match crate::parse::lex::decimal(mf) {
            Some((n, rest)) if n <= 255 && rest.is_empty() => {}
            _ => {
                return reject(
                    StatusCode::BAD_REQUEST,
                    Problem::MalformedHeader(HeaderName::MaxForwards),
                )
            }
        }
    }
    // §8.2.1: method inspection.
    if unknown {
        return reject(StatusCode::NOT_IMPLEMENTED, Problem::UnknownMethod);
    }
    if let Some(methods) = policy.methods {
        if !methods.contains(req.method()) {
            return reject(StatusCode::METHOD_NOT_ALLOWED, Problem::MethodNotAllowed);
        }
    }
    // §8.2.2.1: Request-URI scheme.
    if !policy.schemes.contains(&req.uri().scheme()) {
        return reject(StatusCode::UNSUPPORTED_URI_SCHEME, Problem::UriScheme);
    }
    // Contact must parse where it is used to reach us back (RFC 3261 §8.1.1.8, §10.2.1;
    // RFC 4475 §3.1.2.13). A REGISTER may carry several; an INVITE exactly one.
    let contacts: Vec<_> = h
        .get_all(HeaderName::Contact)
        .flat_map(|v| crate::header::name_addr::parse_list(h.buffer(), v, HeaderName::Contact))
        .collect();
    let wildcard = h.get_all(HeaderName::Contact).any(|v| trim(v) == b"*");
    if !wildcard && contacts.iter().any(Result::is_err) {
        return reject(
            StatusCode::BAD_REQUEST,
            Problem::MalformedHeader(HeaderName::Contact),
        );
    }
    let dialog_creating = matches!(req.method(), Method::Invite | Method::Subscribe | Method::Refer);
    if dialog_creating && contacts.len() > 1 {
        return reject(
            StatusCode::BAD_REQUEST,
            Problem::RepeatedHeader(HeaderName::Contact),
        );
    }
    // §8.2.2.3: Require (ignored for CANCEL and ACK).
    if !matches!(req.method(), Method::Cancel | Method::Ack) {
        let unsupported: Vec<String> = h
            .list(HeaderName::Require)
            .filter(|tag| !policy.supported.iter().any(|s| eq_ic(s.as_bytes(), tag)))
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect();
        if !unsupported.is_empty() {
            return reject(StatusCode::BAD_EXTENSION, Problem::Extensions(unsupported));
        }
    }
    // §8.2.3: content processing.
    if !req.body_bytes().is_empty() {
        let ct = h.get(HeaderName::ContentType).map(media_type).unwrap_or_default();
        if !policy.accept.iter().any(|a| eq_ic(a.as_bytes(), ct)) && !ct.starts_with(b"multipart/") {
            return reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, Problem::MediaType);
        }
    }
    // An INVITE answered with SDP needs Accept to allow it (RFC 3261 §20.1, RFC 4475 §3.3.15).
    if *req.method() == Method::Invite && h.contains(HeaderName::Accept) {
        let acceptable = h
            .list(HeaderName::Accept)
            .any(|r| range_covers(r, "application/sdp"));
        if !acceptable {
            return reject(StatusCode::NOT_ACCEPTABLE, Problem::NotAcceptable);
        }
    }
    Ok(())
}

/// The comma-separated option tags of Require, as text (for a 420's Unsupported header).
pub fn unsupported_header(problem: &Problem) -> Option<String> {
    match problem {
        Problem::Extensions(tags) => Some(tags.join(", ")),
        _ => None,
    }
}
