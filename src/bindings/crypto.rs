//! Crypto for JavaScript: hashing, HMAC/HKDF, Ed25519, randomness, CSRF tokens, fingerprints.
//!
//! Byte inputs are `Uint8Array`s (anything else is a `TypeError`). Large inputs are hashed
//! from the caller's array in 64 KiB chunks through one reusable buffer instead of being
//! copied whole into wasm memory. Secret inputs (keys, seeds, CSRF secrets) are copied into
//! buffers that are wiped when the call returns.

use super::{args, error::to_js};
use crate::crypto::{self, Algorithm, CryptoError, JwkFields};
use js_sys::{Array, Object, Uint32Array, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use zeroize::{Zeroize, Zeroizing};

/// Hash inputs are copied through this many bytes at a time.
const CHUNK: usize = 64 * 1024;

thread_local! {
    static CHUNK_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` on consecutive pieces of `arr` (one piece if it fits a chunk), copied through a
/// per-thread reusable buffer that is wiped after each piece.
fn for_each_chunk(arr: &Uint8Array, mut f: impl FnMut(&[u8])) {
    let len = arr.length() as usize;
    let mut run = |buf: &mut Vec<u8>| {
        if buf.len() < CHUNK.min(len) {
            buf.resize(CHUNK.min(len), 0);
        }
        let mut start = 0;
        loop {
            let n = CHUNK.min(len - start);
            let piece = &mut buf[..n];
            if n == len {
                arr.copy_to(piece);
            } else {
                arr.subarray(start as u32, (start + n) as u32)
                    .copy_to(piece);
            }
            f(piece);
            // Hash inputs may be secret (passwords, keys): do not leave them in the buffer.
            piece.zeroize();
            start += n;
            if start >= len {
                break;
            }
        }
    };
    // The buffer is never borrowed re-entrantly (no JavaScript runs inside `f`), but fall back
    // to a fresh buffer rather than panic if it ever were.
    CHUNK_BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => run(&mut buf),
        Err(_) => run(&mut Vec::new()),
    });
}

/// A secret `Uint8Array` copied into wasm memory, wiped on drop.
fn secret_bytes(func: &str, arg: &str, v: &JsValue) -> Result<Zeroizing<Vec<u8>>, JsValue> {
    Ok(Zeroizing::new(args::uint8_array(func, arg, v)?.to_vec()))
}

fn bytes(func: &str, arg: &str, v: &JsValue) -> Result<Vec<u8>, JsValue> {
    Ok(args::uint8_array(func, arg, v)?.to_vec())
}

fn string(func: &str, arg: &str, v: &JsValue) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| args::type_error(func, arg, "a string", v))
}

/// An integer number in `min ..= max`: a `TypeError` if not a number, a `RangeError` otherwise.
fn integer(func: &str, arg: &str, v: &JsValue, min: f64, max: f64) -> Result<f64, JsValue> {
    let n = v
        .as_f64()
        .ok_or_else(|| args::type_error(func, arg, "an integer", v))?;
    if n.fract() != 0.0 || !(min..=max).contains(&n) {
        return Err(args::range_error(
            func,
            arg,
            &format!("an integer from {min} to {max}"),
            &n.to_string(),
        ));
    }
    Ok(n)
}

fn algorithm(func: &str, v: &JsValue) -> Result<Algorithm, JsValue> {
    let name = string(func, "alg", v)?;
    Algorithm::parse(&name).map_err(|e| to_js(func, e))
}

/// The current Unix time in whole seconds.
fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0).floor().max(0.0) as u64
}

fn hash_array(alg: Algorithm, arr: &Uint8Array) -> Vec<u8> {
    let mut h = crypto::Hasher::new(alg);
    // A fresh hasher is not finalized, so update cannot fail.
    for_each_chunk(arr, |piece| {
        let _ = h.update(piece);
    });
    h.digest().unwrap_or_default()
}

fn one_shot(func: &str, alg: Algorithm, v: &JsValue) -> Result<Uint8Array, JsValue> {
    let arr = args::uint8_array(func, "bytes", v)?;
    Ok(Uint8Array::from(&hash_array(alg, &arr)[..]))
}

/// SHA-256 of a `Uint8Array`.
#[wasm_bindgen]
pub fn sha256(bytes: &JsValue) -> Result<Uint8Array, JsValue> {
    one_shot("sha256", Algorithm::Sha256, bytes)
}

/// SHA-384 of a `Uint8Array`.
#[wasm_bindgen]
pub fn sha384(bytes: &JsValue) -> Result<Uint8Array, JsValue> {
    one_shot("sha384", Algorithm::Sha384, bytes)
}

/// SHA-512 of a `Uint8Array`.
#[wasm_bindgen]
pub fn sha512(bytes: &JsValue) -> Result<Uint8Array, JsValue> {
    one_shot("sha512", Algorithm::Sha512, bytes)
}

/// SHA-256 of many messages in one call: `offsets` (a `Uint32Array` of n + 1 non-decreasing
/// offsets into `concatenated`) delimit the messages; returns the n digests concatenated.
#[wasm_bindgen(js_name = sha256Batch)]
pub fn sha256_batch(concatenated: &JsValue, offsets: &JsValue) -> Result<Uint8Array, JsValue> {
    const F: &str = "sha256Batch";
    let data = bytes(F, "concatenated", concatenated)?;
    let offsets = offsets
        .dyn_ref::<Uint32Array>()
        .ok_or_else(|| args::type_error(F, "offsets", "a Uint32Array", offsets))?
        .to_vec();
    let out = crypto::sha256_batch(&data, &offsets).map_err(|e| to_js(F, e))?;
    Ok(Uint8Array::from(&out[..]))
}

/// A streaming SHA-2 hasher: `new Hasher('SHA-256' | 'SHA-384' | 'SHA-512')`.
#[wasm_bindgen(js_name = Hasher)]
pub struct JsHasher {
    inner: crypto::Hasher,
}

#[wasm_bindgen(js_class = Hasher)]
impl JsHasher {
    #[wasm_bindgen(constructor)]
    pub fn new(alg: &JsValue) -> Result<JsHasher, JsValue> {
        Ok(JsHasher {
            inner: crypto::Hasher::new(algorithm("Hasher", alg)?),
        })
    }

    /// Feeds bytes; returns `undefined`. After `digest()` it throws `KatalystError`
    /// `hasher_finalized`.
    pub fn update(&mut self, bytes: &JsValue) -> Result<(), JsValue> {
        const F: &str = "Hasher.update";
        let arr = args::uint8_array(F, "bytes", bytes)?;
        if self.inner.is_finalized() {
            return Err(to_js(F, CryptoError::HasherFinalized));
        }
        for_each_chunk(&arr, |piece| {
            let _ = self.inner.update(piece);
        });
        Ok(())
    }

    /// The digest; the hasher is finalized afterwards (a second call throws `hasher_finalized`).
    pub fn digest(&mut self) -> Result<Uint8Array, JsValue> {
        let d = self.inner.digest().map_err(|e| to_js("Hasher.digest", e))?;
        Ok(Uint8Array::from(&d[..]))
    }

    /// `'SHA-256'`, `'SHA-384'` or `'SHA-512'`.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.inner.algorithm().name().into()
    }
}

/// HMAC of `bytes` under `key` with `alg` (`'SHA-256'`, `'SHA-384'`, `'SHA-512'`).
#[wasm_bindgen]
pub fn hmac(alg: &JsValue, key: &JsValue, bytes: &JsValue) -> Result<Uint8Array, JsValue> {
    const F: &str = "hmac";
    let alg = algorithm(F, alg)?;
    let key = secret_bytes(F, "key", key)?;
    let data = args::uint8_array(F, "bytes", bytes)?;
    let tag = if data.length() as usize <= CHUNK {
        crypto::hmac(alg, &key, &data.to_vec())
    } else {
        let data = Zeroizing::new(data.to_vec());
        crypto::hmac(alg, &key, &data)
    };
    Ok(Uint8Array::from(&tag[..]))
}

/// HKDF (RFC 5869): `length` bytes from `ikm`, `salt` and `info`; `alg` defaults to SHA-256.
#[wasm_bindgen]
pub fn hkdf(
    alg: &JsValue,
    ikm: &JsValue,
    salt: &JsValue,
    info: &JsValue,
    length: &JsValue,
) -> Result<Uint8Array, JsValue> {
    const F: &str = "hkdf";
    let alg = if alg.is_undefined() {
        Algorithm::Sha256
    } else {
        algorithm(F, alg)?
    };
    let ikm = secret_bytes(F, "ikm", ikm)?;
    let salt = bytes(F, "salt", salt)?;
    let info = bytes(F, "info", info)?;
    let length = integer(F, "length", length, 0.0, u32::MAX as f64)? as usize;
    let okm =
        Zeroizing::new(crypto::hkdf(alg, &ikm, &salt, &info, length).map_err(|e| to_js(F, e))?);
    Ok(Uint8Array::from(&okm[..]))
}

fn key_format(func: &str, v: &JsValue, accepted: &[&'static str]) -> Result<&'static str, JsValue> {
    let name = string(func, "format", v)?;
    accepted
        .iter()
        .copied()
        .find(|a| *a == name)
        .ok_or_else(|| {
            to_js(
                func,
                CryptoError::UnknownFormat {
                    arg: "format",
                    got: name.chars().take(40).collect(),
                    accepted: if accepted.contains(&"pkcs8") {
                        "'raw', 'pkcs8', 'jwk'"
                    } else {
                        "'raw', 'spki', 'jwk'"
                    },
                },
            )
        })
}

/// Reads `kty`, `crv`, `x` and `d` of a JWK object (non-string members count as missing).
fn with_jwk_fields<T>(
    func: &str,
    v: &JsValue,
    f: impl FnOnce(&JwkFields<'_>) -> Result<T, CryptoError>,
) -> Result<T, JsValue> {
    if !v.is_object() || v.is_function() || Array::is_array(v) {
        return Err(args::type_error(func, "jwk", "a JWK object", v));
    }
    let get = |k: &'static str| args::field(v, k).as_string();
    let (kty, crv, x) = (get("kty"), get("crv"), get("x"));
    let d = get("d").map(Zeroizing::new);
    let fields = JwkFields {
        kty: kty.as_deref(),
        crv: crv.as_deref(),
        x: x.as_deref(),
        d: d.as_ref().map(|s| s.as_str()),
    };
    f(&fields).map_err(|e| to_js(func, e))
}

fn jwk_object(jwk: &crypto::Jwk) -> Object {
    let o = Object::new();
    // Setting data properties on a fresh plain object cannot fail.
    args::set(&o, "kty", &"OKP".into());
    args::set(&o, "crv", &"Ed25519".into());
    args::set(&o, "x", &jwk.x.as_str().into());
    if let Some(d) = &jwk.d {
        args::set(&o, "d", &d.as_str().into());
    }
    o
}

/// An Ed25519 private key. Its secret lives in wasm memory and is wiped by `free()` (dropping
/// the Rust value zeroizes it).
#[wasm_bindgen(js_name = SigningKey)]
pub struct JsSigningKey {
    inner: crypto::SigningKey,
}

#[wasm_bindgen(js_class = SigningKey)]
impl JsSigningKey {
    /// A new key from the platform's secure random source.
    pub fn generate() -> Result<JsSigningKey, JsValue> {
        let inner = crypto::SigningKey::generate().map_err(|e| to_js("SigningKey.generate", e))?;
        Ok(JsSigningKey { inner })
    }

    /// The key with the given 32-byte seed (RFC 8032 private key).
    #[wasm_bindgen(js_name = fromSeed)]
    pub fn from_seed(seed: &JsValue) -> Result<JsSigningKey, JsValue> {
        const F: &str = "SigningKey.fromSeed";
        let seed = secret_bytes(F, "seed", seed)?;
        let inner = crypto::SigningKey::from_seed(&seed).map_err(|e| to_js(F, e))?;
        Ok(JsSigningKey { inner })
    }

    /// Imports `'raw'` (32-byte seed), `'pkcs8'` (DER) or `'jwk'` (object with `d`).
    #[wasm_bindgen(js_name = importKey)]
    pub fn import_key(format: &JsValue, data: &JsValue) -> Result<JsSigningKey, JsValue> {
        const F: &str = "SigningKey.importKey";
        let inner = match key_format(F, format, &["raw", "pkcs8", "jwk"])? {
            "raw" => {
                let seed = secret_bytes(F, "data", data)?;
                crypto::SigningKey::from_seed(&seed).map_err(|e| to_js(F, e))?
            }
            "pkcs8" => {
                let der = secret_bytes(F, "data", data)?;
                crypto::SigningKey::from_pkcs8(&der).map_err(|e| to_js(F, e))?
            }
            _ => with_jwk_fields(F, data, crypto::SigningKey::from_jwk)?,
        };
        Ok(JsSigningKey { inner })
    }

    /// Exports `'raw'` (32-byte seed), `'pkcs8'` (48-byte DER) or `'jwk'` (private JWK).
    #[wasm_bindgen(js_name = exportKey)]
    pub fn export_key(&self, format: &JsValue) -> Result<JsValue, JsValue> {
        const F: &str = "SigningKey.exportKey";
        Ok(match key_format(F, format, &["raw", "pkcs8", "jwk"])? {
            "raw" => Uint8Array::from(&self.inner.seed()[..]).into(),
            "pkcs8" => Uint8Array::from(&self.inner.to_pkcs8()[..]).into(),
            _ => jwk_object(&self.inner.to_jwk()).into(),
        })
    }

    /// The 32-byte public key.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Uint8Array {
        Uint8Array::from(&self.inner.public_key()[..])
    }

    /// The 64-byte signature of `msg`.
    pub fn sign(&self, msg: &JsValue) -> Result<Uint8Array, JsValue> {
        let arr = args::uint8_array("SigningKey.sign", "msg", msg)?;
        let sig = if arr.length() as usize <= CHUNK {
            self.inner.sign(&arr.to_vec())
        } else {
            let msg = Zeroizing::new(arr.to_vec());
            self.inner.sign(&msg)
        };
        Ok(Uint8Array::from(&sig[..]))
    }

    /// Public information only: the public JWK `{ kty, crv, x }`.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        jwk_object(&crypto::public_key_to_jwk(&self.inner.public_key())).into()
    }
}

/// A 32-byte public key from `'raw'`, `'spki'` or `'jwk'` form, validated as a point encoding.
#[wasm_bindgen(js_name = importPublicKey)]
pub fn import_public_key(format: &JsValue, data: &JsValue) -> Result<Uint8Array, JsValue> {
    const F: &str = "importPublicKey";
    let pk = match key_format(F, format, &["raw", "spki", "jwk"])? {
        "raw" => crypto::check_public_key(&bytes(F, "data", data)?),
        "spki" => crypto::public_key_from_spki(&bytes(F, "data", data)?),
        _ => {
            return with_jwk_fields(F, data, crypto::public_key_from_jwk)
                .map(|pk| Uint8Array::from(&pk[..]))
        }
    }
    .map_err(|e| to_js(F, e))?;
    Ok(Uint8Array::from(&pk[..]))
}

/// A 32-byte public key as `'raw'` bytes, `'spki'` DER or a public `'jwk'`.
#[wasm_bindgen(js_name = exportPublicKey)]
pub fn export_public_key(public_key: &JsValue, format: &JsValue) -> Result<JsValue, JsValue> {
    const F: &str = "exportPublicKey";
    let pk =
        crypto::check_public_key(&bytes(F, "publicKey", public_key)?).map_err(|e| to_js(F, e))?;
    Ok(match key_format(F, format, &["raw", "spki", "jwk"])? {
        "raw" => Uint8Array::from(&pk[..]).into(),
        "spki" => Uint8Array::from(&crypto::public_key_to_spki(&pk)[..]).into(),
        _ => jwk_object(&crypto::public_key_to_jwk(&pk)).into(),
    })
}

/// Strict RFC 8032 verification; `false` for any invalid signature, including wrong lengths.
#[wasm_bindgen]
pub fn verify(public_key: &JsValue, msg: &JsValue, sig: &JsValue) -> Result<bool, JsValue> {
    const F: &str = "verify";
    let pk = bytes(F, "publicKey", public_key)?;
    let msg = args::uint8_array(F, "msg", msg)?;
    let sig = bytes(F, "sig", sig)?;
    Ok(crypto::verify(&pk, &msg.to_vec(), &sig))
}

fn refs(v: &[Vec<u8>]) -> Vec<&[u8]> {
    v.iter().map(Vec::as_slice).collect()
}

fn array_of_bytes(func: &str, arg: &str, v: &JsValue) -> Result<Vec<Vec<u8>>, JsValue> {
    let arr = v
        .dyn_ref::<Array>()
        .ok_or_else(|| args::type_error(func, arg, "an array of Uint8Array", v))?;
    arr.iter()
        .enumerate()
        .map(|(i, item)| bytes(func, &format!("{arg}[{i}]"), &item))
        .collect()
}

/// [`verify`] for many items: one boolean per item.
#[wasm_bindgen(js_name = verifyBatch)]
pub fn verify_batch(
    public_keys: &JsValue,
    msgs: &JsValue,
    sigs: &JsValue,
) -> Result<Array, JsValue> {
    const F: &str = "verifyBatch";
    let pks = array_of_bytes(F, "publicKeys", public_keys)?;
    let msgs = array_of_bytes(F, "msgs", msgs)?;
    let sigs = array_of_bytes(F, "sigs", sigs)?;
    let ok =
        crypto::verify_batch(&refs(&pks), &refs(&msgs), &refs(&sigs)).map_err(|e| to_js(F, e))?;
    Ok(ok.into_iter().map(JsValue::from_bool).collect())
}

/// Constant-time equality of two `Uint8Array`s (different lengths: `false`).
#[wasm_bindgen(js_name = timingSafeEqual)]
pub fn timing_safe_equal(a: &JsValue, b: &JsValue) -> Result<bool, JsValue> {
    const F: &str = "timingSafeEqual";
    let a = secret_bytes(F, "a", a)?;
    let b = secret_bytes(F, "b", b)?;
    Ok(crypto::timing_safe_equal(&a, &b))
}

/// `n` secure random bytes, 1 ≤ n ≤ 65536.
#[wasm_bindgen(js_name = randomBytes)]
pub fn random_bytes(n: &JsValue) -> Result<Uint8Array, JsValue> {
    const F: &str = "randomBytes";
    let n = integer(F, "n", n, 1.0, crypto::MAX_RANDOM_BYTES as f64)? as usize;
    let r = crypto::random_bytes(n).map_err(|e| to_js(F, e))?;
    Ok(Uint8Array::from(&r[..]))
}

/// A random UUID v4 string.
#[wasm_bindgen(js_name = randomUUID)]
pub fn random_uuid() -> Result<String, JsValue> {
    crypto::random_uuid().map_err(|e| to_js("randomUUID", e))
}

/// A time-ordered UUID v7 string for the current time.
#[wasm_bindgen]
pub fn uuidv7() -> Result<String, JsValue> {
    let ms = js_sys::Date::now().max(0.0) as u64;
    crypto::uuid_v7(ms).map_err(|e| to_js("uuidv7", e))
}

/// A CSRF token for `sessionId`, valid for `ttlSeconds` from now.
#[wasm_bindgen(js_name = issueCsrfToken)]
pub fn issue_csrf_token(
    secret: &JsValue,
    session_id: &JsValue,
    ttl_seconds: &JsValue,
) -> Result<String, JsValue> {
    const F: &str = "issueCsrfToken";
    let secret = secret_bytes(F, "secret", secret)?;
    let sid = string(F, "sessionId", session_id)?;
    let ttl = integer(
        F,
        "ttlSeconds",
        ttl_seconds,
        1.0,
        crypto::CSRF_MAX_TTL_SECONDS as f64,
    )?;
    crypto::issue_csrf_token(&secret, &sid, ttl as u64, now_seconds()).map_err(|e| to_js(F, e))
}

/// True when `token` is an unexpired token for `sessionId` under `secret`.
#[wasm_bindgen(js_name = checkCsrfToken)]
pub fn check_csrf_token(
    secret: &JsValue,
    session_id: &JsValue,
    token: &JsValue,
) -> Result<bool, JsValue> {
    const F: &str = "checkCsrfToken";
    let secret = secret_bytes(F, "secret", secret)?;
    let sid = string(F, "sessionId", session_id)?;
    let token = string(F, "token", token)?;
    crypto::check_csrf_token(&secret, &sid, &token, now_seconds()).map_err(|e| to_js(F, e))
}

/// SHA-384 (hex) of the length-prefixed encoding of an agent's id, name and creation time.
#[wasm_bindgen(js_name = agentFingerprint)]
pub fn agent_fingerprint(
    agent_id: &JsValue,
    name: &JsValue,
    created_at: &JsValue,
) -> Result<String, JsValue> {
    const F: &str = "agentFingerprint";
    let id = string(F, "agentId", agent_id)?;
    let name = string(F, "name", name)?;
    const SAFE: f64 = 9_007_199_254_740_991.0;
    let t = integer(F, "createdAt", created_at, -SAFE, SAFE)?;
    Ok(crypto::agent_fingerprint(&id, &name, t as i64))
}
