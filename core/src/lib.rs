//! # sansip-core
//!
//! The protocol core of sansip, a SIP user agent library: pure state machines and a zero-copy
//! SIP message layer, with no I/O, no clock and no OS randomness. Runtime adapters
//! (`sansip-tokio`, `sansip-async-std`) own the sockets and timers and drive the core.
//!
//! This release holds the message layer: [`parse::parse_message`] turns bytes into a
//! [`message::Message`] that shares the input buffer; builders make new messages; the
//! [`parse::StreamFramer`] cuts messages out of TCP/TLS streams.
//!
//! ```
//! use bytes::Bytes;
//! use sansip_core::message::{HeaderName, Message};
//! use sansip_core::parse::{parse_message, Framing, Limits};
//!
//! let wire = Bytes::from_static(
//!     b"OPTIONS sip:bob@example.com SIP/2.0\r\n\
//!       Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKhjhs8ass877\r\n\
//!       Max-Forwards: 70\r\n\
//!       To: <sip:bob@example.com>\r\n\
//!       From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n\
//!       Call-ID: a84b4c76e66710\r\n\
//!       CSeq: 63104 OPTIONS\r\n\
//!       \r\n",
//! );
//! let msg = parse_message(wire, Framing::WebSocket, &Limits::default())?;
//! let Message::Request(req) = &msg else { unreachable!() };
//! assert_eq!(req.method().as_str(), "OPTIONS");
//! assert_eq!(req.uri().host(), "example.com");
//! assert_eq!(req.via_branch(), Some(&b"z9hG4bKhjhs8ass877"[..]));
//! assert_eq!(req.from_tag(), Some(&b"1928301774"[..]));
//! assert_eq!(req.cseq().map(|c| c.seq), Some(63104));
//! let from = req.headers().from().unwrap()?;
//! assert_eq!(from.display_name().as_deref(), Some("Alice"));
//! assert_eq!(req.headers().get(HeaderName::MaxForwards), Some(&b"70"[..]));
//!
//! // Encoding writes exactly one Content-Length.
//! let out = msg.to_bytes();
//! assert!(out.ends_with(b"Content-Length: 0\r\n\r\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

extern crate alloc;

pub mod auth;
pub mod cause;
pub mod config;
pub mod header;
pub mod message;
pub mod params;
pub mod parse;
pub mod registration;
pub mod time;
pub mod transaction;
pub mod transport;
pub mod ua;
pub mod uri;
