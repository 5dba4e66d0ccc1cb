//! Last-writer-wins register on hybrid logical clock timestamps.

use super::codec::{tag, Reader, Writer};
use super::crdt_trait::Crdt;
use super::element::Element;
use super::error::CrdtError;
use super::hlc::Timestamp;
use super::value::Value;
use super::vclock::VClock;
use super::ReplicaId;
use std::cmp::Ordering;

/// A register whose latest write wins: writes are ordered by HLC timestamp, ties broken by the
/// writer's replica id. `writes` counts each replica's writes, for sync.
///
/// ```
/// use katalyst::crdt::{Crdt, LWWRegister, Value};
/// let mut a = LWWRegister::<Value>::default();
/// let mut b = LWWRegister::<Value>::default();
/// a.set(1, Value::from("a"), 1000);
/// b.set(2, Value::from("b"), 1000); // same millisecond: replica 2 wins the tie
/// a.merge(&b);
/// assert_eq!(a.get(), Some(&Value::from("b")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LWWRegister<V: Element = Value> {
    current: Option<(Timestamp, ReplicaId, V)>,
    writes: VClock,
}

impl<V: Element> Default for LWWRegister<V> {
    fn default() -> Self {
        LWWRegister {
            current: None,
            writes: VClock::default(),
        }
    }
}

fn newer<V: Ord>(a: &(Timestamp, ReplicaId, V), b: &(Timestamp, ReplicaId, V)) -> bool {
    (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| a.2.cmp(&b.2)) == Ordering::Greater
}

impl<V: Element> LWWRegister<V> {
    /// Writes `v` at wall time `now_ms` (the HLC makes the timestamp exceed every one seen);
    /// returns the delta.
    ///
    /// ```
    /// let mut r = katalyst::crdt::LWWRegister::<u64>::default();
    /// r.set(1, 5, 10);
    /// let t = r.timestamp().unwrap();
    /// r.set(1, 6, 3); // wall clock went back: the HLC still moves forward
    /// assert!(r.timestamp().unwrap() > t);
    /// ```
    pub fn set(&mut self, replica: ReplicaId, v: V, now_ms: u64) -> LWWRegister<V> {
        let last = self.current.as_ref().map(|c| c.0).unwrap_or_default();
        let ts = Timestamp::tick(last, now_ms);
        self.current = Some((ts, replica, v));
        let delta_writes = self.writes.increment(replica);
        LWWRegister {
            current: self.current.clone(),
            writes: delta_writes,
        }
    }
    /// The current value.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::LWWRegister::<u64>::default().get(), None);
    /// ```
    pub fn get(&self) -> Option<&V> {
        self.current.as_ref().map(|c| &c.2)
    }
    /// The winning write's timestamp.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::LWWRegister::<u64>::default().timestamp(), None);
    /// ```
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.current.as_ref().map(|c| c.0)
    }
    /// The winning write's replica.
    ///
    /// ```
    /// let mut r = katalyst::crdt::LWWRegister::<u64>::default();
    /// r.set(4, 1, 0);
    /// assert_eq!(r.writer(), Some(4));
    /// ```
    pub fn writer(&self) -> Option<ReplicaId> {
        self.current.as_ref().map(|c| c.1)
    }
}

impl<V: Element> Crdt for LWWRegister<V> {
    const TAG: u8 = tag::LWW_REGISTER;
    const NAME: &'static str = "LWWRegister";
    fn merge(&mut self, other: &Self) {
        if let Some(o) = &other.current {
            if self.current.as_ref().is_none_or(|c| newer(o, c)) {
                self.current = Some(o.clone());
            }
        }
        self.writes.merge_from(&other.writes);
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.writes.clone()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        let empty = VClock::default();
        if seen.first().unwrap_or(&empty).dominates(&self.writes) {
            LWWRegister::default()
        } else {
            self.clone()
        }
    }
    fn encode_body(&self, w: &mut Writer) {
        self.writes.write(w);
        match &self.current {
            None => w.u8(0),
            Some((ts, r, v)) => {
                w.u8(1);
                ts.write(w);
                w.varint(*r);
                v.encode(w);
            }
        }
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        let writes = VClock::read(r)?;
        let at = r.pos();
        let current = match r.u8("register flag")? {
            0 => None,
            1 => {
                let ts = Timestamp::read(r)?;
                let id = r.varint("writer")?;
                Some((ts, id, V::decode(r)?))
            }
            f => return Err(CrdtError::malformed(at, format!("register flag {f}"))),
        };
        Ok(LWWRegister { current, writes })
    }
}
