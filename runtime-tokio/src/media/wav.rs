//! WAV files: the audio source that plays one, and the recorder of what is received. Both are
//! 8 kHz, mono, 16-bit PCM, the linear form of G.711 audio; reading and writing is `hound`'s.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::tone::SAMPLE_RATE;
use super::MediaError;

/// The format both sides use: 8 kHz mono 16-bit integer PCM.
pub fn spec() -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

fn wav_error(path: &Path, reason: impl ToString) -> MediaError {
    MediaError::Wav {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Reads a whole WAV file, which must be 8 kHz mono 16-bit PCM.
pub fn read_samples(path: &Path) -> Result<Vec<i16>, MediaError> {
    let reader = hound::WavReader::open(path).map_err(|e| wav_error(path, e))?;
    let s = reader.spec();
    if s != spec() {
        return Err(wav_error(
            path,
            format!(
                "must be 8000 Hz mono 16-bit integer PCM, is {} Hz, {} channel(s), {}-bit {}",
                s.sample_rate,
                s.channels,
                s.bits_per_sample,
                match s.sample_format {
                    hound::SampleFormat::Int => "integer",
                    hound::SampleFormat::Float => "float",
                }
            ),
        ));
    }
    reader
        .into_samples::<i16>()
        .collect::<Result<Vec<i16>, _>>()
        .map_err(|e| wav_error(path, e))
}

/// A WAV file being played: once through, then silence.
#[derive(Clone)]
pub struct WavPlayer {
    samples: Vec<i16>,
    position: usize,
}

impl std::fmt::Debug for WavPlayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WavPlayer")
            .field("samples", &self.samples.len())
            .field("position", &self.position)
            .finish()
    }
}

impl WavPlayer {
    /// Plays these samples.
    pub fn new(samples: Vec<i16>) -> WavPlayer {
        WavPlayer { samples, position: 0 }
    }
    /// Fills `out` with the next samples; past the end, with silence.
    pub fn fill(&mut self, out: &mut [i16]) {
        let rest = self.samples.get(self.position..).unwrap_or_default();
        let n = rest.len().min(out.len());
        for (o, s) in out.iter_mut().zip(rest.iter().chain(std::iter::repeat(&0))) {
            *o = *s;
        }
        self.position += n;
    }
}

/// The recording of received audio: decoded samples appended as packets arrive.
pub struct WavRecorder {
    path: PathBuf,
    writer: Option<hound::WavWriter<BufWriter<File>>>,
    error: Option<String>,
}

impl std::fmt::Debug for WavRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WavRecorder").field("path", &self.path).finish()
    }
}

impl WavRecorder {
    /// Creates (or truncates) the file and writes its header.
    pub fn create(path: &Path) -> Result<WavRecorder, MediaError> {
        let writer = hound::WavWriter::create(path, spec()).map_err(|e| wav_error(path, e))?;
        Ok(WavRecorder {
            path: path.to_path_buf(),
            writer: Some(writer),
            error: None,
        })
    }
    /// Appends samples. A write error stops the recording; [`WavRecorder::finish`] reports it.
    pub fn write(&mut self, samples: &[i16]) {
        let Some(writer) = self.writer.as_mut() else {
            return;
        };
        for &s in samples {
            if let Err(e) = writer.write_sample(s) {
                self.error = Some(e.to_string());
                self.writer = None;
                return;
            }
        }
    }
    /// Writes the final sizes into the header and closes the file; idempotent.
    pub fn finish(&mut self) -> Result<(), MediaError> {
        if let Some(writer) = self.writer.take() {
            writer.finalize().map_err(|e| wav_error(&self.path, e))?;
        }
        match self.error.take() {
            Some(e) => Err(wav_error(&self.path, e)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_plays_back() {
        let dir = std::env::temp_dir().join(format!("sansip-wav-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rec.wav");
        let mut rec = WavRecorder::create(&path).unwrap();
        rec.write(&[1, -2, 3]);
        rec.finish().unwrap();
        rec.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        // RIFF header: 44 bytes then 3 samples of 2 bytes.
        assert_eq!(bytes.len(), 44 + 6);
        assert_eq!(bytes.get(..4).unwrap(), b"RIFF");
        assert_eq!(bytes.get(8..16).unwrap(), b"WAVEfmt ");
        // PCM, 1 channel, 8000 Hz, 16000 bytes/s, block 2, 16 bits.
        assert_eq!(
            bytes.get(20..36).unwrap(),
            [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0]
        );
        assert_eq!(bytes.get(36..44).unwrap(), [b'd', b'a', b't', b'a', 6, 0, 0, 0]);
        let samples = read_samples(&path).unwrap();
        assert_eq!(samples, [1, -2, 3]);
        let mut player = WavPlayer::new(samples);
        let mut out = [9i16; 2];
        player.fill(&mut out);
        assert_eq!(out, [1, -2]);
        player.fill(&mut out);
        assert_eq!(out, [3, 0]);
        player.fill(&mut out);
        assert_eq!(out, [0, 0]);

        let stereo = dir.join("stereo.wav");
        let mut w = hound::WavWriter::create(
            &stereo,
            hound::WavSpec {
                channels: 2,
                ..spec()
            },
        )
        .unwrap();
        w.write_sample(0i16).unwrap();
        w.write_sample(0i16).unwrap();
        w.finalize().unwrap();
        let err = read_samples(&stereo).unwrap_err().to_string();
        assert!(
            err.contains("must be 8000 Hz mono 16-bit integer PCM, is 8000 Hz, 2 channel(s)"),
            "{err}"
        );
        assert!(read_samples(&dir.join("missing.wav")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
