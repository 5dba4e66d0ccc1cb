//! k-means against the tests' f64 Lloyd reference (`common::lloyd::lloyd_f64`, same initial
//! centroids), plus the edge cases k = 1, k = n, restarts, random init and empty-cluster re-seeding.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::compute::{kmeans, KmeansInit, KmeansOptions};

mod common;
use common::{lloyd::lloyd_f64, Rng};

/// `k` Gaussian blobs in `d` dimensions, offset far from the origin to stress centring.
fn blobs(n: usize, d: usize, k: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    (0..4).for_each(|_| {
        rng.unit_f64();
    });
    let centres: Vec<f64> = (0..k * d).map(|_| 100.0 + 20.0 * rng.unit_f64()).collect();
    (0..n)
        .flat_map(|i| {
            let c = i % k;
            (0..d)
                .map(|j| (centres[c * d + j] + 0.5 * rng.normal()) as f32)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `kmeans` from `init` (run to convergence) against [`lloyd_f64`]: inertia within `rel_tol`,
/// and at least 99.9 % of the labels the same (float near-ties may differ).
fn matches_f64_lloyd(x: &[f32], n: usize, d: usize, k: usize, init: &[f32], rel_tol: f64) {
    let (want_labels, want, _) = lloyd_f64(x, n, d, k, init, 300);
    let opts = KmeansOptions {
        init: KmeansInit::Centroids(init),
        tol: 0.0,
        ..Default::default()
    };
    let got = kmeans(x, n, d, k, &opts).unwrap();
    let rel = (got.inertia - want).abs() / want;
    assert!(
        rel <= rel_tol,
        "n={n} d={d} k={k}: inertia {} vs {want} (rel {rel})",
        got.inertia
    );
    let same = got
        .labels
        .iter()
        .zip(&want_labels)
        .filter(|(a, b)| **a as usize == **b)
        .count();
    assert!(
        same * 1000 >= n * 999,
        "n={n} d={d} k={k}: labels differ: {same}/{n}"
    );
}

#[test]
fn inertia_matches_f64_lloyd_with_same_init() {
    for &(n, d, k, seed) in &[
        (3000usize, 16usize, 16usize, 1u64),
        (1500, 5, 7, 2),
        (999, 3, 4, 3),
        // d = 1, and enough points (≥ 100 per label change) for the bounded passes to engage.
        (4000, 1, 3, 9),
        (12000, 4, 5, 10),
    ] {
        let x = blobs(n, d, k, seed);
        // Initial centroids: 0.7·(a point of blob j) + 0.3·(a point of blob j+1) — point i is in
        // blob i mod k — so Lloyd has work to do and no cluster starts empty.
        let xr = &x[..];
        let init: Vec<f32> = (0..k)
            .flat_map(|j| {
                let b = (j + 1) % k;
                (0..d).map(move |t| xr[j * d + t] * 0.7 + xr[b * d + t] * 0.3)
            })
            .collect();
        matches_f64_lloyd(&x, n, d, k, &init, 1e-4);
    }
}

#[test]
fn plus_plus_finds_separated_blobs() {
    let (n, d, k) = (2000, 8, 10);
    let x = blobs(n, d, k, 4);
    let r = kmeans(
        &x,
        n,
        d,
        k,
        &KmeansOptions {
            seed: 7,
            n_init: 3,
            ..Default::default()
        },
    )
    .unwrap();
    // Each blob has variance 0.25 per coordinate: inertia ≈ n·d·0.25 when every blob is found.
    let ideal = n as f64 * d as f64 * 0.25;
    assert!(
        r.inertia < 1.2 * ideal,
        "inertia {} vs ideal {ideal}",
        r.inertia
    );
    assert_eq!(r.centroids.len(), k * d);
    assert!(r.labels.iter().all(|&l| (l as usize) < k));
}

#[test]
fn deterministic_for_a_seed_and_restarts_never_worse() {
    let (n, d, k) = (600, 4, 5);
    let x = blobs(n, d, 8, 5);
    let o = |seed, n_init| KmeansOptions {
        seed,
        n_init,
        ..Default::default()
    };
    let a = kmeans(&x, n, d, k, &o(42, 1)).unwrap();
    let b = kmeans(&x, n, d, k, &o(42, 1)).unwrap();
    assert_eq!(a, b);
    let best = kmeans(&x, n, d, k, &o(42, 4)).unwrap();
    assert!(best.inertia <= a.inertia);
    let r = kmeans(
        &x,
        n,
        d,
        k,
        &KmeansOptions {
            init: KmeansInit::Random,
            seed: 3,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(r.labels.iter().all(|&l| (l as usize) < k));
}

#[test]
fn k_equals_one_gives_the_mean() {
    let (n, d) = (101, 3);
    let x = blobs(n, d, 3, 6);
    let r = kmeans(&x, n, d, 1, &KmeansOptions::default()).unwrap();
    for t in 0..d {
        let mean: f64 = (0..n).map(|i| x[i * d + t] as f64).sum::<f64>() / n as f64;
        assert!((r.centroids[t] as f64 - mean).abs() < 1e-4 * mean.abs());
    }
    let ss: f64 = (0..n)
        .map(|i| {
            (0..d)
                .map(|t| (x[i * d + t] as f64 - r.centroids[t] as f64).powi(2))
                .sum::<f64>()
        })
        .sum();
    assert!((r.inertia - ss).abs() <= 1e-6 * ss);
    assert!(r.labels.iter().all(|&l| l == 0));
}

#[test]
fn k_equals_n_puts_each_point_alone() {
    let (n, d) = (13, 2);
    let x: Vec<f32> = (0..n * d)
        .map(|i| (i * i % 17) as f32 + i as f32 * 0.1)
        .collect();
    let r = kmeans(&x, n, d, n, &KmeansOptions::default()).unwrap();
    assert_eq!(r.inertia, 0.0);
    let mut seen = r.labels.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), n);
}

#[test]
fn empty_cluster_is_reseeded() {
    let (n, d, k) = (400, 2, 4);
    let x = blobs(n, d, 4, 8);
    // Two centroids far away from every point: they would stay empty without re-seeding.
    let mut init: Vec<f32> = x[..2 * d].to_vec();
    init.extend_from_slice(&[-1e4, -1e4, 1e4, -1e4]);
    let r = kmeans(
        &x,
        n,
        d,
        k,
        &KmeansOptions {
            init: KmeansInit::Centroids(&init),
            ..Default::default()
        },
    )
    .unwrap();
    let mut counts = [0; 4];
    r.labels.iter().for_each(|&l| counts[l as usize] += 1);
    assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
    assert!(r.inertia.is_finite());
}

#[test]
fn bounded_passes_match_f64_lloyd() {
    // 8 blobs, 5 clusters: Lloyd merges blobs over several passes, and once a pass changes
    // ≤ 1 % of the labels the Hamerly-bounded passes take over and skip most points.
    // Uniform data (blobs = 0) converges slowly: many bounded passes.
    for &(n, d, k, blobs_of, seed) in &[
        (2400usize, 2usize, 3usize, 8usize, 11u64),
        (3000, 2, 5, 0, 12),
        (2000, 3, 4, 0, 13),
    ] {
        let x = match blobs_of {
            0 => Rng(seed).vec(n * d),
            b => blobs(n, d, b, seed),
        };
        let init = x[..k * d].to_vec();
        matches_f64_lloyd(&x, n, d, k, &init, 1e-6);
    }
}
