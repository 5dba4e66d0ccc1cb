//! Constant-time crypto for web apps: SHA-2 hashing (one-shot, streaming, batched), HMAC and
//! HKDF, Ed25519 with strict verification and WebCrypto-compatible key formats, random bytes
//! and ids, CSRF tokens and agent fingerprints. See `README.md` in this folder for the
//! verification rules and the constant-time notes.

mod base64url;
mod batch;
mod compare;
mod csrf;
mod ed25519;
mod error;
mod fingerprint;
mod hash;
mod key_formats;
mod mac;
mod random;

pub use base64url::{base64url_decode, base64url_encode};
pub use batch::sha256_batch;
pub use compare::timing_safe_equal;
pub use csrf::{
    check_csrf_token, issue_csrf_token, issue_csrf_token_with_nonce, CSRF_MAX_TTL_SECONDS,
    CSRF_MIN_SECRET_LEN, CSRF_TOKEN_LEN, CSRF_TOKEN_VERSION,
};
pub use ed25519::{
    check_public_key, verify, verify_batch, SigningKey, PUBLIC_KEY_LEN, SEED_LEN, SIGNATURE_LEN,
};
pub use error::CryptoError;
pub use fingerprint::{agent_fingerprint, agent_fingerprint_encoding};
pub use hash::{digest, sha256, sha384, sha512, Algorithm, Hasher};
pub use key_formats::{
    public_key_from_jwk, public_key_from_spki, public_key_to_jwk, public_key_to_spki, Jwk,
    JwkFields, PKCS8_LEN, SPKI_LEN,
};
pub use mac::{hkdf, hmac};
pub use random::{
    random_bytes, random_uuid, uuid_v4_from_bytes, uuid_v7, uuid_v7_from_parts, MAX_RANDOM_BYTES,
};
