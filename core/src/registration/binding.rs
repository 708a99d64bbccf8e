//! Our Contact binding: the URI the registrar routes to us by, with the Outbound and GRUU
//! parameters JsSIP sends (RFC 5626 §4.2, RFC 5627 §4.1).

use alloc::format;
use alloc::string::String;

use crate::message::Headers;
use crate::uri::Uri;

/// The binding a REGISTER adds.
#[derive(Clone, Debug)]
pub struct ContactBinding {
    /// The contact URI (JsSIP: `sip:<token>@<token>.invalid;transport=ws`).
    pub uri: Uri,
    /// The instance UUID without the `urn:uuid:` prefix (JsSIP `instance_id`).
    pub instance_id: String,
    /// The flow's `reg-id` (RFC 5626 §4.2); JsSIP always uses 1.
    pub reg_id: u32,
    /// Add `+sip.ice` (RFC 5768 §4.2), as JsSIP does: the UA can do ICE.
    pub ice: bool,
}

impl ContactBinding {
    /// The Contact header value:
    /// `<sip:...;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:...>";expires=N`.
    pub fn header_value(&self, expires: u32) -> String {
        let ice = if self.ice { ";+sip.ice" } else { "" };
        format!(
            "<{}>{ice};reg-id={};+sip.instance=\"<urn:uuid:{}>\";expires={expires}",
            self.uri, self.reg_id, self.instance_id
        )
    }

    /// The expiry the registrar granted our binding: the `expires` parameter of the Contact
    /// in the 2xx whose URI is ours (RFC 3261 §10.2.4; URI equality per §19.1.4), or failing
    /// that the one carrying our `+sip.instance` (the registrar may rewrite the URI, RFC 5626).
    pub fn granted_expires(&self, headers: &Headers) -> Option<u32> {
        let instance = format!("<urn:uuid:{}>", self.instance_id);
        let mut by_instance = None;
        for c in headers.contact().filter_map(Result::ok) {
            let Some(c) = c.address() else { continue };
            let expires = c.expires().and_then(Result::ok);
            if c.uri() == &self.uri {
                return expires;
            }
            if by_instance.is_none()
                && c.sip_instance()
                    .is_some_and(|i| i.eq_ignore_ascii_case(instance.as_bytes()))
            {
                by_instance = expires;
            }
        }
        by_instance
    }
}
