//! The assignment step through the GEMM micro-kernel: centroids are the packed A operand
//! (MR per panel), points the packed B operand (NR per panel), so each tile is MR centroids ×
//! NR points and the nearest centroid per point is a lane-wise min down the tile — no
//! horizontal reductions. Distances are ‖c‖² − 2x·c (+‖x‖², constant per point).
//! Fused with the per-cluster sums of the update step.

use super::data::Points;
use super::nearest::{add_row, fold_panel};
use crate::compute::matmul::kernel::{MR, NR};
use crate::compute::matmul::pack::pack_a;
use crate::compute::matmul::view::MatView;
use rayon::prelude::*;

/// Points per task: partial sums are f32 within a chunk, f64 across chunks.
pub(crate) const CHUNK: usize = 256 * NR;

/// Centroids packed as A panels, scaled by −2, plus their squared norms (+∞ for padding rows).
pub(crate) struct PackedCentroids {
    pub k: usize,
    pub panels: Vec<f32>,
    pub norms: Vec<f32>,
}

impl PackedCentroids {
    pub fn new(centroids: &[f32], k: usize, d: usize) -> Self {
        let padded = k.div_ceil(MR) * MR;
        let mut panels = vec![0.0f32; padded * d];
        pack_a(
            &MatView::new(centroids, k, d, false),
            0,
            k,
            0,
            d,
            &mut panels,
        );
        panels.iter_mut().for_each(|v| *v *= -2.0);
        let mut norms = vec![f32::INFINITY; padded];
        for (o, c) in norms.iter_mut().zip(centroids.chunks_exact(d)) {
            *o = c.iter().map(|&v| v * v).sum();
        }
        PackedCentroids { k, panels, norms }
    }
}

/// One chunk's contribution to the update step.
pub(crate) struct Partial {
    pub sums: Vec<f32>,
    pub counts: Vec<u32>,
    pub changed: usize,
}

/// Assigns every point, writing `labels`, and returns the per-chunk partial sums in chunk order.
pub(crate) fn assign(p: &Points, c: &PackedCentroids, labels: &mut [u32]) -> Vec<Partial> {
    let panel_len = p.d * NR;
    let run = |(ci, (lab, packed)): (usize, (&mut [u32], &[f32]))| {
        assign_chunk(p, c, ci * CHUNK, packed, lab)
    };
    if crate::parallel::threads() > 1 && p.n > CHUNK {
        labels
            .par_chunks_mut(CHUNK)
            .zip(p.packed.par_chunks(CHUNK / NR * panel_len))
            .enumerate()
            .map(run)
            .collect()
    } else {
        labels
            .chunks_mut(CHUNK)
            .zip(p.packed.chunks(CHUNK / NR * panel_len))
            .enumerate()
            .map(run)
            .collect()
    }
}

fn assign_chunk(
    p: &Points,
    c: &PackedCentroids,
    first: usize,
    packed: &[f32],
    labels: &mut [u32],
) -> Partial {
    let (d, k) = (p.d, c.k);
    let panels = packed.len() / (d * NR);
    let mut best = vec![[f32::INFINITY; NR]; panels];
    let mut arg = vec![[0u32; NR]; panels];
    for (cp, (c_panel, norms)) in c
        .panels
        .chunks_exact(d * MR)
        .zip(c.norms.chunks_exact(MR))
        .enumerate()
    {
        for ((x_panel, b), a) in packed.chunks_exact(d * NR).zip(&mut best).zip(&mut arg) {
            fold_panel(d, cp, c_panel, norms, x_panel, b, a);
        }
    }
    let mut sums = vec![0.0f32; k * d];
    let mut counts = vec![0u32; k];
    let mut changed = 0;
    let points = &p.x[first * d..(first + labels.len()) * d];
    for ((lab, xs), a) in labels.chunks_mut(NR).zip(points.chunks(NR * d)).zip(&arg) {
        for ((label, &new), x) in lab.iter_mut().zip(a).zip(xs.chunks_exact(d)) {
            changed += usize::from(*label != new);
            *label = new;
            let l = new as usize;
            counts[l] += 1;
            add_row(&mut sums[l * d..(l + 1) * d], x);
        }
    }
    Partial {
        sums,
        counts,
        changed,
    }
}
