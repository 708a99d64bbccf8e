//! Transport management in the core: which server to connect to, failover by weight,
//! reconnection backoff, keep-alive. The runtime owns the sockets; the core decides.

mod backoff;
mod flow;
mod keepalive;
mod server_uri;
mod servers;
#[cfg(test)]
mod tests;

pub use backoff::{Backoff, DEFAULT_RECOVERY_MAX, DEFAULT_RECOVERY_MIN};
pub use flow::{DisconnectReason, Flow, FlowAction, FlowConfig, FlowConfigError, FlowState};
pub use keepalive::{pong, sends_pings, KeepAlive, KeepAliveAction, DEFAULT_PONG_TIMEOUT, PING, PONG};
pub use server_uri::{ServerUri, ServerUriError, TransportKind};
pub use servers::{ServerEntry, ServerSet};

/// Identifies one connection (a WebSocket, a TCP/TLS stream, or a UDP flow to one server) for
/// the life of the UA. Chosen by the core in `Output::Connect`, echoed by the runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);
