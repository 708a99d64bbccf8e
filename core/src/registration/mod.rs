//! Registration (RFC 3261 §10) as JsSIP's `Registrator` does it, plus what JsSIP lacks:
//! retry with backoff after a failure (honouring Retry-After), re-registration as soon as the
//! transport is back, and a state that stays right when a refresh overlaps a reconnect.
//!
//! A sans-IO state machine: commands and responses in, [`OutgoingRequest`]s and
//! [`RegistrationEvent`]s out, deadlines through [`Registration::poll_timeout`].

mod binding;
mod response;
#[cfg(test)]
mod tests;
mod timing;
mod token;

pub use binding::ContactBinding;
pub use timing::refresh_delay;
pub(crate) use token::random_token;

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use rand_core::Rng;

use crate::auth::DigestClient;
use crate::cause::Cause;
use crate::header::NameAddr;
use crate::message::{HeaderName, Method, StatusCode};
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
