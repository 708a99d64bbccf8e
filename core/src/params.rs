//! `generic-param` lists: `;name[=value]` as in URIs (RFC 3261 §19.1.1) and in header fields
//! (RFC 3261 §25.1 `generic-param`), parsed lazily and without allocating.

use crate::parse::lex::{eq_ic, quoted_string, run, sws, Class};

/// A parameter list kept as its raw text; iterating parses it.
///
/// The text starts at the first parameter name (after the first `;`). Names compare
/// case-insensitively; values are returned raw (quoted values keep their quotes, escaped URI
/// values stay escaped).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Params<'a> {
    raw: &'a [u8],
}

/// One parameter: its name and its value (`None` for a bare `;name`).
pub type Param<'a> = (&'a [u8], Option<&'a [u8]>);

impl<'a> Params<'a> {
    /// Wraps raw parameter text (without the leading `;`).
    pub fn new(raw: &'a [u8]) -> Self {
        Params { raw }
    }

    /// The raw text.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// True when there is no parameter.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Looks a parameter up by name (case-insensitive): `Some(None)` for a bare `;name`,
    /// `Some(Some(value))` for `;name=value`, `None` when absent.
    pub fn get(&self, name: &str) -> Option<Option<&'a [u8]>> {
        self.iter()
            .find(|(n, _)| eq_ic(n, name.as_bytes()))
            .map(|(_, v)| v)
    }

    /// True when the parameter is present (with or without a value).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The value of a parameter with its surrounding quotes removed (escapes kept).
    pub fn get_unquoted(&self, name: &str) -> Option<&'a [u8]> {
        let v = self.get(name)??;
        match quoted_string(v) {
            Some((_, inner)) => Some(inner),
            None => Some(v),
        }
    }

    /// Iterates over the parameters in order.
    pub fn iter(&self) -> ParamIter<'a> {
        ParamIter { rest: self.raw }
    }
}

impl<'a> IntoIterator for Params<'a> {
    type Item = Param<'a>;
    type IntoIter = ParamIter<'a>;
    fn into_iter(self) -> ParamIter<'a> {
        self.iter()
    }
}

/// Iterator over a [`Params`] list.
#[derive(Clone, Debug)]
pub struct ParamIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for ParamIter<'a> {
    type Item = Param<'a>;

    fn next(&mut self) -> Option<Param<'a>> {
        loop {
            let r = sws(self.rest);
            if r.is_empty() {
                self.rest = r;
                return None;
            }
            let (item, rest) = split_param(r);
            self.rest = rest;
            if let Some(p) = item {
                return Some(p);
            }
        }
    }
}

/// Splits one `name[=value]` off the front; returns the param (or `None` for an empty slot) and
/// the rest after the following `;`.
fn split_param(i: &[u8]) -> (Option<Param<'_>>, &[u8]) {
    let name_len = i
        .iter()
        .position(|&b| matches!(b, b'=' | b';' | b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(i.len());
    let (name, after) = i.split_at(name_len);
    let after = sws(after);
    let (value, after) = match after {
        [b'=', v @ ..] => {
            let v = sws(v);
            let len = match quoted_string(v) {
                Some((rest, _)) => v.len() - rest.len(),
                None => v
                    .iter()
                    .position(|&b| matches!(b, b';' | b' ' | b'\t' | b'\r' | b'\n'))
                    .unwrap_or(v.len()),
            };
            let (value, rest) = v.split_at(len);
            (Some(value), rest)
        }
        _ => (None, after),
    };
    let after = sws(after);
    let rest = match after {
        [b';', rest @ ..] => rest,
        // Garbage that is neither `=` nor `;`: stop iterating.
        [_, ..] => &[][..],
        [] => after,
    };
    if name.is_empty() {
        (None, rest)
    } else {
        (Some((name, value)), rest)
    }
}

/// Validates a header `generic-param` list (RFC 3261 §25.1):
/// `*( SEMI generic-param )`, `generic-param = token [ EQUAL gen-value ]`,
/// `gen-value = token / host / quoted-string`. `i` starts at the first `;` (or is empty).
/// Returns the rest after the last parameter and the parameter text (without the first `;`).
pub fn header_params(i: &[u8]) -> Result<(&[u8], &[u8]), usize> {
    header_params_find(i, Wanted::NONE).map(|(rest, text, _)| (rest, text))
}

/// What [`Params::get`] returns: `Some(None)` for a bare `;name`, `Some(Some(value))`, or
/// `None` when absent.
pub(crate) type Lookup<'a> = Option<Option<&'a [u8]>>;

/// A parameter name of at most eight bytes to look for, as one lower-cased word.
#[derive(Clone, Copy)]
pub(crate) struct Wanted {
    len: usize,
    word: u64,
}

impl Wanted {
    /// `name`, lower-case, 1 to 8 bytes (checked at compile time where it is a const).
    #[allow(clippy::indexing_slicing)] // const context: k < name.len() <= 8
    pub(crate) const fn new(name: &[u8]) -> Wanted {
        assert!(!name.is_empty() && name.len() <= 8);
        let mut b = [0u8; 8];
        let mut k = 0;
        while k < name.len() {
            assert!(!name[k].is_ascii_uppercase());
            b[k] = name[k];
            k += 1;
        }
        Wanted {
            len: name.len(),
            word: u64::from_le_bytes(b),
        }
    }

    /// Nothing is looked for.
    const NONE: Wanted = Wanted { len: 0, word: 0 };

    /// True when the `len`-byte token at the start of `r` is this name in any case.
    #[inline]
    fn is(&self, r: &[u8], len: usize) -> bool {
        use crate::parse::swar::{keep, load, lower};
        len == self.len && lower(keep(load(r, 0), len)) == self.word
    }
}

/// [`sep`](crate::parse::lex::sep), with the usual case (no whitespace around the separator)
/// decided inline; whitespace goes to the general rule.
#[inline(always)]
fn sep_here(i: &[u8], c: u8) -> Option<&[u8]> {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    match i {
        [] => None,
        [x, r @ ..] if *x == c && !r.first().is_some_and(ws) => Some(r),
        [x, ..] if *x != c && !ws(x) => None,
        _ => crate::parse::lex::sep(i, c),
    }
}

/// [`header_params`] that also looks up the parameter named `want` (case-insensitive) on the
/// way, as [`Params::get`] would find it in the text: `Some(None)` when it has no value,
/// `None` when absent.
pub(crate) fn header_params_find<'a>(
    i: &'a [u8],
    want: Wanted,
) -> Result<(&'a [u8], &'a [u8], Lookup<'a>), usize> {
    let start_len = i.len();
    let mut found = None;
    let mut rest = i;
    let mut first: Option<usize> = None;
    let mut last_end = 0usize;
    while let Some(r) = sep_here(rest, b';') {
        let name_len = run(r, Class::TOKEN);
        if name_len == 0 {
            // `;;` or `;` with nothing: RFC 4475 §3.1.2.1.
            return Err(start_len - r.len());
        }
        if first.is_none() {
            first = Some(start_len - r.len());
        }
        let mut after = r.get(name_len..).unwrap_or_default();
        let wanted = found.is_none() && want.is(r, name_len);
        if wanted {
            found = Some(None);
        }
        if let Some(v) = sep_here(after, b'=') {
            let vlen = if v.first() == Some(&b'"') {
                match quoted_string(v) {
                    Some((rest2, _)) => v.len() - rest2.len(),
                    None => 0,
                }
            } else {
                // token / host (IPv6 references included).
                run(v, Class::GEN_VALUE)
            };
            if vlen == 0 {
                return Err(start_len - v.len());
            }
            if wanted {
                found = Some(v.get(..vlen));
            }
            after = v.get(vlen..).unwrap_or_default();
        }
        last_end = start_len - after.len();
        rest = after;
    }
    let text = match first {
        Some(f) => i.get(f..last_end).unwrap_or_default(),
        None => &[][..],
    };
    Ok((rest, text, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The inline separator check answers as the general one.
        #[test]
        fn sep_here_agrees_with_sep(text in "[;= \t\r\na]{0,6}", c in proptest::sample::select(alloc::vec![b';', b'=', b','])) {
            proptest::prop_assert_eq!(sep_here(text.as_bytes(), c), crate::parse::lex::sep(text.as_bytes(), c));
        }
    }

    #[test]
    fn iterates_with_lws_and_quotes() {
        let p = Params::new(b"BRanch=1234 ; Param1=Foo;paRAM2;q=\"a;b\" ; rport");
        let v: alloc::vec::Vec<_> = p.iter().collect();
        assert_eq!(v.len(), 5);
        assert_eq!(p.get("branch"), Some(Some(&b"1234"[..])));
        assert_eq!(p.get("param2"), Some(None));
        assert_eq!(p.get("q"), Some(Some(&b"\"a;b\""[..])));
        assert_eq!(p.get_unquoted("q"), Some(&b"a;b"[..]));
        assert_eq!(p.get("rport"), Some(None));
        assert_eq!(p.get("nope"), None);
    }

    #[test]
    fn header_param_validation() {
        let (rest, text) = header_params(b" ;tag=1 ; x ;y=\"q\", next").unwrap();
        assert_eq!(text, b"tag=1 ; x ;y=\"q\"");
        assert_eq!(rest, b", next");
        assert!(header_params(b";;x").is_err());
        assert!(header_params(b";x=").is_err());
        let (rest, text) = header_params(b"").unwrap();
        assert!(rest.is_empty() && text.is_empty());
    }
}
