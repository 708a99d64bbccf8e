//! How a UA task is set up beyond its SIP configuration: TLS trust, the random seed, the
//! connection timeout.

use std::time::Duration;

use crate::TlsOptions;

/// How long opening a connection may take by default (lookup, TCP, TLS, WebSocket handshake).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runtime options for [`Ua::start_with`](crate::Ua::start_with).
///
/// ```
/// use std::time::Duration;
/// use sansip_tokio::{TlsOptions, UaOptions};
///
/// let options = UaOptions::new()
///     .tls(TlsOptions::dangerous_accept_any_certificate())
///     .seed(7)
///     .connect_timeout(Duration::from_secs(3));
/// assert_eq!(options.seed_value(), Some(7));
/// ```
#[derive(Clone, Debug)]
pub struct UaOptions {
    tls: TlsOptions,
    seed: Option<u64>,
    connect_timeout: Duration,
}

impl Default for UaOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl UaOptions {
    /// Webpki roots, an OS-seeded random number generator, a 10 s connection timeout.
    pub fn new() -> UaOptions {
        UaOptions {
            tls: TlsOptions::new(),
            seed: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// TLS settings for `wss://` and TLS servers.
    pub fn tls(mut self, tls: TlsOptions) -> UaOptions {
        self.tls = tls;
        self
    }

    /// Seeds the random number generator (branches, tags, Call-IDs, cnonces, backoff jitter)
    /// with `seed` instead of the OS, so a run can be replayed.
    pub fn seed(mut self, seed: u64) -> UaOptions {
        self.seed = Some(seed);
        self
    }

    /// How long opening one connection may take before it counts as failed.
    pub fn connect_timeout(mut self, timeout: Duration) -> UaOptions {
        self.connect_timeout = timeout;
        self
    }

    /// The TLS settings.
    pub fn tls_options(&self) -> &TlsOptions {
        &self.tls
    }

    /// The seed, when one was given.
    pub fn seed_value(&self) -> Option<u64> {
        self.seed
    }

    /// The connection timeout.
    pub fn connect_timeout_value(&self) -> Duration {
        self.connect_timeout
    }
}
