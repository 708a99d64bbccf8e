//! Fuzz `sansip_core::parse::StreamFramer`, the message framer for TCP/TLS byte streams.
//!
//! Input layout: byte 0 says how many chunk-size bytes follow (`% 16`); each of those gives a
//! chunk size (`1..=256`), used in turn and cycled; everything after them is the stream, cut
//! into chunks of those sizes (no size bytes: one chunk). Each chunk is pushed, then
//! `next_message` is drained until `Ok(None)`; the first `Err` ends the run (a framer that
//! reported an error is not fed again).
//!
//! Checked: no panic, no endless stream of messages, no message bytes out of thin air, and, when
//! neither run hit an error, the messages do not depend on where the stream was cut (the same
//! stream pushed whole yields the same messages).

#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sansip_core::parse::{Limits, StreamFramer};

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let (sizes, stream) = rest.split_at(usize::from(count % 16).min(rest.len()));

    let chunked = frame(chunks(sizes, stream));
    let whole = frame(core::iter::once(stream));
    if let (Some(chunked), Some(whole)) = (chunked, whole) {
        assert_eq!(
            chunked, whole,
            "the messages depend on where the stream was cut (chunk sizes {sizes:?})"
        );
    }
});

/// `stream` cut into chunks of the given sizes (`size byte + 1`), cycled; one chunk if there
/// are no sizes.
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

/// Pushes each chunk into a fresh framer and drains it after each push. `None` if the framer
/// reported an error (it is not used after that), else every message it yielded.
fn frame<'a>(chunks: impl Iterator<Item = &'a [u8]>) -> Option<Vec<Bytes>> {
    let mut framer = StreamFramer::new(Limits::default());
    let mut pushed = 0usize;
    let mut yielded = 0usize;
    let mut messages = Vec::new();
    for chunk in chunks {
        framer.push(chunk);
        pushed += chunk.len();
        loop {
            match framer.next_message() {
                Ok(Some(message)) => {
                    yielded += message.len();
                    messages.push(message);
                    // Messages are cut from the pushed bytes: never more bytes than went in, and
                    // never more messages than bytes (which also stops a framer that yields
                    // forever).
                    assert!(
                        yielded <= pushed,
                        "framer yielded {yielded} message bytes from {pushed} pushed bytes"
                    );
                    assert!(
                        messages.len() <= pushed,
                        "framer yielded {} messages from {pushed} pushed bytes",
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
