//! DTMF as RTP events (RFC 4733 telephone-event): the payload format, the sender that turns
//! queued digits into event packets, and the receiver that turns packets back into digits.

use std::collections::VecDeque;

/// The volume we send, −10 dBm0 (RFC 4733 §2.3.4 allows 0–63, "−0" to "−63").
pub const VOLUME: u8 = 10;
/// End packets sent per event (RFC 4733 §2.5.1.4: "a total of three times").
pub const END_PACKETS: u8 = 3;
/// Frames of audio between two events of one `send_dtmf` call.
pub const GAP_FRAMES: u32 = 3;

/// One RFC 4733 §2.3 event payload: 4 octets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// The event code (RFC 4733 §3.2: 0–9, `*` 10, `#` 11, A–D 12–15, flash 16).
    pub event: u8,
    /// The E bit: the last packet(s) of the event (RFC 4733 §2.3.2).
    pub end: bool,
    /// The volume in −dBm0, 0–63 (RFC 4733 §2.3.4).
    pub volume: u8,
    /// The duration so far, in timestamp units (RFC 4733 §2.3.5).
    pub duration: u16,
}

impl TelephoneEvent {
    /// The 4-octet payload (RFC 4733 §2.3).
    pub fn write(&self) -> [u8; 4] {
        let [d0, d1] = self.duration.to_be_bytes();
        [self.event, u8::from(self.end) << 7 | (self.volume & 0x3F), d0, d1]
    }
    /// Reads a payload; `None` when it is shorter than 4 octets. Extra octets (RFC 4733 §2.5.1.5
    /// redundancy is for RFC 2198, not used here) are ignored.
    pub fn parse(payload: &[u8]) -> Option<TelephoneEvent> {
        let [event, flags, d0, d1] = <[u8; 4]>::try_from(payload.get(..4)?).ok()?;
        Some(TelephoneEvent {
            event,
            end: flags & 0x80 != 0,
            volume: flags & 0x3F,
            duration: u16::from_be_bytes([d0, d1]),
        })
    }
}

/// The event code of a DTMF digit (RFC 4733 §3.2, Table 7), case-insensitive for A–D.
pub fn event_of_digit(digit: char) -> Option<u8> {
    match digit.to_ascii_uppercase() {
        d @ '0'..='9' => Some(d as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        d @ 'A'..='D' => Some(d as u8 - b'A' + 12),
        _ => None,
    }
}

/// The digit of an event code; `None` for codes that are not DTMF digits (16 is flash).
pub fn digit_of_event(event: u8) -> Option<char> {
    match event {
        0..=9 => Some(char::from(b'0' + event)),
        10 => Some('*'),
        11 => Some('#'),
        12..=15 => Some(char::from(b'A' + event - 12)),
        _ => None,
    }
}

/// An event being sent.
#[derive(Clone, Copy, Debug)]
struct Current {
    digit: char,
    event: u8,
    /// The RTP timestamp of the event's start: the same in all of its packets (RFC 4733 §2.5.1.2).
    timestamp: u32,
    /// The event's full duration in timestamp units.
    target: u16,
    /// The duration carried by the last packet.
    sent: u16,
    /// End packets sent so far.
    ends: u8,
}

/// One packet the sender wants on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventPacket {
    /// The marker bit: set on the first packet of an event (RFC 4733 §2.5.1.3).
    pub marker: bool,
    /// The RTP timestamp (the event's start).
    pub timestamp: u32,
    /// The payload.
    pub event: TelephoneEvent,
    /// The digit, on the first packet of an event (for the statistics).
    pub started: Option<char>,
}

/// Turns queued digits into one event packet per frame: the duration grows by one frame per
/// packet, the end packet goes out three times, then a short gap of audio before the next digit.
#[derive(Clone, Debug, Default)]
pub struct DtmfSender {
    queue: VecDeque<(char, u8, u16)>,
    current: Option<Current>,
    gap: u32,
}

impl DtmfSender {
    /// Queues a digit for `duration` timestamp units (clamped to 1..=65535, the 16-bit field).
    pub fn queue(&mut self, digit: char, event: u8, duration: u32) {
        let duration = u16::try_from(duration.max(1)).unwrap_or(u16::MAX);
        self.queue.push_back((digit, event, duration));
    }
    /// True while an event is being sent or waiting.
    pub fn is_busy(&self) -> bool {
        self.current.is_some() || !self.queue.is_empty()
    }
    /// The packet for this frame, if an event is due: `timestamp` is the frame's RTP
    /// timestamp, `frame` its length in timestamp units. `None` means send audio.
    pub fn next_packet(&mut self, timestamp: u32, frame: u32) -> Option<EventPacket> {
        if self.current.is_none() {
            if self.gap > 0 {
                self.gap -= 1;
                return None;
            }
            let (digit, event, target) = self.queue.pop_front()?;
            self.current = Some(Current {
                digit,
                event,
                timestamp,
                target,
                sent: 0,
                ends: 0,
            });
        }
        let cur = self.current.as_mut()?;
        let first = cur.sent == 0 && cur.ends == 0;
        let step = u16::try_from(frame).unwrap_or(u16::MAX);
        cur.sent = cur.sent.saturating_add(step).min(cur.target);
        // RFC 4733 §2.5.1.3: the packet that reaches the full duration carries the E bit, and
        // RFC 4733 §2.5.1.4: it is sent three times in all.
        let end = cur.sent >= cur.target;
        if end {
            cur.ends += 1;
        }
        let packet = EventPacket {
            marker: first,
            timestamp: cur.timestamp,
            event: TelephoneEvent {
                event: cur.event,
                end,
                volume: VOLUME,
                duration: cur.sent,
            },
            started: first.then_some(cur.digit),
        };
        if cur.ends >= END_PACKETS {
            self.current = None;
            self.gap = GAP_FRAMES;
        }
        Some(packet)
    }
}

/// Turns received event packets into digits, once per event: the packets of one event share
/// its timestamp (RFC 4733 §2.5.1.2), so a new timestamp is a new event.
#[derive(Clone, Debug, Default)]
pub struct DtmfReceiver {
    last: Option<(u32, u32)>,
}

impl DtmfReceiver {
    /// The digit when this packet starts a new event; `ssrc` and `timestamp` from its header.
    pub fn on_packet(&mut self, ssrc: u32, timestamp: u32, payload: &[u8]) -> Option<char> {
        let event = TelephoneEvent::parse(payload)?;
        if self.last == Some((ssrc, timestamp)) {
            return None;
        }
        self.last = Some((ssrc, timestamp));
        digit_of_event(event.event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_exact_bytes() {
        let e = TelephoneEvent {
            event: 5,
            end: false,
            volume: 10,
            duration: 160,
        };
        assert_eq!(e.write(), [0x05, 0x0A, 0x00, 0xA0]);
        let end = TelephoneEvent {
            event: 11,
            end: true,
            volume: 10,
            duration: 800,
        };
        assert_eq!(end.write(), [0x0B, 0x8A, 0x03, 0x20]);
        assert_eq!(TelephoneEvent::parse(&[0x0B, 0x8A, 0x03, 0x20]), Some(end));
        // The R bit (0x40) is ignored on receipt (RFC 4733 §2.3.3).
        assert_eq!(TelephoneEvent::parse(&[0x0B, 0xCA, 0x03, 0x20]), Some(end));
        assert_eq!(TelephoneEvent::parse(&[1, 2, 3]), None);
    }

    #[test]
    fn digits_map_both_ways() {
        for (d, e) in [('0', 0), ('9', 9), ('*', 10), ('#', 11), ('A', 12), ('d', 15)] {
            assert_eq!(event_of_digit(d), Some(e));
            assert_eq!(digit_of_event(e), Some(d.to_ascii_uppercase()));
        }
        assert_eq!(event_of_digit('E'), None);
        assert_eq!(event_of_digit(','), None);
        assert_eq!(digit_of_event(16), None);
    }

    #[test]
    fn sender_grows_duration_and_repeats_the_end() {
        let mut s = DtmfSender::default();
        s.queue('1', 1, 800); // 100 ms
        s.queue('2', 2, 160);
        let mut ts = 1000u32;
        let mut packets = Vec::new();
        for _ in 0..16 {
            packets.push(s.next_packet(ts, 160));
            ts += 160;
        }
        let ev = |marker, timestamp, event, end, duration| {
            Some(EventPacket {
                marker,
                timestamp,
                event: TelephoneEvent {
                    event,
                    end,
                    volume: 10,
                    duration,
                },
                started: marker.then_some(char::from(b'0' + event)),
            })
        };
        let expected = vec![
            ev(true, 1000, 1, false, 160),
            ev(false, 1000, 1, false, 320),
            ev(false, 1000, 1, false, 480),
            ev(false, 1000, 1, false, 640),
            ev(false, 1000, 1, true, 800),
            ev(false, 1000, 1, true, 800),
            ev(false, 1000, 1, true, 800),
            None,
            None,
            None,
            // The second digit starts at this frame's timestamp.
            ev(true, 2600, 2, true, 160),
            ev(false, 2600, 2, true, 160),
            ev(false, 2600, 2, true, 160),
            None,
            None,
            None,
        ];
        assert_eq!(packets, expected);
        assert!(!s.is_busy());
    }

    #[test]
    fn receiver_reports_each_event_once() {
        let mut r = DtmfReceiver::default();
        let p = |e: u8, end: bool, d: u16| {
            TelephoneEvent {
                event: e,
                end,
                volume: 10,
                duration: d,
            }
            .write()
        };
        assert_eq!(r.on_packet(7, 100, &p(1, false, 160)), Some('1'));
        assert_eq!(r.on_packet(7, 100, &p(1, false, 320)), None);
        assert_eq!(r.on_packet(7, 100, &p(1, true, 320)), None);
        assert_eq!(r.on_packet(7, 100, &p(1, true, 320)), None);
        assert_eq!(r.on_packet(7, 900, &p(1, true, 160)), Some('1'));
        assert_eq!(r.on_packet(7, 1800, &p(11, false, 160)), Some('#'));
        assert_eq!(r.on_packet(7, 2600, &[1]), None);
    }
}
