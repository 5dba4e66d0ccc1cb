//! The byte-size bars (deterministic): the B3.1-shaped LWW map and ORSet deltas.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::crdt::*;

const REPLICAS: u64 = 1_549; // 20·√6000, the crdt-benchmarks B3 client count

/// 1 549 replicas each set one distinct key of an LWW map; merged into one doc: ≤ 16 B/entry.
#[test]
fn b3_1_lww_map_bytes_per_entry() {
    let mut doc = LWWMap::<Value>::default();
    let mut update_bytes = 0;
    for i in 1..=REPLICAS {
        let mut replica = LWWMap::<Value>::default();
        let delta = replica.set(
            i,
            &format!("k{i}"),
            Value::from(i as f64),
            1_700_000_000_000 + i % 7,
        );
        let bytes = delta.encode();
        update_bytes += bytes.len();
        doc.merge_bytes(&bytes, &DecodeOptions::default()).unwrap();
    }
    assert_eq!(doc.len(), REPLICAS as usize);
    let size = doc.encode().len();
    let per_entry = size as f64 / REPLICAS as f64;
    assert!(
        per_entry <= 16.0,
        "{per_entry:.2} bytes per entry ({size} bytes)"
    );
    // Each single-key update stays small too.
    assert!(update_bytes as f64 / (REPLICAS as f64) < 32.0);
    // Decoding the merged doc gives the same doc back.
    assert_eq!(LWWMap::<Value>::decode(&doc.encode()).unwrap(), doc);
}

/// The original B3.1 shape: every client sets the same key; the doc keeps one entry.
#[test]
fn b3_1_same_key_bytes() {
    let mut doc = LWWMap::<Value>::default();
    for i in 1..=REPLICAS {
        let delta =
            LWWMap::<Value>::default().set(i, "v", Value::from(i as f64), 1_700_000_000_000);
        doc.merge(&delta);
    }
    // Replica ids tie-break equal timestamps: the largest id wins.
    assert_eq!(doc.get("v"), Some(&Value::from(REPLICAS as f64)));
    assert!(doc.encode().len() as f64 / (REPLICAS as f64) <= 16.0);
}

/// The delta after one change in a 100 000-element ORSet is ≤ 64 bytes, whether it is the
/// mutator's delta or the sync answer to a peer that was up to date before the change.
#[test]
fn orset_delta_after_one_change() {
    let n = if cfg!(debug_assertions) && cfg!(target_arch = "wasm32") {
        20_000
    } else {
        100_000
    };
    let mut a = Replica::<ORSet<Value>>::new(1);
    let mut b = Replica::<ORSet<Value>>::new(2);
    for i in 0..n {
        a.update(|s, id| s.add(id, Value::from(format!("item-{i}"))));
    }
    let opts = DecodeOptions::default();
    let full = a.sync_response(&b.sync_request(), &opts).unwrap();
    b.apply(&full, &opts).unwrap();
    for change in 0..3 {
        let delta = match change {
            0 => a.update(|s, id| s.add(id, Value::from("item-new"))),
            1 => a.update(|s, id| s.remove(id, &Value::from("item-77"))),
            _ => a.update(|s, id| s.add(id, Value::from("item-5"))),
        };
        let d = delta.encode();
        assert!(d.len() <= 64, "mutator delta {change}: {} bytes", d.len());
        let resp = a.sync_response(&b.sync_request(), &opts).unwrap();
        assert!(
            resp.len() <= 64,
            "sync delta {change}: {} bytes",
            resp.len()
        );
        b.apply(&resp, &opts).unwrap();
        // Values agree (removal records may be collected at different times).
        assert!(
            a.state().iter().eq(b.state().iter()),
            "replicas differ after change {change}"
        );
    }
}
