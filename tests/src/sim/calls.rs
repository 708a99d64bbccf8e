//! Helpers for call and message tests through the [`proxy`](super::proxy): UA
//! configurations, the message ladder as one line per message, and a call's events.

use rand_core::Rng;
use sansip_core::config::{Config, ConfigBuilder};
use sansip_core::message::Message;
use sansip_core::time::{Duration, Instant};
use sansip_core::ua::{Event, SessionId};

use super::query::parse;
use super::{Fate, Hop, Sim};

/// An SDP offer as a media engine might produce it.
pub const OFFER: &str =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
/// An SDP answer to [`OFFER`].
pub const ANSWER: &str =
    "v=0\r\no=- 2 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n";

/// `sip:<user>@example.com` on `server`, registering, without session timers (not under
/// test here), with a 30 s `no_answer_timeout`.
pub fn call_config(user: &str, server: &str) -> ConfigBuilder {
    Config::builder(format!("sip:{user}@example.com"))
        .server(server)
        .session_timers(false)
        .no_answer_timeout(Duration::from_secs(30))
}

/// The first line of a message, shortened: `INVITE sip:bob@example.com` for a request,
/// `180 Ringing/INVITE` for a response (with its CSeq method).
pub fn summary(msg: &Message) -> String {
    match msg {
        Message::Request(r) => format!("{} {}", r.method().as_str(), r.uri().as_str()),
        Message::Response(r) => format!(
            "{} {}/{}",
            r.status().as_u16(),
            String::from_utf8_lossy(r.reason()),
            r.cseq()
                .map(|c| String::from_utf8_lossy(c.method).into_owned())
                .unwrap_or_default()
        ),
    }
}

impl<R: Rng> Sim<R> {
    /// Every message on the wire from `from` on (REGISTER transactions and keep-alives aside),
    /// in the order sent, one line each: `<ms sent> <sender>><receiver> <summary>`, the UAs
    /// named by `names` (by index) and the proxy `P`, with ` (lost)`, ` (cut)` or
    /// ` (in flight)` when it was not delivered. Example: `60 A>P INVITE sip:bob@example.com`.
    pub fn ladder(&self, names: &[&str], from: Instant) -> Vec<String> {
        self.wire()
            .iter()
            .filter(|w| w.at >= from)
            .filter_map(|w| {
                let msg = parse(w)?;
                if msg.cseq().is_some_and(|c| c.method == b"REGISTER") {
                    return None;
                }
                let ua = names.get(w.ua).copied().unwrap_or("?");
                let (a, b) = match w.hop {
                    Hop::ToPeer => (ua, "P"),
                    Hop::ToUa => ("P", ua),
                };
                let fate = match w.fate {
                    Fate::Delivered(_) => "",
                    Fate::Lost => " (lost)",
                    Fate::Cut => " (cut)",
                    Fate::InFlight => " (in flight)",
                };
                Some(format!("{} {a}>{b} {}{fate}", w.at.as_millis(), summary(&msg)))
            })
            .collect()
    }

    /// The text of the `n`-th message (from 0) of the [`Sim::ladder`] from `from`.
    pub fn ladder_text(&self, from: Instant, n: usize) -> String {
        self.wire()
            .iter()
            .filter(|w| w.at >= from)
            .filter(|w| parse(w).is_some_and(|m| m.cseq().is_none_or(|c| c.method != b"REGISTER")))
            .nth(n)
            .map(|w| w.text())
            .unwrap_or_else(|| panic!("no message {n} in the ladder"))
    }

    /// UA `ua`'s Contact URI as it writes it: `sip:<user>@<via host>;transport=<ws|udp|...>`
    /// for the transport of its first server.
    pub fn contact(&self, ua: usize) -> String {
        let u = self.ua(ua);
        let transport = u
            .config()
            .servers
            .first()
            .map_or("ws", |s| s.server.transport.uri_param());
        let id = u.identity();
        format!("sip:{}@{};transport={transport}", id.contact_user, id.via_host)
    }

    /// Runs until every UA in `uas` is registered (panics after 10 s).
    pub fn register_all(&mut self, uas: &[usize]) {
        for &ua in uas {
            self.start(ua);
        }
        let deadline = self.now() + Duration::from_secs(10);
        for &ua in uas {
            if !self.ua(ua).is_registered() {
                self.run_until_event(ua, deadline, |e| matches!(e, Event::Registered { .. }))
                    .unwrap_or_else(|| panic!("UA {ua} did not register"));
            }
        }
    }

    /// The id of the last call that arrived at UA `ua` (panics when none did).
    pub fn incoming(&self, ua: usize) -> SessionId {
        self.events(ua)
            .iter()
            .rev()
            .find_map(|(_, e)| match e {
                Event::NewSession { id, .. } => Some(*id),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no call arrived at UA {ua}"))
    }

    /// Asserts that nothing went wrong on the side: no UA in `uas` dropped a message, the
    /// proxy saw no stray response and nothing malformed, the harness no anomaly.
    pub fn assert_no_drops(&self, uas: &[usize]) {
        for &ua in uas {
            let dropped: Vec<_> = self
                .events(ua)
                .iter()
                .filter(|(_, e)| matches!(e, Event::Dropped { .. }))
                .collect();
            assert!(dropped.is_empty(), "UA {ua}: {dropped:?}");
        }
        assert_eq!(self.proxy().stray_responses, 0, "stray responses at the proxy");
        assert_eq!(self.proxy().malformed, 0, "malformed messages at the proxy");
        assert!(self.anomalies.is_empty(), "{:?}", self.anomalies);
    }

    /// The events of call `id` on UA `ua` from `from` on, with their instants.
    pub fn call_events(&self, ua: usize, id: SessionId, from: Instant) -> Vec<(Instant, Event)> {
        self.events(ua)
            .iter()
            .filter(|(at, e)| *at >= from && session_of(e) == Some(id))
            .cloned()
            .collect()
    }
}

/// Ladder lines ([`Sim::ladder`], 20 ms hops): `x` sends `req` (`UPDATE sip:...`) at `t`,
/// the proxy passes it to `y`, who answers `resp` (`200 OK/UPDATE`) at once, and the proxy
/// passes that back.
pub fn ladder_exchange(t: u64, x: &str, y: &str, req: &str, resp: &str) -> Vec<String> {
    vec![
        format!("{t} {x}>P {req}"),
        format!("{} P>{y} {req}", t + 20),
        format!("{} {y}>P {resp}", t + 40),
        format!("{} P>{x} {resp}", t + 60),
    ]
}

/// Ladder lines (20 ms hops): `x` sends an INVITE to `ruri` at `t`; the proxy answers 100
/// and passes it to `y` (contact `cy`), whose reliable 180 gets a PRACK (RFC 3262).
pub fn ladder_ringing(t: u64, x: &str, y: &str, ruri: &str, cy: &str) -> Vec<String> {
    let mut lines = vec![
        format!("{t} {x}>P INVITE {ruri}"),
        format!("{} P>{x} 100 Trying/INVITE", t + 20),
        format!("{} P>{y} INVITE {cy}", t + 20),
        format!("{} {y}>P 180 Ringing/INVITE", t + 40),
        format!("{} P>{x} 180 Ringing/INVITE", t + 60),
    ];
    lines.extend(ladder_exchange(
        t + 80,
        x,
        y,
        &format!("PRACK {cy}"),
        "200 OK/PRACK",
    ));
    lines
}

/// Ladder lines (20 ms hops): `y` (contact `cy`) answers `x`'s INVITE 200 at `t`, and `x`
/// acknowledges it.
pub fn ladder_answered(t: u64, x: &str, y: &str, cy: &str) -> Vec<String> {
    vec![
        format!("{t} {y}>P 200 OK/INVITE"),
        format!("{} P>{x} 200 OK/INVITE", t + 20),
        format!("{} {x}>P ACK {cy}", t + 40),
        format!("{} P>{y} ACK {cy}", t + 60),
    ]
}

/// The value of the first header `name` in a message's text (after `Name: `); panics when
/// there is none.
pub fn header_value<'a>(text: &'a str, name: &str) -> &'a str {
    let line = super::header_line(text, name);
    line.split_once(':').map_or("", |(_, v)| v.trim_start())
}

/// The `tag` parameter of the first header `name` (From or To) in a message's text; panics
/// when it has none.
pub fn header_tag(text: &str, name: &str) -> String {
    let value = header_value(text, name);
    let (_, tag) = value
        .split_once(";tag=")
        .unwrap_or_else(|| panic!("no tag in {name}: {value}"));
    tag.split(';').next().unwrap_or_default().to_owned()
}

/// The body of a message's text (after the blank line).
pub fn body(text: &str) -> &str {
    text.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

/// The call an event is about, if it is about one.
pub fn session_of(e: &Event) -> Option<SessionId> {
    match e {
        Event::NewSession { id, .. }
        | Event::Progress { id, .. }
        | Event::Accepted { id, .. }
        | Event::Confirmed { id }
        | Event::Ended { id, .. }
        | Event::Failed { id, .. }
        | Event::Hold { id, .. }
        | Event::Unhold { id, .. }
        | Event::NewDtmf { id, .. }
        | Event::NewInfo { id, .. }
        | Event::Refer { id, .. }
        | Event::ReferAccepted { id }
        | Event::ReferFailed { id, .. }
        | Event::ReferNotify { id, .. } => Some(*id),
        _ => None,
    }
}
