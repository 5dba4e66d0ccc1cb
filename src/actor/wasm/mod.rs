//! Pieces of the browser `mt` executor that are plain Rust: waking a parked worker with
//! `memory.atomic.notify` on its wake word, and the main thread's completion queue (call ids
//! pushed by whichever worker finished a call, plus one notify word the main thread awaits with
//! `Atomics.waitAsync`). The JavaScript side lives in `pkg-template/actors/` and the
//! `#[wasm_bindgen]` plumbing in `src/bindings/actor.rs`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::Wake;

use crossbeam_queue::SegQueue;

use super::scheduler::Unpark;
use super::System;

/// Wakes every waiter of `word` (`Atomics.notify`); allowed on the browser main thread. A no-op
/// in builds without shared memory, where nobody can be waiting.
///
/// ```ignore
/// katalyst::actor::wasm::notify(&std::sync::atomic::AtomicU32::new(0));
/// ```
pub fn notify(word: &AtomicU32) {
    #[cfg(target_feature = "atomics")]
    // SAFETY: `word` is a live, aligned 32-bit atomic; notify only reads its address.
    unsafe {
        core::arch::wasm32::memory_atomic_notify(word.as_ptr().cast::<i32>(), u32::MAX);
    }
    #[cfg(not(target_feature = "atomics"))]
    let _ = word;
}

/// Wakes parked workers by notifying their wake words (which live in the system's shared
/// scheduler for as long as the system).
pub struct WasmUnpark {
    sys: System,
}

impl WasmUnpark {
    /// An unparker for `sys`'s workers.
    pub fn new(sys: System) -> Arc<Self> {
        Arc::new(WasmUnpark { sys })
    }
}

impl Unpark for WasmUnpark {
    fn unpark(&self, worker: usize) {
        if let Some(w) = self.sys.inner.sched.workers.get(worker) {
            notify(&w.word);
        }
    }
}

/// The address of worker `index`'s wake word in linear memory (for an `Int32Array` view).
pub fn wake_word_addr(sys: &System, index: usize) -> Option<usize> {
    sys.inner
        .sched
        .workers
        .get(index)
        .map(|w| w.word.as_ptr() as usize)
}

/// Calls finished for the main thread: ids in a lock-free queue and a counter word bumped and
/// notified after each push, so the main thread learns of replies without polling.
pub struct Completions {
    queue: SegQueue<u32>,
    word: AtomicU32,
}

impl Completions {
    /// An empty queue.
    pub const fn new() -> Self {
        Completions {
            queue: SegQueue::new(),
            word: AtomicU32::new(0),
        }
    }

    /// The notify word the main thread waits on.
    pub fn word(&self) -> &AtomicU32 {
        &self.word
    }

    /// Records that call `id` finished and wakes the main thread's waiter.
    pub fn push(&self, id: u32) {
        self.queue.push(id);
        self.word.fetch_add(1, Ordering::SeqCst);
        notify(&self.word);
    }

    /// The next finished call id.
    pub fn pop(&self) -> Option<u32> {
        self.queue.pop()
    }
}

impl Default for Completions {
    fn default() -> Self {
        Self::new()
    }
}

/// A waker that reports call `id` to a completion queue.
pub struct CompletionWaker {
    /// The call.
    pub id: u32,
    /// Where to report it.
    pub to: &'static Completions,
}

impl Wake for CompletionWaker {
    fn wake(self: Arc<Self>) {
        self.to.push(self.id);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.to.push(self.id);
    }
}
