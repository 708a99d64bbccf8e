//! Inside an established call: hold and unhold by re-INVITE (RFC 3264 §8.4, RFC 3261 §14)
//! with the §14.1 glare retry, and DTMF by INFO (`application/dtmf-relay`, as JsSIP sends it).

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use bytes::Bytes;
use rand_core::Rng;

use super::incoming_call::Reply;
use super::{Event, Originator, Owner, SessionId, Ua, ALLOW};
use crate::message::{HeaderName, Method, Request, Response, StatusCode};
use crate::sdp::{Direction, Sdp};
use crate::time::{Duration, Instant};
use crate::transaction::TxId;

/// JsSIP's DTMF defaults and limits: tone 100 ms (70–6000), gap 500 ms (at least 50), and a
/// comma pauses 2 s.
pub const DTMF_DURATION: u32 = 100;
const DTMF_MIN: u32 = 70;
const DTMF_MAX: u32 = 6000;
const DTMF_GAP: Duration = Duration::from_millis(500);
const DTMF_PAUSE: Duration = Duration::from_secs(2);

/// What a call knows about its media negotiation and in-dialog work.
#[derive(Debug, Default)]
pub(super) struct Media {
    /// Our current description (offer or answer), as last agreed.
    pub(super) local: Option<Sdp>,
    pub(super) local_hold: bool,
    pub(super) remote_hold: bool,
    /// Our re-INVITE in flight: the description it offers and the hold state it asks for.
    reinvite: Option<(Sdp, bool)>,
    reinvite_ack: Option<Bytes>,
    /// A re-INVITE refused with 491, to retry at this instant (RFC 3261 §14.1).
    pub(super) retry_at: Option<(Instant, bool)>,
    dtmf: VecDeque<(char, u32)>,
    dtmf_busy: bool,
    pub(super) dtmf_at: Option<Instant>,
}

/// Why an in-dialog command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallCommandError {
    /// No such call, or it is not established.
    #[error("no established call with that id")]
    NotEstablished,
    /// A re-INVITE of ours is still in progress (RFC 3261 §14.1).
    #[error("a re-invite is in progress")]
    Pending,
    /// No local description to re-offer.
    #[error("no local session description")]
    NoSdp,
    /// A DTMF tone outside 0-9, A-D, # and * (a comma pauses).
    #[error("invalid dtmf tone")]
    InvalidTone,
    /// A transfer target that is not a SIP URI.
    #[error("invalid transfer target")]
    InvalidTarget,
}

fn dtmf_body(tone: char, duration: u32) -> String {
    format!("Signal={tone}\r\nDuration={duration}\r\n")
}

impl<R: Rng> Ua<R> {
    /// Puts call `id` on hold (JsSIP `session.hold()`): a re-INVITE whose description stops
    /// receiving (sendrecv → sendonly, RFC 3264 §8.4).
    pub fn hold(&mut self, now: Instant, id: SessionId) -> Result<(), CallCommandError> {
        self.reoffer(now, id, true)
    }

    /// Takes call `id` off hold (JsSIP `session.unhold()`).
    pub fn unhold(&mut self, now: Instant, id: SessionId) -> Result<(), CallCommandError> {
        self.reoffer(now, id, false)
    }

    fn reoffer(&mut self, now: Instant, id: SessionId, hold: bool) -> Result<(), CallCommandError> {
        let call = self
            .calls
            .get_mut(&id)
            .filter(|c| c.is_confirmed())
            .ok_or(CallCommandError::NotEstablished)?;
        if call.media.reinvite.is_some() {
            return Err(CallCommandError::Pending);
        }
        let local = call.media.local.as_ref().ok_or(CallCommandError::NoSdp)?;
        let offer = local
            .map_directions(|d| if hold { d.hold() } else { d.unhold() })
            .with_next_version();
        let Some(mut req) = call.dialog_mut().map(|d| d.next_request(Method::Invite)) else {
            return Err(CallCommandError::NotEstablished);
        };
        let transport = self
            .link
            .as_ref()
            .map(|l| l.server.transport)
            .unwrap_or(crate::transport::TransportKind::Wss);
        req.header(
            "Contact",
            format!("<{}>", self.identity.contact_uri(&self.config, transport)),
        );
        req.header("Allow", ALLOW);
        req.header("Content-Type", "application/sdp");
        req.body = offer.buffer().clone();
        if let Some(call) = self.calls.get_mut(&id) {
            call.media.reinvite = Some((offer, hold));
            call.media.retry_at = None;
        }
        self.send(req, Owner::Reinvite(id), now);
        self.pump(now);
        Ok(())
    }

    /// A response to our re-INVITE.
    pub(super) fn reinvite_response(
        &mut self,
        id: SessionId,
        resp: &Response,
        additional: bool,
        now: Instant,
    ) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let status = resp.status();
        if status.is_provisional() {
            return;
        }
        if additional {
            // A retransmitted 2xx: the same ACK again (RFC 3261 §13.2.2.4).
            if let Some(ack) = call.media.reinvite_ack.clone() {
                self.transmit(ack);
            }
            return;
        }
        let Some((offer, hold)) = call.media.reinvite.take() else {
            return;
        };
        if status.is_success() {
            let cseq = resp.cseq().map(|c| c.seq).unwrap_or(0);
            let ack = call.dialog_mut().map(|d| {
                let _ = d.receive_response(resp);
                d.ack_for_2xx(cseq)
            });
            call.media.local = Some(offer);
            call.media.local_hold = hold;
            if let Some(ack) = ack {
                let bytes = self.send_stateless(&ack);
                if let Some(call) = self.calls.get_mut(&id) {
                    call.media.reinvite_ack = bytes;
                }
            }
            let e = if hold {
                Event::Hold {
                    id,
                    originator: Originator::Local,
                }
            } else {
                Event::Unhold {
                    id,
                    originator: Originator::Local,
                }
            };
            self.event(e);
        } else if status == StatusCode::REQUEST_PENDING {
            // RFC 3261 §14.1 glare: retry after 2.1–4 s if we own the Call-ID (we placed the
            // call), else after 0–2 s, in units of 10 ms.
            let ms = if call.placed_by_us() {
                2_100 + u64::from(self.rng.next_u32() % 191) * 10
            } else {
                u64::from(self.rng.next_u32() % 201) * 10
            };
            if let Some(call) = self.calls.get_mut(&id) {
                call.media.retry_at = Some((now + Duration::from_millis(ms), hold));
            }
        }
    }

    /// Our re-INVITE got no final response: the previous description stays.
    pub(super) fn reinvite_lost(&mut self, id: SessionId) {
        if let Some(call) = self.calls.get_mut(&id) {
            call.media.reinvite = None;
        }
    }

    /// A re-INVITE from the peer (RFC 3261 §14.2): 491 while ours is pending, else answer from
    /// our current description with the direction the offer allows (RFC 3264 §6.1).
    pub(super) fn incoming_reinvite(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        let Some(call) = self.calls.get(&id) else { return };
        let tag = String::from(call.local_tag());
        if call.media.reinvite.is_some() {
            self.respond_with(tx, req, StatusCode::REQUEST_PENDING, &tag, None, now);
            return;
        }
        let Some(local) = call.media.local.clone() else {
            self.respond_with(tx, req, StatusCode::NOT_ACCEPTABLE_HERE, &tag, None, now);
            return;
        };
        let offer = (!req.body_bytes().is_empty())
            .then(|| Sdp::parse(req.body()).ok())
            .flatten();
        let wish = if call.media.local_hold {
            Direction::SendOnly
        } else {
            Direction::SendRecv
        };
        let answer = match &offer {
            Some(o) => {
                let offered = o
                    .media()
                    .next()
                    .map(|m| m.direction())
                    .unwrap_or(Direction::SendRecv);
                local.with_direction(wish.answer_to(offered)).with_next_version()
            }
            // An offer-less re-INVITE: our 2xx is the offer (RFC 3261 §14.2).
            None => local.with_next_version(),
        };
        let remote_hold = offer.as_ref().is_some_and(Sdp::holds_peer);
        let reliable = self
            .link
            .as_ref()
            .is_some_and(|l| l.server.transport.is_reliable());
        let t1 = self.transactions.config().t1;
        let body = answer.buffer().clone();
        // RFC 4028 §9: a refresh carries Session-Expires; echo it and restart the timer.
        let offered =
            super::session_timer::session_expires(req.headers()).filter(|_| self.config.session_timers);
        let extra: alloc::vec::Vec<(HeaderName, String)> = Self::session_expires_reply(offered)
            .map(|(se, _)| {
                alloc::vec![
                    (HeaderName::SessionExpires, se),
                    (HeaderName::Require, String::from("timer"))
                ]
            })
            .unwrap_or_default();
        self.peer_refreshed(id, offered, now);
        if let Some(ok) = self.respond_with_headers(
            tx,
            req,
            Reply {
                status: StatusCode::OK,
                tag: &tag,
                sdp: Some(&body),
                extra: &extra,
            },
            now,
        ) {
            if let Some(call) = self.calls.get_mut(&id) {
                call.media.local = Some(answer);
                call.await_ack(ok, reliable, now, t1);
                let was = core::mem::replace(&mut call.media.remote_hold, remote_hold);
                if was != remote_hold {
                    let e = if remote_hold {
                        Event::Hold {
                            id,
                            originator: Originator::Remote,
                        }
                    } else {
                        Event::Unhold {
                            id,
                            originator: Originator::Remote,
                        }
                    };
                    self.event(e);
                }
            }
        }
    }

    /// An UPDATE from the peer (RFC 3311): with an offer, answered like a re-INVITE's but
    /// without an ACK to wait for; without one, a session refresh (RFC 4028 §9) or a no-op.
    pub(super) fn incoming_update(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        let Some(call) = self.calls.get(&id) else { return };
        let tag = String::from(call.local_tag());
        let offered =
            super::session_timer::session_expires(req.headers()).filter(|_| self.config.session_timers);
        let mut extra: alloc::vec::Vec<(HeaderName, String)> = Self::session_expires_reply(offered)
            .map(|(se, _)| {
                alloc::vec![
                    (HeaderName::SessionExpires, se),
                    (HeaderName::Require, String::from("timer"))
                ]
            })
            .unwrap_or_default();
        let offer = (!req.body_bytes().is_empty())
            .then(|| Sdp::parse(req.body()).ok())
            .flatten();
        let mut answer_body = None;
        if let Some(o) = &offer {
            // RFC 3311 §5.2: an offer crossing ours gets 491.
            if call.media.reinvite.is_some() {
                self.respond_with(tx, req, StatusCode::REQUEST_PENDING, &tag, None, now);
                return;
            }
            let Some(local) = call.media.local.clone() else {
                self.respond_with(tx, req, StatusCode::NOT_ACCEPTABLE_HERE, &tag, None, now);
                return;
            };
            let wish = if call.media.local_hold {
                Direction::SendOnly
            } else {
                Direction::SendRecv
            };
            let offered_dir = o
                .media()
                .next()
                .map(|m| m.direction())
                .unwrap_or(Direction::SendRecv);
            answer_body = Some(
                local
                    .with_direction(wish.answer_to(offered_dir))
                    .with_next_version(),
            );
        }
        let transport = self
            .link
            .as_ref()
            .map(|l| l.server.transport)
            .unwrap_or(crate::transport::TransportKind::Wss);
        extra.push((
            HeaderName::Contact,
            format!("<{}>", self.identity.contact_uri(&self.config, transport)),
        ));
        let body = answer_body.as_ref().map(|a| a.buffer().clone());
        self.peer_refreshed(id, offered, now);
        if self
            .respond_with_headers(
                tx,
                req,
                Reply {
                    status: StatusCode::OK,
                    tag: &tag,
                    sdp: body.as_ref(),
                    extra: &extra,
                },
                now,
            )
            .is_some()
        {
            if let (Some(call), Some(answer)) = (self.calls.get_mut(&id), answer_body) {
                call.media.local = Some(answer);
                let remote_hold = offer.as_ref().is_some_and(Sdp::holds_peer);
                if core::mem::replace(&mut call.media.remote_hold, remote_hold) != remote_hold {
                    let e = if remote_hold {
                        Event::Hold {
                            id,
                            originator: Originator::Remote,
                        }
                    } else {
                        Event::Unhold {
                            id,
                            originator: Originator::Remote,
                        }
                    };
                    self.event(e);
                }
            }
        }
    }

    /// Sends DTMF `tones` on call `id` by INFO, one tone per INFO after the previous one was
    /// answered, `duration_ms` each (JsSIP `session.sendDTMF()`; 70–6000 ms, default 100).
    pub fn send_dtmf(
        &mut self,
        now: Instant,
        id: SessionId,
        tones: &str,
        duration_ms: Option<u32>,
    ) -> Result<(), CallCommandError> {
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
        if !call.media.dtmf_busy && call.media.dtmf_at.is_none() {
            self.next_dtmf(id, now);
        }
        self.pump(now);
        Ok(())
    }

    /// Sends the next queued tone, or schedules the pause a comma asks for.
    pub(super) fn next_dtmf(&mut self, id: SessionId, now: Instant) {
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
                call.media.dtmf_at = Some(now + DTMF_GAP);
            }
        }
    }

    /// An INFO in a call: DTMF (`application/dtmf-relay`) or any other info, answered 200.
    pub(super) fn incoming_info(&mut self, id: SessionId, tx: TxId, req: &Request, now: Instant) {
        let tag = self
            .calls
            .get(&id)
            .map(|c| String::from(c.local_tag()))
            .unwrap_or_default();
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

    /// Runs the in-dialog timers of every call: glare retries and DTMF gaps.
    pub(super) fn in_dialog_timeouts(&mut self, now: Instant) {
        let due: alloc::vec::Vec<(SessionId, Option<bool>, bool)> = self
            .calls
            .iter()
            .map(|(id, c)| {
                let retry = c.media.retry_at.filter(|(t, _)| *t <= now).map(|(_, h)| h);
                (*id, retry, c.media.dtmf_at.is_some_and(|t| t <= now))
            })
            .filter(|(_, r, d)| r.is_some() || *d)
            .collect();
        let timers: alloc::vec::Vec<SessionId> = self
            .calls
            .iter()
            .filter(|(_, c)| {
                [c.timer.refresh_at, c.timer.expire_at]
                    .into_iter()
                    .flatten()
                    .any(|t| t <= now)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in timers {
            self.session_timer_due(id, now);
        }
        for (id, retry, dtmf) in due {
            if let Some(hold) = retry {
                if let Some(c) = self.calls.get_mut(&id) {
                    c.media.retry_at = None;
                }
                let _ = self.reoffer(now, id, hold);
            }
            if dtmf {
                self.next_dtmf(id, now);
            }
        }
    }
}
