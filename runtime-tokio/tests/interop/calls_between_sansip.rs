//! Scenario 3b: a call between two sansip UAs through Kamailio, alice on WebSocket and bob on
//! UDP, each with the RTP engine: both 407-challenged INVITE and BYE routed by Kamailio's
//! aliases across the transports, RTP both ways, DTMF as RFC 4733 and by INFO, bob hangs up.

use sansip_tokio::core::ua::{Event, Originator};
use sansip_tokio::media::MediaSession;

use crate::audio::{expect_rtp_both_ways, media, stats_until};
use crate::events::{expect_answered, expect_bye, expect_confirmed, expect_incoming_call, until};
use crate::peers::{alice_on_ws_and_bob_on_udp, call, peer_env};

#[tokio::test]
async fn call_between_sansip_on_ws_and_udp_with_rtp() {
    let Some(env) = peer_env("call_between_sansip_on_ws_and_udp_with_rtp") else {
        return;
    };
    env.guard(async {
        let ((alice, mut alice_events), (bob, mut bob_events)) = alice_on_ws_and_bob_on_udp(&env).await;

        let mut alice_audio = media().await;
        let offer = alice_audio.local_offer().unwrap();
        let call = call(&alice, "bob", offer.clone()).await;
        let (bob_id, received_offer) = expect_incoming_call(&mut bob_events, "alice").await;
        assert_eq!(received_offer, offer, "kamailio changed the offer");
        let mut bob_audio = media().await;
        let answer = bob_audio.answer_offer(&received_offer).unwrap();
        let incoming = bob.session(bob_id);
        incoming.answer(answer.clone()).await.unwrap();
        let id = call.id();
        let received_answer = expect_answered(&mut alice_events, id).await;
        assert_eq!(received_answer, answer, "kamailio changed the answer");
        alice_audio.apply_remote(&answer).unwrap();
        expect_confirmed(&mut bob_events, bob_id).await;
        expect_rtp_both_ways(&alice_audio, &answer).await;
        expect_rtp_both_ways(&bob_audio, &offer).await;

        for audio in [&alice_audio, &bob_audio] {
            stats_until(audio, "rtcp both ways", |s| {
                s.rtcp_sent >= 1 && s.rtcp_received >= 1
            })
            .await;
        }
        alice_audio.send_dtmf("3", 100).unwrap();
        stats_until(&bob_audio, "rtp dtmf", |s| s.dtmf_received == "3").await;
        call.send_dtmf("8").await.unwrap();
        let sent = until(&mut alice_events, |e| matches!(e, Event::NewDtmf { .. })).await;
        assert_eq!(
            sent,
            vec![Event::NewDtmf {
                id,
                tone: '8',
                duration: 100,
                originator: Originator::Local
            }]
        );
        let tone = until(&mut bob_events, |e| matches!(e, Event::NewDtmf { .. })).await;
        assert!(
            matches!(
                tone.last(),
                Some(Event::NewDtmf {
                    tone: '8',
                    originator: Originator::Remote,
                    ..
                })
            ),
            "{tone:?}"
        );

        incoming.terminate().await.unwrap();
        expect_bye(&mut alice_events, id, Originator::Remote).await;
        expect_bye(&mut bob_events, bob_id, Originator::Local).await;
        let (a, b) = (alice_audio.close(), bob_audio.close());
        assert!(a.rtp_sent.abs_diff(b.rtp_received) <= 10, "{a:?} {b:?}");
        assert!(b.rtp_sent.abs_diff(a.rtp_received) <= 10, "{a:?} {b:?}");
        println!("pass: ws <-> udp call with rtp: alice {a:?}, bob {b:?}");
        alice.stop().await;
        bob.stop().await;
    })
    .await;
}
