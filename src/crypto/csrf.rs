//! Stateless CSRF tokens bound to a session: `version ‖ expiry ‖ nonce ‖ tag`, base64url.

use super::mac::hmac_parts;
use super::random::fill_random;
use super::{base64url_decode, base64url_encode, Algorithm, CryptoError};
use subtle::ConstantTimeEq;

/// The token format version, the first byte of every token.
pub const CSRF_TOKEN_VERSION: u8 = 1;
/// The shortest secret accepted (128 bits).
pub const CSRF_MIN_SECRET_LEN: usize = 16;
/// The longest time-to-live accepted, in seconds (2³² − 1, about 136 years).
pub const CSRF_MAX_TTL_SECONDS: u64 = u32::MAX as u64;

const NONCE_LEN: usize = 16;
const TAG_LEN: usize = 32;
const TOKEN_BYTES: usize = 1 + 8 + NONCE_LEN + TAG_LEN;
/// Length of a token string: 57 bytes in unpadded base64url.
pub const CSRF_TOKEN_LEN: usize = 76;

fn check_secret(secret: &[u8]) -> Result<(), CryptoError> {
    if secret.len() < CSRF_MIN_SECRET_LEN {
        return Err(CryptoError::SecretTooShort {
            arg: "secret",
            min: CSRF_MIN_SECRET_LEN,
            actual: secret.len(),
        });
    }
    Ok(())
}

/// HMAC-SHA-256(secret, version ‖ u32be(len(sessionId)) ‖ sessionId ‖ u64be(expiry) ‖ nonce).
fn tag(secret: &[u8], session_id: &str, expiry: u64, nonce: &[u8]) -> Vec<u8> {
    let sid = session_id.as_bytes();
    let len = u32::try_from(sid.len()).unwrap_or(u32::MAX).to_be_bytes();
    hmac_parts(
        Algorithm::Sha256,
        secret,
        &[
            &[CSRF_TOKEN_VERSION],
            &len,
            sid,
            &expiry.to_be_bytes(),
            nonce,
        ],
    )
}

/// [`issue_csrf_token`] with a caller-chosen nonce (for tests and reproducible examples).
///
/// The token is unpadded base64url of 57 bytes: version (1, = 1) ‖ expiry (8, big-endian Unix
/// seconds = `now + ttl_seconds`) ‖ nonce (16) ‖ HMAC-SHA-256 tag (32) over the version byte,
/// the 4-byte big-endian length of the UTF-8 session id, the session id, the expiry and the nonce.
///
/// ```
/// use katalyst::crypto::{check_csrf_token, issue_csrf_token_with_nonce};
/// let t = issue_csrf_token_with_nonce(&[1; 32], "session", 60, 1000, [0; 16]).unwrap();
/// assert_eq!(t.len(), 76);
/// assert!(check_csrf_token(&[1; 32], "session", &t, 1059).unwrap());
/// assert!(!check_csrf_token(&[1; 32], "session", &t, 1060).unwrap()); // expired
/// ```
pub fn issue_csrf_token_with_nonce(
    secret: &[u8],
    session_id: &str,
    ttl_seconds: u64,
    now: u64,
    nonce: [u8; NONCE_LEN],
) -> Result<String, CryptoError> {
    check_secret(secret)?;
    if !(1..=CSRF_MAX_TTL_SECONDS).contains(&ttl_seconds) {
        return Err(CryptoError::OutOfRange {
            arg: "ttlSeconds",
            expected: "an integer from 1 to 4294967295",
            got: ttl_seconds.to_string(),
        });
    }
    let expiry = now.saturating_add(ttl_seconds);
    let mut bytes = Vec::with_capacity(TOKEN_BYTES);
    bytes.push(CSRF_TOKEN_VERSION);
    bytes.extend_from_slice(&expiry.to_be_bytes());
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&tag(secret, session_id, expiry, &nonce));
    Ok(base64url_encode(&bytes))
}

/// A CSRF token for `session_id`, valid for `ttl_seconds` (1 ..= 2³² − 1) after `now` (Unix
/// seconds), with a fresh random nonce. `secret` must have at least 16 bytes
/// ([`CryptoError::SecretTooShort`], a `RangeError`).
///
/// ```
/// use katalyst::crypto::{check_csrf_token, issue_csrf_token};
/// let secret = [7u8; 32];
/// let t = issue_csrf_token(&secret, "sid-1", 3600, 1_700_000_000).unwrap();
/// assert!(check_csrf_token(&secret, "sid-1", &t, 1_700_000_001).unwrap());
/// assert!(!check_csrf_token(&secret, "sid-2", &t, 1_700_000_001).unwrap());
/// ```
pub fn issue_csrf_token(
    secret: &[u8],
    session_id: &str,
    ttl_seconds: u64,
    now: u64,
) -> Result<String, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut nonce)?;
    issue_csrf_token_with_nonce(secret, session_id, ttl_seconds, now, nonce)
}

/// True when `token` was issued with `secret` for `session_id` and `now < expiry`.
///
/// Expired, tampered, other-session, other-secret and malformed tokens (wrong length, bad
/// base64url, unknown version) all give `Ok(false)`. The tag is compared in constant time;
/// the token's length, version and expiry are public and checked in variable time. Only a
/// secret shorter than 16 bytes is an error.
///
/// ```
/// use katalyst::crypto::check_csrf_token;
/// assert!(!check_csrf_token(&[1; 16], "s", "not a token", 0).unwrap());
/// assert!(check_csrf_token(&[1; 15], "s", "", 0).is_err());
/// ```
pub fn check_csrf_token(
    secret: &[u8],
    session_id: &str,
    token: &str,
    now: u64,
) -> Result<bool, CryptoError> {
    check_secret(secret)?;
    if token.len() != CSRF_TOKEN_LEN {
        return Ok(false);
    }
    let Some(bytes) = base64url_decode(token) else {
        return Ok(false);
    };
    let Some((&version, rest)) = bytes.split_first() else {
        return Ok(false);
    };
    if version != CSRF_TOKEN_VERSION || rest.len() != TOKEN_BYTES - 1 {
        return Ok(false);
    }
    let (expiry, rest) = rest.split_at(8);
    let (nonce, given_tag) = rest.split_at(NONCE_LEN);
    let mut e = [0u8; 8];
    e.copy_from_slice(expiry);
    let expiry = u64::from_be_bytes(e);
    let expected = tag(secret, session_id, expiry, nonce);
    let tag_ok: bool = expected.ct_eq(given_tag).into();
    Ok(tag_ok && now < expiry)
}
