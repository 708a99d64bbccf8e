//! Calls through the async handle (signalling only; the tests supply the SDP): two UAs
//! registered over WebSocket to the in-process registrar, which routes their calls
//! (`sansip_tokio::lab`). Real sockets on 127.0.0.1 and real time; each test is guarded by a
//! 10 s timeout.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// Shared with signalling.rs, which uses the rest of it.
#[allow(dead_code)]
mod support;

use sansip_tokio::core::cause::Cause;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::ua::{CallCommandError, CallOptions, Event, Originator, SessionId, UaError};
use sansip_tokio::lab::{Registrar, Transport};
use sansip_tokio::{CallError, Events, Session, SessionError, Stopped, UaHandle, UaOptions};
use support::{config, guard, registered, start, stop, until};

const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
const ANSWER: &str = "v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n";

/// Alice and bob, both registered to one WebSocket registrar.
async fn alice_and_bob() -> (Registrar, (UaHandle, Events), (UaHandle, Events)) {
    let reg = Registrar::start(Transport::Ws, &[("alice", "a"), ("bob", "b")])
        .await
        .unwrap();
    let server = reg.server_uri(Transport::Ws);
    let (alice, mut alice_events) = start(config("alice", "a", &server, ""), UaOptions::new());
    let (bob, mut bob_events) = start(config("bob", "b", &server, ""), UaOptions::new());
    until(&mut alice_events, registered).await;
    until(&mut bob_events, registered).await;
    (reg, (alice, alice_events), (bob, bob_events))
}

fn offer() -> CallOptions {
    CallOptions {
        sdp: OFFER.into(),
        ..CallOptions::default()
    }
}

/// Alice calls bob with [`OFFER`]; bob's `NewSession` is checked and his session returned.
async fn ring(alice: &UaHandle, bob: &UaHandle, bob_events: &mut Events) -> (Session, Session) {
    let call = alice.call("bob", offer()).await.unwrap();
    let seen = until(bob_events, |e| matches!(e, Event::NewSession { .. })).await;
    let [Event::NewSession {
        id,
        from,
        to,
        sdp,
        replaces,
    }] = seen.as_slice()
    else {
        panic!("bob saw {seen:?}");
    };
    assert!(from.starts_with("<sip:alice@sansip.test>;tag="), "{from}");
    assert_eq!(to, "<sip:bob@sansip.test>");
    assert_eq!(sdp.as_deref(), Some(OFFER.as_bytes()));
    assert_eq!(*replaces, None);
    (call, bob.session(*id))
}

/// Rings bob, who answers with [`ANSWER`]; both see the call confirmed.
async fn establish(
    alice: &UaHandle,
    alice_events: &mut Events,
    bob: &UaHandle,
    bob_events: &mut Events,
) -> (Session, Session) {
    let (call, incoming) = ring(alice, bob, bob_events).await;
    incoming.answer(ANSWER).await.unwrap();
    let id = call.id();
    assert_eq!(
        until(alice_events, |e| matches!(e, Event::Confirmed { .. })).await,
        vec![
            Event::Progress {
                id,
                status: StatusCode::RINGING,
                sdp: None
            },
            Event::Accepted {
                id,
                sdp: Some(ANSWER.into())
            },
            Event::Confirmed { id },
        ]
    );
    assert_eq!(
        until(bob_events, |e| matches!(e, Event::Confirmed { .. })).await,
        vec![Event::Confirmed { id: incoming.id() }]
    );
    (call, incoming)
}

fn ended(e: &Event) -> bool {
    matches!(e, Event::Ended { .. } | Event::Failed { .. })
}

/// True when `wanted` occurs in `seen` in order (other entries may come between).
fn in_order(seen: &[String], wanted: &[&str]) -> bool {
    let mut rest = seen.iter();
    wanted.iter().all(|w| rest.any(|s| s == w))
}

#[tokio::test]
async fn a_call_is_answered_confirmed_and_hung_up() {
    guard(async {
        let (reg, (alice, mut alice_events), (bob, mut bob_events)) = alice_and_bob().await;
        let (call, incoming) = establish(&alice, &mut alice_events, &bob, &mut bob_events).await;
        call.terminate().await.unwrap();
        assert_eq!(
            until(&mut alice_events, ended).await,
            vec![Event::Ended {
                id: call.id(),
                cause: Cause::Bye,
                originator: Originator::Local
            }]
        );
        assert_eq!(
            until(&mut bob_events, ended).await,
            vec![Event::Ended {
                id: incoming.id(),
                cause: Cause::Bye,
                originator: Originator::Remote
            }]
        );
        let routed = reg.seen(|seen| seen.routed.clone());
        assert!(
            in_order(&routed, &["INVITE", "180", "200", "ACK", "BYE"]),
            "{routed:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn bob_rejects_and_alice_fails_busy() {
    guard(async {
        let (_reg, (alice, mut alice_events), (bob, mut bob_events)) = alice_and_bob().await;
        let (call, incoming) = ring(&alice, &bob, &mut bob_events).await;
        incoming.reject(StatusCode::BUSY_HERE).await.unwrap();
        let status = Some(StatusCode::BUSY_HERE);
        assert_eq!(
            until(&mut bob_events, ended).await,
            vec![Event::Failed {
                id: incoming.id(),
                cause: Cause::Busy,
                originator: Originator::Local,
                status
            }]
        );
        let failed = until(&mut alice_events, ended).await;
        assert_eq!(
            failed.last(),
            Some(&Event::Failed {
                id: call.id(),
                cause: Cause::Busy,
                originator: Originator::Remote,
                status
            })
        );
    })
    .await;
}

#[tokio::test]
async fn alice_cancels_a_ringing_call() {
    guard(async {
        let (reg, (alice, mut alice_events), (bob, mut bob_events)) = alice_and_bob().await;
        let (call, incoming) = ring(&alice, &bob, &mut bob_events).await;
        until(&mut alice_events, |e| matches!(e, Event::Progress { .. })).await;
        call.terminate().await.unwrap();
        assert_eq!(
            until(&mut bob_events, ended).await,
            vec![Event::Failed {
                id: incoming.id(),
                cause: Cause::Canceled,
                originator: Originator::Remote,
                status: None
            }]
        );
        assert_eq!(
            until(&mut alice_events, ended).await,
            vec![Event::Failed {
                id: call.id(),
                cause: Cause::Canceled,
                originator: Originator::Local,
                status: Some(StatusCode::REQUEST_TERMINATED)
            }]
        );
        let routed = reg.seen(|seen| seen.routed.clone());
        assert!(
            in_order(&routed, &["INVITE", "180", "CANCEL", "200", "487"]),
            "{routed:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_call_to_nobody_fails_and_a_bad_target_is_refused() {
    guard(async {
        let (_reg, (alice, mut alice_events), _bob) = alice_and_bob().await;
        let call = alice.call("carol", offer()).await.unwrap();
        assert_eq!(
            until(&mut alice_events, ended).await,
            vec![Event::Failed {
                id: call.id(),
                cause: Cause::Unavailable,
                originator: Originator::Remote,
                status: Some(StatusCode::TEMPORARILY_UNAVAILABLE)
            }]
        );
        let refused = alice.call("sip:", offer()).await.map(|s| s.id());
        assert_eq!(refused, Err(CallError::Invalid(UaError::InvalidTarget)));
    })
    .await;
}

#[tokio::test]
async fn hold_unhold_and_dtmf_reach_the_peer() {
    guard(async {
        let (_reg, (alice, mut alice_events), (bob, mut bob_events)) = alice_and_bob().await;
        let (call, incoming) = establish(&alice, &mut alice_events, &bob, &mut bob_events).await;
        let (a, b) = (call.id(), incoming.id());
        call.hold().await.unwrap();
        let held = until(&mut bob_events, |e| matches!(e, Event::Hold { .. })).await;
        assert_eq!(held.last(), Some(&Event::Hold { id: b, originator: Originator::Remote }));
        let held = until(&mut alice_events, |e| matches!(e, Event::Hold { .. })).await;
        assert_eq!(held.last(), Some(&Event::Hold { id: a, originator: Originator::Local }));
        call.unhold().await.unwrap();
        let resumed = until(&mut bob_events, |e| matches!(e, Event::Unhold { .. })).await;
        assert_eq!(resumed.last(), Some(&Event::Unhold { id: b, originator: Originator::Remote }));
        until(&mut alice_events, |e| matches!(e, Event::Unhold { .. })).await;
        call.send_dtmf("1").await.unwrap();
        let tone = until(&mut bob_events, |e| matches!(e, Event::NewDtmf { .. })).await;
        assert!(
            matches!(tone.last(), Some(Event::NewDtmf { id, tone: '1', originator: Originator::Remote, .. }) if *id == b),
            "{tone:?}"
        );
        assert_eq!(call.send_dtmf("x").await, Err(SessionError::Refused(CallCommandError::InvalidTone)));
        let unknown = alice.session(SessionId(99));
        assert_eq!(unknown.hold().await, Err(SessionError::Refused(CallCommandError::NotEstablished)));
    })
    .await;
}

#[tokio::test]
async fn stop_hangs_up_before_unregistering() {
    guard(async {
        let (_reg, (alice, mut alice_events), (bob, mut bob_events)) = alice_and_bob().await;
        let (call, incoming) = establish(&alice, &mut alice_events, &bob, &mut bob_events).await;
        let after = stop(&alice, alice_events).await;
        let after: Vec<_> = after
            .into_iter()
            .filter(|e| !matches!(e, Event::SipTrace { .. }))
            .collect();
        assert_eq!(
            after.first(),
            Some(&Event::Ended {
                id: call.id(),
                cause: Cause::Bye,
                originator: Originator::Local
            }),
            "{after:?}"
        );
        assert!(
            matches!(after.get(1), Some(Event::Unregistered { cause: None })),
            "{after:?}"
        );
        assert_eq!(
            until(&mut bob_events, ended).await,
            vec![Event::Ended {
                id: incoming.id(),
                cause: Cause::Bye,
                originator: Originator::Remote
            }]
        );
        assert_eq!(call.terminate().await, Err(Stopped));
        assert_eq!(
            alice.call("bob", offer()).await.map(|s| s.id()),
            Err(CallError::Stopped)
        );
    })
    .await;
}

/// CallMedia with the RTP engine on both ends: the offer is answered, RTP flows, and an offer
/// the engine cannot take (G.722 only) is refused with 488 (RFC 3261 §21.4.26).
#[tokio::test]
async fn call_media_answers_what_it_can_and_refuses_the_rest_with_488() {
    use sansip_tokio::media::{AudioOptions, MediaError, RtpAudio};
    use sansip_tokio::{CallMedia, CallMediaError};
    let loopback = AudioOptions {
        bind_ip: "127.0.0.1".parse().unwrap(),
        advertised_ip: Some("127.0.0.1".parse().unwrap()),
        ..AudioOptions::default()
    };
    guard(async {
        let (_reg, (alice, mut alice_events), (bob, mut bob_events)) = alice_and_bob().await;
        let media = RtpAudio::bind(loopback.clone()).await.unwrap();
        let (call, mut caller) = CallMedia::call(&alice, "bob", media, CallOptions::default())
            .await
            .unwrap();
        let seen = until(&mut bob_events, |e| matches!(e, Event::NewSession { .. })).await;
        let Some(Event::NewSession { id, sdp, .. }) = seen.last() else {
            panic!("{seen:?}");
        };
        let media = RtpAudio::bind(loopback.clone()).await.unwrap();
        let (_, mut callee) = CallMedia::answer(&bob, *id, sdp.as_deref(), media).await.unwrap();
        until(&mut alice_events, |e| {
            caller.on_event(e).unwrap();
            matches!(e, Event::Confirmed { .. })
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        call.terminate().await.unwrap();
        let mut ended = None;
        until(&mut alice_events, |e| {
            ended = caller.on_event(e).unwrap();
            ended.is_some()
        })
        .await;
        let caller_stats = ended.unwrap();
        let mut ended = None;
        until(&mut bob_events, |e| {
            ended = callee.on_event(e).unwrap();
            ended.is_some()
        })
        .await;
        let callee_stats = ended.unwrap();
        // 0.5 s of 20 ms packets each way.
        assert!(caller_stats.rtp_received >= 15, "{caller_stats:?}");
        assert!(callee_stats.rtp_received >= 15, "{callee_stats:?}");

        // An offer of G.722 only: no common codec, so bob's media refuses and the call fails.
        let g722 = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n";
        let call = alice
            .call(
                "bob",
                CallOptions {
                    sdp: g722.into(),
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap();
        let seen = until(&mut bob_events, |e| matches!(e, Event::NewSession { .. })).await;
        let Some(Event::NewSession { id, sdp, .. }) = seen.last() else {
            panic!("{seen:?}");
        };
        let media = RtpAudio::bind(loopback).await.unwrap();
        let refused = CallMedia::answer(&bob, *id, sdp.as_deref(), media).await;
        assert!(
            matches!(refused, Err(CallMediaError::Media(MediaError::NoCommonCodec { .. }))),
            "{refused:?}"
        );
        let failed = until(&mut alice_events, |e| matches!(e, Event::Failed { .. })).await;
        assert!(
            matches!(
                failed.last(),
                Some(Event::Failed { id, status: Some(StatusCode::NOT_ACCEPTABLE_HERE), .. }) if *id == call.id()
            ),
            "{failed:?}"
        );
    })
    .await;
}
