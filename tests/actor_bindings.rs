//! The actor bindings in a real browser, on one thread: the test itself plays the executor
//! (attaches worker 0 and runs slices), so the whole binding path runs — spawn, cast, call,
//! the completion queue, error codes and exit reasons — without web workers.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test as test;

use js_sys::{Array, Object, Reflect, Uint8Array};
use katalyst::bindings::actor as k;
use wasm_bindgen::{JsCast, JsValue};

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap()
}

/// Starts the system (once per test binary) with this thread as worker 0.
fn start() {
    let cfg = Object::new();
    Reflect::set(&cfg, &"workers".into(), &1.into()).unwrap();
    Reflect::set(&cfg, &"mailbox".into(), &4.into()).unwrap();
    k::actors_start(&cfg).unwrap();
    let _ = k::actors_worker_attach(0); // the first test attaches; later ones find it taken
}

fn spawn(name: &str, args: Option<f64>) -> (u32, u32) {
    let (kind, payload) = match args {
        Some(a) => (1, JsValue::from_f64(a)),
        None => (0, JsValue::UNDEFINED),
    };
    let r = Array::from(
        &k::actors_spawn(
            name,
            kind,
            &payload,
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        )
        .unwrap(),
    );
    (
        r.get(1).as_f64().unwrap() as u32,
        r.get(2).as_f64().unwrap() as u32,
    )
}

/// Runs slices until call `id` completes (at most 2 s); returns `[kind, payload]` or the error
/// (kind -1).
fn complete(id: u32) -> (f64, JsValue) {
    let until = js_sys::Date::now() + 2000.0;
    while js_sys::Date::now() < until {
        k::actors_run_slice(64, 5.0);
        let c = k::actors_take_completion();
        if c.is_undefined() {
            continue;
        }
        let c = Array::from(&c);
        assert_eq!(c.get(0).as_f64(), Some(f64::from(id)));
        return (c.get(1).as_f64().unwrap(), c.get(2));
    }
    panic!("call {id} did not complete");
}

#[test]
fn counter_casts_and_calls_round_trip_through_the_completion_queue() {
    start();
    let (slot, generation) = spawn("counter", Some(10.0));
    for _ in 0..3 {
        k::actors_cast(slot, generation, 1, &JsValue::from_f64(2.0)).unwrap();
        k::actors_run_slice(64, 5.0);
    }
    let id = k::actors_call(slot, generation, 0, &JsValue::UNDEFINED, 5000.0).unwrap();
    let (kind, v) = complete(id);
    assert_eq!(kind, 1.0);
    assert_eq!(v.as_f64(), Some(16.0));
}

#[test]
fn echo_returns_bytes_and_encoded_payloads_untouched() {
    start();
    let (slot, generation) = spawn("echo", None);
    for kind in [2u32, 3] {
        let id = k::actors_call(
            slot,
            generation,
            kind,
            &Uint8Array::from(&[1u8, 2, 3][..]).into(),
            5000.0,
        )
        .unwrap();
        let (got, v) = complete(id);
        assert_eq!(got, f64::from(kind));
        assert_eq!(v.dyn_ref::<Uint8Array>().unwrap().to_vec(), vec![1, 2, 3]);
    }
}

#[test]
fn a_failing_actor_gives_actor_exited_with_its_reason_then_noproc() {
    start();
    let (slot, generation) = spawn("counter", None);
    let id = k::actors_call(
        slot,
        generation,
        2,
        &Uint8Array::from(&[9u8][..]).into(),
        5000.0,
    )
    .unwrap();
    let (kind, err) = complete(id);
    assert_eq!(kind, -1.0);
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("KatalystError")
    );
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("actor_exited")
    );
    let reason = get(&err, "reason");
    assert_eq!(get(&reason, "kind").as_string().as_deref(), Some("error"));
    assert!(get(&reason, "message")
        .as_string()
        .unwrap()
        .contains("expected an integer"));
    let e = k::actors_call(slot, generation, 0, &JsValue::UNDEFINED, 5000.0).unwrap_err();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("noproc"));
    let e = k::actors_cast(slot, generation, 0, &JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("noproc"));
}

#[test]
fn full_mailboxes_unknown_behaviours_and_bad_messages_are_refused() {
    start();
    let (slot, generation) = spawn("echo", None);
    // Capacity 4 (the system default here) and no slice in between: the fifth cast is refused.
    let mut codes = Vec::new();
    for _ in 0..5 {
        if let Err(e) = k::actors_cast(slot, generation, 1, &JsValue::from_f64(1.0)) {
            codes.push(get(&e, "code").as_string().unwrap());
        }
    }
    assert_eq!(codes, vec!["mailbox_full".to_string()]);
    k::actors_run_slice(64, 5.0);
    let e = k::actors_spawn(
        "nope",
        0,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
    )
    .unwrap_err();
    assert_eq!(
        get(&e, "code").as_string().as_deref(),
        Some("unknown_behaviour")
    );
    let e = k::actors_spawn(
        "echo",
        0,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::from_f64(99.0),
    )
    .unwrap_err();
    assert!(e.is_instance_of::<js_sys::RangeError>());
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("bad_worker"));
    let e = k::actors_cast(slot, generation, 7, &JsValue::UNDEFINED).unwrap_err();
    assert!(e.is_instance_of::<js_sys::TypeError>());
    let e = k::actors_cast(slot, generation, 2, &JsValue::from_f64(1.0)).unwrap_err();
    assert!(e.is_instance_of::<js_sys::TypeError>());
}

#[test]
fn a_call_to_a_sink_times_out_and_a_cancelled_call_never_completes() {
    start();
    let (slot, generation) = spawn("sink", None);
    let id = k::actors_call(slot, generation, 0, &JsValue::UNDEFINED, 20.0).unwrap();
    let (kind, err) = complete(id);
    assert_eq!(kind, -1.0);
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("timeout"));
    let id = k::actors_call(slot, generation, 0, &JsValue::UNDEFINED, 20.0).unwrap();
    assert!(k::actors_cancel(id));
    for _ in 0..10 {
        k::actors_run_slice(64, 5.0);
        assert!(k::actors_take_completion().is_undefined());
    }
}
