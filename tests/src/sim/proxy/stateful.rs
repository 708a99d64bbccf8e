//! The proxy's transaction-stateful side (RFC 3261 §16), used over reliable transports: one
//! server transaction per request received, one branch (client transaction) per target.

use std::collections::BTreeMap;

use bytes::Bytes;
use sansip_core::message::{Method, Request, Response};
use sansip_core::time::Instant;

use super::wire::{hop_request, pop_via, response};
use super::{tx_key, PeerAction, PeerConn, Proxy, Registrar, Routed};

/// One request the proxy is forwarding, as its server side sees it.
#[derive(Debug)]
pub(super) struct ServerTx {
    upstream: PeerConn,
    /// As received.
    request: Request,
    invite: bool,
    branches: Vec<Branch>,
    /// The final response sent upstream (status, bytes).
    final_sent: Option<(u16, Bytes)>,
    /// The best non-2xx final response collected so far (RFC 3261 §16.7 step 6).
    best: Option<(u16, Bytes)>,
}

/// One target the request went to.
#[derive(Debug)]
struct Branch {
    target: PeerConn,
    /// The request as forwarded (our Via on top): CANCEL and ACK copy it.
    forwarded: Bytes,
    provisional: bool,
    final_status: Option<u16>,
    /// A CANCEL waits for a provisional response on this branch (RFC 3261 §9.1).
    cancel_pending: bool,
    cancel_sent: bool,
}

/// RFC 3261 §16.7 step 6: a 6xx beats everything, then the lowest class.
fn rank(status: u16) -> u16 {
    if status >= 600 {
        0
    } else {
        status / 100
    }
}

impl ServerTx {
    /// RFC 3261 §16.10: CANCEL every branch still without a final response; one that has not
    /// sent a provisional yet gets it when it does (§9.1).
    fn cancel_pending(&mut self) -> Routed {
        let mut out = Vec::new();
        for b in self
            .branches
            .iter_mut()
            .filter(|b| b.final_status.is_none() && !b.cancel_sent)
        {
            if b.provisional {
                b.cancel_sent = true;
                out.push((
                    b.target,
                    PeerAction::Send(hop_request("CANCEL", &b.forwarded, None)),
                ));
            } else {
                b.cancel_pending = true;
            }
        }
        out
    }

    /// Keeps `resp` if it is the best final so far.
    fn collect(&mut self, status: u16, resp: Bytes) {
        if self.best.as_ref().is_none_or(|(s, _)| rank(status) < rank(*s)) {
            self.best = Some((status, resp));
        }
    }

    /// RFC 3261 §16.7 step 6: once every branch has a final response and none went upstream,
    /// the best one goes.
    fn finish_if_done(&mut self) -> Routed {
        if self.final_sent.is_some() || self.branches.iter().any(|b| b.final_status.is_none()) {
            return Vec::new();
        }
        let Some((status, resp)) = self.best.clone() else {
            return Vec::new();
        };
        self.final_sent = Some((status, resp.clone()));
        vec![(self.upstream, PeerAction::Send(resp))]
    }
}

impl Proxy {
    pub(super) fn stateful_request(
        &mut self,
        _now: Instant,
        from: PeerConn,
        req: &Request,
        data: &Bytes,
        registrar: &Registrar,
        local: &mut impl FnMut(u16, &[(&str, String)], &mut BTreeMap<String, Bytes>) -> Routed,
    ) -> Routed {
        let method = req.method().clone();
        let branch = String::from_utf8_lossy(req.via_branch().unwrap_or_default()).into_owned();
        match method {
            Method::Cancel => {
                let Some(tx) = self.txs.get_mut(&tx_key(from, &branch, "INVITE")) else {
                    return local(481, &[], &mut self.answered);
                };
                // RFC 3261 §16.10: 200 to the CANCEL, then CANCEL the pending branches.
                let mut out = vec![(from, PeerAction::Send(response(req, 200, &[])))];
                if tx.final_sent.is_none() {
                    out.extend(tx.cancel_pending());
                }
                out
            }
            Method::Ack => {
                let key = tx_key(from, &branch, "INVITE");
                let non_2xx = self
                    .txs
                    .get(&key)
                    .is_some_and(|tx| tx.final_sent.as_ref().is_some_and(|(s, _)| *s >= 300));
                if non_2xx {
                    // RFC 3261 §16.7: the branch got our own ACK; this one ends here.
                    return Vec::new();
                }
                // The ACK for a 2xx is a transaction of its own, passed on end to end.
                let Ok(targets) = self.resolve(req, registrar) else {
                    return Vec::new();
                };
                targets
                    .into_iter()
                    .map(|t| {
                        let t = self.with_branch(t);
                        (t.conn, PeerAction::Send(self.forwarded(req, data, &t)))
                    })
                    .collect()
            }
            _ => {
                let key = tx_key(from, &branch, method.as_str());
                if let Some(tx) = self.txs.get(&key) {
                    // A retransmission: the final response again, if there is one (§17.2).
                    return tx
                        .final_sent
                        .iter()
                        .map(|(_, b)| (from, PeerAction::Send(b.clone())))
                        .collect();
                }
                let targets = match self.resolve(req, registrar) {
                    Ok(t) => t,
                    Err(status) => return local(status, &[], &mut self.answered),
                };
                let invite = method == Method::Invite;
                let mut out = Vec::new();
                if invite {
                    // RFC 3261 §16.2: a stateful proxy answers an INVITE 100 Trying.
                    out.push((from, PeerAction::Send(response(req, 100, &[]))));
                }
                let mut tx = ServerTx {
                    upstream: from,
                    request: req.clone(),
                    invite,
                    branches: Vec::new(),
                    final_sent: None,
                    best: None,
                };
                for (i, t) in targets.into_iter().enumerate() {
                    let t = self.with_branch(t);
                    let forwarded = self.forwarded(req, data, &t);
                    self.branches.insert(t.branch.clone(), (key.clone(), i));
                    tx.branches.push(Branch {
                        target: t.conn,
                        forwarded: forwarded.clone(),
                        provisional: false,
                        final_status: None,
                        cancel_pending: false,
                        cancel_sent: false,
                    });
                    out.push((t.conn, PeerAction::Send(forwarded)));
                }
                self.txs.insert(key, tx);
                out
            }
        }
    }

    /// A response on branch `branch` of ours, from connection `from`, whose bytes are `data`.
    pub(super) fn stateful_response(
        &mut self,
        from: PeerConn,
        branch: &str,
        resp: &Response,
        data: &Bytes,
    ) -> Routed {
        let Some((key, idx)) = self.branches.get(branch).cloned() else {
            return Vec::new();
        };
        let cancel_forks = self.cancel_forks;
        let Some(tx) = self.txs.get_mut(&key) else {
            return Vec::new();
        };
        let for_request = resp
            .cseq()
            .is_some_and(|c| c.method == tx.request.method().as_str().as_bytes());
        if !for_request {
            // The response to a CANCEL of ours.
            return Vec::new();
        }
        let status = resp.status().as_u16();
        let up = tx.upstream;
        let fwd = pop_via(data);
        let mut out = Vec::new();
        let b = &mut tx.branches[idx];
        if status < 200 {
            b.provisional = true;
            if b.cancel_pending && !b.cancel_sent && b.final_status.is_none() {
                b.cancel_sent = true;
                out.push((
                    b.target,
                    PeerAction::Send(hop_request("CANCEL", &b.forwarded, None)),
                ));
            }
            // RFC 3261 §16.7 step 3/5: 100 is hop by hop; other provisionals go up until a
            // final response did.
            if status != 100 && tx.final_sent.is_none() {
                out.push((up, PeerAction::Send(fwd)));
            }
            return out;
        }
        let first = b.final_status.is_none();
        if first {
            b.final_status = Some(status);
        }
        if status < 300 {
            // RFC 3261 §16.7 step 5: every 2xx to an INVITE goes up at once.
            if tx.invite || tx.final_sent.is_none() {
                out.push((up, PeerAction::Send(fwd.clone())));
            }
            if tx.final_sent.is_none() {
                tx.final_sent = Some((status, fwd));
                if tx.invite && cancel_forks {
                    // RFC 3261 §16.7 step 10: the other branches are cancelled.
                    out.extend(tx.cancel_pending());
                }
            }
            return out;
        }
        if tx.invite {
            // RFC 3261 §17.1.1.3: the ACK for a non-2xx is ours to send, on that branch.
            out.push((
                from,
                PeerAction::Send(hop_request("ACK", &b.forwarded, Some(data))),
            ));
        }
        if first {
            tx.collect(status, fwd);
            out.extend(tx.finish_if_done());
        }
        out
    }

    /// RFC 3261 §16.9: a branch whose connection closed got a 503; an INVITE whose caller's
    /// connection closed is cancelled.
    pub(super) fn stateful_closed(&mut self, conn: PeerConn) -> Routed {
        let mut out = Vec::new();
        for tx in self.txs.values_mut() {
            let mut lost = false;
            for b in tx
                .branches
                .iter_mut()
                .filter(|b| b.target == conn && b.final_status.is_none())
            {
                b.final_status = Some(503);
                lost = true;
            }
            if lost {
                let resp = response(&tx.request, 503, &[]);
                tx.collect(503, resp);
                out.extend(tx.finish_if_done());
            }
            if tx.upstream == conn && tx.invite && tx.final_sent.is_none() {
                out.extend(tx.cancel_pending());
            }
        }
        out
    }
}
