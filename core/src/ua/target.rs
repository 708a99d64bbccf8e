//! Turning what a user dials into a SIP URI, as JsSIP's `Utils.normalizeTarget` does.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::uri::{escape, unescape, Uri};

/// `encodeURIComponent`'s unreserved set: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`, plus the four
/// characters JsSIP's `escapeUser` puts back: `:` `+` `?` `/`.
fn user_keeps(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'():+?/".contains(&b)
}

/// A dial string as a SIP URI (JsSIP `normalizeTarget(target, domain)`):
/// - `user@domain`, or `user` at `domain`; the part after the last `@` is the domain;
/// - a `sip:`, `sips:` or `tel:` prefix on the user is dropped (so `sips:` becomes `sip:`, as in
///   JsSIP), and a telephone number loses its visual separators (`-.()`);
/// - the user is unescaped once and escaped again.
///
/// `None` for an empty target, a bare user without a domain, or a result that is not a valid
/// SIP URI (a non-ASCII host, empty parameters).
pub fn normalize_target(target: &str, domain: Option<&str>) -> Option<Uri> {
    if target.is_empty() {
        return None;
    }
    let (user, host) = match target.rsplit_once('@') {
        Some((user, host)) => (user, String::from(host)),
        None => (target, String::from(domain?)),
    };
    let lower = user.to_ascii_lowercase();
    let user = ["sips:", "sip:", "tel:"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .and_then(|p| user.get(p.len()..))
        .unwrap_or(user);
    // JsSIP: /^[-.()]*\+?[0-9\-.()]+$/ is a telephone number; drop its separators.
    let user: String = if is_phone_number(user) {
        user.chars()
            .filter(|c| !matches!(c, '-' | '.' | '(' | ')'))
            .collect()
    } else {
        String::from(user)
    };
    let mut escaped = Vec::with_capacity(user.len() * 3);
    escape(&unescape(user.as_bytes()), user_keeps, &mut escaped);
    let escaped = String::from_utf8(escaped).ok()?;
    // Host names compare case-insensitively, and JsSIP writes them in lower case; URI
    // parameters and headers after them (a Replaces value, say) keep their case.
    let split = host.find([';', '?']).unwrap_or(host.len());
    let (hostport, rest) = host.split_at(split);
    let text = format!("sip:{escaped}@{}{rest}", hostport.to_ascii_lowercase());
    Uri::parse_str(&text).ok()
}

fn is_phone_number(user: &str) -> bool {
    let rest = user.trim_start_matches(['-', '.', '(', ')']);
    let rest = rest.strip_prefix('+').unwrap_or(rest);
    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b"-.()".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jssip_normalize_target_cases() {
        // jssip-parser-cases.md §3.3, every row, with domain jssip.net.
        let cases = [
            ("%61lice", "sip:alice@jssip.net"),
            ("ALICE", "sip:ALICE@jssip.net"),
            ("alice@DOMAIN.com", "sip:alice@domain.com"),
            ("iñaki", "sip:i%C3%B1aki@jssip.net"),
            ("€€€", "sip:%E2%82%AC%E2%82%AC%E2%82%AC@jssip.net"),
            ("iñaki@aliax.net", "sip:i%C3%B1aki@aliax.net"),
            ("SIP:iñaki@aliax.net:7070", "sip:i%C3%B1aki@aliax.net:7070"),
            ("SIPs:iñaki@aliax.net:7070", "sip:i%C3%B1aki@aliax.net:7070"),
            ("ibc@gmail.com@aliax.net", "sip:ibc%40gmail.com@aliax.net"),
            ("alice-1:passwd", "sip:alice-1:passwd@jssip.net"),
            ("SIP:alice-2:passwd", "sip:alice-2:passwd@jssip.net"),
            ("sips:alice-2:passwd", "sip:alice-2:passwd@jssip.net"),
            ("alice-3:passwd@domain.COM", "sip:alice-3:passwd@domain.com"),
            ("SIP:alice-4:passwd@domain.COM", "sip:alice-4:passwd@domain.com"),
            ("sip:+1234@aliax.net", "sip:+1234@aliax.net"),
            ("+999", "sip:+999@jssip.net"),
            ("*999", "sip:*999@jssip.net"),
            ("#999/?:1234", "sip:%23999/?:1234@jssip.net"),
            ("tel:+12345678", "sip:+12345678@jssip.net"),
            ("tel:(+34)-944-43-89", "sip:+349444389@jssip.net"),
            ("+123.456.78-9", "sip:+123456789@jssip.net"),
            ("+ALICE-123.456.78-9", "sip:+ALICE-123.456.78-9@jssip.net"),
        ];
        for (input, want) in cases {
            let got = normalize_target(input, Some("jssip.net"));
            assert_eq!(got.as_ref().map(Uri::as_str), Some(want), "{input}");
        }
        // Invalid → None (JsSIP `undefined`).
        for bad in ["", "ibc@iñaki.com", "ibc@aliax.net;;;;;"] {
            assert_eq!(normalize_target(bad, Some("jssip.net")), None, "{bad}");
        }
        assert_eq!(normalize_target("alice", None), None);
    }
}
