//! Packing: copying blocks of op(A) and op(B) into the panel order the micro-kernel streams,
//! zero-padding partial panels so edge tiles run the same kernel.

use super::kernel::{MR, NR};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::pack_simd128::pack_rows;
use super::view::MatView;

/// `dst[p·stride + i] = rows[i][p]` for `p < kc`, `i < 4`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn pack_rows(rows: [&[f32]; 4], kc: usize, dst: &mut [f32], stride: usize) {
    for (i, row) in rows.iter().enumerate() {
        for (p, &v) in row[..kc].iter().enumerate() {
            dst[p * stride + i] = v;
        }
    }
}

// Full panels are packed four rows (of A) or four columns (of a transposed B) at a time.
const _: () = assert!(MR == 4 && NR == 8);

/// Packs rows `r0..r0+mc`, columns `p0..p0+kc` of `a` into ⌈mc/MR⌉ panels of `kc·MR` floats
/// (k-major, MR rows interleaved). `out` must hold at least ⌈mc/MR⌉·MR·kc floats.
pub(crate) fn pack_a(a: &MatView, r0: usize, mc: usize, p0: usize, kc: usize, out: &mut [f32]) {
    for (panel, dst) in out
        .chunks_exact_mut(MR * kc)
        .take(mc.div_ceil(MR))
        .enumerate()
    {
        let i0 = r0 + panel * MR;
        let rows = MR.min(r0 + mc - i0);
        if a.cs == 1 && rows == MR {
            // Row-major A: MR contiguous row segments.
            let row = |i: usize| &a.data[(i0 + i) * a.rs + p0..][..kc];
            pack_rows([row(0), row(1), row(2), row(3)], kc, dst, MR);
            continue;
        }
        for (p, step) in dst.chunks_exact_mut(MR).enumerate() {
            for (i, slot) in step.iter_mut().enumerate() {
                *slot = if i < rows { a.at(i0 + i, p0 + p) } else { 0.0 };
            }
        }
    }
}

/// Packs columns `c0..c0+nc` (c0 a multiple of NR), rows `p0..p0+kc` of `b` into ⌈nc/NR⌉
/// panels of `kc·NR` floats (k-major, NR columns side by side).
pub(crate) fn pack_b(b: &MatView, c0: usize, nc: usize, p0: usize, kc: usize, out: &mut [f32]) {
    for (panel, dst) in out
        .chunks_exact_mut(NR * kc)
        .take(nc.div_ceil(NR))
        .enumerate()
    {
        let j0 = c0 + panel * NR;
        let cols = NR.min(c0 + nc - j0);
        if b.rs == 1 && b.cs != 1 && cols == NR {
            // Transposed B (a row-major buffer read down its rows): each column of B is a
            // contiguous row segment, so the panel is two four-row transposes.
            let col = |j: usize| &b.data[(j0 + j) * b.cs + p0..][..kc];
            pack_rows([col(0), col(1), col(2), col(3)], kc, dst, NR);
            pack_rows([col(4), col(5), col(6), col(7)], kc, &mut dst[4..], NR);
            continue;
        }
        for (p, step) in dst.chunks_exact_mut(NR).enumerate() {
            if b.cs == 1 {
                let start = (p0 + p) * b.rs + j0;
                step[..cols].copy_from_slice(&b.data[start..start + cols]);
                step[cols..].fill(0.0);
            } else {
                for (j, slot) in step.iter_mut().enumerate() {
                    *slot = if j < cols { b.at(p0 + p, j0 + j) } else { 0.0 };
                }
            }
        }
    }
}
