//! Comma lists of tokens: option tags (Supported, Require, Proxy-Require, Unsupported), Allow,
//! Allow-Events and Content-Encoding (RFC 3261 §20, RFC 6665 §8.2.2).

use super::scalar::{method_in, token, Scan};
use super::HeaderError;
use crate::message::{HeaderName, Headers, Method};
use crate::parse::lex::{eq_ic, sep, sws};

/// Scans `item *(COMMA item)` over one header value (RFC 3261 §7.3.1), yielding each item.
/// A malformed item, a stray comma or trailing garbage yields one error and ends the list; an
/// empty value yields nothing when `allow_empty` (`[ item *(COMMA item) ]`), else an error.
pub(crate) fn scan_list<'a, T: 'a>(
    header: HeaderName,
    value: &'a [u8],
    allow_empty: bool,
    scan: impl Fn(&'a [u8]) -> Scan<'a, T> + 'a,
) -> impl Iterator<Item = Result<T, HeaderError>> + 'a {
    let err = move |r: &[u8]| HeaderError::new(header, value.len() - r.len());
    let mut rest = Some(sws(value));
    let mut need_item = !allow_empty;
    core::iter::from_fn(move || {
        let r = rest.take()?;
        if r.is_empty() {
            return need_item.then(|| Err(err(r)));
        }
        let (item, after) = match scan(r) {
            Ok(v) => v,
            Err(at) => return Some(Err(err(at))),
        };
        let after = sws(after);
        if !after.is_empty() {
            let next = sep(after, b',');
            if next.is_none() {
                return Some(Err(err(after)));
            }
            rest = next;
            need_item = true;
        }
        Some(Ok(item))
    })
}

impl Headers {
    /// Every item of every line of a token-list header.
    fn tokens(
        &self,
        name: HeaderName,
        allow_empty: bool,
    ) -> impl Iterator<Item = Result<&[u8], HeaderError>> + '_ {
        self.get_all(name)
            .flat_map(move |v| scan_list(name, v, allow_empty, token))
    }

    /// Supported option tags (RFC 3261 §20.37); the header may be empty.
    pub fn supported(&self) -> impl Iterator<Item = Result<&[u8], HeaderError>> + '_ {
        self.tokens(HeaderName::Supported, true)
    }
    /// Require option tags (RFC 3261 §20.32): at least one.
    pub fn require(&self) -> impl Iterator<Item = Result<&[u8], HeaderError>> + '_ {
        self.tokens(HeaderName::Require, false)
    }
    /// Proxy-Require option tags (RFC 3261 §20.29): at least one.
    pub fn proxy_require(&self) -> impl Iterator<Item = Result<&[u8], HeaderError>> + '_ {
        self.tokens(HeaderName::ProxyRequire, false)
    }
    /// Unsupported option tags (RFC 3261 §20.40): at least one.
    pub fn unsupported(&self) -> impl Iterator<Item = Result<&[u8], HeaderError>> + '_ {
        self.tokens(HeaderName::Unsupported, false)
    }
    /// Allow-Events event types (RFC 6665 §8.2.2): at least one.
    pub fn allow_events(&self) -> impl Iterator<Item = Result<&[u8], HeaderError>> + '_ {
        self.tokens(HeaderName::AllowEvents, false)
    }
    /// Content-Encoding content codings (RFC 3261 §20.12): at least one.
    pub fn content_encoding(&self) -> impl Iterator<Item = Result<&[u8], HeaderError>> + '_ {
        self.tokens(HeaderName::ContentEncoding, false)
    }
    /// Allow methods (RFC 3261 §20.5); the header may be empty.
    pub fn allow(&self) -> impl Iterator<Item = Result<Method, HeaderError>> + '_ {
        self.get_all(HeaderName::Allow).flat_map(move |v| {
            scan_list(HeaderName::Allow, v, true, move |i| {
                let (t, r) = token(i)?;
                Ok((method_in(&self.buf, t), r))
            })
        })
    }
    /// True when the option tag is listed in Supported. Tokens compare case-insensitively
    /// unless a header says otherwise (RFC 3261 §7.3.1). Malformed items are skipped.
    pub fn supports(&self, option_tag: &str) -> bool {
        self.supported()
            .flatten()
            .any(|t| eq_ic(t, option_tag.as_bytes()))
    }
    /// True when the option tag is listed in Require (RFC 3261 §7.3.1, §20.32).
    pub fn requires(&self, option_tag: &str) -> bool {
        self.require().flatten().any(|t| eq_ic(t, option_tag.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn list(v: &[u8], allow_empty: bool) -> Vec<Result<&[u8], HeaderError>> {
        scan_list(HeaderName::Supported, v, allow_empty, token).collect()
    }
    fn err(offset: usize) -> HeaderError {
        HeaderError {
            header: HeaderName::Supported,
            offset,
        }
    }

    #[test]
    fn lists() {
        assert_eq!(
            list(b"outbound, gruu", false),
            [Ok(&b"outbound"[..]), Ok(b"gruu")]
        );
        assert_eq!(
            list(b"100rel ,\r\n timer,path", false),
            [Ok(&b"100rel"[..]), Ok(b"timer"), Ok(b"path")]
        );
        // RFC 3261 §20.37: `Supported:` may be empty; Require may not.
        assert_eq!(list(b"", true), []);
        assert_eq!(list(b"  ", true), []);
        assert_eq!(list(b"", false), [Err(err(0))]);
        // Empty elements and trailing commas are not in the grammar.
        assert_eq!(list(b"a,,b", false), [Ok(&b"a"[..]), Err(err(2))]);
        assert_eq!(list(b"a, ", true), [Ok(&b"a"[..]), Err(err(3))]);
        assert_eq!(list(b"a b", false), [Err(err(2))]);
        assert_eq!(list(b"a;b", false), [Err(err(1))]);
        assert_eq!(list(b",a", false), [Err(err(0))]);
    }

    #[test]
    fn through_headers() {
        let msg = crate::parse::parse_message(
            bytes::Bytes::from_static(
                b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n\
                  To: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nSupported:\r\nk: 100rel, timer\r\n\
                  Require: foo\r\nProxy-Require: bar, baz\r\nUnsupported:\r\nAllow: INVITE, ACK,PUBLISH, FOO\r\n\
                  Allow-Events: presence, dialog.winfo\r\ne: gzip\r\nContent-Length: 0\r\n\r\n",
            ),
            crate::parse::Framing::Datagram,
            &crate::parse::Limits::default(),
        )
        .unwrap();
        let h = msg.headers();
        assert_eq!(
            h.supported().collect::<Vec<_>>(),
            [Ok(&b"100rel"[..]), Ok(b"timer")]
        );
        assert!(h.supports("timer") && h.supports("Timer") && !h.supports("path"));
        assert!(h.requires("foo") && !h.requires("bar"));
        assert_eq!(
            h.proxy_require().collect::<Vec<_>>(),
            [Ok(&b"bar"[..]), Ok(b"baz")]
        );
        assert_eq!(
            h.unsupported().collect::<Vec<_>>(),
            [Err(HeaderError {
                header: HeaderName::Unsupported,
                offset: 0
            })]
        );
        let allow: Vec<_> = h.allow().map(|m| m.unwrap().as_str().to_owned()).collect();
        assert_eq!(allow, ["INVITE", "ACK", "PUBLISH", "FOO"]);
        assert_eq!(h.allow().nth(2), Some(Ok(Method::Publish)));
        assert_eq!(
            h.allow_events().collect::<Vec<_>>(),
            [Ok(&b"presence"[..]), Ok(b"dialog.winfo")]
        );
        assert_eq!(h.content_encoding().collect::<Vec<_>>(), [Ok(&b"gzip"[..])]);
    }
}
