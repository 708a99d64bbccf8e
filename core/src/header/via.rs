//! Via (RFC 3261 §20.42, §18.2.2; RFC 3581 rport; RFC 5118 §4.5 IPv6 received).

use super::HeaderError;
use crate::message::HeaderName;
use crate::params::{header_params_find, Params, Wanted};

const BRANCH: Wanted = Wanted::new(b"branch");
use crate::parse::lex::{self, sep, sws};
use crate::uri::{parse_host, HostKind};

/// One `via-parm`: `SIP/2.0/UDP host:port;branch=...;received=...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Via<'a> {
    /// Protocol name, normally `SIP`.
    pub protocol: &'a [u8],
    /// Protocol version, normally `2.0`.
    pub version: &'a [u8],
    /// Transport token as written: `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, or any token.
    pub transport: &'a [u8],
    /// The sent-by host as written (IPv6 in brackets).
    pub host: &'a [u8],
    /// What kind of host.
    pub host_kind: HostKind,
    /// The sent-by port, if any.
    pub port: Option<u16>,
    /// The via-params.
    pub params: Params<'a>,
}

impl<'a> Via<'a> {
    /// Parses one via-parm that makes up the whole value.
    pub fn parse(value: &'a [u8]) -> Result<Via<'a>, HeaderError> {
        let (v, used) = scan(value).map_err(|at| HeaderError::new(HeaderName::Via, at))?;
        if !sws(value.get(used..).unwrap_or_default()).is_empty() {
            return Err(HeaderError::new(HeaderName::Via, used));
        }
        Ok(v)
    }

    /// Parses a comma-separated Via value into its via-parms, in order.
    pub fn parse_list(value: &'a [u8]) -> impl Iterator<Item = Result<Via<'a>, HeaderError>> + 'a {
        let mut rest = Some(value);
        core::iter::from_fn(move || {
            let r = rest?;
            if sws(r).is_empty() {
                rest = None;
                return None;
            }
            let at = crate::parse::offset_in(value, r);
            match scan(r) {
                Ok((v, used)) => {
                    let after = r.get(used..).unwrap_or_default();
                    rest = match sep(after, b',') {
                        Some(n) => Some(n),
                        None if sws(after).is_empty() => None,
                        None => return Some(Err(HeaderError::new(HeaderName::Via, at + used))),
                    };
                    Some(Ok(v))
                }
                Err(off) => {
                    rest = None;
                    Some(Err(HeaderError::new(HeaderName::Via, at + off)))
                }
            }
        })
    }

    /// The `branch` parameter (RFC 3261 §8.1.1.7).
    pub fn branch(&self) -> Option<&'a [u8]> {
        self.params.get("branch").flatten()
    }
    /// The `received` parameter (RFC 3261 §18.2.1), brackets kept if the sender used them.
    pub fn received(&self) -> Option<&'a [u8]> {
        self.params.get("received").flatten()
    }
    /// The `rport` parameter (RFC 3581 §4): `Some(None)` when present without a value.
    pub fn rport(&self) -> Option<Option<u16>> {
        let v = self.params.get("rport")?;
        Some(v.and_then(|v| core::str::from_utf8(v).ok()?.parse().ok()))
    }
    /// The `maddr` parameter.
    pub fn maddr(&self) -> Option<&'a [u8]> {
        self.params.get("maddr").flatten()
    }
    /// The `ttl` parameter (0–255).
    pub fn ttl(&self) -> Option<u8> {
        core::str::from_utf8(self.params.get("ttl").flatten()?)
            .ok()?
            .parse()
            .ok()
    }
    /// True when the branch starts with the RFC 3261 magic cookie `z9hG4bK` and has something
    /// after it (§8.1.1.7). A bare cookie (RFC 4475 §3.2.1) identifies nothing, so such
    /// requests fall back to RFC 2543 matching (§17.2.3).
    pub fn is_rfc3261_branch(&self) -> bool {
        self.branch()
            .is_some_and(|b| b.len() > 7 && b.starts_with(b"z9hG4bK"))
    }
}

/// Scans one via-parm at the start of `i`: returns it and the bytes used, or the offset of the
/// first error.
pub(crate) fn scan(i: &[u8]) -> Result<(Via<'_>, usize), usize> {
    scan_with_branch(i).map(|(v, used, _)| (v, used))
}

/// [`scan`], also giving the `branch` parameter as [`Via::branch`] would (found while the
/// parameters are checked, so they are not walked twice).
#[allow(clippy::type_complexity)]
pub(crate) fn scan_with_branch(i: &[u8]) -> Result<(Via<'_>, usize, Option<&[u8]>), usize> {
    let at = |r: &[u8]| i.len() - r.len();
    let ((protocol, version, transport), r2) = match sent_protocol_fast(i) {
        Some(v) => v,
        None => sent_protocol(i)?,
    };
    let (kind, hlen) = parse_host(r2).ok_or(at(r2))?;
    let host = r2.get(..hlen).unwrap_or_default();
    let mut r = r2.get(hlen..).unwrap_or_default();
    let mut port = None;
    if let Some(p) = sep(r, b':') {
        let (n, rest) = lex::decimal(p).ok_or(at(p))?;
        port = Some(u16::try_from(n).map_err(|_| at(p))?);
        r = rest;
    }
    let (rest, params, branch) = header_params_find(r, BRANCH).map_err(|off| at(r) + off)?;
    Ok((
        Via {
            protocol,
            version,
            transport,
            host,
            host_kind: kind,
            port,
            params: Params::new(params),
        },
        at(rest),
        branch.flatten(),
    ))
}

/// `sent-protocol LWS` in full (RFC 3261 §20.42): `protocol-name SLASH protocol-version SLASH
/// transport`, with `SLASH = SWS "/" SWS` and line folding anywhere. Returns the three tokens
/// and the rest at the sent-by, or the offset of the error in `i`.
#[allow(clippy::type_complexity)]
fn sent_protocol(i: &[u8]) -> Result<((&[u8], &[u8], &[u8]), &[u8]), usize> {
    let at = |r: &[u8]| i.len() - r.len();
    let r = sws(i);
    let (r, protocol) = lex::token(r).map_err(|_| at(r))?;
    let r = sep(r, b'/').ok_or(at(r))?;
    let (r, version) = lex::token(r).map_err(|_| at(r))?;
    let r = sep(r, b'/').ok_or(at(r))?;
    let (r, transport) = lex::token(r).map_err(|_| at(r))?;
    // LWS sent-by
    let r2 = sws(r);
    if r2.len() == r.len() {
        return Err(at(r));
    }
    Ok(((protocol, version, transport), r2))
}

/// The common shape of [`sent_protocol`]: `SIP/2.0/` then a transport token and one SP before
/// a sent-by that does not start with whitespace. `None` when the value has any other shape
/// (the full grammar then decides); when it answers, it answers as the full grammar does.
#[allow(clippy::type_complexity)]
#[inline]
fn sent_protocol_fast(i: &[u8]) -> Option<((&[u8], &[u8], &[u8]), &[u8])> {
    let rest = i.strip_prefix(b"SIP/2.0/")?;
    let tlen = lex::run(rest, lex::Class::TOKEN);
    let (transport, after) = rest.split_at(tlen);
    match after {
        [b' ', next, ..] if tlen > 0 && !matches!(next, b' ' | b'\t' | b'\r' | b'\n') => {
            Some(((i.get(..3)?, i.get(4..7)?, transport), after.get(1..)?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jssip_via_cases() {
        // jssip-parser-cases.md §2.8: LWS with folding inside sent-protocol and before ';'.
        // JsSIP also accepts the version 3.0 here; so do we (the version is a token).
        let a = Via::parse(
            b"SIP /  3.0 \r\n / UDP [1:ab::FF]:6060 ;\r\n  BRanch=1234;Param1=Foo;paRAM2;param3=Bar",
        )
        .unwrap();
        assert_eq!(a.protocol, b"SIP");
        assert_eq!(a.version, b"3.0");
        assert_eq!(a.transport, b"UDP");
        assert_eq!(a.host, b"[1:ab::FF]");
        assert_eq!(a.host_kind, HostKind::Ipv6);
        assert_eq!(a.port, Some(6060));
        assert_eq!(a.branch(), Some(&b"1234"[..]));
        assert_eq!(a.params.get("param1"), Some(Some(&b"Foo"[..])));
        assert_eq!(a.params.get("param2"), Some(None));
        assert_eq!(a.params.get("param3"), Some(Some(&b"Bar"[..])));
        assert_eq!(a.rport(), None);

        let b = Via::parse(b"SIP /  3.0 \r\n / UDP [1:ab::FF]:6060 ;\r\n  BRanch=1234;rport=1111;Param1=Foo;paRAM2;param3=Bar").unwrap();
        assert_eq!(b.rport(), Some(Some(1111)));
        // A bare rport is present with no value (JsSIP reports `undefined`).
        let c = Via::parse(
            b"SIP /  3.0 \r\n / UDP [1:ab::FF]:6060 ;\r\n  BRanch=1234;rport;Param1=Foo;paRAM2;param3=Bar",
        )
        .unwrap();
        assert_eq!(c.rport(), Some(None));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// Whenever the `SIP/2.0/` fast path answers, the full grammar answers the same, on
        /// generated Via values and on mutations of them.
        #[test]
        fn sent_protocol_fast_path_agrees(
            transport in "[A-Za-z]{0,4}|[ \t/;]",
            gap in "( |  |\t| \r\n |\r\n|)",
            host in "[a-z0-9.:\\[\\]-]{0,12}",
            tail in "(;branch=z9hG4bK[a-z0-9]{0,6})?( ;rport)?",
            flip in proptest::option::of((0usize..40, proptest::prelude::any::<u8>())),
        ) {
            let mut v = alloc::format!("SIP/2.0/{transport}{gap}{host}{tail}").into_bytes();
            if let Some((at, b)) = flip {
                if let Some(x) = v.get_mut(at) {
                    *x = b;
                }
            }
            if let Some(fast) = sent_protocol_fast(&v) {
                proptest::prop_assert_eq!(Ok(fast), sent_protocol(&v));
            }
        }
    }

    #[test]
    fn ipv6_received() {
        // RFC 5118 §4.5, both forms.
        let v =
            Via::parse(b"SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3").unwrap();
        assert_eq!(v.received(), Some(&b"[2001:db8::9:255]"[..]));
        let v =
            Via::parse(b"SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3").unwrap();
        assert_eq!(v.received(), Some(&b"2001:db8::9:255"[..]));
        assert_eq!(v.branch(), Some(&b"z9hG4bKas3"[..]));
        assert!(v.is_rfc3261_branch());
        // RFC 4475 §3.2.1: the bare cookie is not an RFC 3261 branch.
        assert!(!Via::parse(b"SIP/2.0/UDP h;branch=z9hG4bK")
            .unwrap()
            .is_rfc3261_branch());
    }

    #[test]
    fn list_and_errors() {
        let all: Result<alloc::vec::Vec<_>, _> =
            Via::parse_list(b"SIP/2.0/UDP a.example.com;branch=z9hG4bK1 ,\r\n SIP/2.0/TCP 192.0.2.1:5061")
                .collect();
        let all = all.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].port, Some(5061));
        assert!(Via::parse(b"SIP/2.0/UDP host;;branch=x").is_err());
        assert!(Via::parse(b"SIP/2.0/UDP").is_err());
        assert!(Via::parse(b"SIP/2.0/UDP host:99999").is_err());
        assert!(Via::parse_list(b"SIP/2.0/UDP a,,SIP/2.0/UDP b").any(|r| r.is_err()));
    }
}
