//! The interop suite: sansip UAs on the tokio runtime against real third-party SIP software on
//! 127.0.0.1 — Kamailio as registrar and proxy (WebSocket, secure WebSocket, UDP, TCP, TLS,
//! digest auth), SIPp as a scripted UAS and UAC, baresip as a softphone.
//!
//! `tests/interop/run` installs and starts the peers and runs this file with
//! `SANSIP_INTEROP=1` and the ports in the environment; without them every test prints why it
//! is skipped and passes, so `cargo test --workspace` needs none of that software. The tests
//! share one Kamailio and one of them restarts it: run them one at a time
//! (`--test-threads=1`, as the script does).
//!
//! One scenario a module, below `interop/`; the helpers they share are `peers` (Kamailio,
//! sipp and the UAs), `events` (waiting on a UA's events), `audio` (sansip's RTP engine) and
//! `baresip`. The test harness runs the tests in the order of their names, module path
//! included: `restart` must stay last.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// Shared with calls.rs and signalling.rs; this suite uses `until` and `registered`.
#[allow(dead_code)]
mod support;

#[path = "interop/audio.rs"]
mod audio;
#[path = "interop/baresip.rs"]
mod baresip;
#[path = "interop/events.rs"]
mod events;
#[path = "interop/peers.rs"]
mod peers;

// The scenarios, in the order the harness runs them.
#[path = "interop/calls_between_sansip.rs"]
mod calls_between_sansip;
#[path = "interop/calls_with_baresip.rs"]
mod calls_with_baresip;
#[path = "interop/calls_with_sipp.rs"]
mod calls_with_sipp;
#[path = "interop/messages.rs"]
mod messages;
#[path = "interop/registration.rs"]
mod registration;
#[path = "interop/restart.rs"]
mod restart;
