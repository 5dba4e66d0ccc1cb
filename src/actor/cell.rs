//! One slot of the actor table, reused across incarnations, and its scheduling state machine.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::call::CallShared;
use super::capability::Carried;
use super::link::{ExitSignal, Signals};
use super::mailbox::Mailbox;
use super::mpsc::MpscQueue;
use super::{Behaviour, RequestId};

// Run states. An actor is in at most one run queue and run by at most one worker:
// IDLE -> SCHEDULED (a sender enqueued it) -> RUNNING (a worker took it) -> IDLE or SCHEDULED.
// A send during RUNNING marks NOTIFIED so the worker re-enqueues it instead of idling.
const IDLE: u8 = 0;
const SCHEDULED: u8 = 1;
const RUNNING: u8 = 2;
const NOTIFIED: u8 = 3;

/// The actor's private state, owned by whichever worker runs it (moved out of the cell for the
/// duration of a turn, so no lock is held while a handler runs).
pub(crate) struct ActorCore {
    pub behaviour: Box<dyn Behaviour>,
    pub needs_init: bool,
    /// Calls this actor made that still await a result.
    pub pending: HashMap<RequestId, Arc<CallShared>>,
    /// Links, monitors, trap_exit.
    pub signals: Signals,
    /// Capabilities carried by the message being handled.
    pub caps: Option<Carried>,
}

/// Aligned so that no two actors share a cache line, nor a pair of lines (x86 fetches lines in
/// aligned 128-byte pairs; crossbeam's `CachePadded` assumes 64 on wasm32, which cannot know
/// its host). Unaligned, whether two actors' cells shared a line depended on where the heap
/// started: a 64-byte shift of it made page-to-actor casts 3× slower in Chromium.
#[repr(align(128))]
pub(crate) struct Cell {
    /// Odd while an actor lives here; bumped at spawn and at exit.
    pub generation: AtomicU32,
    run: AtomicU8,
    pub mailbox: Mailbox,
    /// Exit requests from `stop`, tagged with the incarnation they target.
    pub exits: MpscQueue<(u32, ExitSignal)>,
    /// Mirrors the actor's `trap_exit` so senders can route exit signals (see `link.rs`).
    pub trap_exit: AtomicBool,
    core: Mutex<Option<Box<ActorCore>>>,
    pub processed: AtomicU64,
    pub errors: AtomicU64,
    pub service_ns: AtomicU64,
    /// While a turn runs: when its service time not yet in `service_ns` began (the turn's
    /// start or its latest reply), and `processed` then; 0 between turns. See
    /// [`Cell::serving_from`].
    serving_since: AtomicU64,
    processed_since: AtomicU64,
    /// Set by the watchdog while the current turn overruns its limit.
    pub overrun: AtomicBool,
    pub named: AtomicBool,
    /// The worker this actor must run on ([`NOT_PINNED`] for any).
    pub pin: AtomicU32,
}

/// [`Cell::pin`] of an actor any worker may run.
pub(crate) const NOT_PINNED: u32 = u32::MAX;

impl Cell {
    pub fn new() -> Self {
        Cell {
            generation: AtomicU32::new(0),
            run: AtomicU8::new(IDLE),
            mailbox: Mailbox::new(),
            exits: MpscQueue::new(),
            trap_exit: AtomicBool::new(false),
            pin: AtomicU32::new(NOT_PINNED),
            core: Mutex::new(None),
            processed: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            service_ns: AtomicU64::new(0),
            serving_since: AtomicU64::new(0),
            processed_since: AtomicU64::new(0),
            overrun: AtomicBool::new(false),
            named: AtomicBool::new(false),
        }
    }

    pub fn is_alive_gen(&self, generation: u32) -> bool {
        generation & 1 == 1 && self.generation.load(Ordering::Acquire) == generation
    }

    /// After a push: true if the caller must put the actor on a run queue.
    pub fn notify(&self) -> bool {
        let mut s = self.run.load(Ordering::Acquire);
        loop {
            let (to, enqueue) = match s {
                IDLE => (SCHEDULED, true),
                RUNNING => (NOTIFIED, false),
                _ => return false,
            };
            match self
                .run
                .compare_exchange(s, to, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return enqueue,
                Err(now) => s = now,
            }
        }
    }

    /// A worker takes the actor off a run queue.
    pub fn begin(&self) -> bool {
        self.run
            .compare_exchange(SCHEDULED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Spawn takes exclusive ownership of an idle slot.
    pub fn claim(&self) -> bool {
        self.run
            .compare_exchange(IDLE, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Ends a turn (or a claim). `more`: there may be more to do now. True if the caller must
    /// enqueue the actor again.
    pub fn end(&self, more: bool) -> bool {
        if more {
            self.run.store(SCHEDULED, Ordering::Release);
            return true;
        }
        match self
            .run
            .compare_exchange(RUNNING, IDLE, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => false,
            Err(_) => {
                // NOTIFIED: a message arrived while we ran.
                self.run.store(SCHEDULED, Ordering::Release);
                true
            }
        }
    }

    /// The running turn's service time from `now` on is not in `service_ns` yet (`now` = 0:
    /// the turn ended). Only the running worker writes these.
    pub fn serving_from(&self, now: u64) {
        if now != 0 {
            let processed = self.processed.load(Ordering::Relaxed);
            self.processed_since.store(processed, Ordering::Relaxed);
        }
        self.serving_since.store(now, Ordering::Relaxed);
    }

    /// The running turn's service time at `now` not yet in `service_ns`, and how many messages
    /// it finished meanwhile; `None` between turns.
    pub fn serving(&self, now: u64) -> Option<(u64, u64)> {
        let since = self.serving_since.load(Ordering::Relaxed);
        if since == 0 {
            return None;
        }
        let done = self.processed.load(Ordering::Relaxed);
        let before = self.processed_since.load(Ordering::Relaxed);
        Some((now.saturating_sub(since), done.saturating_sub(before)))
    }

    fn core_lock(&self) -> MutexGuard<'_, Option<Box<ActorCore>>> {
        // Only the run owner touches the core, and never panics while holding it.
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn take_core(&self) -> Option<Box<ActorCore>> {
        self.core_lock().take()
    }

    /// The core if it is in the cell and its lock is free (the reaper, which must not wait).
    pub fn try_take_core(&self) -> Option<Box<ActorCore>> {
        match self.core.try_lock() {
            Ok(mut c) => c.take(),
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner().take(),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    pub fn put_core(&self, core: Box<ActorCore>) {
        *self.core_lock() = Some(core);
    }

    /// The first exit request aimed at `generation`, discarding stale ones.
    pub fn take_exit(&self, generation: u32) -> Option<ExitSignal> {
        let mut exits = self.exits.consumer()?;
        while let Some((g, sig)) = exits.pop() {
            if g == generation {
                return Some(sig);
            }
        }
        None
    }

    pub fn clear_exits(&self) {
        if let Some(mut exits) = self.exits.consumer() {
            while exits.pop().is_some() {}
        }
    }

    pub fn reset_stats(&self) {
        self.processed.store(0, Ordering::Relaxed);
        self.errors.store(0, Ordering::Relaxed);
        self.service_ns.store(0, Ordering::Relaxed);
        self.overrun.store(false, Ordering::Relaxed);
        self.named.store(false, Ordering::Relaxed);
        self.trap_exit.store(false, Ordering::Relaxed);
        self.pin.store(NOT_PINNED, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cell_stays_small() {
        // 100 000 idle actors must fit in 100 MB with their behaviours (issue bar).
        let size = std::mem::size_of::<super::Cell>();
        println!("Cell: {size} bytes");
        assert!(size <= 256, "Cell grew to {size} bytes");
    }
}
