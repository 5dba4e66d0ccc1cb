//! Capabilities, deny by default: a protected actor declares what each message requires; a
//! send carries the sender's unforgeable capability tokens (propagated along call chains);
//! a message whose requirement is not met is not delivered, the sender gets `forbidden`
//! naming the missing capability, and the denial is audited.
//!
//! See [`Authority`] for an example.

mod authority;
mod cap;
mod flood;
mod guard;
mod hierarchy;
mod pinned;
mod requires;
mod token;

pub use authority::{Authority, CapSet, Denial, AUDIT_CAPACITY};
pub use cap::Capability;
pub use flood::register_flood;
pub use hierarchy::Hierarchy;
pub(crate) use pinned::{Carried, PinnedId, PinnedSets, PIN_AFTER};
pub use requires::{Requirement, Requires};
pub use token::CapToken;
