//! A random number generator the tests control: every draw is the same constant, so every
//! random choice the UA makes is predictable (a backoff fraction of exactly 0.5, the second of
//! two equal-weight servers, and so on).

use core::convert::Infallible;

use rand_core::TryRng;

/// Returns the same `u64` from every `next_u64`, its upper half from every `next_u32`, and its
/// big-endian bytes (repeated) from `fill_bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstRng(pub u64);

impl ConstRng {
    /// The generator whose fractions are all exactly one half: `1 << 63`, so the 53-bit
    /// fraction `next_u64() >> 11` is `2^52 / 2^53`.
    pub const HALF: ConstRng = ConstRng(1 << 63);
}

impl TryRng for ConstRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.0 >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.0)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let bytes = self.0.to_be_bytes();
        for (d, s) in dst.iter_mut().zip(bytes.iter().cycle()) {
            *d = *s;
        }
        Ok(())
    }
}
