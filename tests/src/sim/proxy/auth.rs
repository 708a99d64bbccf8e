//! The proxy's digest challenge (RFC 3261 §22.3): 407 with `Proxy-Authenticate` to initial
//! requests of the configured methods, credentials in `Proxy-Authorization` checked with the
//! harness's own MD5 code ([`crate::sim::digest`]), not sansip's.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use sansip_core::message::{HeaderName, Method, Request};
use sansip_core::time::Instant;

use super::wire::response;
use crate::sim::digest::{digest_params, response_qop_auth};
use crate::sim::registrar::AuthCheck;

/// Who the proxy lets through, and for which methods it asks.
#[derive(Clone, Debug)]
pub struct ProxyAuth {
    /// The digest realm.
    pub realm: String,
    /// Authorization user → password.
    pub users: BTreeMap<String, String>,
    /// The methods whose initial requests (no To tag) are challenged.
    pub methods: Vec<Method>,
    /// Every check made, in order.
    pub checks: Vec<AuthCheck>,
    nonces: BTreeSet<String>,
    next_nonce: u64,
}

impl ProxyAuth {
    /// Challenges initial requests of `methods` in `realm`; knows `user` with `password`.
    pub fn new(realm: &str, user: &str, password: &str, methods: &[Method]) -> ProxyAuth {
        ProxyAuth {
            realm: realm.to_owned(),
            users: BTreeMap::from([(user.to_owned(), password.to_owned())]),
            methods: methods.to_vec(),
            checks: Vec::new(),
            nonces: BTreeSet::new(),
            next_nonce: 1,
        }
    }

    /// The nonce the `n`-th challenge (from 1) carries.
    pub fn nonce(n: u64) -> String {
        format!("{:016x}", n.wrapping_mul(0x2545_f491_4f6c_dd1d))
    }

    /// `None` when `req` needs no challenge or carries good credentials (qop=auth, MD5, a nonce
    /// we issued, the Request-URI as `uri`); else the 407 to send (RFC 3261 §22.3).
    pub(super) fn check(&mut self, now: Instant, req: &Request) -> Option<Bytes> {
        if req.to_tag().is_some() || !self.methods.contains(req.method()) {
            return None;
        }
        let Some(value) = req.headers().get(HeaderName::ProxyAuthorization) else {
            return Some(self.challenge(req, false));
        };
        let params = digest_params(&String::from_utf8_lossy(value)).unwrap_or_default();
        let get = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
        if !self.nonces.contains(get("nonce")) {
            return Some(self.challenge(req, true));
        }
        let password = self.users.get(get("username")).cloned().unwrap_or_default();
        let expected = response_qop_auth(
            get("username"),
            &self.realm,
            &password,
            req.method().as_str(),
            get("uri"),
            get("nonce"),
            get("nc"),
            get("cnonce"),
        );
        let ok = self.users.contains_key(get("username"))
            && get("realm") == self.realm
            && get("uri") == req.uri().as_str()
            && get("qop") == "auth"
            && get("algorithm").eq_ignore_ascii_case("md5")
            && get("response") == expected;
        self.checks.push(AuthCheck {
            at: now,
            params: params.clone(),
            expected,
            ok,
        });
        (!ok).then(|| self.challenge(req, false))
    }

    fn challenge(&mut self, req: &Request, stale: bool) -> Bytes {
        let nonce = ProxyAuth::nonce(self.next_nonce);
        self.next_nonce += 1;
        self.nonces.insert(nonce.clone());
        let stale = if stale { ", stale=true" } else { "" };
        let value = format!(
            "Digest realm=\"{}\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\"{stale}",
            self.realm
        );
        response(req, 407, &[("Proxy-Authenticate", value)])
    }
}
