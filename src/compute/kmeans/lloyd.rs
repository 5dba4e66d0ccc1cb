//! Lloyd iterations: assign (GEMM kernel), reduce the partial sums in a fixed order (f64
//! totals, chunk partials added in chunk order, so results never depend on the thread count),
//! re-seed empty clusters from the farthest points, stop on unchanged labels, `tol` or
//! `max_iter`.
//!
//! When bounds are used: plain passes (every point through the kernel, full sums) run until a
//! pass changes at most 1/[`SETTLED`] of the labels; from then on Hamerly bounds skip the
//! points that cannot move and the sums change only by the points that did (`assign`).
//! Measured on wasm (Node 20, 100 000 × 16, k = 16, uniform — the bench case): a plain pass
//! 1.55–1.6 ms, a bounded pass 2.2–2.6 ms although it recomputes only 26–40 % of the points
//! (the per-point test, tightening, gather and bound updates are scalar work that costs
//! several ns a point in V8, next to the kernel's ≈ 15 ns for all 16 distances of a point).
//! Uniform data changes 1–5 % of the labels a pass, so it stays on plain passes; converging or
//! clustered data, where most points skip, switches to bounds. See src/compute/README.md.

use super::assign::{assign, Centroids, Partial, CHUNK};
use super::bounds::{Bound, Drift};
use super::data::{dist2, Points};
use super::nearest::sq_distance;
use super::plain::assign_all;
use std::sync::Arc;

/// Bounds take over once a plain pass changes at most n / SETTLED labels.
const SETTLED: usize = 100;

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

/// Lloyd from `init`; `bounds_after` is the number of changed labels at or below which the
/// bounded passes take over (`n / SETTLED` in use; tests force 0 passes or every pass).
pub(crate) fn lloyd(p: &Arc<Points>, init: Vec<f32>, k: usize, max_iter: usize, tol: f64) -> Run {
    lloyd_with(p, init, k, max_iter, tol, p.n / SETTLED)
}

pub(crate) fn lloyd_with(
    p: &Arc<Points>,
    init: Vec<f32>,
    k: usize,
    max_iter: usize,
    tol: f64,
    bounds_after: usize,
) -> Run {
    let (n, d) = (p.n, p.d);
    let mut cent = init;
    let mut labels = vec![u32::MAX; n];
    // Allocated when the bounded passes start.
    let mut bounds: Vec<Bound> = Vec::new();
    // Σx and counts of the points currently labelled j (what `labels` says, before re-seeding).
    let mut totals = vec![0.0f64; k * d];
    let mut members = vec![0i64; k];
    let mut drift: Option<Drift> = None;
    let mut computed = 0;
    let mut iterations = 0;
    let mut settled = false;
    for it in 0..max_iter {
        iterations = it + 1;
        let bounded_pass = !bounds.is_empty();
        let changed = if !bounded_pass {
            let c = Centroids::new(&cent, k, p, None);
            let partials = assign_all(p, &c, &mut labels);
            computed += n;
            totals.fill(0.0);
            members.fill(0);
            let mut changed = 0;
            for part in &partials {
                for (s, &v) in totals.iter_mut().zip(&part.sums) {
                    *s += v as f64;
                }
                for (c, &v) in members.iter_mut().zip(&part.counts) {
                    *c += v as i64;
                }
                changed += part.changed;
            }
            if changed <= bounds_after {
                // The next pass makes the bounds exact (through the kernel, `drift` None).
                bounds = vec![Bound::default(); n];
            }
            changed
        } else {
            let c = Centroids::new(&cent, k, p, drift.take());
            let partials = assign(p, &c, &mut labels, &mut bounds);
            computed += partials.iter().map(|q| q.computed).sum::<usize>();
            absorb(&partials, &mut totals, &mut members)
        };
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
        // Bounds are exact for `old` after a bounded pass (the first runs with `drift` None).
        drift = bounded_pass.then(|| Drift::new(&old, &cent, d));
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
        if bounds.is_empty() {
            assign_all(p, &Centroids::new(&cent, k, p, None), &mut labels);
            computed += n;
        } else {
            let c = Centroids::new(&cent, k, p, drift.take());
            let partials = assign(p, &c, &mut labels, &mut bounds);
            computed += partials.iter().map(|q| q.computed).sum::<usize>();
        }
    }
    let inertia = inertia(p, &cent, &labels);
    Run {
        centroids: cent,
        labels,
        inertia,
        iterations,
        computed,
    }
}

/// Σ ‖x − c(label)‖²: each point's term in f32 from the differences (no cancellation, relative
/// error about 1e-6), summed in f64 per chunk and then over chunks in order.
fn inertia(p: &Arc<Points>, cent: &[f32], labels: &[u32]) -> f64 {
    let shared = (p.clone(), cent.to_vec(), Arc::new(labels.to_vec()));
    let parts = crate::parallel::map_chunks(p.n.div_ceil(CHUNK), move |i| {
        let (p, cent, labels) = &shared;
        let first = i * CHUNK;
        let end = (first + CHUNK).min(p.n);
        (first..end)
            .map(|j| {
                let l = labels[j] as usize;
                sq_distance(p.row(j), &cent[l * p.d..(l + 1) * p.d]) as f64
            })
            .sum::<f64>()
    });
    parts.iter().sum()
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

/// The integration tests' f64 Lloyd, included so that both suites check against one reference.
#[cfg(test)]
#[path = "../../../tests/common/lloyd.rs"]
mod lloyd_reference;

#[cfg(test)]
mod tests {
    //! The bounded passes forced from the second pass on (`bounds_after` = usize::MAX) against
    //! the tests' plain f64 Lloyd: same init, same number of iterations.
    use super::lloyd_reference::lloyd_f64;
    use super::*;
    use crate::compute::kmeans::rng::SplitMix64;

    fn check(x: Vec<f32>, n: usize, d: usize, k: usize, iters: usize, what: &str) {
        let init = x[..k * d].to_vec();
        let points =
            Arc::new(Points::new(x.clone(), n, d).unwrap_or_else(|_| panic!("{what}: points")));
        let centred: Vec<f32> = init
            .chunks_exact(d)
            .flat_map(|r| {
                r.iter()
                    .zip(&points.mean)
                    .map(|(&v, &m)| (v as f64 - m) as f32)
            })
            .collect();
        let run = lloyd_with(&points, centred, k, iters, 0.0, usize::MAX);
        let (want, inertia, _) = lloyd_f64(&x, n, d, k, &init, run.iterations);
        let same = (run.labels.iter().zip(&want))
            .filter(|&(&a, &b)| a as usize == b)
            .count();
        assert!(same * 1000 >= n * 999, "{what}: labels {same}/{n}");
        let rel = (run.inertia - inertia).abs() / inertia.max(1e-30);
        assert!(
            rel <= 1e-6,
            "{what}: inertia {} vs {inertia} ({rel})",
            run.inertia
        );
    }

    fn uniform(len: usize, seed: u64) -> Vec<f32> {
        let mut r = SplitMix64::new(seed);
        (0..len).map(|_| r.unit() as f32).collect()
    }

    /// Points of `k` tight blobs, consecutive points in different blobs (so the first k points
    /// are one per blob, a good init), plus a large offset.
    fn blobs(n: usize, d: usize, k: usize, seed: u64) -> Vec<f32> {
        let mut r = SplitMix64::new(seed);
        let centres: Vec<f64> = (0..k * d).map(|_| 50.0 + 10.0 * r.unit()).collect();
        (0..n * d)
            .map(|e| (centres[(e / d % k) * d + e % d] + 0.3 * (r.unit() - 0.5)) as f32)
            .collect()
    }

    #[test]
    fn bounded_passes_match_f64_lloyd() {
        check(
            uniform(5000 * 16, 1),
            5000,
            16,
            16,
            12,
            "uniform 5000x16 k16",
        );
        check(uniform(3000 * 3, 2), 3000, 3, 7, 15, "uniform 3000x3 k7");
        check(uniform(2100, 3), 2100, 1, 5, 10, "uniform d1 k5");
        check(blobs(4500, 8, 9, 4), 4500, 8, 9, 10, "blobs 4500x8 k9");
        check(uniform(700 * 5, 5), 700, 5, 1, 5, "k1");
        check(uniform(40 * 2, 6), 40, 2, 40, 4, "k=n");
        check(uniform(3 * 4, 7), 3, 4, 2, 4, "tiny");
    }

    #[test]
    fn bounds_skip_most_points_on_clustered_data() {
        let (n, d, k) = (6000, 8, 12);
        let x = blobs(n, d, k, 8);
        let p = Arc::new(Points::new(x, n, d).unwrap_or_else(|_| panic!("points")));
        // A perturbed start (centroid j = point j + 0.2) so that Lloyd moves a little.
        let init: Vec<f32> = p.x[..k * d].iter().map(|v| v + 0.2).collect();
        let iters = 8;
        let run = lloyd_with(&p, init, k, iters, 0.0, usize::MAX);
        assert!(
            run.computed < 3 * n,
            "computed {} over {} passes of {n}",
            run.computed,
            run.iterations + 1
        );
    }

    /// The `mt` main thread's path: one rayon thread (so nothing joins the pool) and the passes
    /// shared with a helper through `parallel::assist`, plain passes then bounded ones. Chunks
    /// are fixed, so the result must equal the pool's bit for bit.
    #[test]
    fn passes_shared_with_a_helper_equal_the_pool_s() {
        use crate::compute::matmul::kernel::NR;
        let (n, d, k) = (3 * CHUNK + 5 * NR + 3, 6, 9); // a short last chunk and panel
        let x = uniform(n * d, 12); // labels keep changing: every pass after the first bounded
        let p = Arc::new(Points::new(x, n, d).unwrap_or_else(|_| panic!("points")));
        let init: Vec<f32> = p.x[..k * d].to_vec();
        let pooled = lloyd_with(&p, init.clone(), k, 6, 0.0, usize::MAX);
        assert_eq!(pooled.iterations, 6);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap_or_else(|e| panic!("pool: {e}"));
        let mut shared = None;
        crate::parallel::assist::with_helper(|| {
            shared = Some(one.install(|| lloyd_with(&p, init, k, 6, 0.0, usize::MAX)));
        });
        let shared = shared.unwrap_or_else(|| panic!("no run"));
        assert_eq!(shared.labels, pooled.labels);
        assert_eq!(shared.iterations, pooled.iterations);
        assert_eq!(shared.computed, pooled.computed);
        assert!(
            pooled.computed < (pooled.iterations + 1) * n,
            "no pass was bounded"
        );
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&shared.centroids), bits(&pooled.centroids));
        assert_eq!(shared.inertia.to_bits(), pooled.inertia.to_bits());
    }
}
