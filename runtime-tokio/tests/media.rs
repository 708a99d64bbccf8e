//! The RTP audio engine end to end on 127.0.0.1 with real sockets and real time: two engines
//! in a call (audio, DTMF, hold both ways, RTCP, recording), RTCP on its own port, a peer whose
//! RTP comes from another port than its SDP says (latching), and a STUN binding against a
//! loopback responder. Each test is guarded by a 10 s timeout and lasts 1–4 s.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sansip_tokio::media::rtp::RtpHeader;
use sansip_tokio::media::tone::{zero_crossings, ToneGenerator};
use sansip_tokio::media::{
    stun, AudioOptions, AudioSource, Codec, MediaError, MediaSession, MediaStats, RtpAudio,
};
use tokio::net::UdpSocket;
use tokio::time::sleep;

async fn guard<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), test)
        .await
        .expect("test timed out")
}

fn loopback(source: AudioSource) -> AudioOptions {
    AudioOptions {
        bind_ip: "127.0.0.1".parse().unwrap(),
        source,
        rtcp_interval: Duration::from_millis(200),
        ..AudioOptions::default()
    }
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sansip-media-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(sdp: &[u8]) -> String {
    String::from_utf8(sdp.to_vec()).unwrap()
}

/// Lets `period` pass and returns the stats before and after, and the time that passed.
async fn measure(engine: &RtpAudio, period: Duration) -> (MediaStats, MediaStats, Duration) {
    let before = engine.stats();
    let t0 = Instant::now();
    sleep(period).await;
    (before, engine.stats(), t0.elapsed())
}

/// About one packet per 20 ms of `elapsed`.
fn assert_paced(packets: u64, elapsed: Duration, what: &str) {
    let expected = elapsed.as_millis() as u64 / 20;
    assert!(
        packets + 10 >= expected && packets <= expected + 10,
        "{what}: {packets} packets in {elapsed:?}, expected about {expected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_talk_dtmf_hold_rtcp_and_record() {
    guard(async {
        let dir = temp_dir("call");
        let recording = dir.join("bob.wav");
        let mut alice = RtpAudio::bind(loopback(AudioSource::Tone { hz: 440 }))
            .await
            .unwrap();
        let mut bob = RtpAudio::bind(AudioOptions {
            record: Some(recording.clone()),
            ..loopback(AudioSource::Tone { hz: 1000 })
        })
        .await
        .unwrap();

        // Offer/answer.
        let offer = alice.local_offer().unwrap();
        let port = alice.local_rtp_addr().port();
        let offer_text = text(&offer);
        assert!(offer_text.contains("c=IN IP4 127.0.0.1\r\n"), "{offer_text}");
        assert!(
            offer_text.contains(&format!(
                "m=audio {port} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
                 a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
            )),
            "{offer_text}"
        );
        assert!(
            offer_text.ends_with("a=rtcp-mux\r\na=sendrecv\r\n"),
            "{offer_text}"
        );
        // The same offer again keeps its o= version (RFC 3264 §8).
        assert_eq!(alice.local_offer().unwrap(), offer);
        let answer = bob.answer_offer(&offer).unwrap();
        let answer_text = text(&answer);
        assert!(
            answer_text.contains(&format!(
                "m=audio {} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n",
                bob.local_rtp_addr().port()
            )),
            "{answer_text}"
        );
        alice.apply_remote(&answer).unwrap();
        alice.send_dtmf("123", 100).unwrap();

        // One second of audio both ways: about 50 packets each.
        let (a0, a1, elapsed) = measure(&alice, Duration::from_secs(1)).await;
        let b1 = bob.stats();
        assert!(
            (40..=60).contains(&a1.rtp_received),
            "alice received {}",
            a1.rtp_received
        );
        assert!(
            (40..=60).contains(&b1.rtp_received),
            "bob received {}",
            b1.rtp_received
        );
        assert_paced(a1.rtp_sent - a0.rtp_sent, elapsed, "alice sent");
        assert_eq!(a1.codec, Some(Codec::Pcmu));
        assert_eq!(b1.codec, Some(Codec::Pcmu));
        assert_eq!(a1.remote_rtp, Some(bob.local_rtp_addr()));
        assert_eq!(b1.remote_rtp, Some(alice.local_rtp_addr()));
        assert_eq!((a1.invalid_received, b1.invalid_received), (0, 0));
        // DTMF: three events of 100 ms went out and came in once each.
        assert_eq!(a1.dtmf_sent, "123");
        assert_eq!(b1.dtmf_received, "123");
        assert_eq!(b1.dtmf_sent, "");
        // RTCP every 200 ms, multiplexed on the RTP port (both said a=rtcp-mux).
        for (who, s) in [("alice", &a1), ("bob", &b1)] {
            assert!(s.rtcp_sent >= 3, "{who} sent {} rtcp", s.rtcp_sent);
            assert!(s.rtcp_received >= 3, "{who} received {} rtcp", s.rtcp_received);
            assert_eq!(s.remote_rtcp, s.remote_rtp, "{who}");
            assert_eq!(s.peer_reported_lost, Some(0), "{who}");
            assert!(
                s.round_trip_time
                    .is_some_and(|rtt| rtt < Duration::from_millis(200)),
                "{who}: {s:?}"
            );
            assert_eq!(s.packets_lost, 0, "{who}");
            assert!(s.sending, "{who}");
        }

        // Local hold: alice stops sending, bob stops receiving; bob still sends.
        alice.set_local_hold(true);
        sleep(Duration::from_millis(100)).await;
        let (a0, a1, _) = measure(&alice, Duration::from_millis(300)).await;
        assert_eq!(a1.rtp_sent, a0.rtp_sent, "alice kept sending on hold");
        assert!(!a1.sending);
        assert!(a1.rtp_received >= a0.rtp_received + 10, "bob stopped too");
        let b_held = bob.stats().rtp_received;
        // Unhold resumes.
        alice.set_local_hold(false);
        let (a0, a1, elapsed) = measure(&alice, Duration::from_millis(300)).await;
        assert_paced(a1.rtp_sent - a0.rtp_sent, elapsed, "alice after unhold");
        assert!(bob.stats().rtp_received >= b_held + 10);

        // Hold by re-offer: alice offers sendonly, bob answers recvonly and stops sending.
        alice.set_local_hold(true);
        let hold_offer = text(&alice.local_offer().unwrap());
        assert!(hold_offer.ends_with("a=sendonly\r\n"), "{hold_offer}");
        let version = |sdp: &str| {
            sdp.lines()
                .nth(1)
                .unwrap()
                .split(' ')
                .nth(2)
                .unwrap()
                .parse::<u64>()
                .unwrap()
        };
        assert_eq!(version(&hold_offer), version(&offer_text) + 1);
        let hold_answer = text(&bob.answer_offer(hold_offer.as_bytes()).unwrap());
        assert!(hold_answer.ends_with("a=recvonly\r\n"), "{hold_answer}");
        alice.apply_remote(hold_answer.as_bytes()).unwrap();
        sleep(Duration::from_millis(100)).await;
        let (b0, b1, _) = measure(&bob, Duration::from_millis(300)).await;
        assert_eq!(b1.rtp_sent, b0.rtp_sent, "bob kept sending to a sendonly peer");
        assert!(!b1.sending);
        // Unhold by re-offer: both send again.
        alice.set_local_hold(false);
        let unhold_offer = alice.local_offer().unwrap();
        assert!(text(&unhold_offer).ends_with("a=sendrecv\r\n"));
        let unhold_answer = bob.answer_offer(&unhold_offer).unwrap();
        assert!(text(&unhold_answer).ends_with("a=sendrecv\r\n"));
        alice.apply_remote(&unhold_answer).unwrap();
        let (b0, b1, elapsed) = measure(&bob, Duration::from_millis(300)).await;
        assert_paced(b1.rtp_sent - b0.rtp_sent, elapsed, "bob after unhold");
        assert_paced(
            b1.rtp_received - b0.rtp_received,
            elapsed,
            "bob receives after unhold",
        );

        // Close: alice's BYE reaches bob; close is idempotent.
        let a_final = alice.close();
        assert_eq!(alice.close(), a_final);
        assert!(matches!(alice.local_offer(), Err(MediaError::Closed)));
        sleep(Duration::from_millis(100)).await;
        assert!(bob.stats().peer_bye);
        let b_final = bob.close();
        assert_eq!(bob.stats(), b_final);

        // The recording: 8 kHz mono 16-bit, the audio packets bob received, alice's 440 Hz.
        let bytes = std::fs::read(&recording).unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(&bytes[8..16], b"WAVEfmt ");
        assert_eq!(
            &bytes[20..36],
            [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0]
        );
        let reader = hound::WavReader::open(&recording).unwrap();
        let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
        // Every audio packet is 160 samples; DTMF packets (7 per digit) are not audio.
        let audio_packets = b_final.rtp_received - 3 * 7;
        assert_eq!(samples.len() as u64, audio_packets * 160);
        let seconds = samples.len() as f64 / 8000.0;
        let per_second = zero_crossings(&samples) as f64 / seconds;
        assert!(
            (840.0..=920.0).contains(&per_second),
            "{per_second} zero crossings per second"
        );
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rtcp_on_its_own_port_and_a_wav_played_once() {
    guard(async {
        let dir = temp_dir("wav");
        // Half a second of 440 Hz.
        let source = dir.join("tone.wav");
        let mut writer = hound::WavWriter::create(
            &source,
            hound::WavSpec {
                channels: 1,
                sample_rate: 8000,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            },
        )
        .unwrap();
        let mut tone = vec![0i16; 4000];
        ToneGenerator::new(440).fill(&mut tone);
        for s in &tone {
            writer.write_sample(*s).unwrap();
        }
        writer.finalize().unwrap();
        let recording = dir.join("rec.wav");
        let no_mux = |source| AudioOptions {
            rtcp_mux: false,
            codecs: vec![Codec::Pcma],
            ..loopback(source)
        };
        let mut alice = RtpAudio::bind(no_mux(AudioSource::Wav(source))).await.unwrap();
        let mut bob = RtpAudio::bind(AudioOptions {
            record: Some(recording.clone()),
            ..no_mux(AudioSource::Silence)
        })
        .await
        .unwrap();
        let offer = text(&alice.local_offer().unwrap());
        assert!(!offer.contains("rtcp-mux"), "{offer}");
        let answer = bob.answer_offer(offer.as_bytes()).unwrap();
        alice.apply_remote(&answer).unwrap();
        sleep(Duration::from_millis(1000)).await;
        let (a, b) = (alice.close(), bob.close());
        for (who, s, peer) in [("alice", &a, &bob), ("bob", &b, &alice)] {
            assert_eq!(s.codec, Some(Codec::Pcma));
            assert_eq!(s.remote_rtcp, Some(peer.local_rtcp_addr()), "{who}");
            assert_eq!(
                peer.local_rtcp_addr().port(),
                peer.local_rtp_addr().port() + 1,
                "{who}"
            );
            // Four reports in a second, plus the BYE.
            assert!(s.rtcp_sent >= 4, "{who}: {s:?}");
            assert!(s.rtcp_received >= 3, "{who}: {s:?}");
        }
        // The file played once: its half second of tone, then silence.
        let samples: Vec<i16> = hound::WavReader::open(&recording)
            .unwrap()
            .into_samples()
            .map(Result::unwrap)
            .collect();
        assert!(samples.len() >= 6000, "{}", samples.len());
        let (played, after) = samples.split_at(4000);
        let crossings = zero_crossings(played);
        assert!((430..=450).contains(&crossings), "{crossings}");
        // A-law silence decodes to ±8.
        assert!(after.iter().all(|s| s.abs() <= 8), "not silent after the file");
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}

/// Each side sends packets of the duration the other's description asks for (RFC 3264 §5.1):
/// alice's offer says 40 ms, bob's answer 20 ms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_side_sends_the_packet_duration_the_other_asks_for() {
    guard(async {
        let mut alice = RtpAudio::bind(loopback(AudioSource::Silence)).await.unwrap();
        let mut bob = RtpAudio::bind(loopback(AudioSource::Silence)).await.unwrap();
        let offer = text(&alice.local_offer().unwrap());
        assert!(offer.contains("a=ptime:20\r\n"), "{offer}");
        let offer = offer.replace("a=ptime:20", "a=ptime:40");
        let answer = bob.answer_offer(offer.as_bytes()).unwrap();
        alice.apply_remote(&answer).unwrap();
        sleep(Duration::from_millis(1000)).await;
        let (a, b) = (alice.close(), bob.close());
        // bob sends 40 ms packets (320 samples), alice 20 ms ones (160).
        assert_eq!(a.payload_bytes_received, a.rtp_received * 320, "{a:?}");
        assert_eq!(b.payload_bytes_received, b.rtp_received * 160, "{b:?}");
        assert!((20..=30).contains(&a.rtp_received), "{a:?}");
        assert!((40..=60).contains(&b.rtp_received), "{b:?}");
    })
    .await;
}

/// A re-offer that sets the audio stream to port 0 removes it (RFC 3264 §8.2): the other side
/// stops sending and keeps the call; a later description with a port brings it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_removed_by_port_zero_stops_sending() {
    guard(async {
        let mut alice = RtpAudio::bind(loopback(AudioSource::Silence)).await.unwrap();
        let mut bob = RtpAudio::bind(loopback(AudioSource::Silence)).await.unwrap();
        let offer = text(&alice.local_offer().unwrap());
        let answer = bob.answer_offer(offer.as_bytes()).unwrap();
        alice.apply_remote(&answer).unwrap();
        let sent = |(before, after, _): (MediaStats, MediaStats, Duration)| after.rtp_sent - before.rtp_sent;
        let flowing = sent(measure(&bob, Duration::from_millis(300)).await);
        assert!(flowing >= 10, "{flowing}");
        // alice's re-offer: the same description with the audio port set to 0.
        let port = alice.advertised_rtp_addr().port();
        let removed = offer.replace(&format!("m=audio {port} "), "m=audio 0 ");
        assert_ne!(removed, offer);
        bob.apply_remote(removed.as_bytes()).unwrap();
        sleep(Duration::from_millis(100)).await;
        assert_eq!(sent(measure(&bob, Duration::from_millis(300)).await), 0);
        assert!(!bob.stats().sending);
        // Back with its port: bob sends again.
        bob.apply_remote(offer.as_bytes()).unwrap();
        let resumed = sent(measure(&bob, Duration::from_millis(300)).await);
        assert!(resumed >= 10, "{resumed}");
        // A description with no audio at all is still refused.
        let video_only = offer.replace("m=audio", "m=video");
        assert!(matches!(
            bob.apply_remote(video_only.as_bytes()),
            Err(sansip_tokio::media::MediaError::NoAudioStream)
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latches_onto_the_source_of_the_peers_rtp() {
    guard(async {
        let mut alice = RtpAudio::bind(loopback(AudioSource::Tone { hz: 440 }))
            .await
            .unwrap();
        // The peer advertises one port and sends from another (a NAT would do that).
        let advertised = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let real = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let offer = format!(
            "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
             m=audio {} RTP/AVP 0\r\n",
            advertised.local_addr().unwrap().port()
        );
        alice.answer_offer(offer.as_bytes()).unwrap();
        // Before the peer sends, alice sends where the SDP says.
        let mut buf = [0u8; 2048];
        let (_, from) = advertised.recv_from(&mut buf).await.unwrap();
        assert_eq!(
            from,
            alice.local_rtp_addr(),
            "not symmetric: sent from another port"
        );
        // The peer's RTP from its real port.
        let sender = {
            let to = alice.local_rtp_addr();
            async move {
                for seq in 0..25u16 {
                    let packet = RtpHeader {
                        marker: seq == 0,
                        payload_type: 0,
                        sequence: seq,
                        timestamp: u32::from(seq) * 160,
                        ssrc: 77,
                    }
                    .write(&[0xFF; 160]);
                    real.send_to(&packet, to).await.unwrap();
                    let mut buf = [0u8; 2048];
                    // Drain what alice sends to the real port while we pace.
                    let deadline = tokio::time::Instant::now() + Duration::from_millis(20);
                    while let Ok(Ok((n, from))) =
                        tokio::time::timeout_at(deadline, real.recv_from(&mut buf)).await
                    {
                        assert_eq!(from, to);
                        assert!(RtpHeader::parse(&buf[..n]).is_some());
                    }
                }
                real
            }
        };
        let real = sender.await;
        let s = alice.stats();
        assert_eq!(s.remote_rtp, Some(real.local_addr().unwrap()));
        assert!(s.latched);
        assert_eq!(s.rtp_received, 25);
        // Now only the real port gets RTP: the advertised one hears nothing new.
        while tokio::time::timeout(Duration::from_millis(30), advertised.recv_from(&mut buf))
            .await
            .is_ok()
        {}
        let mut got = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
        while let Ok(Ok((n, from))) = tokio::time::timeout_at(deadline, real.recv_from(&mut buf)).await {
            assert_eq!(from, alice.local_rtp_addr());
            let (header, payload) = RtpHeader::parse(&buf[..n]).unwrap();
            assert_eq!((header.payload_type, payload.len()), (0, 160));
            got += 1;
        }
        assert!(got >= 10, "the real source got {got} packets in 300 ms");
        assert!(
            tokio::time::timeout(Duration::from_millis(50), advertised.recv_from(&mut buf))
                .await
                .is_err(),
            "still sending to the advertised port"
        );
        alice.close();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_loopback_call() {
    guard(async {
        let v6 = |source| AudioOptions {
            bind_ip: "::1".parse().unwrap(),
            ..loopback(source)
        };
        let Ok(mut alice) = RtpAudio::bind(v6(AudioSource::Tone { hz: 440 })).await else {
            eprintln!("skip: no IPv6 loopback here");
            return;
        };
        let mut bob = RtpAudio::bind(v6(AudioSource::Silence)).await.unwrap();
        let offer = alice.local_offer().unwrap();
        assert!(text(&offer).contains("\r\nc=IN IP6 ::1\r\n"), "{}", text(&offer));
        let answer = bob.answer_offer(&offer).unwrap();
        assert!(
            text(&answer).contains("\r\nc=IN IP6 ::1\r\n"),
            "{}",
            text(&answer)
        );
        alice.apply_remote(&answer).unwrap();
        sleep(Duration::from_millis(300)).await;
        let (a, b) = (alice.close(), bob.close());
        assert!(a.rtp_received >= 10 && b.rtp_received >= 10, "{a:?} {b:?}");
        assert_eq!(a.remote_rtp, Some(bob.local_rtp_addr()));
        assert!(a.rtcp_received >= 1 && b.rtcp_received >= 1, "{a:?} {b:?}");
    })
    .await;
}

/// A STUN server on 127.0.0.1 that maps every source to 203.0.113.7 and its port − 1000.
async fn stun_responder() -> (SocketAddr, tokio::task::JoinHandle<Vec<Vec<u8>>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut requests = Vec::new();
        let mut buf = [0u8; 1500];
        while let Ok(Ok((n, from))) =
            tokio::time::timeout(Duration::from_millis(500), socket.recv_from(&mut buf)).await
        {
            let request = buf[..n].to_vec();
            let transaction_id: [u8; 12] = request[8..20].try_into().unwrap();
            let mapped = SocketAddr::new("203.0.113.7".parse().unwrap(), from.port() - 1000);
            socket
                .send_to(&stun::binding_success(transaction_id, mapped), from)
                .await
                .unwrap();
            requests.push(request);
        }
        requests
    });
    (addr, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stun_binding_gives_the_advertised_address() {
    guard(async {
        let (server, responder) = stun_responder().await;
        let mut alice = RtpAudio::bind(AudioOptions {
            stun_servers: vec![format!("stun:{server}")],
            rtcp_mux: false,
            ..loopback(AudioSource::Silence)
        })
        .await
        .unwrap();
        let rtp = alice.local_rtp_addr();
        let mapped: SocketAddr = format!("203.0.113.7:{}", rtp.port() - 1000).parse().unwrap();
        assert_eq!(alice.stun_mapped_addr(), Some(mapped));
        assert_eq!(alice.advertised_rtp_addr(), mapped);
        let offer = text(&alice.local_offer().unwrap());
        assert!(offer.contains("\r\nc=IN IP4 203.0.113.7\r\n"), "{offer}");
        assert!(
            offer.contains(&format!("\r\nm=audio {} RTP/AVP 0 8 101\r\n", mapped.port())),
            "{offer}"
        );
        // The RTCP socket's mapping is the next port up too: no a=rtcp line.
        assert_eq!(alice.local_rtcp_addr().port(), rtp.port() + 1);
        assert!(!offer.contains("a=rtcp:"), "{offer}");
        alice.close();
        // Two Binding requests (RTP and RTCP sockets), exactly the RFC 5389 §6 header.
        let requests = responder.await.unwrap();
        assert_eq!(requests.len(), 2);
        for r in &requests {
            assert_eq!(r.len(), 20);
            assert_eq!(&r[..8], [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42]);
        }
        assert_ne!(requests[0][8..], requests[1][8..], "transaction ids must differ");
    })
    .await;
}

#[tokio::test]
async fn refusals_are_clear() {
    let dir = temp_dir("refusals");
    let bad_stun = RtpAudio::bind(AudioOptions {
        stun_servers: vec!["stun.example.org".into()],
        ..loopback(AudioSource::Silence)
    })
    .await
    .unwrap_err();
    assert_eq!(
        bad_stun.to_string(),
        "invalid stun server \"stun.example.org\": expected stun:host[:port]"
    );
    let no_codecs = RtpAudio::bind(AudioOptions {
        codecs: vec![],
        ..loopback(AudioSource::Silence)
    })
    .await
    .unwrap_err();
    assert_eq!(no_codecs.to_string(), "invalid audio options: codecs is empty");
    let missing = dir.join("missing.wav");
    let err = RtpAudio::bind(loopback(AudioSource::Wav(missing)))
        .await
        .unwrap_err();
    assert!(matches!(err, MediaError::Wav { .. }), "{err}");

    let mut alice = RtpAudio::bind(loopback(AudioSource::Silence)).await.unwrap();
    assert!(matches!(
        alice.send_dtmf("1", 100),
        Err(MediaError::DtmfNotNegotiated)
    ));
    let g722 = "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9\r\n";
    assert_eq!(
        alice.answer_offer(g722.as_bytes()).unwrap_err().to_string(),
        "no common codec: the remote side offers payload types [9], we support PCMU, PCMA"
    );
    let video = "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 4000 RTP/AVP 96\r\n";
    assert!(matches!(
        alice.answer_offer(video.as_bytes()),
        Err(MediaError::NoAudioStream)
    ));
    assert!(matches!(
        alice.apply_remote(b"not sdp"),
        Err(MediaError::RemoteSdp(_))
    ));
    // A peer without telephone-event: no DTMF.
    let pcmu = "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    alice.apply_remote(pcmu.as_bytes()).unwrap();
    assert!(matches!(
        alice.send_dtmf("1", 100),
        Err(MediaError::DtmfNotNegotiated)
    ));
    alice.close();
    let _ = std::fs::remove_dir_all(&dir);
}
