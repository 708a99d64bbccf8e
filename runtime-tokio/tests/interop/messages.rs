//! Scenario 2: MESSAGE through Kamailio between two sansip UAs on different transports (alice
//! on WebSocket, bob on UDP), both ways, each authenticated by a 407 challenge; then to a sipp
//! UAS and from a sipp UAC.

use sansip_tokio::core::message::StatusCode;

use crate::events::expect_message;
use crate::peers::{alice_on_ws_and_bob_on_udp, peer_env, Peer, DOMAIN};

#[tokio::test]
async fn message_between_ws_and_udp_and_with_sipp() {
    let Some(env) = peer_env("message_between_ws_and_udp_and_with_sipp") else {
        return;
    };
    env.guard(async {
        let ((alice, mut alice_events), (bob, mut bob_events)) = alice_on_ws_and_bob_on_udp(&env).await;

        assert_eq!(
            alice
                .send_message("bob", "text/plain", "hello bob, from ws")
                .await,
            Ok(StatusCode::OK)
        );
        expect_message(&mut bob_events, "alice", "hello bob, from ws").await;
        assert_eq!(
            bob.send_message(
                &format!("sip:alice@{DOMAIN}"),
                "text/plain",
                "hello alice, from udp"
            )
            .await,
            Ok(StatusCode::OK)
        );
        expect_message(&mut alice_events, "bob", "hello alice, from udp").await;
        println!("pass: MESSAGE ws <-> udp through kamailio");

        // sipp answers as user "sipp" (Kamailio routes that user to it) and checks the body.
        let uas = Peer::sipp_uas(&env, "uas-message.xml");
        assert_eq!(
            alice.send_message("sipp", "text/plain", "hello sipp").await,
            Ok(StatusCode::OK)
        );
        uas.wait_success().await;
        println!("pass: MESSAGE to a sipp UAS");

        let uac = Peer::sipp_uac(&env, "uac-message.xml", "alice");
        expect_message(&mut alice_events, "sipp-uac", "hello from sipp\r\n").await;
        uac.wait_success().await;
        println!("pass: MESSAGE from a sipp UAC");

        alice.stop().await;
        bob.stop().await;
    })
    .await;
}
