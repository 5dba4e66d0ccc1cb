//! Snapshots of what the runtime is doing.

use std::time::Duration;

use super::{ActorRef, ExitReason};

/// One living actor.
///
/// ```
/// # use katalyst::actor::*;
/// # let ex = NativeExecutor::start(Config::default()).unwrap();
/// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
/// ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait().unwrap();
/// let s = ex.system().stats();
/// let mine = s.actors.iter().find(|x| x.actor == a).unwrap();
/// assert_eq!(mine.processed, 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ActorStats {
    /// Which actor.
    pub actor: ActorRef,
    /// Registered names.
    pub names: Vec<String>,
    /// Messages queued now.
    pub mailbox_len: usize,
    /// Mailbox bound.
    pub mailbox_capacity: usize,
    /// Messages handled.
    pub processed: u64,
    /// Handler failures and watchdog overruns.
    pub errors: u64,
    /// Mean time spent per handled message.
    pub mean_service_time: Duration,
}

/// One worker (thread) of the executor.
///
/// ```
/// # use katalyst::actor::*;
/// # let ex = NativeExecutor::start(Config { workers: 2, ..Config::default() }).unwrap();
/// assert_eq!(ex.system().stats().workers.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerStats {
    /// Worker index.
    pub index: usize,
    /// Fraction of its lifetime spent running actors, 0 to 1.
    pub load: f64,
    /// Actor turns run.
    pub turns: u64,
    /// Messages handled.
    pub messages: u64,
    /// Turns that ran an actor taken from another worker.
    pub steals: u64,
    /// Actors waiting in its run queue.
    pub run_queue_len: usize,
    /// The actor it runs now, if any.
    pub running: Option<ActorRef>,
    /// Times this worker died and was replaced (`System::replace_worker`).
    pub replaced: u64,
}

/// A snapshot of the whole system.
///
/// ```
/// # use katalyst::actor::*;
/// # let ex = NativeExecutor::start(Config::default()).unwrap();
/// let s = ex.system().stats();
/// assert_eq!(s.live, 0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SystemStats {
    /// Living actors.
    pub live: usize,
    /// Actors spawned since start.
    pub spawned: u64,
    /// Actors exited since start.
    pub exited: u64,
    /// Exits with a non-normal reason.
    pub failed: u64,
    /// Handlers reported by the watchdog.
    pub watchdog_reports: u64,
    /// Timers queued (send_after and call timeouts; those of finished calls until swept).
    pub pending_timers: usize,
    /// Per-actor figures.
    pub actors: Vec<ActorStats>,
    /// Per-worker figures.
    pub workers: Vec<WorkerStats>,
}

/// Something the runtime reports as it happens (bounded; the oldest are dropped first).
///
/// ```
/// # use katalyst::actor::*;
/// # let ex = NativeExecutor::start(Config::default()).unwrap();
/// let a = ex.system().spawn(from_fn(|_m, _| Err(ExitReason::error("no"))), SpawnOptions::default()).unwrap();
/// let _ = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
/// // The caller may hear of the exit a moment before the event is recorded.
/// let mut events = Vec::new();
/// for _ in 0..500 {
///     events.extend(ex.system().take_events());
///     if events.iter().any(|e| matches!(e, SystemEvent::Exited { actor, .. } if *actor == a)) {
///         break;
///     }
///     std::thread::sleep(std::time::Duration::from_millis(10));
/// }
/// assert!(events.iter().any(|e| matches!(e, SystemEvent::Exited { actor, .. } if *actor == a)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum SystemEvent {
    /// An actor exited abnormally.
    Exited {
        /// Which.
        actor: ActorRef,
        /// Why.
        reason: ExitReason,
    },
    /// A turn has run past `watchdog_hung_after`: its worker counts as hung (see
    /// `Config::watchdog_hung_after` for what an executor may then do).
    WorkerHung {
        /// Which actor.
        actor: ActorRef,
        /// On which worker.
        worker: usize,
        /// For how long so far.
        running_for: Duration,
    },
    /// A handler has been running longer than the watchdog limit.
    LongHandler {
        /// Which actor.
        actor: ActorRef,
        /// On which worker.
        worker: usize,
        /// For how long so far.
        running_for: Duration,
    },
}
