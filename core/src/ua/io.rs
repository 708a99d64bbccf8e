//! The UA's one door: what comes in ([`Input`]) and what goes out ([`Output`], [`Event`]).

use alloc::string::String;
use bytes::Bytes;

use crate::cause::Cause;
use crate::message::StatusCode;
use crate::time::Instant;
use crate::transport::{ConnId, DisconnectReason, ServerUri};

/// Something that happened outside the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Connection `conn` (asked for by [`Output::Connect`]) is open.
    Connected {
        /// The connection.
        conn: ConnId,
        /// When.
        now: Instant,
    },
    /// Connection `conn` could not be opened.
    ConnectFailed {
        /// The connection.
        conn: ConnId,
        /// When.
        now: Instant,
    },
    /// Connection `conn` closed or failed after opening.
    Closed {
        /// The connection.
        conn: ConnId,
        /// When.
        now: Instant,
    },
    /// Bytes arrived on `conn`: one WebSocket message or one datagram, or any chunk of a
    /// TCP/TLS stream (the core frames streams itself).
    Received {
        /// The connection.
        conn: ConnId,
        /// The bytes.
        data: Bytes,
        /// When.
        now: Instant,
    },
}

/// What the core asks of the runtime, or tells the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Open a connection to `server` and call it `conn` in later inputs.
    Connect {
        /// The id to use.
        conn: ConnId,
        /// Where to.
        server: ServerUri,
    },
    /// Send these bytes on `conn` (one WebSocket message, one datagram, or stream bytes).
    Transmit {
        /// The connection.
        conn: ConnId,
        /// The bytes.
        data: Bytes,
    },
    /// Close `conn`.
    Disconnect {
        /// The connection.
        conn: ConnId,
    },
    /// Something the application may want to know.
    Event(Event),
}

/// Which way a traced message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// We sent it.
    Sent,
    /// We received it.
    Received,
}

/// Why a received message was dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DropReason {
    /// It did not parse (and could not be answered with a 400).
    Malformed(crate::parse::ParseError),
    /// A response no client transaction matches (RFC 3261 §17.1.3).
    UnmatchedResponse,
    /// A request without what a transaction needs (RFC 3261 §17.2.3); nobody to answer.
    InvalidRequest(crate::transaction::TransactionError),
    /// It came on a connection that is no longer current.
    StaleConnection,
    /// The stream could not be framed any more; the connection is closed.
    Framing(crate::parse::FrameError),
}

/// Events, named after JsSIP's UA events.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A connection attempt begins (JsSIP `connecting`).
    Connecting {
        /// The server.
        server: ServerUri,
        /// 1 for the first attempt, `n + 1` after `n` consecutive failures.
        attempt: u32,
    },
    /// The transport is up (JsSIP `connected`).
    Connected {
        /// The server.
        server: ServerUri,
    },
    /// The transport is down (JsSIP `disconnected`); the core reconnects by itself.
    Disconnected {
        /// The server.
        server: ServerUri,
        /// Why.
        reason: DisconnectReason,
    },
    /// Registered for `expires` seconds (JsSIP `registered`).
    Registered {
        /// Seconds the binding lasts.
        expires: u32,
    },
    /// Not registered any more (JsSIP `unregistered`); `cause` is `None` when asked for.
    Unregistered {
        /// Why, when not asked for.
        cause: Option<Cause>,
    },
    /// A REGISTER failed (JsSIP `registrationFailed`).
    RegistrationFailed {
        /// Why.
        cause: Cause,
        /// The final status, when a response came.
        status: Option<StatusCode>,
        /// When the core retries, if it does.
        retry_at: Option<Instant>,
    },
    /// The registration refresh point was reached (JsSIP `registrationExpiring`).
    RegistrationExpiring,
    /// A call arrived (JsSIP `newRTCSession`, originator remote); it is ringing (180 sent).
    /// Answer with `Ua::answer`, refuse with `Ua::reject`.
    NewSession {
        /// The call.
        id: super::SessionId,
        /// The From header value.
        from: String,
        /// The To header value.
        to: String,
        /// The SDP offer, if the INVITE had one.
        sdp: Option<Bytes>,
        /// The call this one replaces (RFC 3891, an attended transfer): answering it ends that
        /// call with a BYE.
        replaces: Option<super::SessionId>,
    },
    /// A provisional response to our INVITE (JsSIP `progress`); `sdp` means early media.
    Progress {
        /// The call.
        id: super::SessionId,
        /// The status (180, 183, ...).
        status: StatusCode,
        /// The SDP it carried.
        sdp: Option<Bytes>,
    },
    /// The call was answered (JsSIP `accepted`); `sdp` is the answer we got, if any.
    Accepted {
        /// The call.
        id: super::SessionId,
        /// The SDP of the 2xx.
        sdp: Option<Bytes>,
    },
    /// The SDP answer came in the ACK: the INVITE had no offer, so our 2xx made it
    /// (RFC 3261 §13.2.1).
    Answer {
        /// The call.
        id: super::SessionId,
        /// The answer.
        sdp: Bytes,
    },
    /// The ACK went out or came in: the session is up (JsSIP `confirmed`).
    Confirmed {
        /// The call.
        id: super::SessionId,
    },
    /// An established call ended (JsSIP `ended`).
    Ended {
        /// The call.
        id: super::SessionId,
        /// Why.
        cause: Cause,
        /// Who ended it.
        originator: super::Originator,
    },
    /// A call ended before it was established (JsSIP `failed`).
    Failed {
        /// The call.
        id: super::SessionId,
        /// Why.
        cause: Cause,
        /// Who ended it.
        originator: super::Originator,
        /// The final status, when there was one.
        status: Option<StatusCode>,
    },
    /// The peer sent a re-INVITE in call `id`, answered from our description (JsSIP
    /// `reinvite`); hold changes also come as Hold/Unhold.
    Reinvite {
        /// The call.
        id: super::SessionId,
        /// The offer it carried, if any.
        sdp: Option<Bytes>,
    },
    /// The peer sent an UPDATE in call `id` (JsSIP `update`).
    Update {
        /// The call.
        id: super::SessionId,
        /// The offer it carried, if any.
        sdp: Option<Bytes>,
    },
    /// A call was put on hold (JsSIP `hold`), by us or by the peer.
    Hold {
        /// The call.
        id: super::SessionId,
        /// Who.
        originator: super::Originator,
    },
    /// A call was taken off hold (JsSIP `unhold`).
    Unhold {
        /// The call.
        id: super::SessionId,
        /// Who.
        originator: super::Originator,
    },
    /// A DTMF tone was sent or received by INFO (JsSIP `newDTMF`).
    NewDtmf {
        /// The call.
        id: super::SessionId,
        /// The tone: 0-9, A-D, # or *.
        tone: char,
        /// Its duration in milliseconds.
        duration: u32,
        /// Local: we sent it; remote: it arrived.
        originator: super::Originator,
    },
    /// An INFO other than DTMF arrived in a call and was answered 200 (JsSIP `newInfo`).
    NewInfo {
        /// The call.
        id: super::SessionId,
        /// Its Content-Type.
        content_type: Option<String>,
        /// Its body.
        body: Bytes,
    },
    /// The peer asks us to transfer call `id` (JsSIP `refer`): answer with `Ua::accept_refer`
    /// or `Ua::reject_refer`.
    Refer {
        /// The call.
        id: super::SessionId,
        /// The Refer-To URI (with `?Replaces=` for an attended transfer).
        target: String,
        /// True for an attended transfer (the target URI carries Replaces).
        replaces: bool,
    },
    /// Our REFER was accepted (2xx).
    ReferAccepted {
        /// The call.
        id: super::SessionId,
    },
    /// Our REFER failed.
    ReferFailed {
        /// The call.
        id: super::SessionId,
        /// The final status, when a response came.
        status: Option<StatusCode>,
    },
    /// A NOTIFY reported our REFER's progress (RFC 3515 §2.4.5).
    ReferNotify {
        /// The call.
        id: super::SessionId,
        /// The status of the transfer call.
        status: StatusCode,
        /// True when the subscription ended (a final status).
        terminated: bool,
    },
    /// A MESSAGE we sent got a 2xx (JsSIP message `succeeded`).
    MessageSucceeded {
        /// Which one.
        id: super::MessageId,
        /// The status.
        status: StatusCode,
    },
    /// A MESSAGE we sent failed (JsSIP message `failed`).
    MessageFailed {
        /// Which one.
        id: super::MessageId,
        /// Why.
        cause: Cause,
        /// The final status, when a response came.
        status: Option<StatusCode>,
    },
    /// A MESSAGE arrived and was answered 200 (JsSIP `newMessage`, originator remote).
    NewMessage {
        /// The From header value.
        from: String,
        /// The To header value.
        to: String,
        /// The Content-Type, if any.
        content_type: Option<String>,
        /// The body.
        body: Bytes,
    },
    /// `trace_sip`: a message sent or received, for the adapter to log.
    SipTrace {
        /// Sent or received.
        direction: Direction,
        /// The server of the connection.
        server: ServerUri,
        /// The bytes.
        data: Bytes,
    },
    /// A received message was dropped (a trace event; never silence).
    Dropped {
        /// Why.
        reason: DropReason,
    },
}
