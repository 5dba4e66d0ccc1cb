//! Version vectors.

use super::codec::{read_ascending, tag, write_ascending, Reader, Writer};
use super::crdt_trait::Crdt;
use super::error::CrdtError;
use super::ReplicaId;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// How two version vectors relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Causality {
    /// Every entry ≤ the other's, at least one <.
    Before,
    /// Every entry ≥ the other's, at least one >.
    After,
    /// Identical.
    Equal,
    /// Each has an entry greater than the other's.
    Concurrent,
}

/// A version vector: replica → number of events seen from it (absent = 0).
///
/// ```
/// use katalyst::crdt::{Causality, VClock};
/// let mut a = VClock::default();
/// let mut b = VClock::default();
/// a.increment(1);
/// b.increment(2);
/// assert_eq!(a.compare(&b), Causality::Concurrent);
/// b.merge_from(&a);
/// assert_eq!(a.compare(&b), Causality::Before);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct VClock {
    entries: BTreeMap<ReplicaId, u64>,
}

impl VClock {
    /// The entry for `replica` (0 when absent).
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::VClock::default().get(7), 0);
    /// ```
    pub fn get(&self, replica: ReplicaId) -> u64 {
        self.entries.get(&replica).copied().unwrap_or(0)
    }
    /// Raises the entry for `replica` to at least `n`.
    ///
    /// ```
    /// let mut v = katalyst::crdt::VClock::default();
    /// v.observe(3, 5);
    /// v.observe(3, 2);
    /// assert_eq!(v.get(3), 5);
    /// ```
    pub fn observe(&mut self, replica: ReplicaId, n: u64) {
        if n == 0 {
            return;
        }
        let e = self.entries.entry(replica).or_insert(0);
        *e = (*e).max(n);
    }
    /// Counts one more event of `replica` and returns the delta (the new entry alone).
    ///
    /// ```
    /// let mut v = katalyst::crdt::VClock::default();
    /// let d = v.increment(1);
    /// assert_eq!(d.get(1), 1);
    /// ```
    pub fn increment(&mut self, replica: ReplicaId) -> VClock {
        let e = self.entries.entry(replica).or_insert(0);
        *e = e.saturating_add(1);
        let mut d = VClock::default();
        d.entries.insert(replica, *e);
        d
    }
    /// Pointwise maximum.
    ///
    /// ```
    /// let mut a = katalyst::crdt::VClock::from_entries([(1, 2)]);
    /// a.merge_from(&katalyst::crdt::VClock::from_entries([(1, 1), (2, 4)]));
    /// assert_eq!(a.get(1), 2);
    /// assert_eq!(a.get(2), 4);
    /// ```
    pub fn merge_from(&mut self, other: &VClock) {
        for (&r, &n) in &other.entries {
            self.observe(r, n);
        }
    }
    /// Builds a vector from `(replica, count)` pairs (zero counts are dropped).
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::VClock::from_entries([(1, 0)]).len(), 0);
    /// ```
    pub fn from_entries(pairs: impl IntoIterator<Item = (ReplicaId, u64)>) -> VClock {
        let mut v = VClock::default();
        for (r, n) in pairs {
            v.observe(r, n);
        }
        v
    }
    /// The non-zero entries in replica order.
    ///
    /// ```
    /// let v = katalyst::crdt::VClock::from_entries([(2, 1), (1, 3)]);
    /// assert_eq!(v.iter().collect::<Vec<_>>(), vec![(1, 3), (2, 1)]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (ReplicaId, u64)> + '_ {
        self.entries.iter().map(|(&r, &n)| (r, n))
    }
    /// Number of non-zero entries.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::VClock::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// True when every entry is zero.
    ///
    /// ```
    /// assert!(katalyst::crdt::VClock::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Sum of all entries (saturating).
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::VClock::from_entries([(1, 2), (2, 3)]).total(), 5);
    /// ```
    pub fn total(&self) -> u64 {
        self.entries
            .values()
            .fold(0u64, |a, &b| a.saturating_add(b))
    }
    /// True when every entry of `other` is ≤ this one's.
    ///
    /// ```
    /// let a = katalyst::crdt::VClock::from_entries([(1, 2)]);
    /// assert!(a.dominates(&katalyst::crdt::VClock::from_entries([(1, 1)])));
    /// ```
    pub fn dominates(&self, other: &VClock) -> bool {
        other.entries.iter().all(|(&r, &n)| self.get(r) >= n)
    }
    /// Compares causally.
    ///
    /// ```
    /// use katalyst::crdt::{Causality, VClock};
    /// assert_eq!(VClock::default().compare(&VClock::default()), Causality::Equal);
    /// ```
    pub fn compare(&self, other: &VClock) -> Causality {
        let ge = self.dominates(other);
        let le = other.dominates(self);
        match (ge, le) {
            (true, true) => Causality::Equal,
            (true, false) => Causality::After,
            (false, true) => Causality::Before,
            (false, false) => Causality::Concurrent,
        }
    }
    /// Entries greater than in `seen` (the delta `seen` lacks).
    ///
    /// ```
    /// let a = katalyst::crdt::VClock::from_entries([(1, 2), (2, 1)]);
    /// let d = a.since(&katalyst::crdt::VClock::from_entries([(1, 2)]));
    /// assert_eq!(d.iter().collect::<Vec<_>>(), vec![(2, 1)]);
    /// ```
    pub fn since(&self, seen: &VClock) -> VClock {
        VClock {
            entries: self
                .entries
                .iter()
                .filter(|(&r, &n)| n > seen.get(r))
                .map(|(&r, &n)| (r, n))
                .collect(),
        }
    }
    /// Pointwise minimum (absent entries count as 0).
    ///
    /// ```
    /// let a = katalyst::crdt::VClock::from_entries([(1, 2), (2, 5)]);
    /// let m = a.meet(&katalyst::crdt::VClock::from_entries([(2, 3)]));
    /// assert_eq!(m.iter().collect::<Vec<_>>(), vec![(2, 3)]);
    /// ```
    pub fn meet(&self, other: &VClock) -> VClock {
        VClock::from_entries(self.entries.iter().map(|(&r, &n)| (r, n.min(other.get(r)))))
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        w.varint(self.entries.len() as u64);
        let mut prev = None;
        for (&r, &n) in &self.entries {
            write_ascending(w, &mut prev, r);
            w.varint(n);
        }
    }

    pub(crate) fn read(r: &mut Reader) -> Result<VClock, CrdtError> {
        let n = r.count("version vector size", 2)?;
        let mut prev = None;
        let mut entries = BTreeMap::new();
        for _ in 0..n {
            let id = read_ascending(r, &mut prev, "replica id")?;
            let c = r.varint_min("counter", 1)?;
            entries.insert(id, c);
        }
        Ok(VClock { entries })
    }
}

impl PartialOrd for VClock {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match self.compare(other) {
            Causality::Before => Some(Ordering::Less),
            Causality::After => Some(Ordering::Greater),
            Causality::Equal => Some(Ordering::Equal),
            Causality::Concurrent => None,
        }
    }
}

impl Crdt for VClock {
    const TAG: u8 = tag::VCLOCK;
    const NAME: &'static str = "VClock";
    fn merge(&mut self, other: &Self) {
        self.merge_from(other);
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.clone()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        match seen.first() {
            Some(s) => self.since(s),
            None => self.clone(),
        }
    }
    fn encode_body(&self, w: &mut Writer) {
        self.write(w);
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        VClock::read(r)
    }
}
