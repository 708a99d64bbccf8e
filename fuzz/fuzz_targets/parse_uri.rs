//! Fuzz `sansip_core::uri::Uri::parse`.
//!
//! The whole input is the URI. The parser must never panic, and whatever it accepts must survive
//! a round trip: the `Display` form of a parsed URI parses again.

#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sansip_core::uri::Uri;

fuzz_target!(|data: &[u8]| {
    let Ok(uri) = Uri::parse(Bytes::copy_from_slice(data)) else {
        return;
    };
    let text = uri.to_string();
    if let Err(err) = Uri::parse(Bytes::from(text.clone())) {
        panic!(
            "the Display form of a parsed URI does not parse again\n\
             error: {err:?}\ninput:     {:?}\ndisplayed: {text:?}",
            String::from_utf8_lossy(data),
        );
    }
});
