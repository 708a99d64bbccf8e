//! Which challenge to answer, and whether one can be answered at all (RFC 7616 §3.3, §3.7).

use alloc::string::String;

use super::{DigestCredentials, DigestError, DigestHash};
use crate::header::auth::{Algorithm, Challenge, Qop, QopOptions};
use crate::parse::lex::eq_ic;

/// Where HA1 comes from.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ha1Source<'s> {
    /// A configured HA1 for the challenge's realm, already checked to be hex of the right length.
    Precomputed(&'s str),
    /// The password: HA1 is computed.
    Password(&'s str),
}

/// A challenge checked to be answerable, with its values as text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan<'c, 's> {
    pub algorithm: Algorithm<'c>,
    pub hash: DigestHash,
    pub realm: &'c str,
    pub nonce: &'c str,
    pub opaque: Option<&'c str>,
    pub qop: Option<Qop<'static>>,
    pub userhash: bool,
    pub secret: Ha1Source<'s>,
}

/// Checks that `challenge` can be answered with `creds`, and how.
pub(super) fn plan<'c, 's>(
    challenge: &'c Challenge<'_>,
    creds: &DigestCredentials<'s>,
) -> Result<Plan<'c, 's>, DigestError> {
    if !challenge.is_digest() {
        return Err(DigestError::NoDigestChallenge);
    }
    let algorithm = challenge.algorithm;
    let hash = DigestHash::of(algorithm)
        .ok_or_else(|| DigestError::UnsupportedAlgorithm(lossy(algorithm.as_bytes())))?;
    // RFC 7616 §3.3: the only charset defined is UTF-8.
    if let Some(cs) = challenge.charset.filter(|cs| !eq_ic(cs, b"UTF-8")) {
        return Err(DigestError::UnsupportedCharset(lossy(cs)));
    }
    let realm = challenge.realm.as_deref().ok_or(DigestError::MissingRealm)?;
    let realm = quotable(realm, "realm")?;
    let nonce = challenge.nonce.as_deref().ok_or(DigestError::MissingNonce)?;
    let nonce = quotable(nonce, "nonce")?;
    let opaque = match challenge.opaque.as_deref() {
        Some(o) => Some(quotable(o, "opaque")?),
        None => None,
    };
    let qop = choose_qop(challenge.qop)?;
    if qop.is_none() && algorithm.is_session() {
        // RFC 2617 §3.2.2: cnonce is sent only with qop, and a -sess HA1 needs it.
        return Err(DigestError::SessionWithoutQop);
    }
    quotable(creds.username.as_bytes(), "username")?;
    let secret = ha1_source(creds, realm, hash)?;
    Ok(Plan {
        algorithm,
        hash,
        realm,
        nonce,
        opaque,
        qop,
        userhash: challenge.userhash,
        secret,
    })
}

/// The qop to use. `auth` when offered, else `auth-int`, else none when the challenge has no
/// qop (RFC 2617 §3.2.2.1, RFC 2069 compatibility).
///
/// RFC 7616 §3.3 lets the client pick any option the server offered and states no preference.
/// `auth` wins over `auth-int` (JsSIP does the opposite): every SIP server implements it, it
/// needs no pass over the body, and `auth-int` protects only the body (RFC 2617 §3.2.2.3), which
/// B2BUAs and SBCs may rewrite on the way, so it fails where `auth` works while the headers that
/// matter stay unprotected either way.
fn choose_qop(options: Option<QopOptions<'_>>) -> Result<Option<Qop<'static>>, DigestError> {
    let Some(options) = options else {
        return Ok(None);
    };
    if options.contains(Qop::Auth) {
        Ok(Some(Qop::Auth))
    } else if options.contains(Qop::AuthInt) {
        Ok(Some(Qop::AuthInt))
    } else {
        // RFC 7616 §3.4: the qop sent must be one the server offered.
        Err(DigestError::UnsupportedQop(lossy(options.as_bytes())))
    }
}

/// HA1 from the configured HA1 when its realm and hash match the challenge (JsSIP: realm
/// compared exactly), else from the password.
fn ha1_source<'s>(
    creds: &DigestCredentials<'s>,
    realm: &str,
    hash: DigestHash,
) -> Result<Ha1Source<'s>, DigestError> {
    if let Some(p) = creds.ha1.filter(|p| p.realm == realm && p.hash == hash) {
        let hex = p.ha1.len() == hash.hex_len() && p.ha1.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex {
            return Err(DigestError::InvalidHa1(hash.hex_len()));
        }
        return Ok(Ha1Source::Precomputed(p.ha1));
    }
    if let Some(password) = creds.password {
        return Ok(Ha1Source::Password(password));
    }
    match creds.ha1 {
        Some(p) if p.realm != realm => Err(DigestError::Ha1RealmMismatch {
            configured: p.realm.into(),
            challenged: realm.into(),
        }),
        Some(p) => Err(DigestError::Ha1HashMismatch {
            configured: p.hash,
            challenged: hash,
        }),
        None => Err(DigestError::MissingSecret),
    }
}

/// The strongest challenge that can be answered with `creds` (RFC 7616 §3.7: the client uses
/// the strongest algorithm it supports): SHA-512-256 > SHA-256 > MD5, a `-sess` form ranking
/// with its hash; on a tie the first, as the server lists its preference first.
///
/// Other schemes, unknown algorithms, unusable qop lists, and challenges the credentials cannot
/// answer (an HA1 for another realm or hash, and no password) are skipped. When none is left the
/// error is the first Digest challenge's, or [`DigestError::NoDigestChallenge`].
pub fn select_challenge<'c, 'a: 'c>(
    challenges: impl IntoIterator<Item = &'c Challenge<'a>>,
    creds: &DigestCredentials<'_>,
) -> Result<&'c Challenge<'a>, DigestError> {
    let mut best: Option<(u8, &'c Challenge<'a>)> = None;
    let mut first_error = None;
    for c in challenges {
        match plan(c, creds) {
            Ok(_) => {
                let s = c.strength().unwrap_or(0);
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, c));
                }
            }
            Err(e) => {
                if c.is_digest() && first_error.is_none() {
                    first_error = Some(e);
                }
            }
        }
    }
    match best {
        Some((_, c)) => Ok(c),
        None => Err(first_error.unwrap_or(DigestError::NoDigestChallenge)),
    }
}

/// `v` as text that can go in a quoted-string: UTF-8 (RFC 3261 §25.1 `UTF8-NONASCII`) with no
/// control character but HTAB.
pub(super) fn quotable<'v>(v: &'v [u8], what: &'static str) -> Result<&'v str, DigestError> {
    let s = core::str::from_utf8(v).map_err(|_| DigestError::InvalidValue(what))?;
    if s.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(DigestError::InvalidValue(what));
    }
    Ok(s)
}

fn lossy(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}
