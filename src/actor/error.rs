//! The actor module's errors.

use super::{ActorId, ExitReason};
use crate::error::{Classify, ErrorKind};

/// Why an actor operation failed.
///
/// ```
/// use katalyst::actor::{ActorError, ActorId};
/// use katalyst::error::Classify;
/// let e = ActorError::NoProc { actor: ActorId { node: 0, slot: 1, generation: 1 } };
/// assert_eq!(e.code(), "noproc");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActorError {
    /// The reference names no living actor (never existed, exited, or its slot was reused).
    #[error("actor {actor}: no such process (it exited or never existed)")]
    NoProc { actor: ActorId },
    /// The target's bounded mailbox is full and the sender chose not to wait.
    #[error("actor {actor}: mailbox full (capacity {capacity}); retry later or send with waiting")]
    MailboxFull { actor: ActorId, capacity: usize },
    /// No reply within the call's timeout; a later reply is dropped.
    #[error("call to {actor}: no reply within {after_ms} ms")]
    Timeout { actor: ActorId, after_ms: u64 },
    /// The caller cancelled the call.
    #[error("call to {actor}: aborted by the caller")]
    Aborted { actor: ActorId },
    /// The actor exited while the call was queued or running.
    #[error("actor {actor} exited ({reason}) before replying")]
    ActorExited { actor: ActorId, reason: ExitReason },
    /// The actor dropped a deferred reply token without answering.
    #[error("actor {actor}: dropped the reply token without replying")]
    NoReply { actor: ActorId },
    /// A registered name is already held by a living actor.
    #[error("register: name {name:?} is already held by {holder}")]
    NameTaken { name: String, holder: ActorId },
    /// A name was empty or too long.
    #[error("{arg}: expected a name of 1 to 255 bytes, got {len} bytes")]
    BadName { arg: &'static str, len: usize },
    /// No behaviour constructor is registered under this name.
    #[error("spawn: unknown behaviour {name:?}")]
    UnknownBehaviour { name: String },
    /// A behaviour constructor refused its arguments.
    #[error("spawn {name:?}: {message}")]
    BadArgs { name: String, message: String },
    /// A mailbox capacity outside the accepted range.
    #[error("mailbox capacity: expected 1 to {max}, got {actual}")]
    BadCapacity { max: usize, actual: usize },
    /// A worker index (`SpawnOptions::worker`) the system does not have.
    #[error("spawn: opts.worker must be a worker index below {workers}, got {actual}")]
    BadWorker { workers: usize, actual: usize },
    /// The system already holds its maximum number of actors.
    #[error("spawn: the system holds its maximum of {limit} actors")]
    TooManyActors { limit: usize },
    /// A configuration value out of range.
    #[error("config.{field}: expected {expected}, got {actual}")]
    BadConfig {
        field: &'static str,
        expected: &'static str,
        actual: usize,
    },
    /// The executor could not start its threads.
    #[error("executor: {message}")]
    ExecutorFailed { message: String },
    /// The system is shutting down.
    #[error("the actor system is shut down")]
    Shutdown,
    /// The sender lacks a capability the message requires (capabilities are deny by default).
    #[error("forbidden: {actor} requires capability {capability:?}")]
    Forbidden { actor: ActorId, capability: String },
    /// A hot upgrade or rollback failed; the running version is unchanged.
    #[error("upgrade of {actor}: {message}; the running version is unchanged")]
    UpgradeFailed { actor: ActorId, message: String },
}

impl Classify for ActorError {
    fn kind(&self) -> ErrorKind {
        match self {
            ActorError::BadName { .. }
            | ActorError::BadCapacity { .. }
            | ActorError::BadWorker { .. }
            | ActorError::TooManyActors { .. }
            | ActorError::BadConfig { .. } => ErrorKind::Range,
            _ => ErrorKind::Domain,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ActorError::NoProc { .. } => "noproc",
            ActorError::MailboxFull { .. } => "mailbox_full",
            ActorError::Timeout { .. } => "timeout",
            ActorError::Aborted { .. } => "aborted",
            ActorError::ActorExited { .. } => "actor_exited",
            ActorError::NoReply { .. } => "no_reply",
            ActorError::NameTaken { .. } => "name_taken",
            ActorError::BadName { .. } => "bad_name",
            ActorError::UnknownBehaviour { .. } => "unknown_behaviour",
            ActorError::BadArgs { .. } => "bad_args",
            ActorError::BadCapacity { .. } => "bad_capacity",
            ActorError::BadWorker { .. } => "bad_worker",
            ActorError::TooManyActors { .. } => "too_many_actors",
            ActorError::BadConfig { .. } => "bad_config",
            ActorError::ExecutorFailed { .. } => "executor_failed",
            ActorError::Shutdown => "shutdown",
            ActorError::Forbidden { .. } => "forbidden",
            ActorError::UpgradeFailed { .. } => "upgrade_failed",
        }
    }
}
