//! The real FFTs of even lengths with their O(n) pass in SIMD128, behind realfft's
//! `RealToComplex` and `ComplexToReal` interfaces. The algorithm is realfft's: the n samples,
//! read as m = n/2 complex pairs z, go through a complex FFT of m points, and one pass over
//! bin pairs (k, m − k) turns that spectrum Z into the real signal's bins X (the inverse runs
//! the pass backwards, then the inverse FFT). realfft does the pass one bin pair at a time in
//! scalar code: 0.46 µs at n = 1024 in wasm, 42 % of the half-length FFT, which kept the real
//! transform at 0.7× the complex one of the same length. Here two bins from each end go per
//! vector (0.19 µs). Odd lengths stay realfft's.
//!
//! With W = e^(−2πi/n), the pass maps a pair A = Y[k], B = conj(Y[m−k]) to
//! Y'[k] = E + T and Y'[m−k] = conj(E − T), where E = s·(A + B) and T = V_k·(A − B):
//! - forward (Z → X): s = 1/2, V_k = −i·W^k/2;
//! - inverse (X → 2Z, which the inverse FFT turns into n·x): s = 1, V_k = i·W^(−k), and the
//!   results scaled by c = 1/n, so that the transform gives x itself (NumPy's `irfft`; realfft's
//!   inverse is unnormalised) with no pass over the output.
//!
//! The passes fold s and c into the twiddles: with D = A − B and V'_k = c·(V_k − s),
//! c·(E + T) = 2sc·A + V'_k·D and c·(E − T) = 2sc·B − V'_k·D, with one multiply by 2sc where
//! it is not 1 (forward, 2sc = 1; inverse, 2sc = 2/n).
//!
//! The ends, k = 0 and m, are the callers': X[0], X[m] = Re Z[0] ± Im Z[0], and back.

use super::real::check_lengths;
use core::arch::wasm32::*;
use num_complex::Complex;
use realfft::{ComplexToReal, FftError, RealToComplex};
use rustfft::{Fft, Length};
use std::sync::Arc;

use super::pow2_simd128::{reverse, store_interleaved, Pow2Simd};

/// Half-lengths up to which the forward transform leaves our FFT's result split for
/// [`pair_pass_split`] (`rfft` of 2048 to 8192 samples 3–6 % faster than the interleaved
/// path). From 8192 points the split last pass, a radix-8 one, has its 16 store streams 4 KiB
/// apart on one L1 set, and the interleaved path wins by 1.4×.
pub(super) const SPLIT_MAX_HALF: usize = 4096;

/// The forward transform's half-length FFT.
pub(super) enum ForwardHalf {
    /// Ours, its result left split for [`pair_pass_split`].
    Split(Arc<Pow2Simd>),
    /// Any plan, followed by [`mirror_pass`].
    Planned(Arc<dyn Fft<f32>>),
}

pub(super) struct RealToComplexEvenSimd {
    len: usize,
    half: ForwardHalf,
    /// V'_k as [`pair_pass_split`] reads them, or as [`twiddle_table`] lays them out for
    /// [`mirror_pass`].
    twiddles: Vec<f32>,
}

pub(super) struct ComplexToRealEvenSimd {
    len: usize,
    half: Arc<dyn Fft<f32>>,
    twiddles: Vec<f32>,
}

impl RealToComplexEvenSimd {
    /// The transform of `len` samples (`len` even, ≥ 2) on `half`, the forward complex FFT of
    /// `len / 2` points.
    pub(super) fn new(len: usize, half: ForwardHalf) -> Self {
        // V' = −i·(c + i·s)/2 − 1/2 = s/2 − 1/2 − i·c/2
        let v = |c: f64, s: f64| (s / 2.0 - 0.5, -c / 2.0);
        let twiddles = match &half {
            ForwardHalf::Split(p) => {
                debug_assert!(len % 32 == 0 && p.len() == len / 2);
                // V'_k for k = 4i ..= 4i + 3: four real parts, then four imaginary parts.
                (0..len / 16)
                    .flat_map(|i| {
                        let v = (0..4).map(|j| v_k(len, 4 * i + j, v));
                        let re = v.clone().map(|(re, _)| re as f32);
                        re.chain(v.map(|(_, im)| im as f32)).collect::<Vec<_>>()
                    })
                    .collect()
            }
            ForwardHalf::Planned(p) => {
                debug_assert!(len >= 2 && len % 2 == 0 && p.len() == len / 2);
                twiddle_table(len, v)
            }
        };
        RealToComplexEvenSimd {
            len,
            half,
            twiddles,
        }
    }
}

impl ComplexToRealEvenSimd {
    /// The inverse transform to `len` samples (`len` even, ≥ 2), scaled by 1/len, on `half`, the
    /// inverse complex FFT of `len / 2` points.
    pub(super) fn new(len: usize, half: Arc<dyn Fft<f32>>) -> Self {
        debug_assert!(len >= 2 && len % 2 == 0 && half.len() == len / 2);
        // V' = (i·(c − i·s) − 1)/len = (s − 1 + i·c)/len
        let n = len as f64;
        let twiddles = twiddle_table(len, |c, s| ((s - 1.0) / n, c / n));
        ComplexToRealEvenSimd {
            len,
            half,
            twiddles,
        }
    }
}

/// V'_k for k = 1 ..= m/2 (+1 padding), from `v(c, s)` with W^k = c + i·s computed in f64; two
/// bins per 8 floats, laid out for one complex product of a bin pair d:
/// `d·[vr, vr, vr', vr'] + swap_parts(d)·[−vi, vi, −vi', vi']`.
fn twiddle_table(len: usize, v: impl Fn(f64, f64) -> (f64, f64)) -> Vec<f32> {
    let at = |k: usize| {
        let (re, im) = v_k(len, k, &v);
        (re as f32, im as f32)
    };
    (0..(len / 2).div_ceil(4))
        .flat_map(|j| {
            let ((r0, i0), (r1, i1)) = (at(2 * j + 1), at(2 * j + 2));
            [r0, r0, r1, r1, -i0, i0, -i1, i1]
        })
        .collect()
}

/// `v(c, s)` for W^k = c + i·s, W = e^(−2πi/len), in f64.
fn v_k(len: usize, k: usize, v: impl Fn(f64, f64) -> (f64, f64)) -> (f64, f64) {
    let (s, c) = (-2.0 * std::f64::consts::PI * k as f64 / len as f64).sin_cos();
    v(c, s)
}

/// V'_k out of the table's layout.
fn twiddle(twiddles: &[f32], k: usize) -> Complex<f32> {
    let (j, lane) = ((k - 1) / 2, (k - 1) % 2);
    Complex::new(
        twiddles[8 * j + 2 * lane],
        twiddles[8 * j + 4 + 2 * lane + 1],
    )
}

/// Lanes `re, im, re, im` with the imaginary signs flipped (complex conjugates).
fn conj(v: v128) -> v128 {
    v128_xor(v, f32x4(0.0, -0.0, 0.0, -0.0))
}

/// The two complex values of `v` in the opposite order.
fn swap_halves(v: v128) -> v128 {
    i32x4_shuffle::<2, 3, 0, 1>(v, v)
}

/// `re` and `im` exchanged in each complex value.
fn swap_parts(v: v128) -> v128 {
    i32x4_shuffle::<1, 0, 3, 2>(v, v)
}

/// The pass over the pairs (k, m − k), k = 1 ..= m/2, of `y` (m + 1 values; y[0] and y[m] are
/// left alone), in place: forward (s = 1/2, c = 1), or inverse (s = 1, c = 1/n = 1/(2m)) when
/// `INVERSE`.
fn mirror_pass<const INVERSE: bool>(y: &mut [Complex<f32>], twiddles: &[f32]) {
    let m = y.len() - 1;
    // 2sc
    let scale = if INVERSE { 1.0 / m as f32 } else { 1.0 };
    let floats: &mut [f32] = bytemuck::cast_slice_mut(y);
    let mut k = 1;
    // Bins k, k+1 and their mirrors m−k−1, m−k, all distinct while 2k + 2 < m.
    while 2 * k + 2 < m {
        let (lo, hi, tw) = (2 * k, 2 * (m - k - 1), 4 * (k - 1));
        // SAFETY: `floats` holds 2(m + 1) floats; lo + 4 = 2k + 4 ≤ 2m and hi + 4 = 2(m − k + 1)
        // ≤ 2m, so both 4-float loads and stores are in bounds, and they do not overlap since
        // lo + 4 ≤ hi (2k + 2 < m). `twiddles` holds ⌈m/4⌉ entries of 8 floats and this reads
        // entry (k − 1)/2 < m/4. wasm loads and stores need no alignment.
        unsafe {
            let p = floats.as_mut_ptr();
            let a = v128_load(p.add(lo) as *const v128);
            let b = conj(swap_halves(v128_load(p.add(hi) as *const v128)));
            let vr = v128_load(twiddles.as_ptr().add(tw) as *const v128);
            let vi = v128_load(twiddles.as_ptr().add(tw + 4) as *const v128);
            let d = f32x4_sub(a, b);
            let t = f32x4_add(f32x4_mul(d, vr), f32x4_mul(swap_parts(d), vi));
            let (a, b) = if INVERSE {
                let scale = f32x4_splat(scale);
                (f32x4_mul(a, scale), f32x4_mul(b, scale))
            } else {
                (a, b)
            };
            v128_store(p.add(lo) as *mut v128, f32x4_add(a, t));
            v128_store(p.add(hi) as *mut v128, swap_halves(conj(f32x4_sub(b, t))));
        }
        k += 2;
    }
    // The pairs left around the middle (for even m, y[m/2] becomes conj(y[m/2]) times 2sc).
    while k <= m - k {
        let (a, b) = (y[k], y[m - k].conj());
        let t = (a - b) * twiddle(twiddles, k);
        y[k] = a * scale + t;
        if k != m - k {
            y[m - k] = (b * scale - t).conj();
        }
        k += 1;
    }
}

/// The forward pass over bin pairs from a split, folded spectrum: `z` holds Z's m real parts,
/// then its m imaginary parts (m a multiple of 16), each half as `Pow2Simd::forward_split`
/// leaves it (bins below m/2 in place, bin b ≥ m/2 at 3m/2 − 1 − b); writes the m + 1 bins X
/// to interleaved `x`. `v` holds V'_k for k = 4i ..= 4i + 3, four real parts then four
/// imaginary parts, step after step. Bins k..k+4 pair with bins m−k..m−k−4, which the fold
/// keeps at m/2 − 1 + k in the same lane order, so four pairs go per step with no lane or part
/// moved on the way in.
fn pair_pass_split(z: &[f32], v: &[f32], x: &mut [Complex<f32>]) {
    let m = x.len() - 1;
    assert!(m % 16 == 0 && z.len() >= 2 * m && v.len() >= m);
    let (zr, zi, v) = (z.as_ptr(), z[m..].as_ptr(), v.as_ptr());
    let out: *mut f32 = x.as_mut_ptr().cast();
    // Two steps per iteration, for fewer loop and address instructions in V8: k and k + 4.
    for i in 0..m / 16 {
        let k = 8 * i;
        // SAFETY: k + 8 ≤ m/2 and m/2 − 1 + k + 8 < m, so the loads from z's m-float halves are
        // in bounds; `v` holds m/8 steps of 8 floats and this reads steps 2i and 2i + 1; the
        // stores of 8 floats at 2k, 2(k + 4) (< m) and at 2(m − k − 3), 2(m − k − 7) (≤ 2m − 6)
        // stay within x's 2(m + 1). wasm loads and stores need no alignment.
        unsafe {
            pair_step(zr, zi, v.add(16 * i), out, k, m);
            pair_step(zr, zi, v.add(16 * i + 8), out, k + 4, m);
        }
    }
    // Lane k = 0 paired Z[0] with a bin that is not its pair (it wrote X[0] and X[m] wrongly):
    // both come from Z[0] alone. Bin m/2 is its own pair, conj(Z[m/2]), folded to m − 1.
    let (z0r, z0i) = (z[0], z[m]);
    x[0] = Complex::new(z0r + z0i, 0.0);
    x[m] = Complex::new(z0r - z0i, 0.0);
    x[m / 2] = Complex::new(z[m - 1], -z[2 * m - 1]);
}

/// Bins k..k+4 and m−k−3..m−k+1 of [`pair_pass_split`], V'_k..V'_(k+4) at `v`.
///
/// # Safety
/// As [`pair_pass_split`] checks: 4 floats from `zr` and `zi` at k and at m/2 − 1 + k, 8 from
/// `v`, and 8 floats of `out` at 2k and at 2(m − k − 3).
#[inline(always)]
unsafe fn pair_step(
    zr: *const f32,
    zi: *const f32,
    v: *const f32,
    out: *mut f32,
    k: usize,
    m: usize,
) {
    let load = |p: *const f32| v128_load(p.cast());
    let (ar, ai) = (load(zr.add(k)), load(zi.add(k)));
    // B = conj(Z[m − k]), folded into lanes k..k+4: bi holds −Im B.
    let mk = m / 2 - 1 + k;
    let (br, bi) = (load(zr.add(mk)), load(zi.add(mk)));
    let (vr, vi) = (load(v), load(v.add(4)));
    let (dr, di) = (f32x4_sub(ar, br), f32x4_add(ai, bi));
    let (tr, ti) = (
        f32x4_sub(f32x4_mul(vr, dr), f32x4_mul(vi, di)),
        f32x4_add(f32x4_mul(vr, di), f32x4_mul(vi, dr)),
    );
    store_interleaved::<false>(out, k, (f32x4_add(ar, tr), f32x4_add(ai, ti)));
    // X[m − k] = conj(B − V'·D), bins m−k..m−k−4 in lanes k..k+4.
    let mirrored = (reverse(f32x4_sub(br, tr)), reverse(f32x4_add(bi, ti)));
    store_interleaved::<false>(out, m - k - 3, mirrored);
}

impl RealToComplex<f32> for RealToComplexEvenSimd {
    fn process(&self, input: &mut [f32], output: &mut [Complex<f32>]) -> Result<(), FftError> {
        self.process_with_scratch(input, output, &mut self.make_scratch_vec())
    }

    fn process_with_scratch(
        &self,
        input: &mut [f32],
        output: &mut [Complex<f32>],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        let scratch_len = self.get_scratch_len();
        check_lengths(
            (input.len(), self.len),
            (output.len(), self.complex_len()),
            (scratch.len(), scratch_len),
        )?;
        let m = self.len / 2;
        let pairs: &mut [Complex<f32>] = bytemuck::cast_slice_mut(input);
        let scratch = &mut scratch[..scratch_len];
        match &self.half {
            ForwardHalf::Split(half) => {
                // Z goes to scratch, split; the passes before use `output` as their other buffer.
                half.forward_split(pairs, &mut output[..m], scratch);
                let z: &[f32] = bytemuck::cast_slice(scratch);
                pair_pass_split(z, &self.twiddles, output);
            }
            ForwardHalf::Planned(half) => {
                half.process_outofplace_with_scratch(pairs, &mut output[..m], scratch);
                let z0 = output[0];
                output[0] = Complex::new(z0.re + z0.im, 0.0);
                output[m] = Complex::new(z0.re - z0.im, 0.0);
                mirror_pass::<false>(output, &self.twiddles);
            }
        }
        Ok(())
    }

    fn get_scratch_len(&self) -> usize {
        match &self.half {
            // Where Z is left split: m complex numbers' worth of floats.
            ForwardHalf::Split(half) => half.len(),
            ForwardHalf::Planned(half) => half.get_outofplace_scratch_len(),
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn make_input_vec(&self) -> Vec<f32> {
        vec![0.0; self.len]
    }

    fn make_output_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.complex_len()]
    }

    fn make_scratch_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.get_scratch_len()]
    }
}

impl ComplexToReal<f32> for ComplexToRealEvenSimd {
    fn process(&self, input: &mut [Complex<f32>], output: &mut [f32]) -> Result<(), FftError> {
        self.process_with_scratch(input, output, &mut self.make_scratch_vec())
    }

    /// As realfft's, but scaled by 1/n (NumPy's `irfft`): `input` is clobbered; nonzero
    /// imaginary parts of its first and last bins are reported (`InputValues`) after the
    /// transform, which ignores them as NumPy does.
    fn process_with_scratch(
        &self,
        input: &mut [Complex<f32>],
        output: &mut [f32],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        let scratch_len = self.get_scratch_len();
        check_lengths(
            (input.len(), self.complex_len()),
            (output.len(), self.len),
            (scratch.len(), scratch_len),
        )?;
        let m = self.len / 2;
        let (first, last) = (input[0], input[m]);
        let c = 1.0 / self.len as f32;
        input[0] = Complex::new((first.re + last.re) * c, (first.re - last.re) * c);
        mirror_pass::<true>(input, &self.twiddles);
        let pairs: &mut [Complex<f32>] = bytemuck::cast_slice_mut(output);
        self.half.process_outofplace_with_scratch(
            &mut input[..m],
            pairs,
            &mut scratch[..scratch_len],
        );
        if first.im != 0.0 || last.im != 0.0 {
            return Err(FftError::InputValues(first.im != 0.0, last.im != 0.0));
        }
        Ok(())
    }

    fn get_scratch_len(&self) -> usize {
        self.half.get_outofplace_scratch_len()
    }

    fn len(&self) -> usize {
        self.len
    }

    fn make_input_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.complex_len()]
    }

    fn make_output_vec(&self) -> Vec<f32> {
        vec![0.0; self.len]
    }

    fn make_scratch_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::new(0.0, 0.0); self.get_scratch_len()]
    }
}
