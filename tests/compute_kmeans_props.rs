#![cfg(not(target_arch = "wasm32"))]
//! k-means (bounded passes included: they take over once labels nearly settle) against a
//! plain f64 Lloyd written here, over random shapes: same init (the first k points), same
//! number of iterations, then labels and inertia compared.

use katalyst::compute::{kmeans, KmeansInit, KmeansOptions};
use proptest::prelude::*;

/// f64 Lloyd: `iters` assignment+update steps, then a final assignment.
fn reference(x: &[f32], n: usize, d: usize, k: usize, iters: usize) -> (Vec<u32>, f64) {
    let mut c: Vec<f64> = x[..k * d].iter().map(|&v| v as f64).collect();
    let dist = |i: usize, c: &[f64], j: usize| -> f64 {
        (0..d)
            .map(|t| (x[i * d + t] as f64 - c[j * d + t]).powi(2))
            .sum()
    };
    let nearest = |c: &[f64]| -> Vec<u32> {
        (0..n)
            .map(|i| {
                (0..k)
                    .min_by(|&a, &b| dist(i, c, a).total_cmp(&dist(i, c, b)))
                    .unwrap() as u32
            })
            .collect()
    };
    for _ in 0..iters {
        let labels = nearest(&c);
        let mut sums = vec![0.0; k * d];
        let mut counts = vec![0usize; k];
        for (i, &l) in labels.iter().enumerate() {
            counts[l as usize] += 1;
            for t in 0..d {
                sums[l as usize * d + t] += x[i * d + t] as f64;
            }
        }
        for j in 0..k {
            if counts[j] > 0 {
                for t in 0..d {
                    c[j * d + t] = sums[j * d + t] / counts[j] as f64;
                }
            }
        }
    }
    let labels = nearest(&c);
    let inertia = (0..n).map(|i| dist(i, &c, labels[i] as usize)).sum();
    (labels, inertia)
}

/// Uniform points, or `blobs` tight clusters (consecutive points in different clusters).
fn data(n: usize, d: usize, blobs: usize, seed: u64) -> Vec<f32> {
    let mut s = seed | 1;
    let mut unit = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let centres: Vec<f64> = (0..blobs.max(1) * d).map(|_| 20.0 * unit()).collect();
    (0..n * d)
        .map(|e| match blobs {
            0 => unit() as f32,
            b => (centres[(e / d % b) * d + e % d] + 0.5 * unit()) as f32,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn kmeans_matches_f64_lloyd(
        n in 1usize..1500,
        d in 1usize..20,
        kf in 0.0f64..1.0,
        clustered in any::<bool>(),
        iters in 1usize..25,
        seed in any::<u64>(),
    ) {
        let k = 1 + ((n - 1).min(24) as f64 * kf) as usize;
        let x = data(n, d, if clustered { k } else { 0 }, seed);
        // Distinct initial points (duplicates would tie); skip the rare draw that has some.
        let mut first: Vec<Vec<u32>> = x[..k * d].chunks(d).map(|r| r.iter().map(|v| v.to_bits()).collect()).collect();
        first.sort();
        first.dedup();
        prop_assume!(first.len() == k);
        let opts = KmeansOptions { init: KmeansInit::Centroids(&x[..k * d]), max_iter: iters, tol: 0.0, ..Default::default() };
        let r = kmeans(&x, n, d, k, &opts).unwrap();
        let (labels, inertia) = reference(&x, n, d, k, r.iterations);
        let same = r.labels.iter().zip(&labels).filter(|(a, b)| a == b).count();
        prop_assert!(same * 100 >= n * 99, "labels {}/{}", same, n);
        let rel = (r.inertia - inertia).abs() / inertia.max(1e-12);
        prop_assert!(rel <= 1e-4, "inertia {} vs {} ({})", r.inertia, inertia, rel);
    }
}
