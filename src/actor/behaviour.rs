//! What an actor does: the [`Behaviour`] trait, closures as behaviours, and the table of named
//! behaviour constructors (the extension point for built-in and downstream behaviours).

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;

use super::{ActorError, Context, ExitReason, Message, RequestId};

/// A Rust actor. Its state is `self`; the runtime calls one method at a time, never concurrently.
///
/// Returning `Err(reason)` from any method ends the actor with that reason (a panic does too,
/// with the panic message and backtrace). For a call, the value `handle` returns is the reply,
/// unless the handler took the reply with [`Context::defer_reply`].
///
/// ```
/// use katalyst::actor::*;
/// struct Counter(i64);
/// impl Behaviour for Counter {
///     fn handle(&mut self, msg: Message, _ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
///         self.0 += msg.as_int().unwrap_or(0);
///         Ok(Message::Int(self.0))
///     }
/// }
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// let c = sys.spawn(Counter(0), SpawnOptions::default()).unwrap();
/// sys.cast(c, Message::Int(2)).unwrap();
/// let total = sys.call(c, Message::Int(3), std::time::Duration::from_secs(5)).unwrap().wait();
/// assert_eq!(total.unwrap().as_int(), Some(5));
/// ```
pub trait Behaviour: Send + 'static {
    /// Runs first, on a worker, before any message.
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        let _ = ctx;
        Ok(())
    }

    /// Handles one cast or call.
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason>;

    /// Receives the result of a call this actor made with [`Context::call`] (a reply, `timeout`,
    /// `actor_exited` or `noproc`). Ignored by default.
    fn handle_reply(
        &mut self,
        request: RequestId,
        result: Result<Message, ActorError>,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        let _ = (request, result, ctx);
        Ok(())
    }

    /// Runs once when the actor exits for any reason but `kill`.
    fn terminate(&mut self, reason: &ExitReason) {
        let _ = reason;
    }
}

impl Behaviour for Box<dyn Behaviour> {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        (**self).init(ctx)
    }
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        (**self).handle(msg, ctx)
    }
    fn handle_reply(
        &mut self,
        request: RequestId,
        result: Result<Message, ActorError>,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        (**self).handle_reply(request, result, ctx)
    }
    fn terminate(&mut self, reason: &ExitReason) {
        (**self).terminate(reason)
    }
}

/// A behaviour made of one closure that handles every message (see [`from_fn`]).
pub struct FnBehaviour<F>(F);

/// Makes a behaviour from a closure `(msg, ctx) -> reply`.
///
/// ```
/// use katalyst::actor::*;
/// let double = from_fn(|m: Message, _ctx: &mut Context<'_>| Ok(Message::Int(m.as_int().unwrap_or(0) * 2)));
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let a = ex.system().spawn(double, SpawnOptions::default()).unwrap();
/// let r = ex.system().call(a, Message::Int(21), std::time::Duration::from_secs(5)).unwrap().wait();
/// assert_eq!(r.unwrap().as_int(), Some(42));
/// ```
pub fn from_fn<F>(f: F) -> FnBehaviour<F>
where
    F: FnMut(Message, &mut Context<'_>) -> Result<Message, ExitReason> + Send + 'static,
{
    FnBehaviour(f)
}

impl<F> Behaviour for FnBehaviour<F>
where
    F: FnMut(Message, &mut Context<'_>) -> Result<Message, ExitReason> + Send + 'static,
{
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        (self.0)(msg, ctx)
    }
}

/// Builds a behaviour from spawn arguments, or says why the arguments are wrong.
pub type BehaviourConstructor =
    Arc<dyn Fn(Message) -> Result<Box<dyn Behaviour>, String> + Send + Sync>;

/// Named constructors, read without locks (copy-on-write: registration is rare).
pub(crate) struct BehaviourTable {
    map: ArcSwap<HashMap<String, BehaviourConstructor>>,
}

impl BehaviourTable {
    pub fn new() -> Self {
        BehaviourTable {
            map: ArcSwap::from_pointee(HashMap::new()),
        }
    }

    pub fn insert(&self, name: &str, ctor: BehaviourConstructor) {
        self.map.rcu(|m| {
            let mut m = HashMap::clone(m);
            m.insert(name.to_owned(), ctor.clone());
            m
        });
    }

    pub fn get(&self, name: &str) -> Option<BehaviourConstructor> {
        self.map.load().get(name).cloned()
    }

    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.map.load().keys().cloned().collect();
        v.sort();
        v
    }
}
