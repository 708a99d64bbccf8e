//! The state of one RTP audio stream, without sockets or timers: the session task feeds it
//! datagrams and clock ticks and sends what it returns. Every peer input goes through here, so
//! everything here is total: bad packets are counted and dropped.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::dtmf::{event_of_digit, DtmfReceiver, DtmfSender};
use super::negotiation::Negotiated;
use super::rtcp::{
    ntp_now, parse_compound, round_trip, write_bye, write_receiver_report, write_sdes_cname,
    write_sender_report, ReceptionStats, ReportBlock, RtcpPacket, SenderInfo,
};
use super::rtp::{is_rtcp, RtpHeader};
use super::tone::{ToneGenerator, SAMPLE_RATE};
use super::wav::{WavPlayer, WavRecorder};
use super::{Codec, MediaError, MediaStats};

/// Frames a late task may send at once to catch up: 100 ms at 20 ms ptime.
const MAX_CATCH_UP: u64 = 5;

/// What we send when there is no DTMF.
#[derive(Debug)]
pub(crate) enum Source {
    Silence,
    Tone(ToneGenerator),
    Wav(WavPlayer),
}

impl Source {
    fn fill(&mut self, out: &mut [i16]) {
        match self {
            Source::Silence => out.fill(0),
            Source::Tone(t) => t.fill(out),
            Source::Wav(w) => w.fill(out),
        }
    }
}

/// A datagram to send, and from which socket: the RTCP one unless RTCP is multiplexed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Datagram {
    pub data: Vec<u8>,
    pub to: SocketAddr,
    pub from_rtcp_socket: bool,
}

/// The random starting points of our stream (RFC 3550 §5.1: SSRC, sequence number and
/// timestamp start random).
#[derive(Clone, Copy, Debug)]
pub(crate) struct StreamIds {
    pub ssrc: u32,
    pub sequence: u16,
    pub timestamp: u32,
}

/// One audio stream's state. See the module docs.
#[derive(Debug)]
pub(crate) struct Engine {
    ids: StreamIds,
    sequence: u16,
    /// The index of the next frame to send (see [`Engine::frames`]), counted from `epoch`.
    next_frame: u64,
    started: Instant,
    /// The start of frame 0 and its RTP timestamp: the engine's start, or the frame boundary
    /// where the packet duration last changed.
    epoch: Instant,
    epoch_timestamp: u32,
    frame: Duration,
    samples_per_frame: u32,
    /// A packet duration the peer asked for, taken at the next frame boundary.
    pending_ptime: Option<u32>,
    source: Source,
    recorder: Option<WavRecorder>,
    cname: String,
    /// Our telephone-event payload type, recognised on receipt before negotiation.
    local_telephone_event: u8,
    negotiated: Option<Negotiated>,
    local_hold: bool,
    remote_rtp: Option<SocketAddr>,
    remote_rtcp: Option<SocketAddr>,
    latched_rtp: bool,
    latched_rtcp: bool,
    /// Set the marker bit on the next audio packet: the first after start or a pause
    /// (RFC 3551 §4.1).
    marker: bool,
    dtmf_out: DtmfSender,
    dtmf_in: DtmfReceiver,
    reception: Option<ReceptionStats>,
    packets_sent: u32,
    octets_sent: u32,
    sent_since_report: bool,
    /// We sent RTP in the interval before the last report.
    sent_before_last_report: bool,
    stats: MediaStats,
    closed: bool,
}

impl Engine {
    pub(crate) fn new(
        ids: StreamIds,
        ptime_ms: u32,
        source: Source,
        recorder: Option<WavRecorder>,
        cname: String,
        local_telephone_event: u8,
        now: Instant,
    ) -> Engine {
        Engine {
            ids,
            sequence: ids.sequence,
            next_frame: 0,
            started: now,
            epoch: now,
            epoch_timestamp: ids.timestamp,
            frame: Duration::from_millis(u64::from(ptime_ms)),
            samples_per_frame: SAMPLE_RATE / 1000 * ptime_ms,
            pending_ptime: None,
            source,
            recorder,
            cname,
            local_telephone_event,
            negotiated: None,
            local_hold: false,
            remote_rtp: None,
            remote_rtcp: None,
            latched_rtp: false,
            latched_rtcp: false,
            marker: true,
            dtmf_out: DtmfSender::default(),
            dtmf_in: DtmfReceiver::default(),
            reception: None,
            packets_sent: 0,
            octets_sent: 0,
            sent_since_report: false,
            sent_before_last_report: false,
            stats: MediaStats::default(),
            closed: false,
        }
    }

    /// Takes a new negotiation result. A new SDP address for the peer undoes the latching, so
    /// that a re-INVITE moving the media is followed (RFC 4961 §4 latching happens again).
    pub(crate) fn apply(&mut self, agreed: Negotiated) {
        let previous = self.negotiated.take();
        let moved_rtp = previous.as_ref().is_none_or(|p| p.rtp != agreed.rtp);
        let moved_rtcp = previous.as_ref().is_none_or(|p| p.rtcp != agreed.rtcp);
        // The first description: keep a latch made by packets that came before it.
        let first = previous.is_none();
        if moved_rtp && !(first && self.latched_rtp) {
            self.remote_rtp = agreed.rtp;
            self.latched_rtp = false;
        }
        if moved_rtcp && !(first && self.latched_rtcp) {
            self.remote_rtcp = agreed.rtcp;
            self.latched_rtcp = false;
        }
        if agreed.telephone_event.is_none() {
            self.dtmf_out = DtmfSender::default();
        }
        // RFC 3264 §5.1: a=ptime is the packet duration the peer would like to receive.
        if let Some(ms) = agreed
            .ptime
            .filter(|ms| u64::from(*ms) != self.frame.as_millis() as u64)
        {
            self.pending_ptime = Some(ms);
        }
        self.stats.codec = Some(agreed.codec);
        self.negotiated = Some(agreed);
    }

    /// The peer removed the audio stream (port 0, RFC 3264 §8.2): nothing goes out any more
    /// until a later description brings it back.
    pub(crate) fn remove_stream(&mut self) {
        if let Some(n) = self.negotiated.as_mut() {
            n.direction = sansip_core::sdp::Direction::Inactive;
            n.rtp = None;
            n.rtcp = None;
        }
        self.remote_rtp = None;
        self.remote_rtcp = None;
    }

    pub(crate) fn set_local_hold(&mut self, on: bool) {
        self.local_hold = on;
    }

    /// True when RTP goes out: negotiated, the peer receives, we are not on hold.
    pub(crate) fn sending(&self) -> bool {
        !self.closed
            && !self.local_hold
            && self.remote_rtp.is_some()
            && self
                .negotiated
                .as_ref()
                .is_some_and(|n| n.direction.sends() && n.rtp.is_some())
    }

    fn rtcp_mux(&self) -> bool {
        self.negotiated.as_ref().is_some_and(|n| n.rtcp_mux)
    }

    /// Where RTCP goes: the RTP address with rtcp-mux, else the RTCP address.
    fn rtcp_target(&self) -> Option<SocketAddr> {
        match &self.negotiated {
            Some(n) if n.rtcp_mux => self.remote_rtp,
            Some(_) => self.remote_rtcp,
            None => None,
        }
    }

    /// The index of the frame due at `now`, counted in ptimes since the epoch.
    fn frame_index(&self, now: Instant) -> u64 {
        let frames = now.saturating_duration_since(self.epoch).as_micros() / self.frame.as_micros().max(1);
        u64::try_from(frames).unwrap_or(u64::MAX)
    }

    /// The RTP timestamp of a frame: the clock, not the packet count, so it keeps time across
    /// hold and late ticks (RFC 3550 §5.1).
    fn frame_timestamp(&self, index: u64) -> u32 {
        let index = (index % (1 << 32)) as u32;
        self.epoch_timestamp
            .wrapping_add(index.wrapping_mul(self.samples_per_frame))
    }

    /// Switches to frames of `ms` from the boundary of the frame due at `now`; the timestamps
    /// go on without a jump.
    fn change_ptime(&mut self, now: Instant, ms: u32) {
        let due = self.frame_index(now);
        let boundary = self.frame.saturating_mul(u32::try_from(due).unwrap_or(u32::MAX));
        self.epoch_timestamp = self.frame_timestamp(due);
        self.epoch += boundary;
        // Frame `due` (now index 0 of the new epoch) may have gone out already.
        self.next_frame = self.next_frame.saturating_sub(due);
        self.frame = Duration::from_millis(u64::from(ms));
        self.samples_per_frame = SAMPLE_RATE / 1000 * ms;
    }

    /// Time since the start in timestamp units: the arrival time for the jitter estimate
    /// (RFC 3550 A.8), and the RTP time of a sender report (RFC 3550 §6.4.1).
    fn arrival_units(&self, now: Instant) -> u32 {
        let micros = now.saturating_duration_since(self.started).as_micros();
        u32::try_from((micros * u128::from(SAMPLE_RATE) / 1_000_000) % (1u128 << 32)).unwrap_or(0)
    }

    /// The packets due at `now`: one per frame since the last call, so a task that woke up
    /// late catches up (at most [`MAX_CATCH_UP`] frames; older ones are dropped).
    pub(crate) fn frames(&mut self, now: Instant) -> Vec<Datagram> {
        if let Some(ms) = self.pending_ptime.take() {
            self.change_ptime(now, ms);
        }
        let due = self.frame_index(now);
        let first = self.next_frame.max(due.saturating_sub(MAX_CATCH_UP - 1));
        let mut out = Vec::new();
        for index in first..=due {
            match self.frame(index) {
                Some(d) => out.push(d),
                None => break,
            }
        }
        self.next_frame = self.next_frame.max(due + 1);
        out
    }

    /// The packet of frame `index`, if we send.
    fn frame(&mut self, index: u64) -> Option<Datagram> {
        if !self.sending() {
            // The first packet after the pause opens a talkspurt (RFC 3551 §4.1).
            self.marker = true;
            return None;
        }
        let to = self.remote_rtp?;
        let negotiated = self.negotiated.as_ref()?;
        let timestamp = self.frame_timestamp(index);
        let event = match negotiated.telephone_event {
            Some(te) => self
                .dtmf_out
                .next_packet(timestamp, self.samples_per_frame)
                .map(|p| (te, p)),
            None => None,
        };
        let (header, payload) = match event {
            // RFC 4733 §2.5.1: audio pauses while an event is sent; the event's packets carry
            // its start timestamp and a growing duration.
            Some((te, packet)) => {
                if let Some(digit) = packet.started {
                    self.stats.dtmf_sent.push(digit);
                }
                let header = RtpHeader {
                    marker: packet.marker,
                    payload_type: te,
                    sequence: self.sequence,
                    timestamp: packet.timestamp,
                    ssrc: self.ids.ssrc,
                };
                (header, packet.event.write().to_vec())
            }
            None => {
                let mut samples = vec![0i16; self.samples_per_frame as usize];
                self.source.fill(&mut samples);
                let header = RtpHeader {
                    marker: std::mem::take(&mut self.marker),
                    payload_type: negotiated.payload_type,
                    sequence: self.sequence,
                    timestamp,
                    ssrc: self.ids.ssrc,
                };
                (header, negotiated.codec.encode(&samples))
            }
        };
        // RFC 3550 §5.1: the sequence number increments by one for each packet.
        self.sequence = self.sequence.wrapping_add(1);
        self.packets_sent = self.packets_sent.wrapping_add(1);
        self.octets_sent = self.octets_sent.wrapping_add(payload.len() as u32);
        self.sent_since_report = true;
        self.stats.rtp_sent += 1;
        self.stats.payload_bytes_sent += payload.len() as u64;
        Some(Datagram {
            data: header.write(&payload),
            to,
            from_rtcp_socket: false,
        })
    }

    /// A datagram on the RTP socket: RTP, or RTCP when multiplexed (RFC 5761 §4).
    pub(crate) fn on_rtp_socket(&mut self, data: &[u8], from: SocketAddr, now: Instant) {
        if is_rtcp(data) {
            self.on_rtcp(data, from, now, false);
            return;
        }
        let Some((header, payload)) = RtpHeader::parse(data) else {
            self.stats.invalid_received += 1;
            return;
        };
        // Our own packets looped back are not the peer's.
        if header.ssrc == self.ids.ssrc {
            self.stats.invalid_received += 1;
            return;
        }
        // RFC 4961 §4 (symmetric RTP): send to where the peer's RTP comes from; latch onto the
        // first source, then take RTP only from it.
        match self.remote_rtp {
            _ if !self.latched_rtp => {
                self.remote_rtp = Some(from);
                self.latched_rtp = true;
            }
            Some(latched) if latched != from => {
                self.stats.invalid_received += 1;
                return;
            }
            _ => {}
        }
        self.stats.rtp_received += 1;
        self.stats.payload_bytes_received += payload.len() as u64;
        let arrival = self.arrival_units(now);
        match &mut self.reception {
            Some(r) if r.ssrc() == header.ssrc => r.on_packet(header.sequence, header.timestamp, arrival),
            _ => {
                let mut r = ReceptionStats::new(header.ssrc, header.sequence);
                r.on_packet(header.sequence, header.timestamp, arrival);
                self.reception = Some(r);
            }
        }
        let telephone_event = self
            .negotiated
            .as_ref()
            .and_then(|n| n.telephone_event)
            .unwrap_or(self.local_telephone_event);
        if header.payload_type == telephone_event {
            if let Some(digit) = self.dtmf_in.on_packet(header.ssrc, header.timestamp, payload) {
                self.stats.dtmf_received.push(digit);
            }
            return;
        }
        let codec = match &self.negotiated {
            Some(n) if n.payload_type == header.payload_type => Some(n.codec),
            _ => Codec::from_payload_type(header.payload_type),
        };
        if let (Some(codec), Some(recorder)) = (codec, self.recorder.as_mut()) {
            recorder.write(&codec.decode(payload));
        }
    }

    /// A datagram on the RTCP socket (or multiplexed on the RTP one).
    pub(crate) fn on_rtcp(&mut self, data: &[u8], from: SocketAddr, now: Instant, on_rtcp_socket: bool) {
        let Some(packets) = parse_compound(data) else {
            self.stats.invalid_received += 1;
            return;
        };
        if on_rtcp_socket {
            // Symmetric RTCP (RFC 4961 §4), latched like RTP.
            match self.remote_rtcp {
                _ if !self.latched_rtcp => {
                    self.remote_rtcp = Some(from);
                    self.latched_rtcp = true;
                }
                Some(latched) if latched != from => {
                    self.stats.invalid_received += 1;
                    return;
                }
                _ => {}
            }
        }
        self.stats.rtcp_received += 1;
        let arrival = ntp_now();
        for packet in packets {
            let blocks = match packet {
                RtcpPacket::SenderReport { ssrc, info, blocks } => {
                    if let Some(r) = self.reception.as_mut().filter(|r| r.ssrc() == ssrc) {
                        r.on_sender_report(info.ntp, now);
                    }
                    blocks
                }
                RtcpPacket::ReceiverReport { blocks, .. } => blocks,
                RtcpPacket::Bye(_) => {
                    self.stats.peer_bye = true;
                    continue;
                }
                RtcpPacket::Other(_) => continue,
            };
            for block in blocks.iter().filter(|b| b.ssrc == self.ids.ssrc) {
                self.stats.peer_reported_lost = Some(block.cumulative_lost);
                self.stats.peer_reported_jitter_ms =
                    Some(f64::from(block.jitter) * 1000.0 / f64::from(SAMPLE_RATE));
                if let Some(rtt) = round_trip(block, arrival) {
                    self.stats.round_trip_time = Some(rtt);
                }
            }
        }
    }

    /// The periodic report (RFC 3550 §6.4): an SR when we sent RTP since the last report, else
    /// an RR; a report block about the peer's stream when we receive one; an SDES CNAME
    /// (RFC 3550 §6.1: every compound packet has one).
    pub(crate) fn report(&mut self, now: Instant) -> Option<Datagram> {
        let to = self.rtcp_target()?;
        if self.closed {
            return None;
        }
        Some(self.compound(now, to, false))
    }

    fn compound(&mut self, now: Instant, to: SocketAddr, bye: bool) -> Datagram {
        let blocks: Vec<ReportBlock> = self
            .reception
            .as_mut()
            .map(|r| r.report_block(now))
            .into_iter()
            .collect();
        let mut data = Vec::with_capacity(128);
        // RFC 3550 §6.4: an SR when we sent RTP since the last report or the one before.
        if self.sent_since_report || self.sent_before_last_report {
            let info = SenderInfo {
                ntp: ntp_now(),
                rtp_timestamp: self.ids.timestamp.wrapping_add(self.arrival_units(now)),
                packet_count: self.packets_sent,
                octet_count: self.octets_sent,
            };
            write_sender_report(self.ids.ssrc, &info, &blocks, &mut data);
        } else {
            write_receiver_report(self.ids.ssrc, &blocks, &mut data);
        }
        write_sdes_cname(self.ids.ssrc, &self.cname, &mut data);
        if bye {
            // RFC 3550 §6.6: BYE goes last in a compound packet.
            write_bye(self.ids.ssrc, &mut data);
        }
        self.sent_before_last_report = std::mem::take(&mut self.sent_since_report);
        self.stats.rtcp_sent += 1;
        Datagram {
            data,
            to,
            from_rtcp_socket: !self.rtcp_mux(),
        }
    }

    /// Ends the stream: the last report with a BYE (RFC 3550 §6.6), when there is a peer.
    pub(crate) fn bye(&mut self, now: Instant) -> Option<Datagram> {
        if self.closed {
            return None;
        }
        self.closed = true;
        let to = self.rtcp_target()?;
        Some(self.compound(now, to, true))
    }

    /// Finalises the recording, once.
    pub(crate) fn finish_recording(&mut self) -> Result<(), MediaError> {
        match self.recorder.as_mut() {
            Some(r) => r.finish(),
            None => Ok(()),
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// Queues DTMF digits, all or none.
    pub(crate) fn send_dtmf(&mut self, digits: &str, duration_ms: u32) -> Result<(), MediaError> {
        if self.closed {
            return Err(MediaError::Closed);
        }
        if self.negotiated.as_ref().and_then(|n| n.telephone_event).is_none() {
            return Err(MediaError::DtmfNotNegotiated);
        }
        let events = digits
            .chars()
            .map(|d| {
                event_of_digit(d)
                    .map(|e| (d.to_ascii_uppercase(), e))
                    .ok_or(MediaError::InvalidDtmf(d))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let duration = duration_ms
            .saturating_mul(SAMPLE_RATE / 1000)
            .max(self.samples_per_frame);
        for (digit, event) in events {
            self.dtmf_out.queue(digit, event, duration);
        }
        Ok(())
    }

    pub(crate) fn stats(&self) -> MediaStats {
        let mut stats = self.stats.clone();
        stats.remote_rtp = self.remote_rtp;
        stats.remote_rtcp = self.rtcp_target();
        stats.latched = self.latched_rtp;
        stats.sending = self.sending();
        if let Some(r) = &self.reception {
            stats.packets_lost = r.lost();
            stats.jitter_ms = f64::from(r.jitter()) * 1000.0 / f64::from(SAMPLE_RATE);
        }
        stats
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "engine_garbage_tests.rs"]
mod garbage_tests;
