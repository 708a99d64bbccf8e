//! Completing and sending requests: the Via with a fresh branch, Max-Forwards, the preloaded
//! Route, credentials and User-Agent (RFC 3261 §8.1.1), and the config hacks.

use alloc::format;
use alloc::string::String;
use rand_core::Rng;

use super::{LocalIdentity, OutgoingRequest};
use crate::config::Config;
use crate::message::{BuildError, HeaderName, Request};
use crate::registration::random_token;
use crate::transport::{ServerUri, TransportKind};

/// The magic cookie that starts every RFC 3261 branch (§8.1.1.7).
pub const BRANCH_COOKIE: &str = "z9hG4bK";

/// A branch: the cookie and 16 random base-36 characters (about 82 bits; JsSIP uses
/// `floor(random·1e7)`, about 23 bits).
pub fn new_branch<R: Rng + ?Sized>(rng: &mut R) -> String {
    format!("{BRANCH_COOKIE}{}", random_token(rng, 16))
}

/// The Via transport token: WS/WSS/UDP/TCP/TLS, or TCP for WebSockets with `hack_via_tcp`.
pub fn via_transport(config: &Config, transport: TransportKind) -> &'static str {
    match transport {
        TransportKind::Ws | TransportKind::Wss if config.hack_via_tcp => "TCP",
        t => t.via_token(),
    }
}

/// The `Route` JsSIP preloads with `use_preloaded_route`: the connected server as a loose
/// route, `<sip:HOST[:PORT];transport=ws;lr>`.
pub fn preloaded_route(server: &ServerUri) -> String {
    format!(
        "<sip:{};transport={};lr>",
        server.host_port(),
        server.transport.uri_param()
    )
}

/// Writes `out` as a full request for the connection to `server`.
pub fn build_request<R: Rng + ?Sized>(
    out: &OutgoingRequest,
    config: &Config,
    identity: &LocalIdentity,
    server: &ServerUri,
    rng: &mut R,
) -> Result<Request, BuildError> {
    let transport = server.transport;
    // RFC 3581: ask for rport where NAT rewriting matters (datagrams); JsSIP sends none on WS.
    let rport = if transport == TransportKind::Udp {
        ";rport"
    } else {
        ""
    };
    let via = format!(
        "SIP/2.0/{} {};branch={}{rport}",
        via_transport(config, transport),
        identity.via_host,
        new_branch(rng)
    );
    let mut b = Request::builder(out.method.clone(), out.uri.clone())
        .header(HeaderName::Via, via)
        // RFC 3261 §8.1.1.6.
        .header(HeaderName::MaxForwards, "70");
    if out.initial && config.use_preloaded_route {
        b = b.header(HeaderName::Route, preloaded_route(server));
    }
    b = b
        .header(HeaderName::To, &out.to)
        .header(HeaderName::From, &out.from)
        .header(HeaderName::CallId, &out.call_id)
        .header(HeaderName::CSeq, format!("{} {}", out.cseq, out.method));
    if let Some((name, value)) = &out.credentials {
        b = b.header(*name, value);
    }
    // JsSIP `authorization_jwt`: sent as given in Authorization (RequestSender.js); a digest
    // answer to a 401 takes its place rather than being overwritten as JsSIP does.
    if let Some(jwt) = &config.authorization_jwt {
        if !matches!(&out.credentials, Some((HeaderName::Authorization, _))) {
            b = b.header(HeaderName::Authorization, jwt);
        }
    }
    for (name, value) in &out.headers {
        b = b.header_raw(name, value);
    }
    b = b.header(HeaderName::UserAgent, &config.user_agent);
    b.body(out.body.clone()).build()
}
