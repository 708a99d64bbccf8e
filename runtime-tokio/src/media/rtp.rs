//! The RTP fixed header (RFC 3550 §5.1): writing ours, reading the peer's.

/// The fixed RTP header without CSRCs: 12 bytes (RFC 3550 §5.1).
pub const HEADER_LEN: usize = 12;

/// The fields of an RTP header that an audio endpoint uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtpHeader {
    /// The marker bit: the first packet of a talkspurt (RFC 3551 §4.1) or of a DTMF event
    /// (RFC 4733 §2.5.1.3).
    pub marker: bool,
    /// The payload type, 0–127.
    pub payload_type: u8,
    /// The sequence number, +1 per packet (RFC 3550 §5.1).
    pub sequence: u16,
    /// The sampling instant of the first octet of the payload, in clock-rate units.
    pub timestamp: u32,
    /// The synchronisation source.
    pub ssrc: u32,
}

impl RtpHeader {
    /// Writes the header (no padding, no extension, no CSRC) followed by `payload`.
    pub fn write(&self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        // RFC 3550 §5.1: V=2, P=0, X=0, CC=0.
        out.push(0x80);
        out.push(u8::from(self.marker) << 7 | (self.payload_type & 0x7F));
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// Reads an RTP packet: the header and the payload, with CSRCs, the header extension
    /// and padding skipped. `None` for anything that is not a valid RTP version 2 packet.
    pub fn parse(packet: &[u8]) -> Option<(RtpHeader, &[u8])> {
        let fixed = packet.get(..HEADER_LEN)?;
        let [b0, b1, s0, s1, t0, t1, t2, t3, c0, c1, c2, c3] = <[u8; HEADER_LEN]>::try_from(fixed).ok()?;
        // RFC 3550 §5.1: the version is 2.
        if b0 >> 6 != 2 {
            return None;
        }
        let padding = b0 & 0x20 != 0;
        let extension = b0 & 0x10 != 0;
        let csrc_count = usize::from(b0 & 0x0F);
        let mut start = HEADER_LEN + 4 * csrc_count;
        if extension {
            // RFC 3550 §5.3.1: 16 bits profile-defined, 16 bits length in 32-bit words.
            let ext = packet.get(start..start + 4)?;
            let words = usize::from(u16::from_be_bytes([*ext.get(2)?, *ext.get(3)?]));
            start += 4 + 4 * words;
        }
        let mut end = packet.len();
        if padding {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            let count = usize::from(*packet.last()?);
            if count == 0 {
                return None;
            }
            end = end.checked_sub(count)?;
        }
        let payload = packet.get(start..end)?;
        let header = RtpHeader {
            marker: b1 & 0x80 != 0,
            payload_type: b1 & 0x7F,
            sequence: u16::from_be_bytes([s0, s1]),
            timestamp: u32::from_be_bytes([t0, t1, t2, t3]),
            ssrc: u32::from_be_bytes([c0, c1, c2, c3]),
        };
        Some((header, payload))
    }
}

/// True when a packet on a multiplexed port is RTCP rather than RTP: its second octet (the
/// RTCP packet type) is 192–223 (RFC 5761 §4).
pub fn is_rtcp(packet: &[u8]) -> bool {
    packet.get(1).is_some_and(|b| (192..=223).contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: RtpHeader = RtpHeader {
        marker: true,
        payload_type: 8,
        sequence: 0x1234,
        timestamp: 0xDEAD_BEEF,
        ssrc: 0x0102_0304,
    };

    #[test]
    fn writes_exact_bytes() {
        let bytes = HEADER.write(&[0xD5, 0xD5]);
        assert_eq!(
            bytes,
            [0x80, 0x88, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xD5, 0xD5]
        );
        let no_marker = RtpHeader {
            marker: false,
            payload_type: 0,
            ..HEADER
        }
        .write(&[]);
        assert_eq!(
            no_marker,
            [0x80, 0x00, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4]
        );
    }

    #[test]
    fn reads_exact_bytes() {
        let packet = [
            0x80, 0xE5, 0xFF, 0xFF, 0, 0, 0x01, 0x40, 0xCA, 0xFE, 0xBA, 0xBE, 7, 8,
        ];
        let (header, payload) = RtpHeader::parse(&packet).unwrap();
        assert_eq!(
            header,
            RtpHeader {
                marker: true,
                payload_type: 101,
                sequence: 0xFFFF,
                timestamp: 320,
                ssrc: 0xCAFE_BABE
            }
        );
        assert_eq!(payload, [7, 8]);
        assert_eq!(
            RtpHeader::parse(&HEADER.write(b"abc")),
            Some((HEADER, &b"abc"[..]))
        );
    }

    #[test]
    fn skips_csrc_extension_and_padding() {
        let mut packet = vec![0xB1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
        packet.extend_from_slice(&[9, 9, 9, 9]); // one CSRC
        packet.extend_from_slice(&[0xBE, 0xDE, 0, 1, 1, 2, 3, 4]); // extension of one word
        packet.extend_from_slice(&[0x55, 0x66]); // payload
        packet.extend_from_slice(&[0, 0, 3]); // three octets of padding
        let (header, payload) = RtpHeader::parse(&packet).unwrap();
        assert_eq!((header.sequence, header.timestamp, header.ssrc), (1, 2, 3));
        assert_eq!(payload, [0x55, 0x66]);
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        assert_eq!(RtpHeader::parse(&[]), None);
        assert_eq!(RtpHeader::parse(&[0x80; 11]), None);
        assert_eq!(RtpHeader::parse(&[0x40; 12]), None); // version 1
        assert_eq!(RtpHeader::parse(&[0x8F; 12]), None); // 15 CSRCs missing
        assert_eq!(
            RtpHeader::parse(&[0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]),
            None
        );
        assert_eq!(
            RtpHeader::parse(&[0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20]),
            None
        );
        assert_eq!(RtpHeader::parse(&[0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), None);
        for len in 0..40 {
            for fill in [0x00, 0x80, 0xBF, 0xFF] {
                let _ = RtpHeader::parse(&vec![fill; len]);
            }
        }
        assert!(is_rtcp(&[0x80, 200]));
        assert!(!is_rtcp(&[0x80, 0x65]));
        assert!(!is_rtcp(&[0x80]));
    }
}
