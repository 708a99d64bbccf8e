//! Scenario 3: a call from sansip (WebSocket) through Kamailio to a sipp UAS — INVITE (407
//! challenge first), 180, 200 with sipp's SDP, ACK, our BYE — and a call from a sipp UAC to a
//! sansip UA on WebSocket, answered by the test and hung up by sipp.

use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::ua::{Event, Originator};

use crate::events::{confirmed_or_failed, expect_bye, expect_confirmed, expect_incoming_call, until};
use crate::peers::{call, call_sdp, peer_env, registered_ua, Peer, Transport};

#[tokio::test]
async fn calls_with_sipp_uas_and_uac() {
    let Some(env) = peer_env("calls_with_sipp_uas_and_uac") else {
        return;
    };
    env.guard(async {
        let (alice, mut events) = registered_ua(&env, "alice", Transport::Ws, "").await;

        let uas = Peer::sipp_uas(&env, "uas-call.xml");
        let call = call(&alice, "sipp", call_sdp("alice", 5004)).await;
        let id = call.id();
        let confirmed = until(&mut events, confirmed_or_failed).await;
        let [Event::Progress {
            status: StatusCode::RINGING,
            ..
        }, Event::Accepted {
            sdp: Some(answer), ..
        }, Event::Confirmed { id: confirmed_id }] = confirmed.as_slice()
        else {
            panic!("alice saw {confirmed:?}");
        };
        assert_eq!(*confirmed_id, id);
        let answer = String::from_utf8_lossy(answer);
        assert!(answer.contains("m=audio 6000 RTP/AVP 0"), "{answer}");
        call.terminate().await.unwrap();
        expect_bye(&mut events, id, Originator::Local).await;
        uas.wait_success().await;
        println!("pass: a call to a sipp UAS (INVITE/180/200/ACK/BYE)");

        let uac = Peer::sipp_uac(&env, "uac-call.xml", "alice");
        let (id, offer) = expect_incoming_call(&mut events, "sipp-uac").await;
        let offer = String::from_utf8_lossy(&offer);
        assert!(offer.contains("m=audio 6002 RTP/AVP 0"), "{offer}");
        let incoming = alice.session(id);
        // sipp checks for this port in the 200's SDP.
        incoming.answer(call_sdp("alice", 7000)).await.unwrap();
        expect_confirmed(&mut events, id).await;
        expect_bye(&mut events, id, Originator::Remote).await;
        uac.wait_success().await;
        println!("pass: a call from a sipp UAC, answered, hung up by sipp");
        alice.stop().await;
    })
    .await;
}
