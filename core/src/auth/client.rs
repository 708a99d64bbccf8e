//! The Digest client: answers a challenge with credentials, counting nonce uses
//! (RFC 3261 §22.2–§22.4, RFC 7616 §3.4, §3.5).

use alloc::collections::VecDeque;
use alloc::string::String;
use core::fmt;

use rand_core::Rng;

use super::digest::{nc_hex, to_hex, DigestHash};
use super::select::{plan, quotable, select_challenge, Ha1Source, Plan};
use super::{AuthorizedRequest, ChallengeHeader, DigestCredentials, DigestError};
use crate::header::auth::{AuthenticationInfo, Challenge, Qop};
use crate::message::{HeaderName, Response};
use crate::parse::lex::eq_ic;

/// How many (realm, nonce) pairs keep their nonce count; the least recently used is forgotten
/// first, and a forgotten nonce starts again at `00000001`.
const REMEMBERED_NONCES: usize = 16;

/// The number of random bytes in a cnonce (sent as twice as many hex digits).
const CNONCE_BYTES: usize = 16;

/// Computes Digest credentials and remembers, per (realm, nonce), how often each nonce was
/// used (RFC 7616 §3.4: `nc` counts the requests sent with one nonce).
#[derive(Clone, Debug, Default)]
pub struct DigestClient {
    nonces: VecDeque<NonceUse>,
}

#[derive(Clone, Debug)]
struct NonceUse {
    realm: String,
    nonce: String,
    count: u32,
}

/// Credentials ready to send: the header name and its value.
#[derive(Clone)]
pub struct Authorization {
    header: ChallengeHeader,
    /// The header value: `Digest algorithm=MD5, username="…", …`.
    pub value: String,
    check: Option<RspauthCheck>,
}

/// What checking `rspauth` needs (RFC 7616 §3.5); only with a qop.
#[derive(Clone)]
struct RspauthCheck {
    hash: DigestHash,
    ha1: String,
    nonce: String,
    nc: u32,
    cnonce: String,
    qop: Qop<'static>,
    digest_uri: String,
}

impl DigestClient {
    /// A client that has used no nonce yet.
    pub fn new() -> Self {
        DigestClient::default()
    }

    /// The `nc` last sent with this nonce of this realm; 0 when never (or forgotten).
    pub fn nonce_count(&self, realm: &str, nonce: &str) -> u32 {
        self.nonces
            .iter()
            .find(|u| u.realm == realm && u.nonce == nonce)
            .map_or(0, |u| u.count)
    }

    /// Forgets every nonce count.
    pub fn clear(&mut self) {
        self.nonces.clear();
    }

    /// Answers the 401 or 407 `response`: picks the strongest challenge it can answer (see
    /// [`select_challenge`]) and authorizes `request` with a cnonce from `rng`.
    pub fn authorize_response<R: Rng + ?Sized>(
        &mut self,
        response: &Response,
        creds: &DigestCredentials<'_>,
        request: &AuthorizedRequest<'_>,
        rng: &mut R,
    ) -> Result<Authorization, DigestError> {
        let header = ChallengeHeader::for_status(response.status()).ok_or(DigestError::NoDigestChallenge)?;
        let challenges: alloc::vec::Vec<Challenge<'_>> = header.challenges_in(response.headers()).collect();
        let challenge = select_challenge(&challenges, creds)?;
        self.authorize(challenge, header, creds, request, rng)
    }

    /// Answers one challenge that came in `header`; the cnonce is 16 bytes from `rng` in hex,
    /// drawn only when the challenge has a qop.
    pub fn authorize<R: Rng + ?Sized>(
        &mut self,
        challenge: &Challenge<'_>,
        header: ChallengeHeader,
        creds: &DigestCredentials<'_>,
        request: &AuthorizedRequest<'_>,
        rng: &mut R,
    ) -> Result<Authorization, DigestError> {
        let plan = plan(challenge, creds)?;
        quotable(request.digest_uri.as_bytes(), "uri")?;
        let cnonce = match plan.qop {
            Some(_) => random_cnonce(rng),
            None => String::new(),
        };
        self.finish(&plan, header, creds, request, &cnonce)
    }

    /// [`DigestClient::authorize`] with a given cnonce (for tests and replays); the cnonce is
    /// ignored when the challenge has no qop.
    pub fn authorize_with_cnonce(
        &mut self,
        challenge: &Challenge<'_>,
        header: ChallengeHeader,
        creds: &DigestCredentials<'_>,
        request: &AuthorizedRequest<'_>,
        cnonce: &str,
    ) -> Result<Authorization, DigestError> {
        let plan = plan(challenge, creds)?;
        quotable(request.digest_uri.as_bytes(), "uri")?;
        quotable(cnonce.as_bytes(), "cnonce")?;
        self.finish(&plan, header, creds, request, cnonce)
    }

    fn finish(
        &mut self,
        plan: &Plan<'_, '_>,
        header: ChallengeHeader,
        creds: &DigestCredentials<'_>,
        request: &AuthorizedRequest<'_>,
        cnonce: &str,
    ) -> Result<Authorization, DigestError> {
        let Plan {
            algorithm,
            hash,
            realm,
            nonce,
            ..
        } = *plan;
        // RFC 7616 §3.4: nc counts the uses of this nonce, from 00000001.
        let nc = match plan.qop {
            Some(_) => self.next_nonce_count(realm, nonce)?,
            None => 0,
        };
        let ha1 = match plan.secret {
            Ha1Source::Precomputed(ha1) => ha1.to_ascii_lowercase(),
            Ha1Source::Password(p) => hash.ha1(creds.username.as_bytes(), realm.as_bytes(), p.as_bytes()),
        };
        // RFC 7616 §3.4.2: a -sess HA1 also hashes nonce and cnonce.
        let ha1 = match algorithm.is_session() {
            true => hash.ha1_sess(&ha1, nonce.as_bytes(), cnonce.as_bytes()),
            false => ha1,
        };
        let (method, uri) = (request.method.as_str().as_bytes(), request.digest_uri.as_bytes());
        // RFC 7616 §3.4.3: auth-int adds H(entity-body) to A2.
        let ha2 = match plan.qop {
            Some(Qop::AuthInt) => hash.ha2_auth_int(method, uri, &hash.hex(request.body)),
            _ => hash.ha2(method, uri),
        };
        let response = match plan.qop {
            Some(q) => hash.response(&ha1, nonce.as_bytes(), nc, cnonce.as_bytes(), q.as_bytes(), &ha2),
            None => hash.response_without_qop(&ha1, nonce.as_bytes(), &ha2),
        };
        // RFC 7616 §3.4.4: with userhash=true the username goes out hashed.
        let username = match plan.userhash {
            true => hash.userhash(creds.username.as_bytes(), realm.as_bytes()),
            false => creds.username.into(),
        };

        // The parameter order JsSIP writes (DigestAuthentication.toString).
        let mut v = String::with_capacity(256);
        v.push_str("Digest algorithm=");
        v.push_str(core::str::from_utf8(algorithm.as_bytes()).unwrap_or_default());
        push_quoted(&mut v, "username", &username);
        push_quoted(&mut v, "realm", realm);
        push_quoted(&mut v, "nonce", nonce);
        push_quoted(&mut v, "uri", request.digest_uri);
        push_quoted(&mut v, "response", &response);
        if let Some(opaque) = plan.opaque {
            push_quoted(&mut v, "opaque", opaque);
        }
        if let Some(q) = plan.qop {
            v.push_str(", qop=");
            v.push_str(core::str::from_utf8(q.as_bytes()).unwrap_or_default());
            push_quoted(&mut v, "cnonce", cnonce);
            v.push_str(", nc=");
            v.push_str(&nc_hex(nc));
        }
        if plan.userhash {
            v.push_str(", userhash=true");
        }
        let check = plan.qop.map(|qop| RspauthCheck {
            hash,
            ha1,
            nonce: nonce.into(),
            nc,
            cnonce: cnonce.into(),
            qop,
            digest_uri: request.digest_uri.into(),
        });
        Ok(Authorization {
            header,
            value: v,
            check,
        })
    }

    /// Counts one more use of (realm, nonce) and returns the new count; the pair becomes the
    /// most recently used.
    fn next_nonce_count(&mut self, realm: &str, nonce: &str) -> Result<u32, DigestError> {
        let at = self
            .nonces
            .iter()
            .position(|u| u.realm == realm && u.nonce == nonce);
        let mut used = match at.and_then(|i| self.nonces.remove(i)) {
            Some(u) => u,
            None => NonceUse {
                realm: realm.into(),
                nonce: nonce.into(),
                count: 0,
            },
        };
        let count = used.count.checked_add(1);
        if let Some(c) = count {
            used.count = c;
        }
        self.nonces.push_back(used);
        while self.nonces.len() > REMEMBERED_NONCES {
            self.nonces.pop_front();
        }
        count.ok_or(DigestError::NonceCountExhausted)
    }
}

impl Authorization {
    /// `Authorization` for a 401 challenge, `Proxy-Authorization` for a 407 (RFC 3261 §22.2,
    /// §22.3).
    pub fn header_name(&self) -> HeaderName {
        self.header.credentials_name()
    }

    /// The header the answered challenge came in.
    pub fn challenge_header(&self) -> ChallengeHeader {
        self.header
    }

    /// True when `info` proves the server knows the secret too (RFC 7616 §3.5): its `rspauth`
    /// is the response computed with `A2 = ":" digest-uri` (for `auth-int`,
    /// `":" digest-uri ":" H(response_body)`), and its qop, cnonce and nc, when present, are
    /// the ones sent. Always false without a qop, which has no `rspauth`.
    pub fn verify_rspauth(&self, info: &AuthenticationInfo<'_>, response_body: &[u8]) -> bool {
        let (Some(k), Some(rspauth)) = (&self.check, info.rspauth.as_deref()) else {
            return false;
        };
        let same_qop = info.qop.is_none_or(|q| q == k.qop);
        let same_cnonce = info.cnonce.as_deref().is_none_or(|c| c == k.cnonce.as_bytes());
        let same_nc = info.nc.is_none_or(|nc| nc == k.nc);
        if !(same_qop && same_cnonce && same_nc) {
            return false;
        }
        let uri = k.digest_uri.as_bytes();
        let ha2 = match k.qop {
            Qop::AuthInt => k.hash.joined(&[b"", uri, k.hash.hex(response_body).as_bytes()]),
            _ => k.hash.joined(&[b"", uri]),
        };
        let expected = k.hash.response(
            &k.ha1,
            k.nonce.as_bytes(),
            k.nc,
            k.cnonce.as_bytes(),
            k.qop.as_bytes(),
            &ha2,
        );
        eq_ic(rspauth, expected.as_bytes())
    }
}

impl fmt::Debug for Authorization {
    /// Shows the header and value, never the HA1.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("header", &self.header_name())
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

/// A fresh cnonce: 16 random bytes in lowercase hex (RFC 7616 §3.4: an opaque quoted string
/// chosen by the client).
fn random_cnonce<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut bytes = [0u8; CNONCE_BYTES];
    rng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

/// Appends `, name="value"` with `"` and `\` escaped as quoted-pairs (RFC 3261 §25.1); the
/// value was checked to hold no control character.
fn push_quoted(out: &mut String, name: &str, value: &str) {
    out.push_str(", ");
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}
