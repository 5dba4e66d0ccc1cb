//! What a supervisor is told: strategy, intensity, children.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::actor::{Behaviour, Message};

/// How a supervisor reacts to a child's exit (OTP `strategy`).
///
/// ```
/// use katalyst::actor::supervisor::Strategy;
/// assert_eq!(Strategy::default(), Strategy::OneForOne);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Restart only the child that exited.
    #[default]
    OneForOne,
    /// Stop all other children (reverse start order), then restart all (start order).
    OneForAll,
    /// Stop the children started after the one that exited (reverse order), then restart it
    /// and them (start order).
    RestForOne,
    /// One child spec, children added at run time with `start_child`; like `OneForOne`.
    SimpleOneForOne,
}

/// When a child is restarted (OTP `restart`).
///
/// ```
/// use katalyst::actor::supervisor::Restart;
/// assert_eq!(Restart::default(), Restart::Permanent);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Restart {
    /// Always.
    #[default]
    Permanent,
    /// Only after an abnormal exit (not `normal` or `shutdown`).
    Transient,
    /// Never, not even in a `one_for_all` / `rest_for_one` sweep; removed from the children
    /// on any exit.
    Temporary,
}

/// How a child is stopped (OTP `shutdown`).
///
/// ```
/// use katalyst::actor::supervisor::Shutdown;
/// assert_eq!(Shutdown::default(), Shutdown::Timeout(std::time::Duration::from_secs(5)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    /// An untrappable `kill` at once.
    BrutalKill,
    /// A `shutdown` exit signal, then `kill` if it has not exited after this long.
    Timeout(Duration),
    /// A `shutdown` exit signal, waiting as long as it takes (the OTP default for supervisors).
    Infinity,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::Timeout(Duration::from_secs(5))
    }
}

/// A worker or a nested supervisor (OTP `type`; shown by introspection).
///
/// ```
/// use katalyst::actor::supervisor::ChildKind;
/// assert_eq!(ChildKind::default(), ChildKind::Worker);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ChildKind {
    /// An ordinary actor.
    #[default]
    Worker,
    /// A supervisor.
    Supervisor,
}

/// Builds a child's behaviour from its start arguments (`Message::Empty` for static children,
/// the `start_child` arguments under `simple_one_for_one`); an `Err` is a start failure.
pub type StartFn = Arc<dyn Fn(&Message) -> Result<Box<dyn Behaviour>, String> + Send + Sync>;

/// One child (OTP child spec).
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::supervisor::*;
/// let spec = ChildSpec::new("echo", |_args| Ok(Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>))
///     .restart(Restart::Transient)
///     .shutdown(Shutdown::BrutalKill);
/// assert_eq!(spec.id, "echo");
/// ```
#[derive(Clone)]
pub struct ChildSpec {
    /// Unique among the supervisor's children.
    pub id: String,
    /// How to build it.
    pub start: StartFn,
    /// When to restart it.
    pub restart: Restart,
    /// How to stop it.
    pub shutdown: Shutdown,
    /// Worker or supervisor.
    pub kind: ChildKind,
    /// Its mailbox bound (default: the system's).
    pub mailbox_capacity: Option<usize>,
}

impl ChildSpec {
    /// A permanent worker with a 5 s shutdown timeout.
    ///
    /// See [`ChildSpec`] for an example.
    pub fn new(
        id: impl Into<String>,
        start: impl Fn(&Message) -> Result<Box<dyn Behaviour>, String> + Send + Sync + 'static,
    ) -> Self {
        ChildSpec {
            id: id.into(),
            start: Arc::new(start),
            restart: Restart::Permanent,
            shutdown: Shutdown::default(),
            kind: ChildKind::Worker,
            mailbox_capacity: None,
        }
    }

    /// A nested supervisor child (shutdown `infinity`, as OTP does for supervisors).
    ///
    /// ```
    /// use katalyst::actor::supervisor::*;
    /// let inner = SupervisorSpec::new(Strategy::OneForOne);
    /// let c = ChildSpec::supervisor("inner", inner);
    /// assert_eq!(c.kind, ChildKind::Supervisor);
    /// ```
    pub fn supervisor(id: impl Into<String>, spec: SupervisorSpec) -> Self {
        let mut c = ChildSpec::new(id, move |_| {
            Ok(Box::new(super::Supervisor::new(spec.clone())) as Box<dyn Behaviour>)
        });
        c.kind = ChildKind::Supervisor;
        c.shutdown = Shutdown::Infinity;
        c
    }

    /// Sets the restart type.
    ///
    /// See [`ChildSpec`] for an example.
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    /// Sets the shutdown.
    ///
    /// See [`ChildSpec`] for an example.
    pub fn shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }
}

impl fmt::Debug for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildSpec")
            .field("id", &self.id)
            .field("restart", &self.restart)
            .field("shutdown", &self.shutdown)
            .field("kind", &self.kind)
            .finish()
    }
}

/// Exponential delay before a restart: `initial × factor^(recent restarts − 1)`, at most `max`.
///
/// ```
/// use katalyst::actor::supervisor::Backoff;
/// use std::time::Duration;
/// let b = Backoff { initial: Duration::from_millis(10), factor: 2.0, max: Duration::from_millis(50) };
/// assert_eq!(b.delay(1), Duration::from_millis(10));
/// assert_eq!(b.delay(3), Duration::from_millis(40));
/// assert_eq!(b.delay(9), Duration::from_millis(50));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// The first delay.
    pub initial: Duration,
    /// Growth per further restart within the period.
    pub factor: f64,
    /// The cap.
    pub max: Duration,
}

impl Backoff {
    /// The delay before the `n`-th restart within the period (n ≥ 1).
    ///
    /// See [`Backoff`] for an example.
    pub fn delay(&self, n: u32) -> Duration {
        let exp = n.saturating_sub(1).min(64) as i32;
        let secs = self.initial.as_secs_f64() * self.factor.max(1.0).powi(exp);
        Duration::from_secs_f64(secs.min(self.max.as_secs_f64()).max(0.0))
    }
}

/// A supervisor (OTP sup flags + child specs). Defaults: `one_for_one`, intensity 1 within
/// 5 s (OTP's defaults), no backoff.
///
/// ```
/// use katalyst::actor::supervisor::*;
/// let s = SupervisorSpec::new(Strategy::RestForOne).intensity(3, std::time::Duration::from_secs(10));
/// assert_eq!((s.intensity, s.period.as_secs()), (3, 10));
/// ```
#[derive(Clone, Debug)]
pub struct SupervisorSpec {
    /// Restart strategy.
    pub strategy: Strategy,
    /// Most restarts within `period` (more: the supervisor gives up with `shutdown`).
    pub intensity: u32,
    /// The window for `intensity`.
    pub period: Duration,
    /// Children, started in this order (under `simple_one_for_one`: exactly one template).
    pub children: Vec<ChildSpec>,
    /// Optional delay before restarts.
    pub backoff: Option<Backoff>,
}

impl SupervisorSpec {
    /// No children yet, OTP defaults.
    ///
    /// See [`SupervisorSpec`] for an example.
    pub fn new(strategy: Strategy) -> Self {
        SupervisorSpec {
            strategy,
            intensity: 1,
            period: Duration::from_secs(5),
            children: Vec::new(),
            backoff: None,
        }
    }

    /// Sets the restart intensity.
    ///
    /// See [`SupervisorSpec`] for an example.
    pub fn intensity(mut self, max_restarts: u32, period: Duration) -> Self {
        self.intensity = max_restarts;
        self.period = period;
        self
    }

    /// Adds a child (started after those added before).
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use katalyst::actor::supervisor::*;
    /// let s = SupervisorSpec::new(Strategy::OneForAll)
    ///     .child(ChildSpec::new("a", |_| Ok(Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>)));
    /// assert_eq!(s.children.len(), 1);
    /// ```
    pub fn child(mut self, child: ChildSpec) -> Self {
        self.children.push(child);
        self
    }

    /// Sets a restart backoff.
    ///
    /// ```
    /// use katalyst::actor::supervisor::*;
    /// use std::time::Duration;
    /// let s = SupervisorSpec::new(Strategy::OneForOne).backoff(Backoff { initial: Duration::from_millis(1), factor: 2.0, max: Duration::from_millis(8) });
    /// assert!(s.backoff.is_some());
    /// ```
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = Some(backoff);
        self
    }
}
