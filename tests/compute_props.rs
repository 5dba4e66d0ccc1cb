//! Property tests over random shapes (native only): SGEMM vs naive f64, FFT round trips and
//! k-means invariants, including 1×1, 1×n, n×1, primes, k = 1 and k = n.
#![cfg(not(target_arch = "wasm32"))]

use katalyst::compute::{fft, irfft, kmeans, rfft, sgemm, GemmOptions, KmeansOptions};
use proptest::prelude::*;

const U: f64 = f32::EPSILON as f64 / 2.0;

fn values(len: usize) -> impl Strategy<Value = Vec<f32>> {
    prop::collection::vec(-4.0f32..4.0, len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sgemm_matches_naive(
        (m, k, n, a, b) in (1usize..40, 1usize..300, 1usize..40)
            .prop_flat_map(|(m, k, n)| (Just(m), Just(k), Just(n), values(m * k), values(k * n))),
        ta in any::<bool>(),
        tb in any::<bool>(),
        alpha in -2.0f32..2.0,
    ) {
        let opts = GemmOptions { trans_a: ta, trans_b: tb, alpha, ..Default::default() };
        let got = sgemm(&a, &b, m, k, n, &opts).unwrap();
        for i in 0..m {
            for j in 0..n {
                let (mut s, mut abs) = (0.0f64, 0.0f64);
                for p in 0..k {
                    let x = if ta { a[p * m + i] } else { a[i * k + p] } as f64;
                    let y = if tb { b[j * k + p] } else { b[p * n + j] } as f64;
                    s += x * y;
                    abs += (x * y).abs();
                }
                // |err| ≤ 2·(k + 2)·u·|alpha|·Σ|a||b| (γ_k bound, doubled).
                let bound = 2.0 * (k as f64 + 2.0) * U * alpha.abs() as f64 * abs + 1e-30;
                let e = (got[i * n + j] as f64 - alpha as f64 * s).abs();
                prop_assert!(e <= bound, "({i},{j}) err {e} > {bound}");
            }
        }
    }

    #[test]
    fn fft_round_trips(x in (1usize..600).prop_flat_map(|n| values(2 * n))) {
        let n = x.len() / 2;
        let back = fft(&fft(&x, false).unwrap(), true).unwrap();
        let norm: f64 = x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>().sqrt();
        let err: f64 = back.iter().zip(&x).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum::<f64>().sqrt();
        // Relative 2-norm error of a forward+inverse pair: 40·u·(log₂n + 2).
        prop_assert!(err <= 40.0 * U * ((n as f64).log2() + 2.0) * norm + 1e-30);
    }

    #[test]
    fn rfft_round_trips(x in (1usize..600).prop_flat_map(values)) {
        let n = x.len();
        let back = irfft(&rfft(&x).unwrap(), n).unwrap();
        let norm: f64 = x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>().sqrt();
        let err: f64 = back.iter().zip(&x).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum::<f64>().sqrt();
        prop_assert!(err <= 40.0 * U * ((n as f64).log2() + 2.0) * norm + 1e-30);
    }

    #[test]
    fn kmeans_invariants(
        (n, d, data) in (1usize..120, 1usize..6).prop_flat_map(|(n, d)| (Just(n), Just(d), values(n * d))),
        kf in 0.0f64..1.0,
        seed in any::<u64>(),
    ) {
        let k = 1 + ((n - 1) as f64 * kf) as usize; // 1 ..= n
        let r = kmeans(&data, n, d, k, &KmeansOptions { seed, ..Default::default() }).unwrap();
        prop_assert_eq!(r.labels.len(), n);
        prop_assert_eq!(r.centroids.len(), k * d);
        prop_assert!(r.labels.iter().all(|&l| (l as usize) < k));
        // The reported inertia is the f64 sum for the returned labels and centroids.
        let mut inertia = 0.0f64;
        for i in 0..n {
            let l = r.labels[i] as usize;
            for t in 0..d {
                inertia += (data[i * d + t] as f64 - r.centroids[l * d + t] as f64).powi(2);
            }
        }
        let scale: f64 = data.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() + 1.0;
        prop_assert!((inertia - r.inertia).abs() <= 1e-5 * scale);
        // Never worse than one cluster at the mean.
        let mut total = 0.0f64;
        for t in 0..d {
            let mean = (0..n).map(|i| data[i * d + t] as f64).sum::<f64>() / n as f64;
            total += (0..n).map(|i| (data[i * d + t] as f64 - mean).powi(2)).sum::<f64>();
        }
        prop_assert!(r.inertia <= total * (1.0 + 1e-5) + 1e-6);
        if k == n {
            // Distinct points each get their own cluster; duplicates may share.
            let mut pts: Vec<Vec<u32>> = data.chunks(d).map(|r| r.iter().map(|v| v.to_bits()).collect()).collect();
            pts.sort();
            pts.dedup();
            if pts.len() == n {
                prop_assert!(r.inertia <= 1e-6 * scale);
            }
        }
    }
}
