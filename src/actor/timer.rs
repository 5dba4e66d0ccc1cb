//! Timers: `send_after` and call timeouts. Anyone may add a timer without locking (a lock-free
//! inbox); whichever worker gets the heap with `try_lock` fires what is due. Nobody waits.

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_queue::SegQueue;

use super::call::ReplyTo;
use super::{ActorId, ActorRef, Message};

pub(crate) enum TimerAction {
    Send {
        to: ActorRef,
        from: Option<ActorRef>,
        msg: Message,
        cancelled: Arc<AtomicBool>,
    },
    CallTimeout {
        reply: ReplyTo,
        target: ActorId,
        after_ms: u64,
    },
}

impl TimerAction {
    /// Whether firing it would still do something (finished calls and cancelled sends would not).
    fn is_live(&self) -> bool {
        match self {
            TimerAction::Send { cancelled, .. } => !cancelled.load(Ordering::Acquire),
            TimerAction::CallTimeout { reply, .. } => !reply.shared().is_done(),
        }
    }
}

/// Below this many queued timers nothing is compacted.
const COMPACT_MIN: usize = 4096;

pub(crate) struct Entry {
    pub at: u64,
    seq: u64,
    pub action: TimerAction,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    // Reversed: BinaryHeap is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

pub(crate) struct Timers {
    inbox: SegQueue<Entry>,
    heap: Mutex<BinaryHeap<Entry>>,
    /// Earliest deadline known (ns), `u64::MAX` if none.
    next: AtomicU64,
    seq: AtomicU64,
    /// Timers queued (inbox + heap), and the size at which dead ones are swept out: every call
    /// queues a timeout that usually outlives the call, so without sweeping a busy system would
    /// hold `rate × timeout` of them.
    queued: AtomicUsize,
    compact_at: AtomicUsize,
}

impl Timers {
    pub fn new() -> Self {
        Timers {
            inbox: SegQueue::new(),
            heap: Mutex::new(BinaryHeap::new()),
            next: AtomicU64::new(u64::MAX),
            seq: AtomicU64::new(0),
            queued: AtomicUsize::new(0),
            compact_at: AtomicUsize::new(COMPACT_MIN),
        }
    }

    /// Queues a timer; true if it is now the earliest known.
    pub fn add(&self, at: u64, action: TimerAction) -> bool {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        self.inbox.push(Entry { at, seq, action });
        self.queued.fetch_add(1, Ordering::Relaxed);
        self.next.fetch_min(at, Ordering::AcqRel) > at
    }

    pub fn next_deadline(&self) -> Option<u64> {
        match self.next.load(Ordering::Acquire) {
            u64::MAX => None,
            t => Some(t),
        }
    }

    /// Takes every timer due at `now` (and sweeps dead timers when many are queued); empty if
    /// none is due or another thread holds the heap.
    pub fn take_due(&self, now: u64) -> Vec<TimerAction> {
        let sweep = self.queued.load(Ordering::Relaxed) >= self.compact_at.load(Ordering::Relaxed);
        if self.next.load(Ordering::Acquire) > now && !sweep {
            return Vec::new();
        }
        let Ok(mut heap) = self.heap.try_lock() else {
            return Vec::new();
        };
        let mut due = Vec::new();
        loop {
            while let Some(e) = self.inbox.pop() {
                heap.push(e);
            }
            if heap.len() >= self.compact_at.load(Ordering::Relaxed) {
                heap.retain(|e| e.action.is_live());
                self.compact_at
                    .store((2 * heap.len()).max(COMPACT_MIN), Ordering::Relaxed);
            }
            while heap.peek().is_some_and(|e| e.at <= now) {
                if let Some(e) = heap.pop() {
                    due.push(e.action);
                }
            }
            let next = heap.peek().map_or(u64::MAX, |e| e.at);
            self.next.store(next, Ordering::Release);
            self.queued.store(heap.len(), Ordering::Relaxed);
            // An add that raced with the store above is still in the inbox: go round again.
            if self.inbox.is_empty() {
                break;
            }
        }
        due
    }

    /// About how many timers are queued (finished calls' timeouts included until swept).
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Takes every timer (at shutdown).
    pub fn take_all(&self) -> Vec<TimerAction> {
        let mut out = Vec::new();
        // Spin rather than wait (this may run on a browser main thread); a worker holds the
        // heap only briefly, and one that died holding it must not hang the caller.
        let mut heap = None;
        for _ in 0..1_000_000 {
            if let Ok(h) = self.heap.try_lock() {
                heap = Some(h);
                break;
            }
            std::hint::spin_loop();
        }
        if let Some(mut heap) = heap {
            while let Some(e) = self.inbox.pop() {
                heap.push(e);
            }
            out.extend(heap.drain().map(|e| e.action));
        }
        while let Some(e) = self.inbox.pop() {
            out.push(e.action);
        }
        self.next.store(u64::MAX, Ordering::Release);
        self.queued.store(0, Ordering::Relaxed);
        out
    }
}

/// A pending `send_after`; [`TimerRef::cancel`] stops it if it has not fired.
///
/// ```
/// # use katalyst::actor::*;
/// # let ex = NativeExecutor::start(Config::default()).unwrap();
/// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
/// let t = ex.system().send_after(a, Message::Int(1), std::time::Duration::from_secs(60)).unwrap();
/// t.cancel();
/// ```
#[derive(Clone, Debug)]
pub struct TimerRef {
    pub(crate) cancelled: Arc<AtomicBool>,
}

impl TimerRef {
    /// Cancels the timer (no effect once it fired).
    ///
    /// See [`TimerRef`] for an example.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
    }
}
