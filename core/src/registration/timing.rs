//! When to act on a binding: the refresh point JsSIP picks, and a response's Retry-After.

use rand_core::Rng;

use crate::message::Response;
use crate::time::Duration;

/// When to refresh a binding of `expires` seconds, as JsSIP: above 64 s at a random point
/// between half the expiry and 32 s before it ends, else 5 s before it ends.
pub fn refresh_delay<R: Rng + ?Sized>(expires: u32, rng: &mut R) -> Duration {
    let expires_ms = u64::from(expires) * 1000;
    if expires > 64 {
        let lo = expires_ms / 2;
        let hi = expires_ms - 32_000;
        Duration::from_millis(lo + rng.next_u64() % (hi - lo + 1))
    } else {
        Duration::from_millis(expires_ms.saturating_sub(5_000).max(1_000))
    }
}

/// Retry-After in seconds (RFC 3261 §20.33), for 5xx/6xx/404/413/480/486.
pub(super) fn retry_after(resp: &Response) -> Option<Duration> {
    let ra = resp.headers().retry_after()?.ok()?;
    Some(Duration::from_secs(u64::from(ra.delta)))
}
