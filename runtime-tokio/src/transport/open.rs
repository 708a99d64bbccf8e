//! Opening a connection: name lookup, TCP, TLS, the WebSocket handshake with the `sip`
//! subprotocol (RFC 7118 §4), or a UDP socket.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::BytesMut;
use sansip_core::transport::{ServerUri, TransportKind};
use tokio::net::{lookup_host, TcpStream, UdpSocket};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::SEC_WEBSOCKET_PROTOCOL;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::link::{BoxStream, Link};
use super::ConnectContext;

/// The WebSocket subprotocol for SIP (RFC 7118 §4.1).
const SIP_SUBPROTOCOL: &str = "sip";

/// The largest WebSocket message we accept; SIP messages are far smaller.
const MAX_WS_MESSAGE: usize = 1 << 20;

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    /// The host name did not resolve.
    #[error("cannot resolve {0}")]
    Resolve(String),
    /// A socket operation failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The host is not a valid TLS server name.
    #[error("invalid tls server name {0}")]
    ServerName(String),
    /// The WebSocket handshake failed.
    #[error("websocket handshake: {0}")]
    WebSocket(#[from] tokio_tungstenite::tungstenite::Error),
    /// The server did not accept the `sip` subprotocol (RFC 7118 §4.1).
    #[error("server did not accept the \"sip\" websocket subprotocol")]
    Subprotocol,
}

/// The host without IPv6 brackets, as socket APIs and TLS server names take it.
fn bare_host(server: &ServerUri) -> &str {
    server.host.trim_start_matches('[').trim_end_matches(']')
}

/// Opens a connection to `server` over its transport.
pub(super) async fn open(server: &ServerUri, ctx: &ConnectContext) -> Result<Link, OpenError> {
    match server.transport {
        TransportKind::Udp => udp(server).await,
        TransportKind::Tcp => Ok(Link::Stream {
            io: tcp(server).await?,
            buf: BytesMut::new(),
        }),
        TransportKind::Tls => Ok(Link::Stream {
            io: tls(server, ctx).await?,
            buf: BytesMut::new(),
        }),
        TransportKind::Ws => websocket(server, tcp(server).await?).await,
        TransportKind::Wss => websocket(server, tls(server, ctx).await?).await,
    }
}

async fn tcp(server: &ServerUri) -> Result<BoxStream, OpenError> {
    let stream = TcpStream::connect((bare_host(server), server.port)).await?;
    stream.set_nodelay(true)?;
    Ok(Box::new(stream))
}

async fn tls(server: &ServerUri, ctx: &ConnectContext) -> Result<BoxStream, OpenError> {
    let host = bare_host(server);
    let name = ServerName::try_from(host.to_owned()).map_err(|_| OpenError::ServerName(host.to_owned()))?;
    let stream = TcpStream::connect((host, server.port)).await?;
    stream.set_nodelay(true)?;
    let stream = TlsConnector::from(ctx.tls.clone()).connect(name, stream).await?;
    Ok(Box::new(stream))
}

/// RFC 7118 §4.1: the client offers `Sec-WebSocket-Protocol: sip` and the server must
/// choose it.
async fn websocket(server: &ServerUri, stream: BoxStream) -> Result<Link, OpenError> {
    let scheme = if server.transport == TransportKind::Wss {
        "wss"
    } else {
        "ws"
    };
    let mut request =
        format!("{scheme}://{}:{}{}", server.host, server.port, server.path).into_client_request()?;
    request
        .headers_mut()
        .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(SIP_SUBPROTOCOL));
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_WS_MESSAGE))
        .max_frame_size(Some(MAX_WS_MESSAGE));
    let (ws, response) = tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await?;
    // tungstenite checks this too; the rule is ours, so we check it ourselves.
    let chosen = response.headers().get(SEC_WEBSOCKET_PROTOCOL);
    if !chosen.is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(SIP_SUBPROTOCOL.as_bytes())) {
        return Err(OpenError::Subprotocol);
    }
    Ok(Link::WebSocket(Box::new(ws)))
}

/// A UDP socket of our own, sending to the server's first address.
async fn udp(server: &ServerUri) -> Result<Link, OpenError> {
    let peer = lookup_host((bare_host(server), server.port))
        .await?
        .next()
        .ok_or_else(|| OpenError::Resolve(server.host.clone()))?;
    let local: SocketAddr = if peer.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).await?;
    Ok(Link::Datagram {
        socket,
        peer,
        buf: BytesMut::new(),
    })
}
