//! What arrives: keep-alives, stream framing, responses to our transactions, requests.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::{Bytes, BytesMut};
use rand_core::Rng;

use super::{Direction, DropReason, Event, Output, Ua, ALLOW};
use crate::message::validate::{check_request, UasPolicy};
use crate::message::{HeaderName, Message, Method, Request, Response, StatusCode};
use crate::parse::{parse_message, Frame, Framing, ParseError};
use crate::registration::random_token;
use crate::time::Instant;
use crate::transaction::{RequestDisposition, ResponseDisposition, TxId};
use crate::transport::{ConnId, TransportKind};

/// RFC 5626 §3.5.1: a double CRLF is a ping, a single CRLF the pong.
const PING: &[u8] = b"\r\n\r\n";
const PONG: &[u8] = b"\r\n";

impl<R: Rng> Ua<R> {
    pub(super) fn received(&mut self, conn: ConnId, data: Bytes, now: Instant) {
        let Some(link) = self.link.as_mut().filter(|l| l.conn == conn) else {
            self.event(Event::Dropped {
                reason: DropReason::StaleConnection,
            });
            return;
        };
        let transport = link.server.transport;
        if let Some(framer) = link.framer.as_mut() {
            framer.push(&data);
            let mut frames = Vec::new();
            let failure = loop {
                match framer.next_frame() {
                    Ok(Some(f)) => frames.push(f),
                    Ok(None) => break None,
                    Err(e) => break Some(e),
                }
            };
            for f in frames {
                match f {
                    Frame::Message(m) => self.message(m, Framing::Stream, now),
                    Frame::Ping => self.outputs.push_back(Output::Transmit {
                        conn,
                        data: Bytes::from_static(PONG),
                    }),
                    Frame::Pong => self.flow.pong_received(now),
                }
            }
            if let Some(e) = failure {
                // The stream cannot be framed any more: close it (RFC 4475 §3.1.2.3).
                self.event(Event::Dropped {
                    reason: DropReason::Framing(e),
                });
                self.flow.closed(conn, now, &mut self.rng);
            }
            return;
        }
        match &data[..] {
            PING => self.outputs.push_back(Output::Transmit {
                conn,
                data: Bytes::from_static(PONG),
            }),
            PONG => self.flow.pong_received(now),
            _ => {
                let framing = if transport == TransportKind::Udp {
                    Framing::Datagram
                } else {
                    Framing::WebSocket
                };
                self.message(data, framing, now);
            }
        }
    }

    fn message(&mut self, data: Bytes, framing: Framing, now: Instant) {
        if self.config.trace_sip {
            if let Some(link) = &self.link {
                let e = Event::SipTrace {
                    direction: Direction::Received,
                    server: link.server.clone(),
                    data: data.clone(),
                };
                self.event(e);
            }
        }
        match parse_message(data.clone(), framing, &self.config.limits) {
            Ok(Message::Response(resp)) => self.response(resp, now),
            Ok(Message::Request(req)) => self.request(req, now),
            Err(e) => {
                // A request we can still answer gets a 400 naming the problem (RFC 3261 §8.2).
                if let Some(bad) = bad_request(&data, &e, &self.identity.via_host, &mut self.rng) {
                    self.transmit(bad);
                }
                self.event(Event::Dropped {
                    reason: DropReason::Malformed(e),
                });
            }
        }
    }

    fn response(&mut self, resp: Response, now: Instant) {
        match self.transactions.receive_response(resp, now) {
            ResponseDisposition::Unmatched(_) => {
                // RFC 3261 §17.1.3: no transaction, drop it (and say so).
                self.event(Event::Dropped {
                    reason: DropReason::UnmatchedResponse,
                });
            }
            ResponseDisposition::Absorbed(_) => {}
            ResponseDisposition::Event(tx, ev) => self.client_event(tx, ev, now),
        }
    }

    fn request(&mut self, req: Request, now: Instant) {
        let reliable = self
            .link
            .as_ref()
            .is_some_and(|l| l.server.transport.is_reliable());
        match self.transactions.receive_request(req, reliable, now) {
            RequestDisposition::New(tx) => self.new_request(tx, now),
            RequestDisposition::Absorbed(_) => {}
            RequestDisposition::Ack2xx(ack) => self.incoming_ack(&ack),
            RequestDisposition::Cancel { cancel_tx, invite_tx } => {
                // RFC 3261 §9.2: 200 to the CANCEL when the INVITE is known, else 481.
                let status = if invite_tx.is_some() {
                    StatusCode::OK
                } else {
                    StatusCode::CALL_TRANSACTION_DOES_NOT_EXIST
                };
                self.reply_to(cancel_tx, status, &[], now);
                if let Some(invite_tx) = invite_tx {
                    self.incoming_cancel(invite_tx, now);
                }
            }
            RequestDisposition::Invalid(_, err) => {
                // Without the headers a transaction needs there is nobody to answer.
                self.event(Event::Dropped {
                    reason: DropReason::InvalidRequest(err),
                });
            }
        }
    }

    fn new_request(&mut self, tx: TxId, now: Instant) {
        let Some(req) = self.transactions.server(tx).map(|s| s.request().clone()) else {
            return;
        };
        let rejected = check_request(&req, &UasPolicy::default()).err().filter(|r| {
            // RFC 3428 §7: instant messages may carry any type; the application judges it.
            !(*req.method() == Method::Message && r.status == StatusCode::UNSUPPORTED_MEDIA_TYPE)
        });
        if let Some(rejection) = rejected {
            let warning = format!("399 {} \"{}\"", self.identity.via_host, rejection.problem);
            let mut extra: Vec<(HeaderName, String)> = alloc::vec![(HeaderName::Warning, warning)];
            match rejection.status.as_u16() {
                405 => extra.push((HeaderName::Allow, String::from(ALLOW))),
                415 => extra.push((HeaderName::Accept, String::from("application/sdp, text/plain"))),
                420 => {
                    if let Some(u) = crate::message::validate::unsupported_header(&rejection.problem) {
                        extra.push((HeaderName::Unsupported, u));
                    }
                }
                _ => {}
            }
            self.reply_to(tx, rejection.status, &extra, now);
            return;
        }
        // Inside a dialog (RFC 3261 §12.2.2): the call it belongs to, or 481.
        if req.to_tag().is_some() && *req.method() != Method::Options {
            if !self.in_dialog_request(tx, &req, now) {
                self.reply_to(tx, StatusCode::CALL_TRANSACTION_DOES_NOT_EXIST, &[], now);
            }
            return;
        }
        match req.method() {
            Method::Invite => self.incoming_invite(tx, req, now),
            // RFC 3261 §15.1.2: a BYE outside any dialog.
            Method::Bye => self.reply_to(tx, StatusCode::CALL_TRANSACTION_DOES_NOT_EXIST, &[], now),
            // RFC 3261 §11.2: OPTIONS gets what we support.
            Method::Options => {
                let extra = [
                    (HeaderName::Allow, String::from(ALLOW)),
                    (HeaderName::Accept, String::from("application/sdp, text/plain")),
                    (HeaderName::Supported, String::from("path, gruu, outbound")),
                ];
                self.reply_to(tx, StatusCode::OK, &extra, now);
            }
            // RFC 3428 §7: accept with 200 and hand the message to the application.
            Method::Message => {
                let text = |v: Option<&[u8]>| v.map(|v| String::from_utf8_lossy(v).into_owned());
                let h = req.headers();
                let e = Event::NewMessage {
                    from: text(h.get(HeaderName::From)).unwrap_or_default(),
                    to: text(h.get(HeaderName::To)).unwrap_or_default(),
                    content_type: text(h.get(HeaderName::ContentType)),
                    body: req.body(),
                };
                self.reply_to(tx, super::message::MESSAGE_ACCEPTED, &[], now);
                self.event(e);
            }
            // Sessions arrive with the next layer; until then say so honestly.
            _ => self.reply_to(
                tx,
                StatusCode::NOT_IMPLEMENTED,
                &[(HeaderName::Allow, String::from(ALLOW))],
                now,
            ),
        }
    }

    /// Replies on server transaction `tx` with `status` and `extra` headers.
    fn reply_to(&mut self, tx: TxId, status: StatusCode, extra: &[(HeaderName, String)], now: Instant) {
        let Some(req) = self.transactions.server(tx).map(|s| s.request().clone()) else {
            return;
        };
        let tag = random_token(&mut self.rng, 10);
        let mut b = Response::builder(status).echo(&req).to_tag(&tag);
        for (name, value) in extra {
            b = b.header(*name, value);
        }
        b = b.header(HeaderName::Server, &self.config.user_agent);
        if let Ok(resp) = b.build() {
            // An error means the transaction ended meanwhile: nothing to send.
            let _ = self.transactions.respond(tx, resp, now);
        }
    }
}

/// A 400 for a request that failed to parse, when its start line says it is a request and
/// the headers a response must echo can be found (RFC 3261 §8.2.6.2). Built by hand: the
/// message itself does not parse.
fn bad_request<R: Rng + ?Sized>(data: &[u8], err: &ParseError, via_host: &str, rng: &mut R) -> Option<Bytes> {
    let text = data.get(..data.len().min(65_535))?;
    let mut lines = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let start = lines.find(|l| !l.is_empty())?;
    // A request line ends in SIP/2.0; a response is never answered.
    if start.starts_with(b"SIP/") || !start.ends_with(b"SIP/2.0") {
        return None;
    }
    let mut echo: Vec<(HeaderName, &[u8])> = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = HeaderName::from_bytes(crate::parse::lex::trim(line.get(..colon).unwrap_or_default()));
        let value = crate::parse::lex::trim(line.get(colon + 1..).unwrap_or_default());
        if matches!(
            name,
            HeaderName::Via | HeaderName::From | HeaderName::To | HeaderName::CallId | HeaderName::CSeq
        ) {
            echo.push((name, value));
        }
    }
    for needed in [
        HeaderName::Via,
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::CSeq,
    ] {
        if !echo.iter().any(|(n, _)| *n == needed) {
            return None;
        }
    }
    let mut out = BytesMut::with_capacity(512);
    out.extend_from_slice(b"SIP/2.0 400 Bad Request\r\n");
    for (name, value) in &echo {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        if *name == HeaderName::To && !value.windows(5).any(|w| w.eq_ignore_ascii_case(b";tag=")) {
            out.extend_from_slice(b";tag=");
            out.extend_from_slice(random_token(rng, 10).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }
    // RFC 3261 §20.43: 399 is the miscellaneous warning; the text names the problem.
    out.extend_from_slice(
        format!(
            "Warning: 399 {via_host} \"{}\"\r\nContent-Length: 0\r\n\r\n",
            err.kind
        )
        .as_bytes(),
    );
    Some(out.freeze())
}
