//! A human-readable dump of a message with its headers typed: a debugging aid.

use core::fmt;

use super::{HeaderName, Message};
use crate::header::{NameAddr, Via};
use crate::message::split_list;

/// Formats a message for people: the start line, then each header with its typed reading
/// (or `MALFORMED` and the reason), then the body size. `format!("{}", Dump(&msg))`.
pub struct Dump<'a>(pub &'a Message);

fn text(b: &[u8]) -> alloc::string::String {
    alloc::string::String::from_utf8_lossy(b).into_owned()
}

fn name_addr(f: &mut fmt::Formatter<'_>, na: &NameAddr) -> fmt::Result {
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
    for (n, v) in na.params().iter() {
        write!(f, " ;{}={:?}", text(n), v.map(text))?;
    }
    Ok(())
}

impl fmt::Display for Dump<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
            let buf = h.buffer();
            match hdr.name {
                HeaderName::Via => {
                    for v in Via::parse_list(hdr.value) {
                        match v {
                            Ok(v) => write!(
                                f,
                                "[{}/{}/{} host={} port={:?} branch={:?} received={:?} rport={:?}] ",
                                text(v.protocol),
                                text(v.version),
                                text(v.transport),
                                text(v.host),
                                v.port,
                                v.branch().map(text),
                                v.received().map(text),
                                v.rport()
                            )?,
                            Err(e) => write!(f, "MALFORMED ({e}) ")?,
                        }
                    }
                }
                HeaderName::From | HeaderName::To | HeaderName::ReplyTo => {
                    match NameAddr::parse_in(buf, hdr.value, hdr.name) {
                        Ok(na) => name_addr(f, &na)?,
                        Err(e) => write!(f, "MALFORMED ({e})")?,
                    }
                }
                HeaderName::Contact | HeaderName::Route | HeaderName::RecordRoute | HeaderName::Path
                    if hdr.value != b"*" =>
                {
                    for na in crate::header::name_addr::parse_list(buf, hdr.value, hdr.name) {
                        match na {
                            Ok(na) => {
                                write!(f, "\n    - ")?;
                                name_addr(f, &na)?;
                            }
                            Err(e) => write!(f, "\n    - MALFORMED ({e})")?,
                        }
                    }
                }
                n if n.is_list() => {
                    let items: alloc::vec::Vec<_> = split_list(hdr.value).map(text).collect();
                    write!(f, "{items:?}")?;
                }
                _ => write!(f, "{:?}", text(hdr.value))?,
            }
            writeln!(f)?;
        }
        writeln!(f, "  body: {} bytes", self.0.body().len())
    }
}
