//! One transform of a fixed length with input and output buffers of its own, so that a caller
//! in another memory (JavaScript, through views of wasm memory) writes the input and reads the
//! result in place: nothing is copied across the boundary or allocated per run.

use super::{as_complex, complex, plans, real};
use crate::compute::lines::{line_start, slack};
use crate::compute::{checks, ComputeError};
use realfft::{ComplexToReal, RealToComplex};
use rustfft::Fft;
use std::sync::Arc;

/// What an [`FftPlan`] computes; NumPy's conventions, as [`fft`](super::fft), [`rfft`](super::rfft)
/// and [`irfft`](super::irfft).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FftKind {
    /// The complex DFT: 2n floats (interleaved `re, im`) in and out.
    Complex,
    /// The inverse complex DFT, scaled by 1/n: 2n floats in and out.
    ComplexInverse,
    /// The DFT of n real samples: n floats in, n/2+1 interleaved bins (2·(n/2+1) floats) out.
    Real,
    /// n real samples, scaled by 1/n, from n/2+1 interleaved bins: 2·(n/2+1) floats in, n out.
    /// The imaginary parts of bin 0 (and bin n/2 for even n) are ignored.
    RealInverse,
}

impl FftKind {
    /// The kind that `real` and `inverse` name, as in `new FftPlan(n, {real, inverse})`.
    ///
    /// ```
    /// use katalyst::compute::FftKind;
    /// assert_eq!(FftKind::new(true, false), FftKind::Real);
    /// assert!(FftKind::RealInverse.is_real() && FftKind::RealInverse.is_inverse());
    /// ```
    pub fn new(real: bool, inverse: bool) -> FftKind {
        match (real, inverse) {
            (false, false) => FftKind::Complex,
            (false, true) => FftKind::ComplexInverse,
            (true, false) => FftKind::Real,
            (true, true) => FftKind::RealInverse,
        }
    }

    /// Whether one side of the transform is real samples.
    pub fn is_real(self) -> bool {
        matches!(self, FftKind::Real | FftKind::RealInverse)
    }

    /// Whether the transform is an inverse one (scaled by 1/n).
    pub fn is_inverse(self) -> bool {
        matches!(self, FftKind::ComplexInverse | FftKind::RealInverse)
    }
}

enum Transform {
    Complex(Arc<dyn Fft<f32>>),
    Real(Arc<dyn RealToComplex<f32>>),
    RealInverse(Arc<dyn ComplexToReal<f32>>),
}

/// A transform of `n` points with its own buffers: write [`FftPlan::input`], call
/// [`FftPlan::run`], read [`FftPlan::output`]. Each buffer starts on a cache line and never
/// moves. `run` uses the input as scratch, so it must be written again before the next run.
///
/// ```
/// use katalyst::compute::{FftKind, FftPlan};
/// let mut plan = FftPlan::new(4, FftKind::Real).unwrap();
/// plan.input().copy_from_slice(&[1.0, 2.0, 3.0, 4.0]);
/// plan.run();
/// assert_eq!(plan.output(), &[10.0, 0.0, -2.0, 2.0, -2.0, 0.0]);
/// ```
pub struct FftPlan {
    kind: FftKind,
    n: usize,
    transform: Transform,
    input: Vec<f32>,
    input_at: usize,
    input_len: usize,
    output: Vec<f32>,
    output_at: usize,
    output_len: usize,
}

impl FftPlan {
    /// A plan for `n` ≥ 1 points; `TooLarge` when its buffers would not fit in memory.
    pub fn new(n: usize, kind: FftKind) -> Result<FftPlan, ComputeError> {
        checks::dim("n", n)?;
        let complex_len = checks::elements("n", n, 2)?;
        let bins_len = checks::elements("n", n / 2 + 1, 2)?;
        let (input_len, output_len) = match kind {
            FftKind::Complex | FftKind::ComplexInverse => (complex_len, complex_len),
            FftKind::Real => (n, bins_len),
            FftKind::RealInverse => (bins_len, n),
        };
        let (input, input_at) = line_buffer("input", input_len)?;
        let (output, output_at) = line_buffer("output", output_len)?;
        // The plan's tables and the thread's scratch take about three complex values a point
        // (Bluestein's algorithm more, for few lengths): refuse here what memory cannot give
        // rather than abort while planning or in `run`.
        checks::probe_memory("n", n.saturating_mul(48))?;
        let transform = match kind {
            FftKind::Complex => Transform::Complex(plans::complex(n, false)),
            FftKind::ComplexInverse => Transform::Complex(plans::complex(n, true)),
            FftKind::Real => Transform::Real(plans::real_forward(n)),
            FftKind::RealInverse => Transform::RealInverse(plans::real_inverse(n)),
        };
        Ok(FftPlan {
            kind,
            n,
            transform,
            input,
            input_at,
            input_len,
            output,
            output_at,
            output_len,
        })
    }

    /// The transform's length in points.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Always false: a plan has at least one point.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// What the plan computes.
    pub fn kind(&self) -> FftKind {
        self.kind
    }

    /// The input buffer (contents after [`FftPlan::run`] unspecified).
    pub fn input(&mut self) -> &mut [f32] {
        &mut self.input[self.input_at..self.input_at + self.input_len]
    }

    /// The result of the last [`FftPlan::run`] (zeros before the first).
    pub fn output(&self) -> &[f32] {
        &self.output[self.output_at..self.output_at + self.output_len]
    }

    /// Transforms the input into the output.
    pub fn run(&mut self) {
        let input = &mut self.input[self.input_at..self.input_at + self.input_len];
        let output = &mut self.output[self.output_at..self.output_at + self.output_len];
        match &self.transform {
            Transform::Complex(plan) => complex::one_into(&**plan, input, output),
            Transform::Real(plan) => real::forward_with(&**plan, input, as_complex(output)),
            Transform::RealInverse(plan) => real::inverse_with(&**plan, as_complex(input), output),
        }
    }
}

/// A zeroed buffer of `len` floats from a cache line on, and where they start.
fn line_buffer(arg: &'static str, len: usize) -> Result<(Vec<f32>, usize), ComputeError> {
    let padded = len
        .checked_add(slack::<f32>())
        .ok_or(ComputeError::TooLarge {
            arg,
            shape: format!("{len} floats"),
        })?;
    let v = checks::filled(arg, padded, 0.0f32)?;
    let at = line_start(&v);
    Ok((v, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_two_flags() {
        for (real, inverse) in [(false, false), (false, true), (true, false), (true, true)] {
            let kind = FftKind::new(real, inverse);
            assert_eq!(
                (kind.is_real(), kind.is_inverse()),
                (real, inverse),
                "{kind:?}"
            );
        }
        assert_eq!(FftKind::new(false, true), FftKind::ComplexInverse);
    }

    #[test]
    fn bad_lengths_are_refused() {
        assert!(matches!(
            FftPlan::new(0, FftKind::Complex),
            Err(ComputeError::BadDimension { arg: "n", .. })
        ));
        assert!(matches!(
            FftPlan::new(usize::MAX / 2, FftKind::Real),
            Err(ComputeError::TooLarge { .. })
        ));
    }
}
