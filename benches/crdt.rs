//! Native criterion benches of the CRDT bars (issue 5): `cargo bench --bench crdt`.
//!
//! - `b3_1/merge_1549_updates`: 1 549 replicas each set one key of an LWW map; their encoded
//!   updates are decoded and merged into one doc (the browser bar is ≤ 5 ms in Chromium).
//! - `orset/merge_100k_each_side`: two 100 000-element ORSets (half shared) joined; throughput
//!   in elements (bar ≥ 1 000 000 elements/s).
//! - `orset/delta_one_change`: encode the delta of one add in a 100 000-element set (the
//!   ≤ 64-byte size bar is asserted in tests/crdt_sizes.rs).

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BatchSize, Criterion, Throughput};
    use katalyst::crdt::{Crdt, DecodeOptions, LWWMap, ORSet, Replica, Value};
    use std::hint::black_box;

    const REPLICAS: u64 = 1_549;

    fn b3_1(c: &mut Criterion) {
        let updates: Vec<Vec<u8>> = (1..=REPLICAS)
            .map(|i| {
                LWWMap::<Value>::default()
                    .set(
                        i,
                        &format!("k{i}"),
                        Value::from(i as f64),
                        1_700_000_000_000,
                    )
                    .encode()
            })
            .collect();
        let mut g = c.benchmark_group("b3_1");
        g.throughput(Throughput::Elements(REPLICAS));
        g.bench_function("merge_1549_updates", |b| {
            b.iter(|| {
                // The same path as the JS `merge(bytes)`: decode fully, join, maybe collect.
                let mut doc = Replica::<LWWMap<Value>>::new(0);
                let opts = DecodeOptions::default();
                for u in &updates {
                    doc.apply(black_box(u), &opts).unwrap_or_default();
                }
                doc
            })
        });
        let mut doc = LWWMap::<Value>::default();
        for u in &updates {
            doc.merge_bytes(u, &DecodeOptions::default())
                .unwrap_or_default();
        }
        g.bench_function("encode_doc", |b| b.iter(|| black_box(&doc).encode()));
        let bytes = doc.encode();
        g.bench_function("decode_doc", |b| {
            b.iter(|| LWWMap::<Value>::decode(black_box(&bytes)))
        });
        g.finish();
    }

    fn set_of(replica: u64, range: std::ops::Range<u64>) -> ORSet<u64> {
        let mut s = ORSet::default();
        for i in range {
            s.add(replica, i);
        }
        s
    }

    fn orset(c: &mut Criterion) {
        let a = set_of(1, 0..100_000);
        let b = set_of(2, 50_000..150_000);
        let mut g = c.benchmark_group("orset");
        g.sample_size(20);
        g.throughput(Throughput::Elements(200_000));
        g.bench_function("merge_100k_each_side", |bench| {
            bench.iter_batched(
                || a.clone(),
                |mut x| {
                    x.merge(black_box(&b));
                    x
                },
                BatchSize::LargeInput,
            )
        });
        let sa = set_of(1, 0..100_000)
            .iter()
            .map(|&i| Value::from(format!("item-{i}")))
            .fold(ORSet::<Value>::default(), |mut s, v| {
                s.add(1, v);
                s
            });
        let sb = (50_000..150_000u64).fold(ORSet::<Value>::default(), |mut s, i| {
            s.add(2, Value::from(format!("item-{i}")));
            s
        });
        g.bench_function("merge_100k_each_side_strings", |bench| {
            bench.iter_batched(
                || sa.clone(),
                |mut x| {
                    x.merge(black_box(&sb));
                    x
                },
                BatchSize::LargeInput,
            )
        });
        g.throughput(Throughput::Elements(1));
        g.bench_function("delta_one_change", |bench| {
            bench.iter_batched(
                || a.clone(),
                // Return the set too, so dropping it is not timed.
                |mut x| {
                    let d = x.add(1, 1_000_000).encode();
                    (x, d)
                },
                BatchSize::LargeInput,
            )
        });
        g.finish();
    }

    criterion_group!(benches, b3_1, orset);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
