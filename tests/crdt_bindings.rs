//! The CRDT classes as JavaScript sees them: deltas as bytes, merge from bytes and instances,
//! sync, signatures, error classes and codes, JSON-like values round-tripping without loss.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test as test;

use js_sys::{Array, Function, Object, Reflect, Uint8Array, JSON};
use katalyst::bindings::crdt::*;
use wasm_bindgen::{JsCast, JsValue};

fn n(x: f64) -> JsValue {
    JsValue::from_f64(x)
}
fn s(x: &str) -> JsValue {
    JsValue::from_str(x)
}
fn u() -> JsValue {
    JsValue::UNDEFINED
}
fn json(v: &JsValue) -> String {
    JSON::stringify(v).map(String::from).unwrap_or_default()
}
fn parse(t: &str) -> JsValue {
    JSON::parse(t).unwrap()
}
fn code(e: &JsValue) -> String {
    Reflect::get(e, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}
fn class(e: &JsValue) -> String {
    Reflect::get(e, &"name".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}
fn bytes(v: &Uint8Array) -> JsValue {
    v.clone().into()
}

#[test]
fn orset_deltas_merge_as_bytes_and_instances() {
    let mut a = JsORSet::new(&n(1.0)).unwrap();
    let mut b = JsORSet::new(&n(2.0)).unwrap();
    let d = a.add(&s("x")).unwrap();
    assert!(d.length() > 2);
    b.merge(&bytes(&d)).unwrap();
    assert!(b.has(&s("x")).unwrap());
    b.add(&parse(r#"{"k":[1,2]}"#)).unwrap();
    b.remove(&s("x")).unwrap();
    // Merge an instance (moved into a JS object).
    let bj: JsValue = b.into();
    a.merge(&bj).unwrap();
    assert_eq!(json(&a.values()), r#"[{"k":[1,2]}]"#);
    assert_eq!(a.size(), 1.0);
    assert_eq!(a.crdt_type(), "ORSet");
    // Another class's instance is a TypeError.
    let g: JsValue = JsGSet::new(&n(3.0)).unwrap().into();
    let e = a.merge(&g).unwrap_err();
    assert_eq!(class(&e), "TypeError");
}

#[test]
fn every_class_round_trips_and_syncs() {
    let mut c1 = JsGCounter::new(&n(1.0)).unwrap();
    let mut c2 = JsGCounter::new(&n(2.0)).unwrap();
    c1.increment(&n(5.0)).unwrap();
    c2.increment(&u()).unwrap();
    let resp = c1.sync_response(&bytes(&c2.sync_request())).unwrap();
    c2.merge(&bytes(&resp)).unwrap();
    assert_eq!(c2.value().as_f64(), Some(6.0));

    let mut p = JsPNCounter::new(&n(1.0)).unwrap();
    p.increment(&n(2.0)).unwrap();
    p.decrement(&n(5.0)).unwrap();
    assert_eq!(p.value().as_f64(), Some(-3.0));
    let back = JsPNCounter::decode(&bytes(&p.encode()), &u()).unwrap();
    assert_eq!(back.value().as_f64(), Some(-3.0));

    let mut v1 = JsVClock::new(&n(1.0)).unwrap();
    let mut v2 = JsVClock::new(&n(2.0)).unwrap();
    v1.increment().unwrap();
    v2.increment().unwrap();
    assert_eq!(v1.compare(&bytes(&v2.encode())).unwrap(), "concurrent");
    v2.merge(&bytes(&v1.encode())).unwrap();
    assert_eq!(v1.compare(&bytes(&v2.encode())).unwrap(), "before");
    assert_eq!(json(&v2.to_json()), r#"{"1":1,"2":1}"#);

    let mut r1 = JsLWWRegister::new(&n(1.0)).unwrap();
    let mut r2 = JsLWWRegister::new(&n(2.0)).unwrap();
    let d1 = r1.set(&s("a"), &n(1000.0)).unwrap();
    let d2 = r2.set(&s("b"), &n(1000.0)).unwrap();
    r1.merge(&bytes(&d2)).unwrap();
    r2.merge(&bytes(&d1)).unwrap();
    assert_eq!(
        r1.value().as_string().as_deref(),
        Some("b"),
        "replica id breaks the tie"
    );
    assert_eq!(json(&r1.timestamp()), r#"{"physical":1000,"logical":0}"#);

    let mut m1 = JsMVRegister::new(&n(1.0)).unwrap();
    let mut m2 = JsMVRegister::new(&n(2.0)).unwrap();
    let d1 = m1.set(&n(1.0)).unwrap();
    let d2 = m2.set(&n(2.0)).unwrap();
    m1.merge(&bytes(&d2)).unwrap();
    m2.merge(&bytes(&d1)).unwrap();
    assert_eq!(json(&m1.values()), "[1,2]");
    assert_eq!(m1.encode().to_vec(), m2.encode().to_vec());

    let mut gs = JsGSet::new(&n(1.0)).unwrap();
    gs.add(&n(3.0)).unwrap();
    assert_eq!(gs.add(&n(3.0)).unwrap().length(), 4, "an empty delta");

    let mut map = JsLWWMap::new(&n(7.0)).unwrap();
    map.set(&s("b"), &n(2.0), &u()).unwrap();
    map.set(&s("a"), &parse(r#"{"z":1,"y":[true,null]}"#), &u())
        .unwrap();
    map.delete(&s("b"), &u()).unwrap();
    assert_eq!(json(&map.to_json()), r#"{"a":{"y":[true,null],"z":1}}"#);
    assert_eq!(json(&map.keys()), r#"["a"]"#);
    let m2 = JsLWWMap::decode(
        &bytes(&map.encode()),
        &parse(r#"{"maxBytes":1000,"replica":8}"#),
    )
    .unwrap();
    assert_eq!(m2.replica_id(), 8.0);
    assert_eq!(json(&m2.value()), json(&map.value()));

    let mut ag = JsAgentState::new(&n(1.0)).unwrap();
    let mut ag2 = JsAgentState::new(&n(2.0)).unwrap();
    ag.set_skill(&s("search"), &n(0.75), &n(5.0)).unwrap();
    ag2.append_episode(&parse(r#"{"task":"t1","ok":true}"#))
        .unwrap();
    let r = ag.sync_response(&bytes(&ag2.sync_request())).unwrap();
    ag2.merge(&bytes(&r)).unwrap();
    let r = ag2.sync_response(&bytes(&ag.sync_request())).unwrap();
    ag.merge(&bytes(&r)).unwrap();
    assert_eq!(ag.fingerprint().to_vec(), ag2.fingerprint().to_vec());
    assert_eq!(ag.fingerprint().length(), 48);
    assert_eq!(
        json(&ag.to_json()),
        r#"{"skills":{"search":{"score":0.75,"timestamp":{"physical":5,"logical":0},"replica":1}},"episodes":[{"replica":2,"seq":1,"value":{"ok":true,"task":"t1"}}]}"#
    );
}

#[test]
fn json_values_round_trip_without_loss() {
    let mut m = JsLWWMap::new(&n(1.0)).unwrap();
    let v = parse(
        r#"{"s":"é😀\n","n":[0.1,-5,1e300,9007199254740993],"o":{"":null,"__proto__":{"x":1}},"b":false}"#,
    );
    // -0 survives (JSON text cannot show it, so set it directly).
    let arr = Array::new();
    arr.push(&n(-0.0));
    Reflect::set(&v, &"z".into(), &arr).unwrap();
    m.set(&s("k"), &v, &u()).unwrap();
    let back = JsLWWMap::decode(&bytes(&m.encode()), &u())
        .unwrap()
        .get(&s("k"))
        .unwrap();
    let z = Reflect::get(&back, &"z".into()).unwrap();
    let z0 = Reflect::get(&z, &n(0.0)).unwrap();
    assert!(Object::is(&z0, &n(-0.0)), "-0 must stay -0");
    let o = Reflect::get(&back, &"o".into()).unwrap();
    let own = Object::get_own_property_names(o.unchecked_ref::<Object>());
    assert!(
        own.includes(&s("__proto__"), 0),
        "__proto__ stays an own key"
    );
    assert_eq!(
        json(&back),
        r#"{"b":false,"n":[0.1,-5,1e+300,9007199254740992],"o":{"":null,"__proto__":{"x":1}},"s":"é😀\n","z":[0]}"#
    );
}

#[test]
fn bad_values_name_their_path() {
    let mut m = JsLWWMap::new(&n(1.0)).unwrap();
    let f = Function::new_no_args("return 1");
    let obj = parse(r#"{"a":[1,2,{"b":0}]}"#);
    let inner = Reflect::get(&Reflect::get(&obj, &"a".into()).unwrap(), &n(2.0)).unwrap();
    Reflect::set(&inner, &"b".into(), &f).unwrap();
    let e = m.set(&s("k"), &obj, &u()).unwrap_err();
    assert_eq!(class(&e), "TypeError");
    let msg = Reflect::get(&e, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(msg.contains("value.a[2].b"), "{msg}");
    // A cycle.
    let cyc = Object::new();
    Reflect::set(&cyc, &"self".into(), &cyc).unwrap();
    let e = m.set(&s("k"), &cyc, &u()).unwrap_err();
    assert!(Reflect::get(&e, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
        .contains("cycle"));
    // undefined in an array, NaN, a Date, a symbol.
    let a = Array::new();
    a.push(&u());
    assert_eq!(class(&m.set(&s("k"), &a, &u()).unwrap_err()), "TypeError");
    assert_eq!(
        class(&m.set(&s("k"), &n(f64::NAN), &u()).unwrap_err()),
        "RangeError"
    );
    assert_eq!(
        class(
            &m.set(&s("k"), &js_sys::Date::new_0().into(), &u())
                .unwrap_err()
        ),
        "TypeError"
    );
    assert_eq!(
        class(
            &m.set(&s("k"), &js_sys::Symbol::for_("x").into(), &u())
                .unwrap_err()
        ),
        "TypeError"
    );
    assert_eq!(m.size(), 0.0, "failed calls change nothing");
}

#[test]
fn errors_have_classes_and_codes() {
    assert_eq!(class(&JsORSet::new(&s("x")).err().unwrap()), "TypeError");
    assert_eq!(class(&JsORSet::new(&n(-1.0)).err().unwrap()), "RangeError");
    assert_eq!(class(&JsORSet::new(&n(1.5)).err().unwrap()), "RangeError");
    let mut a = JsORSet::new(&n(1.0)).unwrap();
    a.add(&n(1.0)).unwrap();
    let enc = a.encode().to_vec();
    let before = a.encode().to_vec();
    let cut = Uint8Array::from(&enc[..enc.len() - 1]);
    let e = a.merge(&cut.into()).unwrap_err();
    assert_eq!(
        (class(&e), code(&e)),
        ("KatalystError".to_owned(), "truncated".to_owned())
    );
    let mut long = enc.clone();
    long.push(0);
    assert_eq!(
        code(&a.merge(&Uint8Array::from(&long[..]).into()).unwrap_err()),
        "trailing_bytes"
    );
    let gc = JsGCounter::new(&n(1.0)).unwrap().encode();
    assert_eq!(code(&a.merge(&gc.into()).unwrap_err()), "bad_tag");
    assert_eq!(a.encode().to_vec(), before, "no partial merge");
    let e = JsORSet::decode(
        &Uint8Array::from(&enc[..]).into(),
        &parse(r#"{"maxBytes":4}"#),
    )
    .err()
    .unwrap();
    assert_eq!(
        (class(&e), code(&e)),
        ("RangeError".to_owned(), "too_large".to_owned())
    );
    assert_eq!(
        class(&JsORSet::decode(&s("x"), &u()).err().unwrap()),
        "TypeError"
    );
    let mut ag = JsAgentState::new(&n(1.0)).unwrap();
    let e = ag.set_skill(&s("x"), &n(1.5), &u()).unwrap_err();
    assert_eq!(
        (class(&e), code(&e)),
        ("RangeError".to_owned(), "bad_score".to_owned())
    );
    // Decoded without a replica id: read-only.
    let mut ro = JsORSet::decode(&Uint8Array::from(&enc[..]).into(), &u()).unwrap();
    assert_eq!(code(&ro.add(&n(2.0)).unwrap_err()), "no_replica");
}

#[test]
fn signed_updates_only_from_trusted_keys() {
    let mut alice = JsLWWMap::new(&n(1.0)).unwrap();
    let pk = alice
        .sign_with(&Uint8Array::from(&[7u8; 32][..]).into())
        .unwrap();
    let mut mallory = JsLWWMap::new(&n(2.0)).unwrap();
    mallory
        .sign_with(&Uint8Array::from(&[8u8; 32][..]).into())
        .unwrap();
    let mut bob = JsLWWMap::new(&n(3.0)).unwrap();
    let keys = Array::new();
    keys.push(&pk);
    bob.trust_keys(&keys.into()).unwrap();

    let good = alice.set(&s("k"), &n(1.0), &n(10.0)).unwrap();
    let evil = mallory.set(&s("k"), &n(666.0), &n(99.0)).unwrap();
    let plain = JsLWWMap::new(&n(4.0))
        .unwrap()
        .set(&s("k"), &n(2.0), &n(50.0))
        .unwrap();
    assert_eq!(
        code(&bob.merge(&evil.into()).unwrap_err()),
        "unknown_signer"
    );
    assert_eq!(code(&bob.merge(&plain.into()).unwrap_err()), "unsigned");
    let mut forged = good.to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert_eq!(
        code(
            &bob.merge(&Uint8Array::from(&forged[..]).into())
                .unwrap_err()
        ),
        "bad_signature"
    );
    assert_eq!(bob.size(), 0.0);
    bob.merge(&good.into()).unwrap();
    assert_eq!(bob.get(&s("k")).unwrap().as_f64(), Some(1.0));
    // Signed sync responses pass too.
    alice.set(&s("j"), &n(2.0), &n(11.0)).unwrap();
    let resp = alice.sync_response(&bob.sync_request().into()).unwrap();
    bob.merge(&resp.into()).unwrap();
    assert_eq!(bob.size(), 2.0);
    // Bad keys.
    let bad = Array::new();
    bad.push(&Uint8Array::new_with_length(3));
    assert_eq!(
        class(&bob.trust_keys(&bad.into()).unwrap_err()),
        "RangeError"
    );
}
