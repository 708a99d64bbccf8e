//! Header field names: case-insensitive, with compact forms (RFC 3261 §7.3.1, §7.3.3).

macro_rules! header_names {
    ($($variant:ident = $name:literal $(, $compact:literal)?;)*) => {
        /// A header field name the library knows, or [`HeaderName::Other`].
        ///
        /// Parsing maps long and compact forms, in any case, to the same variant; the raw name
        /// as written stays in the message.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum HeaderName {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
            /// An extension header; look it up by its text.
            Other,
        }

        /// Every known header: variant, long name, compact form (0 when none).
        const ALL: &[(HeaderName, &str, u8)] = &[
            $((HeaderName::$variant, $name, header_names!(@c $($compact)?)),)*
        ];

        impl HeaderName {
            /// The canonical long name (`Call-ID`, `WWW-Authenticate`, ...); empty for `Other`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(HeaderName::$variant => $name,)*
                    HeaderName::Other => "",
                }
            }

            /// The compact form, if the header has one (RFC 3261 §7.3.3, RFC 3515, RFC 3892,
            /// RFC 4028, RFC 3841, RFC 6665).
            pub fn compact(self) -> Option<char> {
                let c: u8 = match self {
                    $(HeaderName::$variant => header_names!(@c $($compact)?),)*
                    HeaderName::Other => 0,
                };
                (c != 0).then_some(char::from(c))
            }
        }
    };
    (@c $c:literal) => { $c };
    (@c) => { 0 };
}

header_names! {
    Accept = "Accept";
    AcceptContact = "Accept-Contact", b'a';
    AcceptEncoding = "Accept-Encoding";
    AcceptLanguage = "Accept-Language";
    AlertInfo = "Alert-Info";
    Allow = "Allow";
    AllowEvents = "Allow-Events", b'u';
    AuthenticationInfo = "Authentication-Info";
    Authorization = "Authorization";
    CallId = "Call-ID", b'i';
    CallInfo = "Call-Info";
    Contact = "Contact", b'm';
    ContentDisposition = "Content-Disposition";
    ContentEncoding = "Content-Encoding", b'e';
    ContentLanguage = "Content-Language";
    ContentLength = "Content-Length", b'l';
    ContentType = "Content-Type", b'c';
    CSeq = "CSeq";
    Date = "Date";
    ErrorInfo = "Error-Info";
    Event = "Event", b'o';
    Expires = "Expires";
    From = "From", b'f';
    Identity = "Identity", b'y';
    InReplyTo = "In-Reply-To";
    MaxForwards = "Max-Forwards";
    MimeVersion = "MIME-Version";
    MinExpires = "Min-Expires";
    MinSe = "Min-SE";
    Organization = "Organization";
    Path = "Path";
    Priority = "Priority";
    Privacy = "Privacy";
    ProxyAuthenticate = "Proxy-Authenticate";
    ProxyAuthorization = "Proxy-Authorization";
    ProxyRequire = "Proxy-Require";
    RAck = "RAck";
    Reason = "Reason";
    RecordRoute = "Record-Route";
    ReferredBy = "Referred-By", b'b';
    ReferTo = "Refer-To", b'r';
    RejectContact = "Reject-Contact", b'j';
    Replaces = "Replaces";
    ReplyTo = "Reply-To";
    RequestDisposition = "Request-Disposition", b'd';
    Require = "Require";
    RetryAfter = "Retry-After";
    Route = "Route";
    RSeq = "RSeq";
    Server = "Server";
    ServiceRoute = "Service-Route";
    SessionExpires = "Session-Expires", b'x';
    SipEtag = "SIP-ETag";
    SipIfMatch = "SIP-If-Match";
    Subject = "Subject", b's';
    SubscriptionState = "Subscription-State";
    Supported = "Supported", b'k';
    Timestamp = "Timestamp";
    To = "To", b't';
    Unsupported = "Unsupported";
    UserAgent = "User-Agent";
    Via = "Via", b'v';
    Warning = "Warning";
    WwwAuthenticate = "WWW-Authenticate";
}

/// The longest known header name (`Authentication-Info`, ...).
const MAX_KNOWN_LEN: usize = 19;

/// A known name in the lookup table: its bytes as three little-endian words (zero-padded),
/// once as spelled in RFC 3261 and once lower-cased, and its length.
#[derive(Clone, Copy)]
struct Slot {
    spelled: [u64; 3],
    lower: [u64; 3],
    len: u8,
    name: HeaderName,
}

/// Slots in the open-addressing table (a power of two, about three times the names).
const SLOTS: usize = 256;

#[allow(clippy::indexing_slicing)] // const context: k < 24 and k < s.len() by the loop bound
const fn const_words(s: &[u8], lower: bool) -> [u64; 3] {
    let mut b = [0u8; 24];
    let mut k = 0;
    while k < s.len() && k < 24 {
        b[k] = if lower { s[k].to_ascii_lowercase() } else { s[k] };
        k += 1;
    }
    [
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        u64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]),
        u64::from_le_bytes([b[16], b[17], b[18], b[19], b[20], b[21], b[22], b[23]]),
    ]
}

/// The slot a name hashes to, from its length and its first and last bytes with bit 5 set
/// (so both cases of a letter hash alike; other collisions are resolved by comparing).
#[inline]
const fn slot_of(len: usize, first: u8, last: u8) -> usize {
    let h = (len as u32) ^ ((first as u32 | 0x20) << 8) ^ ((last as u32 | 0x20) << 16);
    (h.wrapping_mul(0x9E37_79B1) >> 24) as usize
}

#[allow(clippy::indexing_slicing)] // const context: slots are masked into the table, s is not empty
const fn insert(t: &mut [Slot; SLOTS], s: &[u8], name: HeaderName) {
    let mut h = slot_of(s.len(), s[0], s[s.len() - 1]);
    while t[h].len != 0 {
        h = (h + 1) & (SLOTS - 1);
    }
    t[h] = Slot {
        spelled: const_words(s, false),
        lower: const_words(s, true),
        len: s.len() as u8,
        name,
    };
}

#[allow(clippy::indexing_slicing)] // const context: k < ALL.len() by the loop bound
const fn build_lookup() -> [Slot; SLOTS] {
    let empty = Slot {
        spelled: [0; 3],
        lower: [0; 3],
        len: 0,
        name: HeaderName::Other,
    };
    let mut t = [empty; SLOTS];
    let mut k = 0;
    while k < ALL.len() {
        let (name, long, compact) = ALL[k];
        insert(&mut t, long.as_bytes(), name);
        if compact != 0 {
            insert(&mut t, &[compact], name);
        }
        k += 1;
    }
    t
}

/// Long and compact names, hashed by length, first and last byte.
static LOOKUP: [Slot; SLOTS] = build_lookup();

impl HeaderName {
    /// Classifies a header name as written (any case, long or compact form).
    #[inline]
    pub fn from_bytes(name: &[u8]) -> HeaderName {
        Self::from_prefix(name, name.len())
    }

    /// Classifies the header name made of the first `len` bytes of `line` (the parser passes
    /// the whole line, so the words are loaded without copying the name out).
    #[inline]
    pub(crate) fn from_prefix(line: &[u8], len: usize) -> HeaderName {
        use crate::parse::swar::{keep, load, lower};
        let (Some(&first), Some(&last)) = (line.first(), line.get(len.wrapping_sub(1))) else {
            return HeaderName::Other;
        };
        if len > MAX_KNOWN_LEN {
            return HeaderName::Other;
        }
        // Eight bytes at a time; the bytes past the name are zeroed, as in the table.
        let word = |at: usize| {
            if len <= at {
                0
            } else {
                keep(load(line, at), len - at)
            }
        };
        let words = [word(0), word(8), word(16)];
        let mut h = slot_of(len, first, last);
        // The table is at most a third full, so an empty slot ends every probe sequence.
        while let Some(slot) = LOOKUP.get(h) {
            if slot.len == 0 {
                break;
            }
            // Names are nearly always spelled as in the RFC; any other case is lower-cased.
            if usize::from(slot.len) == len && (slot.spelled == words || slot.lower == words.map(lower)) {
                return slot.name;
            }
            h = (h + 1) & (SLOTS - 1);
        }
        HeaderName::Other
    }

    /// True for headers whose value is a comma-separated list that may be split across
    /// several header lines (RFC 3261 §7.3.1).
    pub fn is_list(self) -> bool {
        use HeaderName::*;
        matches!(
            self,
            Accept
                | AcceptEncoding
                | AcceptLanguage
                | AlertInfo
                | Allow
                | AllowEvents
                | CallInfo
                | Contact
                | ContentEncoding
                | ContentLanguage
                | ErrorInfo
                | InReplyTo
                | Path
                | ProxyRequire
                | Reason
                | RecordRoute
                | Require
                | Route
                | ServiceRoute
                | Supported
                | Unsupported
                | Via
                | Warning
                | Privacy
                | AcceptContact
                | RejectContact
                | RequestDisposition
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup this module had before the hash table: lower-case, then match.
    fn reference_from_bytes(name: &[u8]) -> HeaderName {
        let lower = name.to_ascii_lowercase();
        ALL.iter()
            .find(|(_, long, compact)| {
                long.to_ascii_lowercase().as_bytes() == &lower[..] || (*compact != 0 && lower == [*compact])
            })
            .map_or(HeaderName::Other, |(h, _, _)| *h)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The table lookup and a plain comparison agree on known names with their case and
        /// bytes mutated, and on arbitrary bytes.
        #[test]
        fn lookup_agrees_with_reference(
            k in 0..ALL.len(),
            flips in proptest::collection::vec((0usize..24, proptest::prelude::any::<u8>()), 0..3),
            upper in proptest::prelude::any::<u32>(),
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..22),
        ) {
            let mut name = ALL[k].1.as_bytes().to_vec();
            for (i, b) in name.iter_mut().enumerate() {
                if upper >> (i % 32) & 1 == 1 {
                    *b = b.to_ascii_uppercase();
                }
            }
            for (at, b) in flips {
                if let Some(x) = name.get_mut(at) {
                    *x = b;
                }
            }
            proptest::prop_assert_eq!(HeaderName::from_bytes(&name), reference_from_bytes(&name));
            proptest::prop_assert_eq!(HeaderName::from_bytes(&raw), reference_from_bytes(&raw));
            let mut line = name.clone();
            line.extend_from_slice(b": value");
            proptest::prop_assert_eq!(HeaderName::from_prefix(&line, name.len()), reference_from_bytes(&name));
        }
    }

    #[test]
    fn compact_and_case() {
        for (c, h) in [
            ("v", HeaderName::Via),
            ("I", HeaderName::CallId),
            ("f", HeaderName::From),
            ("t", HeaderName::To),
            ("m", HeaderName::Contact),
            ("l", HeaderName::ContentLength),
            ("c", HeaderName::ContentType),
            ("k", HeaderName::Supported),
            ("s", HeaderName::Subject),
            ("e", HeaderName::ContentEncoding),
            ("o", HeaderName::Event),
            ("r", HeaderName::ReferTo),
            ("b", HeaderName::ReferredBy),
            ("u", HeaderName::AllowEvents),
            ("a", HeaderName::AcceptContact),
            ("d", HeaderName::RequestDisposition),
            ("x", HeaderName::SessionExpires),
            ("q", HeaderName::Other),
        ] {
            assert_eq!(HeaderName::from_bytes(c.as_bytes()), h, "{c}");
        }
        assert_eq!(HeaderName::from_bytes(b"cAll-iD"), HeaderName::CallId);
        assert_eq!(HeaderName::from_bytes(b"C%6Fntact"), HeaderName::Other);
        // Bytes that only look like a name once bit 5 is set are not that name.
        assert_eq!(HeaderName::from_bytes(b"call\rid"), HeaderName::Other);
        assert_eq!(HeaderName::from_bytes(b"VIA\0"), HeaderName::Other);
        assert_eq!(HeaderName::from_bytes(b""), HeaderName::Other);
        assert_eq!(HeaderName::from_bytes(b"authentication-infox"), HeaderName::Other);
        // The parser's form reads the name at the start of a longer line.
        assert_eq!(HeaderName::from_prefix(b"Via: SIP/2.0/UDP h", 3), HeaderName::Via);
        assert_eq!(
            HeaderName::from_prefix(b"Content-Lengthy", 14),
            HeaderName::ContentLength
        );
        assert_eq!(HeaderName::from_prefix(b"v", 2), HeaderName::Other);
        assert_eq!(HeaderName::CallId.as_str(), "Call-ID");
        assert_eq!(HeaderName::Via.compact(), Some('v'));
        assert_eq!(HeaderName::CSeq.compact(), None);
        // Every known name, in any case, and its compact form find the same variant.
        for (h, long, compact) in ALL {
            assert_eq!(HeaderName::from_bytes(long.as_bytes()), *h, "{long}");
            assert_eq!(
                HeaderName::from_bytes(long.to_ascii_uppercase().as_bytes()),
                *h,
                "{long}"
            );
            assert_eq!(h.as_str(), *long);
            if *compact != 0 {
                assert_eq!(
                    HeaderName::from_bytes(&[compact.to_ascii_uppercase()]),
                    *h,
                    "{long}"
                );
            }
        }
    }
}
