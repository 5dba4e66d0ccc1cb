//! Splitting C across rayon threads: row bands when there are enough rows (each band writes
//! its own slice of C in place), otherwise a 2-D grid of tiles computed into private buffers
//! and copied back. Every element is computed by the same sequence of operations whatever
//! the split, so results do not depend on the thread count.

use super::blocking::{a_scratch, multiply_region, Out, Region};
use super::kernel::{MR, NR};
use super::packed_matrix::PackedMatrix;
use super::view::MatView;
use rayon::prelude::*;

/// Below this many multiply-adds one thread is faster than waking the pool.
const PARALLEL_MIN_WORK: usize = 1 << 20;

/// `C += alpha · op(A) · B` over all of C (m × b.n(), row-major).
pub(crate) fn run(a: &MatView, b: &PackedMatrix, alpha: f32, c: &mut [f32], m: usize) {
    let (k, n) = (b.k(), b.n());
    let threads = crate::parallel::threads();
    let work = m.saturating_mul(n).saturating_mul(k);
    if threads <= 1 || work < PARALLEL_MIN_WORK {
        let mut buf = a_scratch(m, k);
        let mut out = Out {
            data: c,
            ldc: n,
            row0: 0,
            col0: 0,
        };
        let region = Region {
            r0: 0,
            r1: m,
            c0: 0,
            c1: n,
        };
        multiply_region(a, b, alpha, &mut out, region, &mut buf);
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
                let r1 = (r0 + band).min(m);
                let mut buf = a_scratch(r1 - r0, k);
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
