//! RFC 3261 §10.3 steps 6–8: adding, refreshing and removing bindings, and the 200 listing
//! them.

use bytes::Bytes;
use sansip_core::header::ContactValue;
use sansip_core::message::Request;
use sansip_core::time::{Duration, Instant};

use super::{response, Binding, PeerConn, Registrar};

impl Registrar {
    /// RFC 3261 §10.3 steps 6–8.
    pub(super) fn update_bindings(&mut self, now: Instant, conn: PeerConn, req: &Request) -> Bytes {
        let Some(Ok(to)) = req.headers().to() else {
            return response(req, 400, &[]);
        };
        let aor = to.uri().as_str().to_owned();
        let header_expires = match req.headers().expires() {
            None => None,
            Some(Ok(e)) => Some(e),
            Some(Err(_)) => return response(req, 400, &[]),
        };
        let mut contacts = Vec::new();
        let mut wildcard = false;
        for c in req.headers().contact() {
            match c {
                Ok(ContactValue::Wildcard) => wildcard = true,
                Ok(ContactValue::Address(c)) => {
                    let expires = match c.expires() {
                        Some(Ok(e)) => e,
                        Some(Err(_)) => return response(req, 400, &[]),
                        None => header_expires.unwrap_or(3600),
                    };
                    let instance = c.sip_instance().map(|i| String::from_utf8_lossy(i).into_owned());
                    contacts.push((c.uri().as_str().to_owned(), instance, expires));
                }
                Err(_) => return response(req, 400, &[]),
            }
        }
        let call_id = req.call_id().unwrap_or_default().to_owned();
        let cseq = req.cseq().map(|c| c.seq).unwrap_or(0);
        if wildcard {
            // RFC 3261 §10.3 step 6: `*` only alone and with Expires: 0.
            if !contacts.is_empty() || header_expires != Some(0) {
                return response(req, 400, &[]);
            }
            self.bindings.remove(&aor);
            return response(req, 200, &[]);
        }
        if let Some(min) = self.min_expires {
            if contacts.iter().any(|(_, _, e)| *e != 0 && *e < min) {
                return response(req, 423, &[("Min-Expires", min.to_string())]);
            }
        }
        let list = self.bindings.entry(aor.clone()).or_default();
        list.retain(|b| b.expires_at > now);
        let mut granted = None;
        for (contact, instance, expires) in contacts {
            list.retain(|b| b.contact != contact);
            let expires = self.max_expires.map_or(expires, |m| expires.min(m));
            if granted.is_none() {
                granted = Some(expires);
            }
            if expires > 0 {
                let expires_at = now + Duration::from_secs(u64::from(expires));
                list.push(Binding {
                    contact,
                    instance,
                    expires,
                    expires_at,
                    call_id: call_id.clone(),
                    cseq,
                    conn,
                });
            }
        }
        let mut extra: Vec<(&str, String)> = list
            .iter()
            .map(|b| {
                let left = (b.expires_at - now).as_millis().div_ceil(1000);
                ("Contact", format!("<{}>;expires={left}", b.contact))
            })
            .collect();
        if let Some(e) = granted.filter(|e| *e > 0) {
            extra.push(("Expires", e.to_string()));
        }
        response(req, 200, &extra)
    }
}
