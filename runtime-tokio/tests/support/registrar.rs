//! An in-process test registrar (for tests only): SIP over WebSocket (with or without echoing
//! the `sip` subprotocol), secure WebSocket, TCP, TLS and UDP on 127.0.0.1 with an ephemeral
//! port. It challenges every REGISTER with digest, checks the answer against its user table,
//! answers MESSAGE with 200, records what it saw, and closes its connections on demand. Over
//! WebSocket it also routes calls between its registered users (`proxy.rs`); an INVITE to
//! anyone else is answered 480.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{broadcast, mpsc};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{crypto, ServerConfig};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::handshake::server::{Request as WsRequest, Response as WsResponse};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use super::proxy::{self, Routes};
use super::sip::{digest_valid, Request, REALM};

/// The test CA that signed `certs/server.pem`.
pub const CA_PEM: &[u8] = include_bytes!("../certs/ca.pem");
const SERVER_PEM: &[u8] = include_bytes!("../certs/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("../certs/server.key");

/// The registrar's binding lifetime when the REGISTER asks for none.
pub const EXPIRES: u32 = 600;

/// What the registrar saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Transport connections accepted (WebSocket handshakes started, TCP/TLS accepts).
    pub connections: usize,
    /// WebSocket handshakes whose client offered the `sip` subprotocol.
    pub offered_sip: usize,
    /// Every REGISTER, in order.
    pub registers: Vec<Request>,
    /// REGISTERs whose digest checked out.
    pub authorized: usize,
    /// Every MESSAGE, in order.
    pub messages: Vec<Request>,
    /// Current bindings: AOR user → Contact.
    pub bindings: HashMap<String, String>,
    /// Every message the proxy forwarded, as its method or status code, in order.
    pub routed: Vec<String>,
}

struct Inner {
    users: HashMap<String, String>,
    seen: Mutex<Seen>,
    echo_subprotocol: bool,
    /// TCP/TLS: write each response in two pieces, 20 ms apart.
    split_writes: bool,
    close: broadcast::Sender<()>,
    routes: Mutex<Routes>,
}

/// A running test registrar. Its tasks end with the test's runtime.
#[derive(Clone)]
pub struct Registrar {
    inner: Arc<Inner>,
    /// Where it listens.
    pub addr: SocketAddr,
}

/// How the registrar is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `ws://`.
    Ws,
    /// `wss://` with `certs/server.pem`.
    Wss,
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
    /// TLS with `certs/server.pem`.
    Tls,
}

fn tls_acceptor() -> TlsAcceptor {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(SERVER_PEM)
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY).unwrap();
    let config = ServerConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

impl Registrar {
    /// Starts a registrar on `transport` knowing `users` (user, password).
    pub async fn start(transport: Transport, users: &[(&str, &str)]) -> Registrar {
        Self::start_with(transport, users, true, false).await
    }

    /// A WebSocket registrar that does not echo the `sip` subprotocol (RFC 7118 §4.1 violation).
    pub async fn without_subprotocol(users: &[(&str, &str)]) -> Registrar {
        Self::start_with(Transport::Ws, users, false, false).await
    }

    /// A TCP registrar that writes each response in two pieces, so one SIP message arrives
    /// in two reads.
    pub async fn splitting_tcp(users: &[(&str, &str)]) -> Registrar {
        Self::start_with(Transport::Tcp, users, true, true).await
    }

    async fn start_with(
        transport: Transport,
        users: &[(&str, &str)],
        echo_subprotocol: bool,
        split_writes: bool,
    ) -> Registrar {
        let inner = Arc::new(Inner {
            users: users
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
            seen: Mutex::new(Seen::default()),
            echo_subprotocol,
            split_writes,
            close: broadcast::channel(4).0,
            routes: Mutex::new(Routes::default()),
        });
        if transport == Transport::Udp {
            let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let addr = socket.local_addr().unwrap();
            tokio::spawn(serve_udp(socket, inner.clone()));
            return Registrar { inner, addr };
        }
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tls = matches!(transport, Transport::Wss | Transport::Tls).then(tls_acceptor);
        let server = inner.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                server.seen.lock().unwrap().connections += 1;
                let (server, tls) = (server.clone(), tls.clone());
                tokio::spawn(async move {
                    let websocket = matches!(transport, Transport::Ws | Transport::Wss);
                    match tls {
                        None if websocket => serve_ws(tcp, server).await,
                        None => serve_stream(tcp, server).await,
                        Some(tls) => {
                            // A client that refuses our certificate ends the handshake here.
                            let Ok(stream) = tls.accept(tcp).await else { return };
                            if websocket {
                                serve_ws(stream, server).await
                            } else {
                                serve_stream(stream, server).await
                            }
                        }
                    }
                });
            }
        });
        Registrar { inner, addr }
    }

    /// The `ws_servers` value that reaches this registrar over `transport`.
    pub fn server_uri(&self, transport: Transport) -> String {
        match transport {
            Transport::Ws => format!("ws://{}", self.addr),
            Transport::Wss => format!("wss://{}", self.addr),
            Transport::Udp => format!("sip:{};transport=udp", self.addr),
            Transport::Tcp => format!("sip:{};transport=tcp", self.addr),
            Transport::Tls => format!("sips:{};transport=tls", self.addr),
        }
    }

    /// What it saw so far.
    pub fn seen<T>(&self, f: impl FnOnce(&Seen) -> T) -> T {
        f(&self.inner.seen.lock().unwrap())
    }

    /// Closes every open connection (WebSocket: a close frame; TCP/TLS: shutdown).
    pub fn close_connections(&self) {
        let _ = self.inner.close.send(());
    }
}

impl Inner {
    /// What to do with one message received on WebSocket connection `conn`: forward it within
    /// a call, or answer it like [`Inner::answer`] (binding a registered user to `conn`).
    fn route(&self, conn: usize, text: &str) -> Option<String> {
        let req = Request::parse(text);
        let invite_user = req
            .as_ref()
            .filter(|r| r.method == "INVITE")
            .and_then(|r| proxy::uri_user(&r.uri));
        if self.routes.lock().unwrap().forward(conn, text, invite_user) {
            self.seen.lock().unwrap().routed.push(proxy::label(text));
            return None;
        }
        let reply = self.answer(text)?;
        if let Some(req) = req.filter(|r| r.method == "REGISTER" && reply.starts_with("SIP/2.0 200")) {
            let user = req.to_user().unwrap_or_default();
            let bound = (!req.removes_binding()).then_some(conn);
            self.routes.lock().unwrap().bind(&user, bound);
        }
        Some(reply)
    }

    /// The answer to one received message, if it is a request.
    fn answer(&self, text: &str) -> Option<String> {
        let req = Request::parse(text)?;
        let mut seen = self.seen.lock().unwrap();
        let reply = match req.method.as_str() {
            "REGISTER" => {
                let user = req.to_user().unwrap_or_default();
                let authorized = match (req.header("authorization"), self.users.get(&user)) {
                    (Some(auth), Some(password)) => digest_valid(auth, "REGISTER", &user, password),
                    _ => false,
                };
                if !authorized {
                    // RFC 3261 §22.4: challenge (again, after a wrong answer).
                    let nonce = format!("n{}", seen.registers.len());
                    let challenge =
                        format!("WWW-Authenticate: Digest realm=\"{REALM}\", nonce=\"{nonce}\", qop=\"auth\", algorithm=MD5");
                    req.response(401, "Unauthorized", &[challenge])
                } else if req.removes_binding() {
                    seen.authorized += 1;
                    seen.bindings.remove(&user);
                    req.response(200, "OK", &[])
                } else {
                    seen.authorized += 1;
                    let contact = req.header("contact").unwrap_or_default().to_string();
                    seen.bindings.insert(user, contact.clone());
                    req.response(200, "OK", &[format!("Contact: {contact};expires={EXPIRES}")])
                }
            }
            "MESSAGE" => req.response(200, "OK", &[]),
            // A call to nobody we can reach (RFC 3261 §21.4.18); its ACK ends there.
            "INVITE" => req.response(480, "Temporarily Unavailable", &[]),
            "ACK" => return None,
            _ => req.response(200, "OK", &[]),
        };
        match req.method.as_str() {
            "REGISTER" => seen.registers.push(req),
            "MESSAGE" => seen.messages.push(req),
            _ => {}
        }
        Some(reply)
    }
}

async fn serve_ws<S: AsyncRead + AsyncWrite + Unpin>(stream: S, server: Arc<Inner>) {
    let echo = server.echo_subprotocol;
    let offered = Arc::new(Mutex::new(false));
    let offered_in_callback = offered.clone();
    // tungstenite's callback type returns its (large) error response by value.
    #[allow(clippy::result_large_err)]
    let callback = move |req: &WsRequest, mut resp: WsResponse| {
        let sip = req.headers().get_all("sec-websocket-protocol").iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|p| p.trim().eq_ignore_ascii_case("sip")))
        });
        *offered_in_callback.lock().unwrap() = sip;
        if sip && echo {
            resp.headers_mut()
                .insert("sec-websocket-protocol", HeaderValue::from_static("sip"));
        }
        Ok(resp)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    if *offered.lock().unwrap() {
        server.seen.lock().unwrap().offered_sip += 1;
    }
    let mut close = server.close.subscribe();
    let (outgoing, mut forwarded) = mpsc::unbounded_channel();
    let conn = server.routes.lock().unwrap().open(outgoing);
    loop {
        tokio::select! {
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    if let Some(reply) = server.route(conn, text.as_str()) {
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
    server.routes.lock().unwrap().close(conn);
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

async fn serve_stream<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, server: Arc<Inner>) {
    let mut close = server.close.subscribe();
    let mut buf = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        tokio::select! {
            n = stream.read(&mut chunk) => match n {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
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
            let Some(reply) = server.answer(&String::from_utf8_lossy(&message)) else {
                continue;
            };
            let (head, tail) = match server.split_writes {
                true => reply.as_bytes().split_at(reply.len() / 2),
                false => (reply.as_bytes(), &b""[..]),
            };
            for piece in [head, tail].into_iter().filter(|p| !p.is_empty()) {
                if stream.write_all(piece).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                if server.split_writes {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }
}

async fn serve_udp(socket: UdpSocket, server: Arc<Inner>) {
    let mut buf = vec![0u8; 65_535];
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        if let Some(reply) = server.answer(&String::from_utf8_lossy(&buf[..n])) {
            let _ = socket.send_to(reply.as_bytes(), from).await;
        }
    }
}
