//! Basic calls between two real UAs wired back to back (every byte one sends, the other
//! receives), in virtual time.

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

#[test]
fn basic_call_answered_and_hung_up_by_the_caller() {
    let mut p = Pair::new();
    let t = Instant::from_millis(10);
    let id =
        p.a.call(
            t,
            "bob",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t);
    // Both support 100rel (RFC 3262): the 180 is reliable and gets a PRACK in the early dialog.
    assert_eq!(
        p.first_lines(),
        [
            String::from("A→B INVITE sip:bob@example.com SIP/2.0"),
            "B→A SIP/2.0 180 Ringing".into(),
            alloc::format!("A→B PRACK {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into(),
        ]
    );
    let rseq = header(&p.wire[1].1, "RSeq").unwrap();
    assert_eq!(header(&p.wire[1].1, "Require"), Some("100rel"));
    let invite_cseq = header(&p.wire[0].1, "CSeq").unwrap().split(' ').next().unwrap();
    assert_eq!(
        header(&p.wire[2].1, "RAck").unwrap(),
        alloc::format!("{rseq} {invite_cseq} INVITE")
    );
    let invite = &p.wire[0].1;
    let text = core::str::from_utf8(invite).unwrap();
    assert!(text.contains("\r\nContent-Type: application/sdp\r\n") && text.ends_with(OFFER));
    assert!(text.contains("\r\nSupported: 100rel, timer, ice, replaces, outbound\r\n"));
    let ringing = core::str::from_utf8(&p.wire[1].1).unwrap();
    assert!(
        ringing.contains(";tag=") && ringing.contains("\r\nContact: <sip:"),
        "{ringing}"
    );
    assert!(
        matches!(&p.events_a[..], [Event::Progress { id: i, status, sdp: None }] if *i == id && status.as_u16() == 180)
    );
    let bob_id = incoming_id(&p.events_b);
    assert!(matches!(&p.events_b[0], Event::NewSession { sdp: Some(s), .. } if s == OFFER.as_bytes()));

    p.b.answer(t, bob_id, ANSWER);
    p.run(t);
    assert_eq!(
        p.first_lines()[4..],
        [String::from("B→A SIP/2.0 200 OK"), ack_line(&p)]
    );
    assert_eq!(
        &p.events_a[1..],
        [
            Event::Accepted {
                id,
                sdp: Some(Bytes::from_static(ANSWER.as_bytes()))
            },
            Event::Confirmed { id }
        ]
    );
    assert_eq!(p.events_b[1..], [Event::Confirmed { id: bob_id }]);

    let t2 = Instant::from_millis(5_000);
    p.a.terminate(t2, id);
    p.run(t2);
    assert_eq!(
        &p.first_lines()[6..],
        [
            alloc::format!("A→B BYE {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into()
        ]
    );
    assert_eq!(
        p.events_a[3..],
        [Event::Ended {
            id,
            cause: Cause::Bye,
            originator: Originator::Local
        }]
    );
    assert_eq!(
        p.events_b[2..],
        [Event::Ended {
            id: bob_id,
            cause: Cause::Bye,
            originator: Originator::Remote
        }]
    );
}

/// Bob's Contact URI as A's requests in the dialog use it.
fn contact_of_b(p: &Pair) -> String {
    let id = p.b.identity();
    alloc::format!("sip:{}@{};transport=ws SIP/2.0", id.contact_user, id.via_host)
}

fn ack_line(p: &Pair) -> String {
    alloc::format!("A→B ACK {}", contact_of_b(p))
}

#[test]
fn ack_is_repeated_for_a_retransmitted_2xx() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    p.a.call(
        t,
        "bob",
        CallOptions {
            sdp: Bytes::from_static(OFFER.as_bytes()),
            ..Default::default()
        },
    )
    .unwrap();
    p.run(t);
    let bob_id = incoming_id(&p.events_b);
    p.b.answer(t, bob_id, ANSWER);
    p.run(t);
    let ok = p.wire.iter().rev().find(|(from_a, _)| !from_a).unwrap().1.clone();
    let ack = p.wire.last().unwrap().1.clone();
    assert!(ack.starts_with(b"ACK "));
    p.a.handle_input(Input::Received {
        conn: p.conn_a,
        data: ok,
        now: t,
    });
    let again: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    assert_eq!(
        again,
        [Output::Transmit {
            conn: p.conn_a,
            data: ack
        }]
    );
}

#[test]
fn cancel_waits_for_a_provisional_then_487() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id = p.a.call(t, "bob", CallOptions::default()).unwrap();
    // Hang up before anything came back: RFC 3261 §9.1, no CANCEL yet.
    let invite: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    p.a.terminate(t, id);
    assert!(p.a.poll_output().is_none());
    for o in invite {
        if let Output::Transmit { data, .. } = o {
            p.wire.push((true, data.clone()));
            p.b.handle_input(Input::Received {
                conn: p.conn_b,
                data,
                now: t,
            });
        }
    }
    p.run(t);
    // 180 → CANCEL (same branch as the INVITE) → 200 to CANCEL, 487 to INVITE → ACK.
    let lines = p.first_lines();
    assert_eq!(
        lines[..3],
        [
            "A→B INVITE sip:bob@example.com SIP/2.0",
            "B→A SIP/2.0 180 Ringing",
            "A→B CANCEL sip:bob@example.com SIP/2.0"
        ]
    );
    let branch = |d: &Bytes| match parse_message(d.clone(), Framing::WebSocket, &Limits::default()).unwrap() {
        Message::Request(r) => r.via_branch().unwrap().to_vec(),
        Message::Response(r) => r.via_branch().unwrap().to_vec(),
    };
    assert_eq!(branch(&p.wire[0].1), branch(&p.wire[2].1));
    assert!(
        lines.contains(&"B→A SIP/2.0 487 Request Terminated".into()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"A→B ACK sip:bob@example.com SIP/2.0".into()),
        "{lines:?}"
    );
    assert_eq!(
        p.events_a.last(),
        Some(&Event::Failed {
            id,
            cause: Cause::Canceled,
            originator: Originator::Local,
            status: StatusCode::new(487)
        })
    );
    let bob_id = incoming_id(&p.events_b);
    assert_eq!(
        p.events_b.last(),
        Some(&Event::Failed {
            id: bob_id,
            cause: Cause::Canceled,
            originator: Originator::Remote,
            status: None
        })
    );
}

#[test]
fn answer_after_cancel_race_gets_ack_then_bye() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id =
        p.a.call(
            t,
            "bob",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t);
    let bob_id = incoming_id(&p.events_b);
    // Bob answers; the 200 is in flight when Alice hangs up (her CANCEL crosses it).
    p.b.answer(t, bob_id, ANSWER);
    let ok: Vec<Bytes> = core::iter::from_fn(|| p.b.poll_output())
        .filter_map(|o| {
            if let Output::Transmit { data, .. } = o {
                Some(data)
            } else {
                None
            }
        })
        .collect();
    p.a.terminate(t, id);
    let cancel: Vec<Bytes> = core::iter::from_fn(|| p.a.poll_output())
        .filter_map(|o| {
            if let Output::Transmit { data, .. } = o {
                Some(data)
            } else {
                None
            }
        })
        .collect();
    assert!(cancel[0].starts_with(b"CANCEL "));
    for d in ok {
        p.a.handle_input(Input::Received {
            conn: p.conn_a,
            data: d,
            now: t,
        });
    }
    let after: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    let sent: Vec<&[u8]> = after
        .iter()
        .filter_map(|o| {
            if let Output::Transmit { data, .. } = o {
                Some(&data[..4])
            } else {
                None
            }
        })
        .collect();
    assert_eq!(sent, [&b"ACK "[..], b"BYE "]);
    assert!(after.contains(&Output::Event(Event::Failed {
        id,
        cause: Cause::Canceled,
        originator: Originator::Local,
        status: Some(StatusCode::OK)
    })));
}

#[test]
fn unanswered_call_gets_408_after_no_answer_timeout() {
    let mut p = Pair::new();
    let id = p.a.call(Instant::ZERO, "bob", CallOptions::default()).unwrap();
    p.run(Instant::ZERO);
    let bob_id = incoming_id(&p.events_b);
    let deadline = Instant::ZERO + Duration::from_secs(30);
    assert!(p.b.poll_timeout().is_some_and(|t| t <= deadline));
    p.b.handle_timeout(deadline);
    p.run(deadline);
    assert!(p
        .first_lines()
        .contains(&"B→A SIP/2.0 408 Request Timeout".into()));
    assert!(p.events_b.contains(&Event::Failed {
        id: bob_id,
        cause: Cause::NoAnswer,
        originator: Originator::Local,
        status: None
    }));
    assert!(p.events_a.contains(&Event::Failed {
        id,
        cause: Cause::RequestTimeout,
        originator: Originator::Remote,
        status: StatusCode::new(408)
    }));
}

#[test]
fn callee_rejects_busy_and_unknown_dialog_gets_481() {
    let mut p = Pair::new();
    let id = p.a.call(Instant::ZERO, "bob", CallOptions::default()).unwrap();
    p.run(Instant::ZERO);
    let bob_id = incoming_id(&p.events_b);
    p.b.reject(Instant::ZERO, bob_id, StatusCode::BUSY_HERE);
    p.run(Instant::ZERO);
    assert!(p.events_a.contains(&Event::Failed {
        id,
        cause: Cause::Busy,
        originator: Originator::Remote,
        status: StatusCode::new(486)
    }));
    // A BYE for a dialog Bob does not have.
    let bye = Bytes::from_static(
        b"BYE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bKbye1\r\n\
          To: <sip:bob@example.com>;tag=nope\r\nFrom: <sip:alice@example.com>;tag=a\r\nCall-ID: zz\r\nCSeq: 2 BYE\r\n\r\n",
    );
    p.b.handle_input(Input::Received {
        conn: p.conn_b,
        data: bye,
        now: Instant::ZERO,
    });
    let outs: Vec<Output> = core::iter::from_fn(|| p.b.poll_output()).collect();
    assert!(
        matches!(&outs[..], [Output::Transmit { data, .. }] if data.starts_with(b"SIP/2.0 481 ")),
        "{outs:?}"
    );
}

/// A call from A to B, answered and confirmed.
fn established() -> (Pair, SessionId, SessionId) {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let a =
        p.a.call(
            t,
            "bob",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                ..Default::default()
            },
        )
        .unwrap();
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

#[test]
fn hold_and_unhold_by_reinvite() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(1_000);
    p.a.hold(t, a).unwrap();
    p.run(t);
    assert_eq!(
        p.first_lines()[0],
        alloc::format!("A→B INVITE {}", contact_of_b(&p))
    );
    assert_eq!(p.first_lines()[1], "B→A SIP/2.0 200 OK");
    assert_eq!(p.first_lines()[2], ack_line(&p));
    // RFC 3264 §8.4: the hold offer is sendonly with the o= version bumped; the answer recvonly.
    let offer = body_of_wire(&p, 0);
    assert_eq!(offer, OFFER.replace("o=- 1 1 ", "o=- 1 2 ") + "a=sendonly\r\n");
    assert!(
        body_of_wire(&p, 1).ends_with("a=recvonly\r\n"),
        "{}",
        body_of_wire(&p, 1)
    );
    assert_eq!(
        p.events_a,
        [Event::Hold {
            id: a,
            originator: Originator::Local
        }]
    );
    assert_eq!(
        p.events_b,
        [Event::Hold {
            id: b,
            originator: Originator::Remote
        }]
    );

    p.wire.clear();
    p.a.unhold(t, a).unwrap();
    p.run(t);
    assert_eq!(
        body_of_wire(&p, 0),
        OFFER.replace("o=- 1 1 ", "o=- 1 3 ") + "a=sendrecv\r\n"
    );
    assert_eq!(
        p.events_a[1..],
        [Event::Unhold {
            id: a,
            originator: Originator::Local
        }]
    );
    assert_eq!(
        p.events_b[1..],
        [Event::Unhold {
            id: b,
            originator: Originator::Remote
        }]
    );
    // CSeq rises by one per in-dialog request.
    let cseq = |k: usize| match parse_message(p.wire[k].1.clone(), Framing::WebSocket, &Limits::default())
        .unwrap()
    {
        Message::Request(r) => r.cseq().unwrap().seq,
        Message::Response(r) => r.cseq().unwrap().seq,
    };
    assert_eq!(cseq(0), cseq(2), "ACK carries the re-INVITE's CSeq number");
}

#[test]
fn reinvite_glare_both_get_491_and_retry_after_the_rfc_delays() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(1_000);
    // Both offer at once: each side's re-INVITE meets the other's pending one.
    p.a.hold(t, a).unwrap();
    p.b.hold(t, b).unwrap();
    p.run(t);
    let lines = p.first_lines();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with("491 Request Pending"))
            .count(),
        2,
        "{lines:?}"
    );
    // RFC 3261 §14.1: the Call-ID owner (A placed the call) waits 2.1–4 s, the other 0–2 s.
    let wake_a = p.a.poll_timeout().unwrap() - t;
    let wake_b = p.b.poll_timeout().unwrap() - t;
    assert!(
        wake_a >= Duration::from_millis(2_100) && wake_a <= Duration::from_secs(4),
        "{wake_a:?}"
    );
    assert!(wake_b <= Duration::from_secs(2), "{wake_b:?}");
    // B retries first and wins; A's retry then finds the dialog idle.
    let tb = t + wake_b;
    p.b.handle_timeout(tb);
    p.run(tb);
    assert!(p.events_b.contains(&Event::Hold {
        id: b,
        originator: Originator::Local
    }));
    assert!(p.events_a.contains(&Event::Hold {
        id: a,
        originator: Originator::Remote
    }));
    let ta = t + wake_a;
    p.a.handle_timeout(ta);
    p.run(ta);
    assert!(p.events_a.contains(&Event::Hold {
        id: a,
        originator: Originator::Local
    }));
}

#[test]
fn dtmf_by_info_one_tone_at_a_time_with_gaps() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(1_000);
    p.a.send_dtmf(t, a, "1#", Some(40)).unwrap();
    p.run(t);
    // Durations below 70 ms are raised to 70 (JsSIP); the second tone waits for the 200 + gap.
    assert_eq!(
        p.first_lines()[0],
        alloc::format!("A→B INFO {}", contact_of_b(&p))
    );
    let info = core::str::from_utf8(&p.wire[0].1).unwrap();
    assert!(info.contains("\r\nContent-Type: application/dtmf-relay\r\n"));
    assert!(info.ends_with("\r\n\r\nSignal=1\r\nDuration=70\r\n"), "{info}");
    assert_eq!(p.wire.len(), 2, "one INFO and its 200");
    assert_eq!(p.a.poll_timeout(), Some(t + Duration::from_millis(500)));
    p.a.handle_timeout(t + Duration::from_millis(500));
    p.run(t + Duration::from_millis(500));
    assert!(core::str::from_utf8(&p.wire[2].1)
        .unwrap()
        .ends_with("Signal=#\r\nDuration=70\r\n"));
    assert_eq!(
        p.events_b,
        [
            Event::NewDtmf {
                id: b,
                tone: '1',
                duration: 70,
                originator: Originator::Remote
            },
            Event::NewDtmf {
                id: b,
                tone: '#',
                duration: 70,
                originator: Originator::Remote
            },
        ]
    );
    assert_eq!(p.a.send_dtmf(t, a, "x", None), Err(CallCommandError::InvalidTone));
}

impl Pair {
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

#[test]
fn session_timer_negotiated_and_refreshed_by_update_at_half_interval() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    let a =
        p.a.call(
            t0,
            "bob",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t0);
    assert_eq!(
        header(&p.wire[0].1, "Session-Expires"),
        Some("90"),
        "JsSIP asks for 90 s"
    );
    let b = incoming_id(&p.events_b);
    p.b.answer(t0, b, ANSWER);
    p.run(t0);
    let ok = &p
        .wire
        .iter()
        .rev()
        .find(|(from_a, d)| !from_a && d.starts_with(b"SIP/2.0 200"))
        .unwrap()
        .1;
    assert!(header(ok, "CSeq").unwrap().ends_with(" INVITE"));
    assert_eq!(header(ok, "Session-Expires"), Some("90;refresher=uac"));
    assert_eq!(header(ok, "Require"), Some("timer"));
    // The caller refreshes at half the interval (45 s) and nothing else is sent before.
    p.wire.clear();
    let t45 = t0 + Duration::from_secs(45);
    p.advance(t45 - Duration::from_millis(1));
    assert!(p.wire.is_empty(), "{:?}", p.first_lines());
    p.advance(t45);
    assert_eq!(
        p.first_lines(),
        [
            alloc::format!("A→B UPDATE {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into()
        ]
    );
    assert_eq!(header(&p.wire[0].1, "Session-Expires"), Some("90;refresher=uac"));
    // The callee's expiry moved from 60 s to 45 + 60 s; the next refresh is at 90 s.
    p.wire.clear();
    p.advance(t0 + Duration::from_secs(90));
    assert_eq!(
        p.first_lines(),
        [
            alloc::format!("A→B UPDATE {}", contact_of_b(&p)),
            "B→A SIP/2.0 200 OK".into()
        ]
    );
    assert!(!p.events_b.iter().any(|e| matches!(e, Event::Ended { .. })));
    assert!(!p
        .events_a
        .iter()
        .any(|e| matches!(e, Event::Ended { id, .. } if *id == a)));
}

#[test]
fn unrefreshed_session_ends_with_bye_at_expiry() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    p.a.call(
        t0,
        "bob",
        CallOptions {
            sdp: Bytes::from_static(OFFER.as_bytes()),
            ..Default::default()
        },
    )
    .unwrap();
    p.run(t0);
    let b = incoming_id(&p.events_b);
    p.b.answer(t0, b, ANSWER);
    p.run(t0);
    // The caller never refreshes (only the callee's timers run): the callee ends the session
    // at 90 − min(32, 90/3) = 60 s (RFC 4028 §10), not a millisecond before.
    let t60 = t0 + Duration::from_secs(60);
    while let Some(t) = p.b.poll_timeout().filter(|t| *t < t60) {
        p.b.handle_timeout(t);
        p.run(t);
    }
    assert!(!p.events_b.iter().any(|e| matches!(e, Event::Ended { .. })));
    assert_eq!(p.b.poll_timeout(), Some(t60));
    p.b.handle_timeout(t60);
    p.run(t60);
    assert_eq!(
        p.events_b.last(),
        Some(&Event::Ended {
            id: b,
            cause: Cause::Expires,
            originator: Originator::System
        })
    );
    assert!(p.first_lines().iter().any(|l| l.starts_with("B→A BYE ")));
}

#[test]
fn session_interval_too_small_is_retried_with_min_se() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    let id = p.a.call(t0, "bob", CallOptions::default()).unwrap();
    let outs: Vec<Output> = core::iter::from_fn(|| p.a.poll_output()).collect();
    let invite = outs
        .iter()
        .find_map(|o| match o {
            Output::Transmit { data, .. } => {
                match parse_message(data.clone(), Framing::WebSocket, &Limits::default()) {
                    Ok(Message::Request(r)) => Some(r),
                    _ => None,
                }
            }
            _ => None,
        })
        .unwrap();
    let too_small = crate::message::Response::builder(StatusCode::SESSION_INTERVAL_TOO_SMALL)
        .echo(&invite)
        .to_tag("x")
        .header(crate::message::HeaderName::MinSe, "120")
        .build()
        .unwrap();
    p.a.handle_input(Input::Received {
        conn: p.conn_a,
        data: too_small.buffer().clone(),
        now: t0,
    });
    let again: Vec<Bytes> = core::iter::from_fn(|| p.a.poll_output())
        .filter_map(|o| {
            if let Output::Transmit { data, .. } = o {
                Some(data)
            } else {
                None
            }
        })
        .collect();
    let retry = again.iter().find(|d| d.starts_with(b"INVITE ")).unwrap();
    assert_eq!(header(retry, "Session-Expires"), Some("120"));
    assert_eq!(header(retry, "Min-SE"), Some("120"));
    let cseq = |d: &Bytes| {
        header(d, "CSeq")
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    assert_eq!(cseq(retry), invite.cseq().unwrap().seq + 1);
    let _ = id;
}

#[test]
fn early_media_183_is_reliable_and_retransmitted_until_prack() {
    let mut p = Pair::new();
    let t0 = Instant::ZERO;
    let a =
        p.a.call(
            t0,
            "bob",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t0);
    let b = incoming_id(&p.events_b);
    p.wire.clear();
    p.events_a.clear();
    // The 183 leaves B; A never sees it (the PRACK never comes).
    p.b.progress(t0, b, ANSWER);
    let first: Vec<Bytes> = core::iter::from_fn(|| p.b.poll_output())
        .filter_map(|o| {
            if let Output::Transmit { data, .. } = o {
                Some(data)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(first.len(), 1);
    assert!(first[0].starts_with(b"SIP/2.0 183 Session Progress\r\n"));
    assert!(first[0].ends_with(ANSWER.as_bytes()));
    // RFC 3262 §3: retransmitted at T1, 2·T1, 4·T1 ... (500, 1500, 3500 ms after sending).
    let mut sent = Vec::new();
    while let Some(t) = p.b.poll_timeout().filter(|t| *t <= t0 + Duration::from_secs(4)) {
        p.b.handle_timeout(t);
        for o in core::iter::from_fn(|| p.b.poll_output()) {
            if let Output::Transmit { data, .. } = o {
                assert_eq!(data, first[0]);
                sent.push(t.as_millis());
            }
        }
    }
    assert_eq!(sent, [500, 1500, 3500]);
    // Delivered now: A sends one PRACK, reports early media once, even for a retransmission.
    for _ in 0..2 {
        p.a.handle_input(Input::Received {
            conn: p.conn_a,
            data: first[0].clone(),
            now: t0,
        });
    }
    p.run(t0);
    assert_eq!(
        p.wire
            .iter()
            .filter(|(from_a, d)| *from_a && d.starts_with(b"PRACK "))
            .count(),
        1
    );
    assert_eq!(
        p.events_a,
        [Event::Progress {
            id: a,
            status: StatusCode::SESSION_PROGRESS,
            sdp: Some(Bytes::from_static(ANSWER.as_bytes()))
        }]
    );
    // Acknowledged: no more retransmissions of the 183.
    assert!(p
        .b
        .poll_timeout()
        .is_none_or(|t| t >= t0 + Duration::from_secs(30)));
}

#[test]
fn blind_transfer_refer_accepted_and_progress_notified() {
    let (mut p, a, b) = established();
    let t = Instant::from_millis(2_000);
    p.a.refer(t, a, "carol", None).unwrap();
    p.run(t);
    assert_eq!(
        p.first_lines()[0],
        alloc::format!("A→B REFER {}", contact_of_b(&p))
    );
    assert_eq!(header(&p.wire[0].1, "Refer-To"), Some("<sip:carol@example.com>"));
    assert_eq!(
        header(&p.wire[0].1, "Referred-By"),
        Some("<sip:alice@example.com>")
    );
    assert_eq!(
        p.events_b,
        [Event::Refer {
            id: b,
            target: "sip:carol@example.com".into(),
            replaces: false
        }]
    );
    p.b.accept_refer(t, b);
    p.run(t);
    // 202, then NOTIFY with the 100 Trying fragment (RFC 3515 §2.4.2).
    let lines = p.first_lines();
    assert_eq!(lines[1], "B→A SIP/2.0 202 Accepted");
    assert_eq!(
        lines[2],
        alloc::format!("A→B NOTIFY {}", p.a_contact()).replace("A→B", "B→A")
    );
    let notify = &p.wire[2].1;
    assert_eq!(header(notify, "Event"), Some("refer"));
    assert_eq!(header(notify, "Subscription-State"), Some("active;expires=60"));
    assert!(notify.ends_with(b"\r\n\r\nSIP/2.0 100 Trying\r\n"));
    // B's new call to Carol is answered: the final NOTIFY ends the subscription.
    p.b.notify_refer(t, b, StatusCode::OK);
    p.run(t);
    assert_eq!(
        p.events_a,
        [
            Event::ReferAccepted { id: a },
            Event::ReferNotify {
                id: a,
                status: StatusCode::TRYING,
                terminated: false
            },
            Event::ReferNotify {
                id: a,
                status: StatusCode::OK,
                terminated: true
            },
        ]
    );
}

impl Pair {
    /// A's Contact URI as B's requests in the dialog use it.
    fn a_contact(&self) -> String {
        let id = self.a.identity();
        alloc::format!("sip:{}@{};transport=ws SIP/2.0", id.contact_user, id.via_host)
    }
}

#[test]
fn attended_transfer_refer_carries_replaces_and_invite_with_replaces_replaces_the_call() {
    let (mut p, first_a, first_b) = established();
    let t = Instant::from_millis(1_000);
    // A second call between the same two UAs (B's side of it is what Replaces will name).
    let second_a =
        p.a.call(
            t,
            "bob",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t);
    let second_b = incoming_id(&p.events_b);
    p.b.answer(t, second_b, ANSWER);
    p.run(t);
    p.wire.clear();
    p.events_a.clear();
    p.events_b.clear();
    p.a.refer(t, first_a, "", Some(second_a)).unwrap();
    p.run(t);
    let refer_to = header(&p.wire[0].1, "Refer-To").unwrap().to_string();
    let Some(Event::Refer {
        target,
        replaces: true,
        ..
    }) = p.events_b.first().cloned()
    else {
        panic!(
            "{:?} {:?}",
            p.events_b,
            p.wire
                .iter()
                .map(|w| String::from_utf8_lossy(&w.1).into_owned())
                .collect::<Vec<_>>()
        )
    };
    assert_eq!(refer_to, alloc::format!("<{target}>"));
    // ';' '=' escaped inside the URI header (RFC 3261 §19.1.1); to-tag is B's tag in call 2.
    let (_, replaces) = target.split_once("?Replaces=").unwrap();
    assert!(
        !replaces.contains(';') && replaces.contains("%3Bto-tag%3D") && replaces.contains("%3Bfrom-tag%3D"),
        "{replaces}"
    );

    // Replaces names A's second call for its other party: its Call-ID, to-tag = B's tag there,
    // from-tag = A's (RFC 3891 §3).
    let d2 = p.a.calls.get(&second_a).unwrap().dialog().unwrap().id().clone();
    let unescaped = String::from_utf8(crate::uri::unescape(replaces.as_bytes()).into_owned()).unwrap();
    assert_eq!(
        unescaped,
        alloc::format!(
            "{};to-tag={};from-tag={}",
            d2.call_id,
            d2.remote_tag,
            d2.local_tag
        )
    );

    // An INVITE to A whose Replaces names A's second call from A's side (to-tag = A's tag):
    // A reports the new call as replacing it, and answering it ends the second call with BYE.
    let for_a = alloc::format!(
        "{};to-tag={};from-tag={}",
        d2.call_id,
        d2.local_tag,
        d2.remote_tag
    );
    let id =
        p.b.call(
            t,
            "alice",
            CallOptions {
                sdp: Bytes::from_static(OFFER.as_bytes()),
                extra_headers: alloc::vec![alloc::format!("Replaces: {for_a}")],
            },
        )
        .unwrap();
    p.run(t);
    let Some(Event::NewSession {
        id: new_a,
        replaces: Some(old),
        ..
    }) = p
        .events_a
        .iter()
        .find(|e| matches!(e, Event::NewSession { .. }))
        .cloned()
    else {
        panic!("{:?}", p.events_a)
    };
    assert_eq!(old, second_a);
    p.a.answer(t, new_a, ANSWER);
    p.run(t);
    assert!(p.events_a.contains(&Event::Ended {
        id: second_a,
        cause: Cause::Bye,
        originator: Originator::Local
    }));
    assert!(p.events_b.contains(&Event::Ended {
        id: second_b,
        cause: Cause::Bye,
        originator: Originator::Remote
    }));
    let _ = (first_b, id);
}

#[test]
fn invite_with_replaces_for_an_unknown_dialog_gets_481() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id =
        p.b.call(
            t,
            "alice",
            CallOptions {
                extra_headers: alloc::vec!["Replaces: nope;to-tag=x;from-tag=y".into()],
                ..Default::default()
            },
        )
        .unwrap();
    p.run(t);
    assert!(
        p.first_lines()
            .contains(&"A→B SIP/2.0 481 Call/Transaction Does Not Exist".into()),
        "{:?}",
        p.first_lines()
    );
    assert!(p.events_a.is_empty());
    assert!(p.events_b.contains(&Event::Failed {
        id,
        cause: Cause::SipFailureCode,
        originator: Originator::Remote,
        status: StatusCode::new(481)
    }));
}

#[test]
fn options_to_a_peer_is_answered_with_what_it_supports() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id = p.a.send_options(t, "bob").unwrap();
    p.run(t);
    assert_eq!(
        p.first_lines(),
        ["A→B OPTIONS sip:bob@example.com SIP/2.0", "B→A SIP/2.0 200 OK"]
    );
    assert_eq!(header(&p.wire[1].1, "Allow"), Some(ALLOW));
    assert_eq!(
        header(&p.wire[1].1, "Accept"),
        Some("application/sdp, text/plain")
    );
    assert_eq!(
        p.events_a,
        [Event::MessageSucceeded {
            id,
            status: StatusCode::OK
        }]
    );
}
