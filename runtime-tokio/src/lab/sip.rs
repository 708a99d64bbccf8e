//! Just enough SIP, on text, for the lab registrar: read a request's first line and headers,
//! answer REGISTER with a digest challenge (RFC 3261 §22.4, RFC 2617 MD5 with qop=auth) and
//! then 200, answer MESSAGE and anything else with 200. Independent of sansip's own parser
//! and digest code, so it checks them rather than agreeing with them.

use md5::{Digest, Md5};

/// The realm the lab registrar challenges with.
pub const REALM: &str = "sansip.test";

/// A request, as text.
#[derive(Debug)]
pub struct Request {
    /// The method.
    pub method: String,
    /// The Request-URI.
    pub uri: String,
    /// Header lines, names lower-cased and compact forms expanded.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

fn full_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    match lower.as_str() {
        "v" => "via",
        "f" => "from",
        "t" => "to",
        "i" => "call-id",
        "m" => "contact",
        "l" => "content-length",
        "c" => "content-type",
        other => other,
    }
    .to_string()
}

impl Request {
    /// Parses one whole request; `None` for a response or garbage.
    pub fn parse(text: &str) -> Option<Request> {
        let (head, body) = text.split_once("\r\n\r\n")?;
        let mut lines = head.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let (method, uri, version) = (first.next()?, first.next()?, first.next()?);
        if version != "SIP/2.0" {
            return None;
        }
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (full_name(n), v.trim().to_string()))
            .collect();
        Some(Request {
            method: method.to_string(),
            uri: uri.to_string(),
            headers,
            body: body.to_string(),
        })
    }

    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The user part of the To URI.
    pub fn to_user(&self) -> Option<String> {
        let to = self.header("to")?;
        let start = to.find("sip:")? + 4;
        let rest = to.get(start..)?;
        Some(rest.split(['@', '>', ';']).next()?.to_string())
    }

    /// True for an un-REGISTER: `Expires: 0` or `;expires=0` on the Contact (or `Contact: *`).
    pub fn removes_binding(&self) -> bool {
        self.header("expires") == Some("0")
            || self
                .header("contact")
                .is_some_and(|c| c == "*" || c.contains(";expires=0"))
    }

    /// A response to this request: Via, From, To (with a tag), Call-ID and CSeq copied
    /// (RFC 3261 §8.2.6.2), then `extra` header lines.
    pub fn response(&self, code: u16, reason: &str, extra: &[String]) -> String {
        let mut out = format!("SIP/2.0 {code} {reason}\r\n");
        for (name, value) in &self.headers {
            match name.as_str() {
                "via" => out += &format!("Via: {value}\r\n"),
                "from" => out += &format!("From: {value}\r\n"),
                "to" if value.contains(";tag=") => out += &format!("To: {value}\r\n"),
                "to" => out += &format!("To: {value};tag=registrar\r\n"),
                "call-id" => out += &format!("Call-ID: {value}\r\n"),
                "cseq" => out += &format!("CSeq: {value}\r\n"),
                _ => {}
            }
        }
        for line in extra {
            out += line;
            out += "\r\n";
        }
        out += "Content-Length: 0\r\n\r\n";
        out
    }
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The parameters of a `Digest ...` credentials header.
fn digest_params(value: &str) -> Option<Vec<(String, String)>> {
    let rest = value.trim().strip_prefix("Digest")?;
    let mut params = Vec::new();
    let mut rest = rest.trim_start();
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (quoted.get(..end)?, quoted.get(end + 1..)?)
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after.get(..end)?.trim(), after.get(end..)?)
        };
        params.push((name.trim().to_ascii_lowercase(), value.to_string()));
        rest = tail.trim_start().trim_start_matches(',').trim_start();
    }
    Some(params)
}

/// Checks an `Authorization` value for `method` against `password` (RFC 2617 §3.2.2.1, MD5,
/// with or without qop=auth).
pub fn digest_valid(authorization: &str, method: &str, user: &str, password: &str) -> bool {
    let Some(params) = digest_params(authorization) else {
        return false;
    };
    let get = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let (Some(username), Some(realm), Some(nonce), Some(uri), Some(response)) = (
        get("username"),
        get("realm"),
        get("nonce"),
        get("uri"),
        get("response"),
    ) else {
        return false;
    };
    if username != user || realm != REALM {
        return false;
    }
    let ha1 = md5_hex(&format!("{username}:{realm}:{password}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let expected = match (get("qop"), get("nc"), get("cnonce")) {
        (Some(qop), Some(nc), Some(cnonce)) => md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")),
        _ => md5_hex(&format!("{ha1}:{nonce}:{ha2}")),
    };
    response == expected
}

#[cfg(test)]
#[test]
fn digest_matches_rfc_2617_example() {
    // RFC 2617 §3.5 (its example uses GET, realm testrealm@host.com).
    let ha1 = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
    let ha2 = md5_hex("GET:/dir/index.html");
    let response = md5_hex(&format!(
        "{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}"
    ));
    assert_eq!(response, "6629fae49393a05397450978507c4ef1");
}
