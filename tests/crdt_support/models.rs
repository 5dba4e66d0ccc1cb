//! Shared by the CRDT test files: one way to drive every type with small random operations.
#![allow(dead_code)]

use katalyst::crdt::*;

/// Drives a type with a tiny operation alphabet: `kind` picks the mutator, `x` the element or
/// key (a small domain so operations collide), `t` the wall time in ms.
pub trait Model: Crdt + std::fmt::Debug {
    fn mutate(&mut self, id: ReplicaId, kind: u8, x: u8, t: u64) -> Self;
    /// A value-level view for convergence checks (JSON-ish text).
    fn view(&self) -> String;
}

fn key(x: u8) -> String {
    format!("k{x}")
}

fn val(kind: u8, x: u8) -> Value {
    match kind % 5 {
        0 => Value::from(f64::from(x)),
        1 => Value::from(format!("s{x}")),
        2 => Value::Array(vec![Value::Null, Value::from(x % 2 == 0)]),
        3 => Value::object([("n", Value::from(-0.5 * f64::from(x)))]),
        _ => Value::Null,
    }
}

impl Model for VClock {
    fn mutate(&mut self, id: ReplicaId, _k: u8, _x: u8, _t: u64) -> Self {
        self.increment(id)
    }
    fn view(&self) -> String {
        format!("{:?}", self.iter().collect::<Vec<_>>())
    }
}

impl Model for GCounter {
    fn mutate(&mut self, id: ReplicaId, _k: u8, x: u8, _t: u64) -> Self {
        self.increment(id, u64::from(x))
    }
    fn view(&self) -> String {
        self.value().to_string()
    }
}

impl Model for PNCounter {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, _t: u64) -> Self {
        if k % 2 == 0 {
            self.increment(id, u64::from(x))
        } else {
            self.decrement(id, u64::from(x))
        }
    }
    fn view(&self) -> String {
        self.value().to_string()
    }
}

impl Model for GSet<Value> {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, _t: u64) -> Self {
        self.add(id, val(k, x))
    }
    fn view(&self) -> String {
        format!("{:?}", self.iter().collect::<Vec<_>>())
    }
}

impl Model for ORSet<Value> {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, _t: u64) -> Self {
        let e = Value::from(f64::from(x));
        if k % 3 == 0 {
            self.remove(id, &e)
        } else {
            self.add(id, e)
        }
    }
    fn view(&self) -> String {
        format!("{:?}", self.iter().collect::<Vec<_>>())
    }
}

impl Model for ORSet<u64> {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, _t: u64) -> Self {
        if k % 3 == 0 {
            self.remove(id, &u64::from(x))
        } else {
            self.add(id, u64::from(x))
        }
    }
    fn view(&self) -> String {
        format!("{:?}", self.iter().collect::<Vec<_>>())
    }
}

impl Model for LWWRegister<Value> {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, t: u64) -> Self {
        self.set(id, val(k, x), t)
    }
    fn view(&self) -> String {
        format!("{:?}", self.get())
    }
}

impl Model for MVRegister<Value> {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, _t: u64) -> Self {
        self.set(id, val(k, x))
    }
    fn view(&self) -> String {
        format!("{:?}", self.values())
    }
}

impl Model for LWWMap<Value> {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, t: u64) -> Self {
        if k % 4 == 0 {
            self.delete(id, &key(x), t)
        } else {
            self.set(id, &key(x), val(k, x), t)
        }
    }
    fn view(&self) -> String {
        format!("{:?}", self.iter().collect::<Vec<_>>())
    }
}

impl Model for AgentState {
    fn mutate(&mut self, id: ReplicaId, k: u8, x: u8, t: u64) -> Self {
        match k % 4 {
            0 => self.remove_skill(id, &key(x), t),
            1 => self.append_episode(id, val(k / 4, x)),
            _ => self
                .set_skill(id, &key(x), f64::from(k) / 255.0, t)
                .unwrap_or_default(),
        }
    }
    fn view(&self) -> String {
        format!(
            "{:?} {:?}",
            self.skills()
                .map(|(k, s)| (k.to_owned(), s.score))
                .collect::<Vec<_>>(),
            self.episodes().collect::<Vec<_>>()
        )
    }
}

/// A small deterministic PRNG (SplitMix64) so simulations need no dependency and run on wasm.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
