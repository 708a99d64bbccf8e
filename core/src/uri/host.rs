//! Hosts: hostname, IPv4 address, IPv6 reference (RFC 3261 §25.1, RFC 5118).

/// What kind of host a URI or Via names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostKind {
    /// A DNS name (`hostname`).
    Domain,
    /// A dotted-quad IPv4 address.
    Ipv4,
    /// An IPv6 reference in brackets (`[2001:db8::1]`).
    Ipv6,
}

const ALNUM: u8 = 1;
const DIGIT: u8 = 2;
const HYPHEN: u8 = 4;
const DOT: u8 = 8;

const fn host_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut c = 0usize;
    while c < 256 {
        let b = c as u8;
        let v = if b.is_ascii_digit() {
            ALNUM | DIGIT
        } else if b.is_ascii_alphabetic() {
            ALNUM
        } else if b == b'-' {
            HYPHEN
        } else if b == b'.' {
            DOT
        } else {
            0
        };
        #[allow(clippy::indexing_slicing)] // const context: c < 256 by the loop bound
        {
            t[c] = v;
        }
        c += 1;
    }
    t
}

static HOST: [u8; 256] = host_table();

#[inline]
fn host_class(b: u8) -> u8 {
    // A u8 always indexes a 256-entry table.
    HOST.get(usize::from(b)).copied().unwrap_or(0)
}

/// Length of the run of alphanumerics, '-' and '.' at the start of `i`, unrolled as
/// [`lex::run`](crate::parse::lex::run).
#[inline]
fn host_run(i: &[u8]) -> usize {
    let mut k = 0;
    let mut chunks = i.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(&[b0, b1, b2, b3, b4, b5, b6, b7]) = <&[u8; 8]>::try_from(chunk) else {
            break;
        };
        for (n, b) in [b0, b1, b2, b3, b4, b5, b6, b7].into_iter().enumerate() {
            if host_class(b) == 0 {
                return k + n;
            }
        }
        k += 8;
    }
    k + chunks
        .remainder()
        .iter()
        .take_while(|&&b| host_class(b) != 0)
        .count()
}

/// Length of the host at the start of `i` and its kind, or `None` when `i` does not start
/// with a valid host. Stops at the first byte that cannot continue the host.
pub fn parse_host(i: &[u8]) -> Option<(HostKind, usize)> {
    if i.first() == Some(&b'[') {
        let close = i.iter().position(|&b| b == b']')?;
        let inner = i.get(1..close)?;
        return valid_ipv6(inner).then_some((HostKind::Ipv6, close + 1));
    }
    let len = host_run(i);
    let text = i.get(..len)?;
    let first = *text.first()?;
    if first.is_ascii_digit() && ipv4_len(text) == Some(len) {
        return Some((HostKind::Ipv4, len));
    }
    valid_hostname(text).then_some((HostKind::Domain, len))
}

/// `hostname = *( domainlabel "." ) toplabel [ "." ]`; labels are alphanum with inner hyphens,
/// the top label starts with a letter (RFC 3261 §25.1). So `1.2.3.444` is not a host.
/// `t` holds only alphanumerics, `-` and `.`.
fn valid_hostname(t: &[u8]) -> bool {
    use crate::parse::swar::{eq_mask, first, load};
    let t = t.strip_suffix(b".").unwrap_or(t);
    let (Some(&head), Some(&last)) = (t.first(), t.last()) else {
        return false;
    };
    if host_class(head) & ALNUM == 0 || host_class(last) & ALNUM == 0 {
        return false;
    }
    // Around every dot: an alphanumeric on both sides (no empty label, no label starting or
    // ending with '-'). The dots are found eight bytes at a time.
    let alnum = |p: Option<usize>| {
        p.and_then(|p| t.get(p))
            .is_some_and(|&b| host_class(b) & ALNUM != 0)
    };
    let mut top_start = 0;
    let mut at = 0;
    while at < t.len() {
        let mut dots = eq_mask(load(t, at), b'.');
        while dots != 0 {
            let d = at + first(dots);
            if !alnum(d.checked_sub(1)) || !alnum(Some(d + 1)) {
                return false;
            }
            top_start = d + 1;
            dots &= dots - 1;
        }
        at += 8;
    }
    t.get(top_start).is_some_and(u8::is_ascii_alphabetic)
}

/// Length of a dotted-quad IPv4 address at the start of `t` (each octet 0–255).
pub(crate) fn ipv4_len(t: &[u8]) -> Option<usize> {
    let mut pos = 0;
    for n in 0..4 {
        if n > 0 {
            if t.get(pos) != Some(&b'.') {
                return None;
            }
            pos += 1;
        }
        let digits = t.get(pos..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 3 {
            return None;
        }
        let mut v = 0u32;
        for d in t.get(pos..pos + digits)? {
            v = v * 10 + u32::from(d - b'0');
        }
        if v > 255 {
            return None;
        }
        pos += digits;
    }
    Some(pos)
}

/// `IPv6address = hexpart [ ":" IPv4address ]`, `hexpart = hexseq / hexseq "::" [ hexseq ] /
/// "::" [ hexseq ]` (RFC 3261 §25.1). This grammar also admits `2001:db8:::192.0.2.1`, which
/// RFC 5118 §4.10 says to tolerate. At most 8 groups (an IPv4 tail counts as two).
fn valid_ipv6(t: &[u8]) -> bool {
    // Explicit 16-bit groups seen, and whether "::" (one or more zero groups) was used.
    let mut groups = 0usize;
    let mut compressed = false;
    let mut rest = t;
    if let Some(r) = rest.strip_prefix(b"::") {
        compressed = true;
        rest = r;
    }
    let fits = |groups: usize, compressed: bool| {
        if compressed {
            groups <= 7
        } else {
            groups == 8
        }
    };
    loop {
        if rest.is_empty() {
            return fits(groups, compressed);
        }
        // An IPv4 tail (two groups' worth) ends the address. After "::" the RFC 3261 grammar
        // also lets one more ":" in front of it (RFC 5118 §4.10).
        let tail = match rest {
            [b':', r @ ..] if compressed && groups > 0 => r,
            _ => rest,
        };
        if (groups > 0 || compressed) && ipv4_len(tail) == Some(tail.len()) {
            return fits(groups + 2, compressed);
        }
        let hex = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if hex == 0 || hex > 4 {
            return false;
        }
        groups += 1;
        if groups > 8 {
            return false;
        }
        rest = rest.get(hex..).unwrap_or_default();
        match rest {
            [] => {}
            [b':', b':', r @ ..] if !compressed => {
                compressed = true;
                rest = r;
            }
            [b':', r @ ..] if !r.is_empty() && r.first() != Some(&b':') => rest = r,
            [b':', b':', r @ ..] => {
                // Only the "hexseq :: : IPv4" quirk allows a colon here.
                return ipv4_len(r) == Some(r.len()) && fits(groups + 2, true);
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time implementation this module had before the eight-byte scans, kept as
    /// the reference they must agree with.
    fn reference_parse_host(i: &[u8]) -> Option<(HostKind, usize)> {
        if i.first() == Some(&b'[') {
            let close = i.iter().position(|&b| b == b']')?;
            let inner = i.get(1..close)?;
            return valid_ipv6(inner).then_some((HostKind::Ipv6, close + 1));
        }
        let len = i.iter().take_while(|&&b| host_class(b) != 0).count();
        let text = i.get(..len)?;
        let first = *text.first()?;
        if first.is_ascii_digit() && ipv4_len(text) == Some(len) {
            return Some((HostKind::Ipv4, len));
        }
        reference_valid_hostname(text).then_some((HostKind::Domain, len))
    }

    fn reference_valid_hostname(t: &[u8]) -> bool {
        let t = t.strip_suffix(b".").unwrap_or(t);
        let (Some(first), Some(last)) = (t.first(), t.last()) else {
            return false;
        };
        if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
            return false;
        }
        let mut top_start = 0;
        let mut k = 0;
        while let Some(dot) = t.get(k..).and_then(|r| r.iter().position(|&b| b == b'.')) {
            let at = k + dot;
            let before = at.checked_sub(1).and_then(|p| t.get(p));
            let after = t.get(at + 1);
            if !before.is_some_and(u8::is_ascii_alphanumeric) || !after.is_some_and(u8::is_ascii_alphanumeric)
            {
                return false;
            }
            top_start = at + 1;
            k = at + 1;
        }
        t.get(top_start).is_some_and(u8::is_ascii_alphabetic)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The eight-byte scans and the reference agree on host-shaped text (labels of letters,
        /// digits and hyphens, dots, an occasional other byte) and on arbitrary bytes.
        #[test]
        fn scan_agrees_with_reference(s in "[a-cA-C0-9.\\-:;>]{0,40}", raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24)) {
            proptest::prop_assert_eq!(parse_host(s.as_bytes()), reference_parse_host(s.as_bytes()), "{:?}", s);
            proptest::prop_assert_eq!(parse_host(&raw), reference_parse_host(&raw));
        }

        #[test]
        fn scan_agrees_on_dotted_numbers(parts in proptest::collection::vec("[0-9]{1,4}|[a-z][a-z0-9-]{0,3}|-|", 1..6), dot in proptest::prelude::any::<bool>()) {
            let mut s = parts.join(".");
            if dot {
                s.push('.');
            }
            proptest::prop_assert_eq!(parse_host(s.as_bytes()), reference_parse_host(s.as_bytes()), "{:?}", s);
        }
    }

    #[test]
    fn jssip_host_cases() {
        // JsSIP test-parser.ts "host" cases (jssip-parser-cases.md §2.14).
        assert_eq!(parse_host(b"versatica.com"), Some((HostKind::Domain, 13)));
        assert_eq!(parse_host(b"myhost123"), Some((HostKind::Domain, 9)));
        assert_eq!(parse_host(b"1.2.3.4"), Some((HostKind::Ipv4, 7)));
        assert_eq!(parse_host(b"[1:0:fF::432]"), Some((HostKind::Ipv6, 13)));
        assert_eq!(parse_host(b"1.2.3.444"), None);
        assert_eq!(parse_host("iñaki.com".as_bytes()).map(|h| h.1), Some(1));
        assert_eq!(parse_host(b"1.2.3.bar.qwe-asd.foo"), Some((HostKind::Domain, 21)));
        assert_eq!(
            parse_host(b"1.2.3.4.bar.qwe-asd.foo"),
            Some((HostKind::Domain, 23))
        );
    }

    #[test]
    fn ipv6_forms() {
        for ok in [
            "::",
            "::1",
            "2001:db8::10",
            "2001:db8::10:5070",
            "2001:db8::192.0.2.1",
            "::ffff:192.0.2.10",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:192.0.2.1",
            "2001:db8:::192.0.2.1",
        ] {
            assert!(valid_ipv6(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "",
            "1:2",
            "1:2:3:4:5:6:7:8:9",
            "2001:db8::1::2",
            "12345::",
            "g::",
            "1:2:3:4:5:6:7:192.0.2.1",
        ] {
            assert!(!valid_ipv6(bad.as_bytes()), "{bad}");
        }
    }
}
