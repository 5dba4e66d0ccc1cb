//! The OTP layer for `pkg-template/actors/otp.js` (internal exports, not public API: the
//! package wraps them as `k.actors.supervise`, `link`, `pool`, `capabilities`, `upgrade`, …).
//!
//! One entry point, [`otp_op`]`(op, args)`, so the `st` executor can forward any operation to a
//! worker in one message. It returns `{ value }` (codec-encoded bytes, decoded by the JS side)
//! or `{ call }` (an id whose result comes through the completion queue like a call's), or
//! both (`supervise`: the ref at once, the start result later). Refs in and out are
//! `{ node, slot, generation }` objects of this instance's system.
//!
//! Results, EXIT and DOWN messages are written in the package codec's format (see
//! `pkg-template/actors/codec.js`) by the small [`V`] writer below, so JS behaviours and the
//! page decode them like any message.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crossbeam_queue::SegQueue;
use std::time::Duration;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::actor::{actor_ref, message, otp_error, otp_system, otp_track_call, JsPayload};
use super::actor_js::JsBehaviour;
use super::args;
use super::args::{range_error, type_error};
use super::error::js_error;
use crate::actor::capability::{
    Authority, CapSet, CapToken, Capability, Denial, Hierarchy, Requires,
};
use crate::actor::pool::{Factory, Pool, PoolSpec, Routing};
use crate::actor::supervisor::{
    Backoff, ChildInfo, ChildKind, ChildSpec, ChildState, Restart, Shutdown, Strategy,
    SupervisorCall, SupervisorSpec,
};
use crate::actor::upgrade::{self, Migrate, Upgradable};
use crate::actor::{
    from_fn, ActorError, ActorRef, Behaviour, Context, Down, ExitMsg, ExitReason, Message,
    MonitorRef, OtpEvent, SpawnOptions, System,
};
use crate::error::ErrorKind;

// ---------------------------------------------------------------------------------------------
// The codec (a subset of `codec.js`: what OTP results need, and a reader for message fields).

/// A JS value as the package codec writes it.
///
/// ```ignore
/// let v = V::obj(vec![("type", V::s("EXIT"))]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// `undefined`.
    Undef,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<V>),
    /// A plain object (keys in order).
    Obj(Vec<(String, V)>),
    /// Something the reader skips (typed arrays, maps, …).
    Other,
}

impl V {
    fn s(s: impl Into<String>) -> V {
        V::Str(s.into())
    }
    fn n(x: impl Into<f64>) -> V {
        V::Num(x.into())
    }
    fn obj(fields: Vec<(&str, V)>) -> V {
        V::Obj(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
    fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Obj(f) => f.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The codec's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        self.write(&mut out);
        out
    }

    fn write(&self, o: &mut Vec<u8>) {
        let str_ = |o: &mut Vec<u8>, s: &str| {
            o.extend_from_slice(&(s.len() as u32).to_le_bytes());
            o.extend_from_slice(s.as_bytes());
        };
        match self {
            V::Undef | V::Other => o.push(0),
            V::Null => o.push(1),
            V::Bool(b) => o.push(if *b { 3 } else { 2 }),
            V::Num(x) => {
                o.push(4);
                o.extend_from_slice(&x.to_le_bytes());
            }
            V::Str(s) => {
                o.push(5);
                str_(o, s);
            }
            V::Arr(a) => {
                o.push(6);
                o.extend_from_slice(&(a.len() as u32).to_le_bytes());
                for v in a {
                    v.write(o);
                }
            }
            V::Obj(f) => {
                o.push(7);
                o.extend_from_slice(&(f.len() as u32).to_le_bytes());
                for (k, v) in f {
                    str_(o, k);
                    v.write(o);
                }
            }
        }
    }

    /// Reads codec bytes (`None` if they are malformed).
    pub fn decode(b: &[u8]) -> Option<V> {
        let mut r = Reader { b, n: 0 };
        let v = r.value(0)?;
        Some(v)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    n: usize,
}

impl Reader<'_> {
    fn take(&mut self, k: usize) -> Option<&[u8]> {
        let s = self.b.get(self.n..self.n.checked_add(k)?)?;
        self.n += k;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    fn u32(&mut self) -> Option<usize> {
        let s = self.take(4)?;
        Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    }
    fn f64(&mut self) -> Option<f64> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Some(f64::from_le_bytes(a))
    }
    fn bytes(&mut self) -> Option<&[u8]> {
        let k = self.u32()?;
        self.take(k)
    }
    fn string(&mut self) -> Option<String> {
        self.bytes()
            .map(|s| String::from_utf8_lossy(s).into_owned())
    }
    fn value(&mut self, depth: u32) -> Option<V> {
        if depth > 64 {
            return None;
        }
        Some(match self.u8()? {
            0 => V::Undef,
            1 => V::Null,
            2 => V::Bool(false),
            3 => V::Bool(true),
            4 => V::Num(self.f64()?),
            5 => V::Str(self.string()?),
            6 => {
                let k = self.u32()?;
                let mut a = Vec::with_capacity(k.min(1024));
                for _ in 0..k {
                    a.push(self.value(depth + 1)?);
                }
                V::Arr(a)
            }
            7 => {
                let k = self.u32()?;
                let mut f = Vec::with_capacity(k.min(1024));
                for _ in 0..k {
                    let key = self.string()?;
                    f.push((key, self.value(depth + 1)?));
                }
                V::Obj(f)
            }
            8 => {
                self.u8()?;
                self.bytes()?;
                V::Other
            }
            9 => {
                self.bytes()?;
                V::Other
            }
            10 => {
                self.f64()?;
                V::Other
            }
            11 | 12 => {
                let pairs = self.u8_count_map()?;
                for _ in 0..pairs {
                    self.value(depth + 1)?;
                }
                V::Other
            }
            13 => {
                self.string()?;
                V::Other
            }
            14 => {
                self.string()?;
                self.string()?;
                V::Other
            }
            _ => return None,
        })
    }
    /// Values to skip in a map (2 per entry) or a set (1 per item); the tag was just read.
    fn u8_count_map(&mut self) -> Option<usize> {
        let tag = self.b.get(self.n.checked_sub(1)?).copied()?;
        let k = self.u32()?;
        Some(if tag == 11 { k.checked_mul(2)? } else { k })
    }
}

fn ref_v(r: ActorRef) -> V {
    let [node, slot, generation] = r.to_parts();
    V::obj(vec![
        ("node", V::n(node)),
        ("slot", V::n(slot)),
        ("generation", V::n(generation)),
    ])
}

fn reason_v(r: &ExitReason) -> V {
    match r {
        ExitReason::Error { message, .. } => V::obj(vec![
            ("kind", V::s("error")),
            ("message", V::s(message.clone())),
        ]),
        other => V::obj(vec![("kind", V::s(other.kind()))]),
    }
}

fn child_v(c: &ChildInfo) -> V {
    V::obj(vec![
        ("id", V::s(c.id.clone())),
        ("ref", c.actor.map_or(V::Null, ref_v)),
        (
            "type",
            V::s(match c.kind {
                ChildKind::Worker => "worker",
                ChildKind::Supervisor => "supervisor",
            }),
        ),
        (
            "restart",
            V::s(match c.restart {
                Restart::Permanent => "permanent",
                Restart::Transient => "transient",
                Restart::Temporary => "temporary",
            }),
        ),
        ("state", V::s(state_name(c.state))),
        ("restarts", V::n(c.restarts as f64)),
    ])
}

fn state_name(s: ChildState) -> &'static str {
    match s {
        ChildState::Starting => "starting",
        ChildState::Running => "running",
        ChildState::Restarting => "restarting",
        ChildState::Stopping => "stopping",
        ChildState::Stopped => "stopped",
    }
}

/// Codec bytes for a Rust value that reached JS (EXIT, DOWN, OTP call results); `None` for
/// values JS cannot see.
pub(crate) fn encode_value(v: Box<dyn Any + Send>) -> Option<Vec<u8>> {
    let v = match v.downcast::<ExitMsg>() {
        Ok(e) => {
            return Some(
                V::obj(vec![
                    ("type", V::s("EXIT")),
                    ("from", ref_v(e.from)),
                    ("reason", reason_v(&e.reason)),
                ])
                .encode(),
            )
        }
        Err(v) => v,
    };
    let v = match v.downcast::<Down>() {
        Ok(d) => {
            return Some(
                V::obj(vec![
                    ("type", V::s("DOWN")),
                    ("monitor", V::n(d.monitor.0 as f64)),
                    ("from", ref_v(d.actor)),
                    ("reason", reason_v(&d.reason)),
                ])
                .encode(),
            )
        }
        Err(v) => v,
    };
    let v = match v.downcast::<Vec<ChildInfo>>() {
        Ok(c) => return Some(V::Arr(c.iter().map(child_v).collect()).encode()),
        Err(v) => v,
    };
    let v = match v.downcast::<ActorRef>() {
        Ok(r) => return Some(ref_v(*r).encode()),
        Err(v) => v,
    };
    match v.downcast::<V>() {
        Ok(v) => Some(v.encode()),
        Err(_) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Arguments.

fn get(o: &JsValue, k: &'static str) -> JsValue {
    args::field(o, k)
}

fn arg(args: &Array, i: u32) -> JsValue {
    args.get(i)
}

fn to_ref(sys: &System, func: &str, name: &str, v: &JsValue) -> Result<ActorRef, JsValue> {
    let num = |k: &'static str| get(v, k).as_f64().filter(|x| *x >= 0.0 && x.fract() == 0.0);
    match (v.is_object(), num("slot"), num("generation")) {
        (true, Some(s), Some(g)) if s <= u32::MAX as f64 && g <= u32::MAX as f64 => {
            Ok(ActorRef::from_parts([
                u32::from(sys.config().node),
                s as u32,
                g as u32,
            ]))
        }
        _ => Err(type_error(
            func,
            name,
            "an ActorRef { node, slot, generation }",
            v,
        )),
    }
}

fn string(func: &str, name: &str, v: &JsValue) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| type_error(func, name, "a string", v))
}

fn number(func: &str, name: &str, v: &JsValue, min: f64, max: f64) -> Result<f64, JsValue> {
    let x = v
        .as_f64()
        .ok_or_else(|| type_error(func, name, "a number", v))?;
    if !(min..=max).contains(&x) {
        return Err(range_error(
            func,
            name,
            &format!("a number from {min} to {max}"),
            &x.to_string(),
        ));
    }
    Ok(x)
}

/// A message argument as the JS side pre-encoded it, kept so it can be rebuilt (restarts).
#[derive(Clone)]
enum Arg {
    Empty,
    Int(i64),
    Bytes(Vec<u8>),
    Js(Vec<u8>),
}

impl Arg {
    fn from_js(func: &str, kind: &JsValue, payload: &JsValue) -> Result<Arg, JsValue> {
        let bytes = || {
            payload
                .dyn_ref::<Uint8Array>()
                .map(|a| a.to_vec())
                .ok_or_else(|| type_error(func, "args", "an encoded message", payload))
        };
        Ok(match kind.as_f64().unwrap_or(0.0) as u32 {
            1 => Arg::Int(payload.as_f64().unwrap_or(0.0) as i64),
            2 => Arg::Bytes(bytes()?),
            3 => Arg::Js(bytes()?),
            _ => Arg::Empty,
        })
    }
    fn from_msg(m: &Message) -> Arg {
        match m {
            Message::Int(i) => Arg::Int(*i),
            Message::Bytes(b) => Arg::Bytes(b.clone()),
            Message::Value(_) => m
                .downcast_ref::<JsPayload>()
                .map_or(Arg::Empty, |p| Arg::Js(p.0.clone())),
            _ => Arg::Empty,
        }
    }
    fn msg(&self) -> Message {
        match self {
            Arg::Empty => Message::Empty,
            Arg::Int(i) => Message::Int(*i),
            Arg::Bytes(b) => Message::Bytes(b.clone()),
            Arg::Js(b) => Message::value(JsPayload(b.clone())),
        }
    }
}

/// What a child or pool member runs: `{ name, kind, payload }` (a Rust behaviour by name) or
/// `{ js, kind, payload }` (a JS module the JS side loaded as number `js`).
#[derive(Clone)]
enum Make {
    Named(String, Arg),
    Js(u32, Arg),
}

impl Make {
    fn from_js(func: &str, name: &str, v: &JsValue) -> Result<Make, JsValue> {
        let args = Arg::from_js(func, &get(v, "kind"), &get(v, "payload"))?;
        if let Some(id) = get(v, "js").as_f64() {
            return Ok(Make::Js(id as u32, args));
        }
        match get(v, "name").as_string() {
            Some(n) => Ok(Make::Named(n, args)),
            None => Err(type_error(
                func,
                name,
                "a Rust behaviour name or { module, export, args }",
                v,
            )),
        }
    }

    /// Builds the behaviour; `start_args` replaces the spec's args (simple_one_for_one).
    fn build(&self, sys: &System, start_args: Option<&Message>) -> Result<Boxed, String> {
        let args = |a: &Arg| match start_args {
            Some(m) if !matches!(m, Message::Empty) => Arg::from_msg(m).msg(),
            _ => a.msg(),
        };
        match self {
            Make::Named(n, a) => sys
                .inner
                .construct(n, args(a))
                .map(Boxed::Rust)
                .map_err(|e| e.to_string()),
            Make::Js(id, a) => Ok(Boxed::Js(JsBehaviour::new(*id, args(a)))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Supervisors.

fn sup_spec(sys: &System, func: &str, v: &JsValue) -> Result<SupervisorSpec, JsValue> {
    if !v.is_object() {
        return Err(type_error(func, "spec", "an object", v));
    }
    let strategy = match get(v, "strategy").as_string().as_deref() {
        None | Some("one_for_one") => Strategy::OneForOne,
        Some("one_for_all") => Strategy::OneForAll,
        Some("rest_for_one") => Strategy::RestForOne,
        Some("simple_one_for_one") => Strategy::SimpleOneForOne,
        Some(other) => {
            return Err(range_error(
                func,
                "spec.strategy",
                "'one_for_one', 'one_for_all', 'rest_for_one' or 'simple_one_for_one'",
                &format!("'{other}'"),
            ))
        }
    };
    let mut spec = SupervisorSpec::new(strategy);
    let mr = get(v, "maxRestarts");
    let ms = get(v, "maxSeconds");
    let max_restarts = if mr.is_undefined() {
        1.0
    } else {
        number(func, "spec.maxRestarts", &mr, 0.0, 1e9)?
    };
    let max_seconds = if ms.is_undefined() {
        5.0
    } else {
        number(func, "spec.maxSeconds", &ms, 0.0, 1e9)?
    };
    spec = spec.intensity(max_restarts as u32, Duration::from_secs_f64(max_seconds));
    let b = get(v, "backoff");
    if b.is_object() {
        let ms = |k: &'static str, d: f64| -> Result<f64, JsValue> {
            let x = get(&b, k);
            if x.is_undefined() {
                Ok(d)
            } else {
                number(func, &format!("spec.backoff.{k}"), &x, 0.0, 1e9)
            }
        };
        spec = spec.backoff(Backoff {
            initial: Duration::from_secs_f64(ms("initialMs", 10.0)? / 1e3),
            factor: ms("factor", 2.0)?,
            max: Duration::from_secs_f64(ms("maxMs", 1000.0)? / 1e3),
        });
    } else if !b.is_undefined() {
        return Err(type_error(func, "spec.backoff", "an object", &b));
    }
    let children = get(v, "children");
    if !children.is_undefined() && !Array::is_array(&children) {
        return Err(type_error(func, "spec.children", "an array", &children));
    }
    let children = Array::from(&children);
    for (i, c) in children.iter().enumerate() {
        let at = format!("spec.children[{i}]");
        if !c.is_object() {
            return Err(type_error(func, &at, "a child spec object", &c));
        }
        let id = string(func, &format!("{at}.id"), &get(&c, "id"))?;
        let start = get(&c, "start");
        let nested = get(&start, "supervisor");
        let mut child = if nested.is_object() {
            ChildSpec::supervisor(id, sup_spec(sys, func, &nested)?)
        } else {
            let make = Make::from_js(func, &format!("{at}.start"), &start)?;
            let s = sys.clone();
            ChildSpec::new(id, move |a: &Message| {
                make.build(&s, Some(a))
                    .map(|b| Box::new(upgrade::upgradable(b)) as Box<dyn Behaviour>)
            })
        };
        child.restart = match get(&c, "restart").as_string().as_deref() {
            None | Some("permanent") => Restart::Permanent,
            Some("transient") => Restart::Transient,
            Some("temporary") => Restart::Temporary,
            Some(o) => {
                return Err(range_error(
                    func,
                    &format!("{at}.restart"),
                    "'permanent', 'transient' or 'temporary'",
                    &format!("'{o}'"),
                ))
            }
        };
        let sd = get(&c, "shutdown");
        if let Some(s) = sd.as_string() {
            child.shutdown = match s.as_str() {
                "brutal_kill" => Shutdown::BrutalKill,
                "infinity" => Shutdown::Infinity,
                o => {
                    return Err(range_error(
                        func,
                        &format!("{at}.shutdown"),
                        "milliseconds, 'brutal_kill' or 'infinity'",
                        &format!("'{o}'"),
                    ))
                }
            };
        } else if !sd.is_undefined() {
            let ms = number(func, &format!("{at}.shutdown"), &sd, 0.0, 1e9)?;
            child.shutdown = Shutdown::Timeout(Duration::from_secs_f64(ms / 1e3));
        }
        match get(&c, "type").as_string().as_deref() {
            None => {}
            Some("worker") => child.kind = ChildKind::Worker,
            Some("supervisor") => child.kind = ChildKind::Supervisor,
            Some(o) => {
                return Err(range_error(
                    func,
                    &format!("{at}.type"),
                    "'worker' or 'supervisor'",
                    &format!("'{o}'"),
                ))
            }
        }
        spec = spec.child(child);
    }
    if strategy == Strategy::SimpleOneForOne && spec.children.len() != 1 {
        return Err(range_error(
            func,
            "spec.children",
            "exactly one child spec for 'simple_one_for_one'",
            &spec.children.len().to_string(),
        ));
    }
    Ok(spec)
}

/// A built behaviour: a JS module one (a migration reads its state) or any Rust one.
enum Boxed {
    Js(JsBehaviour),
    Rust(Box<dyn Behaviour>),
}

impl Boxed {
    fn b(&mut self) -> &mut dyn Behaviour {
        match self {
            Boxed::Js(j) => j,
            Boxed::Rust(b) => b.as_mut(),
        }
    }
}

impl Behaviour for Boxed {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        self.b().init(ctx)
    }
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        self.b().handle(msg, ctx)
    }
    fn handle_reply(
        &mut self,
        request: crate::actor::RequestId,
        result: Result<Message, ActorError>,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        self.b().handle_reply(request, result, ctx)
    }
    fn terminate(&mut self, reason: &ExitReason) {
        self.b().terminate(reason)
    }
}

// ---------------------------------------------------------------------------------------------
// Capabilities: one authority per system (per instance in `st`).

static AUTHORITY: OnceLock<Arc<Authority>> = OnceLock::new();

/// The OTP layer's built-in behaviours (`'flood'`, the capability check benchmark), registered
/// when the system starts.
pub(crate) fn register_builtins(sys: &System) -> Result<(), JsValue> {
    crate::actor::capability::register_flood(sys, authority(sys)?.clone());
    Ok(())
}

fn authority(sys: &System) -> Result<&'static Arc<Authority>, JsValue> {
    if let Some(a) = AUTHORITY.get() {
        return Ok(a);
    }
    let a = Authority::new(sys, Hierarchy::default()).map_err(|e| otp_error("capabilities", e))?;
    let _ = AUTHORITY.set(a);
    AUTHORITY.get().ok_or_else(|| {
        js_error(
            ErrorKind::Domain,
            "not_started",
            "capabilities: no authority",
        )
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn token_v(t: &CapToken) -> V {
    V::obj(vec![
        ("capability", V::s(t.capability().to_string())),
        ("tag", V::s(hex(&t.tag))),
    ])
}

fn parse_cap(func: &str, name: &str, v: &JsValue) -> Result<Capability, JsValue> {
    let s = string(func, name, v)?;
    Capability::parse(&s).map_err(|e| {
        js_error(
            ErrorKind::Range,
            "invalid_capability",
            &format!(
                "{func}: '{name}' must be a capability 'name' or 'name:scope', got '{s}' ({e})"
            ),
        )
    })
}

/// A token the page passed back: `{ capability, tag }` (a forged or altered one never
/// verifies: the check is an HMAC under the authority's secret).
fn to_token(func: &str, name: &str, v: &JsValue) -> Result<CapToken, JsValue> {
    let cap = parse_cap(func, &format!("{name}.capability"), &get(v, "capability"))?;
    let tag = get(v, "tag")
        .as_string()
        .and_then(|t| unhex(&t))
        .ok_or_else(|| type_error(func, &format!("{name}.tag"), "a capability token", v))?;
    Ok(CapToken::forge(cap, tag))
}

/// The page's tokens as a set the authority can check cheaply: each one this node's authority
/// verifies (HMAC, once per thread) is adopted, so the per-message check is an id comparison.
/// Others stay as they came: forged ones grant nothing, and in `st` a token another node issued
/// must reach that node intact, to be verified where it is checked.
fn cap_set(func: &str, v: &JsValue) -> Result<CapSet, JsValue> {
    if !Array::is_array(v) {
        return Err(type_error(
            func,
            "opts.caps",
            "an array of capability tokens",
            v,
        ));
    }
    let sys = otp_system(func)?;
    let auth = authority(sys)?;
    let a = Array::from(v);
    let mut out = Vec::with_capacity(a.length() as usize);
    for (i, t) in a.iter().enumerate() {
        let t = to_token(func, &format!("opts.caps[{i}]"), &t)?;
        out.push(adopted(auth, &t).unwrap_or(t));
    }
    Ok(out.into())
}

/// Verified tokens seen on this thread, by tag (the HMAC check costs about a microsecond).
const ADOPTED_KEPT: usize = 256;

thread_local! {
    static ADOPTED: RefCell<HashMap<[u8; 32], CapToken>> = RefCell::new(HashMap::new());
}

fn adopted(auth: &Authority, t: &CapToken) -> Option<CapToken> {
    let hit = ADOPTED.with(|m| {
        m.borrow()
            .get(t.tag())
            .filter(|a| a.capability() == t.capability())
            .cloned()
    });
    hit.or_else(|| {
        let a = auth.adopt(t)?;
        ADOPTED.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= ADOPTED_KEPT {
                m.clear();
            }
            m.insert(*a.tag(), a.clone());
        });
        Some(a)
    })
}

/// Capability sets the page interned for repeated sends (`actorsCapSet`): ids are indexes plus
/// one; freed slots are listed for reuse. The same set object on every send also lets the
/// authority remember its admission and pin it (`capability/pinned.rs`).
#[derive(Default)]
struct CapSets {
    sets: Vec<Option<CapSet>>,
    free: Vec<usize>,
}

thread_local! {
    static CAP_SETS: RefCell<CapSets> = RefCell::new(CapSets::default());
}

/// Interns `tokens` (an array of `{ capability, tag }`) for [`actors_cast_caps`]: verified
/// once here instead of on every send. Returns the set's id; free it with
/// [`actors_cap_set_drop`].
#[wasm_bindgen(js_name = actorsCapSet)]
pub fn actors_cap_set(tokens: &JsValue) -> Result<u32, JsValue> {
    let set = cap_set("cast", tokens)?;
    Ok(CAP_SETS.with(|c| {
        let c = &mut *c.borrow_mut();
        let at = c.free.pop().unwrap_or_else(|| {
            c.sets.push(None);
            c.sets.len() - 1
        });
        c.sets[at] = Some(set);
        at as u32 + 1
    }))
}

/// Frees an interned capability set.
#[wasm_bindgen(js_name = actorsCapSetDrop)]
pub fn actors_cap_set_drop(id: u32) {
    CAP_SETS.with(|c| {
        let c = &mut *c.borrow_mut();
        let at = (id as usize).wrapping_sub(1);
        if c.sets.get_mut(at).and_then(Option::take).is_some() {
            c.free.push(at);
        }
    });
}

/// A cast checked against the interned capability set `set` (`forbidden` if it does not
/// meet the actor's requirement). The same work as `actorsCast` plus the check, and the same
/// signature but for `set`: a return value would cost the page a few percent of a send.
#[wasm_bindgen(js_name = actorsCastCaps)]
pub fn actors_cast_caps(
    set: u32,
    slot: u32,
    generation: u32,
    kind: u32,
    payload: &JsValue,
) -> Result<(), JsValue> {
    let sys = otp_system("cast")?;
    let m = message("cast", kind, payload)?;
    let auth = authority(sys)?;
    CAP_SETS.with(|c| {
        let sets = c.try_borrow().ok();
        let Some(caps) = sets
            .as_ref()
            .and_then(|s| s.sets.get((set as usize).wrapping_sub(1)))
            .and_then(Option::as_ref)
        else {
            return Err(js_error(
                ErrorKind::Domain,
                "invalid_state",
                &format!("cast: capability set {set} was freed"),
            ));
        };
        auth.cast_as(caps, None, actor_ref(slot, generation), m)
            .map_err(|e| otp_error("cast", e))
    })
}

/// Whether the actor's requirement is fixed (or it has none): a set admitted to it once will
/// be admitted again until requirements change (`st`: the worker tells the page after the
/// first checked cast, and later casts resolve at once).
#[wasm_bindgen(js_name = actorsFixedRequirement)]
pub fn actors_fixed_requirement(slot: u32, generation: u32) -> Result<bool, JsValue> {
    let auth = authority(otp_system("cast")?)?;
    Ok(auth.fixed_requirement(actor_ref(slot, generation)))
}

/// `{ [msg.type]: 'cap:${field}', '*': 'cap' }` → a requirement: the template for the
/// message's `type` (or `'*'`), with `${field}` replaced by that field of the message.
fn requirement(func: &str, v: &JsValue) -> Result<Requires, JsValue> {
    if !v.is_object() {
        return Err(type_error(
            func,
            "opts.requires",
            "an object { [msg.type]: capability }",
            v,
        ));
    }
    let mut map = HashMap::new();
    for k in Object::keys(&Object::from(v.clone())).iter() {
        let key = k.as_string().unwrap_or_default();
        let t = string(
            func,
            &format!("opts.requires.{key}"),
            &Reflect::get(v, &k).unwrap_or(JsValue::UNDEFINED),
        )?;
        // Checked once with placeholders filled in, so a bad template fails here.
        let probe = t.replace("${", "").replace('}', "");
        if let Err(e) = Capability::parse(&probe) {
            return Err(js_error(
                ErrorKind::Range,
                "invalid_capability",
                &format!("{func}: 'opts.requires.{key}' must be a capability template like 'name' or 'name:/scope/${{field}}', got '{t}' ({e})"),
            ));
        }
        map.insert(key, t);
    }
    // Without per-type entries or `${field}`s the requirement does not depend on the message:
    // the message is not decoded, and admitted sends are remembered (see `Requires`).
    if let (1, Some(t)) = (map.len(), map.get("*")) {
        if let (false, Ok(c)) = (t.contains("${"), Capability::parse(t)) {
            return Ok(Requires::Always(c));
        }
    }
    Ok(Requires::per_message(move |m: &Message| {
        let fields = m.downcast_ref::<JsPayload>().and_then(|p| V::decode(&p.0));
        let ty = fields
            .as_ref()
            .and_then(|f| f.get("type"))
            .and_then(V::as_str);
        let t = ty.and_then(|ty| map.get(ty)).or_else(|| map.get("*"))?;
        let mut s = t.clone();
        while let (Some(a), Some(b)) = (s.find("${"), s.find('}')) {
            if b < a {
                break;
            }
            let name = s.get(a + 2..b).unwrap_or_default().to_owned();
            let val = match fields.as_ref().and_then(|f| f.get(&name)) {
                Some(V::Str(x)) => x.clone(),
                Some(V::Num(x)) => x.to_string(),
                _ => String::new(),
            };
            s.replace_range(a..=b, &val);
        }
        // An unparsable filled-in template requires an impossible capability (deny).
        Some(Capability::parse(&s).unwrap_or_else(|_| Capability::new("!invalid")))
    }))
}

fn denial_v(d: &Denial) -> V {
    V::obj(vec![
        ("at", V::n(d.at.as_secs_f64() * 1e3)),
        ("from", d.from.map_or(V::Null, ref_v)),
        ("to", ref_v(d.to)),
        ("missing", V::s(d.missing.clone())),
    ])
}

// ---------------------------------------------------------------------------------------------
// Pools (owned by the thread that made them: the page in `mt`, the node's worker in `st`).

thread_local! {
    static POOLS: RefCell<HashMap<u32, Arc<Pool>>> = RefCell::new(HashMap::new());
}

fn pool(func: &str, v: &JsValue) -> Result<Arc<Pool>, JsValue> {
    let id = v.as_f64().unwrap_or(-1.0) as u32;
    POOLS.with(|p| p.borrow().get(&id).cloned()).ok_or_else(|| {
        js_error(
            ErrorKind::Domain,
            "noproc",
            &format!("{func}: no such pool"),
        )
    })
}

fn factory(sys: &System, make: Make) -> Factory {
    let sys = sys.clone();
    Arc::new(move || match make.build(&sys, None) {
        Ok(b) => Box::new(b),
        Err(e) => Box::new(from_fn(move |_m, _| Err(ExitReason::error(e.clone())))),
    })
}

fn key_bytes(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(s) = v.as_string() {
        return Some(s.into_bytes());
    }
    v.as_f64().map(|x| x.to_string().into_bytes())
}

// ---------------------------------------------------------------------------------------------
// Test support: the `'probe'` behaviour logs `start:<id>` / `stop:<id>:<reason>` into a log
// shared by the instance (read and cleared by the `probeLog` op) (the whole system in `mt`, the node in `st`), in the order the events
// happened. Messages: `'crash'`, `'ping'` (replies `'pong'`), `{ exit: reason }`.

// Lock-free: the page's main thread reads it (it must never wait on a lock held by a worker).
static PROBE_LOG: SegQueue<String> = SegQueue::new();

fn probe_log(e: String) {
    PROBE_LOG.push(e);
}

struct Probe {
    id: String,
    ignore_shutdown: bool,
    fail_init: bool,
}

impl Behaviour for Probe {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        if self.fail_init {
            probe_log(format!("fail:{}", self.id));
            return Err(ExitReason::error("init failed"));
        }
        if self.ignore_shutdown {
            ctx.trap_exit(true);
        }
        probe_log(format!("start:{}", self.id));
        Ok(())
    }
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        if msg.downcast_ref::<ExitMsg>().is_some() {
            return Ok(Message::Empty); // ignores shutdown: the supervisor must kill it
        }
        let v = msg
            .downcast_ref::<JsPayload>()
            .and_then(|p| V::decode(&p.0));
        match v.as_ref() {
            Some(V::Str(s)) if s == "crash" => Err(ExitReason::error("crash")),
            Some(V::Str(s)) if s == "ping" => Ok(Message::value(V::s("pong"))),
            Some(o) if o.get("exit").is_some() => {
                let r = match o.get("exit").and_then(V::as_str) {
                    Some("normal") => ExitReason::Normal,
                    Some("shutdown") => ExitReason::Shutdown,
                    Some(x) => ExitReason::error(x),
                    None => ExitReason::error("exit"),
                };
                ctx.stop_self(r);
                Ok(Message::Empty)
            }
            _ => Ok(Message::Empty),
        }
    }
    fn terminate(&mut self, reason: &ExitReason) {
        if !self.fail_init {
            probe_log(format!("stop:{}:{}", self.id, reason.kind()));
        }
    }
}

fn register_probe(sys: &System) {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        sys.register_behaviour(
            "probe",
            Arc::new(|args: Message| {
                let v = args
                    .downcast_ref::<JsPayload>()
                    .and_then(|p| V::decode(&p.0))
                    .unwrap_or(V::Undef);
                let id = match (&v, v.get("id")) {
                    (V::Str(s), _) => s.clone(),
                    (_, Some(V::Str(s))) => s.clone(),
                    _ => return Err("args: expected 'id' or { id, ignoreShutdown }".into()),
                };
                let flag = |k: &str| matches!(v.get(k), Some(V::Bool(true)));
                Ok(Box::new(Probe {
                    id,
                    ignore_shutdown: flag("ignoreShutdown"),
                    fail_init: flag("failInit"),
                }) as Box<dyn Behaviour>)
            }),
        );
    });
}

// ---------------------------------------------------------------------------------------------
// JS behaviour hooks.

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = globalThis, js_name = __katalystActorTerminate)]
    fn js_terminate_hook(behaviour: u32, state: JsValue, reason: JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = globalThis, js_name = __katalystActorMigrate)]
    fn js_migrate_hook(
        behaviour: u32,
        state: JsValue,
        migrate: JsValue,
        extra_kind: u32,
        extra: JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// Calls the JS module's `terminate(state, reason)` if the worker defines the hook.
pub(crate) fn js_terminate(behaviour: u32, state: &[u8], reason: &ExitReason) {
    let r = Uint8Array::from(reason_v(reason).encode().as_slice());
    let _ = js_terminate_hook(behaviour, Uint8Array::from(state).into(), r.into());
}

fn js_migration(to: u32, migrate: Option<String>, extra: Arg) -> Migrate {
    Box::new(move |old: &dyn Any| {
        let old = old
            .downcast_ref::<Boxed>()
            .and_then(|b| match b {
                Boxed::Js(j) => Some(j),
                Boxed::Rust(_) => None,
            })
            .ok_or("the running behaviour is not a JS module behaviour")?;
        let (_, state) = old.parts();
        let (kind, payload) = match extra.msg() {
            Message::Empty => (0, JsValue::UNDEFINED),
            Message::Int(i) => (1, JsValue::from_f64(i as f64)),
            Message::Bytes(b) => (2, Uint8Array::from(b.as_slice()).into()),
            m => match m.downcast_ref::<JsPayload>() {
                Some(p) => (3, Uint8Array::from(p.0.as_slice()).into()),
                None => (0, JsValue::UNDEFINED),
            },
        };
        let name = migrate.clone().map_or(JsValue::UNDEFINED, JsValue::from);
        let out = js_migrate_hook(to, Uint8Array::from(state).into(), name, kind, payload)
            .map_err(|e| {
                args::field(&e, "message")
                    .as_string()
                    .or_else(|| e.as_string())
                    .unwrap_or_else(|| "migrate threw".into())
            })?;
        let state = out
            .dyn_ref::<Uint8Array>()
            .map(|a| a.to_vec())
            .unwrap_or_default();
        Ok(Box::new(Boxed::Js(JsBehaviour::migrated(to, state))) as Box<dyn Upgradable>)
    })
}

// ---------------------------------------------------------------------------------------------
// The entry point.

fn value(v: V) -> JsValue {
    let o = Object::new();
    args::set(&o, "value", &Uint8Array::from(v.encode().as_slice()));
    o.into()
}

fn call(id: u32) -> JsValue {
    let o = Object::new();
    args::set(&o, "call", &id.into());
    o.into()
}

const OTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs one OTP operation (see the module doc and `pkg-template/actors/otp.js` for the list).
#[wasm_bindgen(js_name = otpOp)]
pub fn otp_op(op: &str, args: &JsValue) -> Result<JsValue, JsValue> {
    let sys = otp_system(op)?;
    register_probe(sys);
    let args = if Array::is_array(args) {
        Array::from(args)
    } else {
        Array::new()
    };
    let a = |i| arg(&args, i);
    let r = |i: u32, name: &str| to_ref(sys, op, name, &a(i));
    let err = |e: ActorError| otp_error(op, e);
    let sup_call = |sup: ActorRef, c: SupervisorCall| -> Result<JsValue, JsValue> {
        let h = sys.call(sup, Message::value(c), OTP_TIMEOUT).map_err(err)?;
        Ok(call(otp_track_call(h)))
    };
    match op {
        "supervise" => {
            let spec = sup_spec(sys, "supervise", &a(0))?;
            let (sup, started) = crate::actor::supervisor::spawn(sys, spec).map_err(err)?;
            let o = Object::from(value(ref_v(sup)));
            args::set(&o, "call", &otp_track_call(started).into());
            Ok(o.into())
        }
        "whichChildren" => sup_call(r(0, "sup")?, SupervisorCall::WhichChildren),
        "countRestarts" => sup_call(r(0, "sup")?, SupervisorCall::Restarts),
        "startChild" => {
            let m = Arg::from_js(op, &a(1), &a(2))?.msg();
            sup_call(r(0, "sup")?, SupervisorCall::StartChild(m))
        }
        "terminateChild" => {
            let sup = r(0, "sup")?;
            let c = a(1);
            if let Some(id) = c.as_string() {
                sup_call(sup, SupervisorCall::TerminateChildId(id))
            } else {
                sup_call(sup, SupervisorCall::TerminateChild(r(1, "child")?))
            }
        }
        "restartChild" => sup_call(
            r(0, "sup")?,
            SupervisorCall::RestartChild(string(op, "id", &a(1))?),
        ),
        "deleteChild" => sup_call(
            r(0, "sup")?,
            SupervisorCall::DeleteChild(string(op, "id", &a(1))?),
        ),
        "stopSupervisor" => sup_call(r(0, "sup")?, SupervisorCall::Stop),
        "link" => {
            sys.link(r(0, "a")?, r(1, "b")?).map_err(err)?;
            Ok(value(V::Undef))
        }
        "unlink" => {
            sys.unlink(r(0, "a")?, r(1, "b")?).map_err(err)?;
            Ok(value(V::Undef))
        }
        "monitor" => {
            let m = sys
                .monitor(r(0, "watcher")?, r(1, "target")?)
                .map_err(err)?;
            Ok(value(V::n(m.0 as f64)))
        }
        "demonitor" => {
            let m = number(op, "monitor", &a(1), 0.0, 9.0e15)?;
            sys.demonitor(r(0, "watcher")?, MonitorRef(m as u64))
                .map_err(err)?;
            Ok(value(V::Undef))
        }
        "trapExit" => {
            let on = a(1)
                .as_bool()
                .ok_or_else(|| type_error(op, "on", "a boolean", &a(1)))?;
            sys.set_trap_exit(r(0, "ref")?, on).map_err(err)?;
            Ok(value(V::Undef))
        }
        "exit" => {
            let reason = match string(op, "reason", &a(1))?.as_str() {
                "normal" => ExitReason::Normal,
                "shutdown" => ExitReason::Shutdown,
                "kill" => ExitReason::Kill,
                other => ExitReason::error(other),
            };
            sys.exit(r(0, "ref")?, reason).map_err(err)?;
            Ok(value(V::Undef))
        }
        "spawn" => {
            // { make, mailbox, name, requires }: upgradable; also guarded when `requires` is set.
            let o = a(0);
            let make = Make::from_js(op, "behaviour", &get(&o, "make"))?;
            let b = make
                .build(sys, None)
                .map_err(|m| js_error(ErrorKind::Domain, "bad_args", &format!("spawn: {m}")))?;
            let opts = SpawnOptions {
                mailbox_capacity: get(&o, "mailbox").as_f64().map(|m| m.max(1.0) as usize),
                name: get(&o, "name").as_string(),
                worker: get(&o, "worker").as_f64().map(|w| w.max(0.0) as usize),
            };
            let req = get(&o, "requires");
            let actor = if req.is_undefined() {
                upgrade::spawn(sys, b, opts).map_err(err)?
            } else {
                let need = requirement(op, &req)?;
                let b = upgrade::upgradable(b);
                authority(sys)?.spawn_guarded(b, need, opts).map_err(err)?
            };
            Ok(value(ref_v(actor)))
        }
        "upgrade" => {
            let actor = r(0, "ref")?;
            let to = number(op, "behaviour", &a(1), 0.0, 1e9)? as u32;
            let migrate = a(2).as_string();
            let extra = Arg::from_js(op, &a(3), &a(4))?;
            let h = upgrade::upgrade(sys, actor, js_migration(to, migrate, extra)).map_err(err)?;
            Ok(call(otp_track_call(h)))
        }
        "upgradeNamed" => {
            let actor = r(0, "ref")?;
            let make = Make::from_js(op, "behaviour", &a(1))?;
            let s = sys.clone();
            let m: Migrate = Box::new(move |_old: &dyn Any| {
                make.build(&s, None)
                    .map(|b| Box::new(b) as Box<dyn Upgradable>)
            });
            let h = upgrade::upgrade(sys, actor, m).map_err(err)?;
            Ok(call(otp_track_call(h)))
        }
        "rollback" => {
            let h = upgrade::rollback(sys, r(0, "ref")?).map_err(err)?;
            Ok(call(otp_track_call(h)))
        }
        "info" => {
            // [{ alive, version, mailboxLen, processed }] per ref (introspection).
            let refs = Array::from(&a(0));
            let mut out = Vec::new();
            for (i, v) in refs.iter().enumerate() {
                let x = to_ref(sys, op, &format!("refs[{i}]"), &v)?;
                let load = sys.load_of(x);
                out.push(V::obj(vec![
                    ("alive", V::Bool(sys.is_alive(x))),
                    ("version", sys.version_of(x).map_or(V::Null, V::n)),
                    ("mailboxLen", load.map_or(V::n(0), |l| V::n(l.0 as f64))),
                    ("processed", load.map_or(V::n(0), |l| V::n(l.1 as f64))),
                ]));
            }
            Ok(value(V::Arr(out)))
        }
        "events" => {
            let ev = sys.take_otp_events();
            Ok(value(V::Arr(ev.iter().map(event_v).collect())))
        }
        "declare" => {
            let s = string(op, "stronger", &a(0))?;
            let w = string(op, "weaker", &a(1))?;
            authority(sys)?.declare(&s, &w);
            Ok(value(V::Undef))
        }
        "issue" => {
            let cap = parse_cap(op, "capability", &a(0))?;
            Ok(value(token_v(&authority(sys)?.issue(cap))))
        }
        "attenuate" => {
            let t = to_token(op, "token", &a(0))?;
            let cap = parse_cap(op, "narrower", &a(1))?;
            let n = authority(sys)?.attenuate(&t, cap).map_err(err)?;
            Ok(value(token_v(&n)))
        }
        "verify" => {
            let t = to_token(op, "token", &a(0))?;
            Ok(value(V::Bool(authority(sys)?.verify(&t))))
        }
        "callCaps" => {
            let to = r(0, "ref")?;
            let caps = cap_set(op, &a(1))?;
            let m = Arg::from_js(op, &a(2), &a(3))?.msg();
            let t = number(op, "opts.timeout", &a(4), 0.0, 2f64.powi(31))?;
            let h = authority(sys)?
                .call(&caps, to, m, Duration::from_secs_f64(t / 1e3))
                .map_err(err)?;
            Ok(call(otp_track_call(h)))
        }
        "audit" => {
            let v = AUTHORITY
                .get()
                .map_or_else(Vec::new, |au| au.audit().iter().map(denial_v).collect());
            Ok(value(V::Arr(v)))
        }
        "pool" => {
            let make = Make::from_js(op, "behaviour", &a(0))?;
            let o = a(1);
            let n = |k: &'static str, d: f64| -> Result<f64, JsValue> {
                let x = get(&o, k);
                if x.is_undefined() {
                    Ok(d)
                } else {
                    number(op, &format!("opts.{k}"), &x, 1.0, 4096.0)
                }
            };
            let routing =
                match get(&o, "strategy").as_string().as_deref() {
                    None | Some("round-robin") => Routing::RoundRobin,
                    Some("least-loaded") => Routing::LeastLoaded,
                    Some("capability") => Routing::Capability,
                    Some("affinity") => Routing::Affinity,
                    Some("predictive") => Routing::Predictive,
                    Some(x) => return Err(range_error(
                        op,
                        "opts.strategy",
                        "'round-robin', 'least-loaded', 'capability', 'affinity' or 'predictive'",
                        &format!("'{x}'"),
                    )),
                };
            let size = n("size", n("min", 2.0)?)?;
            let spec = PoolSpec {
                size: size as usize,
                min: n("min", size)? as usize,
                max: n("max", size.max(16.0))? as usize,
                routing,
                ..PoolSpec::default()
            };
            if spec.min > spec.max || spec.size < spec.min || spec.size > spec.max {
                return Err(range_error(
                    op,
                    "opts",
                    "min ≤ size ≤ max",
                    &format!("min {}, size {}, max {}", spec.min, spec.size, spec.max),
                ));
            }
            let f = factory(sys, make);
            let p = if routing == Routing::Capability {
                let need = requirement(op, &get(&o, "requires"))?;
                let caps = match get(&o, "caps") {
                    c if c.is_undefined() => Arc::new([]) as CapSet,
                    c => cap_set(op, &c)?,
                };
                Pool::with_capabilities(sys, f, spec, authority(sys)?.clone(), need, caps)
            } else {
                Pool::new(sys, f, spec)
            }
            .map_err(err)?;
            static NEXT_POOL: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
            let id = NEXT_POOL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            POOLS.with(|m| m.borrow_mut().insert(id, p));
            Ok(value(V::n(id)))
        }
        "poolCast" => {
            let p = pool(op, &a(0))?;
            let m = Arg::from_js(op, &a(1), &a(2))?.msg();
            match key_bytes(&a(3)) {
                Some(k) => p.cast_keyed(&k, m),
                None => p.cast(m),
            }
            .map_err(err)?;
            Ok(value(V::Undef))
        }
        "poolCall" => {
            let p = pool(op, &a(0))?;
            let m = Arg::from_js(op, &a(1), &a(2))?.msg();
            let t = number(op, "opts.timeout", &a(3), 0.0, 2f64.powi(31))?;
            let h = p.call(m, Duration::from_secs_f64(t / 1e3)).map_err(err)?;
            Ok(call(otp_track_call(h)))
        }
        "poolMemberForKey" => {
            let p = pool(op, &a(0))?;
            let k = key_bytes(&a(1))
                .ok_or_else(|| type_error(op, "key", "a string or a number", &a(1)))?;
            Ok(value(p.member_for_key(&k).map_or(V::Null, ref_v)))
        }
        "poolMembers" => {
            let p = pool(op, &a(0))?;
            Ok(value(V::Arr(p.members().into_iter().map(ref_v).collect())))
        }
        "poolResize" => {
            let p = pool(op, &a(0))?;
            let k = number(op, "size", &a(1), 1.0, 4096.0)?;
            p.resize(k as usize).map_err(err)?;
            Ok(value(V::Undef))
        }
        "poolAutoscale" => {
            let p = pool(op, &a(0))?;
            Ok(value(V::n(p.autoscale() as f64)))
        }
        "poolCanary" => {
            let p = pool(op, &a(0))?;
            let make = Make::from_js(op, "behaviour", &a(1))?;
            let pct = number(op, "opts.percent", &a(2), 0.0, 100.0)?;
            p.canary(factory(sys, make), pct as u32).map_err(err)?;
            Ok(value(V::Undef))
        }
        "poolPromote" => {
            pool(op, &a(0))?.promote().map_err(err)?;
            Ok(value(V::Undef))
        }
        "poolRollback" => {
            pool(op, &a(0))?.rollback();
            Ok(value(V::Undef))
        }
        "poolStats" => {
            let s = pool(op, &a(0))?.stats();
            let members = s
                .members
                .iter()
                .map(|m| {
                    V::obj(vec![
                        ("ref", ref_v(m.actor)),
                        ("version", V::n(m.version)),
                        ("canary", V::Bool(m.canary)),
                        ("mailboxLen", V::n(m.mailbox_len as f64)),
                        ("ewmaServiceMs", V::n(m.ewma_service.as_secs_f64() * 1e3)),
                        (
                            "processed",
                            V::n(sys.load_of(m.actor).map_or(0.0, |l| l.1 as f64)),
                        ),
                    ])
                })
                .collect();
            let forecasts = s
                .forecasts
                .iter()
                .map(|f| {
                    V::obj(vec![
                        ("forecastRate", V::n(f.forecast_rate)),
                        ("actualRate", V::n(f.actual_rate)),
                        ("size", V::n(f.size as f64)),
                    ])
                })
                .collect();
            Ok(value(V::obj(vec![
                ("members", V::Arr(members)),
                ("routed", V::n(s.routed as f64)),
                ("forecasts", V::Arr(forecasts)),
                ("canaryPercent", s.canary_percent.map_or(V::Null, V::n)),
            ])))
        }
        "poolShutdown" => {
            let p = pool(op, &a(0))?;
            p.shutdown();
            POOLS.with(|m| {
                m.borrow_mut()
                    .remove(&(a(0).as_f64().unwrap_or(-1.0) as u32))
            });
            Ok(value(V::Undef))
        }
        "probeLog" => {
            // Returns the entries since the last read (and forgets them).
            let mut l = Vec::new();
            while let Some(e) = PROBE_LOG.pop() {
                l.push(V::Str(e));
            }
            Ok(value(V::Arr(l)))
        }
        other => Err(js_error(
            ErrorKind::Range,
            "out_of_range",
            &format!("otp: unknown operation '{other}'"),
        )),
    }
}

fn event_v(e: &OtpEvent) -> V {
    let ms = |d: &Duration| V::n(d.as_secs_f64() * 1e3);
    match e {
        OtpEvent::Restarted {
            supervisor,
            child,
            reason,
            at,
        } => V::obj(vec![
            ("type", V::s("restart")),
            ("supervisor", ref_v(*supervisor)),
            ("child", V::s(child.clone())),
            ("reason", reason_v(reason)),
            ("at", ms(at)),
        ]),
        OtpEvent::GaveUp { supervisor, at } => V::obj(vec![
            ("type", V::s("gaveUp")),
            ("supervisor", ref_v(*supervisor)),
            ("at", ms(at)),
        ]),
        OtpEvent::Denied {
            to,
            from,
            missing,
            at,
        } => V::obj(vec![
            ("type", V::s("denied")),
            ("to", ref_v(*to)),
            ("from", from.map_or(V::Null, ref_v)),
            ("missing", V::s(missing.clone())),
            ("at", ms(at)),
        ]),
        OtpEvent::Upgraded {
            actor,
            from,
            to,
            at,
        } => V::obj(vec![
            ("type", V::s("upgraded")),
            ("ref", ref_v(*actor)),
            ("from", V::n(*from)),
            ("to", V::n(*to)),
            ("at", ms(at)),
        ]),
        OtpEvent::UpgradeFailed { actor, message, at } => V::obj(vec![
            ("type", V::s("upgradeFailed")),
            ("ref", ref_v(*actor)),
            ("message", V::s(message.clone())),
            ("at", ms(at)),
        ]),
    }
}

// ---------------------------------------------------------------------------------------------
// Capabilities of JS handlers: `ctx.call` / `ctx.cast` carry the capabilities of the message
// being handled (as a Rust handler's `Authority::call_from / cast_from` do) plus the tokens
// the handler passes in `opts.caps` (delegation: it can only pass tokens it was given; a
// forged or widened one never verifies).

thread_local! {
    /// The set a handler's send carries when it has none (one per thread, see [`ctx_caps`]).
    static NO_CAPS: CapSet = Arc::new([]);
}

/// The set a handler's send carries: the handled message's capabilities (unless
/// `opts.inherit === false`) followed by the tokens of `opts.caps`. Without `opts.caps` it is
/// the handled message's own set, not a copy, so the authority remembers its admissions
/// across sends (and pins it) as for a Rust handler.
fn ctx_caps(func: &str, hold: u32, opts: &JsValue) -> Result<CapSet, JsValue> {
    let inherit = get(opts, "inherit").as_bool() != Some(false);
    let inherited = super::actor_js::caps_of(hold).filter(|_| inherit);
    let explicit = get(opts, "caps");
    if explicit.is_undefined() {
        return Ok(inherited.unwrap_or_else(|| NO_CAPS.with(CapSet::clone)));
    }
    let mut v: Vec<CapToken> = inherited.map(|c| c.to_vec()).unwrap_or_default();
    v.extend(cap_set(func, &explicit)?.iter().cloned());
    Ok(v.into())
}

/// `mt`: `ctx.call(to, msg, opts)` (`call` true: returns the call id, completed through this
/// worker's completion queue) or `ctx.cast(to, msg, opts)` (returns `undefined`) from the JS
/// handler of `from` running handle `hold`, checked by the authority at the sender:
/// `forbidden` (naming the capability, audited with `from`) if `to` requires a capability
/// the carried set does not grant.
#[wasm_bindgen(js_name = actorsCtxSend)]
pub fn actors_ctx_send(
    hold: u32,
    from: &JsValue,
    to: &JsValue,
    kind: u32,
    payload: &JsValue,
    opts: &JsValue,
) -> Result<JsValue, JsValue> {
    let call = get(opts, "call").as_bool() == Some(true);
    let func = if call { "ctx.call" } else { "ctx.cast" };
    let sys = otp_system(func)?;
    let from = to_ref(sys, func, "ctx.self", from)?;
    let to = to_ref(sys, func, "ref", to)?;
    let caps = ctx_caps(func, hold, opts)?;
    let m = super::actor::message(func, kind, payload)?;
    let auth = authority(sys)?;
    if call {
        let t = number(
            func,
            "opts.timeout",
            &get(opts, "timeout"),
            0.0,
            2f64.powi(31),
        )?;
        let h = auth
            .call_as(&caps, Some(from), to, m, Duration::from_secs_f64(t / 1e3))
            .map_err(|e| otp_error(func, e))?;
        Ok(otp_track_call(h).into())
    } else {
        auth.cast_as(&caps, Some(from), to, m)
            .map_err(|e| otp_error(func, e))?;
        Ok(JsValue::UNDEFINED)
    }
}

/// `st`: the tokens a handler's `ctx.call` / `ctx.cast` carry (see [`actors_ctx_send`]), as
/// `{ value }` holding `[{ capability, tag }]`, for the page to route the send with them
/// (they verify only on this node: each `st` instance has its own authority secret).
#[wasm_bindgen(js_name = actorsCtxCaps)]
pub fn actors_ctx_caps(hold: u32, opts: &JsValue) -> Result<JsValue, JsValue> {
    let caps = ctx_caps("ctx.call", hold, opts)?;
    Ok(value(V::Arr(caps.iter().map(token_v).collect())))
}
