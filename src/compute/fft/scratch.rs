//! A per-thread scratch buffer reused across transforms (no allocation or zeroing per call).

use crate::compute::{checks, ComputeError};
use num_complex::Complex;
use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<Vec<Complex<f32>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with at least `len` scratch values (contents unspecified).
pub(super) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Complex<f32>]) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            if s.len() < len {
                s.resize(len, Complex::new(0.0, 0.0));
            }
            f(&mut s[..len])
        }
        // Only if a transform ever ran inside another on one thread: use a private buffer.
        Err(_) => f(&mut vec![Complex::new(0.0, 0.0); len]),
    })
}

thread_local! {
    static INPUT: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Grows `v` to at least `len` floats, refusing (instead of aborting) when memory cannot.
fn grow(v: &mut Vec<f32>, len: usize, arg: &'static str) -> Result<(), ComputeError> {
    if v.len() < len {
        v.try_reserve_exact(len - v.len())
            .map_err(|_| ComputeError::TooLarge {
                arg,
                shape: format!("{len} floats"),
            })?;
        v.resize(len, 0.0);
    }
    Ok(())
}

/// Makes the calling thread's input buffer (the one [`with_io`] hands out next) hold at least
/// `len` floats and returns where it starts; `arg` names the input in the error. A caller in
/// another memory (JavaScript) writes a transform's input there, then runs the transform with
/// a fill that leaves it as it is.
pub(super) fn stage_input(len: usize, arg: &'static str) -> Result<*mut f32, ComputeError> {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        grow(&mut i, len, arg)?;
        Ok(i.as_mut_ptr())
    })
}

/// Runs `f` with per-thread input and output buffers of `in_len` and `out_len` floats
/// (contents unspecified), so a transform called from JavaScript allocates nothing in wasm.
pub(super) fn with_io<R>(
    in_len: usize,
    out_len: usize,
    f: impl FnOnce(&mut [f32], &mut [f32]) -> R,
) -> Result<R, ComputeError> {
    INPUT.with(|i| {
        OUTPUT.with(|o| match (i.try_borrow_mut(), o.try_borrow_mut()) {
            (Ok(mut i), Ok(mut o)) => {
                grow(&mut i, in_len, "data")?;
                grow(&mut o, out_len, "output")?;
                Ok(f(&mut i[..in_len], &mut o[..out_len]))
            }
            // Only if transforms nest on one thread: private buffers.
            _ => Ok(f(
                &mut checks::filled("data", in_len, 0.0)?,
                &mut checks::filled("output", out_len, 0.0)?,
            )),
        })
    })
}
