//! Fuzz `sansip_core::parse::parse_message` under all three framings.
//!
//! Input layout: byte 0 picks the framing (`% 3`: datagram, WebSocket, stream); the rest is the
//! message. The parser must never panic, and whatever it accepts must survive a round trip:
//! `encode_to_vec()` of a parsed message parses again under the same framing and limits.

#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sansip_core::parse::{parse_message, Framing, Limits};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, message)) = data.split_first() else {
        return;
    };
    let limits = Limits::default();
    let Ok(parsed) = parse_message(Bytes::copy_from_slice(message), framing(selector), &limits)
    else {
        return;
    };
    let encoded = parsed.encode_to_vec();
    // Encoding may grow a message a little (bare LF becomes CRLF, one Content-Length line is
    // written), so the size limit is lifted for the second parse; every other limit stays.
    let relaxed = Limits { max_message_size: usize::MAX, ..limits };
    if let Err(err) = parse_message(Bytes::from(encoded.clone()), framing(selector), &relaxed) {
        panic!(
            "the encoding of a parsed message does not parse again\n\
             framing: {:?}\nerror: {err:?}\ninput:   {:?}\nencoded: {:?}",
            selector % 3,
            String::from_utf8_lossy(message),
            String::from_utf8_lossy(&encoded),
        );
    }
});

/// The framing byte 0 selects. A function rather than a stored value, so `Framing` need not be
/// `Copy`.
fn framing(selector: u8) -> Framing {
    match selector % 3 {
        0 => Framing::Datagram,
        1 => Framing::WebSocket,
        _ => Framing::Stream,
    }
}
