//! The user agent: owns the transport flow, the transactions and the registration, and is
//! driven through one door (see the crate docs).
//!
//! ```text
//! ua.handle_input(Input::Received { conn, data, now });
//! ua.handle_timeout(now);
//! while let Some(out) = ua.poll_output() { /* Connect / Transmit / Disconnect / Event */ }
//! let wake = ua.poll_timeout();
//! ```

mod call;
mod call_state;
#[cfg(test)]
mod call_tests;
mod call_types;
mod dispatch;
mod dtmf;
mod identity;
mod in_dialog;
mod inbound;
mod incoming_call;
mod io;
mod message;
mod outgoing;
mod prack;
mod refer;
mod send;
mod session_timer;
mod target;
#[cfg(test)]
mod tests;
mod update;

pub use call_types::{CallOptions, Originator, SessionId};
pub use dtmf::{DtmfOptions, DTMF_DURATION};
pub use identity::{uuid_v4, LocalIdentity};
pub use in_dialog::CallCommandError;
pub use io::{Direction, DropReason, Event, Input, Output};
pub use message::MessageId;
pub use outgoing::OutgoingRequest;
pub use send::{build_request, new_branch, preloaded_route, via_transport, BRANCH_COOKIE};
pub use target::normalize_target;

use alloc::collections::{BTreeMap, VecDeque};
use bytes::Bytes;
use rand_core::Rng;

use crate::auth::DigestCredentials;
use crate::config::Config;
use crate::parse::StreamFramer;
use crate::registration::{ContactBinding, Registration, RegistrationEvent, RegistrationParams};
use crate::time::{Duration, Instant};
use crate::transaction::{TimerConfig, TransactionEvent, TransactionLayer, TxId};
use crate::transport::{ConnId, Flow, FlowAction, FlowConfig, FlowConfigError, ServerUri, TransportKind};
use dispatch::Owner;

/// The methods we accept (Allow), as JsSIP lists them.
pub const ALLOW: &str = "INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY";

/// How long `stop()` waits for the un-REGISTER before closing the connection anyway.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Why a UA could not be created.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UaError {
    /// The transport settings are unusable.
    #[error("transport configuration: {0}")]
    Flow(#[from] FlowConfigError),
    /// The target is not a SIP URI and cannot be made one (JsSIP `normalizeTarget`).
    #[error("invalid target")]
    InvalidTarget,
    /// The content type is empty or holds CR/LF.
    #[error("invalid content type")]
    InvalidContentType,
}

/// The digest credentials of `config`: `authorization_user` with `password`, and/or
/// `realm` + `ha1` (JsSIP).
fn credentials(config: &Config) -> Option<DigestCredentials<'_>> {
    let user = config.authorization_user.as_str();
    let mut creds = match (&config.realm, &config.ha1) {
        (Some(realm), Some(ha1)) => DigestCredentials::with_ha1(user, realm, ha1),
        _ => DigestCredentials::with_password(user, config.password.as_deref()?),
    };
    creds.password = config.password.as_deref();
    Some(creds)
}

impl<R: Rng> Ua<R> {
    /// Answers the 401/407 `resp` to `out` (RFC 3261 §22.2): credentials from the config for
    /// its method, Request-URI and body, and the CSeq incremented (same Call-ID and tags).
    /// False when there are no credentials or the challenge cannot be answered.
    fn answer_challenge(&mut self, out: &mut OutgoingRequest, resp: &crate::message::Response) -> bool {
        let uri = alloc::string::String::from(out.uri.as_str());
        let auth = credentials(&self.config).and_then(|creds| {
            let req = crate::auth::AuthorizedRequest::new(&out.method, &uri, &out.body);
            self.digest
                .authorize_response(resp, &creds, &req, &mut self.rng)
                .ok()
        });
        let Some(auth) = auth else { return false };
        out.cseq += 1;
        out.credentials = Some((auth.header_name(), auth.value));
        true
    }
}

/// Our Contact header value, `<uri>`, for the transport of the current connection (the
/// first server's before one is up) (RFC 3261 §8.1.1.8). Takes the fields, not `&Ua`, so
/// callers holding a call mutably can still use it.
fn contact_value(identity: &LocalIdentity, config: &Config, link: Option<&Link>) -> alloc::string::String {
    let transport = link.map(|l| l.server.transport).unwrap_or(TransportKind::Wss);
    alloc::format!("<{}>", identity.contact_uri(config, transport))
}

/// The current connection.
#[derive(Debug)]
struct Link {
    conn: ConnId,
    server: ServerUri,
    /// For TCP/TLS: the framer that cuts the stream into messages.
    framer: Option<StreamFramer>,
}

/// A SIP user agent core. See the [module docs](self).
pub struct Ua<R: Rng> {
    config: Config,
    rng: R,
    identity: LocalIdentity,
    flow: Flow,
    transactions: TransactionLayer,
    registration: Registration,
    link: Option<Link>,
    owners: BTreeMap<TxId, Owner>,
    digest: crate::auth::DigestClient,
    messages: BTreeMap<MessageId, message::PendingMessage>,
    next_message: u64,
    calls: BTreeMap<SessionId, call_state::Call>,
    next_session: u64,
    outputs: VecDeque<Output>,
    stopping: Option<Instant>,
}

impl<R: Rng> core::fmt::Debug for Ua<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ua")
            .field("uri", &self.config.uri)
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

impl<R: Rng> Ua<R> {
    /// A UA for `config`, with `rng` for every random choice (branches, tags, Call-IDs,
    /// cnonces, hacks, backoff) so a seed replays a run exactly.
    pub fn new(config: Config, mut rng: R, _now: Instant) -> Result<Self, UaError> {
        let identity = LocalIdentity::new(&config, &mut rng);
        let mut flow_config = FlowConfig::new(
            config
                .servers
                .iter()
                .map(|s| (s.server.clone(), s.weight))
                .collect(),
        );
        flow_config.recovery_min = config.connection_recovery_min_interval;
        flow_config.recovery_max = config.connection_recovery_max_interval;
        flow_config.keep_alive = config.keep_alive_interval;
        let flow = Flow::new(flow_config)?;
        // The contact's transport param follows the first server; it is rewritten per flow.
        let transport = config
            .servers
            .first()
            .map(|s| s.server.transport)
            .unwrap_or(TransportKind::Wss);
        let params = RegistrationParams {
            registrar: config.registrar_server.clone(),
            aor: config.uri.clone(),
            display_name: config.display_name.clone(),
            contact: ContactBinding {
                uri: identity.contact_uri(&config, transport),
                instance_id: identity.instance_id.clone(),
                reg_id: 1,
                ice: true,
            },
            expires: config.register_expires,
            extra_headers: config.register_extra_headers.clone(),
            allow: ALLOW,
            from_tag_trail: config.register_from_tag_trail.clone(),
            retry_min: config.connection_recovery_min_interval,
            retry_max: config.connection_recovery_max_interval,
        };
        let registration = Registration::new(params, &mut rng);
        Ok(Ua {
            transactions: TransactionLayer::new(TimerConfig::default()),
            registration,
            identity,
            flow,
            config,
            rng,
            link: None,
            owners: BTreeMap::new(),
            digest: crate::auth::DigestClient::new(),
            messages: BTreeMap::new(),
            next_message: 0,
            calls: BTreeMap::new(),
            next_session: 0,
            outputs: VecDeque::new(),
            stopping: None,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Our wire identity (Via host, Contact user, instance id).
    pub fn identity(&self) -> &LocalIdentity {
        &self.identity
    }

    /// Starts: connects, and registers when `register` is on (JsSIP `ua.start()`).
    pub fn start(&mut self, now: Instant) {
        self.stopping = None;
        self.flow.start(&mut self.rng);
        if self.config.register {
            self.registration.register(now);
        }
        self.pump(now);
    }

    /// Stops: unregisters if registered, then closes the connection (JsSIP `ua.stop()`).
    pub fn stop(&mut self, now: Instant) {
        if self.registration.is_registered() && self.link.is_some() {
            self.registration.unregister(now, false);
            self.stopping = Some(now + STOP_GRACE);
        } else {
            self.flow.stop();
        }
        self.pump(now);
    }

    /// Registers now (or refreshes), and keeps the registration up from then on.
    pub fn register(&mut self, now: Instant) {
        self.registration.register(now);
        self.pump(now);
    }

    /// Removes our binding (JsSIP `unregister()`); with `all`, every binding of the AOR
    /// (JsSIP `unregister({all: true})`, `Contact: *`).
    pub fn unregister(&mut self, now: Instant, all: bool) {
        self.registration.unregister(now, all);
        self.pump(now);
    }

    /// With automatic refresh off the core only emits [`Event::RegistrationExpiring`] and the
    /// application calls [`Ua::register`] itself (JsSIP's `registrationExpiring` listener).
    pub fn set_registration_auto_refresh(&mut self, on: bool) {
        self.registration.set_auto_refresh(on);
    }

    /// True while registered.
    pub fn is_registered(&self) -> bool {
        self.registration.is_registered()
    }

    /// Feeds one input.
    pub fn handle_input(&mut self, input: Input) {
        match input {
            Input::Connected { conn, now } => {
                self.flow.connected(conn, now);
                self.pump(now);
            }
            Input::ConnectFailed { conn, now } => {
                self.flow.connect_failed(conn, now, &mut self.rng);
                self.pump(now);
            }
            Input::Closed { conn, now } => {
                self.flow.closed(conn, now, &mut self.rng);
                self.pump(now);
            }
            Input::Received { conn, data, now } => {
                self.received(conn, data, now);
                self.pump(now);
            }
        }
    }

    /// Runs every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.flow.handle_timeout(now, &mut self.rng);
        for (tx, ev) in self.transactions.handle_timeout(now) {
            if let TransactionEvent::Client(ev) = ev {
                self.client_event(tx, ev, now);
            }
        }
        self.registration.handle_timeout(now, &mut self.rng);
        self.call_timeouts(now);
        self.in_dialog_timeouts(now);
        self.rel100_timeouts(now);
        self.forget_finished();
        if self.stopping.is_some_and(|t| t <= now) {
            self.stopping = None;
            self.flow.stop();
        }
        self.pump(now);
    }

    /// The next output, if any. Drain after every input, timeout and command.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When [`Ua::handle_timeout`] next has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.flow.poll_timeout(),
            self.transactions.poll_timeout(),
            self.registration.poll_timeout(),
            self.stopping,
            self.calls_poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn event(&mut self, e: Event) {
        self.outputs.push_back(Output::Event(e));
    }

    /// Moves work between the parts until nothing is left to do.
    fn pump(&mut self, now: Instant) {
        loop {
            let mut progressed = false;
            while let Some(action) = self.flow.poll_action() {
                progressed = true;
                self.flow_action(action, now);
            }
            while let Some(req) = self.registration.poll_request() {
                progressed = true;
                let cseq = req.cseq;
                self.send(req, Owner::Register(cseq), now);
            }
            while let Some(ev) = self.registration.poll_event() {
                progressed = true;
                self.registration_event(ev, now);
            }
            while let Some((_tx, data)) = self.transactions.poll_transmit() {
                progressed = true;
                self.transmit(data);
            }
            if !progressed {
                return;
            }
        }
    }

    fn flow_action(&mut self, action: FlowAction, now: Instant) {
        match action {
            FlowAction::Connect { conn, server } => self.outputs.push_back(Output::Connect { conn, server }),
            FlowAction::Disconnect { conn } => self.outputs.push_back(Output::Disconnect { conn }),
            FlowAction::Send { conn, data } => self.outputs.push_back(Output::Transmit { conn, data }),
            FlowAction::Connecting { server, attempt } => self.event(Event::Connecting { server, attempt }),
            FlowAction::Connected { conn, server } => {
                let framer = matches!(server.transport, TransportKind::Tcp | TransportKind::Tls)
                    .then(|| StreamFramer::new(self.config.limits));
                self.link = Some(Link {
                    conn,
                    server: server.clone(),
                    framer,
                });
                self.event(Event::Connected { server });
                self.registration.transport_up(now);
            }
            FlowAction::Disconnected { conn, server, reason } => {
                if self.link.as_ref().is_some_and(|l| l.conn == conn) {
                    self.link = None;
                }
                // The registration learns of the loss first: it re-registers on reconnect, so a
                // REGISTER lost with the connection is not a failure with its own retry.
                self.registration.transport_down(now);
                // Whatever was in flight on that connection is lost (RFC 3261 §17.1.4).
                let live: alloc::vec::Vec<TxId> = self.owners.keys().copied().collect();
                for tx in live {
                    if let Some(TransactionEvent::Client(ev)) = self.transactions.transport_error(tx) {
                        self.client_event(tx, ev, now);
                    }
                }
                self.event(Event::Disconnected { server, reason });
            }
        }
    }

    fn registration_event(&mut self, ev: RegistrationEvent, _now: Instant) {
        let e = match ev {
            RegistrationEvent::Registered { expires } => Event::Registered { expires },
            RegistrationEvent::Unregistered { cause } => {
                if self.stopping.is_some() {
                    self.stopping = None;
                    self.flow.stop();
                }
                Event::Unregistered { cause }
            }
            RegistrationEvent::Failed {
                cause,
                status,
                retry_at,
            } => {
                if self.stopping.is_some() {
                    self.stopping = None;
                    self.flow.stop();
                }
                Event::RegistrationFailed {
                    cause,
                    status,
                    retry_at,
                }
            }
            RegistrationEvent::Expiring => Event::RegistrationExpiring,
        };
        self.event(e);
    }

    fn transmit(&mut self, data: Bytes) {
        let Some(link) = &self.link else { return };
        if self.config.trace_sip {
            let e = Event::SipTrace {
                direction: Direction::Sent,
                server: link.server.clone(),
                data: data.clone(),
            };
            self.outputs.push_back(Output::Transmit {
                conn: link.conn,
                data,
            });
            self.event(e);
        } else {
            self.outputs.push_back(Output::Transmit {
                conn: link.conn,
                data,
            });
        }
    }
}
