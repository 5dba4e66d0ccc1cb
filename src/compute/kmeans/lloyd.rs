//! Lloyd iterations: assign (GEMM kernel, Hamerly bounds skip the points that cannot move),
//! keep the per-cluster sums up to date from the points that changed cluster (f64 totals,
//! chunk partials added in a fixed order), re-seed empty clusters from the farthest points,
//! stop on unchanged labels, `tol` or `max_iter`.
//!
//! Bounds are always on: the first pass runs the kernel over every point (and makes the
//! bounds exact); later passes test them and recompute only failing points, falling back to
//! the whole chunk through the kernel when most of it fails (see `assign`). The test costs a
//! few loads per point, far below one distance, so there is no case worth switching it off.

use super::assign::{assign, Centroids, Partial};
use super::bounds::{Bound, Drift};
use super::data::{dist2, Points};

pub(crate) struct Run {
    /// Centred centroids, k×d.
    pub centroids: Vec<f32>,
    pub labels: Vec<u32>,
    pub inertia: f64,
    pub iterations: usize,
    /// Points whose distances were computed, summed over all assignment passes.
    #[allow(dead_code)]
    pub computed: usize,
}

pub(crate) fn lloyd(p: &Points, init: Vec<f32>, k: usize, max_iter: usize, tol: f64) -> Run {
    let (n, d) = (p.n, p.d);
    let mut cent = init;
    let mut labels = vec![u32::MAX; n];
    let mut bounds = vec![Bound::default(); n];
    // Σx and counts of the points currently labelled j (what `labels` says, before re-seeding).
    let mut totals = vec![0.0f64; k * d];
    let mut members = vec![0i64; k];
    let mut drift: Option<Drift> = None;
    let mut computed = 0;
    let mut iterations = 0;
    let mut settled = false;
    for it in 0..max_iter {
        iterations = it + 1;
        let c = Centroids::new(&cent, k, p, drift.take());
        let partials = assign(p, &c, &mut labels, &mut bounds);
        let changed = absorb(&partials, &mut totals, &mut members);
        computed += partials.iter().map(|q| q.computed).sum::<usize>();
        let mut sums = totals.clone();
        let mut counts: Vec<u64> = members.iter().map(|&m| m.max(0) as u64).collect();
        let relocated = relocate_empty(p, &cent, &labels, &mut sums, &mut counts);
        let old = cent.clone();
        let mut shift = 0.0f64;
        for ((c_row, s_row), &count) in cent
            .chunks_exact_mut(d)
            .zip(sums.chunks_exact(d))
            .zip(&counts)
        {
            if count == 0 {
                continue;
            }
            for (c, &s) in c_row.iter_mut().zip(s_row) {
                let new = (s / count as f64) as f32;
                shift += (new as f64 - *c as f64).powi(2);
                *c = new;
            }
        }
        drift = Some(Drift::new(&old, &cent, d));
        if changed == 0 && !relocated {
            settled = true;
            break;
        }
        if shift <= tol {
            break;
        }
    }
    if !settled {
        // Labels consistent with the final centroids.
        let c = Centroids::new(&cent, k, p, drift.take());
        let partials = assign(p, &c, &mut labels, &mut bounds);
        computed += partials.iter().map(|q| q.computed).sum::<usize>();
    }
    let inertia = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            let l = l as usize;
            dist2(p.row(i), &cent[l * d..(l + 1) * d])
        })
        .sum();
    Run {
        centroids: cent,
        labels,
        inertia,
        iterations,
        computed,
    }
}

/// Adds the chunks' changes to the totals, in chunk order; returns how many labels changed.
fn absorb(partials: &[Partial], totals: &mut [f64], members: &mut [i64]) -> usize {
    let mut changed = 0;
    for part in partials {
        if part.changed == 0 {
            continue;
        }
        for (s, &v) in totals.iter_mut().zip(&part.sums) {
            *s += v as f64;
        }
        for (c, &v) in members.iter_mut().zip(&part.counts) {
            *c += v;
        }
        changed += part.changed;
    }
    changed
}

/// Moves each empty cluster onto one of the points farthest from their centroid (as
/// scikit-learn): that point's sum leaves its cluster and becomes the empty one's. `cent` are
/// the centroids the labels were assigned against.
fn relocate_empty(
    p: &Points,
    cent: &[f32],
    labels: &[u32],
    sums: &mut [f64],
    counts: &mut [u64],
) -> bool {
    let d = p.d;
    let empty: Vec<usize> = (0..counts.len()).filter(|&c| counts[c] == 0).collect();
    if empty.is_empty() {
        return false;
    }
    // Rare: distances are only needed here, so they are not kept by the assignment step.
    let mind: Vec<f64> = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| dist2(p.row(i), &cent[l as usize * d..(l as usize + 1) * d]))
        .collect();
    let mut taken: Vec<usize> = Vec::with_capacity(empty.len());
    for &e in &empty {
        let far = (0..p.n)
            .filter(|i| !taken.contains(i))
            .max_by(|&a, &b| mind[a].total_cmp(&mind[b]).then(b.cmp(&a)));
        let Some(far) = far else { break };
        taken.push(far);
        let old = labels[far] as usize;
        let x = p.row(far);
        for (j, &v) in x.iter().enumerate() {
            sums[old * d + j] -= v as f64;
            sums[e * d + j] = v as f64;
        }
        counts[old] -= 1;
        counts[e] = 1;
    }
    true
}
