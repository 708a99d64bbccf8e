//! Header field names: case-insensitive, with compact forms (RFC 3261 §7.3.1, §7.3.3).

use crate::parse::lex::eq_ic;

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

        const ALL: &[(HeaderName, &str, u8)] = &[
            $((HeaderName::$variant, $name, header_names!(@c $($compact)?)),)*
        ];
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

impl HeaderName {
    /// Classifies a header name as written (any case, long or compact form).
    pub fn from_bytes(name: &[u8]) -> HeaderName {
        // Fast path for the headers every message has.
        match name.len() {
            1 => {
                let c = name.first().copied().unwrap_or(0).to_ascii_lowercase();
                return ALL
                    .iter()
                    .find(|(_, _, compact)| *compact == c)
                    .map(|(h, _, _)| *h)
                    .unwrap_or(HeaderName::Other);
            }
            0 => return HeaderName::Other,
            _ => {}
        }
        ALL.iter()
            .find(|(_, long, _)| long.len() == name.len() && eq_ic(long.as_bytes(), name))
            .map(|(h, _, _)| *h)
            .unwrap_or(HeaderName::Other)
    }

    /// The canonical long name (`Call-ID`, `WWW-Authenticate`, ...); empty for `Other`.
    pub fn as_str(self) -> &'static str {
        ALL.iter()
            .find(|(h, _, _)| *h == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("")
    }

    /// The compact form, if the header has one (RFC 3261 §7.3.3, RFC 3515, RFC 3892, RFC 4028,
    /// RFC 3841, RFC 6665).
    pub fn compact(self) -> Option<char> {
        ALL.iter()
            .find(|(h, _, c)| *h == self && *c != 0)
            .map(|(_, _, c)| char::from(*c))
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
    }
}
