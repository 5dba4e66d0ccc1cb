//! One actor turn: take the actor, handle up to the message budget, then idle, re-queue or exit.
//!
//! No lock is held while a handler runs: the actor's private state is moved out of its cell for
//! the turn, and exclusivity comes from the cell's run state (only one worker can be RUNNING it).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_deque::Worker;

use super::call::{ReplyTo, EXITING};
use super::cell::{ActorCore, Cell};
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
            sys.sched.push(slot, Some(local));
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
        sys.sched.push(slot, if more { None } else { Some(local) });
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
        if let Some(reason) = cell.take_exit(generation) {
            return Some((reason, None));
        }
        if core.needs_init {
            core.needs_init = false;
            let (r, stop, _) = invoke(sys, local, me, None, None, core, |b, ctx| {
                b.init(ctx).map(|_| Message::Empty)
            });
            last = sys.now_ns();
            match (r, stop) {
                (Err(reason), _) | (Ok(_), Some(reason)) => return Some((reason, None)),
                _ => continue,
            }
        }
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
        let from = env.from;
        let (r, stop, reply) = match env.kind {
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
        behaviour, pending, ..
    } = core;
    let mut ctx = Context {
        sys,
        local: Some(local),
        me,
        from,
        reply,
        pending,
        stop: None,
    };
    let r = guarded(sys.config.capture_backtraces, || {
        f(behaviour.as_mut(), &mut ctx)
    })
    .and_then(|r| r);
    (r, ctx.stop, ctx.reply)
}

/// An envelope for an earlier incarnation: calls answer `noproc`, the rest is dropped.
fn stale(sys: &Shared, slot: u32, env: Envelope, local: &Worker<u32>) {
    if let EnvelopeKind::Call(_, reply) = env.kind {
        let actor = sys.actor_ref(slot, env.generation).id();
        reply.complete(sys, Some(local), Err(ActorError::NoProc { actor }));
    }
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
            if let EnvelopeKind::Call(_, reply) = env.kind {
                reply.complete(sys, Some(local), Err(exited()));
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
