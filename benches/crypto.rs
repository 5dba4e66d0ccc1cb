//! Native criterion benches of the crypto module: `cargo bench --bench crypto`.
//! (The browser figures that the bars are about come from benches/browser/.)

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BatchSize, Criterion, Throughput};
    use katalyst::crypto::{sha256, sha256_batch, verify, verify_batch, SigningKey};
    use std::hint::black_box;

    fn hashing(c: &mut Criterion) {
        let mut g = c.benchmark_group("sha256");
        let mib: Vec<u8> = (0..1 << 20).map(|i| (i * 31 % 251) as u8).collect();
        g.throughput(Throughput::Bytes(mib.len() as u64));
        g.bench_function("1 MiB", |b| b.iter(|| sha256(black_box(&mib))));
        let count = 10_000usize;
        let data: Vec<u8> = (0..count * 32).map(|i| (i % 253) as u8).collect();
        let offsets: Vec<u32> = (0..=count).map(|i| (i * 32) as u32).collect();
        g.throughput(Throughput::Elements(count as u64));
        g.bench_function("batch of 10 000 × 32 B", |b| {
            b.iter(|| sha256_batch(black_box(&data), black_box(&offsets)))
        });
        g.finish();
    }

    fn ed25519(c: &mut Criterion) {
        let mut g = c.benchmark_group("ed25519");
        let key = SigningKey::from_seed(&[7; 32]).unwrap();
        let pk = key.public_key();
        let msg = [0x5au8; 64];
        let sig = key.sign(&msg);
        g.bench_function("sign 64 B", |b| b.iter(|| key.sign(black_box(&msg))));
        g.bench_function("verify 64 B", |b| {
            b.iter(|| verify(black_box(&pk), black_box(&msg), black_box(&sig)))
        });
        let n = 64;
        let pks = vec![&pk[..]; n];
        let msgs = vec![&msg[..]; n];
        let sigs = vec![&sig[..]; n];
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("verifyBatch 64", |b| {
            b.iter_batched(
                || (),
                |_| verify_batch(&pks, &msgs, &sigs),
                BatchSize::SmallInput,
            )
        });
        g.finish();
    }

    criterion_group!(benches, hashing, ed25519);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
