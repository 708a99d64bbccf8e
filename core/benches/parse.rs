//! Parser benchmarks: sansip against httparse and rsip on the standard messages in
//! `shared/bench/`, all in one criterion run so the ratios come from one run.
//!
//! Run: `cargo bench -p sansip-core --bench parse`, then `python3 core/benches/report.py` for
//! the markdown table. Each message is a criterion group with `Throughput::Bytes(len)`:
//!
//! - `sansip/parse`: [`parse_message`] on a shared `Bytes` (a clone is a refcount bump).
//! - `sansip/parse+fields`: parse, then read the fields a UA needs for every message: top Via
//!   branch and sent-by, From tag, To tag, Call-ID, CSeq number and method, Content-Length, body.
//! - `sansip/serialize`: [`Message::encode`] of a pre-parsed message into a reused `BytesMut`.
//! - `httparse/parse`: see [`httparse_headers`]: the header section only (httparse knows HTTP,
//!   not SIP, so its start-line parsers reject `SIP/2.0`).
//! - `httparse/request` (http_post only): `httparse::Request::parse` of a real HTTP request of
//!   similar size, start line included.
//! - `rsip/parse` and `rsip/parse+fields`: `rsip::SipMessage::try_from(&[u8])`, then the same
//!   fields through rsip's typed headers.
//!
//! Instruction counts (reliable on a loaded machine): with `SANSIP_PARSE_LOOP=<message>` the
//! binary skips criterion and runs 10,000 sansip parse+fields, then as many httparse header
//! parses, each in its own function to measure alone:
//!
//! ```sh
//! cargo bench -p sansip-core --bench parse --no-run     # prints the binary's path
//! SANSIP_PARSE_LOOP=invite_sdp valgrind --tool=callgrind \
//!     --toggle-collect='parse::loop_sansip' <binary>     # or 'parse::loop_httparse'
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, Criterion, Throughput};
use rsip::prelude::*;
use sansip_core::message::Message;
use sansip_core::parse::{parse_message, Framing, Limits};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/bench/");
/// The SIP messages, benchmarked with every parser.
const SIP: [&str; 4] = ["invite_sdp", "ok_register", "register_auth", "ws_register"];
/// The HTTP request of similar size, httparse only.
const HTTP: &str = "http_post";

/// Reads `shared/bench/<name>.txt` as wire bytes. The files are stored with CRLF line ends
/// (checked with `cat -A`); a bare LF (an editor having rewritten a file) is turned into CRLF
/// here, in memory, so every parser sees valid wire bytes. With the files as shipped this
/// changes nothing.
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

/// The UA fields of a parsed message, as sansip gives them.
type SansipFields<'a> = (
    Option<&'a [u8]>,
    Option<(&'a str, Option<u16>)>,
    Option<&'a [u8]>,
    Option<&'a [u8]>,
    Option<&'a str>,
    Option<(u32, &'a [u8])>,
    Option<u32>,
    &'a [u8],
);

macro_rules! sansip_fields {
    ($m:expr) => {
        (
            $m.via_branch(),
            $m.via_sent_by(),
            $m.from_tag(),
            $m.to_tag(),
            $m.call_id(),
            $m.cseq().map(|c| (c.seq, c.method)),
            $m.content_length(),
            $m.body_bytes(),
        )
    };
}

/// Reads the UA fields of a sansip message (all located while parsing).
fn sansip_fields(msg: &Message) -> SansipFields<'_> {
    match msg {
        Message::Request(r) => sansip_fields!(r),
        Message::Response(r) => sansip_fields!(r),
    }
}

/// The same fields through rsip 0.4's API. rsip keeps each header as an owned `String` and
/// parses the typed form on request (`typed()`), so this is what a UA built on rsip pays.
fn rsip_fields(msg: &rsip::SipMessage) -> impl Sized {
    let via = msg.via_header().unwrap().typed().unwrap();
    let branch = via.branch().cloned();
    let sent_by = via.sent_by().host_with_port.clone();
    let from_tag = msg.from_header().unwrap().tag().unwrap();
    let to_tag = msg.to_header().unwrap().tag().unwrap();
    let call_id = msg.call_id_header().unwrap().value().len();
    let cseq = msg.cseq_header().unwrap().typed().unwrap();
    let content_length = msg.headers().iter().find_map(|h| match h {
        rsip::Header::ContentLength(cl) => Some(cl.length().unwrap()),
        _ => None,
    });
    let body = msg.body().len();
    (
        branch,
        sent_by,
        from_tag,
        to_tag,
        call_id,
        cseq.seq,
        cseq.method,
        content_length,
        body,
    )
}

/// What httparse is measured doing on SIP bytes: it cannot parse a SIP start line
/// (`httparse::Request::parse` rejects the `SIP/2.0` version and `Response::parse` rejects
/// `SIP/2.0` too), so it does the header-section work only: find the end of the start line
/// (memchr for LF, as sansip does) and run `httparse::parse_headers` over the rest, which
/// tokenizes every `Name: value` line up to the empty line. No field is interpreted, no start
/// line is validated, the body is not touched: a lower bound for any parser of these bytes.
fn httparse_headers<'b>(bytes: &'b [u8], headers: &mut [httparse::Header<'b>]) -> usize {
    let sl_end = memchr::memchr(b'\n', bytes).unwrap() + 1;
    match httparse::parse_headers(&bytes[sl_end..], headers).unwrap() {
        httparse::Status::Complete((used, h)) => sl_end + used + h.len(),
        httparse::Status::Partial => panic!("partial"),
    }
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    for name in SIP {
        let wire = load(name);
        let len = wire.len() as u64;
        // Built once: `Bytes::from(Vec)` is promoted to a shared buffer on its first clone, after
        // which every clone in the loops is a refcount bump.
        let bytes = Bytes::from(wire);
        let parsed = parse_message(bytes.clone(), Framing::Datagram, &limits).unwrap();
        // Sanity: every parser accepts the message and finds the same fields.
        let (branch, _, from_tag, _, call_id, cseq, cl, body) = sansip_fields(&parsed);
        assert!(branch.is_some() && from_tag.is_some() && call_id.is_some() && cseq.is_some());
        assert_eq!(cl.map(|n| n as usize), Some(body.len()), "{name}: Content-Length");
        let rs = rsip::SipMessage::try_from(&bytes[..]).unwrap();
        assert_eq!(rs.body().len(), body.len(), "{name}: rsip body");
        black_box(rsip_fields(&rs));
        let mut hbuf = [httparse::EMPTY_HEADER; 64];
        assert!(httparse_headers(&bytes, &mut hbuf) > 0);

        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(len));
        g.bench_function("sansip/parse", |b| {
            b.iter(|| parse_message(black_box(bytes.clone()), Framing::Datagram, &limits).unwrap())
        });
        g.bench_function("sansip/parse+fields", |b| {
            b.iter(|| {
                let msg = parse_message(black_box(bytes.clone()), Framing::Datagram, &limits).unwrap();
                black_box(sansip_fields(&msg));
                msg
            })
        });
        let mut out = BytesMut::with_capacity(2 * bytes.len());
        g.bench_function("sansip/serialize", |b| {
            b.iter(|| {
                out.clear();
                black_box(&parsed).encode(&mut out);
                black_box(out.len())
            })
        });
        g.bench_function("httparse/parse", |b| {
            b.iter(|| {
                let mut headers = [httparse::EMPTY_HEADER; 64];
                black_box(httparse_headers(black_box(&bytes), &mut headers))
            })
        });
        g.bench_function("rsip/parse", |b| {
            b.iter(|| rsip::SipMessage::try_from(black_box(&bytes[..])).unwrap())
        });
        g.bench_function("rsip/parse+fields", |b| {
            b.iter(|| {
                let msg = rsip::SipMessage::try_from(black_box(&bytes[..])).unwrap();
                black_box(rsip_fields(&msg));
                msg
            })
        });
        g.finish();
    }

    let http = load(HTTP);
    let mut g = c.benchmark_group(HTTP);
    g.throughput(Throughput::Bytes(http.len() as u64));
    g.bench_function("httparse/parse", |b| {
        b.iter(|| {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            black_box(httparse_headers(black_box(&http), &mut headers))
        })
    });
    g.bench_function("httparse/request", |b| {
        b.iter(|| {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut req = httparse::Request::new(&mut headers);
            let n = req.parse(black_box(&http)).unwrap().unwrap();
            black_box((n, req.method, req.path, req.headers.len()))
        })
    });
    g.finish();
}

/// 10,000 sansip parse+fields of `bytes` (see the module docs).
#[inline(never)]
fn loop_sansip(bytes: &Bytes, limits: &Limits) {
    for _ in 0..10_000 {
        let msg = parse_message(black_box(bytes.clone()), Framing::Datagram, limits).unwrap();
        black_box(sansip_fields(&msg));
    }
}

/// 10,000 httparse header parses of `bytes` (see the module docs).
#[inline(never)]
fn loop_httparse(bytes: &[u8]) {
    for _ in 0..10_000 {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        black_box(httparse_headers(black_box(bytes), &mut headers));
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! { name = benches; config = config(); targets = bench }

fn main() {
    if let Ok(name) = std::env::var("SANSIP_PARSE_LOOP") {
        let bytes = Bytes::from(load(&name));
        // Shared once, as in the criterion loops, so every clone is a refcount bump.
        drop(bytes.clone());
        loop_sansip(&bytes, &Limits::default());
        loop_httparse(&bytes);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
