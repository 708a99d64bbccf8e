//! Registration in deterministic simulation (issue 3): a real `Ua` over a simulated WebSocket
//! against the scripted registrar, asserting the exact events with their virtual instants and
//! the exact bytes of the REGISTERs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use sansip_core::cause::Cause;
use sansip_core::config::Config;
use sansip_core::message::{Request, StatusCode};
use sansip_core::time::{Duration, Instant};
use sansip_core::transport::{DisconnectReason, ServerUri};
use sansip_core::ua::Event;
use sansip_tests::sim::digest::{digest_params, response_qop_auth};
use sansip_tests::sim::{header_line, header_lines, Action, Network, Registrar, Script, Sim};

const AOR: &str = "sip:alice@example.com";
const LATENCY: Duration = Duration::from_millis(50);

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

fn server() -> ServerUri {
    ServerUri::parse("wss://proxy.example.com").unwrap()
}

/// A JsSIP configuration object, as a JsSIP user would paste it.
fn jssip_config(password: &str, expires: u32) -> Config {
    Config::from_json(&format!(
        r#"{{
            "uri": "sip:alice@example.com",
            "ws_servers": [{{ "ws_uri": "wss://proxy.example.com", "weight": 0 }}],
            "display_name": "Alice",
            "password": "{password}",
            "register_expires": {expires},
            "connection_recovery_min_interval": 2,
            "connection_recovery_max_interval": 30
        }}"#
    ))
    .unwrap()
}

fn digest_sim(password: &str, expires: u32, seed: u64) -> (Sim, usize) {
    let mut sim = Sim::new(
        Network::fixed(LATENCY),
        Registrar::with_digest("example.com", "alice", "secret"),
        seed,
    );
    let ua = sim.add_ua(Sim::pcg_ua(jssip_config(password, expires), seed));
    sim.start(ua);
    (sim, ua)
}

fn text(req: &Request) -> String {
    String::from_utf8(req.buffer().to_vec()).unwrap()
}

/// Our Contact URI as the UA writes it: `sip:<user>@<via host>;transport=ws`.
fn contact_uri(sim: &Sim, ua: usize) -> String {
    let id = sim.ua(ua).identity();
    format!("sip:{}@{};transport=ws", id.contact_user, id.via_host)
}

fn registers(sim: &Sim, ua: usize) -> Vec<(Instant, Request)> {
    sim.sent_requests(ua)
}

#[test]
fn registration_with_digest_over_wss() {
    let (mut sim, ua) = digest_sim("secret", 600, 1);
    sim.run_until(at(10_000));
    // Connect takes one hop; REGISTER → 401 → REGISTER → 200 takes two round trips.
    assert_eq!(
        sim.events(ua),
        [
            (
                at(0),
                Event::Connecting {
                    server: server(),
                    attempt: 1
                }
            ),
            (at(50), Event::Connected { server: server() }),
            (at(250), Event::Registered { expires: 600 }),
        ]
    );
    let regs = registers(&sim, ua);
    assert_eq!(
        regs.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [at(50), at(150)]
    );
    let (first, second) = (text(&regs[0].1), text(&regs[1].1));
    assert!(
        first.starts_with("REGISTER sip:example.com SIP/2.0\r\n"),
        "{first}"
    );
    assert_eq!(header_line(&first, "CSeq"), "CSeq: 1 REGISTER");
    assert!(header_lines(&first, "Authorization").is_empty());

    // The second REGISTER: same Call-ID, CSeq 2, credentials for the 401's nonce.
    assert_eq!(header_line(&second, "CSeq"), "CSeq: 2 REGISTER");
    assert_eq!(header_line(&second, "Call-ID"), header_line(&first, "Call-ID"));
    assert_eq!(header_line(&second, "From"), header_line(&first, "From"));
    assert_eq!(
        header_line(&second, "To"),
        "To: \"Alice\" <sip:alice@example.com>"
    );
    let challenge = sim.delivered_responses(ua)[0].1.clone();
    assert_eq!(challenge.status(), StatusCode::new(401).unwrap());
    let challenge = String::from_utf8(challenge.buffer().to_vec()).unwrap();
    let www = header_line(&challenge, "WWW-Authenticate");
    let nonce = digest_params(www.strip_prefix("WWW-Authenticate: ").unwrap()).unwrap()["nonce"].clone();
    let auth = header_line(&second, "Authorization");
    let cnonce = digest_params(auth.strip_prefix("Authorization: ").unwrap()).unwrap()["cnonce"].clone();
    assert_eq!(cnonce.len(), 32, "16 random bytes in hex");
    assert!(
        cnonce
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{cnonce}"
    );
    // RFC 2617 §3.2.2.1, computed here with md-5, not by sansip.
    let response = response_qop_auth(
        "alice",
        "example.com",
        "secret",
        "REGISTER",
        "sip:example.com",
        &nonce,
        "00000001",
        &cnonce,
    );
    assert_eq!(
        auth,
        format!(
            "Authorization: Digest algorithm=MD5, username=\"alice\", realm=\"example.com\", \
             nonce=\"{nonce}\", uri=\"sip:example.com\", response=\"{response}\", qop=auth, \
             cnonce=\"{cnonce}\", nc=00000001"
        )
    );
    let contact = contact_uri(&sim, ua);
    let instance = sim.ua(ua).identity().instance_id.clone();
    assert_eq!(
        header_line(&second, "Contact"),
        format!("Contact: <{contact}>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:{instance}>\";expires=600")
    );
    assert_eq!(header_line(&second, "Expires"), "Expires: 600");
    assert_eq!(
        header_line(&second, "Supported"),
        "Supported: path, gruu, outbound"
    );

    // The registrar checked the credentials itself and holds the binding.
    let checks = &sim.registrar().auth_checks;
    assert_eq!(checks.len(), 1);
    assert!(checks[0].ok && checks[0].expected == response);
    let binding = sim
        .registrar()
        .binding(AOR, &contact, sim.now())
        .expect("bound on the registrar");
    assert_eq!(
        (binding.expires, binding.expires_at, binding.cseq),
        (600, at(200) + Duration::from_secs(600), 2)
    );
    assert_eq!(
        binding.instance.as_deref(),
        Some(format!("<urn:uuid:{instance}>").as_str())
    );
    assert!(sim.ua(ua).is_registered());
    assert_eq!(sim.registrar().malformed, 0);
    assert!(sim.anomalies.is_empty(), "{:?}", sim.anomalies);
}

#[test]
fn wrong_password_fails_once_and_never_retries() {
    let (mut sim, ua) = digest_sim("wrong", 600, 2);
    sim.run_until(at(1_000));
    assert_eq!(
        sim.events(ua),
        [
            (
                at(0),
                Event::Connecting {
                    server: server(),
                    attempt: 1
                }
            ),
            (at(50), Event::Connected { server: server() }),
            (
                at(250),
                Event::RegistrationFailed {
                    cause: Cause::AuthenticationError,
                    status: Some(StatusCode::new(401).unwrap()),
                    retry_at: None,
                }
            ),
        ]
    );
    assert_eq!(registers(&sim, ua).len(), 2);
    assert_eq!(sim.registrar().auth_checks.len(), 1);
    assert!(!sim.registrar().auth_checks[0].ok);
    // No retry is scheduled: the UA has nothing to do, and an hour later still has sent nothing.
    assert_eq!(sim.ua(ua).poll_timeout(), None);
    sim.run_for(Duration::from_secs(3_600));
    assert_eq!(registers(&sim, ua).len(), 2);
    assert_eq!(sim.events(ua).len(), 3);
    assert!(sim.registrar().live_bindings(AOR, sim.now()).is_empty());
}

#[test]
fn interval_too_brief_adopts_min_expires() {
    let mut registrar = Registrar::open();
    registrar.min_expires = Some(3600);
    let mut sim = Sim::new(Network::fixed(LATENCY), registrar, 3);
    let ua = sim.add_ua(Sim::pcg_ua(jssip_config("secret", 600), 3));
    sim.start(ua);
    sim.run_until(at(1_000));
    assert_eq!(
        sim.events(ua),
        [
            (
                at(0),
                Event::Connecting {
                    server: server(),
                    attempt: 1
                }
            ),
            (at(50), Event::Connected { server: server() }),
            (at(250), Event::Registered { expires: 3600 }),
        ]
    );
    let responses = sim.delivered_responses(ua);
    assert_eq!(responses[0].1.status(), StatusCode::new(423).unwrap());
    assert_eq!(responses[0].1.headers().min_expires().unwrap().unwrap(), 3600);
    let regs = registers(&sim, ua);
    assert_eq!(regs.len(), 2);
    let (first, second) = (text(&regs[0].1), text(&regs[1].1));
    let contact = contact_uri(&sim, ua);
    let instance = sim.ua(ua).identity().instance_id.clone();
    assert_eq!(header_line(&first, "Expires"), "Expires: 600");
    assert_eq!(header_line(&second, "CSeq"), "CSeq: 2 REGISTER");
    assert_eq!(header_line(&second, "Expires"), "Expires: 3600");
    assert_eq!(
        header_line(&second, "Contact"),
        format!(
            "Contact: <{contact}>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:{instance}>\";expires=3600"
        )
    );
    assert_eq!(
        sim.registrar().binding(AOR, &contact, sim.now()).unwrap().expires,
        3600
    );
}

/// The instant of the first REGISTER after `after`, and the Registered that follows it.
fn next_register_after(sim: &Sim, ua: usize, after: Instant) -> Instant {
    registers(sim, ua)
        .into_iter()
        .map(|(t, _)| t)
        .find(|t| *t > after)
        .expect("a refresh")
}

fn refresh_run(seed: u64, expires: u32) -> (Instant, Instant, Sim, usize) {
    let (mut sim, ua) = digest_sim("secret", expires, seed);
    let (registered_at, _) = sim
        .run_until_event(ua, at(5_000), |e| matches!(e, Event::Registered { .. }))
        .unwrap();
    sim.run_until(registered_at + Duration::from_secs(u64::from(expires)));
    let refresh = next_register_after(&sim, ua, registered_at);
    (registered_at, refresh, sim, ua)
}

#[test]
fn refresh_at_a_random_point_of_the_binding() {
    // JsSIP: expires > 64 s → refresh at a random point in [expires/2, expires − 32 s].
    let (t, refresh, sim, ua) = refresh_run(11, 600);
    assert_eq!(t, at(250));
    assert!(
        refresh >= t + Duration::from_secs(300) && refresh <= t + Duration::from_secs(568),
        "refresh at {refresh:?}"
    );
    // At the refresh point: RegistrationExpiring, the refresh (same Call-ID, next CSeq), 401,
    // credentials, and Registered again two round trips later; never unregistered meanwhile.
    let after: Vec<_> = sim
        .events(ua)
        .iter()
        .filter(|(at, _)| *at >= refresh)
        .cloned()
        .collect();
    assert_eq!(
        after,
        [
            (refresh, Event::RegistrationExpiring),
            (refresh + LATENCY * 4, Event::Registered { expires: 600 })
        ]
    );
    let regs = registers(&sim, ua);
    assert_eq!(regs.len(), 4);
    assert_eq!(regs[2].1.cseq().unwrap().seq, 3);
    assert_eq!(regs[2].1.call_id(), regs[0].1.call_id());

    // Determinism: the same seed gives the same instant; the instant does depend on the seed.
    let (_, again, _, _) = refresh_run(11, 600);
    assert_eq!(again, refresh);
    let instants: std::collections::BTreeSet<Instant> = (20..25).map(|s| refresh_run(s, 600).1).collect();
    assert!(instants.len() > 1, "the refresh point is random: {instants:?}");
}

#[test]
fn short_binding_refreshes_five_seconds_before_expiry() {
    // JsSIP: expires ≤ 64 s → refresh at expires − 5 s, counted from when the accepted
    // REGISTER left (150 ms: after the 401 round trip), not from the 200's arrival (250 ms):
    // the registrar's binding started no later than that.
    let (t, refresh, _, _) = refresh_run(12, 60);
    assert_eq!(t, at(250));
    assert_eq!(refresh, at(150) + Duration::from_secs(55));
}

#[test]
fn re_registers_after_the_registrar_closes_the_connection() {
    let (mut sim, ua) = digest_sim("secret", 600, 4);
    sim.run_until(at(1_000));
    assert!(sim.ua(ua).is_registered());
    sim.schedule(at(10_000), Action::RegistrarCloses);
    sim.run_until(at(20_000));
    let after: Vec<_> = sim
        .events(ua)
        .iter()
        .filter(|(t, _)| *t >= at(10_000))
        .cloned()
        .collect();
    // The close takes one hop; after the first failure the backoff is 2 s whatever the RNG
    // (k = floor(random·2 + 1) ≤ 2, clamped to the 2 s minimum).
    assert_eq!(
        after,
        [
            (
                at(10_050),
                Event::Disconnected {
                    server: server(),
                    reason: DisconnectReason::Closed
                }
            ),
            (
                at(10_050),
                Event::Unregistered {
                    cause: Some(Cause::ConnectionError)
                }
            ),
            (
                at(12_050),
                Event::Connecting {
                    server: server(),
                    attempt: 2
                }
            ),
            (at(12_100), Event::Connected { server: server() }),
            (at(12_300), Event::Registered { expires: 600 }),
        ]
    );
    let regs = registers(&sim, ua);
    assert_eq!(
        regs.iter()
            .map(|(t, r)| (*t, r.cseq().unwrap().seq))
            .collect::<Vec<_>>(),
        [(at(50), 1), (at(150), 2), (at(12_100), 3), (at(12_200), 4)]
    );
    assert!(
        regs.iter().all(|(_, r)| r.call_id() == regs[0].1.call_id()),
        "Call-ID stable"
    );
    let connects = sim.connects(ua);
    assert_eq!(
        connects.iter().map(|c| c.at).collect::<Vec<_>>(),
        [at(0), at(12_050)]
    );
    let binding = sim
        .registrar()
        .binding(AOR, &contact_uri(&sim, ua), sim.now())
        .unwrap();
    assert_eq!((binding.cseq, binding.conn.conn), (4, connects[1].conn));
}

#[test]
fn connection_cut_while_a_refresh_is_in_flight() {
    // expires 60: the refresh leaves 55 s after the accepted REGISTER left (150 ms); the
    // network cuts the connection 10 ms later, before the REGISTER arrives.
    let (mut sim, ua) = digest_sim("secret", 60, 5);
    let refresh = at(150) + Duration::from_secs(55);
    sim.schedule(refresh + Duration::from_millis(10), Action::CutConnections);
    sim.run_until(refresh + Duration::from_secs(10));
    let cut = refresh + Duration::from_millis(10);
    let after: Vec<_> = sim
        .events(ua)
        .iter()
        .filter(|(t, _)| *t >= refresh)
        .cloned()
        .collect();
    let reconnect = cut + Duration::from_secs(2);
    assert_eq!(after.first(), Some(&(refresh, Event::RegistrationExpiring)));
    assert_eq!(
        after.iter().rev().take(3).rev().cloned().collect::<Vec<_>>(),
        [
            (
                reconnect,
                Event::Connecting {
                    server: server(),
                    attempt: 2
                }
            ),
            (reconnect + LATENCY, Event::Connected { server: server() }),
            (reconnect + LATENCY * 5, Event::Registered { expires: 60 }),
        ]
    );
    // Between, both at the cut: the connection loss and the binding loss. The REGISTER lost
    // with the connection is not reported as a failure of its own (with a retry instant that
    // would never be kept): the registration re-registers on reconnect instead.
    let middle = &after[1..after.len() - 3];
    assert_eq!(
        middle,
        [
            (
                cut,
                Event::Disconnected {
                    server: server(),
                    reason: DisconnectReason::Closed
                }
            ),
            (
                cut,
                Event::Unregistered {
                    cause: Some(Cause::ConnectionError)
                }
            ),
        ]
    );
    assert!(sim.ua(ua).is_registered());
    // The REGISTER lost with the connection was never answered; the next one is CSeq 4.
    let regs = registers(&sim, ua);
    assert_eq!(
        regs.iter()
            .map(|(_, r)| r.cseq().unwrap().seq)
            .collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
}

/// A `RegistrationFailed` announces `retry_at`, "when the core retries": a REGISTER must
/// leave at that instant, and no retry instant may be announced that is later cancelled
/// (after a connection loss the retry is the re-registration on reconnect).
#[test]
fn announced_retry_instant_is_kept_after_a_connection_loss() {
    let (mut sim, ua) = digest_sim("secret", 60, 5);
    let refresh = at(150) + Duration::from_secs(55);
    sim.schedule(refresh + Duration::from_millis(10), Action::CutConnections);
    sim.run_until(refresh + Duration::from_secs(10));
    let sent: Vec<Instant> = registers(&sim, ua).iter().map(|(t, _)| *t).collect();
    for (_, e) in sim.events(ua) {
        if let Event::RegistrationFailed {
            retry_at: Some(t), ..
        } = e
        {
            assert!(
                sent.contains(t),
                "retry announced for {t:?}, REGISTERs sent at {sent:?}"
            );
        }
    }
}

/// Many registrars answer wrong credentials with 403 Forbidden. RFC 3261 §21.4.4: "the
/// request SHOULD NOT be repeated", and issue 3: "a wrong password ends in RegistrationFailed,
/// not a loop". Actual: `RegistrationFailed { cause: Rejected, status: 403, retry_at: Some }`
/// and a new REGISTER (401 → credentials → 403) every backoff period, forever (28 REGISTERs in
/// 5 minutes). Suspected location: `Registration::failed` retries every cause but
/// `AuthenticationError`; a 403 (and 404/603-like definitive refusals) should not be retried
/// either.
#[test]
fn wrong_password_answered_403_is_not_retried() {
    let mut registrar = Registrar::with_digest("example.com", "alice", "secret");
    registrar.wrong_credentials = 403;
    let mut sim = Sim::new(Network::fixed(LATENCY), registrar, 2);
    let ua = sim.add_ua(Sim::pcg_ua(jssip_config("wrong", 600), 2));
    sim.start(ua);
    sim.run_until(at(1_000));
    assert!(
        matches!(
            sim.events(ua).last(),
            Some((t, Event::RegistrationFailed { status: Some(s), retry_at: None, .. }))
                if *t == at(250) && s.as_u16() == 403
        ),
        "{:?}",
        sim.events(ua).last()
    );
    sim.run_for(Duration::from_secs(3_600));
    assert_eq!(registers(&sim, ua).len(), 2);
}

#[test]
fn unregister_all_register_again_then_stop() {
    let (mut sim, ua) = digest_sim("secret", 600, 1);
    sim.run_until(at(1_000));
    let contact = contact_uri(&sim, ua);
    let instance = sim.ua(ua).identity().instance_id.clone();
    // unregister({all: true}): `Contact: *`, `Expires: 0` (RFC 3261 §10.2.2), challenged too.
    sim.command(ua, |u, now| u.unregister(now, true));
    sim.run_until(at(2_000));
    assert!(sim.registrar().live_bindings(AOR, sim.now()).is_empty());
    sim.command(ua, |u, now| u.register(now));
    sim.run_until(at(3_000));
    assert!(sim.registrar().binding(AOR, &contact, sim.now()).is_some());
    // stop(): un-REGISTER our binding, then close once it is answered.
    sim.command(ua, |u, now| u.stop(now));
    sim.run_until(at(10_000));
    let after: Vec<_> = sim
        .events(ua)
        .iter()
        .filter(|(t, _)| *t >= at(1_000))
        .cloned()
        .collect();
    assert_eq!(
        after,
        [
            (at(1_200), Event::Unregistered { cause: None }),
            (at(2_200), Event::Registered { expires: 600 }),
            (at(3_200), Event::Unregistered { cause: None }),
            (
                at(3_200),
                Event::Disconnected {
                    server: server(),
                    reason: DisconnectReason::Stopped
                }
            ),
        ]
    );
    let lines: Vec<(Instant, String, String, String)> = registers(&sim, ua)
        .iter()
        .map(|(t, r)| {
            let t_ = text(r);
            (
                *t,
                header_line(&t_, "CSeq").into(),
                header_line(&t_, "Contact").into(),
                header_line(&t_, "Expires").into(),
            )
        })
        .collect();
    let ours = |e: u32| {
        format!("Contact: <{contact}>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:{instance}>\";expires={e}")
    };
    let row = |ms, cseq: u32, contact: String, e: u32| {
        (
            at(ms),
            format!("CSeq: {cseq} REGISTER"),
            contact,
            format!("Expires: {e}"),
        )
    };
    assert_eq!(
        lines,
        [
            row(50, 1, ours(600), 600),
            row(150, 2, ours(600), 600),
            row(1_000, 3, "Contact: *".into(), 0),
            row(1_100, 4, "Contact: *".into(), 0),
            row(2_000, 5, ours(600), 600),
            row(2_100, 6, ours(600), 600),
            row(3_000, 7, ours(0), 0),
            row(3_100, 8, ours(0), 0),
        ]
    );
    assert!(sim.registrar().live_bindings(AOR, sim.now()).is_empty());
    assert_eq!(sim.ua(ua).poll_timeout(), None, "stopped: nothing left to do");
    assert_eq!(sim.connects(ua).len(), 1);
}

#[test]
fn service_unavailable_honours_retry_after() {
    // The registrar answers the first REGISTER 503 with Retry-After: 7; the UA retries 7 s
    // after the 503 arrives (not after its own backoff), then registers with digest.
    let (mut sim, ua) = digest_sim("secret", 600, 6);
    sim.registrar_mut().script.push_back(Script::Fail {
        status: 503,
        retry_after: Some(7),
    });
    sim.run_until(at(10_000));
    let retry = at(150) + Duration::from_secs(7);
    assert_eq!(
        sim.events(ua)[2..],
        [
            (
                at(150),
                Event::RegistrationFailed {
                    cause: Cause::SipFailureCode,
                    status: Some(StatusCode::new(503).unwrap()),
                    retry_at: Some(retry),
                }
            ),
            (retry + LATENCY * 4, Event::Registered { expires: 600 }),
        ]
    );
    let sent: Vec<(Instant, u32)> = registers(&sim, ua)
        .iter()
        .map(|(t, r)| (*t, r.cseq().unwrap().seq))
        .collect();
    assert_eq!(sent, [(at(50), 1), (retry, 2), (retry + LATENCY * 2, 3)]);
    let response = &sim.delivered_responses(ua)[0].1;
    assert_eq!(response.headers().retry_after().unwrap().unwrap().delta, 7);
}

#[test]
fn registrar_closes_right_after_the_200() {
    // No challenge; the registrar closes the connection after answering: Registered, then the
    // loss of the connection and of the binding, then a new connection and a new REGISTER.
    let mut registrar = Registrar::open();
    registrar.script.push_back(Script::CloseAfterResponse);
    let mut sim = Sim::new(Network::fixed(LATENCY), registrar, 7);
    let ua = sim.add_ua(Sim::pcg_ua(jssip_config("secret", 600), 7));
    sim.start(ua);
    sim.run_until(at(5_000));
    assert_eq!(
        sim.events(ua),
        [
            (
                at(0),
                Event::Connecting {
                    server: server(),
                    attempt: 1
                }
            ),
            (at(50), Event::Connected { server: server() }),
            (at(150), Event::Registered { expires: 600 }),
            (
                at(150),
                Event::Disconnected {
                    server: server(),
                    reason: DisconnectReason::Closed
                }
            ),
            (
                at(150),
                Event::Unregistered {
                    cause: Some(Cause::ConnectionError)
                }
            ),
            (
                at(2_150),
                Event::Connecting {
                    server: server(),
                    attempt: 2
                }
            ),
            (at(2_200), Event::Connected { server: server() }),
            (at(2_300), Event::Registered { expires: 600 }),
        ]
    );
}
