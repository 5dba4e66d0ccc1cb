//! Native criterion benches of the compute kernels: `cargo bench --bench compute`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, Criterion, Throughput};
    use katalyst::compute::{sgemm, GemmOptions};
    use std::hint::black_box;

    fn gemm(c: &mut Criterion) {
        let mut g = c.benchmark_group("sgemm");
        for n in [64usize, 256] {
            let a: Vec<f32> = (0..n * n).map(|i| (i % 7) as f32 * 0.5).collect();
            let b: Vec<f32> = (0..n * n).map(|i| (i % 5) as f32 * 0.25).collect();
            g.throughput(Throughput::Elements((2 * n * n * n) as u64));
            g.bench_function(format!("{n}³"), |bench| {
                bench.iter(|| {
                    sgemm(
                        black_box(&a),
                        black_box(&b),
                        n,
                        n,
                        n,
                        &GemmOptions::default(),
                    )
                })
            });
        }
        g.finish();
    }

    criterion_group!(benches, gemm);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
