//! The lab registrar's listeners: WebSocket (with or without TLS), TCP/TLS byte streams framed
//! by Content-Length, and UDP datagrams.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{crypto, ServerConfig};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::handshake::server::{Request as WsRequest, Response as WsResponse};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use super::{lock, Inner};

const SERVER_PEM: &[u8] = include_bytes!("certs/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("certs/server.key");

fn invalid(error: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("lab certificate: {error}"),
    )
}

/// The TLS acceptor with the lab certificate.
pub(super) fn tls_acceptor() -> std::io::Result<TlsAcceptor> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(SERVER_PEM)
        .collect::<Result<_, _>>()
        .map_err(invalid)?;
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY).map_err(invalid)?;
    let config = ServerConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(invalid)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Accepts connections until the runtime ends, serving each on a task of its own.
pub(super) async fn accept(
    listener: TcpListener,
    server: Arc<Inner>,
    tls: Option<TlsAcceptor>,
    websocket: bool,
) {
    while let Ok((tcp, _)) = listener.accept().await {
        lock(&server.seen).connections += 1;
        let (server, tls) = (server.clone(), tls.clone());
        tokio::spawn(async move {
            match tls {
                None if websocket => ws(tcp, server).await,
                None => stream(tcp, server).await,
                Some(tls) => {
                    // A client that refuses our certificate ends the handshake here.
                    let Ok(tls_stream) = tls.accept(tcp).await else {
                        return;
                    };
                    if websocket {
                        ws(tls_stream, server).await
                    } else {
                        stream(tls_stream, server).await
                    }
                }
            }
        });
    }
}

/// One SIP-over-WebSocket connection (RFC 7118): one message per text frame.
async fn ws<S: AsyncRead + AsyncWrite + Unpin>(stream: S, server: Arc<Inner>) {
    let echo = server.echo_subprotocol;
    let offered = Arc::new(std::sync::Mutex::new(false));
    let offered_in_callback = offered.clone();
    // tungstenite's callback type returns its (large) error response by value.
    #[allow(clippy::result_large_err)]
    let callback = move |req: &WsRequest, mut resp: WsResponse| {
        let sip = req.headers().get_all("sec-websocket-protocol").iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|p| p.trim().eq_ignore_ascii_case("sip")))
        });
        *lock(&offered_in_callback) = sip;
        // RFC 7118 §4.1: the server chooses `sip` when the client offers it.
        if sip && echo {
            resp.headers_mut()
                .insert("sec-websocket-protocol", HeaderValue::from_static("sip"));
        }
        Ok(resp)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    if *lock(&offered) {
        lock(&server.seen).offered_sip += 1;
    }
    let mut close = server.close.subscribe();
    let (outgoing, mut forwarded) = mpsc::unbounded_channel();
    let conn = lock(&server.routes).open(outgoing);
    loop {
        tokio::select! {
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    server.log(conn, true, text.as_str());
                    if let Some(reply) = server.route(conn, text.as_str()) {
                        server.log(conn, false, &reply);
                        if ws.send(Message::text(reply)).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            Some(text) = forwarded.recv() => {
                if ws.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
            _ = close.recv() => {
                let _ = ws.close(None).await;
                break;
            }
        }
    }
    lock(&server.routes).close(conn);
}

/// The length of the first whole message in `buf` (headers and Content-Length body).
fn framed_len(buf: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(buf).ok()?;
    let head_end = text.find("\r\n\r\n")? + 4;
    let body_len = text
        .get(..head_end)?
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length") || n.trim() == "l")
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    (buf.len() >= head_end + body_len).then_some(head_end + body_len)
}

/// One TCP or TLS connection: a byte stream framed by Content-Length (RFC 3261 §18.3).
async fn stream<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, server: Arc<Inner>) {
    let mut close = server.close.subscribe();
    let mut buf = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        tokio::select! {
            n = stream.read(&mut chunk) => match n {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            },
            _ = close.recv() => {
                let _ = stream.shutdown().await;
                return;
            }
        }
        // Keep-alive CRLFs between messages (RFC 5626 §3.5.1) are skipped.
        while buf.starts_with(b"\r\n") {
            buf.drain(..2);
        }
        while let Some(len) = framed_len(&buf) {
            let message: Vec<u8> = buf.drain(..len).collect();
            let text = String::from_utf8_lossy(&message);
            server.log(0, true, &text);
            let Some(reply) = server.answer(&text) else {
                continue;
            };
            server.log(0, false, &reply);
            let (head, tail) = match server.split_writes {
                true => reply.as_bytes().split_at(reply.len() / 2),
                false => (reply.as_bytes(), &b""[..]),
            };
            for piece in [head, tail].into_iter().filter(|p| !p.is_empty()) {
                if stream.write_all(piece).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                if server.split_writes {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
}

/// The UDP socket: one message per datagram.
pub(super) async fn udp(socket: UdpSocket, server: Arc<Inner>) {
    let mut buf = vec![0u8; 65_535];
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        let text = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
        server.log(0, true, &text);
        if let Some(reply) = server.answer(&text) {
            server.log(0, false, &reply);
            let _ = socket.send_to(reply.as_bytes(), from).await;
        }
    }
}
