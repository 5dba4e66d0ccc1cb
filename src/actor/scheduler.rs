//! Run queues, work stealing and the park/wake protocol. Executors drive this through
//! [`WorkerHandle`]: run a bounded slice, and when idle park on the worker's wake word.

use std::sync::atomic::{
    fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crossbeam_deque::{Injector, Steal, Stealer, Worker};
use crossbeam_queue::SegQueue;

use super::cell::ActorCore;
use super::panic::{self as panic_note, DeathNote};
use super::system::Shared;
use super::turn;

/// The worker is running (or about to).
pub const AWAKE: u32 = 0;
/// The worker is parked, waiting on its wake word.
pub const SLEEPING: u32 = 1;

/// How an executor wakes a parked worker (native: a condvar; browser: `Atomics.notify` on the
/// worker's wake word, which the worker awaits with `Atomics.waitAsync`).
///
/// ```
/// struct Nobody;
/// impl katalyst::actor::Unpark for Nobody {
///     fn unpark(&self, _worker: usize) {}
/// }
/// ```
pub trait Unpark: Send + Sync + 'static {
    /// Wakes worker `worker`, whose wake word was just set to [`AWAKE`].
    fn unpark(&self, worker: usize);
}

/// One per worker, written by that worker on every turn: aligned like [`super::cell::Cell`]
/// so that a worker's counters never share a cache line with another worker's wake word.
#[repr(align(128))]
pub(crate) struct WorkerSlot {
    pub word: AtomicU32,
    /// The actor running now: `generation << 32 | slot`, 0 if none.
    pub current: AtomicU64,
    pub since: AtomicU64,
    /// What the watchdog reported about the current turn: 0 nothing, 1 long, 2 hung.
    pub reported: AtomicU8,
    pub busy_ns: AtomicU64,
    pub turns: AtomicU64,
    pub messages: AtomicU64,
    pub steals: AtomicU64,
    /// The core of the actor being run (owned by the turn; read only by the reaper once this
    /// worker is known dead, see `System::reap_worker`).
    pub core: AtomicPtr<ActorCore>,
    /// What the panic hook recorded on this worker's thread before it died (`panic=abort`).
    pub death: Mutex<Option<DeathNote>>,
    /// Reaped and not yet replaced.
    pub dead: AtomicBool,
    /// Replacements so far.
    pub replaced: AtomicU64,
    /// Index in `Scheduler::stealers` of this worker's current deque.
    pub stealer: AtomicUsize,
    /// Counted in `Scheduler::searching` (see [`WorkerHandle::begin_search`]).
    pub searching: AtomicBool,
    /// Actors held (`Context::hold`) by handlers that ran here: the reaper ends them if this
    /// worker dies before releasing them.
    pub holds: Mutex<Vec<(super::ActorRef, super::hold::HoldState)>>,
}

pub(crate) struct Scheduler {
    pub injector: Injector<u32>,
    /// Per worker: actors pinned to it (never stolen).
    pinned: Vec<SegQueue<u32>>,
    /// Append-only: a replaced worker's deque stays here (the others drain it) and its
    /// replacement's is appended.
    pub stealers: boxcar::Vec<Stealer<u32>>,
    locals: Mutex<Vec<Option<Worker<u32>>>>,
    pub workers: Vec<WorkerSlot>,
    sleepers: AtomicUsize,
    /// Idle workers looking for work before they park; while there is one, whoever queues an
    /// actor leaves it to them rather than waking a sleeper (Tokio's rule).
    searching: AtomicUsize,
    max_searching: usize,
    unpark: OnceLock<Arc<dyn Unpark>>,
}

impl Scheduler {
    pub fn new(n: usize) -> Self {
        let locals: Vec<Worker<u32>> = (0..n).map(|_| Worker::new_fifo()).collect();
        Scheduler {
            injector: Injector::new(),
            pinned: (0..n).map(|_| SegQueue::new()).collect(),
            stealers: locals.iter().map(|w| w.stealer()).collect(),
            locals: Mutex::new(locals.into_iter().map(Some).collect()),
            workers: (0..n)
                .map(|i| WorkerSlot {
                    word: AtomicU32::new(AWAKE),
                    current: AtomicU64::new(0),
                    since: AtomicU64::new(0),
                    reported: AtomicU8::new(0),
                    busy_ns: AtomicU64::new(0),
                    turns: AtomicU64::new(0),
                    messages: AtomicU64::new(0),
                    steals: AtomicU64::new(0),
                    core: AtomicPtr::new(std::ptr::null_mut()),
                    death: Mutex::new(None),
                    dead: AtomicBool::new(false),
                    replaced: AtomicU64::new(0),
                    stealer: AtomicUsize::new(i),
                    searching: AtomicBool::new(false),
                    holds: Mutex::new(Vec::new()),
                })
                .collect(),
            sleepers: AtomicUsize::new(0),
            searching: AtomicUsize::new(0),
            // Half the workers, as Tokio: enough to pick up work at once, few enough that idle
            // searchers do not take the cores from the threads that bring the work.
            max_searching: n.div_ceil(2),
            unpark: OnceLock::new(),
        }
    }

    pub fn set_unpark(&self, u: Arc<dyn Unpark>) -> bool {
        self.unpark.set(u).is_ok()
    }

    pub fn take_local(&self, i: usize) -> Option<Worker<u32>> {
        self.locals
            .lock()
            .ok()
            .and_then(|mut l| l.get_mut(i).and_then(Option::take))
    }

    /// Queues an actor that only worker `worker` may run, and wakes that worker.
    pub fn push_pinned(&self, slot: u32, worker: usize) {
        match self.pinned.get(worker) {
            Some(q) => {
                q.push(slot);
                fence(Ordering::SeqCst); // pairs with the fence in `begin_park`
                let _ = self.wake(worker);
            }
            None => self.push(slot, None),
        }
    }

    fn has_pinned(&self, worker: usize) -> bool {
        self.pinned.get(worker).is_some_and(|q| !q.is_empty())
    }

    pub fn push(&self, slot: u32, local: Option<&Worker<u32>>) {
        match local {
            Some(l) => l.push(slot),
            None => self.injector.push(slot),
        }
        self.wake_one();
    }

    pub fn has_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|(_, s)| !s.is_empty())
    }

    /// Forgets one sleeper (a reaped worker that was counted as parked).
    pub fn unsleep(&self) {
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
    }

    /// Takes worker `index` out of the searchers; true if it was the last one. Called on every
    /// turn a worker starts, so a worker that is not searching pays one plain load.
    pub fn stop_searching(&self, index: usize) -> bool {
        let counted = self.workers.get(index).is_some_and(|w| {
            w.searching.load(Ordering::Relaxed) && w.searching.swap(false, Ordering::SeqCst)
        });
        counted && self.searching.fetch_sub(1, Ordering::SeqCst) == 1
    }

    /// A fresh deque for worker `index` (its previous owner died): its stealer is appended.
    pub fn new_local(&self, index: usize) -> Worker<u32> {
        let local = Worker::new_fifo();
        let at = self.stealers.push(local.stealer());
        if let Some(w) = self.workers.get(index) {
            w.stealer.store(at, Ordering::Release);
        }
        local
    }

    /// The current run-queue length of worker `index`.
    pub fn queue_len(&self, index: usize) -> usize {
        self.workers
            .get(index)
            .and_then(|w| self.stealers.get(w.stealer.load(Ordering::Acquire)))
            .map_or(0, |s| s.len())
    }

    /// Wakes one parked worker, unless a worker is searching (it will find the work) or none
    /// is parked.
    pub fn wake_one(&self) {
        // Pairs with the fence in `begin_park`, which a searcher passes after it stops
        // searching: either we see the searcher or sleeper, or it sees our work.
        fence(Ordering::SeqCst);
        if self.searching.load(Ordering::SeqCst) > 0 || self.sleepers.load(Ordering::SeqCst) == 0 {
            return;
        }
        (0..self.workers.len()).any(|i| self.wake(i));
    }

    /// Wakes one parked worker if any, searchers or not.
    pub fn wake_sleeper(&self) {
        // Pairs with the fence in `begin_park`: either we see the sleeper, or it sees what we
        // published before calling this.
        fence(Ordering::SeqCst);
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            (0..self.workers.len()).any(|i| self.wake(i));
        }
    }

    /// Wakes worker `index` if it is parked (also used by the executor when it leaves the worker
    /// something outside the scheduler, e.g. a message in its event loop). True if it was.
    pub fn wake(&self, index: usize) -> bool {
        let Some(w) = self.workers.get(index) else {
            return false;
        };
        let woke = w
            .word
            .compare_exchange(SLEEPING, AWAKE, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if woke {
            self.sleepers.fetch_sub(1, Ordering::SeqCst);
            if let Some(u) = self.unpark.get() {
                u.unpark(index);
            }
        }
        woke
    }

    pub fn wake_all(&self) {
        for (i, w) in self.workers.iter().enumerate() {
            if w.word.swap(AWAKE, Ordering::SeqCst) == SLEEPING {
                self.sleepers.fetch_sub(1, Ordering::SeqCst);
            }
            if let Some(u) = self.unpark.get() {
                u.unpark(i);
            }
        }
    }
}

/// What a slice ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slice {
    /// It ran its full budget; there may be more work: run another slice soon (in a browser
    /// worker, after yielding to the event loop).
    Busy,
    /// No runnable actor was found: park (see [`WorkerHandle::begin_park`]).
    Idle,
}

/// Whether a worker should really sleep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Park {
    /// Work arrived (or the system halted) while preparing to sleep: run again.
    Retry,
    /// Sleep until the wake word is no longer [`SLEEPING`] or `timeout` (the next timer) passes,
    /// then call [`WorkerHandle::end_park`].
    Sleep {
        /// Until the next timer is due; `None`: no timer pending.
        timeout: Option<Duration>,
    },
}

/// One worker's handle on the scheduler; owned by the thread that runs it.
///
/// ```
/// use std::sync::Arc;
/// use katalyst::actor::*;
/// // A hand-driven single worker, as a browser worker would drive it slice by slice.
/// let sys = System::new(Config { workers: 1, ..Config::default() }, Arc::new(InstantClock::new())).unwrap();
/// let mut w = sys.worker(0).unwrap();
/// let a = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
/// let call = sys.call(a, Message::Int(3), std::time::Duration::from_secs(5)).unwrap();
/// while w.run_slice(64) == Slice::Busy {}
/// assert_eq!(call.try_take().unwrap().unwrap().as_int(), Some(3));
/// ```
pub struct WorkerHandle {
    pub(crate) sys: Arc<Shared>,
    pub(crate) index: usize,
    pub(crate) local: Worker<u32>,
    /// This worker's own entry in `Scheduler::stealers` (skipped when stealing).
    own: usize,
    tick: u64,
}

impl WorkerHandle {
    pub(crate) fn new(sys: Arc<Shared>, index: usize, local: Worker<u32>) -> Self {
        let own = sys
            .sched
            .workers
            .get(index)
            .map_or(usize::MAX, |w| w.stealer.load(Ordering::Acquire));
        WorkerHandle {
            sys,
            index,
            local,
            own,
            tick: 0,
        }
    }

    /// This worker's index.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// assert_eq!(sys.worker(0).unwrap().index(), 0);
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether the system halted (the executor should stop this worker).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// assert!(!sys.worker(0).unwrap().is_halted());
    /// ```
    pub fn is_halted(&self) -> bool {
        self.sys.is_halted()
    }

    /// The word this worker parks on (its address is what a browser worker passes to
    /// `Atomics.waitAsync`).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// let w = sys.worker(0).unwrap();
    /// assert_eq!(w.wake_word().load(std::sync::atomic::Ordering::SeqCst), AWAKE);
    /// ```
    pub fn wake_word(&self) -> &AtomicU32 {
        &self.sys.sched.workers[self.index].word
    }

    /// Fires due timers, then runs up to `max_turns` actor turns (each up to the message budget).
    ///
    /// See [`WorkerHandle`] for an example.
    pub fn run_slice(&mut self, max_turns: usize) -> Slice {
        self.run_slice_for(max_turns, Duration::MAX)
    }

    /// Like [`WorkerHandle::run_slice`], also returning `Busy` once `max_time` has passed
    /// (checked between turns): how a browser worker keeps its event loop responsive.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let sys = System::new(Config { workers: 1, ..Config::default() }, std::sync::Arc::new(InstantClock::new())).unwrap();
    /// let mut w = sys.worker(0).unwrap();
    /// assert_eq!(w.run_slice_for(1000, std::time::Duration::from_millis(4)), Slice::Idle);
    /// ```
    pub fn run_slice_for(&mut self, max_turns: usize, max_time: Duration) -> Slice {
        let now = self.sys.now_ns();
        let until = now.saturating_add(u64::try_from(max_time.as_nanos()).unwrap_or(u64::MAX));
        // So the panic hook knows which worker slot to leave its note in.
        panic_note::set_worker(&self.sys, self.index);
        self.sys.fire_timers(now, Some(&self.local));
        self.sys.maybe_watchdog(now);
        for turn in 0..max_turns.max(1) {
            if self.sys.is_halted() {
                turn::release_retired_caps();
                return Slice::Idle;
            }
            if turn > 0 && until != u64::MAX && self.sys.now_ns() >= until {
                return Slice::Busy;
            }
            match self.find() {
                Some((slot, stolen)) => {
                    // A searcher that found work leaves the search; if it was the last one and
                    // more work waits, someone must look for it (Tokio's rule).
                    if self.sys.sched.stop_searching(self.index) && self.sys.sched.has_work() {
                        self.sys.sched.wake_one();
                    }
                    if stolen {
                        self.sys.sched.workers[self.index]
                            .steals
                            .fetch_add(1, Ordering::Relaxed);
                    }
                    turn::run(&self.sys, &self.local, self.index, slot);
                }
                None => {
                    turn::release_retired_caps();
                    return Slice::Idle;
                }
            }
        }
        Slice::Busy
    }

    fn find(&mut self) -> Option<(u32, bool)> {
        let sched = &self.sys.sched;
        self.tick = self.tick.wrapping_add(1);
        // Now and then look at the shared queue first so it cannot starve behind local work.
        if let Some(t) = sched.pinned.get(self.index).and_then(SegQueue::pop) {
            return Some((t, false));
        }
        if self.tick % 61 == 0 {
            if let Some(t) = steal(|| sched.injector.steal_batch_and_pop(&self.local)) {
                return Some((t, false));
            }
        }
        if let Some(t) = self.local.pop() {
            return Some((t, false));
        }
        if let Some(t) = steal(|| sched.injector.steal_batch_and_pop(&self.local)) {
            return Some((t, false));
        }
        let n = sched.stealers.count();
        let start = (self.tick as usize) % n.max(1);
        for k in 0..n {
            let i = (start + k) % n;
            if i == self.own {
                continue;
            }
            let Some(victim) = sched.stealers.get(i) else {
                continue;
            };
            if let Some(t) = steal(|| victim.steal_batch_and_pop(&self.local)) {
                return Some((t, true));
            }
        }
        None
    }

    /// Asks to search for work before parking: true if this worker is a searcher now (it was
    /// already, or fewer than half the workers were). A searcher spins on
    /// [`WorkerHandle::has_work`] briefly; work queued meanwhile does not wake a sleeper, so a
    /// steady stream of messages costs neither a park nor a wake-up per message. It stops
    /// searching when it finds work or in [`WorkerHandle::begin_park`].
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let sys = System::new(Config { workers: 2, ..Config::default() }, std::sync::Arc::new(InstantClock::new())).unwrap();
    /// let (mut a, b) = (sys.worker(0).unwrap(), sys.worker(1).unwrap());
    /// assert!(a.begin_search());
    /// assert!(!b.begin_search()); // one searcher of two workers
    /// assert!(matches!(a.begin_park(), Park::Sleep { .. }));
    /// assert!(b.begin_search());
    /// ```
    pub fn begin_search(&self) -> bool {
        let sched = &self.sys.sched;
        let Some(me) = sched.workers.get(self.index) else {
            return false;
        };
        if me.searching.load(Ordering::Relaxed) {
            return true;
        }
        let admitted = sched
            .searching
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < sched.max_searching).then_some(n + 1)
            })
            .is_ok();
        if admitted {
            me.searching.store(true, Ordering::SeqCst);
        }
        admitted
    }

    /// Whether a runnable actor or a due timer is waiting (cheap: a few atomic loads). Executors
    /// spin on this briefly before parking, so a steady stream of messages does not pay a
    /// sleep and a wake-up per message.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// let w = sys.worker(0).unwrap();
    /// assert!(!w.has_work());
    /// sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// assert!(w.has_work());
    /// ```
    pub fn has_work(&self) -> bool {
        !self.local.is_empty()
            || self.sys.sched.has_work()
            || self.sys.sched.has_pinned(self.index)
            || self
                .sys
                .timers
                .next_deadline()
                .is_some_and(|t| t <= self.sys.now_ns())
    }

    /// Announces that this worker is about to sleep and re-checks for work (so a wake-up between
    /// the check and the sleep is never lost).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// let mut w = sys.worker(0).unwrap();
    /// assert_eq!(w.begin_park(), Park::Sleep { timeout: None });
    /// w.end_park();
    /// ```
    pub fn begin_park(&mut self) -> Park {
        let sched = &self.sys.sched;
        sched.stop_searching(self.index);
        let word = &sched.workers[self.index].word;
        word.store(SLEEPING, Ordering::SeqCst);
        sched.sleepers.fetch_add(1, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let now = self.sys.now_ns();
        let next = self.sys.timers.next_deadline();
        if self.sys.is_halted()
            || !self.local.is_empty()
            || sched.has_work()
            || sched.has_pinned(self.index)
        {
            self.end_park();
            return Park::Retry;
        }
        match next {
            Some(t) if t <= now => {
                self.end_park();
                Park::Retry
            }
            Some(t) => Park::Sleep {
                timeout: Some(Duration::from_nanos(t - now)),
            },
            None => Park::Sleep { timeout: None },
        }
    }

    /// Marks this worker awake again after sleeping.
    ///
    /// See [`WorkerHandle::begin_park`].
    pub fn end_park(&mut self) {
        let sched = &self.sys.sched;
        if sched.workers[self.index].word.swap(AWAKE, Ordering::SeqCst) == SLEEPING {
            sched.sleepers.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        // Hand queued actors to the others rather than strand them.
        while let Some(t) = self.local.pop() {
            self.sys.sched.injector.push(t);
        }
    }
}

fn steal(mut f: impl FnMut() -> Steal<u32>) -> Option<u32> {
    loop {
        match f() {
            Steal::Success(t) => return Some(t),
            Steal::Empty => return None,
            Steal::Retry => continue,
        }
    }
}

pub(crate) fn pack(slot: u32, generation: u32) -> u64 {
    (u64::from(generation) << 32) | u64::from(slot)
}

pub(crate) fn unpack(v: u64) -> (u32, u32) {
    (v as u32, (v >> 32) as u32)
}
