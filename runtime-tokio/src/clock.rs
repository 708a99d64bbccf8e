//! The clock the core does not have: the core's [`Instant`] is milliseconds from an epoch, and
//! the epoch here is the moment the UA task started.

use std::time::Duration;

use sansip_core::time::Instant;

/// Converts between tokio's monotonic clock and the core's millisecond [`Instant`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    epoch: tokio::time::Instant,
}

impl Clock {
    /// A clock whose epoch is now.
    pub(crate) fn start() -> Clock {
        Clock {
            epoch: tokio::time::Instant::now(),
        }
    }

    /// The core's `now`: whole milliseconds since the epoch (rounded down, so a deadline the
    /// core gave is never reported as passed before it has).
    pub(crate) fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// The tokio instant of the core's `at`; `None` when it lies beyond what tokio can represent.
    pub(crate) fn deadline(&self, at: Instant) -> Option<tokio::time::Instant> {
        self.epoch.checked_add(Duration::from_millis(at.as_millis()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn converts_both_ways_in_whole_milliseconds() {
        let clock = Clock::start();
        assert_eq!(clock.now(), Instant::ZERO);
        tokio::time::advance(Duration::from_micros(1_500)).await;
        assert_eq!(clock.now(), Instant::from_millis(1));
        let wake = clock.deadline(Instant::from_millis(250));
        assert_eq!(wake, Some(clock.epoch + Duration::from_millis(250)));
        tokio::time::sleep_until(clock.deadline(Instant::from_millis(250)).unwrap_or(clock.epoch)).await;
        assert_eq!(clock.now(), Instant::from_millis(250));
    }
}
