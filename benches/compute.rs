//! Native criterion benches of the compute kernels: `cargo bench --bench compute`.
//! (The browser numbers that matter come from benches/browser; these track regressions.)

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use katalyst::compute::{
        fft, kmeans, rfft, sgemm, GemmOptions, KmeansInit, KmeansOptions, MultiplyOptions,
        PackedMatrix,
    };
    use std::hint::black_box;

    fn values(len: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761) | 1;
        (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    }

    fn gemm(c: &mut Criterion) {
        let mut g = c.benchmark_group("sgemm");
        for (m, k, n) in [
            (64, 64, 64),
            (256, 256, 256),
            (512, 512, 512),
            (1024, 1024, 1024),
            (1024, 1024, 64),
        ] {
            let a = values(m * k, 1);
            let b = values(k * n, 2);
            g.throughput(Throughput::Elements((2 * m * n * k) as u64));
            let id = format!("{m}x{k}x{n}");
            g.bench_function(BenchmarkId::new("fresh_b", &id), |bench| {
                bench.iter(|| {
                    sgemm(
                        black_box(&a),
                        black_box(&b),
                        m,
                        k,
                        n,
                        &GemmOptions::default(),
                    )
                })
            });
            let packed = PackedMatrix::new(&b, k, n, false).unwrap();
            g.bench_function(BenchmarkId::new("packed_b", &id), |bench| {
                bench.iter(|| packed.multiply(black_box(&a), m, &MultiplyOptions::default()))
            });
        }
        g.finish();
    }

    fn ffts(c: &mut Criterion) {
        let mut g = c.benchmark_group("fft");
        for n in [1usize << 10, 1 << 12, 1 << 14, 1 << 16, 1009] {
            let x = values(2 * n, 3);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_function(BenchmarkId::new("complex", n), |bench| {
                bench.iter(|| fft(black_box(&x), false))
            });
            let r = values(n, 4);
            g.bench_function(BenchmarkId::new("real", n), |bench| {
                bench.iter(|| rfft(black_box(&r)))
            });
        }
        g.finish();
    }

    fn cluster(c: &mut Criterion) {
        let mut g = c.benchmark_group("kmeans");
        g.sample_size(10);
        let (n, d, k) = (100_000usize, 16usize, 16usize);
        let data = values(n * d, 5);
        let init = data[..k * d].to_vec();
        let opts = KmeansOptions {
            init: KmeansInit::Centroids(&init),
            max_iter: 20,
            tol: 0.0,
            ..Default::default()
        };
        g.bench_function("100000x16_k16_20iter", |bench| {
            bench.iter(|| kmeans(black_box(&data), n, d, k, &opts))
        });
        g.finish();
    }

    criterion_group!(benches, gemm, ffts, cluster);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
