//! Fast Fourier transforms on `rustfft` (SIMD128 planner on wasm32) and `realfft`, NumPy
//! conventions: forward unnormalised, inverse scaled by 1/n, complex data interleaved
//! `re, im`, real transforms returning the n/2+1 non-negative-frequency bins. On wasm, powers
//! of two from 64 points run our own SIMD128 passes behind rustfft's `Fft` trait, and the real
//! transforms of even lengths realfft's algorithm with its O(n) pass in SIMD128.
//!
//! Files: `plans` (the shared plan cache and planner choice), `complex`, `real`, `fft_plan`
//! (one transform with buffers of its own), `pow2_simd128` (power-of-two complex FFTs on
//! wasm), `real_simd128` (the O(n) pass of even-length real transforms on wasm), `scratch`.

mod complex;
mod fft_plan;
mod plans;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod pow2_simd128;
mod real;
mod real_odd;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod real_simd128;
mod scratch;

use super::{checks, ComputeError};
pub use fft_plan::{FftKind, FftPlan};
use num_complex::Complex;
pub(crate) use scratch::Input;
use scratch::{copy_of, Fill};

/// The instruction set of rustfft's planner in use (the lengths it plans; powers of two from 64
/// points on wasm run Katalyst's own SIMD128 passes): `"wasm_simd"` on wasm32 with SIMD128,
/// `"avx"`, `"sse"` or `"neon"` natively, `"scalar"` when none applies.
///
/// ```
/// let b = katalyst::compute::fft_backend();
/// assert!(["wasm_simd", "avx", "sse", "neon", "scalar"].contains(&b));
/// ```
pub fn backend() -> &'static str {
    plans::backend()
}

fn as_complex(v: &mut [f32]) -> &mut [Complex<f32>] {
    bytemuck::cast_slice_mut(v)
}

/// The DFT of one complex signal of `data.len() / 2` points (interleaved `re, im`), any length
/// ≥ 1 including primes; `inverse` scales by 1/n.
///
/// ```
/// // The DFT of [1, 0, 0, 0] is all ones.
/// let x = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
/// let y = katalyst::compute::fft(&x, false).unwrap();
/// assert_eq!(y, vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
/// assert_eq!(katalyst::compute::fft(&y, true).unwrap(), x.to_vec());
/// ```
pub fn fft(data: &[f32], inverse: bool) -> Result<Vec<f32>, ComputeError> {
    fft_streamed(
        data.len(),
        inverse,
        Input::Fill(copy_of(data)),
        <[f32]>::to_vec,
    )
}

/// One complex transform of `len` floats without allocating: the interleaved input is written
/// into a reused buffer (`Input::Fill`) or was staged there ([`stage_input`]), `take` reads the
/// result (the bindings' path, where both sides are JavaScript arrays).
pub(crate) fn fft_streamed<R>(
    len: usize,
    inverse: bool,
    input: Input<impl Fill>,
    take: impl FnOnce(&[f32]) -> R,
) -> Result<R, ComputeError> {
    if len == 0 || len % 2 != 0 {
        return Err(ComputeError::NotInterleaved {
            arg: "data",
            actual: len,
        });
    }
    let plan = plans::complex(len / 2, inverse);
    scratch::with_io(input, len, len, |input, output| {
        complex::one_into(&*plan, input, output);
        take(output)
    })
}

/// One real transform of `n` samples without allocating (see [`fft_streamed`]).
pub(crate) fn rfft_streamed<R>(
    n: usize,
    input: Input<impl Fill>,
    take: impl FnOnce(&[f32]) -> R,
) -> Result<R, ComputeError> {
    checks::dim("signal.length", n)?;
    let bins = checks::elements("signal", n / 2 + 1, 2)?;
    scratch::with_io(input, n, bins, |input, output| {
        real::forward_rows(input, n, as_complex(output));
        take(output)
    })
}

/// The inverse real transform of `n` samples without allocating (see [`fft_streamed`]): the
/// input is the `spectrum_len` floats of the spectrum, which must be n/2+1 interleaved bins.
pub(crate) fn irfft_streamed<R>(
    n: usize,
    spectrum_len: usize,
    input: Input<impl Fill>,
    take: impl FnOnce(&[f32]) -> R,
) -> Result<R, ComputeError> {
    checks::dim("n", n)?;
    checks::shape("spectrum", spectrum_len, n / 2 + 1, 2)?;
    scratch::with_io(input, spectrum_len, n, |input, output| {
        real::inverse(as_complex(input), n, output);
        take(output)
    })
}

/// Where the calling thread's `*_streamed` transforms with `Input::Staged` find their input,
/// made to hold `len` floats; it moves only when this grows it. The bindings' staged path
/// writes JavaScript's input there, so a call crosses the boundary once and makes no views.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn stage_input(len: usize, arg: &'static str) -> Result<*mut f32, ComputeError> {
    scratch::stage_input(len, arg)
}

/// DFTs of every `n`-point row of `data` (rows × n complex values, interleaved), in parallel
/// when allowed.
///
/// ```
/// // Two rows of 2 points: [1, 1] → [2, 0] and [1, -1] → [0, 2].
/// let y = katalyst::compute::fft_batch(&[1., 0., 1., 0., 1., 0., -1., 0.], 2, false).unwrap();
/// assert_eq!(y, vec![2., 0., 0., 0., 0., 0., 2., 0.]);
/// ```
pub fn fft_batch(data: &[f32], n: usize, inverse: bool) -> Result<Vec<f32>, ComputeError> {
    batch_rows(data.len(), n)?;
    let mut data = data.to_vec();
    fft_batch_in_place(&mut data, n, inverse)?;
    Ok(data)
}

/// [`fft_batch`] in place.
pub(crate) fn fft_batch_in_place(
    data: &mut [f32],
    n: usize,
    inverse: bool,
) -> Result<(), ComputeError> {
    batch_rows(data.len(), n)?;
    complex::rows_in_place(as_complex(data), n, inverse);
    Ok(())
}

fn batch_rows(len: usize, n: usize) -> Result<usize, ComputeError> {
    checks::dim("n", n)?;
    rows_of(
        "data",
        len,
        checks::elements("n", n, 2)?,
        "2·n floats per row",
    )
}

/// The 2-D DFT of a row-major `rows × cols` complex grid (interleaved); the inverse scales
/// by 1/(rows·cols).
///
/// ```
/// // A 2×2 grid with a single 1 transforms to all ones.
/// let y = katalyst::compute::fft2(&[1., 0., 0., 0., 0., 0., 0., 0.], 2, 2, false).unwrap();
/// assert_eq!(y, vec![1., 0., 1., 0., 1., 0., 1., 0.]);
/// ```
pub fn fft2(
    data: &[f32],
    rows: usize,
    cols: usize,
    inverse: bool,
) -> Result<Vec<f32>, ComputeError> {
    checks::dim("rows", rows)?;
    checks::dim("cols", cols)?;
    let points = checks::elements("data", rows, cols)?;
    checks::shape("data", data.len(), points, 2)?;
    let mut out = data.to_vec();
    let grid = as_complex(&mut out);
    complex::rows_in_place(grid, cols, inverse);
    if rows > 1 {
        let mut t = checks::filled("data", points, Complex::new(0.0f32, 0.0))?;
        complex::transpose(grid, rows, cols, &mut t);
        complex::rows_in_place(&mut t, rows, inverse);
        complex::transpose(&t, cols, rows, grid);
    }
    Ok(out)
}

/// The DFT of a real signal: `n/2 + 1` complex bins, interleaved (`2·(n/2+1)` floats).
///
/// ```
/// // [1, 2, 3, 4] → [10, -2+2i, -2]
/// let y = katalyst::compute::rfft(&[1.0, 2.0, 3.0, 4.0]).unwrap();
/// assert_eq!(y, vec![10.0, 0.0, -2.0, 2.0, -2.0, 0.0]);
/// ```
pub fn rfft(signal: &[f32]) -> Result<Vec<f32>, ComputeError> {
    rfft_streamed(signal.len(), Input::Fill(copy_of(signal)), <[f32]>::to_vec)
}

/// Real DFTs of every `n`-sample row of `signals`: rows × (n/2+1) complex bins, interleaved.
///
/// ```
/// let y = katalyst::compute::rfft_batch(&[1.0, 1.0, 1.0, -1.0], 2).unwrap();
/// assert_eq!(y, vec![2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0]);
/// ```
pub fn rfft_batch(signals: &[f32], n: usize) -> Result<Vec<f32>, ComputeError> {
    checks::dim("n", n)?;
    rows_of("signals", signals.len(), n, "n samples per row")?;
    rfft_batch_clobbering(&mut signals.to_vec(), n)
}

/// [`rfft_batch`] using `input` as the transform's input scratch (clobbered).
pub(crate) fn rfft_batch_clobbering(input: &mut [f32], n: usize) -> Result<Vec<f32>, ComputeError> {
    checks::dim("n", n)?;
    let rows = rows_of("signals", input.len(), n, "n samples per row")?;
    let bins = n / 2 + 1;
    let total = checks::elements("output", rows, bins)?;
    let mut out = checks::filled("output", 2 * total, 0.0f32)?;
    real::forward_rows(input, n, as_complex(&mut out));
    Ok(out)
}

/// The inverse of [`rfft`]: `n` real samples from `n/2 + 1` interleaved complex bins, scaled by
/// 1/n. The imaginary parts of bin 0 (and bin n/2 for even n) are ignored, as in NumPy.
///
/// ```
/// let x = katalyst::compute::irfft(&[10.0, 0.0, -2.0, 2.0, -2.0, 0.0], 4).unwrap();
/// assert_eq!(x, vec![1.0, 2.0, 3.0, 4.0]);
/// ```
pub fn irfft(spectrum: &[f32], n: usize) -> Result<Vec<f32>, ComputeError> {
    irfft_streamed(
        n,
        spectrum.len(),
        Input::Fill(copy_of(spectrum)),
        <[f32]>::to_vec,
    )
}

/// Rows in a batch buffer of `len` floats with `unit` floats per row.
fn rows_of(arg: &'static str, len: usize, unit: usize, what: &str) -> Result<usize, ComputeError> {
    if len == 0 || len % unit != 0 {
        return Err(ComputeError::NotMultiple {
            arg,
            unit,
            what: what.to_string(),
            actual: len,
        });
    }
    Ok(len / unit)
}
