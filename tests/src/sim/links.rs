//! What happens on the simulated connections: the UA's outputs become scheduled arrivals;
//! arrivals, connection results and closes are fed to the UA or the registrar.

use bytes::Bytes;
use rand_core::Rng;
use sansip_core::parse::{Frame, Framing, Limits, StreamFramer};
use sansip_core::time::{Duration, Instant};
use sansip_core::transport::{ServerUri, TransportKind};
use sansip_core::ua::{Input, Output};

use super::{Action, ConnectRecord, Fate, Hop, Link, PeerAction, PeerConn, Pending, Sim, WireMessage};

impl<R: Rng> Sim<R> {
    /// True when `server` refuses connections at `at` (a network outage or a restart).
    fn refuses(&self, server: &ServerUri, at: Instant) -> bool {
        at < self.registrar_down_until || self.network.refuses(&server.host, at)
    }

    fn latency(&mut self) -> Duration {
        self.network.draw_latency(self.now, &mut self.rng)
    }

    /// Takes every output of UA `ua` and turns it into network events.
    pub(super) fn drain(&mut self, ua: usize) {
        while let Some(out) = self.slots[ua].ua.poll_output() {
            let now = self.now;
            match out {
                Output::Connect { conn, server } => {
                    let key = PeerConn { ua, conn };
                    // A UDP "connection" is a local socket: open at once. Streams take one hop.
                    let delay = if server.transport == TransportKind::Udp {
                        Duration::ZERO
                    } else {
                        self.latency()
                    };
                    self.slots[ua].connects.push(ConnectRecord {
                        at: now,
                        conn,
                        server: server.clone(),
                    });
                    if self.links.contains_key(&key) {
                        self.anomalies
                            .push((now, format!("UA {ua} reused connection id {conn:?}")));
                    }
                    let framer = matches!(server.transport, TransportKind::Tcp | TransportKind::Tls)
                        .then(|| StreamFramer::new(Limits::default()));
                    let link = Link {
                        server,
                        ua_open: true,
                        established: false,
                        peer_open: false,
                        to_peer_tail: now,
                        to_ua_tail: now,
                        framer,
                    };
                    self.links.insert(key, link);
                    self.push(now + delay, Pending::ConnectResult(key));
                }
                Output::Transmit { conn, data } => self.transmit(PeerConn { ua, conn }, Hop::ToPeer, data),
                Output::Disconnect { conn } => {
                    let key = PeerConn { ua, conn };
                    let lat = self.latency();
                    match self.links.get_mut(&key) {
                        Some(link) if link.ua_open => {
                            link.ua_open = false;
                            let at = (now + lat).max(link.to_peer_tail);
                            self.push(at, Pending::PeerSeesClose(key));
                        }
                        _ => self
                            .anomalies
                            .push((now, format!("UA {ua} closed {conn:?}, which is not open"))),
                    }
                }
                Output::Event(e) => self.slots[ua].events.push((now, e)),
            }
        }
    }

    /// Puts `data` on the wire of `key` in direction `hop`.
    fn transmit(&mut self, key: PeerConn, hop: Hop, data: Bytes) {
        let now = self.now;
        let Some(link) = self.links.get(&key) else {
            self.anomalies
                .push((now, format!("transmit on unknown connection {key:?}")));
            return;
        };
        let server = link.server.clone();
        let open = match hop {
            Hop::ToPeer => link.ua_open && link.peer_open,
            Hop::ToUa => link.peer_open,
        };
        let mut msg = WireMessage {
            at: now,
            ua: key.ua,
            conn: key.conn,
            server: server.clone(),
            hop,
            data: data.clone(),
            fate: Fate::Cut,
        };
        if !open {
            // Sending on a connection the peer closed, before the UA hears of it, is normal;
            // sending on one that never opened or that the UA gave up is not.
            if hop == Hop::ToPeer && !(link.established && link.ua_open) {
                let what = format!("UA {} transmitted on {:?}, which is not open", key.ua, key.conn);
                self.anomalies.push((now, what));
            }
            self.wire.push(msg);
            return;
        }
        let lat = self.latency();
        let deliver_at = if server.transport == TransportKind::Udp {
            let scripted = self.network.drop_rule.as_mut().is_some_and(|rule| rule(&msg));
            let (lost, extra) = self.network.draw_udp_fate(now, &mut self.rng);
            if scripted || lost {
                msg.fate = Fate::Lost;
                self.wire.push(msg);
                return;
            }
            now + lat + extra
        } else {
            let link = self.links.get_mut(&key).expect("link");
            let tail = match hop {
                Hop::ToPeer => &mut link.to_peer_tail,
                Hop::ToUa => &mut link.to_ua_tail,
            };
            *tail = (now + lat).max(*tail);
            *tail
        };
        msg.fate = Fate::InFlight;
        self.wire.push(msg);
        let wire = self.wire.len() - 1;
        let stream = matches!(server.transport, TransportKind::Tcp | TransportKind::Tls);
        let mut pieces = vec![data];
        if stream && self.network.split_streams {
            for _ in 0..2 {
                let last = pieces.pop().expect("a piece");
                let cut = (self.rng.next_u64() % (last.len() as u64 + 1)) as usize;
                pieces.push(last.slice(..cut));
                pieces.push(last.slice(cut..));
            }
            pieces.retain(|p| !p.is_empty());
        }
        let n = pieces.len();
        for (i, data) in pieces.into_iter().enumerate() {
            let last = i + 1 == n;
            self.push(
                deliver_at,
                Pending::Deliver {
                    link: key,
                    hop,
                    data,
                    wire,
                    last,
                },
            );
        }
    }

    pub(super) fn process(&mut self, p: Pending) {
        let now = self.now;
        match p {
            Pending::ConnectResult(key) => {
                let Some(link) = self.links.get(&key) else { return };
                if !link.ua_open {
                    return;
                }
                let udp = link.server.transport == TransportKind::Udp;
                let input = if !udp && self.refuses(&link.server, now) {
                    Input::ConnectFailed { conn: key.conn, now }
                } else {
                    if let Some(link) = self.links.get_mut(&key) {
                        link.peer_open = true;
                        link.established = true;
                    }
                    Input::Connected { conn: key.conn, now }
                };
                if matches!(input, Input::ConnectFailed { .. }) {
                    if let Some(link) = self.links.get_mut(&key) {
                        link.ua_open = false;
                    }
                }
                self.slots[key.ua].ua.handle_input(input);
                self.drain(key.ua);
            }
            Pending::Deliver {
                link: key,
                hop,
                data,
                wire,
                last,
            } => self.deliver(key, hop, data, wire, last),
            Pending::UaSeesClose(key) => {
                if let Some(link) = self.links.get_mut(&key).filter(|l| l.ua_open) {
                    link.ua_open = false;
                    self.slots[key.ua]
                        .ua
                        .handle_input(Input::Closed { conn: key.conn, now });
                    self.drain(key.ua);
                }
            }
            Pending::PeerSeesClose(key) => {
                if let Some(link) = self.links.get_mut(&key) {
                    link.peer_open = false;
                }
                self.proxy_sees_close(key);
            }
            Pending::PeerSend { link, data } => self.transmit(link, Hop::ToUa, data),
            Pending::PeerClose(key) => self.peer_close(key),
            Pending::Action(a) => self.action(a),
        }
    }

    fn deliver(&mut self, key: PeerConn, hop: Hop, data: Bytes, wire: usize, last: bool) {
        let now = self.now;
        let Some(link) = self.links.get(&key) else { return };
        let udp = link.server.transport == TransportKind::Udp;
        let open = match hop {
            Hop::ToPeer => link.peer_open,
            Hop::ToUa => link.ua_open,
        };
        if !open {
            self.wire[wire].fate = Fate::Cut;
            return;
        }
        if udp && hop == Hop::ToPeer && self.refuses(&link.server.clone(), now) {
            self.wire[wire].fate = Fate::Lost;
            return;
        }
        if last {
            self.wire[wire].fate = Fate::Delivered(now);
        }
        match hop {
            Hop::ToUa => {
                self.slots[key.ua].ua.handle_input(Input::Received {
                    conn: key.conn,
                    data,
                    now,
                });
                self.drain(key.ua);
            }
            Hop::ToPeer => {
                let transport = link.server.transport;
                let mut frames = Vec::new();
                match self.links.get_mut(&key).and_then(|l| l.framer.as_mut()) {
                    Some(framer) => {
                        framer.push(&data);
                        while let Ok(Some(f)) = framer.next_frame() {
                            frames.push(f);
                        }
                    }
                    None if &data[..] == b"\r\n\r\n" => frames.push(Frame::Ping),
                    None if &data[..] == b"\r\n" => frames.push(Frame::Pong),
                    None => frames.push(Frame::Message(data)),
                }
                let framing = match transport {
                    TransportKind::Udp => Framing::Datagram,
                    TransportKind::Ws | TransportKind::Wss => Framing::WebSocket,
                    TransportKind::Tcp | TransportKind::Tls => Framing::Stream,
                };
                for f in frames {
                    let actions = match f {
                        // RFC 5626 §3.5.1: the pong to a ping.
                        Frame::Ping => vec![PeerAction::Send(Bytes::from_static(b"\r\n"))],
                        Frame::Pong => Vec::new(),
                        Frame::Message(m) if self.proxy.is_some() => {
                            self.proxy_receives(key, transport, m);
                            continue;
                        }
                        Frame::Message(m) => self.registrar.receive(now, key, m, framing),
                    };
                    self.peer_actions(key, actions);
                }
            }
        }
    }

    pub(super) fn peer_actions(&mut self, key: PeerConn, actions: Vec<PeerAction>) {
        let delay = self.registrar.processing;
        for a in actions {
            match (a, delay.is_zero()) {
                (PeerAction::Send(data), true) => self.transmit(key, Hop::ToUa, data),
                (PeerAction::Close, true) => self.peer_close(key),
                (PeerAction::Send(data), false) => {
                    self.push(self.now + delay, Pending::PeerSend { link: key, data })
                }
                (PeerAction::Close, false) => self.push(self.now + delay, Pending::PeerClose(key)),
            }
        }
    }

    /// The registrar closes `key` (a UDP flow has nothing to close).
    fn peer_close(&mut self, key: PeerConn) {
        let lat = self.latency();
        let Some(link) = self.links.get_mut(&key) else {
            return;
        };
        if !link.peer_open || link.server.transport == TransportKind::Udp {
            return;
        }
        link.peer_open = false;
        let at = (self.now + lat).max(link.to_ua_tail);
        self.push(at, Pending::UaSeesClose(key));
        self.proxy_sees_close(key);
    }

    fn action(&mut self, a: Action) {
        let now = self.now;
        match a {
            Action::CutConnections => {
                if !self.network.faulty(now) {
                    return;
                }
                let cut: Vec<PeerConn> = self
                    .links
                    .iter()
                    .filter(|(_, l)| l.peer_open && l.ua_open && l.server.transport != TransportKind::Udp)
                    .map(|(k, _)| *k)
                    .collect();
                for key in cut {
                    if let Some(link) = self.links.get_mut(&key) {
                        link.peer_open = false;
                        link.ua_open = false;
                    }
                    self.slots[key.ua]
                        .ua
                        .handle_input(Input::Closed { conn: key.conn, now });
                    self.drain(key.ua);
                    self.proxy_sees_close(key);
                }
            }
            Action::RegistrarCloses => self.close_all(),
            Action::RegistrarRestart { down_for } => {
                self.registrar.restart();
                self.registrar_down_until = self.registrar_down_until.max(now + down_for);
                self.close_all();
            }
        }
    }

    fn close_all(&mut self) {
        let open: Vec<PeerConn> = self
            .links
            .iter()
            .filter(|(_, l)| l.peer_open)
            .map(|(k, _)| *k)
            .collect();
        for key in open {
            self.peer_close(key);
        }
    }
}
