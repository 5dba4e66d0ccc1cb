//! Decodes arbitrary bytes as `MVRegister<Value>`: never panics; whatever decodes is canonical (re-encodes
//! to the same bytes), merges idempotently, and answers sync requests.
#![no_main]
use katalyst::crdt::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = <MVRegister<Value>>::decode_with(data, &DecodeOptions { max_bytes: 1 << 16 }) {
        assert_eq!(s.encode(), data, "decoded value is not canonical");
        let mut twice = s.clone();
        twice.merge(&s);
        assert_eq!(twice.encode(), data, "merge is not idempotent");
        let delta = s.delta_since(&[]);
        let mut empty = <MVRegister<Value>>::default();
        empty.merge(&delta);
        let _ = empty.encode();
    }
});
