//! Server transactions: INVITE (RFC 3261 §17.2.1 with RFC 6026 §7.1) and non-INVITE (§17.2.2).

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use bytes::{Bytes, BytesMut};

use super::key::missing_header;
use super::timers::{Timer, TimerConfig, TimerTable, AUTO_TRYING_DELAY};
use super::TransactionError;
use crate::message::{HeaderName, Method, Request, Response, StatusCode};
use crate::time::{Duration, Instant};

/// The state of a server transaction (RFC 3261 Figures 7 and 8, RFC 6026 Figure 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerState {
    /// Non-INVITE received, no response yet (§17.2.2).
    Trying,
    /// INVITE received, or a provisional response sent.
    Proceeding,
    /// INVITE answered with a 2xx; INVITE retransmissions absorbed until Timer L (RFC 6026 §7.1).
    Accepted,
    /// A final response sent (non-2xx for INVITE); retransmitting it or absorbing requests.
    Completed,
    /// INVITE: the ACK for the non-2xx arrived; absorbing ACK retransmissions (§17.2.1).
    Confirmed,
    /// Done; the transaction can be dropped.
    Terminated,
}

/// What a server transaction tells its transaction user.
#[derive(Clone, Debug)]
pub enum ServerEvent {
    /// An ACK matched this INVITE transaction after its 2xx (RFC 6026 §7.1): it belongs to the
    /// dialog, which takes it as the ACK for the 2xx.
    Ack(Box<Request>),
    /// No ACK for the non-2xx final response (Timer H, RFC 3261 §17.2.1).
    Timeout,
    /// The transport failed to send a response (RFC 3261 §17.2.4).
    TransportError,
}

/// One server transaction: a request received and the responses the TU gives it (RFC 3261 §17.2).
#[derive(Clone, Debug)]
pub struct ServerTransaction {
    request: Request,
    invite: bool,
    reliable: bool,
    config: TimerConfig,
    state: ServerState,
    timers: TimerTable,
    /// The interval Timer G was last armed with.
    interval: Duration,
    /// The most recent response sent, re-sent for request retransmissions.
    last_response: Option<Bytes>,
    transmit: VecDeque<Bytes>,
}

fn encode_response(resp: &Response) -> Bytes {
    let mut out = BytesMut::new();
    resp.encode(&mut out);
    out.freeze()
}

/// The 100 Trying a server transaction sends for `req` (RFC 3261 §8.2.6.1): Via, From, To,
/// Call-ID and CSeq copied, Timestamp too when present, no To tag, no body.
pub fn trying_for(req: &Request) -> Option<Response> {
    let mut b = Response::builder(StatusCode::TRYING).echo(req);
    if let Some(ts) = req.headers().get(HeaderName::Timestamp) {
        b = b.header(HeaderName::Timestamp, ts);
    }
    b.build().ok()
}

impl ServerTransaction {
    /// Starts a server transaction for a request just received. An INVITE transaction sends
    /// 100 Trying itself if the TU has not responded within 200 ms (RFC 3261 §17.2.1); turn
    /// that off with [`set_auto_trying`](Self::set_auto_trying).
    ///
    /// An ACK starts no transaction (RFC 3261 §17), and a request lacking Via, From, To,
    /// Call-ID or CSeq cannot be answered (§8.2.6.2): both are errors.
    pub fn new(
        request: Request,
        reliable: bool,
        now: Instant,
        config: TimerConfig,
    ) -> Result<ServerTransaction, TransactionError> {
        if *request.method() == Method::Ack {
            return Err(TransactionError::Ack);
        }
        if let Some(h) = missing_header(&request) {
            return Err(TransactionError::MissingHeader(h));
        }
        Ok(Self::start(request, reliable, now, config))
    }

    /// [`new`](Self::new) for a request already checked.
    pub(crate) fn start(
        request: Request,
        reliable: bool,
        now: Instant,
        config: TimerConfig,
    ) -> ServerTransaction {
        let invite = *request.method() == Method::Invite;
        let mut t = ServerTransaction {
            request,
            invite,
            reliable,
            config,
            state: if invite {
                ServerState::Proceeding
            } else {
                ServerState::Trying
            },
            timers: TimerTable::new(),
            interval: config.first_interval(),
            last_response: None,
            transmit: VecDeque::new(),
        };
        if invite {
            t.timers.set(Timer::Trying, now + AUTO_TRYING_DELAY);
        }
        t
    }

    /// Turns the automatic 100 Trying of an INVITE transaction on or off (RFC 3261 §17.2.1).
    /// Turning it on after the 200 ms have passed sends it at the next timeout.
    pub fn set_auto_trying(&mut self, on: bool, now: Instant) {
        if !on {
            self.timers.cancel(Timer::Trying);
        } else if self.invite && self.state == ServerState::Proceeding && self.last_response.is_none() {
            self.timers.set(Timer::Trying, now + AUTO_TRYING_DELAY);
        }
    }

    /// The request that started this transaction.
    pub fn request(&self) -> &Request {
        &self.request
    }
    /// The current state.
    pub fn state(&self) -> ServerState {
        self.state
    }
    /// True once the transaction is over (it may still have bytes to hand out).
    pub fn is_terminated(&self) -> bool {
        self.state == ServerState::Terminated
    }
    /// True for an INVITE transaction.
    pub fn is_invite(&self) -> bool {
        self.invite
    }
    /// The armed timers.
    pub fn timers(&self) -> &TimerTable {
        &self.timers
    }
    /// The next bytes to send: responses and their retransmissions.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.transmit.pop_front()
    }
    /// When [`handle_timeout`](Self::handle_timeout) is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.poll_timeout()
    }

    fn terminate(&mut self) {
        self.state = ServerState::Terminated;
        self.timers.clear();
    }

    /// Arms a wait timer (I, J), or ends the transaction at once when it is zero (reliable
    /// transports, RFC 3261 §17.2.1, §17.2.2).
    fn wait_or_terminate(&mut self, timer: Timer, wait: Duration, now: Instant) {
        if self.reliable || wait.is_zero() {
            self.terminate();
        } else {
            self.timers.set(timer, now + wait);
        }
    }

    fn send(&mut self, bytes: Bytes) {
        self.last_response = Some(bytes.clone());
        self.transmit.push_back(bytes);
    }

    /// Sends a response from the TU. For an INVITE: 1xx stays in Proceeding; 2xx moves to
    /// Accepted, where further 2xx pass through (RFC 6026 §7.1); 300–699 moves to Completed.
    /// For other methods: 1xx to Proceeding, a final response to Completed (§17.2.2).
    pub fn respond(&mut self, response: Response, now: Instant) -> Result<(), TransactionError> {
        use ServerState as S;
        let status = response.status();
        let bytes = encode_response(&response);
        match (self.invite, self.state) {
            (_, S::Trying | S::Proceeding) if status.is_provisional() => {
                self.state = S::Proceeding;
                self.timers.cancel(Timer::Trying);
                self.send(bytes);
            }
            (true, S::Proceeding) if status.is_success() => {
                // RFC 6026 §7.1: Accepted, Timer L; the TU retransmits the 2xx.
                self.state = S::Accepted;
                self.timers.clear();
                self.timers.set(Timer::L, now + self.config.timeout());
                self.send(bytes);
            }
            (true, S::Accepted) if status.is_success() => self.send(bytes),
            (true, S::Proceeding) => {
                // RFC 3261 §17.2.1: Completed; Timer G (unreliable only) and Timer H.
                self.state = S::Completed;
                self.timers.clear();
                if !self.reliable {
                    self.interval = self.config.first_interval();
                    self.timers.set(Timer::G, now + self.interval);
                }
                self.timers.set(Timer::H, now + self.config.timeout());
                self.send(bytes);
            }
            (false, S::Trying | S::Proceeding) => {
                // RFC 3261 §17.2.2: Completed, Timer J = 64·T1 (zero on reliable transports).
                self.state = S::Completed;
                self.timers.clear();
                self.wait_or_terminate(Timer::J, self.config.timeout(), now);
                self.send(bytes);
            }
            (_, state) => return Err(TransactionError::ResponseNotAllowed(state)),
        }
        Ok(())
    }

    /// Takes a request matched to this transaction: a retransmission (absorbed, the last
    /// response re-sent where the RFC says so) or, for an INVITE, an ACK.
    pub fn handle_request(&mut self, req: Request, now: Instant) -> Option<ServerEvent> {
        use ServerState as S;
        let is_ack = *req.method() == Method::Ack;
        match self.state {
            // RFC 3261 §17.2.1: the ACK for our non-2xx; Timer I = T4 (zero on reliable).
            S::Completed if self.invite && is_ack => {
                self.state = S::Confirmed;
                self.timers.clear();
                self.wait_or_terminate(Timer::I, self.config.t4, now);
                None
            }
            // RFC 6026 §7.1: an ACK in Accepted goes to the TU.
            S::Accepted if is_ack => Some(ServerEvent::Ack(Box::new(req))),
            // RFC 3261 §17.2.1, §17.2.2: a retransmitted request draws the last response again.
            S::Proceeding | S::Completed if !is_ack => {
                if let Some(last) = self.last_response.clone() {
                    self.transmit.push_back(last);
                }
                None
            }
            // Trying, Accepted (RFC 6026 §7.1), Confirmed: absorbed silently.
            _ => None,
        }
    }

    /// Fires the timers due at `now`: the automatic 100 Trying, Timer G retransmissions; Timer
    /// H expiry is reported as [`ServerEvent::Timeout`].
    pub fn handle_timeout(&mut self, now: Instant) -> Option<ServerEvent> {
        let mut event = None;
        for timer in self.timers.expired(now) {
            if self.state == ServerState::Terminated {
                break;
            }
            self.timers.cancel(timer);
            match timer {
                // RFC 3261 §17.2.1: the TU has not answered within 200 ms.
                Timer::Trying if self.state == ServerState::Proceeding && self.last_response.is_none() => {
                    if let Some(trying) = trying_for(&self.request) {
                        self.send(encode_response(&trying));
                    }
                }
                // RFC 3261 §17.2.1: retransmit the final response, double up to T2.
                Timer::G if self.state == ServerState::Completed => {
                    if let Some(last) = self.last_response.clone() {
                        self.transmit.push_back(last);
                    }
                    self.interval = self.config.doubled_capped(self.interval);
                    self.timers.set(Timer::G, now + self.interval);
                }
                Timer::H => {
                    self.terminate();
                    event = Some(ServerEvent::Timeout);
                }
                // I, J, L: the wait for retransmissions is over.
                Timer::I | Timer::J | Timer::L => self.terminate(),
                _ => {}
            }
        }
        event
    }

    /// The transport could not send a response: the transaction ends and the TU is told
    /// (RFC 3261 §17.2.4). `None` if it had already ended.
    pub fn transport_error(&mut self) -> Option<ServerEvent> {
        if self.state == ServerState::Terminated {
            return None;
        }
        self.terminate();
        self.transmit.clear();
        Some(ServerEvent::TransportError)
    }
}
