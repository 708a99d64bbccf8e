//! Cutting whole messages out of a TCP/TLS byte stream (RFC 3261 §18.3) and spotting
//! keep-alives (RFC 5626 §3.5.1).

use bytes::{Buf, Bytes, BytesMut};

use super::lex::{eq_ic, is_wsp};
use super::Limits;

/// Why the stream can no longer be framed. The connection should be closed: after any of
/// these there is no way to know where the next message starts (RFC 4475 §3.1.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The header section has no Content-Length (mandatory on streams, RFC 3261 §18.3).
    #[error("content-length missing on a stream transport")]
    ContentLengthMissing,
    /// Content-Length is not a non-negative number.
    #[error("malformed content-length")]
    ContentLength,
    /// Two Content-Length headers disagree.
    #[error("conflicting content-length headers")]
    ContentLengthConflict,
    /// The message would exceed `Limits::max_message_size`.
    #[error("message larger than the size limit")]
    TooLarge,
}

/// What the framer found next in the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// One whole message, ready for [`super::parse_message`] with [`super::Framing::Stream`].
    Message(Bytes),
    /// A keep-alive ping, CRLF CRLF: answer with a single CRLF (RFC 5626 §3.5.1).
    Ping,
    /// A keep-alive pong, a single CRLF (RFC 5626 §3.5.1).
    Pong,
}

/// Accumulates stream bytes and yields whole messages. Handles messages split across reads
/// and several messages in one read.
#[derive(Debug, Default)]
pub struct StreamFramer {
    buf: BytesMut,
    limits: Limits,
    /// How far the search for the end of the header section has got.
    scanned: usize,
    failed: Option<FrameError>,
}

impl StreamFramer {
    /// A framer with the given limits.
    pub fn new(limits: Limits) -> Self {
        StreamFramer {
            buf: BytesMut::new(),
            limits,
            scanned: 0,
            failed: None,
        }
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes held that are not yet a whole message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next whole message, skipping keep-alives. `Ok(None)`: need more bytes.
    pub fn next_message(&mut self) -> Result<Option<Bytes>, FrameError> {
        loop {
            match self.next_frame()? {
                Some(Frame::Message(m)) => return Ok(Some(m)),
                Some(Frame::Ping | Frame::Pong) => continue,
                None => return Ok(None),
            }
        }
    }

    /// The next frame: a message or a keep-alive. `Ok(None)`: need more bytes. After an error
    /// every call returns the same error.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        match self.frame() {
            Err(e) => {
                self.failed = Some(e);
                Err(e)
            }
            ok => ok,
        }
    }

    fn frame(&mut self) -> Result<Option<Frame>, FrameError> {
        // Keep-alives sit between messages (RFC 5626 §3.5.1).
        match &self.buf[..] {
            [b'\r', b'\n', b'\r', b'\n', ..] => {
                self.buf.advance(4);
                return Ok(Some(Frame::Ping));
            }
            [b'\r', b'\n'] => {
                self.buf.advance(2);
                return Ok(Some(Frame::Pong));
            }
            [b'\r', b'\n', b'\r'] | [b'\r'] | [] => return Ok(None),
            [b'\r', b'\n', ..] => {
                self.buf.advance(2);
                return Ok(Some(Frame::Pong));
            }
            [b'\n', ..] => {
                self.buf.advance(1);
                return Ok(Some(Frame::Pong));
            }
            _ => {}
        }
        let Some(head_end) = self.find_head_end() else {
            if self.buf.len() > self.limits.max_message_size {
                return Err(FrameError::TooLarge);
            }
            return Ok(None);
        };
        let len = content_length(self.buf.get(..head_end).unwrap_or_default())?;
        let total = head_end.checked_add(len).ok_or(FrameError::TooLarge)?;
        if total > self.limits.max_message_size {
            return Err(FrameError::TooLarge);
        }
        if self.buf.len() < total {
            return Ok(None);
        }
        self.scanned = 0;
        Ok(Some(Frame::Message(self.buf.split_to(total).freeze())))
    }

    /// Index just past the empty line ending the header section, if it has arrived.
    fn find_head_end(&mut self) -> Option<usize> {
        let from = self.scanned.saturating_sub(3);
        let hay = self.buf.get(from..)?;
        let mut k = 0;
        while let Some(p) = memchr::memchr(b'\n', hay.get(k..)?) {
            let lf = k + p;
            // "\n\r\n" or "\n\n" ends the headers.
            match (hay.get(lf + 1), hay.get(lf + 2)) {
                (Some(b'\r'), Some(b'\n')) => return Some(from + lf + 3),
                (Some(b'\n'), _) => return Some(from + lf + 2),
                (Some(b'\r'), None) | (None, _) => break,
                _ => k = lf + 1,
            }
        }
        self.scanned = self.buf.len();
        None
    }
}

/// The Content-Length of a header section (`Content-Length` or compact `l`, RFC 3261 §7.3.3).
fn content_length(head: &[u8]) -> Result<usize, FrameError> {
    let mut found: Option<usize> = None;
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = line.split_at(colon);
        let name_end = name.len() - name.iter().rev().take_while(|&&b| is_wsp(b)).count();
        let name = name.get(..name_end).unwrap_or_default();
        if !(eq_ic(name, b"content-length") || eq_ic(name, b"l")) {
            continue;
        }
        let v = super::lex::trim(value.get(1..).unwrap_or_default());
        let n = match super::lex::decimal(v) {
            Some((n, [])) => usize::try_from(n).map_err(|_| FrameError::TooLarge)?,
            _ => return Err(FrameError::ContentLength),
        };
        match found {
            Some(prev) if prev != n => return Err(FrameError::ContentLengthConflict),
            _ => found = Some(n),
        }
    }
    found.ok_or(FrameError::ContentLengthMissing)
}
