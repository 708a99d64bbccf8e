//! Tests of `engine.rs` (arbitrary datagrams).

use super::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sansip_core::sdp::Direction;

/// Random datagrams and mutated valid packets never panic the engine; what is not valid is
/// counted as invalid.
#[test]
fn random_and_mutated_datagrams() {
    let t0 = Instant::now();
    let ids = StreamIds {
        ssrc: 1,
        sequence: 0,
        timestamp: 0,
    };
    let mut e = Engine::new(ids, 20, Source::Silence, None, "c".into(), 101, t0);
    let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
    e.apply(Negotiated {
        codec: Codec::Pcmu,
        payload_type: 0,
        telephone_event: Some(101),
        rtp: Some(peer),
        rtcp: Some(peer),
        rtcp_mux: true,
        direction: Direction::SendRecv,
        ptime: None,
    });
    let mut rng = StdRng::seed_from_u64(4733);
    let mut valid = Vec::new();
    let rtp = RtpHeader {
        marker: false,
        payload_type: 0,
        sequence: 1,
        timestamp: 2,
        ssrc: 3,
    };
    valid.push(rtp.write(&[0xFF; 160]));
    valid.push(
        RtpHeader {
            payload_type: 101,
            ..rtp
        }
        .write(&[1, 0x8A, 0, 160]),
    );
    let mut sr = Vec::new();
    let info = SenderInfo {
        ntp: 1,
        rtp_timestamp: 2,
        packet_count: 3,
        octet_count: 4,
    };
    write_sender_report(
        3,
        &info,
        &[ReportBlock {
            ssrc: 1,
            ..ReportBlock::default()
        }],
        &mut sr,
    );
    write_sdes_cname(3, "peer", &mut sr);
    write_bye(3, &mut sr);
    valid.push(sr);
    for i in 0..20_000u32 {
        let data: Vec<u8> = if i % 2 == 0 {
            let len = rng.random_range(0..200usize);
            (0..len).map(|_| rng.random()).collect()
        } else {
            let mut d = valid[i as usize % valid.len()].clone();
            for _ in 0..rng.random_range(1..4) {
                let at = rng.random_range(0..d.len());
                d[at] = rng.random();
            }
            d.truncate(rng.random_range(0..=d.len()));
            d
        };
        e.on_rtp_socket(&data, peer, t0);
        e.on_rtcp(&data, peer, t0, true);
    }
    let s = e.stats();
    assert!(s.invalid_received > 10_000, "{s:?}");
    assert!(s.rtp_received > 0 && s.rtcp_received > 0, "{s:?}");
    // Still working afterwards.
    assert!(!e.frames(t0 + Duration::from_millis(20)).is_empty());
    assert!(e.report(t0).is_some());
}
