//! Splitting C across rayon threads: row bands when there are enough rows (each band writes
//! its own slice of C in place), otherwise a 2-D grid of tiles computed into private buffers
//! and copied back. On a thread that may not block (the `mt` main thread) row bands are shared
//! with the compute worker through `crate::parallel::assist` instead. Every element is computed
//! by the same sequence of operations whatever the split, so results do not depend on the
//! thread count.

use super::blocking::{a_scratch, multiply_region, Out, Region};
use super::kernel::{MR, NR};
use super::packed_matrix::PackedMatrix;
use super::view::MatView;
use rayon::prelude::*;

/// Below this many multiply-adds one thread is faster than waking the pool.
const PARALLEL_MIN_WORK: usize = 1 << 20;

/// Rows per shared band: short enough that the caller rarely waits long for a helper's last
/// band, a multiple of MR.
const ASSIST_BAND: usize = 8 * MR;

/// `C += alpha · op(A) · B` over all of C (m × b.n(), row-major).
pub(crate) fn run(a: &MatView, b: &PackedMatrix, alpha: f32, c: &mut [f32], m: usize) {
    let (k, n) = (b.k(), b.n());
    let threads = crate::parallel::threads();
    let work = m.saturating_mul(n).saturating_mul(k);
    if threads <= 1
        && work >= PARALLEL_MIN_WORK
        && m >= 2 * ASSIST_BAND
        && crate::parallel::assist::helpers() > 0
    {
        return run_assisted(a, b, alpha, c, m);
    }
    if threads <= 1 || work < PARALLEL_MIN_WORK {
        multiply_rows(a, b, alpha, c, 0, m);
        return;
    }
    let tasks = 2 * threads;
    if m >= tasks * MR {
        // Row bands, a multiple of MR rows each.
        let band = m.div_ceil(tasks).div_ceil(MR) * MR;
        c.par_chunks_mut(band * n)
            .enumerate()
            .for_each(|(i, rows)| {
                let r0 = i * band;
                multiply_rows(a, b, alpha, rows, r0, (r0 + band).min(m));
            });
        return;
    }
    // Few rows: a grid of tile_rows × tile_cols tiles.
    let grid_rows = (m / MR).clamp(1, tasks);
    let grid_cols = tasks.div_ceil(grid_rows);
    let band = m.div_ceil(grid_rows).div_ceil(MR) * MR;
    let strip = n.div_ceil(grid_cols).div_ceil(NR) * NR;
    let mut regions = Vec::new();
    for r0 in (0..m).step_by(band) {
        for c0 in (0..n).step_by(strip) {
            regions.push(Region {
                r0,
                r1: (r0 + band).min(m),
                c0,
                c1: (c0 + strip).min(n),
            });
        }
    }
    let c_in: &[f32] = c;
    let tiles: Vec<Vec<f32>> = regions
        .par_iter()
        .map(|&r| {
            let w = r.c1 - r.c0;
            let mut tile = Vec::with_capacity((r.r1 - r.r0) * w);
            for i in r.r0..r.r1 {
                tile.extend_from_slice(&c_in[i * n + r.c0..i * n + r.c1]);
            }
            let mut buf = a_scratch(r.r1 - r.r0, k);
            let mut out = Out {
                data: &mut tile,
                ldc: w,
                row0: r.r0,
                col0: r.c0,
            };
            multiply_region(a, b, alpha, &mut out, r, &mut buf);
            tile
        })
        .collect();
    for (r, tile) in regions.iter().zip(tiles) {
        let w = r.c1 - r.c0;
        for (i, src) in (r.r0..r.r1).zip(tile.chunks_exact(w)) {
            c[i * n + r.c0..i * n + r.c1].copy_from_slice(src);
        }
    }
}

/// `rows` (C's rows `r0..r1`, all columns) `+= alpha · op(A)[r0..r1, :] · B`.
fn multiply_rows(
    a: &MatView,
    b: &PackedMatrix,
    alpha: f32,
    rows: &mut [f32],
    r0: usize,
    r1: usize,
) {
    let n = b.n();
    let mut buf = a_scratch(r1 - r0, b.k());
    let mut out = Out {
        data: rows,
        ldc: n,
        row0: r0,
        col0: 0,
    };
    let region = Region {
        r0,
        r1,
        c0: 0,
        c1: n,
    };
    multiply_region(a, b, alpha, &mut out, region, &mut buf);
}

/// Row bands shared with helper threads ([`crate::parallel::assist`]). The helpers need owned
/// data: A is copied (B is shared, C's bands come back in buffers), a few percent of the work.
fn run_assisted(a: &MatView, b: &PackedMatrix, alpha: f32, c: &mut [f32], m: usize) {
    use std::sync::Arc;

    let n = b.n();
    let (a_data, rs, cs): (Arc<Vec<f32>>, usize, usize) = (Arc::new(a.data.to_vec()), a.rs, a.cs);
    // C already holds beta·C; bands start from it only when it is not all zeros.
    let c_in: Option<Arc<Vec<f32>>> = c.iter().any(|&x| x != 0.0).then(|| Arc::new(c.to_vec()));
    let b = b.clone();
    let bands = crate::parallel::assist::map(m.div_ceil(ASSIST_BAND), move |i| {
        let r0 = i * ASSIST_BAND;
        let r1 = (r0 + ASSIST_BAND).min(m);
        let mut band = match &c_in {
            Some(c) => c[r0 * n..r1 * n].to_vec(),
            None => vec![0.0; (r1 - r0) * n],
        };
        let view = MatView {
            data: &a_data,
            rs,
            cs,
        };
        multiply_rows(&view, &b, alpha, &mut band, r0, r1);
        band
    });
    for (rows, band) in c.chunks_mut(ASSIST_BAND * n).zip(bands) {
        rows.copy_from_slice(&band);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(a: &[f32], b: &[f32], c0: &[f32], m: usize, k: usize, n: usize) -> Vec<f64> {
        (0..m * n)
            .map(|ij| {
                let (i, j) = (ij / n, ij % n);
                c0[ij] as f64
                    + (0..k)
                        .map(|p| a[i * k + p] as f64 * b[p * n + j] as f64)
                        .sum::<f64>()
            })
            .collect()
    }

    #[test]
    fn bands_shared_with_a_helper_match_an_f64_reference() {
        let (m, k, n) = (203, 70, 37); // a short last band, n not a multiple of NR
        let val = |i: usize, s: usize| ((i * 7919 + s) % 17) as f32 / 8.0 - 1.0;
        let a: Vec<f32> = (0..m * k).map(|i| val(i, 1)).collect();
        let b: Vec<f32> = (0..k * n).map(|i| val(i, 2)).collect();
        for c0 in [vec![0.0; m * n], (0..m * n).map(|i| val(i, 3)).collect()] {
            let want = reference(&a, &b, &c0, m, k, n);
            let packed = PackedMatrix::new(&b, k, n, false).unwrap();
            let mut c = c0.clone();
            let helped = crate::parallel::assist::with_helper(|| {
                run_assisted(&MatView::new(&a, m, k, false), &packed, 1.0, &mut c, m);
            });
            for (i, (&got, &w)) in c.iter().zip(&want).enumerate() {
                assert!(
                    (got as f64 - w).abs() <= 1e-4 * (1.0 + w.abs()),
                    "c[{i}] = {got}, want {w}"
                );
            }
            // Not asserted > 0: a fast caller may take every band before the helper wakes.
            let _ = helped;
        }
    }
}
