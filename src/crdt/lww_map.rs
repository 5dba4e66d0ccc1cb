//! Last-writer-wins map from string keys to values, with tombstones for deletes.

use super::codec::{read_ascending, tag, write_ascending, Reader, Writer};
use super::crdt_trait::Crdt;
use super::dots::{Dot, DotSet};
use super::element::Element;
use super::error::CrdtError;
use super::hlc::Timestamp;
use super::value::Value;
use super::vclock::VClock;
use super::ReplicaId;
use std::collections::BTreeMap;

/// One key's latest write: a value, or `None` for a delete (a tombstone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LwwEntry<V> {
    /// The value, or `None` after a delete.
    pub value: Option<V>,
    /// When it was written.
    pub ts: Timestamp,
    /// The write event (its replica breaks timestamp ties).
    pub dot: Dot,
}

impl<V> LwwEntry<V> {
    fn order_key(&self) -> (Timestamp, ReplicaId, u64) {
        (self.ts, self.dot.replica, self.dot.counter)
    }
}

/// A map whose keys each hold their last write (HLC timestamp, replica id breaks ties).
///
/// Every write or delete is a dot in the map's causal context. A delete leaves a tombstone that
/// [`Crdt::collect_garbage`] drops once every replica has seen it; an incoming write whose dot
/// this map has already seen is ignored, so a late duplicate cannot resurrect a collected key.
///
/// Encoding (designed for many replicas writing few keys each): the causal context, a table of
/// writer replica ids (delta-coded), the smallest physical time, then per key in byte order:
/// shared-prefix length with the previous key, the new suffix, the writer's table index, the
/// dot counter, physical time above the base, `logical·2 + present`, and the value.
///
/// ```
/// use katalyst::crdt::{Crdt, LWWMap, Value};
/// let mut a = LWWMap::<Value>::default();
/// let mut b = LWWMap::<Value>::default();
/// a.set(1, "x", Value::from(1.0), 100);
/// b.set(2, "x", Value::from(2.0), 100);
/// b.merge(&a);
/// a.merge(&b);
/// assert_eq!(a.get("x"), Some(&Value::from(2.0)));
/// assert_eq!(a.encode(), b.encode());
/// ```
#[derive(Clone, Debug)]
pub struct LWWMap<V: Element = Value> {
    entries: BTreeMap<String, LwwEntry<V>>,
    ctx: DotSet,
    /// The largest timestamp seen (local clock state, not encoded).
    last: Timestamp,
    /// Set when a tombstone may be present (local, not encoded); cleared by collection.
    maybe_tombstones: bool,
}

impl<V: Element> PartialEq for LWWMap<V> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries && self.ctx == other.ctx
    }
}

impl<V: Element> Default for LWWMap<V> {
    fn default() -> Self {
        LWWMap {
            entries: BTreeMap::new(),
            ctx: DotSet::default(),
            last: Timestamp::default(),
            maybe_tombstones: false,
        }
    }
}

impl<V: Element> LWWMap<V> {
    fn write(&mut self, replica: ReplicaId, key: &str, value: Option<V>, now_ms: u64) -> LWWMap<V> {
        let ts = Timestamp::tick(self.last, now_ms);
        self.last = ts;
        self.maybe_tombstones |= value.is_none();
        let dot = self.ctx.next_dot(replica);
        self.ctx.insert(dot);
        let entry = LwwEntry { value, ts, dot };
        let mut delta = LWWMap::default();
        self.entries.insert(key.to_owned(), entry.clone());
        // Only this write's own dot: see ORSet::add for why contexts carry no foreign dots.
        delta.ctx.insert(dot);
        delta.last = ts;
        delta.maybe_tombstones = entry.value.is_none();
        delta.entries.insert(key.to_owned(), entry);
        delta
    }
    /// Sets `key` to `value` at wall time `now_ms`; returns the delta.
    ///
    /// ```
    /// let mut m = katalyst::crdt::LWWMap::<u64>::default();
    /// m.set(1, "a", 5, 0);
    /// assert_eq!(m.get("a"), Some(&5));
    /// ```
    pub fn set(&mut self, replica: ReplicaId, key: &str, value: V, now_ms: u64) -> LWWMap<V> {
        self.write(replica, key, Some(value), now_ms)
    }
    /// Deletes `key` (leaving a tombstone); returns the delta (empty when `key` is absent).
    ///
    /// ```
    /// let mut m = katalyst::crdt::LWWMap::<u64>::default();
    /// m.set(1, "a", 5, 0);
    /// m.delete(1, "a", 0);
    /// assert_eq!(m.get("a"), None);
    /// ```
    pub fn delete(&mut self, replica: ReplicaId, key: &str, now_ms: u64) -> LWWMap<V> {
        if self.get(key).is_none() {
            return LWWMap::default();
        }
        self.write(replica, key, None, now_ms)
    }
    /// The value under `key`.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::LWWMap::<u64>::default().get("a"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key).and_then(|e| e.value.as_ref())
    }
    /// The full entry under `key`, tombstones included.
    ///
    /// ```
    /// let mut m = katalyst::crdt::LWWMap::<u64>::default();
    /// m.set(3, "a", 5, 7);
    /// assert_eq!(m.entry("a").unwrap().dot.replica, 3);
    /// ```
    pub fn entry(&self, key: &str) -> Option<&LwwEntry<V>> {
        self.entries.get(key)
    }
    /// Live `(key, value)` pairs in key order.
    ///
    /// ```
    /// let mut m = katalyst::crdt::LWWMap::<u64>::default();
    /// m.set(1, "b", 2, 0);
    /// m.set(1, "a", 1, 0);
    /// assert_eq!(m.iter().map(|(k, _)| k).collect::<Vec<_>>(), vec!["a", "b"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries
            .iter()
            .filter_map(|(k, e)| e.value.as_ref().map(|v| (k.as_str(), v)))
    }
    /// Live entries with their metadata.
    ///
    /// ```
    /// let m = katalyst::crdt::LWWMap::<u64>::default();
    /// assert_eq!(m.entries().count(), 0);
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = (&str, &LwwEntry<V>)> {
        self.entries
            .iter()
            .filter(|(_, e)| e.value.is_some())
            .map(|(k, e)| (k.as_str(), e))
    }
    /// Number of live keys.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::LWWMap::<u64>::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.values().filter(|e| e.value.is_some()).count()
    }
    /// True when no key is live.
    ///
    /// ```
    /// assert!(katalyst::crdt::LWWMap::<u64>::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Tombstones not yet collected.
    ///
    /// ```
    /// let mut m = katalyst::crdt::LWWMap::<u64>::default();
    /// m.set(1, "a", 1, 0);
    /// m.delete(1, "a", 0);
    /// assert_eq!(m.tombstones(), 1);
    /// ```
    pub fn tombstones(&self) -> usize {
        self.entries.values().filter(|e| e.value.is_none()).count()
    }
    pub(crate) fn ctx(&self) -> &DotSet {
        &self.ctx
    }
}

impl<V: Element> Crdt for LWWMap<V> {
    const TAG: u8 = tag::LWW_MAP;
    const NAME: &'static str = "LWWMap";
    fn merge(&mut self, other: &Self) {
        for (k, theirs) in &other.entries {
            self.last = self.last.max(theirs.ts);
            match self.entries.get_mut(k) {
                Some(mine) => {
                    if theirs.order_key() > mine.order_key() {
                        *mine = theirs.clone();
                    }
                }
                None => {
                    // A write this map has seen and no longer holds was superseded and collected.
                    if !self.ctx.contains(theirs.dot) {
                        self.entries.insert(k.clone(), theirs.clone());
                    }
                }
            }
        }
        self.last = self.last.max(other.last);
        self.maybe_tombstones |= other.maybe_tombstones;
        self.ctx.union(&other.ctx);
    }
    fn replicas(&self) -> std::collections::BTreeSet<ReplicaId> {
        self.ctx.replicas().collect()
    }
    fn merge_owned(&mut self, other: Self) {
        for (k, theirs) in other.entries {
            self.last = self.last.max(theirs.ts);
            match self.entries.get_mut(&k) {
                Some(mine) => {
                    if theirs.order_key() > mine.order_key() {
                        *mine = theirs;
                    }
                }
                None => {
                    if !self.ctx.contains(theirs.dot) {
                        self.entries.insert(k, theirs);
                    }
                }
            }
        }
        self.last = self.last.max(other.last);
        self.maybe_tombstones |= other.maybe_tombstones;
        self.ctx.union(&other.ctx);
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.ctx.version()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        let empty = VClock::default();
        let seen = seen.first().unwrap_or(&empty);
        let entries: BTreeMap<String, LwwEntry<V>> = self
            .entries
            .iter()
            .filter(|(_, e)| !DotSet::covered(seen, e.dot))
            .map(|(k, e)| (k.clone(), e.clone()))
            .collect();
        let last = entries.values().map(|e| e.ts).max().unwrap_or_default();
        let maybe_tombstones = entries.values().any(|e| e.value.is_none());
        LWWMap {
            entries,
            ctx: self.ctx.since(seen),
            last,
            maybe_tombstones,
        }
    }
    fn has_garbage(&self) -> bool {
        self.maybe_tombstones
    }
    fn collect_garbage(&mut self, stable: &VClock) {
        self.entries
            .retain(|_, e| e.value.is_some() || !DotSet::covered(stable, e.dot));
        self.maybe_tombstones = self.entries.values().any(|e| e.value.is_none());
    }
    fn encode_body(&self, w: &mut Writer) {
        self.ctx.write(w);
        let mut table: Vec<ReplicaId> = self.entries.values().map(|e| e.dot.replica).collect();
        table.sort_unstable();
        table.dedup();
        w.varint(table.len() as u64);
        let mut prev = None;
        for &r in &table {
            write_ascending(w, &mut prev, r);
        }
        let base = self
            .entries
            .values()
            .map(|e| e.ts.physical)
            .min()
            .unwrap_or(0);
        w.varint(base);
        w.varint(self.entries.len() as u64);
        let mut prev_key: &[u8] = &[];
        for (k, e) in &self.entries {
            let kb = k.as_bytes();
            let shared = kb.iter().zip(prev_key).take_while(|(a, b)| a == b).count();
            w.varint(shared as u64);
            w.bytes(&kb[shared..]);
            prev_key = kb;
            // The table holds every writer, so the search cannot fail.
            w.varint(table.binary_search(&e.dot.replica).unwrap_or(0) as u64);
            w.varint(e.dot.counter);
            w.varint(e.ts.physical - base);
            w.varint(e.ts.logical.saturating_mul(2) | u64::from(e.value.is_some()));
            if let Some(v) = &e.value {
                v.encode(w);
            }
        }
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        let ctx = DotSet::read(r)?;
        let n = r.count("replica table", 1)?;
        let mut table = Vec::with_capacity(n);
        let mut prev = None;
        for _ in 0..n {
            table.push(read_ascending(r, &mut prev, "replica id")?);
        }
        let base = r.varint("base time")?;
        let n = r.count("map size", 6)?;
        let mut entries = BTreeMap::new();
        let mut prev_key: Vec<u8> = Vec::new();
        let mut used = vec![false; table.len()];
        let mut last = Timestamp::default();
        for i in 0..n {
            let at = r.pos();
            let shared = r.varint("shared prefix")?;
            let suffix = r.bytes("key suffix")?;
            let shared = usize::try_from(shared)
                .ok()
                .filter(|&s| s <= prev_key.len())
                .ok_or_else(|| {
                    CrdtError::malformed(at, "shared prefix longer than the previous key")
                })?;
            // Canonical: the shared prefix is maximal and keys strictly ascend.
            if i > 0 && shared < prev_key.len() && suffix.first() == prev_key.get(shared) {
                return Err(CrdtError::malformed(at, "key prefix not maximal"));
            }
            let mut kb = prev_key[..shared].to_vec();
            kb.extend_from_slice(suffix);
            if i > 0 && kb <= prev_key {
                return Err(CrdtError::malformed(at, "keys not strictly ascending"));
            }
            let key = String::from_utf8(kb.clone())
                .map_err(|_| CrdtError::malformed(at, "key is not UTF-8"))?;
            prev_key = kb;
            let iat = r.pos();
            let idx = r.varint("replica index")?;
            let slot = usize::try_from(idx)
                .ok()
                .filter(|&i| i < table.len())
                .ok_or_else(|| CrdtError::malformed(iat, "replica index outside the table"))?;
            used[slot] = true;
            let counter = r.varint_min("dot counter", 1)?;
            let pat = r.pos();
            let physical = base
                .checked_add(r.varint("physical time")?)
                .ok_or_else(|| CrdtError::malformed(pat, "time overflow"))?;
            let lp = r.varint("logical time")?;
            let ts = Timestamp::new(physical, lp >> 1);
            let value = if lp & 1 == 1 {
                Some(V::decode(r)?)
            } else {
                None
            };
            last = last.max(ts);
            entries.insert(
                key,
                LwwEntry {
                    value,
                    ts,
                    dot: Dot::new(table[slot], counter),
                },
            );
        }
        if used.iter().any(|u| !u) {
            return Err(CrdtError::malformed(r.pos(), "unused replica in the table"));
        }
        if !entries.is_empty() && entries.values().map(|e| e.ts.physical).min() != Some(base) {
            return Err(CrdtError::malformed(
                r.pos(),
                "base time is not the smallest time",
            ));
        }
        if entries.is_empty() && base != 0 {
            return Err(CrdtError::malformed(
                r.pos(),
                "base time of an empty map must be 0",
            ));
        }
        let maybe_tombstones = entries.values().any(|e| e.value.is_none());
        Ok(LWWMap {
            entries,
            ctx,
            last,
            maybe_tombstones,
        })
    }
}
