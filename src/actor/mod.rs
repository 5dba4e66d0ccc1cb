//! An Erlang-style actor runtime: isolated actors that only talk by messages, scheduled M:N over
//! a few workers with per-worker run queues and work stealing.
//!
//! The core here is executor-independent plain Rust; the native executor runs it on OS threads
//! (`NativeExecutor`), and the browser executors drive the same [`WorkerHandle`] slices from web
//! workers. The design — queues, how a message travels, parking, fault isolation, watchdog,
//! backpressure — is in `src/actor/README.md`.
//!
//! ```
//! use katalyst::actor::*;
//! use std::time::Duration;
//!
//! struct Counter(i64);
//! impl Behaviour for Counter {
//!     fn handle(&mut self, msg: Message, _ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
//!         self.0 += msg.as_int().unwrap_or(0);
//!         Ok(Message::Int(self.0))
//!     }
//! }
//!
//! let ex = NativeExecutor::start(Config::default()).unwrap();
//! let sys = ex.system();
//! let c = sys.spawn(Counter(0), SpawnOptions::default()).unwrap();
//! for _ in 0..10 {
//!     sys.cast(c, Message::Int(1)).unwrap();
//! }
//! let n = sys.call(c, Message::Int(0), Duration::from_secs(5)).unwrap().wait().unwrap();
//! assert_eq!(n.as_int(), Some(10));
//! ```

mod behaviour;
mod builtin;
mod builtin_ping;
mod call;
mod cell;
mod clock;
mod context;
mod crdt_replica;
mod error;
mod exit;
mod hold;
mod id;
mod mailbox;
mod message;
pub mod mpsc;
#[cfg(not(target_arch = "wasm32"))]
mod native;
mod panic;
mod payload;
mod registry;
mod scheduler;
mod stats;
mod system;
mod timer;
mod turn;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use behaviour::{from_fn, Behaviour, BehaviourConstructor, FnBehaviour};
pub use builtin::register_builtins;
pub use call::{CallHandle, ReplyToken};
pub use clock::Clock;
#[cfg(not(target_arch = "wasm32"))]
pub use clock::InstantClock;
pub use context::Context;
pub use crdt_replica::{CrdtReplica, CRDT_TYPES};
pub use error::ActorError;
pub use exit::ExitReason;
pub use hold::Hold;
pub use id::{ActorId, ActorRef, ParseActorIdError, RequestId};
pub use message::{JsHandle, Message};
#[cfg(not(target_arch = "wasm32"))]
pub use native::{block_on, NativeExecutor};
pub use panic::install_panic_capture;
pub use payload::{JsData, JsPayload};
pub use scheduler::{Park, Slice, Unpark, WorkerHandle, AWAKE, SLEEPING};
pub use stats::{ActorStats, SystemEvent, SystemStats, WorkerStats};
pub use system::{CastWait, Config, Reaped, SpawnOptions, System};
pub use timer::TimerRef;

// The OTP layer (issue 7): links and monitors, supervisors, pools, capabilities, hot upgrade,
// introspection. See the README.
pub mod capability;
mod events;
mod external;
mod link;
pub mod pool;
pub mod supervisor;
#[cfg(not(target_arch = "wasm32"))]
mod tree;
pub mod upgrade;

pub use events::OtpEvent;
pub use link::{Down, ExitMsg, InitAck, MonitorRef};
#[cfg(not(target_arch = "wasm32"))]
pub use tree::{tree, TreeNode};
