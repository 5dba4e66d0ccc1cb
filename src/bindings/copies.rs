//! Copies of `Float32Array` arguments into and out of wasm memory.
//!
//! - **Placed for V8's fast copies.** In the threads build wasm memory is a
//!   `SharedArrayBuffer`, and V8 copies between one and an array that is not aligned like it
//!   modulo 8 bytes one byte at a time, 7× slower than between arrays aligned alike (`sgemm` of
//!   64×64 views 4 bytes off an 8-byte boundary took 1.18× the time). The copies here sit at
//!   the JavaScript array's own offset modulo 8 bytes. (The FFT functions' staged path in the
//!   package's `index.js` places its copies the same way.)
//! - **Views of wasm memory** (an `FftPlan`'s buffers, passed on to another function) are
//!   detached, in the single-thread build, when a copy or a result grows the memory. Where their
//!   floats are is read before anything is allocated ([`Placed`]), and a detached view is made
//!   again from that.

use crate::compute::{checks, ComputeError};
use js_sys::{Float32Array, WebAssembly};
use std::ops::{Deref, DerefMut};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// A `Float32Array` argument and where its floats are, read before any copy is made. Functions
/// with several arrays place them all before copying any.
pub struct Placed {
    array: Float32Array,
    offset: u32,
    len: usize,
    in_memory: bool,
}

impl Placed {
    pub fn new(array: &Float32Array) -> Placed {
        // One call into JavaScript, not five: 0.1–0.2 µs of an `fft` of 64 points.
        let at = MEMORY.with(|memory| placement(array, memory));
        Placed {
            array: array.clone(),
            offset: if at < 0.0 { -1.0 - at } else { at } as u32,
            len: array.length() as usize,
            in_memory: at < 0.0,
        }
    }

    /// The array itself, as it was passed.
    pub fn array(&self) -> &Float32Array {
        &self.array
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The array, or a new view of its floats where growth detached it; `BadLength`, naming
    /// `arg`, if its length changed otherwise (a resizable buffer resized meanwhile).
    fn live(&self, arg: &'static str) -> Result<Float32Array, ComputeError> {
        let now = self.array.length() as usize;
        if now == self.len {
            return Ok(self.array.clone());
        }
        if !self.in_memory {
            return Err(ComputeError::BadLength {
                arg,
                shape: "the length it had when the call began".into(),
                expected: self.len,
                actual: now,
            });
        }
        Ok(Float32Array::new_with_byte_offset_and_length(
            &wasm_memory(),
            self.offset,
            self.len as u32,
        ))
    }

    /// Copies the floats into `buf` (of their length).
    pub fn copy_to(&self, arg: &'static str, buf: &mut [f32]) -> Result<(), ComputeError> {
        self.live(arg)?.copy_to(buf);
        Ok(())
    }

    /// A copy of the floats; `TooLarge`, naming `arg`, when memory cannot hold one placed apart
    /// from its allocation's start.
    pub fn copy(&self, arg: &'static str) -> Result<F32Copy, ComputeError> {
        let len = self.len;
        // Allocations start on 8-byte boundaries. Unshared memory is copied at full speed
        // however the two sides sit.
        let at = if cfg!(target_feature = "atomics") {
            self.offset as usize / 4 % 2
        } else {
            0
        };
        if at == 0 && !self.in_memory {
            // Most arrays: `to_vec` writes the copy into fresh capacity, where a zeroed buffer
            // would cost a pass over it (`sgemm` 256: 2 %). It aborts where memory runs out, so
            // large copies reserve their memory first (below 256 KiB, running out here means
            // the next allocation of the call would abort anyway).
            if len > 1 << 16 {
                checks::probe_memory(arg, len.saturating_mul(4))?;
            }
            let buf = self.live(arg)?.to_vec();
            return Ok(F32Copy { buf, at, len });
        }
        let mut buf = checks::filled(arg, len + 1, 0.0f32)?;
        self.copy_to(arg, &mut buf[at..at + len])?;
        Ok(F32Copy { buf, at, len })
    }
}

/// A copy of a `Float32Array` in wasm memory, read as a slice.
pub struct F32Copy {
    buf: Vec<f32>,
    at: usize,
    len: usize,
}

impl F32Copy {
    /// The floats as a vector of their own (moved down a place if the copy sits one float in).
    pub fn into_vec(self) -> Vec<f32> {
        let mut buf = self.buf;
        buf.drain(..self.at);
        buf.truncate(self.len);
        buf
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
pub fn copy_out(arg: &'static str, out: &Placed, result: &[f32]) -> Result<(), ComputeError> {
    let arr = out.live(arg)?;
    if !cfg!(target_feature = "atomics") || odd_floats_apart(out.offset, result) == 0 {
        arr.copy_from(result);
        return Ok(());
    }
    let mut buf = checks::filled(arg, result.len() + 1, 0.0f32)?;
    let at = odd_floats_apart(out.offset, &buf);
    buf[at..at + result.len()].copy_from_slice(result);
    arr.copy_from(&buf[at..at + result.len()]);
    Ok(())
}

#[wasm_bindgen(inline_js = "export function placement(array, memory) {
    return array.buffer === memory.buffer ? -1 - array.byteOffset : array.byteOffset;
}")]
extern "C" {
    /// `array`'s byte offset, or −1 − that offset where it views `memory`'s buffer.
    fn placement(array: &Float32Array, memory: &WebAssembly::Memory) -> f64;
}

thread_local! {
    /// This module's `WebAssembly.Memory`, one object for the module's life.
    static MEMORY: WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
}

/// This module's memory's buffer.
fn wasm_memory() -> JsValue {
    MEMORY.with(|memory| memory.buffer())
}

/// 1 when an array at `byte_offset` in its buffer and `floats` are 4 bytes apart modulo 8, else
/// 0 (both are 4-byte aligned, and buffers start on 8-byte boundaries).
fn odd_floats_apart(byte_offset: u32, floats: &[f32]) -> usize {
    (byte_offset as usize).wrapping_sub(floats.as_ptr() as usize) / 4 % 2
}
