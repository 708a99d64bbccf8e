//! The three cargo-fuzz targets of `fuzz/fuzz_targets/` (`parse_message`, `parse_uri`,
//! `stream_framer`), run as ordinary tests over every corpus file: the RFC 4475 / RFC 5118 /
//! RFC 7118 messages (`*.dat`, `*.sip`, `*.http`, `*.crlf-fixed`, archives included), the bench
//! messages, and, for `parse_uri`, every Request-URI and `<...>` URI in them plus the code spans
//! of the JsSIP parser cases. Each function is the target's body with its input layout, so a
//! failure here is a crash the fuzzer would report. Run with `--nocapture` to see the counts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use bytes::Bytes;
use sansip_core::parse::{parse_message, Framing, Limits};

// The fuzz target bodies live in `sansip_core::fuzz_targets`, shared with fuzz/fuzz_targets/.
use sansip_core::fuzz_targets::{
    parse_message as fuzz_parse_message, parse_uri as fuzz_parse_uri, stream_framer as fuzz_stream_framer,
};

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

fn shared() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")).to_path_buf()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every message file: corpus/**/*.{dat,sip,http,crlf-fixed} and bench/*.txt, sorted.
fn message_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths = Vec::new();
    walk(&shared().join("corpus"), &mut paths);
    paths.retain(|p| {
        let name = p.file_name().unwrap().to_string_lossy();
        [".dat", ".sip", ".http", ".crlf-fixed"]
            .iter()
            .any(|ext| name.ends_with(ext))
    });
    let mut bench = Vec::new();
    walk(&shared().join("bench"), &mut bench);
    paths.extend(
        bench
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "txt")),
    );
    paths.sort();
    paths
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect()
}

/// The Request-URI of a message (the second word of its first line) and the text inside every
/// `<...>` in it.
fn uris_in(msg: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let start = msg
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(msg.len());
    let line = msg[start..].split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if let Some(uri) = line.split(|&b| b == b' ').nth(1) {
        out.push(uri.to_vec());
    }
    let mut rest = msg;
    while let Some(open) = rest.iter().position(|&b| b == b'<') {
        rest = &rest[open + 1..];
        let Some(close) = rest.iter().position(|&b| b == b'>') else {
            break;
        };
        out.push(rest[..close].to_vec());
        rest = &rest[close + 1..];
    }
    out
}

/// Every backtick code span of the JsSIP parser cases (URIs, name-addrs, targets, ...).
fn jssip_spans() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(shared().join("corpus/jssip-parser-cases.md")).unwrap();
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.contains('\n'))
        .map(|s| s.as_bytes().to_vec())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn parse_message_over_corpus() {
    let files = message_files();
    // 51 + 12 + 15 + 15 corpus files and 5 bench messages.
    assert_eq!(
        files.len(),
        98,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let (mut runs, mut parsed) = (0, 0);
    for (_, data) in &files {
        for selector in 0..3u8 {
            let input: Vec<u8> = std::iter::once(selector).chain(data.iter().copied()).collect();
            parsed += usize::from(fuzz_parse_message(&input));
            runs += 1;
            // Every prefix of the message too: what a fuzzer's truncation would give.
            for cut in (0..data.len()).step_by(37) {
                parsed += usize::from(fuzz_parse_message(&input[..1 + cut]));
                runs += 1;
            }
        }
    }
    println!(
        "parse_message: {runs} inputs from {} files, {parsed} parsed and round-tripped",
        files.len()
    );
    assert!(parsed >= 220, "only {parsed} inputs parsed");
}

#[test]
fn parse_uri_over_corpus() {
    let files = message_files();
    let mut uris: Vec<Vec<u8>> = files.iter().flat_map(|(_, d)| uris_in(d)).collect();
    uris.extend(jssip_spans());
    // The extraction finds the same 544 texts every run (the corpus does not change).
    assert_eq!(uris.len(), 544);
    assert!(uris.iter().any(|i| i == b"sip:[2001:db8::10:5070]"));
    assert!(uris
        .iter()
        .any(|i| i == b"sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31"));
    let parsed = uris.iter().filter(|i| fuzz_parse_uri(i)).count();
    assert!(parsed >= 240, "only {parsed} URIs parsed");
    // The whole files, and every prefix of each URI (what a fuzzer's truncation would give).
    let mut more: Vec<Vec<u8>> = files.iter().map(|(_, d)| d.clone()).collect();
    for uri in &uris {
        more.extend((0..uri.len()).map(|n| uri[..n].to_vec()));
    }
    let more_parsed = more.iter().filter(|i| fuzz_parse_uri(i)).count();
    println!(
        "parse_uri: {} URIs ({parsed} parsed and round-tripped), {} files and prefixes ({more_parsed} parsed)",
        uris.len(),
        more.len()
    );
}

#[test]
fn stream_framer_over_corpus() {
    let files = message_files();
    // Chunk layouts: one chunk, 1-byte chunks, and some mixed cycles.
    let layouts: [&[u8]; 5] = [
        &[0],
        &[1, 0],
        &[2, 6, 254],
        &[3, 12, 0, 99],
        &[15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    ];
    let (mut runs, mut framed) = (0, 0);
    let mut run = |stream: &[u8]| {
        for layout in layouts {
            let input: Vec<u8> = layout.iter().chain(stream).copied().collect();
            framed += fuzz_stream_framer(&input).map_or(0, |m| m.len());
            runs += 1;
        }
    };
    for (_, data) in &files {
        run(data);
    }
    // Every valid stream message back to back, with keep-alives between them (RFC 5626 §3.5.1).
    let mut stream = Vec::new();
    for (path, data) in &files {
        if path.extension().is_some_and(|e| e == "dat")
            && parse_message(Bytes::copy_from_slice(data), Framing::Stream, &Limits::default()).is_ok()
        {
            stream.extend_from_slice(b"\r\n\r\n");
            stream.extend_from_slice(data);
        }
    }
    let whole = fuzz_stream_framer(&[0].iter().chain(&stream).copied().collect::<Vec<_>>());
    assert!(
        whole.as_ref().is_some_and(|m| m.len() >= 30),
        "{:?}",
        whole.map(|m| m.len())
    );
    run(&stream);
    println!("stream_framer: {runs} inputs, {framed} messages framed");
    assert!(framed >= 500, "only {framed} messages framed");
}
