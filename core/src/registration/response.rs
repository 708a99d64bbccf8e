//! Responses to our REGISTERs and their failures: success (the granted expiry and the refresh
//! point), digest challenges (RFC 3261 §22, RFC 7616), 423 (Min-Expires) and the retry rules.

use alloc::string::ToString;
use rand_core::Rng;

use super::timing::{refresh_delay, retry_after};
use super::{Inflight, Kind, Registration, RegistrationEvent};
use crate::auth::{AuthorizedRequest, DigestCredentials};
use crate::cause::Cause;
use crate::message::{Method, Response, StatusCode};
use crate::time::{Duration, Instant};

impl Registration {
    /// A final response to one of our REGISTERs (1xx are ignored). `creds` answers 401/407.
    pub fn handle_response<R: Rng + ?Sized>(
        &mut self,
        resp: &Response,
        creds: Option<&DigestCredentials<'_>>,
        now: Instant,
        rng: &mut R,
    ) {
        let Some(cseq) = resp.cseq() else { return };
        let Some(f) = self.inflight.take_if(|f| f.cseq == cseq.seq) else {
            // A late response to a REGISTER we gave up on (a reconnect in between).
            return;
        };
        if resp.status().is_provisional() {
            self.inflight = Some(f);
            return;
        }
        let status = resp.status();
        // RFC 3261 §10.2.8: a 423 carries the smallest expiry the registrar accepts; one above
        // what we asked for is tried, anything else is a failure.
        let raise_to = (status.as_u16() == 423 && f.kind == Kind::Register)
            .then(|| resp.headers().min_expires().and_then(Result::ok))
            .flatten()
            .filter(|min| *min > f.expires);
        match (status.as_u16(), raise_to) {
            (200..=299, _) => self.succeeded(f, resp, now, rng),
            (401 | 407, _) => self.challenged(f, resp, creds, now, rng),
            (423, Some(min)) => {
                self.expires = min;
                self.send(Kind::Register, now);
            }
            _ => self.failed(
                f.kind,
                Cause::from_status(status),
                Some(status),
                retry_after(resp),
                now,
                rng,
            ),
        }
        self.send_queued(now);
    }

    /// The REGISTER transaction ended without a response: Timer F or a transport error.
    pub fn request_failed<R: Rng + ?Sized>(&mut self, cseq: u32, cause: Cause, now: Instant, rng: &mut R) {
        let Some(f) = self.inflight.take_if(|f| f.cseq == cseq) else {
            return;
        };
        self.failed(f.kind, cause, None, None, now, rng);
        self.send_queued(now);
    }

    fn send_queued(&mut self, now: Instant) {
        if self.inflight.is_none() && self.connected {
            if let Some(kind) = self.queued.take() {
                self.send(kind, now);
            }
        }
    }

    fn challenged<R: Rng + ?Sized>(
        &mut self,
        mut f: Inflight,
        resp: &Response,
        creds: Option<&DigestCredentials<'_>>,
        now: Instant,
        rng: &mut R,
    ) {
        let status = resp.status();
        // At most one answer per challenge, plus one more for a stale nonce (RFC 7616 §3.3),
        // so a wrong password ends here instead of looping.
        let stale = crate::auth::ChallengeHeader::for_status(status)
            .map(|h| h.challenges_in(resp.headers()).any(|c| c.stale))
            .unwrap_or(false);
        let allowed = f.answered == 0 || (stale && !f.stale_retry);
        let Some(creds) = creds.filter(|_| allowed) else {
            self.failed(f.kind, Cause::AuthenticationError, Some(status), None, now, rng);
            return;
        };
        if f.answered > 0 {
            f.stale_retry = true;
        }
        let uri = self.params.registrar.as_str().to_string();
        let method = Method::Register;
        let auth = match self.digest.authorize_response(
            resp,
            creds,
            &AuthorizedRequest::new(&method, &uri, b""),
            rng,
        ) {
            Ok(a) => a,
            Err(_) => {
                self.failed(f.kind, Cause::AuthenticationError, Some(status), None, now, rng);
                return;
            }
        };
        // RFC 3261 §22.2: same Call-ID, CSeq incremented.
        self.cseq += 1;
        f.cseq = self.cseq;
        f.answered += 1;
        f.sent_at = now;
        f.credentials = Some((auth.header_name(), auth.value.clone()));
        let req = self.request(&f);
        self.inflight = Some(f);
        self.requests.push_back(req);
    }

    fn succeeded<R: Rng + ?Sized>(&mut self, f: Inflight, resp: &Response, now: Instant, rng: &mut R) {
        self.backoff.reset();
        self.retry_at = None;
        if f.kind != Kind::Register {
            self.refresh_at = None;
            self.expires_at = None;
            let was = core::mem::replace(&mut self.registered, false);
            if was || f.kind == Kind::UnregisterAll {
                self.events
                    .push_back(RegistrationEvent::Unregistered { cause: None });
            }
            return;
        }
        // RFC 3261 §10.2.4: the expiry is our Contact's expires param, else Expires, else ours.
        let expires = self
            .params
            .contact
            .granted_expires(resp.headers())
            .or_else(|| resp.headers().expires().and_then(Result::ok))
            .unwrap_or(f.expires);
        if expires == 0 {
            // The registrar dropped the binding at once: treat as not registered.
            self.failed(f.kind, Cause::SipFailureCode, Some(resp.status()), None, now, rng);
            return;
        }
        self.registered = true;
        // Counted from when the REGISTER left: the registrar's clock started no later.
        self.expires_at = Some(f.sent_at + Duration::from_secs(u64::from(expires)));
        self.refresh_at = Some((f.sent_at + refresh_delay(expires, rng)).max(now));
        self.events.push_back(RegistrationEvent::Registered { expires });
    }

    fn failed<R: Rng + ?Sized>(
        &mut self,
        kind: Kind,
        cause: Cause,
        status: Option<StatusCode>,
        retry_after: Option<Duration>,
        now: Instant,
        rng: &mut R,
    ) {
        if kind != Kind::Register {
            // An unregistration that failed still ends our interest in the binding.
            self.events.push_back(RegistrationEvent::Failed {
                cause,
                status,
                retry_at: None,
            });
            return;
        }
        if self.registered {
            // A failed refresh: the old binding lasts until it expires.
            self.refresh_at = None;
        }
        // Retry while the application wants to be registered, and only where another try can
        // succeed: no response, a server failure (5xx), 408/480, or a Retry-After. A refusal
        // (401/407 after our answer, 403, other 4xx, 6xx) would fail the same way: RFC 3261
        // §21.4.4 says a 403 SHOULD NOT be repeated.
        let transient = match status {
            None => true,
            Some(s) => s.class() == 5 || matches!(s.as_u16(), 408 | 480) || retry_after.is_some(),
        };
        let retry = self.wanted && transient && cause != Cause::AuthenticationError;
        self.retry_at = if retry {
            let delay = retry_after.unwrap_or_else(|| self.backoff.next_delay(rng));
            Some(now + delay)
        } else {
            None
        };
        if !retry {
            // Given up: a reconnect does not re-register until the application asks again.
            self.wanted = false;
        }
        self.events.push_back(RegistrationEvent::Failed {
            cause,
            status,
            retry_at: self.retry_at,
        });
    }
}
