//! Why something failed and what to do next: Reason (RFC 3326 §2), Warning (RFC 3261 §20.43)
//! and Retry-After (RFC 3261 §20.33).

use alloc::string::String;

use super::product::comment;
use super::scalar::{delta_seconds, lws, suffix_at, token, whole, Scan};
use super::tokens::scan_list;
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::params::{header_params, Params};
use crate::parse::lex::{eq_ic, is_token, quoted_string, sws, unquote};
use crate::uri::parse_host;

/// Unquotes and unescapes a quoted-string's inside into text (invalid UTF-8 becomes U+FFFD).
fn text_of(inner: &[u8]) -> String {
    String::from_utf8_lossy(&unquote(inner)).into_owned()
}

/// `*( SEMI generic-param )` as a scan step.
fn params(r: &[u8]) -> Scan<'_, Params<'_>> {
    let (rest, text) = header_params(r).map_err(|off| r.get(off..).unwrap_or_default())?;
    Ok((Params::new(text), rest))
}

/// `reason-value = protocol *(SEMI reason-params)` (RFC 3326 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason<'a> {
    /// The protocol as written: `SIP`, `Q.850` or another token.
    pub protocol: &'a [u8],
    /// The `cause` parameter: a SIP status code or a Q.850 cause value.
    pub cause: Option<u32>,
    /// All parameters (`cause`, `text`, extensions).
    pub params: Params<'a>,
}

impl<'a> Reason<'a> {
    /// True when the protocol is `protocol` (case-insensitive, RFC 3261 §7.3.1).
    pub fn is(&self, protocol: &str) -> bool {
        eq_ic(self.protocol, protocol.as_bytes())
    }
    /// The `text` parameter as written, without its quotes (escapes kept).
    pub fn text_raw(&self) -> Option<&'a [u8]> {
        self.params.get_unquoted("text")
    }
    /// The `text` parameter unquoted and unescaped.
    pub fn text(&self) -> Option<String> {
        self.text_raw().map(text_of)
    }
}

/// Scans one reason-value.
pub(crate) fn reason_value(i: &[u8]) -> Scan<'_, Reason<'_>> {
    let (protocol, r) = token(i)?;
    let (params, rest) = params(r)?;
    // protocol-cause = "cause" EQUAL cause; cause = 1*DIGIT
    let cause = match params.get("cause") {
        None => None,
        Some(Some(v)) => match delta_seconds(v) {
            Ok((n, [])) => Some(n),
            _ => return Err(suffix_at(i, v)),
        },
        Some(None) => return Err(suffix_at(i, params.as_bytes())),
    };
    // reason-text = "text" EQUAL quoted-string; a bare token is tolerated.
    if params.get("text") == Some(None) {
        return Err(suffix_at(i, params.as_bytes()));
    }
    Ok((
        Reason {
            protocol,
            cause,
            params,
        },
        rest,
    ))
}

/// `warning-value = warn-code SP warn-agent SP warn-text` (RFC 3261 §20.43).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Warning<'a> {
    /// The three-digit warning code (RFC 3261 §20.43 lists 300–399).
    pub code: u16,
    /// The warn-agent: `host[:port]` or a pseudonym token.
    pub agent: &'a [u8],
    /// The warn-text inside its quotes, still escaped.
    pub text_raw: &'a [u8],
}

impl Warning<'_> {
    /// The warn-text unquoted and unescaped.
    pub fn text(&self) -> String {
        text_of(self.text_raw)
    }
}

/// `warn-agent = hostport / pseudonym`.
fn warn_agent(i: &[u8]) -> Scan<'_, &[u8]> {
    let host_len = if i.first() == Some(&b'[') {
        parse_host(i).map(|(_, n)| n).ok_or(i)?
    } else {
        // A hostname or IPv4 address is made of token characters, like a pseudonym.
        i.iter().take_while(|&&b| is_token(b)).count()
    };
    if host_len == 0 {
        return Err(i);
    }
    let mut end = host_len;
    if i.get(end) == Some(&b':') {
        let p = i.get(end + 1..).unwrap_or_default();
        let (port, r) = delta_seconds(p)?;
        u16::try_from(port).map_err(|_| p)?;
        end = i.len() - r.len();
    }
    Ok((i.get(..end).unwrap_or_default(), i.get(end..).unwrap_or_default()))
}

/// Scans one warning-value.
pub(crate) fn warning_value(i: &[u8]) -> Scan<'_, Warning<'_>> {
    // warn-code = 3DIGIT (RFC 4475 §3.1.2.5: four digits are malformed)
    let digits = i.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits != 3 {
        return Err(i);
    }
    let (code, r) = delta_seconds(i)?;
    let code = u16::try_from(code).map_err(|_| i)?;
    let (agent, r) = warn_agent(lws(r)?)?;
    let r = lws(r)?;
    let (rest, text_raw) = quoted_string(r).ok_or(r)?;
    Ok((
        Warning {
            code,
            agent,
            text_raw,
        },
        rest,
    ))
}

/// `Retry-After = delta-seconds [ comment ] *( SEMI retry-param )` (RFC 3261 §20.33).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter<'a> {
    /// Seconds to wait.
    pub delta: u32,
    /// The comment without its outer parentheses, e.g. `I'm in a meeting`.
    pub comment: Option<&'a [u8]>,
    /// The `duration` parameter: how long the callee will be available, in seconds.
    pub duration: Option<u32>,
    /// All parameters.
    pub params: Params<'a>,
}

impl<'a> RetryAfter<'a> {
    /// Parses a whole Retry-After value; a delta or duration above 2^32 - 1 is malformed
    /// (RFC 4475 §3.1.2.5).
    pub fn parse(value: &'a [u8]) -> Result<RetryAfter<'a>, HeaderError> {
        whole(HeaderName::RetryAfter, value, |i| {
            let (delta, r) = delta_seconds(i)?;
            let (comment, r) = match sws(r) {
                c @ [b'(', ..] => {
                    let (c, rest) = comment(c)?;
                    (c.get(1..c.len() - 1), rest)
                }
                _ => (None, r),
            };
            let (params, rest) = params(r)?;
            // retry-param = ("duration" EQUAL delta-seconds) / generic-param
            let duration = match params.get("duration") {
                None => None,
                Some(Some(v)) => match delta_seconds(v) {
                    Ok((n, [])) => Some(n),
                    _ => return Err(suffix_at(i, v)),
                },
                Some(None) => return Err(suffix_at(i, params.as_bytes())),
            };
            Ok((
                RetryAfter {
                    delta,
                    comment,
                    duration,
                    params,
                },
                rest,
            ))
        })
    }
}

impl Headers {
    /// Every reason-value of every Reason line (RFC 3326 §2).
    pub fn reason(&self) -> impl Iterator<Item = Result<Reason<'_>, HeaderError>> + '_ {
        self.get_all(HeaderName::Reason)
            .flat_map(|v| scan_list(HeaderName::Reason, v, false, reason_value))
    }
    /// Every warning-value of every Warning line (RFC 3261 §20.43).
    pub fn warning(&self) -> impl Iterator<Item = Result<Warning<'_>, HeaderError>> + '_ {
        self.get_all(HeaderName::Warning)
            .flat_map(|v| scan_list(HeaderName::Warning, v, false, warning_value))
    }
    /// Retry-After (RFC 3261 §20.33).
    pub fn retry_after(&self) -> Option<Result<RetryAfter<'_>, HeaderError>> {
        Some(RetryAfter::parse(self.get(HeaderName::RetryAfter)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn reasons(v: &[u8]) -> Vec<Result<Reason<'_>, HeaderError>> {
        scan_list(HeaderName::Reason, v, false, reason_value).collect()
    }
    fn warnings(v: &[u8]) -> Vec<Result<Warning<'_>, HeaderError>> {
        scan_list(HeaderName::Warning, v, false, warning_value).collect()
    }

    #[test]
    fn jssip_reasons() {
        // jssip-parser-cases.md §2.13.
        let r = reasons(br#"SIP  ; cause = 488 ; text = "Wrong SDP""#);
        let r = r[0].unwrap();
        assert!(r.is("sip"));
        assert_eq!(r.cause, Some(488));
        assert_eq!(r.text().as_deref(), Some("Wrong SDP"));
        let r = reasons(b"ISUP; cause=500 ; LALA = foo");
        let r = r[0].unwrap();
        assert_eq!((r.protocol, r.cause, r.text()), (&b"ISUP"[..], Some(500), None));
        assert_eq!(r.params.get("lala"), Some(Some(&b"foo"[..])));
    }

    #[test]
    fn reason_lists_and_errors() {
        let r = reasons(
            br#"Q.850;cause=16;text="Terminated \"ok\"", SIP;cause=200;text="Call completed elsewhere""#,
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].unwrap().text().as_deref(), Some("Terminated \"ok\""));
        assert_eq!(r[0].unwrap().text_raw(), Some(&br#"Terminated \"ok\""#[..]));
        assert_eq!(r[1].unwrap().cause, Some(200));
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::Reason,
                offset,
            })
        };
        assert_eq!(reasons(b"SIP;cause=abc"), [e(10)]);
        assert_eq!(reasons(b"SIP;text=\"x\";cause"), [e(4)]);
        assert_eq!(reasons(b"SIP;cause=99999999999"), [e(10)]);
        assert_eq!(reasons(b""), [e(0)]);
    }

    #[test]
    fn warnings_parse() {
        let w = warnings(br#"370 devnull "Choose a bigger pipe", 307 [2001:db8::1]:5060 "Session parameter 'foo' not understood""#);
        let w: Vec<_> = w.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            (w[0].code, w[0].agent, w[0].text()),
            (370, &b"devnull"[..], "Choose a bigger pipe".into())
        );
        assert_eq!((w[1].code, w[1].agent), (307, &b"[2001:db8::1]:5060"[..]));
        assert_eq!(w[1].text(), "Session parameter 'foo' not understood");
        let w = warnings(b"301 isi.edu:5070\r\n \"Incompatible network address type 'E.164'\"");
        assert_eq!(w[0].unwrap().agent, b"isi.edu:5070");
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::Warning,
                offset,
            })
        };
        // RFC 4475 §3.1.2.5 (scalarlg.dat): a four-digit code.
        assert_eq!(warnings(br#"1812 overture "In Progress""#), [e(0)]);
        assert_eq!(warnings(br#"39 x "y""#), [e(0)]);
        assert_eq!(warnings(br#"399 x y"#), [e(6)]);
        assert_eq!(warnings(br#"399 x:99999 "y""#), [e(6)]);
        assert_eq!(warnings(br#"399 "y""#), [e(4)]);
        assert_eq!(warnings(br#"399 x"y""#), [e(5)]);
    }

    #[test]
    fn retry_after() {
        let r = RetryAfter::parse(b"18000;duration=3600").unwrap();
        assert_eq!((r.delta, r.comment, r.duration), (18000, None, Some(3600)));
        let r = RetryAfter::parse(b"120 (I'm in a meeting)").unwrap();
        assert_eq!(
            (r.delta, r.comment, r.duration),
            (120, Some(&b"I'm in a meeting"[..]), None)
        );
        let r = RetryAfter::parse(b"5 ((nested)) ;duration=9;x").unwrap();
        assert_eq!((r.comment, r.duration), (Some(&b"(nested)"[..]), Some(9)));
        assert_eq!(r.params.get("x"), Some(None));
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::RetryAfter,
                offset,
            })
        };
        // RFC 4475 §3.1.2.5 (scalarlg.dat).
        assert_eq!(RetryAfter::parse(b"949302838503028349304023988"), e(0));
        assert_eq!(RetryAfter::parse(b"5;duration=4294967296"), e(11));
        assert_eq!(RetryAfter::parse(b"5;duration"), e(2));
        assert_eq!(RetryAfter::parse(b"5 (open"), e(7));
        assert_eq!(RetryAfter::parse(b"soon"), e(0));
    }
}
