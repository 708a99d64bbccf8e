//! Tests of `rtcp.rs`.

use super::*;

const BLOCK: ReportBlock = ReportBlock {
    ssrc: 0x0A0B_0C0D,
    fraction_lost: 0x40,
    cumulative_lost: 3,
    highest_sequence: 0x0001_0010,
    jitter: 12,
    last_sr: 0x1234_5678,
    delay_since_last_sr: 0x0001_8000,
};

#[test]
fn sender_report_exact_bytes() {
    let info = SenderInfo {
        ntp: 0xE6A1_B2C3_8000_0000,
        rtp_timestamp: 0x0000_3E80,
        packet_count: 50,
        octet_count: 8000,
    };
    let mut out = Vec::new();
    write_sender_report(0x1122_3344, &info, &[BLOCK], &mut out);
    #[rustfmt::skip]
    let expected = [
        0x81, 200, 0x00, 0x0C,          // V=2, RC=1, SR, length 12 words
        0x11, 0x22, 0x33, 0x44,         // sender SSRC
        0xE6, 0xA1, 0xB2, 0xC3,         // NTP seconds
        0x80, 0x00, 0x00, 0x00,         // NTP fraction (.5 s)
        0x00, 0x00, 0x3E, 0x80,         // RTP timestamp
        0x00, 0x00, 0x00, 0x32,         // packet count
        0x00, 0x00, 0x1F, 0x40,         // octet count
        0x0A, 0x0B, 0x0C, 0x0D,         // block: SSRC
        0x40, 0x00, 0x00, 0x03,         // fraction lost 1/4, cumulative 3
        0x00, 0x01, 0x00, 0x10,         // extended highest sequence
        0x00, 0x00, 0x00, 0x0C,         // jitter
        0x12, 0x34, 0x56, 0x78,         // LSR
        0x00, 0x01, 0x80, 0x00,         // DLSR 1.5 s
    ];
    assert_eq!(out, expected);
    let parsed = parse_compound(&out).unwrap();
    assert_eq!(
        parsed,
        vec![RtcpPacket::SenderReport {
            ssrc: 0x1122_3344,
            info,
            blocks: vec![BLOCK]
        }]
    );
}

#[test]
fn receiver_report_sdes_bye_exact_bytes() {
    let mut out = Vec::new();
    write_receiver_report(0x1122_3344, &[], &mut out);
    write_sdes_cname(0x1122_3344, "ab", &mut out);
    write_bye(0x1122_3344, &mut out);
    #[rustfmt::skip]
    let expected = [
        0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,             // empty RR
        0x81, 202, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,             // SDES, one chunk, 3 words
        0x01, 0x02, b'a', b'b',                                    // CNAME "ab"
        0x00, 0x00, 0x00, 0x00,                                    // end of items, padding
        0x81, 203, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,             // BYE
    ];
    assert_eq!(out, expected);
    assert_eq!(
        parse_compound(&out).unwrap(),
        vec![
            RtcpPacket::ReceiverReport {
                ssrc: 0x1122_3344,
                blocks: vec![]
            },
            RtcpPacket::Other(SDES),
            RtcpPacket::Bye(vec![0x1122_3344]),
        ]
    );

    let mut rr = Vec::new();
    let negative = ReportBlock {
        cumulative_lost: -2,
        ..BLOCK
    };
    write_receiver_report(1, &[negative], &mut rr);
    assert_eq!(rr.get(..4).unwrap(), [0x81, 201, 0x00, 0x07]);
    assert_eq!(rr.get(12..16).unwrap(), [0x40, 0xFF, 0xFF, 0xFE]);
    assert_eq!(
        parse_compound(&rr).unwrap(),
        vec![RtcpPacket::ReceiverReport {
            ssrc: 1,
            blocks: vec![negative]
        }]
    );
}

#[test]
fn reduced_size_packets_are_read() {
    // baresip's keep-alive: a lone APP packet, name "PING", data "PONG" (RFC 3550 §6.7).
    let app = [
        0x80, 204, 0, 3, 1, 2, 3, 4, b'P', b'I', b'N', b'G', b'P', b'O', b'N', b'G',
    ];
    assert_eq!(parse_compound(&app), Some(vec![RtcpPacket::Other(204)]));
    // Its hang-up: a BYE first, then an SDES (RFC 5506 §3.4.2).
    let bye_first = [0x81, 203, 0, 1, 0, 0, 0, 7, 0x81, 202, 0, 1, 0, 0, 0, 7];
    assert_eq!(
        parse_compound(&bye_first),
        Some(vec![RtcpPacket::Bye(vec![7]), RtcpPacket::Other(202)])
    );
}

#[test]
fn invalid_compounds_are_refused() {
    assert_eq!(parse_compound(&[]), None);
    // Not an RTCP packet type (RFC 5761 §4): RTP with payload type 96 and the marker bit.
    assert_eq!(parse_compound(&[0x80, 0xE0, 0, 1, 0, 0, 0, 1]), None);
    // An SR followed by a non-RTCP type.
    assert_eq!(
        parse_compound(&[
            0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80,
            0x60, 0, 0
        ]),
        None
    );
    // Length beyond the datagram.
    assert_eq!(parse_compound(&[0x80, 201, 0, 9, 0, 0, 0, 1]), None);
    // Block count larger than the body.
    assert_eq!(parse_compound(&[0x81, 201, 0, 1, 0, 0, 0, 1]), None);
    // Version 1.
    assert_eq!(parse_compound(&[0x40, 201, 0, 1, 0, 0, 0, 1]), None);
    for len in 0..64 {
        for fill in [0x00, 0x80, 0x81, 0xA1, 0xC9, 0xFF] {
            let mut data = vec![fill; len];
            if let Some(b) = data.get_mut(1) {
                *b = 201;
            }
            let _ = parse_compound(&data);
        }
    }
}

#[test]
fn reception_statistics_count_loss_and_wrap() {
    let now = std::time::Instant::now();
    let mut s = ReceptionStats::new(9, 65530);
    for seq in [65530u16, 65531, 65533, 65534, 65535, 0, 1, 3] {
        let ts = u32::from(seq.wrapping_sub(65530)) * 160;
        s.on_packet(seq, ts, ts + 1000);
    }
    // 65530..=65535 and 0..=3: 10 expected, 8 received.
    assert_eq!(s.expected(), 10);
    assert_eq!(s.lost(), 2);
    assert_eq!(s.jitter(), 0);
    let block = s.report_block(now);
    assert_eq!(block.ssrc, 9);
    assert_eq!(block.highest_sequence, 0x0001_0003);
    assert_eq!(block.cumulative_lost, 2);
    assert_eq!(block.fraction_lost, (2 * 256 / 10) as u8);
    assert_eq!((block.last_sr, block.delay_since_last_sr), (0, 0));
    // Nothing new: nothing lost in this interval.
    assert_eq!(s.report_block(now).fraction_lost, 0);
    s.on_sender_report(0x0000_1234_5678_0000, now);
    let block = s.report_block(now + Duration::from_millis(500));
    assert_eq!(block.last_sr, 0x1234_5678);
    assert_eq!(block.delay_since_last_sr, 0x8000);
}

#[test]
fn jitter_follows_rfc_3550_a8() {
    let mut s = ReceptionStats::new(1, 0);
    s.on_packet(0, 0, 0);
    s.on_packet(1, 160, 160 + 32);
    // |D| = 32, J = 32/16 = 2.
    assert_eq!(s.jitter(), 2);
}

#[test]
fn ntp_and_round_trip() {
    let t = UNIX_EPOCH + Duration::from_millis(1500);
    assert_eq!(ntp_from(t), (NTP_UNIX_OFFSET + 1) << 32 | 0x8000_0000);
    let block = ReportBlock {
        last_sr: 0x0001_0000,
        delay_since_last_sr: 0x0000_8000,
        ..BLOCK
    };
    // Arrival at 2.0 s (middle 0x0002_0000), LSR 1.0 s, DLSR 0.5 s → 0.5 s.
    assert_eq!(
        round_trip(&block, 0x0000_0002_0000_0000),
        Some(Duration::from_millis(500))
    );
    assert_eq!(round_trip(&ReportBlock { last_sr: 0, ..block }, 0), None);
}
