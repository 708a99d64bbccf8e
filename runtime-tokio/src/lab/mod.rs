//! A loopback SIP registrar and proxy with digest authentication, **written for tests and
//! demos** (feature `lab-server`). It is not a server to deploy: it keeps everything in
//! memory, routes only what a two-party demo needs, and its TLS identity is a throw-away
//! certificate committed with the source ([`CA_PEM`] signed it).
//!
//! - SIP over WebSocket (echoing the `sip` subprotocol, RFC 7118 §4.1, unless told not to),
//!   secure WebSocket, TCP, TLS and UDP on 127.0.0.1 with an ephemeral port.
//! - It challenges every REGISTER with digest (RFC 3261 §22.4, MD5 with qop=auth), checks the
//!   answer against its user table, and keeps the binding in memory.
//! - Over WebSocket it proxies between its registered users: an INVITE or MESSAGE to a user
//!   bound on another connection is forwarded there, and from then on every request and
//!   response with that Call-ID goes to the other connection of the pair. It adds no Via and
//!   no Record-Route (the two ends talk as if directly connected).
//! - Anything else is answered by the registrar itself: MESSAGE with 200, an INVITE to nobody
//!   with 480, other requests with 200.
//! - [`Registrar::seen`] tells what it saw, including [`Seen::wire`], a ladder of every message.
//!
//! Its SIP handling works on text and is independent of sansip's parser and digest code, so
//! tests that use it check them rather than agree with them.

mod proxy;
mod serve;
mod sip;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::broadcast;

pub use sip::REALM;

/// The throw-away CA that signed the lab server's certificate (`CN=localhost`, SAN
/// `IP:127.0.0.1`, `DNS:localhost`): give it to `TlsOptions::add_ca_pem` to reach `wss://` or
/// TLS lab servers.
pub const CA_PEM: &[u8] = include_bytes!("certs/ca.pem");

/// The binding lifetime the registrar grants when the REGISTER asks for none.
pub const EXPIRES: u32 = 600;

/// One message the lab server received or sent, for a ladder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireEntry {
    /// The connection (numbered from 1 in accept order; 0 for UDP).
    pub conn: usize,
    /// True when the server received it on `conn`; false when it sent it there.
    pub inbound: bool,
    /// The first line of the message.
    pub first_line: String,
}

/// What the lab server saw.
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
    /// Every MESSAGE the registrar answered itself, in order.
    pub messages: Vec<Request>,
    /// Current bindings: AOR user → Contact.
    pub bindings: HashMap<String, String>,
    /// Every message the proxy forwarded, as its method or status code, in order.
    pub routed: Vec<String>,
    /// Every message received and sent, in order.
    pub wire: Vec<WireEntry>,
    /// AOR user → the connection its last successful REGISTER came on (WebSocket only; kept
    /// after an unregistration, to name the connections of a ladder).
    pub user_conns: HashMap<String, usize>,
}

pub use sip::Request;

/// How the lab server is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `ws://`.
    Ws,
    /// `wss://` with the lab certificate.
    Wss,
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
    /// TLS with the lab certificate.
    Tls,
}

struct Inner {
    users: HashMap<String, String>,
    seen: Mutex<Seen>,
    echo_subprotocol: bool,
    /// TCP/TLS: write each response in two pieces, 20 ms apart.
    split_writes: bool,
    close: broadcast::Sender<()>,
    routes: Mutex<proxy::Routes>,
}

/// A lock that survives a panicked holder: what it guards is a test log, never half-written
/// in a way that matters.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running lab registrar. Its tasks end with the runtime it was started on.
#[derive(Clone)]
pub struct Registrar {
    inner: Arc<Inner>,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Registrar {
    /// Starts a registrar on `transport` knowing `users` (user, password).
    pub async fn start(transport: Transport, users: &[(&str, &str)]) -> io::Result<Registrar> {
        Self::start_with(transport, users, true, false).await
    }

    /// A WebSocket registrar that does not echo the `sip` subprotocol (an RFC 7118 §4.1
    /// violation, for testing clients that must refuse it).
    pub async fn without_subprotocol(users: &[(&str, &str)]) -> io::Result<Registrar> {
        Self::start_with(Transport::Ws, users, false, false).await
    }

    /// A TCP registrar that writes each response in two pieces, so one SIP message arrives
    /// in two reads.
    pub async fn splitting_tcp(users: &[(&str, &str)]) -> io::Result<Registrar> {
        Self::start_with(Transport::Tcp, users, true, true).await
    }

    async fn start_with(
        transport: Transport,
        users: &[(&str, &str)],
        echo_subprotocol: bool,
        split_writes: bool,
    ) -> io::Result<Registrar> {
        let inner = Arc::new(Inner {
            users: users
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
            seen: Mutex::new(Seen::default()),
            echo_subprotocol,
            split_writes,
            close: broadcast::channel(4).0,
            routes: Mutex::new(proxy::Routes::default()),
        });
        if transport == Transport::Udp {
            let socket = UdpSocket::bind("127.0.0.1:0").await?;
            let addr = socket.local_addr()?;
            tokio::spawn(serve::udp(socket, inner.clone()));
            return Ok(Registrar { inner, addr });
        }
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let tls = match transport {
            Transport::Wss | Transport::Tls => Some(serve::tls_acceptor()?),
            _ => None,
        };
        let websocket = matches!(transport, Transport::Ws | Transport::Wss);
        tokio::spawn(serve::accept(listener, inner.clone(), tls, websocket));
        Ok(Registrar { inner, addr })
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
        f(&lock(&self.inner.seen))
    }

    /// Closes every open connection (WebSocket: a close frame; TCP/TLS: shutdown).
    pub fn close_connections(&self) {
        let _ = self.inner.close.send(());
    }
}

impl Inner {
    fn log(&self, conn: usize, inbound: bool, text: &str) {
        let first_line = text.split("\r\n").next().unwrap_or_default().to_string();
        lock(&self.seen).wire.push(WireEntry {
            conn,
            inbound,
            first_line,
        });
    }

    /// What to do with one message received on WebSocket connection `conn`: forward it within
    /// a call or to a registered user, or answer it like [`Inner::answer`] (binding a
    /// registered user to `conn`).
    fn route(&self, conn: usize, text: &str) -> Option<String> {
        let req = Request::parse(text);
        let target_user = req
            .as_ref()
            .filter(|r| r.method == "INVITE" || r.method == "MESSAGE")
            .and_then(|r| proxy::uri_user(&r.uri));
        if let Some(to) = lock(&self.routes).forward(conn, text, target_user) {
            self.log(to, false, text);
            lock(&self.seen).routed.push(proxy::label(text));
            return None;
        }
        let reply = self.answer(text)?;
        if let Some(req) = req.filter(|r| r.method == "REGISTER" && reply.starts_with("SIP/2.0 200")) {
            let user = req.to_user().unwrap_or_default();
            let bound = (!req.removes_binding()).then_some(conn);
            lock(&self.routes).bind(&user, bound);
            lock(&self.seen).user_conns.insert(user, conn);
        }
        Some(reply)
    }

    /// The answer to one received message, if it is a request.
    fn answer(&self, text: &str) -> Option<String> {
        let req = Request::parse(text)?;
        let mut seen = lock(&self.seen);
        let reply = match req.method.as_str() {
            "REGISTER" => {
                let user = req.to_user().unwrap_or_default();
                let authorized = match (req.header("authorization"), self.users.get(&user)) {
                    (Some(auth), Some(password)) => sip::digest_valid(auth, "REGISTER", &user, password),
                    _ => false,
                };
                if !authorized {
                    // RFC 3261 §22.4: challenge (again, after a wrong answer).
                    let nonce = format!("n{}", seen.registers.len());
                    let challenge = format!(
                        "WWW-Authenticate: Digest realm=\"{REALM}\", nonce=\"{nonce}\", qop=\"auth\", algorithm=MD5"
                    );
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
