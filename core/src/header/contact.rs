//! Contact (RFC 3261 §20.10) and its registration parameters: `expires` and `q` (RFC 3261
//! §10.2.1.1, §20.10), `+sip.instance` and `reg-id` (RFC 5626 §4.1, §4.2.1), `pub-gruu` and
//! `temp-gruu` (RFC 5627 §5.2).

use bytes::Bytes;
use core::ops::Deref;

use super::name_addr::{self, NameAddr};
use super::scalar::{delta_seconds, qvalue, whole};
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::params::Params;
use crate::parse::lex::trim;
use crate::parse::offset_in;
use crate::uri::Uri;

/// One element of a Contact header: `*` or an address.
#[derive(Clone, Debug)]
pub enum ContactValue {
    /// `Contact: *`, only valid in a REGISTER that removes every binding (RFC 3261 §10.2.2).
    Wildcard,
    /// An address with its contact-params.
    Address(Contact),
}

impl ContactValue {
    /// The address, unless this is the wildcard.
    pub fn address(&self) -> Option<&Contact> {
        match self {
            ContactValue::Address(c) => Some(c),
            ContactValue::Wildcard => None,
        }
    }
}

/// A contact address (`name-addr` / `addr-spec` with contact-params). Derefs to [`NameAddr`]
/// for the display name, URI and raw parameters.
#[derive(Clone, Debug)]
pub struct Contact(NameAddr);

impl Deref for Contact {
    type Target = NameAddr;
    fn deref(&self) -> &NameAddr {
        &self.0
    }
}

impl Contact {
    /// Parses one contact (not `*`) from text (copies it).
    pub fn parse(value: &[u8]) -> Result<Contact, HeaderError> {
        NameAddr::parse(value)
            .map(Contact)
            .map_err(|e| HeaderError::new(HeaderName::Contact, e.offset))
    }
    /// The address.
    pub fn name_addr(&self) -> &NameAddr {
        &self.0
    }
    /// The address, by value.
    pub fn into_name_addr(self) -> NameAddr {
        self.0
    }
    /// The contact URI.
    pub fn uri(&self) -> &Uri {
        self.0.uri()
    }
    /// The contact-params.
    pub fn params(&self) -> Params<'_> {
        self.0.params()
    }

    /// An error at the start of `part`, a slice of this contact's text.
    fn error_at(&self, part: &[u8]) -> HeaderError {
        HeaderError::new(HeaderName::Contact, offset_in(self.0.as_bytes(), part))
    }

    /// A parameter that must be a number within `range`.
    fn number(&self, name: &str, range: core::ops::RangeInclusive<u32>) -> Option<Result<u32, HeaderError>> {
        let Some(v) = self.params().get(name)? else {
            // A bare `;expires` has no value.
            let text = self.params().as_bytes();
            return Some(Err(self.error_at(text)));
        };
        Some(
            whole(HeaderName::Contact, v, delta_seconds)
                .map_err(|e| {
                    HeaderError::new(HeaderName::Contact, offset_in(self.0.as_bytes(), v) + e.offset)
                })
                .and_then(|n| {
                    if range.contains(&n) {
                        Ok(n)
                    } else {
                        Err(self.error_at(v))
                    }
                }),
        )
    }

    /// The `expires` parameter in seconds (RFC 3261 §10.2.1.1). A value above 2^32 - 1 is
    /// malformed (RFC 4475 §3.1.2.4); a registrar then uses the Expires header or its default
    /// (RFC 3261 §10.3 step 7).
    pub fn expires(&self) -> Option<Result<u32, HeaderError>> {
        self.number("expires", 0..=u32::MAX)
    }

    /// The `q` parameter in thousandths, 0 to 1000 (RFC 3261 §20.10 `qvalue`): `q=0.7` is 700.
    pub fn q(&self) -> Option<Result<u16, HeaderError>> {
        let v = self.params().get("q")?;
        Some(match v {
            Some(v) => qvalue(v).ok_or_else(|| self.error_at(v)),
            None => Err(self.error_at(self.params().as_bytes())),
        })
    }

    /// The `+sip.instance` value without its quotes, e.g. `<urn:uuid:...>` (RFC 5626 §4.1).
    pub fn sip_instance(&self) -> Option<&[u8]> {
        self.0.params().get_unquoted("+sip.instance")
    }

    /// The `reg-id` parameter, 1 to 2^31 - 1 (RFC 5626 §4.2.1).
    pub fn reg_id(&self) -> Option<Result<u32, HeaderError>> {
        self.number("reg-id", 1..=0x7fff_ffff)
    }

    /// The `pub-gruu` parameter without its quotes: the public GRUU a registrar assigned
    /// (RFC 5627 §5.2).
    pub fn pub_gruu(&self) -> Option<&[u8]> {
        self.0.params().get_unquoted("pub-gruu")
    }

    /// The `temp-gruu` parameter without its quotes (RFC 5627 §5.2).
    pub fn temp_gruu(&self) -> Option<&[u8]> {
        self.0.params().get_unquoted("temp-gruu")
    }
}

/// The elements of one Contact line (RFC 3261 §20.10):
/// `Contact = HCOLON ( STAR / (contact-param *(COMMA contact-param)))`.
pub(crate) fn parse_line<'a>(
    buf: &'a Bytes,
    value: &'a [u8],
) -> impl Iterator<Item = Result<ContactValue, HeaderError>> + 'a {
    let star = trim(value) == b"*";
    let wildcard = star.then_some(Ok(ContactValue::Wildcard));
    let list = (!star).then(|| name_addr::parse_list(buf, value, HeaderName::Contact));
    wildcard.into_iter().chain(
        list.into_iter()
            .flatten()
            .map(|r| r.map(|na| ContactValue::Address(Contact(na)))),
    )
}

impl Headers {
    /// Every Contact element of every Contact line, in order (RFC 3261 §20.10):
    /// `Contact: *` yields [`ContactValue::Wildcard`].
    pub fn contact(&self) -> impl Iterator<Item = Result<ContactValue, HeaderError>> + '_ {
        self.get_all(HeaderName::Contact)
            .flat_map(move |v| parse_line(&self.buf, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn contacts(wire: &'static [u8]) -> Vec<Result<ContactValue, HeaderError>> {
        let head = b"REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
                     From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n";
        let mut m = head.to_vec();
        m.extend_from_slice(wire);
        m.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        let msg = crate::parse::parse_message(
            Bytes::from(m),
            crate::parse::Framing::Datagram,
            &Default::default(),
        )
        .unwrap();
        msg.headers().contact().collect()
    }
    fn err(offset: usize) -> HeaderError {
        HeaderError {
            header: HeaderName::Contact,
            offset,
        }
    }

    #[test]
    fn jssip_three_contacts() {
        // jssip-parser-cases.md §2.7.
        let all = contacts(
            "Contact: \"Iñaki @ł€\" <SIP:+1234@ALIAX.net;Transport=WS>;+sip.Instance=\"abCD\", sip:bob@biloxi.COM;headerParam, <sip:DOMAIN.com:5>\r\n"
                .as_bytes(),
        );
        assert_eq!(all.len(), 3);
        let c: Vec<_> = all
            .iter()
            .map(|r| r.as_ref().unwrap().address().unwrap())
            .collect();
        assert_eq!(c[0].display_name().as_deref(), Some("Iñaki @ł€"));
        assert_eq!(c[0].uri().user(), Some(&b"+1234"[..]));
        assert_eq!(c[0].uri().transport(), Some(&b"WS"[..]));
        assert_eq!(c[0].sip_instance(), Some(&b"abCD"[..]));
        assert_eq!(c[0].params().get("+SIP.instance"), Some(Some(&b"\"abCD\""[..])));
        assert_eq!(c[1].display_name(), None);
        assert_eq!(c[1].params().get("headerparam"), Some(None));
        assert_eq!(c[1].uri().param("headerParam"), None);
        assert_eq!(c[1].uri().host(), "biloxi.COM");
        assert_eq!(c[2].uri().port(), Some(5));
        assert!(c[2].expires().is_none() && c[2].q().is_none() && c[2].reg_id().is_none());
    }

    #[test]
    fn outbound_and_gruu_params() {
        // RFC 7118 §8.1 F4, folded over five lines.
        let all = contacts(
            b"Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>\r\n  ;reg-id=1\r\n  \
              ;+sip.instance=\"<urn:uuid:f81-7dec-14a06cf1>\"\r\n  \
              ;pub-gruu=\"sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1\"\r\n  \
              ;temp-gruu=\"sip:87ash54=3dd.98a@example.com;gr\"\r\n  ;expires=3600\r\n",
        );
        let ContactValue::Address(c) = all[0].as_ref().unwrap() else {
            panic!()
        };
        assert_eq!(c.uri().as_str(), "sip:alice@df7jal23ls0d.invalid;transport=ws");
        assert_eq!(c.reg_id(), Some(Ok(1)));
        assert_eq!(c.sip_instance(), Some(&b"<urn:uuid:f81-7dec-14a06cf1>"[..]));
        assert_eq!(
            c.pub_gruu(),
            Some(&b"sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1"[..])
        );
        assert_eq!(c.temp_gruu(), Some(&b"sip:87ash54=3dd.98a@example.com;gr"[..]));
        assert_eq!(c.expires(), Some(Ok(3600)));
    }

    #[test]
    fn wildcard_and_lists_across_lines() {
        let all = contacts(b"Contact: *\r\n");
        assert!(matches!(all[..], [Ok(ContactValue::Wildcard)]));
        let all = contacts(
            b"m: <sip:a@h1>;q=0.7;expires=60\r\nContact: \"Mr. Watson\" <sip:b@h2>;q=1 ,sip:c@h3\r\n",
        );
        let q: Vec<_> = all
            .iter()
            .map(|c| c.as_ref().unwrap().address().unwrap().q())
            .collect();
        assert_eq!(q, [Some(Ok(700)), Some(Ok(1000)), None]);
        // `*` is only valid alone.
        let all = contacts(b"Contact: *, <sip:a@h>\r\n");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].as_ref().unwrap_err(), &err(0));
    }

    #[test]
    fn bad_numbers() {
        // RFC 4475 §3.1.2.4 (scalar02.dat): an expires above 2^32 - 1 is malformed.
        let c = Contact::parse(b"<sip:user@host129.example.com>\r\n  ;expires=280297596632815").unwrap();
        assert_eq!(c.expires(), Some(Err(err(43))));
        let c = Contact::parse(b"<sip:a@h>;expires=4294967295;q=0.5").unwrap();
        assert_eq!(c.expires(), Some(Ok(u32::MAX)));
        assert_eq!(c.q(), Some(Ok(500)));
        let c = Contact::parse(b"<sip:a@h>;expires;q=1.5;reg-id=0").unwrap();
        assert_eq!(c.expires(), Some(Err(err(10))));
        assert_eq!(c.q(), Some(Err(err(20))));
        assert_eq!(c.reg_id(), Some(Err(err(31))));
        let c = Contact::parse(b"<sip:a@h>;reg-id=2147483648;expires=-1").unwrap();
        assert_eq!(c.reg_id(), Some(Err(err(17))));
        assert_eq!(c.expires(), Some(Err(err(36))));
        // wsinv.dat: `q = 0.33` with spaces around `=`.
        let c = Contact::parse(b"\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33").unwrap();
        assert_eq!(c.q(), Some(Ok(330)));
        assert_eq!(c.display_name().as_deref(), Some("Quoted string \"\""));
        assert_eq!(c.params().get("newparam"), Some(Some(&b"newvalue"[..])));
        // RFC 4475 §3.1.2.1 (badinv01.dat): empty params.
        assert_eq!(Contact::parse(b"<sip:a@h>;;x").unwrap_err(), err(10));
    }
}
