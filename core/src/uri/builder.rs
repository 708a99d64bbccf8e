//! Building a SIP URI from parts ([`UriBuilder`]), and the decimal formatting it shares with
//! the message encoder.

use alloc::vec::Vec;
use bytes::Bytes;

use super::{escape, Uri, UriError};
use crate::parse::lex::{is_param_char, is_user_char};

/// Builds a SIP URI from parts, escaping the user as RFC 3261 §19.1.2 requires.
#[derive(Clone, Debug)]
pub struct UriBuilder {
    text: Vec<u8>,
}

impl UriBuilder {
    /// Starts `sip:` (or `sips:` when `secure`) with an optional user (empty = none) and a host.
    pub fn sip(user: Option<&str>, host: &str, secure: bool) -> Self {
        let mut text = Vec::with_capacity(32 + host.len());
        text.extend_from_slice(if secure { b"sips:" } else { b"sip:" });
        if let Some(u) = user.filter(|u| !u.is_empty()) {
            escape(u.as_bytes(), is_user_char, &mut text);
            text.push(b'@');
        }
        text.extend_from_slice(host.to_ascii_lowercase().as_bytes());
        UriBuilder { text }
    }
    /// Sets the port.
    pub fn port(mut self, port: u16) -> Self {
        self.text.push(b':');
        let mut buf = itoa_u64(u64::from(port));
        self.text.append(&mut buf);
        self
    }
    /// Appends `;name` or `;name=value` (both escaped as needed; an empty value gives `;name`).
    pub fn param(mut self, name: &str, value: Option<&str>) -> Self {
        self.text.push(b';');
        escape(name.as_bytes(), is_param_char, &mut self.text);
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.text.push(b'=');
            escape(v.as_bytes(), is_param_char, &mut self.text);
        }
        self
    }
    /// Parses the result; fails when the host is not a valid host.
    pub fn build(self) -> Result<Uri, UriError> {
        Uri::parse(Bytes::from(self.text))
    }
}

pub(crate) fn itoa_u64(mut v: u64) -> Vec<u8> {
    let mut buf = [0u8; 20];
    let mut k = buf.len();
    loop {
        k -= 1;
        if let Some(slot) = buf.get_mut(k) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || k == 0 {
            break;
        }
    }
    buf.get(k..).unwrap_or_default().to_vec()
}
