//! The servers the UA may connect to and which one to try next, as JsSIP 3.x does it
//! (`Transport._getSocket`): the highest weight among those that have not failed, random among
//! equal weights; when every server has failed, all are forgiven and the choice starts over.

use alloc::vec::Vec;
use core::cmp::Reverse;

use rand_core::Rng;

use super::backoff::{random_fraction, scale_fraction};
use super::ServerUri;

/// One configured server: its address, weight, and whether it failed since the marks were last
/// cleared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerEntry {
    /// Where to connect.
    pub server: ServerUri,
    /// Preference: higher weights are tried first (JsSIP `weight`, default 0).
    pub weight: u32,
    /// True once a connection to it failed or dropped.
    pub failed: bool,
}

/// The configured servers, sorted by weight (higher first; equal weights keep their configured
/// order), with a failure mark on each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerSet {
    entries: Vec<ServerEntry>,
}

impl ServerSet {
    /// The servers with their weights, none marked failed.
    pub fn new(servers: impl IntoIterator<Item = (ServerUri, u32)>) -> ServerSet {
        let mut entries: Vec<ServerEntry> = servers
            .into_iter()
            .map(|(server, weight)| ServerEntry {
                server,
                weight,
                failed: false,
            })
            .collect();
        // Stable sort: higher weight first, as JsSIP sorts its sockets.
        entries.sort_by_key(|e| Reverse(e.weight));
        ServerSet { entries }
    }

    /// The servers, highest weight first.
    pub fn entries(&self) -> &[ServerEntry] {
        &self.entries
    }

    /// Number of servers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no server is configured.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The server to connect to next: the highest weight among servers not marked failed,
    /// picked uniformly at random among equal weights (one draw from `rng`, only when there is
    /// a choice). When all have failed, the marks are cleared first. `None` only when empty.
    pub fn pick<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Option<&ServerUri> {
        if self.entries.iter().all(|e| e.failed) {
            self.clear_failed();
        }
        let top = self
            .entries
            .iter()
            .filter(|e| !e.failed)
            .map(|e| e.weight)
            .max()?;
        let count = self
            .entries
            .iter()
            .filter(|e| !e.failed && e.weight == top)
            .count();
        let index = if count > 1 {
            scale_fraction(random_fraction(rng), count)
        } else {
            0
        };
        self.entries
            .iter()
            .filter(|e| !e.failed && e.weight == top)
            .nth(index)
            .map(|e| &e.server)
    }

    /// Marks `server` as failed (every entry with that address), so [`pick`](Self::pick) skips
    /// it until the marks are cleared.
    pub fn mark_failed(&mut self, server: &ServerUri) {
        for entry in self.entries.iter_mut().filter(|e| e.server == *server) {
            entry.failed = true;
        }
    }

    /// Clears every failure mark.
    pub fn clear_failed(&mut self) {
        for entry in &mut self.entries {
            entry.failed = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

    fn set(weights: &[u32]) -> ServerSet {
        ServerSet::new(weights.iter().enumerate().map(|(i, &w)| {
            let uri = ServerUri::parse(&format!("wss://s{i}.example.com")).unwrap();
            (uri, w)
        }))
    }

    fn host(s: Option<&ServerUri>) -> String {
        s.unwrap().host.clone()
    }

    #[test]
    fn sorted_by_weight_stable_among_equals() {
        let s = set(&[1, 10, 0, 10]);
        let hosts: Vec<_> = s.entries().iter().map(|e| e.server.host.as_str()).collect();
        assert_eq!(
            hosts,
            [
                "s1.example.com",
                "s3.example.com",
                "s0.example.com",
                "s2.example.com"
            ]
        );
    }

    #[test]
    fn single_candidate_draws_no_randomness() {
        let mut s = set(&[5, 1]);
        let mut rng = rand_pcg::Pcg64::new(7, 7);
        let before = rng.clone();
        assert_eq!(host(s.pick(&mut rng)), "s0.example.com");
        assert_eq!(rng, before);
        s.mark_failed(&s.entries()[0].server.clone());
        assert_eq!(host(s.pick(&mut rng)), "s1.example.com");
        assert_eq!(rng, before);
    }

    #[test]
    fn fails_over_down_the_weights_then_resets() {
        let mut s = set(&[1, 10, 10]);
        let mut rng = rand_pcg::Pcg64::new(42, 54);
        let first = s.pick(&mut rng).unwrap().clone();
        assert!(first.host == "s1.example.com" || first.host == "s2.example.com");
        s.mark_failed(&first);
        let second = s.pick(&mut rng).unwrap().clone();
        assert_ne!(second, first);
        assert_eq!(
            s.entries().iter().find(|e| e.server == second).unwrap().weight,
            10
        );
        s.mark_failed(&second);
        assert_eq!(host(s.pick(&mut rng)), "s0.example.com");
        s.mark_failed(&s.entries()[2].server.clone());
        assert!(s.entries().iter().all(|e| e.failed));
        // All failed: the marks are cleared and a weight-10 server comes back.
        let again = s.pick(&mut rng).unwrap().clone();
        assert!(s.entries().iter().all(|e| !e.failed));
        assert_ne!(again.host, "s0.example.com");
    }

    #[test]
    fn equal_weights_are_picked_uniformly() {
        let mut s = set(&[3, 3, 3, 1]);
        let mut rng = rand_pcg::Pcg64::new(2024, 1);
        let mut counts = [0u32; 4];
        for _ in 0..30_000 {
            let h = host(s.pick(&mut rng));
            let i: usize = h[1..2].parse().unwrap();
            counts[i] += 1;
        }
        assert_eq!(counts[3], 0);
        for c in &counts[..3] {
            assert!((9_500..=10_500).contains(c), "{counts:?}");
        }
    }

    #[test]
    fn duplicates_share_one_mark_and_empty_set_picks_nothing() {
        let uri = ServerUri::parse("wss://same.example.com").unwrap();
        let mut s = ServerSet::new([(uri.clone(), 1), (uri.clone(), 1)]);
        s.mark_failed(&uri);
        assert!(s.entries().iter().all(|e| e.failed));
        let mut rng = rand_pcg::Pcg64::new(1, 1);
        assert_eq!(s.pick(&mut rng), Some(&uri));
        let mut empty = ServerSet::new([]);
        assert!(empty.is_empty());
        assert_eq!(empty.pick(&mut rng), None);
    }
}
