//! The UA task: owns the core, its connections and its timer, and runs the sans-IO loop —
//! `select!` over application commands, connection events and the core's next deadline,
//! feeding each to the core and carrying out every output after it. No SIP rules here.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rand::rngs::StdRng;
use sansip_core::message::StatusCode;
use sansip_core::transport::{ConnId, ServerUri};
use sansip_core::ua::{CallOptions, Event, Input, MessageId, Output, SessionId, Ua as CoreUa, UaError};
use tokio::sync::{mpsc, oneshot};
use tokio::task::{AbortHandle, JoinSet};

use crate::clock::Clock;
use crate::handle::MessageError;
use crate::session::{SessionCommand, SessionError};
use crate::trace;
use crate::transport::{run_connection, ConnectContext, IoEvent};

/// How long, after the loop ends, connection tasks get to flush and close politely.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// A request from a [`UaHandle`](crate::UaHandle).
#[derive(Debug)]
pub(crate) enum Command {
    /// `ua.register()`.
    Register {
        /// Answered once applied.
        done: oneshot::Sender<()>,
    },
    /// `ua.unregister()`.
    Unregister {
        /// Every binding of the AOR.
        all: bool,
        /// Answered once applied.
        done: oneshot::Sender<()>,
    },
    /// `ua.send_message()`.
    SendMessage {
        /// The target as the application gave it.
        target: String,
        /// The body's Content-Type.
        content_type: String,
        /// The body.
        body: Bytes,
        /// Answered with the final outcome.
        reply: oneshot::Sender<Result<StatusCode, MessageError>>,
    },
    /// `ua.call()`.
    Call {
        /// The target as the application gave it.
        target: String,
        /// The INVITE's options (SDP offer, extra headers).
        options: CallOptions,
        /// Answered once the INVITE is queued.
        reply: oneshot::Sender<Result<SessionId, CallOrStopped>>,
    },
    /// A command on one call.
    Session {
        /// The call.
        id: SessionId,
        /// What to do.
        command: SessionCommand,
        /// Answered once applied.
        reply: oneshot::Sender<Result<(), SessionError>>,
    },
    /// `ua.stop()`.
    Stop {
        /// Dropped when the task ends.
        done: oneshot::Sender<()>,
    },
}

/// Why a `Command::Call` placed no call.
#[derive(Debug)]
pub(crate) enum CallOrStopped {
    /// The core refused it.
    Invalid(UaError),
    /// The task is stopping.
    Stopped,
}

/// A connection the core asked for and has not closed.
#[derive(Debug)]
struct Connection {
    /// Bytes to send; dropping it closes the connection.
    outgoing: mpsc::UnboundedSender<Bytes>,
    /// The I/O task, aborted when the core gives up on a connection still being opened.
    task: AbortHandle,
    /// True once open.
    open: bool,
}

/// The state of one UA task.
pub(crate) struct Driver {
    core: CoreUa<StdRng>,
    clock: Clock,
    ctx: Arc<ConnectContext>,
    commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<Event>,
    io_tx: mpsc::UnboundedSender<IoEvent>,
    io_rx: mpsc::UnboundedReceiver<IoEvent>,
    connections: HashMap<ConnId, Connection>,
    tasks: JoinSet<()>,
    messages: HashMap<MessageId, oneshot::Sender<Result<StatusCode, MessageError>>>,
    /// Calls the core knows about: from `NewSession` or `call()` until `Ended`/`Failed`.
    calls: BTreeSet<SessionId>,
    /// Dropped when the task ends, which wakes every `stop()`.
    stop_waiters: Vec<oneshot::Sender<()>>,
    stopping: bool,
}

/// Sleeps until `at`, or forever.
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Driver {
    pub(crate) fn new(
        core: CoreUa<StdRng>,
        clock: Clock,
        ctx: Arc<ConnectContext>,
        commands: mpsc::UnboundedReceiver<Command>,
        events: mpsc::UnboundedSender<Event>,
    ) -> Driver {
        let (io_tx, io_rx) = mpsc::unbounded_channel();
        Driver {
            core,
            clock,
            ctx,
            commands,
            events,
            io_tx,
            io_rx,
            connections: HashMap::new(),
            tasks: JoinSet::new(),
            messages: HashMap::new(),
            calls: BTreeSet::new(),
            stop_waiters: Vec::new(),
            stopping: false,
        }
    }

    /// The task body: start the core, loop until stopped and every connection is closed.
    pub(crate) async fn run(mut self) {
        self.core.start(self.clock.now());
        self.drain();
        let mut handles_alive = true;
        while !(self.stopping && self.connections.is_empty()) {
            let wake = self.core.poll_timeout().and_then(|at| self.clock.deadline(at));
            tokio::select! {
                command = self.commands.recv(), if handles_alive => match command {
                    Some(command) => self.command(command),
                    None => {
                        // Every handle is gone: nobody can stop us later, so stop now.
                        handles_alive = false;
                        self.stop();
                    }
                },
                Some(io) = self.io_rx.recv() => self.io(io),
                () = sleep_until(wake) => self.core.handle_timeout(self.clock.now()),
                Some(_) = self.tasks.join_next(), if !self.tasks.is_empty() => {}
            }
            self.drain();
        }
        // Dropping the senders lets each connection task flush what is queued and close.
        self.connections.clear();
        let tasks = &mut self.tasks;
        let _ = tokio::time::timeout(CLOSE_GRACE, async { while tasks.join_next().await.is_some() {} }).await;
        // Pending MESSAGEs see their reply sender dropped (MessageError::Stopped), and every
        // `stop()` returns, when `self` drops here.
    }

    fn stop(&mut self) {
        if !self.stopping {
            self.stopping = true;
            let now = self.clock.now();
            // The core's stop only unregisters: end every call first (BYE, CANCEL, 480).
            for id in std::mem::take(&mut self.calls) {
                self.core.terminate(now, id);
            }
            self.core.stop(now);
        }
    }

    fn command(&mut self, command: Command) {
        let now = self.clock.now();
        match command {
            Command::Register { done } => {
                if !self.stopping {
                    self.core.register(now);
                }
                let _ = done.send(());
            }
            Command::Unregister { all, done } => {
                if !self.stopping {
                    self.core.unregister(now, all);
                }
                let _ = done.send(());
            }
            Command::SendMessage {
                target,
                content_type,
                body,
                reply,
            } => {
                if self.stopping {
                    let _ = reply.send(Err(MessageError::Stopped));
                    return;
                }
                match self.core.send_message(now, &target, body, &content_type) {
                    // Registered before draining: the outcome may already be queued.
                    Ok(id) => {
                        self.messages.insert(id, reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(MessageError::Invalid(e)));
                    }
                }
            }
            Command::Call {
                target,
                options,
                reply,
            } => {
                if self.stopping {
                    let _ = reply.send(Err(CallOrStopped::Stopped));
                    return;
                }
                let result = self.core.call(now, &target, options);
                if let Ok(id) = result {
                    self.calls.insert(id);
                }
                let _ = reply.send(result.map_err(CallOrStopped::Invalid));
            }
            Command::Session { id, command, reply } => {
                if self.stopping {
                    let _ = reply.send(Err(SessionError::Stopped));
                    return;
                }
                let _ = reply.send(self.session(now, id, command));
            }
            Command::Stop { done } => {
                self.stop_waiters.push(done);
                self.stop();
            }
        }
    }

    fn session(
        &mut self,
        now: sansip_core::time::Instant,
        id: SessionId,
        command: SessionCommand,
    ) -> Result<(), SessionError> {
        let core = &mut self.core;
        match command {
            SessionCommand::Terminate => core.terminate(now, id),
            SessionCommand::Answer(sdp) => core.answer(now, id, sdp),
            SessionCommand::Reject(status) => core.reject(now, id, status),
            SessionCommand::Hold => core.hold(now, id)?,
            SessionCommand::Unhold => core.unhold(now, id)?,
            SessionCommand::SendDtmf(tones) => core.send_dtmf(now, id, &tones, None)?,
            SessionCommand::Refer(target) => core.refer(now, id, &target, None)?,
        }
        Ok(())
    }

    fn io(&mut self, io: IoEvent) {
        let now = self.clock.now();
        let conn = match &io {
            IoEvent::Connected(conn)
            | IoEvent::ConnectFailed(conn)
            | IoEvent::Closed(conn)
            | IoEvent::Received(conn, _) => *conn,
        };
        let Some(connection) = self.connections.get_mut(&conn) else {
            // A connection the core already closed; whatever it says is stale.
            return;
        };
        let input = match io {
            IoEvent::Connected(conn) => {
                connection.open = true;
                Input::Connected { conn, now }
            }
            IoEvent::ConnectFailed(conn) => {
                self.connections.remove(&conn);
                Input::ConnectFailed { conn, now }
            }
            IoEvent::Closed(conn) => {
                self.connections.remove(&conn);
                Input::Closed { conn, now }
            }
            IoEvent::Received(conn, data) => Input::Received { conn, data, now },
        };
        self.core.handle_input(input);
    }

    /// Carries out every output the core has queued.
    fn drain(&mut self) {
        while let Some(output) = self.core.poll_output() {
            match output {
                Output::Connect { conn, server } => self.connect(conn, server),
                Output::Transmit { conn, data } => match self.connections.get(&conn) {
                    // A send error means the task has ended and reports why itself.
                    Some(connection) => {
                        let _ = connection.outgoing.send(data);
                    }
                    None => tracing::debug!(target: "sansip::transport", "dropped bytes for closed {conn:?}"),
                },
                Output::Disconnect { conn } => {
                    if let Some(connection) = self.connections.remove(&conn) {
                        if !connection.open {
                            connection.task.abort();
                        }
                    }
                }
                Output::Event(event) => self.event(event),
            }
        }
    }

    fn connect(&mut self, conn: ConnId, server: ServerUri) {
        tracing::debug!(target: "sansip::transport", "connecting to {server}");
        let (outgoing, outgoing_rx) = mpsc::unbounded_channel();
        let task = self.tasks.spawn(run_connection(
            conn,
            server,
            self.ctx.clone(),
            outgoing_rx,
            self.io_tx.clone(),
        ));
        self.connections.insert(
            conn,
            Connection {
                outgoing,
                task,
                open: false,
            },
        );
    }

    fn event(&mut self, event: Event) {
        match &event {
            Event::SipTrace {
                direction,
                server,
                data,
            } => trace::log(*direction, server, data),
            Event::MessageSucceeded { id, status } => {
                if let Some(reply) = self.messages.remove(id) {
                    let _ = reply.send(Ok(*status));
                }
            }
            Event::MessageFailed { id, cause, status } => {
                if let Some(reply) = self.messages.remove(id) {
                    let _ = reply.send(Err(MessageError::Failed {
                        cause: *cause,
                        status: *status,
                    }));
                }
            }
            Event::NewSession { id, .. } => {
                self.calls.insert(*id);
            }
            Event::Ended { id, .. } | Event::Failed { id, .. } => {
                self.calls.remove(id);
            }
            _ => {}
        }
        // Nobody listening is fine: the application dropped its `Events`.
        let _ = self.events.send(event);
    }
}
