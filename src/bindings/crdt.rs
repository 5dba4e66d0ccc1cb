//! CRDT classes for JavaScript: `VClock`, `GCounter`, `PNCounter`, `GSet`, `ORSet`,
//! `LWWRegister`, `MVRegister`, `LWWMap`, `AgentState`.
//!
//! Every class: `new X(replicaId)`, mutators returning the delta as a `Uint8Array`,
//! `merge(other | bytes)`, `encode()`, static `decode(bytes, { maxBytes, replica })`,
//! `syncRequest()` / `syncResponse(request)`, `retire(replicaId)`, `collectGarbage()`,
//! `signWith(seed32)`, `trustKeys(publicKeys | null)`, `value()`, `toJSON()`, `crdtType`,
//! `replicaId`. Replica ids are non-negative safe integers.

use super::args;
use super::crdt_value::{from_js, set_own, to_js as value_to_js};
use super::error::{js_error, to_js};
use crate::crdt::*;
use crate::error::ErrorKind;
use js_sys::{Array, Function, Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn non_negative_int(func: &str, arg: &str, v: &JsValue) -> Result<u64, JsValue> {
    let n = v
        .as_f64()
        .ok_or_else(|| args::type_error(func, arg, "a non-negative integer", v))?;
    if n.fract() != 0.0 || !(0.0..=MAX_SAFE).contains(&n) {
        return Err(args::range_error(
            func,
            arg,
            "an integer from 0 to 2^53 - 1",
            &n.to_string(),
        ));
    }
    Ok(n as u64)
}

/// A replica id: a non-negative safe integer.
pub fn replica_arg(func: &str, v: &JsValue) -> Result<ReplicaId, JsValue> {
    non_negative_int(func, "replicaId", v)
}

fn count_arg(func: &str, v: &JsValue) -> Result<u64, JsValue> {
    if v.is_undefined() {
        return Ok(1);
    }
    non_negative_int(func, "n", v)
}

/// Wall time in ms: the argument if given (a non-negative number), else `Date.now()`.
fn now_arg(func: &str, v: &JsValue) -> Result<u64, JsValue> {
    if v.is_undefined() {
        return Ok(js_sys::Date::now().max(0.0) as u64);
    }
    let n = v
        .as_f64()
        .ok_or_else(|| args::type_error(func, "now", "a time in milliseconds", v))?;
    if !(0.0..=MAX_SAFE).contains(&n) {
        return Err(args::range_error(
            func,
            "now",
            "a time from 0 to 2^53 - 1 ms",
            &n.to_string(),
        ));
    }
    Ok(n as u64)
}

fn string_arg(func: &str, arg: &str, v: &JsValue) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| args::type_error(func, arg, "a string", v))
}

fn bytes_arg(func: &str, arg: &str, v: &JsValue) -> Result<Vec<u8>, JsValue> {
    Ok(args::uint8_array(func, arg, v)?.to_vec())
}

/// `{ maxBytes, replica }` for `decode`.
fn decode_opts(func: &str, opts: &JsValue) -> Result<(DecodeOptions, Option<ReplicaId>), JsValue> {
    let mut out = DecodeOptions::default();
    let mut replica = None;
    if let Some(o) = args::options(func, opts)? {
        let m = args::field(&o, "maxBytes");
        if !m.is_undefined() {
            let n = non_negative_int(func, "opts.maxBytes", &m)?;
            out.max_bytes = usize::try_from(n).unwrap_or(usize::MAX);
        }
        let r = args::field(&o, "replica");
        if !r.is_undefined() {
            replica = Some(non_negative_int(func, "opts.replica", &r)?);
        }
    }
    Ok((out, replica))
}

fn bytes_out(b: &[u8]) -> Uint8Array {
    Uint8Array::from(b)
}

/// Signing and trust settings of one instance.
#[derive(Default)]
struct Security {
    signer: Option<DeltaSigner>,
    trusted: Option<TrustedKeys>,
    opts: DecodeOptions,
}

impl Security {
    fn outgoing(&self, bytes: Vec<u8>) -> Uint8Array {
        match &self.signer {
            Some(s) => bytes_out(&s.sign(&bytes).encode()),
            None => bytes_out(&bytes),
        }
    }
    /// Unwraps (and verifies) an incoming update. With trusted keys set, only envelopes signed
    /// by one of them pass; without, an envelope is still checked against its own key.
    fn incoming(&self, func: &str, bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
        match &self.trusted {
            Some(t) => t.open(bytes, &self.opts).map_err(|e| to_js(func, e)),
            None if Envelope::is_envelope(bytes) => {
                let env = Envelope::decode(bytes, &self.opts).map_err(|e| to_js(func, e))?;
                let own = TrustedKeys::new([env.signer]).map_err(|e| to_js(func, e))?;
                own.open(bytes, &self.opts).map_err(|e| to_js(func, e))
            }
            None => Ok(bytes.to_vec()),
        }
    }
}

fn seed_arg(func: &str, v: &JsValue) -> Result<[u8; 32], JsValue> {
    let b = bytes_arg(func, "seed", v)?;
    b.as_slice()
        .try_into()
        .map_err(|_| args::range_error(func, "seed", "32 bytes", &format!("{} bytes", b.len())))
}

fn keys_arg(func: &str, v: &JsValue) -> Result<Option<TrustedKeys>, JsValue> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    if !Array::is_array(v) {
        return Err(args::type_error(
            func,
            "publicKeys",
            "an array of 32-byte Uint8Arrays or null",
            v,
        ));
    }
    let mut keys = Vec::new();
    for (i, k) in v.unchecked_ref::<Array>().iter().enumerate() {
        let arg = format!("publicKeys[{i}]");
        let b = bytes_arg(func, &arg, &k)?;
        let key: [u8; 32] = b.as_slice().try_into().map_err(|_| {
            args::range_error(func, &arg, "32 bytes", &format!("{} bytes", b.len()))
        })?;
        keys.push(key);
    }
    TrustedKeys::new(keys).map(Some).map_err(|e| to_js(func, e))
}

/// The encoding of another instance of class `name` (via its `crdtType` and `encode()`).
fn instance_bytes(func: &str, name: &str, other: &JsValue) -> Result<Vec<u8>, JsValue> {
    let expected = format!("a Uint8Array or a {name} instance");
    if !other.is_object() {
        return Err(args::type_error(func, "other", &expected, other));
    }
    let kind = args::field(other, "crdtType");
    if kind.as_string().as_deref() != Some(name) {
        return Err(args::type_error(func, "other", &expected, other));
    }
    let encode = args::field(other, "encode");
    let f = encode
        .dyn_ref::<Function>()
        .ok_or_else(|| args::type_error(func, "other", &expected, other))?;
    let out = f.call0(other).map_err(|_| {
        js_error(
            ErrorKind::Type,
            "invalid_type",
            &format!("{func}: argument 'other' could not be read (an instance cannot be merged into itself)"),
        )
    })?;
    Ok(args::uint8_array(func, "other.encode()", &out)?.to_vec())
}

fn read_only_error(func: &str) -> JsValue {
    js_error(
        ErrorKind::Domain,
        "no_replica",
        &format!("{func}: this instance was decoded without a replica id; decode with {{ replica }} to edit it"),
    )
}

fn timestamp_js(ts: Timestamp) -> JsValue {
    let o = Object::new();
    args::set(&o, "physical", &(ts.physical as f64).into());
    args::set(&o, "logical", &(ts.logical as f64).into());
    o.into()
}

macro_rules! crdt_class {
    ($js:ident, $rs:ident, $ty:ty) => {
        #[wasm_bindgen(js_name = $js)]
        pub struct $rs {
            r: Replica<$ty>,
            sec: Security,
            read_only: bool,
        }

        impl $rs {
            fn check_writable(&self, func: &str) -> Result<(), JsValue> {
                if self.read_only {
                    Err(read_only_error(func))
                } else {
                    Ok(())
                }
            }
            fn emit(&self, delta: $ty) -> Uint8Array {
                self.sec.outgoing(delta.encode())
            }
            /// The Rust state (for tests and other bindings).
            pub fn state(&self) -> &$ty {
                self.r.state()
            }
        }

        #[wasm_bindgen(js_class = $js)]
        impl $rs {
            /// A new, empty replica with id `replicaId`.
            #[wasm_bindgen(constructor)]
            pub fn new(replica_id: &JsValue) -> Result<$rs, JsValue> {
                let id = replica_arg(concat!("new ", stringify!($js)), replica_id)?;
                Ok($rs {
                    r: Replica::new(id),
                    sec: Security::default(),
                    read_only: false,
                })
            }
            /// The class name, used to recognise instances passed to `merge`.
            #[wasm_bindgen(getter, js_name = crdtType)]
            pub fn crdt_type(&self) -> String {
                stringify!($js).to_owned()
            }
            /// This replica's id.
            #[wasm_bindgen(getter, js_name = replicaId)]
            pub fn replica_id(&self) -> f64 {
                self.r.id() as f64
            }
            /// Joins another instance or encoded bytes (a state, a delta, a sync response, or a
            /// signed envelope of one). Decodes fully first: on error nothing changes.
            pub fn merge(&mut self, other: &JsValue) -> Result<(), JsValue> {
                let func = concat!(stringify!($js), ".merge");
                let bytes = if let Some(u) = other.dyn_ref::<Uint8Array>() {
                    let raw = u.to_vec();
                    if self.sec.trusted.is_none() && !Envelope::is_envelope(&raw) {
                        raw
                    } else {
                        self.sec.incoming(func, &raw)?
                    }
                } else {
                    instance_bytes(func, stringify!($js), other)?
                };
                self.r
                    .apply(&bytes, &self.sec.opts)
                    .map_err(|e| to_js(func, e))
            }
            /// The canonical encoding of the whole state (never signed).
            pub fn encode(&self) -> Uint8Array {
                bytes_out(&self.r.state().encode())
            }
            /// Decodes an encoded state. `opts.maxBytes` limits the input (default 16 MiB);
            /// `opts.replica` is the id to edit it as (without it the instance is read-only).
            pub fn decode(bytes: &JsValue, opts: &JsValue) -> Result<$rs, JsValue> {
                let func = concat!(stringify!($js), ".decode");
                let b = bytes_arg(func, "bytes", bytes)?;
                let (o, replica) = decode_opts(func, opts)?;
                let state = <$ty>::decode_with(&b, &o).map_err(|e| to_js(func, e))?;
                Ok($rs {
                    r: Replica::with_state(replica.unwrap_or(0), state),
                    sec: Security {
                        opts: o,
                        ..Security::default()
                    },
                    read_only: replica.is_none(),
                })
            }
            /// Sync step 1: this replica's id and version vector(s).
            #[wasm_bindgen(js_name = syncRequest)]
            pub fn sync_request(&self) -> Uint8Array {
                bytes_out(&self.r.sync_request())
            }
            /// Sync step 2: the delta the requester lacks (signed if `signWith` was called).
            #[wasm_bindgen(js_name = syncResponse)]
            pub fn sync_response(&mut self, request: &JsValue) -> Result<Uint8Array, JsValue> {
                let func = concat!(stringify!($js), ".syncResponse");
                let b = bytes_arg(func, "request", request)?;
                let resp = self
                    .r
                    .sync_response(&b, &self.sec.opts)
                    .map_err(|e| to_js(func, e))?;
                Ok(self.sec.outgoing(resp))
            }
            /// Stops a departed replica from holding garbage collection back.
            pub fn retire(&mut self, replica_id: &JsValue) -> Result<(), JsValue> {
                let id = replica_arg(concat!(stringify!($js), ".retire"), replica_id)?;
                self.r.retire(id);
                Ok(())
            }
            /// Drops removal metadata every known replica has seen.
            #[wasm_bindgen(js_name = collectGarbage)]
            pub fn collect_garbage(&mut self) {
                self.r.collect_garbage();
            }
            /// Signs every delta and sync response from now on with this Ed25519 seed; returns
            /// the public key.
            #[wasm_bindgen(js_name = signWith)]
            pub fn sign_with(&mut self, seed: &JsValue) -> Result<Uint8Array, JsValue> {
                let s =
                    DeltaSigner::from_seed(&seed_arg(concat!(stringify!($js), ".signWith"), seed)?);
                let pk = bytes_out(&s.public_key());
                self.sec.signer = Some(s);
                Ok(pk)
            }
            /// Accepts byte updates only when signed by one of these Ed25519 public keys
            /// (`null` accepts unsigned updates again).
            #[wasm_bindgen(js_name = trustKeys)]
            pub fn trust_keys(&mut self, public_keys: &JsValue) -> Result<(), JsValue> {
                self.sec.trusted = keys_arg(concat!(stringify!($js), ".trustKeys"), public_keys)?;
                Ok(())
            }
            /// A JSON-friendly snapshot (same as `value()`).
            #[wasm_bindgen(js_name = toJSON)]
            pub fn to_json(&self) -> JsValue {
                self.value()
            }
        }
    };
}

crdt_class!(VClock, JsVClock, VClock);
crdt_class!(GCounter, JsGCounter, GCounter);
crdt_class!(PNCounter, JsPNCounter, PNCounter);
crdt_class!(GSet, JsGSet, GSet<Value>);
crdt_class!(ORSet, JsORSet, ORSet<Value>);
crdt_class!(LWWRegister, JsLWWRegister, LWWRegister<Value>);
crdt_class!(MVRegister, JsMVRegister, MVRegister<Value>);
crdt_class!(LWWMap, JsLWWMap, LWWMap<Value>);
crdt_class!(AgentState, JsAgentState, AgentState);

fn values_array<'a>(it: impl Iterator<Item = &'a Value>) -> JsValue {
    it.map(value_to_js).collect::<Array>().into()
}

#[wasm_bindgen(js_class = VClock)]
impl JsVClock {
    /// Counts one more event of this replica; returns the delta.
    pub fn increment(&mut self) -> Result<Uint8Array, JsValue> {
        self.check_writable("VClock.increment")?;
        let d = self.r.update(|s, id| s.increment(id));
        Ok(self.emit(d))
    }
    /// The entry for `replicaId`.
    pub fn get(&self, replica_id: &JsValue) -> Result<f64, JsValue> {
        Ok(self.r.state().get(replica_arg("VClock.get", replica_id)?) as f64)
    }
    /// `'before' | 'after' | 'equal' | 'concurrent'` relative to another clock (instance or bytes).
    pub fn compare(&self, other: &JsValue) -> Result<String, JsValue> {
        let func = "VClock.compare";
        let bytes = if let Some(u) = other.dyn_ref::<Uint8Array>() {
            u.to_vec()
        } else {
            instance_bytes(func, "VClock", other)?
        };
        let o = VClock::decode_with(&bytes, &self.sec.opts).map_err(|e| to_js(func, e))?;
        Ok(match self.r.state().compare(&o) {
            Causality::Before => "before",
            Causality::After => "after",
            Causality::Equal => "equal",
            Causality::Concurrent => "concurrent",
        }
        .to_owned())
    }
    /// `{ [replicaId]: count }`.
    pub fn value(&self) -> JsValue {
        let o = Object::new();
        for (r, n) in self.r.state().iter() {
            set_own(&o, &r.to_string(), &(n as f64).into());
        }
        o.into()
    }
}

#[wasm_bindgen(js_class = GCounter)]
impl JsGCounter {
    /// Adds `n` (default 1); returns the delta.
    pub fn increment(&mut self, n: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("GCounter.increment")?;
        let n = count_arg("GCounter.increment", n)?;
        let d = self.r.update(|s, id| s.increment(id, n));
        Ok(self.emit(d))
    }
    /// The total.
    pub fn value(&self) -> JsValue {
        (self.r.state().value() as f64).into()
    }
}

#[wasm_bindgen(js_class = PNCounter)]
impl JsPNCounter {
    /// Adds `n` (default 1); returns the delta.
    pub fn increment(&mut self, n: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("PNCounter.increment")?;
        let n = count_arg("PNCounter.increment", n)?;
        let d = self.r.update(|s, id| s.increment(id, n));
        Ok(self.emit(d))
    }
    /// Subtracts `n` (default 1); returns the delta.
    pub fn decrement(&mut self, n: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("PNCounter.decrement")?;
        let n = count_arg("PNCounter.decrement", n)?;
        let d = self.r.update(|s, id| s.decrement(id, n));
        Ok(self.emit(d))
    }
    /// Increments minus decrements.
    pub fn value(&self) -> JsValue {
        (self.r.state().value() as f64).into()
    }
}

#[wasm_bindgen(js_class = GSet)]
impl JsGSet {
    /// Adds a JSON-like value; returns the delta (empty when already present).
    pub fn add(&mut self, value: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("GSet.add")?;
        let v = from_js("GSet.add", "value", value)?;
        let d = self.r.update(|s, id| s.add(id, v));
        Ok(self.emit(d))
    }
    /// True when the value is in the set.
    pub fn has(&self, value: &JsValue) -> Result<bool, JsValue> {
        Ok(self
            .r
            .state()
            .contains(&from_js("GSet.has", "value", value)?))
    }
    /// The elements, in canonical order.
    pub fn values(&self) -> JsValue {
        values_array(self.r.state().iter())
    }
    /// Same as `values()`.
    pub fn value(&self) -> JsValue {
        self.values()
    }
    /// Number of elements.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.r.state().len() as f64
    }
}

#[wasm_bindgen(js_class = ORSet)]
impl JsORSet {
    /// Adds a JSON-like value (add wins over concurrent removes); returns the delta.
    pub fn add(&mut self, value: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("ORSet.add")?;
        let v = from_js("ORSet.add", "value", value)?;
        let d = self.r.update(|s, id| s.add(id, v));
        Ok(self.emit(d))
    }
    /// Removes a value as seen here; returns the delta (empty when absent).
    pub fn remove(&mut self, value: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("ORSet.remove")?;
        let v = from_js("ORSet.remove", "value", value)?;
        let d = self.r.update(|s, id| s.remove(id, &v));
        Ok(self.emit(d))
    }
    /// True when the value is in the set.
    pub fn has(&self, value: &JsValue) -> Result<bool, JsValue> {
        Ok(self
            .r
            .state()
            .contains(&from_js("ORSet.has", "value", value)?))
    }
    /// The elements, in canonical order.
    pub fn values(&self) -> JsValue {
        values_array(self.r.state().iter())
    }
    /// Same as `values()`.
    pub fn value(&self) -> JsValue {
        self.values()
    }
    /// Number of elements.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.r.state().len() as f64
    }
}

#[wasm_bindgen(js_class = LWWRegister)]
impl JsLWWRegister {
    /// Writes a JSON-like value at `now` (ms, default `Date.now()`); returns the delta.
    pub fn set(&mut self, value: &JsValue, now: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("LWWRegister.set")?;
        let v = from_js("LWWRegister.set", "value", value)?;
        let t = now_arg("LWWRegister.set", now)?;
        let d = self.r.update(|s, id| s.set(id, v, t));
        Ok(self.emit(d))
    }
    /// The current value (`undefined` before the first write).
    pub fn value(&self) -> JsValue {
        self.r.state().get().map_or(JsValue::UNDEFINED, value_to_js)
    }
    /// The winning write's `{ physical, logical }` HLC timestamp (`undefined` before any).
    pub fn timestamp(&self) -> JsValue {
        self.r
            .state()
            .timestamp()
            .map_or(JsValue::UNDEFINED, timestamp_js)
    }
}

#[wasm_bindgen(js_class = MVRegister)]
impl JsMVRegister {
    /// Writes a JSON-like value, replacing every value seen here; returns the delta.
    pub fn set(&mut self, value: &JsValue) -> Result<Uint8Array, JsValue> {
        self.check_writable("MVRegister.set")?;
        let v = from_js("MVRegister.set", "value", value)?;
        let d = self.r.update(|s, id| s.set(id, v));
        Ok(self.emit(d))
    }
    /// The concurrent values, in canonical order.
    pub fn values(&self) -> JsValue {
        values_array(self.r.state().values().into_iter())
    }
    /// Same as `values()`.
    pub fn value(&self) -> JsValue {
        self.values()
    }
}

#[wasm_bindgen(js_class = LWWMap)]
impl JsLWWMap {
    /// Sets `key` to a JSON-like value at `now` (ms, default `Date.now()`); returns the delta.
    pub fn set(
        &mut self,
        key: &JsValue,
        value: &JsValue,
        now: &JsValue,
    ) -> Result<Uint8Array, JsValue> {
        let func = "LWWMap.set";
        self.check_writable(func)?;
        let k = string_arg(func, "key", key)?;
        let v = from_js(func, "value", value)?;
        let t = now_arg(func, now)?;
        let d = self.r.update(|s, id| s.set(id, &k, v, t));
        Ok(self.emit(d))
    }
    /// Deletes `key`; returns the delta (empty when absent).
    pub fn delete(&mut self, key: &JsValue, now: &JsValue) -> Result<Uint8Array, JsValue> {
        let func = "LWWMap.delete";
        self.check_writable(func)?;
        let k = string_arg(func, "key", key)?;
        let t = now_arg(func, now)?;
        let d = self.r.update(|s, id| s.delete(id, &k, t));
        Ok(self.emit(d))
    }
    /// The value under `key` (`undefined` when absent).
    pub fn get(&self, key: &JsValue) -> Result<JsValue, JsValue> {
        let k = string_arg("LWWMap.get", "key", key)?;
        Ok(self
            .r
            .state()
            .get(&k)
            .map_or(JsValue::UNDEFINED, value_to_js))
    }
    /// True when `key` is live.
    pub fn has(&self, key: &JsValue) -> Result<bool, JsValue> {
        let k = string_arg("LWWMap.has", "key", key)?;
        Ok(self.r.state().get(&k).is_some())
    }
    /// Live keys in byte order.
    pub fn keys(&self) -> JsValue {
        self.r
            .state()
            .iter()
            .map(|(k, _)| JsValue::from_str(k))
            .collect::<Array>()
            .into()
    }
    /// The live map as a plain object.
    pub fn value(&self) -> JsValue {
        let o = Object::new();
        for (k, v) in self.r.state().iter() {
            set_own(&o, k, &value_to_js(v));
        }
        o.into()
    }
    /// Number of live keys.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.r.state().len() as f64
    }
}

fn skill_js(s: &Skill) -> JsValue {
    let o = Object::new();
    args::set(&o, "score", &s.score.into());
    args::set(&o, "timestamp", &timestamp_js(s.timestamp));
    args::set(&o, "replica", &(s.replica as f64).into());
    o.into()
}

#[wasm_bindgen(js_class = AgentState)]
impl JsAgentState {
    /// Sets a skill's score (a number in [0, 1]) at `now` (ms, default `Date.now()`).
    #[wasm_bindgen(js_name = setSkill)]
    pub fn set_skill(
        &mut self,
        name: &JsValue,
        score: &JsValue,
        now: &JsValue,
    ) -> Result<Uint8Array, JsValue> {
        let func = "AgentState.setSkill";
        self.check_writable(func)?;
        let n = string_arg(func, "name", name)?;
        let sc = score
            .as_f64()
            .ok_or_else(|| args::type_error(func, "score", "a number in [0, 1]", score))?;
        let t = now_arg(func, now)?;
        let d = self
            .r
            .update(|s, id| s.set_skill(id, &n, sc, t))
            .map_err(|e| to_js(func, e))?;
        Ok(self.emit(d))
    }
    /// Removes a skill; returns the delta (empty when absent).
    #[wasm_bindgen(js_name = removeSkill)]
    pub fn remove_skill(&mut self, name: &JsValue, now: &JsValue) -> Result<Uint8Array, JsValue> {
        let func = "AgentState.removeSkill";
        self.check_writable(func)?;
        let n = string_arg(func, "name", name)?;
        let t = now_arg(func, now)?;
        let d = self.r.update(|s, id| s.remove_skill(id, &n, t));
        Ok(self.emit(d))
    }
    /// Appends a JSON-like episode at this replica's next sequence number.
    #[wasm_bindgen(js_name = appendEpisode)]
    pub fn append_episode(&mut self, episode: &JsValue) -> Result<Uint8Array, JsValue> {
        let func = "AgentState.appendEpisode";
        self.check_writable(func)?;
        let v = from_js(func, "episode", episode)?;
        let d = self.r.update(|s, id| s.append_episode(id, v));
        Ok(self.emit(d))
    }
    /// `{ score, timestamp, replica }` of one skill, or `undefined`.
    pub fn skill(&self, name: &JsValue) -> Result<JsValue, JsValue> {
        let n = string_arg("AgentState.skill", "name", name)?;
        Ok(self
            .r
            .state()
            .skill(&n)
            .as_ref()
            .map_or(JsValue::UNDEFINED, skill_js))
    }
    /// `{ [name]: { score, timestamp, replica } }`.
    pub fn skills(&self) -> JsValue {
        let o = Object::new();
        for (k, s) in self.r.state().skills() {
            set_own(&o, k, &skill_js(&s));
        }
        o.into()
    }
    /// `[{ replica, seq, value }]` in (replica, seq) order.
    pub fn episodes(&self) -> JsValue {
        self.r
            .state()
            .episodes()
            .map(|((r, seq), v)| {
                let o = Object::new();
                args::set(&o, "replica", &(r as f64).into());
                args::set(&o, "seq", &(seq as f64).into());
                args::set(&o, "value", &value_to_js(v));
                JsValue::from(o)
            })
            .collect::<Array>()
            .into()
    }
    /// SHA-384 fingerprint of the content (48 bytes; equal on converged replicas).
    pub fn fingerprint(&self) -> Uint8Array {
        bytes_out(&self.r.state().fingerprint())
    }
    /// `{ skills, episodes }`.
    pub fn value(&self) -> JsValue {
        let o = Object::new();
        args::set(&o, "skills", &self.skills());
        args::set(&o, "episodes", &self.episodes());
        o.into()
    }
}
