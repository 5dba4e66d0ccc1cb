//! Restart intensity: at most `intensity` restarts within any `period`.

use std::collections::VecDeque;

/// Restart times inside the sliding window.
///
/// ```
/// use katalyst::actor::supervisor::Intensity;
/// let mut i = Intensity::new(2, 1_000);
/// assert!(i.add(0));
/// assert!(i.add(10));
/// assert!(!i.add(20));        // a third restart within 1 000 ns: too many
/// let mut j = Intensity::new(1, 1_000);
/// assert!(j.add(0));
/// assert!(j.add(2_000));      // the first fell out of the window
/// ```
#[derive(Clone, Debug)]
pub struct Intensity {
    max: u32,
    period_ns: u64,
    times: VecDeque<u64>,
}

impl Intensity {
    /// At most `max` restarts within `period_ns`.
    ///
    /// See [`Intensity`] for an example.
    pub fn new(max: u32, period_ns: u64) -> Self {
        Intensity {
            max,
            period_ns,
            times: VecDeque::new(),
        }
    }

    /// Records a restart at `now_ns`; false if that makes more than `max` within the period
    /// (OTP: the supervisor then terminates its children and itself).
    ///
    /// See [`Intensity`] for an example.
    pub fn add(&mut self, now_ns: u64) -> bool {
        while let Some(&t) = self.times.front() {
            if now_ns.saturating_sub(t) >= self.period_ns {
                self.times.pop_front();
            } else {
                break;
            }
        }
        self.times.push_back(now_ns);
        self.times.len() <= self.max as usize
    }

    /// Restarts inside the window ending at the last one recorded.
    ///
    /// ```
    /// let mut i = katalyst::actor::supervisor::Intensity::new(5, 100);
    /// i.add(1);
    /// assert_eq!(i.recent(), 1);
    /// ```
    pub fn recent(&self) -> u32 {
        self.times.len() as u32
    }
}
