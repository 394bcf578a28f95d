//! A report for the largest example, from profile to finished document: assessment, document model, and
//! Markdown, HTML and PDF (typeset in process). Target: under a second.
//!
//! `cargo bench -p chujing-pdf --bench report`

#![allow(
    clippy::expect_used,
    reason = "a benchmark fails loudly on bad fixtures"
)]

use chujing_docs::{DocumentKind, Inputs, build, render};
use chujing_law::assess::assess_with_totals;
use chujing_law::{Lang, Profile, RuleBook};
use criterion::{Criterion, criterion_group, criterion_main};

const PROFILE: &str = include_str!("../../../examples/large-platform-security-assessment.toml");

fn bench(c: &mut Criterion) {
    let book = RuleBook::embedded().expect("the embedded rules load");
    let profile = Profile::parse("large-platform-security-assessment.toml", PROFILE)
        .expect("the example parses");
    let as_of = profile.as_of.expect("the example has a date");
    let font = chujing_pdf::find_font(None).expect("a CJK font (scripts/test-tools installs one)");
    let document = |kind| {
        let a = assess_with_totals(&book, &profile, as_of, Lang::Zh, None).expect("assessed");
        build(
            kind,
            &Inputs {
                profile_file: "large-platform-security-assessment.toml",
                profile: &profile,
                assessment: &a,
                ledger: None,
                scan: None,
            },
        )
    };
    let mut g = c.benchmark_group("report, largest example");
    g.sample_size(20);
    g.bench_function("self-assessment → Markdown", |b| {
        b.iter(|| render::markdown(&document(DocumentKind::SelfAssessment)))
    });
    g.bench_function("self-assessment → HTML", |b| {
        b.iter(|| render::html(&document(DocumentKind::SelfAssessment)))
    });
    for kind in [DocumentKind::SelfAssessment, DocumentKind::Pipia] {
        g.bench_function(format!("{} → PDF", kind.id()), |b| {
            b.iter(|| chujing_pdf::render(&document(kind), &font).expect("typeset"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
