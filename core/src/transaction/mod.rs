//! The transaction layer (RFC 3261 §17, with the RFC 6026 fixes to INVITE 2xx handling).
//!
//! Sans-IO state machines: a [`ClientTransaction`] sends one request and follows its
//! responses, a [`ServerTransaction`] follows one received request and the responses the
//! transaction user (TU) gives it. Neither does I/O: they take messages and instants and hand
//! out bytes to send ([`poll_transmit`](ClientTransaction::poll_transmit)), the next instant
//! they need to be woken ([`poll_timeout`](ClientTransaction::poll_timeout)) and events for
//! the TU. A [`TransactionLayer`] owns many of them and matches messages to them
//! ([`TransactionKey`], RFC 3261 §17.1.3, §17.2.3).
//!
//! ```
//! use sansip_core::message::{HeaderName, Method, Request, Response, StatusCode};
//! use sansip_core::time::Instant;
//! use sansip_core::transaction::{ClientEvent, ResponseDisposition, TimerConfig, TransactionLayer};
//! use sansip_core::uri::Uri;
//!
//! let mut layer = TransactionLayer::new(TimerConfig::default());
//! let options = Request::builder(Method::Options, Uri::parse_str("sip:bob@example.com")?)
//!     .header(HeaderName::Via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK74bf9")
//!     .header(HeaderName::From, "<sip:alice@example.com>;tag=9fxced76sl")
//!     .header(HeaderName::To, "<sip:bob@example.com>")
//!     .header(HeaderName::CallId, "3848276298220188511")
//!     .header(HeaderName::CSeq, "1 OPTIONS")
//!     .build()?;
//! let tx = layer.send_request(options.clone(), false, Instant::ZERO)?;
//! let (_, wire) = layer.poll_transmit().unwrap();
//! assert!(wire.starts_with(b"OPTIONS sip:bob@example.com SIP/2.0\r\n"));
//! // UDP: Timer E retransmits after T1.
//! assert_eq!(layer.poll_timeout(), Some(Instant::from_millis(500)));
//!
//! let ok = Response::builder(StatusCode::OK).echo(&options).to_tag("8321234356").build()?;
//! match layer.receive_response(ok, Instant::from_millis(120)) {
//!     ResponseDisposition::Event(id, ClientEvent::Final(r)) => {
//!         assert_eq!(id, tx);
//!         assert_eq!(r.status(), StatusCode::OK);
//!     }
//!     other => panic!("{other:?}"),
//! }
//! // Timer K (T4) absorbs retransmitted responses, then the transaction is reaped.
//! assert_eq!(layer.poll_timeout(), Some(Instant::from_millis(5_120)));
//! assert!(layer.handle_timeout(Instant::from_millis(5_120)).is_empty());
//! assert!(layer.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod ack;
mod client;
mod key;
mod layer;
mod server;
mod timers;

#[cfg(test)]
mod tests;

pub use ack::ack_for_non_2xx;
pub use client::{ClientEvent, ClientState, ClientTransaction};
pub use key::TransactionKey;
pub use layer::{RequestDisposition, ResponseDisposition, TransactionEvent, TransactionLayer, TxId};
pub use server::{trying_for, ServerEvent, ServerState, ServerTransaction};
pub use timers::{Timer, TimerConfig, TimerTable, AUTO_TRYING_DELAY, TIMER_D_UNRELIABLE};

use crate::message::HeaderName;

/// Why a transaction could not be started or driven. All are the caller's mistakes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionError {
    /// ACK starts no transaction (RFC 3261 §17); send it directly.
    #[error("an ack is not a transaction")]
    Ack,
    /// The request lacks a header every transaction needs (RFC 3261 §8.1.1).
    #[error("request has no {} header", .0.as_str())]
    MissingHeader(HeaderName),
    /// The request's top Via has no branch to match responses by (RFC 3261 §8.1.1.7).
    #[error("request has no via branch")]
    MissingBranch,
    /// A transaction with the same key already exists (RFC 3261 §17.1.3).
    #[error("a transaction with this branch and method already exists")]
    Duplicate,
    /// No transaction has this id (it never existed or has been reaped).
    #[error("no such transaction")]
    UnknownTransaction,
    /// The id names a client transaction where a server one was needed.
    #[error("not a server transaction")]
    NotServer,
    /// The server transaction's state does not allow this response (a final one was sent).
    #[error("response not allowed in this server transaction state")]
    ResponseNotAllowed(ServerState),
}
