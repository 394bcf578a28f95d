//! Reading tables out of UTF-8 text streams: delimited text (quoted fields), JSON Lines (nested fields as
//! dotted paths) and plain text, with bounded memory: no line is held beyond [`Options::max_line`] bytes, and
//! rows are processed in fixed-size batches on all cores. Decoding (byte-order marks, GB18030), decompression
//! and the delimiter's sniffing are the caller's (`chujing-records`).

use std::io::{BufRead, BufReader, Read};

use serde::{Deserialize, Serialize};

use crate::ScanError;
use crate::classify::Classifier;
use crate::column::ColumnReport;
use crate::table::{Individuals, TableScanner};

/// Rows per batch handed to the workers.
const BATCH_ROWS: usize = 8192;
/// Read buffer size.
const BUFFER_BYTES: usize = 64 << 10;

/// How to read a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text with a header row and this delimiter.
    Delimited(u8),
    /// One JSON object per line.
    JsonLines,
    /// Plain text, one cell per line, in a column named `text`.
    Text,
}

/// How to scan.
#[derive(Debug, Clone)]
pub struct Options {
    /// Decides minors (under 14 on this date) and impossible birth dates.
    pub classifier: Classifier,
    /// Count distinct individuals per category by this column (a header, or a JSON path).
    pub subject_column: Option<String>,
    /// Scan only the first this many rows.
    pub sample: Option<u64>,
    /// Lines longer than this are cut there (and a warning says so).
    pub max_line: usize,
    /// Worker threads (at least 1).
    pub workers: usize,
}

/// What one stream held.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableReport {
    /// `csv`, `tsv`, `delimited`, `jsonl` or `text`.
    pub format: String,
    /// The encoding the text was decoded from, as the caller names it (empty when it did not say).
    pub encoding: String,
    /// Rows scanned (not counting the header).
    pub rows: u64,
    /// Whether `--sample` stopped the scan before the end.
    pub sampled: bool,
    /// Per column (or JSON path).
    pub columns: Vec<ColumnReport>,
    /// Distinct individuals, with a subject column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub individuals: Option<Individuals>,
    /// Problems met on the way, each with its line where there is one.
    pub warnings: Vec<Warning>,
}

/// A problem that did not stop the scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Warning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// 1-based line, where it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// What happened.
    pub message: String,
}

/// The kinds of problem a scan meets without stopping.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A row with more or fewer fields than the header: its cells may sit under the wrong header.
    RaggedRow,
    /// A row the parser could not read: its cells were not scanned.
    MalformedRow,
    /// A cell that is not valid UTF-8, scanned with replacement characters.
    InvalidUtf8,
    /// A JSON Lines line that is not JSON: not scanned.
    NotJson,
    /// A line longer than the cap: only its start was scanned.
    LongLine,
    /// The subject column is not in the input: no individuals were counted.
    NoSubjectColumn,
    /// More warnings of a kind than are listed.
    NotListed,
}

impl WarningKind {
    /// Whether a warning of this kind means individuals may be missing from the count (rows unread, cells
    /// cut or shifted, or no subject column): a profile is never written from such a scan.
    pub const fn loses_individuals(self) -> bool {
        match self {
            WarningKind::RaggedRow
            | WarningKind::MalformedRow
            | WarningKind::InvalidUtf8
            | WarningKind::NotJson
            | WarningKind::LongLine
            | WarningKind::NoSubjectColumn => true,
            WarningKind::NotListed => false,
        }
    }
}

/// Keeps at most this many warnings of one kind, then counts the rest.
const WARNINGS_PER_KIND: usize = 5;

/// Warnings of one kind, the first few kept with their lines.
#[derive(Debug)]
struct Warnings {
    kind: WarningKind,
    kept: Vec<Warning>,
    more: u64,
}

impl Warnings {
    const fn new(kind: WarningKind) -> Warnings {
        Warnings {
            kind,
            kept: Vec::new(),
            more: 0,
        }
    }

    fn push(&mut self, line: Option<u64>, message: String) {
        if self.kept.len() < WARNINGS_PER_KIND {
            self.kept.push(Warning {
                kind: self.kind,
                line,
                message,
            });
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self, what: &str) -> Vec<Warning> {
        if self.more > 0 {
            self.kept.push(Warning {
                kind: WarningKind::NotListed,
                line: None,
                message: format!("{} more {what} not listed", self.more),
            });
        }
        self.kept
    }
}

/// A reader that cuts lines longer than `max` bytes (keeping their first `max`), and in delimited text quoted
/// fields longer than `max` (closing the quote there), so that no parser holds more than that in one record —
/// an unterminated quote would otherwise make the rest of the file one field. It notes the lines it cut.
struct LineCap<R> {
    inner: R,
    max: usize,
    /// Whether double quotes open fields that may span lines (delimited text).
    quotes: bool,
    line: u64,
    in_line: usize,
    in_quote: bool,
    quoted: usize,
    cut: std::sync::Arc<std::sync::Mutex<Vec<u64>>>,
    skipping: bool,
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            if !self.skipping && self.fits(buf.get(..n).unwrap_or_default()) {
                return Ok(n);
            }
            let out = self.cut_long_runs(buf, n);
            if out > 0 {
                return Ok(out);
            }
        }
    }
}

impl<R> LineCap<R> {
    /// Whether every line and quoted field in `block` stays under the cap; if so, takes the block's line and
    /// quote state. Only line breaks and quotes are looked at.
    fn fits(&mut self, block: &[u8]) -> bool {
        let n = block.len();
        let mut longest = 0;
        let mut start = 0;
        let mut breaks = 0;
        for p in memchr::memchr_iter(b'\n', block) {
            longest = longest.max(if breaks == 0 {
                self.in_line + p
            } else {
                p - start
            });
            start = p + 1;
            breaks += 1;
        }
        let open = if breaks == 0 {
            self.in_line + n
        } else {
            n - start
        };
        let (mut in_quote, mut run, mut last, mut longest_quote) =
            (self.in_quote, self.quoted, 0, 0);
        if self.quotes {
            for p in memchr::memchr_iter(b'"', block) {
                if in_quote {
                    run += p - last;
                    longest_quote = longest_quote.max(run);
                } else {
                    run = 0;
                }
                in_quote = !in_quote;
                last = p;
            }
            if in_quote {
                run += n - last;
                longest_quote = longest_quote.max(run);
            }
        }
        if longest.max(open) > self.max || longest_quote > self.max {
            return false;
        }
        self.line += breaks;
        self.in_line = open;
        self.in_quote = in_quote;
        self.quoted = run;
        true
    }

    /// Copies the first `n` bytes of `buf` onto themselves without the parts of lines and quoted fields past
    /// the cap (a cut quoted field gets its closing quote); returns how many are left.
    fn cut_long_runs(&mut self, buf: &mut [u8], n: usize) -> usize {
        let mut out = 0;
        for i in 0..n {
            let mut b = buf.get(i).copied().unwrap_or(b'\n');
            if self.skipping {
                if b == b'\n' {
                    self.skipping = false;
                    self.line += 1;
                    self.in_line = 0;
                    if let Some(slot) = buf.get_mut(out) {
                        *slot = b;
                    }
                    out += 1;
                }
                continue;
            }
            if b == b'\n' {
                self.line += 1;
                self.in_line = 0;
            } else {
                self.in_line += 1;
            }
            if self.quotes && b == b'"' {
                self.in_quote = !self.in_quote;
                self.quoted = 0;
            } else if self.in_quote {
                self.quoted += 1;
            }
            if self.in_line > self.max || (self.in_quote && self.quoted > self.max) {
                if let Ok(mut cut) = self.cut.lock() {
                    cut.push(self.line + 1);
                }
                self.skipping = true;
                if !self.in_quote {
                    continue;
                }
                self.in_quote = false;
                b = b'"';
            }
            if let Some(slot) = buf.get_mut(out) {
                *slot = b;
            }
            out += 1;
        }
        out
    }
}

/// Flattens a JSON value into (dotted path, text) cells; array elements share their array's path with `[]`.
/// `chujing ledger ingest` finds a subject column by the same paths (`chujing_records::keys::json_text`).
pub fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, v, out);
            }
        }
        serde_json::Value::Array(items) => {
            let path = format!("{prefix}[]");
            for v in items {
                flatten(&path, v, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        serde_json::Value::Bool(_) | serde_json::Value::Null => {}
    }
}

/// Scans a table out of `reader`. Structural failures (an unreadable stream) are errors; everything else is
/// a warning in the report.
pub fn scan(
    reader: impl Read + Send,
    format: Format,
    options: &Options,
) -> Result<TableReport, ScanError> {
    let cut = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let capped = LineCap {
        inner: reader,
        max: options.max_line,
        quotes: matches!(format, Format::Delimited(_)),
        line: 0,
        in_line: 0,
        in_quote: false,
        quoted: 0,
        cut: cut.clone(),
        skipping: false,
    };
    let mut report = match format {
        Format::Delimited(delimiter) => scan_delimited(capped, delimiter, options)?,
        Format::JsonLines => scan_lines(capped, true, options)?,
        Format::Text => scan_lines(capped, false, options)?,
    };
    if let Ok(cut) = cut.lock() {
        let mut w = Warnings::new(WarningKind::LongLine);
        for line in cut.iter() {
            w.push(
                Some(*line),
                format!(
                    "line longer than {} bytes: only its start was scanned",
                    options.max_line
                ),
            );
        }
        report.warnings.extend(w.finish("long lines"));
    }
    Ok(report)
}

/// Runs `apply` over batches of rows on `options.workers` scanners, reading the next batch while the workers
/// process the current one; returns the merged scanner and whether the sample limit stopped reading.
fn run<B: Send + Sync>(
    template: TableScanner,
    options: &Options,
    mut next_batch: impl FnMut(usize) -> Result<Vec<B>, ScanError> + Send,
    apply: impl Fn(&mut TableScanner, &B) + Sync,
) -> Result<(TableScanner, bool), ScanError> {
    use rayon::prelude::*;
    let workers = options.workers.max(1);
    let mut scanners = vec![template; workers];
    let mut left = options.sample.unwrap_or(u64::MAX);
    let take = |left: u64| BATCH_ROWS.min(usize::try_from(left).unwrap_or(usize::MAX));
    let mut batch = next_batch(take(left))?;
    loop {
        if batch.is_empty() {
            break;
        }
        left = left.saturating_sub(batch.len() as u64);
        let per = batch.len().div_ceil(workers);
        let (next, ()) = rayon::join(
            || {
                if left == 0 {
                    Ok(Vec::new())
                } else {
                    next_batch(take(left))
                }
            },
            || {
                scanners
                    .par_iter_mut()
                    .zip(batch.par_chunks(per.max(1)))
                    .for_each(|(s, rows)| rows.iter().for_each(|r| apply(s, r)));
            },
        );
        batch = next?;
        if left == 0 {
            break;
        }
    }
    let mut merged = scanners.pop().ok_or(ScanError::NoWorker)?;
    for s in scanners {
        merged.merge(s);
    }
    Ok((merged, options.sample.is_some() && left == 0))
}

fn scan_delimited(
    reader: impl Read + Send,
    delimiter: u8,
    options: &Options,
) -> Result<TableReport, ScanError> {
    let reader = BufReader::with_capacity(BUFFER_BYTES, reader);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(reader);
    let written: Vec<String> = csv
        .byte_headers()
        .map_err(|e| ScanError::Header(e.to_string()))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    if let Some(subject) = &options.subject_column {
        let times = written.iter().filter(|h| *h == subject).count();
        if times > 1 {
            return Err(ScanError::AmbiguousSubject {
                name: subject.clone(),
                times,
            });
        }
    }
    let headers = crate::table::unique_headers(&written);
    let names: Vec<&str> = headers.iter().map(String::as_str).collect();
    let template = TableScanner::new(
        options.classifier.clone(),
        &names,
        options.subject_column.as_deref(),
    );
    let fields = headers.len();
    let mut ragged = Warnings::new(WarningKind::RaggedRow);
    let mut broken = Warnings::new(WarningKind::MalformedRow);
    let invalid = std::sync::Mutex::new(Warnings::new(WarningKind::InvalidUtf8));
    let (scanner, sampled) = run(
        template,
        options,
        |n| {
            let mut rows = Vec::with_capacity(n);
            let mut record = csv::ByteRecord::new();
            while rows.len() < n {
                match csv.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = record.position().map_or(0, |p| p.line());
                        if record.len() != fields {
                            ragged.push(
                                Some(line),
                                format!("{} fields where the header has {fields}", record.len()),
                            );
                        }
                        rows.push(record.clone());
                    }
                    Err(e) => match e.kind() {
                        csv::ErrorKind::Io(_) => return Err(ScanError::Read(e.to_string())),
                        _ => broken.push(e.position().map(|p| p.line()), e.to_string()),
                    },
                }
            }
            Ok(rows)
        },
        |scanner, record| {
            for (i, cell) in record.iter().enumerate() {
                match std::str::from_utf8(cell) {
                    Ok(text) => scanner.cell(i, text),
                    Err(_) => {
                        if let Ok(mut w) = invalid.lock() {
                            let column = headers.get(i).map_or("?", String::as_str);
                            w.push(
                                record.position().map(|p| p.line()),
                                format!("column `{column}`: not valid UTF-8 (scanned with replacement characters)"),
                            );
                        }
                        scanner.cell(i, &String::from_utf8_lossy(cell));
                    }
                }
            }
            scanner.end_row();
        },
    )?;
    let mut invalid = invalid
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    invalid.kept.sort_by_key(|w| w.line);
    let rows = scanner.rows();
    let (columns, individuals) = scanner.finish();
    let mut warnings = ragged.finish("rows with a different number of fields");
    warnings.extend(broken.finish("malformed rows"));
    warnings.extend(invalid.finish("cells that are not valid UTF-8"));
    if let Some(subject) = &options.subject_column
        && !headers.contains(subject)
    {
        warnings.push(Warning {
            kind: WarningKind::NoSubjectColumn,
            line: Some(1),
            message: format!(
                "no column `{subject}` for individuals; the header has: {}",
                headers.join(", ")
            ),
        });
    }
    Ok(TableReport {
        format: match delimiter {
            b',' => "csv",
            b'\t' => "tsv",
            _ => "delimited",
        }
        .to_string(),
        encoding: String::new(),
        rows,
        sampled,
        columns,
        individuals,
        warnings,
    })
}

/// JSON Lines (`json` true) or plain text, one row per line.
fn scan_lines(
    reader: impl Read + Send,
    json: bool,
    options: &Options,
) -> Result<TableReport, ScanError> {
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, reader);
    let names: &[&str] = if json { &[] } else { &["text"] };
    let template = TableScanner::new(
        options.classifier.clone(),
        names,
        options.subject_column.as_deref(),
    );
    let mut line = 0u64;
    let bad = std::sync::Mutex::new(Warnings::new(WarningKind::NotJson));
    let mut buf = Vec::new();
    let (scanner, sampled) = run(
        template,
        options,
        |n| {
            let mut rows: Vec<(u64, String)> = Vec::with_capacity(n);
            while rows.len() < n {
                buf.clear();
                if reader.read_until(b'\n', &mut buf)? == 0 {
                    break;
                }
                line += 1;
                let text = String::from_utf8_lossy(&buf);
                let text = text.trim_end_matches(['\n', '\r']);
                if text.trim().is_empty() {
                    continue;
                }
                rows.push((line, text.to_string()));
            }
            Ok(rows)
        },
        |scanner, (line, text)| {
            if json {
                let mut cells = Vec::new();
                match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(value) => flatten("", &value, &mut cells),
                    Err(e) => {
                        if let Ok(mut bad) = bad.lock() {
                            bad.push(Some(*line), format!("not JSON: {e}"));
                        }
                    }
                }
                for (path, value) in &cells {
                    let i = scanner.column(path);
                    scanner.cell(i, value);
                }
            } else {
                scanner.cell(0, text);
            }
            scanner.end_row();
        },
    )?;
    let mut bad = bad
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let subject_missing = options
        .subject_column
        .as_ref()
        .filter(|subject| !scanner.has_column(subject));
    // Workers report bad lines in any order: list the first ones.
    bad.kept.sort_by_key(|w| w.line);
    let rows = scanner.rows();
    let (columns, individuals) = scanner.finish();
    Ok(TableReport {
        format: if json { "jsonl" } else { "text" }.to_string(),
        encoding: String::new(),
        rows,
        sampled,
        columns,
        individuals,
        warnings: {
            let mut w = bad.finish("lines that are not JSON objects");
            if let Some(subject) = subject_missing {
                w.push(Warning {
                    kind: WarningKind::NoSubjectColumn,
                    line: None,
                    message: format!(
                        "no field `{subject}` in any line, so no individuals were counted"
                    ),
                });
            }
            w
        },
    })
}
