//! The header section of a message: raw fields in order, typed on access.

use alloc::vec::Vec;
use bytes::Bytes;

use super::HeaderName;
use crate::parse::lex::{eq_ic, quoted_string, trim};

/// A byte range in a message buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        // Messages are limited far below 4 GiB (Limits::max_message_size is checked first).
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
    pub(crate) fn range(self) -> core::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub(crate) fn get(self, buf: &[u8]) -> &[u8] {
        buf.get(self.range()).unwrap_or_default()
    }
}

/// One header line as parsed: where its name and value are, and what it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub(crate) name: Span,
    pub(crate) value: Span,
    pub(crate) kind: HeaderName,
}

/// The header fields of a message, in wire order, as slices of the message buffer.
///
/// Values are raw: line folds and the original spelling stay. Lookups by [`HeaderName`] match
/// long and compact forms alike; typed accessors (`via()`, `from()`, `cseq()`, ...) parse on
/// demand.
#[derive(Clone)]
pub struct Headers {
    pub(crate) buf: Bytes,
    pub(crate) fields: Vec<Field>,
}

/// A view of one header field.
#[derive(Clone, Copy, Debug)]
pub struct HeaderRef<'a> {
    /// What the header is.
    pub name: HeaderName,
    /// The name exactly as written (`v`, `VIA`, `X-Foo`).
    pub raw_name: &'a [u8],
    /// The value as written, without the leading and trailing whitespace.
    pub value: &'a [u8],
}

impl Headers {
    /// The number of header lines.
    pub fn len(&self) -> usize {
        self.fields.len()
    }
    /// True when there is no header.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    fn view(&self, f: &Field) -> HeaderRef<'_> {
        HeaderRef {
            name: f.kind,
            raw_name: f.name.get(&self.buf),
            value: f.value.get(&self.buf),
        }
    }

    /// All header lines in order.
    pub fn iter(&self) -> impl Iterator<Item = HeaderRef<'_>> + '_ {
        self.fields.iter().map(|f| self.view(f))
    }

    /// The values of every line of a known header, in order.
    pub fn get_all(&self, name: HeaderName) -> impl Iterator<Item = &[u8]> + '_ {
        self.fields
            .iter()
            .filter(move |f| f.kind == name)
            .map(|f| f.value.get(&self.buf))
    }

    /// The value of the first line of a known header.
    pub fn get(&self, name: HeaderName) -> Option<&[u8]> {
        self.get_all(name).next()
    }

    /// The value of the first line of a known header as a shared slice of the message.
    pub fn get_bytes(&self, name: HeaderName) -> Option<Bytes> {
        self.fields
            .iter()
            .find(|f| f.kind == name)
            .map(|f| self.buf.slice(f.value.range()))
    }

    /// True when the header is present.
    pub fn contains(&self, name: HeaderName) -> bool {
        self.fields.iter().any(|f| f.kind == name)
    }

    /// How many lines of this header there are.
    pub fn count(&self, name: HeaderName) -> usize {
        self.fields.iter().filter(|f| f.kind == name).count()
    }

    /// The values of every line whose name is `name` (case-insensitive). A known name also
    /// matches its compact form, so `"Via"` finds `v:` lines.
    pub fn get_all_str<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        let kind = HeaderName::from_bytes(name.as_bytes());
        self.fields
            .iter()
            .filter(move |f| {
                if kind == HeaderName::Other {
                    f.kind == HeaderName::Other && eq_ic(f.name.get(&self.buf), name.as_bytes())
                } else {
                    f.kind == kind
                }
            })
            .map(|f| f.value.get(&self.buf))
    }

    /// The first value of a header looked up by its text.
    pub fn get_str<'a>(&'a self, name: &'a str) -> Option<&'a [u8]> {
        self.get_all_str(name).next()
    }

    /// Every element of a comma-separated list header across all its lines (RFC 3261 §7.3.1),
    /// split at commas that are not inside quotes or `<>`.
    pub fn list(&self, name: HeaderName) -> impl Iterator<Item = &[u8]> + '_ {
        self.get_all(name).flat_map(split_list)
    }

    /// The shared buffer holding the message.
    pub fn buffer(&self) -> &Bytes {
        &self.buf
    }
}

impl core::fmt::Debug for Headers {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut l = f.debug_list();
        for h in self.iter() {
            l.entry(&(
                core::str::from_utf8(h.raw_name).unwrap_or("?"),
                alloc::string::String::from_utf8_lossy(h.value),
            ));
        }
        l.finish()
    }
}

/// Splits a header value at top-level commas (not inside a quoted string or `<...>`), trimming
/// whitespace; empty elements are skipped.
pub fn split_list(v: &[u8]) -> impl Iterator<Item = &[u8]> + '_ {
    let mut rest = v;
    core::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let mut k = 0;
        let mut angle = false;
        let end = loop {
            match rest.get(k) {
                None => break rest.len(),
                Some(b'"') => match quoted_string(rest.get(k..).unwrap_or_default()) {
                    Some((after, _)) => k = rest.len() - after.len(),
                    None => k = rest.len(),
                },
                Some(b'<') => {
                    angle = true;
                    k += 1;
                }
                Some(b'>') => {
                    angle = false;
                    k += 1;
                }
                Some(b',') if !angle => break k,
                Some(_) => k += 1,
            }
        };
        let item = trim(rest.get(..end).unwrap_or_default());
        rest = rest.get(end + 1..).unwrap_or_default();
        if !item.is_empty() {
            return Some(item);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split() {
        let v: Vec<_> = split_list(br#""a,b" <sip:x;p=1,2>;q=1 , sip:y,,z"#).collect();
        assert_eq!(v, [&br#""a,b" <sip:x;p=1,2>;q=1"#[..], b"sip:y", b"z"]);
    }
}
