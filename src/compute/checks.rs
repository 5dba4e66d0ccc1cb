//! Argument checks shared by the compute kernels: dimensions, buffer lengths, allocation.

use super::ComputeError;

/// Refuses a zero dimension.
pub(crate) fn dim(arg: &'static str, v: usize) -> Result<usize, ComputeError> {
    if v == 0 {
        return Err(ComputeError::BadDimension { arg, actual: v });
    }
    Ok(v)
}

/// `rows·cols`, refusing products that overflow or exceed what one `Vec<f32>` may hold.
pub(crate) fn elements(arg: &'static str, rows: usize, cols: usize) -> Result<usize, ComputeError> {
    rows.checked_mul(cols)
        .filter(|&n| n <= isize::MAX as usize / 8)
        .ok_or_else(|| ComputeError::TooLarge {
            arg,
            shape: format!("{rows}×{cols}"),
        })
}

/// Checks that `buf` holds exactly `rows·cols` values.
pub(crate) fn shape(
    arg: &'static str,
    buf_len: usize,
    rows: usize,
    cols: usize,
) -> Result<(), ComputeError> {
    let expected = elements(arg, rows, cols)?;
    if buf_len != expected {
        return Err(ComputeError::BadLength {
            arg,
            shape: format!("{rows}×{cols}"),
            expected,
            actual: buf_len,
        });
    }
    Ok(())
}

/// A vector of `len` copies of `value`, or [`ComputeError::TooLarge`] when memory refuses it
/// (instead of aborting the process).
pub(crate) fn filled<T: Clone>(
    arg: &'static str,
    len: usize,
    value: T,
) -> Result<Vec<T>, ComputeError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| ComputeError::TooLarge {
            arg,
            shape: format!("{len} elements"),
        })?;
    v.resize(len, value);
    Ok(v)
}

/// Refuses (with [`ComputeError::TooLarge`]) a computation whose working memory of `bytes`
/// cannot be had, by reserving it once up front: growing memory then fails here, as an error,
/// rather than aborting in the middle (the freed block is reused by the allocator).
pub(crate) fn probe_memory(arg: &'static str, bytes: usize) -> Result<(), ComputeError> {
    let mut v: Vec<u8> = Vec::new();
    v.try_reserve_exact(bytes)
        .map_err(|_| ComputeError::TooLarge {
            arg,
            shape: format!("{bytes} bytes of working memory"),
        })
}
