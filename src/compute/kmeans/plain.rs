//! The plain assignment step (no bounds): every point through the GEMM kernel (see
//! `assign`), fused with the full per-cluster sums of the update step. `lloyd` runs it until
//! the labels settle enough for bounds to pay off.

use super::assign::{Centroids, CHUNK};
use super::data::Points;
use super::nearest::{add_row, fold_panel};
use crate::compute::matmul::kernel::{MR, NR};
use rayon::prelude::*;

/// One chunk's contribution to the update step.
pub(crate) struct Sums {
    pub sums: Vec<f32>,
    pub counts: Vec<u32>,
    pub changed: usize,
}

/// Assigns every point, writing `labels`, and returns the per-chunk partial sums in chunk order.
pub(crate) fn assign_all(p: &Points, c: &Centroids, labels: &mut [u32]) -> Vec<Sums> {
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
    c: &Centroids,
    first: usize,
    packed: &[f32],
    labels: &mut [u32],
) -> Sums {
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
            fold_panel::<false>(d, cp, c_panel, norms, x_panel, b, &mut [0.0; NR], a);
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
    Sums {
        sums,
        counts,
        changed,
    }
}
