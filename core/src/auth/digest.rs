//! The Digest hash computations (RFC 2617 §3.2.2, RFC 7616 §3.4, RFC 8760 §2): HA1, HA2,
//! `response`, `userhash` and `rspauth`, each as lowercase hex.

use alloc::string::String;
use core::fmt::Write;

use md5::{Digest, Md5};
use sha2::{Sha256, Sha512_256};

use crate::header::auth::Algorithm;

/// The hash function `H` behind a Digest algorithm (RFC 7616 §3.2, RFC 8760 §2); a `-sess`
/// algorithm uses the same function as its plain form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestHash {
    /// MD5 (RFC 1321): 32 hex digits.
    Md5,
    /// SHA-256 (FIPS 180-4): 64 hex digits.
    Sha256,
    /// SHA-512/256 (FIPS 180-4, its own initial values, not truncated SHA-512): 64 hex digits.
    Sha512_256,
}

impl DigestHash {
    /// The hash of a Digest algorithm; `None` for one this library does not implement.
    pub fn of(algorithm: Algorithm<'_>) -> Option<DigestHash> {
        match algorithm {
            Algorithm::Md5 | Algorithm::Md5Sess => Some(DigestHash::Md5),
            Algorithm::Sha256 | Algorithm::Sha256Sess => Some(DigestHash::Sha256),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => Some(DigestHash::Sha512_256),
            Algorithm::Other(_) => None,
        }
    }

    /// The number of hex digits of one hash (32 for MD5, 64 for the SHA-2 hashes).
    pub fn hex_len(self) -> usize {
        match self {
            DigestHash::Md5 => 32,
            DigestHash::Sha256 | DigestHash::Sha512_256 => 64,
        }
    }

    /// `H(data)` in lowercase hex (RFC 7616 §3.4.1).
    pub fn hex(self, data: &[u8]) -> String {
        self.joined(&[data])
    }

    /// `H(p1 ":" p2 ":" ...)`: the parts joined by colons, hashed, in lowercase hex.
    pub fn joined(self, parts: &[&[u8]]) -> String {
        match self {
            DigestHash::Md5 => joined_hex::<Md5>(parts),
            DigestHash::Sha256 => joined_hex::<Sha256>(parts),
            DigestHash::Sha512_256 => joined_hex::<Sha512_256>(parts),
        }
    }

    /// `HA1 = H(username ":" realm ":" password)` (RFC 7616 §3.4.2).
    pub fn ha1(self, username: &[u8], realm: &[u8], password: &[u8]) -> String {
        self.joined(&[username, realm, password])
    }

    /// The `-sess` HA1: `H(HA1 ":" nonce ":" cnonce)` (RFC 7616 §3.4.2).
    pub fn ha1_sess(self, ha1: &str, nonce: &[u8], cnonce: &[u8]) -> String {
        self.joined(&[ha1.as_bytes(), nonce, cnonce])
    }

    /// `HA2 = H(method ":" digest-uri)`, for qop `auth` and for no qop (RFC 7616 §3.4.3).
    pub fn ha2(self, method: &[u8], digest_uri: &[u8]) -> String {
        self.joined(&[method, digest_uri])
    }

    /// `HA2 = H(method ":" digest-uri ":" H(entity-body))` for qop `auth-int`, given
    /// `H(entity-body)` (RFC 7616 §3.4.3; an empty body hashes as `H("")`).
    pub fn ha2_auth_int(self, method: &[u8], digest_uri: &[u8], body_hash: &str) -> String {
        self.joined(&[method, digest_uri, body_hash.as_bytes()])
    }

    /// `response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)` (RFC 7616 §3.4.1), with
    /// `nc` written as 8 lowercase hex digits.
    pub fn response(self, ha1: &str, nonce: &[u8], nc: u32, cnonce: &[u8], qop: &[u8], ha2: &str) -> String {
        let nc = nc_hex(nc);
        self.joined(&[ha1.as_bytes(), nonce, nc.as_bytes(), cnonce, qop, ha2.as_bytes()])
    }

    /// `response = H(HA1 ":" nonce ":" HA2)`: a challenge without qop (RFC 2617 §3.2.2.1,
    /// the RFC 2069 compatibility form).
    pub fn response_without_qop(self, ha1: &str, nonce: &[u8], ha2: &str) -> String {
        self.joined(&[ha1.as_bytes(), nonce, ha2.as_bytes()])
    }

    /// `userhash = H(username ":" realm)` (RFC 7616 §3.4.4).
    pub fn userhash(self, username: &[u8], realm: &[u8]) -> String {
        self.joined(&[username, realm])
    }
}

/// `nc-value`: 8 lowercase hex digits (RFC 3261 §25.1, RFC 7616 §3.4).
pub fn nc_hex(nc: u32) -> String {
    let mut s = String::with_capacity(8);
    // Writing to a String cannot fail.
    let _ = write!(s, "{nc:08x}");
    s
}

fn joined_hex<D: Digest>(parts: &[&[u8]]) -> String {
    let mut d = D::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            d.update(b":");
        }
        d.update(p);
    }
    to_hex(&d.finalize())
}

/// `bytes` in lowercase hex.
pub(super) fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}
