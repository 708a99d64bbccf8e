//! `trace_sip`: every message sent or received, logged through `tracing` at target
//! `sansip::trace` as one ladder entry: the direction arrow, the server, the first line, then
//! the whole message, indented.

use std::fmt::Write;

use sansip_core::transport::ServerUri;
use sansip_core::ua::Direction;

/// The `tracing` target of `trace_sip` entries.
pub const TRACE_TARGET: &str = "sansip::trace";

/// One ladder entry: `--> server  FIRST LINE` (sent) or `<-- server  FIRST LINE` (received),
/// then each line of the message indented by four spaces (the blank line before a body stays
/// blank; the final CRLFs are left out).
pub fn ladder_entry(direction: Direction, server: &ServerUri, data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let arrow = match direction {
        Direction::Sent => "-->",
        Direction::Received => "<--",
    };
    let first_line = text.lines().next().unwrap_or_default();
    let mut entry = format!("{arrow} {server}  {first_line}");
    for line in text.trim_end_matches(['\r', '\n']).lines() {
        if line.is_empty() {
            entry.push('\n');
        } else {
            let _ = write!(entry, "\n    {line}");
        }
    }
    entry
}

/// Logs one `Event::SipTrace`.
pub(crate) fn log(direction: Direction, server: &ServerUri, data: &[u8]) {
    tracing::info!(target: "sansip::trace", "{}", ladder_entry(direction, server, data));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_server_first_line_then_the_message() {
        let server = ServerUri::parse("wss://sip.example.com").unwrap();
        let msg = b"SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            ladder_entry(Direction::Received, &server, msg),
            "<-- wss://sip.example.com  SIP/2.0 200 OK\n    SIP/2.0 200 OK\n    CSeq: 1 REGISTER\n    \
             Content-Length: 0"
        );
        let entry = ladder_entry(
            Direction::Sent,
            &server,
            b"MESSAGE sip:bob@example.com SIP/2.0\r\n\r\nhi",
        );
        assert!(entry.starts_with("--> wss://sip.example.com  MESSAGE sip:bob@example.com SIP/2.0\n"));
        assert!(entry.ends_with("SIP/2.0\n\n    hi"));
    }
}
