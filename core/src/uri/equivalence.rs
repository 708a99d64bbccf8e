//! URI equivalence (RFC 3261 §19.1.4, RFC 3966 §4, RFC 5118 §4): [`Uri::equivalent`] and the
//! `PartialEq` built on it.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::{unescape, HostKind, Scheme, Uri};
use crate::params::Params;
use crate::parse::lex::eq_ic;

impl Uri {
    /// URI equivalence (RFC 3261 §19.1.4): scheme; user and password byte-exact after
    /// unescaping; host case-insensitive; port present or absent alike; `user`, `ttl`, `method`,
    /// `maddr` and `transport` must match when either side has them; other parameters compared
    /// only when both have them; headers must all match.
    pub fn equivalent(&self, other: &Uri) -> bool {
        if self.scheme != other.scheme {
            return false;
        }
        if !self.is_sip() {
            return match self.scheme {
                // RFC 3966 §4: numbers compare without visual separators, params as SIP's.
                Scheme::Tel => {
                    let digits = |u: &Uri| -> Vec<u8> {
                        unescape(u.user().unwrap_or_default())
                            .iter()
                            .filter(|b| !matches!(b, b'-' | b'.' | b'(' | b')'))
                            .map(u8::to_ascii_lowercase)
                            .collect()
                    };
                    digits(self) == digits(other)
                        && params_equivalent(self.params(), other.params(), &[], true)
                }
                _ => eq_ic(&self.raw, &other.raw),
            };
        }
        let opt_eq = |a: Option<&[u8]>, b: Option<&[u8]>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => unescape(a) == unescape(b),
            _ => false,
        };
        if !opt_eq(self.user(), other.user()) || !opt_eq(self.password(), other.password()) {
            return false;
        }
        if !hosts_equal(self, other) || self.port != other.port {
            return false;
        }
        const MUST: &[&str] = &["user", "ttl", "method", "maddr", "transport"];
        if !params_equivalent(self.params(), other.params(), MUST, false) {
            return false;
        }
        // Headers: every header on either side must be on the other with an equal value.
        let covered = |a: &Uri, b: &Uri| {
            a.headers().all(|(n, v)| {
                b.headers()
                    .any(|(n2, v2)| eq_ic(&unescape(n), &unescape(n2)) && unescape(v) == unescape(v2))
            })
        };
        covered(self, other) && covered(other, self)
    }
}

/// Hosts compare case-insensitively; two IPv6 references compare by address, so
/// `[2001:db8::1]` equals `[2001:DB8:0::1]` (RFC 5118 §4, RFC 4291 §2.2).
fn hosts_equal(a: &Uri, b: &Uri) -> bool {
    if eq_ic(a.host().as_bytes(), b.host().as_bytes()) {
        return true;
    }
    if a.host_kind == Some(HostKind::Ipv6) && b.host_kind == Some(HostKind::Ipv6) {
        let addr = |u: &Uri| {
            let h = u.host();
            h.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse::<core::net::Ipv6Addr>().ok())
        };
        if let (Some(x), Some(y)) = (addr(a), addr(b)) {
            return x == y;
        }
    }
    false
}

/// The first parameter whose name, after unescaping, is `name` (case-insensitive), with its
/// unescaped value.
fn find_param<'a>(p: Params<'a>, name: &[u8]) -> Option<Option<Cow<'a, [u8]>>> {
    p.iter()
        .find(|(n, _)| eq_ic(&unescape(n), name))
        .map(|(_, v)| v.map(unescape))
}

/// RFC 3261 §19.1.4 parameter comparison: names in `must` (every name when `every`, as
/// RFC 3966 §4 wants for tel) have to match when present on either side; any other name is
/// compared only when present on both. Names and values compare case-insensitively after
/// unescaping; only the first occurrence of a name counts.
fn params_equivalent(a: Params<'_>, b: Params<'_>, must: &[&str], every: bool) -> bool {
    let one_way = |x: Params<'_>, y: Params<'_>| {
        x.iter().all(|(n, _)| {
            let name = unescape(n);
            let required = every || must.iter().any(|m| eq_ic(m.as_bytes(), &name));
            match (find_param(x, &name), find_param(y, &name)) {
                (Some(Some(v)), Some(Some(w))) => eq_ic(&v, &w),
                (Some(None), Some(None)) => true,
                (_, None) => !required,
                _ => false,
            }
        })
    };
    one_way(a, b) && one_way(b, a)
}

impl PartialEq for Uri {
    /// Equivalence per RFC 3261 §19.1.4 (see [`Uri::equivalent`]).
    fn eq(&self, other: &Uri) -> bool {
        self.equivalent(other)
    }
}
