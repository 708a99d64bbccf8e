//! The signalling flow in virtual time with a seeded RNG: exact actions, exact instants.

use super::*;
use crate::time::{Duration, Instant};
use alloc::vec;
use alloc::vec::Vec;
use bytes::Bytes;
use rand_core::Rng;
use rand_pcg::Pcg64;

fn uri(s: &str) -> ServerUri {
    ServerUri::parse(s).unwrap()
}

fn seeded() -> Pcg64 {
    Pcg64::new(0xcafe_f00d_d15e_a5e5, 0xa02b_dbf7_bb3c_0a7a)
}

const fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

fn drain(f: &mut Flow) -> Vec<FlowAction> {
    core::iter::from_fn(|| f.poll_action()).collect()
}

fn connecting(server: &ServerUri, conn: u64, attempt: u32) -> Vec<FlowAction> {
    vec![
        FlowAction::Connecting {
            server: server.clone(),
            attempt,
        },
        FlowAction::Connect {
            conn: ConnId(conn),
            server: server.clone(),
        },
    ]
}

fn disconnected(server: &ServerUri, conn: u64, reason: DisconnectReason) -> FlowAction {
    FlowAction::Disconnected {
        conn: ConnId(conn),
        server: server.clone(),
        reason,
    }
}

fn connected(server: &ServerUri, conn: u64) -> FlowAction {
    FlowAction::Connected {
        conn: ConnId(conn),
        server: server.clone(),
    }
}

/// Reconnection delays in whole seconds for one server that always refuses.
fn refused_delays(min: u64, max: u64, count: usize) -> Vec<u64> {
    let mut cfg = FlowConfig::new(vec![(uri("wss://a.example.com"), 0)]);
    cfg.recovery_min = Duration::from_secs(min);
    cfg.recovery_max = Duration::from_secs(max);
    let mut f = Flow::new(cfg).unwrap();
    let mut rng = seeded();
    f.start(&mut rng);
    let mut now = at(0);
    let mut out = Vec::new();
    for attempt in 1..=count {
        let FlowState::Connecting { conn, attempt: a, .. } = f.state().clone() else {
            panic!("not connecting: {:?}", f.state());
        };
        assert_eq!(a as usize, attempt);
        f.connect_failed(conn, now, &mut rng);
        let until = f.poll_timeout().unwrap();
        assert_eq!(f.state(), &FlowState::WaitingToReconnect { until });
        let delay = until - now;
        assert_eq!(delay.subsec_millis(), 0);
        out.push(delay.as_secs());
        now = until;
        f.handle_timeout(now, &mut rng);
    }
    out
}

#[test]
fn fails_over_by_weight_then_resets() {
    let (a, b, c) = (
        uri("wss://a.example.com"),
        uri("wss://b.example.com"),
        uri("wss://c.example.com"),
    );
    let cfg = FlowConfig::new(vec![(c.clone(), 1), (a.clone(), 10), (b.clone(), 10)]);
    let mut f = Flow::new(cfg).unwrap();
    let mut rng = seeded();
    f.start(&mut rng);
    // Among the two weight-10 servers, this seed picks b.
    assert_eq!(drain(&mut f), connecting(&b, 1, 1));
    f.connect_failed(ConnId(1), at(0), &mut rng);
    assert_eq!(
        drain(&mut f),
        [disconnected(&b, 1, DisconnectReason::ConnectFailed)]
    );
    assert_eq!(f.poll_timeout(), Some(at(2_000)));
    // Nothing before the wait is over.
    f.handle_timeout(at(1_999), &mut rng);
    assert_eq!(drain(&mut f), []);
    f.handle_timeout(at(2_000), &mut rng);
    // The other weight-10 server, with no random draw needed.
    assert_eq!(drain(&mut f), connecting(&a, 2, 2));
    f.closed(ConnId(2), at(2_500), &mut rng);
    assert_eq!(
        drain(&mut f),
        [disconnected(&a, 2, DisconnectReason::ConnectFailed)]
    );
    assert_eq!(f.poll_timeout(), Some(at(4_500)));
    f.handle_timeout(at(4_500), &mut rng);
    // Then the weight-1 server.
    assert_eq!(drain(&mut f), connecting(&c, 3, 3));
    f.connect_failed(ConnId(3), at(4_500), &mut rng);
    drain(&mut f);
    assert!(f.servers().entries().iter().all(|e| e.failed));
    assert_eq!(f.poll_timeout(), Some(at(9_500)));
    f.handle_timeout(at(9_500), &mut rng);
    // All failed: the marks are cleared and a weight-10 server is picked again.
    assert_eq!(drain(&mut f), connecting(&b, 4, 4));
    assert!(f.servers().entries().iter().all(|e| !e.failed));
}

#[test]
fn backoff_delays_for_a_seed() {
    // JsSIP: k = floor(random * 2^n + 1) s for n = 1, 2, ...; unclamped these are
    let raw = [2, 4, 3, 10, 31, 7, 33, 187, 12, 294, 205, 170];
    assert_eq!(refused_delays(0, 100_000, raw.len()), raw);
    // ... and clamped to the defaults [2 s, 30 s] and to [5 s, 8 s]:
    assert_eq!(refused_delays(2, 30, 8), [2, 4, 3, 10, 30, 7, 30, 30]);
    assert_eq!(refused_delays(5, 8, 8), [5, 5, 5, 8, 8, 7, 8, 8]);
}

#[test]
fn backoff_delays_follow_the_javascript_formula() {
    // The same draws, replayed from a clone of the RNG through JsSIP's floating-point formula.
    let mut rng = seeded();
    let expected: Vec<u64> = (1..=12)
        .map(|n| {
            let random = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            (random * 2f64.powi(n) + 1.0).floor() as u64
        })
        .collect();
    assert_eq!(refused_delays(0, u64::MAX, 12), expected);
    let clamped: Vec<u64> = expected.iter().map(|&k| k.clamp(3, 20)).collect();
    assert_eq!(refused_delays(3, 20, 12), clamped);
}

#[test]
fn success_resets_attempts_and_marks() {
    let (a, b) = (uri("wss://a.example.com"), uri("wss://b.example.com"));
    let mut f = Flow::new(FlowConfig::new(vec![(a.clone(), 2), (b.clone(), 1)])).unwrap();
    let mut rng = seeded();
    f.start(&mut rng);
    assert_eq!(drain(&mut f), connecting(&a, 1, 1));
    f.connect_failed(ConnId(1), at(0), &mut rng);
    f.handle_timeout(f.poll_timeout().unwrap(), &mut rng);
    drain(&mut f);
    assert!(f.servers().entries()[0].failed);
    f.connected(ConnId(2), at(3_000));
    assert_eq!(drain(&mut f), [connected(&b, 2)]);
    assert_eq!(f.current_connection(), Some((ConnId(2), &b)));
    assert!(f.servers().entries().iter().all(|e| !e.failed));
    assert_eq!(f.poll_timeout(), None);
    // The connection drops: n starts over at 1, so k is 1 or 2 and the delay is min = 2 s.
    f.closed(ConnId(2), at(60_000), &mut rng);
    assert_eq!(drain(&mut f), [disconnected(&b, 2, DisconnectReason::Closed)]);
    assert_eq!(f.poll_timeout(), Some(at(62_000)));
    f.handle_timeout(at(62_000), &mut rng);
    // b is marked, a is not: back to the preferred server, as attempt 2 (one failure).
    assert_eq!(drain(&mut f), connecting(&a, 3, 2));
}

#[test]
fn stale_connection_events_are_ignored() {
    let a = uri("wss://a.example.com");
    let mut f = Flow::new(FlowConfig::new(vec![(a.clone(), 0)])).unwrap();
    let mut rng = seeded();
    f.start(&mut rng);
    f.connect_failed(ConnId(1), at(0), &mut rng);
    f.handle_timeout(at(2_000), &mut rng);
    assert_eq!(drain(&mut f).len(), 5);
    let state = f.state().clone();
    let draws = rng.clone();
    f.connected(ConnId(1), at(2_100));
    f.connect_failed(ConnId(1), at(2_100), &mut rng);
    f.closed(ConnId(1), at(2_100), &mut rng);
    f.closed(ConnId(7), at(2_100), &mut rng);
    f.connected(ConnId(7), at(2_100));
    assert_eq!(drain(&mut f), []);
    assert_eq!(f.state(), &state);
    assert_eq!(rng, draws);
    f.connected(ConnId(2), at(2_200));
    assert_eq!(drain(&mut f), [connected(&a, 2)]);
    // Once up, a second `connected` or a failure report for it is stale too.
    f.connected(ConnId(2), at(2_300));
    f.connect_failed(ConnId(2), at(2_300), &mut rng);
    assert_eq!(drain(&mut f), []);
    assert_eq!(f.current_connection(), Some((ConnId(2), &a)));
}

#[test]
fn keep_alive_pings_and_dead_flow() {
    let tcp = uri("sip:proxy.example.com;transport=tcp");
    let mut cfg = FlowConfig::new(vec![(tcp.clone(), 0)]);
    cfg.keep_alive = Some(Duration::from_secs(30));
    let mut f = Flow::new(cfg).unwrap();
    let mut rng = seeded();
    f.start(&mut rng);
    drain(&mut f);
    assert_eq!(f.poll_timeout(), None);
    f.connected(ConnId(1), at(1_000));
    assert_eq!(drain(&mut f), [connected(&tcp, 1)]);
    assert_eq!(f.poll_timeout(), Some(at(31_000)));
    f.handle_timeout(at(30_999), &mut rng);
    assert_eq!(drain(&mut f), []);
    let ping = FlowAction::Send {
        conn: ConnId(1),
        data: Bytes::from_static(b"\r\n\r\n"),
    };
    f.handle_timeout(at(31_000), &mut rng);
    assert_eq!(drain(&mut f), core::slice::from_ref(&ping));
    // RFC 5626 §4.4.1: the pong is due within 10 s.
    assert_eq!(f.poll_timeout(), Some(at(41_000)));
    f.pong_received(at(31_080));
    assert_eq!(f.poll_timeout(), Some(at(61_000)));
    f.handle_timeout(at(61_000), &mut rng);
    assert_eq!(drain(&mut f), [ping]);
    assert_eq!(f.poll_timeout(), Some(at(71_000)));
    f.handle_timeout(at(70_999), &mut rng);
    assert_eq!(drain(&mut f), []);
    // No pong: the flow is dead, closed, and reconnected after the backoff.
    f.handle_timeout(at(71_000), &mut rng);
    assert_eq!(
        drain(&mut f),
        [
            FlowAction::Disconnect { conn: ConnId(1) },
            disconnected(&tcp, 1, DisconnectReason::KeepAliveTimeout),
        ]
    );
    assert_eq!(f.poll_timeout(), Some(at(73_000)));
    // A late pong for the dead flow changes nothing.
    f.pong_received(at(72_000));
    assert_eq!(f.poll_timeout(), Some(at(73_000)));
    f.handle_timeout(at(73_000), &mut rng);
    assert_eq!(drain(&mut f), connecting(&tcp, 2, 2));
    f.connected(ConnId(2), at(73_500));
    drain(&mut f);
    assert_eq!(f.poll_timeout(), Some(at(103_500)));
}

#[test]
fn keep_alive_policy_by_transport() {
    for (server, pings) in [
        ("sip:proxy.example.com;transport=udp", false),
        ("sips:proxy.example.com", true),
        ("wss://edge.example.com", true),
        ("ws://edge.example.com", true),
    ] {
        let mut cfg = FlowConfig::new(vec![(uri(server), 0)]);
        cfg.keep_alive = Some(Duration::from_secs(25));
        let mut f = Flow::new(cfg).unwrap();
        let mut rng = seeded();
        f.start(&mut rng);
        f.connected(ConnId(1), at(0));
        let expected = pings.then_some(at(25_000));
        assert_eq!(f.poll_timeout(), expected, "{server}");
    }
    // Not configured: no pings on any transport (JsSIP sends none).
    let mut f = Flow::new(FlowConfig::new(vec![(uri("wss://edge.example.com"), 0)])).unwrap();
    let mut rng = seeded();
    f.start(&mut rng);
    f.connected(ConnId(1), at(0));
    assert_eq!(f.poll_timeout(), None);
    f.handle_timeout(at(1_000_000), &mut rng);
    assert_eq!(drain(&mut f).len(), 3);
}

#[test]
fn stop_disconnects_and_schedules_nothing() {
    let a = uri("wss://a.example.com");
    let mut cfg = FlowConfig::new(vec![(a.clone(), 0)]);
    cfg.keep_alive = Some(Duration::from_secs(30));
    let mut f = Flow::new(cfg).unwrap();
    let mut rng = seeded();
    f.start(&mut rng);
    f.connected(ConnId(1), at(0));
    drain(&mut f);
    f.stop();
    assert_eq!(
        drain(&mut f),
        [
            FlowAction::Disconnect { conn: ConnId(1) },
            disconnected(&a, 1, DisconnectReason::Stopped),
        ]
    );
    assert_eq!(f.state(), &FlowState::Disconnected);
    assert_eq!(f.poll_timeout(), None);
    f.handle_timeout(at(1_000_000), &mut rng);
    f.closed(ConnId(1), at(1_000_000), &mut rng);
    assert_eq!(drain(&mut f), []);
    // Stopping while waiting to reconnect cancels the wait.
    f.start(&mut rng);
    assert_eq!(drain(&mut f), connecting(&a, 2, 1));
    f.connect_failed(ConnId(2), at(1_000_000), &mut rng);
    drain(&mut f);
    assert!(f.poll_timeout().is_some());
    f.stop();
    assert_eq!(drain(&mut f), []);
    assert_eq!(f.poll_timeout(), None);
    assert!(f.servers().entries()[0].failed);
    // After stop it begins again at attempt 1 with no marks; start while started does nothing.
    f.start(&mut rng);
    assert!(!f.servers().entries()[0].failed);
    f.start(&mut rng);
    assert_eq!(drain(&mut f), connecting(&a, 3, 1));
}

#[test]
fn answers_a_ping_with_a_single_crlf() {
    let f = Flow::new(FlowConfig::new(vec![(uri("sips:p.example.com"), 0)])).unwrap();
    assert_eq!(&f.ping_received()[..], b"\r\n");
}

#[test]
fn config_is_checked() {
    let cfg = FlowConfig::new(vec![]);
    assert_eq!(Flow::new(cfg).unwrap_err(), FlowConfigError::NoServers);
    let mut cfg = FlowConfig::new(vec![(uri("wss://a.example.com"), 0)]);
    cfg.recovery_min = Duration::from_secs(31);
    assert_eq!(Flow::new(cfg).unwrap_err(), FlowConfigError::RecoveryRange);
}

/// What the actions so far say about the flow, to check each new action against.
#[derive(Default)]
struct Observed {
    /// The connection opened and not yet reported gone.
    live: Option<ConnId>,
    /// Whether `live` is up.
    up: bool,
    /// Failures since the flow last came up or started.
    failures: u32,
    /// The last connection id handed out.
    last_conn: u64,
    /// How often each outcome was seen: pings, then each [`DisconnectReason`].
    tally: [u32; 5],
}

impl Observed {
    fn check(&mut self, f: &mut Flow, now: Instant, min: Duration, max: Duration) {
        while let Some(action) = f.poll_action() {
            match action {
                FlowAction::Connecting { attempt, .. } => {
                    // Attempts count up by one per failure until a success.
                    assert_eq!(attempt, self.failures + 1);
                }
                FlowAction::Connect { conn, .. } => {
                    // At most one connection in flight or up.
                    assert_eq!(self.live, None);
                    assert_eq!(conn.0, self.last_conn + 1);
                    self.last_conn = conn.0;
                    self.live = Some(conn);
                }
                FlowAction::Connected { conn, .. } => {
                    assert_eq!(self.live, Some(conn));
                    self.up = true;
                    self.failures = 0;
                }
                FlowAction::Send { conn, data } => {
                    assert!(self.up && self.live == Some(conn));
                    assert_eq!(&data[..], PING);
                    self.tally[0] += 1;
                }
                FlowAction::Disconnect { conn } => assert_eq!(self.live, Some(conn)),
                FlowAction::Disconnected { conn, reason, .. } => {
                    assert_eq!(self.live, Some(conn));
                    (self.live, self.up) = (None, false);
                    self.tally[1 + reason as usize] += 1;
                    if reason == DisconnectReason::Stopped {
                        continue;
                    }
                    self.failures += 1;
                    // Every delay is whole seconds within [min, max].
                    let FlowState::WaitingToReconnect { until } = *f.state() else {
                        panic!("{:?} after a failure", f.state());
                    };
                    let delay = until - now;
                    assert!(min <= delay && delay <= max, "{delay:?}");
                    assert_eq!(delay.subsec_millis(), 0);
                }
            }
        }
        match f.state() {
            FlowState::Disconnected => {
                assert_eq!((self.live, f.poll_timeout()), (None, None));
            }
            FlowState::WaitingToReconnect { until } => {
                assert_eq!(self.live, None);
                assert_eq!(f.poll_timeout(), Some(*until));
            }
            FlowState::Connecting { conn, attempt, .. } => {
                assert_eq!((self.live, self.up), (Some(*conn), false));
                assert_eq!(*attempt, self.failures + 1);
                assert_eq!(f.poll_timeout(), None);
            }
            FlowState::Connected { conn, .. } => {
                assert_eq!((self.live, self.up), (Some(*conn), true));
            }
        }
    }
}

#[test]
fn random_events_keep_the_invariants() {
    let transports = ["wss://", "ws://", "sip:", "sips:"];
    let mut tally = [0u32; 5];
    for seed in 0..400u128 {
        let mut chaos = Pcg64::new(seed, 0x5eed);
        let min = Duration::from_secs(u64::from(chaos.next_u32() % 5));
        let max = min + Duration::from_secs(u64::from(chaos.next_u32() % 60));
        let servers = (0..1 + chaos.next_u32() % 4)
            .map(|i| {
                let scheme = transports[chaos.next_u32() as usize % transports.len()];
                (
                    uri(&alloc::format!("{scheme}s{i}.example.com")),
                    chaos.next_u32() % 3,
                )
            })
            .collect();
        let mut cfg = FlowConfig::new(servers);
        (cfg.recovery_min, cfg.recovery_max) = (min, max);
        if chaos.next_u32() % 2 == 0 {
            cfg.keep_alive = Some(Duration::from_secs(1 + u64::from(chaos.next_u32() % 40)));
        }
        let mut f = Flow::new(cfg).unwrap();
        let mut rng = Pcg64::new(seed, 7);
        let mut seen = Observed::default();
        let mut now = at(0);
        f.start(&mut rng);
        seen.check(&mut f, now, min, max);
        for _ in 0..300 {
            let current = match f.state() {
                FlowState::Connecting { conn, .. } | FlowState::Connected { conn, .. } => Some(*conn),
                _ => None,
            };
            // Mostly the current connection; sometimes an old or unknown one.
            let conn = match (current, chaos.next_u32() % 4) {
                (Some(c), 0..=2) => c,
                _ => ConnId(u64::from(chaos.next_u32()) % (seen.last_conn + 2)),
            };
            let before = f.state().clone();
            let draws = rng.clone();
            let event = chaos.next_u32() % 12;
            match event {
                0..=3 => {
                    now = match f.poll_timeout() {
                        Some(t) if t > now => t,
                        Some(_) => now,
                        None => now + Duration::from_millis(700),
                    };
                    f.handle_timeout(now, &mut rng);
                }
                4 | 5 => f.connected(conn, now),
                6 => f.connect_failed(conn, now, &mut rng),
                7 => f.closed(conn, now, &mut rng),
                8 => f.pong_received(now),
                9 => now += Duration::from_millis(u64::from(chaos.next_u32() % 20_000)),
                10 if chaos.next_u32() % 4 == 0 => f.stop(),
                _ => {
                    if before == FlowState::Disconnected {
                        seen.failures = 0;
                    }
                    f.start(&mut rng);
                }
            }
            if (4..=7).contains(&event) && Some(conn) != current {
                // Events for any other connection change nothing.
                assert_eq!(f.state(), &before);
                assert_eq!(rng, draws);
                assert_eq!(f.poll_action(), None);
            }
            seen.check(&mut f, now, min, max);
        }
        for (total, n) in tally.iter_mut().zip(seen.tally) {
            *total += n;
        }
    }
    // Every path was exercised: pings, refusals, drops, dead flows, stops.
    assert!(tally.iter().all(|&n| n > 50), "{tally:?}");
}
