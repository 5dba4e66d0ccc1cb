//! What every replicated type offers: join, versions for sync, deltas, codec.

use super::codec::{check_size, DecodeOptions, Reader, Writer};
use super::error::CrdtError;
use super::vclock::VClock;
use super::ReplicaId;
use std::collections::BTreeSet;

/// A state-based CRDT with deltas.
///
/// `merge` is a join: commutative, associative and idempotent, and it accepts full states and
/// deltas (which are values of the same type) alike. `versions` summarises the events a state
/// has seen; `delta_since` answers sync step 2 with exactly what a peer with those versions
/// lacks.
///
/// ```
/// use katalyst::crdt::{Crdt, GCounter};
/// let mut a = GCounter::default();
/// let d = a.increment(1, 5);
/// let mut b = GCounter::default();
/// b.merge(&d);
/// assert_eq!(b.encode(), a.encode());
/// assert_eq!(GCounter::decode(&a.encode()).unwrap().value(), 5);
/// ```
pub trait Crdt: Clone + Default + Sized {
    /// The type tag in encodings.
    const TAG: u8;
    /// The type's public name, used in error messages.
    const NAME: &'static str;
    /// Joins `other` (a state or a delta) into `self`.
    fn merge(&mut self, other: &Self);
    /// Joins `other`, consuming it (saves copies when merging decoded bytes).
    fn merge_owned(&mut self, other: Self) {
        self.merge(&other);
    }
    /// Version vectors summarising what this state has seen (one for most types).
    fn versions(&self) -> Vec<VClock>;
    /// The delta a replica whose versions are `seen` lacks.
    fn delta_since(&self, seen: &[VClock]) -> Self;
    /// Writes the body (after the header).
    fn encode_body(&self, w: &mut Writer);
    /// Reads and validates a body.
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError>;
    /// Every replica this state has seen an event from (garbage collection waits for all).
    fn replicas(&self) -> BTreeSet<ReplicaId> {
        self.versions()
            .iter()
            .flat_map(|v| v.iter().map(|(r, _)| r))
            .collect()
    }
    /// True when [`Crdt::collect_garbage`] might have something to drop (a cheap check, so
    /// merges of types without removal metadata skip the stability computation).
    fn has_garbage(&self) -> bool {
        false
    }
    /// Drops removal metadata whose events every replica has seen (`stable`).
    fn collect_garbage(&mut self, _stable: &VClock) {}

    /// The canonical encoding: version byte, type tag, body.
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_header(Self::TAG);
        self.encode_body(&mut w);
        w.into_bytes()
    }
    /// Decodes with the default limits.
    fn decode(bytes: &[u8]) -> Result<Self, CrdtError> {
        Self::decode_with(bytes, &DecodeOptions::default())
    }
    /// Decodes fully, refusing oversized, truncated, malformed or trailing input.
    fn decode_with(bytes: &[u8], opts: &DecodeOptions) -> Result<Self, CrdtError> {
        check_size(bytes, opts)?;
        let mut r = Reader::new(bytes);
        r.header(Self::TAG, Self::NAME)?;
        let v = Self::decode_body(&mut r)?;
        r.finish()?;
        Ok(v)
    }
    /// Decodes `bytes` fully, then merges; on error `self` is unchanged.
    fn merge_bytes(&mut self, bytes: &[u8], opts: &DecodeOptions) -> Result<(), CrdtError> {
        let other = Self::decode_with(bytes, opts)?;
        self.merge_owned(other);
        Ok(())
    }
}
