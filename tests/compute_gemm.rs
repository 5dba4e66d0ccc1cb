//! SGEMM against a naive f64 GEMM written here, over a deterministic sweep of shapes that
//! crosses every tile and block boundary (MR = 4, NR = 8, KC = 256, MC = 160, NC = 2048),
//! all four transpose combinations, alpha/beta, and the reusable packed B.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::compute::{sgemm, GemmOptions, MultiplyOptions, PackedMatrix};

/// xorshift64*: reproducible inputs in [-1, 1).
mod common;
use common::Rng;

#[allow(clippy::too_many_arguments)]
fn check(m: usize, k: usize, n: usize, ta: bool, tb: bool, alpha: f32, beta: f32, seed: u64) {
    let mut rng = Rng(seed | 1);
    let a = rng.vec(m * k);
    let b = rng.vec(k * n);
    let c0 = rng.vec(m * n);
    let opts = GemmOptions {
        trans_a: ta,
        trans_b: tb,
        alpha,
        beta,
        c: Some(&c0),
    };
    let got = sgemm(&a, &b, m, k, n, &opts).unwrap();
    let at = |i: usize, p: usize| if ta { a[p * m + i] } else { a[i * k + p] } as f64;
    let bt = |p: usize, j: usize| if tb { b[j * k + p] } else { b[p * n + j] } as f64;
    let u = f32::EPSILON as f64 / 2.0;
    for i in 0..m {
        for j in 0..n {
            let (mut s, mut abs) = (0.0f64, 0.0f64);
            for p in 0..k {
                s += at(i, p) * bt(p, j);
                abs += (at(i, p) * bt(p, j)).abs();
            }
            let cij = c0[i * n + j] as f64;
            let want = alpha as f64 * s + beta as f64 * cij;
            // Classic bound |fl(Σ) − Σ| ≤ γ_k Σ|a||b|, γ_k ≈ k·u, plus the alpha/beta roundings:
            // (k + 3)·u·(|alpha|·Σ|a||b| + |beta·c|), doubled for slack.
            let bound =
                2.0 * (k as f64 + 3.0) * u * (alpha.abs() as f64 * abs + (beta as f64 * cij).abs())
                    + 1e-30;
            let e = (got[i * n + j] as f64 - want).abs();
            assert!(
                e <= bound,
                "m={m} k={k} n={n} ta={ta} tb={tb} at ({i},{j}): got {} want {want} err {e} > {bound}",
                got[i * n + j]
            );
        }
    }
}

#[test]
fn tiny_and_degenerate_shapes() {
    for &(m, k, n) in &[
        (1, 1, 1),
        (1, 7, 1),
        (1, 1, 9),
        (9, 1, 1),
        (1, 13, 17),
        (17, 13, 1),
        (2, 3, 4),
    ] {
        for ta in [false, true] {
            for tb in [false, true] {
                check(m, k, n, ta, tb, 1.0, 0.0, (m * 100 + k * 10 + n) as u64);
            }
        }
    }
}

#[test]
fn primes_and_tile_edges() {
    let shapes = [
        (5, 8, 8),
        (6, 9, 7),
        (11, 13, 31),
        (31, 17, 23),
        (4, 5, 9),
        (10, 16, 16),
    ];
    for (idx, &(m, k, n)) in shapes.iter().enumerate() {
        for ta in [false, true] {
            for tb in [false, true] {
                check(m, k, n, ta, tb, 0.75, -0.5, idx as u64 + 7);
            }
        }
    }
}

#[test]
fn crosses_cache_blocks() {
    // k > KC, m > MC, n > NC in turn.
    check(7, 257 + 256, 9, false, false, 1.0, 1.0, 3);
    check(161, 3, 17, true, false, 1.0, 0.0, 4);
    check(3, 2, 2049, false, true, 2.0, 0.0, 5);
    check(12, 300, 20, true, true, 1.0, 0.5, 6);
}

#[test]
fn parallel_splits_when_large() {
    // Natively the pool is on: row bands (many rows) and the 2-D tile grid (few rows).
    check(200, 100, 60, false, false, 1.0, 0.0, 8);
    check(3, 600, 700, false, true, 1.0, 0.25, 9);
}

#[test]
fn beta_zero_ignores_nan_in_c() {
    let c = [f32::NAN; 4];
    let opts = GemmOptions {
        c: Some(&c),
        ..Default::default()
    };
    let got = sgemm(&[1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 0.0, 1.0], 2, 2, 2, &opts).unwrap();
    assert_eq!(got, vec![1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn packed_matrix_matches_sgemm() {
    let mut rng = Rng(99);
    let (k, n) = (37, 29);
    for tb in [false, true] {
        let b = rng.vec(k * n);
        let packed = PackedMatrix::new(&b, k, n, tb).unwrap();
        for (m, ta) in [(1, false), (6, true), (23, false)] {
            let a = rng.vec(m * k);
            let via_packed = packed
                .multiply(
                    &a,
                    m,
                    &MultiplyOptions {
                        trans_a: ta,
                        ..Default::default()
                    },
                )
                .unwrap();
            let direct = sgemm(
                &a,
                &b,
                m,
                k,
                n,
                &GemmOptions {
                    trans_a: ta,
                    trans_b: tb,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(via_packed, direct);
        }
    }
}
