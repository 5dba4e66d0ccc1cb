//! Why an actor ended.

use std::fmt;

/// The reason an actor exited, as Erlang names them.
///
/// ```
/// use katalyst::actor::ExitReason;
/// assert!(ExitReason::Normal.is_normal());
/// let e = ExitReason::error("boom");
/// assert_eq!(e.to_string(), "error: boom");
/// assert!(!e.is_normal());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// Finished its work.
    Normal,
    /// Asked to stop by its owner or the system.
    Shutdown,
    /// Killed: ends the actor without running its `terminate`.
    Kill,
    /// Ended by an untrappable `kill` exit signal: what its links and monitors see.
    Killed,
    /// The actor did not exist (a monitor or link set on a dead or unknown actor).
    NoProc,
    /// A handler failed: a returned error, a panic (message and, natively, the backtrace at the
    /// panic) or a watchdog overrun.
    Error {
        /// What went wrong.
        message: String,
        /// Where, when known.
        backtrace: Option<String>,
    },
}

impl ExitReason {
    /// An `Error` reason without a backtrace.
    ///
    /// ```
    /// # use katalyst::actor::ExitReason;
    /// assert_eq!(ExitReason::error("x"), ExitReason::Error { message: "x".into(), backtrace: None });
    /// ```
    pub fn error(message: impl Into<String>) -> Self {
        ExitReason::Error {
            message: message.into(),
            backtrace: None,
        }
    }

    /// `normal` and `shutdown` are orderly; the others are failures (links propagate them).
    ///
    /// ```
    /// # use katalyst::actor::ExitReason;
    /// assert!(ExitReason::Shutdown.is_normal());
    /// assert!(!ExitReason::Kill.is_normal());
    /// ```
    pub fn is_normal(&self) -> bool {
        matches!(self, ExitReason::Normal | ExitReason::Shutdown)
    }

    /// The short name: `normal`, `shutdown`, `kill`, `killed`, `noproc` or `error`.
    ///
    /// ```
    /// # use katalyst::actor::ExitReason;
    /// assert_eq!(ExitReason::error("x").kind(), "error");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            ExitReason::Normal => "normal",
            ExitReason::Shutdown => "shutdown",
            ExitReason::Kill => "kill",
            ExitReason::Killed => "killed",
            ExitReason::NoProc => "noproc",
            ExitReason::Error { .. } => "error",
        }
    }
}

impl fmt::Display for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitReason::Error { message, .. } => write!(f, "error: {message}"),
            other => f.write_str(other.kind()),
        }
    }
}
