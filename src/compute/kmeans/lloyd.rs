//! Lloyd iterations: assign (GEMM kernel), reduce the partial sums in a fixed order, re-seed
//! empty clusters from the farthest points, stop on unchanged labels, `tol` or `max_iter`.

use super::assign::{assign, PackedCentroids};
use super::data::{dist2, Points};

pub(crate) struct Run {
    /// Centred centroids, k×d.
    pub centroids: Vec<f32>,
    pub labels: Vec<u32>,
    pub inertia: f64,
    pub iterations: usize,
}

pub(crate) fn lloyd(p: &Points, init: Vec<f32>, k: usize, max_iter: usize, tol: f64) -> Run {
    let (n, d) = (p.n, p.d);
    let mut cent = init;
    let mut labels = vec![u32::MAX; n];
    let mut iterations = 0;
    let mut settled = false;
    for it in 0..max_iter {
        iterations = it + 1;
        let partials = assign(p, &PackedCentroids::new(&cent, k, d), &mut labels);
        let mut sums = vec![0.0f64; k * d];
        let mut counts = vec![0u64; k];
        let mut changed = 0;
        for part in &partials {
            for (s, &v) in sums.iter_mut().zip(&part.sums) {
                *s += v as f64;
            }
            for (c, &v) in counts.iter_mut().zip(&part.counts) {
                *c += v as u64;
            }
            changed += part.changed;
        }
        let relocated = relocate_empty(p, &cent, &labels, &mut sums, &mut counts);
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
        assign(p, &PackedCentroids::new(&cent, k, d), &mut labels);
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
    }
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
