//! What a running handler can do.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_deque::Worker;

use super::call::{CallShared, ReplyTo, ReplyToken};
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
    pub(crate) stop: Option<ExitReason>,
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
        let request = self.sys.next_request();
        let shared = CallShared::new_for_actor();
        let reply = ReplyTo::Actor {
            caller: self.me,
            request,
            shared: shared.clone(),
        };
        self.sys
            .call_from(to, msg, reply, Some(self.me), timeout, self.local)?;
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
}
