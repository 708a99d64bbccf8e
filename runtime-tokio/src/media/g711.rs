//! G.711 (ITU-T Recommendation G.711): μ-law (PCMU, RTP payload type 0) and A-law (PCMA,
//! payload type 8) companding between 16-bit linear samples and 8-bit codes, written after the
//! segment algorithm of the recommendation (the classic Sun reference implementation).

/// μ-law bias added before the segment search (G.711 §3: 33 in 14-bit units, 0x84 in 16-bit).
const ULAW_BIAS: i32 = 0x84;
/// The largest magnitude μ-law can represent before the bias is added.
const ULAW_CLIP: i32 = 32635;

/// Encodes one 16-bit linear sample as a μ-law code.
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let mut pcm = i32::from(sample);
    let sign: u8 = if pcm < 0 {
        pcm = -pcm;
        0x80
    } else {
        0
    };
    pcm = pcm.min(ULAW_CLIP) + ULAW_BIAS;
    // The segment (exponent) is the position of the highest set bit above bit 7.
    let mut exponent: u8 = 7;
    let mut mask = 0x4000;
    while pcm & mask == 0 && exponent > 0 {
        exponent -= 1;
        mask >>= 1;
    }
    let mantissa = ((pcm >> (exponent + 3)) & 0x0F) as u8;
    // G.711 transmits the code with all bits inverted.
    !(sign | (exponent << 4) | mantissa)
}

/// Decodes a μ-law code to a 16-bit linear sample.
pub fn ulaw_to_linear(code: u8) -> i16 {
    let code = !code;
    let exponent = (code >> 4) & 0x07;
    let mantissa = i32::from(code & 0x0F);
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    let value = if code & 0x80 != 0 { -magnitude } else { magnitude };
    // |value| ≤ 32124: always fits.
    i16::try_from(value).unwrap_or(0)
}

/// The upper bound of each A-law segment, in 13-bit magnitude units.
const ALAW_SEGMENT_END: [i32; 8] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];

/// Encodes one 16-bit linear sample as an A-law code.
pub fn linear_to_alaw(sample: i16) -> u8 {
    // A-law works on 13-bit samples.
    let mut pcm = i32::from(sample) >> 3;
    // G.711 inverts the even bits (XOR 0x55); the sign bit is set for positive values.
    let mask: u8 = if pcm >= 0 {
        0xD5
    } else {
        pcm = -pcm - 1;
        0x55
    };
    let Some(segment) = ALAW_SEGMENT_END.iter().position(|&end| pcm <= end) else {
        return 0x7F ^ mask;
    };
    let shift = if segment < 2 { 1 } else { segment };
    let code = ((segment as u8) << 4) | ((pcm >> shift) & 0x0F) as u8;
    code ^ mask
}

/// Decodes an A-law code to a 16-bit linear sample.
pub fn alaw_to_linear(code: u8) -> i16 {
    let code = code ^ 0x55;
    let mut value = i32::from(code & 0x0F) << 4;
    let segment = (code & 0x70) >> 4;
    match segment {
        0 => value += 8,
        1 => value += 0x108,
        _ => {
            value += 0x108;
            value <<= segment - 1;
        }
    }
    let value = if code & 0x80 != 0 { value } else { -value };
    // |value| ≤ 32256: always fits.
    i16::try_from(value).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Silence: μ-law 0 → 0xFF, A-law 0 → 0xD5 (G.711 idle codes).
        assert_eq!(linear_to_ulaw(0), 0xFF);
        assert_eq!(linear_to_alaw(0), 0xD5);
        assert_eq!(ulaw_to_linear(0xFF), 0);
        assert_eq!(alaw_to_linear(0xD5), 8);
        assert_eq!(alaw_to_linear(0x55), -8);
        // Full scale: μ-law ±32124, A-law ±32256.
        assert_eq!(ulaw_to_linear(0x80), 32124);
        assert_eq!(ulaw_to_linear(0x00), -32124);
        assert_eq!(alaw_to_linear(0xAA), 32256);
        assert_eq!(alaw_to_linear(0x2A), -32256);
        assert_eq!(linear_to_ulaw(i16::MAX), 0x80);
        assert_eq!(linear_to_ulaw(i16::MIN), 0x00);
        assert_eq!(linear_to_alaw(i16::MAX), 0xAA);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2A);
        // Small values land in the first segment.
        assert_eq!(linear_to_ulaw(-1), 0x7F);
        assert_eq!(linear_to_ulaw(1000), 0xCE);
        assert_eq!(ulaw_to_linear(0xCE), 988);
    }

    #[test]
    fn every_code_decodes_and_encodes_back() {
        for code in 0..=255u8 {
            let u = ulaw_to_linear(code);
            // 0x7F is μ-law's negative zero: it decodes to 0, which encodes as 0xFF.
            let expected = if code == 0x7F { 0xFF } else { code };
            assert_eq!(linear_to_ulaw(u), expected, "μ-law code {code:#04x} → {u}");
            let a = alaw_to_linear(code);
            assert_eq!(linear_to_alaw(a), code, "A-law code {code:#04x} → {a}");
        }
    }

    #[test]
    fn round_trip_within_quantisation() {
        for sample in (i16::MIN..=i16::MAX).step_by(7) {
            let s = i32::from(sample);
            // The step in the top segment is 1024 (μ-law) and 1024 (A-law); the error is at
            // most half a step plus the clipping at the ends of the range.
            let tolerance = (s.abs() / 16).max(16) + 700 * i32::from(s.abs() > 32000);
            let u = i32::from(ulaw_to_linear(linear_to_ulaw(sample)));
            assert!((u - s).abs() <= tolerance, "μ-law {sample} → {u}");
            let a = i32::from(alaw_to_linear(linear_to_alaw(sample)));
            assert!((a - s).abs() <= tolerance, "A-law {sample} → {a}");
        }
    }

    #[test]
    fn decoding_is_monotonic() {
        let mut ulaw: Vec<i16> = (0..=255u8).map(ulaw_to_linear).collect();
        let mut alaw: Vec<i16> = (0..=255u8).map(alaw_to_linear).collect();
        ulaw.sort_unstable();
        ulaw.dedup();
        alaw.sort_unstable();
        alaw.dedup();
        // 255 distinct μ-law levels (±0 coincide), 256 distinct A-law levels.
        assert_eq!(ulaw.len(), 255);
        assert_eq!(alaw.len(), 256);
    }
}
