//! The route set of a dialog (RFC 3261 §12.1.1, §12.1.2) and how it routes a request
//! (§12.2.1.1: loose routing, or strict routing for a pre-RFC 3261 first hop).

use alloc::string::String;
use alloc::vec::Vec;

use super::{unfold, DialogError};
use crate::header::NameAddr;
use crate::message::{Headers, Request, Response};
use crate::parse::offset_in;
use crate::uri::Uri;

/// The proxies a dialog's requests pass through, in the order they are visited, each with
/// all its parameters (RFC 3261 §12.1.1).
#[derive(Clone, Debug, Default)]
pub struct RouteSet {
    routes: Vec<NameAddr>,
}

impl RouteSet {
    /// The route set of a UAS: the request's Record-Route entries in order (RFC 3261 §12.1.1).
    pub fn from_request(request: &Request) -> Result<RouteSet, DialogError> {
        Self::from_record_route(request.headers(), false)
    }

    /// The route set of a UAC: the response's Record-Route entries in reverse order (RFC 3261
    /// §12.1.2).
    pub fn from_response(response: &Response) -> Result<RouteSet, DialogError> {
        Self::from_record_route(response.headers(), true)
    }

    fn from_record_route(headers: &Headers, reverse: bool) -> Result<RouteSet, DialogError> {
        let bad = DialogError::BadHeader("Record-Route");
        let mut routes = Vec::new();
        for rr in headers.record_route() {
            let rr = rr.map_err(|_| bad.clone())?;
            // Own copy on one line, so the dialog does not hold the whole message.
            routes.push(NameAddr::parse(unfold(rr.as_bytes()).as_bytes()).map_err(|_| bad.clone())?);
        }
        if reverse {
            routes.reverse();
        }
        Ok(RouteSet { routes })
    }

    /// The routes in order.
    pub fn iter(&self) -> impl Iterator<Item = &NameAddr> + '_ {
        self.routes.iter()
    }
    /// The number of routes.
    pub fn len(&self) -> usize {
        self.routes.len()
    }
    /// True when requests go straight to the remote target.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }
    /// The first hop, if any.
    pub fn first(&self) -> Option<&NameAddr> {
        self.routes.first()
    }

    /// The Request-URI and the Route header value (if any) of a request to `remote_target`
    /// (RFC 3261 §12.2.1.1).
    pub fn route(&self, remote_target: &Uri) -> (Uri, Option<String>) {
        let Some(first) = self.routes.first() else {
            // No route set: straight to the remote target, no Route header.
            return (remote_target.clone(), None);
        };
        if first.uri().is_loose_route() {
            // Loose routing: R-URI = remote target, Route = the route set in order.
            return (remote_target.clone(), Some(join(self.routes.iter())));
        }
        // Strict routing: R-URI = the first route's URI without what a Request-URI may not
        // carry; Route = the rest of the route set, then the remote target as the last value.
        let mut value = join(self.routes.iter().skip(1));
        if !value.is_empty() {
            value.push_str(", ");
        }
        value.push('<');
        value.push_str(remote_target.as_str());
        value.push('>');
        (request_uri_form(first.uri()), Some(value))
    }
}

/// The routes as one Route header value, comma-separated.
fn join<'a>(routes: impl Iterator<Item = &'a NameAddr>) -> String {
    let mut out = String::new();
    for r in routes {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&String::from_utf8_lossy(r.as_bytes()));
    }
    out
}

/// `uri` without the parts RFC 3261 §19.1.1 Table 1 forbids in a Request-URI: the `method`
/// parameter and `?headers` (RFC 3261 §12.2.1.1 "stripping any parameters that are not
/// allowed in a Request-URI").
pub(crate) fn request_uri_form(uri: &Uri) -> Uri {
    let raw = uri.as_bytes();
    let has_method = uri.params().contains("method");
    if uri.headers_raw().is_none() && !has_method {
        return uri.clone();
    }
    // Where a part starts in `raw`, minus its leading `;` or `?`.
    let start_of = |part: &[u8]| offset_in(raw, part).checked_sub(1).filter(|&s| s < raw.len());
    let params = uri.params();
    let end = if params.is_empty() {
        uri.headers_raw().and_then(start_of).unwrap_or(raw.len())
    } else {
        start_of(params.as_bytes()).unwrap_or(raw.len())
    };
    let mut text = raw.get(..end).unwrap_or(raw).to_vec();
    for (name, value) in params.iter() {
        if crate::parse::lex::eq_ic(name, b"method") {
            continue;
        }
        text.push(b';');
        text.extend_from_slice(name);
        if let Some(v) = value {
            text.push(b'=');
            text.extend_from_slice(v);
        }
    }
    Uri::parse(bytes::Bytes::from(text)).unwrap_or_else(|_| uri.clone())
}
