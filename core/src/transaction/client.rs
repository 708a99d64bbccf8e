//! Client transactions: INVITE (RFC 3261 §17.1.1 with RFC 6026 §7.2) and non-INVITE (§17.1.2).

use alloc::collections::VecDeque;
use bytes::{Bytes, BytesMut};

use super::ack::ack_for_non_2xx;
use super::key::missing_header;
use super::timers::{Timer, TimerConfig, TimerTable, TIMER_D_UNRELIABLE};
use super::TransactionError;
use crate::message::{Method, Request, Response};
use crate::time::{Duration, Instant};

/// The state of a client transaction (RFC 3261 Figures 5 and 6, RFC 6026 Figure 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientState {
    /// INVITE sent, no response yet (§17.1.1.2).
    Calling,
    /// Non-INVITE sent, no response yet (§17.1.2.2).
    Trying,
    /// A provisional response arrived.
    Proceeding,
    /// INVITE got a 2xx; further 2xx still go to the TU until Timer M (RFC 6026 §7.2).
    Accepted,
    /// A final response arrived (non-2xx for INVITE); absorbing retransmissions.
    Completed,
    /// Done; the transaction can be dropped.
    Terminated,
}

/// What a client transaction tells its transaction user.
#[derive(Clone, Debug)]
pub enum ClientEvent {
    /// A 1xx response.
    Provisional(Response),
    /// The final response (200–699): the first one, reported once.
    Final(Response),
    /// A further 2xx to an INVITE after the first: a retransmission or another fork's answer
    /// (RFC 6026 §7.2). The TU acknowledges it itself.
    Additional2xx(Response),
    /// No final response in time (Timer B or F, RFC 3261 §17.1.1.2, §17.1.2.2).
    Timeout,
    /// The transport failed to send the request (RFC 3261 §17.1.1.2, §17.1.2.2).
    TransportError,
}

impl ClientEvent {
    /// True for the events that end a transaction's story: `Final`, `Timeout`, `TransportError`.
    /// Every client transaction reports exactly one.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            ClientEvent::Final(_) | ClientEvent::Timeout | ClientEvent::TransportError
        )
    }
}

/// One client transaction: a request sent and the responses it draws (RFC 3261 §17.1).
///
/// Sans-IO: feed it responses and timeouts; take the bytes to send from
/// [`poll_transmit`](Self::poll_transmit) and the next wake-up from
/// [`poll_timeout`](Self::poll_timeout).
#[derive(Clone, Debug)]
pub struct ClientTransaction {
    request: Request,
    request_bytes: Bytes,
    invite: bool,
    reliable: bool,
    config: TimerConfig,
    state: ClientState,
    timers: TimerTable,
    /// The interval Timer A or E was last armed with.
    interval: Duration,
    /// The ACK sent for a non-2xx final, re-sent for each retransmission of it.
    ack: Option<Bytes>,
    transmit: VecDeque<Bytes>,
    reported_terminal: bool,
}

pub(crate) fn encode_request(req: &Request) -> Bytes {
    let mut out = BytesMut::new();
    req.encode(&mut out);
    out.freeze()
}

impl ClientTransaction {
    /// Starts a client transaction: the request's bytes are queued for
    /// [`poll_transmit`](Self::poll_transmit) and the timers armed. `reliable` says whether the
    /// transport is reliable (TCP, TLS, WS, WSS: no retransmissions, RFC 3261 §17.1.1.2).
    ///
    /// An ACK starts no transaction (RFC 3261 §17), and a request lacking Via, From, To,
    /// Call-ID or CSeq cannot be matched or acknowledged (§8.1.1): both are errors.
    pub fn new(
        request: Request,
        reliable: bool,
        now: Instant,
        config: TimerConfig,
    ) -> Result<ClientTransaction, TransactionError> {
        if *request.method() == Method::Ack {
            return Err(TransactionError::Ack);
        }
        if let Some(h) = missing_header(&request) {
            return Err(TransactionError::MissingHeader(h));
        }
        let invite = *request.method() == Method::Invite;
        let request_bytes = encode_request(&request);
        let mut t = ClientTransaction {
            request,
            request_bytes: request_bytes.clone(),
            invite,
            reliable,
            config,
            state: if invite {
                ClientState::Calling
            } else {
                ClientState::Trying
            },
            timers: TimerTable::new(),
            interval: config.first_interval(),
            ack: None,
            transmit: VecDeque::from([request_bytes]),
            reported_terminal: false,
        };
        // RFC 3261 §17.1.1.2 (A, B) and §17.1.2.2 (E, F).
        let (retransmit, timeout) = if invite {
            (Timer::A, Timer::B)
        } else {
            (Timer::E, Timer::F)
        };
        if !reliable {
            t.timers.set(retransmit, now + t.interval);
        }
        t.timers.set(timeout, now + config.timeout());
        Ok(t)
    }

    /// The request this transaction sends.
    pub fn request(&self) -> &Request {
        &self.request
    }
    /// The current state.
    pub fn state(&self) -> ClientState {
        self.state
    }
    /// True once the transaction is over (it may still have bytes to hand out).
    pub fn is_terminated(&self) -> bool {
        self.state == ClientState::Terminated
    }
    /// True for an INVITE transaction.
    pub fn is_invite(&self) -> bool {
        self.invite
    }
    /// True when the transport is reliable.
    pub fn is_reliable(&self) -> bool {
        self.reliable
    }
    /// The armed timers.
    pub fn timers(&self) -> &TimerTable {
        &self.timers
    }
    /// The next bytes to send: the request, its retransmissions, ACKs.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.transmit.pop_front()
    }
    /// When [`handle_timeout`](Self::handle_timeout) is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.poll_timeout()
    }

    fn terminate(&mut self) {
        self.state = ClientState::Terminated;
        self.timers.clear();
    }

    /// Reports a terminal event once; later ones are swallowed.
    fn terminal(&mut self, ev: ClientEvent) -> Option<ClientEvent> {
        if self.reported_terminal {
            return None;
        }
        self.reported_terminal = true;
        Some(ev)
    }

    /// Arms a wait timer (D, K), or ends the transaction at once when it is zero
    /// (reliable transports, RFC 3261 §17.1.1.2, §17.1.2.2).
    fn wait_or_terminate(&mut self, timer: Timer, wait: Duration, now: Instant) {
        if self.reliable || wait.is_zero() {
            self.terminate();
        } else {
            self.timers.set(timer, now + wait);
        }
    }

    /// Takes a response matched to this transaction; returns what the TU must know.
    pub fn handle_response(&mut self, resp: Response, now: Instant) -> Option<ClientEvent> {
        let status = resp.status();
        if self.invite {
            self.invite_response(resp, status.is_provisional(), status.is_success(), now)
        } else {
            self.non_invite_response(resp, status.is_provisional(), now)
        }
    }

    fn invite_response(
        &mut self,
        resp: Response,
        provisional: bool,
        success: bool,
        now: Instant,
    ) -> Option<ClientEvent> {
        use ClientState as S;
        match self.state {
            S::Calling | S::Proceeding if provisional => {
                // RFC 3261 §17.1.1.2: no more retransmissions; Timer B only runs in Calling.
                self.state = S::Proceeding;
                self.timers.cancel(Timer::A);
                self.timers.cancel(Timer::B);
                Some(ClientEvent::Provisional(resp))
            }
            S::Calling | S::Proceeding if success => {
                // RFC 6026 §7.2: Accepted, Timer M; the TU sends the ACK.
                self.state = S::Accepted;
                self.timers.clear();
                self.timers.set(Timer::M, now + self.config.timeout());
                self.terminal(ClientEvent::Final(resp))
            }
            S::Calling | S::Proceeding => {
                // RFC 3261 §17.1.1.2: Completed, ACK, Timer D.
                self.state = S::Completed;
                self.timers.clear();
                self.send_ack(&resp);
                self.wait_or_terminate(Timer::D, TIMER_D_UNRELIABLE, now);
                self.terminal(ClientEvent::Final(resp))
            }
            // RFC 6026 §7.2: every further 2xx goes to the TU; anything else is dropped.
            S::Accepted if success => Some(ClientEvent::Additional2xx(resp)),
            // RFC 3261 §17.1.1.2: a retransmitted final response is ACKed again, not reported.
            S::Completed if !provisional && !success => {
                self.send_ack(&resp);
                None
            }
            _ => None,
        }
    }

    fn send_ack(&mut self, resp: &Response) {
        if self.ack.is_none() {
            self.ack = ack_for_non_2xx(&self.request, resp)
                .ok()
                .map(|a| encode_request(&a));
        }
        if let Some(ack) = &self.ack {
            self.transmit.push_back(ack.clone());
        }
    }

    fn non_invite_response(
        &mut self,
        resp: Response,
        provisional: bool,
        now: Instant,
    ) -> Option<ClientEvent> {
        use ClientState as S;
        match self.state {
            // RFC 3261 §17.1.2.2: Timer E keeps running; each 1xx goes to the TU.
            S::Trying | S::Proceeding if provisional => {
                self.state = S::Proceeding;
                Some(ClientEvent::Provisional(resp))
            }
            S::Trying | S::Proceeding => {
                // RFC 3261 §17.1.2.2: Completed, Timer K = T4 (zero on reliable transports).
                self.state = S::Completed;
                self.timers.clear();
                self.wait_or_terminate(Timer::K, self.config.t4, now);
                self.terminal(ClientEvent::Final(resp))
            }
            // Completed absorbs retransmissions.
            _ => None,
        }
    }

    /// Fires the timers due at `now`: retransmissions are queued, a Timer B or F expiry is
    /// reported as [`ClientEvent::Timeout`].
    pub fn handle_timeout(&mut self, now: Instant) -> Option<ClientEvent> {
        let mut event = None;
        for timer in self.timers.expired(now) {
            if self.state == ClientState::Terminated {
                break;
            }
            self.timers.cancel(timer);
            match timer {
                // RFC 3261 §17.1.1.2: retransmit, double the interval.
                Timer::A if self.state == ClientState::Calling => {
                    self.interval = self.config.doubled(self.interval);
                    self.retransmit(Timer::A, now);
                }
                // RFC 3261 §17.1.2.2: double up to T2 in Trying; T2 in Proceeding.
                Timer::E if self.state == ClientState::Trying => {
                    self.interval = self.config.doubled_capped(self.interval);
                    self.retransmit(Timer::E, now);
                }
                Timer::E if self.state == ClientState::Proceeding => {
                    self.interval = self.config.t2.max(Duration::from_millis(1));
                    self.retransmit(Timer::E, now);
                }
                Timer::B | Timer::F => {
                    self.terminate();
                    event = self.terminal(ClientEvent::Timeout);
                }
                // D, K, M: the wait for retransmissions is over.
                Timer::D | Timer::K | Timer::M => self.terminate(),
                _ => {}
            }
        }
        event
    }

    fn retransmit(&mut self, timer: Timer, now: Instant) {
        self.transmit.push_back(self.request_bytes.clone());
        self.timers.set(timer, now + self.interval);
    }

    /// The transport could not send for this transaction: it ends, reporting
    /// [`ClientEvent::TransportError`] unless it already reported its outcome
    /// (RFC 3261 §17.1.1.2, §17.1.2.2).
    pub fn transport_error(&mut self) -> Option<ClientEvent> {
        if self.state == ClientState::Terminated {
            return None;
        }
        self.terminate();
        self.transmit.clear();
        self.terminal(ClientEvent::TransportError)
    }

    /// The TU gives up waiting (RFC 3261 §9.1: an INVITE still without a final response 64·T1
    /// after its CANCEL): the transaction ends, reporting [`ClientEvent::Timeout`] unless it
    /// already reported its outcome.
    pub fn abandon(&mut self) -> Option<ClientEvent> {
        if self.state == ClientState::Terminated {
            return None;
        }
        self.terminate();
        self.terminal(ClientEvent::Timeout)
    }
}
