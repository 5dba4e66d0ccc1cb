use super::{Algorithm, CryptoError};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha384, Sha512};

fn hmac_with<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length (long keys are hashed), so this cannot fail.
    let Ok(mut m) = <M as KeyInit>::new_from_slice(key) else {
        unreachable!("HMAC accepts every key length")
    };
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

/// HMAC (RFC 2104) of `bytes` under `key` with the SHA-2 variant `alg`.
///
/// ```
/// use katalyst::crypto::{hmac, Algorithm};
/// // RFC 4231 test case 2.
/// let tag = hmac(Algorithm::Sha256, b"Jefe", b"what do ya want for nothing?");
/// assert_eq!(tag[..4], [0x5b, 0xdc, 0xc1, 0x46]);
/// ```
pub fn hmac(alg: Algorithm, key: &[u8], bytes: &[u8]) -> Vec<u8> {
    hmac_parts(alg, key, &[bytes])
}

/// HMAC over the concatenation of `parts`, without building it.
pub(crate) fn hmac_parts(alg: Algorithm, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    match alg {
        Algorithm::Sha256 => hmac_with::<Hmac<Sha256>>(key, parts),
        Algorithm::Sha384 => hmac_with::<Hmac<Sha384>>(key, parts),
        Algorithm::Sha512 => hmac_with::<Hmac<Sha512>>(key, parts),
    }
}

/// HKDF (RFC 5869) extract-and-expand: `length` bytes of output keying material.
///
/// An empty `salt` is the same as no salt (RFC 5869 §2.2: a string of `HashLen` zeros).
/// `length` must be at most `255 · HashLen` (8160 bytes for SHA-256), else
/// [`CryptoError::OutOfRange`] (a `RangeError`).
///
/// ```
/// use katalyst::crypto::{hkdf, Algorithm};
/// let okm = hkdf(Algorithm::Sha256, b"input key", b"salt", b"context", 42).unwrap();
/// assert_eq!(okm.len(), 42);
/// assert!(hkdf(Algorithm::Sha256, b"k", b"", b"", 8161).is_err());
/// ```
pub fn hkdf(
    alg: Algorithm,
    ikm: &[u8],
    salt: &[u8],
    info: &[u8],
    length: usize,
) -> Result<Vec<u8>, CryptoError> {
    let max = 255 * alg.output_len();
    if length > max {
        return Err(CryptoError::OutOfRange {
            arg: "length",
            expected: match alg {
                Algorithm::Sha256 => "an integer from 0 to 8160 (255 · 32) for SHA-256",
                Algorithm::Sha384 => "an integer from 0 to 12240 (255 · 48) for SHA-384",
                Algorithm::Sha512 => "an integer from 0 to 16320 (255 · 64) for SHA-512",
            },
            got: length.to_string(),
        });
    }
    let mut okm = vec![0u8; length];
    let salt = Some(salt).filter(|s| !s.is_empty());
    let expanded = match alg {
        Algorithm::Sha256 => hkdf::Hkdf::<Sha256>::new(salt, ikm).expand(info, &mut okm),
        Algorithm::Sha384 => hkdf::Hkdf::<Sha384>::new(salt, ikm).expand(info, &mut okm),
        Algorithm::Sha512 => hkdf::Hkdf::<Sha512>::new(salt, ikm).expand(info, &mut okm),
    };
    // The length was checked against 255 · HashLen above, the only failure of `expand`.
    expanded.map_err(|_| CryptoError::OutOfRange {
        arg: "length",
        expected: "at most 255 · HashLen",
        got: length.to_string(),
    })?;
    Ok(okm)
}
