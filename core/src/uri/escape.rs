//! `%HH` escaping in URIs (RFC 3261 §19.1.2, §25.1 `escaped`).

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::parse::lex::{run, Class};

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Length of a run of bytes at the start of `i` that are `allowed` or valid `%HH` escapes.
/// Returns `Err(offset)` at a `%` that does not start a valid escape.
pub(crate) fn escaped_run(i: &[u8], allowed: impl Fn(u8) -> bool) -> Result<usize, usize> {
    let mut k = 0;
    while let Some(&b) = i.get(k) {
        if b == b'%' {
            match (
                i.get(k + 1).copied().and_then(hex_val),
                i.get(k + 2).copied().and_then(hex_val),
            ) {
                (Some(_), Some(_)) => k += 3,
                _ => return Err(k),
            }
        } else if allowed(b) {
            k += 1;
        } else {
            break;
        }
    }
    Ok(k)
}

/// [`escaped_run`] for `allowed = c or also`, where neither holds `%`: whole runs of `c` are
/// skipped eight bytes at a time ([`run`]).
#[inline]
pub(crate) fn escaped_class_run(i: &[u8], c: Class, also: impl Fn(u8) -> bool) -> Result<usize, usize> {
    let mut k = 0;
    loop {
        k += run(i.get(k..).unwrap_or_default(), c);
        match i.get(k) {
            Some(b'%') => match (
                i.get(k + 1).copied().and_then(hex_val),
                i.get(k + 2).copied().and_then(hex_val),
            ) {
                (Some(_), Some(_)) => k += 3,
                _ => return Err(k),
            },
            Some(&b) if also(b) => k += 1,
            _ => return Ok(k),
        }
    }
}

/// Decodes `%HH` escapes once (RFC 3261 §19.1.2): `%2541` becomes `%41`, never `A`; `%00`
/// becomes a NUL byte. Borrows when there is nothing to decode.
pub fn unescape(i: &[u8]) -> Cow<'_, [u8]> {
    if !i.contains(&b'%') {
        return Cow::Borrowed(i);
    }
    let mut out = Vec::with_capacity(i.len());
    let mut k = 0;
    while let Some(&b) = i.get(k) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                i.get(k + 1).copied().and_then(hex_val),
                i.get(k + 2).copied().and_then(hex_val),
            ) {
                out.push(h << 4 | l);
                k += 3;
                continue;
            }
        }
        out.push(b);
        k += 1;
    }
    Cow::Owned(out)
}

/// Escapes every byte that `allowed` rejects as `%HH` (upper-case hex, RFC 3986 §2.1).
pub fn escape(i: &[u8], allowed: impl Fn(u8) -> bool, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in i {
        if allowed(b) && b != b'%' {
            out.push(b);
        } else {
            out.push(b'%');
            out.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
            out.push(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0'));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_once() {
        assert_eq!(&*unescape(b"v%61lue%25%34%31"), b"value%41");
        assert_eq!(&*unescape(b"%00%00"), b"\0\0");
        assert_eq!(&*unescape(b"I%20have%20spaces"), b"I have spaces");
        assert!(matches!(unescape(b"plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn encode() {
        let mut v = Vec::new();
        escape("Iñaki ðđ".as_bytes(), crate::parse::lex::is_user_char, &mut v);
        assert_eq!(v, b"I%C3%B1aki%20%C3%B0%C4%91");
    }

    #[test]
    fn run() {
        assert_eq!(escaped_run(b"ab%41c@", |b| b.is_ascii_alphabetic()), Ok(6));
        assert_eq!(escaped_run(b"a%4", |b| b.is_ascii_alphabetic()), Err(1));
    }
}
