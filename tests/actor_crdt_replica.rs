//! The `'crdt-replica'` built-in: replica actors exchanging deltas converge to what the CRDT
//! module computes directly (the reference here is `crate::crdt` used without actors). One
//! hand-driven worker, so it runs in browsers too.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use katalyst::actor::*;
use katalyst::crdt::{Crdt, LWWMap, MVRegister, ORSet, PNCounter, Value};
use katalyst::error::Classify;

const T: Duration = Duration::from_secs(5);

fn obj(fields: &[(&str, JsData)]) -> Message {
    JsData::Obj(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
    .into_message()
}

fn s(v: &str) -> JsData {
    JsData::Str(v.into())
}

fn n(v: f64) -> JsData {
    JsData::Num(v)
}

/// A one-worker system driven by hand (as a browser worker drives it), with a fixed clock.
struct Rig {
    sys: System,
    w: RefCell<WorkerHandle>,
}

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> Duration {
        Duration::from_millis(1_700_000_000_000)
    }
}

impl Rig {
    fn spawn_named(
        &self,
        name: &str,
        args: Message,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        self.sys.spawn_named(name, args, opts)
    }
}

fn rig() -> Rig {
    let sys = System::new(
        Config {
            workers: 1,
            watchdog_limit: None,
            ..Config::default()
        },
        Arc::new(FixedClock),
    )
    .unwrap();
    register_builtins(&sys);
    let w = RefCell::new(sys.worker(0).unwrap());
    Rig { sys, w }
}

fn spawn(sys: &Rig, ty: &str, replica: f64) -> ActorRef {
    sys.spawn_named(
        "crdt-replica",
        obj(&[("type", s(ty)), ("replica", n(replica))]),
        SpawnOptions::default(),
    )
    .unwrap()
}

fn call(rig: &Rig, a: ActorRef, m: Message) -> Result<Message, ActorError> {
    let h = rig.sys.call(a, m, T).unwrap();
    while rig.w.borrow_mut().run_slice(64) == Slice::Busy {}
    h.try_take().expect("answered once the worker is idle")
}

fn data(m: Message) -> JsData {
    JsData::from_message(m).unwrap()
}

fn delta(sys: &Rig, a: ActorRef, m: Message) -> Vec<u8> {
    match data(call(sys, a, m).unwrap()) {
        JsData::Bytes(b) => b,
        other => panic!("expected delta bytes, got {other:?}"),
    }
}

#[test]
fn two_orset_replicas_converge_on_the_direct_merge_result() {
    let rig = rig();
    let sys = &rig;
    let (a, b) = (spawn(sys, "ORSet", 1.0), spawn(sys, "ORSet", 2.0));
    // Reference: the same operations on plain ORSets.
    let (mut ra, mut rb) = (ORSet::<Value>::default(), ORSet::<Value>::default());
    let mut deltas_a = Vec::new();
    let mut deltas_b = Vec::new();
    for x in ["x", "y", "z"] {
        deltas_a.push(delta(sys, a, obj(&[("op", s("add")), ("value", s(x))])));
        ra.add(1, Value::from(x));
    }
    deltas_b.push(delta(sys, b, obj(&[("op", s("add")), ("value", s("y"))])));
    rb.add(2, Value::from("y"));
    deltas_b.push(delta(
        sys,
        b,
        obj(&[("op", s("remove")), ("value", s("y"))]),
    ));
    rb.remove(2, &Value::from("y"));
    deltas_b.push(delta(
        sys,
        b,
        obj(&[
            ("op", s("add")),
            ("value", JsData::Arr(vec![n(1.0), JsData::Null])),
        ]),
    ));
    rb.add(2, Value::Array(vec![Value::from(1.0), Value::Null]));
    deltas_a.push(delta(
        sys,
        a,
        obj(&[("op", s("remove")), ("value", s("x"))]),
    ));
    ra.remove(1, &Value::from("x"));
    // Exchange deltas (b's as a merge op, a's as bare bytes).
    for d in &deltas_b {
        call(
            sys,
            a,
            obj(&[("op", s("merge")), ("bytes", JsData::Bytes(d.clone()))]),
        )
        .unwrap();
    }
    for d in &deltas_a {
        call(sys, b, Message::Bytes(d.clone())).unwrap();
    }
    let mut reference = ra.clone();
    reference.merge(&rb);
    let mut other_way = rb.clone();
    other_way.merge(&ra);
    assert_eq!(reference.encode(), other_way.encode());
    let want = JsData::Arr(
        reference
            .iter()
            .map(|v| match v {
                Value::String(x) => s(x),
                Value::Array(_) => JsData::Arr(vec![n(1.0), JsData::Null]),
                other => panic!("{other:?}"),
            })
            .collect(),
    );
    let va = data(call(sys, a, obj(&[("op", s("value"))])).unwrap());
    let vb = data(call(sys, b, obj(&[("op", s("value"))])).unwrap());
    assert_eq!(va, want);
    assert_eq!(vb, want);
    // Encoded states are canonical: equal to the reference's bytes.
    let ea = data(call(sys, a, obj(&[("op", s("encode"))])).unwrap());
    assert_eq!(ea, JsData::Bytes(reference.encode()));
    // A replica spawned from that state holds the same value.
    let c = sys
        .spawn_named(
            "crdt-replica",
            obj(&[("type", s("ORSet")), ("replica", n(3.0)), ("state", ea)]),
            SpawnOptions::default(),
        )
        .unwrap();
    assert_eq!(
        data(call(sys, c, obj(&[("op", s("value"))])).unwrap()),
        want
    );
    assert_eq!(
        data(call(sys, c, obj(&[("op", s("has")), ("value", s("z"))])).unwrap()),
        JsData::Bool(true)
    );
}

#[test]
fn counters_registers_and_maps_match_the_crdt_module() {
    let rig = rig();
    let sys = &rig;
    // PNCounter
    let (a, b) = (spawn(sys, "PNCounter", 1.0), spawn(sys, "PNCounter", 2.0));
    let da = delta(sys, a, obj(&[("op", s("increment")), ("n", n(10.0))]));
    let db = delta(sys, b, obj(&[("op", s("decrement")), ("n", n(3.0))]));
    let db2 = delta(sys, b, obj(&[("op", s("increment"))]));
    let mut pa = PNCounter::default();
    let mut pb = PNCounter::default();
    pa.increment(1, 10);
    pb.decrement(2, 3);
    pb.increment(2, 1);
    pa.merge(&pb);
    for d in [&db, &db2] {
        call(sys, a, Message::Bytes(d.clone())).unwrap();
    }
    call(sys, b, Message::Bytes(da)).unwrap();
    for r in [a, b] {
        let v = call(sys, r, obj(&[("op", s("value"))])).unwrap();
        assert_eq!(v.as_int(), Some(pa.value() as i64));
    }
    assert_eq!(pa.value(), 8);
    // LWWMap with explicit times: the later write wins on both.
    let (a, b) = (spawn(sys, "LWWMap", 1.0), spawn(sys, "LWWMap", 2.0));
    let da = delta(
        sys,
        a,
        obj(&[
            ("op", s("set")),
            ("key", s("k")),
            ("value", n(1.0)),
            ("now", n(1000.0)),
        ]),
    );
    let db = delta(
        sys,
        b,
        obj(&[
            ("op", s("set")),
            ("key", s("k")),
            ("value", n(2.0)),
            ("now", n(2000.0)),
        ]),
    );
    let db2 = delta(
        sys,
        b,
        obj(&[
            ("op", s("set")),
            ("key", s("j")),
            ("value", s("v")),
            ("now", n(2001.0)),
        ]),
    );
    let mut ma = LWWMap::<Value>::default();
    let mut mb = LWWMap::<Value>::default();
    ma.set(1, "k", Value::from(1.0), 1000);
    mb.set(2, "k", Value::from(2.0), 2000);
    mb.set(2, "j", Value::from("v"), 2001);
    ma.merge(&mb);
    call(sys, a, Message::Bytes(db)).unwrap();
    call(sys, a, Message::Bytes(db2)).unwrap();
    call(sys, b, Message::Bytes(da)).unwrap();
    let want = JsData::Obj(
        ma.iter()
            .map(|(k, v)| {
                (
                    k.to_owned(),
                    match v {
                        Value::Number(x) => n(*x),
                        Value::String(x) => s(x),
                        other => panic!("{other:?}"),
                    },
                )
            })
            .collect(),
    );
    for r in [a, b] {
        assert_eq!(
            data(call(sys, r, obj(&[("op", s("value"))])).unwrap()),
            want
        );
    }
    assert_eq!(
        data(call(sys, a, obj(&[("op", s("get")), ("key", s("k"))])).unwrap()),
        n(2.0)
    );
    // MVRegister: concurrent writes keep both values.
    let (a, b) = (spawn(sys, "MVRegister", 1.0), spawn(sys, "MVRegister", 2.0));
    let da = delta(sys, a, obj(&[("op", s("set")), ("value", s("A"))]));
    let db = delta(sys, b, obj(&[("op", s("set")), ("value", s("B"))]));
    call(sys, a, Message::Bytes(db)).unwrap();
    call(sys, b, Message::Bytes(da)).unwrap();
    let mut ra = MVRegister::<Value>::default();
    let mut rb = MVRegister::<Value>::default();
    ra.set(1, Value::from("A"));
    rb.set(2, Value::from("B"));
    ra.merge(&rb);
    let want = JsData::Arr(
        ra.values()
            .into_iter()
            .map(|v| match v {
                Value::String(x) => s(x),
                other => panic!("{other:?}"),
            })
            .collect(),
    );
    assert_eq!(ra.values().len(), 2);
    for r in [a, b] {
        assert_eq!(
            data(call(sys, r, obj(&[("op", s("value"))])).unwrap()),
            want
        );
    }
}

#[test]
fn bad_requests_fail_the_call_and_the_replica_keeps_running() {
    let rig = rig();
    let sys = &rig;
    let bad_type = sys.spawn_named(
        "crdt-replica",
        obj(&[("type", s("Nope")), ("replica", n(1.0))]),
        SpawnOptions::default(),
    );
    assert_eq!(bad_type.unwrap_err().code(), "bad_args");
    let bad_id = sys.spawn_named(
        "crdt-replica",
        obj(&[("type", s("GSet")), ("replica", n(-1.0))]),
        SpawnOptions::default(),
    );
    assert_eq!(bad_id.unwrap_err().code(), "bad_args");
    let g = spawn(sys, "GSet", 1.0);
    for m in [
        obj(&[("op", s("remove")), ("value", s("x"))]), // a GSet cannot remove
        obj(&[("op", s("add"))]),                       // no value
        obj(&[("op", s("add")), ("value", JsData::Undefined)]),
        Message::Bytes(vec![1, 2, 3]), // not a CRDT encoding
        Message::Int(4),
    ] {
        let e = call(sys, g, m).unwrap_err();
        assert_eq!(e.code(), "bad_args", "{e}");
    }
    delta(sys, g, obj(&[("op", s("add")), ("value", s("ok"))]));
    assert_eq!(
        data(call(sys, g, obj(&[("op", s("value"))])).unwrap()),
        JsData::Arr(vec![s("ok")])
    );
    assert_eq!(
        data(call(sys, g, obj(&[("op", s("type"))])).unwrap()),
        s("GSet")
    );
}

#[test]
fn the_payload_reader_refuses_every_truncation_and_survives_corruption() {
    let v = JsData::Obj(vec![
        ("op".into(), s("set")),
        (
            "value".into(),
            JsData::Arr(vec![
                n(1.5),
                JsData::Null,
                JsData::Bool(true),
                JsData::Bytes(vec![1, 2]),
            ]),
        ),
        ("key".into(), s("ключ")),
    ]);
    let bytes = v.encode();
    assert_eq!(JsData::decode(&bytes), Ok(v));
    for cut in 0..bytes.len() {
        assert!(
            JsData::decode(&bytes[..cut]).is_err(),
            "prefix of {cut} bytes accepted"
        );
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(JsData::decode(&extra).is_err(), "trailing bytes accepted");
    // Every single-byte corruption either decodes to something or fails cleanly.
    for i in 0..bytes.len() {
        for x in [0x00u8, 0x01, 0x7f, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= x;
            let _ = JsData::decode(&b);
        }
    }
    // Counts larger than the input are refused before allocating.
    assert!(JsData::decode(&[6, 0xff, 0xff, 0xff, 0xff]).is_err());
}
