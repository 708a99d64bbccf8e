//! CSeq (RFC 3261 §20.16).

use crate::parse::lex::{self, sws};

/// `CSeq = 1*DIGIT LWS Method`: the number (at most 2^32 - 1, RFC 3261 §8.1.1.5; leading zeros
/// allowed, RFC 4475 §3.1.1.1) and the method token. Returns the offset of the error otherwise.
pub(crate) fn scan(i: &[u8]) -> Result<(u32, &[u8]), usize> {
    let at = |r: &[u8]| i.len() - r.len();
    let r = sws(i);
    let (n, rest) = lex::decimal(r).ok_or(at(r))?;
    let seq = u32::try_from(n).map_err(|_| at(r))?;
    let r2 = sws(rest);
    if r2.len() == rest.len() {
        return Err(at(rest));
    }
    let (after, method) = lex::token(r2).map_err(|_| at(r2))?;
    if !sws(after).is_empty() {
        return Err(at(after));
    }
    Ok((seq, method))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cases() {
        // jssip-parser-cases.md §2.9: several spaces and an unknown method.
        assert_eq!(super::scan(b"123456  CHICKEN"), Ok((123456, &b"CHICKEN"[..])));
        assert_eq!(super::scan(b"0009 INVITE"), Ok((9, &b"INVITE"[..])));
        assert!(super::scan(b"4294967296 INVITE").is_err());
        assert!(super::scan(b"1INVITE").is_err());
        assert!(super::scan(b"1 INVITE x").is_err());
        assert!(super::scan(b"-1 INVITE").is_err());
    }
}
