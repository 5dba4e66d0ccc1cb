//! Registered names, readable without locks from any thread (copy-on-write: names change rarely).

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;

use super::{ActorError, ActorRef};

pub(crate) struct Names {
    map: ArcSwap<HashMap<String, ActorRef>>,
}

impl Names {
    pub fn new() -> Self {
        Names {
            map: ArcSwap::from_pointee(HashMap::new()),
        }
    }

    pub fn validate(arg: &'static str, name: &str) -> Result<(), ActorError> {
        if name.is_empty() || name.len() > 255 {
            return Err(ActorError::BadName {
                arg,
                len: name.len(),
            });
        }
        Ok(())
    }

    /// Binds `name` to `actor` unless a living actor other than `actor` holds it.
    pub fn register(
        &self,
        name: &str,
        actor: ActorRef,
        alive: impl Fn(ActorRef) -> bool,
    ) -> Result<(), ActorError> {
        loop {
            let current = self.map.load_full();
            if let Some(holder) = current.get(name) {
                if *holder == actor {
                    return Ok(());
                }
                if alive(*holder) {
                    return Err(ActorError::NameTaken {
                        name: name.to_owned(),
                        holder: holder.id(),
                    });
                }
            }
            let mut next = HashMap::clone(&current);
            next.insert(name.to_owned(), actor);
            let prev = self.map.compare_and_swap(&current, Arc::new(next));
            if Arc::ptr_eq(&prev, &current) {
                return Ok(());
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<ActorRef> {
        self.map.load().get(name).copied()
    }

    pub fn unregister(&self, name: &str) -> Option<ActorRef> {
        let mut removed = None;
        self.map.rcu(|m| {
            let mut m = HashMap::clone(m);
            removed = m.remove(name);
            m
        });
        removed
    }

    pub fn remove_actor(&self, actor: ActorRef) {
        self.map.rcu(|m| {
            let mut m = HashMap::clone(m);
            m.retain(|_, v| *v != actor);
            m
        });
    }

    pub fn names_of(&self, actor: ActorRef) -> Vec<String> {
        let mut v: Vec<String> = self
            .map
            .load()
            .iter()
            .filter(|(_, v)| **v == actor)
            .map(|(k, _)| k.clone())
            .collect();
        v.sort();
        v
    }
}
