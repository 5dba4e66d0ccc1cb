//! Complex FFTs of powers of two (64 points and up) in SIMD128, behind rustfft's `Fft` trait.
//!
//! rustfft's SIMD128 `Radix4` keeps complex numbers interleaved, two per vector, so every
//! twiddle product needs shuffles, and it starts with a bit-reversal transpose. Here the passes
//! are Stockham radix-4 (self-sorting: no bit reversal) over buffers of blocks, four real parts
//! then their four imaginary parts (pffft's layout), so a twiddle product is four multiplies
//! and two adds, and the two vectors of four complex numbers share one address (V8 computes
//! each address with an instruction of its own: a real half and an imaginary half made 65536
//! points 5–9 % slower).
//! - The first pass (stride 1) separates the interleaved input and runs four butterflies side
//!   by side (consecutive p); two 4×4 transposes put its outputs in order.
//! - The middle passes run four butterflies with the same twiddles side by side (consecutive q).
//! - The last pass (a radix-4 for even powers of two, a radix-8 for odd ones; neither has
//!   twiddles between butterflies there) interleaves the output again.
//!
//! One pass with stride s over n points maps x to y, with m = n/(4s), W = e^(−2πi/n):
//! for p < m, q < s, with a, b, c, d = x[q + s(p + jm)], j = 0..3, and w = W^(ps):
//! y[q + s(4p + j)] = w^j·(a + (−i)^j·b + (−1)^j·c + i^j·d).
//!
//! The inverse runs the forward passes with real and imaginary parts exchanged on the way in
//! and on the way out: with swap(z) = i·conj(z), inverse DFT(x) = swap(DFT(swap(x))). That
//! costs nothing: the first and last passes just name the two parts the other way round.

use core::arch::wasm32::*;
use num_complex::Complex;
use rustfft::{Direction, Fft, FftDirection, Length};
use std::f64::consts::PI;

/// Lengths below this stay with rustfft, whose butterflies do them in one or two passes.
pub(super) const MIN_LEN: usize = 64;

/// The complex FFT of `len` points, `len` a power of two ≥ [`MIN_LEN`].
pub(super) struct Pow2Simd {
    len: usize,
    direction: FftDirection,
    /// The first pass's twiddles, 24 floats per four butterflies p..p+4: w, w², w³ as
    /// (re ×4, im ×4).
    first: Vec<f32>,
    /// The middle passes' twiddles, pass after pass, 6 floats per butterfly index p ≥ 1:
    /// w, w², w³ as (re, im) (p = 0 has none).
    middle: Vec<f32>,
}

/// Four complex numbers: real parts, imaginary parts.
type Cx = (v128, v128);

impl Pow2Simd {
    pub(super) fn new(len: usize, direction: FftDirection) -> Self {
        debug_assert!(len.is_power_of_two() && len >= MIN_LEN);
        let w = |t: usize| {
            let (s, c) = (-2.0 * PI * (t % len) as f64 / len as f64).sin_cos();
            (c as f32, s as f32)
        };
        let mut first = Vec::with_capacity(6 * len / 4);
        for p0 in (0..len / 4).step_by(4) {
            for j in 1..4 {
                let block: Vec<(f32, f32)> = (p0..p0 + 4).map(|p| w(j * p)).collect();
                first.extend(block.iter().map(|z| z.0));
                first.extend(block.iter().map(|z| z.1));
            }
        }
        let mut middle = Vec::new();
        let mut s = 4;
        while len / s >= 16 {
            for p in 1..len / (4 * s) {
                for j in 1..4 {
                    let (c, si) = w(j * p * s);
                    middle.extend([c, si]);
                }
            }
            s *= 4;
        }
        Pow2Simd {
            len,
            direction,
            first,
            middle,
        }
    }

    /// How many passes one transform makes: ⌊log₂(len)/2⌋.
    fn passes(&self) -> usize {
        self.len.trailing_zeros() as usize / 2
    }

    /// One transform from interleaved `src` to interleaved `dst` (`len` complex each). Pass i
    /// of k (1-based) writes its result to `tmp[i % 2]`; the caller picks `tmp` so that
    /// the first pass does not write `src` and the last does not read `dst`.
    ///
    /// # Safety
    /// `src`, `dst` and both `tmp` point to `2·len` floats; `tmp[0] != tmp[1]`,
    /// `tmp[1] != src`, `tmp[(k − 1) % 2] != dst`; `src` may equal `dst`.
    unsafe fn run(&self, src: *const f32, dst: *mut f32, tmp: [Blocks; 2]) {
        let n = self.len;
        let (last, s) = self.passes_but_last(src, tmp);
        // Constant lengths for the radix-8 pass where it is most used (the inverse half of `irfft`
        // 1024 and 4096, `fft` 2048 and 8192), as for `last_radix8_split`.
        match (n / s, self.direction == FftDirection::Inverse, n) {
            (4, false, _) => last_radix4::<false>(last, dst, n),
            (4, true, _) => last_radix4::<true>(last, dst, n),
            (_, false, 2048) => last_radix8::<false, 2048>(last, dst, n),
            (_, false, 8192) => last_radix8::<false, 8192>(last, dst, n),
            (_, false, _) => last_radix8::<false, 0>(last, dst, n),
            (_, true, 512) => last_radix8::<true, 512>(last, dst, n),
            (_, true, 2048) => last_radix8::<true, 2048>(last, dst, n),
            (_, true, _) => last_radix8::<true, 0>(last, dst, n),
        }
    }

    /// Every pass but the last, as [`Pow2Simd::run`] makes them; returns the buffer the last
    /// pass reads and its stride s (n/s is 4 or 8).
    ///
    /// # Safety
    /// As [`Pow2Simd::run`].
    unsafe fn passes_but_last(&self, src: *const f32, tmp: [Blocks; 2]) -> (Blocks, usize) {
        let n = self.len;
        // SAFETY (whole function): every pass reads and writes within 2n floats of its
        // buffers, which the caller guarantees; source and destination differ per pass.
        if self.direction == FftDirection::Inverse {
            first_pass::<true>(src, tmp[1], n, &self.first);
        } else {
            first_pass::<false>(src, tmp[1], n, &self.first);
        }
        let mut at = 1;
        let mut s = 4;
        let mut tw = &self.middle[..];
        while n / s >= 16 {
            let m = n / (4 * s);
            let pass = match s {
                4 => middle_pass::<4>,
                16 => middle_pass::<16>,
                64 => middle_pass::<64>,
                256 => middle_pass::<256>,
                1024 => middle_pass::<1024>,
                4096 => middle_pass::<4096>,
                _ => middle_pass::<0>,
            };
            pass(tmp[at % 2], tmp[(at + 1) % 2], n, s, &tw[..6 * (m - 1)]);
            tw = &tw[6 * (m - 1)..];
            at += 1;
            s *= 4;
        }
        (tmp[at % 2], s)
    }

    /// The forward FFT of `input` (clobbered) with its result left split and folded in `z`, for
    /// a pass that reads it there (the real transform's pass over bin pairs, `real_simd128`):
    /// real parts in the first `len` floats, imaginary parts in the next `len`, each half as
    /// [`Split::store_folded`] lays it out. `temp` holds `len` values (clobbered).
    pub(super) fn forward_split(
        &self,
        input: &mut [Complex<f32>],
        temp: &mut [Complex<f32>],
        z: &mut [Complex<f32>],
    ) {
        let n = self.len;
        assert!(
            self.direction == FftDirection::Forward
                && input.len() == n
                && temp.len() >= n
                && z.len() >= n,
            "Pow2Simd::forward_split: buffers of {}, {} and {} for {n} points",
            input.len(),
            temp.len(),
            z.len()
        );
        let z = floats(z);
        // SAFETY: three distinct buffers of at least n complex numbers: the passes alternate
        // between `input` and `temp` (the first reads `input` and writes `temp`), so the last
        // reads one of them and writes `z`, as `run` requires.
        unsafe {
            let tmp = [Blocks(floats(input)), Blocks(floats(temp))];
            let (last, s) = self.passes_but_last(floats(input), tmp);
            let z = Split {
                re: z,
                im: z.add(n),
            };
            // A constant length for the radix-8 pass of `rfft` 1024 and 4096: that pass 10–15 %
            // faster at 1024 (fewer live addresses in V8).
            match (n / s, n) {
                (4, _) => last_radix4_split(last, z, n),
                (_, 512) => last_radix8_split::<512>(last, z, n),
                (_, 2048) => last_radix8_split::<2048>(last, z, n),
                _ => last_radix8_split::<0>(last, z, n),
            }
        }
    }

    /// Checks that `input` and `output` (lengths) hold the same whole number of transforms.
    fn chunks(&self, input: usize, output: usize) {
        assert!(
            input % self.len == 0 && input >= self.len && output == input,
            "Pow2Simd: buffers of {input} and {output} for a {}-point FFT",
            self.len
        );
    }
}

fn floats(b: &mut [Complex<f32>]) -> *mut f32 {
    b.as_mut_ptr().cast()
}

impl Fft<f32> for Pow2Simd {
    fn process_with_scratch(&self, buffer: &mut [Complex<f32>], scratch: &mut [Complex<f32>]) {
        self.chunks(buffer.len(), buffer.len());
        let n = self.len;
        assert!(
            scratch.len() >= self.get_inplace_scratch_len(),
            "Pow2Simd: scratch too small"
        );
        let (s0, s1) = scratch.split_at_mut(n);
        let tmp = [Blocks(floats(s0)), Blocks(floats(&mut s1[..n]))];
        for chunk in buffer.chunks_exact_mut(n) {
            let p = floats(chunk);
            // SAFETY: the chunk and both scratch buffers hold n complex numbers and are
            // distinct; only the first pass reads `p` and only the last writes it.
            unsafe { self.run(p, p, tmp) };
        }
    }

    fn process_outofplace_with_scratch(
        &self,
        input: &mut [Complex<f32>],
        output: &mut [Complex<f32>],
        scratch: &mut [Complex<f32>],
    ) {
        self.process_immutable_with_scratch(input, output, scratch);
    }

    /// The passes run between the output and the scratch; only the first reads the input.
    /// (The input itself as the other buffer made 32768 points 8 % slower: its last pass then
    /// read the input and wrote the output, 16 streams on one L1 set.)
    fn process_immutable_with_scratch(
        &self,
        input: &[Complex<f32>],
        output: &mut [Complex<f32>],
        scratch: &mut [Complex<f32>],
    ) {
        self.chunks(input.len(), output.len());
        let n = self.len;
        assert!(
            scratch.len() >= self.get_outofplace_scratch_len(),
            "Pow2Simd: scratch too small"
        );
        let s = Blocks(floats(&mut scratch[..n]));
        for (i, o) in input.chunks_exact(n).zip(output.chunks_exact_mut(n)) {
            let o = floats(o);
            // With k passes the last reads tmp[(k − 1) % 2]: it must not be the output.
            let tmp = if self.passes() % 2 == 1 {
                [s, Blocks(o)]
            } else {
                [Blocks(o), s]
            };
            // SAFETY: the input, the output and the scratch are distinct buffers of n complex
            // numbers; tmp[1] is never the input and tmp[(k − 1) % 2] never the output.
            unsafe { self.run(i.as_ptr().cast(), o, tmp) };
        }
    }

    fn get_inplace_scratch_len(&self) -> usize {
        2 * self.len
    }

    fn get_outofplace_scratch_len(&self) -> usize {
        self.len
    }

    fn get_immutable_scratch_len(&self) -> usize {
        self.len
    }
}

impl Length for Pow2Simd {
    fn len(&self) -> usize {
        self.len
    }
}

impl Direction for Pow2Simd {
    fn fft_direction(&self) -> FftDirection {
        self.direction
    }
}

/// A buffer of complex numbers in blocks of four: four real parts, then their four imaginary
/// parts. Only whole blocks are read and written (i a multiple of 4).
#[derive(Clone, Copy)]
struct Blocks(*mut f32);

impl Blocks {
    #[inline(always)]
    unsafe fn load(self, i: usize) -> Cx {
        (
            v128_load(self.0.add(2 * i).cast()),
            v128_load(self.0.add(2 * i + 4).cast()),
        )
    }

    #[inline(always)]
    unsafe fn store(self, i: usize, z: Cx) {
        v128_store(self.0.add(2 * i).cast(), z.0);
        v128_store(self.0.add(2 * i + 4).cast(), z.1);
    }
}

/// A split buffer: `re[i]`, `im[i]` are the parts of complex number i.
#[derive(Clone, Copy)]
struct Split {
    re: *mut f32,
    im: *mut f32,
}

impl Split {
    #[inline(always)]
    unsafe fn store(self, i: usize, z: Cx) {
        v128_store(self.re.add(i).cast(), z.0);
        v128_store(self.im.add(i).cast(), z.1);
    }

    /// Stores output j (bins b..b+4, b = q + j·s) of butterflies q..q+4 of a radix-R last pass
    /// of stride s (n = R·s points), folded: the lower half (j < R/2, so b < n/2) in place, the
    /// upper half in reverse order, bin b at 3n/2 − 1 − b. Bin n − k then sits at n/2 − 1 + k,
    /// a constant distance after bin k and in the same lane order, as the real transform's pass
    /// over bin pairs reads them: the lane reversal it needs is made here, where the shuffle
    /// units are idle (the last passes only add). The half is told by j, a constant once the
    /// butterfly's outputs are unrolled, so the test costs nothing at run time.
    #[inline(always)]
    unsafe fn store_folded<const R: usize>(self, q: usize, j: usize, s: usize, z: Cx) {
        let b = q + j * s;
        if j < R / 2 {
            self.store(b, z);
        } else {
            self.store(3 * R * s / 2 - 4 - b, (reverse(z.0), reverse(z.1)));
        }
    }
}

/// The four lanes of `v` in the opposite order.
#[inline(always)]
pub(super) fn reverse(v: v128) -> v128 {
    i32x4_shuffle::<3, 2, 1, 0>(v, v)
}

/// Complex numbers i..i+4 of interleaved `x`, parts exchanged when `SWAP`.
#[inline(always)]
unsafe fn load_interleaved<const SWAP: bool>(x: *const f32, i: usize) -> Cx {
    let lo = v128_load(x.add(2 * i).cast());
    let hi = v128_load(x.add(2 * i + 4).cast());
    let re = i32x4_shuffle::<0, 2, 4, 6>(lo, hi);
    let im = i32x4_shuffle::<1, 3, 5, 7>(lo, hi);
    if SWAP {
        (im, re)
    } else {
        (re, im)
    }
}

/// Stores `z` as complex numbers i..i+4 of interleaved `y`, parts exchanged when `SWAP`.
#[inline(always)]
pub(super) unsafe fn store_interleaved<const SWAP: bool>(y: *mut f32, i: usize, z: Cx) {
    let (re, im) = if SWAP { (z.1, z.0) } else { z };
    v128_store(y.add(2 * i).cast(), i32x4_shuffle::<0, 4, 1, 5>(re, im));
    v128_store(y.add(2 * i + 4).cast(), i32x4_shuffle::<2, 6, 3, 7>(re, im));
}

#[inline(always)]
fn add(a: Cx, b: Cx) -> Cx {
    (f32x4_add(a.0, b.0), f32x4_add(a.1, b.1))
}

#[inline(always)]
fn sub(a: Cx, b: Cx) -> Cx {
    (f32x4_sub(a.0, b.0), f32x4_sub(a.1, b.1))
}

#[inline(always)]
fn mul(a: Cx, w: Cx) -> Cx {
    (
        f32x4_sub(f32x4_mul(a.0, w.0), f32x4_mul(a.1, w.1)),
        f32x4_add(f32x4_mul(a.0, w.1), f32x4_mul(a.1, w.0)),
    )
}

/// The forward radix-4 butterfly without twiddles (W₄ = −i).
#[inline(always)]
fn butterfly4(a: Cx, b: Cx, c: Cx, d: Cx) -> [Cx; 4] {
    let (apc, amc, bpd, bmd) = (add(a, c), sub(a, c), add(b, d), sub(b, d));
    [
        add(apc, bpd),
        // (a − c) − i(b − d)
        (f32x4_add(amc.0, bmd.1), f32x4_sub(amc.1, bmd.0)),
        sub(apc, bpd),
        // (a − c) + i(b − d)
        (f32x4_sub(amc.0, bmd.1), f32x4_add(amc.1, bmd.0)),
    ]
}

/// Rows of the 4×4 matrix whose columns are `c`.
#[inline(always)]
fn transpose4(c: [v128; 4]) -> [v128; 4] {
    let t0 = i32x4_shuffle::<0, 4, 1, 5>(c[0], c[1]);
    let t1 = i32x4_shuffle::<0, 4, 1, 5>(c[2], c[3]);
    let t2 = i32x4_shuffle::<2, 6, 3, 7>(c[0], c[1]);
    let t3 = i32x4_shuffle::<2, 6, 3, 7>(c[2], c[3]);
    [
        i32x4_shuffle::<0, 1, 4, 5>(t0, t1),
        i32x4_shuffle::<2, 3, 6, 7>(t0, t1),
        i32x4_shuffle::<0, 1, 4, 5>(t2, t3),
        i32x4_shuffle::<2, 3, 6, 7>(t2, t3),
    ]
}

/// The stride-1 pass: interleaved `x` → blocks `y`, four butterflies p..p+4 per step.
#[inline(never)]
unsafe fn first_pass<const SWAP: bool>(x: *const f32, y: Blocks, n: usize, tw: &[f32]) {
    let m = n / 4;
    for (p, w) in (0..m).step_by(4).zip(tw.chunks_exact(24)) {
        let a = load_interleaved::<SWAP>(x, p);
        let b = load_interleaved::<SWAP>(x, p + m);
        let c = load_interleaved::<SWAP>(x, p + 2 * m);
        let d = load_interleaved::<SWAP>(x, p + 3 * m);
        let [y0, y1, y2, y3] = butterfly4(a, b, c, d);
        let w = w.as_ptr();
        let tw = |k: usize| {
            (
                v128_load(w.add(8 * k).cast()),
                v128_load(w.add(8 * k + 4).cast()),
            )
        };
        let (y1, y2, y3) = (mul(y1, tw(0)), mul(y2, tw(1)), mul(y3, tw(2)));
        let re = transpose4([y0.0, y1.0, y2.0, y3.0]);
        let im = transpose4([y0.1, y1.1, y2.1, y3.1]);
        for r in 0..4 {
            y.store(4 * p + 4 * r, (re[r], im[r]));
        }
    }
}

/// A pass of stride `s` ≥ 4 with twiddles: blocks `x` → blocks `y`, four q per step. `S` is
/// `s` when it is known at compile time, else 0: with constant strides the passes ran 1.2–2×
/// faster in Chromium (the stride-4 pass of 1024 points: 400 → 210 ns), most where s is small
/// and each butterfly index p has few q.
#[inline(never)]
unsafe fn middle_pass<const S: usize>(x: Blocks, y: Blocks, n: usize, s: usize, tw: &[f32]) {
    let s = if S == 0 { s } else { S };
    let m = n / (4 * s);
    let sm = s * m;
    for q in (0..s / 4).map(|i| 4 * i) {
        let out = butterfly4(
            x.load(q),
            x.load(q + sm),
            x.load(q + 2 * sm),
            x.load(q + 3 * sm),
        );
        for (j, z) in out.into_iter().enumerate() {
            y.store(q + j * s, z);
        }
    }
    for (p, w) in (1..m).zip(tw.chunks_exact(6)) {
        let w = w.as_ptr();
        let tw = |k: usize| {
            (
                v128_load32_splat(w.add(2 * k).cast()),
                v128_load32_splat(w.add(2 * k + 1).cast()),
            )
        };
        let (w1, w2, w3) = (tw(0), tw(1), tw(2));
        for q in (0..s / 4).map(|i| 4 * i) {
            let i = q + s * p;
            let [y0, y1, y2, y3] = butterfly4(
                x.load(i),
                x.load(i + sm),
                x.load(i + 2 * sm),
                x.load(i + 3 * sm),
            );
            let o = q + 4 * s * p;
            y.store(o, y0);
            y.store(o + s, mul(y1, w1));
            y.store(o + 2 * s, mul(y2, w2));
            y.store(o + 3 * s, mul(y3, w3));
        }
    }
}

/// The outputs j = 0..4 (bins q + j·s) of the last pass's butterflies q..q+4 when n/s = 4
/// (p = 0 only, no twiddles).
#[inline(always)]
unsafe fn radix4_block(x: Blocks, q: usize, s: usize) -> [Cx; 4] {
    butterfly4(
        x.load(q),
        x.load(q + s),
        x.load(q + 2 * s),
        x.load(q + 3 * s),
    )
}

/// The last pass's butterflies q..q+4 when n/s = 8 (p = 0 only), their outputs j = 0..8 (bins
/// q + j·s) given to `store(j, z)`: a radix-8 butterfly split into a radix-2 step, with W₈^j on
/// the differences, and two radix-4 butterflies. The even outputs are stored before the
/// differences are formed, from inputs read again, so that fewer vectors are live at once.
#[inline(always)]
unsafe fn radix8_block(x: Blocks, q: usize, s: usize, mut store: impl FnMut(usize, Cx)) {
    let at = |j: usize| x.load(q + j * s);
    let sum = |j: usize| add(at(j), at(j + 4));
    let even = butterfly4(sum(0), sum(1), sum(2), sum(3));
    for (j, z) in even.into_iter().enumerate() {
        store(2 * j, z);
    }
    let h = f32x4_splat(std::f32::consts::FRAC_1_SQRT_2);
    let minus_h = f32x4_splat(-std::f32::consts::FRAC_1_SQRT_2);
    let diff = |j: usize| sub(at(j), at(j + 4));
    let (d1, d2, d3) = (diff(1), diff(2), diff(3));
    // d1·(1 − i)/√2, d2·(−i), d3·(−1 − i)/√2
    let v1 = (
        f32x4_mul(f32x4_add(d1.0, d1.1), h),
        f32x4_mul(f32x4_sub(d1.1, d1.0), h),
    );
    let v2 = (d2.1, f32x4_neg(d2.0));
    let v3 = (
        f32x4_mul(f32x4_sub(d3.1, d3.0), h),
        f32x4_mul(f32x4_add(d3.0, d3.1), minus_h),
    );
    let odd = butterfly4(diff(0), v1, v2, v3);
    for (j, z) in odd.into_iter().enumerate() {
        store(2 * j + 1, z);
    }
}

/// The last pass when n/s = 4: blocks `x` → interleaved `y`.
#[inline(never)]
unsafe fn last_radix4<const SWAP: bool>(x: Blocks, y: *mut f32, n: usize) {
    let s = n / 4;
    for q in (0..s).step_by(4) {
        for (j, z) in radix4_block(x, q, s).into_iter().enumerate() {
            store_interleaved::<SWAP>(y, q + j * s, z);
        }
    }
}

/// The last pass when n/s = 8: blocks `x` → interleaved `y`. `N` is n when it is known at
/// compile time, else 0.
#[inline(never)]
unsafe fn last_radix8<const SWAP: bool, const N: usize>(x: Blocks, y: *mut f32, n: usize) {
    let n = if N == 0 { n } else { N };
    let s = n / 8;
    for q in (0..s).step_by(4) {
        radix8_block(x, q, s, |j, z| store_interleaved::<SWAP>(y, q + j * s, z));
    }
}

/// The last pass when n/s = 4, forward, left split and folded: blocks `x` → split `y`.
#[inline(never)]
unsafe fn last_radix4_split(x: Blocks, y: Split, n: usize) {
    let s = n / 4;
    for q in (0..s).step_by(4) {
        for (j, z) in radix4_block(x, q, s).into_iter().enumerate() {
            y.store_folded::<4>(q, j, s, z);
        }
    }
}

/// The last pass when n/s = 8, forward, left split and folded: blocks `x` → split `y`. `N` is
/// n when it is known at compile time, else 0.
#[inline(never)]
unsafe fn last_radix8_split<const N: usize>(x: Blocks, y: Split, n: usize) {
    let n = if N == 0 { n } else { N };
    let s = n / 8;
    for q in (0..s).step_by(4) {
        radix8_block(x, q, s, |j, z| y.store_folded::<8>(q, j, s, z));
    }
}
