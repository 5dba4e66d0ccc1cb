//! Add-wins observed-remove set, dot-based and compact (an Orswot).

use super::codec::{tag, Reader, Writer};
use super::crdt_trait::Crdt;
use super::dots::{Dot, DotSet};
use super::element::{check_ascending, Element};
use super::error::CrdtError;
use super::value::Value;
use super::vclock::VClock;
use super::ReplicaId;
use std::collections::{BTreeMap, BTreeSet};

/// What removed an element's dots: the remove (or superseding add) events, and per replica the
/// largest removed counter. A replica's newer add of an element supersedes its older ones, so a
/// removed dot also kills every older dot of the same replica for that element.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Removal {
    events: BTreeSet<Dot>,
    removed: VClock,
}

impl Removal {
    fn kills(&self, d: Dot) -> bool {
        self.removed.get(d.replica) >= d.counter
    }
    fn join(&mut self, other: &Removal) {
        self.events.extend(other.events.iter().copied());
        self.removed.merge_from(&other.removed);
    }
}

/// An add-wins observed-remove set.
///
/// Each live element holds the dots of the adds that made it live, at most one per replica
/// (a replica's newer add supersedes its older one), so re-adding never grows per-element
/// metadata. A causal context (a [`DotSet`]) records every event seen. Removals (and re-adds
/// that supersede other replicas' dots) also leave a per-element *removal record* (the events
/// and, per replica, the largest dot they removed) so sync can tell a peer about removals it
/// missed; records are dropped by [`Crdt::collect_garbage`] once every replica has seen them.
///
/// ```
/// use katalyst::crdt::{Crdt, ORSet};
/// let mut a = ORSet::<u64>::default();
/// let mut b = ORSet::<u64>::default();
/// b.merge(&a.add(1, 7));
/// let rm = b.remove(2, &7);      // b removes what it saw
/// let add = a.add(1, 7);         // concurrently a re-adds
/// a.merge(&rm);
/// b.merge(&add);
/// assert!(a.contains(&7) && b.contains(&7)); // add wins
/// assert_eq!(a.encode(), b.encode());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ORSet<E: Element = Value> {
    entries: BTreeMap<E, Vec<Dot>>,
    ctx: DotSet,
    removals: BTreeMap<E, Removal>,
}

impl<E: Element> Default for ORSet<E> {
    fn default() -> Self {
        ORSet {
            entries: BTreeMap::new(),
            ctx: DotSet::default(),
            removals: BTreeMap::new(),
        }
    }
}

/// The join of one element's dots: kept if both sides have it, or if the other side never saw it;
/// then at most one dot per replica (the newest).
fn join_dots(mine: &[Dot], my_ctx: &DotSet, theirs: &[Dot], their_ctx: &DotSet) -> Vec<Dot> {
    let mut out: Vec<Dot> = Vec::with_capacity(mine.len() + theirs.len());
    for &d in mine {
        if theirs.contains(&d) || !their_ctx.contains(d) {
            out.push(d);
        }
    }
    for &d in theirs {
        if !mine.contains(&d) && !my_ctx.contains(d) {
            out.push(d);
        }
    }
    out.sort_unstable();
    // Sorted by (replica, counter): keep the last of each replica.
    let mut kept: Vec<Dot> = Vec::with_capacity(out.len());
    for d in out {
        match kept.last_mut() {
            Some(last) if last.replica == d.replica => *last = d,
            _ => kept.push(d),
        }
    }
    kept
}

impl<E: Element> ORSet<E> {
    /// Adds `e` (an add-wins add: a concurrent remove does not cancel it); returns the delta.
    ///
    /// ```
    /// let mut s = katalyst::crdt::ORSet::<u64>::default();
    /// s.add(1, 3);
    /// assert!(s.contains(&3));
    /// ```
    pub fn add(&mut self, replica: ReplicaId, e: E) -> ORSet<E> {
        let dot = self.ctx.next_dot(replica);
        self.ctx.insert(dot);
        let old = self
            .entries
            .insert(e.clone(), vec![dot])
            .unwrap_or_default();
        // A delta's context holds only its own event: every dot in a context must come with
        // that event's full effect, or a receiver that missed an intermediate delta would
        // believe it had seen events it never applied.
        let mut delta = ORSet::default();
        delta.ctx.insert(dot);
        let others: Vec<Dot> = old.into_iter().filter(|d| d.replica != replica).collect();
        if !others.is_empty() {
            let rec = Removal {
                events: BTreeSet::from([dot]),
                removed: VClock::from_entries(others.iter().map(|d| (d.replica, d.counter))),
            };
            self.removals.entry(e.clone()).or_default().join(&rec);
            delta.removals.insert(e.clone(), rec);
        }
        delta.entries.insert(e, vec![dot]);
        delta
    }
    /// Removes `e` as observed here; returns the delta (empty when `e` is absent).
    ///
    /// ```
    /// let mut s = katalyst::crdt::ORSet::<u64>::default();
    /// s.add(1, 3);
    /// s.remove(1, &3);
    /// assert!(!s.contains(&3));
    /// ```
    pub fn remove(&mut self, replica: ReplicaId, e: &E) -> ORSet<E> {
        let Some(old) = self.entries.remove(e) else {
            return ORSet::default();
        };
        let dot = self.ctx.next_dot(replica);
        self.ctx.insert(dot);
        let mut delta = ORSet::default();
        delta.ctx.insert(dot);
        let rec = Removal {
            events: BTreeSet::from([dot]),
            removed: VClock::from_entries(old.iter().map(|d| (d.replica, d.counter))),
        };
        self.removals.entry(e.clone()).or_default().join(&rec);
        delta.removals.insert(e.clone(), rec);
        delta
    }
    /// True when `e` is in the set.
    ///
    /// ```
    /// assert!(!katalyst::crdt::ORSet::<u64>::default().contains(&1));
    /// ```
    pub fn contains(&self, e: &E) -> bool {
        self.entries.contains_key(e)
    }
    /// The elements in order.
    ///
    /// ```
    /// let mut s = katalyst::crdt::ORSet::<u64>::default();
    /// s.add(1, 2);
    /// assert_eq!(s.iter().collect::<Vec<_>>(), vec![&2]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.entries.keys()
    }
    /// Number of elements.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::ORSet::<u64>::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// True when empty.
    ///
    /// ```
    /// assert!(katalyst::crdt::ORSet::<u64>::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Elements with removal records not yet collected (for diagnostics and tests).
    ///
    /// ```
    /// let mut s = katalyst::crdt::ORSet::<u64>::default();
    /// s.add(1, 2);
    /// s.remove(1, &2);
    /// assert_eq!(s.pending_removals(), 1);
    /// ```
    pub fn pending_removals(&self) -> usize {
        self.removals.len()
    }

    fn merge_element(
        &mut self,
        e: &E,
        theirs: &[Dot],
        their_ctx: &DotSet,
        their_rm: Option<&Removal>,
    ) {
        let mine: &[Dot] = self.entries.get(e).map_or(&[], |v| v.as_slice());
        if mine == theirs && their_rm.is_none() {
            return;
        }
        let mut joined = join_dots(mine, &self.ctx, theirs, their_ctx);
        let my_rm = self.removals.get(e);
        joined.retain(|&d| {
            !my_rm.is_some_and(|r| r.kills(d)) && !their_rm.is_some_and(|r| r.kills(d))
        });
        if joined.is_empty() {
            self.entries.remove(e);
        } else if let Some(slot) = self.entries.get_mut(e) {
            *slot = joined;
        } else {
            self.entries.insert(e.clone(), joined);
        }
    }
}

impl<E: Element> Crdt for ORSet<E> {
    const TAG: u8 = tag::ORSET;
    const NAME: &'static str = "ORSet";
    fn merge(&mut self, other: &Self) {
        // Only elements the other side holds or has removal records for can change: any other
        // dot it has seen and dropped is covered by such a record (until collected, i.e. until
        // every replica, this one included, has applied it).
        for (e, theirs) in &other.entries {
            self.merge_element(e, theirs, &other.ctx, other.removals.get(e));
        }
        for (e, rm) in &other.removals {
            if !other.entries.contains_key(e) && self.entries.contains_key(e) {
                self.merge_element(e, &[], &other.ctx, Some(rm));
            }
        }
        for (e, rm) in &other.removals {
            match self.removals.get_mut(e) {
                Some(mine) => mine.join(rm),
                None => {
                    self.removals.insert(e.clone(), rm.clone());
                }
            }
        }
        self.ctx.union(&other.ctx);
    }
    fn replicas(&self) -> std::collections::BTreeSet<ReplicaId> {
        self.ctx.replicas().collect()
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.ctx.version()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        let empty = VClock::default();
        let seen = seen.first().unwrap_or(&empty);
        let mut delta = ORSet {
            entries: BTreeMap::new(),
            ctx: self.ctx.since(seen),
            removals: BTreeMap::new(),
        };
        for (e, dots) in &self.entries {
            let fresh: Vec<Dot> = dots
                .iter()
                .copied()
                .filter(|&d| !DotSet::covered(seen, d))
                .collect();
            if !fresh.is_empty() {
                delta.entries.insert(e.clone(), fresh);
            }
        }
        for (e, rm) in &self.removals {
            let events: BTreeSet<Dot> = rm
                .events
                .iter()
                .copied()
                .filter(|&d| !DotSet::covered(seen, d))
                .collect();
            if !events.is_empty() {
                delta.removals.insert(
                    e.clone(),
                    Removal {
                        events,
                        removed: rm.removed.clone(),
                    },
                );
            }
        }
        delta
    }
    fn has_garbage(&self) -> bool {
        !self.removals.is_empty()
    }
    fn collect_garbage(&mut self, stable: &VClock) {
        self.removals.retain(|_, rm| {
            rm.events.retain(|&d| !DotSet::covered(stable, d));
            !rm.events.is_empty()
        });
    }
    fn encode_body(&self, w: &mut Writer) {
        self.ctx.write(w);
        w.varint(self.entries.len() as u64);
        for (e, dots) in &self.entries {
            e.encode(w);
            write_dots(w, dots);
        }
        w.varint(self.removals.len() as u64);
        for (e, rm) in &self.removals {
            e.encode(w);
            let events: Vec<Dot> = rm.events.iter().copied().collect();
            write_dots(w, &events);
            rm.removed.write(w);
        }
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        let ctx = DotSet::read(r)?;
        let n = r.count("set size", 4)?;
        let mut entries = BTreeMap::new();
        let mut prev: Option<E> = None;
        for _ in 0..n {
            let at = r.pos();
            let e = E::decode(r)?;
            check_ascending(&prev, &e, at)?;
            let dots = read_dots(r, true)?;
            prev = Some(e.clone());
            entries.insert(e, dots);
        }
        let n = r.count("removal records", 5)?;
        let mut removals = BTreeMap::new();
        let mut prev: Option<E> = None;
        for _ in 0..n {
            let at = r.pos();
            let e = E::decode(r)?;
            check_ascending(&prev, &e, at)?;
            prev = Some(e.clone());
            let events = read_dots(r, false)?.into_iter().collect();
            let removed = VClock::read(r)?;
            // A live dot its own element's record kills cannot come from a real history.
            if entries.get(&e).is_some_and(|dots: &Vec<Dot>| {
                dots.iter().any(|&d| removed.get(d.replica) >= d.counter)
            }) {
                return Err(CrdtError::malformed(
                    at,
                    "a live dot is removed by its own record",
                ));
            }
            removals.insert(e, Removal { events, removed });
        }
        Ok(ORSet {
            entries,
            ctx,
            removals,
        })
    }
}

/// Dots sorted by (replica, counter); elements' dots have distinct replicas.
fn write_dots(w: &mut Writer, dots: &[Dot]) {
    w.varint(dots.len() as u64);
    for d in dots {
        d.write(w);
    }
}

fn read_dots(r: &mut Reader, one_per_replica: bool) -> Result<Vec<Dot>, CrdtError> {
    let at = r.pos();
    let n = r.count("dot count", 2)?;
    if n == 0 {
        return Err(CrdtError::malformed(at, "empty dot list"));
    }
    let mut v: Vec<Dot> = Vec::with_capacity(n);
    for _ in 0..n {
        let at = r.pos();
        let d = Dot::read(r)?;
        if let Some(p) = v.last() {
            let bad = if one_per_replica {
                p.replica >= d.replica
            } else {
                *p >= d
            };
            if bad {
                return Err(CrdtError::malformed(at, "dots not strictly ascending"));
            }
        }
        v.push(d);
    }
    Ok(v)
}
