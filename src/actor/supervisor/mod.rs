//! OTP supervisors: strategies `one_for_one`, `one_for_all`, `rest_for_one`,
//! `simple_one_for_one`; restart types `permanent`, `transient`, `temporary`; ordered start
//! and reverse-order shutdown with per-child timeouts; restart intensity with escalation;
//! optional backoff. A supervisor is an actor, so supervisors nest.
//!
//! ```
//! use katalyst::actor::*;
//! use katalyst::actor::supervisor::*;
//! let ex = NativeExecutor::start(Config::default()).unwrap();
//! let echo = || ChildSpec::new("echo", |_| Ok(Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>));
//! let spec = SupervisorSpec::new(Strategy::OneForOne).child(echo());
//! let sup = start(ex.system(), spec).unwrap();
//! let kids = which_children(ex.system(), sup).unwrap();
//! assert_eq!(kids.len(), 1);
//! assert_eq!(kids[0].state, ChildState::Running);
//! stop(ex.system(), sup).unwrap();
//! ```

mod intensity;
mod server;
mod spec;

pub use intensity::Intensity;
pub use server::Supervisor;
pub use spec::{
    Backoff, ChildKind, ChildSpec, Restart, Shutdown, StartFn, Strategy, SupervisorSpec,
};

use super::{ActorError, ActorRef, CallHandle, Message, SpawnOptions, System};

/// Requests a supervisor answers (send with `System::call` as `Message::value`).
///
/// ```
/// use katalyst::actor::supervisor::SupervisorCall;
/// let m = katalyst::actor::Message::value(SupervisorCall::WhichChildren);
/// assert!(m.downcast_ref::<SupervisorCall>().is_some());
/// ```
pub enum SupervisorCall {
    /// Replies `Empty` once every initial child started (or fails: the supervisor exited).
    AwaitStarted,
    /// Replies `Vec<ChildInfo>` in start order.
    WhichChildren,
    /// Replies `Int(restarts so far)`.
    Restarts,
    /// `simple_one_for_one`: starts a child with these arguments; replies its `ActorRef`.
    StartChild(Message),
    /// Stops that child (removed under `simple_one_for_one`); replies `Int(1)` if it was one.
    TerminateChild(ActorRef),
    /// Stops the running child with this id (its spec is kept); replies `Int(1)` if it ran.
    TerminateChildId(String),
    /// Starts the stopped child with this id again; replies its `ActorRef` once started.
    RestartChild(String),
    /// Removes the spec of the stopped child with this id; replies `Int(1)` if removed.
    DeleteChild(String),
    /// Stops the children in reverse order, replies, then exits with `shutdown`.
    Stop,
}

/// What a child is doing.
///
/// ```
/// use katalyst::actor::supervisor::ChildState;
/// assert_ne!(ChildState::Running, ChildState::Restarting);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildState {
    /// Spawned, `init` not yet acknowledged.
    Starting,
    /// Up.
    Running,
    /// Waiting to be started again.
    Restarting,
    /// Being shut down.
    Stopping,
    /// Not running (not restarted, or before a restart).
    Stopped,
}

/// One child as the supervisor sees it (OTP `which_children`).
///
/// See the module documentation for an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildInfo {
    /// Its spec id.
    pub id: String,
    /// The running incarnation.
    pub actor: Option<ActorRef>,
    /// Worker or supervisor.
    pub kind: ChildKind,
    /// Its restart type.
    pub restart: Restart,
    /// What it is doing.
    pub state: ChildState,
    /// Times it was restarted.
    pub restarts: u64,
}

#[cfg(not(target_arch = "wasm32"))]
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Spawns a supervisor and returns it with a handle that completes once all its children
/// started (`actor_exited` with `failed_to_start_child …` if one failed). Non-blocking: the
/// browser awaits the handle.
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::supervisor::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let (sup, started) = spawn(ex.system(), SupervisorSpec::new(Strategy::OneForAll)).unwrap();
/// started.wait().unwrap();
/// assert!(ex.system().is_alive(sup));
/// ```
pub fn spawn(sys: &System, spec: SupervisorSpec) -> Result<(ActorRef, CallHandle), ActorError> {
    // The supervisor holds the answer from its first turn: a call sent after `spawn` would find
    // it gone (`noproc`) when a child fails to start before the call arrives.
    let (mut started, token) = CallHandle::unsent(&sys.inner);
    let sup = sys.spawn(
        Supervisor::new(spec).answer_started(token),
        SpawnOptions::default(),
    )?;
    started.bind(sup.id());
    Ok((sup, started))
}

/// Starts a supervisor and waits until its children started (native: blocks the caller).
///
/// See the module documentation for an example.
#[cfg(not(target_arch = "wasm32"))]
pub fn start(sys: &System, spec: SupervisorSpec) -> Result<ActorRef, ActorError> {
    let (sup, started) = spawn(sys, spec)?;
    started.wait()?;
    Ok(sup)
}

/// The children of `sup`, in start order (native: blocks the caller).
///
/// See the module documentation for an example.
#[cfg(not(target_arch = "wasm32"))]
pub fn which_children(sys: &System, sup: ActorRef) -> Result<Vec<ChildInfo>, ActorError> {
    let r = sys
        .call(
            sup,
            Message::value(SupervisorCall::WhichChildren),
            CALL_TIMEOUT,
        )?
        .wait()?;
    r.downcast::<Vec<ChildInfo>>()
        .map_err(|_| ActorError::NoProc { actor: sup.id() })
}

/// `simple_one_for_one`: starts a child with `args` (native: blocks the caller).
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::supervisor::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let t = ChildSpec::new("adder", |args| {
///     let k = args.as_int().ok_or("expected an integer")?;
///     Ok(Box::new(from_fn(move |m, _| Ok(Message::Int(m.as_int().unwrap_or(0) + k)))) as Box<dyn Behaviour>)
/// });
/// let sup = start(ex.system(), SupervisorSpec::new(Strategy::SimpleOneForOne).child(t)).unwrap();
/// let a = start_child(ex.system(), sup, Message::Int(10)).unwrap();
/// let r = ex.system().call(a, Message::Int(1), std::time::Duration::from_secs(5)).unwrap().wait();
/// assert_eq!(r.unwrap().as_int(), Some(11));
/// assert!(start_child(ex.system(), sup, Message::Empty).is_err());
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn start_child(sys: &System, sup: ActorRef, args: Message) -> Result<ActorRef, ActorError> {
    let r = sys
        .call(
            sup,
            Message::value(SupervisorCall::StartChild(args)),
            CALL_TIMEOUT,
        )?
        .wait()?;
    r.downcast::<ActorRef>()
        .map_err(|_| ActorError::NoProc { actor: sup.id() })
}

/// Stops `sup` in order: children in reverse start order, each by its shutdown spec, then the
/// supervisor (native: blocks the caller).
///
/// See the module documentation for an example.
#[cfg(not(target_arch = "wasm32"))]
pub fn stop(sys: &System, sup: ActorRef) -> Result<(), ActorError> {
    sys.call(sup, Message::value(SupervisorCall::Stop), CALL_TIMEOUT)?
        .wait()
        .map(|_| ())
}
