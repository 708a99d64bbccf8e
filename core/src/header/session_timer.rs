//! Session timers: Session-Expires and Min-SE (RFC 4028 §4, §5).

use super::scalar::{delta_seconds, suffix_at, whole, Scan};
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::params::{header_params, Params};
use crate::parse::lex::eq_ic;

/// Who refreshes the session (RFC 4028 §4 `refresher-param`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresher {
    /// `uac`: the side that sent the request.
    Uac,
    /// `uas`: the side that answers it.
    Uas,
}

/// `Session-Expires = delta-seconds *( SEMI se-params )` (RFC 4028 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionExpires<'a> {
    /// The session interval in seconds.
    pub delta: u32,
    /// The `refresher` parameter (`uac`/`uas`, any case); `None` when absent.
    pub refresher: Option<Refresher>,
    /// All parameters, `refresher` included.
    pub params: Params<'a>,
}

/// `delta-seconds *( SEMI generic-param )`.
fn delta_and_params(i: &[u8]) -> Scan<'_, (u32, Params<'_>)> {
    let (delta, r) = delta_seconds(i)?;
    let (rest, text) = header_params(r).map_err(|off| r.get(off..).unwrap_or_default())?;
    Ok(((delta, Params::new(text)), rest))
}

impl<'a> SessionExpires<'a> {
    /// Parses a whole Session-Expires value. A `refresher` that is not `uac` or `uas` is
    /// malformed (RFC 4028 §4).
    pub fn parse(value: &'a [u8]) -> Result<SessionExpires<'a>, HeaderError> {
        whole(HeaderName::SessionExpires, value, |i| {
            let ((delta, params), rest) = delta_and_params(i)?;
            let refresher = match params.get("refresher") {
                None => None,
                Some(Some(v)) if eq_ic(v, b"uac") => Some(Refresher::Uac),
                Some(Some(v)) if eq_ic(v, b"uas") => Some(Refresher::Uas),
                Some(Some(v)) => return Err(suffix_at(i, v)),
                Some(None) => return Err(suffix_at(i, params.as_bytes())),
            };
            Ok((
                SessionExpires {
                    delta,
                    refresher,
                    params,
                },
                rest,
            ))
        })
    }
}

/// `Min-SE = delta-seconds *( SEMI generic-param )` (RFC 4028 §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinSe<'a> {
    /// The smallest session interval accepted, in seconds.
    pub delta: u32,
    /// Extension parameters.
    pub params: Params<'a>,
}

impl<'a> MinSe<'a> {
    /// Parses a whole Min-SE value.
    pub fn parse(value: &'a [u8]) -> Result<MinSe<'a>, HeaderError> {
        whole(HeaderName::MinSe, value, |i| {
            let ((delta, params), rest) = delta_and_params(i)?;
            Ok((MinSe { delta, params }, rest))
        })
    }
}

impl Headers {
    /// Session-Expires (RFC 4028 §4).
    pub fn session_expires(&self) -> Option<Result<SessionExpires<'_>, HeaderError>> {
        Some(SessionExpires::parse(self.get(HeaderName::SessionExpires)?))
    }
    /// Min-SE (RFC 4028 §5).
    pub fn min_se(&self) -> Option<Result<MinSe<'_>, HeaderError>> {
        Some(MinSe::parse(self.get(HeaderName::MinSe)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jssip_session_expires() {
        // jssip-parser-cases.md §2.12.
        let s = SessionExpires::parse(b"180;refresher=uac").unwrap();
        assert_eq!((s.delta, s.refresher), (180, Some(Refresher::Uac)));
        let s = SessionExpires::parse(b"210  ;   refresher  =  UAS ; foo  =  bar").unwrap();
        assert_eq!((s.delta, s.refresher), (210, Some(Refresher::Uas)));
        assert_eq!(s.params.get("foo"), Some(Some(&b"bar"[..])));
    }

    #[test]
    fn errors_and_min_se() {
        let s = SessionExpires::parse(b"1800").unwrap();
        assert_eq!((s.delta, s.refresher), (1800, None));
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::SessionExpires,
                offset,
            })
        };
        assert_eq!(SessionExpires::parse(b"90;refresher=proxy"), e(13));
        assert_eq!(SessionExpires::parse(b"90;refresher"), e(3));
        assert_eq!(SessionExpires::parse(b"4294967296"), e(0));
        assert_eq!(SessionExpires::parse(b"uac;180"), e(0));
        assert_eq!(SessionExpires::parse(b"180 uac"), e(4));
        let m = MinSe::parse(b"90 ;x=1").unwrap();
        assert_eq!(m.delta, 90);
        assert_eq!(m.params.get("x"), Some(Some(&b"1"[..])));
        assert_eq!(
            MinSe::parse(b"-90"),
            Err(HeaderError {
                header: HeaderName::MinSe,
                offset: 0
            })
        );
    }
}
