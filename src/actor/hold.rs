//! Holding an actor after its handler returned: the turn ends, but the actor handles nothing
//! else (messages, exit requests) until the [`Hold`] is released. How an asynchronous handler
//! (a JS `async handle` awaiting `ctx.call`) keeps per-actor message order without blocking its
//! worker: the worker goes on running other actors meanwhile.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Weak};

use super::system::Shared;
use super::ActorRef;

/// Requested by the handler; the turn has not ended yet.
const PENDING: u8 = 0;
/// The turn ended with the actor held (run state left RUNNING).
const ACTIVE: u8 = 1;
/// Released, or voided because the actor exited in the same turn.
const DONE: u8 = 2;

pub(crate) type HoldState = Arc<AtomicU8>;

/// Keeps an actor from handling anything until released (dropped). See [`Context::hold`].
///
/// [`Context::hold`]: super::Context::hold
pub struct Hold {
    sys: Weak<Shared>,
    actor: ActorRef,
    state: HoldState,
}

impl Hold {
    pub(crate) fn new(sys: Weak<Shared>, actor: ActorRef) -> (Hold, HoldState) {
        let state = Arc::new(AtomicU8::new(PENDING));
        (
            Hold {
                sys,
                actor,
                state: state.clone(),
            },
            state,
        )
    }

    /// The held actor.
    ///
    /// See [`Context::hold`](super::Context::hold) for an example.
    pub fn actor(&self) -> ActorRef {
        self.actor
    }

    /// Lets the actor run again (the same as dropping the hold).
    ///
    /// See [`Context::hold`](super::Context::hold) for an example.
    pub fn release(self) {}
}

impl Drop for Hold {
    fn drop(&mut self) {
        if self.state.swap(DONE, Ordering::AcqRel) != ACTIVE {
            return; // released before its turn ended (the turn goes on normally), or voided
        }
        let Some(sys) = self.sys.upgrade() else {
            return;
        };
        let slot = self.actor.id().slot;
        if let Some(cell) = sys.cell(slot) {
            // Messages may have queued before and during the hold: run it again in any case.
            if cell.end(true) {
                sys.sched.push(slot, None);
            }
        }
    }
}

impl std::fmt::Debug for Hold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hold").field("actor", &self.actor).finish()
    }
}

/// The turn ends with the actor held; false if the hold was released already.
pub(crate) fn commit(state: &HoldState) -> bool {
    state
        .compare_exchange(PENDING, ACTIVE, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

/// The actor exits in the turn that asked for the hold: releasing it later does nothing.
pub(crate) fn void(state: Option<HoldState>) {
    if let Some(s) = state {
        s.store(DONE, Ordering::Release);
    }
}
