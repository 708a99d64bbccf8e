//! The transaction layer: many transactions, matched by key (RFC 3261 §17.1.3, §17.2.3).

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use bytes::Bytes;
use core::fmt;

use super::client::{ClientEvent, ClientTransaction};
use super::key::{missing_header, TransactionKey};
use super::server::{ServerEvent, ServerTransaction};
use super::timers::TimerConfig;
use super::TransactionError;
use crate::message::{HeaderName, Method, Request, Response};
use crate::time::Instant;

/// A transaction's id in a [`TransactionLayer`], assigned in increasing order, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxId(u64);

impl TxId {
    /// The number.
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tx{}", self.0)
    }
}

/// An event from either kind of transaction.
#[derive(Clone, Debug)]
pub enum TransactionEvent {
    /// From a client transaction.
    Client(ClientEvent),
    /// From a server transaction.
    Server(ServerEvent),
}

/// What became of a received response.
#[derive(Clone, Debug)]
pub enum ResponseDisposition {
    /// No client transaction matches (RFC 3261 §17.1.3): drop it with a trace event.
    Unmatched(Response),
    /// A transaction took it without news for the TU (a retransmission).
    Absorbed(TxId),
    /// A transaction took it and the TU must know.
    Event(TxId, ClientEvent),
}

/// What became of a received request.
#[derive(Clone, Debug)]
pub enum RequestDisposition {
    /// A new server transaction: the TU handles the request ([`TransactionLayer::server`]).
    New(TxId),
    /// A retransmission, absorbed by its transaction (which may have re-sent a response).
    Absorbed(TxId),
    /// An ACK no transaction takes: the ACK for a 2xx, for the dialog layer (RFC 3261
    /// §17.2.3, RFC 6026 §7.1).
    Ack2xx(Request),
    /// A CANCEL: its own new server transaction, and the INVITE server transaction it targets
    /// if one matches (RFC 3261 §9.2).
    Cancel {
        /// The CANCEL's transaction; the TU answers it (200, or 481 without an INVITE).
        cancel_tx: TxId,
        /// The INVITE transaction with the same key but the method.
        invite_tx: Option<TxId>,
    },
    /// The request lacks what a transaction needs: no transaction; answer 400 or drop it.
    Invalid(Request, TransactionError),
}

#[derive(Clone, Debug)]
enum Kind {
    Client(ClientTransaction),
    Server(ServerTransaction),
}

#[derive(Clone, Debug)]
struct Entry {
    key: TransactionKey,
    kind: Kind,
}

impl Entry {
    fn poll_timeout(&self) -> Option<Instant> {
        match &self.kind {
            Kind::Client(c) => c.poll_timeout(),
            Kind::Server(s) => s.poll_timeout(),
        }
    }
}

/// Owns the transactions of a user agent, matches messages to them, collects their output and
/// drops them when they end. Connection identity is the caller's: bytes go to "the" transport.
#[derive(Clone, Debug)]
pub struct TransactionLayer {
    config: TimerConfig,
    auto_trying: bool,
    next_id: u64,
    transactions: BTreeMap<TxId, Entry>,
    index: BTreeMap<TransactionKey, TxId>,
    transmit: VecDeque<(TxId, Bytes)>,
}

impl TransactionLayer {
    /// An empty layer with these timer values; INVITE server transactions send 100 Trying
    /// themselves after 200 ms (RFC 3261 §17.2.1).
    pub fn new(config: TimerConfig) -> Self {
        TransactionLayer {
            config,
            auto_trying: true,
            next_id: 0,
            transactions: BTreeMap::new(),
            index: BTreeMap::new(),
            transmit: VecDeque::new(),
        }
    }

    /// Whether new INVITE server transactions send 100 Trying themselves (default on).
    pub fn set_auto_trying(&mut self, on: bool) {
        self.auto_trying = on;
    }

    /// The timer values.
    pub fn config(&self) -> &TimerConfig {
        &self.config
    }
    /// How many transactions are alive.
    pub fn len(&self) -> usize {
        self.transactions.len()
    }
    /// True when no transaction is alive.
    pub fn is_empty(&self) -> bool {
        self.transactions.is_empty()
    }
    /// A client transaction, while it lives.
    pub fn client(&self, tx: TxId) -> Option<&ClientTransaction> {
        match &self.transactions.get(&tx)?.kind {
            Kind::Client(c) => Some(c),
            Kind::Server(_) => None,
        }
    }
    /// A server transaction, while it lives.
    pub fn server(&self, tx: TxId) -> Option<&ServerTransaction> {
        match &self.transactions.get(&tx)?.kind {
            Kind::Server(s) => Some(s),
            Kind::Client(_) => None,
        }
    }

    fn insert(&mut self, key: TransactionKey, kind: Kind) -> TxId {
        let id = TxId(self.next_id);
        self.next_id += 1;
        self.index.insert(key.clone(), id);
        self.transactions.insert(id, Entry { key, kind });
        self.settle(id);
        id
    }

    /// Collects a transaction's output and drops it once terminated and drained.
    fn settle(&mut self, id: TxId) {
        let Some(entry) = self.transactions.get_mut(&id) else {
            return;
        };
        let terminated = match &mut entry.kind {
            Kind::Client(c) => {
                while let Some(b) = c.poll_transmit() {
                    self.transmit.push_back((id, b));
                }
                c.is_terminated()
            }
            Kind::Server(s) => {
                while let Some(b) = s.poll_transmit() {
                    self.transmit.push_back((id, b));
                }
                s.is_terminated()
            }
        };
        if terminated {
            if let Some(entry) = self.transactions.remove(&id) {
                self.index.remove(&entry.key);
            }
        }
    }

    /// Starts a client transaction for `request`; its bytes come out of
    /// [`poll_transmit`](Self::poll_transmit). The request needs a Via branch unique among the
    /// live client transactions of its method (RFC 3261 §8.1.1.7, §17.1.3).
    pub fn send_request(
        &mut self,
        request: Request,
        reliable: bool,
        now: Instant,
    ) -> Result<TxId, TransactionError> {
        if *request.method() == Method::Ack {
            return Err(TransactionError::Ack);
        }
        let key = TransactionKey::client(&request).ok_or(match missing_header(&request) {
            Some(h) => TransactionError::MissingHeader(h),
            None => TransactionError::MissingBranch,
        })?;
        if self.index.contains_key(&key) {
            return Err(TransactionError::Duplicate);
        }
        let tx = ClientTransaction::new(request, reliable, now, self.config)?;
        Ok(self.insert(key, Kind::Client(tx)))
    }

    /// Matches a response to its client transaction (RFC 3261 §17.1.3) and feeds it in.
    pub fn receive_response(&mut self, resp: Response, now: Instant) -> ResponseDisposition {
        let found = TransactionKey::for_response(&resp).and_then(|k| self.index.get(&k).copied());
        let Some(id) = found else {
            return ResponseDisposition::Unmatched(resp);
        };
        let Some(Entry {
            kind: Kind::Client(c),
            ..
        }) = self.transactions.get_mut(&id)
        else {
            return ResponseDisposition::Unmatched(resp);
        };
        let event = c.handle_response(resp, now);
        self.settle(id);
        match event {
            Some(ev) => ResponseDisposition::Event(id, ev),
            None => ResponseDisposition::Absorbed(id),
        }
    }

    /// Matches a request to its server transaction (RFC 3261 §17.2.3) or starts a new one.
    /// `reliable` is whether the transport it arrived on is reliable.
    pub fn receive_request(&mut self, req: Request, reliable: bool, now: Instant) -> RequestDisposition {
        let Some(key) = TransactionKey::server(&req) else {
            let missing = missing_header(&req).unwrap_or(HeaderName::Via);
            return RequestDisposition::Invalid(req, TransactionError::MissingHeader(missing));
        };
        let is_ack = *req.method() == Method::Ack;
        // RFC 3261 §17.2.3: an RFC 2543 ACK carries our response's To tag, which the INVITE
        // that opened the dialog lacked.
        let found = self.index.get(&key).copied().or_else(|| {
            key.without_to_tag()
                .filter(|_| is_ack)
                .and_then(|k| self.index.get(&k).copied())
        });
        if let Some(id) = found {
            if let Some(Entry {
                kind: Kind::Server(s),
                ..
            }) = self.transactions.get_mut(&id)
            {
                let event = s.handle_request(req, now);
                self.settle(id);
                return match event {
                    Some(ServerEvent::Ack(ack)) => RequestDisposition::Ack2xx(*ack),
                    _ => RequestDisposition::Absorbed(id),
                };
            }
        }
        if is_ack {
            return RequestDisposition::Ack2xx(req);
        }
        if let Some(h) = missing_header(&req) {
            return RequestDisposition::Invalid(req, TransactionError::MissingHeader(h));
        }
        let is_cancel = *req.method() == Method::Cancel;
        let mut tx = ServerTransaction::start(req, reliable, now, self.config);
        if !self.auto_trying {
            tx.set_auto_trying(false, now);
        }
        let invite_key = key.with_method(&Method::Invite);
        let id = self.insert(key, Kind::Server(tx));
        if !is_cancel {
            return RequestDisposition::New(id);
        }
        // RFC 3261 §9.2: the INVITE with the same key except the method.
        let invite_tx = self
            .index
            .get(&invite_key)
            .copied()
            .filter(|i| self.server(*i).is_some_and(|s| s.is_invite()));
        RequestDisposition::Cancel {
            cancel_tx: id,
            invite_tx,
        }
    }

    /// Sends the TU's response on a server transaction.
    pub fn respond(&mut self, tx: TxId, response: Response, now: Instant) -> Result<(), TransactionError> {
        match self.transactions.get_mut(&tx).map(|e| &mut e.kind) {
            None => Err(TransactionError::UnknownTransaction),
            Some(Kind::Client(_)) => Err(TransactionError::NotServer),
            Some(Kind::Server(s)) => {
                let r = s.respond(response, now);
                self.settle(tx);
                r
            }
        }
    }

    /// Fires every timer due at `now`; returns the events, in transaction id order.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<(TxId, TransactionEvent)> {
        let due: Vec<TxId> = self
            .transactions
            .iter()
            .filter(|(_, e)| e.poll_timeout().is_some_and(|t| t <= now))
            .map(|(id, _)| *id)
            .collect();
        let mut events = Vec::new();
        for id in due {
            let event = match self.transactions.get_mut(&id).map(|e| &mut e.kind) {
                Some(Kind::Client(c)) => c.handle_timeout(now).map(TransactionEvent::Client),
                Some(Kind::Server(s)) => s.handle_timeout(now).map(TransactionEvent::Server),
                None => None,
            };
            self.settle(id);
            events.extend(event.map(|e| (id, e)));
        }
        events
    }

    /// The transport failed for a transaction: it ends and reports it (RFC 3261 §17.1.1.2,
    /// §17.1.2.2, §17.2.4); `None` if it had already reported its outcome.
    pub fn transport_error(&mut self, tx: TxId) -> Option<TransactionEvent> {
        let event = match &mut self.transactions.get_mut(&tx)?.kind {
            Kind::Client(c) => c.transport_error().map(TransactionEvent::Client),
            Kind::Server(s) => s.transport_error().map(TransactionEvent::Server),
        };
        self.settle(tx);
        event
    }

    /// The TU gives up on a client transaction (RFC 3261 §9.1); see
    /// [`ClientTransaction::abandon`].
    pub fn abandon(&mut self, tx: TxId) -> Option<ClientEvent> {
        let event = match &mut self.transactions.get_mut(&tx)?.kind {
            Kind::Client(c) => c.abandon(),
            Kind::Server(_) => None,
        };
        self.settle(tx);
        event
    }

    /// The next bytes to send, with the transaction they belong to, in the order produced.
    pub fn poll_transmit(&mut self) -> Option<(TxId, Bytes)> {
        self.transmit.pop_front()
    }

    /// The earliest instant any transaction needs [`handle_timeout`](Self::handle_timeout).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.transactions.values().filter_map(Entry::poll_timeout).min()
    }
}
