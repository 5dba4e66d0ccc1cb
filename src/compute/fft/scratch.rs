//! A per-thread scratch buffer reused across transforms (no allocation or zeroing per call).

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

/// Runs `f` with per-thread input and output buffers of `in_len` and `out_len` floats
/// (contents unspecified), so a transform called from JavaScript allocates nothing in wasm.
pub(super) fn with_io<R>(
    in_len: usize,
    out_len: usize,
    f: impl FnOnce(&mut [f32], &mut [f32]) -> R,
) -> R {
    INPUT.with(|i| {
        OUTPUT.with(|o| match (i.try_borrow_mut(), o.try_borrow_mut()) {
            (Ok(mut i), Ok(mut o)) => {
                if i.len() < in_len {
                    i.resize(in_len, 0.0);
                }
                if o.len() < out_len {
                    o.resize(out_len, 0.0);
                }
                f(&mut i[..in_len], &mut o[..out_len])
            }
            // Only if transforms nest on one thread: private buffers.
            _ => f(&mut vec![0.0; in_len], &mut vec![0.0; out_len]),
        })
    })
}
