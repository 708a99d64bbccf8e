//! Fuzz `sansip_core::uri::Uri::parse`: whatever parses must re-parse from its `Display` form.
//! The body is `sansip_core::fuzz_targets::parse_uri`, also run over the corpora by the tests.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sansip_core::fuzz_targets::parse_uri(data);
});
