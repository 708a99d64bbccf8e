//! Parse errors: what went wrong and where, without allocating.

use crate::message::HeaderName;
use crate::uri::UriErrorKind;

/// What made a message unparseable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// No bytes (or only CRLFs).
    #[error("empty message")]
    Empty,
    /// Bigger than `Limits::max_message_size`.
    #[error("message larger than the size limit")]
    TooLarge,
    /// More header lines than `Limits::max_headers`.
    #[error("too many header lines")]
    TooManyHeaders,
    /// A line longer than `Limits::max_header_line`.
    #[error("line longer than the limit")]
    LineTooLong,
    /// A Request-URI longer than `Limits::max_uri_len`.
    #[error("request-uri longer than the limit")]
    UriTooLong,
    /// The blank line that ends the headers never came.
    #[error("no end of headers")]
    NoEndOfHeaders,
    /// The start line is neither a Request-Line nor a Status-Line.
    #[error("malformed start line")]
    StartLine,
    /// The method is not a token.
    #[error("malformed method")]
    Method,
    /// The Request-URI does not parse.
    #[error("malformed request-uri: {0}")]
    RequestUri(UriErrorKind),
    /// The Request-URI carries `?headers`, which RFC 3261 §19.1.1 forbids there.
    #[error("headers not allowed in request-uri")]
    RequestUriHeaders,
    /// The SIP-Version is malformed.
    #[error("malformed sip version")]
    Version,
    /// The status code is not three digits from 100 to 699.
    #[error("malformed status code")]
    StatusCode,
    /// A header line has no name or no colon.
    #[error("malformed header line")]
    HeaderLine,
    /// A header every transaction needs (Via, From, To, Call-ID, CSeq) is malformed.
    #[error("malformed {} header", .0.as_str())]
    Header(HeaderName),
    /// Content-Length is not a non-negative number.
    #[error("malformed content-length")]
    ContentLength,
    /// Several Content-Length headers disagree (RFC 4475 §3.3.9): framing is undefined.
    #[error("conflicting content-length headers")]
    ContentLengthConflict,
    /// A message on a stream has no Content-Length (RFC 3261 §18.3, §20.14).
    #[error("content-length missing on a stream transport")]
    ContentLengthMissing,
    /// Fewer body bytes than Content-Length says (RFC 3261 §18.3).
    #[error("body shorter than content-length")]
    BodyIncomplete,
    /// Bytes after the body on a stream message.
    #[error("unexpected bytes after the body")]
    TrailingData,
}

/// A message parse error: the kind and the byte offset in the input where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Byte offset in the input.
    pub offset: usize,
}

impl ParseError {
    pub(crate) fn at(kind: ParseErrorKind, offset: usize) -> ParseError {
        ParseError { kind, offset }
    }
}
