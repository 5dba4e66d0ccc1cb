//! Per-thread buffers reused across transforms (no allocation or zeroing per call), each
//! starting on a cache line.

use crate::compute::lines::{line_start, slack};
use crate::compute::{checks, ComputeError};
use num_complex::Complex;
use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<Vec<Complex<f32>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with at least `len` scratch values (contents unspecified), 64-byte aligned.
pub(super) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Complex<f32>]) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            let want = len.saturating_add(slack::<Complex<f32>>());
            if s.len() < want {
                s.resize(want, Complex::new(0.0, 0.0));
            }
            let at = line_start(&s);
            f(&mut s[at..at + len])
        }
        // Only if a transform ever ran inside another on one thread: use a private buffer.
        Err(_) => f(&mut vec![Complex::new(0.0, 0.0); len]),
    })
}

thread_local! {
    static INPUT: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Grows `v` to hold `len` floats from its first cache line on, refusing (instead of aborting)
/// when memory cannot; returns where they start.
fn grow(v: &mut Vec<f32>, len: usize, arg: &'static str) -> Result<usize, ComputeError> {
    let too_large = || ComputeError::TooLarge {
        arg,
        shape: format!("{len} floats"),
    };
    let want = len.checked_add(slack::<f32>()).ok_or_else(too_large)?;
    if v.len() < want {
        v.try_reserve_exact(want - v.len())
            .map_err(|_| too_large())?;
        v.resize(want, 0.0);
    }
    Ok(line_start(v))
}

/// Makes the calling thread's input buffer (the one [`with_io`] hands out next) hold at least
/// `len` floats and returns where it starts; `arg` names the input in the error. A caller in
/// another memory (JavaScript) writes a transform's input there, then runs the transform with
/// a fill that leaves it as it is.
pub(super) fn stage_input(len: usize, arg: &'static str) -> Result<*mut f32, ComputeError> {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        let at = grow(&mut i, len, arg)?;
        Ok(i[at..].as_mut_ptr())
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
                let a = grow(&mut i, in_len, "data")?;
                let b = grow(&mut o, out_len, "output")?;
                Ok(f(&mut i[a..a + in_len], &mut o[b..b + out_len]))
            }
            // Only if transforms nest on one thread: private buffers.
            _ => Ok(f(
                &mut checks::filled("data", in_len, 0.0)?,
                &mut checks::filled("output", out_len, 0.0)?,
            )),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_line<T>(s: &[T]) -> bool {
        s.as_ptr() as usize % crate::compute::lines::LINE == 0
    }

    #[test]
    fn buffers_start_on_a_cache_line_and_staging_points_at_the_input() {
        for len in [2, 6, 1000, 4096, 70_000] {
            let staged = stage_input(len, "data").unwrap();
            let io = with_io(len, len + 2, |i, o| {
                (on_line(i), on_line(o), i.as_mut_ptr() == staged)
            });
            assert_eq!(io.unwrap(), (true, true, true), "len {len}");
            assert!(
                with_scratch(len, |s| on_line(s) && s.len() == len),
                "len {len}"
            );
        }
    }
}
