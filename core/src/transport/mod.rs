//! Transport management in the core: which server to connect to, failover by weight,
//! reconnection backoff, keep-alive. The runtime owns the sockets; the core decides.

mod server_uri;

pub use server_uri::{ServerUri, ServerUriError, TransportKind};

/// Identifies one connection (a WebSocket, a TCP/TLS stream, or a UDP flow to one server) for
/// the life of the UA. Chosen by the core in `Output::Connect`, echoed by the runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);
