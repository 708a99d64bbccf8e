//! The [tokio] runtime adapter for sansip.
//!
//! `sansip-core` is a sans-IO SIP user agent: it never touches a socket, a clock or the OS
//! random source. This crate is the part that does, on tokio, and nothing more: no SIP rule
//! lives here.
//!
//! - **One task per UA.** [`Ua::start`] spawns a task that owns a core `Ua`, its connections
//!   and its timer, and `select!`s over application commands, connection events and
//!   `poll_timeout`, draining `poll_output` after each. Each connection has an I/O task of its
//!   own, owned by the UA task. Many UAs run side by side in one process.
//! - **Transports.** SIP over WebSocket (RFC 7118: the `sip` subprotocol is offered and a server
//!   that does not choose it is refused), `ws://` and `wss://`; UDP (one socket per connection,
//!   datagrams to the server's address); TCP and TLS (raw bytes; the core frames the stream).
//!   TLS is rustls with the webpki roots, extra CA certificates, or — for lab servers only —
//!   [`TlsOptions::dangerous_accept_any_certificate`].
//! - **Clock and randomness.** The core's `Instant` counts milliseconds from the task's start;
//!   the random number generator is seeded from the OS, or from [`UaOptions::seed`] to replay
//!   a run.
//! - **Calls.** [`UaHandle::call`] places one and returns its [`Session`]; an incoming call
//!   arrives as the core's `Event::NewSession` and [`UaHandle::session`] gives its handle. The
//!   SDP comes from a media engine; `stop()` ends every call before unregistering.
//! - **Media.** [`media::RtpAudio`] is a plain RTP audio engine (G.711, RFC 4733 DTMF, RTCP,
//!   symmetric RTP, STUN) behind the [`media::MediaSession`] trait: it writes the SDP a call
//!   carries and moves the audio. [`CallMedia`] feeds a call's SDP events (answers, re-offers,
//!   our hold) to its engine.
//! - **Lab server** (feature `lab-server`). `lab` is a loopback registrar/proxy with digest
//!   auth, written for tests and demos: the `demo` example and the tests run against it.
//! - **`trace_sip`.** With the configuration's `trace_sip` on, every message sent and received
//!   is logged through `tracing` at target [`TRACE_TARGET`] as a ladder entry (see
//!   [`ladder_entry`]).
//!
//! ```no_run
//! use sansip_tokio::core::config::Config;
//! use sansip_tokio::core::ua::Event;
//! use sansip_tokio::Ua;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::from_json(r#"{
//!     "uri": "sip:alice@example.com",
//!     "ws_servers": "wss://sip.example.com",
//!     "password": "secret"
//! }"#)?;
//! let (ua, mut events) = Ua::start(config)?;
//! while let Some(event) = events.next().await {
//!     match event {
//!         Event::Registered { .. } => break,
//!         Event::RegistrationFailed { cause, .. } => return Err(format!("{cause:?}").into()),
//!         _ => {}
//!     }
//! }
//! let status = ua.send_message("bob", "text/plain", "hello").await?;
//! println!("bob's server said {status}");
//! ua.stop().await; // unregisters, closes the connection, waits for the task
//! # Ok(())
//! # }
//! ```
//!
//! [tokio]: https://tokio.rs

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

mod call_media;
mod clock;
mod driver;
mod handle;
#[cfg(feature = "lab-server")]
pub mod lab;
pub mod media;
mod options;
mod session;
mod tls;
mod trace;
mod transport;

/// The sans-IO protocol core this adapter drives (`sansip-core`, built with `std` and `serde`).
pub use sansip_core as core;

pub use call_media::{CallMedia, CallMediaError};
pub use handle::{Events, MessageError, StartError, Stopped, Ua, UaHandle};
pub use options::{UaOptions, DEFAULT_CONNECT_TIMEOUT};
pub use session::{CallError, Session, SessionError};
pub use tls::{TlsError, TlsOptions};
pub use trace::{ladder_entry, TRACE_TARGET};
