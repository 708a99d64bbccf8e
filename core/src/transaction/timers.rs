//! Transaction timers (RFC 3261 §17.1.1.1 Table 4, §A; RFC 6026 §8.11): the configured base
//! values and an enum-indexed table of armed deadlines.

use crate::time::{Duration, Instant};

/// The base timer values of RFC 3261 §17.1.1.1 (Table 4 in Appendix A).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerConfig {
    /// T1, the round-trip time estimate (default 500 ms).
    pub t1: Duration,
    /// T2, the longest retransmit interval for non-INVITE requests and INVITE responses (default 4 s).
    pub t2: Duration,
    /// T4, the longest time a message stays in the network (default 5 s).
    pub t4: Duration,
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
        }
    }
}

/// How long an INVITE server transaction waits before sending 100 Trying itself (RFC 3261 §17.2.1).
pub const AUTO_TRYING_DELAY: Duration = Duration::from_millis(200);

/// Timer D on unreliable transports: at least 32 s (RFC 3261 §17.1.1.2, Table 4).
pub const TIMER_D_UNRELIABLE: Duration = Duration::from_secs(32);

/// Retransmission intervals are never shorter than this, so a zero T1 cannot spin.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

impl TimerConfig {
    /// 64·T1: Timers B, F, H, J, L and M (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2;
    /// RFC 6026 §8.11).
    pub fn timeout(&self) -> Duration {
        self.t1.checked_mul(64).unwrap_or(Duration::MAX)
    }

    /// The first retransmission interval: T1 (Timers A, E, G).
    pub fn first_interval(&self) -> Duration {
        self.t1.max(MIN_INTERVAL)
    }

    /// The interval after `previous`, doubled without a cap (Timer A, RFC 3261 §17.1.1.2).
    pub fn doubled(&self, previous: Duration) -> Duration {
        previous.checked_mul(2).unwrap_or(Duration::MAX).max(MIN_INTERVAL)
    }

    /// The interval after `previous`, doubled and capped at T2 (Timers E and G,
    /// RFC 3261 §17.1.2.2, §17.2.1).
    pub fn doubled_capped(&self, previous: Duration) -> Duration {
        self.doubled(previous).min(self.t2.max(MIN_INTERVAL))
    }
}

/// The transaction timers of RFC 3261 §17 (Table 4) and RFC 6026 §8.11, plus the 200 ms
/// auto-100-Trying delay. Timer C belongs to proxies and is absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// INVITE request retransmission (client, unreliable transports).
    A,
    /// INVITE transaction timeout (client).
    B,
    /// Wait time for response retransmissions after a non-2xx final (INVITE client).
    D,
    /// Non-INVITE request retransmission (client, unreliable transports).
    E,
    /// Non-INVITE transaction timeout (client).
    F,
    /// INVITE non-2xx final response retransmission (server, unreliable transports).
    G,
    /// Wait time for the ACK (INVITE server).
    H,
    /// Wait time for ACK retransmissions (INVITE server).
    I,
    /// Wait time for request retransmissions (non-INVITE server).
    J,
    /// Wait time for response retransmissions (non-INVITE client).
    K,
    /// Wait time for INVITE retransmissions after a 2xx (INVITE server, RFC 6026 §8.7).
    L,
    /// Wait time for 2xx retransmissions and forks (INVITE client, RFC 6026 §8.4).
    M,
    /// Not an RFC letter: when an INVITE server transaction sends 100 Trying itself (RFC 3261 §17.2.1).
    Trying,
}

impl Timer {
    /// Every timer, in table order.
    pub const ALL: [Timer; 13] = [
        Timer::A,
        Timer::B,
        Timer::D,
        Timer::E,
        Timer::F,
        Timer::G,
        Timer::H,
        Timer::I,
        Timer::J,
        Timer::K,
        Timer::L,
        Timer::M,
        Timer::Trying,
    ];
}

/// The armed deadlines of one transaction, one slot per [`Timer`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimerTable {
    deadlines: [Option<Instant>; Timer::ALL.len()],
}

impl TimerTable {
    /// A table with no timer armed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms `timer` to fire at `at`, replacing any earlier deadline.
    pub fn set(&mut self, timer: Timer, at: Instant) {
        if let Some(slot) = self.deadlines.get_mut(timer as usize) {
            *slot = Some(at);
        }
    }

    /// Disarms `timer`.
    pub fn cancel(&mut self, timer: Timer) {
        if let Some(slot) = self.deadlines.get_mut(timer as usize) {
            *slot = None;
        }
    }

    /// Disarms every timer.
    pub fn clear(&mut self) {
        self.deadlines = Default::default();
    }

    /// When `timer` fires, if armed.
    pub fn get(&self, timer: Timer) -> Option<Instant> {
        self.deadlines.get(timer as usize).copied().flatten()
    }

    /// The earliest armed deadline: when the transaction next needs `handle_timeout`.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// The armed timers due at `now`, earliest first (table order among equal deadlines). They
    /// stay armed; the caller cancels or re-arms each as it handles it.
    pub fn expired(&self, now: Instant) -> impl Iterator<Item = Timer> {
        let mut due: [Option<(Instant, Timer)>; Timer::ALL.len()] = Default::default();
        for (slot, (timer, deadline)) in due.iter_mut().zip(Timer::ALL.iter().zip(self.deadlines.iter())) {
            *slot = deadline.filter(|d| *d <= now).map(|d| (d, *timer));
        }
        due.sort_unstable();
        due.into_iter().flatten().map(|(_, timer)| timer)
    }
}
