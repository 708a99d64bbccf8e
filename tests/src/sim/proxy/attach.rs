//! Attaching the proxy to a [`Sim`]: building one with it, reaching it, feeding it what
//! arrives and what closes, and cutting one UA's connection.

use bytes::Bytes;
use rand_core::Rng;
use sansip_core::transport::TransportKind;
use sansip_core::ua::Input;

use super::Proxy;
use crate::sim::{Network, PeerConn, Registrar, Sim};

impl<R: Rng> Sim<R> {
    /// A simulation whose peer is `proxy`, routing between the UAs, in front of `registrar`.
    pub fn with_proxy(network: Network, registrar: Registrar, proxy: Proxy, seed: u64) -> Sim<R> {
        let mut sim = Sim::new(network, registrar, seed);
        sim.proxy = Some(proxy);
        sim
    }

    /// The proxy; panics when the simulation has none.
    pub fn proxy(&self) -> &Proxy {
        self.proxy.as_ref().expect("a simulation with a proxy")
    }

    /// The proxy, to configure it; panics when the simulation has none.
    pub fn proxy_mut(&mut self) -> &mut Proxy {
        self.proxy.as_mut().expect("a simulation with a proxy")
    }

    /// The proxy (if any) learns that connection `key` closed, and sends what that makes it
    /// send.
    pub(in crate::sim) fn proxy_sees_close(&mut self, key: PeerConn) {
        if let Some(proxy) = self.proxy.as_mut() {
            let routed = proxy.connection_closed(key);
            for (to, action) in routed {
                self.peer_actions(to, vec![action]);
            }
        }
    }

    /// The proxy (if any) takes message `data` from `key`; returns false when there is no
    /// proxy (the registrar answers it then).
    pub(in crate::sim) fn proxy_receives(
        &mut self,
        key: PeerConn,
        transport: TransportKind,
        data: Bytes,
    ) -> bool {
        let now = self.now;
        let Some(proxy) = self.proxy.as_mut() else {
            return false;
        };
        let routed = proxy.receive(now, key, transport, data, &mut self.registrar);
        for (to, action) in routed {
            self.peer_actions(to, vec![action]);
        }
        true
    }

    /// The network cuts UA `ua`'s open stream connections: both ends see them closed at
    /// once, and what was in flight on them is lost (a connection drop of one UA).
    pub fn cut_ua(&mut self, ua: usize) {
        let now = self.now;
        let cut: Vec<PeerConn> = self
            .links
            .iter()
            .filter(|(k, l)| {
                k.ua == ua && l.peer_open && l.ua_open && l.server.transport != TransportKind::Udp
            })
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
}
