//! Nearest-centroid search through the GEMM micro-kernel: a tile is MR centroids × NR points,
//! so the running minimum per point is lane-wise (each lane one point) — compare + select, no
//! horizontal reductions. The caller loops centroid panels outside point panels, keeping the
//! running minimum in memory: the kernel's inner loop then has the same 15 live vectors as
//! SGEMM's and nothing spills. Centroids are packed scaled by −2 and the accumulators start at
//! ‖c‖², so a tile holds the distances ‖c‖² − 2x·c directly. The second-lowest distance is
//! kept too (the Hamerly lower bound of `assign`): one max + one min per tile row.

use crate::compute::matmul::kernel::{MR, NR};

/// Folds the MR centroids of panel `cp` (packed as −2c) into the running `(best, second, arg)`
/// of NR points: distance ‖c‖² − 2x·c, lowest centroid index on ties, `second` the
/// second-lowest distance (only when `SECOND`). `norms` is +∞ for padding centroids.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
#[allow(clippy::too_many_arguments)]
pub(crate) fn fold_panel<const SECOND: bool>(
    d: usize,
    cp: usize,
    c_panel: &[f32],
    norms: &[f32],
    x_panel: &[f32],
    best: &mut [f32; NR],
    second: &mut [f32; NR],
    arg: &mut [u32; NR],
) {
    use crate::compute::matmul::kernel_simd128::accumulate_from;
    use core::arch::wasm32::*;
    let mut init = [f32x4_splat(0.0); 2 * MR];
    for (pair, &cn) in init.chunks_exact_mut(2).zip(&norms[..MR]) {
        pair[0] = f32x4_splat(cn);
        pair[1] = pair[0];
    }
    let acc = accumulate_from(init, d, c_panel, x_panel);
    let (bp, sp, ap) = (best.as_mut_ptr(), second.as_mut_ptr(), arg.as_mut_ptr());
    // One 4-lane half of the points at a time: fewer live vectors than both halves at once
    // (with the second-best kept too, both at once spilled: measured 0.7 ms per 100 000 points).
    for half in 0..2 {
        // SAFETY: `best`, `second` and `arg` are NR = 8 lanes: lanes 4·half .. 4·half + 4 fit.
        let (b, s, a) = unsafe { (bp.add(4 * half), sp.add(4 * half), ap.add(4 * half)) };
        // SAFETY: as above; wasm loads/stores need no alignment.
        let (mut best_v, mut arg_v) =
            unsafe { (v128_load(b as *const v128), v128_load(a as *const v128)) };
        let mut second_v = match SECOND {
            // SAFETY: as above.
            true => unsafe { v128_load(s as *const v128) },
            false => f32x4_splat(0.0),
        };
        for i in 0..MR {
            let dist = acc[2 * i + half];
            // pmin/pmax are plain minps/maxps (no NaN fix-ups); distances are never NaN.
            if SECOND {
                second_v = f32x4_pmin(second_v, f32x4_pmax(best_v, dist));
            }
            let lt = f32x4_lt(dist, best_v);
            best_v = v128_bitselect(dist, best_v, lt);
            arg_v = v128_bitselect(u32x4_splat((cp * MR + i) as u32), arg_v, lt);
        }
        // SAFETY: as above.
        unsafe {
            v128_store(b as *mut v128, best_v);
            v128_store(a as *mut v128, arg_v);
            if SECOND {
                v128_store(s as *mut v128, second_v);
            }
        }
    }
}

/// Portable version over the same packing and arithmetic.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
#[allow(clippy::too_many_arguments)]
pub(crate) fn fold_panel<const SECOND: bool>(
    d: usize,
    cp: usize,
    c_panel: &[f32],
    norms: &[f32],
    x_panel: &[f32],
    best: &mut [f32; NR],
    second: &mut [f32; NR],
    arg: &mut [u32; NR],
) {
    use crate::compute::matmul::kernel::tile;
    let t = tile(d, c_panel, x_panel);
    for (i, (row, &cn)) in t.iter().zip(&norms[..MR]).enumerate() {
        let idx = (cp * MR + i) as u32;
        for j in 0..NR {
            let dist = cn + row[j];
            if SECOND {
                second[j] = second[j].min(best[j].max(dist));
            }
            if dist < best[j] {
                best[j] = dist;
                arg[j] = idx;
            }
        }
    }
}

/// `acc += x` (the per-cluster sums of the update step), one `f32x4` add per 4 features.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub(crate) fn add_row(acc: &mut [f32], x: &[f32]) {
    use core::arch::wasm32::*;
    let mut a4 = acc.chunks_exact_mut(4);
    let mut x4 = x.chunks_exact(4);
    for (a, v) in (&mut a4).zip(&mut x4) {
        // SAFETY: `a` and `v` are exact 4-float chunks; wasm loads/stores need no alignment.
        unsafe {
            let sum = f32x4_add(
                v128_load(a.as_ptr() as *const v128),
                v128_load(v.as_ptr() as *const v128),
            );
            v128_store(a.as_mut_ptr() as *mut v128, sum);
        }
    }
    for (a, v) in a4.into_remainder().iter_mut().zip(x4.remainder()) {
        *a += v;
    }
}

/// `acc += x` (portable; LLVM vectorises it natively).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
pub(crate) fn add_row(acc: &mut [f32], x: &[f32]) {
    for (a, v) in acc.iter_mut().zip(x) {
        *a += v;
    }
}

/// `acc -= x` (a point leaving a cluster), one `f32x4` sub per 4 features.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub(crate) fn sub_row(acc: &mut [f32], x: &[f32]) {
    use core::arch::wasm32::*;
    let mut a4 = acc.chunks_exact_mut(4);
    let mut x4 = x.chunks_exact(4);
    for (a, v) in (&mut a4).zip(&mut x4) {
        // SAFETY: `a` and `v` are exact 4-float chunks; wasm loads/stores need no alignment.
        unsafe {
            let diff = f32x4_sub(
                v128_load(a.as_ptr() as *const v128),
                v128_load(v.as_ptr() as *const v128),
            );
            v128_store(a.as_mut_ptr() as *mut v128, diff);
        }
    }
    for (a, v) in a4.into_remainder().iter_mut().zip(x4.remainder()) {
        *a -= v;
    }
}

/// `acc -= x` (portable).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
pub(crate) fn sub_row(acc: &mut [f32], x: &[f32]) {
    for (a, v) in acc.iter_mut().zip(x) {
        *a -= v;
    }
}

/// ‖a − b‖² in f32 with four independent partial sums (a serial f32 sum is a chain of
/// dependent adds), one `f32x4` per 4 features.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub(crate) fn sq_distance(a: &[f32], b: &[f32]) -> f32 {
    use core::arch::wasm32::*;
    let mut acc = f32x4_splat(0.0);
    let mut a4 = a.chunks_exact(4);
    let mut b4 = b.chunks_exact(4);
    for (x, y) in (&mut a4).zip(&mut b4) {
        // SAFETY: `x` and `y` are exact 4-float chunks; wasm loads need no alignment.
        let t = unsafe {
            f32x4_sub(
                v128_load(x.as_ptr() as *const v128),
                v128_load(y.as_ptr() as *const v128),
            )
        };
        acc = f32x4_add(acc, f32x4_mul(t, t));
    }
    let mut s = (f32x4_extract_lane::<0>(acc) + f32x4_extract_lane::<1>(acc))
        + (f32x4_extract_lane::<2>(acc) + f32x4_extract_lane::<3>(acc));
    for (&x, &y) in a4.remainder().iter().zip(b4.remainder()) {
        s += (x - y) * (x - y);
    }
    s
}

/// ‖a − b‖² in f32 (portable; the same four partial sums, which LLVM vectorises).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
pub(crate) fn sq_distance(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 4];
    let mut a4 = a.chunks_exact(4);
    let mut b4 = b.chunks_exact(4);
    for (x, y) in (&mut a4).zip(&mut b4) {
        for l in 0..4 {
            let t = x[l] - y[l];
            acc[l] += t * t;
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (&x, &y) in a4.remainder().iter().zip(b4.remainder()) {
        s += (x - y) * (x - y);
    }
    s
}
