//! In-process decisions per second: the transfer gate calls `Regime::decide` on every transfer.
//!
//! `cargo bench -p chujing-law --bench decide`

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a benchmark fails loudly on bad fixtures"
)]

use std::hint::black_box;

use chujing_law::condition::Facts;
use chujing_law::{Date, FlowKind, Lang, Profile, RuleBook, assess};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// 1,024 flows spread over every branch: thresholds, CIIO, important data, kinds.
fn facts() -> Vec<Facts> {
    let counts = [
        0u64, 50, 9_999, 10_000, 99_999, 100_000, 150_000, 999_999, 1_000_000, 3_000_000,
    ];
    (0..1024u64)
        .map(|i| Facts {
            ciio: i % 17 == 0,
            located_in_china: i % 5 != 0,
            important_data: i % 13 == 0,
            personal_information: i % 11 != 0,
            sensitive_personal_information: i % 3 == 0,
            individuals: counts[(i % 10) as usize],
            sensitive_individuals: counts[((i / 10) % 5) as usize],
            individuals_processed: counts[((i / 7) % 10) as usize],
            kind: [
                FlowKind::Transfer,
                FlowKind::RemoteAccess,
                FlowKind::OffshoreProcessing,
            ][(i % 3) as usize],
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let book = RuleBook::embedded().expect("embedded packs");
    let today = Date::parse("2026-11-22").expect("date");
    let cases = facts();
    let mut g = c.benchmark_group("decide");
    g.throughput(Throughput::Elements(cases.len() as u64));

    let regime = book.regime_at(today).expect("regime");
    g.bench_function("flow, regime resolved", |b| {
        b.iter(|| {
            for f in &cases {
                black_box(regime.decide(black_box(f), None));
            }
        })
    });

    let dates: Vec<Date> = [
        "2022-01-15",
        "2022-10-01",
        "2023-03-01",
        "2023-08-01",
        "2025-06-01",
        "2026-11-22",
    ]
    .iter()
    .map(|d| Date::parse(d).expect("date"))
    .collect();
    g.bench_function("flow, regime looked up by date", |b| {
        b.iter(|| {
            for (i, f) in cases.iter().enumerate() {
                let regime = book.regime_at(dates[i % dates.len()]).expect("regime");
                black_box(regime.decide(black_box(f), None));
            }
        })
    });
    g.finish();

    let src = include_str!("../../../examples/mid-size-standard-contract.toml");
    let profile = Profile::parse("mid-size-standard-contract.toml", src).expect("profile");
    let mut g = c.benchmark_group("assess");
    g.throughput(Throughput::Elements(1));
    g.bench_function(
        "mid-size profile, 3 flows, full trace and obligations",
        |b| {
            b.iter(|| {
                black_box(assess(&book, black_box(&profile), today, Lang::En).expect("assess"))
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
