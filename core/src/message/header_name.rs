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

impl HeaderName {
    /// Classifies a header name as written (any case, long or compact form).
    #[inline]
    pub fn from_bytes(name: &[u8]) -> HeaderName {
        // Lower-case into a stack buffer, then one `match` on the bytes: the compiler turns it
        // into a switch on the length and a few comparisons.
        let mut buf = [0u8; MAX_KNOWN_LEN];
        let Some(dst) = buf.get_mut(..name.len()) else {
            return HeaderName::Other;
        };
        for (d, s) in dst.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        match &*dst {
            b"accept" => HeaderName::Accept,
            b"accept-contact" | b"a" => HeaderName::AcceptContact,
            b"accept-encoding" => HeaderName::AcceptEncoding,
            b"accept-language" => HeaderName::AcceptLanguage,
            b"alert-info" => HeaderName::AlertInfo,
            b"allow" => HeaderName::Allow,
            b"allow-events" | b"u" => HeaderName::AllowEvents,
            b"authentication-info" => HeaderName::AuthenticationInfo,
            b"authorization" => HeaderName::Authorization,
            b"call-id" | b"i" => HeaderName::CallId,
            b"call-info" => HeaderName::CallInfo,
            b"contact" | b"m" => HeaderName::Contact,
            b"content-disposition" => HeaderName::ContentDisposition,
            b"content-encoding" | b"e" => HeaderName::ContentEncoding,
            b"content-language" => HeaderName::ContentLanguage,
            b"content-length" | b"l" => HeaderName::ContentLength,
            b"content-type" | b"c" => HeaderName::ContentType,
            b"cseq" => HeaderName::CSeq,
            b"date" => HeaderName::Date,
            b"error-info" => HeaderName::ErrorInfo,
            b"event" | b"o" => HeaderName::Event,
            b"expires" => HeaderName::Expires,
            b"from" | b"f" => HeaderName::From,
            b"identity" | b"y" => HeaderName::Identity,
            b"in-reply-to" => HeaderName::InReplyTo,
            b"max-forwards" => HeaderName::MaxForwards,
            b"mime-version" => HeaderName::MimeVersion,
            b"min-expires" => HeaderName::MinExpires,
            b"min-se" => HeaderName::MinSe,
            b"organization" => HeaderName::Organization,
            b"path" => HeaderName::Path,
            b"priority" => HeaderName::Priority,
            b"privacy" => HeaderName::Privacy,
            b"proxy-authenticate" => HeaderName::ProxyAuthenticate,
            b"proxy-authorization" => HeaderName::ProxyAuthorization,
            b"proxy-require" => HeaderName::ProxyRequire,
            b"rack" => HeaderName::RAck,
            b"reason" => HeaderName::Reason,
            b"record-route" => HeaderName::RecordRoute,
            b"referred-by" | b"b" => HeaderName::ReferredBy,
            b"refer-to" | b"r" => HeaderName::ReferTo,
            b"reject-contact" | b"j" => HeaderName::RejectContact,
            b"replaces" => HeaderName::Replaces,
            b"reply-to" => HeaderName::ReplyTo,
            b"request-disposition" | b"d" => HeaderName::RequestDisposition,
            b"require" => HeaderName::Require,
            b"retry-after" => HeaderName::RetryAfter,
            b"route" => HeaderName::Route,
            b"rseq" => HeaderName::RSeq,
            b"server" => HeaderName::Server,
            b"service-route" => HeaderName::ServiceRoute,
            b"session-expires" | b"x" => HeaderName::SessionExpires,
            b"sip-etag" => HeaderName::SipEtag,
            b"sip-if-match" => HeaderName::SipIfMatch,
            b"subject" | b"s" => HeaderName::Subject,
            b"subscription-state" => HeaderName::SubscriptionState,
            b"supported" | b"k" => HeaderName::Supported,
            b"timestamp" => HeaderName::Timestamp,
            b"to" | b"t" => HeaderName::To,
            b"unsupported" => HeaderName::Unsupported,
            b"user-agent" => HeaderName::UserAgent,
            b"via" | b"v" => HeaderName::Via,
            b"warning" => HeaderName::Warning,
            b"www-authenticate" => HeaderName::WwwAuthenticate,
            _ => HeaderName::Other,
        }
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
