//! A human-readable dump of a message with its headers typed: a debugging aid.

use alloc::string::String;
use core::fmt::{self, Debug, Formatter};

use super::{HeaderName, HeaderRef, Message};
use crate::header::scalar::{call_id, delta_seconds, max_forwards, response_num, token, whole};
use crate::header::{
    contact, media_type, reason, tokens, CSeq, ContactValue, Date, Event, HeaderError, MediaType, MinSe,
    NameAddr, ProductItem, Products, RAck, Replaces, RetryAfter, SessionExpires, SubscriptionState, Via,
};
use crate::message::split_list;
use crate::params::Params;

/// Formats a message for people: the start line, then each header with its typed reading
/// (or `MALFORMED` and the reason), then the body size. `format!("{}", Dump(&msg))`.
pub struct Dump<'a>(pub &'a Message);

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Writes a typed reading, or `MALFORMED (reason)`.
fn show<T>(
    f: &mut Formatter<'_>,
    r: Result<T, HeaderError>,
    ok: impl FnOnce(&mut Formatter<'_>, T) -> fmt::Result,
) -> fmt::Result {
    match r {
        Ok(v) => ok(f, v),
        Err(e) => write!(f, "MALFORMED ({e})"),
    }
}

/// Writes each element of a list on its own line.
fn show_list<T>(
    f: &mut Formatter<'_>,
    items: impl Iterator<Item = Result<T, HeaderError>>,
    ok: impl Fn(&mut Formatter<'_>, T) -> fmt::Result,
) -> fmt::Result {
    let mut empty = true;
    for item in items {
        empty = false;
        write!(f, "\n    - ")?;
        show(f, item, &ok)?;
    }
    if empty {
        write!(f, "(empty)")?;
    }
    Ok(())
}

/// Writes a list of tokens on one line: `["a", "b"]`, then `MALFORMED (...)` if one is bad.
fn show_tokens<'a>(
    f: &mut Formatter<'_>,
    items: impl Iterator<Item = Result<&'a [u8], HeaderError>>,
) -> fmt::Result {
    let mut good = alloc::vec::Vec::new();
    let mut bad = None;
    for item in items {
        match item {
            Ok(t) => good.push(text(t)),
            Err(e) => bad = Some(e),
        }
    }
    write!(f, "{good:?}")?;
    match bad {
        Some(e) => write!(f, " MALFORMED ({e})"),
        None => Ok(()),
    }
}

/// ` name=value` for an optional typed parameter that is present.
fn param<T: Debug>(f: &mut Formatter<'_>, name: &str, v: Option<Result<T, HeaderError>>) -> fmt::Result {
    match v {
        None => Ok(()),
        Some(Ok(v)) => write!(f, " {name}={v:?}"),
        Some(Err(e)) => write!(f, " {name}=MALFORMED ({e})"),
    }
}

fn params(f: &mut Formatter<'_>, p: Params<'_>) -> fmt::Result {
    for (n, v) in p.iter() {
        write!(f, " ;{}={:?}", text(n), v.map(text))?;
    }
    Ok(())
}

fn name_addr(f: &mut Formatter<'_>, na: &NameAddr) -> fmt::Result {
    write!(f, "display={:?} uri={} ", na.display_name(), na.uri())?;
    let u = na.uri();
    write!(
        f,
        "[scheme={:?} user={:?} host={:?} port={:?}]",
        u.scheme(),
        u.user_decoded().map(|u| text(&u)),
        u.host(),
        u.port()
    )?;
    for (n, v) in u.headers() {
        write!(f, " ?{}={:?}", text(n), text(v))?;
    }
    params(f, na.params())
}

fn contact_value(f: &mut Formatter<'_>, c: ContactValue) -> fmt::Result {
    let ContactValue::Address(c) = c else {
        return write!(f, "* (all bindings)");
    };
    name_addr(f, &c)?;
    write!(f, " =>")?;
    param(f, "expires", c.expires())?;
    param(f, "q", c.q())?;
    param(f, "reg-id", c.reg_id())?;
    param(f, "+sip.instance", c.sip_instance().map(|v| Ok(text(v))))?;
    param(f, "pub-gruu", c.pub_gruu().map(|v| Ok(text(v))))?;
    param(f, "temp-gruu", c.temp_gruu().map(|v| Ok(text(v))))
}

fn media(f: &mut Formatter<'_>, m: MediaType<'_>) -> fmt::Result {
    write!(f, "type={:?} subtype={:?}", text(m.top_level), text(m.subtype))?;
    params(f, m.params)
}

fn via(f: &mut Formatter<'_>, v: Via<'_>) -> fmt::Result {
    write!(
        f,
        "{}/{}/{} host={} port={:?} branch={:?} received={:?} rport={:?}",
        text(v.protocol),
        text(v.version),
        text(v.transport),
        text(v.host),
        v.port,
        v.branch().map(text),
        v.received().map(text),
        v.rport()
    )
}

fn products(f: &mut Formatter<'_>, p: Products<'_>) -> fmt::Result {
    for item in p.iter() {
        match item {
            ProductItem::Product { name, version } => {
                write!(f, "[product {:?} {:?}] ", text(name), version.map(text))?
            }
            ProductItem::Comment(c) => write!(f, "[comment {:?}] ", text(c))?,
        }
    }
    Ok(())
}

/// The typed reading of one header line.
fn typed(f: &mut Formatter<'_>, buf: &bytes::Bytes, hdr: HeaderRef<'_>) -> fmt::Result {
    use HeaderName as H;
    let v = hdr.value;
    let n = hdr.name;
    match n {
        H::Via => show_list(f, Via::parse_list(v), via),
        H::From | H::To | H::ReplyTo | H::ReferTo | H::ReferredBy => {
            show(f, NameAddr::parse_in(buf, v, n), |f, na| name_addr(f, &na))
        }
        H::Contact => show_list(f, contact::parse_line(buf, v), contact_value),
        H::Route | H::RecordRoute | H::Path | H::ServiceRoute => {
            show_list(f, crate::header::name_addr::parse_list(buf, v, n), |f, na| {
                name_addr(f, &na)
            })
        }
        H::CallId => show(f, whole(n, v, call_id), |f, id| write!(f, "{:?}", text(id))),
        H::CSeq => show(f, CSeq::parse_in(buf, v), |f, c| {
            write!(f, "seq={} method={}", c.seq, c.method)
        }),
        H::RAck => show(f, RAck::parse_in(buf, v), |f, r| {
            write!(f, "rseq={} cseq={} method={}", r.rseq, r.cseq, r.method)
        }),
        H::MaxForwards => show(f, whole(n, v, max_forwards), |f, x| write!(f, "{x}")),
        H::Expires | H::MinExpires | H::ContentLength => {
            show(f, whole(n, v, delta_seconds), |f, x| write!(f, "{x}"))
        }
        H::RSeq => show(f, whole(n, v, response_num), |f, x| write!(f, "{x}")),
        H::ContentType => show(f, whole(n, v, media_type::scan), media),
        H::Accept => show_list(f, tokens::scan_list(n, v, true, media_type::scan), media),
        H::Supported => show_tokens(f, tokens::scan_list(n, v, true, token)),
        H::Allow => show_tokens(f, tokens::scan_list(n, v, true, token)),
        H::Require | H::ProxyRequire | H::Unsupported | H::AllowEvents | H::ContentEncoding => {
            show_tokens(f, tokens::scan_list(n, v, false, token))
        }
        H::Event => show(f, Event::parse(v), |f, e| {
            write!(f, "type={:?} id={:?}", text(e.event_type), e.id().map(text))?;
            params(f, e.params)
        }),
        H::SubscriptionState => show(f, SubscriptionState::parse(v), |f, s| {
            write!(
                f,
                "state={:?} expires={:?} retry-after={:?} reason={:?}",
                s.state,
                s.expires,
                s.retry_after,
                s.reason.map(text)
            )
        }),
        H::SessionExpires => show(f, SessionExpires::parse(v), |f, s| {
            write!(f, "delta={} refresher={:?}", s.delta, s.refresher)?;
            params(f, s.params)
        }),
        H::MinSe => show(f, MinSe::parse(v), |f, m| write!(f, "delta={}", m.delta)),
        H::Replaces => show(f, Replaces::parse(v), |f, r| {
            write!(
                f,
                "call-id={:?} to-tag={:?} from-tag={:?} early-only={}",
                text(r.call_id),
                text(r.to_tag),
                text(r.from_tag),
                r.early_only
            )
        }),
        H::Reason => show_list(f, tokens::scan_list(n, v, false, reason::reason_value), |f, r| {
            write!(
                f,
                "protocol={:?} cause={:?} text={:?}",
                text(r.protocol),
                r.cause,
                r.text()
            )
        }),
        H::Warning => show_list(
            f,
            tokens::scan_list(n, v, false, reason::warning_value),
            |f, w| write!(f, "code={} agent={:?} text={:?}", w.code, text(w.agent), w.text()),
        ),
        H::RetryAfter => show(f, RetryAfter::parse(v), |f, r| {
            write!(
                f,
                "delta={} comment={:?} duration={:?}",
                r.delta,
                r.comment.map(text),
                r.duration
            )
        }),
        H::UserAgent | H::Server => show(f, Products::parse(n, v), products),
        H::Date => show(f, Date::parse(v), |f, d| {
            write!(
                f,
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} GMT (unix {})",
                d.year,
                d.month,
                d.day,
                d.hour,
                d.minute,
                d.second,
                d.unix_time()
            )
        }),
        H::Priority => show(f, whole(n, v, token), |f, p| write!(f, "{:?}", text(p))),
        H::Subject | H::Organization => match core::str::from_utf8(v) {
            Ok(s) => write!(f, "{s:?}"),
            Err(e) => write!(f, "MALFORMED (not UTF-8 at byte {})", e.valid_up_to()),
        },
        H::WwwAuthenticate | H::ProxyAuthenticate => {
            for c in crate::header::auth::Challenge::parse_list(v) {
                match c {
                    Ok(c) => write!(
                        f,
                        "\n    - scheme={:?} realm={:?} nonce={:?} algorithm={:?} qop={:?} stale={} opaque={:?}",
                        text(c.scheme),
                        c.realm.as_deref().map(text),
                        c.nonce.as_deref().map(text),
                        text(c.algorithm.as_bytes()),
                        c.qop.map(|q| text(q.as_bytes())),
                        c.stale,
                        c.opaque.as_deref().map(text),
                    )?,
                    Err(e) => write!(f, "\n    - MALFORMED ({e})")?,
                }
            }
            Ok(())
        }
        H::Authorization | H::ProxyAuthorization => {
            for c in crate::header::auth::Credentials::parse_list(v) {
                match c {
                    Ok(c) => write!(
                        f,
                        "\n    - scheme={:?} username={:?} realm={:?} uri={:?} algorithm={:?} qop={:?} nc={:?}",
                        text(c.scheme),
                        c.username.as_deref().map(text),
                        c.realm.as_deref().map(text),
                        c.uri.as_deref().map(text),
                        text(c.algorithm.as_bytes()),
                        c.qop.map(|q| text(q.as_bytes())),
                        c.nc,
                    )?,
                    Err(e) => write!(f, "\n    - MALFORMED ({e})")?,
                }
            }
            Ok(())
        }
        H::AuthenticationInfo => show(f, crate::header::auth::AuthenticationInfo::parse(v), |f, a| {
            write!(f, "{a:?}")
        }),
        n if n.is_list() => {
            let items: alloc::vec::Vec<_> = split_list(v).map(text).collect();
            write!(f, "{items:?}")
        }
        _ => write!(f, "{:?}", text(v)),
    }
}

impl fmt::Display for Dump<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let h = self.0.headers();
        match self.0 {
            Message::Request(r) => writeln!(f, "  request: {} {} {}", r.method(), r.uri(), r.version())?,
            Message::Response(r) => writeln!(
                f,
                "  response: {} {} {:?}",
                r.version(),
                r.status(),
                text(r.reason())
            )?,
        }
        for hdr in h.iter() {
            let shown = if hdr.name == HeaderName::Other {
                text(hdr.raw_name)
            } else {
                hdr.name.as_str().into()
            };
            write!(f, "  {shown}: ")?;
            typed(f, h.buffer(), hdr)?;
            writeln!(f)?;
        }
        writeln!(f, "  body: {} bytes", self.0.body().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_message, Framing, Limits};
    use alloc::format;

    fn dump(wire: &'static [u8]) -> String {
        let msg = parse_message(
            bytes::Bytes::from_static(wire),
            Framing::Datagram,
            &Limits::default(),
        )
        .unwrap();
        format!("{}", Dump(&msg))
    }

    #[test]
    fn typed_lines() {
        let out = dump(
            b"SIP/2.0 503 Service Unavailable\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nTo: <sip:a@b>;tag=2\r\n\
              From: <sip:a@b>;tag=1\r\nCSeq: 7 OPTIONS\r\nCall-ID: c@h\r\nRetry-After: 949302838503028349304023988\r\n\
              Warning: 1812 overture \"In Progress\"\r\nDate: Thu, 21 Feb 2002 13:02:03 GMT\r\nContact: *\r\n\
              Supported:\r\nSession-Expires: 210 ; refresher = UAS\r\nMax-Forwards: 300\r\n\
              WWW-Authenticate: Digest realm=\"x\", nonce=\"y\"\r\nContent-Length: 0\r\n\r\n",
        );
        let lines: alloc::vec::Vec<&str> = out.lines().collect();
        assert_eq!(lines[5], "  CSeq: seq=7 method=OPTIONS");
        assert_eq!(lines[6], "  Call-ID: \"c@h\"");
        assert_eq!(
            lines[7],
            "  Retry-After: MALFORMED (malformed Retry-After header at byte 0 of its value)"
        );
        assert_eq!(lines[8], "  Warning: ");
        assert_eq!(
            lines[9],
            "    - MALFORMED (malformed Warning header at byte 0 of its value)"
        );
        assert_eq!(lines[10], "  Date: 2002-02-21 13:02:03 GMT (unix 1014296523)");
        assert_eq!(lines[11], "  Contact: ");
        assert_eq!(lines[12], "    - * (all bindings)");
        assert_eq!(lines[13], "  Supported: []");
        assert_eq!(
            lines[14],
            "  Session-Expires: delta=210 refresher=Some(Uas) ;refresher=Some(\"UAS\")"
        );
        assert_eq!(
            lines[15],
            "  Max-Forwards: MALFORMED (malformed Max-Forwards header at byte 0 of its value)"
        );
        assert_eq!(lines[16], "  WWW-Authenticate: ");
        assert_eq!(
            lines[17],
            "    - scheme=\"Digest\" realm=Some(\"x\") nonce=Some(\"y\") algorithm=\"MD5\" qop=None stale=false opaque=None"
        );
        assert_eq!(lines[18], "  Content-Length: 0");
        assert_eq!(lines[19], "  body: 0 bytes");
    }
}
