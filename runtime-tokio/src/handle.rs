//! The application's side of a UA task: [`Ua::start`], the [`UaHandle`] commands and the
//! [`Events`] stream.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use rand::rngs::{StdRng, SysRng};
use rand::SeedableRng;
use sansip_core::cause::Cause;
use sansip_core::config::Config;
use sansip_core::message::StatusCode;
use sansip_core::ua::{CallOptions, Event, SessionId, Ua as CoreUa, UaError};
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::driver::{CallOrStopped, Command, Driver};
use crate::session::{CallError, Session};
use crate::transport::ConnectContext;
use crate::{TlsError, UaOptions};

/// Why a UA task could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// [`Ua::start`] was called outside a tokio runtime.
    #[error("no tokio runtime: start the ua from within one")]
    NoRuntime,
    /// The core refused the configuration.
    #[error("cannot create the user agent: {0}")]
    Ua(#[from] UaError),
    /// The TLS settings are unusable.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The OS random source failed.
    #[error("cannot seed the random number generator from the os: {0}")]
    Entropy(String),
}

/// The UA task has ended (after [`UaHandle::stop`], or when every handle was dropped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the user agent has stopped")]
pub struct Stopped;

/// Why [`UaHandle::send_message`] did not get a 2xx.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// The target or content type was refused before anything was sent.
    #[error("invalid message: {0}")]
    Invalid(#[from] UaError),
    /// The MESSAGE failed: a non-2xx final response, a timeout or a transport error.
    #[error("message failed: {}", failure_text(*.cause, *.status))]
    Failed {
        /// Why (JsSIP's cause).
        cause: Cause,
        /// The final status, when a response came.
        status: Option<StatusCode>,
    },
    /// The UA stopped before the final response.
    #[error("the user agent has stopped")]
    Stopped,
}

fn failure_text(cause: Cause, status: Option<StatusCode>) -> String {
    match status {
        Some(status) => format!("{status} ({cause:?})"),
        None => format!("{cause:?}"),
    }
}

/// Starts UA tasks. Each [`Ua::start`] spawns one task that owns the core, its connections
/// and its timers; many can run in one process.
#[derive(Debug)]
pub struct Ua {
    _private: (),
}

impl Ua {
    /// Starts a UA for `config` with the default [`UaOptions`]: it connects, and registers
    /// when the configuration's `register` is on. Must be called within a tokio runtime.
    pub fn start(config: Config) -> Result<(UaHandle, Events), StartError> {
        Self::start_with(config, UaOptions::new())
    }

    /// Starts a UA for `config` with `options`.
    pub fn start_with(config: Config, options: UaOptions) -> Result<(UaHandle, Events), StartError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| StartError::NoRuntime)?;
        let rng = match options.seed_value() {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::try_from_rng(&mut SysRng).map_err(|e| StartError::Entropy(e.to_string()))?,
        };
        let ctx = Arc::new(ConnectContext {
            tls: options.tls_options().client_config()?,
            connect_timeout: options.connect_timeout_value(),
        });
        let clock = Clock::start();
        let core = CoreUa::new(config, rng, clock.now())?;
        let (commands, command_rx) = mpsc::unbounded_channel();
        let (event_tx, events) = mpsc::unbounded_channel();
        runtime.spawn(Driver::new(core, clock, ctx, command_rx, event_tx).run());
        Ok((UaHandle { commands }, Events { rx: events }))
    }
}

/// Commands to a running UA. Cheap to clone; the task stops when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct UaHandle {
    commands: mpsc::UnboundedSender<Command>,
}

impl UaHandle {
    async fn ask(&self, command: impl FnOnce(oneshot::Sender<()>) -> Command) -> Result<(), Stopped> {
        let (done, applied) = oneshot::channel();
        self.commands.send(command(done)).map_err(|_| Stopped)?;
        applied.await.map_err(|_| Stopped)
    }

    /// Registers now (or refreshes) and keeps the registration up (JsSIP `register()`). Returns
    /// once the core has the command; the outcome comes as [`Event::Registered`] or
    /// [`Event::RegistrationFailed`].
    pub async fn register(&self) -> Result<(), Stopped> {
        self.ask(|done| Command::Register { done }).await
    }

    /// Removes our binding (JsSIP `unregister()`); the outcome comes as
    /// [`Event::Unregistered`].
    pub async fn unregister(&self) -> Result<(), Stopped> {
        self.ask(|done| Command::Unregister { all: false, done }).await
    }

    /// Removes every binding of our address of record (JsSIP `unregister({all: true})`).
    pub async fn unregister_all(&self) -> Result<(), Stopped> {
        self.ask(|done| Command::Unregister { all: true, done }).await
    }

    /// Sends a MESSAGE (RFC 3428) to `target` (a SIP URI, `user@domain`, or a user at our
    /// domain) and returns the final status once it arrives: `Ok` for a 2xx.
    pub async fn send_message(
        &self,
        target: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> Result<StatusCode, MessageError> {
        let (reply, result) = oneshot::channel();
        let command = Command::SendMessage {
            target: target.to_owned(),
            content_type: content_type.to_owned(),
            body: body.into(),
            reply,
        };
        self.commands.send(command).map_err(|_| MessageError::Stopped)?;
        result.await.unwrap_or(Err(MessageError::Stopped))
    }

    /// Places a call to `target` (JsSIP `call()`) and returns its [`Session`] once the core has
    /// the INVITE queued; progress comes as the core's session events on [`Events`].
    pub async fn call(&self, target: &str, options: CallOptions) -> Result<Session, CallError> {
        let (reply, result) = oneshot::channel();
        let command = Command::Call {
            target: target.to_owned(),
            options,
            reply,
        };
        self.commands.send(command).map_err(|_| CallError::Stopped)?;
        match result.await {
            Ok(Ok(id)) => Ok(self.session(id)),
            Ok(Err(CallOrStopped::Invalid(e))) => Err(CallError::Invalid(e)),
            Ok(Err(CallOrStopped::Stopped)) | Err(_) => Err(CallError::Stopped),
        }
    }

    /// A handle on call `id` (an incoming call's `Event::NewSession` id, say).
    pub fn session(&self, id: SessionId) -> Session {
        Session::new(id, self.commands.clone())
    }

    /// Stops (JsSIP `stop()`): ends every call (BYE, CANCEL or a 480 rejection), unregisters
    /// when registered, closes the connection, and returns when the task has ended.
    pub async fn stop(&self) {
        let (done, ended) = oneshot::channel();
        if self.commands.send(Command::Stop { done }).is_ok() {
            // The task drops `done` when it ends.
            let _ = ended.await;
        }
    }

    /// True once the task has ended.
    pub fn is_stopped(&self) -> bool {
        self.commands.is_closed()
    }
}

/// The UA's events, JsSIP-named ([`Event`]), in order. Ends when the task ends. Events queue up
/// until read: read them, or drop this to discard them.
#[derive(Debug)]
pub struct Events {
    rx: mpsc::UnboundedReceiver<Event>,
}

impl Events {
    /// The next event; `None` once the task has ended and every event was read.
    pub async fn next(&mut self) -> Option<Event> {
        self.rx.recv().await
    }
}

impl futures_util::Stream for Events {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.get_mut().rx.poll_recv(cx)
    }
}
