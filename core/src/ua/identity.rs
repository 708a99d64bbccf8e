//! Who we say we are on the wire: the Via sent-by host, the Contact URI and the instance id
//! (JsSIP's `via_host`, `contact`, `instance_id`), including the `hack_ip_in_contact` form.

use alloc::format;
use alloc::string::String;
use rand_core::Rng;

use crate::config::Config;
use crate::registration::random_token;
use crate::transport::TransportKind;
use crate::uri::Uri;

/// Our addresses, drawn once per UA from the RNG.
#[derive(Clone, Debug)]
pub struct LocalIdentity {
    /// The Via sent-by host: `<token>.invalid` (RFC 7118 §5.2), or a random `192.0.2.x` with
    /// `hack_ip_in_contact`.
    pub via_host: String,
    /// The user part of our Contact.
    pub contact_user: String,
    /// The instance UUID (RFC 5626 §4.1), without `urn:uuid:`.
    pub instance_id: String,
}

impl LocalIdentity {
    /// Draws the identity for `config` from `rng`.
    pub fn new<R: Rng + ?Sized>(config: &Config, rng: &mut R) -> Self {
        let via_host = if config.hack_ip_in_contact {
            // JsSIP: a random address in 192.0.2.1–192.0.2.254 (TEST-NET-1, RFC 5737).
            format!("192.0.2.{}", 1 + rng.next_u32() % 254)
        } else {
            format!("{}.invalid", random_token(rng, 12))
        };
        let instance_id = config.instance_id.clone().unwrap_or_else(|| uuid_v4(rng));
        LocalIdentity {
            via_host,
            contact_user: random_token(rng, 8),
            instance_id,
        }
    }

    /// Our Contact URI on `transport`: the configured `contact_uri`, else
    /// `sip:<user>@<via_host>;transport=<ws|udp|tcp|tls>` (JsSIP).
    pub fn contact_uri(&self, config: &Config, transport: TransportKind) -> Uri {
        if let Some(u) = &config.contact_uri {
            return u.clone();
        }
        let text = format!(
            "sip:{}@{};transport={}",
            self.contact_user,
            self.via_host,
            transport.uri_param()
        );
        // Both parts come from our own alphabet, so this parses; fall back to the AOR if not.
        Uri::parse_str(&text).unwrap_or_else(|_| config.uri.clone())
    }
}

/// A random (version 4) UUID, RFC 9562 §5.4.
pub fn uuid_v4<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        h.get(0..8).unwrap_or_default(),
        h.get(8..12).unwrap_or_default(),
        h.get(12..16).unwrap_or_default(),
        h.get(16..20).unwrap_or_default(),
        h.get(20..32).unwrap_or_default()
    )
}
