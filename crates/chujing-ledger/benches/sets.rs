//! Subject keys per second into the in-memory sets: normalise, keyed hash, sort, deduplicate.
//! Target: at least 10 million keys per second per core (run on a one-thread pool).
//!
//! `cargo bench -p chujing-ledger --bench sets`

#![allow(
    clippy::expect_used,
    reason = "a benchmark fails loudly on bad fixtures"
)]

use std::hint::black_box;

use chujing_ledger::{HashKey, SubjectHasher, SubjectSet, count_union, normalise};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `n` resident-ID-like keys (18 characters), 10% of them repeated.
fn keys(n: usize) -> Vec<String> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = if i % 10 == 0 {
                (i as u64 / 10) % 1000
            } else {
                x % 1_000_000_000_000
            };
            format!("110105{v:012}")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let hasher = SubjectHasher::new(&HashKey::new([7; 16]));
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    for n in [100_000usize, 3_000_000] {
        let input = keys(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("{n} keys → set, one core"), |b| {
            b.iter(|| {
                one.install(|| {
                    let hashes: Vec<u128> = input
                        .iter()
                        .filter_map(|k| normalise(k).map(|k| hasher.hash(&k)))
                        .collect();
                    black_box(SubjectSet::from_hashes(hashes))
                })
            })
        });
    }
    let input = keys(3_000_000);
    let hashes: Vec<u128> = input.iter().map(|k| hasher.hash(k)).collect();
    g.throughput(Throughput::Elements(hashes.len() as u64));
    g.bench_function("3000000 hashes → sort + dedup only, one core", |b| {
        b.iter(|| one.install(|| black_box(SubjectSet::from_hashes(hashes.clone()))))
    });
    let sets: Vec<SubjectSet> = hashes
        .chunks(300_000)
        .map(|c| SubjectSet::from_hashes(c.to_vec()))
        .collect();
    let runs: Vec<&[u128]> = sets.iter().map(SubjectSet::as_slice).collect();
    g.bench_function("count union of 10 runs of 300000", |b| {
        b.iter(|| black_box(count_union(&runs)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
