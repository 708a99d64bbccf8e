//! Reading what happened: the requests a UA sent, the responses it got, header lines.

use rand_core::Rng;
use sansip_core::message::{Message, Request, Response};
use sansip_core::parse::{parse_message, Framing, Limits};
use sansip_core::time::Instant;
use sansip_core::transport::TransportKind;

use super::{Fate, Hop, Sim, WireMessage};

impl<R: Rng> Sim<R> {
    /// The requests UA `ua` sent (keep-alives aside), parsed, with the instant each was sent.
    pub fn sent_requests(&self, ua: usize) -> Vec<(Instant, Request)> {
        self.parsed(ua, Hop::ToPeer)
            .into_iter()
            .filter_map(|(at, m)| m.as_request().cloned().map(|r| (at, r)))
            .collect()
    }

    /// The responses delivered to UA `ua`, parsed, with the instant each arrived.
    pub fn delivered_responses(&self, ua: usize) -> Vec<(Instant, Response)> {
        self.wire
            .iter()
            .filter(|w| w.ua == ua && w.hop == Hop::ToUa)
            .filter_map(|w| match w.fate {
                Fate::Delivered(at) => parse(w).and_then(|m| m.as_response().cloned()).map(|r| (at, r)),
                _ => None,
            })
            .collect()
    }

    fn parsed(&self, ua: usize, hop: Hop) -> Vec<(Instant, Message)> {
        self.wire
            .iter()
            .filter(|w| w.ua == ua && w.hop == hop)
            .filter_map(|w| parse(w).map(|m| (w.at, m)))
            .collect()
    }
}

/// Parses a wire message with the framing of its transport (`None` for keep-alives and
/// anything that does not parse).
pub(super) fn parse(w: &WireMessage) -> Option<Message> {
    let framing = match w.server.transport {
        TransportKind::Udp => Framing::Datagram,
        TransportKind::Ws | TransportKind::Wss => Framing::WebSocket,
        TransportKind::Tcp | TransportKind::Tls => Framing::Stream,
    };
    if w.data.iter().all(|b| *b == b'\r' || *b == b'\n') {
        return None;
    }
    parse_message(w.data.clone(), framing, &Limits::default()).ok()
}

/// Every header line of `message` (the text of a whole message) whose name is `name`
/// (case-insensitive, long form only), whole: `"Name: value"`.
pub fn header_lines<'a>(message: &'a str, name: &str) -> Vec<&'a str> {
    let head = message.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .skip(1)
        .filter(|line| {
            line.split_once(':')
                .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        })
        .collect()
}

/// The first header line named `name`; panics when there is none.
pub fn header_line<'a>(message: &'a str, name: &str) -> &'a str {
    header_lines(message, name)
        .first()
        .copied()
        .unwrap_or_else(|| panic!("no {name} header in:\n{message}"))
}
