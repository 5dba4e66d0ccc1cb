//! Pinned capability sets. A set that one thread keeps sending to the same actor is pinned:
//! its system keeps it until it stops, and envelopes carry its index instead of a reference.
//!
//! A reference per message costs an atomic increment at the sender and a decrement at the
//! receiver, on a count the two cores share: in wasm that was 6–8 % of an actor-to-actor cast
//! (`benches/results/README.md`, #7). An index costs neither. Sets are immutable and a check
//! never depends on whether a set is pinned; the bound keeps what is never freed small.

use std::sync::Arc;

use super::CapSet;

/// Sets a system pins at most; past that, sets travel as references.
pub(crate) const PINNED_SETS: usize = 1024;

/// Admissions of one set to one actor, from one thread, after which the set is pinned.
pub(crate) const PIN_AFTER: u32 = 32;

/// A pinned set's index in its system's [`PinnedSets`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PinnedId(u32);

/// The capabilities an envelope carries (and a handler's context, from its message).
#[derive(Clone, Debug)]
pub(crate) enum Carried {
    Pinned(PinnedId),
    Shared(CapSet),
}

impl Carried {
    /// What the runtime's own messages carry (`EXIT`, `DOWN`, upgrade and rollback requests):
    /// the empty set. A guard lets them in (a value cast by a sender cannot pass for one), and
    /// they grant the handler's own sends nothing.
    pub const RUNTIME: Carried = Carried::Pinned(PinnedSets::EMPTY);

    pub fn pinned(&self) -> Option<PinnedId> {
        match self {
            Carried::Pinned(id) => Some(*id),
            Carried::Shared(_) => None,
        }
    }
}

/// A system's pinned sets; index 0 is the empty set (what a handler without capabilities
/// sends through the authority).
pub(crate) struct PinnedSets {
    sets: boxcar::Vec<CapSet>,
    empty: CapSet,
}

impl PinnedSets {
    pub const EMPTY: PinnedId = PinnedId(0);

    pub fn new() -> Self {
        let empty: CapSet = Arc::new([]);
        let sets = boxcar::Vec::new();
        sets.push(empty.clone());
        Self { sets, empty }
    }

    /// The set `id` names. Ids come only from [`PinnedSets::pin`] of this system, published
    /// after the push; were one ever missing, the empty set grants nothing.
    pub fn get(&self, id: PinnedId) -> &CapSet {
        self.sets.get(id.0 as usize).unwrap_or(&self.empty)
    }

    pub fn resolve<'a>(&'a self, caps: &'a Carried) -> &'a CapSet {
        match caps {
            Carried::Pinned(id) => self.get(*id),
            Carried::Shared(set) => set,
        }
    }

    /// Pins `set`, or finds a pinned set with the same tokens (a set made per call, such as
    /// the page's, takes no new entry each time). `None` once [`PINNED_SETS`] are pinned,
    /// without a search: a full registry costs a sender nothing more. Two threads pinning
    /// equal sets at once may pin both; either id names the same tokens.
    pub fn pin(&self, set: &CapSet) -> Option<PinnedId> {
        if self.sets.count() >= PINNED_SETS {
            return None;
        }
        let same = |s: &CapSet| {
            // Tags first: two different tokens almost always differ in the first bytes.
            Arc::ptr_eq(s, set)
                || (s.len() == set.len()
                    && s.iter()
                        .zip(set.iter())
                        .all(|(a, b)| a.tag == b.tag && a == b))
        };
        if let Some((i, _)) = self.sets.iter().find(|(_, s)| same(s)) {
            return Some(PinnedId(i as u32));
        }
        Some(PinnedId(self.sets.push(set.clone()) as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::capability::CapToken;

    fn set2(n: u16) -> CapSet {
        let mut tag = [0; 32];
        tag[..2].copy_from_slice(&n.to_le_bytes());
        let t = CapToken {
            cap: crate::actor::capability::Capability::new("x"),
            tag,
            issuer: 0,
        };
        Arc::new([t])
    }

    fn set(n: u8) -> CapSet {
        set2(0x8000 | u16::from(n))
    }

    #[test]
    fn a_set_is_pinned_once_and_resolves_to_itself() {
        let p = PinnedSets::new();
        let a = set(1);
        let id = p.pin(&a).unwrap();
        assert_ne!(id, PinnedSets::EMPTY);
        assert_eq!(p.pin(&a), Some(id));
        assert!(Arc::ptr_eq(p.get(id), &a));
        assert!(Arc::ptr_eq(p.resolve(&Carried::Pinned(id)), &a));
        assert!(p.get(PinnedSets::EMPTY).is_empty());
        // An id this system never gave names the empty set.
        assert!(p.get(PinnedId(7)).is_empty());
    }

    #[test]
    fn an_equal_set_finds_the_pinned_one() {
        let p = PinnedSets::new();
        let id = p.pin(&set(1)).unwrap();
        assert_eq!(p.pin(&set(1)), Some(id));
        assert_ne!(p.pin(&set(2)), Some(id));
        let empty: CapSet = Arc::new([]);
        assert_eq!(p.pin(&empty), Some(PinnedSets::EMPTY));
    }

    #[test]
    fn pinning_stops_at_the_bound() {
        let p = PinnedSets::new();
        let kept: Vec<CapSet> = (1..PINNED_SETS).map(|n| set2(n as u16)).collect();
        for s in &kept {
            assert!(p.pin(s).is_some());
        }
        assert_eq!(p.pin(&set(0)), None);
        assert_eq!(p.pin(&kept[3]), None, "a full registry is not searched");
    }
}
