//! Copies of `Float32Array`s into and out of wasm memory, placed for V8's fast copies.
//!
//! In the threads build wasm memory is a `SharedArrayBuffer`, and V8 copies between one and an
//! array that is not aligned like it modulo 8 bytes one byte at a time, 7× slower than between
//! arrays aligned alike (`sgemm` of 32×32 views 4 bytes off an 8-byte boundary took 1.3× the
//! time). The copies here sit at the JavaScript array's own offset modulo 8 bytes. (The FFT
//! functions' staged path in the package's `index.js` places its copies the same way.)

use crate::compute::{checks, ComputeError};
use js_sys::Float32Array;
use std::ops::{Deref, DerefMut};

/// A copy of a `Float32Array` in wasm memory, read as a slice.
pub struct F32Copy {
    buf: Vec<f32>,
    at: usize,
    len: usize,
}

impl F32Copy {
    /// Copies `array`; `TooLarge`, naming `arg`, when memory cannot hold the copy.
    pub fn of(arg: &'static str, array: &Float32Array) -> Result<F32Copy, ComputeError> {
        let len = array.length() as usize;
        let mut buf = checks::filled(arg, len + 1, 0.0f32)?;
        let at = odd_floats_apart(array, &buf);
        array.copy_to(&mut buf[at..at + len]);
        Ok(F32Copy { buf, at, len })
    }
}

impl Deref for F32Copy {
    type Target = [f32];

    fn deref(&self) -> &[f32] {
        &self.buf[self.at..self.at + self.len]
    }
}

impl DerefMut for F32Copy {
    fn deref_mut(&mut self) -> &mut [f32] {
        &mut self.buf[self.at..self.at + self.len]
    }
}

/// Copies `result` into `out` (of the same length), through a copy placed like `out` where
/// wasm memory is shared and `result` is not.
pub fn copy_out(arg: &'static str, out: &Float32Array, result: &[f32]) -> Result<(), ComputeError> {
    if !cfg!(target_feature = "atomics") || odd_floats_apart(out, result) == 0 {
        out.copy_from(result);
        return Ok(());
    }
    let mut buf = checks::filled(arg, result.len() + 1, 0.0f32)?;
    let at = odd_floats_apart(out, &buf);
    buf[at..at + result.len()].copy_from_slice(result);
    out.copy_from(&buf[at..at + result.len()]);
    Ok(())
}

/// 1 when `array` and `floats` are 4 bytes apart modulo 8, else 0 (both are 4-byte aligned).
fn odd_floats_apart(array: &Float32Array, floats: &[f32]) -> usize {
    let bytes = (array.byte_offset() as usize).wrapping_sub(floats.as_ptr() as usize);
    bytes / 4 % 2
}
