//! What the tests share: a few helpers around a UA and the lab registrar (`sansip_tokio::lab`).

use std::future::Future;
use std::time::Duration;

use sansip_tokio::core::config::Config;
use sansip_tokio::core::transport::{DisconnectReason, ServerUri};
use sansip_tokio::core::ua::Event;
use sansip_tokio::lab::EXPIRES;
use sansip_tokio::{Events, Ua, UaHandle, UaOptions};

/// Runs `test` with a 10 s limit.
pub async fn guard<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), test)
        .await
        .expect("test timed out")
}

/// A configuration for `user` at sansip.test on `server`, reconnecting after 1 s.
pub fn config(user: &str, password: &str, server: &str, extra: &str) -> Config {
    Config::from_json(&format!(
        r#"{{"uri": "sip:{user}@sansip.test", "ws_servers": "{server}", "password": "{password}",
            "connection_recovery_min_interval": 1, "connection_recovery_max_interval": 1{extra}}}"#
    ))
    .unwrap()
}

pub fn start(config: Config, options: UaOptions) -> (UaHandle, Events) {
    Ua::start_with(config, options).unwrap()
}

/// The events up to and including the first that `last` accepts, without traces.
pub async fn until(events: &mut Events, mut last: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let mut seen = Vec::new();
    while let Some(event) = events.next().await {
        let done = last(&event);
        if !matches!(event, Event::SipTrace { .. }) {
            seen.push(event);
        }
        if done {
            return seen;
        }
    }
    panic!("the ua ended first; events: {seen:?}");
}

pub fn registered(e: &Event) -> bool {
    matches!(e, Event::Registered { .. })
}

/// Connecting, Connected, Registered: the first registration on `server`.
pub fn first_registration(server: &str) -> Vec<Event> {
    let server = ServerUri::parse(server).unwrap();
    vec![
        Event::Connecting {
            server: server.clone(),
            attempt: 1,
        },
        Event::Connected { server },
        Event::Registered { expires: EXPIRES },
    ]
}

/// Stops the UA and returns the events after the stop, up to the end of the stream.
pub async fn stop(ua: &UaHandle, mut events: Events) -> Vec<Event> {
    ua.stop().await;
    assert!(ua.is_stopped());
    let mut rest = Vec::new();
    while let Some(event) = events.next().await {
        rest.push(event);
    }
    rest
}

pub fn unregistered_and_stopped(server: &str) -> Vec<Event> {
    vec![
        Event::Unregistered { cause: None },
        Event::Disconnected {
            server: ServerUri::parse(server).unwrap(),
            reason: DisconnectReason::Stopped,
        },
    ]
}
