//! Classifies each line of standard input as one cell without a header, and prints the categories found
//! (comma-separated `id`s, empty when none) one line per input line. The accuracy evaluation
//! (`bench/scan_accuracy.py`) drives it to measure each detector cell by cell.
//!
//!     cargo run --release -p chujing-scan --example classify -- 2026-11-22 < cells.txt

use std::io::{BufRead, Write};

use chujing_scan::Classifier;
use chujing_scan::classify::Evidence;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let date = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "2026-11-22".into());
    let classifier = Classifier::new(date.parse()?);
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut buf = Vec::new();
    for line in stdin.lines() {
        let line = line?;
        let mut found = Vec::new();
        classifier.cell(&line, None, &mut buf, &mut |f| {
            if f.evidence == Evidence::Valid && !found.contains(&f.category.id()) {
                found.push(f.category.id());
            }
        });
        writeln!(out, "{}", found.join(","))?;
    }
    Ok(())
}
