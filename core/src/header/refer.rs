//! Call transfer: Refer-To (RFC 3515 §2.1), Referred-By (RFC 3892 §3) and Replaces
//! (RFC 3891 §6.1).

use super::name_addr::NameAddr;
use super::scalar::{call_id, suffix_at, whole};
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::params::{header_params, Params};

/// `Replaces = callid *(SEMI replaces-param)` (RFC 3891 §6.1): the dialog to replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Replaces<'a> {
    /// The Call-ID of the dialog.
    pub call_id: &'a [u8],
    /// The `to-tag` parameter: the To tag of the dialog as seen by the sender of the header.
    pub to_tag: &'a [u8],
    /// The `from-tag` parameter.
    pub from_tag: &'a [u8],
    /// True when the bare `early-only` flag is present.
    pub early_only: bool,
    /// All parameters.
    pub params: Params<'a>,
}

impl<'a> Replaces<'a> {
    /// Parses a whole Replaces value. Exactly one `to-tag` and one `from-tag` are required
    /// (RFC 3891 §6.1); a missing one is malformed.
    pub fn parse(value: &'a [u8]) -> Result<Replaces<'a>, HeaderError> {
        whole(HeaderName::Replaces, value, |i| {
            let (id, r) = call_id(i)?;
            let (rest, text) = header_params(r).map_err(|off| r.get(off..).unwrap_or_default())?;
            let params = Params::new(text);
            let count = |name: &str| {
                params
                    .iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
                    .count()
            };
            // to-tag = "to-tag" EQUAL token; from-tag = "from-tag" EQUAL token
            let tag = |name: &str| match params.get(name) {
                Some(Some(t)) if count(name) == 1 => Ok(t),
                _ => Err(if text.is_empty() { rest } else { suffix_at(i, text) }),
            };
            let to_tag = tag("to-tag")?;
            let from_tag = tag("from-tag")?;
            let early_only = match params.get("early-only") {
                None => false,
                Some(None) => true,
                // early-flag = "early-only", with no value.
                Some(Some(v)) => return Err(suffix_at(i, v)),
            };
            Ok((
                Replaces {
                    call_id: id,
                    to_tag,
                    from_tag,
                    early_only,
                    params,
                },
                rest,
            ))
        })
    }
}

impl Headers {
    /// Refer-To (RFC 3515 §2.1): `( name-addr / addr-spec ) *(SEMI generic-param)`. The URI
    /// may carry headers (`?Replaces=...`), which need the name-addr form.
    pub fn refer_to(&self) -> Option<Result<NameAddr, HeaderError>> {
        self.single_name_addr(HeaderName::ReferTo)
    }
    /// Referred-By (RFC 3892 §3): `referrer-uri *( SEMI (referredby-id-param / generic-param) )`;
    /// the `cid` parameter is in [`NameAddr::params`].
    pub fn referred_by(&self) -> Option<Result<NameAddr, HeaderError>> {
        self.single_name_addr(HeaderName::ReferredBy)
    }
    /// Replaces (RFC 3891 §6.1).
    pub fn replaces(&self) -> Option<Result<Replaces<'_>, HeaderError>> {
        Some(Replaces::parse(self.get(HeaderName::Replaces)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_message, Framing, Limits};
    use alloc::vec::Vec;
    use bytes::Bytes;

    #[test]
    fn jssip_replaces() {
        // jssip-parser-cases.md §2.16.
        let r = Replaces::parse(b"5t2gpbrbi72v79p1i8mr;to-tag=03aq91cl9n;from-tag=kun98clbf7").unwrap();
        assert_eq!(r.call_id, b"5t2gpbrbi72v79p1i8mr");
        assert_eq!(r.to_tag, b"03aq91cl9n");
        assert_eq!(r.from_tag, b"kun98clbf7");
        assert!(!r.early_only);
    }

    #[test]
    fn replaces_rules() {
        // RFC 3891 §6.1's example, folded.
        let r =
            Replaces::parse(b"98732@sip.example.com\r\n ;from-tag=r33th4x0r\r\n ;to-tag=ff87ff;early-only")
                .unwrap();
        assert_eq!(r.call_id, b"98732@sip.example.com");
        assert_eq!(
            (r.to_tag, r.from_tag, r.early_only),
            (&b"ff87ff"[..], &b"r33th4x0r"[..], true)
        );
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::Replaces,
                offset,
            })
        };
        assert_eq!(Replaces::parse(b"abc;to-tag=1"), e(4));
        assert_eq!(Replaces::parse(b"abc"), e(3));
        assert_eq!(Replaces::parse(b"abc;to-tag=1;from-tag=2;to-tag=3"), e(4));
        assert_eq!(Replaces::parse(b"abc;to-tag;from-tag=2"), e(4));
        assert_eq!(Replaces::parse(b"abc;to-tag=1;from-tag=2;early-only=yes"), e(35));
        assert_eq!(Replaces::parse(b"a b;to-tag=1;from-tag=2"), e(1));
    }

    fn message(extra: &str) -> crate::message::Message {
        let wire = alloc::format!(
            "REFER sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK9\r\n\
             From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c\r\nCSeq: 2 REFER\r\n{extra}\r\n"
        );
        parse_message(Bytes::from(wire), Framing::WebSocket, &Limits::default()).unwrap()
    }

    #[test]
    fn jssip_refer_to() {
        // jssip-parser-cases.md §2.15.
        let m = message("Refer-To: sip:alice@versatica.com\r\n");
        let r = m.headers().refer_to().unwrap().unwrap();
        assert_eq!(
            (r.uri().user(), r.uri().host()),
            (Some(&b"alice"[..]), "versatica.com")
        );
        let m = message("r: <sip:bob@versatica.com?Accept-Contact=sip:bobsdesk.versatica.com>\r\n");
        let r = m.headers().refer_to().unwrap().unwrap();
        assert_eq!(
            (r.uri().user(), r.uri().host()),
            (Some(&b"bob"[..]), "versatica.com")
        );
        let hs: Vec<_> = r.uri().headers().collect();
        assert_eq!(hs, [(&b"Accept-Contact"[..], &b"sip:bobsdesk.versatica.com"[..])]);
        // An addr-spec cannot carry `?headers` (RFC 3515 §2.1, RFC 3261 §20.10).
        let m = message("Refer-To: sip:bob@example.com?Replaces=x\r\n");
        assert_eq!(
            m.headers().refer_to().unwrap().unwrap_err(),
            HeaderError {
                header: HeaderName::ReferTo,
                offset: 19
            }
        );
    }

    #[test]
    fn referred_by() {
        let m = message("b: \"Alice\" <sip:a@example.com>;cid=\"20398823.2UWQFN309shb3@example.com\"\r\n");
        let r = m.headers().referred_by().unwrap().unwrap();
        assert_eq!(r.display_name().as_deref(), Some("Alice"));
        assert_eq!(
            r.params().get_unquoted("cid"),
            Some(&b"20398823.2UWQFN309shb3@example.com"[..])
        );
        assert!(message("").headers().referred_by().is_none());
    }
}
