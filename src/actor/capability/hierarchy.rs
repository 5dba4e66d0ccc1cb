//! Implication between capability names (`admin ⇒ write ⇒ read`).

use std::collections::{HashMap, HashSet};

use super::Capability;

/// Declared implications: holding `admin` also grants whatever `admin` implies, transitively.
///
/// ```
/// use katalyst::actor::capability::{Capability, Hierarchy};
/// let mut h = Hierarchy::default();
/// h.declare("admin", "write");
/// h.declare("write", "read");
/// assert!(h.grants(&Capability::new("admin"), &Capability::new("read")));
/// assert!(!h.grants(&Capability::new("read"), &Capability::new("write")));
/// assert!(h.grants(&Capability::scoped("write", "/docs/*"), &Capability::scoped("read", "/docs/a")));
/// assert!(!h.grants(&Capability::scoped("write", "/docs/*"), &Capability::scoped("read", "/etc/a")));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Hierarchy {
    implies: HashMap<String, Vec<String>>,
}

impl Hierarchy {
    /// Declares `stronger ⇒ weaker`.
    ///
    /// See [`Hierarchy`] for an example.
    pub fn declare(&mut self, stronger: &str, weaker: &str) {
        self.implies
            .entry(stronger.to_string())
            .or_default()
            .push(weaker.to_string());
    }

    /// Whether name `held` is `needed` or implies it (transitively).
    ///
    /// ```
    /// let mut h = katalyst::actor::capability::Hierarchy::default();
    /// h.declare("a", "b");
    /// assert!(h.name_implies("a", "b") && h.name_implies("b", "b") && !h.name_implies("b", "a"));
    /// ```
    pub fn name_implies(&self, held: &str, needed: &str) -> bool {
        if held == needed {
            return true;
        }
        let mut seen = HashSet::new();
        let mut stack = vec![held];
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            for w in self.implies.get(n).into_iter().flatten() {
                if w == needed {
                    return true;
                }
                stack.push(w);
            }
        }
        false
    }

    /// Whether holding `held` satisfies the need `needed` (name implied, scope covered; an
    /// unscoped need is met only by an unscoped capability).
    ///
    /// See [`Hierarchy`] for an example.
    pub fn grants(&self, held: &Capability, needed: &Capability) -> bool {
        self.name_implies(&held.name, &needed.name) && held.covers_scope(needed.scope.as_deref())
    }
}
