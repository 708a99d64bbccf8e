//! A deterministic simulation harness: real [`Ua`]s driven sans-IO over a simulated network
//! ([`Network`]) in virtual time, against a [`Registrar`] written for these tests.
//!
//! Nothing here sleeps or spawns: [`Sim::step`] pops the earliest thing to happen — a message
//! arriving, a connection opening or failing, a UA timer falling due (its `poll_timeout`) —
//! feeds it to its UA or to the registrar, drains the UA's outputs and turns them into future
//! network events. Every UA event is recorded with its instant, and every message on the wire
//! in both directions with its instant and exact bytes. Two runs with the same seeds are
//! identical.
//!
//! ```
//! use sansip_core::config::Config;
//! use sansip_core::time::{Duration, Instant};
//! use sansip_core::ua::Event;
//! use sansip_tests::sim::{Network, Registrar, Sim};
//!
//! let config = Config::builder("sip:alice@example.com").server("wss://proxy.example.com").build()?;
//! let mut sim = Sim::new(Network::fixed(Duration::from_millis(20)), Registrar::open(), 1);
//! let ua = sim.add_ua(Sim::pcg_ua(config, 1));
//! sim.start(ua);
//! sim.run_until(Instant::from_millis(1_000));
//! assert!(sim.events(ua).iter().any(|(_, e)| matches!(e, Event::Registered { expires: 600 })));
//! # Ok::<(), sansip_core::config::ConfigError>(())
//! ```

pub mod calls;
pub mod digest;
mod links;
pub mod network;
pub mod proxy;
mod query;
pub mod registrar;
pub mod rng;

pub use network::{Fate, Hop, Latency, Network, Refusal, WireMessage};
pub use query::{header_line, header_lines};
pub use registrar::{Binding, PeerAction, PeerConn, Registrar, Script};
pub use rng::ConstRng;

use std::collections::BTreeMap;

use bytes::Bytes;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use sansip_core::config::Config;
use sansip_core::parse::StreamFramer;
use sansip_core::time::{Duration, Instant};
use sansip_core::transport::{ConnId, ServerUri};
use sansip_core::ua::{Event, Ua};

/// A scripted happening at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The network cuts every open stream connection: both ends see it closed at once and
    /// whatever was in flight on it is lost.
    CutConnections,
    /// The registrar closes every connection it has (after what it already sent).
    RegistrarCloses,
    /// The registrar restarts: it forgets every binding and nonce, closes every connection,
    /// and refuses connections (and drops datagrams) for `down_for`.
    RegistrarRestart {
        /// How long it stays down.
        down_for: Duration,
    },
}

/// A connection the UA asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectRecord {
    /// When the UA asked.
    pub at: Instant,
    /// The connection id.
    pub conn: ConnId,
    /// The server.
    pub server: ServerUri,
}

/// One simulated connection, as both ends see it.
#[derive(Debug)]
struct Link {
    server: ServerUri,
    /// The UA still holds it open (no `Disconnect` sent, no `Closed` delivered).
    ua_open: bool,
    /// The connection was established (the UA got `Connected`).
    established: bool,
    /// The connection is up and the registrar's end is open.
    peer_open: bool,
    /// Streams deliver in order: nothing arrives before these.
    to_peer_tail: Instant,
    to_ua_tail: Instant,
    /// The registrar's framer for TCP/TLS.
    framer: Option<StreamFramer>,
}

/// Something scheduled.
#[derive(Debug)]
enum Pending {
    ConnectResult(PeerConn),
    /// `data` (all of wire message `wire`, or a piece of it when `last` is false) arrives.
    Deliver {
        link: PeerConn,
        hop: Hop,
        data: Bytes,
        wire: usize,
        last: bool,
    },
    UaSeesClose(PeerConn),
    PeerSeesClose(PeerConn),
    PeerSend {
        link: PeerConn,
        data: Bytes,
    },
    PeerClose(PeerConn),
    Action(Action),
}

/// One UA with what it did.
struct Slot<R: Rng> {
    ua: Ua<R>,
    events: Vec<(Instant, Event)>,
    connects: Vec<ConnectRecord>,
    /// `handle_timeout` calls at the current instant (a timer that never disarms spins).
    spins: u32,
}

/// The simulation. See the [module docs](self).
pub struct Sim<R: Rng = Pcg64> {
    now: Instant,
    seq: u64,
    queue: BTreeMap<(Instant, u64), Pending>,
    rng: Pcg64,
    /// The network model (may be changed between steps).
    pub network: Network,
    registrar: Registrar,
    /// The proxy routing between the UAs, when there is one ([`proxy`]).
    proxy: Option<proxy::Proxy>,
    registrar_down_until: Instant,
    slots: Vec<Slot<R>>,
    links: BTreeMap<PeerConn, Link>,
    wire: Vec<WireMessage>,
    /// Things the harness saw a UA do that it should not (a transmit on a connection that is
    /// not open, ...), with the instant.
    pub anomalies: Vec<(Instant, String)>,
}

impl Sim<Pcg64> {
    /// A UA for `config` whose random choices come from a `Pcg64` seeded with `seed`.
    pub fn pcg_ua(config: Config, seed: u64) -> Ua<Pcg64> {
        Ua::new(config, Pcg64::seed_from_u64(seed), Instant::ZERO).expect("valid UA configuration")
    }
}

impl<R: Rng> Sim<R> {
    /// A simulation at instant zero; the network's random faults come from a `Pcg64` seeded
    /// with `seed`. The network's forced drops are scheduled now.
    pub fn new(network: Network, registrar: Registrar, seed: u64) -> Sim<R> {
        let mut sim = Sim {
            now: Instant::ZERO,
            seq: 0,
            queue: BTreeMap::new(),
            rng: Pcg64::seed_from_u64(seed ^ 0x5151_5eed),
            network,
            registrar,
            proxy: None,
            registrar_down_until: Instant::ZERO,
            slots: Vec::new(),
            links: BTreeMap::new(),
            wire: Vec::new(),
            anomalies: Vec::new(),
        };
        for at in sim.network.drops.clone() {
            sim.schedule(at, Action::CutConnections);
        }
        sim
    }

    /// Adds a UA; returns its index.
    pub fn add_ua(&mut self, ua: Ua<R>) -> usize {
        self.slots.push(Slot {
            ua,
            events: Vec::new(),
            connects: Vec::new(),
            spins: 0,
        });
        self.slots.len() - 1
    }

    /// The current virtual instant.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The UA at `ua`.
    pub fn ua(&self, ua: usize) -> &Ua<R> {
        &self.slots[ua].ua
    }

    /// Runs a command on a UA at the current instant, then drains its outputs.
    pub fn command<T>(&mut self, ua: usize, f: impl FnOnce(&mut Ua<R>, Instant) -> T) -> T {
        let now = self.now;
        let out = f(&mut self.slots[ua].ua, now);
        self.drain(ua);
        out
    }

    /// `ua.start(now)`.
    pub fn start(&mut self, ua: usize) {
        self.command(ua, |u, now| u.start(now));
    }

    /// The registrar.
    pub fn registrar(&self) -> &Registrar {
        &self.registrar
    }

    /// The registrar, to script it.
    pub fn registrar_mut(&mut self) -> &mut Registrar {
        &mut self.registrar
    }

    /// Every event of UA `ua` with its instant, in order.
    pub fn events(&self, ua: usize) -> &[(Instant, Event)] {
        &self.slots[ua].events
    }

    /// Every connection UA `ua` asked for, in order.
    pub fn connects(&self, ua: usize) -> &[ConnectRecord] {
        &self.slots[ua].connects
    }

    /// Every message on the wire, both ways, in the order sent.
    pub fn wire(&self) -> &[WireMessage] {
        &self.wire
    }

    /// Schedules `action` at `at`.
    pub fn schedule(&mut self, at: Instant, action: Action) {
        self.push(at, Pending::Action(action));
    }

    fn push(&mut self, at: Instant, p: Pending) {
        self.seq += 1;
        self.queue.insert((at.max(self.now), self.seq), p);
    }

    /// The next instant something happens.
    pub fn next_instant(&self) -> Option<Instant> {
        let queued = self.queue.keys().next().map(|k| k.0);
        let timer = self.slots.iter().filter_map(|s| s.ua.poll_timeout()).min();
        match (queued, timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Handles the next happening (network events before timers at the same instant).
    /// Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let Some(at) = self.next_instant() else {
            return false;
        };
        if at > self.now {
            self.now = at;
            for s in &mut self.slots {
                s.spins = 0;
            }
        }
        if let Some(entry) = self.queue.first_entry() {
            if entry.key().0 <= self.now {
                let p = entry.remove();
                self.process(p);
                return true;
            }
        }
        for i in 0..self.slots.len() {
            if self.slots[i].ua.poll_timeout().is_some_and(|t| t <= self.now) {
                let slot = &mut self.slots[i];
                slot.spins += 1;
                assert!(
                    slot.spins < 10_000,
                    "UA {i}: a timer keeps falling due at {:?} (spin)",
                    self.now
                );
                slot.ua.handle_timeout(self.now);
                self.drain(i);
            }
        }
        true
    }

    /// Runs everything that happens up to and including `deadline`; the clock ends there.
    pub fn run_until(&mut self, deadline: Instant) {
        while self.next_instant().is_some_and(|t| t <= deadline) {
            self.step();
        }
        self.now = self.now.max(deadline);
    }

    /// [`Sim::run_until`] `now + d`.
    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now + d);
    }

    /// Runs until UA `ua` records an event matching `pred` (one recorded from now on), or
    /// until `deadline`. Returns the event and its instant.
    pub fn run_until_event(
        &mut self,
        ua: usize,
        deadline: Instant,
        mut pred: impl FnMut(&Event) -> bool,
    ) -> Option<(Instant, Event)> {
        let mut seen = self.slots[ua].events.len();
        loop {
            if let Some(found) = self.slots[ua].events[seen..].iter().find(|(_, e)| pred(e)) {
                return Some(found.clone());
            }
            seen = self.slots[ua].events.len();
            if self.next_instant().is_none_or(|t| t > deadline) {
                self.now = self.now.max(deadline);
                return None;
            }
            self.step();
        }
    }
}
