//! The supervision event stream (restarts, give-ups, capability denials, upgrades) and the
//! behaviour version of each upgradable actor: kept per system, bounded, lock-free.

use std::collections::HashMap;
use std::time::Duration;

use arc_swap::ArcSwap;
use crossbeam_queue::ArrayQueue;

use super::{ActorRef, ExitReason};

/// Something supervision, capabilities or upgrades did (see [`super::System::take_otp_events`]).
///
/// ```
/// use katalyst::actor::*;
/// let e = OtpEvent::Upgraded { actor: ActorRef::from_parts([0, 1, 1]), from: 1, to: 2, at: std::time::Duration::ZERO };
/// assert!(matches!(e, OtpEvent::Upgraded { to: 2, .. }));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum OtpEvent {
    /// A supervisor restarted a child.
    Restarted {
        /// The supervisor.
        supervisor: ActorRef,
        /// The child's spec id.
        child: String,
        /// Why the child exited.
        reason: ExitReason,
        /// When (system clock).
        at: Duration,
    },
    /// A supervisor reached its restart intensity and shut down.
    GaveUp {
        /// The supervisor.
        supervisor: ActorRef,
        /// When.
        at: Duration,
    },
    /// A message was refused for a missing capability.
    Denied {
        /// The protected actor.
        to: ActorRef,
        /// The sender, if an actor.
        from: Option<ActorRef>,
        /// The missing capability.
        missing: String,
        /// When.
        at: Duration,
    },
    /// An actor now runs behaviour version `to`.
    Upgraded {
        /// The actor.
        actor: ActorRef,
        /// The version it ran.
        from: u32,
        /// The version it runs.
        to: u32,
        /// When.
        at: Duration,
    },
    /// An upgrade failed; the old version keeps running.
    UpgradeFailed {
        /// The actor.
        actor: ActorRef,
        /// Why.
        message: String,
        /// When.
        at: Duration,
    },
}

pub(crate) struct Extensions {
    events: ArrayQueue<OtpEvent>,
    versions: ArcSwap<HashMap<ActorRef, u32>>,
}

impl Extensions {
    pub fn new() -> Self {
        Extensions {
            events: ArrayQueue::new(1024),
            versions: ArcSwap::from_pointee(HashMap::new()),
        }
    }

    pub fn push(&self, e: OtpEvent) {
        self.events.force_push(e);
    }

    pub fn take(&self) -> Vec<OtpEvent> {
        let mut v = Vec::new();
        while let Some(e) = self.events.pop() {
            v.push(e);
        }
        v
    }

    pub fn set_version(&self, actor: ActorRef, version: Option<u32>) {
        self.versions.rcu(|m| {
            let mut m = HashMap::clone(m);
            match version {
                Some(v) => m.insert(actor, v),
                None => m.remove(&actor),
            };
            m
        });
    }

    pub fn version(&self, actor: ActorRef) -> Option<u32> {
        self.versions.load().get(&actor).copied()
    }
}
