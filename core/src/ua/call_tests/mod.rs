//! Calls between two real UAs wired back to back (every byte one sends, the other
//! receives), in virtual time: the shared `Pair` harness and helpers here, the tests by theme
//! in the submodules.

mod basic;
mod cancel;
mod in_dialog;
mod offer;
mod options;
mod prack;
mod timers;
mod transfer;

use super::*;
use crate::cause::Cause;
use crate::message::{Message, StatusCode};
use crate::parse::{parse_message, Framing, Limits};
use alloc::vec::Vec;
use rand_pcg::Pcg64;

struct Pair {
    a: Ua<Pcg64>,
    b: Ua<Pcg64>,
    conn_a: ConnId,
    conn_b: ConnId,
    /// Every message on the wire: (from a?, bytes).
    wire: Vec<(bool, Bytes)>,
    events_a: Vec<Event>,
    events_b: Vec<Event>,
}

fn ua(user: &str, seed: u64) -> Ua<Pcg64> {
    let cfg = crate::config::ConfigBuilder::new()
        .uri(alloc::format!("sip:{user}@example.com"))
        .server("wss://proxy.example.com")
        .register(false)
        .no_answer_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    Ua::new(cfg, Pcg64::new(u128::from(seed), 3), Instant::ZERO).unwrap()
}

impl Pair {
    fn new() -> Pair {
        let mut p = Pair {
            a: ua("alice", 1),
            b: ua("bob", 2),
            conn_a: ConnId(0),
            conn_b: ConnId(0),
            wire: Vec::new(),
            events_a: Vec::new(),
            events_b: Vec::new(),
        };
        for (ua, conn) in [(&mut p.a, &mut p.conn_a), (&mut p.b, &mut p.conn_b)] {
            ua.start(Instant::ZERO);
            while let Some(o) = ua.poll_output() {
                if let Output::Connect { conn: c, .. } = o {
                    *conn = c;
                }
            }
            ua.handle_input(Input::Connected {
                conn: *conn,
                now: Instant::ZERO,
            });
            while ua.poll_output().is_some() {}
        }
        p
    }

    /// Moves bytes both ways until both are quiet; `drop_from_a` drops A's messages matching.
    fn run(&mut self, now: Instant) {
        loop {
            let mut moved = false;
            while let Some(o) = self.a.poll_output() {
                match o {
                    Output::Transmit { data, .. } => {
                        moved = true;
                        self.wire.push((true, data.clone()));
                        self.b.handle_input(Input::Received {
                            conn: self.conn_b,
                            data,
                            now,
                        });
                    }
                    Output::Event(e) => self.events_a.push(e),
                    _ => {}
                }
            }
            while let Some(o) = self.b.poll_output() {
                match o {
                    Output::Transmit { data, .. } => {
                        moved = true;
                        self.wire.push((false, data.clone()));
                        self.a.handle_input(Input::Received {
                            conn: self.conn_a,
                            data,
                            now,
                        });
                    }
                    Output::Event(e) => self.events_b.push(e),
                    _ => {}
                }
            }
            if !moved {
                return;
            }
        }
    }

    fn first_lines(&self) -> Vec<String> {
        self.wire
            .iter()
            .map(|(from_a, d)| {
                let line = core::str::from_utf8(d).unwrap().lines().next().unwrap();
                alloc::format!("{} {line}", if *from_a { "A→B" } else { "B→A" })
            })
            .collect()
    }

    /// Runs both UAs' timers, earliest first, up to and including `until`.
    fn advance(&mut self, until: Instant) {
        loop {
            let next = [self.a.poll_timeout(), self.b.poll_timeout()]
                .into_iter()
                .flatten()
                .min();
            let Some(t) = next.filter(|t| *t <= until) else {
                return;
            };
            self.a.handle_timeout(t);
            self.b.handle_timeout(t);
            self.run(t);
        }
    }

    /// A's Contact URI as B's requests in the dialog use it.
    fn a_contact(&self) -> String {
        let id = self.a.identity();
        alloc::format!("sip:{}@{};transport=ws SIP/2.0", id.contact_user, id.via_host)
    }
}

/// Call options carrying the standard test offer.
fn with_offer() -> CallOptions {
    CallOptions {
        sdp: Bytes::from_static(OFFER.as_bytes()),
        ..Default::default()
    }
}

/// Everything `ua` has to send now, and its events, in order.
fn drain<R: rand_core::Rng>(ua: &mut Ua<R>) -> (Vec<Bytes>, Vec<Event>) {
    let (mut sent, mut events) = (Vec::new(), Vec::new());
    while let Some(o) = ua.poll_output() {
        match o {
            Output::Transmit { data, .. } => sent.push(data),
            Output::Event(e) => events.push(e),
            _ => {}
        }
    }
    (sent, events)
}

/// Everything `ua` has to send now (its events are dropped).
fn sent<R: rand_core::Rng>(ua: &mut Ua<R>) -> Vec<Bytes> {
    drain(ua).0
}

fn incoming_id(events: &[Event]) -> SessionId {
    events
        .iter()
        .find_map(|e| {
            if let Event::NewSession { id, .. } = e {
                Some(*id)
            } else {
                None
            }
        })
        .unwrap()
}

const OFFER: &str =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
const ANSWER: &str =
    "v=0\r\no=- 2 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";

/// Bob's Contact URI as A's requests in the dialog use it.
fn contact_of_b(p: &Pair) -> String {
    let id = p.b.identity();
    alloc::format!("sip:{}@{};transport=ws SIP/2.0", id.contact_user, id.via_host)
}

fn ack_line(p: &Pair) -> String {
    alloc::format!("A→B ACK {}", contact_of_b(p))
}
/// A call from A to B, answered and confirmed.
fn established() -> (Pair, SessionId, SessionId) {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let a = p.a.call(t, "bob", with_offer()).unwrap();
    p.run(t);
    let b = incoming_id(&p.events_b);
    p.b.answer(t, b, ANSWER);
    p.run(t);
    p.wire.clear();
    p.events_a.clear();
    p.events_b.clear();
    (p, a, b)
}

fn body_of_wire(p: &Pair, k: usize) -> String {
    let d = &p.wire[k].1;
    let text = core::str::from_utf8(d).unwrap();
    String::from(text.split_once("\r\n\r\n").unwrap().1)
}

fn header<'a>(wire: &'a Bytes, name: &str) -> Option<&'a str> {
    core::str::from_utf8(wire)
        .unwrap()
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
}
