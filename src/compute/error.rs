use crate::error::{Classify, ErrorKind};

/// Why a compute call refused its arguments.
///
/// ```
/// use katalyst::compute::{fft, ComputeError};
/// assert!(matches!(fft(&[1.0, 2.0, 3.0], false), Err(ComputeError::NotInterleaved { .. })));
/// ```
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
    #[error("{arg}: {shape} overflow the addressable size or available memory")]
    TooLarge { arg: &'static str, shape: String },
    /// An interleaved complex buffer with an odd or zero length.
    #[error("{arg}: expected an even length ≥ 2 (interleaved re, im pairs), got {actual}")]
    NotInterleaved { arg: &'static str, actual: usize },
    /// A batch buffer whose length is not a positive multiple of one row.
    #[error(
        "{arg}: expected a length that is a positive multiple of {unit} ({what}), got {actual}"
    )]
    NotMultiple {
        arg: &'static str,
        unit: usize,
        what: String,
        actual: usize,
    },
    /// NaN or ±Infinity where only finite numbers make sense.
    #[error("{arg}: expected finite numbers, got {value} at index {index}")]
    NonFinite {
        arg: &'static str,
        index: usize,
        value: f32,
    },
    /// More clusters than points.
    #[error("k: expected at most n = {n} clusters (one point each), got {k}")]
    TooManyClusters { k: usize, n: usize },
    /// An option outside its allowed range.
    #[error("{arg}: expected {expected}, got {actual}")]
    BadOption {
        arg: &'static str,
        expected: &'static str,
        actual: String,
    },
}

impl Classify for ComputeError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Range
    }
    fn code(&self) -> &'static str {
        match self {
            ComputeError::BadLength { .. }
            | ComputeError::NotInterleaved { .. }
            | ComputeError::NotMultiple { .. } => "bad_length",
            ComputeError::BadDimension { .. } => "bad_dimension",
            ComputeError::TooLarge { .. } => "too_large",
            ComputeError::NonFinite { .. } => "not_finite",
            ComputeError::TooManyClusters { .. } => "k_exceeds_n",
            ComputeError::BadOption { .. } => "bad_option",
        }
    }
}
