//! RTCP (RFC 3550 §6): sender and receiver reports, SDES CNAME and BYE on the wire, and the
//! reception statistics a report block carries (RFC 3550 Appendix A.1, A.3, A.8).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Sender report packet type (RFC 3550 §6.4.1).
pub const SR: u8 = 200;
/// Receiver report packet type (RFC 3550 §6.4.2).
pub const RR: u8 = 201;
/// Source description packet type (RFC 3550 §6.5).
pub const SDES: u8 = 202;
/// Goodbye packet type (RFC 3550 §6.6).
pub const BYE: u8 = 203;

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

/// A 64-bit NTP timestamp (RFC 3550 §4): seconds since 1900 in the high word, the fraction in
/// the low word.
pub fn ntp_now() -> u64 {
    ntp_from(SystemTime::now())
}

/// The NTP timestamp of a wall-clock time.
pub fn ntp_from(time: SystemTime) -> u64 {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs().wrapping_add(NTP_UNIX_OFFSET);
    let fraction = (u64::from(since.subsec_nanos()) << 32) / 1_000_000_000;
    seconds << 32 | fraction
}

/// The middle 32 bits of an NTP timestamp, the unit of LSR and DLSR (RFC 3550 §6.4.1).
pub fn ntp_middle(ntp: u64) -> u32 {
    (ntp >> 16) as u32
}

/// A duration in units of 1/65536 s (DLSR, RFC 3550 §6.4.1).
pub fn to_ntp_short(d: Duration) -> u32 {
    let units = d.as_micros().saturating_mul(65536) / 1_000_000;
    u32::try_from(units).unwrap_or(u32::MAX)
}

/// The sender information of an SR (RFC 3550 §6.4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SenderInfo {
    /// The NTP timestamp of the report.
    pub ntp: u64,
    /// The RTP timestamp of the same instant.
    pub rtp_timestamp: u32,
    /// RTP packets sent since starting.
    pub packet_count: u32,
    /// Payload octets sent since starting.
    pub octet_count: u32,
}

/// One reception report block (RFC 3550 §6.4.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportBlock {
    /// The source this block is about.
    pub ssrc: u32,
    /// Fraction lost since the last report, in 1/256.
    pub fraction_lost: u8,
    /// Cumulative packets lost (24-bit signed: duplicates can make it negative).
    pub cumulative_lost: i32,
    /// Extended highest sequence number received.
    pub highest_sequence: u32,
    /// Interarrival jitter in timestamp units.
    pub jitter: u32,
    /// LSR: the middle 32 bits of the NTP timestamp of the last SR received from the source.
    pub last_sr: u32,
    /// DLSR: the delay since that SR, in 1/65536 s.
    pub delay_since_last_sr: u32,
}

impl ReportBlock {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        let lost = self.cumulative_lost.clamp(-0x80_0000, 0x7F_FFFF) as u32 & 0xFF_FFFF;
        out.extend_from_slice(&(u32::from(self.fraction_lost) << 24 | lost).to_be_bytes());
        out.extend_from_slice(&self.highest_sequence.to_be_bytes());
        out.extend_from_slice(&self.jitter.to_be_bytes());
        out.extend_from_slice(&self.last_sr.to_be_bytes());
        out.extend_from_slice(&self.delay_since_last_sr.to_be_bytes());
    }
    fn parse(b: &[u8]) -> Option<ReportBlock> {
        let word = |i: usize| -> Option<u32> {
            let w = b.get(i * 4..i * 4 + 4)?;
            Some(u32::from_be_bytes(<[u8; 4]>::try_from(w).ok()?))
        };
        let lost = word(1)?;
        // Sign-extend the 24-bit cumulative count.
        let cumulative = ((lost << 8) as i32) >> 8;
        Some(ReportBlock {
            ssrc: word(0)?,
            fraction_lost: (lost >> 24) as u8,
            cumulative_lost: cumulative,
            highest_sequence: word(2)?,
            jitter: word(3)?,
            last_sr: word(4)?,
            delay_since_last_sr: word(5)?,
        })
    }
}

/// The common header (RFC 3550 §6.4.1): V=2, P=0, a 5-bit count, the type, the length in
/// 32-bit words minus one. `body` must be a multiple of 4 octets.
fn packet(count: u8, packet_type: u8, body: &[u8], out: &mut Vec<u8>) {
    out.push(0x80 | (count & 0x1F));
    out.push(packet_type);
    let words = u16::try_from(body.len() / 4).unwrap_or(u16::MAX);
    out.extend_from_slice(&words.to_be_bytes());
    out.extend_from_slice(body);
}

/// Appends a sender report (RFC 3550 §6.4.1); at most 31 blocks are written.
pub fn write_sender_report(ssrc: u32, info: &SenderInfo, blocks: &[ReportBlock], out: &mut Vec<u8>) {
    let blocks = blocks.get(..blocks.len().min(31)).unwrap_or_default();
    let mut body = Vec::with_capacity(24 + 24 * blocks.len());
    body.extend_from_slice(&ssrc.to_be_bytes());
    body.extend_from_slice(&info.ntp.to_be_bytes());
    body.extend_from_slice(&info.rtp_timestamp.to_be_bytes());
    body.extend_from_slice(&info.packet_count.to_be_bytes());
    body.extend_from_slice(&info.octet_count.to_be_bytes());
    for b in blocks {
        b.write(&mut body);
    }
    packet(blocks.len() as u8, SR, &body, out);
}

/// Appends a receiver report (RFC 3550 §6.4.2); at most 31 blocks are written.
pub fn write_receiver_report(ssrc: u32, blocks: &[ReportBlock], out: &mut Vec<u8>) {
    let blocks = blocks.get(..blocks.len().min(31)).unwrap_or_default();
    let mut body = Vec::with_capacity(4 + 24 * blocks.len());
    body.extend_from_slice(&ssrc.to_be_bytes());
    for b in blocks {
        b.write(&mut body);
    }
    packet(blocks.len() as u8, RR, &body, out);
}

/// Appends an SDES packet with one chunk holding the CNAME item (RFC 3550 §6.5.1), which every
/// compound packet carries (RFC 3550 §6.1). The CNAME is cut to 255 octets.
pub fn write_sdes_cname(ssrc: u32, cname: &str, out: &mut Vec<u8>) {
    let cname = cname.as_bytes();
    let cname = cname.get(..cname.len().min(255)).unwrap_or_default();
    let mut body = Vec::with_capacity(8 + cname.len());
    body.extend_from_slice(&ssrc.to_be_bytes());
    body.push(1); // CNAME
    body.push(cname.len() as u8);
    body.extend_from_slice(cname);
    // RFC 3550 §6.5: the item list ends with at least one null octet, then pads to 32 bits.
    body.push(0);
    while body.len() % 4 != 0 {
        body.push(0);
    }
    packet(1, SDES, &body, out);
}

/// Appends a BYE for one source, without a reason (RFC 3550 §6.6).
pub fn write_bye(ssrc: u32, out: &mut Vec<u8>) {
    packet(1, BYE, &ssrc.to_be_bytes(), out);
}

/// One packet of a received compound packet, as far as this endpoint reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RtcpPacket {
    /// A sender report.
    SenderReport {
        /// The sender.
        ssrc: u32,
        /// Its sender information.
        info: SenderInfo,
        /// Its report blocks.
        blocks: Vec<ReportBlock>,
    },
    /// A receiver report.
    ReceiverReport {
        /// The sender.
        ssrc: u32,
        /// Its report blocks.
        blocks: Vec<ReportBlock>,
    },
    /// A BYE for these sources.
    Bye(Vec<u32>),
    /// Any other packet type (SDES, APP, feedback...), not read further.
    Other(u8),
}

/// Reads a compound RTCP packet with the validity checks of RFC 3550 Appendix A.2: version 2
/// everywhere, RTCP packet types only (192–223, RFC 5761 §4), no padding except in the last
/// packet, and lengths that add up to the datagram. `None` when any check fails.
///
/// RFC 3550 §6.1 wants an SR or RR first, but reduced-size RTCP (RFC 5506 §3.4.2) drops that
/// rule and peers send such packets (baresip: a lone APP keep-alive, a BYE before its SDES),
/// so the first packet may be of any RTCP type.
pub fn parse_compound(mut data: &[u8]) -> Option<Vec<RtcpPacket>> {
    let mut packets = Vec::new();
    while !data.is_empty() {
        let header = data.get(..4)?;
        let [b0, packet_type, l0, l1] = <[u8; 4]>::try_from(header).ok()?;
        if b0 >> 6 != 2 {
            return None;
        }
        let count = usize::from(b0 & 0x1F);
        let len = (usize::from(u16::from_be_bytes([l0, l1])) + 1) * 4;
        let whole = data.get(..len)?;
        let rest = data.get(len..)?;
        let padded = b0 & 0x20 != 0;
        if padded && !rest.is_empty() {
            return None;
        }
        let mut body = whole.get(4..)?;
        if padded {
            let pad = usize::from(*whole.last()?);
            body = body.get(..body.len().checked_sub(pad)?)?;
        }
        if !(192..=223).contains(&packet_type) {
            return None;
        }
        let word = |b: &[u8], i: usize| -> Option<u32> {
            Some(u32::from_be_bytes(
                <[u8; 4]>::try_from(b.get(i * 4..i * 4 + 4)?).ok()?,
            ))
        };
        let blocks = |from: usize| -> Option<Vec<ReportBlock>> {
            (0..count)
                .map(|i| ReportBlock::parse(body.get(from + 24 * i..from + 24 * (i + 1))?))
                .collect()
        };
        packets.push(match packet_type {
            SR => RtcpPacket::SenderReport {
                ssrc: word(body, 0)?,
                info: SenderInfo {
                    ntp: u64::from(word(body, 1)?) << 32 | u64::from(word(body, 2)?),
                    rtp_timestamp: word(body, 3)?,
                    packet_count: word(body, 4)?,
                    octet_count: word(body, 5)?,
                },
                blocks: blocks(24)?,
            },
            RR => RtcpPacket::ReceiverReport {
                ssrc: word(body, 0)?,
                blocks: blocks(4)?,
            },
            BYE => RtcpPacket::Bye((0..count).map(|i| word(body, i)).collect::<Option<_>>()?),
            other => RtcpPacket::Other(other),
        });
        data = rest;
    }
    (!packets.is_empty()).then_some(packets)
}

/// What we know about the RTP stream we receive from one source, for its report block.
#[derive(Clone, Debug)]
pub struct ReceptionStats {
    ssrc: u32,
    base_sequence: u16,
    max_sequence: u16,
    /// Sequence number wraps, shifted left 16 (RFC 3550 A.1 `cycles`).
    cycles: u32,
    received: u32,
    expected_prior: u32,
    received_prior: u32,
    last_transit: Option<i64>,
    /// Interarrival jitter estimate in timestamp units (RFC 3550 A.8).
    jitter: f64,
    /// LSR and when the SR arrived.
    last_sr: Option<(u32, std::time::Instant)>,
}

/// Sequence numbers further ahead than this are a restart, not a loss (RFC 3550 A.1).
const MAX_DROPOUT: u16 = 3000;
/// Sequence numbers this far behind are reordered packets (RFC 3550 A.1).
const MAX_MISORDER: u16 = 100;

impl ReceptionStats {
    /// Starts the statistics at the first packet of a source (RFC 3550 A.1 `init_seq`).
    pub fn new(ssrc: u32, sequence: u16) -> ReceptionStats {
        ReceptionStats {
            ssrc,
            base_sequence: sequence,
            max_sequence: sequence,
            cycles: 0,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            last_transit: None,
            jitter: 0.0,
            last_sr: None,
        }
    }
    /// The source.
    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }
    /// Counts a packet: `arrival` is the arrival time in timestamp units (RFC 3550 A.1, A.8).
    pub fn on_packet(&mut self, sequence: u16, timestamp: u32, arrival: u32) {
        let delta = sequence.wrapping_sub(self.max_sequence);
        if delta < MAX_DROPOUT {
            if sequence < self.max_sequence {
                self.cycles = self.cycles.wrapping_add(1 << 16);
            }
            self.max_sequence = sequence;
        } else if delta <= u16::MAX - MAX_MISORDER {
            // A large jump: the source restarted its numbering; start over (RFC 3550 A.1
            // accepts it after two sequential packets; one is enough for a two-party call).
            *self = ReceptionStats {
                last_sr: self.last_sr,
                ..ReceptionStats::new(self.ssrc, sequence)
            };
        }
        self.received = self.received.wrapping_add(1);
        // RFC 3550 A.8: D = (Rj - Sj) - (Ri - Si); J += (|D| - J) / 16.
        let transit = i64::from(arrival) - i64::from(timestamp);
        if let Some(last) = self.last_transit {
            // The transit difference is taken modulo 2^32, as the timestamps are.
            let d = (transit - last) as i32;
            self.jitter += (f64::from(d.unsigned_abs()) - self.jitter) / 16.0;
        }
        self.last_transit = Some(transit);
    }
    /// Notes an SR from this source: its NTP time becomes LSR (RFC 3550 §6.4.1).
    pub fn on_sender_report(&mut self, ntp: u64, now: std::time::Instant) {
        self.last_sr = Some((ntp_middle(ntp), now));
    }
    /// Packets received.
    pub fn received(&self) -> u32 {
        self.received
    }
    /// The extended highest sequence number (RFC 3550 A.3).
    fn extended_max(&self) -> u32 {
        self.cycles.wrapping_add(u32::from(self.max_sequence))
    }
    /// Packets expected (RFC 3550 A.3).
    pub fn expected(&self) -> u32 {
        self.extended_max()
            .wrapping_sub(u32::from(self.base_sequence))
            .wrapping_add(1)
    }
    /// Packets lost: expected − received, negative with duplicates (RFC 3550 A.3).
    pub fn lost(&self) -> i64 {
        i64::from(self.expected()) - i64::from(self.received)
    }
    /// The jitter estimate in timestamp units.
    pub fn jitter(&self) -> u32 {
        self.jitter as u32
    }
    /// The report block for the next report; moves the "prior" counters forward (RFC 3550 A.3).
    pub fn report_block(&mut self, now: std::time::Instant) -> ReportBlock {
        let expected = self.expected();
        let expected_interval = expected.wrapping_sub(self.expected_prior);
        let received_interval = self.received.wrapping_sub(self.received_prior);
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = i64::from(expected_interval) - i64::from(received_interval);
        let fraction_lost = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / i64::from(expected_interval)).min(255) as u8
        };
        let (last_sr, delay_since_last_sr) = match self.last_sr {
            Some((lsr, at)) => (lsr, to_ntp_short(now.saturating_duration_since(at))),
            None => (0, 0),
        };
        ReportBlock {
            ssrc: self.ssrc,
            fraction_lost,
            cumulative_lost: self.lost().clamp(-0x80_0000, 0x7F_FFFF) as i32,
            highest_sequence: self.extended_max(),
            jitter: self.jitter(),
            last_sr,
            delay_since_last_sr,
        }
    }
}

/// The round-trip time from a report block about our stream: arrival − LSR − DLSR
/// (RFC 3550 §6.4.1), `None` when the peer has not received an SR from us yet.
pub fn round_trip(block: &ReportBlock, arrival_ntp: u64) -> Option<Duration> {
    if block.last_sr == 0 {
        return None;
    }
    let rtt = ntp_middle(arrival_ntp)
        .wrapping_sub(block.last_sr)
        .wrapping_sub(block.delay_since_last_sr);
    // A negative result (clock steps) shows up as a huge value: ignore over a minute.
    (rtt < 60 * 65536).then(|| Duration::from_micros(u64::from(rtt) * 1_000_000 / 65536))
}

#[cfg(test)]
#[path = "rtcp_tests.rs"]
mod tests;
