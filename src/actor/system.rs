//! The actor system: the actor table, spawn, cast, call, stop, names, timers and stats.
//! Every operation here is callable from any thread and never blocks (the browser main thread
//! uses the same entry points): queues are lock-free and the only locks are taken with
//! `try_lock` or by the one worker that owns an actor.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use crossbeam_deque::Worker;
use crossbeam_queue::{ArrayQueue, SegQueue};

use super::behaviour::BehaviourTable;
use super::call::{CallHandle, ReplyTo};
use super::capability::{Carried, PinnedSets};
use super::cell::{ActorCore, Cell};
use super::clock::nanos;
use super::events::{Extensions, OtpEvent};
use super::link::{ExitSignal, MonitorRef, Signal, Signals};
use super::mailbox::{Envelope, EnvelopeKind};
use super::registry::Names;
use super::scheduler::{unpack, Scheduler, Unpark, WorkerHandle};
use super::timer::{TimerAction, Timers};
use super::{
    ActorError, ActorId, ActorRef, ActorStats, Behaviour, BehaviourConstructor, Clock, ExitReason,
    Message, RequestId, SystemEvent, SystemStats, TimerRef, WorkerStats,
};

/// How the system runs.
///
/// ```
/// use katalyst::actor::Config;
/// let c = Config { workers: 2, message_budget: 32, ..Config::default() };
/// assert_eq!(c.default_mailbox_capacity, 1024);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// Worker threads (1 to 256).
    pub workers: usize,
    /// Mailbox bound when a spawn does not give one.
    pub default_mailbox_capacity: usize,
    /// Largest mailbox bound a spawn may ask for.
    pub max_mailbox_capacity: usize,
    /// Messages an actor handles per turn before it yields its worker (fairness).
    pub message_budget: usize,
    /// Most living actors at once.
    pub max_actors: usize,
    /// A turn running longer than this is reported (`None`: no watchdog).
    pub watchdog_limit: Option<Duration>,
    /// Whether an actor whose turn overran the watchdog limit is stopped (with an `error`
    /// reason) once its handler returns; otherwise it is only reported.
    pub watchdog_stop: bool,
    /// A turn running longer than this makes the worker count as hung: reported once as
    /// [`SystemEvent::WorkerHung`] (needs `watchdog_limit`). An executor that can terminate a
    /// worker (the browser's) may do so then, as a last resort, and must halt the system: a
    /// worker killed mid-allocation leaves the shared heap untrusted. The native executor only
    /// reports. `None` (default): never.
    pub watchdog_hung_after: Option<Duration>,
    /// Capture a backtrace when a handler panics (costly, on the failure path only).
    pub capture_backtraces: bool,
    /// This runtime instance's number in actor ids.
    pub node: u16,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            workers: 2,
            default_mailbox_capacity: 1024,
            max_mailbox_capacity: 1 << 24,
            message_budget: 64,
            max_actors: 1 << 22,
            watchdog_limit: Some(Duration::from_secs(1)),
            watchdog_stop: false,
            watchdog_hung_after: None,
            capture_backtraces: true,
            node: 0,
        }
    }
}

/// Options for one spawn.
///
/// ```
/// let o = katalyst::actor::SpawnOptions { mailbox_capacity: Some(8), name: Some("worker".into()), ..Default::default() };
/// assert_eq!(o.mailbox_capacity, Some(8));
/// ```
#[derive(Clone, Debug, Default)]
pub struct SpawnOptions {
    /// Mailbox bound (default: the system's).
    pub mailbox_capacity: Option<usize>,
    /// Register the actor under this name.
    pub name: Option<String>,
    /// Pin the actor to this worker: only it runs the actor (no stealing). For state that
    /// belongs to one thread (in the browser: one worker's JS realm), and to measure
    /// cross-worker messaging. Default: any worker.
    pub worker: Option<usize>,
}

pub(crate) struct Shared {
    pub config: Config,
    cells: boxcar::Vec<Cell>,
    pub free: SegQueue<u32>,
    pub sched: Scheduler,
    pub timers: Timers,
    pub names: Names,
    behaviours: BehaviourTable,
    clock: Arc<dyn Clock>,
    started_ns: u64,
    live: AtomicUsize,
    spawned: AtomicU64,
    exited: AtomicU64,
    failed: AtomicU64,
    watchdog_reports: AtomicU64,
    next_request: AtomicU64,
    halted: AtomicBool,
    last_scan: AtomicU64,
    events: ArrayQueue<SystemEvent>,
    /// Supervision events and behaviour versions (`events.rs`).
    pub ext: Extensions,
    /// Capability sets sent often enough to travel as an index (`capability/pinned.rs`).
    pub pinned_caps: PinnedSets,
}

impl Shared {
    pub fn now_ns(&self) -> u64 {
        nanos(self.clock.now())
    }

    pub fn is_halted(&self) -> bool {
        self.halted.load(Ordering::Acquire)
    }

    pub fn cell(&self, slot: u32) -> Option<&Cell> {
        self.cells.get(slot as usize)
    }

    pub fn actor_ref(&self, slot: u32, generation: u32) -> ActorRef {
        ActorRef::from_id(ActorId {
            node: self.config.node,
            slot,
            generation,
        })
    }

    pub fn next_request(&self) -> RequestId {
        RequestId(self.next_request.fetch_add(1, Ordering::Relaxed))
    }

    fn lookup(&self, to: ActorRef) -> Result<&Cell, ActorError> {
        let id = to.id();
        if self.is_halted() {
            return Err(ActorError::Shutdown);
        }
        if id.node != self.config.node {
            return Err(ActorError::NoProc { actor: id });
        }
        match self.cell(id.slot) {
            Some(c) if c.is_alive_gen(id.generation) => Ok(c),
            _ => Err(ActorError::NoProc { actor: id }),
        }
    }

    pub fn is_alive(&self, r: ActorRef) -> bool {
        self.lookup(r).is_ok()
    }

    fn wake(&self, slot: u32, cell: &Cell, local: Option<&Worker<u32>>) {
        if cell.notify() {
            self.schedule(slot, cell, local);
        }
    }

    /// Queues a runnable actor: on its pinned worker, else locally or on the shared queue.
    pub fn schedule(&self, slot: u32, cell: &Cell, local: Option<&Worker<u32>>) {
        match cell.pin.load(Ordering::Relaxed) {
            super::cell::NOT_PINNED => self.sched.push(slot, local),
            w => self.sched.push_pinned(slot, w as usize),
        }
    }

    pub fn spawn_boxed(
        &self,
        behaviour: Box<dyn Behaviour>,
        opts: &SpawnOptions,
        local: Option<&Worker<u32>>,
    ) -> Result<ActorRef, ActorError> {
        self.spawn_with(behaviour, opts, local, Signals::default())
    }

    /// Spawns with links / monitors / init ack already in place (so an `init` failure is seen).
    pub fn spawn_with(
        &self,
        behaviour: Box<dyn Behaviour>,
        opts: &SpawnOptions,
        local: Option<&Worker<u32>>,
        signals: Signals,
    ) -> Result<ActorRef, ActorError> {
        if self.is_halted() {
            return Err(ActorError::Shutdown);
        }
        let capacity = opts
            .mailbox_capacity
            .unwrap_or(self.config.default_mailbox_capacity);
        if capacity == 0 || capacity > self.config.max_mailbox_capacity {
            return Err(ActorError::BadCapacity {
                max: self.config.max_mailbox_capacity,
                actual: capacity,
            });
        }
        if let Some(name) = &opts.name {
            Names::validate("name", name)?;
        }
        if let Some(w) = opts.worker.filter(|&w| w >= self.config.workers) {
            return Err(ActorError::BadWorker {
                workers: self.config.workers,
                actual: w,
            });
        }
        if self.live.fetch_add(1, Ordering::AcqRel) >= self.config.max_actors {
            self.live.fetch_sub(1, Ordering::AcqRel);
            return Err(ActorError::TooManyActors {
                limit: self.config.max_actors,
            });
        }
        let (slot, cell) = self.claim_slot();
        cell.reset_stats();
        if let Some(w) = opts.worker {
            cell.pin.store(w as u32, Ordering::Relaxed);
        }
        cell.mailbox.set_capacity(capacity);
        cell.put_core(Box::new(ActorCore {
            behaviour,
            needs_init: true,
            pending: HashMap::new(),
            signals,
            caps: None,
        }));
        let generation = cell
            .generation
            .fetch_add(1, Ordering::AcqRel)
            .wrapping_add(1);
        let me = self.actor_ref(slot, generation);
        if let Some(name) = &opts.name {
            if let Err(e) = self.register(name, me) {
                cell.generation.fetch_add(1, Ordering::AcqRel);
                drop(cell.take_core());
                self.live.fetch_sub(1, Ordering::AcqRel);
                if cell.end(false) {
                    self.schedule(slot, cell, local);
                }
                self.free.push(slot);
                return Err(e);
            }
        }
        self.spawned.fetch_add(1, Ordering::Relaxed);
        // The first turn runs `init`.
        cell.end(true);
        self.schedule(slot, cell, local);
        Ok(me)
    }

    /// A free slot, exclusively ours (run state RUNNING), or a new one.
    fn claim_slot(&self) -> (u32, &Cell) {
        if let Some(slot) = self.free.pop() {
            if let Some(cell) = self.cell(slot) {
                if cell.claim() {
                    return (slot, cell);
                }
            }
            // Still draining late messages for its previous actor: leave it for later.
            self.free.push(slot);
        }
        let index = self.cells.push(Cell::new());
        let slot = index as u32;
        let cell = &self.cells[index];
        cell.claim();
        (slot, cell)
    }

    pub fn construct(&self, name: &str, args: Message) -> Result<Box<dyn Behaviour>, ActorError> {
        let ctor = self
            .behaviours
            .get(name)
            .ok_or_else(|| ActorError::UnknownBehaviour {
                name: name.to_owned(),
            })?;
        ctor(args).map_err(|message| ActorError::BadArgs {
            name: name.to_owned(),
            message,
        })
    }

    fn try_cast(
        &self,
        to: ActorRef,
        msg: Message,
        from: Option<ActorRef>,
        local: Option<&Worker<u32>>,
    ) -> Result<(), (ActorError, Option<Message>)> {
        self.try_cast_caps(to, msg, from, None, local)
    }

    /// A cast carrying the sender's capabilities (set only by the capability authority).
    pub fn try_cast_caps(
        &self,
        to: ActorRef,
        msg: Message,
        from: Option<ActorRef>,
        caps: Option<Carried>,
        local: Option<&Worker<u32>>,
    ) -> Result<(), (ActorError, Option<Message>)> {
        let cell = self.lookup(to).map_err(|e| (e, None))?;
        let env = Envelope {
            generation: to.id().generation,
            from,
            caps,
            kind: EnvelopeKind::Cast(msg),
        };
        if let Err(env) = cell.mailbox.push_bounded(env) {
            let msg = match env.kind {
                EnvelopeKind::Cast(m) => Some(m),
                _ => None,
            };
            let err = ActorError::MailboxFull {
                actor: to.id(),
                capacity: cell.mailbox.capacity(),
            };
            return Err((err, msg));
        }
        self.wake(to.id().slot, cell, local);
        Ok(())
    }

    pub fn cast_from(
        &self,
        to: ActorRef,
        msg: Message,
        from: Option<ActorRef>,
        local: Option<&Worker<u32>>,
    ) -> Result<(), ActorError> {
        self.try_cast(to, msg, from, local).map_err(|(e, _)| e)
    }

    /// Pushes past the bound (timer deliveries, replies).
    fn deliver(
        &self,
        to: ActorRef,
        (from, caps): (Option<ActorRef>, Option<Carried>),
        kind: EnvelopeKind,
        local: Option<&Worker<u32>>,
    ) {
        if let Ok(cell) = self.lookup(to) {
            cell.mailbox.push_unbounded(Envelope {
                generation: to.id().generation,
                from,
                caps,
                kind,
            });
            self.wake(to.id().slot, cell, local);
        }
    }

    /// A message past the mailbox bound (protocols such as a supervisor's `InitAck`).
    pub fn deliver_cast(
        &self,
        to: ActorRef,
        from: ActorRef,
        msg: Message,
        local: Option<&Worker<u32>>,
    ) {
        self.deliver(to, (Some(from), None), EnvelopeKind::Cast(msg), local);
    }

    /// The [`InitAck`](super::InitAck) the runtime sends once `child`'s `init` succeeded
    /// (`spawn_link_acked`): it passes the parent's guard, as its DOWN messages do.
    pub fn deliver_init_ack(&self, parent: ActorRef, child: ActorRef, local: &Worker<u32>) {
        let msg = Message::value(super::InitAck(child));
        let from = (Some(child), Some(Carried::RUNTIME));
        self.deliver(parent, from, EnvelopeKind::Cast(msg), Some(local));
    }

    pub fn deliver_reply(
        &self,
        caller: ActorRef,
        request: RequestId,
        result: Result<Message, ActorError>,
        local: Option<&Worker<u32>>,
    ) {
        self.deliver(
            caller,
            (None, None),
            EnvelopeKind::Reply(request, result),
            local,
        );
    }

    pub fn call_from(
        &self,
        to: ActorRef,
        msg: Message,
        reply: ReplyTo,
        from: Option<ActorRef>,
        timeout: Duration,
        local: Option<&Worker<u32>>,
    ) -> Result<(), ActorError> {
        self.call_from_caps(to, msg, reply, (from, None), timeout, local)
    }

    /// A call carrying the sender's capabilities (set only by the capability authority).
    pub fn call_from_caps(
        &self,
        to: ActorRef,
        msg: Message,
        reply: ReplyTo,
        from_caps: (Option<ActorRef>, Option<Carried>),
        timeout: Duration,
        local: Option<&Worker<u32>>,
    ) -> Result<(), ActorError> {
        self.enqueue_call(to, msg, reply, from_caps, timeout, local, true)
    }

    /// A control call (hot upgrade, rollback) that is queued even into a full mailbox, like a
    /// stop: it must not fail because the actor is busy, and it still runs between two messages.
    pub fn control_call(
        &self,
        to: ActorRef,
        msg: Message,
        reply: ReplyTo,
        timeout: Duration,
    ) -> Result<(), ActorError> {
        let caps = Some(Carried::RUNTIME); // past a guard: only the runtime makes these
        self.enqueue_call(to, msg, reply, (None, caps), timeout, None, false)
    }

    #[allow(clippy::too_many_arguments)]
    fn enqueue_call(
        &self,
        to: ActorRef,
        msg: Message,
        reply: ReplyTo,
        (from, caps): (Option<ActorRef>, Option<Carried>),
        timeout: Duration,
        local: Option<&Worker<u32>>,
        bounded: bool,
    ) -> Result<(), ActorError> {
        let cell = self.lookup(to)?;
        let env = Envelope {
            generation: to.id().generation,
            from,
            caps,
            kind: EnvelopeKind::Call(msg, reply.clone()),
        };
        if !bounded {
            cell.mailbox.push_unbounded(env);
        } else if cell.mailbox.push_bounded(env).is_err() {
            reply.shared().finish();
            return Err(ActorError::MailboxFull {
                actor: to.id(),
                capacity: cell.mailbox.capacity(),
            });
        }
        let at = self.now_ns().saturating_add(nanos(timeout));
        self.add_timer(
            at,
            TimerAction::CallTimeout {
                reply,
                target: to.id(),
                after_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            },
        );
        self.wake(to.id().slot, cell, local);
        Ok(())
    }

    fn add_timer(&self, at: u64, action: TimerAction) {
        // A new earliest deadline: parked workers may sleep past it, so one must recompute its
        // timeout, even while another searches (that one may find work and spend the
        // deadline inside a turn). A later deadline changes no parked worker's timeout.
        if self.timers.add(at, action) {
            self.sched.wake_sleeper();
        }
    }

    pub fn stop_actor(
        &self,
        to: ActorRef,
        reason: ExitReason,
        local: Option<&Worker<u32>>,
    ) -> Result<(), ActorError> {
        self.send_exit(
            to,
            ExitSignal {
                reason,
                from: None,
                link: false,
            },
            local,
        )
    }

    /// Sends an exit signal: to the priority exit queue, or as a message to an actor that
    /// traps exits (unless it is an untrappable `kill`).
    pub fn send_exit(
        &self,
        to: ActorRef,
        sig: ExitSignal,
        local: Option<&Worker<u32>>,
    ) -> Result<(), ActorError> {
        let cell = self.lookup(to)?;
        let trappable = sig.from.is_some() && (sig.link || sig.reason != ExitReason::Kill);
        // Link exits stay ordered after the dying actor's link request and messages.
        if sig.link || (trappable && cell.trap_exit.load(Ordering::Acquire)) {
            let from = sig.from;
            cell.mailbox.push_unbounded(Envelope {
                generation: to.id().generation,
                from,
                caps: None,
                kind: EnvelopeKind::Signal(Signal::Exit(sig)),
            });
        } else {
            cell.exits.push((to.id().generation, sig));
        }
        self.wake(to.id().slot, cell, local);
        Ok(())
    }

    /// Queues a link / monitor signal (past the mailbox bound: signals must not be lost).
    pub fn send_signal(
        &self,
        to: ActorRef,
        from: Option<ActorRef>,
        signal: Signal,
        local: Option<&Worker<u32>>,
    ) -> Result<(), ActorError> {
        let cell = self.lookup(to)?;
        cell.mailbox.push_unbounded(Envelope {
            generation: to.id().generation,
            from,
            caps: None,
            kind: EnvelopeKind::Signal(signal),
        });
        self.wake(to.id().slot, cell, local);
        Ok(())
    }

    pub fn next_monitor(&self) -> MonitorRef {
        MonitorRef(self.next_request().0)
    }

    pub fn send_after_from(
        &self,
        to: ActorRef,
        msg: Message,
        delay: Duration,
        from: Option<ActorRef>,
    ) -> TimerRef {
        let cancelled = Arc::new(AtomicBool::new(false));
        let at = self.now_ns().saturating_add(nanos(delay));
        self.add_timer(
            at,
            TimerAction::Send {
                to,
                from,
                msg,
                cancelled: cancelled.clone(),
            },
        );
        TimerRef { cancelled }
    }

    pub fn fire_timers(&self, now: u64, local: Option<&Worker<u32>>) {
        for action in self.timers.take_due(now) {
            self.fire(action, local, None);
        }
    }

    fn fire(&self, action: TimerAction, local: Option<&Worker<u32>>, instead: Option<ActorError>) {
        match action {
            TimerAction::Send {
                to,
                from,
                msg,
                cancelled,
            } => {
                if instead.is_none() && !cancelled.load(Ordering::Acquire) {
                    self.deliver(to, (from, None), EnvelopeKind::Cast(msg), local);
                }
            }
            TimerAction::CallTimeout {
                reply,
                target,
                after_ms,
            } => {
                let err = instead.unwrap_or(ActorError::Timeout {
                    actor: target,
                    after_ms,
                });
                reply.complete(self, local, Err(err));
            }
        }
    }

    pub fn register(&self, name: &str, actor: ActorRef) -> Result<(), ActorError> {
        Names::validate("name", name)?;
        let cell = self.lookup(actor)?;
        self.names.register(name, actor, |r| self.is_alive(r))?;
        cell.named.store(true, Ordering::Release);
        // It may have exited meanwhile, after its exit cleared its names.
        if !self.is_alive(actor) {
            self.names.remove_actor(actor);
            return Err(ActorError::NoProc { actor: actor.id() });
        }
        Ok(())
    }

    pub fn whereis(&self, name: &str) -> Option<ActorRef> {
        self.names.get(name).filter(|r| self.is_alive(*r))
    }

    pub fn on_exit(&self, me: ActorRef, reason: ExitReason) {
        self.exited.fetch_add(1, Ordering::Relaxed);
        if !reason.is_normal() {
            self.failed.fetch_add(1, Ordering::Relaxed);
            self.events
                .force_push(SystemEvent::Exited { actor: me, reason });
        }
        // Last, so that `live == 0` implies every exit above is recorded.
        self.live.fetch_sub(1, Ordering::AcqRel);
    }

    pub fn maybe_watchdog(&self, now: u64) {
        let Some(limit) = self.config.watchdog_limit else {
            return;
        };
        let every = (nanos(limit) / 4).max(1_000_000);
        let last = self.last_scan.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= every
            && self
                .last_scan
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            self.watchdog_scan(now);
        }
    }

    pub fn watchdog_scan(&self, now: u64) {
        for i in 0..self.sched.workers.len() {
            self.watchdog_check(i, now, false);
        }
    }

    /// Reports worker `i`'s current turn if it overran the watchdog limit (once per turn).
    /// `ending`: the turn is over (its handler returned), so it is only reported: marking the
    /// actor for `watchdog_stop` now would stop it in a later, innocent turn.
    pub fn watchdog_check(&self, i: usize, now: u64, ending: bool) {
        let Some(limit) = self.config.watchdog_limit else {
            return;
        };
        let Some(w) = self.sched.workers.get(i) else {
            return;
        };
        let limit = nanos(limit);
        let current = w.current.load(Ordering::Acquire);
        if current == 0 {
            return;
        }
        let since = w.since.load(Ordering::Acquire);
        let ran = now.saturating_sub(since);
        if ran <= limit {
            return;
        }
        let (slot, generation) = unpack(current);
        if w.reported
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            if let Some(cell) = self.cell(slot) {
                if !ending {
                    cell.overrun.store(true, Ordering::Release);
                }
                cell.errors.fetch_add(1, Ordering::Relaxed);
            }
            self.watchdog_reports.fetch_add(1, Ordering::Relaxed);
            self.events.force_push(SystemEvent::LongHandler {
                actor: self.actor_ref(slot, generation),
                worker: i,
                running_for: Duration::from_nanos(ran),
            });
        }
        if let Some(hung) = self.config.watchdog_hung_after {
            if ran > nanos(hung)
                && w.reported
                    .compare_exchange(1, 2, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                self.events.force_push(SystemEvent::WorkerHung {
                    actor: self.actor_ref(slot, generation),
                    worker: i,
                    running_for: Duration::from_nanos(ran),
                });
            }
        }
    }

    /// See [`System::reap_worker`].
    ///
    /// # Safety
    /// As [`System::reap_worker`].
    unsafe fn reap(&self, index: usize, stack: Option<String>) -> Option<Reaped> {
        let w = self.sched.workers.get(index)?;
        if w.dead.swap(true, Ordering::AcqRel) {
            return None; // reaped already
        }
        let note = w.death.try_lock().ok().and_then(|mut n| n.take());
        let (message, note_stack, in_flight) = match note {
            Some(n) => (n.message, n.stack, n.in_flight),
            None => (
                "the worker died outside a handler (no panic message was recorded)".to_owned(),
                None,
                None,
            ),
        };
        let reason = ExitReason::Error {
            message: format!("panic: {message}"),
            backtrace: note_stack.or(stack),
        };
        // A dead worker is not asleep: make sure it is not counted as a sleeper.
        if w.word.swap(super::scheduler::AWAKE, Ordering::SeqCst) == super::scheduler::SLEEPING {
            self.sched.unsleep();
        }
        // Nor searching: a searcher that never stops would keep every wake-up away.
        self.sched.stop_searching(index);
        let current = w.current.swap(0, Ordering::AcqRel);
        let core_ptr = w.core.swap(std::ptr::null_mut(), Ordering::AcqRel);
        let mut out = Reaped {
            actor: None,
            reason: reason.clone(),
            held: Vec::new(),
        };
        // Actors held by handlers of this worker (async JS handlers whose promises died with
        // it): they exit, and the call each was handling fails with that reason.
        let holds = w
            .holds
            .try_lock()
            .map(|mut h| std::mem::take(&mut *h))
            .unwrap_or_default();
        for (actor, state) in holds {
            let why = ExitReason::error(format!(
                "its worker died while its handler awaited ({message})"
            ));
            // Queued before the hold is taken over, so it is the first thing the actor does.
            if self.stop_actor(actor, why.clone(), None).is_err() {
                continue;
            }
            if super::hold::take_over(self, actor, &state) {
                if let Some(reply) = &state.reply {
                    reply.complete(
                        self,
                        None,
                        Err(ActorError::ActorExited {
                            actor: actor.id(),
                            reason: why,
                        }),
                    );
                }
                out.held.push(actor);
            }
        }
        if current == 0 {
            return Some(out);
        }
        let (slot, generation) = unpack(current);
        let cell = self.cell(slot)?;
        let me = self.actor_ref(slot, generation);
        // SAFETY: the caller guarantees the dead worker never runs again, and it held this
        // consumer (a turn takes it before publishing `current` and drops it before clearing).
        let mut consumer = unsafe { cell.mailbox.queue.reclaim_consumer() };
        let alive = generation & 1 == 1 && cell.generation.load(Ordering::Acquire) == generation;
        if alive {
            // The core is either on the dead worker's stack (`core_ptr`) or still in the cell.
            let mut in_cell = if core_ptr.is_null() {
                cell.try_take_core()
            } else {
                None
            };
            let core: Option<&mut ActorCore> = if core_ptr.is_null() {
                in_cell.as_deref_mut()
            } else {
                // SAFETY: `core_ptr` points into the `Box<ActorCore>` the dead worker's turn
                // owned; that worker never runs again (caller's guarantee), so nothing else
                // reads or writes it, and nothing frees it (the box is leaked with the stack).
                Some(unsafe { &mut *core_ptr })
            };
            let mut signals = Signals::default();
            let mut pending = HashMap::new();
            if let Some(core) = core {
                signals = std::mem::take(&mut core.signals);
                pending = std::mem::take(&mut core.pending);
            }
            let dead = super::turn::Dead {
                sys: self,
                cell,
                me,
                reason: &reason,
                local: None,
            };
            dead.release(in_flight, &mut signals, &mut pending, &mut consumer);
            // The behaviour's state died mid-handler: it is leaked, never dropped (`terminate`
            // does not run either).
            std::mem::forget(in_cell);
            cell.errors.fetch_add(1, Ordering::Relaxed);
            if cell.named.swap(false, Ordering::AcqRel) {
                self.names.remove_actor(me);
            }
            self.on_exit(me, reason);
            out.actor = Some(me);
        } else {
            // Dead already (exited earlier in this turn, or the turn drained a dead slot).
            while let Some(env) = consumer.pop() {
                cell.mailbox.popped();
                super::turn::stale(self, slot, env, None);
            }
            if cell.named.swap(false, Ordering::AcqRel) {
                self.names.remove_actor(me);
            }
            if !core_ptr.is_null() {
                // It died while dropping the exited actor's state: finish the exit's books.
                self.on_exit(me, reason);
            }
        }
        drop(consumer);
        if cell.end(false) {
            self.schedule(slot, cell, None);
        }
        if generation & 1 == 1 {
            // The slot's incarnation ended in this turn: free it, as the turn would have.
            self.free.push(slot);
        }
        Some(out)
    }
}

/// What [`System::reap_worker`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Reaped {
    /// The actor the dead worker was running, now exited (`None`: it ran none).
    pub actor: Option<ActorRef>,
    /// Its exit reason: `error` with the panic's message (and stack if one was captured).
    pub reason: ExitReason,
    /// Actors that handlers on the dead worker held ([`Context::hold`](super::Context::hold)):
    /// they exit with `error{"its worker died while its handler awaited (…)"}`.
    pub held: Vec<ActorRef>,
}

/// A handle on an actor system; cheap to clone, usable from any thread.
///
/// The system is executor-independent: an executor ([`super::NativeExecutor`] natively; the
/// browser executors later) creates worker handles with [`System::worker`] and drives them.
///
/// ```
/// use katalyst::actor::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// let a = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions { name: Some("echo".into()), ..Default::default() }).unwrap();
/// assert_eq!(sys.whereis("echo"), Some(a));
/// let r = sys.call(a, Message::Int(1), std::time::Duration::from_secs(5)).unwrap().wait();
/// assert_eq!(r.unwrap().as_int(), Some(1));
/// sys.stop(a, ExitReason::Normal).unwrap();
/// ```
#[derive(Clone)]
pub struct System {
    pub(crate) inner: Arc<Shared>,
}

impl System {
    /// A system with no running workers yet; `clock` is the executor's time source.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// assert!(System::new(Config { workers: 0, ..Config::default() }, std::sync::Arc::new(InstantClock::new())).is_err());
    /// # drop(sys);
    /// ```
    pub fn new(config: Config, clock: Arc<dyn Clock>) -> Result<System, ActorError> {
        let bad = |field, expected, actual| ActorError::BadConfig {
            field,
            expected,
            actual,
        };
        if config.workers == 0 || config.workers > 256 {
            return Err(bad("workers", "1 to 256", config.workers));
        }
        if config.message_budget == 0 {
            return Err(bad("message_budget", "at least 1", 0));
        }
        if config.max_mailbox_capacity == 0 {
            return Err(bad("max_mailbox_capacity", "at least 1", 0));
        }
        if config.default_mailbox_capacity == 0
            || config.default_mailbox_capacity > config.max_mailbox_capacity
        {
            return Err(bad(
                "default_mailbox_capacity",
                "1 to max_mailbox_capacity",
                config.default_mailbox_capacity,
            ));
        }
        if config.max_actors == 0 || config.max_actors > u32::MAX as usize {
            return Err(bad("max_actors", "1 to 2^32-1", config.max_actors));
        }
        let started_ns = nanos(clock.now());
        Ok(System {
            inner: Arc::new(Shared {
                sched: Scheduler::new(config.workers),
                config,
                cells: boxcar::Vec::new(),
                free: SegQueue::new(),
                timers: Timers::new(),
                names: Names::new(),
                behaviours: BehaviourTable::new(),
                clock,
                started_ns,
                live: AtomicUsize::new(0),
                spawned: AtomicU64::new(0),
                exited: AtomicU64::new(0),
                failed: AtomicU64::new(0),
                watchdog_reports: AtomicU64::new(0),
                next_request: AtomicU64::new(1),
                halted: AtomicBool::new(false),
                last_scan: AtomicU64::new(started_ns),
                events: ArrayQueue::new(1024),
                ext: Extensions::new(),
                pinned_caps: PinnedSets::new(),
            }),
        })
    }

    /// The configuration it runs with.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// assert_eq!(ex.system().config().workers, 2);
    /// ```
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Installs how parked workers are woken (once, before workers run). False if already set.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// struct Nobody;
    /// impl Unpark for Nobody { fn unpark(&self, _: usize) {} }
    /// let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// assert!(sys.set_unpark(std::sync::Arc::new(Nobody)));
    /// assert!(!sys.set_unpark(std::sync::Arc::new(Nobody)));
    /// ```
    pub fn set_unpark(&self, unpark: Arc<dyn Unpark>) -> bool {
        self.inner.sched.set_unpark(unpark)
    }

    /// Wakes worker `index` if it is parked; the executor uses it when it leaves the worker
    /// something to do outside the scheduler. Unknown indices are ignored.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let sys = System::new(Config { workers: 1, ..Config::default() }, std::sync::Arc::new(InstantClock::new())).unwrap();
    /// sys.wake_worker(0);
    /// sys.wake_worker(7);
    /// ```
    pub fn wake_worker(&self, index: usize) {
        let _ = self.inner.sched.wake(index);
    }

    /// The handle for worker `index`, once (the executor gives it to the thread that runs it).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let sys = System::new(Config { workers: 1, ..Config::default() }, std::sync::Arc::new(InstantClock::new())).unwrap();
    /// assert!(sys.worker(0).is_some());
    /// assert!(sys.worker(0).is_none());
    /// assert!(sys.worker(1).is_none());
    /// ```
    pub fn worker(&self, index: usize) -> Option<WorkerHandle> {
        let local = self.inner.sched.take_local(index)?;
        Some(WorkerHandle::new(self.inner.clone(), index, local))
    }

    /// Reaps worker `index` after its thread died inside a turn (browser `mt`: a Rust panic
    /// under `panic=abort` trapped its wasm instance). The actor it was running exits with
    /// `error{"panic: <message> (at file:line)", stack}` (recorded by the panic hook before the
    /// trap; `stack` is used when the hook captured none) through the normal exit path: links
    /// and monitors are told, the call it was handling and its queued calls fail with
    /// `actor_exited`, later calls get `noproc`, its consumer and run state are released and
    /// the slot is freed. `terminate` does not run and its state is leaked (it died
    /// mid-handler). Actors queued on the dead worker's deque are stolen by the others. Then
    /// [`System::replace_worker`] gives a fresh handle for the same index. `None` if `index`
    /// is out of range or was reaped already.
    ///
    /// # Safety
    /// The worker's thread must never run again: no code of that `WorkerHandle` (nor any
    /// handler it was in) may execute after this call. A browser executor guarantees it by
    /// calling this only after the worker's instance trapped and its JS stopped calling into
    /// wasm (and terminating the worker).
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use std::time::Duration;
    /// let sys = System::new(Config { workers: 2, ..Config::default() }, std::sync::Arc::new(InstantClock::new())).unwrap();
    /// install_panic_capture();
    /// let (w0, w1) = (sys.worker(0).unwrap(), sys.worker(1).unwrap());
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let tx = std::sync::Mutex::new(tx);
    /// let a = sys.spawn(from_fn(move |_m, _ctx| -> Result<Message, ExitReason> {
    ///     let _ = std::panic::catch_unwind(|| panic!("boom")); // the hook notes it
    ///     let _ = tx.lock().map(|t| t.send(()));
    ///     loop { std::thread::park(); } // ... and the thread never comes back
    /// }), SpawnOptions::default()).unwrap();
    /// let call = sys.call(a, Message::Empty, Duration::from_secs(60)).unwrap();
    /// std::thread::spawn(move || { let mut w0 = w0; loop { w0.run_slice(1); } });
    /// rx.recv().unwrap();
    /// std::thread::sleep(Duration::from_millis(20)); // until it parks
    /// // SAFETY: worker 0's thread is parked forever inside the handler.
    /// let r = unsafe { sys.reap_worker(0, None) }.unwrap();
    /// assert_eq!(r.actor, Some(a));
    /// assert!(call.wait().unwrap_err().to_string().contains("boom"));
    /// assert!(!sys.is_alive(a));
    /// let mut fresh = sys.replace_worker(0).unwrap();
    /// let b = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let c = sys.call(b, Message::Int(1), Duration::from_secs(5)).unwrap();
    /// while fresh.run_slice(8) == Slice::Busy {}
    /// assert_eq!(c.try_take().unwrap().unwrap().as_int(), Some(1));
    /// # drop(w1);
    /// ```
    pub unsafe fn reap_worker(&self, index: usize, stack: Option<String>) -> Option<Reaped> {
        // SAFETY: forwarded from the caller.
        unsafe { self.inner.reap(index, stack) }
    }

    /// A fresh handle for worker `index` after [`System::reap_worker`] (a new deque; the dead
    /// one's stays stealable by the others until drained). `None` unless `index` was reaped
    /// and not replaced yet.
    ///
    /// See [`System::reap_worker`] for an example.
    pub fn replace_worker(&self, index: usize) -> Option<WorkerHandle> {
        let w = self.inner.sched.workers.get(index)?;
        w.dead
            .compare_exchange(true, false, Ordering::AcqRel, Ordering::Acquire)
            .ok()?;
        w.replaced.fetch_add(1, Ordering::Relaxed);
        w.reported.store(0, Ordering::Release);
        let local = self.inner.sched.new_local(index);
        Some(WorkerHandle::new(self.inner.clone(), index, local))
    }

    /// Starts an actor running `behaviour`; its `init` runs first, on a worker.
    ///
    /// See [`System`] for an example.
    pub fn spawn(
        &self,
        behaviour: impl Behaviour,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        self.inner.spawn_boxed(Box::new(behaviour), &opts, None)
    }

    /// Registers a named behaviour constructor: the extension point for built-in behaviours
    /// (`'compute'`, `'crypto'`, `'crdt-replica'`) and for downstream crates. Replaces any
    /// constructor of the same name.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let sys = ex.system();
    /// sys.register_behaviour("adder", std::sync::Arc::new(|args: Message| {
    ///     let k = args.as_int().ok_or("args: expected an integer")?;
    ///     Ok(Box::new(from_fn(move |m, _| Ok(Message::Int(m.as_int().unwrap_or(0) + k)))) as Box<dyn Behaviour>)
    /// }));
    /// let a = sys.spawn_named("adder", Message::Int(10), SpawnOptions::default()).unwrap();
    /// let r = sys.call(a, Message::Int(5), std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(15));
    /// assert!(sys.spawn_named("adder", Message::Empty, SpawnOptions::default()).is_err());
    /// assert!(sys.spawn_named("nope", Message::Empty, SpawnOptions::default()).is_err());
    /// ```
    pub fn register_behaviour(&self, name: &str, ctor: BehaviourConstructor) {
        self.inner.behaviours.insert(name, ctor);
    }

    /// Names of the registered behaviour constructors, sorted.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// assert!(ex.system().behaviour_names().is_empty());
    /// ```
    pub fn behaviour_names(&self) -> Vec<String> {
        self.inner.behaviours.names()
    }

    /// Spawns a behaviour registered with [`System::register_behaviour`].
    ///
    /// See [`System::register_behaviour`] for an example.
    pub fn spawn_named(
        &self,
        name: &str,
        args: Message,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        let b = self.inner.construct(name, args)?;
        self.inner.spawn_boxed(b, &opts, None)
    }

    /// Sends without waiting: `noproc` for a dead or unknown actor, `mailbox_full` if its
    /// mailbox is at capacity. Messages from one sender arrive in the order sent.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// ex.system().cast(a, Message::Int(1)).unwrap();
    /// ```
    pub fn cast(&self, to: ActorRef, msg: Message) -> Result<(), ActorError> {
        self.inner.cast_from(to, msg, None, None)
    }

    /// Sends, waiting for room if the mailbox is full: a future that completes once the message
    /// is queued (or fails with `noproc`).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions { mailbox_capacity: Some(1), ..Default::default() }).unwrap();
    /// for i in 0..100 {
    ///     block_on(ex.system().cast_wait(a, Message::Int(i))).unwrap();
    /// }
    /// ```
    pub fn cast_wait(&self, to: ActorRef, msg: Message) -> CastWait {
        CastWait {
            sys: self.inner.clone(),
            to,
            msg: Some(msg),
        }
    }

    /// Calls an actor: a future of its reply, failing with `timeout` after `timeout`,
    /// `actor_exited` if it exits first, `noproc` if it is not alive, `mailbox_full` at once if
    /// its mailbox is full. Dropping or cancelling the handle aborts the call.
    ///
    /// See [`CallHandle`] for an example.
    pub fn call(
        &self,
        to: ActorRef,
        msg: Message,
        timeout: Duration,
    ) -> Result<CallHandle, ActorError> {
        let (handle, reply) = CallHandle::new(to.id());
        self.inner.call_from(to, msg, reply, None, timeout, None)?;
        Ok(handle)
    }

    /// A call for runtime control messages (upgrade, rollback) that bypasses the mailbox bound.
    pub(crate) fn control_call(
        &self,
        to: ActorRef,
        msg: Message,
        timeout: Duration,
    ) -> Result<CallHandle, ActorError> {
        let (handle, reply) = CallHandle::new(to.id());
        self.inner.control_call(to, msg, reply, timeout)?;
        Ok(handle)
    }

    /// Asks an actor to exit with `reason` after its current message. Its queued messages are
    /// not handled; queued calls fail with `actor_exited`.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// ex.system().stop(a, ExitReason::Shutdown).unwrap();
    /// ```
    pub fn stop(&self, to: ActorRef, reason: ExitReason) -> Result<(), ActorError> {
        self.inner.stop_actor(to, reason, None)
    }

    /// Whether `actor` is alive.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// assert!(ex.system().is_alive(a));
    /// ```
    pub fn is_alive(&self, actor: ActorRef) -> bool {
        self.inner.is_alive(actor)
    }

    /// Binds `name` to `actor`: `name_taken` if another living actor holds it. The name is
    /// released when the actor exits.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let sys = ex.system();
    /// let a = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let b = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// sys.register("db", a).unwrap();
    /// assert!(sys.register("db", b).is_err());
    /// ```
    pub fn register(&self, name: &str, actor: ActorRef) -> Result<(), ActorError> {
        self.inner.register(name, actor)
    }

    /// Removes a name; returns the actor it named.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// assert_eq!(ex.system().unregister("nothing"), None);
    /// ```
    pub fn unregister(&self, name: &str) -> Option<ActorRef> {
        self.inner.names.unregister(name)
    }

    /// The living actor registered as `name`.
    ///
    /// See [`System`] for an example.
    pub fn whereis(&self, name: &str) -> Option<ActorRef> {
        self.inner.whereis(name)
    }

    /// Delivers `msg` to `to` after `delay` (bypassing the mailbox bound: it was accepted now).
    /// `noproc` if `to` is not alive now; if it dies before, the message is dropped.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let _t = ex.system().send_after(a, Message::Int(1), std::time::Duration::from_millis(5)).unwrap();
    /// ```
    pub fn send_after(
        &self,
        to: ActorRef,
        msg: Message,
        delay: Duration,
    ) -> Result<TimerRef, ActorError> {
        self.inner.lookup(to)?;
        Ok(self.inner.send_after_from(to, msg, delay, None))
    }

    /// Per-actor and per-worker figures.
    ///
    /// See [`ActorStats`] for an example.
    pub fn stats(&self) -> SystemStats {
        let s = &self.inner;
        let mut actors = Vec::new();
        for (slot, cell) in s.cells.iter() {
            let generation = cell.generation.load(Ordering::Acquire);
            if generation & 1 == 0 {
                continue;
            }
            let actor = s.actor_ref(slot as u32, generation);
            let processed = cell.processed.load(Ordering::Relaxed);
            let service = cell.service_ns.load(Ordering::Relaxed);
            actors.push(ActorStats {
                actor,
                names: if cell.named.load(Ordering::Relaxed) {
                    s.names.names_of(actor)
                } else {
                    Vec::new()
                },
                mailbox_len: cell.mailbox.len(),
                mailbox_capacity: cell.mailbox.capacity(),
                processed,
                errors: cell.errors.load(Ordering::Relaxed),
                mean_service_time: Duration::from_nanos(
                    service.checked_div(processed).unwrap_or(0),
                ),
            });
        }
        let elapsed = s.now_ns().saturating_sub(s.started_ns).max(1);
        let workers = s
            .sched
            .workers
            .iter()
            .enumerate()
            .map(|(index, w)| {
                let current = w.current.load(Ordering::Acquire);
                WorkerStats {
                    index,
                    load: (w.busy_ns.load(Ordering::Relaxed) as f64 / elapsed as f64).min(1.0),
                    turns: w.turns.load(Ordering::Relaxed),
                    messages: w.messages.load(Ordering::Relaxed),
                    steals: w.steals.load(Ordering::Relaxed),
                    run_queue_len: s.sched.queue_len(index),
                    running: (current != 0).then(|| {
                        let (slot, generation) = unpack(current);
                        s.actor_ref(slot, generation)
                    }),
                    replaced: w.replaced.load(Ordering::Relaxed),
                }
            })
            .collect();
        SystemStats {
            live: s.live.load(Ordering::Acquire),
            spawned: s.spawned.load(Ordering::Relaxed),
            exited: s.exited.load(Ordering::Relaxed),
            failed: s.failed.load(Ordering::Relaxed),
            watchdog_reports: s.watchdog_reports.load(Ordering::Relaxed),
            pending_timers: s.timers.queued(),
            actors,
            workers,
        }
    }

    /// Load figures of one living actor: `(mailbox length, messages handled, total service
    /// time in ns)`; `None` if it is not alive. Lock-free (pools read it per routing decision).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// assert_eq!(ex.system().load_of(a).map(|l| l.0), Some(0));
    /// ```
    pub fn load_of(&self, actor: ActorRef) -> Option<(usize, u64, u64)> {
        let cell = self.inner.lookup(actor).ok()?;
        Some((
            cell.mailbox.len(),
            cell.processed.load(Ordering::Relaxed),
            cell.service_ns.load(Ordering::Relaxed),
        ))
    }

    /// If `actor` is in a turn: the service time that turn has not reported yet (ns) and the
    /// messages it finished meanwhile. [`System::load_of`]'s service time grows only at the end
    /// of a turn and at replies, so a handler that runs for seconds shows there only when done.
    pub(crate) fn serving(&self, actor: ActorRef) -> Option<(u64, u64)> {
        let cell = self.inner.lookup(actor).ok()?;
        cell.serving(self.inner.now_ns())
    }

    /// Takes the supervision / capability / upgrade events since the last call (at most the
    /// latest 1 024).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// assert!(ex.system().take_otp_events().is_empty());
    /// ```
    pub fn take_otp_events(&self) -> Vec<OtpEvent> {
        self.inner.ext.take()
    }

    pub(crate) fn otp_event(&self, e: OtpEvent) {
        self.inner.ext.push(e);
    }

    /// The behaviour version an upgradable actor runs (`None` for other actors).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// assert_eq!(ex.system().version_of(a), None);
    /// ```
    pub fn version_of(&self, actor: ActorRef) -> Option<u32> {
        self.inner.ext.version(actor)
    }

    pub(crate) fn set_version(&self, actor: ActorRef, version: Option<u32>) {
        self.inner.ext.set_version(actor, version);
    }

    /// The system clock now (time since the clock's origin).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// assert!(ex.system().now() <= ex.system().now());
    /// ```
    pub fn now(&self) -> Duration {
        Duration::from_nanos(self.inner.now_ns())
    }

    /// Living actors now.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// assert_eq!(ex.system().live(), 0);
    /// ```
    pub fn live(&self) -> usize {
        self.inner.live.load(Ordering::Acquire)
    }

    /// Takes the events reported since the last call (at most the latest 1 024).
    ///
    /// See [`SystemEvent`] for an example.
    pub fn take_events(&self) -> Vec<SystemEvent> {
        let mut v = Vec::new();
        while let Some(e) = self.inner.events.pop() {
            v.push(e);
        }
        v
    }

    /// Checks for handlers running past the watchdog limit now (workers also do this as they
    /// run; an executor calls it from elsewhere so a report happens even when every worker is
    /// stuck).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// ex.system().watchdog_scan();
    /// ```
    pub fn watchdog_scan(&self) {
        self.inner.watchdog_scan(self.inner.now_ns());
    }

    /// Asks every living actor to exit with `shutdown`.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// ex.system().stop_all(ExitReason::Shutdown);
    /// ```
    pub fn stop_all(&self, reason: ExitReason) {
        let s = &self.inner;
        for (slot, cell) in s.cells.iter() {
            let generation = cell.generation.load(Ordering::Acquire);
            if generation & 1 == 1 {
                let _ = s.stop_actor(s.actor_ref(slot as u32, generation), reason.clone(), None);
            }
        }
    }

    /// Stops the system: new operations fail with `shutdown`, pending call timeouts fire as
    /// `shutdown`, and workers return from their loops.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// sys.halt();
    /// assert!(sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).is_err());
    /// ```
    pub fn halt(&self) {
        let s = &self.inner;
        s.halted.store(true, Ordering::Release);
        for action in s.timers.take_all() {
            s.fire(action, None, Some(ActorError::Shutdown));
        }
        // Senders waiting for room retry and get `shutdown`.
        for (_, cell) in s.cells.iter() {
            cell.mailbox.wake_waiters();
        }
        s.sched.wake_all();
    }

    /// Whether [`System::halt`] was called.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let sys = System::new(Config::default(), std::sync::Arc::new(InstantClock::new())).unwrap();
    /// assert!(!sys.is_halted());
    /// ```
    pub fn is_halted(&self) -> bool {
        self.inner.is_halted()
    }
}

/// A cast that waits for room in a full mailbox (see [`System::cast_wait`]).
pub struct CastWait {
    sys: Arc<Shared>,
    to: ActorRef,
    msg: Option<Message>,
}

impl Future for CastWait {
    type Output = Result<(), ActorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        for attempt in 0..2 {
            let Some(msg) = this.msg.take() else {
                return Poll::Ready(Ok(()));
            };
            match this.sys.try_cast(this.to, msg, None, None) {
                Ok(()) => return Poll::Ready(Ok(())),
                Err((ActorError::MailboxFull { .. }, Some(msg))) => {
                    this.msg = Some(msg);
                    if attempt == 0 {
                        // Register, then retry once so a pop in between is not missed.
                        if let Ok(cell) = this.sys.lookup(this.to) {
                            cell.mailbox.wait_for_space(cx.waker().clone());
                        }
                    }
                }
                Err((e, _)) => return Poll::Ready(Err(e)),
            }
        }
        Poll::Pending
    }
}
