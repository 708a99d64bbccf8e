//! Shared helpers for sansip's corpus, simulation and interop tests.
#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The `../shared` directory next to the repository, where the third-party corpora and the
/// benchmark messages live (read in place, never copied).
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("..").join("shared")
}
