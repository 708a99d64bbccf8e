//! Shared helpers for sansip's corpus, simulation and interop tests.
#![forbid(unsafe_code)]
// Test helpers: a missing corpus file or a broken expectation must fail the test loudly.
#![allow(clippy::panic, clippy::expect_used, clippy::indexing_slicing)]

pub mod sim;

use std::path::PathBuf;

use bytes::Bytes;
use sansip_core::header::Contact;
use sansip_core::message::validate::{check_request, Problem, Rejection, UasPolicy};
use sansip_core::message::{HeaderName, Headers, Message, StatusCode};
use sansip_core::parse::{parse_message, Framing, Limits, ParseError, ParseErrorKind};

/// The `../shared` directory next to the repository, where the third-party corpora and the
/// benchmark messages live (read in place, never copied).
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("shared")
}

/// The third-party corpus directory, `../shared/corpus`.
pub fn corpus_dir() -> PathBuf {
    shared_dir().join("corpus")
}

/// Reads a corpus file by its path relative to `corpus/` (`"rfc4475/wsinv.dat"`).
pub fn load(rel_path: &str) -> Bytes {
    let path = corpus_dir().join(rel_path);
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Bytes::from(data)
}

/// One row of a corpus `MANIFEST.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestRow {
    /// The file name (first column).
    pub name: String,
    /// The second column: `valid` / `invalid` / `valid-but-unusual` for RFC 4475 and RFC 5118,
    /// the direction and transport for RFC 7118.
    pub class: String,
    /// The description (last column).
    pub what: String,
}

/// Reads `corpus/<dir>/MANIFEST.tsv`: every row after the column titles, blank lines skipped.
pub fn manifest(dir: &str) -> Vec<ManifestRow> {
    let text = String::from_utf8(load(&format!("{dir}/MANIFEST.tsv")).to_vec()).expect("manifest is UTF-8");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "{dir}/MANIFEST.tsv: row without 3 columns: {l:?}");
            ManifestRow {
                name: cols[0].to_owned(),
                class: cols[1].to_owned(),
                what: cols[2].to_owned(),
            }
        })
        .collect()
}

/// Parses a corpus file as one UDP datagram with the default limits.
pub fn parse_datagram(rel_path: &str) -> Result<Message, ParseError> {
    parse_message(load(rel_path), Framing::Datagram, &Limits::default())
}

/// The line of `buf` (without its CRLF) that holds byte `offset`.
pub fn line_at(buf: &[u8], offset: usize) -> &[u8] {
    let offset = offset.min(buf.len());
    let start = buf[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let end = buf[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(buf.len(), |p| offset + p);
    let line = &buf[start..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Every Contact address of every Contact line, in order (RFC 3261 §20.10); panics on a
/// malformed element or `*`.
pub fn contacts(headers: &Headers) -> Vec<Contact> {
    headers
        .contact()
        .map(|c| {
            c.expect("well-formed Contact")
                .address()
                .cloned()
                .expect("an address, not *")
        })
        .collect()
}

/// Asserts that encoding `msg` and parsing the result again (with `framing`) gives the same
/// message: same start line, the same header lines (name as written and value) in order,
/// Content-Length aside (the encoder writes exactly one, with the body's true length), and
/// the same body bytes. Returns the re-parsed message.
pub fn assert_round_trip(msg: &Message, framing: Framing) -> Message {
    let wire = msg.to_bytes();
    let again = parse_message(wire.clone(), framing, &Limits::default()).unwrap_or_else(|e| {
        panic!(
            "re-encoded message does not parse: {e}\n{}",
            String::from_utf8_lossy(&wire)
        )
    });
    match (msg, &again) {
        (Message::Request(a), Message::Request(b)) => {
            assert_eq!(a.method(), b.method());
            assert_eq!(a.uri().as_bytes(), b.uri().as_bytes());
            assert_eq!(a.version(), b.version());
        }
        (Message::Response(a), Message::Response(b)) => {
            assert_eq!(a.status(), b.status());
            assert_eq!(a.reason(), b.reason());
            assert_eq!(a.version(), b.version());
        }
        _ => panic!("request/response kind changed on re-encoding"),
    }
    let lines = |m: &Message| -> Vec<(Vec<u8>, Vec<u8>)> {
        m.headers()
            .iter()
            .filter(|h| h.name != HeaderName::ContentLength)
            .map(|h| (h.raw_name.to_vec(), h.value.to_vec()))
            .collect()
    };
    assert_eq!(lines(msg), lines(&again));
    assert_eq!(msg.body(), again.body());
    let body_len = u32::try_from(again.body().len()).expect("small body");
    assert_eq!(again.headers().count(HeaderName::ContentLength), 1);
    let cl = match &again {
        Message::Request(r) => r.content_length(),
        Message::Response(r) => r.content_length(),
    };
    assert_eq!(cl, Some(body_len));
    again
}

/// What a torture-test RFC expects of a message, in terms of our API.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Parses; a request also passes [`check_request`] (a UAS goes on to process it).
    Accept,
    /// Parses, but a UAS must refuse it: [`check_request`] answers this status and problem.
    Refuse(StatusCode, Problem),
    /// [`parse_message`] rejects it with this kind; the error offset lies on the line that
    /// starts with `line` and the input there starts with `at`.
    Reject {
        /// The error kind.
        kind: ParseErrorKind,
        /// The start of the line holding the error offset.
        line: &'static str,
        /// The bytes at the error offset.
        at: &'static str,
    },
    /// [`parse_message`] rejects it with this kind at the very end of the input (something is
    /// missing: the blank line, body bytes).
    RejectAtEnd(ParseErrorKind),
}

/// Parses `data` with `framing`, asserts `verdict`, and for a message that parses asserts
/// that it round-trips ([`assert_round_trip`]). Returns the message when it parses.
pub fn assert_verdict(label: &str, data: Bytes, framing: Framing, verdict: &Verdict) -> Option<Message> {
    let parsed = parse_message(data.clone(), framing, &Limits::default());
    match (verdict, parsed) {
        (Verdict::Reject { kind, line, at }, Err(e)) => {
            assert_eq!(e.kind, *kind, "{label}: {e}");
            let got = line_at(&data, e.offset);
            assert!(
                got.starts_with(line.as_bytes()),
                "{label}: error at byte {} is on line {:?}, expected a line starting {line:?}",
                e.offset,
                String::from_utf8_lossy(got)
            );
            assert!(
                data[e.offset..].starts_with(at.as_bytes()),
                "{label}: error at byte {} points at {:?}, expected {at:?}",
                e.offset,
                String::from_utf8_lossy(&data[e.offset..(e.offset + 20).min(data.len())])
            );
            None
        }
        (Verdict::RejectAtEnd(kind), Err(e)) => {
            assert_eq!(e.kind, *kind, "{label}: {e}");
            assert_eq!(e.offset, data.len(), "{label}: {e}");
            None
        }
        (Verdict::Reject { .. } | Verdict::RejectAtEnd(_), Ok(_)) => {
            panic!("{label}: parsed, but the verdict is {verdict:?}")
        }
        (_, Err(e)) => panic!("{label}: does not parse ({e}), but the verdict is {verdict:?}"),
        (v, Ok(msg)) => {
            assert_round_trip(&msg, framing);
            let checked = msg.as_request().map(|r| check_request(r, &UasPolicy::default()));
            match v {
                Verdict::Refuse(status, problem) => assert_eq!(
                    checked,
                    Some(Err(Rejection {
                        status: *status,
                        problem: problem.clone()
                    })),
                    "{label}"
                ),
                _ => assert!(
                    matches!(checked, None | Some(Ok(()))),
                    "{label}: refused: {checked:?}"
                ),
            }
            Some(msg)
        }
    }
}
