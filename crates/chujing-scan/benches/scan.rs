//! Cells per second through the classifier, and a whole table through the scanner, on one thread.
//!
//! `cargo bench -p chujing-scan --bench scan`
//! (The comparison with ripgrep and Presidio on a 1 GB file is `python3 bench/scan_vs_peers.py`.)

#![allow(
    clippy::expect_used,
    reason = "a benchmark fails loudly on bad fixtures"
)]

use std::hint::black_box;

use chujing_scan::{Classifier, Format, Options, scan};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A row of mixed cells: an ID, a mobile, a card, an e-mail, an IP, free text, an order number, an amount.
fn row(i: u64) -> [String; 8] {
    [
        "11010519491231002X".to_string(),
        format!("1380013{:04}", i % 10_000),
        "6212345678901232".to_string(),
        format!("user{i}@example.com"),
        format!("10.0.{}.{}", i % 256, (i / 256) % 256),
        format!(
            "联系电话1380013{:04} 地址北京市朝阳区建国路{}号",
            i % 10_000,
            i % 200
        ),
        format!("{}", 100_000_000_000_000_000 + i * 7919),
        format!("{}.{:02}", i % 1000, i % 100),
    ]
}

fn bench(c: &mut Criterion) {
    let today = jiff::civil::Date::new(2026, 11, 22).expect("a real date");
    let classifier = Classifier::new(today);
    let cells: Vec<String> = (0..10_000).flat_map(row).collect();
    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Elements(cells.len() as u64));
    g.bench_function("classify 80000 mixed cells, no header", |b| {
        let mut buf = Vec::new();
        b.iter(|| {
            let mut n = 0u64;
            for cell in &cells {
                classifier.cell(black_box(cell), None, &mut buf, &mut |_| n += 1);
            }
            n
        })
    });
    let mut csv = String::from("id_number,phone,card_no,email,ip,note,order_no,amount\n");
    for i in 0..100_000 {
        csv.push_str(&row(i).join(","));
        csv.push('\n');
    }
    let options = Options {
        classifier,
        subject_column: Some("id_number".into()),
        sample: None,
        max_line: 1 << 20,
        workers: 1,
    };
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("scan a 100000-row CSV, one worker", |b| {
        b.iter(|| {
            scan(
                std::io::Cursor::new(csv.as_bytes()),
                Format::Delimited(b','),
                &options,
            )
            .expect("the CSV scans")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
