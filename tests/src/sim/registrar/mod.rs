//! A scripted SIP registrar: a real SIP responder written for these tests (not part of
//! sansip). It parses requests with `sansip_core::parse::parse_message`, answers REGISTER as
//! RFC 3261 §10.3 says (digest challenge, 423 with Min-Expires, bindings with expiry), fails
//! or closes the connection when a test scripts it, forgets everything when it restarts, and
//! answers a retransmitted request with the very same response bytes (RFC 3261 §17.2.2). It
//! checks digest credentials with its own MD5 code ([`super::digest`]), not sansip's.

mod bindings;
mod response;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;
use rand_core::Rng;
use rand_pcg::Pcg64;
use sansip_core::message::{HeaderName, Message, Method, Request};
use sansip_core::parse::{parse_message, Framing, Limits};
use sansip_core::time::{Duration, Instant};
use sansip_core::transport::ConnId;

use response::{fail, transaction_key};
pub use response::{response, TO_TAG};

use super::digest::{digest_params, response_qop_auth};
use super::network::chance;

/// The registrar's end of one connection: the UA's index and its connection id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerConn {
    /// The UA (its index in the simulation).
    pub ua: usize,
    /// The UA's connection id.
    pub conn: ConnId,
}

/// What the registrar does after reading a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerAction {
    /// Send these bytes back on the connection the message came on.
    Send(Bytes),
    /// Close that connection (after the sends before it).
    Close,
}

/// A scripted answer to the next new REGISTER (retransmissions are not new).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Script {
    /// Process it normally.
    Process,
    /// Answer with this status (and `Retry-After` when given) instead of processing it.
    Fail {
        /// The status code.
        status: u16,
        /// The Retry-After seconds.
        retry_after: Option<u32>,
    },
    /// Process it normally, then close the connection.
    CloseAfterResponse,
}

/// Random failures: each new REGISTER before `until` is answered 503 with probability
/// `probability`, with a Retry-After drawn from `retry_after` (inclusive) when given.
#[derive(Clone, Debug)]
pub struct RandomFailures {
    /// Probability of a 503.
    pub probability: f64,
    /// Retry-After range in seconds.
    pub retry_after: Option<(u32, u32)>,
    /// No random failure from this instant on.
    pub until: Instant,
    /// The generator (seeded by the test).
    pub rng: Pcg64,
}

/// One registered binding (RFC 3261 §10.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The contact URI as the UA wrote it.
    pub contact: String,
    /// The `+sip.instance` value, when given.
    pub instance: Option<String>,
    /// The expiry granted, in seconds.
    pub expires: u32,
    /// When the binding lapses.
    pub expires_at: Instant,
    /// The Call-ID of the REGISTER that made it.
    pub call_id: String,
    /// Its CSeq.
    pub cseq: u32,
    /// The connection it came on.
    pub conn: PeerConn,
}

/// A digest check the registrar made, for tests to inspect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthCheck {
    /// When.
    pub at: Instant,
    /// The credentials' parameters as received.
    pub params: BTreeMap<String, String>,
    /// The response value computed here.
    pub expected: String,
    /// Whether it matched.
    pub ok: bool,
}

/// A request the registrar received.
#[derive(Clone, Debug)]
pub struct Received {
    /// When.
    pub at: Instant,
    /// On which connection.
    pub conn: PeerConn,
    /// The request.
    pub request: Request,
    /// True when it repeated one already answered (and got the same response again).
    pub retransmission: bool,
}

/// The scripted registrar. See the [module docs](self).
#[derive(Debug)]
pub struct Registrar {
    /// The digest realm; `None`: no authentication.
    pub realm: Option<String>,
    /// Authorization user → password.
    pub users: BTreeMap<String, String>,
    /// The status wrong credentials get: 401 (a fresh challenge) or 403.
    pub wrong_credentials: u16,
    /// The smallest expiry accepted (RFC 3261 §10.3 step 7: else 423).
    pub min_expires: Option<u32>,
    /// The largest expiry granted (longer requests are cut to this).
    pub max_expires: Option<u32>,
    /// How long the registrar takes to answer.
    pub processing: Duration,
    /// Scripted answers, one per new REGISTER, in order.
    pub script: VecDeque<Script>,
    /// Random 503s.
    pub random_failures: Option<RandomFailures>,
    /// Bindings by address of record.
    pub bindings: BTreeMap<String, Vec<Binding>>,
    /// Every request received, in order.
    pub received: Vec<Received>,
    /// Every digest check made.
    pub auth_checks: Vec<AuthCheck>,
    /// Messages that did not parse.
    pub malformed: usize,
    /// How many times it restarted.
    pub restarts: usize,
    nonces: BTreeSet<String>,
    next_nonce: u64,
    answered: BTreeMap<String, Bytes>,
}

impl Registrar {
    /// A registrar that accepts every REGISTER without authentication.
    pub fn open() -> Registrar {
        Registrar {
            realm: None,
            users: BTreeMap::new(),
            wrong_credentials: 401,
            min_expires: None,
            max_expires: None,
            processing: Duration::ZERO,
            script: VecDeque::new(),
            random_failures: None,
            bindings: BTreeMap::new(),
            received: Vec::new(),
            auth_checks: Vec::new(),
            malformed: 0,
            restarts: 0,
            nonces: BTreeSet::new(),
            next_nonce: 1,
            answered: BTreeMap::new(),
        }
    }

    /// A registrar that challenges every REGISTER without valid credentials (qop=auth, MD5)
    /// in `realm` and knows `user` with `password`.
    pub fn with_digest(realm: &str, user: &str, password: &str) -> Registrar {
        let mut r = Registrar::open();
        r.realm = Some(realm.to_owned());
        r.users.insert(user.to_owned(), password.to_owned());
        r
    }

    /// The live bindings of `aor` at `now`.
    pub fn live_bindings(&self, aor: &str, now: Instant) -> Vec<&Binding> {
        self.bindings
            .get(aor)
            .into_iter()
            .flatten()
            .filter(|b| b.expires_at > now)
            .collect()
    }

    /// The live binding of `aor` to `contact` at `now`.
    pub fn binding(&self, aor: &str, contact: &str, now: Instant) -> Option<&Binding> {
        self.live_bindings(aor, now)
            .into_iter()
            .find(|b| b.contact == contact)
    }

    /// Forgets everything, as a restarted server does: bindings, nonces, answered requests.
    pub fn restart(&mut self) {
        self.bindings.clear();
        self.nonces.clear();
        self.answered.clear();
        self.restarts += 1;
    }

    /// Reads one whole message from `conn` at `now` and says what to do.
    pub fn receive(
        &mut self,
        now: Instant,
        conn: PeerConn,
        data: Bytes,
        framing: Framing,
    ) -> Vec<PeerAction> {
        let req = match parse_message(data, framing, &Limits::default()) {
            Ok(Message::Request(r)) => r,
            // No request of ours is ever outstanding: a response is stray.
            Ok(Message::Response(_)) => return Vec::new(),
            Err(_) => {
                self.malformed += 1;
                return Vec::new();
            }
        };
        if *req.method() == Method::Ack {
            return Vec::new();
        }
        // RFC 3261 §17.2.2: a retransmission gets the last response again, nothing more.
        let key = transaction_key(&req);
        if let Some(resp) = self.answered.get(&key) {
            self.received.push(Received {
                at: now,
                conn,
                request: req,
                retransmission: true,
            });
            return vec![PeerAction::Send(resp.clone())];
        }
        self.received.push(Received {
            at: now,
            conn,
            request: req.clone(),
            retransmission: false,
        });
        let (resp, close) = match req.method() {
            Method::Register => self.register(now, conn, &req),
            Method::Options => (
                response(&req, 200, &[("Allow", "REGISTER,OPTIONS".into())]),
                false,
            ),
            _ => (response(&req, 501, &[]), false),
        };
        self.answered.insert(key, resp.clone());
        let mut out = vec![PeerAction::Send(resp)];
        if close {
            out.push(PeerAction::Close);
        }
        out
    }

    /// RFC 3261 §10.3. Returns the response and whether to close the connection after it.
    fn register(&mut self, now: Instant, conn: PeerConn, req: &Request) -> (Bytes, bool) {
        let mut close = false;
        match self.script.pop_front() {
            Some(Script::Fail { status, retry_after }) => return (fail(req, status, retry_after), false),
            Some(Script::CloseAfterResponse) => close = true,
            Some(Script::Process) | None => {}
        }
        if let Some(rf) = &mut self.random_failures {
            if now < rf.until && chance(rf.probability, &mut rf.rng) {
                let retry_after = rf
                    .retry_after
                    .map(|(lo, hi)| lo + (rf.rng.next_u32() % (hi - lo + 1)));
                return (fail(req, 503, retry_after), close);
            }
        }
        if let Some(resp) = self.authenticate(now, req) {
            return (resp, close);
        }
        (self.update_bindings(now, conn, req), close)
    }

    /// RFC 3261 §22.4 with RFC 2617 qop=auth: `None` when the credentials are right, else the
    /// challenge (or 403) to send.
    fn authenticate(&mut self, now: Instant, req: &Request) -> Option<Bytes> {
        let realm = self.realm.clone()?;
        let Some(value) = req.headers().get(HeaderName::Authorization) else {
            return Some(self.challenge(req, &realm, false));
        };
        let params = digest_params(&String::from_utf8_lossy(value)).unwrap_or_default();
        let get = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
        if !self.nonces.contains(get("nonce")) {
            // A nonce we never issued (or forgot in a restart): ask again, stale (RFC 2617 §3.2.1).
            return Some(self.challenge(req, &realm, true));
        }
        let password = self.users.get(get("username")).cloned().unwrap_or_default();
        let expected = response_qop_auth(
            get("username"),
            &realm,
            &password,
            req.method().as_str(),
            get("uri"),
            get("nonce"),
            get("nc"),
            get("cnonce"),
        );
        let ok = self.users.contains_key(get("username"))
            && get("realm") == realm
            && get("uri") == req.uri().as_str()
            && get("qop") == "auth"
            && get("algorithm").eq_ignore_ascii_case("md5")
            && get("response") == expected;
        self.auth_checks.push(AuthCheck {
            at: now,
            params: params.clone(),
            expected,
            ok,
        });
        if ok {
            None
        } else if self.wrong_credentials == 401 {
            Some(self.challenge(req, &realm, false))
        } else {
            Some(response(req, self.wrong_credentials, &[]))
        }
    }

    fn challenge(&mut self, req: &Request, realm: &str, stale: bool) -> Bytes {
        let nonce = format!("{:016x}", self.next_nonce.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        self.next_nonce += 1;
        self.nonces.insert(nonce.clone());
        let stale = if stale { ", stale=true" } else { "" };
        let value =
            format!("Digest realm=\"{realm}\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\"{stale}");
        response(req, 401, &[("WWW-Authenticate", value)])
    }
}
