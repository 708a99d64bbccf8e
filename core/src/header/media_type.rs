//! Media types: Content-Type (RFC 3261 §20.15) and Accept (RFC 3261 §20.1).

use super::scalar::{qvalue, token, whole, Scan};
use super::tokens::scan_list;
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::params::{header_params, Params};
use crate::parse::lex::{eq_ic, sep};

/// `media-type = m-type SLASH m-subtype *(SEMI m-parameter)` (RFC 3261 §20.15), also used for
/// Accept's `media-range *(SEMI accept-param)` (RFC 3261 §20.1), where `*` may stand for the
/// type or subtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaType<'a> {
    /// The top-level type as written: `application`, `text`, `multipart`, `*`.
    pub top_level: &'a [u8],
    /// The subtype as written: `sdp`, `plain`, `*`.
    pub subtype: &'a [u8],
    /// The parameters (`charset`, `boundary`, Accept's `q`, ...).
    pub params: Params<'a>,
}

impl<'a> MediaType<'a> {
    /// Parses a whole Content-Type value.
    pub fn parse(value: &'a [u8]) -> Result<MediaType<'a>, HeaderError> {
        whole(HeaderName::ContentType, value, scan)
    }

    /// True when this is `top_level/subtype`, compared case-insensitively (RFC 3261 §7.3.1;
    /// RFC 2045 §5.1).
    pub fn is(&self, top_level: &str, subtype: &str) -> bool {
        eq_ic(self.top_level, top_level.as_bytes()) && eq_ic(self.subtype, subtype.as_bytes())
    }

    /// True when this media range (an Accept element) covers `top_level/subtype`: `*/*`,
    /// `type/*` or the exact type (RFC 3261 §20.1).
    pub fn accepts(&self, top_level: &str, subtype: &str) -> bool {
        if self.top_level == b"*" {
            return self.subtype == b"*";
        }
        eq_ic(self.top_level, top_level.as_bytes())
            && (self.subtype == b"*" || eq_ic(self.subtype, subtype.as_bytes()))
    }

    /// A parameter value with its quotes removed (`charset`, `boundary`).
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        self.params.get_unquoted(name)
    }

    /// Accept's `q` parameter in thousandths (RFC 3261 §20.1 `accept-param`): `None` when
    /// absent, `Some(None)` when it is not a valid qvalue.
    pub fn q(&self) -> Option<Option<u16>> {
        Some(self.params.get("q")?.and_then(qvalue))
    }
}

/// Scans one media type or media range.
pub(crate) fn scan(i: &[u8]) -> Scan<'_, MediaType<'_>> {
    let (top_level, r) = token(i)?;
    // SLASH = SWS "/" SWS
    let r = sep(r, b'/').ok_or(r)?;
    let (subtype, r) = token(r)?;
    let (rest, params) = header_params(r).map_err(|off| r.get(off..).unwrap_or_default())?;
    Ok((
        MediaType {
            top_level,
            subtype,
            params: Params::new(params),
        },
        rest,
    ))
}

impl Headers {
    /// Content-Type (RFC 3261 §20.15).
    pub fn content_type(&self) -> Option<Result<MediaType<'_>, HeaderError>> {
        self.scan_single(HeaderName::ContentType, scan)
    }
    /// The media ranges of every Accept line (RFC 3261 §20.1); an empty Accept is allowed and
    /// yields nothing.
    pub fn accept(&self) -> impl Iterator<Item = Result<MediaType<'_>, HeaderError>> + '_ {
        self.get_all(HeaderName::Accept)
            .flat_map(|v| scan_list(HeaderName::Accept, v, true, scan))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn content_types() {
        let m = MediaType::parse(b"application/sdp").unwrap();
        assert_eq!((m.top_level, m.subtype), (&b"application"[..], &b"sdp"[..]));
        assert!(m.is("Application", "SDP") && !m.is("application", "sdp2"));
        assert!(m.params.is_empty());
        let m = MediaType::parse(b"multipart/mixed ; boundary=\"unique-boundary-1\"").unwrap();
        assert!(m.is("multipart", "mixed"));
        assert_eq!(m.param("boundary"), Some(&b"unique-boundary-1"[..]));
        let m = MediaType::parse(b"text/plain;charset=UTF-8").unwrap();
        assert_eq!(m.param("CHARSET"), Some(&b"UTF-8"[..]));
        let m = MediaType::parse(b"message / sipfrag ;version=2.0").unwrap();
        assert!(m.is("message", "sipfrag"));
        assert_eq!(m.param("version"), Some(&b"2.0"[..]));
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::ContentType,
                offset,
            })
        };
        assert_eq!(MediaType::parse(b"application"), e(11));
        assert_eq!(MediaType::parse(b"application/"), e(12));
        assert_eq!(MediaType::parse(b"text/plain;"), e(11));
        assert_eq!(MediaType::parse(b"text/plain, text/html"), e(10));
        assert_eq!(MediaType::parse(b""), e(0));
    }

    #[test]
    fn accept_ranges() {
        let v = b"application/sdp;level=1, application/*;q=0.5 ,*/*;q=0.1, text/nobodyKnowsThis";
        let all: Vec<_> = scan_list(HeaderName::Accept, v, true, scan)
            .map(Result::unwrap)
            .collect();
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].params.get("level"), Some(Some(&b"1"[..])));
        assert_eq!(all[0].q(), None);
        assert!(all[1].accepts("application", "pidf+xml") && !all[1].accepts("text", "plain"));
        assert_eq!(all[1].q(), Some(Some(500)));
        assert!(all[2].accepts("text", "plain"));
        assert_eq!(all[2].q(), Some(Some(100)));
        assert!(all[3].accepts("TEXT", "nobodyknowsthis") && !all[3].accepts("application", "sdp"));
        assert_eq!(scan_list(HeaderName::Accept, b"", true, scan).count(), 0);
        let bad: Vec<_> = scan_list(HeaderName::Accept, b"text/plain;q=2, foo", true, scan).collect();
        assert_eq!(bad[0].unwrap().q(), Some(None));
        assert_eq!(
            bad[1],
            Err(HeaderError {
                header: HeaderName::Accept,
                offset: 19
            })
        );
        // `*/sdp` is not a media range, but it does not match anything either.
        let m = MediaType::parse(b"*/sdp").unwrap();
        assert!(!m.accepts("application", "sdp"));
    }
}
