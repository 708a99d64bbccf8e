//! An open transport, whatever its kind: read one unit, write one unit, close.

use std::io;
use std::net::SocketAddr;

use bytes::{Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::UdpSocket;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

/// A byte stream: plain TCP or TLS over TCP.
pub(crate) trait ByteStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> ByteStream for T {}

/// A boxed byte stream, so TCP and TLS share one code path.
pub(crate) type BoxStream = Box<dyn ByteStream>;

/// The largest datagram we accept (the UDP maximum).
const MAX_DATAGRAM: usize = 65_535;

/// How much a stream read asks for at once.
const STREAM_CHUNK: usize = 16 * 1024;

/// An open connection.
pub(crate) enum Link {
    /// WebSocket (over TCP or TLS): one SIP message per WebSocket message (RFC 7118 §5).
    WebSocket(Box<WebSocketStream<BoxStream>>),
    /// TCP or TLS: raw bytes; the core frames the stream.
    Stream {
        /// The stream.
        io: BoxStream,
        /// The read buffer.
        buf: BytesMut,
    },
    /// UDP: datagrams to the server address.
    Datagram {
        /// Our socket.
        socket: UdpSocket,
        /// The server's address.
        peer: SocketAddr,
        /// The receive buffer.
        buf: BytesMut,
    },
}

impl Link {
    /// The next message, datagram or stream chunk; `None` when the peer closed.
    pub(crate) async fn recv(&mut self) -> io::Result<Option<Bytes>> {
        match self {
            Link::WebSocket(ws) => loop {
                match ws.next().await {
                    None | Some(Ok(Message::Close(_))) => return Ok(None),
                    Some(Err(e)) => return Err(io::Error::other(e)),
                    Some(Ok(Message::Text(text))) => return Ok(Some(Bytes::from(text))),
                    Some(Ok(Message::Binary(data))) => return Ok(Some(data)),
                    // Pings are answered by tungstenite itself.
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                }
            },
            Link::Stream { io, buf } => {
                buf.clear();
                buf.reserve(STREAM_CHUNK);
                let n = io.read_buf(buf).await?;
                Ok((n > 0).then(|| Bytes::copy_from_slice(buf)))
            }
            Link::Datagram { socket, buf, .. } => loop {
                buf.clear();
                buf.reserve(MAX_DATAGRAM);
                match socket.recv_buf_from(buf).await {
                    Ok((_, from)) => {
                        tracing::trace!(target: "sansip::transport", "datagram from {from}");
                        return Ok(Some(Bytes::copy_from_slice(buf)));
                    }
                    // An ICMP error from an earlier send (a port unreachable, say) is not the
                    // end of a connectionless flow; the transactions time out instead.
                    Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                        tracing::debug!(target: "sansip::transport", "udp: {e}");
                    }
                    Err(e) => return Err(e),
                }
            },
        }
    }

    /// Sends `data`: a text WebSocket message when it is UTF-8 (SIP is), binary otherwise.
    pub(crate) async fn send(&mut self, data: Bytes) -> io::Result<()> {
        match self {
            Link::WebSocket(ws) => {
                let msg = match Utf8Bytes::try_from(data.clone()) {
                    Ok(text) => Message::Text(text),
                    Err(_) => Message::Binary(data),
                };
                ws.send(msg).await.map_err(io::Error::other)
            }
            Link::Stream { io, .. } => {
                io.write_all(&data).await?;
                io.flush().await
            }
            Link::Datagram { socket, peer, .. } => socket.send_to(&data, *peer).await.map(|_| ()),
        }
    }

    /// Closes politely: a WebSocket close frame, a TLS close_notify and FIN.
    pub(crate) async fn close(&mut self) {
        match self {
            Link::WebSocket(ws) => {
                let _ = ws.close(None).await;
            }
            Link::Stream { io, .. } => {
                let _ = io.shutdown().await;
            }
            Link::Datagram { .. } => {}
        }
    }
}
