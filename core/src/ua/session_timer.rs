//! Session timers (RFC 4028) as JsSIP runs them: `Session-Expires: 90` on our INVITE, 422
//! retried with the Min-SE, the refresher refreshing at half the interval (by UPDATE or
//! re-INVITE, `session_timers_refresh_method`), and a BYE when a session is not refreshed.

use super::contact_value;
use alloc::format;
use alloc::string::String;
use rand_core::Rng;

use super::{Originator, Owner, SessionId, Ua, ALLOW};
use crate::cause::Cause;
use crate::header::session_timer::Refresher;
use crate::message::{Headers, Method};
use crate::time::{Duration, Instant};

/// JsSIP's default session interval (seconds) and RFC 4028's floor (§5: Min-SE at least 90).
pub const SESSION_EXPIRES: u32 = 90;

/// A call's session timer.
#[derive(Debug, Default, Clone)]
pub(super) struct SessionTimer {
    /// The negotiated interval, when the session has a timer.
    interval: Option<u32>,
    /// We refresh (else the peer does and we only watch the expiry).
    we_refresh: bool,
    pub(super) refresh_at: Option<Instant>,
    pub(super) expire_at: Option<Instant>,
    /// A 422 was answered already (one retry, RFC 4028 §7.4).
    pub(super) retried_422: bool,
    /// What the peer's INVITE asked for: interval and whether it named the refresher.
    pub(super) offered: Option<(u32, Option<Refresher>)>,
}

impl SessionTimer {
    /// Starts (or restarts after a refresh) with `interval`: the refresher refreshes at half of
    /// it (§10); the other side gives up at the interval minus min(32 s, interval/3).
    pub(super) fn start(&mut self, now: Instant, interval: u32, we_refresh: bool) {
        let ms = u64::from(interval) * 1000;
        self.interval = Some(interval);
        self.we_refresh = we_refresh;
        self.refresh_at = we_refresh.then(|| now + Duration::from_millis(ms / 2));
        self.expire_at = (!we_refresh).then(|| now + Duration::from_millis(ms - (ms / 3).min(32_000)));
    }

    pub(super) fn stop(&mut self) {
        self.interval = None;
        self.refresh_at = None;
        self.expire_at = None;
    }

    pub(super) fn interval(&self) -> Option<u32> {
        self.interval
    }
}

/// The Session-Expires of `headers`: interval and refresher.
pub(super) fn session_expires(headers: &Headers) -> Option<(u32, Option<Refresher>)> {
    let se = headers.session_expires()?.ok()?;
    Some((se.delta, se.refresher))
}

impl<R: Rng> Ua<R> {
    /// A refresh point or an expiry of call `id` is due.
    pub(super) fn session_timer_due(&mut self, id: SessionId, now: Instant) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.timer.expire_at.is_some_and(|t| t <= now) {
            // RFC 4028 §10: no refresh came; end the session with a BYE.
            call.timer.stop();
            if let Some(bye) = call.dialog_mut().map(|d| d.next_request(Method::Bye)) {
                self.send(bye, Owner::Bye(id), now);
            }
            self.call_ended(id, Cause::Expires, Originator::System);
            return;
        }
        if call.timer.refresh_at.is_some_and(|t| t <= now) {
            call.timer.refresh_at = None;
            let Some(interval) = call.timer.interval() else {
                return;
            };
            let method = self.config.session_timers_refresh_method.clone();
            let Some(mut req) = call.dialog_mut().map(|d| d.next_request(method.clone())) else {
                return;
            };
            // §7.4 / §9: the refresher is the UAC of the refresh request.
            req.header("Session-Expires", format!("{interval};refresher=uac"));
            req.header("Supported", "timer");
            if method == Method::Invite {
                // A re-INVITE must offer: our current description again, version bumped.
                req.header(
                    "Contact",
                    contact_value(&self.identity, &self.config, self.link.as_ref()),
                );
                req.header("Allow", ALLOW);
                if let Some(local) = call.media.local.as_ref().map(crate::sdp::Sdp::with_next_version) {
                    req.header("Content-Type", "application/sdp");
                    req.body = local.buffer().clone();
                    call.media.local = Some(local);
                }
                self.send(req, Owner::Refresh(id), now);
            } else {
                self.send(req, Owner::Refresh(id), now);
            }
        }
    }

    /// The final response to our refresh: 2xx restarts the timer; anything else leaves the
    /// expiry to end the call (RFC 4028 §10).
    pub(super) fn refresh_response(&mut self, id: SessionId, resp: &crate::message::Response, now: Instant) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if resp.status().is_success() {
            if let Some(d) = call.dialog_mut() {
                let _ = d.receive_response(resp);
            }
            let interval = session_expires(resp.headers())
                .map(|(i, _)| i)
                .or(call.timer.interval())
                .unwrap_or(SESSION_EXPIRES);
            // The 2xx may hand the refresh to the other side (refresher=uas).
            let we = !matches!(session_expires(resp.headers()), Some((_, Some(Refresher::Uas))));
            call.timer.start(now, interval, we);
            if *resp.cseq().map(|c| c.method).unwrap_or_default() == *b"INVITE" {
                let cseq = resp.cseq().map(|c| c.seq).unwrap_or(0);
                if let Some(ack) = call.dialog_mut().map(|d| d.ack_for_2xx(cseq)) {
                    self.send_stateless(&ack);
                }
            }
        } else if matches!(resp.status().as_u16(), 408 | 481) {
            // RFC 4028 §10: a refresh answered 408 or 481 ends the session with a BYE.
            self.refresh_failed(id, now);
        }
    }

    /// Our refresh timed out, failed to send, or was answered 408/481: BYE and end the call
    /// (RFC 4028 §10).
    pub(super) fn refresh_failed(&mut self, id: SessionId, now: Instant) {
        let Some(call) = self.calls.get_mut(&id).filter(|c| c.is_confirmed()) else {
            return;
        };
        call.timer.stop();
        if let Some(bye) = call.dialog_mut().map(|d| d.next_request(Method::Bye)) {
            self.send(bye, Owner::Bye(id), now);
        }
        self.call_ended(id, Cause::RequestTimeout, Originator::System);
    }

    /// The Session-Expires lines of our 2xx to a request that carried `offered`, and whether
    /// we refresh: we honour the requested refresher, else the peer (uac) refreshes (JsSIP).
    pub(super) fn session_expires_reply(offered: Option<(u32, Option<Refresher>)>) -> Option<(String, bool)> {
        let (interval, refresher) = offered?;
        let we_refresh = refresher == Some(Refresher::Uas);
        let who = if we_refresh { "uas" } else { "uac" };
        Some((format!("{interval};refresher={who}"), we_refresh))
    }

    /// A refresh or offer from the peer carried Session-Expires: restart the timer.
    pub(super) fn peer_refreshed(
        &mut self,
        id: SessionId,
        offered: Option<(u32, Option<Refresher>)>,
        now: Instant,
    ) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if let Some((interval, refresher)) = offered {
            call.timer.start(now, interval, refresher == Some(Refresher::Uas));
        }
    }
}
