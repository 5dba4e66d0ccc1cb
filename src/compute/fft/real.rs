//! Real-input transforms (realfft): n real samples ↔ n/2+1 complex bins.

use super::plans;
use super::scratch::with_scratch;
use num_complex::Complex;
use rayon::prelude::*;
use realfft::{ComplexToReal, FftError, RealToComplex};

const PARALLEL_MIN_POINTS: usize = 1 << 14;

/// Forward transforms of every `n`-sample row of `input` (clobbered) into `out` rows of
/// n/2+1 bins.
pub(super) fn forward_rows(input: &mut [f32], n: usize, out: &mut [Complex<f32>]) {
    let plan = plans::real_forward(n);
    let bins = n / 2 + 1;
    let run = |(src, dst): (&mut [f32], &mut [Complex<f32>])| forward_with(&*plan, src, dst);
    let rows = input.len() / n;
    let threads = crate::parallel::threads();
    if threads > 1 && rows > 1 && input.len() >= 2 * PARALLEL_MIN_POINTS {
        let per_task = rows
            .div_ceil(4 * threads)
            .max(PARALLEL_MIN_POINTS.div_ceil(n));
        input
            .par_chunks_mut(per_task * n)
            .zip(out.par_chunks_mut(per_task * bins))
            .for_each(run);
    } else {
        run((input, out));
    }
}

/// Inverse transform of n/2+1 bins (clobbered) into `n` samples, scaled by 1/n. The imaginary
/// parts of the DC bin (and of the Nyquist bin for even n) are ignored, as NumPy does.
pub(super) fn inverse(spectrum: &mut [Complex<f32>], n: usize, out: &mut [f32]) {
    inverse_with(&*plans::real_inverse(n), spectrum, out);
}

/// [`inverse`] with its plan (`out.len()` points), which scales by 1/n itself, as every plan of
/// [`plans::real_inverse`] does.
pub(super) fn inverse_with(
    plan: &dyn ComplexToReal<f32>,
    spectrum: &mut [Complex<f32>],
    out: &mut [f32],
) {
    let n = out.len();
    if let Some(z) = spectrum.first_mut() {
        z.im = 0.0;
    }
    if n % 2 == 0 {
        if let Some(z) = spectrum.last_mut() {
            z.im = 0.0;
        }
    }
    with_scratch(plan.get_scratch_len(), |scratch| {
        let _ = plan.process_with_scratch(spectrum, out, scratch);
    });
}

/// realfft's inverse of even lengths (the native builds'), its output scaled by 1/n as the
/// inverses of `real_odd` and `real_simd128` scale theirs (in passes they make anyway).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(super) struct ScaledInverse(pub(super) realfft::ComplexToRealEven<f32>);

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
impl ComplexToReal<f32> for ScaledInverse {
    fn process(&self, input: &mut [Complex<f32>], output: &mut [f32]) -> Result<(), FftError> {
        self.process_with_scratch(input, output, &mut self.make_scratch_vec())
    }

    fn process_with_scratch(
        &self,
        input: &mut [Complex<f32>],
        output: &mut [f32],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        let r = self.0.process_with_scratch(input, output, scratch);
        // Only wrong lengths leave the output unwritten; `InputValues` comes after the transform.
        if matches!(r, Ok(()) | Err(FftError::InputValues(..))) {
            let s = 1.0 / self.0.len() as f32;
            output.iter_mut().for_each(|x| *x *= s);
        }
        r
    }

    fn get_scratch_len(&self) -> usize {
        self.0.get_scratch_len()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn make_input_vec(&self) -> Vec<Complex<f32>> {
        self.0.make_input_vec()
    }

    fn make_output_vec(&self) -> Vec<f32> {
        self.0.make_output_vec()
    }

    fn make_scratch_vec(&self) -> Vec<Complex<f32>> {
        self.0.make_scratch_vec()
    }
}

/// Forward transforms of every row of `input` (clobbered; rows of the plan's n samples) into
/// `out` rows of n/2+1 bins with its plan, on this thread.
pub(super) fn forward_with(
    plan: &dyn RealToComplex<f32>,
    input: &mut [f32],
    out: &mut [Complex<f32>],
) {
    let n = plan.len();
    with_scratch(plan.get_scratch_len(), |scratch| {
        for (x, y) in input
            .chunks_exact_mut(n)
            .zip(out.chunks_exact_mut(n / 2 + 1))
        {
            // Lengths match the plan by construction, the only error realfft reports.
            let _ = plan.process_with_scratch(x, y, scratch);
        }
    });
}

/// realfft's buffer checks, in its order: input, output, then scratch (at least).
pub(super) fn check_lengths(
    (input, want_input): (usize, usize),
    (output, want_output): (usize, usize),
    (scratch, want_scratch): (usize, usize),
) -> Result<(), FftError> {
    if input != want_input {
        return Err(FftError::InputBuffer(want_input, input));
    }
    if output != want_output {
        return Err(FftError::OutputBuffer(want_output, output));
    }
    if scratch < want_scratch {
        return Err(FftError::ScratchBuffer(want_scratch, scratch));
    }
    Ok(())
}
