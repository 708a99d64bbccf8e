//! Calls through the handle: [`Session`] commands for one INVITE session (signalling only; the
//! application supplies the SDP).

use bytes::Bytes;
use sansip_core::message::StatusCode;
use sansip_core::ua::{CallCommandError, SessionId, UaError};
use tokio::sync::{mpsc, oneshot};

use crate::driver::Command;
use crate::Stopped;

/// Why [`UaHandle::call`](crate::UaHandle::call) did not place a call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The target was refused before anything was sent.
    #[error("invalid call: {0}")]
    Invalid(#[from] UaError),
    /// The UA has stopped (or is stopping).
    #[error("the user agent has stopped")]
    Stopped,
}

/// Why a [`Session`] command was not applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The core refused the command for this call.
    #[error(transparent)]
    Refused(#[from] CallCommandError),
    /// The UA has stopped.
    #[error("the user agent has stopped")]
    Stopped,
}

/// One command on a session, mapped 1:1 to the core's `Ua` methods.
#[derive(Debug)]
pub(crate) enum SessionCommand {
    /// `Ua::terminate`.
    Terminate,
    /// `Ua::answer` with the local SDP.
    Answer(Bytes),
    /// `Ua::reject` with a final non-2xx status.
    Reject(StatusCode),
    /// `Ua::hold`.
    Hold,
    /// `Ua::unhold`.
    Unhold,
    /// `Ua::send_dtmf` with the default duration.
    SendDtmf(String),
    /// `Ua::refer` without Replaces.
    Refer(String),
}

/// One call (JsSIP `RTCSession`, signalling only). Cheap to clone; its outcome comes as the
/// core's session events on [`Events`](crate::Events), carrying [`Session::id`].
#[derive(Clone, Debug)]
pub struct Session {
    id: SessionId,
    commands: mpsc::UnboundedSender<Command>,
}

impl Session {
    pub(crate) fn new(id: SessionId, commands: mpsc::UnboundedSender<Command>) -> Session {
        Session { id, commands }
    }

    /// The id the core's events carry for this call.
    pub fn id(&self) -> SessionId {
        self.id
    }

    async fn ask(&self, command: SessionCommand) -> Result<(), SessionError> {
        let (reply, result) = oneshot::channel();
        let command = Command::Session {
            id: self.id,
            command,
            reply,
        };
        self.commands.send(command).map_err(|_| SessionError::Stopped)?;
        result.await.unwrap_or(Err(SessionError::Stopped))
    }

    /// Ends the call whatever its state (JsSIP `terminate()`): CANCEL, a rejection or a BYE.
    /// Returns once the core has it; the end comes as `Event::Ended` or `Event::Failed`.
    pub async fn terminate(&self) -> Result<(), Stopped> {
        self.ask(SessionCommand::Terminate).await.map_err(|_| Stopped)
    }

    /// Answers an incoming call with the local SDP (JsSIP `answer()`); ignored unless ringing.
    pub async fn answer(&self, sdp: impl Into<Bytes>) -> Result<(), Stopped> {
        self.ask(SessionCommand::Answer(sdp.into()))
            .await
            .map_err(|_| Stopped)
    }

    /// Rejects an incoming call with `status` (a final non-2xx); ignored unless ringing.
    pub async fn reject(&self, status: StatusCode) -> Result<(), Stopped> {
        self.ask(SessionCommand::Reject(status))
            .await
            .map_err(|_| Stopped)
    }

    /// Puts the call on hold by re-INVITE (JsSIP `hold()`).
    pub async fn hold(&self) -> Result<(), SessionError> {
        self.ask(SessionCommand::Hold).await
    }

    /// Takes the call off hold by re-INVITE (JsSIP `unhold()`).
    pub async fn unhold(&self) -> Result<(), SessionError> {
        self.ask(SessionCommand::Unhold).await
    }

    /// Sends DTMF `tones` by INFO (JsSIP `sendDTMF()`), with the default duration.
    pub async fn send_dtmf(&self, tones: &str) -> Result<(), SessionError> {
        self.ask(SessionCommand::SendDtmf(tones.to_owned())).await
    }

    /// Transfers the peer to `target` by REFER (JsSIP `refer()`).
    pub async fn refer(&self, target: &str) -> Result<(), SessionError> {
        self.ask(SessionCommand::Refer(target.to_owned())).await
    }
}
