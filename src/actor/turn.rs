//! One actor turn: take the actor, handle up to the message budget, then idle, re-queue or exit.
//!
//! No lock is held while a handler runs: the actor's private state is moved out of its cell for
//! the turn, and exclusivity comes from the cell's run state (only one worker can be RUNNING it).

use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_deque::Worker;

use super::call::{ReplyTo, EXITING};
use super::capability::{CapSet, Carried};
use super::cell::{ActorCore, Cell};
use super::hold::{self, HoldState};
use super::link::{on_exit_signal, propagated, Down, ExitAction, ExitSignal, Signal, Signals};
use super::mailbox::{Envelope, EnvelopeKind};
use super::mpsc::Consumer;
use super::panic::{guarded, set_in_flight};
use super::scheduler::{pack, WorkerSlot};
use super::system::Shared;
use super::{ActorError, ActorRef, Behaviour, Context, ExitReason, Message};

pub(crate) fn run(sys: &Arc<Shared>, local: &Worker<u32>, worker: usize, slot: u32) -> u64 {
    let Some(cell) = sys.cell(slot) else {
        return 0;
    };
    if !cell.begin() {
        return 0;
    }
    let Some(mut consumer) = cell.mailbox.queue.consumer() else {
        // Cannot happen while run states are respected; try again later rather than spin.
        if cell.end(true) {
            sys.schedule(slot, cell, Some(local));
        }
        return 0;
    };
    let generation = cell.generation.load(Ordering::Acquire);
    let me = sys.actor_ref(slot, generation);
    let w = &sys.sched.workers[worker];
    let start = sys.now_ns();
    w.since.store(start, Ordering::Release);
    w.reported.store(0, Ordering::Release);
    w.current.store(pack(slot, generation), Ordering::Release);

    // Service time not yet added to the cell's total (see `run_messages`).
    let mut served_from = start;
    cell.serving_from(start);
    let mut handled = 0u64;
    let mut more = false;
    let mut freed = false;
    let mut held: Option<HoldState> = None;
    let core = if generation & 1 == 1 {
        cell.take_core()
    } else {
        None
    };
    match core {
        None => {
            while let Some(env) = consumer.pop() {
                cell.mailbox.popped();
                stale(sys, me.id().slot, env, Some(local));
            }
        }
        Some(mut core) => {
            // Only the reaper reads this, and only once this worker is dead.
            w.core.store(&mut *core, Ordering::Release);
            let exit = run_messages(
                sys,
                cell,
                &mut core,
                me,
                local,
                &mut consumer,
                (&mut handled, &mut more, &mut held),
                &mut served_from,
            );
            match exit {
                Some((reason, in_flight)) => {
                    let ctx = ExitCtx {
                        sys,
                        cell,
                        me,
                        local,
                        w,
                    };
                    exit_actor(&ctx, core, reason, in_flight, &mut consumer);
                    freed = true;
                }
                None => {
                    w.core.store(std::ptr::null_mut(), Ordering::Release);
                    cell.put_core(core);
                }
            }
        }
    }
    drop(consumer);

    let now = sys.now_ns();
    let elapsed = now.saturating_sub(start);
    cell.service_ns
        .fetch_add(now.saturating_sub(served_from), Ordering::Relaxed);
    cell.serving_from(0);
    // A turn that overran the watchdog limit is reported even if no scan ran meanwhile (`st`:
    // the worker's only thread was inside the handler).
    sys.watchdog_check(worker, now, true);
    w.current.store(0, Ordering::Release);
    w.busy_ns.fetch_add(elapsed, Ordering::Relaxed);
    w.turns.fetch_add(1, Ordering::Relaxed);
    w.messages.fetch_add(handled, Ordering::Relaxed);
    if let Some(h) = held {
        // Held by its handler (`Context::hold`): the run state stays RUNNING, so nobody runs
        // it until the hold is released (which re-queues it). Committed only now that the
        // core and the consumer are back, so a release can never meet a half-ended turn.
        if hold::commit(&h) {
            if let Ok(mut holds) = w.holds.lock() {
                holds.retain(|(_, s)| hold::is_active(s));
                holds.push((me, h));
            }
            return handled;
        }
        // Released before the turn ended. The turn stopped at the holding message, and messages
        // queued before it began may still wait: their senders found the actor scheduled and
        // left them to this turn. Run it again rather than idle it with a full mailbox.
        more = true;
    }
    if cell.end(more) {
        // An actor that used up its budget goes behind everything queued (the shared queue);
        // one woken during its turn stays local.
        sys.schedule(slot, cell, if more { None } else { Some(local) });
    }
    if freed {
        sys.free.push(slot);
    }
    handled
}

thread_local! {
    static RETIRED_CAPS: RefCell<Vec<CapSet>> = const { RefCell::new(Vec::new()) };
}

/// Handled messages' capability sets a worker keeps before dropping them together.
const RETIRED_CAPS_BATCH: usize = 256;

/// Keeps a handled message's capability set for a while. Its sender's clone and this drop
/// write the same reference count, so dropping it per message would move that cache line
/// between the two cores for every message; dropped in batches, once per batch. The worker
/// drops what it keeps when it runs out of work ([`release_retired_caps`]).
fn retire_caps(caps: CapSet) {
    RETIRED_CAPS.with(|r| match r.try_borrow_mut() {
        Ok(mut r) => {
            if r.len() >= RETIRED_CAPS_BATCH {
                r.clear();
            }
            r.push(caps);
        }
        Err(_) => drop(caps),
    });
}

/// Drops the capability sets this thread kept (see [`retire_caps`]).
pub(crate) fn release_retired_caps() {
    RETIRED_CAPS.with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            r.clear();
        }
    });
}

type Exit = Option<(ExitReason, Option<ReplyTo>)>;

#[allow(clippy::too_many_arguments)]
fn run_messages(
    sys: &Arc<Shared>,
    cell: &Cell,
    core: &mut ActorCore,
    me: ActorRef,
    local: &Worker<u32>,
    consumer: &mut Consumer<'_, Envelope>,
    (handled, more, held): (&mut u64, &mut bool, &mut Option<HoldState>),
    served_from: &mut u64,
) -> Exit {
    let budget = sys.config.message_budget as u64;
    let generation = me.id().generation;
    loop {
        // `init` first, so signals meet the actor as `init` set it up (e.g. trapping exits).
        if core.needs_init {
            core.needs_init = false;
            let (r, stop, _, hold) = invoke(sys, local, me, None, None, core, |b, ctx| {
                b.init(ctx).map(|_| Message::Empty)
            });
            *served_from = sys.now_ns(); // `init` is not service time
            cell.serving_from(*served_from);
            hold::void(hold);
            match (r, stop) {
                (Err(reason), _) | (Ok(_), Some(reason)) => return Some((reason, None)),
                _ => {
                    if let Some(parent) = core.signals.init_ack.take() {
                        sys.deliver_init_ack(parent, me, local);
                    }
                    continue;
                }
            }
        }
        let mut job = None;
        if let Some(sig) = cell.take_exit(generation) {
            match on_exit_signal(sig, me, &mut core.signals) {
                ExitAction::Ignore => continue,
                ExitAction::Exit(reason) => return Some((reason, None)),
                ExitAction::Deliver(m) => {
                    job = Some((Some(m.from), EnvelopeKind::Cast(Message::value(m))))
                }
            }
        }
        core.caps = job.as_ref().map(|_| Carried::RUNTIME);
        let (from, kind) = match job {
            Some(job) => job,
            None => {
                if *handled >= budget {
                    *more = true;
                    return None;
                }
                // An empty mailbox ends the turn (`None`: no exit).
                let env = consumer.pop()?;
                cell.mailbox.popped();
                if env.generation != generation {
                    stale(sys, me.id().slot, env, Some(local));
                    continue;
                }
                core.caps = env.caps;
                (env.from, env.kind)
            }
        };
        let (r, stop, reply, hold) = match kind {
            EnvelopeKind::Cast(msg) => invoke(sys, local, me, from, None, core, |b, ctx| {
                b.handle(msg, ctx)
            }),
            EnvelopeKind::Call(msg, reply) => {
                if !reply.shared().start() {
                    continue; // cancelled or timed out before it started
                }
                invoke(sys, local, me, from, Some(reply), core, |b, ctx| {
                    b.handle(msg, ctx)
                })
            }
            EnvelopeKind::Reply(request, result) => {
                if core.pending.remove(&request).is_none() {
                    continue; // cancelled by this actor
                }
                invoke(sys, local, me, from, None, core, |b, ctx| {
                    b.handle_reply(request, result, ctx).map(|_| Message::Empty)
                })
            }
            EnvelopeKind::Signal(Signal::Run(f)) => {
                invoke(sys, local, me, from, None, core, |_, ctx| {
                    f(ctx);
                    Ok(Message::Empty)
                })
            }
            EnvelopeKind::Signal(signal) => match on_signal(signal, me, &mut core.signals) {
                SignalOutcome::Done => continue,
                SignalOutcome::Exit(reason) => return Some((reason, None)),
                SignalOutcome::Deliver(msg) => {
                    core.caps = Some(Carried::RUNTIME);
                    invoke(sys, local, me, from, None, core, |b, ctx| {
                        b.handle(msg, ctx)
                    })
                }
            },
        };
        // Counted before a reply goes out, so a caller that reads stats sees its call. The
        // service time is added then and at the end of the turn, not per message: the clock is
        // a call into JavaScript in the browser, a tenth of a cast's cost.
        *handled += 1;
        cell.processed.fetch_add(1, Ordering::Relaxed);
        match r {
            Ok(msg) => {
                if let Some(reply) = reply {
                    let now = sys.now_ns();
                    cell.service_ns
                        .fetch_add(now.saturating_sub(*served_from), Ordering::Relaxed);
                    *served_from = now;
                    cell.serving_from(now);
                    reply.complete(sys, Some(local), Ok(msg));
                }
                if let Some(reason) = stop {
                    hold::void(hold);
                    return Some((reason, None));
                }
            }
            Err(reason) => {
                hold::void(hold);
                return Some((reason, reply));
            }
        }
        if let Some(h) = hold {
            // The handler holds the actor: no more messages until it is released.
            *held = Some(h);
            return None;
        }
        // Read first: a swap per message would write the cell's line for nothing.
        if cell.overrun.load(Ordering::Relaxed)
            && cell.overrun.swap(false, Ordering::AcqRel)
            && sys.config.watchdog_stop
        {
            let limit = sys.config.watchdog_limit.unwrap_or_default();
            return Some((
                ExitReason::error(format!(
                    "watchdog: a turn ran longer than {} ms",
                    limit.as_millis()
                )),
                None,
            ));
        }
    }
}

/// Runs one behaviour method with a fresh context; returns its result (a panic becomes an
/// `Err` exit reason), any stop it requested, and the reply if it was not deferred.
fn invoke(
    sys: &Arc<Shared>,
    local: &Worker<u32>,
    me: ActorRef,
    from: Option<ActorRef>,
    reply: Option<ReplyTo>,
    core: &mut ActorCore,
    f: impl FnOnce(&mut dyn Behaviour, &mut Context<'_>) -> Result<Message, ExitReason>,
) -> (
    Result<Message, ExitReason>,
    Option<ExitReason>,
    Option<ReplyTo>,
    Option<HoldState>,
) {
    // A copy of the reply target for the panic hook: if a panic kills this thread
    // (`panic=abort`), the reaper answers the call with it.
    let calling = reply.is_some();
    if calling {
        set_in_flight(reply.clone());
    }
    let ActorCore {
        behaviour,
        pending,
        signals,
        caps,
        ..
    } = core;
    let mut ctx = Context {
        sys,
        local: Some(local),
        me,
        from,
        reply,
        pending,
        signals,
        caps: caps.take(),
        stop: None,
        hold: None,
    };
    let r = guarded(sys.config.capture_backtraces, || {
        f(behaviour.as_mut(), &mut ctx)
    })
    .and_then(|r| r);
    if calling {
        set_in_flight(None);
    }
    if let Some(Carried::Shared(caps)) = ctx.caps.take() {
        retire_caps(caps);
    }
    (r, ctx.stop, ctx.reply, ctx.hold)
}

/// An envelope for an earlier incarnation: calls answer `noproc`, links and monitors get
/// `noproc` exit / DOWN signals, the rest is dropped.
pub(crate) fn stale(sys: &Shared, slot: u32, env: Envelope, local: Option<&Worker<u32>>) {
    let actor = sys.actor_ref(slot, env.generation);
    match env.kind {
        EnvelopeKind::Call(_, reply) => {
            reply.complete(sys, local, Err(ActorError::NoProc { actor: actor.id() }));
        }
        EnvelopeKind::Signal(signal) => answer_dead(sys, actor, signal, &ExitReason::NoProc, local),
        _ => {}
    }
}

/// A link or monitor request reached an actor that is exiting or gone: answer as if it had
/// been in place when the actor exited with `reason`.
pub(crate) fn answer_dead(
    sys: &Shared,
    actor: ActorRef,
    signal: Signal,
    reason: &ExitReason,
    local: Option<&Worker<u32>>,
) {
    match signal {
        Signal::Link(from) => {
            let sig = ExitSignal {
                reason: reason.clone(),
                from: Some(actor),
                link: true,
            };
            let _ = sys.send_exit(from, sig, local);
        }
        Signal::Monitor(monitor, watcher) => {
            let down = Down {
                monitor,
                actor,
                reason: reason.clone(),
            };
            let _ = sys.send_signal(watcher, Some(actor), Signal::Down(down), local);
        }
        _ => {}
    }
}

enum SignalOutcome {
    Done,
    Exit(ExitReason),
    Deliver(Message),
}

fn on_signal(signal: Signal, me: ActorRef, signals: &mut Signals) -> SignalOutcome {
    match signal {
        Signal::Link(from) => {
            signals.links.insert(from);
        }
        Signal::Unlink(from) => {
            signals.links.remove(&from);
        }
        Signal::Monitor(monitor, watcher) => {
            signals.watchers.insert(monitor, watcher);
        }
        Signal::Demonitor(monitor) => {
            signals.watchers.remove(&monitor);
        }
        Signal::Down(down) => {
            // A DOWN for a monitor removed by `demonitor` is flushed.
            if signals.monitors.remove(&down.monitor).is_some() {
                return SignalOutcome::Deliver(Message::value(down));
            }
        }
        Signal::Run(_) => {} // handled by the turn, which has a context
        Signal::Exit(sig) => {
            return match on_exit_signal(sig, me, signals) {
                ExitAction::Ignore => SignalOutcome::Done,
                ExitAction::Exit(reason) => SignalOutcome::Exit(reason),
                ExitAction::Deliver(m) => SignalOutcome::Deliver(Message::value(m)),
            }
        }
    }
    SignalOutcome::Done
}

/// Who is exiting, and where (the running worker's deque and slot).
struct ExitCtx<'a> {
    sys: &'a Arc<Shared>,
    cell: &'a Cell,
    me: ActorRef,
    local: &'a Worker<u32>,
    w: &'a WorkerSlot,
}

fn exit_actor(
    x: &ExitCtx<'_>,
    mut core: Box<ActorCore>,
    reason: ExitReason,
    in_flight: Option<ReplyTo>,
    consumer: &mut Consumer<'_, Envelope>,
) {
    let ExitCtx {
        sys,
        cell,
        me,
        local,
        w,
    } = *x;
    let bt = sys.config.capture_backtraces;
    if reason != ExitReason::Kill {
        let _ = guarded(bt, || core.behaviour.terminate(&reason));
    }
    let ActorCore {
        signals, pending, ..
    } = &mut *core;
    let dead = Dead {
        sys,
        cell,
        me,
        reason: &reason,
        local: Some(local),
    };
    dead.release(in_flight, signals, pending, consumer);
    // Reply tokens still held by the behaviour answer `actor_exited` as it is dropped.
    EXITING.with(|e| *e.borrow_mut() = Some((me.id(), reason.clone())));
    let _ = guarded(bt, move || drop(core));
    EXITING.with(|e| *e.borrow_mut() = None);
    w.core.store(std::ptr::null_mut(), Ordering::Release);
    if cell.named.swap(false, Ordering::AcqRel) {
        sys.names.remove_actor(me);
    }
    sys.on_exit(me, reason);
}

/// An actor that is exiting with `reason` (from its turn, or reaped after its worker died).
pub(crate) struct Dead<'a> {
    pub sys: &'a Shared,
    pub cell: &'a Cell,
    pub me: ActorRef,
    pub reason: &'a ExitReason,
    pub local: Option<&'a Worker<u32>>,
}

impl Dead<'_> {
    /// Moves the generation on (later sends answer `noproc`), tells links and monitors,
    /// answers the call being handled and every queued call with `actor_exited`, and
    /// abandons the calls the actor made.
    pub fn release(
        &self,
        in_flight: Option<ReplyTo>,
        signals: &mut Signals,
        pending: &mut std::collections::HashMap<super::RequestId, Arc<super::call::CallShared>>,
        consumer: &mut Consumer<'_, Envelope>,
    ) {
        let Dead {
            sys,
            cell,
            me,
            reason,
            local,
        } = *self;
        cell.generation.fetch_add(1, Ordering::AcqRel);
        cell.trap_exit.store(false, Ordering::Release);
        let why = propagated(reason);
        for linked in signals.links.drain() {
            answer_dead(sys, me, Signal::Link(linked), &why, local);
        }
        for (monitor, watcher) in std::mem::take(&mut signals.watchers) {
            answer_dead(sys, me, Signal::Monitor(monitor, watcher), &why, local);
        }
        let exited = || ActorError::ActorExited {
            actor: me.id(),
            reason: reason.clone(),
        };
        if let Some(r) = in_flight {
            r.complete(sys, local, Err(exited()));
        }
        for (_, outgoing) in pending.drain() {
            outgoing.finish();
        }
        while let Some(env) = consumer.pop() {
            cell.mailbox.popped();
            if env.generation == me.id().generation {
                match env.kind {
                    EnvelopeKind::Call(_, reply) => {
                        reply.complete(sys, local, Err(exited()));
                    }
                    EnvelopeKind::Signal(signal) => answer_dead(sys, me, signal, &why, local),
                    _ => {}
                }
            } else {
                stale(sys, me.id().slot, env, local);
            }
        }
        cell.clear_exits();
    }
}
