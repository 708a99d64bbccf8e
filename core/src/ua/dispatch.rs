//! Who waits for each client transaction (`Owner`): sending a request on an owner's behalf,
//! and routing the transaction's events (responses, timeouts, transport errors) back to the
//! registration, message or call that owns it.

use rand_core::Rng;

use super::{build_request, credentials, Event, MessageId, OutgoingRequest, SessionId, Ua};
use crate::cause::Cause;
use crate::time::Instant;
use crate::transaction::{ClientEvent, TxId};

/// Who waits for the end of a client transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Owner {
    /// A REGISTER with this CSeq.
    Register(u32),
    /// An outgoing MESSAGE.
    Message(MessageId),
    /// The INVITE of a call we placed.
    Invite(SessionId),
    /// The CANCEL of a call we placed.
    Cancel(SessionId),
    /// A BYE in a call.
    Bye(SessionId),
    /// Our re-INVITE in a call.
    Reinvite(SessionId),
    /// Our INFO (DTMF) in a call.
    Info(SessionId),
    /// Our session refresh (UPDATE or re-INVITE, RFC 4028).
    Refresh(SessionId),
    /// Our PRACK (RFC 3262).
    Prack(SessionId),
    /// Our REFER (RFC 3515).
    Refer(SessionId),
    /// Our NOTIFY reporting a REFER's progress.
    Notify(SessionId),
}

impl<R: Rng> Ua<R> {
    /// Drops the owners of transactions the layer has finished with, and the calls that only
    /// waited for them.
    pub(super) fn forget_finished(&mut self) {
        let gone: alloc::vec::Vec<(TxId, Owner)> = self
            .owners
            .iter()
            .filter(|(tx, _)| self.transactions.client(**tx).is_none())
            .map(|(t, o)| (*t, *o))
            .collect();
        for (tx, owner) in gone {
            self.owners.remove(&tx);
            if let Owner::Invite(id)
            | Owner::Cancel(id)
            | Owner::Bye(id)
            | Owner::Reinvite(id)
            | Owner::Info(id)
            | Owner::Refresh(id)
            | Owner::Prack(id)
            | Owner::Refer(id)
            | Owner::Notify(id) = owner
            {
                self.session_transaction_ended(id);
            }
        }
    }

    /// Completes, records and hands a request to a new client transaction.
    pub(super) fn send(&mut self, out: OutgoingRequest, owner: Owner, now: Instant) {
        let Some(link) = &self.link else {
            self.owner_failed(owner, Cause::ConnectionError, now);
            return;
        };
        let server = link.server.clone();
        let reliable = server.transport.is_reliable();
        let req = match build_request(&out, &self.config, &self.identity, &server, &mut self.rng) {
            Ok(r) => r,
            Err(_) => {
                // Our own headers always build; an application extra header that does not
                // is reported as a failure of the request, not a panic.
                self.owner_failed(owner, Cause::BadResponse, now);
                return;
            }
        };
        match self.transactions.send_request(req, reliable, now) {
            Ok(tx) => {
                self.owners.insert(tx, owner);
            }
            Err(_) => self.owner_failed(owner, Cause::ConnectionError, now),
        }
    }

    pub(super) fn client_event(&mut self, tx: TxId, ev: ClientEvent, now: Instant) {
        let Some(owner) = self.owners.get(&tx).copied() else {
            return;
        };
        // An INVITE's transaction outlives its first 2xx (RFC 6026 §7.2): keep listening for
        // further 2xx until the layer drops it (see `forget_finished`).
        let terminal = ev.is_terminal() && !matches!(owner, Owner::Invite(_) | Owner::Reinvite(_));
        if terminal {
            self.owners.remove(&tx);
        }
        match (owner, ev) {
            (Owner::Register(_), ClientEvent::Provisional(_) | ClientEvent::Additional2xx(_)) => {}
            (Owner::Register(_), ClientEvent::Final(resp)) => {
                let creds = credentials(&self.config);
                self.registration
                    .handle_response(&resp, creds.as_ref(), now, &mut self.rng);
            }
            (Owner::Register(cseq), ClientEvent::Timeout) => {
                self.registration
                    .request_failed(cseq, Cause::RequestTimeout, now, &mut self.rng)
            }
            (Owner::Register(cseq), ClientEvent::TransportError) => {
                self.registration
                    .request_failed(cseq, Cause::ConnectionError, now, &mut self.rng)
            }
            (Owner::Message(_), ClientEvent::Provisional(_) | ClientEvent::Additional2xx(_)) => {}
            (Owner::Invite(id), ClientEvent::Provisional(r) | ClientEvent::Final(r)) => {
                self.invite_response(id, r, false, now)
            }
            (Owner::Invite(id), ClientEvent::Additional2xx(r)) => self.invite_response(id, r, true, now),
            (Owner::Invite(id), ClientEvent::Timeout) => self.invite_failed(id, Cause::RequestTimeout),
            (Owner::Invite(id), ClientEvent::TransportError) => {
                self.invite_failed(id, Cause::ConnectionError)
            }
            (Owner::Reinvite(id), ClientEvent::Final(r)) => self.reinvite_response(id, &r, false, now),
            (Owner::Reinvite(id), ClientEvent::Additional2xx(r)) => self.reinvite_response(id, &r, true, now),
            (Owner::Reinvite(_), ClientEvent::Provisional(_)) => {}
            (Owner::Reinvite(id), ClientEvent::Timeout | ClientEvent::TransportError) => {
                self.reinvite_lost(id)
            }
            (Owner::Refresh(id), ClientEvent::Final(r)) => self.refresh_response(id, &r, now),
            (Owner::Refresh(id), ClientEvent::Timeout | ClientEvent::TransportError) => {
                self.refresh_failed(id, now)
            }
            (Owner::Refer(id), ClientEvent::Final(r)) => self.refer_response(id, r.status()),
            (Owner::Refer(id), ClientEvent::Timeout | ClientEvent::TransportError) => {
                self.event(Event::ReferFailed { id, status: None })
            }
            (Owner::Refresh(_) | Owner::Prack(_) | Owner::Refer(_) | Owner::Notify(_), _) => {}
            (Owner::Info(id), ev) => {
                if ev.is_terminal() {
                    self.dtmf_done(id, now);
                    self.session_transaction_ended(id);
                }
            }
            (Owner::Cancel(id) | Owner::Bye(id), ev) => {
                if ev.is_terminal() {
                    self.session_transaction_ended(id);
                }
            }
            (Owner::Message(id), ClientEvent::Final(resp)) => self.message_response(id, &resp, now),
            (Owner::Message(id), ClientEvent::Timeout) => self.message_failed(id, Cause::RequestTimeout),
            (Owner::Message(id), ClientEvent::TransportError) => {
                self.message_failed(id, Cause::ConnectionError)
            }
        }
    }

    pub(super) fn owner_failed(&mut self, owner: Owner, cause: Cause, now: Instant) {
        match owner {
            Owner::Register(cseq) => self.registration.request_failed(cseq, cause, now, &mut self.rng),
            Owner::Message(id) => self.message_failed(id, cause),
            Owner::Invite(id) => self.invite_failed(id, cause),
            Owner::Cancel(id) | Owner::Bye(id) => self.session_transaction_ended(id),
            Owner::Reinvite(id) => self.reinvite_lost(id),
            Owner::Info(id) => self.dtmf_done(id, now),
            Owner::Refresh(id) => self.refresh_failed(id, now),
            Owner::Prack(_) | Owner::Notify(_) => {}
            Owner::Refer(id) => self.event(Event::ReferFailed { id, status: None }),
        }
    }
}
