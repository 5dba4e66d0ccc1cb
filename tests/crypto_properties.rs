#![cfg(not(target_arch = "wasm32"))]
//! Property tests of the crypto core (native only).

use katalyst::crypto::*;
use proptest::prelude::*;

proptest! {
    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = base64url_encode(&bytes);
        prop_assert!(text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        prop_assert_eq!(text.len(), (bytes.len() * 4).div_ceil(3));
        prop_assert_eq!(base64url_decode(&text).unwrap(), bytes);
    }

    #[test]
    fn base64url_decode_accepts_only_canonical_text(text in "[A-Za-z0-9_=+/-]{0,12}") {
        // Whatever decodes must encode back to exactly the same text.
        if let Some(bytes) = base64url_decode(&text) {
            prop_assert_eq!(base64url_encode(&bytes), text);
        }
    }

    #[test]
    fn batch_equals_one_shot(msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..150), 0..20)) {
        let mut data = Vec::new();
        let mut offsets = vec![0u32];
        for m in &msgs {
            data.extend_from_slice(m);
            offsets.push(data.len() as u32);
        }
        let out = sha256_batch(&data, &offsets).unwrap();
        prop_assert_eq!(out.len(), msgs.len() * 32);
        for (m, d) in msgs.iter().zip(out.chunks(32)) {
            prop_assert_eq!(d, &sha256(m)[..]);
        }
    }

    #[test]
    fn streaming_equals_one_shot(data in proptest::collection::vec(any::<u8>(), 0..600), cut in 0usize..600) {
        let cut = cut.min(data.len());
        for alg in [Algorithm::Sha256, Algorithm::Sha384, Algorithm::Sha512] {
            let mut h = Hasher::new(alg);
            h.update(&data[..cut]).unwrap();
            h.update(&data[cut..]).unwrap();
            prop_assert_eq!(h.digest().unwrap(), digest(alg, &data));
        }
    }

    #[test]
    fn csrf_only_accepts_its_own_session(sid in "[a-z0-9]{0,20}", other in "[a-z0-9]{0,20}", ttl in 1u64..100_000, now in 0u64..4_000_000_000) {
        let secret = [3u8; 32];
        let t = issue_csrf_token(&secret, &sid, ttl, now).unwrap();
        prop_assert!(check_csrf_token(&secret, &sid, &t, now).unwrap());
        prop_assert!(!check_csrf_token(&secret, &sid, &t, now + ttl).unwrap());
        prop_assert_eq!(check_csrf_token(&secret, &other, &t, now).unwrap(), other == sid);
    }

    #[test]
    fn fingerprints_are_injective_on_splits(a in "[a-z]{0,8}", b in "[a-z]{0,8}", c in "[a-z]{0,8}", d in "[a-z]{0,8}", t in any::<i64>()) {
        prop_assert_eq!(agent_fingerprint(&a, &b, t) == agent_fingerprint(&c, &d, t), a == c && b == d);
    }
}

proptest! {
    // Curve operations are slow in debug builds: fewer cases for the Ed25519 properties.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn signatures_verify_and_bit_flips_do_not(seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..100), bit in 0usize..512) {
        let key = SigningKey::from_seed(&seed).unwrap();
        let mut sig = key.sign(&msg);
        prop_assert!(verify(&key.public_key(), &msg, &sig));
        sig[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(!verify(&key.public_key(), &msg, &sig));
    }

    #[test]
    fn key_formats_round_trip(seed in any::<[u8; 32]>()) {
        let key = SigningKey::from_seed(&seed).unwrap();
        let pk = key.public_key();
        prop_assert_eq!(*SigningKey::from_pkcs8(&key.to_pkcs8()).unwrap().seed(), seed);
        prop_assert_eq!(*SigningKey::from_jwk(&key.to_jwk().fields()).unwrap().seed(), seed);
        prop_assert_eq!(public_key_from_spki(&public_key_to_spki(&pk)).unwrap(), pk);
        prop_assert_eq!(public_key_from_jwk(&public_key_to_jwk(&pk).fields()).unwrap(), pk);
    }
}
