//! Fuzz `sansip_core::parse::parse_message` under all three framings: byte 0 picks the framing,
//! the rest is the message; whatever parses must re-parse after encoding. The body is
//! `sansip_core::fuzz_targets::parse_message`, which the ordinary tests also run over the corpora.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sansip_core::fuzz_targets::parse_message(data);
});
