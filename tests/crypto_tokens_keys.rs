//! Key formats (RFC 8410 DER examples, RFC 8037 JWK example), CSRF tokens, UUIDs (RFC 9562
//! examples), agent fingerprints, timingSafeEqual and randomBytes.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::crypto::*;
use katalyst::error::Classify;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

// RFC 8410 §10.3 private key and §10.1 public key (the same key pair), base64-decoded.
const RFC8410_PKCS8: &str =
    "302e020100300506032b657004220420d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";
const RFC8410_SPKI: &str =
    "302a300506032b657003210019bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

#[test]
fn rfc8410_pkcs8_and_spki_examples() {
    let key = SigningKey::from_pkcs8(&unhex(RFC8410_PKCS8)).unwrap();
    let pk = public_key_from_spki(&unhex(RFC8410_SPKI)).unwrap();
    assert_eq!(key.public_key(), pk);
    assert_eq!(key.to_pkcs8().to_vec(), unhex(RFC8410_PKCS8));
    assert_eq!(public_key_to_spki(&pk), unhex(RFC8410_SPKI));
    assert_eq!(key.to_pkcs8().len(), PKCS8_LEN);
    assert_eq!(public_key_to_spki(&pk).len(), SPKI_LEN);
}

#[test]
fn pkcs8_v2_with_public_key() {
    let key = SigningKey::from_pkcs8(&unhex(RFC8410_PKCS8)).unwrap();
    let mut v2 = unhex("3051020101300506032b657004220420");
    v2.extend_from_slice(&key.seed()[..]);
    v2.extend_from_slice(&[0x81, 0x21, 0x00]);
    v2.extend_from_slice(&key.public_key());
    assert_eq!(
        SigningKey::from_pkcs8(&v2).unwrap().public_key(),
        key.public_key()
    );
    let last = v2.len() - 1;
    v2[last] ^= 1;
    assert_eq!(
        SigningKey::from_pkcs8(&v2).unwrap_err().code(),
        "malformed_key"
    );
}

#[test]
fn malformed_der_is_rejected() {
    let pkcs8 = unhex(RFC8410_PKCS8);
    let spki = unhex(RFC8410_SPKI);
    for bad in [&pkcs8[..47], &pkcs8[1..], &[][..], &spki[..]] {
        let e = SigningKey::from_pkcs8(bad).unwrap_err();
        assert_eq!(e.code(), "malformed_key");
    }
    let mut x25519 = pkcs8.clone();
    x25519[11] = 0x6e; // OID 1.3.101.110 (X25519)
    assert_eq!(
        SigningKey::from_pkcs8(&x25519).unwrap_err().code(),
        "malformed_key"
    );
    for bad in [&spki[..43], &pkcs8[..44], &[0u8; 44][..]] {
        assert_eq!(
            public_key_from_spki(bad).unwrap_err().code(),
            "malformed_key"
        );
    }
    // A well-formed SPKI whose key is not a canonical point encoding.
    let mut non_canonical = spki[..12].to_vec();
    non_canonical.extend_from_slice(&[0xff; 32]);
    assert_eq!(
        public_key_from_spki(&non_canonical).unwrap_err().code(),
        "malformed_key"
    );
}

#[test]
fn rfc8037_jwk_example() {
    // RFC 8037 Appendix A.1: the RFC 8032 TEST 1 key as a JWK.
    let fields = JwkFields {
        kty: Some("OKP"),
        crv: Some("Ed25519"),
        d: Some("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"),
        x: Some("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
    };
    let key = SigningKey::from_jwk(&fields).unwrap();
    assert_eq!(
        key.seed().to_vec(),
        unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    );
    let jwk = key.to_jwk();
    assert_eq!(jwk.x, fields.x.unwrap());
    assert_eq!(jwk.d.as_deref().map(String::as_str), fields.d);
    assert_eq!(public_key_from_jwk(&fields).unwrap(), key.public_key());
    assert!(format!("{jwk:?}").contains("<secret>"));
    assert!(!format!("{jwk:?}").contains(fields.d.unwrap()));
    assert!(!format!("{key:?}").contains(fields.d.unwrap()));
}

#[test]
fn malformed_jwk_is_rejected() {
    let good = JwkFields {
        kty: Some("OKP"),
        crv: Some("Ed25519"),
        d: Some("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"),
        x: Some("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
    };
    let variants = [
        JwkFields {
            kty: Some("EC"),
            ..good
        },
        JwkFields {
            crv: Some("Ed448"),
            ..good
        },
        JwkFields { kty: None, ..good },
        JwkFields { d: None, ..good },
        JwkFields {
            d: Some("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="),
            ..good
        },
        JwkFields {
            d: Some("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2"),
            ..good
        },
        JwkFields {
            x: Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ..good
        },
        JwkFields { x: None, ..good },
    ];
    for (i, f) in variants.iter().enumerate() {
        let e = SigningKey::from_jwk(f).unwrap_err();
        assert_eq!(e.code(), "malformed_key", "variant {i}");
        assert!(!e.to_string().contains("nWGxne"), "no secret in messages");
    }
}

#[test]
fn seed_lengths() {
    assert_eq!(
        SigningKey::from_seed(&[0; 31]).unwrap_err().code(),
        "bad_key_length"
    );
    assert_eq!(
        SigningKey::from_seed(&[0; 33]).unwrap_err().code(),
        "bad_key_length"
    );
    assert_eq!(
        check_public_key(&[0; 31]).unwrap_err().code(),
        "bad_key_length"
    );
}

#[test]
fn generated_keys_sign_and_verify() {
    let key = SigningKey::generate().unwrap();
    let sig = key.sign(b"msg");
    assert!(verify(&key.public_key(), b"msg", &sig));
    assert_ne!(*key.seed(), [0; 32]);
}

const SECRET: [u8; 32] = [0x5a; 32];
const NOW: u64 = 1_700_000_000;

#[test]
fn csrf_valid_until_expiry() {
    let t = issue_csrf_token(&SECRET, "session-1", 600, NOW).unwrap();
    assert_eq!(t.len(), CSRF_TOKEN_LEN);
    assert!(t
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    assert!(check_csrf_token(&SECRET, "session-1", &t, NOW).unwrap());
    assert!(check_csrf_token(&SECRET, "session-1", &t, NOW + 599).unwrap());
    assert!(!check_csrf_token(&SECRET, "session-1", &t, NOW + 600).unwrap());
    assert!(!check_csrf_token(&SECRET, "session-1", &t, u64::MAX).unwrap());
}

#[test]
fn csrf_layout_and_mac_input() {
    // Recompute the documented layout with HMAC (RFC 4231-checked) and base64url.
    let nonce = [9u8; 16];
    let t = issue_csrf_token_with_nonce(&SECRET, "sid", 60, NOW, nonce).unwrap();
    let raw = base64url_decode(&t).unwrap();
    assert_eq!(raw.len(), 57);
    assert_eq!(raw[0], CSRF_TOKEN_VERSION);
    assert_eq!(raw[1..9], (NOW + 60).to_be_bytes());
    assert_eq!(raw[9..25], nonce);
    let mut input = vec![CSRF_TOKEN_VERSION, 0, 0, 0, 3];
    input.extend_from_slice(b"sid");
    input.extend_from_slice(&(NOW + 60).to_be_bytes());
    input.extend_from_slice(&nonce);
    assert_eq!(raw[25..], hmac(Algorithm::Sha256, &SECRET, &input)[..]);
}

#[test]
fn csrf_rejects_tampering_other_sessions_and_garbage() {
    let t = issue_csrf_token(&SECRET, "session-1", 600, NOW).unwrap();
    assert!(!check_csrf_token(&SECRET, "session-2", &t, NOW).unwrap());
    assert!(!check_csrf_token(&SECRET, "session-", &t, NOW).unwrap());
    assert!(!check_csrf_token(&[0x5b; 32], "session-1", &t, NOW).unwrap());
    // Every byte of the decoded token matters (version, expiry, nonce, tag).
    let raw = base64url_decode(&t).unwrap();
    for i in 0..raw.len() {
        let mut bad = raw.clone();
        bad[i] ^= 0x01;
        let bad = base64url_encode(&bad);
        assert!(
            !check_csrf_token(&SECRET, "session-1", &bad, NOW).unwrap(),
            "byte {i}"
        );
    }
    for garbage in [
        "",
        "x",
        &t[..75],
        &format!("{t}A"),
        &format!("+{}", &t[1..]), // a character outside base64url
        &"=".repeat(76),
    ] {
        assert!(!check_csrf_token(&SECRET, "session-1", garbage, NOW).unwrap());
    }
}

#[test]
fn csrf_argument_ranges() {
    let short = issue_csrf_token(&[1; 15], "s", 60, NOW).unwrap_err();
    assert_eq!(short.code(), "secret_too_short");
    assert_eq!(
        check_csrf_token(&[1; 15], "s", "", NOW).unwrap_err().code(),
        "secret_too_short"
    );
    assert_eq!(
        issue_csrf_token(&SECRET, "s", 0, NOW).unwrap_err().code(),
        "out_of_range"
    );
    assert!(issue_csrf_token(&[1; 16], "s", CSRF_MAX_TTL_SECONDS, NOW).is_ok());
}

#[test]
fn rfc9562_uuid_examples() {
    // Appendix A.3 (v4) and A.6 (v7, 2022-02-22 19:22:22 UTC).
    let v4 = unhex("919108f752d143209bacf847db4148a8");
    let v4: [u8; 16] = v4.try_into().unwrap();
    assert_eq!(
        uuid_v4_from_bytes(v4),
        "919108f7-52d1-4320-9bac-f847db4148a8"
    );
    let rand: [u8; 10] = unhex("7cc398c4dc0c0c07398f").try_into().unwrap();
    assert_eq!(
        uuid_v7_from_parts(0x017f_22e2_79b0, rand),
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"
    );
}

#[test]
fn random_uuids_have_version_and_variant() {
    for _ in 0..50 {
        let v4 = random_uuid().unwrap();
        let v7 = uuid_v7(NOW * 1000).unwrap();
        for (id, version) in [(&v4, '4'), (&v7, '7')] {
            assert_eq!(id.len(), 36);
            assert_eq!(id.chars().nth(14), Some(version));
            assert!(matches!(id.chars().nth(19), Some('8' | '9' | 'a' | 'b')));
            assert_eq!(id.matches('-').count(), 4);
        }
        assert!(v7.starts_with("018bcfe5-6800-")); // 1 700 000 000 000 ms
    }
    assert!(uuid_v7(1).unwrap() < uuid_v7(2).unwrap());
}

#[test]
fn fingerprint_is_sha384_of_the_documented_encoding() {
    let mut e = Vec::new();
    for field in [
        &b"katalyst/agent-fingerprint/v1"[..],
        b"agent-7",
        "名前".as_bytes(),
        &(-5i64).to_be_bytes(),
    ] {
        e.extend_from_slice(&(field.len() as u32).to_be_bytes());
        e.extend_from_slice(field);
    }
    assert_eq!(agent_fingerprint_encoding("agent-7", "名前", -5), e);
    let want: String = sha384(&e).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(agent_fingerprint("agent-7", "名前", -5), want);
    assert_ne!(
        agent_fingerprint("ab", "c", 0),
        agent_fingerprint("a", "bc", 0)
    );
    assert_ne!(
        agent_fingerprint("a", "b", 0),
        agent_fingerprint("a", "b", 1)
    );
    assert_ne!(
        agent_fingerprint("", "ab", 0),
        agent_fingerprint("ab", "", 0)
    );
}

#[test]
fn timing_safe_equal_semantics() {
    assert!(timing_safe_equal(b"", b""));
    assert!(timing_safe_equal(&[7; 100], &[7; 100]));
    let mut b = [7u8; 100];
    for i in [0, 50, 99] {
        b[i] = 8;
        assert!(!timing_safe_equal(&[7; 100], &b));
        b[i] = 7;
    }
    assert!(!timing_safe_equal(&[7; 100], &[7; 99]));
}

#[test]
fn random_bytes_limits() {
    assert_eq!(random_bytes(1).unwrap().len(), 1);
    let big = random_bytes(MAX_RANDOM_BYTES).unwrap();
    assert_eq!(big.len(), 65536);
    assert!(big.iter().any(|&b| b != 0));
    assert_eq!(random_bytes(0).unwrap_err().code(), "out_of_range");
    assert_eq!(random_bytes(65537).unwrap_err().code(), "out_of_range");
    assert_ne!(random_bytes(32).unwrap(), random_bytes(32).unwrap());
}
