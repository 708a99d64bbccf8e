//! Scenario 5 (last by name: it restarts Kamailio): a UA registered over WebSocket loses the
//! server, reconnects with backoff once Kamailio is back, registers again, and the new binding
//! routes a MESSAGE.

use std::time::Duration;

use sansip_tokio::core::cause::Cause;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::transport::{DisconnectReason, ServerUri};
use sansip_tokio::core::ua::Event;

use crate::events::{expect_message, registered, until};
use crate::peers::{peer_env, registered_ua, Transport, EXPIRES};

#[tokio::test]
async fn zz_kamailio_restart_under_a_registered_ua() {
    let Some(env) = peer_env("zz_kamailio_restart_under_a_registered_ua") else {
        return;
    };
    env.guard(async {
        let extra = r#", "connection_recovery_min_interval": 1, "connection_recovery_max_interval": 2"#;
        let (ua, mut events) = registered_ua(&env, "alice", Transport::Ws, extra).await;
        let uri = ServerUri::parse(&env.server(Transport::Ws)).unwrap();

        let restarted = tokio::time::Instant::now();
        env.restart_kamailio().await;
        let again = until(&mut events, registered).await;
        let elapsed = restarted.elapsed();
        // The connection drops (Kamailio closes it, or it resets), the binding is counted
        // lost, then zero or more failed attempts while Kamailio is down, then it is back.
        assert!(
            matches!(
                again.first(),
                Some(Event::Disconnected { server, reason: DisconnectReason::Closed }) if *server == uri
            ),
            "{again:?}"
        );
        assert_eq!(
            again.get(1),
            Some(&Event::Unregistered {
                cause: Some(Cause::ConnectionError)
            }),
            "{again:?}"
        );
        let n = again.len();
        assert!(n >= 5, "{again:?}");
        assert!(
            matches!(&again[n - 3], Event::Connecting { server, attempt } if *server == uri && *attempt >= 2),
            "{again:?}"
        );
        assert_eq!(
            again[n - 2],
            Event::Connected { server: uri.clone() },
            "{again:?}"
        );
        assert_eq!(again[n - 1], Event::Registered { expires: EXPIRES }, "{again:?}");
        // Every attempt in between is a failed connection followed by another attempt.
        for event in &again[2..n - 3] {
            assert!(
                matches!(event, Event::Connecting { .. } | Event::Disconnected { .. }),
                "{again:?}"
            );
        }
        // connection_recovery_min_interval is 1 s: no reconnection before it.
        assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
        assert_eq!(
            ua.send_message("alice", "text/plain", "after the restart").await,
            Ok(StatusCode::OK)
        );
        expect_message(&mut events, "alice", "after the restart").await;
        println!(
            "pass: registered again {:?} after the restart began, {} events",
            elapsed,
            again.len()
        );
        ua.stop().await;
    })
    .await;
}
