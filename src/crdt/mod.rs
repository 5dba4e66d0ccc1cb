//! Conflict-free replicated data types with deltas, a canonical binary codec, a two-step sync
//! protocol, signed deltas and causal-stability garbage collection.
//!
//! Every type is a join-semilattice implementing [`Crdt`]: mutators take the acting replica's
//! id and return their delta (a value of the same type); `merge` takes states and deltas alike.
//! [`Replica`] wraps a state with its id, peer knowledge (for garbage collection) and the sync
//! protocol. Replica ids are `u64` ([`ReplicaId`]); in JavaScript a non-negative safe integer.
//!
//! ```
//! use katalyst::crdt::{Crdt, LWWMap, Replica, Value};
//! let mut a = Replica::<LWWMap>::new(1);
//! let mut b = Replica::<LWWMap>::new(2);
//! let d = a.update(|m, id| m.set(id, "title", Value::from("hello"), 1_700_000_000_000));
//! b.apply(&d.encode(), &Default::default()).unwrap();
//! assert_eq!(b.state().get("title"), Some(&Value::from("hello")));
//! ```

mod agent_state;
mod codec;
mod crdt_trait;
mod dots;
mod element;
mod error;
mod gcounter;
mod gset;
mod hlc;
mod lww_map;
mod lww_register;
mod mv_register;
mod orset;
mod pncounter;
mod signed;
mod sync;
mod value;
mod vclock;

pub use agent_state::{AgentState, Score, Skill};
pub use codec::{tag, DecodeOptions, Reader, Writer, DEFAULT_MAX_BYTES, FORMAT_VERSION, MAX_DEPTH};
pub use crdt_trait::Crdt;
pub use dots::{Dot, DotSet};
pub use element::Element;
pub use error::CrdtError;
pub use gcounter::GCounter;
pub use gset::GSet;
pub use hlc::Timestamp;
pub use lww_map::{LWWMap, LwwEntry};
pub use lww_register::LWWRegister;
pub use mv_register::MVRegister;
pub use orset::ORSet;
pub use pncounter::PNCounter;
pub use signed::{DeltaSigner, Envelope, TrustedKeys};
pub use sync::{Replica, SyncRequest};
pub use value::Value;
pub use vclock::{Causality, VClock};

/// A replica's identity: an application-chosen `u64`, unique among live replicas.
pub type ReplicaId = u64;
