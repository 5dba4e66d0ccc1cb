//! Holding an actor after its handler returned: the turn ends, but the actor handles nothing
//! else (messages, exit requests) until the [`Hold`] is released. How an asynchronous handler
//! (a JS `async handle` awaiting `ctx.call`) keeps per-actor message order without blocking its
//! worker: the worker goes on running other actors meanwhile.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Weak};

use super::call::ReplyTo;
use super::system::Shared;
use super::ActorRef;

/// Requested by the handler; the turn has not ended yet.
const PENDING: u8 = 0;
/// The turn ended with the actor held (run state left RUNNING).
const ACTIVE: u8 = 1;
/// Released, or voided because the actor exited in the same turn.
const DONE: u8 = 2;

pub(crate) struct HoldInner {
    state: AtomicU8,
    /// The call being handled when the hold was taken (if any), so that a reaper can answer
    /// it when the holding worker dies.
    pub reply: Option<ReplyTo>,
}

pub(crate) type HoldState = Arc<HoldInner>;

/// Keeps an actor from handling anything until released (dropped). See [`Context::hold`].
///
/// [`Context::hold`]: super::Context::hold
pub struct Hold {
    sys: Weak<Shared>,
    actor: ActorRef,
    state: HoldState,
}

impl Hold {
    pub(crate) fn new(
        sys: Weak<Shared>,
        actor: ActorRef,
        reply: Option<ReplyTo>,
    ) -> (Hold, HoldState) {
        let state = Arc::new(HoldInner {
            state: AtomicU8::new(PENDING),
            reply,
        });
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
        if self.state.state.swap(DONE, Ordering::AcqRel) != ACTIVE {
            return; // released before its turn ended (the turn goes on normally), or voided
        }
        if let Some(sys) = self.sys.upgrade() {
            resume(&sys, self.actor);
        }
    }
}

impl std::fmt::Debug for Hold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hold").field("actor", &self.actor).finish()
    }
}

/// Lets a held actor run again.
fn resume(sys: &Shared, actor: ActorRef) {
    let slot = actor.id().slot;
    if let Some(cell) = sys.cell(slot) {
        // Messages may have queued before and during the hold: run it again in any case (on
        // its own worker if it is pinned: a pinned actor's JS state lives in that realm).
        if cell.end(true) {
            sys.schedule(slot, cell, None);
        }
    }
}

/// The turn ends with the actor held; false if the hold was released already.
pub(crate) fn commit(state: &HoldState) -> bool {
    state
        .state
        .compare_exchange(PENDING, ACTIVE, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

/// Whether the hold is still in force (for pruning the worker's list of holds).
pub(crate) fn is_active(state: &HoldState) -> bool {
    state.state.load(Ordering::Acquire) == ACTIVE
}

/// The actor exits in the turn that asked for the hold: releasing it later does nothing.
pub(crate) fn void(state: Option<HoldState>) {
    if let Some(s) = state {
        s.state.store(DONE, Ordering::Release);
    }
}

/// The worker that held `actor` died (the hold's owner died with it): if the hold is still in
/// force, takes it over and lets the actor run again. True if it did (the caller queues an
/// exit for the actor first).
pub(crate) fn take_over(sys: &Shared, actor: ActorRef, state: &HoldState) -> bool {
    if state
        .state
        .compare_exchange(ACTIVE, DONE, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return false;
    }
    resume(sys, actor);
    true
}
