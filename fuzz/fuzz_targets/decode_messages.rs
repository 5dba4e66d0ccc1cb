//! Sync requests and signed envelopes from arbitrary bytes: never panic; a decoded request
//! re-encodes canonically; an envelope never verifies under an unrelated trusted key.
#![no_main]
use katalyst::crdt::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = DecodeOptions { max_bytes: 1 << 16 };
    if let Ok(r) = SyncRequest::decode(data, &opts) {
        assert_eq!(r.encode(), data);
        let mut rep = Replica::<ORSet<Value>>::new(1);
        let _ = rep.sync_response(data, &opts);
    }
    if let Ok(e) = Envelope::decode(data, &opts) {
        assert_eq!(e.encode(), data);
    }
    let trusted = TrustedKeys::new([DeltaSigner::from_seed(&[1; 32]).public_key()]);
    if let Ok(t) = trusted {
        assert!(t.open(data, &opts).is_err(), "random bytes verified");
    }
});
