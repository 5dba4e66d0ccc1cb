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
