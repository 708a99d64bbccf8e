//! Build-time proof that `sansip-core` works without `std`.
//!
//! Built with `--features check`, this crate is `#![no_std]`, depends on `sansip-core` with
//! default features off, and defines its own `#[panic_handler]`. If `std` reaches the crate graph
//! through the core or any of its dependencies, std's panic handler collides with this one and
//! the build fails (E0152, duplicate lang item `panic_impl`). See `Cargo.toml` for why the check
//! sits behind a feature.
//!
//! Nothing here is meant to be called.

#![cfg_attr(feature = "check", no_std)]
#![forbid(unsafe_code)]

/// Default parse limits, built through the core so the check touches real `sansip-core` items
/// (not just the crate name) from a `no_std` crate.
pub fn default_limits() -> sansip_core::parse::Limits {
    sansip_core::parse::Limits::default()
}

/// The `no_std` panic handler. It collides with std's when std is linked: that is the check.
#[cfg(feature = "check")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
