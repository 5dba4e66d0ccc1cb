//! Links, monitors and exit signals (Erlang semantics).
//!
//! Each actor keeps its own link and monitor sets in its private core (only the worker running
//! it touches them). Link, unlink, monitor and demonitor travel as signals in the target's
//! mailbox, in order with the sender's messages. Exit signals go to the target's priority exit
//! queue, except to an actor that traps exits (a plain mailbox message then, ordered after the
//! dying actor's last messages). DOWN always goes through the mailbox.
//!
//! Rules applied where a signal is received:
//! - `kill` (sent with [`Context::exit`](super::Context::exit)) cannot be trapped: the receiver
//!   exits and its links and monitors see `killed`;
//! - a trapping receiver gets an [`ExitMsg`] as a message;
//! - otherwise `normal` is ignored and any other reason makes the receiver exit with it.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{ActorRef, ExitReason};

/// Identifies one monitor (returned by [`Context::monitor`](super::Context::monitor)).
///
/// ```
/// let m = katalyst::actor::MonitorRef(7);
/// assert_eq!(m.0, 7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MonitorRef(pub u64);

/// The message a trapping actor receives when a linked actor exits, or when another actor sends
/// it an exit signal: `{'EXIT', from, reason}`. It arrives through `Behaviour::handle` as a
/// `Message::Value`.
///
/// ```
/// use katalyst::actor::*;
/// let m = Message::value(ExitMsg { from: ActorRef::from_parts([0, 1, 1]), reason: ExitReason::Normal });
/// assert_eq!(m.downcast_ref::<ExitMsg>().map(|e| e.reason.kind()), Some("normal"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExitMsg {
    /// Who exited (or sent the signal).
    pub from: ActorRef,
    /// Why.
    pub reason: ExitReason,
}

/// The message a monitoring actor receives when the monitored actor exits: `{'DOWN', ref,
/// process, pid, reason}`. `reason` is `noproc` ([`ExitReason::NoProc`]) if the actor was
/// already dead when the monitor was set.
///
/// ```
/// use katalyst::actor::*;
/// let d = Down { monitor: MonitorRef(1), actor: ActorRef::from_parts([0, 1, 1]), reason: ExitReason::NoProc };
/// assert_eq!(d.reason.kind(), "noproc");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Down {
    /// The monitor that fired.
    pub monitor: MonitorRef,
    /// The monitored actor.
    pub actor: ActorRef,
    /// Its exit reason.
    pub reason: ExitReason,
}

/// Sent by the runtime to the actor that spawned another with an init acknowledgement
/// ([`Context::spawn_link_acked`](super::Context::spawn_link_acked)) once that actor's `init`
/// succeeded (a supervisor sends it itself once all its children started).
///
/// ```
/// use katalyst::actor::*;
/// let a = InitAck(ActorRef::from_parts([0, 2, 1]));
/// assert_eq!(a.0.id().slot, 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InitAck(pub ActorRef);

/// An exit signal in flight.
#[derive(Clone, Debug)]
pub(crate) struct ExitSignal {
    pub reason: ExitReason,
    /// The sending actor; `None` for `System::stop` / `Context::stop` (untrappable requests).
    pub from: Option<ActorRef>,
    /// Sent because a linked actor exited (only effective while the link still exists).
    pub link: bool,
}

/// Link and monitor state kept in an actor's private core.
#[derive(Default)]
pub(crate) struct Signals {
    pub links: HashSet<ActorRef>,
    /// Monitors this actor holds: ref → monitored actor.
    pub monitors: HashMap<MonitorRef, ActorRef>,
    /// Monitors on this actor: ref → watcher. Ordered, so its DOWNs go out in the order the
    /// monitors were set (refs grow): a DOWN that makes its receiver act (a supervisor stopping
    /// the next child) never overtakes an older watcher's DOWN for the same exit.
    pub watchers: BTreeMap<MonitorRef, ActorRef>,
    pub trap_exit: bool,
    /// Who gets an [`InitAck`] after `init` succeeds.
    pub init_ack: Option<ActorRef>,
}

/// Link and monitor signals carried in the mailbox.
pub(crate) enum Signal {
    Link(ActorRef),
    Unlink(ActorRef),
    Monitor(MonitorRef, ActorRef),
    Demonitor(MonitorRef),
    Down(Down),
    Exit(ExitSignal),
    /// Runs on the actor's own context between two messages: link, monitor and trap requests
    /// made from outside any actor (`System::link`, `System::monitor`, …; see `external.rs`).
    Run(Box<dyn FnOnce(&mut super::Context<'_>) + Send>),
}

/// What the receiver of an exit signal does.
pub(crate) enum ExitAction {
    Ignore,
    Deliver(ExitMsg),
    Exit(ExitReason),
}

/// The reason links and monitors see for an actor that exited with `reason`.
pub(crate) fn propagated(reason: &ExitReason) -> ExitReason {
    match reason {
        ExitReason::Kill => ExitReason::Killed,
        other => other.clone(),
    }
}

/// Applies Erlang's receive rules to an exit signal.
pub(crate) fn on_exit_signal(sig: ExitSignal, me: ActorRef, signals: &mut Signals) -> ExitAction {
    let Some(from) = sig.from else {
        return ExitAction::Exit(sig.reason);
    };
    if sig.link && !signals.links.remove(&from) {
        return ExitAction::Ignore; // unlinked meanwhile
    }
    if sig.reason == ExitReason::Kill && !sig.link {
        return ExitAction::Exit(ExitReason::Kill);
    }
    if signals.trap_exit {
        return ExitAction::Deliver(ExitMsg {
            from,
            reason: sig.reason,
        });
    }
    if sig.reason == ExitReason::Normal && from != me {
        return ExitAction::Ignore;
    }
    ExitAction::Exit(sig.reason)
}
