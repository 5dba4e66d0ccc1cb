//! Calls: the shared one-shot state between a caller and the callee, the caller's handle, and
//! deferred reply tokens.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context as TaskContext, Poll};

use atomic_waker::AtomicWaker;
use crossbeam_deque::Worker;
use crossbeam_queue::ArrayQueue;

use super::system::Shared;
use super::{ActorError, ActorId, ActorRef, Message, RequestId};

const QUEUED: u8 = 0;
const STARTED: u8 = 1;
const DONE: u8 = 2;

/// State shared by the caller, the callee's envelope and the timeout timer. Whoever moves it to
/// `DONE` first (reply, timeout, cancel, exit) is the only one whose result is delivered, so a
/// late reply is dropped and a cancelled call that was not started is skipped by the callee.
pub(crate) struct CallShared {
    state: AtomicU8,
    /// Where an external caller's result waits (absent for actor callers: theirs is mailed).
    result: Option<ArrayQueue<Result<Message, ActorError>>>,
    waker: AtomicWaker,
}

impl CallShared {
    fn new(external: bool) -> Arc<Self> {
        Arc::new(CallShared {
            state: AtomicU8::new(QUEUED),
            result: external.then(|| ArrayQueue::new(1)),
            waker: AtomicWaker::new(),
        })
    }

    pub fn new_for_actor() -> Arc<Self> {
        Self::new(false)
    }

    /// The callee takes the call; false if it was cancelled, timed out or answered already.
    pub fn start(&self) -> bool {
        self.state
            .compare_exchange(QUEUED, STARTED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Claims the right to deliver the result; true once only.
    pub fn finish(&self) -> bool {
        let mut s = self.state.load(Ordering::Acquire);
        while s != DONE {
            match self
                .state
                .compare_exchange(s, DONE, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return true,
                Err(now) => s = now,
            }
        }
        false
    }

    pub fn is_done(&self) -> bool {
        self.state.load(Ordering::Acquire) == DONE
    }

    fn put(&self, r: Result<Message, ActorError>) {
        if let Some(q) = &self.result {
            let _ = q.push(r);
        }
        self.waker.wake();
    }
}

/// Where a call's result goes.
#[derive(Clone)]
pub(crate) enum ReplyTo {
    /// A caller outside the system (main thread, test thread): a [`CallHandle`] awaits it.
    External(Arc<CallShared>),
    /// An actor: the result is mailed to it and handed to `Behaviour::handle_reply`.
    Actor {
        caller: ActorRef,
        request: RequestId,
        shared: Arc<CallShared>,
    },
}

impl ReplyTo {
    pub fn shared(&self) -> &Arc<CallShared> {
        match self {
            ReplyTo::External(s) => s,
            ReplyTo::Actor { shared, .. } => shared,
        }
    }

    /// Delivers `result` unless the call already ended; returns whether it was delivered.
    pub fn complete(
        &self,
        sys: &Shared,
        local: Option<&Worker<u32>>,
        result: Result<Message, ActorError>,
    ) -> bool {
        if !self.shared().finish() {
            return false;
        }
        match self {
            ReplyTo::External(s) => s.put(result),
            ReplyTo::Actor {
                caller, request, ..
            } => sys.deliver_reply(*caller, *request, result, local),
        }
        true
    }
}

/// The caller's side of a call from outside the actor system: a future of the reply.
///
/// Dropping it or calling [`CallHandle::cancel`] aborts the call: if the callee has not started
/// it, it is never handled; a reply that comes later is dropped. The call's timeout is enforced
/// by the system's timers, so the future always completes.
///
/// ```
/// use std::time::Duration;
/// use katalyst::actor::{from_fn, Config, Message, NativeExecutor, SpawnOptions};
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// let echo = sys.spawn(from_fn(|m, _ctx| Ok(m)), SpawnOptions::default()).unwrap();
/// let reply = sys.call(echo, Message::Int(4), Duration::from_secs(5)).unwrap().wait();
/// assert_eq!(reply.unwrap().as_int(), Some(4));
/// ```
pub struct CallHandle {
    shared: Arc<CallShared>,
    target: ActorId,
}

impl CallHandle {
    pub(crate) fn new(target: ActorId) -> (CallHandle, ReplyTo) {
        let shared = CallShared::new(true);
        (
            CallHandle {
                shared: shared.clone(),
                target,
            },
            ReplyTo::External(shared),
        )
    }

    /// A call that no message carries: the returned token answers it. For a reply an actor
    /// must be able to give from its very first turn (a supervisor's "started"), which a call
    /// sent after `spawn` could miss if the actor exits first. Both sides learn the actor's id
    /// later ([`CallHandle::bind`], [`ReplyToken::bind`]).
    pub(crate) fn unsent(system: &Arc<Shared>) -> (CallHandle, ReplyToken) {
        let nobody = ActorId {
            node: 0,
            slot: 0,
            generation: 0,
        };
        let (handle, reply) = CallHandle::new(nobody);
        (
            handle,
            ReplyToken::new(reply, Arc::downgrade(system), nobody),
        )
    }

    /// Names the callee of an [`CallHandle::unsent`] call.
    pub(crate) fn bind(&mut self, target: ActorId) {
        self.target = target;
    }

    /// The callee.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let sys = ex.system();
    /// let a = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let h = sys.call(a, Message::Empty, std::time::Duration::from_secs(1)).unwrap();
    /// assert_eq!(h.target(), a.id());
    /// ```
    pub fn target(&self) -> ActorId {
        self.target
    }

    /// Aborts the call; true if it had not finished yet (its result is then `aborted`).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let sys = ex.system();
    /// let a = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let h = sys.call(a, Message::Empty, std::time::Duration::from_secs(1)).unwrap();
    /// if h.cancel() {
    ///     assert_eq!(h.wait().unwrap_err().to_string().contains("aborted"), true);
    /// }
    /// ```
    pub fn cancel(&self) -> bool {
        if self.shared.finish() {
            self.shared
                .put(Err(ActorError::Aborted { actor: self.target }));
            true
        } else {
            false
        }
    }

    /// The result if it has arrived (taking it).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let sys = ex.system();
    /// # let a = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let h = sys.call(a, Message::Int(1), std::time::Duration::from_secs(5)).unwrap();
    /// let _maybe = h.try_take();
    /// ```
    pub fn try_take(&self) -> Option<Result<Message, ActorError>> {
        self.shared.result.as_ref().and_then(|q| q.pop())
    }

    /// Blocks this thread until the result arrives (native only; never on a browser main thread).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let sys = ex.system();
    /// let a = sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let r = sys.call(a, Message::Int(2), std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(2));
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait(self) -> Result<Message, ActorError> {
        super::block_on(self)
    }
}

impl std::fmt::Debug for CallHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallHandle")
            .field("target", &self.target)
            .field("done", &self.shared.is_done())
            .finish()
    }
}

impl Future for CallHandle {
    type Output = Result<Message, ActorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        if let Some(r) = self.try_take() {
            return Poll::Ready(r);
        }
        self.shared.waker.register(cx.waker());
        match self.try_take() {
            Some(r) => Poll::Ready(r),
            None => Poll::Pending,
        }
    }
}

impl Drop for CallHandle {
    fn drop(&mut self) {
        // An unfinished call is abandoned: the callee skips it if not started.
        self.shared.finish();
    }
}

thread_local! {
    /// Set while a dead actor's behaviour is dropped, so tokens it held report the exit reason.
    pub(crate) static EXITING: std::cell::RefCell<Option<(ActorId, super::ExitReason)>> =
        const { std::cell::RefCell::new(None) };
}

/// A call's reply, taken out of a handler to answer later (`Context::defer_reply`).
///
/// If it is dropped unanswered the caller gets `no_reply`, or `actor_exited` with the reason when
/// the actor holding it exits.
///
/// ```
/// use katalyst::actor::*;
/// struct Later(Option<ReplyToken>);
/// impl Behaviour for Later {
///     fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
///         match msg {
///             Message::Int(0) => self.0 = ctx.defer_reply(),
///             _ => {
///                 if let Some(t) = self.0.take() {
///                     t.reply(Message::Int(42));
///                 }
///             }
///         }
///         Ok(Message::Empty)
///     }
/// }
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// let a = sys.spawn(Later(None), SpawnOptions::default()).unwrap();
/// let h = sys.call(a, Message::Int(0), std::time::Duration::from_secs(5)).unwrap();
/// sys.cast(a, Message::Int(1)).unwrap();
/// assert_eq!(h.wait().unwrap().as_int(), Some(42));
/// ```
pub struct ReplyToken {
    reply: Option<ReplyTo>,
    system: Weak<Shared>,
    actor: ActorId,
}

impl ReplyToken {
    pub(crate) fn new(reply: ReplyTo, system: Weak<Shared>, actor: ActorId) -> Self {
        ReplyToken {
            reply: Some(reply),
            system,
            actor,
        }
    }

    /// Answers the call (dropped silently if the call already timed out or was cancelled).
    ///
    /// See [`ReplyToken`] for an example.
    pub fn reply(mut self, msg: Message) {
        self.send(Ok(msg));
    }

    /// Answers the call with an error.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let f = from_fn(|_m, ctx| {
    ///     if let Some(t) = ctx.defer_reply() {
    ///         t.reply_err(ActorError::Shutdown);
    ///     }
    ///     Ok(Message::Empty)
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let sys = ex.system();
    /// let a = sys.spawn(f, SpawnOptions::default()).unwrap();
    /// let r = sys.call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap_err(), ActorError::Shutdown);
    /// ```
    pub fn reply_err(mut self, err: ActorError) {
        self.send(Err(err));
    }

    /// Names the actor answering an [`CallHandle::unsent`] call, so its exit reason reaches
    /// the caller if it drops the token while exiting.
    pub(crate) fn bind(&mut self, actor: ActorId) {
        self.actor = actor;
    }

    /// Whether the caller still waits for this answer.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// let f = from_fn(|_m, ctx| {
    ///     let t = ctx.defer_reply().unwrap();
    ///     assert!(t.is_wanted());
    ///     t.reply(Message::Empty);
    ///     Ok(Message::Empty)
    /// });
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// # let sys = ex.system();
    /// let a = sys.spawn(f, SpawnOptions::default()).unwrap();
    /// assert!(sys.call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait().is_ok());
    /// ```
    pub fn is_wanted(&self) -> bool {
        self.reply.as_ref().is_some_and(|r| !r.shared().is_done())
    }

    fn send(&mut self, result: Result<Message, ActorError>) {
        if let Some(reply) = self.reply.take() {
            match self.system.upgrade() {
                Some(sys) => {
                    reply.complete(&sys, None, result);
                }
                None => {
                    reply.shared().finish();
                }
            }
        }
    }
}

impl Drop for ReplyToken {
    fn drop(&mut self) {
        if self.reply.is_some() {
            let actor = self.actor;
            let err = EXITING
                .with(|e| e.borrow().clone())
                .filter(|(id, _)| *id == actor)
                .map(|(actor, reason)| ActorError::ActorExited { actor, reason })
                .unwrap_or(ActorError::NoReply { actor });
            self.send(Err(err));
        }
    }
}
