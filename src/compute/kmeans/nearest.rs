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
    // SAFETY: `best`, `second` and `arg` are NR = 8 lanes each: two 4-lane loads/stores fit.
    let (mut best_lo, mut best_hi, mut arg_lo, mut arg_hi) = unsafe {
        (
            v128_load(bp as *const v128),
            v128_load(bp.add(4) as *const v128),
            v128_load(ap as *const v128),
            v128_load(ap.add(4) as *const v128),
        )
    };
    // SAFETY: as above.
    let (mut second_lo, mut second_hi) = unsafe {
        (
            v128_load(sp as *const v128),
            v128_load(sp.add(4) as *const v128),
        )
    };
    for (i, pair) in acc.chunks_exact(2).enumerate() {
        let idx = u32x4_splat((cp * MR + i) as u32);
        let (dist_lo, dist_hi) = (pair[0], pair[1]);
        // pmin/pmax are plain minps/maxps (no NaN fix-ups); distances are never NaN.
        if SECOND {
            second_lo = f32x4_pmin(second_lo, f32x4_pmax(best_lo, dist_lo));
            second_hi = f32x4_pmin(second_hi, f32x4_pmax(best_hi, dist_hi));
        }
        let lt_lo = f32x4_lt(dist_lo, best_lo);
        let lt_hi = f32x4_lt(dist_hi, best_hi);
        best_lo = v128_bitselect(dist_lo, best_lo, lt_lo);
        best_hi = v128_bitselect(dist_hi, best_hi, lt_hi);
        arg_lo = v128_bitselect(idx, arg_lo, lt_lo);
        arg_hi = v128_bitselect(idx, arg_hi, lt_hi);
    }
    // SAFETY: as above.
    unsafe {
        v128_store(bp as *mut v128, best_lo);
        v128_store(bp.add(4) as *mut v128, best_hi);
        v128_store(ap as *mut v128, arg_lo);
        v128_store(ap.add(4) as *mut v128, arg_hi);
        v128_store(sp as *mut v128, second_lo);
        v128_store(sp.add(4) as *mut v128, second_hi);
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
