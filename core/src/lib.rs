//! # sansip-core
//!
//! The protocol core of sansip, a SIP user agent library: pure state machines and a zero-copy
//! SIP message layer, with no I/O, no clock and no OS randomness. Runtime adapters
//! (`sansip-tokio`, `sansip-async-std`) own the sockets and timers and drive the core.
//!
//! ## The run loop
//!
//! Everything comes in through one door and goes out through another. Time is the core's own
//! [`time::Instant`] (milliseconds from an epoch the caller picks) and randomness is an
//! injected [`rand_core::Rng`], so a seed replays a run exactly.
//!
//! ```
//! use sansip_core::config::Config;
//! use sansip_core::time::Instant;
//! use sansip_core::ua::{Event, Input, Output, Ua};
//! # struct Counter(u64);
//! # impl rand_core::TryRng for Counter {
//! #     type Error = core::convert::Infallible;
//! #     fn try_next_u32(&mut self) -> Result<u32, Self::Error> { Ok(self.try_next_u64()? as u32) }
//! #     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
//! #         self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
//! #         Ok(self.0)
//! #     }
//! #     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
//! #         for b in dst { *b = self.try_next_u64()? as u8; } Ok(())
//! #     }
//! # }
//! # let rng = Counter(1);
//!
//! let config = Config::builder("sip:alice@example.com")
//!     .server("wss://sip.example.com")
//!     .password("secret")
//!     .build()?;
//! let mut ua = Ua::new(config, rng, Instant::ZERO)?;
//! ua.start(Instant::ZERO);
//!
//! let mut conn = None;
//! while let Some(out) = ua.poll_output() {
//!     match out {
//!         Output::Connect { conn: c, server } => {
//!             assert_eq!(server.host, "sip.example.com");
//!             conn = Some(c); // the runtime opens the WebSocket...
//!         }
//!         Output::Transmit { .. } | Output::Disconnect { .. } => {}
//!         Output::Event(Event::Connecting { attempt, .. }) => assert_eq!(attempt, 1),
//!         Output::Event(_) => {}
//!     }
//! }
//! // ...and reports back when it is open. The core then sends the REGISTER.
//! let now = Instant::from_millis(40);
//! ua.handle_input(Input::Connected { conn: conn.unwrap(), now });
//! let register = std::iter::from_fn(|| ua.poll_output()).find_map(|o| match o {
//!     Output::Transmit { data, .. } => Some(data),
//!     _ => None,
//! });
//! assert!(register.unwrap().starts_with(b"REGISTER sip:example.com SIP/2.0\r\n"));
//! // Sleep until the next deadline (Timer F of the REGISTER here), then:
//! let wake = ua.poll_timeout().unwrap();
//! ua.handle_timeout(wake);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The message layer
//!
//! [`parse::parse_message`] turns bytes into a [`message::Message`] that shares the input
//! buffer; builders make new messages; the [`parse::StreamFramer`] cuts messages out of
//! TCP/TLS streams.
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
pub mod dialog;
#[doc(hidden)]
pub mod fuzz_targets;
pub mod header;
pub mod message;
pub mod params;
pub mod parse;
pub mod registration;
pub mod sdp;
pub mod time;
pub mod transaction;
pub mod transport;
pub mod ua;
pub mod uri;
