//! Grow-only set.

use super::codec::{tag, Reader, Writer};
use super::crdt_trait::Crdt;
use super::dots::{Dot, DotSet};
use super::element::{check_ascending, Element};
use super::error::CrdtError;
use super::value::Value;
use super::vclock::VClock;
use super::ReplicaId;
use std::collections::BTreeMap;

/// A grow-only set. Each element remembers the smallest dot that added it, so sync can send
/// exactly the elements a peer's version vector lacks.
///
/// ```
/// use katalyst::crdt::{Crdt, GSet, Value};
/// let mut a = GSet::<Value>::default();
/// let d = a.add(1, Value::from("x"));
/// let mut b = GSet::default();
/// b.merge(&d);
/// assert!(b.contains(&Value::from("x")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GSet<E: Element = Value> {
    elements: BTreeMap<E, Dot>,
    ctx: DotSet,
}

impl<E: Element> Default for GSet<E> {
    fn default() -> Self {
        GSet {
            elements: BTreeMap::new(),
            ctx: DotSet::default(),
        }
    }
}

impl<E: Element> GSet<E> {
    /// Adds `e`; returns the delta (empty when `e` was already present).
    ///
    /// ```
    /// let mut s = katalyst::crdt::GSet::<u64>::default();
    /// assert_eq!(s.add(1, 7).len(), 1);
    /// assert_eq!(s.add(1, 7).len(), 0);
    /// ```
    pub fn add(&mut self, replica: ReplicaId, e: E) -> GSet<E> {
        if self.elements.contains_key(&e) {
            return GSet::default();
        }
        let dot = self.ctx.next_dot(replica);
        self.ctx.insert(dot);
        self.elements.insert(e.clone(), dot);
        let mut d = GSet::default();
        d.elements.insert(e, dot);
        d.ctx.insert(dot);
        d
    }
    /// True when `e` is in the set.
    ///
    /// ```
    /// assert!(!katalyst::crdt::GSet::<u64>::default().contains(&1));
    /// ```
    pub fn contains(&self, e: &E) -> bool {
        self.elements.contains_key(e)
    }
    /// The elements in order.
    ///
    /// ```
    /// let mut s = katalyst::crdt::GSet::<u64>::default();
    /// s.add(1, 2);
    /// assert_eq!(s.iter().collect::<Vec<_>>(), vec![&2]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.elements.keys()
    }
    /// Number of elements.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::GSet::<u64>::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.elements.len()
    }
    /// True when empty.
    ///
    /// ```
    /// assert!(katalyst::crdt::GSet::<u64>::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }
}

impl<E: Element> Crdt for GSet<E> {
    const TAG: u8 = tag::GSET;
    const NAME: &'static str = "GSet";
    fn merge(&mut self, other: &Self) {
        for (e, &d) in &other.elements {
            match self.elements.get_mut(e) {
                Some(mine) => *mine = (*mine).min(d),
                None => {
                    self.elements.insert(e.clone(), d);
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
        GSet {
            elements: self
                .elements
                .iter()
                .filter(|(_, &d)| !DotSet::covered(seen, d))
                .map(|(e, &d)| (e.clone(), d))
                .collect(),
            ctx: self.ctx.since(seen),
        }
    }
    fn encode_body(&self, w: &mut Writer) {
        self.ctx.write(w);
        w.varint(self.elements.len() as u64);
        for (e, d) in &self.elements {
            e.encode(w);
            d.write(w);
        }
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        let ctx = DotSet::read(r)?;
        let n = r.count("set size", 3)?;
        let mut elements = BTreeMap::new();
        let mut prev: Option<E> = None;
        for _ in 0..n {
            let at = r.pos();
            let e = E::decode(r)?;
            check_ascending(&prev, &e, at)?;
            let d = Dot::read(r)?;
            prev = Some(e.clone());
            elements.insert(e, d);
        }
        Ok(GSet { elements, ctx })
    }
}
