//! Actor identities: plain integers, so a reference can cross workers, instances and JSON.

use std::fmt;
use std::str::FromStr;

/// Which actor, in which instance, in which incarnation of its slot.
///
/// `node` is the runtime instance (always 0 natively and in the shared-memory build; the
/// postMessage build numbers its workers). `slot` indexes the actor table; `generation` changes
/// every time a slot is reused (odd while an actor lives in it), so a stale reference is detected
/// and answered with `noproc` instead of reaching a newer actor.
///
/// ```
/// use katalyst::actor::ActorId;
/// let id = ActorId { node: 0, slot: 42, generation: 1 };
/// assert_eq!(id.to_string(), "<0.42.1>");
/// assert_eq!("<0.42.1>".parse::<ActorId>().unwrap(), id);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorId {
    /// Runtime instance.
    pub node: u16,
    /// Index in the actor table.
    pub slot: u32,
    /// Incarnation of the slot.
    pub generation: u32,
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}.{}.{}>", self.node, self.slot, self.generation)
    }
}

/// The text of an [`ActorId`] was not `<node.slot.generation>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("actor id: expected `<node.slot.generation>` with integers, got {0:?}")]
pub struct ParseActorIdError(pub String);

impl FromStr for ActorId {
    type Err = ParseActorIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseActorIdError(s.chars().take(64).collect());
        let inner = s
            .strip_prefix('<')
            .and_then(|r| r.strip_suffix('>'))
            .ok_or_else(bad)?;
        let mut parts = inner.split('.');
        let node = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let slot = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let generation = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(ActorId {
            node,
            slot,
            generation,
        })
    }
}

/// A handle to send to an actor. Copyable and serialisable (it is just its [`ActorId`]); it
/// stays valid in any worker, and once the actor is gone every use answers `noproc`.
///
/// ```
/// use katalyst::actor::{ActorId, ActorRef};
/// let r = ActorRef::from_id(ActorId { node: 0, slot: 3, generation: 5 });
/// assert_eq!(r.id().slot, 3);
/// assert_eq!(ActorRef::from_parts(r.to_parts()), r);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorRef {
    id: ActorId,
}

impl ActorRef {
    /// A reference to `id` (it may be stale; sends then fail with `noproc`).
    ///
    /// ```
    /// # use katalyst::actor::{ActorId, ActorRef};
    /// let r = ActorRef::from_id(ActorId { node: 0, slot: 0, generation: 1 });
    /// assert_eq!(r.id().generation, 1);
    /// ```
    pub fn from_id(id: ActorId) -> Self {
        ActorRef { id }
    }

    /// The identity behind this reference.
    ///
    /// ```
    /// # use katalyst::actor::{ActorId, ActorRef};
    /// let id = ActorId { node: 1, slot: 2, generation: 3 };
    /// assert_eq!(ActorRef::from_id(id).id(), id);
    /// ```
    pub fn id(&self) -> ActorId {
        self.id
    }

    /// `[node, slot, generation]`, each exactly representable as a JavaScript number.
    ///
    /// ```
    /// # use katalyst::actor::{ActorId, ActorRef};
    /// let r = ActorRef::from_id(ActorId { node: 1, slot: 2, generation: 3 });
    /// assert_eq!(r.to_parts(), [1, 2, 3]);
    /// ```
    pub fn to_parts(&self) -> [u32; 3] {
        [u32::from(self.id.node), self.id.slot, self.id.generation]
    }

    /// The inverse of [`ActorRef::to_parts`] (a node above `u16::MAX` is truncated).
    ///
    /// ```
    /// # use katalyst::actor::ActorRef;
    /// assert_eq!(ActorRef::from_parts([0, 9, 1]).id().slot, 9);
    /// ```
    pub fn from_parts(parts: [u32; 3]) -> Self {
        ActorRef {
            id: ActorId {
                node: parts[0] as u16,
                slot: parts[1],
                generation: parts[2],
            },
        }
    }
}

impl fmt::Display for ActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.id.fmt(f)
    }
}

/// Identifies one outstanding call made by an actor; its reply arrives with the same id.
///
/// ```
/// let r = katalyst::actor::RequestId(7);
/// assert_eq!(r.0, 7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_malformed_ids() {
        for s in [
            "",
            "<>",
            "<1.2>",
            "<1.2.3.4>",
            "1.2.3",
            "<a.2.3>",
            "<70000.1.1>",
        ] {
            assert!(s.parse::<ActorId>().is_err(), "{s}");
        }
    }
}
