//! CRLF keep-alive (RFC 5626 §3.5.1, §4.4.1): on a connection-oriented flow the client sends a
//! double CRLF (the "ping") and expects a single CRLF (the "pong") back; no pong in time means
//! the flow is dead. A peer's ping is answered with a pong.

use bytes::Bytes;
use core::time::Duration;

use super::TransportKind;
use crate::time::Instant;

/// The ping: a double CRLF (RFC 5626 §3.5.1).
pub const PING: &[u8] = b"\r\n\r\n";
/// The pong: a single CRLF (RFC 5626 §3.5.1).
pub const PONG: &[u8] = b"\r\n";
/// How long to wait for a pong: 10 s (RFC 5626 §4.4.1).
pub const DEFAULT_PONG_TIMEOUT: Duration = Duration::from_secs(10);

/// The bytes that answer a peer's ping: a single CRLF (RFC 5626 §3.5.1).
pub fn pong() -> Bytes {
    Bytes::from_static(PONG)
}

/// True when we send CRLF pings on this transport: every connection-oriented one (TCP, TLS,
/// WS, WSS). UDP keep-alive is STUN (RFC 5626 §4.4.2), which is not done here; CRLF pings
/// MUST NOT be sent over UDP (RFC 5626 §4.4.1).
pub fn sends_pings(transport: TransportKind) -> bool {
    transport.is_reliable()
}

/// What the keep-alive timer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepAliveAction {
    /// Send [`PING`] now.
    SendPing,
    /// The pong did not arrive in time: the flow is dead (RFC 5626 §4.4.1).
    FlowDead,
}

/// Our pings on one connection: sent every `interval` from the moment the flow came up; while a
/// pong is awaited no new ping is sent, and after it arrives the cadence resumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeepAlive {
    interval: Duration,
    pong_timeout: Duration,
    /// When the next ping is due (None while stopped or awaiting a pong).
    next_ping: Option<Instant>,
    /// When the last ping was sent.
    last_ping: Option<Instant>,
    /// When the awaited pong is overdue.
    pong_deadline: Option<Instant>,
}

impl KeepAlive {
    /// Pings every `interval`, each expecting a pong within `pong_timeout`. Stopped.
    pub fn new(interval: Duration, pong_timeout: Duration) -> KeepAlive {
        KeepAlive {
            interval,
            pong_timeout,
            next_ping: None,
            last_ping: None,
            pong_deadline: None,
        }
    }

    /// The flow came up at `now`: the first ping is due at `now + interval`.
    pub fn start(&mut self, now: Instant) {
        self.next_ping = Some(now + self.interval);
        self.last_ping = None;
        self.pong_deadline = None;
    }

    /// The flow went down: no more pings, no deadline.
    pub fn stop(&mut self) {
        self.next_ping = None;
        self.last_ping = None;
        self.pong_deadline = None;
    }

    /// True while a ping is out and its pong has not come.
    pub fn awaiting_pong(&self) -> bool {
        self.pong_deadline.is_some()
    }

    /// The next instant [`handle_timeout`](Self::handle_timeout) has work: the pong deadline
    /// while one is awaited, else the next ping.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.pong_deadline.or(self.next_ping)
    }

    /// Runs the timers at `now`.
    pub fn handle_timeout(&mut self, now: Instant) -> Option<KeepAliveAction> {
        if let Some(deadline) = self.pong_deadline {
            if now >= deadline {
                // RFC 5626 §4.4.1: no pong within the timeout, the flow has failed.
                self.stop();
                return Some(KeepAliveAction::FlowDead);
            }
            return None;
        }
        match self.next_ping {
            Some(due) if now >= due => {
                self.next_ping = None;
                self.last_ping = Some(now);
                self.pong_deadline = Some(now + self.pong_timeout);
                Some(KeepAliveAction::SendPing)
            }
            _ => None,
        }
    }

    /// A pong (a lone CRLF) arrived at `now`. Ignored unless one is awaited.
    pub fn pong_received(&mut self, now: Instant) {
        if self.pong_deadline.take().is_none() {
            return;
        }
        let due = self.last_ping.map_or(now, |sent| sent + self.interval);
        self.next_ping = Some(if due < now { now } else { due });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    #[test]
    fn pings_every_interval_while_pongs_come_back() {
        let mut k = KeepAlive::new(Duration::from_secs(30), DEFAULT_PONG_TIMEOUT);
        assert_eq!(k.poll_timeout(), None);
        k.start(at(1_000));
        assert_eq!(k.poll_timeout(), Some(at(31_000)));
        assert_eq!(k.handle_timeout(at(30_999)), None);
        assert_eq!(k.handle_timeout(at(31_000)), Some(KeepAliveAction::SendPing));
        assert!(k.awaiting_pong());
        assert_eq!(k.poll_timeout(), Some(at(41_000)));
        assert_eq!(k.handle_timeout(at(35_000)), None);
        k.pong_received(at(31_200));
        assert!(!k.awaiting_pong());
        assert_eq!(k.poll_timeout(), Some(at(61_000)));
        // A second pong is not expected: ignored.
        k.pong_received(at(32_000));
        assert_eq!(k.poll_timeout(), Some(at(61_000)));
        assert_eq!(k.handle_timeout(at(61_000)), Some(KeepAliveAction::SendPing));
    }

    #[test]
    fn missing_pong_is_a_dead_flow() {
        let mut k = KeepAlive::new(Duration::from_secs(30), DEFAULT_PONG_TIMEOUT);
        k.start(at(0));
        assert_eq!(k.handle_timeout(at(30_000)), Some(KeepAliveAction::SendPing));
        assert_eq!(k.handle_timeout(at(39_999)), None);
        assert_eq!(k.handle_timeout(at(40_000)), Some(KeepAliveAction::FlowDead));
        assert_eq!(k.poll_timeout(), None);
        assert_eq!(k.handle_timeout(at(100_000)), None);
    }

    #[test]
    fn short_interval_waits_for_the_pong_before_the_next_ping() {
        let mut k = KeepAlive::new(Duration::from_secs(2), Duration::from_secs(5));
        k.start(at(0));
        assert_eq!(k.handle_timeout(at(2_000)), Some(KeepAliveAction::SendPing));
        // The next ping would be due at 4 s, but the pong is still awaited.
        assert_eq!(k.poll_timeout(), Some(at(7_000)));
        assert_eq!(k.handle_timeout(at(4_000)), None);
        k.pong_received(at(4_500));
        // Overdue cadence: ping right away.
        assert_eq!(k.poll_timeout(), Some(at(4_500)));
        assert_eq!(k.handle_timeout(at(4_500)), Some(KeepAliveAction::SendPing));
    }

    #[test]
    fn ping_and_pong_bytes_and_transport_policy() {
        assert_eq!(PING, b"\r\n\r\n");
        assert_eq!(&pong()[..], b"\r\n");
        for t in [
            TransportKind::Tcp,
            TransportKind::Tls,
            TransportKind::Ws,
            TransportKind::Wss,
        ] {
            assert!(sends_pings(t));
        }
        assert!(!sends_pings(TransportKind::Udp));
    }
}
