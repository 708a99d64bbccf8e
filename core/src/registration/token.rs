//! Random tokens drawn from the injected RNG (JsSIP `createRandomToken`): Call-IDs, tags.

use alloc::string::String;
use rand_core::Rng;

/// Random token of `len` characters from `[a-z0-9]` (JsSIP `createRandomToken`).
pub(crate) fn random_token<R: Rng + ?Sized>(rng: &mut R, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| {
            let k = (rng.next_u32() as usize) % ALPHABET.len();
            char::from(ALPHABET.get(k).copied().unwrap_or(b'x'))
        })
        .collect()
}
