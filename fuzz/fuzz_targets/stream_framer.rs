//! Fuzz `sansip_core::parse::StreamFramer`: the stream cut into chunks at fuzzer-chosen points
//! must frame into the same messages as the whole stream, and never into more bytes than went
//! in. The body is `sansip_core::fuzz_targets::stream_framer`, also run over the corpora.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sansip_core::fuzz_targets::stream_framer(data);
});
