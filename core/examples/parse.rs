//! `cargo run -p sansip-core --example parse -- [--dump] [--stream|--datagram|--ws] FILE...`
//!
//! Prints, per file, `FILE: ok REQUEST METHOD`, `FILE: ok RESPONSE CODE` or
//! `FILE: invalid: REASON`, and exits non-zero if any file is invalid. `--dump` also prints
//! every header, typed where the library knows the header. Framing defaults to datagram.
#![allow(clippy::print_stdout)]

use bytes::Bytes;
use sansip_core::message::{Dump, Message};
use sansip_core::parse::{parse_message, Framing, Limits};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut dump = false;
    let mut framing = Framing::Datagram;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--dump" => dump = true,
            "--stream" => framing = Framing::Stream,
            "--datagram" => framing = Framing::Datagram,
            "--ws" => framing = Framing::WebSocket,
            "-h" | "--help" => {
                println!("usage: parse [--dump] [--stream|--datagram|--ws] FILE...");
                return ExitCode::SUCCESS;
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("usage: parse [--dump] [--stream|--datagram|--ws] FILE...");
        return ExitCode::from(2);
    }
    let mut bad = 0;
    for f in &files {
        let data = match std::fs::read(f) {
            Ok(d) => d,
            Err(e) => {
                println!("{f}: invalid: cannot read: {e}");
                bad += 1;
                continue;
            }
        };
        match parse_message(Bytes::from(data), framing, &Limits::default()) {
            Ok(Message::Request(r)) => {
                println!("{f}: ok REQUEST {}", r.method());
                if dump {
                    print!("{}", Dump(&Message::Request(r)));
                }
            }
            Ok(Message::Response(r)) => {
                println!("{f}: ok RESPONSE {}", r.status());
                if dump {
                    print!("{}", Dump(&Message::Response(r)));
                }
            }
            Err(e) => {
                println!("{f}: invalid: {e}");
                bad += 1;
            }
        }
    }
    if bad > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
