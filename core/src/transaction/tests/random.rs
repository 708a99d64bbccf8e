//! Every client transaction ends with exactly one terminal event, whatever arrives when.

use alloc::vec::Vec;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::*;
use crate::transaction::{ClientEvent, ClientTransaction, TimerConfig};

fn pick(rng: &mut Pcg64, n: u32) -> u32 {
    rng.next_u32() % n
}

/// Drives one transaction through random responses, timeouts and transport errors; returns
/// the events it reported.
fn one_run(rng: &mut Pcg64, seed: u64) -> Vec<ClientEvent> {
    let is_invite = pick(rng, 2) == 0;
    let branch = alloc::format!("z9hG4bK{seed}");
    let req = if is_invite {
        invite(&branch)
    } else {
        request(Method::Options, &branch)
    };
    let reliable = pick(rng, 3) == 0;
    let mut now = u64::from(pick(rng, 1_000));
    let mut tx = ClientTransaction::new(req.clone(), reliable, at(now), TimerConfig::default()).unwrap();
    let mut events = Vec::new();
    for _ in 0..pick(rng, 12) {
        let ev = match pick(rng, 10) {
            0..=5 => {
                const CODES: [u16; 8] = [100, 180, 183, 200, 202, 404, 486, 603];
                let code = CODES[pick(rng, 8) as usize];
                let tag = ["a", "b"][pick(rng, 2) as usize];
                now += u64::from(pick(rng, 3_000));
                tx.handle_response(response(&req, code, tag), at(now))
            }
            6..=8 => match tx.poll_timeout() {
                Some(t) => {
                    now = now.max(t.as_millis());
                    tx.handle_timeout(at(now))
                }
                None => None,
            },
            _ => tx.transport_error(),
        };
        events.extend(ev);
        drain(|| tx.poll_transmit());
    }
    // Let time run out; an INVITE stuck in Proceeding is abandoned as its TU would (§9.1).
    while !tx.is_terminated() {
        match tx.poll_timeout() {
            Some(t) => {
                now = now.max(t.as_millis());
                events.extend(tx.handle_timeout(at(now)));
            }
            None => events.extend(tx.abandon()),
        }
    }
    assert_eq!(tx.poll_timeout(), None);
    events
}

#[test]
fn every_client_transaction_reports_exactly_one_outcome() {
    let mut rng = Pcg64::seed_from_u64(0x5eed_7a11);
    let mut finals = 0;
    for seed in 0..2_000 {
        let events = one_run(&mut rng, seed);
        let terminal: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_terminal())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(terminal.len(), 1, "seed {seed}: {events:?}");
        // After the outcome only further 2xx of an INVITE (RFC 6026 §7.2) may follow.
        let after = events.get(terminal[0] + 1..).unwrap();
        assert!(
            after.iter().all(|e| matches!(e, ClientEvent::Additional2xx(_))),
            "seed {seed}: {events:?}"
        );
        if let Some(ClientEvent::Additional2xx(_)) = after.first() {
            assert!(matches!(&events[terminal[0]], ClientEvent::Final(r) if r.status().is_success()));
        }
        finals += usize::from(matches!(events[terminal[0]], ClientEvent::Final(_)));
    }
    // The mix really exercises both endings.
    assert!((200..1_800).contains(&finals), "{finals} finals");
}
