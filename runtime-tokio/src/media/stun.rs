//! STUN binding (RFC 5389) from the RTP socket: the client side of a Binding transaction, to
//! learn the public address a NAT maps the socket to. Only what a binding needs: no
//! authentication, no FINGERPRINT check (the attributes are skipped by type).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;

use super::MediaError;

/// The magic cookie (RFC 5389 §6).
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
/// Binding request (RFC 5389 §6, §18.1).
pub const BINDING_REQUEST: u16 = 0x0001;
/// Binding success response.
pub const BINDING_SUCCESS: u16 = 0x0101;
/// MAPPED-ADDRESS (RFC 5389 §15.1).
pub const MAPPED_ADDRESS: u16 = 0x0001;
/// XOR-MAPPED-ADDRESS (RFC 5389 §15.2).
pub const XOR_MAPPED_ADDRESS: u16 = 0x0020;
/// The default STUN port (RFC 5389 §9).
pub const DEFAULT_PORT: u16 = 3478;

/// A Binding request with no attributes (RFC 5389 §6): 20 octets.
pub fn binding_request(transaction_id: [u8; 12]) -> [u8; 20] {
    let mut out = [0u8; 20];
    let header = [BINDING_REQUEST.to_be_bytes(), 0u16.to_be_bytes()].concat();
    for (o, b) in out.iter_mut().zip(
        header
            .iter()
            .chain(&MAGIC_COOKIE.to_be_bytes())
            .chain(&transaction_id),
    ) {
        *o = *b;
    }
    out
}

/// A Binding success response carrying XOR-MAPPED-ADDRESS (RFC 5389 §15.2): what a STUN
/// server answers, for tests and loopback responders.
pub fn binding_success(transaction_id: [u8; 12], mapped: SocketAddr) -> Vec<u8> {
    let mut value = Vec::with_capacity(20);
    value.push(0);
    let port = mapped.port() ^ (MAGIC_COOKIE >> 16) as u16;
    match mapped.ip() {
        IpAddr::V4(ip) => {
            value.push(0x01);
            value.extend_from_slice(&port.to_be_bytes());
            value.extend_from_slice(&(u32::from(ip) ^ MAGIC_COOKIE).to_be_bytes());
        }
        IpAddr::V6(ip) => {
            value.push(0x02);
            value.extend_from_slice(&port.to_be_bytes());
            let mask = xor_mask(&transaction_id);
            value.extend(ip.octets().iter().zip(mask).map(|(a, m)| a ^ m));
        }
    }
    let mut out = Vec::with_capacity(24 + value.len());
    out.extend_from_slice(&BINDING_SUCCESS.to_be_bytes());
    out.extend_from_slice(&((4 + value.len()) as u16).to_be_bytes());
    out.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
    out.extend_from_slice(&transaction_id);
    out.extend_from_slice(&XOR_MAPPED_ADDRESS.to_be_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(&value);
    out
}

/// The magic cookie followed by the transaction ID: the IPv6 XOR mask (RFC 5389 §15.2).
fn xor_mask(transaction_id: &[u8; 12]) -> [u8; 16] {
    let mut mask = [0u8; 16];
    for (m, b) in mask
        .iter_mut()
        .zip(MAGIC_COOKIE.to_be_bytes().iter().chain(transaction_id))
    {
        *m = *b;
    }
    mask
}

/// A Binding success response as read: its transaction ID and the mapped address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BindingResponse {
    /// The transaction this answers.
    pub transaction_id: [u8; 12],
    /// XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS (RFC 5389 §15.1 for old servers).
    pub mapped: SocketAddr,
}

/// Reads a Binding success response; `None` for anything else (other messages, errors,
/// malformed input).
pub fn parse_binding_response(data: &[u8]) -> Option<BindingResponse> {
    let header = data.get(..20)?;
    let [t0, t1, l0, l1, c0, c1, c2, c3, rest @ ..] = <[u8; 20]>::try_from(header).ok()?;
    let transaction_id: [u8; 12] = rest;
    // RFC 5389 §6: the top two bits are zero, the cookie is fixed, the length counts the
    // attributes and is a multiple of 4.
    let length = usize::from(u16::from_be_bytes([l0, l1]));
    if u16::from_be_bytes([t0, t1]) != BINDING_SUCCESS
        || u32::from_be_bytes([c0, c1, c2, c3]) != MAGIC_COOKIE
        || length % 4 != 0
        || data.len() != 20 + length
    {
        return None;
    }
    let mut attrs = data.get(20..)?;
    let mut xor = None;
    let mut plain = None;
    // RFC 5389 §15: type, length, value padded to a multiple of 4.
    while let Some(head) = attrs.get(..4) {
        let [a0, a1, v0, v1] = <[u8; 4]>::try_from(head).ok()?;
        let len = usize::from(u16::from_be_bytes([v0, v1]));
        let value = attrs.get(4..4 + len)?;
        match u16::from_be_bytes([a0, a1]) {
            XOR_MAPPED_ADDRESS => xor = xor.or_else(|| address(value, Some(&transaction_id))),
            MAPPED_ADDRESS => plain = plain.or_else(|| address(value, None)),
            _ => {}
        }
        attrs = attrs.get((4 + len).next_multiple_of(4)..).unwrap_or_default();
    }
    Some(BindingResponse {
        transaction_id,
        mapped: xor.or(plain)?,
    })
}

/// Reads a (XOR-)MAPPED-ADDRESS value (RFC 5389 §15.1, §15.2): 0, family, port, address.
fn address(value: &[u8], xor_with: Option<&[u8; 12]>) -> Option<SocketAddr> {
    let mask = xor_with.map(xor_mask).unwrap_or([0; 16]);
    let [m0, m1, ..] = mask;
    let port = u16::from_be_bytes([*value.get(2)? ^ m0, *value.get(3)? ^ m1]);
    let ip = match *value.get(1)? {
        0x01 => {
            let raw = <[u8; 4]>::try_from(value.get(4..8)?).ok()?;
            let mut octets = [0u8; 4];
            for ((o, r), m) in octets.iter_mut().zip(raw).zip(mask) {
                *o = r ^ m;
            }
            IpAddr::V4(Ipv4Addr::from(octets))
        }
        0x02 => {
            let raw = <[u8; 16]>::try_from(value.get(4..20)?).ok()?;
            let mut octets = [0u8; 16];
            for ((o, r), m) in octets.iter_mut().zip(raw).zip(mask) {
                *o = r ^ m;
            }
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// Reads a JsSIP `stun_servers` entry, `stun:host[:port]` (RFC 7064 §3.1), into host and port
/// (3478 when absent). IPv6 hosts are written in brackets.
pub fn parse_server(uri: &str) -> Result<(String, u16), MediaError> {
    let bad = || MediaError::StunServer(uri.to_string());
    let rest = uri
        .get(..5)
        .filter(|s| s.eq_ignore_ascii_case("stun:"))
        .and_then(|_| uri.get(5..))
        .ok_or_else(bad)?;
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or_else(bad)?;
        (host, after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    let port = match port {
        Some(p) => p.parse::<u16>().ok().filter(|&p| p != 0).ok_or_else(bad)?,
        None => DEFAULT_PORT,
    };
    if host.is_empty() || host.contains(['/', '?', '@', ' ']) {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

/// How long to wait for each transmission of a request: RFC 5389 §7.2.1 starts at 500 ms and
/// doubles for up to 7 sends (39.5 s); a call cannot wait that long, so three sends
/// 250/500/1000 ms apart, 1.75 s per server.
const RETRANSMISSIONS: [Duration; 3] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_millis(1000),
];

/// One Binding transaction from `socket` to `server`: the mapped address, or `None` when the
/// server does not answer.
pub async fn binding(socket: &UdpSocket, server: SocketAddr, transaction_id: [u8; 12]) -> Option<SocketAddr> {
    let request = binding_request(transaction_id);
    let mut buf = [0u8; 1500];
    for wait in RETRANSMISSIONS {
        if socket.send_to(&request, server).await.is_err() {
            return None;
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, socket.recv_from(&mut buf)).await {
                Err(_) => break,
                Ok(Err(_)) => continue,
                Ok(Ok((n, from))) => {
                    let response = buf.get(..n).and_then(parse_binding_response);
                    // RFC 5389 §7.3.3: the response matches the request by transaction ID.
                    if let Some(r) = response.filter(|r| r.transaction_id == transaction_id && from == server)
                    {
                        return Some(r.mapped);
                    }
                }
            }
        }
    }
    None
}

/// Tries the servers in order from `socket` and returns the first mapped address; `None` when
/// no server answered. Entries that do not parse are an error (a configuration mistake).
pub async fn discover(
    socket: &UdpSocket,
    servers: &[String],
    mut transaction_id: impl FnMut() -> [u8; 12],
) -> Result<Option<SocketAddr>, MediaError> {
    let parsed = servers
        .iter()
        .map(|s| parse_server(s))
        .collect::<Result<Vec<_>, _>>()?;
    let local = socket
        .local_addr()
        .map_err(|e| MediaError::io("reading the rtp socket address", e))?;
    for (host, port) in parsed {
        let Ok(addresses) = tokio::net::lookup_host((host.as_str(), port)).await else {
            tracing::debug!(%host, "stun server does not resolve");
            continue;
        };
        for server in addresses.filter(|a| a.is_ipv4() == local.is_ipv4()) {
            if let Some(mapped) = binding(socket, server, transaction_id()).await {
                return Ok(Some(mapped));
            }
            tracing::debug!(%server, "stun server did not answer");
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSACTION_ID: [u8; 12] = [
        0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
    ];

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    /// RFC 5769 §2.2, sample IPv4 response.
    fn rfc5769_ipv4() -> Vec<u8> {
        hex("01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
             80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
             00 20 00 08 00 01 a1 47 e1 12 a6 43
             00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
             80 28 00 04 c0 7d 4c 96")
    }

    /// RFC 5769 §2.3, sample IPv6 response.
    fn rfc5769_ipv6() -> Vec<u8> {
        hex("01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
             80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
             00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
             00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
             80 28 00 04 c8 fb 0b 4c")
    }

    #[test]
    fn rfc5769_sample_responses() {
        let v4 = parse_binding_response(&rfc5769_ipv4()).unwrap();
        assert_eq!(v4.transaction_id, TRANSACTION_ID);
        assert_eq!(v4.mapped, "192.0.2.1:32853".parse().unwrap());
        let v6 = parse_binding_response(&rfc5769_ipv6()).unwrap();
        assert_eq!(
            v6.mapped,
            "[2001:db8:1234:5678:11:2233:4455:6677]:32853".parse().unwrap()
        );
        // Our encoder writes the same XOR-MAPPED-ADDRESS octets as the samples.
        let ours = binding_success(TRANSACTION_ID, v4.mapped);
        assert_eq!(ours.get(20..).unwrap(), rfc5769_ipv4().get(36..48).unwrap());
        let ours = binding_success(TRANSACTION_ID, v6.mapped);
        assert_eq!(ours.get(20..).unwrap(), rfc5769_ipv6().get(36..60).unwrap());
        assert_eq!(parse_binding_response(&ours).map(|r| r.mapped), Some(v6.mapped));
    }

    #[test]
    fn request_exact_bytes() {
        assert_eq!(
            binding_request(TRANSACTION_ID).to_vec(),
            hex("00 01 00 00 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae")
        );
    }

    #[test]
    fn garbage_is_not_a_response() {
        let mut v4 = rfc5769_ipv4();
        assert_eq!(parse_binding_response(v4.get(..60).unwrap()), None);
        v4.push(0);
        assert_eq!(parse_binding_response(&v4), None);
        assert_eq!(parse_binding_response(&binding_request(TRANSACTION_ID)), None);
        let sample = rfc5769_ipv4();
        for cut in 0..sample.len() {
            let _ = parse_binding_response(sample.get(..cut).unwrap());
        }
        // An attribute length running past the end.
        let mut long = sample.clone();
        if let Some(b) = long.get_mut(39) {
            *b = 0xFF;
        }
        assert_eq!(parse_binding_response(&long), None);
    }

    #[test]
    fn server_strings() {
        assert_eq!(
            parse_server("stun:stun.example.org:3478").unwrap(),
            ("stun.example.org".into(), 3478)
        );
        assert_eq!(
            parse_server("stun:stun.example.org").unwrap(),
            ("stun.example.org".into(), 3478)
        );
        assert_eq!(
            parse_server("STUN:127.0.0.1:19302").unwrap(),
            ("127.0.0.1".into(), 19302)
        );
        assert_eq!(parse_server("stun:[::1]:5000").unwrap(), ("::1".into(), 5000));
        for bad in [
            "stun.example.org",
            "turn:x",
            "stun:",
            "stun:host:0",
            "stun:host:x",
            "stun:[::1",
        ] {
            assert!(parse_server(bad).is_err(), "{bad}");
        }
    }
}
