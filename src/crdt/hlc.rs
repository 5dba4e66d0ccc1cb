//! Hybrid logical clocks (Kulkarni et al. 2014): physical milliseconds plus a logical counter.
//! The physical time is passed in by the caller, so the core is deterministic under test.

use super::codec::{Reader, Writer};
use super::error::CrdtError;

/// An HLC timestamp; ordered by physical time, then logical counter.
///
/// ```
/// use katalyst::crdt::Timestamp;
/// assert!(Timestamp::new(5, 0) < Timestamp::new(5, 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Milliseconds since the Unix epoch (as given by the caller).
    pub physical: u64,
    /// Events within the same millisecond.
    pub logical: u64,
}

impl Timestamp {
    /// A timestamp.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Timestamp::new(1, 2).logical, 2);
    /// ```
    pub fn new(physical: u64, logical: u64) -> Timestamp {
        Timestamp { physical, logical }
    }
    /// The next timestamp for a local event at wall time `now_ms`, after `last` (the largest
    /// timestamp this replica has sent or received): strictly greater than `last`.
    ///
    /// ```
    /// use katalyst::crdt::Timestamp;
    /// let last = Timestamp::new(100, 3);
    /// assert_eq!(Timestamp::tick(last, 50), Timestamp::new(100, 4));
    /// assert_eq!(Timestamp::tick(last, 200), Timestamp::new(200, 0));
    /// ```
    pub fn tick(last: Timestamp, now_ms: u64) -> Timestamp {
        if now_ms > last.physical {
            Timestamp::new(now_ms, 0)
        } else {
            Timestamp::new(last.physical, last.logical.saturating_add(1))
        }
    }
    pub(crate) fn write(&self, w: &mut Writer) {
        w.varint(self.physical);
        w.varint(self.logical);
    }
    pub(crate) fn read(r: &mut Reader) -> Result<Timestamp, CrdtError> {
        Ok(Timestamp::new(
            r.varint("physical time")?,
            r.varint("logical time")?,
        ))
    }
}
