use crate::error::{Classify, ErrorKind};

/// Why a crypto call refused its arguments.
///
/// Messages name the argument, what was expected and what came; they never contain key,
/// seed, secret or token bytes.
///
/// ```
/// use katalyst::error::{Classify, ErrorKind};
/// let e = katalyst::crypto::Algorithm::parse("MD5").unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::Type);
/// assert_eq!(e.code(), "unknown_algorithm");
/// assert!(e.to_string().contains("'SHA-256'"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// An algorithm name that is not one of the accepted ones.
    #[error("{arg}: unknown algorithm '{got}', expected one of {accepted}")]
    UnknownAlgorithm {
        arg: &'static str,
        got: String,
        accepted: &'static str,
    },
    /// A key format name that is not one of the accepted ones.
    #[error("{arg}: unknown key format '{got}', expected one of {accepted}")]
    UnknownFormat {
        arg: &'static str,
        got: String,
        accepted: &'static str,
    },
    /// A key, seed or secret of the wrong byte length.
    #[error("{arg}: expected {expected} bytes, got {actual}")]
    BadKeyLength {
        arg: &'static str,
        expected: usize,
        actual: usize,
    },
    /// An encoded key (PKCS#8, SPKI, JWK, raw point) that does not parse.
    #[error("{arg}: malformed {format} key: {reason}")]
    MalformedKey {
        arg: &'static str,
        format: &'static str,
        reason: &'static str,
    },
    /// `update` or `digest` on a `Hasher` whose digest was already taken.
    #[error("the hasher was already finalized by digest(); create a new Hasher")]
    HasherFinalized,
    /// Batch offsets that are not a valid partition of the concatenated input.
    #[error("offsets: {0}")]
    BadOffsets(String),
    /// A number outside its allowed range.
    #[error("{arg}: expected {expected}, got {got}")]
    OutOfRange {
        arg: &'static str,
        expected: &'static str,
        got: String,
    },
    /// A secret shorter than the minimum the function accepts.
    #[error("{arg}: expected at least {min} bytes, got {actual}")]
    SecretTooShort {
        arg: &'static str,
        min: usize,
        actual: usize,
    },
    /// The operating system's random source failed.
    #[error("the system random number generator is unavailable")]
    RandomUnavailable,
}

impl Classify for CryptoError {
    fn kind(&self) -> ErrorKind {
        match self {
            CryptoError::UnknownAlgorithm { .. } | CryptoError::UnknownFormat { .. } => {
                ErrorKind::Type
            }
            CryptoError::BadKeyLength { .. }
            | CryptoError::BadOffsets(_)
            | CryptoError::OutOfRange { .. }
            | CryptoError::SecretTooShort { .. } => ErrorKind::Range,
            CryptoError::MalformedKey { .. }
            | CryptoError::HasherFinalized
            | CryptoError::RandomUnavailable => ErrorKind::Domain,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            CryptoError::UnknownAlgorithm { .. } => "unknown_algorithm",
            CryptoError::UnknownFormat { .. } => "unknown_format",
            CryptoError::BadKeyLength { .. } => "bad_key_length",
            CryptoError::MalformedKey { .. } => "malformed_key",
            CryptoError::HasherFinalized => "hasher_finalized",
            CryptoError::BadOffsets(_) => "bad_offsets",
            CryptoError::OutOfRange { .. } => "out_of_range",
            CryptoError::SecretTooShort { .. } => "secret_too_short",
            CryptoError::RandomUnavailable => "random_unavailable",
        }
    }
}
