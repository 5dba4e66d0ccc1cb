use crate::error::{Classify, ErrorKind};

/// Why a compute call refused its arguments.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComputeError {
    /// A buffer's length does not match the dimensions given with it.
    #[error("{arg}: expected length {expected} ({shape}), got {actual}")]
    BadLength {
        arg: &'static str,
        shape: String,
        expected: usize,
        actual: usize,
    },
    /// A dimension is zero.
    #[error("{arg}: expected an integer ≥ 1, got {actual}")]
    BadDimension { arg: &'static str, actual: usize },
    /// The dimensions describe a buffer larger than memory can hold.
    #[error("{arg}: {shape} elements overflow the addressable size")]
    TooLarge { arg: &'static str, shape: String },
}

impl Classify for ComputeError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Range
    }
    fn code(&self) -> &'static str {
        match self {
            ComputeError::BadLength { .. } => "bad_length",
            ComputeError::BadDimension { .. } => "bad_dimension",
            ComputeError::TooLarge { .. } => "too_large",
        }
    }
}
