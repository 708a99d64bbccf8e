//! The ACK an INVITE client transaction sends for a non-2xx final response (RFC 3261 §17.1.1.3).

use alloc::vec::Vec;

use crate::message::{split_list, BuildError, HeaderName, Method, Request, Response};

/// Builds the ACK for a 300–699 response to `invite` (RFC 3261 §17.1.1.3): the INVITE's
/// Request-URI, Call-ID, From and CSeq number (method ACK); To from the response, with its
/// tag; only the INVITE's top Via; the INVITE's Route headers; Max-Forwards 70; no body.
pub fn ack_for_non_2xx(invite: &Request, response: &Response) -> Result<Request, BuildError> {
    let h = invite.headers();
    // Only the top via-parm, even if the first Via line holds several.
    let top_via = h.get(HeaderName::Via).and_then(|v| split_list(v).next());
    let mut cseq = Vec::with_capacity(16);
    if let Some(c) = invite.cseq() {
        cseq.extend_from_slice(&crate::uri::itoa_u64(u64::from(c.seq)));
    }
    cseq.extend_from_slice(b" ACK");

    let mut b = Request::builder(Method::Ack, invite.uri().clone())
        .header(HeaderName::Via, top_via.unwrap_or_default())
        .header(HeaderName::MaxForwards, "70");
    for route in h.get_all(HeaderName::Route) {
        b = b.header(HeaderName::Route, route);
    }
    b.header(HeaderName::From, h.get(HeaderName::From).unwrap_or_default())
        .header(
            HeaderName::To,
            response.headers().get(HeaderName::To).unwrap_or_default(),
        )
        .header(HeaderName::CallId, h.get(HeaderName::CallId).unwrap_or_default())
        .header(HeaderName::CSeq, cseq)
        .build()
}
