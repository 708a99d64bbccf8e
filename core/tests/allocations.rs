//! Heap allocations made by `parse_message` on the standard benchmark messages
//! (`shared/bench/`): the target is at most 2 per parse.
//!
//! `allocation-counter` installs a counting global allocator (wrapping `System`) in this test
//! binary and counts per thread, so tests running in parallel do not disturb the counts.
//! A reallocation goes through `GlobalAlloc::realloc`'s default (alloc + copy + dealloc), so
//! a growing `Vec` counts as a new allocation each time it grows.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use allocation_counter::measure;
use bytes::{Bytes, BytesMut};
use sansip_core::message::Message;
use sansip_core::parse::{parse_message, Framing, Limits};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/bench/");
const SIP: [&str; 4] = ["invite_sdp", "ok_register", "register_auth", "ws_register"];
/// The target: heap allocations per `parse_message` call.
const MAX_ALLOCS_PER_PARSE: u64 = 2;

/// Reads a bench message as wire bytes; a bare LF becomes CRLF in memory (the files ship with
/// CRLF, so this is a no-op for them), as in `benches/parse.rs`.
fn load(name: &str) -> Vec<u8> {
    let raw = std::fs::read(format!("{DIR}{name}.txt")).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = Vec::with_capacity(raw.len() + 32);
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Reads every UA field of the message, returning something that depends on all of them.
fn read_fields(msg: &Message) -> usize {
    macro_rules! fields {
        ($m:expr) => {
            $m.via_branch().map_or(0, <[u8]>::len)
                + $m.via_sent_by()
                    .map_or(0, |(h, p)| h.len() + usize::from(p.unwrap_or(0)))
                + $m.from_tag().map_or(0, <[u8]>::len)
                + $m.to_tag().map_or(0, <[u8]>::len)
                + $m.call_id().map_or(0, str::len)
                + $m.cseq().map_or(0, |c| c.seq as usize + c.method.len())
                + $m.content_length().map_or(0, |n| n as usize)
                + $m.body_bytes().len()
        };
    }
    match msg {
        Message::Request(r) => fields!(r),
        Message::Response(r) => fields!(r),
    }
}

#[test]
fn parse_allocates_at_most_two_blocks_per_message() {
    // The counter works on this thread: one Box is one allocation.
    assert_eq!(
        measure(|| drop(std::hint::black_box(Box::new(7u64)))).count_total,
        1
    );
    let limits = Limits::default();
    let mut report = Vec::new();
    for name in SIP {
        let wire = load(name);

        // A `Bytes` already shared (as after a first clone): the parse proper.
        let shared = Bytes::from(wire.clone());
        drop(shared.clone());
        let mut parsed = None;
        let warm = measure(|| {
            parsed = Some(parse_message(shared.clone(), Framing::Datagram, &limits).unwrap());
        });
        let msg = parsed.take().unwrap();

        // A fresh `Bytes::from(Vec)`, as a runtime hands over a received datagram: the first
        // clone/slice of it promotes the buffer to a shared one, which can cost one more block.
        let fresh = Bytes::from(wire.clone());
        let cold = measure(|| {
            parsed = Some(parse_message(fresh, Framing::Datagram, &limits).unwrap());
        });
        drop(parsed.take());

        // Reading the fields a UA needs is span arithmetic: no allocation.
        let mut sum = 0;
        let fields = measure(|| sum = read_fields(&msg));
        assert!(sum > 0);

        // Encoding into a buffer that already has room gives back the wire bytes. Its
        // allocations are printed, not limited: `encode` currently makes one small `Vec` per
        // number it writes (version, status code, Content-Length).
        let mut out = BytesMut::with_capacity(2 * wire.len());
        let encode = measure(|| msg.encode(&mut out));
        assert_eq!(out, wire, "{name}: the message re-encodes byte for byte");

        println!(
            "{name}: parse {} allocs ({} bytes), fresh Bytes {} allocs ({} bytes), \
             read fields {}, encode {}",
            warm.count_total,
            warm.bytes_total,
            cold.count_total,
            cold.bytes_total,
            fields.count_total,
            encode.count_total
        );
        report.push((name, warm.count_total, cold.count_total, fields.count_total));
    }
    // Checked after printing every count, so one failure still shows them all.
    for (name, warm, cold, fields) in report {
        assert!(
            warm <= MAX_ALLOCS_PER_PARSE,
            "{name}: {warm} allocations per parse"
        );
        assert!(
            cold <= MAX_ALLOCS_PER_PARSE,
            "{name}: {cold} allocations per parse of a fresh Bytes"
        );
        assert_eq!(fields, 0, "{name}: reading the UA fields allocated");
    }
}
