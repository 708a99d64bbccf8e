//! Where the UA connects: WebSocket URLs as JsSIP takes them (`wss://host:port/path`) and,
//! beyond JsSIP, SIP URIs naming a UDP/TCP/TLS proxy (`sip:proxy.example.com;transport=udp`).

use alloc::string::{String, ToString};
use core::fmt;

use crate::uri::{parse_host, Scheme, Uri};

/// The transport a server is reached over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// WebSocket (RFC 7118), `ws://`.
    Ws,
    /// Secure WebSocket (RFC 7118), `wss://`.
    Wss,
    /// UDP (RFC 3261 §18).
    Udp,
    /// TCP (RFC 3261 §18).
    Tcp,
    /// TLS over TCP (RFC 3261 §26.2).
    Tls,
}

impl TransportKind {
    /// The Via transport token (RFC 3261 §18.1.1, RFC 7118 §5.2).
    pub fn via_token(self) -> &'static str {
        match self {
            TransportKind::Ws => "WS",
            TransportKind::Wss => "WSS",
            TransportKind::Udp => "UDP",
            TransportKind::Tcp => "TCP",
            TransportKind::Tls => "TLS",
        }
    }
    /// The `transport=` URI parameter value (RFC 3261 §19.1.1, RFC 7118 §5.1: `ws` for both
    /// WS and WSS).
    pub fn uri_param(self) -> &'static str {
        match self {
            TransportKind::Ws | TransportKind::Wss => "ws",
            TransportKind::Udp => "udp",
            TransportKind::Tcp => "tcp",
            TransportKind::Tls => "tls",
        }
    }
    /// True for connection-oriented transports, where RFC 3261 §17 does not retransmit.
    pub fn is_reliable(self) -> bool {
        !matches!(self, TransportKind::Udp)
    }
    /// True when the transport is encrypted.
    pub fn is_secure(self) -> bool {
        matches!(self, TransportKind::Wss | TransportKind::Tls)
    }
    /// The default port: 80/443 for ws/wss (JsSIP), 5060/5061 for SIP (RFC 3261 §19.1.2).
    pub fn default_port(self) -> u16 {
        match self {
            TransportKind::Ws => 80,
            TransportKind::Wss => 443,
            TransportKind::Udp | TransportKind::Tcp => 5060,
            TransportKind::Tls => 5061,
        }
    }
}

/// A server to connect to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServerUri {
    /// The transport.
    pub transport: TransportKind,
    /// Host as written (IPv6 in brackets), lower-cased.
    pub host: String,
    /// The port (the transport's default when the text had none).
    pub port: u16,
    /// True when the text named the port.
    pub explicit_port: bool,
    /// The WebSocket resource path (`/` when absent); empty for SIP transports.
    pub path: String,
    /// The text as given.
    pub text: String,
}

/// Why a server URI was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServerUriError {
    /// Neither `ws://`, `wss://`, `sip:` nor `sips:`.
    #[error("scheme must be ws://, wss://, sip: or sips:")]
    Scheme,
    /// The host is missing or invalid.
    #[error("invalid host")]
    Host,
    /// The port is not a number from 1 to 65535.
    #[error("invalid port")]
    Port,
    /// `transport=` names something other than udp, tcp, tls, ws or wss.
    #[error("unknown transport parameter")]
    Transport,
    /// A SIP URI with a user part (a server is a host, not an address of record).
    #[error("a server uri has no user part")]
    User,
}

impl ServerUri {
    /// Parses `ws[s]://host[:port][/path]` or `sip[s]:host[:port][;transport=...]`.
    pub fn parse(text: &str) -> Result<ServerUri, ServerUriError> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("wss://") {
            return Self::websocket(t, rest, TransportKind::Wss);
        }
        if let Some(rest) = lower.strip_prefix("ws://") {
            return Self::websocket(t, rest, TransportKind::Ws);
        }
        let uri = Uri::parse_str(t).map_err(|_| ServerUriError::Scheme)?;
        let secure = match uri.scheme() {
            Scheme::Sip => false,
            Scheme::Sips => true,
            _ => return Err(ServerUriError::Scheme),
        };
        if uri.user().is_some() {
            return Err(ServerUriError::User);
        }
        // RFC 3263 §4.1 without DNS: transport param, else UDP (sip) / TLS (sips).
        let transport = match uri.transport().map(|t| t.to_ascii_lowercase()) {
            None if secure => TransportKind::Tls,
            None => TransportKind::Udp,
            Some(p) => match p.as_slice() {
                b"udp" if !secure => TransportKind::Udp,
                b"tcp" if secure => TransportKind::Tls,
                b"tcp" => TransportKind::Tcp,
                b"tls" => TransportKind::Tls,
                b"ws" if secure => TransportKind::Wss,
                b"ws" => TransportKind::Ws,
                b"wss" => TransportKind::Wss,
                _ => return Err(ServerUriError::Transport),
            },
        };
        if uri.port() == Some(0) {
            return Err(ServerUriError::Port);
        }
        Ok(ServerUri {
            transport,
            host: uri.host().to_ascii_lowercase(),
            port: uri.port().unwrap_or(transport.default_port()),
            explicit_port: uri.port().is_some(),
            path: String::new(),
            text: t.to_string(),
        })
    }

    fn websocket(text: &str, rest: &str, transport: TransportKind) -> Result<ServerUri, ServerUriError> {
        let (authority, path_len) = match rest.find(['/', '?', '#']) {
            Some(p) => (rest.get(..p).unwrap_or_default(), rest.len() - p),
            None => (rest, 0),
        };
        let (_, hlen) = parse_host(authority.as_bytes()).ok_or(ServerUriError::Host)?;
        let host = authority.get(..hlen).ok_or(ServerUriError::Host)?;
        let port = match authority.get(hlen..).unwrap_or_default() {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .and_then(|p| p.parse::<u16>().ok())
                    .filter(|&p| p != 0)
                    .ok_or(ServerUriError::Port)?,
            ),
        };
        // Keep the path as the user wrote it (case matters in paths).
        let path_start = text.len() - path_len;
        Ok(ServerUri {
            transport,
            host: host.to_string(),
            port: port.unwrap_or(transport.default_port()),
            explicit_port: port.is_some(),
            path: text
                .get(path_start..)
                .filter(|p| p.starts_with('/'))
                .unwrap_or("/")
                .to_string(),
            text: text.to_string(),
        })
    }

    /// `host` or `host:port` as used in a Route or Via (port only when given explicitly).
    pub fn host_port(&self) -> String {
        if self.explicit_port {
            alloc::format!("{}:{}", self.host, self.port)
        } else {
            self.host.clone()
        }
    }
}

impl fmt::Display for ServerUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls() {
        let s = ServerUri::parse("wss://SIP.example.com:8443/Path/ws").unwrap();
        assert_eq!(s.transport, TransportKind::Wss);
        assert_eq!(s.host, "sip.example.com");
        assert_eq!((s.port, s.explicit_port), (8443, true));
        assert_eq!(s.path, "/Path/ws");
        assert_eq!(s.host_port(), "sip.example.com:8443");
        let s = ServerUri::parse("ws://192.0.2.1").unwrap();
        assert_eq!(
            (s.transport, s.port, s.explicit_port),
            (TransportKind::Ws, 80, false)
        );
        assert_eq!(s.path, "/");
        assert_eq!(ServerUri::parse("wss://h").unwrap().port, 443);
        assert_eq!(
            ServerUri::parse("ws://[2001:db8::1]:5066/").unwrap().host,
            "[2001:db8::1]"
        );
        assert_eq!(ServerUri::parse("http://h").unwrap_err(), ServerUriError::Scheme);
        assert_eq!(ServerUri::parse("ws://h:0").unwrap_err(), ServerUriError::Port);
        assert_eq!(ServerUri::parse("ws://h:x").unwrap_err(), ServerUriError::Port);
        assert_eq!(ServerUri::parse("ws://").unwrap_err(), ServerUriError::Host);
    }

    #[test]
    fn sip_uris() {
        let s = ServerUri::parse("sip:proxy.example.com:5060;transport=udp").unwrap();
        assert_eq!((s.transport, s.port), (TransportKind::Udp, 5060));
        assert_eq!(
            ServerUri::parse("sips:proxy.example.com").unwrap().transport,
            TransportKind::Tls
        );
        assert_eq!(ServerUri::parse("sips:proxy.example.com").unwrap().port, 5061);
        assert_eq!(
            ServerUri::parse("sip:p;transport=TCP").unwrap().transport,
            TransportKind::Tcp
        );
        assert_eq!(ServerUri::parse("sip:p").unwrap().transport, TransportKind::Udp);
        assert_eq!(
            ServerUri::parse("sip:p;transport=sctp").unwrap_err(),
            ServerUriError::Transport
        );
        assert_eq!(ServerUri::parse("sip:alice@p").unwrap_err(), ServerUriError::User);
    }
}
