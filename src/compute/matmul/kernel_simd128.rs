//! The wasm SIMD128 micro-kernel, 4×8: per k step two B vector loads, four A splat loads
//! (`v128.load32_splat`, a single broadcast load in V8 on x86), eight mul+add pairs.

use super::kernel::{MR, NR};
use core::arch::wasm32::*;

/// Eight accumulators: row `i` is `(acc[2i], acc[2i+1])`.
#[inline(always)]
fn accumulate(kc: usize, a: &[f32], b: &[f32]) -> [v128; 2 * MR] {
    accumulate_from([f32x4_splat(0.0); 2 * MR], kc, a, b)
}

/// `init + A panel · B panel`, accumulators as in [`accumulate`].
#[inline(always)]
pub(crate) fn accumulate_from(
    init: [v128; 2 * MR],
    kc: usize,
    a: &[f32],
    b: &[f32],
) -> [v128; 2 * MR] {
    assert!(a.len() >= kc * MR && b.len() >= kc * NR);
    let [mut c00, mut c01, mut c10, mut c11, mut c20, mut c21, mut c30, mut c31] = init;
    let mut pa = a.as_ptr();
    let mut pb = b.as_ptr();
    for _ in 0..kc {
        // SAFETY: the assert above guarantees kc·MR floats behind `a` and kc·NR behind `b`;
        // each iteration reads MR from `pa` and NR from `pb`, then advances by those counts.
        // wasm loads have no alignment requirement.
        unsafe {
            let b0 = v128_load(pb as *const v128);
            let b1 = v128_load(pb.add(4) as *const v128);
            let a0 = v128_load32_splat(pa as *const u32);
            c00 = f32x4_add(c00, f32x4_mul(a0, b0));
            c01 = f32x4_add(c01, f32x4_mul(a0, b1));
            let a1 = v128_load32_splat(pa.add(1) as *const u32);
            c10 = f32x4_add(c10, f32x4_mul(a1, b0));
            c11 = f32x4_add(c11, f32x4_mul(a1, b1));
            let a2 = v128_load32_splat(pa.add(2) as *const u32);
            c20 = f32x4_add(c20, f32x4_mul(a2, b0));
            c21 = f32x4_add(c21, f32x4_mul(a2, b1));
            let a3 = v128_load32_splat(pa.add(3) as *const u32);
            c30 = f32x4_add(c30, f32x4_mul(a3, b0));
            c31 = f32x4_add(c31, f32x4_mul(a3, b1));
            pa = pa.add(MR);
            pb = pb.add(NR);
        }
    }
    [c00, c01, c10, c11, c20, c21, c30, c31]
}

/// A full tile: `C[row.., col..] += alpha · tile`, with vector loads and stores of C.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn update_full(
    kc: usize,
    a: &[f32],
    b: &[f32],
    alpha: f32,
    c: &mut [f32],
    ldc: usize,
    row: usize,
    col: usize,
) {
    let acc = accumulate(kc, a, b);
    let va = f32x4_splat(alpha);
    for (i, pair) in acc.chunks_exact(2).enumerate() {
        let start = (row + i) * ldc + col;
        let c_row = &mut c[start..start + NR];
        let p = c_row.as_mut_ptr();
        // SAFETY: `c_row` is exactly NR = 8 floats, so both 4-lane loads/stores are in bounds.
        unsafe {
            let lo = v128_load(p as *const v128);
            let hi = v128_load(p.add(4) as *const v128);
            v128_store(p as *mut v128, f32x4_add(lo, f32x4_mul(va, pair[0])));
            v128_store(p.add(4) as *mut v128, f32x4_add(hi, f32x4_mul(va, pair[1])));
        }
    }
}

/// The tile as plain floats.
#[inline]
pub(super) fn tile(kc: usize, a: &[f32], b: &[f32]) -> [[f32; NR]; MR] {
    let acc = accumulate(kc, a, b);
    let mut out = [[0.0f32; NR]; MR];
    for (o, pair) in out.iter_mut().zip(acc.chunks_exact(2)) {
        let p = o.as_mut_ptr();
        // SAFETY: each output row is NR = 8 floats: two 4-lane stores fit.
        unsafe {
            v128_store(p as *mut v128, pair[0]);
            v128_store(p.add(4) as *mut v128, pair[1]);
        }
    }
    out
}
