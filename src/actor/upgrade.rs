//! Hot upgrade: swap an actor's behaviour between two messages. The upgrade travels as a call
//! through the actor's own mailbox, so every message queued before it is handled by the old
//! version and every message after it by the new one: none lost, none reordered.
//! `migrate` builds the new version from the old one's state; if it (or the new `init`) fails
//! or panics, the old version keeps running and the call fails with `upgrade_failed`. Versions
//! are kept: `rollback` restores the previous one as it was when it was replaced.
//!
//! ```
//! use katalyst::actor::*;
//! use katalyst::actor::upgrade::*;
//! struct V1(i64);
//! impl Behaviour for V1 {
//!     fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
//!         self.0 += m.as_int().unwrap_or(0);
//!         Ok(Message::Int(self.0))
//!     }
//! }
//! struct V2(i64);
//! impl Behaviour for V2 {
//!     fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
//!         self.0 += 10 * m.as_int().unwrap_or(0);
//!         Ok(Message::Int(self.0))
//!     }
//! }
//! let ex = NativeExecutor::start(Config::default()).unwrap();
//! let sys = ex.system();
//! let a = spawn(sys, V1(0), SpawnOptions::default()).unwrap();
//! sys.cast(a, Message::Int(1)).unwrap();
//! let v = upgrade(sys, a, migrate(|old: &V1| Ok(V2(old.0)))).unwrap().wait().unwrap();
//! assert_eq!(v.as_int(), Some(2));
//! let r = sys.call(a, Message::Int(1), std::time::Duration::from_secs(5)).unwrap().wait();
//! assert_eq!(r.unwrap().as_int(), Some(11));
//! assert_eq!(sys.version_of(a), Some(2));
//! ```

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use super::{
    ActorError, ActorRef, Behaviour, CallHandle, Context, ExitReason, Message, OtpEvent, RequestId,
    SpawnOptions, System,
};

/// A behaviour whose state a migration can read (every `Behaviour` is one).
pub trait Upgradable: Behaviour {
    /// The behaviour as `Any`, for `migrate` to downcast.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Behaviour> Upgradable for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Builds the new version from the old one.
pub type Migrate = Box<dyn FnOnce(&dyn Any) -> Result<Box<dyn Upgradable>, String> + Send>;

/// A typed migration: `f` gets the old behaviour as an `Old` (a different type fails the
/// upgrade).
///
/// See the module documentation for an example.
pub fn migrate<Old: Any, New: Behaviour>(
    f: impl FnOnce(&Old) -> Result<New, String> + Send + 'static,
) -> Migrate {
    Box::new(move |old: &dyn Any| {
        let old = old.downcast_ref::<Old>().ok_or_else(|| {
            format!(
                "migrate: the running behaviour is not a {}",
                std::any::type_name::<Old>()
            )
        })?;
        f(old).map(|b| Box::new(b) as Box<dyn Upgradable>)
    })
}

/// What [`upgrade`] and [`rollback`] send.
enum Command {
    Upgrade(Migrate),
    Rollback,
}

struct Versioned {
    current: Box<dyn Upgradable>,
    version: u32,
    next_version: u32,
    previous: Vec<(u32, Box<dyn Upgradable>)>,
    /// Where this actor's version is published (removed at exit).
    registered: Option<(System, ActorRef)>,
}

/// Versions kept for rollback.
pub const KEPT_VERSIONS: usize = 8;

fn panic_text(p: Box<dyn Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

impl Versioned {
    fn try_upgrade(&mut self, m: Migrate, ctx: &mut Context<'_>) -> Result<u32, String> {
        let current = &self.current;
        let mut new = catch_unwind(AssertUnwindSafe(|| m(current.as_any())))
            .map_err(|p| format!("migrate panicked: {}", panic_text(p)))?
            .map_err(|e| format!("migrate failed: {e}"))?;
        catch_unwind(AssertUnwindSafe(|| new.init(ctx)))
            .map_err(|p| format!("init panicked: {}", panic_text(p)))?
            .map_err(|e| format!("init failed: {e}"))?;
        let old = std::mem::replace(&mut self.current, new);
        self.previous.push((self.version, old));
        if self.previous.len() > KEPT_VERSIONS {
            self.previous.remove(0);
        }
        self.version = self.next_version;
        self.next_version += 1;
        Ok(self.version)
    }

    fn command(&mut self, cmd: Command, ctx: &mut Context<'_>) -> Result<Message, ActorError> {
        let me = ctx.myself();
        let from = self.version;
        let r = match cmd {
            Command::Upgrade(m) => self.try_upgrade(m, ctx),
            Command::Rollback => match self.previous.pop() {
                Some((v, b)) => {
                    self.current = b;
                    self.version = v;
                    Ok(v)
                }
                None => Err("rollback: no previous version kept".into()),
            },
        };
        let at = Duration::from_nanos(ctx.now_ns());
        let sys = ctx.system();
        match r {
            Ok(to) => {
                sys.set_version(me, Some(to));
                sys.otp_event(OtpEvent::Upgraded {
                    actor: me,
                    from,
                    to,
                    at,
                });
                Ok(Message::Int(i64::from(to)))
            }
            Err(message) => {
                sys.otp_event(OtpEvent::UpgradeFailed {
                    actor: me,
                    message: message.clone(),
                    at,
                });
                Err(ActorError::UpgradeFailed {
                    actor: me.id(),
                    message,
                })
            }
        }
    }
}

impl Behaviour for Versioned {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        let sys = ctx.system();
        sys.set_version(ctx.myself(), Some(self.version));
        self.registered = Some((sys, ctx.myself()));
        self.current.init(ctx)
    }

    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        match msg.downcast::<Command>() {
            Ok(cmd) => {
                let r = self.command(cmd, ctx);
                if let Some(t) = ctx.defer_reply() {
                    match r {
                        Ok(m) => t.reply(m),
                        Err(e) => t.reply_err(e),
                    }
                }
                Ok(Message::Empty)
            }
            Err(msg) => self.current.handle(msg, ctx),
        }
    }

    fn handle_reply(
        &mut self,
        request: RequestId,
        result: Result<Message, ActorError>,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        self.current.handle_reply(request, result, ctx)
    }

    fn terminate(&mut self, reason: &ExitReason) {
        self.current.terminate(reason);
        if let Some((sys, me)) = self.registered.take() {
            sys.set_version(me, None);
        }
    }
}

/// Wraps a behaviour so it can be upgraded (version 1).
///
/// ```
/// # use katalyst::actor::*;
/// let b = katalyst::actor::upgrade::upgradable(from_fn(|m, _| Ok(m)));
/// # let ex = NativeExecutor::start(Config::default()).unwrap();
/// let a = ex.system().spawn(b, SpawnOptions::default()).unwrap();
/// # let _ = a;
/// ```
pub fn upgradable(behaviour: impl Behaviour) -> impl Behaviour {
    Versioned {
        current: Box::new(behaviour),
        version: 1,
        next_version: 2,
        previous: Vec::new(),
        registered: None,
    }
}

/// Spawns an upgradable actor (version 1).
///
/// See the module documentation for an example.
pub fn spawn(
    sys: &System,
    behaviour: impl Behaviour,
    opts: SpawnOptions,
) -> Result<ActorRef, ActorError> {
    sys.spawn(upgradable(behaviour), opts)
}

const UPGRADE_TIMEOUT: Duration = Duration::from_secs(30);

/// Upgrades `actor` after the messages queued before this call; the handle yields the new
/// version number, or `upgrade_failed` (old version still running). The request is queued even
/// when the mailbox is full, so an actor under load can always be upgraded.
///
/// See the module documentation for an example.
pub fn upgrade(sys: &System, actor: ActorRef, m: Migrate) -> Result<CallHandle, ActorError> {
    sys.control_call(actor, Message::value(Command::Upgrade(m)), UPGRADE_TIMEOUT)
}

/// Restores the previous version (with the state it had when it was replaced); the handle
/// yields its version number, or `upgrade_failed` if none is kept.
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::upgrade::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let a = spawn(ex.system(), from_fn(|_m, _| Ok(Message::Int(1))), SpawnOptions::default()).unwrap();
/// assert!(rollback(ex.system(), a).unwrap().wait().is_err());
/// ```
pub fn rollback(sys: &System, actor: ActorRef) -> Result<CallHandle, ActorError> {
    sys.control_call(actor, Message::value(Command::Rollback), UPGRADE_TIMEOUT)
}
