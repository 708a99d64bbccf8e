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

        #[cfg(test)]
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

            /// The header whose compact form is `c` (lower case).
            fn from_compact(c: u8) -> HeaderName {
                $($(if c == $compact { return HeaderName::$variant; })?)*
                HeaderName::Other
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

/// Case-insensitive equality of a canonical name (`canon`: letters and `-`) with a name as
/// written: letters compare with bit 0x20 (case) folded, anything else exactly.
#[inline]
fn token_eq_ic(canon: &[u8], name: &[u8]) -> bool {
    canon.len() == name.len()
        && canon
            .iter()
            .zip(name)
            .all(|(&c, &n)| c == n || (c.is_ascii_alphabetic() && (c | 0x20) == (n | 0x20)))
}

/// The known headers whose long name has this length and (lower-case) first byte.
fn candidates(len: usize, first: u8) -> &'static [HeaderName] {
    match (len, first) {
        (2, b't') => &[HeaderName::To],
        (3, b'v') => &[HeaderName::Via],
        (4, b'c') => &[HeaderName::CSeq],
        (4, b'd') => &[HeaderName::Date],
        (4, b'f') => &[HeaderName::From],
        (4, b'p') => &[HeaderName::Path],
        (4, b'r') => &[HeaderName::RAck, HeaderName::RSeq],
        (5, b'a') => &[HeaderName::Allow],
        (5, b'e') => &[HeaderName::Event],
        (5, b'r') => &[HeaderName::Route],
        (6, b'a') => &[HeaderName::Accept],
        (6, b'm') => &[HeaderName::MinSe],
        (6, b'r') => &[HeaderName::Reason],
        (6, b's') => &[HeaderName::Server],
        (7, b'c') => &[HeaderName::CallId, HeaderName::Contact],
        (7, b'e') => &[HeaderName::Expires],
        (7, b'p') => &[HeaderName::Privacy],
        (7, b'r') => &[HeaderName::Require],
        (7, b's') => &[HeaderName::Subject],
        (7, b'w') => &[HeaderName::Warning],
        (8, b'i') => &[HeaderName::Identity],
        (8, b'p') => &[HeaderName::Priority],
        (8, b'r') => &[HeaderName::ReferTo, HeaderName::Replaces, HeaderName::ReplyTo],
        (8, b's') => &[HeaderName::SipEtag],
        (9, b'c') => &[HeaderName::CallInfo],
        (9, b's') => &[HeaderName::Supported],
        (9, b't') => &[HeaderName::Timestamp],
        (10, b'a') => &[HeaderName::AlertInfo],
        (10, b'e') => &[HeaderName::ErrorInfo],
        (10, b'u') => &[HeaderName::UserAgent],
        (11, b'i') => &[HeaderName::InReplyTo],
        (11, b'm') => &[HeaderName::MinExpires],
        (11, b'r') => &[HeaderName::ReferredBy, HeaderName::RetryAfter],
        (11, b'u') => &[HeaderName::Unsupported],
        (12, b'a') => &[HeaderName::AllowEvents],
        (12, b'c') => &[HeaderName::ContentType],
        (12, b'm') => &[HeaderName::MaxForwards, HeaderName::MimeVersion],
        (12, b'o') => &[HeaderName::Organization],
        (12, b'r') => &[HeaderName::RecordRoute],
        (12, b's') => &[HeaderName::SipIfMatch],
        (13, b'a') => &[HeaderName::Authorization],
        (13, b'p') => &[HeaderName::ProxyRequire],
        (13, b's') => &[HeaderName::ServiceRoute],
        (14, b'a') => &[HeaderName::AcceptContact],
        (14, b'c') => &[HeaderName::ContentLength],
        (14, b'r') => &[HeaderName::RejectContact],
        (15, b'a') => &[HeaderName::AcceptEncoding, HeaderName::AcceptLanguage],
        (15, b's') => &[HeaderName::SessionExpires],
        (16, b'c') => &[HeaderName::ContentEncoding, HeaderName::ContentLanguage],
        (16, b'w') => &[HeaderName::WwwAuthenticate],
        (18, b'p') => &[HeaderName::ProxyAuthenticate],
        (18, b's') => &[HeaderName::SubscriptionState],
        (19, b'a') => &[HeaderName::AuthenticationInfo],
        (19, b'c') => &[HeaderName::ContentDisposition],
        (19, b'p') => &[HeaderName::ProxyAuthorization],
        (19, b'r') => &[HeaderName::RequestDisposition],
        _ => &[],
    }
}

impl HeaderName {
    /// Classifies a header name as written (any case, long or compact form).
    #[inline]
    pub fn from_bytes(name: &[u8]) -> HeaderName {
        let Some(first) = name.first().map(u8::to_ascii_lowercase) else {
            return HeaderName::Other;
        };
        if name.len() == 1 {
            return Self::from_compact(first);
        }
        for &h in candidates(name.len(), first) {
            if token_eq_ic(h.as_str().as_bytes(), name) {
                return h;
            }
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
