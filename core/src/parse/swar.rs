//! Eight bytes at a time ("SWAR", SIMD within a register): loading a `u64` from a slice,
//! ASCII lower-casing and byte matching on it, without `unsafe` and without intrinsics. The
//! scanners of [`lex`](super::lex) and the host and header-name lookups use these so the hot
//! loops do one step per eight bytes instead of a branch per byte.

/// `b` in every byte.
#[inline]
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

const HIGH: u64 = splat(0x80);
const LOW7: u64 = splat(0x7f);

/// The eight bytes of `i` from `at`, little-endian (byte `at` in the low bits); bytes past the
/// end read as 0, which no grammar class contains.
#[inline]
pub(crate) fn load(i: &[u8], at: usize) -> u64 {
    if let Some(w) = i.get(at..at + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
        return u64::from_le_bytes(w);
    }
    let mut b = [0u8; 8];
    for (d, s) in b.iter_mut().zip(i.get(at..).unwrap_or_default()) {
        *d = *s;
    }
    u64::from_le_bytes(b)
}

/// The first `n` bytes of `w` (all eight when `n >= 8`), the others zeroed.
#[inline]
pub(crate) fn keep(w: u64, n: usize) -> u64 {
    if n >= 8 {
        w
    } else {
        w & ((1u64 << (8 * n)) - 1)
    }
}

/// `u8::to_ascii_lowercase` on each byte.
#[inline]
pub(crate) fn lower(w: u64) -> u64 {
    // For bytes below 0x80: adding 0x80 - 'A' sets the high bit when the byte is >= 'A',
    // adding 0x7f - 'Z' sets it when the byte is > 'Z' (no carry crosses a byte).
    let x = w & LOW7;
    let ge_a = x + splat(0x80 - b'A');
    let gt_z = x + splat(0x7f - b'Z');
    let upper = ge_a & !gt_z & !w & HIGH;
    w | (upper >> 2)
}

/// 0x80 in each byte of `w` equal to `c`, 0 elsewhere (exact, no false positives).
#[inline]
pub(crate) fn eq_mask(w: u64, c: u8) -> u64 {
    let x = w ^ splat(c);
    // A byte of x is zero iff neither its low seven bits nor its high bit are set.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Index of the first byte whose mask bit (0x80) is set in `m`, or 8.
#[inline]
pub(crate) fn first(m: u64) -> usize {
    (m.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_pads_with_zero() {
        assert_eq!(load(b"abc", 0), u64::from_le_bytes(*b"abc\0\0\0\0\0"));
        assert_eq!(load(b"abcdefghij", 8), u64::from_le_bytes(*b"ij\0\0\0\0\0\0"));
        assert_eq!(load(b"abc", 9), 0);
        assert_eq!(keep(load(b"abcdefgh", 0), 3), load(b"abc", 0));
    }

    #[test]
    fn lower_and_eq_match_bytewise_on_every_byte() {
        for hi in 0..=255u8 {
            for lo in (0..=255u8).step_by(7) {
                let bytes = [lo, hi, 0x40, 0x5b, lo ^ 0x80, hi ^ 0x20, 0, 0xff];
                let w = u64::from_le_bytes(bytes);
                let expect = u64::from_le_bytes(bytes.map(|b| b.to_ascii_lowercase()));
                assert_eq!(lower(w), expect, "{bytes:?}");
                for c in [lo, hi, b'.', 0, 0xff] {
                    let m = eq_mask(w, c);
                    let want = u64::from_le_bytes(bytes.map(|b| if b == c { 0x80 } else { 0 }));
                    assert_eq!(m, want, "{bytes:?} {c}");
                }
            }
        }
        assert_eq!(first(eq_mask(load(b"ab.c", 0), b'.')), 2);
        assert_eq!(first(0), 8);
    }
}
