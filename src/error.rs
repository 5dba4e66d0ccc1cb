//! How core errors are classified for callers in other languages.
//!
//! Each module has its own error enum (with `thiserror`); each implements [`Classify`] so the
//! bindings can map every error to a JavaScript `RangeError`, `TypeError` or `KatalystError`
//! with a stable `code` in one place.

/// The family of a failure, which decides the JavaScript error class it becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A size, length, count or numeric value out of its allowed range (`RangeError`).
    Range,
    /// A value of the wrong kind (`TypeError`).
    Type,
    /// A domain failure on well-formed input: bad signature encoding, malformed bytes, … (`KatalystError`).
    Domain,
}

/// Implemented by every module's error type.
///
/// ```
/// use katalyst::error::{Classify, ErrorKind};
/// let e = katalyst::compute::sgemm(&[1.0], &[1.0], 1, 2, 1, &Default::default()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::Range);
/// assert_eq!(e.code(), "bad_length");
/// ```
pub trait Classify: std::error::Error {
    /// Which JavaScript error class this becomes.
    fn kind(&self) -> ErrorKind;
    /// A short stable machine-readable code, e.g. `"bad_length"`.
    fn code(&self) -> &'static str;
}
