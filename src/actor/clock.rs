//! Time, supplied by the executor (wasm32 has no `Instant`; browsers use `performance.now()`).

use std::time::Duration;

/// A monotonic clock: time since an arbitrary fixed origin.
///
/// ```
/// use katalyst::actor::Clock;
/// struct Frozen;
/// impl Clock for Frozen {
///     fn now(&self) -> std::time::Duration { std::time::Duration::from_millis(5) }
/// }
/// assert_eq!(Frozen.now().as_millis(), 5);
/// ```
pub trait Clock: Send + Sync + 'static {
    /// Time since the clock's origin; never decreases.
    fn now(&self) -> Duration;
}

/// The native clock, from `std::time::Instant`.
///
/// ```
/// use katalyst::actor::{Clock, InstantClock};
/// let c = InstantClock::new();
/// assert!(c.now() <= c.now());
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub struct InstantClock(std::time::Instant);

#[cfg(not(target_arch = "wasm32"))]
impl InstantClock {
    /// A clock whose origin is now.
    ///
    /// ```
    /// let _c = katalyst::actor::InstantClock::new();
    /// ```
    pub fn new() -> Self {
        InstantClock(std::time::Instant::now())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Default for InstantClock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Clock for InstantClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

pub(crate) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}
