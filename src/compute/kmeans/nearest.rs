//! For one panel of NR points, the nearest of all packed centroids: GEMM tiles of MR
//! centroids × NR points, reduced lane-wise (each lane is a point) with compare + select.

use crate::compute::matmul::kernel::{MR, NR};

/// `(best, arg)`: per point, min over centroids of ‖c‖² − 2x·c and the centroid index (the
/// lowest index on ties). `c_norms` is +∞ for padding centroids, so they never win.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
pub(crate) fn nearest(
    d: usize,
    c_panels: &[f32],
    c_norms: &[f32],
    x_panel: &[f32],
) -> ([f32; NR], [u32; NR]) {
    use crate::compute::matmul::kernel_simd128::accumulate;
    use core::arch::wasm32::*;
    let inf = f32x4_splat(f32::INFINITY);
    let (mut best_lo, mut best_hi) = (inf, inf);
    let (mut arg_lo, mut arg_hi) = (u32x4_splat(0), u32x4_splat(0));
    for (cp, (panel, norms)) in c_panels
        .chunks_exact(d * MR)
        .zip(c_norms.chunks_exact(MR))
        .enumerate()
    {
        let acc = accumulate(d, panel, x_panel);
        for (i, (pair, &cn)) in acc.chunks_exact(2).zip(norms).enumerate() {
            let cn = f32x4_splat(cn);
            let idx = u32x4_splat((cp * MR + i) as u32);
            let dist_lo = f32x4_sub(cn, f32x4_add(pair[0], pair[0]));
            let dist_hi = f32x4_sub(cn, f32x4_add(pair[1], pair[1]));
            let lt_lo = f32x4_lt(dist_lo, best_lo);
            let lt_hi = f32x4_lt(dist_hi, best_hi);
            best_lo = v128_bitselect(dist_lo, best_lo, lt_lo);
            best_hi = v128_bitselect(dist_hi, best_hi, lt_hi);
            arg_lo = v128_bitselect(idx, arg_lo, lt_lo);
            arg_hi = v128_bitselect(idx, arg_hi, lt_hi);
        }
    }
    let best = [
        f32x4_extract_lane::<0>(best_lo),
        f32x4_extract_lane::<1>(best_lo),
        f32x4_extract_lane::<2>(best_lo),
        f32x4_extract_lane::<3>(best_lo),
        f32x4_extract_lane::<0>(best_hi),
        f32x4_extract_lane::<1>(best_hi),
        f32x4_extract_lane::<2>(best_hi),
        f32x4_extract_lane::<3>(best_hi),
    ];
    let arg = [
        u32x4_extract_lane::<0>(arg_lo),
        u32x4_extract_lane::<1>(arg_lo),
        u32x4_extract_lane::<2>(arg_lo),
        u32x4_extract_lane::<3>(arg_lo),
        u32x4_extract_lane::<0>(arg_hi),
        u32x4_extract_lane::<1>(arg_hi),
        u32x4_extract_lane::<2>(arg_hi),
        u32x4_extract_lane::<3>(arg_hi),
    ];
    (best, arg)
}

/// Portable version over the same packing (and the same arithmetic, so results agree).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
pub(crate) fn nearest(
    d: usize,
    c_panels: &[f32],
    c_norms: &[f32],
    x_panel: &[f32],
) -> ([f32; NR], [u32; NR]) {
    use crate::compute::matmul::kernel::tile;
    let mut best = [f32::INFINITY; NR];
    let mut arg = [0u32; NR];
    for (cp, (panel, norms)) in c_panels
        .chunks_exact(d * MR)
        .zip(c_norms.chunks_exact(MR))
        .enumerate()
    {
        let t = tile(d, panel, x_panel);
        for (i, (row, &cn)) in t.iter().zip(norms).enumerate() {
            let idx = (cp * MR + i) as u32;
            for j in 0..NR {
                let dist = cn - (row[j] + row[j]);
                if dist < best[j] {
                    best[j] = dist;
                    arg[j] = idx;
                }
            }
        }
    }
    (best, arg)
}
