//! Fuzz the media engine's readers of peer packets (`sansip_tokio::media`): RTP (RFC 3550 §5.1),
//! compound RTCP (RFC 3550 §6, RFC 5506), RFC 4733 telephone-events and STUN Binding responses
//! (RFC 5389). None may panic; what RTP and telephone-event read must write back the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sansip_tokio::media::{dtmf, rtcp, rtp, stun};

fuzz_target!(|data: &[u8]| {
    if let Some((header, payload)) = rtp::RtpHeader::parse(data) {
        // A plain packet (no padding, extension or CSRC) is written back byte for byte.
        if data.first().is_some_and(|b| b & 0x3F == 0) {
            assert_eq!(header.write(payload), data);
        }
    }
    let _ = rtcp::parse_compound(data);
    let _ = stun::parse_binding_response(data);
    if let Some(event) = dtmf::TelephoneEvent::parse(data) {
        // The reserved R bit (RFC 4733 §2.3) is not kept.
        let mut expected = [0u8; 4];
        expected.copy_from_slice(&data[..4]);
        expected[1] &= !0x40;
        assert_eq!(event.write(), expected);
    }
});
