//! What a running handler can do.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_deque::Worker;

use super::call::{CallShared, ReplyTo, ReplyToken};
use super::link::{Down, ExitSignal, MonitorRef, Signal, Signals};
use super::system::Shared;
use super::{
    ActorError, ActorRef, Behaviour, ExitReason, Message, RequestId, SpawnOptions, TimerRef,
};

/// The handler's view of the runtime: its own reference, the sender, and spawn / cast / call /
/// stop. Nothing here blocks: `call` returns a [`RequestId`] and the reply arrives later in
/// [`Behaviour::handle_reply`].
///
/// ```
/// use katalyst::actor::*;
/// // An actor that forwards every message to a child it spawned in `init`.
/// struct Parent(Option<ActorRef>);
/// impl Behaviour for Parent {
///     fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
///         let child = ctx.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default());
///         self.0 = Some(child.map_err(|e| ExitReason::error(e.to_string()))?);
///         Ok(())
///     }
///     fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
///         if let Some(child) = self.0 {
///             let _ = ctx.cast(child, msg);
///         }
///         Ok(Message::Int(ctx.myself().id().slot as i64))
///     }
/// }
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let p = ex.system().spawn(Parent(None), SpawnOptions::default()).unwrap();
/// let r = ex.system().call(p, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
/// assert_eq!(r.unwrap().as_int(), Some(p.id().slot as i64));
/// ```
pub struct Context<'a> {
    pub(crate) sys: &'a Arc<Shared>,
    pub(crate) local: Option<&'a Worker<u32>>,
    pub(crate) me: ActorRef,
    pub(crate) from: Option<ActorRef>,
    pub(crate) reply: Option<ReplyTo>,
    pub(crate) pending: &'a mut HashMap<RequestId, Arc<CallShared>>,
    pub(crate) signals: &'a mut Signals,
    /// Capabilities the current message carries (sent through the capability authority).
    pub(crate) caps: Option<super::capability::Carried>,
    pub(crate) stop: Option<ExitReason>,
    pub(crate) hold: Option<super::hold::HoldState>,
}

impl Context<'_> {
    /// This actor.
    ///
    /// See [`Context`] for an example.
    pub fn myself(&self) -> ActorRef {
        self.me
    }

    /// The actor that sent the current message, if it came from an actor.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int(ctx.sender().is_some() as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(0)); // sent from outside the system
    /// ```
    pub fn sender(&self) -> Option<ActorRef> {
        self.from
    }

    /// Whether the current message is a call (a reply is expected).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int(ctx.is_call() as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn is_call(&self) -> bool {
        self.reply.is_some()
    }

    /// Spawns an actor (its `init` runs later, on some worker).
    ///
    /// See [`Context`] for an example.
    pub fn spawn(
        &mut self,
        behaviour: impl Behaviour,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        self.sys.spawn_boxed(Box::new(behaviour), &opts, self.local)
    }

    /// Spawns a behaviour registered by name (see `System::register_behaviour`).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let sys = ex.system();
    /// sys.register_behaviour("echo", std::sync::Arc::new(|_args| Ok(Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>)));
    /// let a = from_fn(|_m, ctx| {
    ///     let r = ctx.spawn_named("echo", Message::Empty, SpawnOptions::default());
    ///     Ok(Message::Int(r.is_ok() as i64))
    /// });
    /// let a = sys.spawn(a, SpawnOptions::default()).unwrap();
    /// let r = sys.call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn spawn_named(
        &mut self,
        name: &str,
        args: Message,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        let behaviour = self.sys.construct(name, args)?;
        self.sys.spawn_boxed(behaviour, &opts, self.local)
    }

    /// Sends without waiting; `mailbox_full` if the target's mailbox is full (a handler never
    /// waits: retry later, e.g. with [`Context::send_after`]).
    ///
    /// See [`Context`] for an example.
    pub fn cast(&mut self, to: ActorRef, msg: Message) -> Result<(), ActorError> {
        self.sys.cast_from(to, msg, Some(self.me), self.local)
    }

    /// Calls another actor. The result arrives in [`Behaviour::handle_reply`] with the returned
    /// id: the reply, or `timeout` after `timeout`, or `actor_exited` / `noproc`.
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use std::sync::mpsc;
    /// struct Asker(ActorRef, mpsc::Sender<i64>);
    /// impl Behaviour for Asker {
    ///     fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
    ///         ctx.call(self.0, Message::Int(20), std::time::Duration::from_secs(5))
    ///             .map_err(|e| ExitReason::error(e.to_string()))?;
    ///         Ok(())
    ///     }
    ///     fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> { Ok(m) }
    ///     fn handle_reply(&mut self, _id: RequestId, r: Result<Message, ActorError>, _: &mut Context<'_>) -> Result<(), ExitReason> {
    ///         let _ = self.1.send(r.ok().and_then(|m| m.as_int()).unwrap_or(-1));
    ///         Ok(())
    ///     }
    /// }
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let plus1 = ex.system().spawn(from_fn(|m, _| Ok(Message::Int(m.as_int().unwrap_or(0) + 1))), SpawnOptions::default()).unwrap();
    /// let (tx, rx) = mpsc::channel();
    /// ex.system().spawn(Asker(plus1, tx), SpawnOptions::default()).unwrap();
    /// assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap(), 21);
    /// ```
    pub fn call(
        &mut self,
        to: ActorRef,
        msg: Message,
        timeout: Duration,
    ) -> Result<RequestId, ActorError> {
        self.call_with_caps(to, msg, timeout, None)
    }

    pub(crate) fn call_with_caps(
        &mut self,
        to: ActorRef,
        msg: Message,
        timeout: Duration,
        caps: Option<super::capability::Carried>,
    ) -> Result<RequestId, ActorError> {
        let request = self.sys.next_request();
        let shared = CallShared::new_for_actor();
        let reply = ReplyTo::Actor {
            caller: self.me,
            request,
            shared: shared.clone(),
        };
        self.sys
            .call_from_caps(to, msg, reply, (Some(self.me), caps), timeout, self.local)?;
        self.pending.insert(request, shared);
        Ok(request)
    }

    /// Cancels a call this actor made: not handled if the callee has not started it, and its
    /// result never reaches `handle_reply`. True if it was still outstanding.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| {
    ///     let me = ctx.myself();
    ///     let id = ctx.call(me, Message::Empty, std::time::Duration::from_secs(1));
    ///     Ok(Message::Int(id.map(|id| ctx.cancel(id)).unwrap_or(false) as i64))
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn cancel(&mut self, request: RequestId) -> bool {
        self.pending
            .remove(&request)
            .is_some_and(|shared| shared.finish())
    }

    /// Takes the current call's reply to answer later; `None` for a cast or if taken already.
    ///
    /// See [`ReplyToken`] for an example.
    pub fn defer_reply(&mut self) -> Option<ReplyToken> {
        let reply = self.reply.take()?;
        Some(ReplyToken::new(
            reply,
            Arc::downgrade(self.sys),
            self.me.id(),
        ))
    }

    /// Holds this actor once the handler returns: its turn ends, its worker goes on with other
    /// actors, and the actor handles nothing else (messages, exit requests) until the returned
    /// [`Hold`] is released or dropped, from any thread. How an asynchronous handler keeps
    /// per-actor order without blocking a worker (JS behaviours awaiting `ctx.call`). Take the
    /// reply first with [`Context::defer_reply`] if the current message is a call. Exiting in
    /// the same handler voids the hold. One hold per handler. If the holding worker dies
    /// (browser `mt`: a trap) while the hold is in force, the reaper ends the actor with an
    /// `error` reason and answers the call it was handling (taken before `defer_reply`).
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use std::sync::{mpsc, Mutex};
    /// let (tx, rx) = mpsc::channel::<(Hold, Option<ReplyToken>)>();
    /// let tx = Mutex::new(tx);
    /// let a = from_fn(move |m, ctx| {
    ///     if m.as_int() == Some(0) {
    ///         let token = ctx.defer_reply();
    ///         let _ = tx.lock().unwrap().send((ctx.hold(), token));
    ///     }
    ///     Ok(m)
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let sys = ex.system();
    /// let a = sys.spawn(a, SpawnOptions::default()).unwrap();
    /// let first = sys.call(a, Message::Int(0), std::time::Duration::from_secs(5)).unwrap();
    /// let second = sys.call(a, Message::Int(2), std::time::Duration::from_secs(5)).unwrap();
    /// let (hold, token) = rx.recv().unwrap();
    /// assert_eq!(hold.actor(), a);
    /// std::thread::sleep(std::time::Duration::from_millis(20));
    /// assert!(second.try_take().is_none()); // held: the second call waits
    /// token.unwrap().reply(Message::Int(1));
    /// hold.release();
    /// assert_eq!(first.wait().unwrap().as_int(), Some(1));
    /// assert_eq!(second.wait().unwrap().as_int(), Some(2));
    /// ```
    pub fn hold(&mut self) -> super::Hold {
        let (hold, state) = super::Hold::new(Arc::downgrade(self.sys), self.me, self.reply.clone());
        self.hold = Some(state);
        hold
    }

    /// Stops this actor after the current message (its reply, if any, is still sent).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| { ctx.stop_self(ExitReason::Normal); Ok(Message::Int(1)) });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn stop_self(&mut self, reason: ExitReason) {
        self.stop = Some(reason);
    }

    /// Asks another actor to exit with `reason` after its current message.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let victim = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let killer = from_fn(move |_m, ctx| Ok(Message::Int(ctx.stop(victim, ExitReason::Shutdown).is_ok() as i64)));
    /// let k = ex.system().spawn(killer, SpawnOptions::default()).unwrap();
    /// let r = ex.system().call(k, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn stop(&mut self, target: ActorRef, reason: ExitReason) -> Result<(), ActorError> {
        if target == self.me {
            self.stop = Some(reason);
            return Ok(());
        }
        self.sys.stop_actor(target, reason, self.local)
    }

    /// Delivers `msg` to `to` after `delay` (as a cast from this actor).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|m, ctx| {
    ///     if m.as_int() == Some(0) {
    ///         let me = ctx.myself();
    ///         ctx.send_after(me, Message::Int(1), std::time::Duration::from_millis(1));
    ///     }
    ///     Ok(Message::Empty)
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// ex.system().cast(a, Message::Int(0)).unwrap();
    /// ```
    pub fn send_after(&mut self, to: ActorRef, msg: Message, delay: Duration) -> TimerRef {
        self.sys.send_after_from(to, msg, delay, Some(self.me))
    }

    /// Registers a name for `actor` (see `System::register`).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| {
    ///     let me = ctx.myself();
    ///     ctx.register("me", me).map_err(|e| ExitReason::error(e.to_string()))?;
    ///     Ok(Message::Empty)
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait().unwrap();
    /// assert_eq!(ex.system().whereis("me"), Some(a));
    /// ```
    pub fn register(&mut self, name: &str, actor: ActorRef) -> Result<(), ActorError> {
        self.sys.register(name, actor)
    }

    /// Looks a registered name up.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int(ctx.whereis("nobody").is_none() as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn whereis(&self, name: &str) -> Option<ActorRef> {
        self.sys.whereis(name)
    }

    /// Sets whether exit signals from links and [`Context::exit`] arrive as [`ExitMsg`]
    /// messages instead of ending this actor (`kill` still ends it). Returns the old setting.
    ///
    /// See [`Context::link`] for an example.
    ///
    /// [`ExitMsg`]: super::ExitMsg
    pub fn trap_exit(&mut self, on: bool) -> bool {
        if let Some(cell) = self.sys.cell(self.me.id().slot) {
            cell.trap_exit
                .store(on, std::sync::atomic::Ordering::Release);
        }
        std::mem::replace(&mut self.signals.trap_exit, on)
    }

    /// Links this actor with `other` (both ways): when either exits with a reason other than
    /// `normal`, the other exits too, or gets an [`ExitMsg`](super::ExitMsg) if it traps exits.
    /// A dead `other`: `noproc`, or an `ExitMsg` with reason `noproc` when trapping.
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use std::sync::mpsc;
    /// struct Watcher(ActorRef, mpsc::Sender<String>);
    /// impl Behaviour for Watcher {
    ///     fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
    ///         ctx.trap_exit(true);
    ///         ctx.link(self.0).map_err(|e| ExitReason::error(e.to_string()))?;
    ///         ctx.stop(self.0, ExitReason::error("boom")).ok();
    ///         Ok(())
    ///     }
    ///     fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
    ///         if let Some(e) = m.downcast_ref::<ExitMsg>() {
    ///             let _ = self.1.send(e.reason.to_string());
    ///         }
    ///         Ok(Message::Empty)
    ///     }
    /// }
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let victim = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let (tx, rx) = mpsc::channel();
    /// ex.system().spawn(Watcher(victim, tx), SpawnOptions::default()).unwrap();
    /// assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap(), "error: boom");
    /// ```
    pub fn link(&mut self, other: ActorRef) -> Result<(), ActorError> {
        if other == self.me {
            return Ok(());
        }
        self.signals.links.insert(other);
        match self
            .sys
            .send_signal(other, Some(self.me), Signal::Link(self.me), self.local)
        {
            Ok(()) => Ok(()),
            Err(e) if self.signals.trap_exit => {
                let _ = e;
                let sig = ExitSignal {
                    reason: ExitReason::NoProc,
                    from: Some(other),
                    link: true,
                };
                let _ = self.sys.send_exit(self.me, sig, self.local);
                Ok(())
            }
            Err(e) => {
                self.signals.links.remove(&other);
                Err(e)
            }
        }
    }

    /// Removes the link with `other` (both ways); no exit signal from it arrives afterwards.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| {
    ///     let me = ctx.myself();
    ///     ctx.unlink(me);
    ///     Ok(Message::Empty)
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// ```
    pub fn unlink(&mut self, other: ActorRef) {
        if self.signals.links.remove(&other) {
            let _ = self
                .sys
                .send_signal(other, Some(self.me), Signal::Unlink(self.me), self.local);
        }
    }

    /// Monitors `target`: when it exits, this actor gets a [`Down`](super::Down) message with
    /// the reason (`noproc` at once if it is not alive).
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use std::sync::mpsc;
    /// let (tx, rx) = mpsc::channel();
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let gone = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// ex.system().stop(gone, ExitReason::Normal).unwrap();
    /// while ex.system().is_alive(gone) { std::thread::yield_now(); }
    /// let w = from_fn(move |m, ctx| {
    ///     if let Some(d) = m.downcast_ref::<Down>() {
    ///         let _ = tx.send(d.reason.kind());
    ///     } else {
    ///         ctx.monitor(gone);
    ///     }
    ///     Ok(Message::Empty)
    /// });
    /// let w = ex.system().spawn(w, SpawnOptions::default()).unwrap();
    /// ex.system().cast(w, Message::Empty).unwrap();
    /// assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap(), "noproc");
    /// ```
    pub fn monitor(&mut self, target: ActorRef) -> MonitorRef {
        let monitor = self.sys.next_monitor();
        self.signals.monitors.insert(monitor, target);
        let sent = self.sys.send_signal(
            target,
            Some(self.me),
            Signal::Monitor(monitor, self.me),
            self.local,
        );
        if sent.is_err() {
            let down = Down {
                monitor,
                actor: target,
                reason: ExitReason::NoProc,
            };
            let _ = self
                .sys
                .send_signal(self.me, Some(target), Signal::Down(down), self.local);
        }
        monitor
    }

    /// Removes a monitor; its DOWN, even if already queued, is not delivered. True if it was
    /// active.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int(ctx.demonitor(MonitorRef(12345)) as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// # let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// # assert_eq!(r.unwrap().as_int(), Some(0));
    /// ```
    pub fn demonitor(&mut self, monitor: MonitorRef) -> bool {
        match self.signals.monitors.remove(&monitor) {
            Some(target) => {
                let _ = self.sys.send_signal(
                    target,
                    Some(self.me),
                    Signal::Demonitor(monitor),
                    self.local,
                );
                true
            }
            None => false,
        }
    }

    /// Sends an exit signal to `target` (Erlang `exit/2`): `kill` always ends it (its links
    /// see `killed`); otherwise a trapping target gets an [`ExitMsg`](super::ExitMsg), and a
    /// non-trapping one ignores `normal` and exits with any other reason.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let victim = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let k = ex.system().spawn(from_fn(move |_m, ctx| Ok(Message::Int(ctx.exit(victim, ExitReason::Kill).is_ok() as i64))), SpawnOptions::default()).unwrap();
    /// let r = ex.system().call(k, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn exit(&mut self, target: ActorRef, reason: ExitReason) -> Result<(), ActorError> {
        let sig = ExitSignal {
            reason,
            from: Some(self.me),
            link: false,
        };
        self.sys.send_exit(target, sig, self.local)
    }

    /// Spawns an actor already linked to this one (an `init` failure reaches this actor).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int(ctx.spawn_link(from_fn(|m, _| Ok(m)), SpawnOptions::default()).is_ok() as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// # let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// # assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn spawn_link(
        &mut self,
        behaviour: impl Behaviour,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        self.spawn_link_boxed(Box::new(behaviour), opts, false)
    }

    /// Like [`Context::spawn_link`]; also sends this actor an [`InitAck`](super::InitAck) once
    /// the child's `init` succeeded (or the child sends it itself after
    /// [`Context::take_init_ack`]). Supervisors start children in order this way.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|m, ctx| {
    ///     if m.downcast_ref::<InitAck>().is_none() {
    ///         ctx.spawn_link_acked(Box::new(from_fn(|m, _| Ok(m))), SpawnOptions::default()).ok();
    ///     }
    ///     Ok(Message::Empty)
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// # ex.system().cast(a, Message::Empty).unwrap();
    /// ```
    pub fn spawn_link_acked(
        &mut self,
        behaviour: Box<dyn Behaviour>,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        self.spawn_link_boxed(behaviour, opts, true)
    }

    fn spawn_link_boxed(
        &mut self,
        behaviour: Box<dyn Behaviour>,
        opts: SpawnOptions,
        ack: bool,
    ) -> Result<ActorRef, ActorError> {
        let mut signals = Signals::default();
        signals.links.insert(self.me);
        signals.init_ack = ack.then_some(self.me);
        let child = self.sys.spawn_with(behaviour, &opts, self.local, signals)?;
        self.signals.links.insert(child);
        Ok(child)
    }

    /// Spawns an actor already monitored by this one.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int(ctx.spawn_monitor(from_fn(|m, _| Ok(m)), SpawnOptions::default()).is_ok() as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// # let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// # assert_eq!(r.unwrap().as_int(), Some(1));
    /// ```
    pub fn spawn_monitor(
        &mut self,
        behaviour: impl Behaviour,
        opts: SpawnOptions,
    ) -> Result<(ActorRef, MonitorRef), ActorError> {
        let monitor = self.sys.next_monitor();
        let mut signals = Signals::default();
        signals.watchers.insert(monitor, self.me);
        let child = self
            .sys
            .spawn_with(Box::new(behaviour), &opts, self.local, signals)?;
        self.signals.monitors.insert(monitor, child);
        Ok((child, monitor))
    }

    /// In `init`: takes the actor waiting for this one's [`InitAck`](super::InitAck), to send
    /// it later (a supervisor acknowledges once all its children started). `None` if nobody
    /// waits.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// struct Late;
    /// impl Behaviour for Late {
    ///     fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
    ///         assert!(ctx.take_init_ack().is_none());
    ///         Ok(())
    ///     }
    ///     fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> { Ok(m) }
    /// }
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # ex.system().spawn(Late, SpawnOptions::default()).unwrap();
    /// ```
    pub fn take_init_ack(&mut self) -> Option<ActorRef> {
        self.signals.init_ack.take()
    }

    /// The actors linked to this one.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int(ctx.links().len() as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// # let r = ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// # assert_eq!(r.unwrap().as_int(), Some(0));
    /// ```
    pub fn links(&self) -> Vec<ActorRef> {
        self.signals.links.iter().copied().collect()
    }

    /// Sends `msg` past the mailbox bound (for runtime protocols such as [`InitAck`](super::InitAck)).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|m, ctx| { if m.as_int() == Some(0) { let me = ctx.myself(); ctx.notify(me, Message::Int(1)); } Ok(Message::Empty) });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// # ex.system().cast(a, Message::Int(0)).unwrap();
    /// ```
    pub fn notify(&mut self, to: ActorRef, msg: Message) {
        self.sys.deliver_cast(to, self.me, msg, self.local);
    }

    /// The system clock now, in nanoseconds since the system started its clock.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let a = from_fn(|_m, ctx| Ok(Message::Int((ctx.now_ns() > 0) as i64)));
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let a = ex.system().spawn(a, SpawnOptions::default()).unwrap();
    /// # ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait().unwrap();
    /// ```
    pub fn now_ns(&self) -> u64 {
        self.sys.now_ns()
    }

    pub(crate) fn system(&self) -> super::System {
        super::System {
            inner: self.sys.clone(),
        }
    }
}
