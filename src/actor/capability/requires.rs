//! What a protected actor requires of the messages it receives.

use std::borrow::Cow;
use std::sync::Arc;

use super::Capability;
use crate::actor::Message;

/// A requirement computed from each message (`None`: nothing needed).
pub type Requirement = Arc<dyn Fn(&Message) -> Option<Capability> + Send + Sync>;

/// What a protected actor (or a capability-routed pool) requires.
///
/// A fixed requirement does not depend on the message, so the authority remembers, per
/// sending thread, that a capability set was admitted to an actor, and checks the next send
/// of that set to that actor with a few comparisons (until requirements or the hierarchy
/// change). A [`Requirement`] is evaluated for every message.
///
/// ```
/// use katalyst::actor::Message;
/// use katalyst::actor::capability::{Capability, Requires};
/// let always: Requires = Capability::new("write").into();
/// assert_eq!(always.of(&Message::Int(1)).unwrap().name, "write");
/// let by_size = Requires::per_message(|m: &Message| {
///     (m.as_int()? > 100).then(|| Capability::new("bulk"))
/// });
/// assert!(by_size.of(&Message::Int(7)).is_none());
/// assert_eq!(by_size.of(&Message::Int(700)).unwrap().name, "bulk");
/// ```
#[derive(Clone)]
pub enum Requires {
    /// The same capability for every message.
    Always(Capability),
    /// Computed from each message.
    PerMessage(Requirement),
}

impl Requires {
    /// A requirement computed from each message.
    ///
    /// See [`Requires`] for an example.
    pub fn per_message(f: impl Fn(&Message) -> Option<Capability> + Send + Sync + 'static) -> Self {
        Requires::PerMessage(Arc::new(f))
    }

    /// What `msg` requires (`None`: nothing).
    ///
    /// See [`Requires`] for an example.
    pub fn of(&self, msg: &Message) -> Option<Cow<'_, Capability>> {
        match self {
            Requires::Always(c) => Some(Cow::Borrowed(c)),
            Requires::PerMessage(f) => f(msg).map(Cow::Owned),
        }
    }

    pub(crate) fn is_fixed(&self) -> bool {
        matches!(self, Requires::Always(_))
    }
}

impl From<Capability> for Requires {
    fn from(c: Capability) -> Self {
        Requires::Always(c)
    }
}

impl From<Requirement> for Requires {
    fn from(f: Requirement) -> Self {
        Requires::PerMessage(f)
    }
}
