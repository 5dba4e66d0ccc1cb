//! Counter with increments and decrements.

use super::codec::{tag, Reader, Writer};
use super::crdt_trait::Crdt;
use super::error::CrdtError;
use super::gcounter::GCounter;
use super::vclock::VClock;
use super::ReplicaId;

/// A positive-negative counter: two grow-only counters; value = increments − decrements.
///
/// ```
/// use katalyst::crdt::{Crdt, PNCounter};
/// let mut c = PNCounter::default();
/// c.increment(1, 5);
/// c.decrement(1, 7);
/// assert_eq!(c.value(), -2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PNCounter {
    inc: GCounter,
    dec: GCounter,
}

impl PNCounter {
    /// Adds `n`; returns the delta.
    ///
    /// ```
    /// let mut c = katalyst::crdt::PNCounter::default();
    /// assert_eq!(c.increment(1, 3).value(), 3);
    /// ```
    pub fn increment(&mut self, replica: ReplicaId, n: u64) -> PNCounter {
        PNCounter {
            inc: self.inc.increment(replica, n),
            dec: GCounter::default(),
        }
    }
    /// Subtracts `n`; returns the delta.
    ///
    /// ```
    /// let mut c = katalyst::crdt::PNCounter::default();
    /// assert_eq!(c.decrement(1, 3).value(), -3);
    /// ```
    pub fn decrement(&mut self, replica: ReplicaId, n: u64) -> PNCounter {
        PNCounter {
            inc: GCounter::default(),
            dec: self.dec.increment(replica, n),
        }
    }
    /// Increments minus decrements.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::PNCounter::default().value(), 0);
    /// ```
    pub fn value(&self) -> i128 {
        i128::from(self.inc.value()) - i128::from(self.dec.value())
    }
}

impl Crdt for PNCounter {
    const TAG: u8 = tag::PNCOUNTER;
    const NAME: &'static str = "PNCounter";
    fn merge(&mut self, other: &Self) {
        self.inc.merge(&other.inc);
        self.dec.merge(&other.dec);
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.inc.counts().clone(), self.dec.counts().clone()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        PNCounter {
            inc: self.inc.delta_since(seen.get(..1).unwrap_or(&[])),
            dec: self.dec.delta_since(seen.get(1..2).unwrap_or(&[])),
        }
    }
    fn encode_body(&self, w: &mut Writer) {
        self.inc.encode_body(w);
        self.dec.encode_body(w);
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        Ok(PNCounter {
            inc: GCounter::decode_body(r)?,
            dec: GCounter::decode_body(r)?,
        })
    }
}
