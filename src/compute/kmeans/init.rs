//! Initial centroids: greedy k-means++ (as scikit-learn) and random distinct points.

use super::data::Points;
use super::nearest::sq_distance;
use super::rng::SplitMix64;
use rayon::prelude::*;

const PARALLEL_MIN_POINTS: usize = 1 << 13;

/// Greedy k-means++: each new centre is the best (lowest resulting potential) of
/// `2 + ⌊ln k⌋` candidates sampled with probability proportional to D(x)².
pub(crate) fn plus_plus(p: &Points, k: usize, rng: &mut SplitMix64) -> Vec<f32> {
    let (n, d) = (p.n, p.d);
    let trials = 2 + (k as f64).ln() as usize;
    let mut centroids = Vec::with_capacity(k * d);
    let first = rng.below(n);
    centroids.extend_from_slice(p.row(first));
    let mut closest: Vec<f32> = distances_to(p, p.row(first));
    let mut potential: f64 = closest.iter().map(|&v| v as f64).sum();
    let mut cumsum = vec![0.0f64; n];
    for _ in 1..k {
        let mut acc = 0.0f64;
        for (c, &v) in cumsum.iter_mut().zip(&closest) {
            acc += v as f64;
            *c = acc;
        }
        let mut best: Option<(f64, usize, Vec<f32>)> = None;
        for _ in 0..trials {
            let target = rng.unit() * potential;
            let cand = cumsum.partition_point(|&c| c < target).min(n - 1);
            let dists = distances_to(p, p.row(cand));
            let mut pot = 0.0f64;
            let mut merged = dists;
            for (m, &c) in merged.iter_mut().zip(&closest) {
                *m = m.min(c);
                pot += *m as f64;
            }
            if best.as_ref().is_none_or(|b| pot < b.0) {
                best = Some((pot, cand, merged));
            }
        }
        if let Some((pot, cand, merged)) = best {
            centroids.extend_from_slice(p.row(cand));
            closest = merged;
            potential = pot;
        }
    }
    centroids
}

/// `k` distinct points chosen uniformly (a partial Fisher–Yates shuffle of the indices).
pub(crate) fn random(p: &Points, k: usize, rng: &mut SplitMix64) -> Vec<f32> {
    let mut idx: Vec<u32> = (0..p.n as u32).collect();
    let mut centroids = Vec::with_capacity(k * p.d);
    for i in 0..k {
        let j = i + rng.below(p.n - i);
        idx.swap(i, j);
        centroids.extend_from_slice(p.row(idx[i] as usize));
    }
    centroids
}

/// Squared distances from every point to `c`.
fn distances_to(p: &Points, c: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0f32; p.n];
    let fill = |(chunk, rows): (&mut [f32], &[f32])| {
        for (o, r) in chunk.iter_mut().zip(rows.chunks_exact(p.d)) {
            *o = sq_distance(r, c);
        }
    };
    if crate::parallel::threads() > 1 && p.n >= 2 * PARALLEL_MIN_POINTS {
        out.par_chunks_mut(PARALLEL_MIN_POINTS)
            .zip(p.x.par_chunks(PARALLEL_MIN_POINTS * p.d))
            .for_each(fill);
    } else {
        fill((&mut out, &p.x));
    }
    out
}
