//! The crypto bindings in a real browser: JavaScript error classes and codes, typed-array
//! round trips, and interoperability with the browser's own WebCrypto Ed25519.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test as test;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint32Array, Uint8Array, JSON};
use katalyst::bindings::crypto as k;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn u8a(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

fn to_vec(v: &JsValue) -> Vec<u8> {
    v.dyn_ref::<Uint8Array>().expect("a Uint8Array").to_vec()
}

fn s(x: &str) -> JsValue {
    JsValue::from_str(x)
}

fn n(x: f64) -> JsValue {
    JsValue::from_f64(x)
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap()
}

/// Asserts `r` failed with a JavaScript error of class `name` and `code`; returns its message.
#[track_caller]
fn expect_err<T: std::fmt::Debug>(r: Result<T, JsValue>, name: &str, code: &str) -> String {
    let e = r.expect_err("expected a thrown error");
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    assert_eq!(get(&e, "name").as_string().unwrap(), name, "{e:?}");
    assert_eq!(get(&e, "code").as_string().unwrap(), code, "{e:?}");
    get(&e, "message").as_string().unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------- hashing

#[test]
fn sha2_one_shot_and_types() {
    assert_eq!(
        hex(&to_vec(&k::sha256(&u8a(b"abc")).unwrap().into())),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(k::sha384(&u8a(b"abc")).unwrap().length(), 48);
    assert_eq!(k::sha512(&u8a(b"abc")).unwrap().length(), 64);
    let m = expect_err(k::sha256(&s("abc")), "TypeError", "invalid_type");
    assert!(
        m.contains("sha256") && m.contains("Uint8Array") && m.contains("string"),
        "{m}"
    );
    expect_err(k::sha512(&JsValue::UNDEFINED), "TypeError", "invalid_type");
    expect_err(
        k::sha384(&Uint32Array::new_with_length(3).into()),
        "TypeError",
        "invalid_type",
    );
}

#[test]
fn large_input_is_hashed_in_chunks() {
    // 1 000 000 'a' (NIST) crosses the 64 KiB copy chunk many times, one-shot and streaming.
    let big = Uint8Array::new_with_length(1_000_000);
    big.fill(b'a', 0, 1_000_000);
    let want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    assert_eq!(hex(&to_vec(&k::sha256(&big).unwrap().into())), want);
    let mut h = k::JsHasher::new(&s("SHA-256")).unwrap();
    h.update(&big.subarray(0, 100_001).into()).unwrap();
    h.update(&big.subarray(100_001, 1_000_000).into()).unwrap();
    assert_eq!(hex(&to_vec(&h.digest().unwrap().into())), want);
}

#[test]
fn hasher_errors_and_finalization() {
    let m = expect_err(
        k::JsHasher::new(&s("MD5")).map(|_| ()),
        "TypeError",
        "unknown_algorithm",
    );
    assert!(m.contains("'SHA-256', 'SHA-384', 'SHA-512'"), "{m}");
    expect_err(
        k::JsHasher::new(&n(256.0)).map(|_| ()),
        "TypeError",
        "invalid_type",
    );
    let mut h = k::JsHasher::new(&s("SHA-384")).unwrap();
    assert_eq!(h.algorithm(), "SHA-384");
    h.update(&u8a(b"ab")).unwrap();
    // A bad argument leaves the state unchanged.
    expect_err(h.update(&s("zzz")), "TypeError", "invalid_type");
    h.update(&u8a(b"c")).unwrap();
    assert_eq!(hex(&to_vec(&h.digest().unwrap().into()))[..8], *"cb00753f");
    expect_err(h.update(&u8a(b"more")), "KatalystError", "hasher_finalized");
    expect_err(h.digest(), "KatalystError", "hasher_finalized");
}

#[test]
fn sha256_batch_binding() {
    let data = u8a(b"abcde");
    let offsets: JsValue = Uint32Array::from(&[0u32, 3, 3, 5][..]).into();
    let out = to_vec(&k::sha256_batch(&data, &offsets).unwrap().into());
    assert_eq!(out.len(), 96);
    assert_eq!(
        hex(&out[..32]),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    expect_err(
        k::sha256_batch(&data, &u8a(&[0, 1])),
        "TypeError",
        "invalid_type",
    );
    let bad: JsValue = Uint32Array::from(&[0u32, 6][..]).into();
    expect_err(k::sha256_batch(&data, &bad), "RangeError", "bad_offsets");
    let dec: JsValue = Uint32Array::from(&[2u32, 1][..]).into();
    expect_err(k::sha256_batch(&data, &dec), "RangeError", "bad_offsets");
}

// ---------------------------------------------------------------- HMAC / HKDF

#[test]
fn hmac_and_hkdf_bindings() {
    // RFC 4231 test case 2.
    let tag = k::hmac(
        &s("SHA-256"),
        &u8a(b"Jefe"),
        &u8a(b"what do ya want for nothing?"),
    )
    .unwrap();
    assert_eq!(
        hex(&tag.to_vec()),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let m = expect_err(
        k::hmac(&s("SHA-1"), &u8a(b"k"), &u8a(b"m")),
        "TypeError",
        "unknown_algorithm",
    );
    assert!(m.contains("'SHA-1'") && m.contains("'SHA-512'"), "{m}");
    expect_err(
        k::hmac(&s("SHA-256"), &s("k"), &u8a(b"m")),
        "TypeError",
        "invalid_type",
    );
    // RFC 5869 test case 3 with the default algorithm.
    let okm = k::hkdf(
        &JsValue::UNDEFINED,
        &u8a(&[0x0b; 22]),
        &u8a(&[]),
        &u8a(&[]),
        &n(42.0),
    )
    .unwrap();
    assert_eq!(
        hex(&okm.to_vec()),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    );
    let args = |len: JsValue| k::hkdf(&s("SHA-256"), &u8a(b"ikm"), &u8a(b""), &u8a(b""), &len);
    expect_err(args(n(8161.0)), "RangeError", "out_of_range");
    expect_err(args(n(1.5)), "RangeError", "out_of_range");
    expect_err(args(n(-1.0)), "RangeError", "out_of_range");
    expect_err(args(s("3")), "TypeError", "invalid_type");
}

// ---------------------------------------------------------------- Ed25519 bindings

#[test]
fn signing_key_errors() {
    let m = expect_err(
        k::JsSigningKey::from_seed(&u8a(&[0; 31])).map(|_| ()),
        "RangeError",
        "bad_key_length",
    );
    assert!(m.contains("32") && m.contains("31"), "{m}");
    expect_err(
        k::JsSigningKey::from_seed(&s("seed")).map(|_| ()),
        "TypeError",
        "invalid_type",
    );
    expect_err(
        k::JsSigningKey::import_key(&s("pem"), &u8a(&[0; 48])).map(|_| ()),
        "TypeError",
        "unknown_format",
    );
    expect_err(
        k::JsSigningKey::import_key(&s("pkcs8"), &u8a(&[0; 48])).map(|_| ()),
        "KatalystError",
        "malformed_key",
    );
    expect_err(
        k::JsSigningKey::import_key(&s("jwk"), &n(5.0)).map(|_| ()),
        "TypeError",
        "invalid_type",
    );
    let rsa = JSON::parse(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#).unwrap();
    expect_err(
        k::JsSigningKey::import_key(&s("jwk"), &rsa).map(|_| ()),
        "KatalystError",
        "malformed_key",
    );
    // A private JWK whose x does not match d: the message must not contain d.
    let d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    let wrong = JSON::parse(&format!(
        r#"{{"kty":"OKP","crv":"Ed25519","d":"{d}","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}"#
    ))
    .unwrap();
    let m = expect_err(
        k::JsSigningKey::import_key(&s("jwk"), &wrong).map(|_| ()),
        "KatalystError",
        "malformed_key",
    );
    assert!(!m.contains(d), "{m}");
    let key = k::JsSigningKey::from_seed(&u8a(&[1; 32])).unwrap();
    expect_err(key.sign(&s("msg")), "TypeError", "invalid_type");
    expect_err(key.export_key(&s("spki")), "TypeError", "unknown_format");
    expect_err(
        k::import_public_key(&s("raw"), &u8a(&[0xff; 32])),
        "KatalystError",
        "malformed_key",
    );
    expect_err(
        k::import_public_key(&s("raw"), &u8a(&[1; 31])),
        "RangeError",
        "bad_key_length",
    );
    expect_err(
        k::export_public_key(&u8a(&[1; 33]), &s("spki")),
        "RangeError",
        "bad_key_length",
    );
}

#[test]
fn to_json_is_public_only() {
    let key = k::JsSigningKey::from_seed(&u8a(&[0x42; 32])).unwrap();
    let json = JSON::stringify(&key.to_json())
        .unwrap()
        .as_string()
        .unwrap();
    let jwk = key.export_key(&s("jwk")).unwrap();
    let d = get(&jwk, "d").as_string().unwrap();
    let x = get(&jwk, "x").as_string().unwrap();
    assert!(!json.contains(&d), "{json}");
    assert!(
        json.contains(&x) && json.contains("\"kty\":\"OKP\""),
        "{json}"
    );
    assert!(get(&key.to_json(), "d").is_undefined());
}

#[test]
fn verify_bindings() {
    let key = k::JsSigningKey::from_seed(&u8a(&[2; 32])).unwrap();
    let pk: JsValue = key.public_key().into();
    let sig: JsValue = key.sign(&u8a(b"hi")).unwrap().into();
    assert!(k::verify(&pk, &u8a(b"hi"), &sig).unwrap());
    assert!(!k::verify(&pk, &u8a(b"ho"), &sig).unwrap());
    // Malformed lengths are a false, not a throw.
    assert!(!k::verify(&pk, &u8a(b"hi"), &u8a(&to_vec(&sig)[..63])).unwrap());
    assert!(!k::verify(&u8a(&[0; 31]), &u8a(b"hi"), &sig).unwrap());
    // Wrong types throw.
    expect_err(
        k::verify(&s("pk"), &u8a(b"hi"), &sig),
        "TypeError",
        "invalid_type",
    );
    expect_err(
        k::verify(&pk, &JsValue::NULL, &sig),
        "TypeError",
        "invalid_type",
    );
    let arr = |items: &[&JsValue]| -> JsValue { items.iter().copied().collect::<Array>().into() };
    let ok = k::verify_batch(
        &arr(&[&pk, &pk]),
        &arr(&[&u8a(b"hi"), &u8a(b"ho")]),
        &arr(&[&sig, &sig]),
    )
    .unwrap();
    assert_eq!(ok.length(), 2);
    assert_eq!(ok.get(0), JsValue::TRUE);
    assert_eq!(ok.get(1), JsValue::FALSE);
    expect_err(
        k::verify_batch(&arr(&[&pk]), &arr(&[]), &arr(&[&sig])),
        "RangeError",
        "out_of_range",
    );
    let m = expect_err(
        k::verify_batch(&arr(&[&pk]), &arr(&[&s("x")]), &arr(&[&sig])),
        "TypeError",
        "invalid_type",
    );
    assert!(m.contains("msgs[0]"), "{m}");
    expect_err(
        k::verify_batch(&pk, &arr(&[]), &arr(&[])),
        "TypeError",
        "invalid_type",
    );
}

// ---------------------------------------------------------------- tokens and randomness

#[test]
fn tokens_randomness_and_fingerprints() {
    assert!(k::timing_safe_equal(&u8a(b"abc"), &u8a(b"abc")).unwrap());
    assert!(!k::timing_safe_equal(&u8a(b"abc"), &u8a(b"abd")).unwrap());
    assert!(!k::timing_safe_equal(&u8a(b"abc"), &u8a(b"ab")).unwrap());
    expect_err(
        k::timing_safe_equal(&s("abc"), &u8a(b"abc")),
        "TypeError",
        "invalid_type",
    );

    assert_eq!(k::random_bytes(&n(65536.0)).unwrap().length(), 65536);
    expect_err(k::random_bytes(&n(0.0)), "RangeError", "out_of_range");
    expect_err(k::random_bytes(&n(65537.0)), "RangeError", "out_of_range");
    expect_err(k::random_bytes(&n(2.5)), "RangeError", "out_of_range");
    expect_err(k::random_bytes(&s("16")), "TypeError", "invalid_type");

    let v4 = k::random_uuid().unwrap();
    assert_eq!(v4.chars().nth(14), Some('4'));
    let v7 = k::uuidv7().unwrap();
    assert_eq!(v7.chars().nth(14), Some('7'));
    // The first 48 bits are the current time in ms.
    let ms = u64::from_str_radix(&v7.replace('-', "")[..12], 16).unwrap() as f64;
    assert!((ms - js_sys::Date::now()).abs() < 60_000.0);

    let secret = u8a(&[9; 32]);
    let token = k::issue_csrf_token(&secret, &s("sid"), &n(60.0)).unwrap();
    assert_eq!(token.len(), 76);
    assert!(k::check_csrf_token(&secret, &s("sid"), &s(&token)).unwrap());
    assert!(!k::check_csrf_token(&secret, &s("other"), &s(&token)).unwrap());
    assert!(!k::check_csrf_token(&secret, &s("sid"), &s("garbage")).unwrap());
    expect_err(
        k::check_csrf_token(&secret, &s("sid"), &JsValue::UNDEFINED),
        "TypeError",
        "invalid_type",
    );
    expect_err(
        k::issue_csrf_token(&u8a(&[9; 15]), &s("sid"), &n(60.0)),
        "RangeError",
        "secret_too_short",
    );
    expect_err(
        k::issue_csrf_token(&secret, &n(1.0), &n(60.0)),
        "TypeError",
        "invalid_type",
    );
    expect_err(
        k::issue_csrf_token(&secret, &s("sid"), &n(0.0)),
        "RangeError",
        "out_of_range",
    );

    let f = k::agent_fingerprint(&s("ab"), &s("c"), &n(1.7e12)).unwrap();
    assert_eq!(f.len(), 96);
    assert_ne!(
        f,
        k::agent_fingerprint(&s("a"), &s("bc"), &n(1.7e12)).unwrap()
    );
    assert_eq!(
        f,
        katalyst::crypto::agent_fingerprint("ab", "c", 1_700_000_000_000)
    );
    expect_err(
        k::agent_fingerprint(&s("a"), &s("b"), &n(0.5)),
        "RangeError",
        "out_of_range",
    );
    expect_err(
        k::agent_fingerprint(&s("a"), &JsValue::NULL, &n(0.0)),
        "TypeError",
        "invalid_type",
    );
}

// ---------------------------------------------------------------- WebCrypto interop

fn subtle() -> JsValue {
    let crypto = get(&js_sys::global(), "crypto");
    let subtle = get(&crypto, "subtle");
    assert!(
        subtle.is_object(),
        "crypto.subtle is missing (insecure context?)"
    );
    subtle
}

async fn call(method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let subtle = subtle();
    let f: Function = get(&subtle, method).dyn_into().unwrap();
    let p: Promise = f
        .apply(&subtle, &args.iter().collect::<Array>())?
        .dyn_into()
        .unwrap();
    JsFuture::from(p).await
}

fn ed25519() -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"name".into(), &"Ed25519".into()).unwrap();
    o.into()
}

fn usages(u: &[&str]) -> JsValue {
    u.iter()
        .map(|x| JsValue::from_str(x))
        .collect::<Array>()
        .into()
}

fn bytes_of(buf: &JsValue) -> Vec<u8> {
    Uint8Array::new(buf).to_vec()
}

/// A WebCrypto Ed25519 key pair; fails loudly if the browser lacks Ed25519.
async fn webcrypto_keypair() -> (JsValue, JsValue) {
    let pair = call(
        "generateKey",
        &[ed25519(), JsValue::TRUE, usages(&["sign", "verify"])],
    )
    .await
    .unwrap_or_else(|e| {
        panic!("this browser's WebCrypto lacks Ed25519 (generateKey failed: {e:?})")
    });
    (get(&pair, "privateKey"), get(&pair, "publicKey"))
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn katalyst_signs_webcrypto_verifies() {
    let key = k::JsSigningKey::generate().unwrap();
    let msg = u8a(b"signed by katalyst");
    let sig: JsValue = key.sign(&msg).unwrap().into();
    for format in ["raw", "spki", "jwk"] {
        let exported = k::export_public_key(&key.public_key().into(), &s(format)).unwrap();
        let pub_key = call(
            "importKey",
            &[
                s(format),
                exported,
                ed25519(),
                JsValue::TRUE,
                usages(&["verify"]),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("WebCrypto import of our {format} public key: {e:?}"));
        let ok = call(
            "verify",
            &[ed25519(), pub_key.clone(), sig.clone(), msg.clone()],
        )
        .await
        .unwrap();
        assert_eq!(ok, JsValue::TRUE, "WebCrypto verify via {format}");
        let bad = call("verify", &[ed25519(), pub_key, sig.clone(), u8a(b"other")])
            .await
            .unwrap();
        assert_eq!(bad, JsValue::FALSE);
    }
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn webcrypto_signs_katalyst_verifies() {
    let (private_key, public_key) = webcrypto_keypair().await;
    let msg = u8a(b"signed by webcrypto");
    let sig = bytes_of(
        &call("sign", &[ed25519(), private_key.clone(), msg.clone()])
            .await
            .unwrap(),
    );
    assert_eq!(sig.len(), 64);
    let raw = bytes_of(
        &call("exportKey", &[s("raw"), public_key.clone()])
            .await
            .unwrap(),
    );
    let spki = call("exportKey", &[s("spki"), public_key.clone()])
        .await
        .unwrap();
    let jwk = call("exportKey", &[s("jwk"), public_key]).await.unwrap();
    for (format, data) in [
        ("raw", u8a(&raw)),
        ("spki", Uint8Array::new(&spki).into()),
        ("jwk", jwk),
    ] {
        let pk = k::import_public_key(&s(format), &data)
            .unwrap_or_else(|e| panic!("import WebCrypto's {format} public key: {e:?}"));
        assert_eq!(pk.to_vec(), raw, "{format}");
        assert!(k::verify(&pk.into(), &msg, &u8a(&sig)).unwrap(), "{format}");
    }
    assert!(!k::verify(&u8a(&raw), &u8a(b"other"), &u8a(&sig)).unwrap());
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn webcrypto_private_keys_import_into_katalyst() {
    let (private_key, public_key) = webcrypto_keypair().await;
    let raw_pub = bytes_of(&call("exportKey", &[s("raw"), public_key]).await.unwrap());
    let msg = u8a(b"deterministic");
    let their_sig = bytes_of(
        &call("sign", &[ed25519(), private_key.clone(), msg.clone()])
            .await
            .unwrap(),
    );
    let pkcs8 = Uint8Array::new(
        &call("exportKey", &[s("pkcs8"), private_key.clone()])
            .await
            .unwrap(),
    );
    let jwk = call("exportKey", &[s("jwk"), private_key]).await.unwrap();
    for (format, data) in [("pkcs8", JsValue::from(pkcs8.clone())), ("jwk", jwk)] {
        let key = k::JsSigningKey::import_key(&s(format), &data)
            .unwrap_or_else(|e| panic!("import WebCrypto's {format} private key: {e:?}"));
        assert_eq!(key.public_key().to_vec(), raw_pub, "{format}");
        // Ed25519 is deterministic: the same key signs the same message identically.
        assert_eq!(key.sign(&msg).unwrap().to_vec(), their_sig, "{format}");
    }
    // WebCrypto's PKCS#8 export is exactly the 48-byte form Katalyst exports.
    let key = k::JsSigningKey::import_key(&s("pkcs8"), &pkcs8.clone().into()).unwrap();
    assert_eq!(
        to_vec(&key.export_key(&s("pkcs8")).unwrap()),
        pkcs8.to_vec()
    );
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn katalyst_private_keys_import_into_webcrypto() {
    let key = k::JsSigningKey::generate().unwrap();
    let msg = u8a(b"same signature everywhere");
    let ours = key.sign(&msg).unwrap().to_vec();
    for format in ["pkcs8", "jwk"] {
        let exported = key.export_key(&s(format)).unwrap();
        let theirs = call(
            "importKey",
            &[
                s(format),
                exported,
                ed25519(),
                JsValue::TRUE,
                usages(&["sign"]),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("WebCrypto import of our {format} private key: {e:?}"));
        let sig = bytes_of(
            &call("sign", &[ed25519(), theirs.clone(), msg.clone()])
                .await
                .unwrap(),
        );
        assert_eq!(sig, ours, "{format}");
        // And back: WebCrypto's export of the imported key is ours again.
        let again = call("exportKey", &[s(format), theirs]).await.unwrap();
        if format == "pkcs8" {
            assert_eq!(
                bytes_of(&again),
                to_vec(&key.export_key(&s("pkcs8")).unwrap())
            );
        } else {
            let mine = key.export_key(&s("jwk")).unwrap();
            assert_eq!(get(&again, "d").as_string(), get(&mine, "d").as_string());
            assert_eq!(get(&again, "x").as_string(), get(&mine, "x").as_string());
        }
    }
}

/// Runs every Wycheproof Ed25519 vector through this browser's WebCrypto and prints where it
/// disagrees with Katalyst's strict verify (observational: engines differ on edge cases).
#[wasm_bindgen_test::wasm_bindgen_test]
async fn webcrypto_vs_katalyst_on_wycheproof() {
    use wycheproof::eddsa::{TestName, TestSet};
    let _ = webcrypto_keypair().await;
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let (mut total, mut differ) = (0, Vec::new());
    for g in &set.test_groups {
        let pk: &[u8] = &g.key.pk;
        let imported = call(
            "importKey",
            &[
                s("raw"),
                u8a(pk),
                ed25519(),
                JsValue::TRUE,
                usages(&["verify"]),
            ],
        )
        .await;
        for t in &g.tests {
            let ours = katalyst::crypto::verify(pk, &t.msg, &t.sig);
            let theirs = match &imported {
                Ok(key) => call(
                    "verify",
                    &[ed25519(), key.clone(), u8a(&t.sig), u8a(&t.msg)],
                )
                .await
                .map(|v| v == JsValue::TRUE)
                .unwrap_or(false),
                Err(_) => false,
            };
            total += 1;
            if ours != theirs {
                differ.push(format!(
                    "tcId {} ({}) katalyst={ours} webcrypto={theirs}",
                    t.tc_id, t.comment
                ));
            }
        }
    }
    wasm_bindgen_test::console_log!(
        "WebCrypto vs Katalyst on {total} Wycheproof Ed25519 vectors: {} disagreements {:?}",
        differ.len(),
        differ
    );

    // Edge cases the strict rules are about; Katalyst must reject every one.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    // y = p + 1: a non-canonical encoding of the identity.
    let mut identity_nc = [0xffu8; 32];
    identity_nc[0] = 0xee;
    identity_nc[31] = 0x7f;
    let trivial = |a: [u8; 32], r: [u8; 32]| (a.to_vec(), [r.to_vec(), vec![0; 32]].concat());
    let key = katalyst::crypto::SigningKey::from_seed(&[3; 32]).unwrap();
    let mut malleated = key.sign(b"x");
    let ell: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(malleated[32 + i]) + u16::from(ell[i]) + carry;
        malleated[32 + i] = v as u8;
        carry = v >> 8;
    }
    let cases = [
        (
            "small-order A = R = identity, S = 0",
            trivial(identity, identity),
        ),
        (
            "non-canonical A (y = p + 1), R = identity, S = 0",
            trivial(identity_nc, identity),
        ),
        (
            "A = identity, non-canonical R (y = p + 1), S = 0",
            trivial(identity, identity_nc),
        ),
        (
            "S + l (malleated valid signature)",
            (key.public_key().to_vec(), malleated.to_vec()),
        ),
    ];
    for (name, (pk, sig)) in cases {
        let ours = katalyst::crypto::verify(&pk, b"x", &sig);
        assert!(!ours, "{name}");
        let imported = call(
            "importKey",
            &[
                s("raw"),
                u8a(&pk),
                ed25519(),
                JsValue::TRUE,
                usages(&["verify"]),
            ],
        )
        .await;
        let theirs = match imported {
            Ok(k) => match call("verify", &[ed25519(), k, u8a(&sig), u8a(b"x")]).await {
                Ok(v) => format!("{}", v == JsValue::TRUE),
                Err(e) => format!("verify threw {e:?}"),
            },
            Err(e) => format!("importKey threw {e:?}"),
        };
        wasm_bindgen_test::console_log!("edge case {name}: katalyst=false webcrypto={theirs}");
    }
}
