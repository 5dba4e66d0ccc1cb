//! The micro-kernel: an MR×NR tile of `A·B` from packed panels, kept in registers.
//!
//! A packed A panel holds MR values per k step (rows of A interleaved), a packed B panel NR
//! values per k step. On wasm32 with `simd128` the tile is 4 rows × two `f32x4` columns.
//! LLVM's wasm backend schedules all A splats of a k step before their uses (it has no
//! register-pressure model for wasm locals), so the live set per step is accumulators + all
//! splats + 2 B vectors (+1 product): 8 + 4 + 2 + 1 = 15, exactly the xmm registers V8
//! allocates on x86-64. 5×8 would be 18 and spills (seen in the emitted wasm: 25 GFLOP/s).
//! Elsewhere a portable kernel
//! over the same packing runs, so native tests exercise the same blocking and edge logic.

/// Rows of a micro-tile.
pub(crate) const MR: usize = 4;
/// Columns of a micro-tile (two `f32x4`).
pub(crate) const NR: usize = 8;

/// Where a tile lands: C rows `row..row+rows`, columns `col..col+cols` of a row-major buffer
/// with row stride `ldc`.
pub(crate) struct TileDst {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
}

/// `C[tile] += alpha · (A panel · B panel)` over `kc` steps.
#[inline]
pub(crate) fn update(
    kc: usize,
    a: &[f32],
    b: &[f32],
    alpha: f32,
    c: &mut [f32],
    ldc: usize,
    dst: &TileDst,
) {
    let a = &a[..kc * MR];
    let b = &b[..kc * NR];
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        if dst.rows == MR && dst.cols == NR {
            super::kernel_simd128::update_full(kc, a, b, alpha, c, ldc, dst.row, dst.col);
            return;
        }
    }
    let t = tile(kc, a, b);
    for (i, t_row) in t.iter().enumerate().take(dst.rows) {
        let start = (dst.row + i) * ldc + dst.col;
        let c_row = &mut c[start..start + dst.cols];
        for (cv, &tv) in c_row.iter_mut().zip(t_row.iter()) {
            *cv += alpha * tv;
        }
    }
}

/// The MR×NR tile `A panel · B panel` (row-major), for callers with their own epilogue.
#[inline]
pub(crate) fn tile(kc: usize, a: &[f32], b: &[f32]) -> [[f32; NR]; MR] {
    let a = &a[..kc * MR];
    let b = &b[..kc * NR];
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        super::kernel_simd128::tile(kc, a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        portable_tile(a, b)
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn portable_tile(a: &[f32], b: &[f32]) -> [[f32; NR]; MR] {
    let mut acc = [[0.0f32; NR]; MR];
    for (ap, bp) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
        for (acc_row, &av) in acc.iter_mut().zip(ap) {
            for (x, &bv) in acc_row.iter_mut().zip(bp) {
                *x += av * bv;
            }
        }
    }
    acc
}
