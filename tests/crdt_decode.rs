//! Decoder robustness: every truncation, every single-byte flip, trailing garbage, oversized
//! input, wrong version or tag → an error with the right code, never a panic; and when a
//! flipped input does decode, it is itself canonical (re-encodes to the same bytes).
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[path = "crdt_support/models.rs"]
mod models;
use katalyst::crdt::*;
use katalyst::error::Classify;
use models::{Model, Rng};

/// A state with some of everything: several replicas, removals, concurrent writes.
fn sample<T: Model>() -> T {
    let mut rng = Rng(99);
    let mut reps = [T::default(), T::default(), T::default()];
    for step in 0..40u64 {
        let i = rng.below(3) as usize;
        let d = reps[i].mutate(
            1 + i as u64 * 300,
            rng.next() as u8,
            rng.below(5) as u8,
            1_700_000_000_000 + step,
        );
        if rng.chance(50) {
            let j = rng.below(3) as usize;
            reps[j].merge(&d);
        }
    }
    let mut all = reps[0].clone();
    all.merge(&reps[1]);
    all.merge(&reps[2]);
    all
}

fn code(e: CrdtError) -> &'static str {
    e.code()
}

fn robust<T: Model>() {
    let s = sample::<T>();
    let bytes = s.encode();
    assert!(bytes.len() > 10, "{}: sample too small", T::NAME);
    assert_eq!(
        T::decode(&bytes).map(|x| x.encode()).ok(),
        Some(bytes.clone())
    );
    // Every proper prefix fails.
    for n in 0..bytes.len() {
        let r = T::decode(&bytes[..n]);
        assert!(r.is_err(), "{}: prefix of {n} bytes decoded", T::NAME);
    }
    assert_eq!(T::decode(&bytes[..1]).err().map(code), Some("truncated"));
    // Every single-byte flip: an error, or a canonical value.
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            if let Ok(x) = T::decode(&b) {
                assert_eq!(
                    x.encode(),
                    b,
                    "{}: flip at {i} gave a non-canonical value",
                    T::NAME
                );
            }
        }
    }
    // Trailing garbage.
    let mut b = bytes.clone();
    b.push(0);
    assert_eq!(T::decode(&b).err().map(code), Some("trailing_bytes"));
    // Oversized.
    let opts = DecodeOptions {
        max_bytes: bytes.len() - 1,
    };
    assert_eq!(
        T::decode_with(&bytes, &opts).err().map(code),
        Some("too_large")
    );
    assert!(T::decode_with(
        &bytes,
        &DecodeOptions {
            max_bytes: bytes.len()
        }
    )
    .is_ok());
    // Version and tag.
    let mut b = bytes.clone();
    b[0] = FORMAT_VERSION + 1;
    assert_eq!(T::decode(&b).err().map(code), Some("bad_version"));
    let mut b = bytes.clone();
    b[1] = if T::TAG == tag::GCOUNTER {
        tag::ORSET
    } else {
        tag::GCOUNTER
    };
    assert_eq!(T::decode(&b).err().map(code), Some("bad_tag"));
    // A failed merge from bytes leaves the state unchanged.
    let mut target = s.clone();
    assert!(target
        .merge_bytes(&bytes[..bytes.len() - 1], &DecodeOptions::default())
        .is_err());
    assert_eq!(target.encode(), bytes);
}

#[test]
fn robust_vclock() {
    robust::<VClock>();
}
#[test]
fn robust_gcounter() {
    robust::<GCounter>();
}
#[test]
fn robust_pncounter() {
    robust::<PNCounter>();
}
#[test]
fn robust_gset() {
    robust::<GSet<Value>>();
}
#[test]
fn robust_orset() {
    robust::<ORSet<Value>>();
}
#[test]
fn robust_lww_register() {
    robust::<LWWRegister<Value>>();
}
#[test]
fn robust_mv_register() {
    robust::<MVRegister<Value>>();
}
#[test]
fn robust_lww_map() {
    robust::<LWWMap<Value>>();
}
#[test]
fn robust_agent_state() {
    robust::<AgentState>();
}

#[test]
fn robust_sync_request_and_envelope() {
    let req = SyncRequest {
        type_tag: tag::ORSET,
        replica: 300,
        versions: vec![VClock::from_entries([(1, 5), (300, 2)])],
    };
    let b = req.encode();
    let opts = DecodeOptions::default();
    for n in 0..b.len() {
        assert!(SyncRequest::decode(&b[..n], &opts).is_err());
    }
    let env = DeltaSigner::from_seed(&[9; 32]).sign(&b).encode();
    for n in 0..env.len() {
        assert!(Envelope::decode(&env[..n], &opts).is_err());
    }
    let mut long = env.clone();
    long.push(1);
    assert_eq!(
        Envelope::decode(&long, &opts).err().map(code),
        Some("trailing_bytes")
    );
}

#[test]
fn malformed_inputs_have_codes() {
    let d = |b: &[u8]| GCounter::decode(b).err().map(code);
    // Non-minimal varint for the entry count.
    assert_eq!(d(&[1, tag::GCOUNTER, 0x80, 0x00]), Some("malformed"));
    // Replica ids not ascending (second delta 0).
    assert_eq!(d(&[1, tag::GCOUNTER, 2, 5, 1, 0, 1]), Some("malformed"));
    // A zero count.
    assert_eq!(d(&[1, tag::GCOUNTER, 1, 5, 0]), Some("malformed"));
    // A count larger than the input could hold.
    assert_eq!(d(&[1, tag::GCOUNTER, 0x7f]), Some("truncated"));
    // 11-byte varint.
    let mut b = vec![1, tag::GCOUNTER, 1];
    b.extend([0xff; 10]);
    b.push(1);
    assert_eq!(d(&b), Some("malformed"));
    // Values: NaN as a float, integral float, bad UTF-8, unsorted object keys, deep nesting.
    let v = |b: &[u8]| {
        let mut r = Reader::new(b);
        Value::decode(&mut r).err().map(code)
    };
    let mut nan = vec![4];
    nan.extend(f64::NAN.to_le_bytes());
    assert_eq!(v(&nan), Some("malformed"));
    let mut two = vec![4];
    two.extend(2.0f64.to_le_bytes());
    assert_eq!(v(&two), Some("malformed"));
    assert_eq!(v(&[5, 1, 0xff]), Some("malformed"));
    assert_eq!(v(&[7, 2, 1, b'b', 0, 1, b'a', 0]), Some("malformed"));
    let deep: Vec<u8> = std::iter::repeat_n([6u8, 1], 200)
        .flatten()
        .chain([0])
        .collect();
    assert_eq!(v(&deep), Some("too_deep"));
}
