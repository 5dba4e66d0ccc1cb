//! The plain assignment step (no bounds): every point through the GEMM kernel (see
//! `assign`), fused with the full per-cluster sums of the update step. `lloyd` runs it until
//! the labels settle enough for bounds to pay off.

use super::assign::{Centroids, CHUNK};
use super::data::Points;
use super::nearest::{add_row, fold_panel};
use crate::compute::matmul::kernel::{MR, NR};
use std::sync::Arc;

/// One chunk's contribution to the update step.
pub(crate) struct Sums {
    pub sums: Vec<f32>,
    pub counts: Vec<u32>,
    pub changed: usize,
}

/// Assigns every point, writing `labels`, and returns the per-chunk partial sums in chunk
/// order. The chunks run wherever [`crate::parallel::map_chunks`] puts them (on the `mt` main
/// thread, shared with the compute worker): each gets the points by reference count and a
/// copy of the centroid panels, and its labels come back in a buffer, counted as changed here.
pub(crate) fn assign_all(p: &Arc<Points>, c: &Centroids, labels: &mut [u32]) -> Vec<Sums> {
    let (shared, c) = (p.clone(), c.clone());
    let parts = crate::parallel::map_chunks(p.n.div_ceil(CHUNK), move |i| {
        let first = i * CHUNK;
        let mut lab = vec![u32::MAX; (shared.n - first).min(CHUNK)];
        let sums = assign_chunk(
            &shared,
            &c,
            first,
            shared.panels(first, lab.len()),
            &mut lab,
        );
        (lab, sums)
    });
    labels
        .chunks_mut(CHUNK)
        .zip(parts)
        .map(|(old, (new, mut sums))| {
            sums.changed = old.iter().zip(&new).filter(|(a, b)| a != b).count();
            old.copy_from_slice(&new);
            sums
        })
        .collect()
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
    let points = &p.x[first * d..(first + labels.len()) * d];
    for ((lab, xs), a) in labels.chunks_mut(NR).zip(points.chunks(NR * d)).zip(&arg) {
        for ((label, &new), x) in lab.iter_mut().zip(a).zip(xs.chunks_exact(d)) {
            *label = new;
            let l = new as usize;
            counts[l] += 1;
            add_row(&mut sums[l * d..][..d], x);
        }
    }
    Sums {
        sums,
        counts,
        changed: 0, // counted by `assign_all`, against the previous labels
    }
}
