//! Request methods (RFC 3261 §7.1, §27.4 and the extension RFCs).

use bytes::Bytes;
use core::fmt;

/// A SIP method. Methods are case-sensitive (RFC 3261 §7.1): `invite` is an extension method,
/// not INVITE.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// INVITE (RFC 3261).
    Invite,
    /// ACK (RFC 3261).
    Ack,
    /// BYE (RFC 3261).
    Bye,
    /// CANCEL (RFC 3261).
    Cancel,
    /// REGISTER (RFC 3261).
    Register,
    /// OPTIONS (RFC 3261).
    Options,
    /// PRACK (RFC 3262).
    Prack,
    /// SUBSCRIBE (RFC 6665).
    Subscribe,
    /// NOTIFY (RFC 6665).
    Notify,
    /// PUBLISH (RFC 3903).
    Publish,
    /// INFO (RFC 6086).
    Info,
    /// REFER (RFC 3515).
    Refer,
    /// MESSAGE (RFC 3428).
    Message,
    /// UPDATE (RFC 3311).
    Update,
    /// Any other token (`extension-method`).
    Extension(Bytes),
}

const KNOWN: &[(&str, Method)] = &[
    ("INVITE", Method::Invite),
    ("ACK", Method::Ack),
    ("BYE", Method::Bye),
    ("CANCEL", Method::Cancel),
    ("REGISTER", Method::Register),
    ("OPTIONS", Method::Options),
    ("PRACK", Method::Prack),
    ("SUBSCRIBE", Method::Subscribe),
    ("NOTIFY", Method::Notify),
    ("PUBLISH", Method::Publish),
    ("INFO", Method::Info),
    ("REFER", Method::Refer),
    ("MESSAGE", Method::Message),
    ("UPDATE", Method::Update),
];

impl Method {
    /// The method for a token; unknown tokens become [`Method::Extension`] sharing `buf`.
    /// The caller has checked that `buf[range]` is a token.
    pub fn from_token(buf: &Bytes, start: usize, end: usize) -> Method {
        let t = buf.get(start..end).unwrap_or_default();
        match Self::known(t) {
            Some(m) => m,
            None => Method::Extension(buf.slice(start..end)),
        }
    }

    /// The standard method spelled exactly `t`, if any.
    pub fn known(t: &[u8]) -> Option<Method> {
        // One match (a switch on the length, then a compare) instead of a search of KNOWN.
        Some(match t {
            b"INVITE" => Method::Invite,
            b"ACK" => Method::Ack,
            b"BYE" => Method::Bye,
            b"CANCEL" => Method::Cancel,
            b"REGISTER" => Method::Register,
            b"OPTIONS" => Method::Options,
            b"PRACK" => Method::Prack,
            b"SUBSCRIBE" => Method::Subscribe,
            b"NOTIFY" => Method::Notify,
            b"PUBLISH" => Method::Publish,
            b"INFO" => Method::Info,
            b"REFER" => Method::Refer,
            b"MESSAGE" => Method::Message,
            b"UPDATE" => Method::Update,
            _ => return None,
        })
    }

    /// The method name as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Extension(b) => core::str::from_utf8(b).unwrap_or_default(),
            m => KNOWN
                .iter()
                .find(|(_, k)| k == m)
                .map(|(n, _)| *n)
                .unwrap_or_default(),
        }
    }

    /// True when `t` names this method (case-sensitive, RFC 3261 §7.1).
    pub fn matches(&self, t: &[u8]) -> bool {
        self.as_str().as_bytes() == t
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&'static str> for Method {
    fn from(s: &'static str) -> Method {
        Self::known(s.as_bytes()).unwrap_or_else(|| Method::Extension(Bytes::from_static(s.as_bytes())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_is_the_table() {
        for (name, m) in KNOWN {
            assert_eq!(Method::known(name.as_bytes()).as_ref(), Some(m), "{name}");
            assert_eq!(m.as_str(), *name);
            assert_eq!(Method::known(name.to_ascii_lowercase().as_bytes()), None);
        }
        assert_eq!(Method::known(b""), None);
        assert_eq!(Method::known(b"INVITEX"), None);
    }
}
