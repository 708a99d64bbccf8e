//! Digest authentication, client side (RFC 3261 §22.2–§22.4, RFC 2617, RFC 7616, RFC 8760):
//! answer a 401 or 407 with an `Authorization` or `Proxy-Authorization` value.
//!
//! [`DigestClient`] picks the strongest Digest challenge it supports
//! (SHA-512-256 > SHA-256 > MD5, each also in its `-sess` form), computes the response from a
//! password or a precomputed HA1 (JsSIP's `realm` + `ha1`), and counts nonce uses so a reused
//! nonce goes out with the next `nc`. The cnonce comes from the injected RNG. [`DigestHash`]
//! holds the bare hash computations.
//!
//! ```
//! use bytes::Bytes;
//! use sansip_core::auth::{AuthorizedRequest, DigestClient, DigestCredentials};
//! use sansip_core::message::{HeaderName, Message, Method};
//! use sansip_core::parse::{parse_message, Framing, Limits};
//! use rand_core::SeedableRng;
//!
//! let wire = Bytes::from_static(
//!     b"SIP/2.0 401 Unauthorized\r\n\
//!       Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKhjhs8ass877\r\n\
//!       To: <sip:alice@example.com>;tag=37GkEhwl6\r\n\
//!       From: <sip:alice@example.com>;tag=1928301774\r\n\
//!       Call-ID: a84b4c76e66710\r\n\
//!       CSeq: 1 REGISTER\r\n\
//!       WWW-Authenticate: Digest realm=\"example.com\", nonce=\"ea9c8e88\", qop=\"auth\"\r\n\
//!       \r\n",
//! );
//! let msg = parse_message(wire, Framing::WebSocket, &Limits::default())?;
//! let Message::Response(resp) = &msg else { unreachable!() };
//! let creds = DigestCredentials::with_password("alice", "secret");
//! let request = AuthorizedRequest::new(&Method::Register, "sip:example.com", b"");
//! let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
//! let mut client = DigestClient::new();
//! let auth = client.authorize_response(resp, &creds, &request, &mut rng)?;
//! assert_eq!(auth.header_name(), HeaderName::Authorization);
//! assert!(auth.value.starts_with("Digest algorithm=MD5, username=\"alice\", realm=\"example.com\""));
//! assert!(auth.value.ends_with("nc=00000001"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod client;
mod digest;
mod select;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vector_tests;
#[cfg(test)]
mod wire_tests;

pub use client::{Authorization, DigestClient};
pub use digest::{nc_hex, DigestHash};
pub use select::select_challenge;

use alloc::string::String;
use core::fmt;

use crate::header::auth::Challenge;
use crate::message::{HeaderName, Headers, Method, Request, StatusCode};

/// Which header carried the challenge: it decides the header the credentials go in
/// (RFC 3261 §22.2 for 401, §22.3 for 407).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChallengeHeader {
    /// `WWW-Authenticate` in a 401 from a registrar or UAS; answered with `Authorization`.
    WwwAuthenticate,
    /// `Proxy-Authenticate` in a 407 from a proxy; answered with `Proxy-Authorization`.
    ProxyAuthenticate,
}

impl ChallengeHeader {
    /// The challenge header of a 401 or a 407 (RFC 3261 §21.4.2, §21.4.8); `None` otherwise.
    pub fn for_status(status: StatusCode) -> Option<ChallengeHeader> {
        match status.as_u16() {
            401 => Some(ChallengeHeader::WwwAuthenticate),
            407 => Some(ChallengeHeader::ProxyAuthenticate),
            _ => None,
        }
    }

    /// The name of the challenge header itself.
    pub fn challenge_name(self) -> HeaderName {
        match self {
            ChallengeHeader::WwwAuthenticate => HeaderName::WwwAuthenticate,
            ChallengeHeader::ProxyAuthenticate => HeaderName::ProxyAuthenticate,
        }
    }

    /// The header that answers it: `Authorization` or `Proxy-Authorization`.
    pub fn credentials_name(self) -> HeaderName {
        match self {
            ChallengeHeader::WwwAuthenticate => HeaderName::Authorization,
            ChallengeHeader::ProxyAuthenticate => HeaderName::ProxyAuthorization,
        }
    }

    /// Every well-formed challenge of this header in `headers`, in order; a malformed value
    /// is skipped from its first error on.
    pub fn challenges_in(self, headers: &Headers) -> impl Iterator<Item = Challenge<'_>> + '_ {
        headers
            .get_all(self.challenge_name())
            .flat_map(Challenge::parse_list)
            .filter_map(Result::ok)
    }
}

/// A precomputed `HA1 = H(username ":" realm ":" password)` for one realm (JsSIP's `realm` +
/// `ha1` configuration), so the password need not be stored.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PrecomputedHa1<'a> {
    /// The realm the HA1 was computed for; it is used only for a challenge of exactly this realm.
    pub realm: &'a str,
    /// The HA1 as hex digits (either case).
    pub ha1: &'a str,
    /// The hash it was computed with (JsSIP's `ha1` is MD5).
    pub hash: DigestHash,
}

/// Who the UA authenticates as: JsSIP's `authorization_user` with a `password`, a
/// `realm` + `ha1`, or both (the HA1 wins when the realm matches, as in JsSIP).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DigestCredentials<'a> {
    /// The username (`authorization_user`), as the user typed it (UTF-8, unescaped).
    pub username: &'a str,
    /// The plain password.
    pub password: Option<&'a str>,
    /// A precomputed HA1 for one realm.
    pub ha1: Option<PrecomputedHa1<'a>>,
}

impl<'a> DigestCredentials<'a> {
    /// A username and a password.
    pub fn with_password(username: &'a str, password: &'a str) -> Self {
        DigestCredentials {
            username,
            password: Some(password),
            ha1: None,
        }
    }

    /// A username and an MD5 HA1 for `realm`, as JsSIP's `realm` + `ha1` configuration.
    pub fn with_ha1(username: &'a str, realm: &'a str, ha1: &'a str) -> Self {
        let ha1 = PrecomputedHa1 {
            realm,
            ha1,
            hash: DigestHash::Md5,
        };
        DigestCredentials {
            username,
            password: None,
            ha1: Some(ha1),
        }
    }
}

impl fmt::Debug for PrecomputedHa1<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrecomputedHa1")
            .field("realm", &self.realm)
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for DigestCredentials<'_> {
    /// Never prints the password or the HA1.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestCredentials")
            .field("username", &self.username)
            .field("password", &self.password.map(|_| "<redacted>"))
            .field("ha1", &self.ha1)
            .finish()
    }
}

/// The request being authorized: what goes into HA2 (RFC 7616 §3.4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthorizedRequest<'a> {
    /// The method of the request.
    pub method: &'a Method,
    /// The digest-uri: the Request-URI exactly as sent (RFC 3261 §22.4).
    pub digest_uri: &'a str,
    /// The message body, hashed for qop `auth-int`.
    pub body: &'a [u8],
}

impl<'a> AuthorizedRequest<'a> {
    /// A method, Request-URI text and body.
    pub fn new(method: &'a Method, digest_uri: &'a str, body: &'a [u8]) -> Self {
        AuthorizedRequest {
            method,
            digest_uri,
            body,
        }
    }

    /// The method, Request-URI and body of `request`.
    pub fn of(request: &'a Request) -> Self {
        AuthorizedRequest::new(request.method(), request.uri().as_str(), request.body_bytes())
    }
}

/// Why no credentials could be computed for a challenge.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// The response carries no Digest challenge (none at all, only other schemes, or it is
    /// neither a 401 nor a 407).
    #[error("no digest challenge")]
    NoDigestChallenge,
    /// The challenge names an algorithm this library does not implement.
    #[error("unsupported digest algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The challenge's qop options offer neither `auth` nor `auth-int`.
    #[error("unsupported qop options {0:?}")]
    UnsupportedQop(String),
    /// A `-sess` algorithm without qop: the server could not learn the cnonce (RFC 2617 §3.2.2).
    #[error("session algorithm without qop")]
    SessionWithoutQop,
    /// The challenge names a charset other than UTF-8 (RFC 7616 §3.3).
    #[error("unsupported charset {0:?}")]
    UnsupportedCharset(String),
    /// The challenge has no realm.
    #[error("challenge without realm")]
    MissingRealm,
    /// The challenge has no nonce.
    #[error("challenge without nonce")]
    MissingNonce,
    /// There is neither a password nor an HA1.
    #[error("no password and no ha1")]
    MissingSecret,
    /// Only an HA1 is configured, and for another realm than the challenge's.
    #[error("ha1 is for realm {configured:?}, the challenge is for {challenged:?}")]
    Ha1RealmMismatch {
        /// The realm of the configured HA1.
        configured: String,
        /// The realm of the challenge.
        challenged: String,
    },
    /// Only an HA1 is configured, computed with another hash than the challenge's algorithm.
    #[error("ha1 is a {configured:?} hash, the challenge uses {challenged:?}")]
    Ha1HashMismatch {
        /// The hash of the configured HA1.
        configured: DigestHash,
        /// The hash the challenge asks for.
        challenged: DigestHash,
    },
    /// The configured HA1 is not a hash of the right length in hex.
    #[error("ha1 is not {0} hex digits")]
    InvalidHa1(usize),
    /// A value to be quoted is not UTF-8 or holds a control character (CR, LF, NUL, ...).
    #[error("{0} value is not utf-8 or holds a control character")]
    InvalidValue(&'static str),
    /// The nonce was used 2^32 − 1 times; a fresh challenge is needed.
    #[error("nonce count exhausted")]
    NonceCountExhausted,
}
