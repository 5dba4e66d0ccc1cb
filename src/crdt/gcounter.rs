//! Grow-only counter.

use super::codec::{tag, Reader, Writer};
use super::crdt_trait::Crdt;
use super::error::CrdtError;
use super::vclock::VClock;
use super::ReplicaId;

/// A grow-only counter: one monotone count per replica; the value is their sum.
///
/// ```
/// use katalyst::crdt::{Crdt, GCounter};
/// let mut a = GCounter::default();
/// let mut b = GCounter::default();
/// a.increment(1, 2);
/// b.increment(2, 3);
/// a.merge(&b);
/// assert_eq!(a.value(), 5);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GCounter {
    counts: VClock,
}

impl GCounter {
    /// Adds `n` for `replica`; returns the delta (that replica's new count alone).
    ///
    /// ```
    /// let mut c = katalyst::crdt::GCounter::default();
    /// assert_eq!(c.increment(1, 4).value(), 4);
    /// ```
    pub fn increment(&mut self, replica: ReplicaId, n: u64) -> GCounter {
        let v = self.counts.get(replica).saturating_add(n);
        self.counts.observe(replica, v);
        GCounter {
            counts: VClock::from_entries([(replica, v)]),
        }
    }
    /// The sum (saturating at 2⁶⁴ − 1).
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::GCounter::default().value(), 0);
    /// ```
    pub fn value(&self) -> u64 {
        self.counts.total()
    }
    /// The count contributed by `replica`.
    ///
    /// ```
    /// let mut c = katalyst::crdt::GCounter::default();
    /// c.increment(3, 1);
    /// assert_eq!(c.get(3), 1);
    /// ```
    pub fn get(&self, replica: ReplicaId) -> u64 {
        self.counts.get(replica)
    }
    /// Per-replica counts.
    ///
    /// ```
    /// assert!(katalyst::crdt::GCounter::default().counts().is_empty());
    /// ```
    pub fn counts(&self) -> &VClock {
        &self.counts
    }
}

impl Crdt for GCounter {
    const TAG: u8 = tag::GCOUNTER;
    const NAME: &'static str = "GCounter";
    fn merge(&mut self, other: &Self) {
        self.counts.merge_from(&other.counts);
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.counts.clone()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        GCounter {
            counts: self
                .counts
                .since(seen.first().unwrap_or(&VClock::default())),
        }
    }
    fn encode_body(&self, w: &mut Writer) {
        self.counts.write(w);
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        Ok(GCounter {
            counts: VClock::read(r)?,
        })
    }
}
