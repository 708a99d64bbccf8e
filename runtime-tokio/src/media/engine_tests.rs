//! Tests of `engine.rs`.

use super::*;
use crate::media::dtmf::TelephoneEvent;
use sansip_core::sdp::Direction;

const IDS: StreamIds = StreamIds {
    ssrc: 0x1111_1111,
    sequence: 100,
    timestamp: 5000,
};

/// The frames due at `now`, expecting at most one.
fn frame(e: &mut Engine, now: Instant) -> Option<Datagram> {
    let mut frames = e.frames(now);
    assert!(frames.len() <= 1, "{frames:?}");
    frames.pop()
}

fn engine(now: Instant) -> Engine {
    Engine::new(IDS, 20, Source::Silence, None, "cname".into(), 101, now)
}

fn agreed(rtp: &str) -> Negotiated {
    let rtp: SocketAddr = rtp.parse().unwrap();
    Negotiated {
        codec: Codec::Pcma,
        payload_type: 8,
        telephone_event: Some(101),
        rtp: Some(rtp),
        rtcp: Some(SocketAddr::new(rtp.ip(), rtp.port() + 1)),
        rtcp_mux: false,
        direction: Direction::SendRecv,
        ptime: None,
    }
}

fn peer_rtp(seq: u16, pt: u8, payload: &[u8]) -> Vec<u8> {
    RtpHeader {
        marker: false,
        payload_type: pt,
        sequence: seq,
        timestamp: u32::from(seq) * 160,
        ssrc: 0x2222_2222,
    }
    .write(payload)
}

#[test]
fn frames_are_paced_by_the_clock_with_marker_and_sequence() {
    let t0 = Instant::now();
    let ms = |n: u64| t0 + Duration::from_millis(n);
    let mut e = engine(t0);
    // Nothing negotiated: nothing sent.
    assert_eq!(frame(&mut e, t0), None);
    e.apply(agreed("127.0.0.1:5000"));
    let first = frame(&mut e, ms(20)).unwrap();
    assert_eq!(first.to, "127.0.0.1:5000".parse().unwrap());
    assert!(!first.from_rtcp_socket);
    let (h, payload) = RtpHeader::parse(&first.data).unwrap();
    let expected = RtpHeader {
        marker: true,
        payload_type: 8,
        sequence: 100,
        timestamp: 5160,
        ssrc: IDS.ssrc,
    };
    assert_eq!(h, expected);
    assert_eq!(payload, [0xD5; 160]);
    let second = frame(&mut e, ms(40)).unwrap();
    let (h, _) = RtpHeader::parse(&second.data).unwrap();
    assert_eq!((h.marker, h.sequence, h.timestamp), (false, 101, 5320));
    // Hold: nothing; unhold: the timestamp kept time and the marker is set again.
    e.set_local_hold(true);
    assert_eq!(frame(&mut e, ms(60)), None);
    assert_eq!(frame(&mut e, ms(80)), None);
    e.set_local_hold(false);
    let third = frame(&mut e, ms(100)).unwrap();
    let (h, _) = RtpHeader::parse(&third.data).unwrap();
    assert_eq!((h.marker, h.sequence, h.timestamp), (true, 102, 5800));
    // Woken 100 ms late: the five frames due, each with its own timestamp.
    let late: Vec<(u16, u32)> = e
        .frames(ms(200))
        .iter()
        .map(|d| {
            RtpHeader::parse(&d.data)
                .map(|(h, _)| (h.sequence, h.timestamp))
                .unwrap()
        })
        .collect();
    assert_eq!(
        late,
        [(103, 5960), (104, 6120), (105, 6280), (106, 6440), (107, 6600)]
    );
    // Woken very late: only the last five frames; the older ones are dropped.
    let later: Vec<u32> = e
        .frames(ms(1000))
        .iter()
        .map(|d| RtpHeader::parse(&d.data).map(|(h, _)| h.timestamp).unwrap())
        .collect();
    assert_eq!(
        later,
        [
            5000 + 46 * 160,
            5000 + 47 * 160,
            5000 + 48 * 160,
            5000 + 49 * 160,
            5000 + 50 * 160
        ]
    );
    assert_eq!(frame(&mut e, ms(1000)), None);
    assert_eq!(e.stats().rtp_sent, 13);
    assert_eq!(e.stats().payload_bytes_sent, 13 * 160);
}

#[test]
fn dtmf_packets_replace_audio() {
    let t0 = Instant::now();
    let mut e = engine(t0);
    assert!(matches!(
        e.send_dtmf("1", 100),
        Err(MediaError::DtmfNotNegotiated)
    ));
    e.apply(agreed("127.0.0.1:5000"));
    assert!(matches!(
        e.send_dtmf("12x", 100),
        Err(MediaError::InvalidDtmf('x'))
    ));
    e.send_dtmf("#", 40).unwrap();
    let mut got = Vec::new();
    for i in 0..6u64 {
        let d = frame(&mut e, t0 + Duration::from_millis(20 * i)).unwrap();
        let (h, p) = RtpHeader::parse(&d.data).unwrap();
        got.push((h.marker, h.payload_type, h.sequence, h.timestamp, p.to_vec()));
    }
    let ev = |end: bool, d: u16| {
        TelephoneEvent {
            event: 11,
            end,
            volume: 10,
            duration: d,
        }
        .write()
        .to_vec()
    };
    assert_eq!(
        got,
        vec![
            (true, 101, 100, 5000, ev(false, 160)),
            (false, 101, 101, 5000, ev(true, 320)),
            (false, 101, 102, 5000, ev(true, 320)),
            (false, 101, 103, 5000, ev(true, 320)),
            // Audio again, at the clock's timestamp; the first audio packet of the call
            // still carries the marker.
            (true, 8, 104, 5640, vec![0xD5; 160]),
            (false, 8, 105, 5800, vec![0xD5; 160]),
        ]
    );
    assert_eq!(e.stats().dtmf_sent, "#");
}

#[test]
fn receiving_counts_latches_and_ignores_garbage() {
    let t0 = Instant::now();
    let mut e = engine(t0);
    e.apply(agreed("127.0.0.1:5000"));
    let real: SocketAddr = "127.0.0.1:6000".parse().unwrap();
    let stranger: SocketAddr = "127.0.0.1:7000".parse().unwrap();
    e.on_rtp_socket(b"\x00\x01garbage", real, t0);
    e.on_rtp_socket(&peer_rtp(1, 0, &[0xFF; 160]), real, t0);
    e.on_rtp_socket(&peer_rtp(2, 0, &[0xFF; 160]), stranger, t0);
    e.on_rtp_socket(&peer_rtp(3, 0, &[0xFF; 160]), real, t0);
    let event = TelephoneEvent {
        event: 5,
        end: false,
        volume: 10,
        duration: 160,
    }
    .write();
    e.on_rtp_socket(&peer_rtp(4, 101, &event), real, t0);
    e.on_rtp_socket(&peer_rtp(5, 101, &event), real, t0);
    let s = e.stats();
    assert_eq!(s.rtp_received, 4);
    assert_eq!(s.invalid_received, 2);
    // Latched onto the real source instead of the SDP's port.
    assert_eq!(s.remote_rtp, Some(real));
    assert!(s.latched);
    // Packets 4 and 5 have different timestamps: two events.
    assert_eq!(s.dtmf_received, "55");
    assert_eq!(s.packets_lost, 1);
    // A re-INVITE moving the peer resets the latch.
    e.apply(agreed("127.0.0.1:8000"));
    assert_eq!(e.stats().remote_rtp, Some("127.0.0.1:8000".parse().unwrap()));
    assert!(!e.stats().latched);
}

#[test]
fn reports_and_bye() {
    let t0 = Instant::now();
    let mut e = engine(t0);
    assert_eq!(e.report(t0), None);
    e.apply(agreed("127.0.0.1:5000"));
    // Nothing sent yet: an RR with the CNAME, from the RTCP socket to port + 1.
    let rr = e.report(t0).unwrap();
    assert_eq!(rr.to, "127.0.0.1:5001".parse().unwrap());
    assert!(rr.from_rtcp_socket);
    assert_eq!(
        rr.data.get(..8).unwrap(),
        [0x80, 201, 0, 1, 0x11, 0x11, 0x11, 0x11]
    );
    frame(&mut e, t0);
    e.on_rtp_socket(
        &peer_rtp(1, 8, &[0xD5; 160]),
        "127.0.0.1:5000".parse().unwrap(),
        t0,
    );
    let sr = e.report(t0).unwrap();
    let packets = parse_compound(&sr.data).unwrap();
    let RtcpPacket::SenderReport { ssrc, info, blocks } = &packets[0] else {
        panic!("{packets:?}")
    };
    assert_eq!((*ssrc, info.packet_count, info.octet_count), (IDS.ssrc, 1, 160));
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].ssrc, 0x2222_2222);
    assert_eq!(packets[1], RtcpPacket::Other(202));
    // RFC 3550 §6.4: still an SR one interval later, an RR the interval after.
    let first_byte = |d: Datagram| d.data[1];
    assert_eq!(first_byte(e.report(t0).unwrap()), 200);
    assert_eq!(first_byte(e.report(t0).unwrap()), 201);
    // The peer reports on us.
    let mut rr = Vec::new();
    write_receiver_report(
        0x2222_2222,
        &[ReportBlock {
            ssrc: IDS.ssrc,
            cumulative_lost: 2,
            jitter: 80,
            ..ReportBlock::default()
        }],
        &mut rr,
    );
    e.on_rtcp(&rr, "127.0.0.1:5001".parse().unwrap(), t0, true);
    e.on_rtcp(b"junk", "127.0.0.1:5001".parse().unwrap(), t0, true);
    let s = e.stats();
    assert_eq!((s.rtcp_sent, s.rtcp_received, s.invalid_received), (4, 1, 1));
    assert_eq!(s.peer_reported_lost, Some(2));
    assert_eq!(s.peer_reported_jitter_ms, Some(10.0));
    let bye = e.bye(t0).unwrap();
    let packets = parse_compound(&bye.data).unwrap();
    assert_eq!(packets.last(), Some(&RtcpPacket::Bye(vec![IDS.ssrc])));
    assert_eq!(e.bye(t0), None);
    assert_eq!(frame(&mut e, t0), None);
    assert_eq!(e.stats().rtcp_sent, 5);
}

#[test]
fn the_peers_ptime_takes_over_at_a_frame_boundary_without_a_timestamp_jump() {
    let t0 = Instant::now();
    let mut e = engine(t0);
    e.apply(agreed("127.0.0.1:5000"));
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let header = |d: &Datagram| {
        RtpHeader::parse(&d.data)
            .map(|(h, p)| (h.timestamp, p.len()))
            .unwrap()
    };
    // Two 20 ms frames: 160 samples each.
    let first: Vec<_> = e.frames(at(25)).iter().map(header).collect();
    assert_eq!(first.len(), 2);
    let base = first[0].0;
    assert_eq!(first, [(base, 160), (base + 160, 160)]);
    // The peer's description asks for 40 ms (RFC 3264 §5.1): from the next boundary, 320
    // samples a packet, timestamps going on from where the 20 ms frames left off.
    e.apply(Negotiated {
        ptime: Some(40),
        ..agreed("127.0.0.1:5000")
    });
    let later: Vec<_> = [45, 85, 125]
        .into_iter()
        .flat_map(|ms| e.frames(at(ms)))
        .map(|d| header(&d))
        .collect();
    assert_eq!(later, [(base + 320, 320), (base + 640, 320), (base + 960, 320)]);
}
