//! The [tokio] runtime adapter for sansip.
//!
//! `sansip-core` is a sans-IO SIP user agent: it never touches a socket, a clock or the OS
//! random source. This crate will be the part that does, on tokio:
//!
//! - **Transports**: SIP over WebSocket (RFC 7118, the `sip` subprotocol, `ws://` and `wss://`),
//!   and UDP, TCP and TLS. It opens a connection when the core emits `Output::Connect`, writes
//!   `Output::Transmit` bytes, closes on `Output::Disconnect`, and feeds what arrives back as
//!   `Input::Connected` / `Input::Received` (one whole SIP message per WebSocket frame or
//!   datagram; stream transports go through the core's stream framer first).
//! - **Timers**: it sleeps until the instant `Ua::poll_timeout` returns and then calls
//!   `Ua::handle_timeout`, converting between `std::time::Instant` and the core's own `Instant`.
//! - **Media**: a media engine that opens RTP sockets, produces the local SDP and consumes the
//!   remote one, following the offer/answer state the core negotiates.
//!
//! The run loop it drives is the core's: `handle_input` / `handle_timeout` in, `poll_output`
//! drained after every input or command, `poll_timeout` for the next wake-up. See the
//! `sansip-core` crate docs for that loop.
//!
//! This crate is a skeleton for now: it re-exports the core as [`core`].
//!
//! [tokio]: https://tokio.rs

#![forbid(unsafe_code)]

/// The sans-IO protocol core this adapter drives (`sansip-core`, built with `std`).
pub use sansip_core as core;
