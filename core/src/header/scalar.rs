//! Headers whose value is one number or one identifier: Call-ID, CSeq, Max-Forwards, Expires,
//! Min-Expires, Content-Length (RFC 3261 §20), RSeq and RAck (RFC 3262 §7).

use bytes::Bytes;

use super::HeaderError;
use crate::message::{HeaderName, Headers, Method};
use crate::parse::lex::{self, is_word, sws};

/// What a scanner returns: the item and the rest, or the rest at the point where it failed
/// (always a suffix of its input, so `input.len() - err.len()` is the error offset).
pub(crate) type Scan<'a, T> = Result<(T, &'a [u8]), &'a [u8]>;

/// Runs `scan` over a whole header value: SWS, the item, SWS, end of value.
pub(crate) fn whole<'a, T>(
    header: HeaderName,
    value: &'a [u8],
    scan: impl FnOnce(&'a [u8]) -> Scan<'a, T>,
) -> Result<T, HeaderError> {
    let err = |r: &[u8]| HeaderError::new(header, value.len() - r.len());
    let (t, rest) = scan(sws(value)).map_err(err)?;
    let rest = sws(rest);
    if !rest.is_empty() {
        return Err(err(rest));
    }
    Ok(t)
}

/// The suffix of `input` that starts where `part` (a slice of `input`) starts: turns a slice
/// found in the middle of a value into a [`Scan`] error position.
pub(crate) fn suffix_at<'a>(input: &'a [u8], part: &[u8]) -> &'a [u8] {
    input
        .get(crate::parse::offset_in(input, part)..)
        .unwrap_or_default()
}

/// `delta-seconds = 1*DIGIT` (RFC 3261 §25.1) as a u32: more than 2^32 - 1 is malformed
/// (RFC 4475 §3.1.2.4, §3.1.2.5). Leading zeros are allowed (RFC 4475 §3.1.1.1).
pub(crate) fn delta_seconds(i: &[u8]) -> Scan<'_, u32> {
    match lex::decimal(i) {
        Some((n, rest)) => u32::try_from(n).map(|n| (n, rest)).map_err(|_| i),
        None => Err(i),
    }
}

/// `token` (RFC 3261 §25.1).
pub(crate) fn token(i: &[u8]) -> Scan<'_, &[u8]> {
    lex::token(i).map(|(rest, t)| (t, rest)).map_err(|_| i)
}

/// `LWS` that must be there (at least one space, tab or fold).
pub(crate) fn lws(i: &[u8]) -> Result<&[u8], &[u8]> {
    let r = sws(i);
    if r.len() == i.len() {
        Err(i)
    } else {
        Ok(r)
    }
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (RFC 3261 §25.1), in
/// thousandths: `0.33` is 330, `1` is 1000.
pub(crate) fn qvalue(v: &[u8]) -> Option<u16> {
    let (int, frac) = match v.iter().position(|&b| b == b'.') {
        Some(dot) => (v.get(..dot)?, Some(v.get(dot + 1..)?)),
        None => (v, None),
    };
    let whole: u16 = match int {
        b"0" => 0,
        b"1" => 1000,
        _ => return None,
    };
    let frac = frac.unwrap_or_default();
    if frac.len() > 3 || !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut thousandths = 0u16;
    for k in 0..3 {
        thousandths = thousandths * 10 + frac.get(k).map_or(0, |d| u16::from(d - b'0'));
    }
    if whole == 1000 && thousandths != 0 {
        return None;
    }
    Some(whole + thousandths)
}

/// `callid = word [ "@" word ]` (RFC 3261 §20.8, §25.1).
pub(crate) fn call_id(i: &[u8]) -> Scan<'_, &[u8]> {
    let words = |r: &[u8]| r.iter().take_while(|&&b| is_word(b)).count();
    let n = words(i);
    if n == 0 {
        return Err(i);
    }
    let mut end = n;
    if i.get(n) == Some(&b'@') {
        let rest = i.get(n + 1..).unwrap_or_default();
        let m = words(rest);
        if m == 0 {
            return Err(rest);
        }
        end = n + 1 + m;
    }
    Ok((i.get(..end).unwrap_or_default(), i.get(end..).unwrap_or_default()))
}

/// `part` as a shared slice of `buf` when it lies inside it, else a copy.
pub(crate) fn share(buf: &Bytes, part: &[u8]) -> Bytes {
    let start = (part.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize);
    match buf.get(start..start.wrapping_add(part.len())) {
        Some(s) if !part.is_empty() && s.as_ptr() == part.as_ptr() => buf.slice(start..start + part.len()),
        _ => Bytes::copy_from_slice(part),
    }
}

/// The method token as a [`Method`] sharing the message buffer.
pub(crate) fn method_in(buf: &Bytes, token: &[u8]) -> Method {
    Method::known(token).unwrap_or_else(|| Method::Extension(share(buf, token)))
}

/// `CSeq = 1*DIGIT LWS Method` (RFC 3261 §20.16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number (at most 2^32 - 1, RFC 3261 §8.1.1.5).
    pub seq: u32,
    /// The method.
    pub method: Method,
}

impl CSeq {
    /// Parses a CSeq value that is a slice of `buf` (an extension method shares `buf`).
    pub fn parse_in(buf: &Bytes, value: &[u8]) -> Result<CSeq, HeaderError> {
        let (seq, m) = super::cseq::scan(value).map_err(|at| HeaderError::new(HeaderName::CSeq, at))?;
        Ok(CSeq {
            seq,
            method: method_in(buf, m),
        })
    }
}

/// `RAck = response-num LWS CSeq-num LWS Method` (RFC 3262 §7.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RAck {
    /// The RSeq of the reliable provisional response being acknowledged.
    pub rseq: u32,
    /// The CSeq number of the request it answered.
    pub cseq: u32,
    /// The CSeq method of the request it answered.
    pub method: Method,
}

impl RAck {
    /// Parses a RAck value that is a slice of `buf` (an extension method shares `buf`).
    pub fn parse_in(buf: &Bytes, value: &[u8]) -> Result<RAck, HeaderError> {
        whole(HeaderName::RAck, value, |i| {
            let (rseq, r) = response_num(i)?;
            let r = lws(r)?;
            // CSeq-num = 1*DIGIT, the CSeq rule (RFC 3261 §20.16) for the rest.
            let (cseq, r) = delta_seconds(r)?;
            let r = lws(r)?;
            let (m, r) = token(r)?;
            Ok((
                RAck {
                    rseq,
                    cseq,
                    method: method_in(buf, m),
                },
                r,
            ))
        })
    }
}

/// `Max-Forwards = 1*DIGIT`, 0 to 255 (RFC 3261 §20.22).
pub(crate) fn max_forwards(i: &[u8]) -> Scan<'_, u8> {
    let (n, r) = delta_seconds(i)?;
    Ok((u8::try_from(n).map_err(|_| i)?, r))
}

/// `response-num = 1*DIGIT`, 1 to 2^32 - 1 (RFC 3262 §7.1).
pub(crate) fn response_num(i: &[u8]) -> Scan<'_, u32> {
    match delta_seconds(i)? {
        (0, _) => Err(i),
        ok => Ok(ok),
    }
}

impl Headers {
    /// A single-value header read with `scan` over its first line.
    pub(crate) fn scan_single<'a, T>(
        &'a self,
        name: HeaderName,
        scan: impl FnOnce(&'a [u8]) -> Scan<'a, T>,
    ) -> Option<Result<T, HeaderError>> {
        let v = self.get(name)?;
        Some(whole(name, v, scan))
    }

    /// Call-ID (RFC 3261 §20.8): `word [ "@" word ]`.
    pub fn call_id(&self) -> Option<Result<&str, HeaderError>> {
        let v = self.get(HeaderName::CallId)?;
        Some(whole(HeaderName::CallId, v, call_id).and_then(|id| {
            // `word` is ASCII.
            core::str::from_utf8(id).map_err(|_| HeaderError::new(HeaderName::CallId, 0))
        }))
    }
    /// CSeq (RFC 3261 §20.16).
    pub fn cseq(&self) -> Option<Result<CSeq, HeaderError>> {
        Some(CSeq::parse_in(&self.buf, self.get(HeaderName::CSeq)?))
    }
    /// Max-Forwards (RFC 3261 §20.22): 0 to 255.
    pub fn max_forwards(&self) -> Option<Result<u8, HeaderError>> {
        self.scan_single(HeaderName::MaxForwards, max_forwards)
    }
    /// Expires (RFC 3261 §20.19): delta-seconds.
    pub fn expires(&self) -> Option<Result<u32, HeaderError>> {
        self.scan_single(HeaderName::Expires, delta_seconds)
    }
    /// Min-Expires (RFC 3261 §20.23): delta-seconds.
    pub fn min_expires(&self) -> Option<Result<u32, HeaderError>> {
        self.scan_single(HeaderName::MinExpires, delta_seconds)
    }
    /// Content-Length (RFC 3261 §20.14).
    pub fn content_length(&self) -> Option<Result<u32, HeaderError>> {
        self.scan_single(HeaderName::ContentLength, delta_seconds)
    }
    /// RSeq (RFC 3262 §7.1): 1 to 2^32 - 1.
    pub fn rseq(&self) -> Option<Result<u32, HeaderError>> {
        self.scan_single(HeaderName::RSeq, response_num)
    }
    /// RAck (RFC 3262 §7.2).
    pub fn rack(&self) -> Option<Result<RAck, HeaderError>> {
        Some(RAck::parse_in(&self.buf, self.get(HeaderName::RAck)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(h: HeaderName, offset: usize) -> HeaderError {
        HeaderError { header: h, offset }
    }

    #[test]
    fn qvalues() {
        assert_eq!(qvalue(b"0.33"), Some(330));
        assert_eq!(qvalue(b"0"), Some(0));
        assert_eq!(qvalue(b"0."), Some(0));
        assert_eq!(qvalue(b"0.001"), Some(1));
        assert_eq!(qvalue(b"1"), Some(1000));
        assert_eq!(qvalue(b"1.000"), Some(1000));
        assert_eq!(qvalue(b"1.001"), None);
        assert_eq!(qvalue(b"0.1234"), None);
        assert_eq!(qvalue(b"2"), None);
        assert_eq!(qvalue(b".5"), None);
        assert_eq!(qvalue(b"0.5a"), None);
    }

    #[test]
    fn delta_seconds_limits() {
        let ok = |v: &[u8]| whole(HeaderName::Expires, v, delta_seconds);
        assert_eq!(ok(b"4294967295"), Ok(u32::MAX));
        assert_eq!(ok(b"0003600"), Ok(3600));
        assert_eq!(ok(b" \r\n 60 "), Ok(60));
        // RFC 4475 §3.1.2.4: one more than 2^32 - 1, and the 100-digit value of scalar02.dat.
        assert_eq!(ok(b"4294967296"), Err(err(HeaderName::Expires, 0)));
        let huge = [b'1'; 101];
        assert_eq!(ok(&huge), Err(err(HeaderName::Expires, 0)));
        assert_eq!(ok(b"60 s"), Err(err(HeaderName::Expires, 3)));
        assert_eq!(ok(b"-1"), Err(err(HeaderName::Expires, 0)));
        assert_eq!(ok(b""), Err(err(HeaderName::Expires, 0)));
    }

    #[test]
    fn call_ids() {
        let id = |v: &[u8]| whole(HeaderName::CallId, v, call_id).map(|s| s.to_vec());
        assert_eq!(
            id(b"a84b4c76e66710@pc33.example.com"),
            Ok(b"a84b4c76e66710@pc33.example.com".to_vec())
        );
        assert_eq!(
            id(b"wsinv.ndaksdj@192.0.2.1"),
            Ok(b"wsinv.ndaksdj@192.0.2.1".to_vec())
        );
        assert_eq!(id(b"x@"), Err(err(HeaderName::CallId, 2)));
        assert_eq!(id(b"a b"), Err(err(HeaderName::CallId, 2)));
        assert_eq!(id(b"a@b@c"), Err(err(HeaderName::CallId, 3)));
        assert_eq!(id(b""), Err(err(HeaderName::CallId, 0)));
    }

    #[test]
    fn cseq_and_rack() {
        let buf = Bytes::from_static(b"0009\r\n  INVITE");
        assert_eq!(
            CSeq::parse_in(&buf, &buf),
            Ok(CSeq {
                seq: 9,
                method: Method::Invite
            })
        );
        let buf = Bytes::from_static(b"123456  CHICKEN");
        let c = CSeq::parse_in(&buf, &buf).unwrap();
        assert_eq!(c.seq, 123456);
        assert_eq!(c.method.as_str(), "CHICKEN");
        let buf = Bytes::from_static(b"36893488147419103232 REGISTER");
        assert_eq!(CSeq::parse_in(&buf, &buf), Err(err(HeaderName::CSeq, 0)));

        let buf = Bytes::from_static(b"776656 1 INVITE");
        assert_eq!(
            RAck::parse_in(&buf, &buf),
            Ok(RAck {
                rseq: 776656,
                cseq: 1,
                method: Method::Invite
            })
        );
        let buf = Bytes::from_static(b"1 \r\n 2   FOO ");
        assert_eq!(
            RAck::parse_in(&buf, &buf).map(|r| (r.rseq, r.cseq, r.method.as_str().to_owned())),
            Ok((1, 2, "FOO".into()))
        );
        for (bad, at) in [
            (&b"0 1 INVITE"[..], 0),
            (b"1 1INVITE", 3),
            (b"1 1", 3),
            (b"1 4294967296 INVITE", 2),
            (b"1 1 INVITE x", 11),
        ] {
            let buf = Bytes::from_static(bad);
            assert_eq!(
                RAck::parse_in(&buf, &buf),
                Err(err(HeaderName::RAck, at)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn accessors_on_a_parsed_message() {
        use crate::header::{Refresher, SubState};
        use crate::parse::{parse_message, Framing, Limits};
        use alloc::vec::Vec;
        let msg = parse_message(
            Bytes::from_static(
                b"NOTIFY sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
                  From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n\
                  i: 5t2gpbrbi72v79p1i8mr\r\nCSeq: 0042\r\n  NOTIFY\r\nMax-Forwards: 0068\r\n\
                  Expires: 3600\r\nMin-Expires: 4294967296\r\nRSeq: 0\r\nRAck: 5 41 INVITE\r\n\
                  o: Presence;id=7\r\nSubscription-State: terminated;reason=noresource;retry-after=60\r\n\
                  x: 1800;refresher=uas\r\nMin-SE: 90\r\nReplaces: abc@h;to-tag=t;from-tag=f;early-only\r\n\
                  Reason: Q.850 ;cause=16 ;text=\"Normal call clearing\"\r\nReason: SIP;cause=600\r\n\
                  Warning: 399 example.com \"Noisy\"\r\nRetry-After: 30 (busy)\r\n\
                  User-Agent: JsSIP 3.10.0\r\nDate: Sat, 13 Nov 2010 23:29:00 GMT\r\n\
                  c: application/pidf+xml;charset=utf-8\r\nAccept: application/sdp, text/*;q=0.8\r\n\
                  Content-Length: 0\r\n\r\n",
            ),
            Framing::Datagram,
            &Limits::default(),
        )
        .unwrap();
        let h = msg.headers();
        assert_eq!(h.call_id(), Some(Ok("5t2gpbrbi72v79p1i8mr")));
        assert_eq!(
            h.cseq(),
            Some(Ok(CSeq {
                seq: 42,
                method: Method::Notify
            }))
        );
        assert_eq!(h.max_forwards(), Some(Ok(68)));
        assert_eq!(h.expires(), Some(Ok(3600)));
        assert_eq!(h.min_expires(), Some(Err(err(HeaderName::MinExpires, 0))));
        assert_eq!(h.content_length(), Some(Ok(0)));
        assert_eq!(h.rseq(), Some(Err(err(HeaderName::RSeq, 0))));
        assert_eq!(
            h.rack(),
            Some(Ok(RAck {
                rseq: 5,
                cseq: 41,
                method: Method::Invite
            }))
        );
        let e = h.event().unwrap().unwrap();
        assert!(e.is("presence"));
        assert_eq!(e.id(), Some(&b"7"[..]));
        let s = h.subscription_state().unwrap().unwrap();
        assert_eq!(
            (s.state, s.reason, s.retry_after),
            (SubState::Terminated, Some(&b"noresource"[..]), Some(60))
        );
        let se = h.session_expires().unwrap().unwrap();
        assert_eq!((se.delta, se.refresher), (1800, Some(Refresher::Uas)));
        assert_eq!(h.min_se().unwrap().unwrap().delta, 90);
        let r = h.replaces().unwrap().unwrap();
        assert_eq!(
            (r.call_id, r.to_tag, r.from_tag, r.early_only),
            (&b"abc@h"[..], &b"t"[..], &b"f"[..], true)
        );
        let reasons: Vec<_> = h.reason().map(|r| r.unwrap()).collect();
        assert_eq!(reasons.len(), 2);
        assert_eq!((reasons[0].protocol, reasons[0].cause), (&b"Q.850"[..], Some(16)));
        assert_eq!(reasons[0].text().as_deref(), Some("Normal call clearing"));
        assert_eq!(
            (reasons[1].protocol, reasons[1].cause, reasons[1].text()),
            (&b"SIP"[..], Some(600), None)
        );
        let w: Vec<_> = h.warning().map(|w| w.unwrap()).collect();
        assert_eq!(
            (w[0].code, w[0].agent, w[0].text_raw),
            (399, &b"example.com"[..], &b"Noisy"[..])
        );
        let ra = h.retry_after().unwrap().unwrap();
        assert_eq!((ra.delta, ra.comment), (30, Some(&b"busy"[..])));
        assert_eq!(h.user_agent().unwrap().unwrap().iter().count(), 2);
        assert_eq!(h.date().unwrap().unwrap().unix_time(), 1_289_690_940);
        let ct = h.content_type().unwrap().unwrap();
        assert!(ct.is("application", "PIDF+XML"));
        assert_eq!(ct.param("charset"), Some(&b"utf-8"[..]));
        let accept: Vec<_> = h.accept().map(|m| m.unwrap()).collect();
        assert_eq!(accept.len(), 2);
        assert!(accept[1].accepts("text", "plain") && accept[1].q() == Some(Some(800)));
        // Absent headers are None, not errors.
        assert!(h.refer_to().is_none() && h.min_se().is_some() && h.server().is_none());
        assert!(h.contact().next().is_none() && h.supported().next().is_none());
    }
}
