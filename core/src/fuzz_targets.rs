//! The bodies of the cargo-fuzz targets in `fuzz/fuzz_targets/`, here so that the fuzzer and
//! the ordinary tests (`core/tests/fuzz_functions.rs`, over every corpus file) run the very
//! same code. Each panics when the property it checks is broken: that is what a fuzz target
//! reports. Not part of the API.

// Panicking on a broken property is the purpose of these functions.
#![allow(clippy::panic)]

use alloc::string::ToString;
use alloc::vec::Vec;
use bytes::Bytes;

use crate::parse::{parse_message as parse, Framing, Limits, StreamFramer};
use crate::uri::Uri;

/// `fuzz_targets/parse_message.rs`: byte 0 picks the framing; a parsed message must encode to
/// bytes that parse again under the same framing and limits (size aside). Returns whether it parsed.
pub fn parse_message(data: &[u8]) -> bool {
    let Some((&selector, message)) = data.split_first() else {
        return false;
    };
    let limits = Limits::default();
    let Ok(parsed) = parse(Bytes::copy_from_slice(message), framing(selector), &limits) else {
        return false;
    };
    let encoded = parsed.encode_to_vec();
    // Encoding may grow a message a little (bare LF becomes CRLF, one Content-Length line is
    // written), so the size limit is lifted for the second parse; every other limit stays.
    let relaxed = Limits {
        max_message_size: usize::MAX,
        ..limits
    };
    if let Err(err) = parse(Bytes::from(encoded.clone()), framing(selector), &relaxed) {
        panic!(
            "the encoding of a parsed message does not parse again\n\
             framing: {:?}\nerror: {err:?}\ninput:   {:?}\nencoded: {:?}",
            selector % 3,
            alloc::string::String::from_utf8_lossy(message),
            alloc::string::String::from_utf8_lossy(&encoded),
        );
    }
    true
}

fn framing(selector: u8) -> Framing {
    match selector % 3 {
        0 => Framing::Datagram,
        1 => Framing::WebSocket,
        _ => Framing::Stream,
    }
}

/// `fuzz_targets/parse_uri.rs`: a parsed URI's `Display` form parses again. Returns whether
/// it parsed.
pub fn parse_uri(data: &[u8]) -> bool {
    let Ok(uri) = Uri::parse(Bytes::copy_from_slice(data)) else {
        return false;
    };
    let text = uri.to_string();
    if let Err(err) = Uri::parse(Bytes::from(text.clone())) {
        panic!(
            "the Display form of a parsed URI does not parse again\n\
             error: {err:?}\ninput:     {:?}\ndisplayed: {text:?}",
            alloc::string::String::from_utf8_lossy(data),
        );
    }
    true
}

/// `fuzz_targets/stream_framer.rs`: byte 0 = how many chunk-size bytes follow (`% 16`), each
/// a chunk size `1..=256` (cycled), then the stream. No bytes or messages out of thin air; when
/// neither run errs, the same messages however the stream is cut. Returns the messages of the
/// chunked run (`None` on a framing error).
pub fn stream_framer(data: &[u8]) -> Option<Vec<Bytes>> {
    let (&count, rest) = data.split_first()?;
    let (sizes, stream) = rest.split_at(usize::from(count % 16).min(rest.len()));
    let chunked = frame(chunks(sizes, stream));
    let whole = frame(core::iter::once(stream));
    if let (Some(chunked), Some(whole)) = (&chunked, &whole) {
        assert_eq!(
            chunked, whole,
            "the messages depend on where the stream was cut (chunk sizes {sizes:?})"
        );
    }
    chunked
}

fn chunks<'a>(sizes: &'a [u8], mut stream: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut sizes = sizes.iter().cycle();
    core::iter::from_fn(move || {
        if stream.is_empty() {
            return None;
        }
        let size = sizes
            .next()
            .map_or(stream.len(), |&s| usize::from(s) + 1)
            .min(stream.len());
        let (chunk, tail) = stream.split_at(size);
        stream = tail;
        Some(chunk)
    })
}

fn frame<'a>(chunks: impl Iterator<Item = &'a [u8]>) -> Option<Vec<Bytes>> {
    let mut framer = StreamFramer::new(Limits::default());
    let (mut pushed, mut yielded, mut messages) = (0usize, 0usize, Vec::new());
    for chunk in chunks {
        framer.push(chunk);
        pushed += chunk.len();
        loop {
            match framer.next_message() {
                Ok(Some(message)) => {
                    yielded += message.len();
                    messages.push(message);
                    assert!(
                        yielded <= pushed,
                        "framer yielded {yielded} message bytes from {pushed} pushed bytes"
                    );
                    assert!(
                        messages.len() <= pushed,
                        "framer yielded {} messages from {pushed} bytes",
                        messages.len()
                    );
                }
                Ok(None) => break,
                Err(_) => return None,
            }
        }
    }
    Some(messages)
}
