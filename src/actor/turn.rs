//! One actor turn: take the actor, handle up to the message budget, then idle, re-queue or exit.
//!
//! No lock is held while a handler runs: the actor's private state is moved out of its cell for
//! the turn, and exclusivity comes from the cell's run state (only one worker can be RUNNING it).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_deque::Worker;

use super::call::{ReplyTo, EXITING};
use super::cell::{ActorCore, Cell};
use super::link::{
    on_exit_signal, propagated, Down, ExitAction, ExitSignal, InitAck, Signal, Signals,
};
use super::mailbox::{Envelope, EnvelopeKind};
use super::mpsc::Consumer;
use super::panic::guarded;
use super::scheduler::pack;
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

    let mut handled = 0u64;
    let mut more = false;
    let mut freed = false;
    let core = if generation & 1 == 1 {
        cell.take_core()
    } else {
        None
    };
    match core {
        None => {
            while let Some(env) = consumer.pop() {
                cell.mailbox.popped();
                stale(sys, me.id().slot, env, local);
            }
        }
        Some(mut core) => {
            let exit = run_messages(
                sys,
                cell,
                &mut core,
                me,
                local,
                &mut consumer,
                (&mut handled, &mut more),
                start,
            );
            match exit {
                Some((reason, in_flight)) => {
                    exit_actor(sys, cell, core, me, reason, in_flight, &mut consumer, local);
                    freed = true;
                }
                None => cell.put_core(core),
            }
        }
    }
    drop(consumer);

    let elapsed = sys.now_ns().saturating_sub(start);
    w.current.store(0, Ordering::Release);
    w.busy_ns.fetch_add(elapsed, Ordering::Relaxed);
    w.turns.fetch_add(1, Ordering::Relaxed);
    w.messages.fetch_add(handled, Ordering::Relaxed);
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

type Exit = Option<(ExitReason, Option<ReplyTo>)>;

#[allow(clippy::too_many_arguments)]
fn run_messages(
    sys: &Arc<Shared>,
    cell: &Cell,
    core: &mut ActorCore,
    me: ActorRef,
    local: &Worker<u32>,
    consumer: &mut Consumer<'_, Envelope>,
    (handled, more): (&mut u64, &mut bool),
    start: u64,
) -> Exit {
    let budget = sys.config.message_budget as u64;
    let generation = me.id().generation;
    let mut last = start;
    loop {
        // `init` first, so signals meet the actor as `init` set it up (e.g. trapping exits).
        if core.needs_init {
            core.needs_init = false;
            let (r, stop, _) = invoke(sys, local, me, None, None, core, |b, ctx| {
                b.init(ctx).map(|_| Message::Empty)
            });
            last = sys.now_ns();
            match (r, stop) {
                (Err(reason), _) | (Ok(_), Some(reason)) => return Some((reason, None)),
                _ => {
                    if let Some(parent) = core.signals.init_ack.take() {
                        sys.deliver_cast(parent, me, Message::value(InitAck(me)), Some(local));
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
        core.caps = None;
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
                    stale(sys, me.id().slot, env, local);
                    continue;
                }
                core.caps = env.caps;
                (env.from, env.kind)
            }
        };
        let (r, stop, reply) = match kind {
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
                    invoke(sys, local, me, from, None, core, |b, ctx| {
                        b.handle(msg, ctx)
                    })
                }
            },
        };
        // Counted before the reply goes out, so a caller that reads stats sees its call.
        let now = sys.now_ns();
        cell.service_ns
            .fetch_add(now.saturating_sub(last), Ordering::Relaxed);
        last = now;
        *handled += 1;
        cell.processed.fetch_add(1, Ordering::Relaxed);
        match r {
            Ok(msg) => {
                if let Some(reply) = reply {
                    reply.complete(sys, Some(local), Ok(msg));
                }
                if let Some(reason) = stop {
                    return Some((reason, None));
                }
            }
            Err(reason) => return Some((reason, reply)),
        }
        if cell.overrun.swap(false, Ordering::AcqRel) && sys.config.watchdog_stop {
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
) {
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
    };
    let r = guarded(sys.config.capture_backtraces, || {
        f(behaviour.as_mut(), &mut ctx)
    })
    .and_then(|r| r);
    (r, ctx.stop, ctx.reply)
}

/// An envelope for an earlier incarnation: calls answer `noproc`, links and monitors get
/// `noproc` exit / DOWN signals, the rest is dropped.
fn stale(sys: &Shared, slot: u32, env: Envelope, local: &Worker<u32>) {
    let actor = sys.actor_ref(slot, env.generation);
    match env.kind {
        EnvelopeKind::Call(_, reply) => {
            reply.complete(
                sys,
                Some(local),
                Err(ActorError::NoProc { actor: actor.id() }),
            );
        }
        EnvelopeKind::Signal(signal) => answer_dead(sys, actor, signal, &ExitReason::NoProc, local),
        _ => {}
    }
}

/// A link or monitor request reached an actor that is exiting or gone: answer as if it had
/// been in place when the actor exited with `reason`.
fn answer_dead(
    sys: &Shared,
    actor: ActorRef,
    signal: Signal,
    reason: &ExitReason,
    local: &Worker<u32>,
) {
    match signal {
        Signal::Link(from) => {
            let sig = ExitSignal {
                reason: reason.clone(),
                from: Some(actor),
                link: true,
            };
            let _ = sys.send_exit(from, sig, Some(local));
        }
        Signal::Monitor(monitor, watcher) => {
            let down = Down {
                monitor,
                actor,
                reason: reason.clone(),
            };
            let _ = sys.send_signal(watcher, Some(actor), Signal::Down(down), Some(local));
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

#[allow(clippy::too_many_arguments)]
fn exit_actor(
    sys: &Arc<Shared>,
    cell: &Cell,
    mut core: Box<ActorCore>,
    me: ActorRef,
    reason: ExitReason,
    in_flight: Option<ReplyTo>,
    consumer: &mut Consumer<'_, Envelope>,
    local: &Worker<u32>,
) {
    let bt = sys.config.capture_backtraces;
    if reason != ExitReason::Kill {
        let _ = guarded(bt, || core.behaviour.terminate(&reason));
    }
    // From here on, sends to this incarnation answer `noproc`.
    cell.generation.fetch_add(1, Ordering::AcqRel);
    cell.trap_exit.store(false, Ordering::Release);
    let why = propagated(&reason);
    for linked in core.signals.links.drain() {
        answer_dead(sys, me, Signal::Link(linked), &why, local);
    }
    for (monitor, watcher) in core.signals.watchers.drain() {
        answer_dead(sys, me, Signal::Monitor(monitor, watcher), &why, local);
    }
    let exited = || ActorError::ActorExited {
        actor: me.id(),
        reason: reason.clone(),
    };
    if let Some(r) = in_flight {
        r.complete(sys, Some(local), Err(exited()));
    }
    for (_, outgoing) in core.pending.drain() {
        outgoing.finish();
    }
    while let Some(env) = consumer.pop() {
        cell.mailbox.popped();
        if env.generation == me.id().generation {
            match env.kind {
                EnvelopeKind::Call(_, reply) => {
                    reply.complete(sys, Some(local), Err(exited()));
                }
                EnvelopeKind::Signal(signal) => answer_dead(sys, me, signal, &why, local),
                _ => {}
            }
        } else {
            stale(sys, me.id().slot, env, local);
        }
    }
    cell.clear_exits();
    // Reply tokens still held by the behaviour answer `actor_exited` as it is dropped.
    EXITING.with(|e| *e.borrow_mut() = Some((me.id(), reason.clone())));
    let _ = guarded(bt, move || drop(core));
    EXITING.with(|e| *e.borrow_mut() = None);
    if cell.named.swap(false, Ordering::AcqRel) {
        sys.names.remove_actor(me);
    }
    sys.on_exit(me, reason);
}
