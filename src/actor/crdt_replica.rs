//! `'crdt-replica'`: a built-in behaviour holding one replica of a CRDT (`crate::crdt`), so
//! CRDT work runs on an actor worker. Spawn args and messages are plain JS data (see
//! [`JsData`]); the protocol is in `src/actor/README.md` ("CRDT replicas").

use crate::crdt::{
    Crdt, DecodeOptions, GCounter, GSet, LWWMap, LWWRegister, MVRegister, ORSet, PNCounter,
    Replica, ReplicaId, Value,
};

use super::payload::JsData;
use super::{ActorError, Behaviour, Context, ExitReason, Message};

/// The replicated value an actor holds.
enum Kind {
    GCounter(Replica<GCounter>),
    PNCounter(Replica<PNCounter>),
    GSet(Replica<GSet>),
    ORSet(Replica<ORSet>),
    LWWRegister(Replica<LWWRegister>),
    MVRegister(Replica<MVRegister>),
    LWWMap(Replica<LWWMap>),
}

/// Type names accepted in the spawn args (the JS class names).
pub const CRDT_TYPES: [&str; 7] = [
    "GCounter",
    "PNCounter",
    "GSet",
    "ORSet",
    "LWWRegister",
    "MVRegister",
    "LWWMap",
];

/// One CRDT replica as an actor (see the module doc).
///
/// ```
/// use katalyst::actor::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// register_builtins(sys);
/// let args = JsData::Obj(vec![("type".into(), JsData::Str("GCounter".into())), ("replica".into(), JsData::Num(1.0))]);
/// let c = sys.spawn_named("crdt-replica", args.into_message(), SpawnOptions::default()).unwrap();
/// let inc = JsData::Obj(vec![("op".into(), JsData::Str("increment".into())), ("n".into(), JsData::Num(5.0))]);
/// sys.cast(c, inc.into_message()).unwrap();
/// let value = JsData::Obj(vec![("op".into(), JsData::Str("value".into()))]);
/// let v = sys.call(c, value.into_message(), std::time::Duration::from_secs(5)).unwrap().wait().unwrap();
/// assert_eq!(v.as_int(), Some(5));
/// ```
pub struct CrdtReplica {
    kind: Kind,
}

fn bad(message: impl Into<String>) -> String {
    message.into()
}

impl CrdtReplica {
    /// Builds a replica from spawn args `{ type, replica, state? }` (`state`: encoded bytes of
    /// the same type to start from).
    ///
    /// See [`CrdtReplica`] for an example.
    pub fn from_args(args: Message) -> Result<CrdtReplica, String> {
        let args = JsData::from_message(args).map_err(|e| format!("args: {e}"))?;
        let ty = args.get("type").and_then(JsData::as_str).ok_or_else(|| {
            bad(format!(
                "args.type: expected one of {} (a string)",
                CRDT_TYPES.join(", ")
            ))
        })?;
        let id = match args.get("replica") {
            Some(JsData::Num(n))
                if *n >= 0.0 && n.fract() == 0.0 && *n <= 9_007_199_254_740_991.0 =>
            {
                *n as ReplicaId
            }
            other => {
                return Err(bad(format!(
                    "args.replica: expected a non-negative safe integer, got {other:?}"
                )))
            }
        };
        let kind = match ty {
            "GCounter" => Kind::GCounter(Replica::new(id)),
            "PNCounter" => Kind::PNCounter(Replica::new(id)),
            "GSet" => Kind::GSet(Replica::new(id)),
            "ORSet" => Kind::ORSet(Replica::new(id)),
            "LWWRegister" => Kind::LWWRegister(Replica::new(id)),
            "MVRegister" => Kind::MVRegister(Replica::new(id)),
            "LWWMap" => Kind::LWWMap(Replica::new(id)),
            other => {
                return Err(bad(format!(
                    "args.type: expected one of {}, got {other:?}",
                    CRDT_TYPES.join(", ")
                )))
            }
        };
        let mut r = CrdtReplica { kind };
        if let Some(state) = args.get("state") {
            match state {
                JsData::Bytes(b) => r.merge(b).map_err(|e| format!("args.state: {e}"))?,
                _ => return Err(bad("args.state: expected a Uint8Array")),
            }
        }
        Ok(r)
    }

    fn merge(&mut self, bytes: &[u8]) -> Result<(), String> {
        let opts = DecodeOptions::default();
        let r = match &mut self.kind {
            Kind::GCounter(r) => r.apply(bytes, &opts),
            Kind::PNCounter(r) => r.apply(bytes, &opts),
            Kind::GSet(r) => r.apply(bytes, &opts),
            Kind::ORSet(r) => r.apply(bytes, &opts),
            Kind::LWWRegister(r) => r.apply(bytes, &opts),
            Kind::MVRegister(r) => r.apply(bytes, &opts),
            Kind::LWWMap(r) => r.apply(bytes, &opts),
        };
        r.map_err(|e| e.to_string())
    }

    fn encode(&self) -> Vec<u8> {
        match &self.kind {
            Kind::GCounter(r) => r.state().encode(),
            Kind::PNCounter(r) => r.state().encode(),
            Kind::GSet(r) => r.state().encode(),
            Kind::ORSet(r) => r.state().encode(),
            Kind::LWWRegister(r) => r.state().encode(),
            Kind::MVRegister(r) => r.state().encode(),
            Kind::LWWMap(r) => r.state().encode(),
        }
    }

    fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::GCounter(_) => "GCounter",
            Kind::PNCounter(_) => "PNCounter",
            Kind::GSet(_) => "GSet",
            Kind::ORSet(_) => "ORSet",
            Kind::LWWRegister(_) => "LWWRegister",
            Kind::MVRegister(_) => "MVRegister",
            Kind::LWWMap(_) => "LWWMap",
        }
    }

    /// The value as `k.<Type>#value()` returns it.
    fn value(&self) -> JsData {
        let list = |it: &mut dyn Iterator<Item = &Value>| JsData::Arr(it.map(to_js).collect());
        match &self.kind {
            Kind::GCounter(r) => JsData::Num(r.state().value() as f64),
            Kind::PNCounter(r) => JsData::Num(r.state().value() as f64),
            Kind::GSet(r) => list(&mut r.state().iter()),
            Kind::ORSet(r) => list(&mut r.state().iter()),
            Kind::LWWRegister(r) => r.state().get().map_or(JsData::Null, to_js),
            Kind::MVRegister(r) => list(&mut r.state().values().into_iter()),
            Kind::LWWMap(r) => JsData::Obj(
                r.state()
                    .iter()
                    .map(|(k, v)| (k.to_owned(), to_js(v)))
                    .collect(),
            ),
        }
    }

    /// Applies one request; the reply or a message saying what was wrong.
    fn apply(&mut self, msg: JsData, now_ms: u64) -> Result<JsData, String> {
        if let JsData::Bytes(b) = &msg {
            self.merge(b)?;
            return Ok(JsData::Undefined);
        }
        let op = msg
            .get("op")
            .and_then(JsData::as_str)
            .ok_or_else(|| bad("msg.op: expected a string (see the 'crdt-replica' protocol)"))?;
        let count = |field: &str| -> Result<u64, String> {
            match msg.get(field) {
                None => Ok(1),
                Some(JsData::Num(n))
                    if *n >= 0.0 && n.fract() == 0.0 && *n <= 9_007_199_254_740_991.0 =>
                {
                    Ok(*n as u64)
                }
                Some(other) => Err(format!(
                    "msg.{field}: expected a non-negative safe integer, got {other:?}"
                )),
            }
        };
        let value = || -> Result<Value, String> {
            let v = msg.get("value").ok_or_else(|| bad("msg.value: missing"))?;
            from_js(v, "msg.value")
        };
        let key = || -> Result<String, String> {
            msg.get("key")
                .and_then(JsData::as_str)
                .map(str::to_owned)
                .ok_or_else(|| bad("msg.key: expected a string"))
        };
        let now = match msg.get("now") {
            Some(JsData::Num(n)) if *n >= 0.0 && n.is_finite() => *n as u64,
            Some(other) => return Err(format!("msg.now: expected milliseconds, got {other:?}")),
            None => now_ms,
        };
        let delta = |bytes: Vec<u8>| Ok(JsData::Bytes(bytes));
        let ty = self.type_name();
        let unsupported = || Err(format!("msg.op: {ty} has no operation {op:?}"));
        match (op, &mut self.kind) {
            ("value", _) => Ok(self.value()),
            ("encode", _) => Ok(JsData::Bytes(self.encode())),
            ("type", _) => Ok(JsData::Str(ty.to_owned())),
            ("merge", _) => match msg.get("bytes") {
                Some(JsData::Bytes(b)) => {
                    let b = b.clone();
                    self.merge(&b)?;
                    Ok(JsData::Undefined)
                }
                _ => Err(bad("msg.bytes: expected a Uint8Array (a delta or a state)")),
            },
            ("increment", Kind::GCounter(r)) => {
                let n = count("n")?;
                delta(r.update(|s, id| s.increment(id, n)).encode())
            }
            ("increment", Kind::PNCounter(r)) => {
                let n = count("n")?;
                delta(r.update(|s, id| s.increment(id, n)).encode())
            }
            ("decrement", Kind::PNCounter(r)) => {
                let n = count("n")?;
                delta(r.update(|s, id| s.decrement(id, n)).encode())
            }
            ("add", Kind::GSet(r)) => {
                let v = value()?;
                delta(r.update(|s, id| s.add(id, v)).encode())
            }
            ("add", Kind::ORSet(r)) => {
                let v = value()?;
                delta(r.update(|s, id| s.add(id, v)).encode())
            }
            ("remove", Kind::ORSet(r)) => {
                let v = value()?;
                delta(r.update(|s, id| s.remove(id, &v)).encode())
            }
            ("has", Kind::GSet(r)) => Ok(JsData::Bool(r.state().contains(&value()?))),
            ("has", Kind::ORSet(r)) => Ok(JsData::Bool(r.state().contains(&value()?))),
            ("set", Kind::LWWRegister(r)) => {
                let v = value()?;
                delta(r.update(|s, id| s.set(id, v, now)).encode())
            }
            ("set", Kind::MVRegister(r)) => {
                let v = value()?;
                delta(r.update(|s, id| s.set(id, v)).encode())
            }
            ("set", Kind::LWWMap(r)) => {
                let (k, v) = (key()?, value()?);
                delta(r.update(|s, id| s.set(id, &k, v, now)).encode())
            }
            ("delete", Kind::LWWMap(r)) => {
                let k = key()?;
                delta(r.update(|s, id| s.delete(id, &k, now)).encode())
            }
            ("get", Kind::LWWMap(r)) => Ok(r.state().get(&key()?).map_or(JsData::Undefined, to_js)),
            _ => unsupported(),
        }
    }
}

/// A JS value as a CRDT value (JSON-like: no `undefined`, bytes or non-finite numbers).
fn from_js(v: &JsData, path: &str) -> Result<Value, String> {
    Ok(match v {
        JsData::Null => Value::Null,
        JsData::Bool(b) => Value::Bool(*b),
        JsData::Num(n) => Value::number(*n).map_err(|e| format!("{path}: {e}"))?,
        JsData::Str(s) => Value::String(s.clone()),
        JsData::Arr(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| from_js(x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        JsData::Obj(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, x)| Ok((k.clone(), from_js(x, &format!("{path}.{k}"))?)))
                .collect::<Result<_, String>>()?,
        ),
        JsData::Undefined => return Err(format!("{path}: undefined is not a JSON-like value")),
        JsData::Bytes(_) => return Err(format!("{path}: a Uint8Array is not a JSON-like value")),
    })
}

fn to_js(v: &Value) -> JsData {
    match v {
        Value::Null => JsData::Null,
        Value::Bool(b) => JsData::Bool(*b),
        Value::Number(n) => JsData::Num(*n),
        Value::String(s) => JsData::Str(s.clone()),
        Value::Array(items) => JsData::Arr(items.iter().map(to_js).collect()),
        Value::Object(m) => JsData::Obj(m.iter().map(|(k, x)| (k.clone(), to_js(x))).collect()),
    }
}

impl Behaviour for CrdtReplica {
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        // The system clock: wall time in the browser (`performance.timeOrigin + now()`).
        let now_ms = ctx.now_ns() / 1_000_000;
        let result = JsData::from_message(msg)
            .map_err(|e| format!("msg: {e}"))
            .and_then(|m| self.apply(m, now_ms));
        match result {
            Ok(reply) => Ok(reply.into_message()),
            Err(message) => {
                // A bad request fails that call (`bad_args`); the replica keeps running.
                if let Some(token) = ctx.defer_reply() {
                    token.reply_err(ActorError::BadArgs {
                        name: "crdt-replica".into(),
                        message,
                    });
                }
                Ok(Message::Empty)
            }
        }
    }
}
