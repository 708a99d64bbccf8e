//! Registration (RFC 3261 §10) as JsSIP's `Registrator` does it, plus what JsSIP lacks:
//! retry with backoff after a failure (honouring Retry-After), re-registration as soon as the
//! transport is back, and a state that stays right when a refresh overlaps a reconnect.
//!
//! A sans-IO state machine: commands and responses in, [`OutgoingRequest`]s and
//! [`RegistrationEvent`]s out, deadlines through [`Registration::poll_timeout`].

mod binding;
#[cfg(test)]
mod tests;

pub use binding::ContactBinding;

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use rand_core::Rng;

use crate::auth::{AuthorizedRequest, DigestClient, DigestCredentials};
use crate::cause::Cause;
use crate::header::NameAddr;
use crate::message::{HeaderName, Method, Response, StatusCode};
use crate::time::{Duration, Instant};
use crate::transport::Backoff;
use crate::ua::OutgoingRequest;
use crate::uri::Uri;

/// What a registration needs to know, derived from the configuration.
#[derive(Clone, Debug)]
pub struct RegistrationParams {
    /// The Request-URI (JsSIP `registrar_server`).
    pub registrar: Uri,
    /// The address of record: To and From (JsSIP `uri`).
    pub aor: Uri,
    /// The display name for From and To, unquoted (JsSIP `display_name`).
    pub display_name: Option<String>,
    /// Our Contact binding.
    pub contact: ContactBinding,
    /// The expiry to ask for, in seconds (JsSIP `register_expires`).
    pub expires: u32,
    /// Extra `Name: value` header lines (JsSIP `register_extra_headers`).
    pub extra_headers: Vec<String>,
    /// The methods we accept, for Allow.
    pub allow: &'static str,
    /// Appended to the From tag of REGISTERs that add or refresh the binding, not of
    /// un-REGISTERs (JsSIP `register_from_tag_trail`, Registrator.js).
    pub from_tag_trail: Option<String>,
    /// Shortest wait before retrying a failed registration.
    pub retry_min: Duration,
    /// Longest wait before retrying a failed registration.
    pub retry_max: Duration,
}

/// What a registration reports.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationEvent {
    /// The registrar accepted the binding for `expires` seconds (JsSIP `registered`).
    Registered {
        /// Seconds the binding lasts.
        expires: u32,
    },
    /// The binding is gone: we removed it, it expired, or the flow it was bound to closed
    /// (JsSIP `unregistered`). `cause` is `None` after a requested unregistration.
    Unregistered {
        /// Why, when we did not ask for it.
        cause: Option<Cause>,
    },
    /// A REGISTER failed (JsSIP `registrationFailed`).
    Failed {
        /// Why.
        cause: Cause,
        /// The final status, when a response came.
        status: Option<StatusCode>,
        /// When the next attempt is scheduled, if one is.
        retry_at: Option<Instant>,
    },
    /// The refresh point was reached (JsSIP `registrationExpiring`); with automatic refresh
    /// off, the application calls `register()` itself.
    Expiring,
}

/// Which REGISTER is in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Add or refresh our binding.
    Register,
    /// Remove our binding (expires=0).
    Unregister,
    /// Remove every binding of the AOR (`Contact: *`, RFC 3261 §10.2.2).
    UnregisterAll,
}

#[derive(Clone, Debug)]
struct Inflight {
    kind: Kind,
    cseq: u32,
    expires: u32,
    /// Credentials answered so far in this attempt, and whether the one stale retry was used
    /// (RFC 7616 §3.3: stale=true means the password was right, the nonce old).
    answered: u8,
    stale_retry: bool,
    credentials: Option<(HeaderName, String)>,
    /// When this REGISTER was handed out: the binding's lifetime is counted from here, as the
    /// registrar may accept it as soon as it arrives (a lost 200 over UDP is answered late).
    sent_at: Instant,
}

/// The registration state machine. See the [module docs](self).
#[derive(Debug)]
pub struct Registration {
    params: RegistrationParams,
    call_id: String,
    from_tag: String,
    cseq: u32,
    /// The expiry to ask for next (raised by a 423's Min-Expires).
    expires: u32,
    /// The application wants to be registered (refresh, re-register after reconnect).
    wanted: bool,
    /// Refresh automatically at the refresh point (else only emit `Expiring`).
    auto_refresh: bool,
    connected: bool,
    registered: bool,
    inflight: Option<Inflight>,
    /// A request asked for while another was in flight.
    queued: Option<Kind>,
    refresh_at: Option<Instant>,
    expires_at: Option<Instant>,
    retry_at: Option<Instant>,
    backoff: Backoff,
    digest: DigestClient,
    requests: VecDeque<OutgoingRequest>,
    events: VecDeque<RegistrationEvent>,
}

/// Random token of `len` characters from `[a-z0-9]` (JsSIP `createRandomToken`).
pub(crate) fn random_token<R: Rng + ?Sized>(rng: &mut R, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| {
            let k = (rng.next_u32() as usize) % ALPHABET.len();
            char::from(ALPHABET.get(k).copied().unwrap_or(b'x'))
        })
        .collect()
}

impl Registration {
    /// A registration with a fresh Call-ID and From tag (stable across refreshes, RFC 3261
    /// §10.2.4) drawn from `rng`.
    pub fn new<R: Rng + ?Sized>(params: RegistrationParams, rng: &mut R) -> Self {
        let expires = params.expires;
        let backoff = Backoff::new(params.retry_min, params.retry_max);
        Registration {
            call_id: random_token(rng, 22),
            from_tag: random_token(rng, 10),
            cseq: 0,
            expires,
            wanted: false,
            auto_refresh: true,
            connected: false,
            registered: false,
            inflight: None,
            queued: None,
            refresh_at: None,
            expires_at: None,
            retry_at: None,
            backoff,
            digest: DigestClient::new(),
            requests: VecDeque::new(),
            events: VecDeque::new(),
            params,
        }
    }

    /// True while the registrar holds our binding.
    pub fn is_registered(&self) -> bool {
        self.registered
    }

    /// The Call-ID used by every REGISTER of this registration.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// Turns automatic refresh on or off (off: only [`RegistrationEvent::Expiring`]).
    pub fn set_auto_refresh(&mut self, on: bool) {
        self.auto_refresh = on;
    }

    /// Registers (or refreshes) now if the transport is up, else as soon as it is.
    pub fn register(&mut self, now: Instant) {
        self.wanted = true;
        self.retry_at = None;
        if self.connected {
            self.send(Kind::Register, now);
        }
    }

    /// Removes our binding (`all`: every binding of the AOR, `Contact: *`). Stops refreshing.
    pub fn unregister(&mut self, now: Instant, all: bool) {
        self.wanted = false;
        self.refresh_at = None;
        self.retry_at = None;
        if self.connected {
            self.send(
                if all {
                    Kind::UnregisterAll
                } else {
                    Kind::Unregister
                },
                now,
            );
        } else if self.registered {
            self.registered = false;
            self.expires_at = None;
            self.events
                .push_back(RegistrationEvent::Unregistered { cause: None });
        }
    }

    /// The transport is up: register again if we want to be (after a reconnect the old flow's
    /// binding is useless, RFC 5626 §4.4.1).
    pub fn transport_up(&mut self, now: Instant) {
        self.connected = true;
        if self.wanted {
            self.retry_at = None;
            self.send(Kind::Register, now);
        }
    }

    /// The transport is down: whatever was in flight is lost, and a binding to the closed
    /// flow no longer reaches us.
    pub fn transport_down(&mut self, _now: Instant) {
        self.connected = false;
        self.inflight = None;
        self.queued = None;
        self.refresh_at = None;
        self.retry_at = None;
        if self.registered {
            self.registered = false;
            self.expires_at = None;
            self.events.push_back(RegistrationEvent::Unregistered {
                cause: Some(Cause::ConnectionError),
            });
        }
    }

    /// Queues a REGISTER of `kind`, or remembers it while another is in flight.
    fn send(&mut self, kind: Kind, now: Instant) {
        if self.inflight.is_some() {
            self.queued = Some(kind);
            return;
        }
        self.cseq += 1;
        let expires = match kind {
            Kind::Register => self.expires,
            Kind::Unregister | Kind::UnregisterAll => 0,
        };
        let inflight = Inflight {
            kind,
            cseq: self.cseq,
            expires,
            answered: 0,
            stale_retry: false,
            credentials: None,
            sent_at: now,
        };
        let req = self.request(&inflight);
        self.inflight = Some(inflight);
        self.requests.push_back(req);
    }

    /// The REGISTER JsSIP sends (RFC 3261 §10.2, RFC 5626 §4.2, RFC 5627).
    fn request(&self, f: &Inflight) -> OutgoingRequest {
        let p = &self.params;
        let aor = NameAddr::format(p.display_name.as_deref(), &p.aor);
        let mut r = OutgoingRequest {
            method: Method::Register,
            uri: p.registrar.clone(),
            to: aor.clone(),
            from: match (&p.from_tag_trail, f.kind) {
                (Some(trail), Kind::Register) => format!("{aor};tag={}{trail}", self.from_tag),
                _ => format!("{aor};tag={}", self.from_tag),
            },
            call_id: self.call_id.clone(),
            cseq: f.cseq,
            credentials: f.credentials.clone(),
            headers: Vec::new(),
            body: bytes::Bytes::new(),
            initial: true,
        };
        match f.kind {
            Kind::UnregisterAll => r.header("Contact", "*"),
            _ => r.header("Contact", p.contact.header_value(f.expires)),
        }
        r.header("Expires", f.expires.to_string());
        r.header("Allow", p.allow);
        r.header("Supported", "path, gruu, outbound");
        for line in &p.extra_headers {
            if let Some((name, value)) = line.split_once(':') {
                r.header(String::from(name.trim()), value.trim());
            }
        }
        r
    }

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
        match status.as_u16() {
            200..=299 => self.succeeded(f, resp, now, rng),
            401 | 407 => self.challenged(f, resp, creds, now, rng),
            // RFC 3261 §10.2.8: 423 carries the smallest expiry the registrar accepts.
            423 if f.kind == Kind::Register => {
                let min = resp.headers().min_expires().and_then(Result::ok);
                match min {
                    Some(min) if min > f.expires => {
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

    /// Runs the timers due at `now`.
    pub fn handle_timeout<R: Rng + ?Sized>(&mut self, now: Instant, _rng: &mut R) {
        if self.expires_at.is_some_and(|t| t <= now) {
            // Refreshing failed all the way to the end of the binding.
            self.expires_at = None;
            self.refresh_at = None;
            if core::mem::replace(&mut self.registered, false) {
                self.events.push_back(RegistrationEvent::Unregistered {
                    cause: Some(Cause::RequestTimeout),
                });
            }
        }
        if self.refresh_at.is_some_and(|t| t <= now) {
            self.refresh_at = None;
            self.events.push_back(RegistrationEvent::Expiring);
            if self.auto_refresh && self.connected {
                self.send(Kind::Register, now);
            }
        }
        if self.retry_at.is_some_and(|t| t <= now) {
            self.retry_at = None;
            if self.wanted && self.connected {
                self.send(Kind::Register, now);
            }
        }
    }

    /// The next instant [`Registration::handle_timeout`] has work at.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.refresh_at, self.expires_at, self.retry_at]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next REGISTER to send.
    pub fn poll_request(&mut self) -> Option<OutgoingRequest> {
        self.requests.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<RegistrationEvent> {
        self.events.pop_front()
    }
}

/// When to refresh a binding of `expires` seconds, as JsSIP: above 64 s at a random point
/// between half the expiry and 32 s before it ends, else 5 s before it ends.
pub fn refresh_delay<R: Rng + ?Sized>(expires: u32, rng: &mut R) -> Duration {
    let expires_ms = u64::from(expires) * 1000;
    if expires > 64 {
        let lo = expires_ms / 2;
        let hi = expires_ms - 32_000;
        Duration::from_millis(lo + rng.next_u64() % (hi - lo + 1))
    } else {
        Duration::from_millis(expires_ms.saturating_sub(5_000).max(1_000))
    }
}

/// Retry-After in seconds (RFC 3261 §20.33), for 5xx/6xx/404/413/480/486.
fn retry_after(resp: &Response) -> Option<Duration> {
    let ra = resp.headers().retry_after()?.ok()?;
    Some(Duration::from_secs(u64::from(ra.delta)))
}
