//! Complex transforms over interleaved `re, im` buffers: one signal, batches of rows, 2-D grids.

use super::scratch::with_scratch;
use super::{as_complex, plans};
use num_complex::Complex;
use rayon::prelude::*;
use rustfft::Fft;

/// Rows per parallel task are chosen so each task has at least this many points.
const PARALLEL_MIN_POINTS: usize = 1 << 14;

/// Transforms every `n`-point row of `buf` in place, scaling inverse transforms by 1/n.
pub(super) fn rows_in_place(buf: &mut [Complex<f32>], n: usize, inverse: bool) {
    let plan = plans::complex(n, inverse);
    let rows = buf.len() / n;
    let run = |chunk: &mut [Complex<f32>]| {
        with_scratch(plan.get_inplace_scratch_len(), |s| {
            plan.process_with_scratch(chunk, s)
        });
        if inverse {
            let s = 1.0 / n as f32;
            for z in chunk.iter_mut() {
                *z *= s;
            }
        }
    };
    let threads = crate::parallel::threads();
    if threads > 1 && rows > 1 && buf.len() >= 2 * PARALLEL_MIN_POINTS {
        let per_task = rows
            .div_ceil(4 * threads)
            .max(PARALLEL_MIN_POINTS.div_ceil(n));
        buf.par_chunks_mut(per_task * n).for_each(run);
    } else {
        run(buf);
    }
}

/// One transform of interleaved `input` (clobbered) into `output` with its plan, scaling an
/// inverse by 1/n.
pub(super) fn one_into(plan: &dyn Fft<f32>, input: &mut [f32], output: &mut [f32]) {
    with_scratch(plan.get_outofplace_scratch_len(), |s| {
        plan.process_outofplace_with_scratch(as_complex(input), as_complex(output), s)
    });
    if plan.fft_direction() == rustfft::FftDirection::Inverse {
        let scale = 1.0 / plan.len() as f32;
        output.iter_mut().for_each(|v| *v *= scale);
    }
}

/// `rows×cols` complex grid transposed into `out` (`cols×rows`).
pub(super) fn transpose(src: &[Complex<f32>], rows: usize, cols: usize, out: &mut [Complex<f32>]) {
    const B: usize = 32;
    for r0 in (0..rows).step_by(B) {
        for c0 in (0..cols).step_by(B) {
            for r in r0..(r0 + B).min(rows) {
                for c in c0..(c0 + B).min(cols) {
                    out[c * rows + r] = src[r * cols + c];
                }
            }
        }
    }
}
