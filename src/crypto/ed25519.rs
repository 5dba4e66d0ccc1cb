use super::CryptoError;
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, Signer, VerifyingKey};
use zeroize::Zeroizing;

/// Byte length of an Ed25519 seed (the RFC 8032 private key), public key and signature.
pub const SEED_LEN: usize = 32;
/// Byte length of an Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Byte length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// Below this many items `verify_batch` stays on the calling thread even when the pool may be used.
const PARALLEL_MIN_ITEMS: usize = 4;

/// An Ed25519 private key (RFC 8032, PureEdDSA).
///
/// The seed and the expanded secret scalar live in `ed25519_dalek::SigningKey`, which
/// zeroizes them on drop; `Debug` prints only the public key.
///
/// ```
/// use katalyst::crypto::{verify, SigningKey};
/// let key = SigningKey::from_seed(&[7; 32]).unwrap();
/// let sig = key.sign(b"hello");
/// assert!(verify(&key.public_key(), b"hello", &sig));
/// assert!(!verify(&key.public_key(), b"hellO", &sig));
/// ```
#[derive(Clone)]
pub struct SigningKey {
    inner: ed25519_dalek::SigningKey,
}

impl SigningKey {
    /// A new key from the operating system's random source (`getrandom`: the kernel natively,
    /// `crypto.getRandomValues` in browsers).
    ///
    /// ```
    /// let a = katalyst::crypto::SigningKey::generate().unwrap();
    /// let b = katalyst::crypto::SigningKey::generate().unwrap();
    /// assert_ne!(a.public_key(), b.public_key());
    /// ```
    pub fn generate() -> Result<SigningKey, CryptoError> {
        let mut seed = Zeroizing::new([0u8; SEED_LEN]);
        getrandom::fill(&mut seed[..]).map_err(|_| CryptoError::RandomUnavailable)?;
        Ok(Self::from_seed_array(&seed))
    }

    /// The key whose RFC 8032 private key (seed) is `seed`, which must be 32 bytes
    /// (else [`CryptoError::BadKeyLength`], a `RangeError`).
    ///
    /// ```
    /// assert!(katalyst::crypto::SigningKey::from_seed(&[0; 31]).is_err());
    /// ```
    pub fn from_seed(seed: &[u8]) -> Result<SigningKey, CryptoError> {
        let seed: &[u8; SEED_LEN] = seed.try_into().map_err(|_| CryptoError::BadKeyLength {
            arg: "seed",
            expected: SEED_LEN,
            actual: seed.len(),
        })?;
        Ok(Self::from_seed_array(seed))
    }

    pub(crate) fn from_seed_array(seed: &[u8; SEED_LEN]) -> SigningKey {
        SigningKey {
            inner: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// A copy of the 32-byte seed, wiped when the returned value is dropped.
    ///
    /// ```
    /// let k = katalyst::crypto::SigningKey::from_seed(&[1; 32]).unwrap();
    /// assert_eq!(*k.seed(), [1; 32]);
    /// ```
    pub fn seed(&self) -> Zeroizing<[u8; SEED_LEN]> {
        Zeroizing::new(self.inner.to_bytes())
    }

    /// The 32-byte public key `A`.
    ///
    /// ```
    /// let k = katalyst::crypto::SigningKey::from_seed(&[1; 32]).unwrap();
    /// assert_eq!(k.public_key().len(), 32);
    /// ```
    pub fn public_key(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.inner.verifying_key().to_bytes()
    }

    /// The deterministic 64-byte signature `R ‖ S` of `msg`.
    ///
    /// ```
    /// let k = katalyst::crypto::SigningKey::from_seed(&[1; 32]).unwrap();
    /// assert_eq!(k.sign(b"m"), k.sign(b"m"));
    /// ```
    pub fn sign(&self, msg: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.inner.sign(msg).to_bytes()
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &super::base64url_encode(&self.public_key()))
            .finish_non_exhaustive()
    }
}

/// True when the 255-bit `y` of a point encoding is below p = 2²⁵⁵ − 19 (RFC 8032 §5.1.3 step 1).
fn is_canonical_y(encoding: &[u8; 32]) -> bool {
    let top = encoding[31] & 0x7f;
    let middle_all_ones = encoding[1..31].iter().all(|&b| b == 0xff);
    !(top == 0x7f && middle_all_ones && encoding[0] >= 0xed)
}

/// Checks an Ed25519 signature with strict RFC 8032 semantics; never throws.
///
/// Returns `false` (rather than failing) for a public key that is not 32 bytes, a signature
/// that is not 64 bytes, and for every rejected signature:
/// - `S` not canonical (S ≥ ℓ, the group order) — the malleability check of RFC 8032 §5.1.7;
/// - `A` or `R` not a valid encoding: not on the curve, or `y ≥ p`;
/// - `A` or `R` of small order (the 8 torsion points, including x = 0 with the sign bit set);
/// - the cofactorless equation `[S]B = R + [k]A` not holding, compared on the encoding of `R`.
///
/// ```
/// use katalyst::crypto::{verify, SigningKey};
/// let k = SigningKey::from_seed(&[9; 32]).unwrap();
/// let mut sig = k.sign(b"x");
/// assert!(verify(&k.public_key(), b"x", &sig));
/// sig[63] |= 0xf0; // S ≥ ℓ
/// assert!(!verify(&k.public_key(), b"x", &sig));
/// assert!(!verify(&k.public_key(), b"x", &sig[..63]));
/// ```
pub fn verify(public_key: &[u8], msg: &[u8], signature: &[u8]) -> bool {
    let (Ok(a), Ok(sig)) = (
        <&[u8; PUBLIC_KEY_LEN]>::try_from(public_key),
        <&[u8; SIGNATURE_LEN]>::try_from(signature),
    ) else {
        return false;
    };
    let mut r = [0u8; 32];
    r.copy_from_slice(&sig[..32]);
    if !is_canonical_y(a) || !is_canonical_y(&r) {
        return false;
    }
    let Ok(vk) = VerifyingKey::from_bytes(a) else {
        return false;
    };
    // verify_strict rejects S ≥ ℓ, small-order A and R, undecodable R, and compares R bytewise.
    vk.verify_strict(msg, &Signature::from_bytes(sig)).is_ok()
}

/// [`verify`] for many items, one result per item, in order.
///
/// Each item is verified on its own with the same strict semantics as [`verify`] (not with
/// Ed25519 batch verification, which yields one bool for the whole batch and uses the
/// cofactored equation). Items are spread over the rayon pool when
/// [`crate::parallel::enabled`]. The three slices must have the same length, else
/// [`CryptoError::OutOfRange`].
///
/// ```
/// use katalyst::crypto::{verify_batch, SigningKey};
/// let k = SigningKey::from_seed(&[3; 32]).unwrap();
/// let (pk, sig) = (k.public_key(), k.sign(b"a"));
/// let ok = verify_batch(&[&pk, &pk], &[b"a", b"b"], &[&sig, &sig]).unwrap();
/// assert_eq!(ok, vec![true, false]);
/// ```
pub fn verify_batch(
    public_keys: &[&[u8]],
    msgs: &[&[u8]],
    signatures: &[&[u8]],
) -> Result<Vec<bool>, CryptoError> {
    for (arg, len) in [("msgs", msgs.len()), ("sigs", signatures.len())] {
        if len != public_keys.len() {
            return Err(CryptoError::OutOfRange {
                arg,
                expected: "as many items as publicKeys",
                got: format!("{len} items for {} public keys", public_keys.len()),
            });
        }
    }
    let one = |((pk, msg), sig): ((&&[u8], &&[u8]), &&[u8])| verify(pk, msg, sig);
    if public_keys.len() >= PARALLEL_MIN_ITEMS && crate::parallel::enabled() {
        use rayon::prelude::*;
        Ok(public_keys
            .par_iter()
            .zip(msgs)
            .zip(signatures)
            .map(one)
            .collect())
    } else if public_keys.len() >= PARALLEL_MIN_ITEMS && crate::parallel::assist::helpers() > 0 {
        Ok(verify_assisted(public_keys, msgs, signatures))
    } else {
        Ok(public_keys
            .iter()
            .zip(msgs)
            .zip(signatures)
            .map(one)
            .collect())
    }
}

/// `verify_batch` on a thread that may not block (the `mt` main thread): the items are copied
/// (a few hundred bytes each, against ~70 µs of work) so helpers can share them.
fn verify_assisted(public_keys: &[&[u8]], msgs: &[&[u8]], signatures: &[&[u8]]) -> Vec<bool> {
    let items: Vec<[Vec<u8>; 3]> = public_keys
        .iter()
        .zip(msgs)
        .zip(signatures)
        .map(|((pk, msg), sig)| [pk.to_vec(), msg.to_vec(), sig.to_vec()])
        .collect();
    let inputs = std::sync::Arc::new(items);
    let shared = inputs.clone();
    crate::parallel::assist::map(inputs.len(), move |i| {
        shared
            .get(i)
            .is_some_and(|[pk, msg, sig]| verify(pk, msg, sig))
    })
}

/// Checks that `bytes` is a usable Ed25519 public key encoding: 32 bytes
/// ([`CryptoError::BadKeyLength`] otherwise), on the curve with canonical `y`
/// ([`CryptoError::MalformedKey`] otherwise). Small-order keys are accepted here (WebCrypto
/// imports them too); [`verify`] rejects every signature under them.
///
/// ```
/// use katalyst::crypto::{check_public_key, SigningKey};
/// let pk = SigningKey::from_seed(&[5; 32]).unwrap().public_key();
/// assert_eq!(check_public_key(&pk).unwrap(), pk);
/// assert!(check_public_key(&[0xff; 32]).is_err()); // y ≥ p
/// ```
pub fn check_public_key(bytes: &[u8]) -> Result<[u8; PUBLIC_KEY_LEN], CryptoError> {
    check_public_key_as(bytes, "publicKey", "raw")
}

pub(crate) fn check_public_key_as(
    bytes: &[u8],
    arg: &'static str,
    format: &'static str,
) -> Result<[u8; PUBLIC_KEY_LEN], CryptoError> {
    let a: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| CryptoError::BadKeyLength {
        arg,
        expected: PUBLIC_KEY_LEN,
        actual: bytes.len(),
    })?;
    if !is_canonical_y(&a) {
        return Err(CryptoError::MalformedKey {
            arg,
            format,
            reason: "non-canonical point encoding (y ≥ p)",
        });
    }
    if CompressedEdwardsY(a).decompress().is_none() {
        return Err(CryptoError::MalformedKey {
            arg,
            format,
            reason: "not a point on Ed25519",
        });
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point encoding that strict verification accepts for `A` or `R`: it decodes (RFC 8032
    /// §5.1.3), `y` is canonical, and the point is not of small order (order 1, 2, 4 or 8).
    ///
    /// The other non-canonical encoding, `x = 0` with the sign bit set, only exists for the
    /// points with y = ±1, which are of small order, so the last check covers it.
    fn is_strict_point(encoding: &[u8; 32]) -> bool {
        is_canonical_y(encoding)
            && CompressedEdwardsY(*encoding)
                .decompress()
                .is_some_and(|p| !p.is_small_order())
    }

    #[test]
    fn canonical_y_boundary() {
        // p = 2^255 - 19 little-endian: ed ff .. ff 7f.
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(!is_canonical_y(&p));
        let mut below = p;
        below[0] = 0xec;
        assert!(is_canonical_y(&below));
        // The sign bit is not part of y.
        let mut signed = below;
        signed[31] |= 0x80;
        assert!(is_canonical_y(&signed));
        p[31] |= 0x80;
        assert!(!is_canonical_y(&p));
    }

    #[test]
    fn small_order_points_are_not_strict() {
        // Identity (y = 1) and its sign-bit twin (x = 0 with the sign bit set).
        let mut id = [0u8; 32];
        id[0] = 1;
        assert!(!is_strict_point(&id));
        id[31] = 0x80;
        assert!(!is_strict_point(&id));
        let base = SigningKey::from_seed(&[1; 32]).unwrap().public_key();
        assert!(is_strict_point(&base));
    }
}
