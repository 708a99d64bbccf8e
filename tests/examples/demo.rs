//! The no-server demo (`cargo run -p sansip-tests --example demo`): a real sansip UA core
//! registers with digest authentication against the scripted registrar of the test harness
//! (written for tests and demos), over a simulated WebSocket network in virtual time. The
//! registrar then closes the connection; the UA reconnects with JsSIP's backoff and registers
//! again; finally it unregisters and stops. Prints the SIP ladder and the UA's events.
//!
//! Everything here is deterministic: the same seed prints the same run.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use sansip_core::config::Config;
use sansip_core::time::{Duration, Instant};
use sansip_core::ua::Event;
use sansip_tests::sim::network::Hop;
use sansip_tests::sim::{Action, Network, Registrar, Sim};

fn main() {
    let seed = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    // A JsSIP configuration object, loaded as JSON unchanged.
    let config = Config::from_json(
        r#"{
            "uri": "sip:alice@example.com",
            "ws_servers": [{ "ws_uri": "wss://proxy.example.com", "weight": 10 }],
            "display_name": "Alice",
            "password": "secret",
            "register_expires": 600,
            "trace_sip": true
        }"#,
    )
    .expect("the demo configuration is valid");
    let mut sim: Sim = Sim::new(
        Network::fixed(Duration::from_millis(20)),
        Registrar::with_digest("example.com", "alice", "secret"),
        seed,
    );
    let ua = sim.add_ua(Sim::pcg_ua(config, seed));
    sim.start(ua);
    sim.schedule(Instant::from_millis(5_000), Action::RegistrarCloses);
    sim.run_until(Instant::from_millis(15_000));
    sim.command(ua, |ua, now| ua.stop(now));
    sim.run_until(Instant::from_millis(20_000));

    println!("SIP ladder (virtual time; UA on the left, registrar on the right)\n");
    for m in sim.wire() {
        let first = m.text().lines().next().unwrap_or_default().to_string();
        let arrow = match m.hop {
            Hop::ToPeer => "──►",
            Hop::ToUa => "◄──",
        };
        println!("{:>9.3} s  {arrow}  {first}", m.at.as_millis() as f64 / 1000.0);
    }
    println!("\nUA events\n");
    let mut registered = 0;
    for (at, e) in sim.events(ua) {
        let line = match e {
            Event::SipTrace { .. } => continue,
            Event::Connecting { server, attempt } => format!("connecting to {server} (attempt {attempt})"),
            Event::Connected { server } => format!("connected to {server}"),
            Event::Disconnected { server, reason } => format!("disconnected from {server}: {reason:?}"),
            Event::Registered { expires } => {
                registered += 1;
                format!("registered for {expires} s")
            }
            other => format!("{other:?}"),
        };
        println!("{:>9.3} s  {line}", at.as_millis() as f64 / 1000.0);
    }
    println!(
        "\nsummary: {} SIP messages, registered {registered} times, {} connection attempts, \
         registrar bindings now: {}",
        sim.wire().len(),
        sim.connects(ua).len(),
        sim.registrar()
            .live_bindings("sip:alice@example.com", sim.now())
            .len()
    );
}
