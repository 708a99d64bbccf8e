//! The proxy's edits of messages, done on the text (not with sansip's builder, so the proxy
//! checks the UAs rather than agreeing with them by construction): a Via of ours on top,
//! Max-Forwards decremented, our Route removed, Record-Route added, the Request-URI
//! retargeted; our Via popped from responses; responses, ACKs and CANCELs written by hand.

use bytes::Bytes;
use sansip_core::message::{HeaderName, Request};

/// Splits a message into its head (start line and header lines, without the blank line) and
/// its body.
fn split(data: &[u8]) -> (String, &[u8]) {
    let end = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(data.len());
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let body = data.get(end + 4..).unwrap_or_default();
    (head, body)
}

fn join(lines: &[String], body: &[u8]) -> Bytes {
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(body);
    Bytes::from(out)
}

/// The header name of `line`, lower-cased, with the compact forms this proxy edits expanded.
fn name_of(line: &str) -> String {
    let name = line
        .split_once(':')
        .map_or("", |(n, _)| n.trim())
        .to_ascii_lowercase();
    match name.as_str() {
        "v" => "via".to_owned(),
        _ => name,
    }
}

/// Removes the first element of the first `name` header line (the whole line when it has one
/// element). Values are split at commas outside `<>` and quotes (RFC 3261 §7.3.1).
fn pop_first_value(lines: &mut Vec<String>, name: &str) {
    let Some(i) = lines
        .iter()
        .skip(1)
        .position(|l| name_of(l) == name)
        .map(|i| i + 1)
    else {
        return;
    };
    let (head, value) = lines[i].split_once(':').expect("a header line");
    let (mut depth_angle, mut quoted) = (false, false);
    let comma = value.char_indices().find(|(_, c)| {
        match c {
            '<' if !quoted => depth_angle = true,
            '>' if !quoted => depth_angle = false,
            '"' => quoted = !quoted,
            ',' if !quoted && !depth_angle => return true,
            _ => {}
        }
        false
    });
    match comma {
        Some((at, _)) => {
            let rest = value[at + 1..].trim_start().to_owned();
            lines[i] = format!("{head}: {rest}");
        }
        None => {
            lines.remove(i);
        }
    }
}

/// A request as the proxy forwards it (RFC 3261 §16.6): `via` on top, `record_route` below it
/// when given, Max-Forwards decremented, the top Route removed when `pop_route` (it named us,
/// §16.4), the Request-URI replaced by `retarget` when given (§16.5). The body is untouched.
pub fn forward_request(
    data: &[u8],
    via: &str,
    record_route: Option<&str>,
    pop_route: bool,
    retarget: Option<&str>,
) -> Bytes {
    let (head, body) = split(data);
    let mut lines: Vec<String> = head.split("\r\n").map(str::to_owned).collect();
    if pop_route {
        pop_first_value(&mut lines, "route");
    }
    if let Some(uri) = retarget {
        let parts: Vec<&str> = lines[0].splitn(3, ' ').collect();
        if let [method, _, version] = parts[..] {
            lines[0] = format!("{method} {uri} {version}");
        }
    }
    for line in lines.iter_mut().skip(1) {
        if name_of(line) == "max-forwards" {
            let n: u32 = line
                .split_once(':')
                .and_then(|(_, v)| v.trim().parse().ok())
                .unwrap_or(70);
            *line = format!("Max-Forwards: {}", n.saturating_sub(1));
        }
    }
    let mut top = vec![format!("Via: {via}")];
    if let Some(rr) = record_route {
        top.push(format!("Record-Route: {rr}"));
    }
    lines.splice(1..1, top);
    join(&lines, body)
}

/// A response with its top Via (ours) removed (RFC 3261 §16.7 step 3).
pub fn pop_via(data: &[u8]) -> Bytes {
    let (head, body) = split(data);
    let mut lines: Vec<String> = head.split("\r\n").map(str::to_owned).collect();
    pop_first_value(&mut lines, "via");
    join(&lines, body)
}

/// The Max-Forwards of `req` (70 when absent or malformed).
pub fn max_forwards(req: &Request) -> u32 {
    req.headers()
        .get(HeaderName::MaxForwards)
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(70)
}

/// The reason phrases the proxy uses (RFC 3261 §21).
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Trying",
        200 => "OK",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        483 => "Too Many Hops",
        487 => "Request Terminated",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The To tag the proxy puts on the responses it writes itself.
pub const PROXY_TAG: &str = "simproxy";

/// A response of the proxy's own to `req` (RFC 3261 §8.2.6.2 as §16.7 asks of a proxy): the
/// request's Via, From, To, Call-ID and CSeq lines in order, a To tag of ours unless the To
/// has one or this is a 100 (§8.2.6.2), `extra`, Content-Length 0.
pub fn response(req: &Request, status: u16, extra: &[(&str, String)]) -> Bytes {
    let mut out = format!("SIP/2.0 {status} {}\r\n", reason(status));
    for h in req.headers().iter() {
        let name = h.name;
        if !matches!(
            name,
            HeaderName::Via | HeaderName::From | HeaderName::To | HeaderName::CallId | HeaderName::CSeq
        ) {
            continue;
        }
        let value = String::from_utf8_lossy(h.value);
        out.push_str(&format!("{}: {value}", name.as_str()));
        if name == HeaderName::To && status != 100 && !value.to_ascii_lowercase().contains(";tag=") {
            out.push_str(&format!(";tag={PROXY_TAG}"));
        }
        out.push_str("\r\n");
    }
    for (name, value) in extra {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    Bytes::from(out)
}

/// The value of the first `name` header line of `data` (a whole message), trimmed.
fn header_value(data: &[u8], name: &str) -> Option<String> {
    let (head, _) = split(data);
    head.split("\r\n")
        .skip(1)
        .find(|l| name_of(l) == name)
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

/// A CANCEL or an ACK for a non-2xx the proxy sends on one of its branches (RFC 3261 §9.1,
/// §17.1.1.3): the Request-URI, top Via (ours), From, Call-ID and CSeq number of the
/// forwarded INVITE `invite`; the To of `to_from` (the response, for an ACK) or of the
/// INVITE; the INVITE's Route lines; Max-Forwards 70.
pub fn hop_request(method: &str, invite: &[u8], to_from: Option<&[u8]>) -> Bytes {
    let (head, _) = split(invite);
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default();
    let uri = start.split(' ').nth(1).unwrap_or_default();
    let mut out = vec![format!("{method} {uri} SIP/2.0")];
    let all: Vec<&str> = lines.collect();
    if let Some(via) = all.iter().find(|l| name_of(l) == "via") {
        out.push(via.to_string());
    }
    out.push("Max-Forwards: 70".to_owned());
    for l in all.iter().filter(|l| name_of(l) == "route") {
        out.push(l.to_string());
    }
    let to = to_from
        .and_then(|r| header_value(r, "to"))
        .or_else(|| header_value(invite, "to"))
        .unwrap_or_default();
    out.push(format!("To: {to}"));
    for name in ["from", "call-id"] {
        if let Some(l) = all.iter().find(|l| name_of(l) == name) {
            out.push(l.to_string());
        }
    }
    let seq = header_value(invite, "cseq")
        .and_then(|v| v.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "1".to_owned());
    out.push(format!("CSeq: {seq} {method}"));
    out.push("Content-Length: 0".to_owned());
    join(&out, b"")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const INVITE: &str =
        "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n\
        Max-Forwards: 70\r\nRoute: <sip:proxy.example.com;lr>, <sip:other.example.com;lr>\r\n\
        To: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=a\r\nCall-ID: c\r\n\
        CSeq: 7 INVITE\r\nContent-Length: 4\r\n\r\nbody";

    #[test]
    fn forwards_with_via_record_route_and_retarget() {
        let out = forward_request(
            INVITE.as_bytes(),
            "SIP/2.0/WSS proxy.example.com;branch=z9hG4bKp1",
            Some("<sip:proxy.example.com;lr;transport=ws>"),
            true,
            Some("sip:b@b.invalid;transport=ws"),
        );
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "INVITE sip:b@b.invalid;transport=ws SIP/2.0\r\n\
             Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKp1\r\n\
             Record-Route: <sip:proxy.example.com;lr;transport=ws>\r\n\
             Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nMax-Forwards: 69\r\n\
             Route: <sip:other.example.com;lr>\r\nTo: <sip:bob@example.com>\r\n\
             From: <sip:alice@example.com>;tag=a\r\nCall-ID: c\r\nCSeq: 7 INVITE\r\n\
             Content-Length: 4\r\n\r\nbody"
        );
        let cancel = hop_request("CANCEL", &out, None);
        assert_eq!(
            std::str::from_utf8(&cancel).unwrap(),
            "CANCEL sip:b@b.invalid;transport=ws SIP/2.0\r\n\
             Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKp1\r\nMax-Forwards: 70\r\n\
             Route: <sip:other.example.com;lr>\r\nTo: <sip:bob@example.com>\r\n\
             From: <sip:alice@example.com>;tag=a\r\nCall-ID: c\r\nCSeq: 7 CANCEL\r\n\
             Content-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn pops_our_via_from_a_line_or_a_list() {
        let two_lines = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/WSS p;branch=z9hG4bKp\r\nVia: SIP/2.0/WSS a;branch=z9hG4bKa\r\n\
            Content-Length: 0\r\n\r\n";
        assert_eq!(
            &pop_via(two_lines.as_bytes())[..],
            b"SIP/2.0 180 Ringing\r\nVia: SIP/2.0/WSS a;branch=z9hG4bKa\r\nContent-Length: 0\r\n\r\n"
        );
        let one_line =
            "SIP/2.0 180 Ringing\r\nv: SIP/2.0/WSS p;branch=z9hG4bKp, SIP/2.0/WSS a;branch=z9hG4bKa\r\n\
            Content-Length: 0\r\n\r\n";
        assert_eq!(
            &pop_via(one_line.as_bytes())[..],
            b"SIP/2.0 180 Ringing\r\nv: SIP/2.0/WSS a;branch=z9hG4bKa\r\nContent-Length: 0\r\n\r\n"
        );
    }
}
