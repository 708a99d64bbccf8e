//! DTMF by INFO (`application/dtmf-relay`, as JsSIP sends it): JsSIP's tone limits, the
//! queue that sends one tone per INFO after the previous one was answered, and incoming INFO.

use alloc::format;
use alloc::string::String;
use bytes::Bytes;
use rand_core::Rng;

use super::in_dialog::CallCommandError;
use super::{Event, Originator, Owner, SessionId, Ua};
use crate::message::{HeaderName, Method, Request, StatusCode};
use crate::time::{Duration, Instant};
use crate::transaction::TxId;

/// JsSIP's DTMF defaults and limits: tone 100 ms (70–6000), gap 500 ms (at least 50), and a
/// comma pauses 2 s.
pub const DTMF_DURATION: u32 = 100;
const DTMF_MIN: u32 = 70;
const DTMF_MAX: u32 = 6000;
const DTMF_MIN_GAP: u32 = 50;

/// How to send DTMF tones (JsSIP `sendDTMF` options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DtmfOptions {
    /// Tone duration in milliseconds (70–6000; default 100).
    pub duration_ms: Option<u32>,
    /// Pause between tones in milliseconds (at least 50; default 500).
    pub inter_tone_gap_ms: Option<u32>,
}
const DTMF_PAUSE: Duration = Duration::from_secs(2);

fn dtmf_body(tone: char, duration: u32) -> String {
    format!("Signal={tone}\r\nDuration={duration}\r\n")
}

impl<R: Rng> Ua<R> {
    /// Sends DTMF `tones` on call `id` by INFO, one tone per INFO after the previous one was
    /// answered, `duration_ms` each (JsSIP `session.sendDTMF()`; 70–6000 ms, default 100).
    pub fn send_dtmf(
        &mut self,
        now: Instant,
        id: SessionId,
        tones: &str,
        duration_ms: Option<u32>,
    ) -> Result<(), CallCommandError> {
        self.send_dtmf_with(
            now,
            id,
            tones,
            DtmfOptions {
                duration_ms,
                inter_tone_gap_ms: None,
            },
        )
    }

    /// [`Ua::send_dtmf`] with JsSIP's options: tone duration (70–6000 ms, default 100) and
    /// inter-tone gap (at least 50 ms, default 500).
    pub fn send_dtmf_with(
        &mut self,
        now: Instant,
        id: SessionId,
        tones: &str,
        options: DtmfOptions,
    ) -> Result<(), CallCommandError> {
        let duration_ms = options.duration_ms;
        let gap = Duration::from_millis(u64::from(
            options.inter_tone_gap_ms.unwrap_or(500).max(DTMF_MIN_GAP),
        ));
        let call = self
            .calls
            .get_mut(&id)
            .filter(|c| c.is_confirmed())
            .ok_or(CallCommandError::NotEstablished)?;
        let duration = duration_ms.unwrap_or(DTMF_DURATION).clamp(DTMF_MIN, DTMF_MAX);
        let tones: alloc::vec::Vec<char> = tones.chars().map(|c| c.to_ascii_uppercase()).collect();
        if tones
            .iter()
            .any(|c| !(c.is_ascii_digit() || matches!(c, 'A'..='D' | '#' | '*' | ',')))
        {
            return Err(CallCommandError::InvalidTone);
        }
        call.media.dtmf.extend(tones.into_iter().map(|t| (t, duration)));
        call.media.dtmf_gap = gap;
        if !call.media.dtmf_busy && call.media.dtmf_at.is_none() {
            self.next_dtmf(id, now);
        }
        self.pump(now);
        Ok(())
    }

    /// Sends the next queued tone, or schedules the pause a comma asks for.
    pub(super) fn next_dtmf(&mut self, id: SessionId, now: Instant) {
        if !self.calls.get(&id).is_some_and(|c| c.is_confirmed()) {
            return;
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        call.media.dtmf_at = None;
        let Some((tone, duration)) = call.media.dtmf.pop_front() else {
            return;
        };
        if tone == ',' {
            call.media.dtmf_at = Some(now + DTMF_PAUSE);
            return;
        }
        let Some(mut info) = call.dialog_mut().map(|d| d.next_request(Method::Info)) else {
            return;
        };
        info.header("Content-Type", "application/dtmf-relay");
        info.body = Bytes::from(dtmf_body(tone, duration));
        call.media.dtmf_busy = true;
        self.send(info, Owner::Info(id), now);
        self.event(Event::NewDtmf {
            id,
            tone,
            duration,
            originator: Originator::Local,
        });
    }

    /// Our INFO got its final response (or none): the next tone after the gap.
    pub(super) fn dtmf_done(&mut self, id: SessionId, now: Instant) {
        if let Some(call) = self.calls.get_mut(&id) {
            call.media.dtmf_busy = false;
            if !call.media.dtmf.is_empty() {
                call.media.dtmf_at = Some(now + call.media.dtmf_gap);
            }
        }
    }

    /// An INFO in a call: DTMF (`application/dtmf-relay`) or any other info, answered 200.
    pub(super) fn incoming_info(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        let tag = self.local_tag_of(id);
        let ct = req
            .headers()
            .get(HeaderName::ContentType)
            .map(|v| String::from_utf8_lossy(v).into_owned());
        let is_dtmf = ct.as_deref().is_some_and(|c| {
            c.trim()
                .to_ascii_lowercase()
                .starts_with("application/dtmf-relay")
        });
        let event = if is_dtmf {
            let body = String::from_utf8_lossy(req.body_bytes()).into_owned();
            let field = |name: &str| {
                body.lines().find_map(|l| {
                    l.split_once('=')
                        .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                        .map(|(_, v)| String::from(v.trim()))
                })
            };
            let tone = field("Signal").and_then(|s| s.chars().next());
            let duration = field("Duration")
                .and_then(|d| d.parse().ok())
                .unwrap_or(DTMF_DURATION);
            match tone {
                Some(tone) => Event::NewDtmf {
                    id,
                    tone,
                    duration,
                    originator: Originator::Remote,
                },
                None => {
                    self.respond_with(tx, req, StatusCode::BAD_REQUEST, &tag, None, now);
                    return;
                }
            }
        } else {
            Event::NewInfo {
                id,
                content_type: ct,
                body: req.body(),
            }
        };
        self.respond_with(tx, req, StatusCode::OK, &tag, None, now);
        self.event(event);
    }
}
