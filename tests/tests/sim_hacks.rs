//! JsSIP's configuration hacks in deterministic simulation (issue 3), asserting the header
//! text exactly: `hack_via_tcp`, `hack_ip_in_contact`, `use_preloaded_route`, `trace_sip`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rand_core::Rng;
use sansip_core::config::{Config, ConfigBuilder};
use sansip_core::time::{Duration, Instant};
use sansip_core::ua::{Direction, Event, Ua};
use sansip_tests::sim::{header_line, header_lines, ConstRng, Fate, Hop, Network, Registrar, Sim};

fn config(server: &str, f: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Config {
    f(Config::builder("sip:alice@example.com")
        .server(server)
        .password("secret"))
    .build()
    .unwrap()
}

/// Runs a registration with digest for `config`; returns the simulation.
fn run<R: Rng>(config: Config, rng: R) -> Sim<R> {
    let mut sim = Sim::new(
        Network::fixed(Duration::from_millis(20)),
        Registrar::with_digest("example.com", "alice", "secret"),
        3,
    );
    let ua = sim.add_ua(Ua::new(config, rng, Instant::ZERO).unwrap());
    sim.start(ua);
    sim.run_until(Instant::from_millis(5_000));
    assert!(sim.ua(ua).is_registered(), "{:?}", sim.events(ua));
    sim
}

fn register_texts<R: Rng>(sim: &Sim<R>) -> Vec<String> {
    sim.sent_requests(0)
        .iter()
        .map(|(_, r)| String::from_utf8(r.buffer().to_vec()).unwrap())
        .collect()
}

/// The branch of a Via line: the cookie and 16 characters of `[a-z0-9]`.
fn branch(via: &str) -> &str {
    let b = via.split(";branch=").nth(1).unwrap().split(';').next().unwrap();
    assert!(b.starts_with("z9hG4bK") && b.len() == 23, "{via}");
    assert!(
        b[7..]
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "{via}"
    );
    b
}

#[test]
fn hack_via_tcp_sends_tcp_in_via_over_wss() {
    for (hack, token) in [(true, "TCP"), (false, "WSS")] {
        let sim = run(
            config("wss://proxy.example.com", |b| b.hack_via_tcp(hack)),
            rand_pcg::Pcg64::new(1, 2),
        );
        let host = sim.ua(0).identity().via_host.clone();
        assert!(host.ends_with(".invalid") && host.len() == 12 + 8, "{host}");
        for text in register_texts(&sim) {
            let via = header_line(&text, "Via");
            assert_eq!(via, format!("Via: SIP/2.0/{token} {host};branch={}", branch(via)));
        }
    }
}

#[test]
fn hack_ip_in_contact_puts_one_test_net_address_in_via_and_contact() {
    // JsSIP: 192.0.2.(1 + random % 254). With every u32 draw 2^31: 1 + 2147483648 % 254 = 9.
    let sim = run(
        config("wss://proxy.example.com", |b| b.hack_ip_in_contact(true)),
        ConstRng::HALF,
    );
    let user = sim.ua(0).identity().contact_user.clone();
    for text in register_texts(&sim) {
        let via = header_line(&text, "Via");
        assert_eq!(via, format!("Via: SIP/2.0/WSS 192.0.2.9;branch={}", branch(via)));
        assert!(header_line(&text, "Contact")
            .starts_with(&format!("Contact: <sip:{user}@192.0.2.9;transport=ws>;")));
    }
    // Seeded: always the same address in both places, within 192.0.2.1–254.
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..40u128 {
        let sim = run(
            config("wss://proxy.example.com", |b| b.hack_ip_in_contact(true)),
            rand_pcg::Pcg64::new(seed, 9),
        );
        let text = &register_texts(&sim)[0];
        let via = header_line(text, "Via");
        let via_host = via
            .strip_prefix("Via: SIP/2.0/WSS ")
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        let contact = header_line(text, "Contact");
        let contact_host = contact.split('@').nth(1).unwrap().split(';').next().unwrap();
        assert_eq!(via_host, contact_host);
        let n: u32 = via_host.strip_prefix("192.0.2.").unwrap().parse().unwrap();
        assert!((1..=254).contains(&n), "{via_host}");
        seen.insert(n);
    }
    assert!(seen.len() > 10, "random addresses: {seen:?}");
}

#[test]
fn use_preloaded_route_adds_the_server_as_a_loose_route() {
    for (server, route) in [
        (
            "wss://proxy.example.com",
            "Route: <sip:proxy.example.com;transport=ws;lr>",
        ),
        (
            "wss://proxy.example.com:8443/sip",
            "Route: <sip:proxy.example.com:8443;transport=ws;lr>",
        ),
        (
            "ws://proxy.example.com:8080",
            "Route: <sip:proxy.example.com:8080;transport=ws;lr>",
        ),
    ] {
        let sim = run(
            config(server, |b| b.use_preloaded_route(true)),
            rand_pcg::Pcg64::new(3, 3),
        );
        for text in register_texts(&sim) {
            assert_eq!(header_lines(&text, "Route"), [route], "{text}");
            // RFC 3261 §8.1.1: the Route set comes before To/From, after Max-Forwards here.
            assert!(
                text.contains(&format!("\r\nMax-Forwards: 70\r\n{route}\r\nTo: ")),
                "{text}"
            );
        }
        let sim = run(config(server, |b| b), rand_pcg::Pcg64::new(3, 3));
        assert!(register_texts(&sim)
            .iter()
            .all(|t| header_lines(t, "Route").is_empty()));
    }
}

/// Every `SipTrace` with its instant, as (instant, direction, bytes).
fn traces<R: Rng>(sim: &Sim<R>) -> Vec<(Instant, Direction, Vec<u8>)> {
    sim.events(0)
        .iter()
        .filter_map(|(t, e)| match e {
            Event::SipTrace { direction, data, .. } => Some((*t, *direction, data.to_vec())),
            _ => None,
        })
        .collect()
}

#[test]
fn trace_sip_reports_every_message_with_the_wire_bytes() {
    let sim = run(
        config("wss://proxy.example.com", |b| b.trace_sip(true)),
        rand_pcg::Pcg64::new(4, 4),
    );
    let w = sim.wire();
    assert_eq!(w.len(), 4);
    let t = Instant::from_millis;
    let data = |i: usize| w[i].data.to_vec();
    assert_eq!(
        traces(&sim),
        [
            (t(20), Direction::Sent, data(0)),
            (t(60), Direction::Received, data(1)),
            (t(60), Direction::Sent, data(2)),
            (t(100), Direction::Received, data(3)),
        ]
    );
    assert!(w[0].data.starts_with(b"REGISTER ") && w[1].data.starts_with(b"SIP/2.0 401 "));
    assert!(w[2].data.starts_with(b"REGISTER ") && w[3].data.starts_with(b"SIP/2.0 200 "));
    let server = w[0].server.clone();
    assert!(sim
        .events(0)
        .iter()
        .all(|(_, e)| !matches!(e, Event::SipTrace { server: s, .. } if *s != server)));
    // Off: no trace at all.
    let sim = run(
        config("wss://proxy.example.com", |b| b),
        rand_pcg::Pcg64::new(4, 4),
    );
    assert!(traces(&sim).is_empty());
}

#[test]
fn trace_sip_over_udp_includes_retransmissions_and_omits_lost_replies() {
    // UDP: the first REGISTER and the first 401 are lost; every send is traced (also the
    // retransmission), every delivery is traced, a lost datagram is not received.
    let cfg = config("sip:registrar.example.com;transport=udp", |b| b.trace_sip(true));
    let mut network = Network::fixed(Duration::from_millis(20));
    let mut n = 0;
    network.drop_rule = Some(Box::new(move |_| {
        n += 1;
        n == 1 || n == 3
    }));
    let mut sim = Sim::new(
        network,
        Registrar::with_digest("example.com", "alice", "secret"),
        5,
    );
    let ua = sim.add_ua(Sim::pcg_ua(cfg, 5));
    sim.start(ua);
    sim.run_until(Instant::from_millis(10_000));
    assert!(sim.ua(ua).is_registered());
    let mut expected: Vec<(Instant, Direction, Vec<u8>)> = Vec::new();
    for m in sim.wire() {
        match (m.hop, m.fate) {
            (Hop::ToPeer, _) => expected.push((m.at, Direction::Sent, m.data.to_vec())),
            (Hop::ToUa, Fate::Delivered(at)) => expected.push((at, Direction::Received, m.data.to_vec())),
            _ => {}
        }
    }
    // Sent at 0 (lost), 500 (arrives 520, 401 lost), 1500 (absorbed: same 401 again, arrives
    // 1540), then CSeq 2 at 1540, 200 at 1580.
    let order: Vec<(u64, Direction)> = expected.iter().map(|(t, d, _)| (t.as_millis(), *d)).collect();
    assert_eq!(
        order,
        [
            (0, Direction::Sent),
            (500, Direction::Sent),
            (1_500, Direction::Sent),
            (1_540, Direction::Received),
            (1_540, Direction::Sent),
            (1_580, Direction::Received),
        ]
    );
    assert_eq!(traces(&sim), expected);
    assert_eq!(
        sim.registrar()
            .received
            .iter()
            .filter(|r| r.retransmission)
            .count(),
        1
    );
}
