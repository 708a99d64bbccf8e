//! A simulated SIP proxy, written for these tests (not part of sansip): the UAs' outbound
//! proxy and, through the [`Registrar`] it wraps, their registrar. It routes between the UAs
//! of a [`Sim`](super::Sim) (see [`Sim::with_proxy`](super::Sim::with_proxy)):
//!
//! - REGISTER goes to the registrar, which keeps the bindings (AOR → contacts, each with the
//!   connection it came on);
//! - a request to an address of record (`sip:bob@example.com`) is forwarded to every live
//!   binding (parallel forking), its Request-URI replaced by the contact (RFC 3261 §16.5);
//!   a request to a registered contact (in-dialog, loose routing: our Route is removed,
//!   §16.4) goes to that contact's connection;
//! - forwarding adds a Via of ours on top, decrements Max-Forwards (483 at zero), and adds
//!   `Record-Route` to initial INVITEs when configured (§16.6);
//! - responses are routed back by popping our Via (§16.7);
//! - optionally, initial INVITEs and MESSAGEs are challenged with 407 ([`ProxyAuth`]).
//!
//! Over reliable transports (WS, WSS, TCP, TLS) it is transaction stateful (§16): 100 Trying
//! to an INVITE, the best final response of all branches once all have answered (every 2xx
//! at once), its own ACK for a non-2xx and absorption of the caller's, CANCEL answered 200
//! and sent on to every branch still ringing (once that branch has sent a provisional,
//! §9.1), the other branches cancelled when one answers ([`Proxy::cancel_forks`]), and a
//! branch whose connection closes counted as a 503 (§16.9: a transport error).
//! Over UDP it is transaction stateless (§16.11): every request and response is forwarded
//! as it comes, with the same branch for a retransmission, an ACK or a CANCEL of the same
//! INVITE, so the UAs' retransmissions carry the work end to end. It has no timers (no
//! Timer C, no retransmissions of its own CANCEL or ACK).

mod attach;
mod auth;
mod stateful;
#[cfg(test)]
mod tests;
pub mod wire;

pub use auth::ProxyAuth;

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use sansip_core::message::{split_list, HeaderName, Message, Method, Request};
use sansip_core::parse::{parse_message, Framing, Limits};
use sansip_core::time::Instant;
use sansip_core::transport::TransportKind;
use sansip_core::uri::Uri;

use super::{PeerAction, PeerConn, Registrar};
use stateful::ServerTx;
use wire::{forward_request, max_forwards, response};

/// What the proxy sends: bytes (or a close) on a UA's connection.
pub type Routed = Vec<(PeerConn, PeerAction)>;

/// One place a request goes: a connection, and the contact to put in the Request-URI when
/// the request was addressed to an address of record.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    conn: PeerConn,
    retarget: Option<String>,
    branch: String,
}

/// The simulated proxy. See the [module docs](self).
#[derive(Debug)]
pub struct Proxy {
    /// Our host: the Via sent-by, and what a Route of ours names.
    pub host: String,
    /// The `Record-Route` value added to initial INVITEs; `None`: no record-routing.
    pub record_route: Option<String>,
    /// When one branch of a forked INVITE answers 2xx, CANCEL the branches still ringing
    /// (RFC 3261 §16.7 step 10). Off: they keep ringing, and a second 2xx reaches the caller.
    pub cancel_forks: bool,
    /// The digest challenge, if any.
    pub auth: Option<ProxyAuth>,
    /// Responses that matched no branch of ours, dropped.
    pub stray_responses: usize,
    /// Messages that did not parse.
    pub malformed: usize,
    txs: BTreeMap<String, ServerTx>,
    /// Our branch → (server transaction key, branch index), stateful transactions.
    branches: BTreeMap<String, (String, usize)>,
    /// Stateless forwarding: upstream key → the targets with our branches.
    stateless: BTreeMap<String, Vec<Target>>,
    /// Stateless forwarding: our branch → the connection the request came on.
    stateless_up: BTreeMap<String, PeerConn>,
    /// Requests we answered ourselves (407, 404, 481...): key → the response.
    answered: BTreeMap<String, Bytes>,
    closed: BTreeSet<PeerConn>,
    transports: BTreeMap<PeerConn, TransportKind>,
    next_branch: u64,
}

impl Default for Proxy {
    fn default() -> Self {
        Proxy::new()
    }
}

/// The key of a transaction as the proxy's server side sees it: connection, top Via branch,
/// method (CANCEL and ACK name the INVITE they belong to).
fn tx_key(conn: PeerConn, branch: &str, method: &str) -> String {
    format!("{}:{} {branch} {method}", conn.ua, conn.conn.0)
}

/// The framing of messages on `transport`.
pub fn framing(transport: TransportKind) -> Framing {
    match transport {
        TransportKind::Udp => Framing::Datagram,
        TransportKind::Ws | TransportKind::Wss => Framing::WebSocket,
        TransportKind::Tcp | TransportKind::Tls => Framing::Stream,
    }
}

impl Proxy {
    /// `proxy.example.com`, record-routing `<sip:proxy.example.com;lr;transport=ws>`,
    /// cancelling the other forks, no authentication.
    pub fn new() -> Proxy {
        Proxy {
            host: "proxy.example.com".to_owned(),
            record_route: Some("<sip:proxy.example.com;lr;transport=ws>".to_owned()),
            cancel_forks: true,
            auth: None,
            stray_responses: 0,
            malformed: 0,
            txs: BTreeMap::new(),
            branches: BTreeMap::new(),
            stateless: BTreeMap::new(),
            stateless_up: BTreeMap::new(),
            answered: BTreeMap::new(),
            closed: BTreeSet::new(),
            transports: BTreeMap::new(),
            next_branch: 0,
        }
    }

    /// Reads one whole message from `from` (on `transport`) at `now` and says what to send
    /// where. REGISTER goes to `registrar`, whose bindings say where the UAs are.
    pub fn receive(
        &mut self,
        now: Instant,
        from: PeerConn,
        transport: TransportKind,
        data: Bytes,
        registrar: &mut Registrar,
    ) -> Routed {
        self.transports.insert(from, transport);
        let msg = match parse_message(data.clone(), framing(transport), &Limits::default()) {
            Ok(m) => m,
            Err(_) => {
                self.malformed += 1;
                return Vec::new();
            }
        };
        match msg {
            Message::Response(resp) => {
                let branch = String::from_utf8_lossy(resp.via_branch().unwrap_or_default()).into_owned();
                if self.branches.contains_key(&branch) {
                    self.stateful_response(from, &branch, &resp, &data)
                } else if let Some(up) = self.stateless_up.get(&branch) {
                    // RFC 3261 §16.11: pop our Via and pass it on.
                    vec![(*up, PeerAction::Send(wire::pop_via(&data)))]
                } else {
                    self.stray_responses += 1;
                    Vec::new()
                }
            }
            Message::Request(req) if *req.method() == Method::Register => registrar
                .receive(now, from, data, framing(transport))
                .into_iter()
                .map(|a| (from, a))
                .collect(),
            Message::Request(req) => self.request(now, from, transport, req, data, registrar),
        }
    }

    fn request(
        &mut self,
        now: Instant,
        from: PeerConn,
        transport: TransportKind,
        req: Request,
        data: Bytes,
        registrar: &Registrar,
    ) -> Routed {
        let method = req.method().clone();
        let branch = String::from_utf8_lossy(req.via_branch().unwrap_or_default()).into_owned();
        let class = if method == Method::Ack {
            "INVITE"
        } else {
            method.as_str()
        };
        let own = tx_key(from, &branch, class);
        // A request we answered ourselves: its retransmission gets the same response, the ACK
        // for it ends here (RFC 3261 §17.2.1).
        if let Some(resp) = self.answered.get(&own) {
            return match method {
                Method::Ack => Vec::new(),
                _ => vec![(from, PeerAction::Send(resp.clone()))],
            };
        }
        let mut local = |status: u16, extra: &[(&str, String)], answered: &mut BTreeMap<String, Bytes>| {
            let resp = response(&req, status, extra);
            answered.insert(own.clone(), resp.clone());
            vec![(from, PeerAction::Send(resp))]
        };
        // RFC 3261 §16.3 step 3.
        if max_forwards(&req) == 0 && method != Method::Ack {
            return local(483, &[], &mut self.answered);
        }
        if let Some(challenge) = self.auth.as_mut().and_then(|a| a.check(now, &req)) {
            self.answered.insert(own, challenge.clone());
            return vec![(from, PeerAction::Send(challenge))];
        }
        if transport.is_reliable() {
            self.stateful_request(now, from, &req, &data, registrar, &mut local)
        } else {
            self.stateless_request(from, &req, &data, registrar, &mut local)
        }
    }

    /// RFC 3261 §16.11: forward as it comes; the same branch for a retransmission, and for an
    /// ACK or CANCEL of the same INVITE.
    fn stateless_request(
        &mut self,
        from: PeerConn,
        req: &Request,
        data: &Bytes,
        registrar: &Registrar,
        local: &mut impl FnMut(u16, &[(&str, String)], &mut BTreeMap<String, Bytes>) -> Routed,
    ) -> Routed {
        let method = req.method().clone();
        let branch = String::from_utf8_lossy(req.via_branch().unwrap_or_default()).into_owned();
        let class = if matches!(method, Method::Ack | Method::Cancel) {
            "INVITE"
        } else {
            method.as_str()
        };
        let key = tx_key(from, &branch, class);
        let targets = match self.stateless.get(&key) {
            Some(t) => t.clone(),
            None if method == Method::Cancel => return local(481, &[], &mut self.answered),
            None => match self.resolve(req, registrar) {
                Ok(t) => {
                    let t: Vec<Target> = t.into_iter().map(|t| self.with_branch(t)).collect();
                    for t in &t {
                        self.stateless_up.insert(t.branch.clone(), from);
                    }
                    self.stateless.insert(key, t.clone());
                    t
                }
                Err(_) if method == Method::Ack => return Vec::new(),
                Err(status) => return local(status, &[], &mut self.answered),
            },
        };
        targets
            .iter()
            .map(|t| (t.conn, PeerAction::Send(self.forwarded(req, data, t))))
            .collect()
    }

    /// `target` with a new branch of ours.
    fn with_branch(&mut self, mut target: Target) -> Target {
        self.next_branch += 1;
        target.branch = format!("z9hG4bKproxy{}", self.next_branch);
        target
    }

    /// `req` (whose bytes are `data`) as forwarded to `target`.
    fn forwarded(&self, req: &Request, data: &[u8], target: &Target) -> Bytes {
        let transport = self
            .transports
            .get(&target.conn)
            .copied()
            .unwrap_or(TransportKind::Wss);
        let via = format!(
            "SIP/2.0/{} {};branch={}",
            transport.via_token(),
            self.host,
            target.branch
        );
        // RFC 3261 §16.6 step 4: record-route requests that create a dialog.
        let rr = (*req.method() == Method::Invite && req.to_tag().is_none())
            .then_some(self.record_route.as_deref())
            .flatten();
        forward_request(
            data,
            &via,
            rr,
            self.route_is_ours(req),
            target.retarget.as_deref(),
        )
    }

    /// True when the top Route names us (RFC 3261 §16.4: we remove it).
    fn route_is_ours(&self, req: &Request) -> bool {
        let Some(route) = req.headers().get(HeaderName::Route) else {
            return false;
        };
        let first = split_list(route).next().unwrap_or_default();
        let first = String::from_utf8_lossy(first).to_ascii_lowercase();
        first.contains(&format!("sip:{}", self.host.to_ascii_lowercase()))
    }

    /// Where `req` goes (RFC 3261 §16.5): the binding whose contact is the Request-URI, else
    /// every live binding of the Request-URI as an address of record. 404 for an unknown
    /// address, 480 when nobody is reachable. Targets have no branch yet.
    fn resolve(&self, req: &Request, registrar: &Registrar) -> Result<Vec<Target>, u16> {
        let uri = req.uri();
        let user = String::from_utf8_lossy(uri.user().unwrap_or_default()).into_owned();
        let host = uri.host().to_ascii_lowercase();
        let now_bindings = registrar.bindings.values().flatten();
        for b in now_bindings {
            let Ok(contact) = Uri::parse_str(&b.contact) else {
                continue;
            };
            let c_user = String::from_utf8_lossy(contact.user().unwrap_or_default()).into_owned();
            if c_user == user && contact.host().eq_ignore_ascii_case(&host) {
                if self.closed.contains(&b.conn) {
                    return Err(480);
                }
                return Ok(vec![Target {
                    conn: b.conn,
                    retarget: None,
                    branch: String::new(),
                }]);
            }
        }
        let aor = format!("sip:{user}@{host}");
        let Some(list) = registrar.bindings.get(&aor) else {
            return Err(404);
        };
        let targets: Vec<Target> = list
            .iter()
            .filter(|b| !self.closed.contains(&b.conn))
            .map(|b| Target {
                conn: b.conn,
                retarget: Some(b.contact.clone()),
                branch: String::new(),
            })
            .collect();
        if targets.is_empty() {
            Err(480)
        } else {
            Ok(targets)
        }
    }

    /// Connection `conn` closed: branches on it are over (a 503, RFC 3261 §16.7 step 2), and
    /// INVITEs that came on it are cancelled (their responses have nowhere to go).
    pub fn connection_closed(&mut self, conn: PeerConn) -> Routed {
        self.closed.insert(conn);
        self.stateful_closed(conn)
    }
}
