//! Packing four rows of a row-major matrix with SIMD128: four k steps at a time, a 4×4
//! transpose of one vector load per row (eight shuffles) into four vector stores. The scalar
//! loop did a load and a strided store per element, about a tenth of a 1024×1024×64 product.

use core::arch::wasm32::*;

/// `dst[p·stride + i] = rows[i][p]` for `p < kc`, `i < 4`: four row segments of `kc` floats
/// into the first four lanes of each k step of `stride` floats (an A panel with stride MR;
/// half of a B panel of a transposed B with stride NR).
pub(super) fn pack_rows(rows: [&[f32]; 4], kc: usize, dst: &mut [f32], stride: usize) {
    if kc == 0 {
        return;
    }
    let [r0, r1, r2, r3] = rows.map(|r| &r[..kc]);
    let dst = &mut dst[..(kc - 1) * stride + 4];
    let quads = kc / 4;
    for q in 0..quads {
        let p = 4 * q;
        // SAFETY: each row slice holds kc floats and p + 4 ≤ kc, so each 4-lane load is in
        // bounds; `dst` holds (kc − 1)·stride + 4 floats and the four stores cover
        // dst[(p + s)·stride ..][..4] for s < 4, with p + 3 ≤ kc − 1. wasm loads and stores
        // have no alignment requirement.
        unsafe {
            let a = v128_load(r0.as_ptr().add(p) as *const v128);
            let b = v128_load(r1.as_ptr().add(p) as *const v128);
            let c = v128_load(r2.as_ptr().add(p) as *const v128);
            let d = v128_load(r3.as_ptr().add(p) as *const v128);
            let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a, b); // a0 b0 a1 b1
            let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c, d); // c0 d0 c1 d1
            let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a, b); // a2 b2 a3 b3
            let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c, d); // c2 d2 c3 d3
            let out = dst.as_mut_ptr().add(p * stride);
            v128_store(out as *mut v128, i32x4_shuffle::<0, 1, 4, 5>(ab_lo, cd_lo));
            v128_store(
                out.add(stride) as *mut v128,
                i32x4_shuffle::<2, 3, 6, 7>(ab_lo, cd_lo),
            );
            v128_store(
                out.add(2 * stride) as *mut v128,
                i32x4_shuffle::<0, 1, 4, 5>(ab_hi, cd_hi),
            );
            v128_store(
                out.add(3 * stride) as *mut v128,
                i32x4_shuffle::<2, 3, 6, 7>(ab_hi, cd_hi),
            );
        }
    }
    for p in 4 * quads..kc {
        dst[p * stride..][..4].copy_from_slice(&[r0[p], r1[p], r2[p], r3[p]]);
    }
}
