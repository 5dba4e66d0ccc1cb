//! Multi-value register: keeps every concurrent write.

use super::codec::{tag, Reader, Writer};
use super::crdt_trait::Crdt;
use super::dots::{Dot, DotSet};
use super::element::Element;
use super::error::CrdtError;
use super::value::Value;
use super::vclock::VClock;
use super::ReplicaId;
use std::collections::BTreeMap;

/// A register that keeps all concurrent writes (a write replaces the values it has seen).
///
/// ```
/// use katalyst::crdt::{Crdt, MVRegister};
/// let mut a = MVRegister::<u64>::default();
/// let mut b = MVRegister::<u64>::default();
/// a.set(1, 10);
/// b.set(2, 20);
/// a.merge(&b);
/// assert_eq!(a.values(), vec![&10, &20]);
/// let d = a.set(1, 30);
/// b.merge(&d);
/// assert_eq!(b.values(), vec![&30]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MVRegister<V: Element = Value> {
    values: BTreeMap<Dot, V>,
    ctx: DotSet,
}

impl<V: Element> Default for MVRegister<V> {
    fn default() -> Self {
        MVRegister {
            values: BTreeMap::new(),
            ctx: DotSet::default(),
        }
    }
}

impl<V: Element> MVRegister<V> {
    /// Writes `v`, replacing every value seen here; returns the delta (the register's new state).
    ///
    /// ```
    /// let mut r = katalyst::crdt::MVRegister::<u64>::default();
    /// r.set(1, 2);
    /// assert_eq!(r.values(), vec![&2]);
    /// ```
    pub fn set(&mut self, replica: ReplicaId, v: V) -> MVRegister<V> {
        let dot = self.ctx.next_dot(replica);
        self.ctx.insert(dot);
        self.values.clear();
        self.values.insert(dot, v);
        // The delta is the whole (small) register: a write supersedes other replicas' dots,
        // and a context naming them must travel with everything they caused, or a receiver
        // that missed those deltas could keep a superseded value forever.
        self.clone()
    }
    /// The concurrent values, sorted and deduplicated.
    ///
    /// ```
    /// assert!(katalyst::crdt::MVRegister::<u64>::default().values().is_empty());
    /// ```
    pub fn values(&self) -> Vec<&V> {
        let mut v: Vec<&V> = self.values.values().collect();
        v.sort();
        v.dedup();
        v
    }
}

impl<V: Element> Crdt for MVRegister<V> {
    const TAG: u8 = tag::MV_REGISTER;
    const NAME: &'static str = "MVRegister";
    fn merge(&mut self, other: &Self) {
        let mut out = BTreeMap::new();
        for (d, v) in &self.values {
            if other.values.contains_key(d) || !other.ctx.contains(*d) {
                out.insert(*d, v.clone());
            }
        }
        for (d, v) in &other.values {
            if !self.ctx.contains(*d) {
                out.insert(*d, v.clone());
            }
        }
        self.values = out;
        self.ctx.union(&other.ctx);
    }
    fn replicas(&self) -> std::collections::BTreeSet<ReplicaId> {
        self.ctx.replicas().collect()
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.ctx.version()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        // Small state: a peer that lacks anything gets the whole register.
        let empty = VClock::default();
        if self.ctx.since(seen.first().unwrap_or(&empty)).is_empty() {
            MVRegister::default()
        } else {
            self.clone()
        }
    }
    fn encode_body(&self, w: &mut Writer) {
        self.ctx.write(w);
        w.varint(self.values.len() as u64);
        for (d, v) in &self.values {
            d.write(w);
            v.encode(w);
        }
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        let ctx = DotSet::read(r)?;
        let n = r.count("register values", 3)?;
        let mut values = BTreeMap::new();
        let mut prev: Option<Dot> = None;
        for _ in 0..n {
            let at = r.pos();
            let d = Dot::read(r)?;
            super::element::check_ascending(&prev, &d, at)?;
            prev = Some(d);
            values.insert(d, V::decode(r)?);
        }
        Ok(MVRegister { values, ctx })
    }
}
