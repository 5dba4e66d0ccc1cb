//! The two-step sync protocol and the replica wrapper that remembers what peers have seen.
//!
//! Step 1: a replica sends [`Replica::sync_request`] — its id and version vector(s).
//! Step 2: the peer answers with [`Replica::sync_response`] — an ordinary encoded delta holding
//! exactly what the first lacks (computed from per-dot data in the state, so nothing is logged
//! and a reconnect after a long offline period sends only what changed). The first applies it
//! with [`Replica::apply`] (or plain `merge`).

use super::codec::{check_size, tag, DecodeOptions, Reader, Writer};
use super::crdt_trait::Crdt;
use super::error::CrdtError;
use super::vclock::VClock;
use super::ReplicaId;
use std::collections::{BTreeMap, BTreeSet};

/// Sync step 1: who asks, for which type, and what it has seen.
///
/// ```
/// use katalyst::crdt::{SyncRequest, VClock};
/// let req = SyncRequest { type_tag: 2, replica: 7, versions: vec![VClock::from_entries([(7, 3)])] };
/// assert_eq!(SyncRequest::decode(&req.encode(), &Default::default()).unwrap(), req);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncRequest {
    /// The CRDT type tag the requester holds.
    pub type_tag: u8,
    /// The requester's replica id.
    pub replica: ReplicaId,
    /// Its version vector(s) (see [`Crdt::versions`]).
    pub versions: Vec<VClock>,
}

impl SyncRequest {
    /// Encodes: version byte, the sync-request tag, type tag, replica, version vectors.
    ///
    /// ```
    /// let req = katalyst::crdt::SyncRequest { type_tag: 2, replica: 1, versions: vec![] };
    /// assert_eq!(req.encode()[1], 0x20);
    /// ```
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_header(tag::SYNC_REQUEST);
        w.u8(self.type_tag);
        w.varint(self.replica);
        w.varint(self.versions.len() as u64);
        for v in &self.versions {
            v.write(&mut w);
        }
        w.into_bytes()
    }
    /// Decodes and validates a request.
    ///
    /// ```
    /// assert!(katalyst::crdt::SyncRequest::decode(&[1, 0x20], &Default::default()).is_err());
    /// ```
    pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<SyncRequest, CrdtError> {
        check_size(bytes, opts)?;
        let mut r = Reader::new(bytes);
        r.header(tag::SYNC_REQUEST, "a sync request")?;
        let type_tag = r.u8("type tag")?;
        let replica = r.varint("replica id")?;
        let n = r.count("version count", 1)?;
        let mut versions = Vec::with_capacity(n);
        for _ in 0..n {
            versions.push(VClock::read(&mut r)?);
        }
        r.finish()?;
        Ok(SyncRequest {
            type_tag,
            replica,
            versions,
        })
    }
}

/// A CRDT state owned by one replica, with what this replica knows of its peers (for garbage
/// collection) and the sync protocol.
///
/// Replica ids are `u64`s chosen by the application; two live replicas must never share one
/// (their dots would collide). JavaScript passes them as non-negative safe integers.
///
/// Garbage collection: removal metadata whose event every known replica has seen is dropped.
/// Known replicas are this one, every replica that wrote to the state, and every replica that
/// sent a sync request; a peer's version counts only once this replica has caught up with
/// that peer's own events (so no write concurrent with a removal can still be in flight).
/// [`Replica::retire`] stops a departed replica from holding collection back; a retired
/// replica must not come back with its old state (it would need a fresh id).
///
/// ```
/// use katalyst::crdt::{ORSet, Replica};
/// let mut a = Replica::<ORSet<u64>>::new(1);
/// let mut b = Replica::<ORSet<u64>>::new(2);
/// a.update(|s, id| s.add(id, 10));
/// let req = b.sync_request();
/// let resp = a.sync_response(&req, &Default::default()).unwrap();
/// b.apply(&resp, &Default::default()).unwrap();
/// assert!(b.state().contains(&10));
/// ```
#[derive(Clone, Debug)]
pub struct Replica<T: Crdt> {
    id: ReplicaId,
    state: T,
    peers: BTreeMap<ReplicaId, VClock>,
    retired: BTreeSet<ReplicaId>,
}

impl<T: Crdt> Replica<T> {
    /// An empty replica with id `id`.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Replica::<katalyst::crdt::GCounter>::new(3).id(), 3);
    /// ```
    pub fn new(id: ReplicaId) -> Self {
        Self::with_state(id, T::default())
    }
    /// A replica holding `state` (e.g. decoded from storage).
    ///
    /// ```
    /// let r = katalyst::crdt::Replica::with_state(1, katalyst::crdt::GCounter::default());
    /// assert_eq!(r.state().value(), 0);
    /// ```
    pub fn with_state(id: ReplicaId, state: T) -> Self {
        Replica {
            id,
            state,
            peers: BTreeMap::new(),
            retired: BTreeSet::new(),
        }
    }
    /// This replica's id.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Replica::<katalyst::crdt::GCounter>::new(9).id(), 9);
    /// ```
    pub fn id(&self) -> ReplicaId {
        self.id
    }
    /// The state.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Replica::<katalyst::crdt::GCounter>::new(1).state().value(), 0);
    /// ```
    pub fn state(&self) -> &T {
        &self.state
    }
    /// Runs a mutator with this replica's id; returns its delta.
    ///
    /// ```
    /// let mut r = katalyst::crdt::Replica::<katalyst::crdt::GCounter>::new(1);
    /// let d = r.update(|s, id| s.increment(id, 2));
    /// assert_eq!(d.value(), 2);
    /// ```
    pub fn update<R>(&mut self, f: impl FnOnce(&mut T, ReplicaId) -> R) -> R {
        f(&mut self.state, self.id)
    }
    /// Joins another state or delta, then collects garbage.
    ///
    /// ```
    /// use katalyst::crdt::{GCounter, Replica};
    /// let mut r = Replica::<GCounter>::new(1);
    /// let mut other = GCounter::default();
    /// r.merge(&other.increment(2, 1));
    /// assert_eq!(r.state().value(), 1);
    /// ```
    pub fn merge(&mut self, other: &T) {
        self.state.merge(other);
        self.collect_garbage();
    }
    /// Decodes `bytes` fully (a state or delta of this type), then merges; unchanged on error.
    ///
    /// ```
    /// use katalyst::crdt::{GCounter, Replica};
    /// let mut r = Replica::<GCounter>::new(1);
    /// assert!(r.apply(&[1, 99], &Default::default()).is_err());
    /// ```
    pub fn apply(&mut self, bytes: &[u8], opts: &DecodeOptions) -> Result<(), CrdtError> {
        let other = T::decode_with(bytes, opts)?;
        self.state.merge_owned(other);
        self.collect_garbage();
        Ok(())
    }
    /// Sync step 1.
    ///
    /// ```
    /// let r = katalyst::crdt::Replica::<katalyst::crdt::GCounter>::new(1);
    /// assert_eq!(r.sync_request()[1], 0x20);
    /// ```
    pub fn sync_request(&self) -> Vec<u8> {
        SyncRequest {
            type_tag: T::TAG,
            replica: self.id,
            versions: self.state.versions(),
        }
        .encode()
    }
    /// Sync step 2: the encoded delta the requester lacks. Also records the requester's
    /// version for garbage collection.
    ///
    /// ```
    /// use katalyst::crdt::{GCounter, Replica};
    /// let mut a = Replica::<GCounter>::new(1);
    /// a.update(|s, id| s.increment(id, 1));
    /// let b = Replica::<GCounter>::new(2);
    /// let resp = a.sync_response(&b.sync_request(), &Default::default()).unwrap();
    /// assert_eq!(katalyst::crdt::Crdt::decode(&resp).map(|g: GCounter| g.value()).unwrap(), 1);
    /// ```
    pub fn sync_response(
        &mut self,
        request: &[u8],
        opts: &DecodeOptions,
    ) -> Result<Vec<u8>, CrdtError> {
        let req = SyncRequest::decode(request, opts)?;
        if req.type_tag != T::TAG {
            return Err(CrdtError::BadTag {
                found: req.type_tag,
                expected: T::NAME,
            });
        }
        let delta = self.state.delta_since(&req.versions);
        if req.replica != self.id {
            let seen = req.versions.into_iter().next().unwrap_or_default();
            self.peers.insert(req.replica, seen);
            self.collect_garbage();
        }
        Ok(delta.encode())
    }
    /// Stops `replica` from holding garbage collection back.
    ///
    /// ```
    /// let mut r = katalyst::crdt::Replica::<katalyst::crdt::ORSet<u64>>::new(1);
    /// r.retire(2);
    /// ```
    pub fn retire(&mut self, replica: ReplicaId) {
        if replica != self.id {
            self.retired.insert(replica);
            self.peers.remove(&replica);
            self.collect_garbage();
        }
    }
    /// Records what `replica` has seen (as learned out of band).
    ///
    /// ```
    /// let mut r = katalyst::crdt::Replica::<katalyst::crdt::ORSet<u64>>::new(1);
    /// r.observe_peer(2, katalyst::crdt::VClock::default());
    /// ```
    pub fn observe_peer(&mut self, replica: ReplicaId, seen: VClock) {
        if replica != self.id && !self.retired.contains(&replica) {
            self.peers.entry(replica).or_default().merge_from(&seen);
        }
    }
    /// The events every known replica has seen (the causally stable frontier).
    ///
    /// ```
    /// use katalyst::crdt::{GCounter, Replica};
    /// let mut r = Replica::<GCounter>::new(1);
    /// r.update(|s, id| s.increment(id, 1));
    /// assert_eq!(r.stable_version().get(1), 1);
    /// ```
    pub fn stable_version(&self) -> VClock {
        let own = self.state.versions().into_iter().next().unwrap_or_default();
        let mut known = self.state.replicas();
        known.extend(self.peers.keys().copied());
        let mut frontier = own.clone();
        for j in known {
            if j == self.id || self.retired.contains(&j) {
                continue;
            }
            let Some(seen) = self.peers.get(&j) else {
                return VClock::default();
            };
            if own.get(j) < seen.get(j) {
                // Not caught up with j's own events: something concurrent may be in flight.
                return VClock::default();
            }
            frontier = frontier.meet(seen);
        }
        frontier
    }
    /// Drops removal metadata that every known replica has seen.
    ///
    /// ```
    /// use katalyst::crdt::{ORSet, Replica};
    /// let mut r = Replica::<ORSet<u64>>::new(1);
    /// r.update(|s, id| { s.add(id, 1); s.remove(id, &1) });
    /// r.collect_garbage();
    /// assert_eq!(r.state().pending_removals(), 0);
    /// ```
    pub fn collect_garbage(&mut self) {
        if !self.state.has_garbage() {
            return;
        }
        let stable = self.stable_version();
        if !stable.is_empty() {
            self.state.collect_garbage(&stable);
        }
    }
    /// Replaces the state (e.g. after loading), keeping peer knowledge.
    ///
    /// ```
    /// let mut r = katalyst::crdt::Replica::<katalyst::crdt::GCounter>::new(1);
    /// r.set_state(Default::default());
    /// ```
    pub fn set_state(&mut self, state: T) {
        self.state = state;
    }
}
