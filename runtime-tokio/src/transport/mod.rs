//! The sockets: one I/O task per connection the core asks for. A task opens its transport
//! (WebSocket, TCP, TLS or a UDP socket), reports `Connected` or `ConnectFailed`, then moves
//! bytes both ways until the peer closes (`Closed`) or the UA drops the connection's sender
//! (the core's `Output::Disconnect`), when it closes politely and ends.

mod link;
mod open;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use sansip_core::transport::{ConnId, ServerUri};
use tokio::sync::mpsc;
use tokio_rustls::rustls::ClientConfig;

/// What every connection of one UA shares.
#[derive(Debug)]
pub(crate) struct ConnectContext {
    /// The rustls client configuration for wss and TLS.
    pub(crate) tls: Arc<ClientConfig>,
    /// How long opening a connection (lookup, TCP, TLS and WebSocket handshakes) may take.
    pub(crate) connect_timeout: Duration,
}

/// What happened on a connection, for the UA task to feed to the core.
#[derive(Debug)]
pub(crate) enum IoEvent {
    /// The connection is open.
    Connected(ConnId),
    /// The connection could not be opened.
    ConnectFailed(ConnId),
    /// The peer closed the connection, or it failed.
    Closed(ConnId),
    /// One WebSocket message, one datagram, or one chunk of a TCP/TLS stream.
    Received(ConnId, Bytes),
}

/// Runs connection `conn` to `server`: open, then relay until closed. Bytes to send arrive on
/// `outgoing`; when its sender is dropped the connection is closed without an event.
pub(crate) async fn run_connection(
    conn: ConnId,
    server: ServerUri,
    ctx: Arc<ConnectContext>,
    mut outgoing: mpsc::UnboundedReceiver<Bytes>,
    events: mpsc::UnboundedSender<IoEvent>,
) {
    let opened = tokio::time::timeout(ctx.connect_timeout, open::open(&server, &ctx)).await;
    let mut link = match opened {
        Ok(Ok(link)) => link,
        Ok(Err(e)) => {
            tracing::warn!(target: "sansip::transport", "cannot connect to {server}: {e}");
            let _ = events.send(IoEvent::ConnectFailed(conn));
            return;
        }
        Err(_) => {
            tracing::warn!(
                target: "sansip::transport",
                "cannot connect to {server}: timed out after {:?}",
                ctx.connect_timeout
            );
            let _ = events.send(IoEvent::ConnectFailed(conn));
            return;
        }
    };
    tracing::debug!(target: "sansip::transport", "connected to {server}");
    if events.send(IoEvent::Connected(conn)).is_err() {
        return;
    }
    loop {
        tokio::select! {
            data = outgoing.recv() => match data {
                Some(data) => {
                    if let Err(e) = link.send(data).await {
                        tracing::warn!(target: "sansip::transport", "send to {server} failed: {e}");
                        let _ = events.send(IoEvent::Closed(conn));
                        return;
                    }
                }
                None => {
                    link.close().await;
                    tracing::debug!(target: "sansip::transport", "closed connection to {server}");
                    return;
                }
            },
            received = link.recv() => match received {
                Ok(Some(data)) => {
                    if events.send(IoEvent::Received(conn, data)).is_err() {
                        return;
                    }
                }
                Ok(None) => {
                    tracing::debug!(target: "sansip::transport", "{server} closed the connection");
                    let _ = events.send(IoEvent::Closed(conn));
                    return;
                }
                Err(e) => {
                    tracing::warn!(target: "sansip::transport", "connection to {server} failed: {e}");
                    let _ = events.send(IoEvent::Closed(conn));
                    return;
                }
            },
        }
    }
}
