use crate::error::{Classify, ErrorKind};

/// Why a CRDT operation, decode or verification refused its input.
///
/// Every variant has a stable [`Classify::code`]; decoding never panics and never merges a
/// partially decoded value.
///
/// ```
/// use katalyst::crdt::{Crdt, GCounter};
/// use katalyst::error::Classify;
/// let e = GCounter::decode(&[]).unwrap_err();
/// assert_eq!(e.code(), "truncated");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrdtError {
    /// The input ended before the value was complete.
    #[error("bytes: input truncated at offset {offset}, expected {expected}")]
    Truncated {
        offset: usize,
        expected: &'static str,
    },
    /// A complete value was followed by more bytes.
    #[error("bytes: {extra} trailing byte(s) after a complete value of {len} bytes")]
    TrailingBytes { len: usize, extra: usize },
    /// The input is longer than the caller's limit.
    #[error("bytes: input of {len} bytes exceeds the limit of {limit} bytes")]
    TooLarge { len: usize, limit: usize },
    /// The leading format version byte is not one this build reads.
    #[error("bytes: format version {found} is not supported (expected {expected})")]
    BadVersion { found: u8, expected: u8 },
    /// The type tag names another CRDT type or message kind.
    #[error("bytes: type tag {found} where {expected} was expected")]
    BadTag { found: u8, expected: &'static str },
    /// Structurally invalid content: non-canonical order, bad UTF-8, overlong varint, …
    #[error("bytes: malformed at offset {offset}: {reason}")]
    Malformed { offset: usize, reason: String },
    /// Nested JSON-like values deeper than the supported depth.
    #[error("value: nesting deeper than {limit} levels")]
    TooDeep { limit: usize },
    /// A number that JSON cannot hold (NaN or ±Infinity).
    #[error("value: numbers must be finite, got {value}")]
    NonFinite { value: f64 },
    /// A skill score outside [0, 1].
    #[error("score: expected a number in [0, 1], got {value}")]
    BadScore { value: f64 },
    /// A counter would pass 2⁶⁴ − 1.
    #[error("{what}: counter overflow")]
    Overflow { what: &'static str },
    /// A signed envelope carries no valid signature by its key.
    #[error("signature: verification failed for signer {signer}")]
    BadSignature { signer: String },
    /// A signed envelope's key is not among the receiver's trusted keys.
    #[error("signature: signer {signer} is not a trusted key")]
    UnknownSigner { signer: String },
    /// An unsigned update reached a receiver that requires signatures.
    #[error("signature: the update is not signed and this receiver requires signed updates")]
    Unsigned,
    /// A key of the wrong length or an invalid point.
    #[error("key: {reason}")]
    BadKey { reason: String },
}

impl CrdtError {
    pub(crate) fn malformed(offset: usize, reason: impl Into<String>) -> Self {
        CrdtError::Malformed {
            offset,
            reason: reason.into(),
        }
    }
}

impl Classify for CrdtError {
    fn kind(&self) -> ErrorKind {
        match self {
            CrdtError::TooLarge { .. }
            | CrdtError::BadScore { .. }
            | CrdtError::NonFinite { .. } => ErrorKind::Range,
            _ => ErrorKind::Domain,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            CrdtError::Truncated { .. } => "truncated",
            CrdtError::TrailingBytes { .. } => "trailing_bytes",
            CrdtError::TooLarge { .. } => "too_large",
            CrdtError::BadVersion { .. } => "bad_version",
            CrdtError::BadTag { .. } => "bad_tag",
            CrdtError::Malformed { .. } => "malformed",
            CrdtError::TooDeep { .. } => "too_deep",
            CrdtError::NonFinite { .. } => "non_finite",
            CrdtError::BadScore { .. } => "bad_score",
            CrdtError::Overflow { .. } => "overflow",
            CrdtError::BadSignature { .. } => "bad_signature",
            CrdtError::UnknownSigner { .. } => "unknown_signer",
            CrdtError::Unsigned => "unsigned",
            CrdtError::BadKey { .. } => "bad_key",
        }
    }
}
