//! Real transforms of odd lengths. The algorithm is realfft's: the samples as complex numbers
//! go through a complex FFT of the same length, and the inverse first completes the Hermitian
//! half of the spectrum. realfft plans that FFT with a planner of its own; here it comes from
//! the plan cache, so on wasm a length with a prime factor above 31 runs Bluestein's algorithm
//! over Katalyst's power-of-two kernel instead of Rader's (`rfft` of 1009 samples: 2–3× faster).

use super::real::check_lengths;
use num_complex::Complex;
use realfft::{ComplexToReal, FftError, RealToComplex};
use rustfft::Fft;
use std::sync::Arc;

/// realfft's scratch for odd lengths: the full-length complex buffer, then the FFT's own.
fn scratch_len(fft: &dyn Fft<f32>) -> usize {
    fft.len() + fft.get_inplace_scratch_len()
}

/// The forward transform of an odd number of samples on `fft`, the forward complex FFT of that
/// length.
pub(super) struct RealToComplexOdd {
    fft: Arc<dyn Fft<f32>>,
}

impl RealToComplexOdd {
    pub(super) fn new(fft: Arc<dyn Fft<f32>>) -> Self {
        debug_assert!(fft.len() % 2 == 1);
        RealToComplexOdd { fft }
    }
}

impl RealToComplex<f32> for RealToComplexOdd {
    fn process(&self, input: &mut [f32], output: &mut [Complex<f32>]) -> Result<(), FftError> {
        self.process_with_scratch(input, output, &mut self.make_scratch_vec())
    }

    fn process_with_scratch(
        &self,
        input: &mut [f32],
        output: &mut [Complex<f32>],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        let n = self.fft.len();
        check_lengths(
            (input.len(), n),
            (output.len(), self.complex_len()),
            (scratch.len(), self.get_scratch_len()),
        )?;
        let (buffer, fft_scratch) = scratch.split_at_mut(n);
        for (z, &x) in buffer.iter_mut().zip(input.iter()) {
            *z = Complex::new(x, 0.0);
        }
        self.fft.process_with_scratch(
            buffer,
            &mut fft_scratch[..self.fft.get_inplace_scratch_len()],
        );
        output.copy_from_slice(&buffer[..output.len()]);
        output[0].im = 0.0;
        Ok(())
    }

    fn get_scratch_len(&self) -> usize {
        scratch_len(self.fft.as_ref())
    }

    fn len(&self) -> usize {
        self.fft.len()
    }

    fn make_input_vec(&self) -> Vec<f32> {
        vec![0.0; self.len()]
    }

    fn make_output_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.complex_len()]
    }

    fn make_scratch_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.get_scratch_len()]
    }
}

/// The inverse transform to an odd number of samples on `fft`, the inverse complex FFT of that
/// length, scaled by 1/n (NumPy's `irfft`; realfft's is unnormalised).
pub(super) struct ComplexToRealOdd {
    fft: Arc<dyn Fft<f32>>,
}

impl ComplexToRealOdd {
    pub(super) fn new(fft: Arc<dyn Fft<f32>>) -> Self {
        debug_assert!(fft.len() % 2 == 1);
        ComplexToRealOdd { fft }
    }
}

impl ComplexToReal<f32> for ComplexToRealOdd {
    fn process(&self, input: &mut [Complex<f32>], output: &mut [f32]) -> Result<(), FftError> {
        self.process_with_scratch(input, output, &mut self.make_scratch_vec())
    }

    /// As realfft's: a nonzero imaginary part of the first bin is reported (`InputValues`)
    /// after the transform, which ignores it as NumPy does.
    fn process_with_scratch(
        &self,
        input: &mut [Complex<f32>],
        output: &mut [f32],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        let n = self.fft.len();
        check_lengths(
            (input.len(), self.complex_len()),
            (output.len(), n),
            (scratch.len(), self.get_scratch_len()),
        )?;
        let first_im = std::mem::take(&mut input[0].im);
        let (buffer, fft_scratch) = scratch.split_at_mut(n);
        buffer[..input.len()].copy_from_slice(input);
        // X[n − k] = conj(X[k]) for k = 1 ..= n/2.
        for (z, x) in buffer.iter_mut().rev().zip(&input[1..]) {
            *z = x.conj();
        }
        self.fft.process_with_scratch(
            buffer,
            &mut fft_scratch[..self.fft.get_inplace_scratch_len()],
        );
        let scale = 1.0 / n as f32;
        for (x, z) in output.iter_mut().zip(buffer.iter()) {
            *x = z.re * scale;
        }
        if first_im != 0.0 {
            return Err(FftError::InputValues(true, false));
        }
        Ok(())
    }

    fn get_scratch_len(&self) -> usize {
        scratch_len(self.fft.as_ref())
    }

    fn len(&self) -> usize {
        self.fft.len()
    }

    fn make_input_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.complex_len()]
    }

    fn make_output_vec(&self) -> Vec<f32> {
        vec![0.0; self.len()]
    }

    fn make_scratch_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.get_scratch_len()]
    }
}
