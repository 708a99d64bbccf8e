//! One logical signalling flow (RFC 5626 §3) from the UA to the chosen server: connect to the
//! best server, fail over by weight, wait out the reconnection backoff, keep the connection
//! alive. The runtime opens and closes connections; the flow decides which and when.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use bytes::Bytes;
use core::time::Duration;

use rand_core::Rng;

use super::backoff::{Backoff, DEFAULT_RECOVERY_MAX, DEFAULT_RECOVERY_MIN};
use super::keepalive::{self, KeepAlive, KeepAliveAction, DEFAULT_PONG_TIMEOUT, PING};
use super::servers::ServerSet;
use super::{ConnId, ServerUri};
use crate::time::Instant;

/// What a [`Flow`] needs from the UA configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowConfig {
    /// The servers and their weights (`ws_servers` / `sockets`).
    pub servers: Vec<(ServerUri, u32)>,
    /// Shortest reconnection delay (`connection_recovery_min_interval`, default 2 s).
    pub recovery_min: Duration,
    /// Longest reconnection delay (`connection_recovery_max_interval`, default 30 s).
    pub recovery_max: Duration,
    /// Interval between our CRLF pings; `None` sends none (JsSIP sends none).
    pub keep_alive: Option<Duration>,
    /// How long a ping waits for its pong (RFC 5626 §4.4.1: 10 s).
    pub pong_timeout: Duration,
}

impl FlowConfig {
    /// These servers with the JsSIP defaults: 2 s–30 s recovery, no keep-alive, 10 s pong wait.
    pub fn new(servers: Vec<(ServerUri, u32)>) -> FlowConfig {
        FlowConfig {
            servers,
            recovery_min: DEFAULT_RECOVERY_MIN,
            recovery_max: DEFAULT_RECOVERY_MAX,
            keep_alive: None,
            pong_timeout: DEFAULT_PONG_TIMEOUT,
        }
    }
}

/// Why a [`FlowConfig`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlowConfigError {
    /// The server list is empty.
    #[error("no server to connect to")]
    NoServers,
    /// The minimum reconnection delay exceeds the maximum.
    #[error("recovery min interval exceeds max interval")]
    RecoveryRange,
}

/// Where the flow stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowState {
    /// Not started, or stopped.
    Disconnected,
    /// A connection to `server` is being opened.
    Connecting {
        /// The connection.
        conn: ConnId,
        /// The server it goes to.
        server: ServerUri,
        /// 1 for the first attempt after start, `n + 1` after `n` consecutive failures.
        attempt: u32,
    },
    /// The connection is up.
    Connected {
        /// The connection.
        conn: ConnId,
        /// The server it goes to.
        server: ServerUri,
    },
    /// Waiting out the reconnection backoff.
    WaitingToReconnect {
        /// When the next attempt starts.
        until: Instant,
    },
}

/// Why a connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The connection could not be opened.
    ConnectFailed,
    /// The peer closed the connection or it failed after opening.
    Closed,
    /// A keep-alive ping got no pong in time (RFC 5626 §4.4.1).
    KeepAliveTimeout,
    /// [`Flow::stop`] was called.
    Stopped,
}

/// What the flow asks of the runtime (commands) or tells the UA (events).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowAction {
    /// Command: open connection `conn` to `server`.
    Connect {
        /// The new connection's id.
        conn: ConnId,
        /// Where to connect.
        server: ServerUri,
    },
    /// Command: close connection `conn`.
    Disconnect {
        /// The connection to close.
        conn: ConnId,
    },
    /// Command: send keep-alive bytes on `conn`.
    Send {
        /// The connection.
        conn: ConnId,
        /// The bytes (a ping).
        data: Bytes,
    },
    /// Event: an attempt to connect to `server` begins.
    Connecting {
        /// The server.
        server: ServerUri,
        /// 1 for the first attempt after start, `n + 1` after `n` consecutive failures.
        attempt: u32,
    },
    /// Event: connection `conn` to `server` is up.
    Connected {
        /// The connection.
        conn: ConnId,
        /// The server.
        server: ServerUri,
    },
    /// Event: connection `conn` to `server` is gone.
    Disconnected {
        /// The connection.
        conn: ConnId,
        /// The server.
        server: ServerUri,
        /// Why.
        reason: DisconnectReason,
    },
}

/// The signalling flow: server choice, failover, reconnection backoff and keep-alive, sans-IO.
#[derive(Clone, Debug)]
pub struct Flow {
    servers: ServerSet,
    backoff: Backoff,
    keep_alive: Option<KeepAlive>,
    state: FlowState,
    next_conn: u64,
    actions: VecDeque<FlowAction>,
}

impl Flow {
    /// A stopped flow over these servers. Connection ids start at 1.
    pub fn new(config: FlowConfig) -> Result<Flow, FlowConfigError> {
        if config.servers.is_empty() {
            return Err(FlowConfigError::NoServers);
        }
        if config.recovery_min > config.recovery_max {
            return Err(FlowConfigError::RecoveryRange);
        }
        Ok(Flow {
            servers: ServerSet::new(config.servers),
            backoff: Backoff::new(config.recovery_min, config.recovery_max),
            keep_alive: config
                .keep_alive
                .map(|interval| KeepAlive::new(interval, config.pong_timeout)),
            state: FlowState::Disconnected,
            next_conn: 1,
            actions: VecDeque::new(),
        })
    }

    /// Where the flow stands.
    pub fn state(&self) -> &FlowState {
        &self.state
    }

    /// The servers with their failure marks.
    pub fn servers(&self) -> &ServerSet {
        &self.servers
    }

    /// The connection that is up, if any.
    pub fn current_connection(&self) -> Option<(ConnId, &ServerUri)> {
        match &self.state {
            FlowState::Connected { conn, server } => Some((*conn, server)),
            _ => None,
        }
    }

    /// Starts connecting to the best server, with no failures remembered from before a
    /// [`stop`](Self::stop). Does nothing unless disconnected.
    pub fn start<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        if self.state != FlowState::Disconnected {
            return;
        }
        self.backoff.reset();
        self.servers.clear_failed();
        self.connect_next(rng);
    }

    /// Stops: closes the connection (if any) and cancels any pending reconnection.
    pub fn stop(&mut self) {
        match core::mem::replace(&mut self.state, FlowState::Disconnected) {
            FlowState::Connecting { conn, server, .. } | FlowState::Connected { conn, server } => {
                self.actions.push_back(FlowAction::Disconnect { conn });
                self.actions.push_back(FlowAction::Disconnected {
                    conn,
                    server,
                    reason: DisconnectReason::Stopped,
                });
            }
            FlowState::Disconnected | FlowState::WaitingToReconnect { .. } => {}
        }
        self.stop_keep_alive();
    }

    /// The runtime opened `conn`. Ignored unless `conn` is the connection being opened.
    pub fn connected(&mut self, conn: ConnId, now: Instant) {
        let FlowState::Connecting {
            conn: current,
            server,
            ..
        } = &self.state
        else {
            return;
        };
        if *current != conn {
            return;
        }
        let server = server.clone();
        // JsSIP `_onConnect`: the recovery count starts over; so do the failure marks.
        self.backoff.reset();
        self.servers.clear_failed();
        if keepalive::sends_pings(server.transport) {
            if let Some(k) = &mut self.keep_alive {
                k.start(now);
            }
        }
        self.actions.push_back(FlowAction::Connected {
            conn,
            server: server.clone(),
        });
        self.state = FlowState::Connected { conn, server };
    }

    /// The runtime could not open `conn`. Ignored unless `conn` is the connection being opened.
    pub fn connect_failed<R: Rng + ?Sized>(&mut self, conn: ConnId, now: Instant, rng: &mut R) {
        if matches!(&self.state, FlowState::Connecting { conn: c, .. } if *c == conn) {
            self.fail(DisconnectReason::ConnectFailed, now, rng);
        }
    }

    /// `conn` was closed by the peer or failed (before it opened, this is a failed connect).
    /// Ignored unless `conn` is the current one.
    pub fn closed<R: Rng + ?Sized>(&mut self, conn: ConnId, now: Instant, rng: &mut R) {
        match &self.state {
            FlowState::Connecting { conn: c, .. } if *c == conn => {
                self.fail(DisconnectReason::ConnectFailed, now, rng);
            }
            FlowState::Connected { conn: c, .. } if *c == conn => {
                self.fail(DisconnectReason::Closed, now, rng);
            }
            _ => {}
        }
    }

    /// A pong (a lone CRLF) arrived on the current connection at `now`.
    pub fn pong_received(&mut self, now: Instant) {
        if matches!(self.state, FlowState::Connected { .. }) {
            if let Some(k) = &mut self.keep_alive {
                k.pong_received(now);
            }
        }
    }

    /// The peer sent a ping (a double CRLF): the bytes to send back, a single CRLF
    /// (RFC 5626 §3.5.1).
    pub fn ping_received(&self) -> Bytes {
        keepalive::pong()
    }

    /// Runs due timers: a reconnection whose wait is over, a keep-alive ping, a pong deadline.
    pub fn handle_timeout<R: Rng + ?Sized>(&mut self, now: Instant, rng: &mut R) {
        match &self.state {
            FlowState::WaitingToReconnect { until } if now >= *until => self.connect_next(rng),
            FlowState::Connected { conn, .. } => {
                let conn = *conn;
                match self.keep_alive.as_mut().and_then(|k| k.handle_timeout(now)) {
                    Some(KeepAliveAction::SendPing) => self.actions.push_back(FlowAction::Send {
                        conn,
                        data: Bytes::from_static(PING),
                    }),
                    Some(KeepAliveAction::FlowDead) => {
                        self.actions.push_back(FlowAction::Disconnect { conn });
                        self.fail(DisconnectReason::KeepAliveTimeout, now, rng);
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }

    /// The next command or event, in order.
    pub fn poll_action(&mut self) -> Option<FlowAction> {
        self.actions.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) next has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            FlowState::WaitingToReconnect { until } => Some(*until),
            FlowState::Connected { .. } => self.keep_alive.as_ref().and_then(KeepAlive::poll_timeout),
            FlowState::Disconnected | FlowState::Connecting { .. } => None,
        }
    }

    /// Picks the next server and asks the runtime to connect (JsSIP `_getSocket` + `_connect`).
    fn connect_next<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let Some(server) = self.servers.pick(rng).cloned() else {
            self.state = FlowState::Disconnected;
            return;
        };
        let conn = ConnId(self.next_conn);
        self.next_conn = self.next_conn.saturating_add(1);
        let attempt = self.backoff.failures().saturating_add(1);
        self.actions.push_back(FlowAction::Connecting {
            server: server.clone(),
            attempt,
        });
        self.actions.push_back(FlowAction::Connect {
            conn,
            server: server.clone(),
        });
        self.state = FlowState::Connecting {
            conn,
            server,
            attempt,
        };
    }

    /// The current connection is gone: mark its server failed and wait out the backoff
    /// (JsSIP `_onDisconnect` + `_reconnect`; the next server is picked when the wait ends).
    fn fail<R: Rng + ?Sized>(&mut self, reason: DisconnectReason, now: Instant, rng: &mut R) {
        let until = now + self.backoff.next_delay(rng);
        let previous = core::mem::replace(&mut self.state, FlowState::WaitingToReconnect { until });
        if let FlowState::Connecting { conn, server, .. } | FlowState::Connected { conn, server } = previous {
            self.servers.mark_failed(&server);
            self.actions
                .push_back(FlowAction::Disconnected { conn, server, reason });
        }
        self.stop_keep_alive();
    }

    fn stop_keep_alive(&mut self) {
        if let Some(k) = &mut self.keep_alive {
            k.stop();
        }
    }
}
