//! FFTs against a direct f64 DFT written here (small and prime sizes), Parseval's identity
//! and round trips (large sizes), batch/2-D consistency, and the SIMD planner check on wasm.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::compute::{
    fft, fft2, fft_backend, fft_batch, irfft, rfft, rfft_batch, FftKind, FftPlan,
};
use std::f64::consts::PI;

mod common;
use common::Rng;

const U: f64 = f32::EPSILON as f64 / 2.0;

/// Direct DFT in f64 of interleaved complex `x` (sign −1 forward, +1 inverse, unscaled).
fn dft(x: &[f32], inverse: bool) -> Vec<f64> {
    let n = x.len() / 2;
    let sign = if inverse { 1.0 } else { -1.0 };
    let mut out = vec![0.0; 2 * n];
    for k in 0..n {
        let (mut re, mut im) = (0.0, 0.0);
        for t in 0..n {
            let ang = sign * 2.0 * PI * ((k * t) % n) as f64 / n as f64;
            let (s, c) = ang.sin_cos();
            let (xr, xi) = (x[2 * t] as f64, x[2 * t + 1] as f64);
            re += xr * c - xi * s;
            im += xr * s + xi * c;
        }
        out[2 * k] = re;
        out[2 * k + 1] = im;
    }
    out
}

/// ‖got − want‖₂ / ‖want‖₂.
fn rel_rms(got: &[f32], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    let (mut e, mut w) = (0.0, 0.0);
    for (&g, &x) in got.iter().zip(want) {
        e += (g as f64 - x).powi(2);
        w += x * x;
    }
    (e / w.max(1e-300)).sqrt()
}

/// FFT error grows like u·log₂n in the relative 2-norm (Bluestein/Rader for primes add a
/// constant factor); 20·u·(log₂n + 2) leaves room for both.
fn bound(n: usize) -> f64 {
    20.0 * U * ((n as f64).log2() + 2.0)
}

/// Lengths with a prime factor above 31 up to 8192 run Bluestein's algorithm over a power of
/// two on wasm (37 … 1009 here, 8191 in the large-size test), and rustfft's plan otherwise.
#[test]
fn small_and_prime_lengths_match_direct_dft() {
    let mut rng = Rng(11);
    let sizes: Vec<usize> = (1..=24)
        .chain([31, 37, 64, 97, 100, 111, 127, 210, 257, 1009])
        .collect();
    for n in sizes {
        let x = rng.vec(2 * n);
        for inverse in [false, true] {
            let got = fft(&x, inverse).unwrap();
            let mut want = dft(&x, inverse);
            if inverse {
                want.iter_mut().for_each(|v| *v /= n as f64);
            }
            let e = rel_rms(&got, &want);
            assert!(e <= bound(n), "n={n} inverse={inverse}: {e} > {}", bound(n));
        }
    }
}

/// A plan's buffers have its kind's lengths and start on a cache line (64 bytes). Here rather
/// than in `fft_plan.rs`'s unit tests: planning there would contend for the plan cache's lock
/// with the unit test that checks the cache hands out the same plan twice.
#[test]
fn fft_plan_buffers_have_the_kinds_lengths_and_start_on_a_line() {
    for n in [1, 2, 7, 64, 1000, 1024] {
        let bins = 2 * (n / 2 + 1);
        for (kind, lens) in [
            (FftKind::Complex, (2 * n, 2 * n)),
            (FftKind::ComplexInverse, (2 * n, 2 * n)),
            (FftKind::Real, (n, bins)),
            (FftKind::RealInverse, (bins, n)),
        ] {
            let mut p = FftPlan::new(n, kind).unwrap();
            let at = p.input().as_ptr() as usize;
            assert_eq!((p.input().len(), p.output().len()), lens, "{kind:?} {n}");
            assert_eq!((at % 64, p.output().as_ptr() as usize % 64), (0, 0));
            assert_eq!((p.len(), p.kind()), (n, kind));
        }
    }
}

/// A plan's four kinds against the direct DFT, run after run on fresh input (the input is
/// scratch), and bit for bit equal to the one-call functions, which share their plans.
#[test]
fn fft_plans_match_direct_dft_run_after_run() {
    let mut rng = Rng(15);
    for n in [1, 2, 5, 8, 37, 64, 100, 128, 1009, 1024] {
        let mut plans = [
            FftKind::Complex,
            FftKind::ComplexInverse,
            FftKind::Real,
            FftKind::RealInverse,
        ]
        .map(|kind| FftPlan::new(n, kind).unwrap());
        for _ in 0..2 {
            let x = rng.vec(2 * n);
            let [forward, inverse, real, real_inverse] = &mut plans;
            forward.input().copy_from_slice(&x);
            forward.run();
            let e = rel_rms(forward.output(), &dft(&x, false));
            assert!(e <= bound(n), "complex n={n}: {e}");
            assert_eq!(forward.output(), fft(&x, false).unwrap());

            inverse.input().copy_from_slice(&x);
            inverse.run();
            let want: Vec<f64> = dft(&x, true).iter().map(|v| v / n as f64).collect();
            let e = rel_rms(inverse.output(), &want);
            assert!(e <= bound(n), "inverse n={n}: {e}");

            let signal = &x[..n];
            real.input().copy_from_slice(signal);
            real.run();
            let as_complex: Vec<f32> = signal.iter().flat_map(|&v| [v, 0.0]).collect();
            let bins = real.output().len();
            let e = rel_rms(real.output(), &dft(&as_complex, false)[..bins]);
            assert!(e <= bound(n), "real n={n}: {e}");
            let spectrum = real.output().to_vec();
            assert_eq!(spectrum, rfft(signal).unwrap());

            real_inverse.input().copy_from_slice(&spectrum);
            real_inverse.run();
            let xs: Vec<f64> = signal.iter().map(|&v| v as f64).collect();
            let e = rel_rms(real_inverse.output(), &xs);
            assert!(e <= 2.0 * bound(n), "real inverse n={n}: {e}");
            assert_eq!(real_inverse.output(), irfft(&spectrum, n).unwrap());
        }
    }
}

/// Odd lengths run a complex FFT of the full length from the plan cache (`fft/real_odd.rs`):
/// on wasm, Bluestein's algorithm for 37, 101, 1009 and 3 × 1009.
#[test]
fn real_fft_matches_direct_dft() {
    let mut rng = Rng(12);
    for n in (1..=20).chain([33, 37, 64, 101, 128, 1009, 3027]) {
        let x = rng.vec(n);
        let as_complex: Vec<f32> = x.iter().flat_map(|&v| [v, 0.0]).collect();
        let want = dft(&as_complex, false);
        let got = rfft(&x).unwrap();
        assert_eq!(got.len(), 2 * (n / 2 + 1));
        let e = rel_rms(&got, &want[..got.len()]);
        assert!(e <= bound(n), "n={n}: {e}");
        // Real bins are exactly real, as NumPy's: DC, and Nyquist for even n.
        assert_eq!(got[1], 0.0, "n={n}: DC bin");
        if n % 2 == 0 {
            assert_eq!(got[got.len() - 1], 0.0, "n={n}: Nyquist bin");
        }
        let back = irfft(&got, n).unwrap();
        let xs: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let e = rel_rms(&back, &xs);
        assert!(e <= 2.0 * bound(n), "roundtrip n={n}: {e}");
        // The DC bin's imaginary part (and, for even n, the Nyquist bin's) is ignored, as NumPy.
        let mut bent = got.clone();
        bent[1] = 3.0;
        if n % 2 == 0 {
            *bent.last_mut().unwrap() = -2.0;
        }
        assert_eq!(
            irfft(&bent, n).unwrap(),
            back,
            "n={n}: irfft read an ignored part"
        );
    }
}

/// Even lengths take their own O(n) pass on wasm (`fft/real_simd128.rs`), both ways: each
/// must agree with realfft's transform (same half-length FFT, realfft's own scalar pass) at
/// every size class of its loop, and with the direct DFT.
#[test]
fn real_ffts_of_even_lengths_match_realfft_and_the_dft() {
    use realfft::{ComplexToReal, ComplexToRealEven, RealToComplex, RealToComplexEven};
    use rustfft::num_complex::Complex;
    let mut rng = Rng(15);
    let mut planner = rustfft::FftPlanner::new();
    // Every power of two from 128 samples: on wasm their half-length FFTs are Katalyst's own
    // (a radix-4 or radix-8 last pass by parity).
    let sizes = (2..=48)
        .step_by(2)
        .chain([250, 998, 1000, 4094])
        .chain((7..=16).map(|bits| 1 << bits));
    for n in sizes {
        let x = rng.vec(n);
        let got = rfft(&x).unwrap();
        let forward = RealToComplexEven::new(n, &mut planner);
        let mut spectrum = forward.make_output_vec();
        forward.process(&mut x.clone(), &mut spectrum).unwrap();
        let want: Vec<f64> = spectrum
            .iter()
            .flat_map(|z| [z.re as f64, z.im as f64])
            .collect();
        let e = rel_rms(&got, &want);
        assert!(e <= bound(n), "n={n}: rfft {e} from realfft");
        if n <= 1024 {
            let as_complex: Vec<f32> = x.iter().flat_map(|&v| [v, 0.0]).collect();
            let e = rel_rms(&got, &dft(&as_complex, false)[..got.len()]);
            assert!(e <= bound(n), "n={n}: rfft {e} from the DFT");
        }

        // The inverse of an arbitrary spectrum (not one rfft made), against realfft's scaled by
        // 1/n and, for small n, the direct inverse DFT of its Hermitian extension.
        let mut y = rng.vec(2 * (n / 2 + 1));
        let last = y.len() - 1;
        (y[1], y[last]) = (0.0, 0.0);
        let got = irfft(&y, n).unwrap();
        let inverse = ComplexToRealEven::new(n, &mut planner);
        let mut bins: Vec<_> = y.chunks(2).map(|p| Complex::new(p[0], p[1])).collect();
        let mut back = inverse.make_output_vec();
        inverse.process(&mut bins, &mut back).unwrap();
        let want: Vec<f64> = back.iter().map(|&v| v as f64 / n as f64).collect();
        let e = rel_rms(&got, &want);
        assert!(e <= bound(n), "n={n}: irfft {e} from realfft");
        if n <= 1024 {
            let full: Vec<f32> = (0..n)
                .flat_map(|k| {
                    let j = k.min(n - k);
                    let sign = if k == j { 1.0 } else { -1.0 };
                    [y[2 * j], sign * y[2 * j + 1]]
                })
                .collect();
            let want: Vec<f64> = dft(&full, true)
                .iter()
                .step_by(2)
                .map(|v| v / n as f64)
                .collect();
            let e = rel_rms(&got, &want);
            assert!(e <= bound(n), "n={n}: irfft {e} from the DFT");
        }
    }
}

#[test]
fn large_sizes_parseval_and_round_trip() {
    let mut rng = Rng(13);
    // 2^18: on wasm its passes of stride 16384 take the pass whose stride is not a constant.
    for n in [
        1usize << 12,
        1 << 16,
        1 << 18,
        8191,
        65_537,
        3 * 5 * 7 * 11 * 13,
    ] {
        let x = rng.vec(2 * n);
        let y = fft(&x, false).unwrap();
        // Parseval: Σ|X|² = n·Σ|x|², to the same relative accuracy as the transform (squared).
        let ex: f64 = x.iter().map(|&v| (v as f64).powi(2)).sum();
        let ey: f64 = y.iter().map(|&v| (v as f64).powi(2)).sum();
        let rel = (ey / n as f64 - ex).abs() / ex;
        assert!(rel <= 4.0 * bound(n), "parseval n={n}: {rel}");
        let back = fft(&y, true).unwrap();
        let xs: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        assert!(rel_rms(&back, &xs) <= 2.0 * bound(n), "roundtrip n={n}");
        let r: Vec<f32> = x[..n].to_vec();
        let rs: Vec<f64> = r.iter().map(|&v| v as f64).collect();
        let back = irfft(&rfft(&r).unwrap(), n).unwrap();
        assert!(
            rel_rms(&back, &rs) <= 2.0 * bound(n),
            "real roundtrip n={n}"
        );
    }
}

#[test]
fn real_fft_of_odd_and_even_lengths_agrees_with_complex() {
    let mut rng = Rng(14);
    for n in [1000usize, 1001] {
        let x = rng.vec(n);
        let c: Vec<f32> = x.iter().flat_map(|&v| [v, 0.0]).collect();
        let full = fft(&c, false).unwrap();
        let half = rfft(&x).unwrap();
        let want: Vec<f64> = full[..half.len()].iter().map(|&v| v as f64).collect();
        assert!(rel_rms(&half, &want) <= 2.0 * bound(n));
    }
}

/// Powers of two from 64 points run Katalyst's own SIMD128 passes on wasm (rustfft's planner
/// below that, and natively): every power of two, both directions, one signal (out of place)
/// and three rows (in place, one transform after another over the buffer), against rustfft's
/// scalar `Radix4` and, up to 2048 points, the direct DFT.
#[test]
fn powers_of_two_match_rustfft_and_the_dft() {
    use rustfft::{algorithm::Radix4, num_complex::Complex, Fft, FftDirection};
    let mut rng = Rng(21);
    for bits in 1..=16 {
        let n = 1usize << bits;
        let x = rng.vec(3 * 2 * n);
        for inverse in [false, true] {
            let dir = if inverse {
                FftDirection::Inverse
            } else {
                FftDirection::Forward
            };
            let mut want: Vec<Complex<f32>> =
                x.chunks(2).map(|p| Complex::new(p[0], p[1])).collect();
            Radix4::new(n, dir).process(&mut want);
            let scale = if inverse { 1.0 / n as f64 } else { 1.0 };
            let want: Vec<f64> = want
                .iter()
                .flat_map(|z| [z.re as f64 * scale, z.im as f64 * scale])
                .collect();
            let rows = fft_batch(&x, n, inverse).unwrap();
            for r in 0..3 {
                let span = r * 2 * n..(r + 1) * 2 * n;
                let e = rel_rms(&rows[span.clone()], &want[span.clone()]);
                assert!(e <= bound(n), "n={n} inverse={inverse} row {r}: {e}");
            }
            let one = fft(&x[..2 * n], inverse).unwrap();
            let e = rel_rms(&one, &want[..2 * n]);
            assert!(e <= bound(n), "n={n} inverse={inverse}: {e} from Radix4");
            if n <= 2048 {
                let mut exact = dft(&x[..2 * n], inverse);
                exact.iter_mut().for_each(|v| *v *= scale);
                let e = rel_rms(&one, &exact);
                assert!(e <= bound(n), "n={n} inverse={inverse}: {e} from the DFT");
            }
        }
    }
}

#[test]
fn batches_equal_row_by_row() {
    // rustfft may run several rows through one SIMD pass, so rounding can differ from
    // row-at-a-time: compare within the transform's own error bound.
    let mut rng = Rng(15);
    for (rows, n) in [(1usize, 7usize), (3, 16), (40, 1024), (5, 97)] {
        let x = rng.vec(rows * 2 * n);
        for inverse in [false, true] {
            let got = fft_batch(&x, n, inverse).unwrap();
            for r in 0..rows {
                let row = fft(&x[r * 2 * n..(r + 1) * 2 * n], inverse).unwrap();
                let want: Vec<f64> = row.iter().map(|&v| v as f64).collect();
                assert!(rel_rms(&got[r * 2 * n..(r + 1) * 2 * n], &want) <= 2.0 * bound(n));
            }
        }
        let xr = &x[..rows * n];
        let got = rfft_batch(xr, n).unwrap();
        let bins = 2 * (n / 2 + 1);
        for r in 0..rows {
            let one = rfft(&xr[r * n..(r + 1) * n]).unwrap();
            let want: Vec<f64> = one.iter().map(|&v| v as f64).collect();
            assert!(rel_rms(&got[r * bins..(r + 1) * bins], &want) <= 2.0 * bound(n));
        }
    }
}

#[test]
fn fft2_matches_direct_2d_dft() {
    let mut rng = Rng(16);
    for (rows, cols) in [(1usize, 1usize), (1, 6), (5, 1), (3, 5), (4, 4), (7, 6)] {
        let x = rng.vec(2 * rows * cols);
        for inverse in [false, true] {
            let sign = if inverse { 1.0 } else { -1.0 };
            let mut want = vec![0.0f64; 2 * rows * cols];
            for u in 0..rows {
                for v in 0..cols {
                    let (mut re, mut im) = (0.0, 0.0);
                    for r in 0..rows {
                        for c in 0..cols {
                            let ang = sign
                                * 2.0
                                * PI
                                * ((u * r) as f64 / rows as f64 + (v * c) as f64 / cols as f64);
                            let (s, co) = ang.sin_cos();
                            let i = 2 * (r * cols + c);
                            let (xr, xi) = (x[i] as f64, x[i + 1] as f64);
                            re += xr * co - xi * s;
                            im += xr * s + xi * co;
                        }
                    }
                    let scale = if inverse { (rows * cols) as f64 } else { 1.0 };
                    want[2 * (u * cols + v)] = re / scale;
                    want[2 * (u * cols + v) + 1] = im / scale;
                }
            }
            let got = fft2(&x, rows, cols, inverse).unwrap();
            let e = rel_rms(&got, &want);
            assert!(e <= 2.0 * bound(rows * cols), "{rows}x{cols}: {e}");
        }
    }
}

#[test]
fn simd_planner_is_used() {
    let b = fft_backend();
    if cfg!(target_arch = "wasm32") {
        // Fails if rustfft's `wasm_simd` feature is off or the build lacks +simd128.
        assert_eq!(b, "wasm_simd");
    } else {
        assert!(["avx", "sse", "neon", "scalar"].contains(&b), "{b}");
    }
}
