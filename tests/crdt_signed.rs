//! Signed deltas: only updates signed by a trusted key merge; unsigned, forged and unknown-key
//! updates are refused with a code and leave the state unchanged.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::crdt::*;
use katalyst::error::Classify;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 8032 §7.1 test 1: the seed's public key is the published one.
#[test]
fn signer_key_matches_rfc8032() {
    let seed: [u8; 32] = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        .try_into()
        .unwrap();
    let s = DeltaSigner::from_seed(&seed);
    assert_eq!(
        s.public_key().to_vec(),
        hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    );
}

#[test]
fn only_trusted_signed_updates_merge() {
    let alice = DeltaSigner::from_seed(&[1; 32]);
    let mallory = DeltaSigner::from_seed(&[2; 32]);
    let trust = TrustedKeys::new([alice.public_key()]).unwrap();
    let opts = DecodeOptions::default();

    let mut src = ORSet::<Value>::default();
    let delta = src.add(1, Value::from("ok")).encode();
    let mut dst = ORSet::<Value>::default();
    let before = dst.encode();
    let apply = |dst: &mut ORSet<Value>, bytes: &[u8]| -> Result<(), CrdtError> {
        let payload = trust.open(bytes, &opts)?;
        dst.merge_bytes(&payload, &opts)
    };

    // Unsigned.
    assert_eq!(apply(&mut dst, &delta).unwrap_err().code(), "unsigned");
    // Unknown key.
    assert_eq!(
        apply(&mut dst, &mallory.sign(&delta).encode())
            .unwrap_err()
            .code(),
        "unknown_signer"
    );
    // Forged: a trusted key with someone else's signature, or a tampered payload.
    let mut forged = mallory.sign(&delta);
    forged.signer = alice.public_key();
    assert_eq!(
        apply(&mut dst, &forged.encode()).unwrap_err().code(),
        "bad_signature"
    );
    let mut tampered = alice.sign(&delta);
    let last = tampered.payload.len() - 1;
    tampered.payload[last] ^= 1;
    assert_eq!(
        apply(&mut dst, &tampered.encode()).unwrap_err().code(),
        "bad_signature"
    );
    // Non-canonical S (S + L) is refused by strict verification.
    let mut high_s = alice.sign(&delta);
    let l: [u8; 32] = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
        .try_into()
        .unwrap();
    let mut carry = 0u16;
    for (sb, lb) in high_s.signature[32..].iter_mut().zip(l) {
        let v = u16::from(*sb) + u16::from(lb) + carry;
        *sb = v as u8;
        carry = v >> 8;
    }
    assert!(apply(&mut dst, &high_s.encode()).is_err());
    assert_eq!(dst.encode(), before, "refused updates changed the state");

    // Signed by Alice: merges.
    apply(&mut dst, &alice.sign(&delta).encode()).unwrap();
    assert!(dst.contains(&Value::from("ok")));
}

#[test]
fn small_order_keys_are_not_trusted() {
    // The identity point (y = 1) has order 1.
    let mut id = [0u8; 32];
    id[0] = 1;
    assert_eq!(TrustedKeys::new([id]).unwrap_err().code(), "bad_key");
}
