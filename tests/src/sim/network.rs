//! The simulated network: latency, UDP loss and reordering, refused connections, forced
//! connection drops, and the instant after which it heals. Every random choice comes from the
//! simulation's own seeded generator, separate from the UAs'.

use bytes::Bytes;
use rand_core::Rng;
use rand_pcg::Pcg64;
use sansip_core::time::{Duration, Instant};
use sansip_core::transport::{ConnId, ServerUri};

/// One-way latency of every hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Latency {
    /// Always this long.
    Fixed(Duration),
    /// Uniform in `[min, max]` (whole milliseconds) while faults are on; `max` once healed.
    Range(Duration, Duration),
}

impl Latency {
    /// The longest one-way latency this can produce.
    pub fn max(&self) -> Duration {
        match *self {
            Latency::Fixed(d) => d,
            Latency::Range(lo, hi) => lo.max(hi),
        }
    }
}

/// The server (all servers with `host: None`) refuses connections, and drops datagrams, from
/// `from` (inclusive) to `until` (exclusive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Start of the outage.
    pub from: Instant,
    /// End of the outage.
    pub until: Instant,
    /// The server host it applies to; `None` for every server.
    pub host: Option<String>,
}

impl Refusal {
    /// Whether this outage refuses `host` at `at`.
    pub fn covers(&self, host: &str, at: Instant) -> bool {
        self.from <= at && at < self.until && self.host.as_deref().is_none_or(|h| h == host)
    }
}

/// Which way a message travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hop {
    /// From a UA to the registrar.
    ToPeer,
    /// From the registrar to a UA.
    ToUa,
}

/// What became of a message on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Still travelling.
    InFlight,
    /// Delivered at this instant.
    Delivered(Instant),
    /// A UDP datagram the network lost (random loss, a drop rule, or the server being down).
    Lost,
    /// The connection it travelled on closed before it arrived.
    Cut,
}

/// One message on the wire: who sent it, when, on which connection, and the exact bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireMessage {
    /// When it was sent.
    pub at: Instant,
    /// The UA at one end (its index in the simulation).
    pub ua: usize,
    /// The UA's connection id.
    pub conn: ConnId,
    /// The server the connection goes to.
    pub server: ServerUri,
    /// Which way.
    pub hop: Hop,
    /// The bytes as sent.
    pub data: Bytes,
    /// What became of it.
    pub fate: Fate,
}

impl WireMessage {
    /// The bytes as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// A rule that loses the messages it returns true for (applied to UDP datagrams only, in
/// both directions, also after the heal instant: it is the test's script, not a fault).
pub type DropRule = Box<dyn FnMut(&WireMessage) -> bool>;

/// The network model's knobs.
pub struct Network {
    /// One-way latency of every hop (and of a stream connection's setup).
    pub latency: Latency,
    /// Probability that a UDP datagram is lost (before the heal instant).
    pub udp_loss: f64,
    /// Probability that a UDP datagram is held back by up to `reorder_delay` extra, so later
    /// ones overtake it (before the heal instant).
    pub udp_reorder: f64,
    /// The longest extra delay of a held-back datagram.
    pub reorder_delay: Duration,
    /// Outages: connections refused, datagrams dropped (ignored from the heal instant on).
    pub refusals: Vec<Refusal>,
    /// Instants at which every open stream connection is cut (ignored from the heal instant on).
    pub drops: Vec<Instant>,
    /// From this instant on there are no faults: no loss, no reordering, no outage, no drop,
    /// and a `Range` latency is fixed at its maximum. `None`: faults never stop.
    pub heal_at: Option<Instant>,
    /// A scripted loss rule for UDP datagrams.
    pub drop_rule: Option<DropRule>,
    /// TCP/TLS: deliver each message in up to three pieces cut at random points, as a stream
    /// may (the receiver must frame them again).
    pub split_streams: bool,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("latency", &self.latency)
            .field("udp_loss", &self.udp_loss)
            .field("udp_reorder", &self.udp_reorder)
            .field("refusals", &self.refusals)
            .field("drops", &self.drops)
            .field("heal_at", &self.heal_at)
            .field("split_streams", &self.split_streams)
            .finish_non_exhaustive()
    }
}

impl Network {
    /// A perfect network with a fixed one-way latency.
    pub fn fixed(latency: Duration) -> Network {
        Network {
            latency: Latency::Fixed(latency),
            udp_loss: 0.0,
            udp_reorder: 0.0,
            reorder_delay: Duration::ZERO,
            refusals: Vec::new(),
            drops: Vec::new(),
            heal_at: None,
            drop_rule: None,
            split_streams: false,
        }
    }

    /// True while faults are on at `at`.
    pub fn faulty(&self, at: Instant) -> bool {
        self.heal_at.is_none_or(|h| at < h)
    }

    /// Whether `host` is in an outage at `at`.
    pub fn refuses(&self, host: &str, at: Instant) -> bool {
        self.faulty(at) && self.refusals.iter().any(|r| r.covers(host, at))
    }

    /// Draws the one-way latency of a hop starting at `at`.
    pub fn draw_latency(&self, at: Instant, rng: &mut Pcg64) -> Duration {
        match self.latency {
            Latency::Fixed(d) => d,
            Latency::Range(lo, hi) if !self.faulty(at) || hi <= lo => lo.max(hi),
            Latency::Range(lo, hi) => {
                let (lo, hi) = (lo.as_millis() as u64, hi.as_millis() as u64);
                Duration::from_millis(lo + rng.next_u64() % (hi - lo + 1))
            }
        }
    }

    /// Whether a UDP datagram sent at `at` is lost at random, and the extra delay of a
    /// reordered one. Draws nothing when the probabilities are zero.
    pub fn draw_udp_fate(&self, at: Instant, rng: &mut Pcg64) -> (bool, Duration) {
        if !self.faulty(at) {
            return (false, Duration::ZERO);
        }
        let lost = chance(self.udp_loss, rng);
        let extra = if !lost && chance(self.udp_reorder, rng) {
            let max = self.reorder_delay.as_millis() as u64;
            Duration::from_millis(rng.next_u64() % (max + 1))
        } else {
            Duration::ZERO
        };
        (lost, extra)
    }
}

/// True with probability `p` (no draw when `p <= 0`).
pub fn chance(p: f64, rng: &mut Pcg64) -> bool {
    p > 0.0 && ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
}
