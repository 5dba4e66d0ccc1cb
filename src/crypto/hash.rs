use super::CryptoError;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A SHA-2 variant, named as WebCrypto names it.
///
/// ```
/// use katalyst::crypto::Algorithm;
/// assert_eq!(Algorithm::parse("SHA-384").unwrap(), Algorithm::Sha384);
/// assert_eq!(Algorithm::Sha512.output_len(), 64);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Sha384,
    Sha512,
}

/// The accepted names, for error messages.
pub(crate) const ALGORITHM_NAMES: &str = "'SHA-256', 'SHA-384', 'SHA-512'";

impl Algorithm {
    /// Parses `'SHA-256'`, `'SHA-384'` or `'SHA-512'` (exact, case-sensitive like WebCrypto's
    /// canonical names); anything else is [`CryptoError::UnknownAlgorithm`].
    ///
    /// ```
    /// assert!(katalyst::crypto::Algorithm::parse("sha-1").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Algorithm, CryptoError> {
        match name {
            "SHA-256" => Ok(Algorithm::Sha256),
            "SHA-384" => Ok(Algorithm::Sha384),
            "SHA-512" => Ok(Algorithm::Sha512),
            _ => Err(CryptoError::UnknownAlgorithm {
                arg: "alg",
                // Bounded so a huge string cannot blow up the message.
                got: name.chars().take(40).collect(),
                accepted: ALGORITHM_NAMES,
            }),
        }
    }

    /// The digest length in bytes.
    ///
    /// ```
    /// assert_eq!(katalyst::crypto::Algorithm::Sha256.output_len(), 32);
    /// ```
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha384 => 48,
            Algorithm::Sha512 => 64,
        }
    }

    /// The WebCrypto name.
    ///
    /// ```
    /// assert_eq!(katalyst::crypto::Algorithm::Sha384.name(), "SHA-384");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha384 => "SHA-384",
            Algorithm::Sha512 => "SHA-512",
        }
    }
}

/// SHA-256 of `bytes`.
///
/// ```
/// let d = katalyst::crypto::sha256(b"abc");
/// assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
/// ```
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// SHA-384 of `bytes`.
///
/// ```
/// let d = katalyst::crypto::sha384(b"abc");
/// assert_eq!(d[..4], [0xcb, 0x00, 0x75, 0x3f]);
/// ```
pub fn sha384(bytes: &[u8]) -> [u8; 48] {
    Sha384::digest(bytes).into()
}

/// SHA-512 of `bytes`.
///
/// ```
/// let d = katalyst::crypto::sha512(b"abc");
/// assert_eq!(d[..4], [0xdd, 0xaf, 0x35, 0xa1]);
/// ```
pub fn sha512(bytes: &[u8]) -> [u8; 64] {
    Sha512::digest(bytes).into()
}

/// The digest of `bytes` with `alg`, as a vector of [`Algorithm::output_len`] bytes.
///
/// ```
/// use katalyst::crypto::{digest, sha384, Algorithm};
/// assert_eq!(digest(Algorithm::Sha384, b"x"), sha384(b"x").to_vec());
/// ```
pub fn digest(alg: Algorithm, bytes: &[u8]) -> Vec<u8> {
    match alg {
        Algorithm::Sha256 => sha256(bytes).to_vec(),
        Algorithm::Sha384 => sha384(bytes).to_vec(),
        Algorithm::Sha512 => sha512(bytes).to_vec(),
    }
}

#[derive(Clone)]
enum State {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
    Finalized,
}

/// A streaming SHA-2 hasher: any number of [`update`](Hasher::update) calls, then one
/// [`digest`](Hasher::digest).
///
/// After `digest` the hasher is finalized: further `update` or `digest` calls fail with
/// [`CryptoError::HasherFinalized`] (code `hasher_finalized`) instead of silently hashing
/// into a reset state.
///
/// ```
/// use katalyst::crypto::{Algorithm, Hasher, sha256};
/// let mut h = Hasher::new(Algorithm::Sha256);
/// h.update(b"ab").unwrap();
/// h.update(b"c").unwrap();
/// assert_eq!(h.digest().unwrap(), sha256(b"abc").to_vec());
/// assert!(h.update(b"more").is_err());
/// ```
#[derive(Clone)]
pub struct Hasher {
    alg: Algorithm,
    state: State,
}

impl Hasher {
    /// A fresh hasher for `alg`.
    ///
    /// ```
    /// let h = katalyst::crypto::Hasher::new(katalyst::crypto::Algorithm::Sha512);
    /// assert_eq!(h.algorithm().name(), "SHA-512");
    /// ```
    pub fn new(alg: Algorithm) -> Hasher {
        let state = match alg {
            Algorithm::Sha256 => State::Sha256(Sha256::new()),
            Algorithm::Sha384 => State::Sha384(Sha384::new()),
            Algorithm::Sha512 => State::Sha512(Sha512::new()),
        };
        Hasher { alg, state }
    }

    /// The algorithm this hasher computes.
    ///
    /// ```
    /// use katalyst::crypto::{Algorithm, Hasher};
    /// assert_eq!(Hasher::new(Algorithm::Sha384).algorithm(), Algorithm::Sha384);
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// True once [`digest`](Hasher::digest) was called.
    ///
    /// ```
    /// let mut h = katalyst::crypto::Hasher::new(katalyst::crypto::Algorithm::Sha256);
    /// h.digest().unwrap();
    /// assert!(h.is_finalized());
    /// ```
    pub fn is_finalized(&self) -> bool {
        matches!(self.state, State::Finalized)
    }

    /// Feeds `bytes`.
    ///
    /// ```
    /// let mut h = katalyst::crypto::Hasher::new(katalyst::crypto::Algorithm::Sha256);
    /// h.update(&[1, 2, 3]).unwrap();
    /// ```
    pub fn update(&mut self, bytes: &[u8]) -> Result<(), CryptoError> {
        match &mut self.state {
            State::Sha256(h) => h.update(bytes),
            State::Sha384(h) => h.update(bytes),
            State::Sha512(h) => h.update(bytes),
            State::Finalized => return Err(CryptoError::HasherFinalized),
        }
        Ok(())
    }

    /// Finishes and returns the digest; the hasher is finalized afterwards.
    ///
    /// ```
    /// use katalyst::crypto::{Algorithm, Hasher};
    /// let mut h = Hasher::new(Algorithm::Sha384);
    /// assert_eq!(h.digest().unwrap().len(), 48);
    /// assert_eq!(h.digest().unwrap_err().to_string().contains("finalized"), true);
    /// ```
    pub fn digest(&mut self) -> Result<Vec<u8>, CryptoError> {
        match std::mem::replace(&mut self.state, State::Finalized) {
            State::Sha256(h) => Ok(h.finalize().to_vec()),
            State::Sha384(h) => Ok(h.finalize().to_vec()),
            State::Sha512(h) => Ok(h.finalize().to_vec()),
            State::Finalized => Err(CryptoError::HasherFinalized),
        }
    }
}
