//! The reconnection delay, as JsSIP 3.x computes it (`Transport._reconnect`): after `n`
//! consecutive failed attempts, wait `k = floor(random · 2^n + 1)` seconds, clamped to
//! `[connection_recovery_min_interval, connection_recovery_max_interval]`.

use core::time::Duration;

use rand_core::Rng;

/// JsSIP's default `connection_recovery_min_interval`: 2 s.
pub const DEFAULT_RECOVERY_MIN: Duration = Duration::from_secs(2);
/// JsSIP's default `connection_recovery_max_interval`: 30 s.
pub const DEFAULT_RECOVERY_MAX: Duration = Duration::from_secs(30);

/// Bits in a random fraction: the 53 bits of a double's mantissa, as `Math.random()` gives.
const FRACTION_BITS: u32 = 53;

/// A random fraction in `[0, 1)` as the numerator over `2^53` (JavaScript's `Math.random()`).
pub(super) fn random_fraction<R: Rng + ?Sized>(rng: &mut R) -> u64 {
    rng.next_u64() >> (64 - FRACTION_BITS)
}

/// `floor(fraction · n)` for a fraction from [`random_fraction`]: a uniform pick in `0..n`.
pub(super) fn scale_fraction(fraction: u64, n: usize) -> usize {
    let n = u128::try_from(n).unwrap_or(u128::MAX);
    // fraction < 2^53 and n < 2^64: the product fits in 117 bits.
    let scaled = (u128::from(fraction) * n) >> FRACTION_BITS;
    usize::try_from(scaled).unwrap_or(usize::MAX)
}

/// Reconnection backoff: counts consecutive failed attempts and draws the next delay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    /// A backoff clamped to `[min, max]` with no failures yet.
    pub fn new(min: Duration, max: Duration) -> Backoff {
        Backoff {
            min,
            max,
            failures: 0,
        }
    }

    /// Consecutive failed attempts since the last success (JsSIP's `_recover_attempts`).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A connection succeeded: the next failure starts over at `n = 1` (JsSIP `_onConnect`).
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Counts one more failure and draws the delay before the next attempt.
    pub fn next_delay<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Duration {
        self.failures = self.failures.saturating_add(1);
        Self::delay(self.failures, random_fraction(rng), self.min, self.max)
    }

    /// The delay after `n` failures for a random fraction `fraction / 2^53`: JsSIP's
    /// `Math.floor(Math.random() * Math.pow(2, n) + 1)` seconds, then `min` if below `min`,
    /// else `max` if above `max` (no panic should `min > max`, unlike `Ord::clamp`). Exact in
    /// integers for any `n` (saturating where `2^n` overflows).
    pub fn delay(n: u32, fraction: u64, min: Duration, max: Duration) -> Duration {
        let fraction = fraction & ((1 << FRACTION_BITS) - 1);
        // floor(fraction · 2^n / 2^53), saturating where 2^n would overflow.
        let whole = if n <= FRACTION_BITS {
            fraction >> (FRACTION_BITS - n)
        } else if fraction == 0 {
            0
        } else {
            let shift = n - FRACTION_BITS;
            if shift >= 64 {
                u64::MAX
            } else {
                let wide = u128::from(fraction) << shift;
                u64::try_from(wide).unwrap_or(u64::MAX)
            }
        };
        let k = Duration::from_secs(whole.saturating_add(1));
        if k < min {
            min
        } else if k > max {
            max
        } else {
            k
        }
    }
}

impl Default for Backoff {
    /// JsSIP's defaults: 2 s to 30 s.
    fn default() -> Backoff {
        Backoff::new(DEFAULT_RECOVERY_MIN, DEFAULT_RECOVERY_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;
    const WIDE: (Duration, Duration) = (Duration::ZERO, Duration::MAX);

    /// JsSIP's formula in floating point, as JavaScript evaluates it.
    fn js_k(n: u32, fraction: u64) -> u64 {
        let random = fraction as f64 / (1u64 << 53) as f64;
        (random * 2f64.powi(n as i32) + 1.0).floor() as u64
    }

    #[test]
    fn formula_matches_javascript_arithmetic() {
        let top = (1u64 << 53) - 1;
        // (At `top` itself JavaScript's `+ 1` rounds up to the next integer; we stay exact.)
        for fraction in [0, 1, 1 << 52, (1 << 52) + 12345, 0x1234_5678_9abc, top - 1] {
            for n in 1..=40 {
                assert_eq!(
                    Backoff::delay(n, fraction, WIDE.0, WIDE.1),
                    S(js_k(n, fraction)),
                    "n={n} fraction={fraction}"
                );
            }
        }
        // n = 1: k is 1 for random < 0.5, 2 from 0.5 on.
        assert_eq!(Backoff::delay(1, (1 << 52) - 1, WIDE.0, WIDE.1), S(1));
        assert_eq!(Backoff::delay(1, 1 << 52, WIDE.0, WIDE.1), S(2));
        // n = 3, random just under 1: floor(7.99.. + 1) = 8.
        assert_eq!(Backoff::delay(3, top, WIDE.0, WIDE.1), S(8));
    }

    #[test]
    fn huge_attempt_counts_saturate_instead_of_overflowing() {
        let half = 1u64 << 52;
        assert_eq!(Backoff::delay(64, half, WIDE.0, WIDE.1), S((1 << 63) + 1));
        assert_eq!(Backoff::delay(65, half, WIDE.0, WIDE.1), S(u64::MAX));
        assert_eq!(Backoff::delay(u32::MAX, 1, WIDE.0, WIDE.1), S(u64::MAX));
        // random = 0 gives k = 1 whatever n is.
        assert_eq!(Backoff::delay(u32::MAX, 0, WIDE.0, WIDE.1), S(1));
        assert_eq!(Backoff::delay(u32::MAX, half, S(2), S(30)), S(30));
        let mut b = Backoff {
            failures: u32::MAX,
            ..Backoff::default()
        };
        let mut rng = rand_pcg::Pcg64::new(1, 1);
        assert!(b.next_delay(&mut rng) <= S(30));
        assert_eq!(b.failures(), u32::MAX);
    }

    #[test]
    fn clamps_to_min_then_max() {
        let top = (1u64 << 53) - 1;
        // k = 1 < min 2 -> 2; k = 2^10 > max 30 -> 30.
        assert_eq!(Backoff::delay(1, 0, S(2), S(30)), S(2));
        assert_eq!(Backoff::delay(10, top, S(2), S(30)), S(30));
        assert_eq!(Backoff::delay(4, top, S(2), S(30)), S(16));
        // min > max never panics: JsSIP's if / else-if order decides.
        assert_eq!(Backoff::delay(10, top, S(9), S(5)), S(5));
        assert_eq!(Backoff::delay(1, 0, S(9), S(5)), S(9));
    }

    #[test]
    fn uniform_pick_covers_the_range() {
        let top = (1u64 << 53) - 1;
        assert_eq!(scale_fraction(0, 3), 0);
        assert_eq!(scale_fraction(top, 3), 2);
        assert_eq!(scale_fraction(1 << 52, 2), 1);
        assert_eq!(scale_fraction((1 << 52) - 1, 2), 0);
        assert_eq!(scale_fraction(top, 1), 0);
    }
}
