//! Scenario 1: digest registration over each transport Kamailio offers, the binding proven
//! usable by a MESSAGE to ourselves routed back over it, then unregistration; a wrong password
//! is refused.

use sansip_tokio::core::cause::Cause;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::transport::ServerUri;
use sansip_tokio::core::ua::Event;

use crate::events::{expect_message, registered, until};
use crate::peers::{peer_env, start_ua, Transport, EXPIRES};

#[tokio::test]
async fn register_over_ws_wss_udp_tcp_tls_and_unregister() {
    let Some(env) = peer_env("register_over_ws_wss_udp_tcp_tls_and_unregister") else {
        return;
    };
    env.guard(async {
        for transport in [
            Transport::Ws,
            Transport::Wss,
            Transport::Udp,
            Transport::Tcp,
            Transport::Tls,
        ] {
            let server = env.server(transport);
            let (ua, mut events) = start_ua(&env, "alice", "alice-secret", transport, "");
            let uri = ServerUri::parse(&server).unwrap();
            assert_eq!(
                until(&mut events, registered).await,
                vec![
                    Event::Connecting {
                        server: uri.clone(),
                        attempt: 1
                    },
                    Event::Connected { server: uri.clone() },
                    Event::Registered { expires: EXPIRES },
                ],
                "{transport:?}"
            );
            // Kamailio looks our binding up and sends the MESSAGE back down this connection.
            let body = format!("to myself over {transport:?}");
            assert_eq!(
                ua.send_message("alice", "text/plain", body.clone()).await,
                Ok(StatusCode::OK),
                "{transport:?}"
            );
            expect_message(&mut events, "alice", &body).await;
            ua.unregister().await.unwrap();
            let gone = until(&mut events, |e| matches!(e, Event::Unregistered { .. })).await;
            assert_eq!(
                gone.last(),
                Some(&Event::Unregistered { cause: None }),
                "{transport:?}"
            );
            // Unbound: the same MESSAGE now finds nobody.
            let status = ua.send_message("alice", "text/plain", "nobody home").await;
            assert!(
                matches!(
                    status,
                    Err(sansip_tokio::MessageError::Failed {
                        status: Some(StatusCode::NOT_FOUND),
                        ..
                    })
                ),
                "{transport:?}: {status:?}"
            );
            ua.stop().await;
            println!("pass: register/unregister over {transport:?}");
        }

        let (ua, mut events) = start_ua(&env, "bob", "not-bobs-password", Transport::Ws, "");
        let failed = until(&mut events, |e| {
            matches!(e, Event::RegistrationFailed { .. } | Event::Registered { .. })
        })
        .await;
        assert!(
            matches!(
                failed.last(),
                Some(Event::RegistrationFailed {
                    cause: Cause::AuthenticationError,
                    status: Some(StatusCode::UNAUTHORIZED),
                    ..
                })
            ),
            "{failed:?}"
        );
        ua.stop().await;
        println!("pass: a wrong password gets RegistrationFailed (401)");
    })
    .await;
}
