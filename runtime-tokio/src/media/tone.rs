//! A generated sine tone, the default audio source.

/// Samples per second of narrowband telephony (G.711).
pub const SAMPLE_RATE: u32 = 8000;

/// A continuous sine wave at 8 kHz; the phase carries over from one frame to the next.
#[derive(Clone, Debug)]
pub struct ToneGenerator {
    hz: f64,
    amplitude: f64,
    phase: f64,
}

impl ToneGenerator {
    /// A tone of `hz` at about −6 dBFS (half of full scale).
    pub fn new(hz: u32) -> ToneGenerator {
        ToneGenerator {
            hz: f64::from(hz),
            amplitude: 16384.0,
            phase: 0.0,
        }
    }
    /// Fills `out` with the next samples.
    pub fn fill(&mut self, out: &mut [i16]) {
        let step = std::f64::consts::TAU * self.hz / f64::from(SAMPLE_RATE);
        for sample in out {
            *sample = (self.amplitude * self.phase.sin()) as i16;
            self.phase = (self.phase + step) % std::f64::consts::TAU;
        }
    }
}

/// Counts sign changes between consecutive samples: a tone of f Hz makes about 2·f per second.
pub fn zero_crossings(samples: &[i16]) -> usize {
    samples
        .windows(2)
        .filter(|w| matches!(w, [a, b] if (*a < 0) != (*b < 0)))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_has_its_frequency_and_level() {
        let mut tone = ToneGenerator::new(440);
        let mut second = vec![0i16; SAMPLE_RATE as usize];
        for frame in second.chunks_mut(160) {
            tone.fill(frame);
        }
        let crossings = zero_crossings(&second);
        assert!((875..=885).contains(&crossings), "{crossings}");
        let peak = second.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!((16300..=16384).contains(&peak), "{peak}");
        assert_eq!(second.first(), Some(&0));
    }
}
