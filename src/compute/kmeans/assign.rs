//! The assignment step through the GEMM micro-kernel: centroids are the packed A operand
//! (MR per panel), points the packed B operand (NR per panel), so each tile is MR centroids ×
//! NR points and the nearest centroid per point is a lane-wise min down the tile — no
//! horizontal reductions. Distances are ‖c‖² − 2x·c (+‖x‖², constant per point).
//!
//! Hamerly bounds (`bounds.rs`) skip the points that cannot change cluster. Per chunk of
//! points (fixed, so results never depend on the thread count):
//! 1. loosen each point's bounds by the centroids' drift and test them;
//! 2. if more than [`FULL_NUM`]/[`FULL_DEN`] of the chunk fails (the first pass, early
//!    iterations, data without structure), run the kernel over the chunk's pre-packed panels;
//! 3. otherwise tighten the upper bound of each failing point (one exact distance), gather the
//!    points still failing into B panels and run the same kernel over those only.
//!
//! Only points whose label changes touch the update step: the chunk returns the change of its
//! per-cluster sums (f32 within a chunk; `lloyd` keeps the totals in f64).

use super::bounds::{half_separation, Bound, Drift};
use super::data::Points;
use super::nearest::{add_row, fold_panel, sq_distance, sub_row};
use crate::compute::matmul::kernel::{MR, NR};
use crate::compute::matmul::pack::pack_a;
use crate::compute::matmul::view::MatView;
use rayon::prelude::*;
use std::sync::Arc;

/// Points per task.
pub(crate) const CHUNK: usize = 256 * NR;

/// A chunk whose failing fraction exceeds FULL_NUM / FULL_DEN is recomputed whole: gathering
/// would then save little and the tightening pass would be wasted.
const FULL_NUM: usize = 3;
const FULL_DEN: usize = 4;

/// The centroids of one assignment step.
#[derive(Clone)]
pub(crate) struct Centroids {
    pub k: usize,
    /// Packed as A panels, scaled by −2.
    pub panels: Vec<f32>,
    /// ‖c‖² (+∞ for padding rows).
    pub norms: Vec<f32>,
    /// Centred rows, k×d.
    pub rows: Vec<f32>,
    /// ½ · distance from each centroid to its nearest other centroid (rounded down).
    pub half_sep: Vec<f32>,
    /// Movement since the bounds were made exact; `None` on the first pass (no bounds yet).
    pub drift: Option<Drift>,
}

impl Centroids {
    pub fn new(rows: &[f32], k: usize, p: &Points, drift: Option<Drift>) -> Self {
        let d = p.d;
        let padded = k.div_ceil(MR) * MR;
        let mut panels = vec![0.0f32; padded * d];
        pack_a(&MatView::new(rows, k, d, false), 0, k, 0, d, &mut panels);
        panels.iter_mut().for_each(|v| *v *= -2.0);
        let mut norms = vec![f32::INFINITY; padded];
        for (o, c) in norms.iter_mut().zip(rows.chunks_exact(d)) {
            *o = c.iter().map(|&v| v * v).sum();
        }
        let half_sep = match drift {
            Some(_) => half_separation(rows, k, d, p.n),
            None => Vec::new(),
        };
        Centroids {
            k,
            panels,
            norms,
            rows: rows.to_vec(),
            half_sep,
            drift,
        }
    }
}

/// One chunk's contribution to the update step: the change of its per-cluster sums and counts.
pub(crate) struct Partial {
    pub sums: Vec<f32>,
    pub counts: Vec<i64>,
    pub changed: usize,
    /// Points whose distances were computed (diagnostics and tests of the skipping).
    pub computed: usize,
}

/// A chunk's index, labels, bounds and packed points.
type ChunkArgs<'a> = (usize, ((&'a mut [u32], &'a mut [Bound]), &'a [f32]));

/// Assigns every point, updating `labels` (`u32::MAX` = none yet) and `bounds`, and returns
/// the per-chunk partials in chunk order.
pub(crate) fn assign(
    p: &Arc<Points>,
    c: &Centroids,
    labels: &mut [u32],
    bounds: &mut [Bound],
) -> Vec<Partial> {
    if crate::parallel::threads() <= 1 && p.n >= 2 * CHUNK && crate::parallel::assist::helpers() > 0
    {
        return assign_assisted(p, c, labels, bounds);
    }
    let panel_len = p.d * NR;
    let run =
        |(ci, ((lab, bnd), packed)): ChunkArgs| assign_chunk(p, c, ci * CHUNK, packed, lab, bnd);
    if crate::parallel::threads() > 1 && p.n > CHUNK {
        labels
            .par_chunks_mut(CHUNK)
            .zip(bounds.par_chunks_mut(CHUNK))
            .zip(p.packed.par_chunks(CHUNK / NR * panel_len))
            .enumerate()
            .map(run)
            .collect()
    } else {
        labels
            .chunks_mut(CHUNK)
            .zip(bounds.chunks_mut(CHUNK))
            .zip(p.packed.chunks(CHUNK / NR * panel_len))
            .enumerate()
            .map(run)
            .collect()
    }
}

/// [`assign`] on a thread that may not block (the `mt` main thread): chunks shared with the
/// compute worker through [`crate::parallel::assist`]. The helpers get the points by reference
/// count and copies of the centroids, labels and bounds (about 12 bytes a point, against a
/// pass of ≈ 20 ns a point); each chunk's labels and bounds come back in buffers.
fn assign_assisted(
    p: &Arc<Points>,
    c: &Centroids,
    labels: &mut [u32],
    bounds: &mut [Bound],
) -> Vec<Partial> {
    let (shared, c) = (p.clone(), c.clone());
    let state = Arc::new((labels.to_vec(), bounds.to_vec()));
    let parts = crate::parallel::assist::map(p.n.div_ceil(CHUNK), move |i| {
        let first = i * CHUNK;
        let end = (first + CHUNK).min(shared.n);
        let mut lab = state.0[first..end].to_vec();
        let mut bnd = state.1[first..end].to_vec();
        let packed = shared.panels(first, end - first);
        let part = assign_chunk(&shared, &c, first, packed, &mut lab, &mut bnd);
        (lab, bnd, part)
    });
    labels
        .chunks_mut(CHUNK)
        .zip(bounds.chunks_mut(CHUNK))
        .zip(parts)
        .map(|((l, b), (lab, bnd, part))| {
            l.copy_from_slice(&lab);
            b.copy_from_slice(&bnd);
            part
        })
        .collect()
}

fn assign_chunk(
    p: &Points,
    c: &Centroids,
    first: usize,
    packed: &[f32],
    labels: &mut [u32],
    bounds: &mut [Bound],
) -> Partial {
    let (d, k) = (p.d, c.k);
    let len = labels.len();
    let mut out = Partial {
        sums: vec![0.0f32; k * d],
        counts: vec![0i64; k],
        changed: 0,
        computed: 0,
    };
    let Some(drift) = &c.drift else {
        full(p, c, first, packed, labels, bounds, &mut out);
        return out;
    };
    // Branch-free compaction: the failing fraction is often near ½, which a branch mispredicts.
    let mut todo = vec![0u32; len];
    let mut failing = 0;
    for (i, (b, &own)) in bounds.iter_mut().zip(labels.iter()).enumerate() {
        let own = own as usize;
        drift.apply(b, own);
        let fails = b.upper > b.lower && b.upper > c.half_sep[own];
        todo[failing] = i as u32;
        failing += usize::from(fails);
    }
    todo.truncate(failing);
    if todo.len() * FULL_DEN > len * FULL_NUM {
        full(p, c, first, packed, labels, bounds, &mut out);
        return out;
    }
    todo.retain(|&i| {
        let i = i as usize;
        let own = labels[i] as usize;
        let b = &mut bounds[i];
        b.upper = root(sq_distance(
            p.row(first + i),
            &c.rows[own * d..(own + 1) * d],
        ));
        b.upper > b.lower && b.upper > c.half_sep[own]
    });
    if todo.is_empty() {
        return out;
    }
    // Gather the failing points into B panels (zero padding: their lanes are ignored).
    let groups = todo.len().div_ceil(NR);
    let mut gathered = vec![0.0f32; groups * d * NR];
    for (panel, idx) in gathered.chunks_exact_mut(d * NR).zip(todo.chunks(NR)) {
        for (j, &i) in idx.iter().enumerate() {
            for (q, &v) in p.row(first + i as usize).iter().enumerate() {
                panel[q * NR + j] = v;
            }
        }
    }
    let (best, second, arg) = nearest(c, d, &gathered);
    for (g, idx) in todo.chunks(NR).enumerate() {
        for (j, &i) in idx.iter().enumerate() {
            let i = i as usize;
            settle(
                p,
                first + i,
                (best[g][j], second[g][j], arg[g][j]),
                &mut labels[i],
                &mut bounds[i],
                &mut out,
            );
        }
    }
    out
}

/// Every point of the chunk through the kernel, from the pre-packed panels.
fn full(
    p: &Points,
    c: &Centroids,
    first: usize,
    packed: &[f32],
    labels: &mut [u32],
    bounds: &mut [Bound],
    out: &mut Partial,
) {
    let (best, second, arg) = nearest(c, p.d, packed);
    for (g, (lab, bnd)) in labels.chunks_mut(NR).zip(bounds.chunks_mut(NR)).enumerate() {
        for (j, (label, b)) in lab.iter_mut().zip(bnd).enumerate() {
            let i = first + g * NR + j;
            settle(p, i, (best[g][j], second[g][j], arg[g][j]), label, b, out);
        }
    }
}

type Lanes<T> = Vec<[T; NR]>;

/// Nearest and second-nearest centroid of the points in `packed` (B panels): lowest and
/// second-lowest ‖c‖² − 2x·c per lane, and the index of the lowest.
fn nearest(c: &Centroids, d: usize, packed: &[f32]) -> (Lanes<f32>, Lanes<f32>, Lanes<u32>) {
    let panels = packed.len() / (d * NR);
    let mut best = vec![[f32::INFINITY; NR]; panels];
    let mut second = vec![[f32::INFINITY; NR]; panels];
    let mut arg = vec![[0u32; NR]; panels];
    for (cp, (c_panel, norms)) in c
        .panels
        .chunks_exact(d * MR)
        .zip(c.norms.chunks_exact(MR))
        .enumerate()
    {
        for (((x_panel, b), s), a) in packed
            .chunks_exact(d * NR)
            .zip(&mut best)
            .zip(&mut second)
            .zip(&mut arg)
        {
            fold_panel::<true>(d, cp, c_panel, norms, x_panel, b, s, a);
        }
    }
    (best, second, arg)
}

/// Records point `i`'s new label and exact bounds; a change of label moves the point's
/// coordinates between the chunk's sums.
fn settle(
    p: &Points,
    i: usize,
    (best, second, new): (f32, f32, u32),
    label: &mut u32,
    b: &mut Bound,
    out: &mut Partial,
) {
    let d = p.d;
    let xx = p.norms[i];
    b.upper = root(best + xx);
    b.lower = root(second + xx);
    out.computed += 1;
    let old = *label;
    if old == new {
        return;
    }
    out.changed += 1;
    *label = new;
    let x = p.row(i);
    if old != u32::MAX {
        let o = old as usize;
        sub_row(&mut out.sums[o * d..(o + 1) * d], x);
        out.counts[o] -= 1;
    }
    let n = new as usize;
    add_row(&mut out.sums[n * d..(n + 1) * d], x);
    out.counts[n] += 1;
}

/// √max(v, 0) without `f32::max` (a libm call on wasm32).
#[inline(always)]
fn root(v: f32) -> f32 {
    if v > 0.0 {
        v.sqrt()
    } else {
        0.0
    }
}
