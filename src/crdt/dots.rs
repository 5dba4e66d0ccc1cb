//! Dots (one event of one replica) and dot sets (causal contexts) stored as interval lists.

use super::codec::{read_ascending, write_ascending, Reader, Writer};
use super::error::CrdtError;
use super::vclock::VClock;
use super::ReplicaId;
use std::collections::BTreeMap;

/// One event: the `counter`-th event of `replica` (counters start at 1).
///
/// ```
/// let d = katalyst::crdt::Dot::new(7, 1);
/// assert_eq!((d.replica, d.counter), (7, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dot {
    /// The replica that made the event.
    pub replica: ReplicaId,
    /// Its sequence number at that replica, from 1.
    pub counter: u64,
}

impl Dot {
    /// A dot.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Dot::new(1, 2).counter, 2);
    /// ```
    pub fn new(replica: ReplicaId, counter: u64) -> Dot {
        Dot { replica, counter }
    }
    pub(crate) fn write(&self, w: &mut Writer) {
        w.varint(self.replica);
        w.varint(self.counter);
    }
    pub(crate) fn read(r: &mut Reader) -> Result<Dot, CrdtError> {
        let replica = r.varint("dot replica")?;
        let counter = r.varint_min("dot counter", 1)?;
        Ok(Dot { replica, counter })
    }
}

/// A set of dots (a causal context), kept per replica as sorted, disjoint, non-adjacent
/// inclusive intervals, so a contiguous history costs one interval however long it is.
///
/// ```
/// use katalyst::crdt::{Dot, DotSet};
/// let mut s = DotSet::default();
/// s.insert(Dot::new(1, 1));
/// s.insert(Dot::new(1, 2));
/// s.insert(Dot::new(1, 5));
/// assert!(s.contains(Dot::new(1, 2)) && !s.contains(Dot::new(1, 3)));
/// assert_eq!(s.version().get(1), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DotSet {
    ranges: BTreeMap<ReplicaId, Vec<(u64, u64)>>,
}

impl DotSet {
    /// True when `dot` is in the set.
    ///
    /// ```
    /// assert!(!katalyst::crdt::DotSet::default().contains(katalyst::crdt::Dot::new(1, 1)));
    /// ```
    pub fn contains(&self, dot: Dot) -> bool {
        match self.ranges.get(&dot.replica) {
            None => false,
            Some(v) => {
                let i = v.partition_point(|&(_, end)| end < dot.counter);
                v.get(i).is_some_and(|&(start, _)| start <= dot.counter)
            }
        }
    }
    /// Adds one dot.
    ///
    /// ```
    /// let mut s = katalyst::crdt::DotSet::default();
    /// s.insert(katalyst::crdt::Dot::new(2, 1));
    /// assert_eq!(s.max(2), 1);
    /// ```
    pub fn insert(&mut self, dot: Dot) {
        self.insert_range(dot.replica, dot.counter, dot.counter);
    }
    /// Adds the dots `start ..= end` of `replica`.
    ///
    /// ```
    /// let mut s = katalyst::crdt::DotSet::default();
    /// s.insert_range(2, 1, 10);
    /// assert_eq!(s.version().get(2), 10);
    /// ```
    pub fn insert_range(&mut self, replica: ReplicaId, start: u64, end: u64) {
        if start == 0 || start > end {
            return;
        }
        let v = self.ranges.entry(replica).or_default();
        // Fast path: appending after the last interval.
        if let Some(last) = v.last_mut() {
            if start > last.1 {
                if start == last.1 + 1 {
                    last.1 = end;
                } else {
                    v.push((start, end));
                }
                return;
            }
        } else {
            v.push((start, end));
            return;
        }
        let mut out: Vec<(u64, u64)> = Vec::with_capacity(v.len() + 1);
        let mut cur = (start, end);
        let mut placed = false;
        for &(a, b) in v.iter() {
            if b.saturating_add(1) < cur.0 {
                out.push((a, b));
            } else if cur.1.saturating_add(1) < a {
                if !placed {
                    out.push(cur);
                    placed = true;
                }
                out.push((a, b));
            } else {
                cur = (cur.0.min(a), cur.1.max(b));
            }
        }
        if !placed {
            out.push(cur);
        }
        *v = out;
    }
    /// Adds every dot of `other`.
    ///
    /// ```
    /// let mut a = katalyst::crdt::DotSet::default();
    /// let mut b = katalyst::crdt::DotSet::default();
    /// b.insert_range(1, 1, 3);
    /// a.union(&b);
    /// assert_eq!(a, b);
    /// ```
    pub fn union(&mut self, other: &DotSet) {
        for (&r, v) in &other.ranges {
            for &(a, b) in v {
                self.insert_range(r, a, b);
            }
        }
    }
    /// The largest counter seen from `replica` (0 if none).
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::DotSet::default().max(1), 0);
    /// ```
    pub fn max(&self, replica: ReplicaId) -> u64 {
        self.ranges
            .get(&replica)
            .and_then(|v| v.last())
            .map_or(0, |&(_, b)| b)
    }
    /// The next dot `replica` should use.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::DotSet::default().next_dot(4).counter, 1);
    /// ```
    pub fn next_dot(&self, replica: ReplicaId) -> Dot {
        Dot::new(replica, self.max(replica).saturating_add(1))
    }
    /// The contiguous prefix per replica, as a version vector.
    ///
    /// ```
    /// let mut s = katalyst::crdt::DotSet::default();
    /// s.insert_range(1, 2, 3);
    /// assert_eq!(s.version().get(1), 0);
    /// ```
    pub fn version(&self) -> VClock {
        VClock::from_entries(self.ranges.iter().map(|(&r, v)| {
            (
                r,
                match v.first() {
                    Some(&(1, b)) => b,
                    _ => 0,
                },
            )
        }))
    }
    /// The dots not covered by the version vector `seen`.
    ///
    /// ```
    /// let mut s = katalyst::crdt::DotSet::default();
    /// s.insert_range(1, 1, 5);
    /// let d = s.since(&katalyst::crdt::VClock::from_entries([(1, 3)]));
    /// assert!(d.contains(katalyst::crdt::Dot::new(1, 4)) && !d.contains(katalyst::crdt::Dot::new(1, 3)));
    /// ```
    pub fn since(&self, seen: &VClock) -> DotSet {
        let mut out = DotSet::default();
        for (&r, v) in &self.ranges {
            let floor = seen.get(r);
            for &(a, b) in v {
                if b > floor {
                    out.insert_range(r, a.max(floor + 1), b);
                }
            }
        }
        out
    }
    /// True when the version vector `vv` covers `dot`.
    pub(crate) fn covered(vv: &VClock, dot: Dot) -> bool {
        vv.get(dot.replica) >= dot.counter
    }
    /// Replicas mentioned.
    ///
    /// ```
    /// let mut s = katalyst::crdt::DotSet::default();
    /// s.insert(katalyst::crdt::Dot::new(9, 1));
    /// assert_eq!(s.replicas().collect::<Vec<_>>(), vec![9]);
    /// ```
    pub fn replicas(&self) -> impl Iterator<Item = ReplicaId> + '_ {
        self.ranges.keys().copied()
    }
    /// True when empty.
    ///
    /// ```
    /// assert!(katalyst::crdt::DotSet::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Encoding: replica count; per replica the id (delta-coded), then a header `h`: even `h`
    /// means the single interval `1 ..= h/2`; odd `h` means `(h-1)/2 + 1` intervals follow as
    /// (gap, length − 1) pairs.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.varint(self.ranges.len() as u64);
        let mut prev = None;
        for (&r, v) in &self.ranges {
            write_ascending(w, &mut prev, r);
            if let [(1, b)] = v.as_slice() {
                w.varint(b.saturating_mul(2));
                continue;
            }
            w.varint(((v.len() as u64 - 1) << 1) | 1);
            let mut prev_end = 0u64;
            for (i, &(a, b)) in v.iter().enumerate() {
                let gap = if i == 0 { a - 1 } else { a - prev_end - 2 };
                w.varint(gap);
                w.varint(b - a);
                prev_end = b;
            }
        }
    }

    pub(crate) fn read(r: &mut Reader) -> Result<DotSet, CrdtError> {
        let n = r.count("dot set size", 2)?;
        let mut prev = None;
        let mut ranges = BTreeMap::new();
        for _ in 0..n {
            let id = read_ascending(r, &mut prev, "replica id")?;
            let at = r.pos();
            let h = r.varint("interval header")?;
            let bad = |m: &str| CrdtError::malformed(at, format!("dot set: {m}"));
            if h & 1 == 0 {
                if h == 0 {
                    return Err(bad("empty interval list"));
                }
                ranges.insert(id, vec![(1, h / 2)]);
                continue;
            }
            let count = (h >> 1)
                .checked_add(1)
                .ok_or_else(|| bad("count overflow"))?;
            if count > (r.remaining() / 2) as u64 {
                return Err(CrdtError::Truncated {
                    offset: at,
                    expected: "dot intervals",
                });
            }
            let mut v = Vec::with_capacity(count as usize);
            let mut prev_end = 0u64;
            for i in 0..count {
                let gap = r.varint("interval gap")?;
                let len = r.varint("interval length")?;
                let start = if i == 0 {
                    gap.checked_add(1)
                } else {
                    prev_end.checked_add(2).and_then(|x| x.checked_add(gap))
                }
                .ok_or_else(|| bad("counter overflow"))?;
                let end = start
                    .checked_add(len)
                    .ok_or_else(|| bad("counter overflow"))?;
                v.push((start, end));
                prev_end = end;
            }
            if let [(1, _)] = v.as_slice() {
                return Err(bad("single prefix interval not in short form"));
            }
            ranges.insert(id, v);
        }
        Ok(DotSet { ranges })
    }
}
