//! Descriptive headers: User-Agent and Server product lists (RFC 3261 §20.41, §20.35),
//! Subject, Organization and Priority (RFC 3261 §20.36, §20.25, §20.26).

use super::scalar::{lws, token, whole, Scan};
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::parse::lex::{sep, sws};

/// `comment = LPAREN *(ctext / quoted-pair / comment) RPAREN` (RFC 3261 §25.1): returns the
/// comment with its outer parentheses. Nesting is counted, not recursed.
pub(crate) fn comment(i: &[u8]) -> Scan<'_, &[u8]> {
    if i.first() != Some(&b'(') {
        return Err(i);
    }
    let at = |k: usize| i.get(k..).unwrap_or_default();
    let mut depth = 0usize;
    let mut k = 0;
    loop {
        match i.get(k) {
            None => return Err(at(k)),
            Some(b'(') => depth += 1,
            Some(b')') => {
                depth -= 1;
                if depth == 0 {
                    return Ok((i.get(..=k).unwrap_or_default(), at(k + 1)));
                }
            }
            // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
            Some(b'\\') => match i.get(k + 1) {
                None | Some(b'\r' | b'\n') => return Err(at(k)),
                Some(_) => k += 1,
            },
            // ctext includes LWS: a CRLF must be a fold.
            Some(b'\r') => match (i.get(k + 1), i.get(k + 2)) {
                (Some(b'\n'), Some(b' ' | b'\t')) => k += 2,
                _ => return Err(at(k)),
            },
            Some(&c) if (c < 0x20 && c != b'\t') || c == 0x7f => return Err(at(k)),
            Some(_) => {}
        }
        k += 1;
    }
}

/// One element of a product list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductItem<'a> {
    /// `product = token [SLASH product-version]`.
    Product {
        /// The product token, e.g. `JsSIP`.
        name: &'a [u8],
        /// The version token, e.g. `3.10.0`.
        version: Option<&'a [u8]>,
    },
    /// A comment, with its parentheses.
    Comment(&'a [u8]),
}

/// `server-val *(LWS server-val)`, `server-val = product / comment` (RFC 3261 §20.35,
/// §20.41): the value of User-Agent or Server, checked once and iterated on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Products<'a> {
    raw: &'a [u8],
}

/// Scans one server-val.
fn server_val(i: &[u8]) -> Scan<'_, ProductItem<'_>> {
    if i.first() == Some(&b'(') {
        let (c, r) = comment(i)?;
        return Ok((ProductItem::Comment(c), r));
    }
    let (name, r) = token(i)?;
    match sep(r, b'/') {
        Some(v) => {
            let (version, r) = token(v)?;
            Ok((
                ProductItem::Product {
                    name,
                    version: Some(version),
                },
                r,
            ))
        }
        None => Ok((ProductItem::Product { name, version: None }, r)),
    }
}

impl<'a> Products<'a> {
    /// Checks a whole User-Agent or Server value.
    pub fn parse(header: HeaderName, value: &'a [u8]) -> Result<Products<'a>, HeaderError> {
        whole(header, value, |i| {
            let (_, mut r) = server_val(i)?;
            // A comment needs no LWS before it in practice (`Foo(bar)`); products do.
            while !sws(r).is_empty() {
                let next = sws(r);
                if next.first() != Some(&b'(') {
                    lws(r)?;
                }
                r = server_val(next)?.1;
            }
            Ok((Products { raw: value }, r))
        })
    }

    /// The value as written.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The products and comments in order.
    pub fn iter(&self) -> impl Iterator<Item = ProductItem<'a>> + 'a {
        let mut rest = sws(self.raw);
        core::iter::from_fn(move || {
            let (item, r) = server_val(rest).ok()?;
            rest = sws(r);
            Some(item)
        })
    }
}

impl Headers {
    /// User-Agent (RFC 3261 §20.41).
    pub fn user_agent(&self) -> Option<Result<Products<'_>, HeaderError>> {
        Some(Products::parse(
            HeaderName::UserAgent,
            self.get(HeaderName::UserAgent)?,
        ))
    }
    /// Server (RFC 3261 §20.35).
    pub fn server(&self) -> Option<Result<Products<'_>, HeaderError>> {
        Some(Products::parse(HeaderName::Server, self.get(HeaderName::Server)?))
    }
    /// A `TEXT-UTF8` header as text: malformed when it is not UTF-8.
    fn utf8_text(&self, name: HeaderName) -> Option<Result<&str, HeaderError>> {
        let v = self.get(name)?;
        Some(core::str::from_utf8(v).map_err(|e| HeaderError::new(name, e.valid_up_to())))
    }
    /// Subject (RFC 3261 §20.36): free text, possibly empty.
    pub fn subject(&self) -> Option<Result<&str, HeaderError>> {
        self.utf8_text(HeaderName::Subject)
    }
    /// Organization (RFC 3261 §20.25): free text, possibly empty.
    pub fn organization(&self) -> Option<Result<&str, HeaderError>> {
        self.utf8_text(HeaderName::Organization)
    }
    /// Priority (RFC 3261 §20.26): `emergency`, `urgent`, `normal`, `non-urgent` or a token.
    pub fn priority(&self) -> Option<Result<&[u8], HeaderError>> {
        self.scan_single(HeaderName::Priority, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use ProductItem::*;

    #[test]
    fn products() {
        let p = Products::parse(HeaderName::UserAgent, b"JsSIP 3.10.0").unwrap();
        let items: Vec<_> = p.iter().collect();
        assert_eq!(
            items,
            [
                Product {
                    name: b"JsSIP",
                    version: None
                },
                Product {
                    name: b"3.10.0",
                    version: None
                }
            ]
        );
        let p = Products::parse(
            HeaderName::Server,
            b"HomeServer/2.0 (Linux \\) (x86_64))\r\n  Acme / 1",
        )
        .unwrap();
        let items: Vec<_> = p.iter().collect();
        assert_eq!(
            items,
            [
                Product {
                    name: b"HomeServer",
                    version: Some(b"2.0")
                },
                Comment(b"(Linux \\) (x86_64))"),
                Product {
                    name: b"Acme",
                    version: Some(b"1")
                },
            ]
        );
        assert_eq!(p.as_bytes(), b"HomeServer/2.0 (Linux \\) (x86_64))\r\n  Acme / 1");
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::UserAgent,
                offset,
            })
        };
        assert_eq!(Products::parse(HeaderName::UserAgent, b"Foo/"), e(4));
        assert_eq!(Products::parse(HeaderName::UserAgent, b"Foo (open"), e(9));
        assert_eq!(Products::parse(HeaderName::UserAgent, b"Foo, Bar"), e(3));
        assert_eq!(Products::parse(HeaderName::UserAgent, b""), e(0));
    }

    #[test]
    fn comments() {
        assert_eq!(comment(b"(a (b) c) rest"), Ok((&b"(a (b) c)"[..], &b" rest"[..])));
        assert_eq!(comment(b"(a\r\n b)"), Ok((&b"(a\r\n b)"[..], &b""[..])));
        assert_eq!(comment(b"(a\r\nb)"), Err(&b"\r\nb)"[..]));
        assert_eq!(comment(b"(a\\"), Err(&b"\\"[..]));
        assert_eq!(comment(b"x"), Err(&b"x"[..]));
    }

    #[test]
    fn text_headers() {
        let msg = crate::parse::parse_message(
            bytes::Bytes::from_static(
                b"MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n\
                  To: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\ns :\r\nOrganization: Caf\xc3\xa9 \xff\r\n\
                  Priority: urgent\r\nServer: X (y\r\n\r\n",
            ),
            crate::parse::Framing::Datagram,
            &crate::parse::Limits::default(),
        )
        .unwrap();
        let h = msg.headers();
        assert_eq!(h.subject(), Some(Ok("")));
        assert_eq!(
            h.organization(),
            Some(Err(HeaderError {
                header: HeaderName::Organization,
                offset: 6
            }))
        );
        assert_eq!(h.priority(), Some(Ok(&b"urgent"[..])));
        assert_eq!(
            h.server(),
            Some(Err(HeaderError {
                header: HeaderName::Server,
                offset: 4
            }))
        );
        assert!(h.user_agent().is_none());
    }
}
