//! sansip's RTP engine as the scenarios use it: bound on 127.0.0.1, its counters polled.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use sansip_tokio::media::{AudioOptions, Codec, MediaSession, MediaStats, RtpAudio};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An RTP audio engine on 127.0.0.1 (a 440 Hz tone, PCMU and PCMA, telephone-event 101,
/// RTCP reports every second).
pub async fn media() -> RtpAudio {
    RtpAudio::bind(AudioOptions {
        bind_ip: LOCALHOST,
        rtcp_interval: Duration::from_secs(1),
        ..AudioOptions::default()
    })
    .await
    .unwrap()
}

/// The port of the first `m=audio` line.
fn audio_port(sdp: &[u8]) -> u16 {
    let sdp = String::from_utf8_lossy(sdp);
    let line = sdp
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .unwrap_or_else(|| panic!("no m=audio in {sdp}"));
    line.split(' ').next().unwrap().parse().unwrap()
}

/// Polls the media counters until `done` holds (5 s at most) and returns them.
pub async fn stats_until(media: &RtpAudio, what: &str, done: impl Fn(&MediaStats) -> bool) -> MediaStats {
    let started = tokio::time::Instant::now();
    loop {
        let stats = media.stats();
        if done(&stats) {
            return stats;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{what}: {stats:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for 25 RTP packets each way, and wants them PCMU and sent to the `m=audio` port of
/// `remote_sdp` on 127.0.0.1; returns the counters.
pub async fn expect_rtp_both_ways(media: &RtpAudio, remote_sdp: &[u8]) -> MediaStats {
    let flowing = stats_until(media, "rtp both ways", |s| {
        s.rtp_sent >= 25 && s.rtp_received >= 25
    })
    .await;
    assert_eq!(flowing.codec, Some(Codec::Pcmu), "{flowing:?}");
    assert_eq!(
        flowing.remote_rtp,
        Some(SocketAddr::new(LOCALHOST, audio_port(remote_sdp))),
        "{flowing:?}"
    );
    flowing
}

/// Waits for 20 more RTP packets each way than so far (after a hold: `what` says which).
pub async fn expect_rtp_resumed(media: &RtpAudio, what: &str) {
    let before = media.stats();
    stats_until(media, what, |s| {
        s.rtp_sent >= before.rtp_sent + 20 && s.rtp_received >= before.rtp_received + 20
    })
    .await;
}

/// What the counters do over a second, 300 ms after a hold took effect: (RTP sent, RTP
/// received) in that second.
pub async fn rtp_while_held(media: &RtpAudio) -> (u64, u64) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = media.stats();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = media.stats();
    (
        after.rtp_sent - before.rtp_sent,
        after.rtp_received - before.rtp_received,
    )
}
