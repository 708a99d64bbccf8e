//! Character classes and whitespace rules of the SIP grammar (RFC 3261 §25.1).
//!
//! Every higher parser is built from these nom primitives over `&[u8]`.

use nom::bytes::complete::{take_while, take_while1};
use nom::IResult;

/// `token` characters: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~".
const TOKEN: u16 = 1;
/// `word` adds "(" ")" "<" ">" ":" "\" DQUOTE "/" "[" "]" "?" "{" "}" to token.
const WORD: u16 = 2;
/// `unreserved`: alphanum / mark.
const UNRESERVED: u16 = 4;
/// `user-unreserved`: "&" / "=" / "+" / "$" / "," / ";" / "?" / "/".
const USER_UNRESERVED: u16 = 8;
/// `param-unreserved`: "[" / "]" / "/" / ":" / "&" / "+" / "$".
const PARAM_UNRESERVED: u16 = 16;
/// `hnv-unreserved`: "[" / "]" / "/" / "?" / ":" / "+" / "$".
const HNV_UNRESERVED: u16 = 32;
/// `password` extra characters: "&" / "=" / "+" / "$" / ",".
const PASSWORD_EXTRA: u16 = 64;
/// `UTF8-NONASCII` lead or continuation byte.
const NON_ASCII: u16 = 128;
/// A `gen-value` character outside quotes: token or host (IPv6 included) (RFC 3261 §25.1).
const GEN_VALUE: u16 = 256;
/// Unions of the classes above, one bit each so a run of them is found with one AND per byte:
/// `user` (UNRESERVED | USER_UNRESERVED).
const USER_CHAR: u16 = 512;
/// `paramchar` unescaped (UNRESERVED | PARAM_UNRESERVED).
const PARAM_CHAR: u16 = 1024;
/// `hname` / `hvalue` unescaped (UNRESERVED | HNV_UNRESERVED).
const HEADER_CHAR: u16 = 2048;
/// `password` unescaped (UNRESERVED | PASSWORD_EXTRA).
const PASSWORD_CHAR: u16 = 4096;
/// A byte taken as is inside a quoted string: anything but DQUOTE, "\", CR and LF.
const QUOTED_PLAIN: u16 = 8192;

const fn build_table() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut c = 0usize;
    while c < 256 {
        let b = c as u8;
        let alnum = b.is_ascii_alphanumeric();
        let mut f = 0u16;
        if alnum
            || matches!(
                b,
                b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
            )
        {
            f |= TOKEN | WORD;
        }
        if matches!(
            b,
            b'(' | b')' | b'<' | b'>' | b':' | b'\\' | b'"' | b'/' | b'[' | b']' | b'?' | b'{' | b'}'
        ) {
            f |= WORD;
        }
        if alnum || matches!(b, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')') {
            f |= UNRESERVED;
        }
        if matches!(b, b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/') {
            f |= USER_UNRESERVED;
        }
        if matches!(b, b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$') {
            f |= PARAM_UNRESERVED;
        }
        if matches!(b, b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$') {
            f |= HNV_UNRESERVED;
        }
        if matches!(b, b'&' | b'=' | b'+' | b'$' | b',') {
            f |= PASSWORD_EXTRA;
        }
        if b >= 0x80 {
            f |= NON_ASCII;
        }
        if f & TOKEN != 0 || matches!(b, b'[' | b']' | b':') {
            f |= GEN_VALUE;
        }
        if f & (UNRESERVED | USER_UNRESERVED) != 0 {
            f |= USER_CHAR;
        }
        if f & (UNRESERVED | PARAM_UNRESERVED) != 0 {
            f |= PARAM_CHAR;
        }
        if f & (UNRESERVED | HNV_UNRESERVED) != 0 {
            f |= HEADER_CHAR;
        }
        if f & (UNRESERVED | PASSWORD_EXTRA) != 0 {
            f |= PASSWORD_CHAR;
        }
        if !matches!(b, b'"' | b'\\' | b'\r' | b'\n') {
            f |= QUOTED_PLAIN;
        }
        #[allow(clippy::indexing_slicing)] // const context: c < 256 by the loop bound
        {
            t[c] = f;
        }
        c += 1;
    }
    t
}

static CLASS: [u16; 256] = build_table();

#[inline]
fn class(b: u8) -> u16 {
    // A u8 always indexes a 256-entry table.
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

/// `token` character (RFC 3261 §25.1).
#[inline]
pub fn is_token(b: u8) -> bool {
    class(b) & TOKEN != 0
}
/// `word` character (RFC 3261 §25.1), used by Call-ID.
#[inline]
pub fn is_word(b: u8) -> bool {
    class(b) & WORD != 0
}
/// `unreserved` character (RFC 3261 §25.1).
#[inline]
pub fn is_unreserved(b: u8) -> bool {
    class(b) & UNRESERVED != 0
}
/// A byte allowed unescaped in the user part of a SIP URI (RFC 3261 §25.1 `user`).
#[inline]
pub fn is_user_char(b: u8) -> bool {
    class(b) & USER_CHAR != 0
}
/// A byte allowed unescaped in the password of a SIP URI (RFC 3261 §25.1 `password`).
#[inline]
pub fn is_password_char(b: u8) -> bool {
    class(b) & PASSWORD_CHAR != 0
}
/// A byte allowed unescaped in a URI parameter name or value (RFC 3261 §25.1 `paramchar`).
#[inline]
pub fn is_param_char(b: u8) -> bool {
    class(b) & PARAM_CHAR != 0
}
/// A byte allowed unescaped in a URI header name or value (RFC 3261 §25.1 `hnv-unreserved`).
#[inline]
pub fn is_header_char(b: u8) -> bool {
    class(b) & HEADER_CHAR != 0
}
/// A UTF-8 non-ASCII byte (RFC 3261 §25.1 `UTF8-NONASCII`, checked per byte).
#[inline]
pub fn is_non_ascii(b: u8) -> bool {
    class(b) & NON_ASCII != 0
}
/// A `gen-value` character outside quotes: token or host (RFC 3261 §25.1).
#[inline]
pub fn is_gen_value(b: u8) -> bool {
    class(b) & GEN_VALUE != 0
}
/// `WSP`: SP or HTAB.
#[inline]
pub fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// A character class, for [`run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Class(u16);

impl Class {
    /// `token`.
    pub(crate) const TOKEN: Class = Class(TOKEN);
    /// `word`.
    pub(crate) const WORD: Class = Class(WORD);
    /// `gen-value` outside quotes.
    pub(crate) const GEN_VALUE: Class = Class(GEN_VALUE);
    /// `user` unescaped.
    pub(crate) const USER: Class = Class(USER_CHAR);
    /// `password` unescaped.
    pub(crate) const PASSWORD: Class = Class(PASSWORD_CHAR);
    /// `paramchar` unescaped.
    pub(crate) const PARAM: Class = Class(PARAM_CHAR);
    /// `hname` / `hvalue` unescaped.
    pub(crate) const HEADER: Class = Class(HEADER_CHAR);
    /// Inside a quoted string, what needs no closer look (not DQUOTE, "\", CR, LF).
    pub(crate) const QUOTED_PLAIN: Class = Class(QUOTED_PLAIN);

    /// True when `b` is in the class.
    #[cfg(test)]
    pub(crate) fn has(self, b: u8) -> bool {
        class(b) & self.0 != 0
    }
}

/// Length of the run of `c` characters at the start of `i`. Unrolled eight bytes per step:
/// one table test and one (well predicted) branch per byte, the loop bookkeeping once per
/// eight bytes.
#[inline]
pub(crate) fn run(i: &[u8], c: Class) -> usize {
    let m = c.0;
    let mut k = 0;
    let mut chunks = i.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(&[b0, b1, b2, b3, b4, b5, b6, b7]) = <&[u8; 8]>::try_from(chunk) else {
            break;
        };
        for (n, b) in [b0, b1, b2, b3, b4, b5, b6, b7].into_iter().enumerate() {
            if class(b) & m == 0 {
                return k + n;
            }
        }
        k += 8;
    }
    k + chunks
        .remainder()
        .iter()
        .take_while(|&&b| class(b) & m != 0)
        .count()
}

/// `1*token-char`.
#[inline]
pub fn token(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let n = run(i, Class::TOKEN);
    if n == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::TakeWhile1,
        )));
    }
    let (t, rest) = i.split_at(n);
    Ok((rest, t))
}

/// `1*word-char`.
pub fn word(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while1(is_word)(i)
}

/// `*WSP`.
pub fn wsp0(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(is_wsp)(i)
}

/// `SWS = [LWS]`, `LWS = [*WSP CRLF] 1*WSP` (RFC 3261 §25.1): skips spaces, tabs and line
/// folds. Never fails. A CRLF not followed by WSP is not folding and is left in place.
#[inline]
pub fn sws(i: &[u8]) -> &[u8] {
    // Most separators have no whitespace around them: leave at once.
    if !matches!(i.first(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        return i;
    }
    let mut rest = i;
    loop {
        while let [b' ' | b'\t', r @ ..] = rest {
            rest = r;
        }
        match rest {
            // A fold: CRLF (or a bare LF) followed by whitespace, which the next round skips.
            [b'\r', b'\n', r @ ..] | [b'\n', r @ ..] if matches!(r.first(), Some(b' ' | b'\t')) => rest = r,
            _ => return rest,
        }
    }
}

/// Strips leading and trailing SWS.
pub fn trim(i: &[u8]) -> &[u8] {
    let start = sws(i);
    let mut end = start.len();
    while end > 0 {
        match start.get(end - 1) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => end -= 1,
            _ => break,
        }
    }
    start.get(..end).unwrap_or_default()
}

/// Skips `SWS c SWS` around a separator (RFC 3261 §25.1 `SEMI`, `EQUAL`, `COMMA`, `SLASH`, ...).
/// Returns the rest after the separator, or `None` when the separator is absent.
#[inline]
pub fn sep(i: &[u8], c: u8) -> Option<&[u8]> {
    if let [first, rest @ ..] = i {
        if *first == c {
            return Some(sws(rest));
        }
    }
    match sws(i) {
        [first, rest @ ..] if *first == c => Some(sws(rest)),
        _ => None,
    }
}

/// `quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE` (RFC 3261 §25.1).
/// Returns (rest, inner bytes without the quotes, still escaped). Leading SWS must already
/// be skipped. Accepts any byte but an unescaped DQUOTE or a bare CR/LF inside.
pub fn quoted_string(i: &[u8]) -> Option<(&[u8], &[u8])> {
    let inner = match i {
        [b'"', rest @ ..] => rest,
        _ => return None,
    };
    let mut k = 0;
    loop {
        k += run(inner.get(k..)?, Class::QUOTED_PLAIN);
        match inner.get(k)? {
            b'"' => return Some((inner.get(k + 1..)?, inner.get(..k)?)),
            b'\\' => {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F); UTF-8 bytes tolerated.
                match inner.get(k + 1)? {
                    b'\r' | b'\n' => return None,
                    _ => k += 2,
                }
            }
            b'\r' => {
                // Only line folding (CRLF WSP) may appear inside a quoted string.
                match (inner.get(k + 1), inner.get(k + 2)) {
                    (Some(b'\n'), Some(b' ' | b'\t')) => k += 3,
                    _ => return None,
                }
            }
            b'\n' => return None,
            _ => k += 1,
        }
    }
}

/// Removes quoted-pair escapes (`\X` → `X`) from the inside of a quoted string, and turns line
/// folds into a single space.
pub fn unquote(inner: &[u8]) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec::Vec::with_capacity(inner.len());
    let mut it = inner.iter().copied();
    while let Some(b) = it.next() {
        match b {
            b'\\' => {
                if let Some(n) = it.next() {
                    out.push(n);
                }
            }
            b'\r' => {
                // CRLF WSP folding → SP.
                it.next();
                it.next();
                out.push(b' ');
            }
            _ => out.push(b),
        }
    }
    out
}

/// Parses an unsigned decimal number (leading zeros allowed, RFC 4475 §3.1.1.1). Returns the
/// value and the rest; `None` when there is no digit or the value does not fit in u64.
#[inline]
pub fn decimal(i: &[u8]) -> Option<(u64, &[u8])> {
    let mut v: u64 = 0;
    let mut n = 0;
    for &b in i {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    Some((v, i.get(n..).unwrap_or_default()))
}

/// Case-insensitive ASCII comparison.
#[inline]
pub fn eq_ic(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_token(b'~') && is_token(b'%') && !is_token(b'(') && !is_token(b' '));
        assert!(is_word(b'(') && is_word(b'"') && !is_word(b';'));
        assert!(is_user_char(b';') && !is_user_char(b'@') && !is_user_char(b':'));
        assert!(is_password_char(b'=') && !is_password_char(b';'));
        assert!(is_param_char(b':') && !is_param_char(b'=') && !is_param_char(b';'));
    }

    /// `run` against a byte loop, on every class, on generated and arbitrary bytes.
    fn run_reference(i: &[u8], c: Class) -> usize {
        i.iter().take_while(|&&b| c.has(b)).count()
    }

    const CLASSES: [Class; 8] = [
        Class::QUOTED_PLAIN,
        Class::TOKEN,
        Class::WORD,
        Class::GEN_VALUE,
        Class::USER,
        Class::PASSWORD,
        Class::PARAM,
        Class::HEADER,
    ];

    #[test]
    fn unions_are_the_unions() {
        for b in 0..=255u8 {
            assert_eq!(
                is_user_char(b),
                is_unreserved(b) || class(b) & USER_UNRESERVED != 0
            );
            assert_eq!(
                is_param_char(b),
                is_unreserved(b) || class(b) & PARAM_UNRESERVED != 0
            );
            assert_eq!(
                is_header_char(b),
                is_unreserved(b) || class(b) & HNV_UNRESERVED != 0
            );
            assert_eq!(
                is_password_char(b),
                is_unreserved(b) || class(b) & PASSWORD_EXTRA != 0
            );
        }
    }

    /// `quoted_string` as it was before it skipped plain runs with [`run`].
    fn quoted_reference(i: &[u8]) -> Option<(&[u8], &[u8])> {
        let inner = match i {
            [b'"', rest @ ..] => rest,
            _ => return None,
        };
        let mut k = 0;
        loop {
            match inner.get(k)? {
                b'"' => return Some((inner.get(k + 1..)?, inner.get(..k)?)),
                b'\\' => match inner.get(k + 1)? {
                    b'\r' | b'\n' => return None,
                    _ => k += 2,
                },
                b'\r' => match (inner.get(k + 1), inner.get(k + 2)) {
                    (Some(b'\n'), Some(b' ' | b'\t')) => k += 3,
                    _ => return None,
                },
                b'\n' => return None,
                _ => k += 1,
            }
        }
    }

    /// `sws` as it was, on nom's `take_while`.
    fn sws_reference(i: &[u8]) -> &[u8] {
        let mut rest = i;
        loop {
            let (r, _) = match wsp0(rest) {
                Ok(v) => v,
                Err(_) => return rest,
            };
            rest = r;
            match rest {
                [b'\r', b'\n', b' ' | b'\t', ..] => rest = rest.get(2..).unwrap_or_default(),
                [b'\n', b' ' | b'\t', ..] => rest = rest.get(1..).unwrap_or_default(),
                _ => return rest,
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn sws_agrees_with_reference(text in "[ \t\r\na]{0,12}") {
            proptest::prop_assert_eq!(sws(text.as_bytes()), sws_reference(text.as_bytes()));
        }

        #[test]
        fn quoted_string_agrees_with_byte_loop(
            text in "\"([a-z \\\\\"]|\r\n |\r|\n|\t|\u{e9}){0,30}\"?[ <a-z]{0,3}",
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..30),
        ) {
            proptest::prop_assert_eq!(quoted_string(text.as_bytes()), quoted_reference(text.as_bytes()));
            let mut q = alloc::vec![b'"'];
            q.extend_from_slice(&raw);
            proptest::prop_assert_eq!(quoted_string(&q), quoted_reference(&q));
        }

        #[test]
        fn run_agrees_with_byte_loop(
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            text in "[a-zA-Z0-9.!%*_+`'~;:@&=$,/?()<>\\[\\] -]{0,40}",
        ) {
            for c in CLASSES {
                proptest::prop_assert_eq!(run(&raw, c), run_reference(&raw, c));
                proptest::prop_assert_eq!(run(text.as_bytes(), c), run_reference(text.as_bytes(), c));
            }
        }
    }

    #[test]
    fn sws_skips_folding_only() {
        assert_eq!(sws(b"  \r\n \tx"), b"x");
        assert_eq!(sws(b" \r\nx"), b"\r\nx");
        assert_eq!(trim(b" \r\n a b \r\n "), b"a b");
    }

    #[test]
    fn quoted() {
        let (rest, inner) = quoted_string(br#""a \"b\" \\" <x>"#).unwrap();
        assert_eq!(inner, br#"a \"b\" \\"#);
        assert_eq!(rest, b" <x>");
        assert_eq!(unquote(inner), br#"a "b" \"#);
        assert!(quoted_string(br#""open"#).is_none());
        assert!(quoted_string(b"\"a\r\nb\"").is_none());
        assert_eq!(quoted_string(b"\"a\r\n b\"").unwrap().1, b"a\r\n b");
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal(b"0068 x"), Some((68, &b" x"[..])));
        assert_eq!(decimal(b"99999999999999999999999"), None);
        assert_eq!(decimal(b"x"), None);
    }
}
