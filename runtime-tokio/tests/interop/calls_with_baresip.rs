//! Scenario 4: calls with baresip (registered to Kamailio over UDP, answering by itself, a
//! 440 Hz sine as its microphone) and sansip's RTP engine: audio both ways (counted on both
//! sides), RFC 4733 DTMF both ways, hold and resume from either side (the held side's RTP
//! stops and comes back), hang-up from either side.

use sansip_tokio::core::ua::Originator;
use sansip_tokio::media::MediaSession;

use crate::audio::{expect_rtp_both_ways, expect_rtp_resumed, media, rtp_while_held, stats_until};
use crate::baresip::Baresip;
use crate::events::{
    expect_answered, expect_bye, expect_confirmed, expect_hold, expect_incoming_call, expect_unhold,
    reinvite_offer,
};
use crate::peers::{call, peer_env, registered_ua, Transport, DOMAIN};

#[tokio::test]
async fn call_with_baresip_rtp_dtmf_hold_hangup() {
    let Some(env) = peer_env("call_with_baresip_rtp_dtmf_hold_hangup") else {
        return;
    };
    env.guard(async {
        let mut carol = Baresip::start(&env).await;
        let (alice, mut events) = registered_ua(&env, "alice", Transport::Ws, "").await;

        // alice calls carol, who answers by herself.
        let mut audio = media().await;
        let call = call(&alice, "carol", audio.local_offer().unwrap()).await;
        let id = call.id();
        let answer = expect_answered(&mut events, id).await;
        audio.apply_remote(&answer).unwrap();
        carol.event("CALL_ESTABLISHED").await;
        let flowing = expect_rtp_both_ways(&audio, &answer).await;
        println!("pass: alice -> baresip: answered, rtp both ways: {flowing:?}");

        // DTMF both ways, as RTP events (RFC 4733).
        audio.send_dtmf("159#", 100).unwrap();
        let mut heard = String::new();
        while heard.len() < 4 {
            heard.push_str(&carol.event("CALL_DTMF_START").await.param);
        }
        assert_eq!(heard, "159#");
        for digit in ["4", "2", "*"] {
            carol.command("sndcode", digit).await;
            let want = audio.stats().dtmf_received.len() + 1;
            stats_until(&audio, "dtmf from baresip", |s| s.dtmf_received.len() >= want).await;
        }
        assert_eq!(audio.stats().dtmf_received, "42*");
        println!("pass: dtmf both ways (rfc 4733)");
        // And by SIP INFO (application/dtmf-relay), as JsSIP sends it by default.
        call.send_dtmf("7").await.unwrap();
        assert_eq!(carol.event("CALL_DTMF_START").await.param, "7");
        println!("pass: dtmf by INFO");
        // baresip takes our RTCP reports (it reports each one it accepts as CALL_RTCP).
        carol.event("CALL_RTCP").await;
        assert!(audio.stats().rtcp_sent >= 1);
        println!("pass: baresip accepted our rtcp");
        // And we take baresip's: reduced-size packets (RFC 5506), APP keep-alives among them.
        stats_until(&audio, "rtcp from baresip", |s| s.rtcp_received >= 1).await;
        assert_eq!(audio.stats().invalid_received, 0, "{:?}", audio.stats());
        println!("pass: we accepted baresip's rtcp");

        // alice holds: baresip answers recvonly and stops sending; we stop too.
        call.hold().await.unwrap();
        audio.set_local_hold(true);
        expect_hold(&mut events, id, Originator::Local).await;
        let (sent, received) = rtp_while_held(&audio).await;
        assert_eq!(sent, 0, "alice sent rtp on hold");
        assert!(received <= 2, "baresip sent {received} packets while held");
        call.unhold().await.unwrap();
        audio.set_local_hold(false);
        expect_unhold(&mut events, id, Originator::Local).await;
        expect_rtp_resumed(&audio, "rtp after unhold").await;
        println!("pass: hold/unhold from sansip");

        // carol holds (a sendonly re-INVITE): we stop sending to her, then resume.
        carol.command("hold", "").await;
        let held = expect_hold(&mut events, id, Originator::Remote).await;
        let offer = reinvite_offer(&held);
        assert!(
            String::from_utf8_lossy(&offer).contains("a=sendonly"),
            "{offer:?}"
        );
        audio.apply_remote(&offer).unwrap();
        let (sent, _) = rtp_while_held(&audio).await;
        assert_eq!(sent, 0, "alice sent rtp to a sendonly peer");
        carol.command("resume", "").await;
        let resumed = expect_unhold(&mut events, id, Originator::Remote).await;
        audio.apply_remote(&reinvite_offer(&resumed)).unwrap();
        expect_rtp_resumed(&audio, "rtp after baresip resumed").await;
        println!("pass: hold/resume from baresip");

        // alice hangs up.
        call.terminate().await.unwrap();
        expect_bye(&mut events, id, Originator::Local).await;
        carol.event("CALL_CLOSED").await;
        let first = audio.close();
        println!("pass: alice hung up; {first:?}");

        // carol calls alice, who answers with the engine's answer; carol hangs up.
        carol.command("dial", &format!("sip:alice@{DOMAIN}")).await;
        let (id, offer) = expect_incoming_call(&mut events, "carol").await;
        let mut audio = media().await;
        let answer = audio.answer_offer(&offer).unwrap();
        alice.session(id).answer(answer).await.unwrap();
        expect_confirmed(&mut events, id).await;
        carol.event("CALL_ESTABLISHED").await;
        expect_rtp_both_ways(&audio, &offer).await;
        carol.command("hangup", "").await;
        expect_bye(&mut events, id, Originator::Remote).await;
        let second = audio.close();
        println!("pass: baresip -> alice: answered, rtp both ways, baresip hung up; {second:?}");
        alice.stop().await;

        // baresip's own counts agree with ours (loopback: nothing lost, a few in flight).
        let counts = carol.quit().await;
        assert_eq!(counts.len(), 2, "baresip's per-call packet counts: {counts:?}");
        for ((their_sent, their_received), ours) in counts.iter().zip([&first, &second]) {
            assert!(*their_sent > 0 && *their_received > 0, "{counts:?}");
            assert!(
                their_received.abs_diff(ours.rtp_sent) <= 10,
                "baresip received {their_received}, we sent {}",
                ours.rtp_sent
            );
            assert!(
                their_sent.abs_diff(ours.rtp_received) <= 10,
                "baresip sent {their_sent}, we received {}",
                ours.rtp_received
            );
        }
        println!("pass: baresip counted {counts:?} (sent, received)");
    })
    .await;
}
