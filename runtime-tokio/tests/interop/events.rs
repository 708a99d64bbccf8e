//! Waiting on a UA's events: `until` prints every event as it goes (SIP traces as a ladder), so
//! a failing test shows what happened, and the expectations the scenarios share.

use bytes::Bytes;
use sansip_tokio::core::cause::Cause;
use sansip_tokio::core::ua::{Event, Originator, SessionId};
use sansip_tokio::{ladder_entry, Events};

use crate::peers::DOMAIN;
use crate::support;

pub use support::registered;

/// The events up to and including the first that `last` accepts, without traces (which are
/// printed, like the rest).
pub async fn until(events: &mut Events, last: impl Fn(&Event) -> bool) -> Vec<Event> {
    support::until(events, |event| {
        print(event);
        last(event)
    })
    .await
}

fn print(event: &Event) {
    if let Event::SipTrace {
        direction,
        server,
        data,
    } = event
    {
        println!("{}", ladder_entry(*direction, server, data));
    } else {
        println!("event: {event:?}");
    }
}

pub fn ended(e: &Event) -> bool {
    matches!(e, Event::Ended { .. } | Event::Failed { .. })
}

pub fn confirmed_or_failed(e: &Event) -> bool {
    matches!(e, Event::Confirmed { .. } | Event::Failed { .. })
}

/// Waits for call `id` to go on hold, put there by `originator`: the events up to it.
pub async fn expect_hold(events: &mut Events, id: SessionId, originator: Originator) -> Vec<Event> {
    expect_next(events, Event::Hold { id, originator }).await
}

/// Waits for call `id` to come off hold, by `originator`: the events up to it.
pub async fn expect_unhold(events: &mut Events, id: SessionId, originator: Originator) -> Vec<Event> {
    expect_next(events, Event::Unhold { id, originator }).await
}

/// Waits for the next event of `want`'s kind and wants it to be `want`; returns the events up
/// to it.
async fn expect_next(events: &mut Events, want: Event) -> Vec<Event> {
    let kind = std::mem::discriminant(&want);
    let seen = until(events, |e| std::mem::discriminant(e) == kind).await;
    assert_eq!(seen.last(), Some(&want), "{seen:?}");
    seen
}

/// Waits for a MESSAGE from `from_user`@sansip.test with `body` (text/plain).
pub async fn expect_message(events: &mut Events, from_user: &str, body: &str) {
    let seen = until(events, |e| matches!(e, Event::NewMessage { .. })).await;
    let Some(Event::NewMessage {
        from,
        content_type,
        body: got,
        ..
    }) = seen.last()
    else {
        unreachable!()
    };
    assert!(
        from.contains(&format!("sip:{from_user}@{DOMAIN}")),
        "from {from}, wanted {from_user}"
    );
    assert_eq!(content_type.as_deref(), Some("text/plain"));
    assert_eq!(String::from_utf8_lossy(got), body);
}

/// Waits for an incoming call, wanting it from `from_user`@sansip.test with an SDP offer:
/// its id and the offer.
pub async fn expect_incoming_call(events: &mut Events, from_user: &str) -> (SessionId, Bytes) {
    let ringing = until(events, |e| matches!(e, Event::NewSession { .. })).await;
    let Some(Event::NewSession {
        id,
        from,
        sdp: Some(offer),
        ..
    }) = ringing.last()
    else {
        panic!("{ringing:?}");
    };
    assert!(from.contains(&format!("sip:{from_user}@{DOMAIN}")), "{from}");
    (*id, offer.clone())
}

/// Waits for our call `id` to be confirmed (no failure first): the SDP answer of its 2xx.
pub async fn expect_answered(events: &mut Events, id: SessionId) -> Bytes {
    let seen = until(events, confirmed_or_failed).await;
    assert_eq!(seen.last(), Some(&Event::Confirmed { id }), "{seen:?}");
    seen.iter()
        .find_map(|e| match e {
            Event::Accepted {
                id: accepted,
                sdp: Some(sdp),
            } if *accepted == id => Some(sdp.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no answer in {seen:?}"))
}

/// Waits for the ACK to our 2xx for call `id`, wanting nothing else first.
pub async fn expect_confirmed(events: &mut Events, id: SessionId) {
    assert_eq!(
        until(events, |e| matches!(e, Event::Confirmed { .. })).await,
        vec![Event::Confirmed { id }]
    );
}

/// Waits for the end of call `id`, wanting nothing else first and the call ended by a BYE
/// from `originator`.
pub async fn expect_bye(events: &mut Events, id: SessionId, originator: Originator) {
    assert_eq!(
        until(events, ended).await,
        vec![Event::Ended {
            id,
            cause: Cause::Bye,
            originator
        }]
    );
}

/// The SDP offer of the re-INVITE among `seen`.
pub fn reinvite_offer(seen: &[Event]) -> Bytes {
    seen.iter()
        .find_map(|e| match e {
            Event::Reinvite { sdp: Some(sdp), .. } => Some(sdp.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no re-INVITE offer in {seen:?}"))
}
