//! Reading subject keys (and a sensitivity flag) out of transfer files: CSV/TSV and JSON Lines, plain, gzip
//! or zstd. Errors name the file, line and column.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result};

use crate::output::InputProblem;

/// Which columns to read.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The subject key column (a dotted path in JSON Lines).
    pub subject: String,
    /// The column that says whether a record carries sensitive PI, if any.
    pub sensitive: Option<String>,
}

/// One record: its line, subject key and sensitivity value as written.
#[derive(Debug)]
pub struct Record<'a> {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The subject key as written.
    pub subject: &'a str,
    /// The sensitivity value as written, when a sensitive column was given.
    pub sensitive: Option<&'a str>,
}

/// A record that could not be read, and why.
#[derive(Debug, Clone)]
pub struct BadRow {
    /// 1-based line.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// The file's syntax, from its name (after a `.gz` / `.zst` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Delimited(u8),
    JsonLines,
}

fn format_of(path: &Path) -> Result<(Format, Option<&'static str>)> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (stem, compression) = match name.rsplit_once('.') {
        Some((stem, "gz")) => (stem.to_string(), Some("gz")),
        Some((stem, "zst" | "zstd")) => (stem.to_string(), Some("zst")),
        _ => (name.clone(), None),
    };
    let format = match stem.rsplit_once('.').map(|(_, ext)| ext) {
        Some("csv" | "txt") => Format::Delimited(b','),
        Some("tsv" | "tab") => Format::Delimited(b'\t'),
        Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
        Some("parquet") => {
            return Err(InputProblem(format!(
                "{}: Parquet input is not supported yet by `ledger ingest`; export the column to CSV or JSON Lines",
                path.display()
            ))
            .into());
        }
        _ => {
            return Err(InputProblem(format!(
                "{}: cannot tell the format from the name; expected .csv, .tsv, .jsonl or .ndjson (optionally .gz or .zst)",
                path.display()
            ))
            .into());
        }
    };
    Ok((format, compression))
}

/// Opens `path`, decompressing by its suffix; `progress` is told how many compressed bytes were read.
fn open(
    path: &Path,
    compression: Option<&str>,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<Box<dyn Read>> {
    let file = File::open(path)
        .map_err(|e| InputProblem(format!("{}: cannot open: {e}", path.display())))?;
    let counted = Counting {
        inner: file,
        progress,
    };
    Ok(match compression {
        Some("gz") => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            1 << 16,
            counted,
        ))),
        Some(_) => Box::new(
            zstd::Decoder::new(counted)
                .with_context(|| format!("{}: not a zstd stream", path.display()))?,
        ),
        None => Box::new(counted),
    })
}

struct Counting<R, F> {
    inner: R,
    progress: F,
}

impl<R: Read, F: Fn(u64)> Read for Counting<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.progress)(n as u64);
        Ok(n)
    }
}

/// Reads every record of `path`, calling `on_row` with each record or bad row. Structural problems (no
/// such column, unreadable file) are errors.
pub fn read(
    path: &Path,
    columns: &Columns,
    progress: impl Fn(u64) + Send + 'static,
    mut on_row: impl FnMut(Result<Record<'_>, BadRow>),
) -> Result<()> {
    let (format, compression) = format_of(path)?;
    let reader = open(path, compression, progress)?;
    let name = path.display().to_string();
    match format {
        Format::Delimited(delimiter) => {
            let mut csv = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(false)
                .from_reader(reader);
            let headers = csv
                .byte_headers()
                .map_err(|e| InputProblem(format!("{name}:1: cannot read the header row: {e}")))?
                .clone();
            let find = |col: &str| {
                headers
                    .iter()
                    .position(|h| h == col.as_bytes())
                    .ok_or_else(|| {
                        let names: Vec<String> = headers
                            .iter()
                            .map(|h| String::from_utf8_lossy(h).into_owned())
                            .collect();
                        InputProblem(format!(
                            "{name}:1: no column `{col}`; the header has: {}",
                            names.join(", ")
                        ))
                    })
            };
            let subject = find(&columns.subject)?;
            let sensitive = columns.sensitive.as_deref().map(find).transpose()?;
            let mut record = csv::ByteRecord::new();
            loop {
                match csv.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = record.position().map_or(0, |p| p.line());
                        let field =
                            |i: usize, col: &str| match record.get(i).map(std::str::from_utf8) {
                                Some(Ok(s)) => Ok(s),
                                Some(Err(_)) => Err(format!("column `{col}`: not valid UTF-8")),
                                None => Err(format!("column `{col}` is missing")),
                            };
                        let s = field(subject, &columns.subject);
                        let x = sensitive
                            .map(|i| field(i, columns.sensitive.as_deref().unwrap_or_default()))
                            .transpose();
                        match (s, x) {
                            (Ok(subject), Ok(sensitive)) => on_row(Ok(Record {
                                line,
                                subject,
                                sensitive,
                            })),
                            (Err(message), _) | (_, Err(message)) => {
                                on_row(Err(BadRow { line, message }))
                            }
                        }
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        let message = match e.kind() {
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => {
                                format!(
                                    "expected {expected_len} fields like the header, found {len}"
                                )
                            }
                            csv::ErrorKind::Io(io) => {
                                return Err(InputProblem(format!(
                                    "{name}:{line}: cannot read: {io}"
                                ))
                                .into());
                            }
                            _ => e.to_string(),
                        };
                        on_row(Err(BadRow { line, message }));
                    }
                }
            }
        }
        Format::JsonLines => {
            let mut lines = BufReader::with_capacity(1 << 16, reader);
            let mut buf = String::new();
            let mut line = 0u64;
            loop {
                buf.clear();
                let n = lines
                    .read_line(&mut buf)
                    .map_err(|e| InputProblem(format!("{name}:{}: cannot read: {e}", line + 1)))?;
                if n == 0 {
                    break;
                }
                line += 1;
                if buf.trim().is_empty() {
                    continue;
                }
                let value: serde_json::Value = match serde_json::from_str(&buf) {
                    Ok(v) => v,
                    Err(e) => {
                        on_row(Err(BadRow {
                            line,
                            message: format!("not a JSON object: {e}"),
                        }));
                        continue;
                    }
                };
                let text = |path: &str| -> Result<String, String> {
                    let mut v = &value;
                    for part in path.split('.') {
                        v = v.get(part).ok_or_else(|| format!("no field `{path}`"))?;
                    }
                    match v {
                        serde_json::Value::String(s) => Ok(s.clone()),
                        serde_json::Value::Number(n) => Ok(n.to_string()),
                        serde_json::Value::Bool(b) => Ok(b.to_string()),
                        serde_json::Value::Null => Ok(String::new()),
                        _ => Err(format!("field `{path}` is not a string or number")),
                    }
                };
                let s = text(&columns.subject);
                let x = columns.sensitive.as_deref().map(text).transpose();
                match (s, x) {
                    (Ok(subject), Ok(sensitive)) => on_row(Ok(Record {
                        line,
                        subject: &subject,
                        sensitive: sensitive.as_deref(),
                    })),
                    (Err(message), _) | (_, Err(message)) => on_row(Err(BadRow { line, message })),
                }
            }
        }
    }
    Ok(())
}

/// Reads a sensitivity flag: yes/no, true/false, 1/0, 是/否 (case-insensitive); empty is no.
pub fn parse_flag(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "t" | "是" => Ok(true),
        "0" | "false" | "no" | "n" | "f" | "否" | "" => Ok(false),
        other => Err(format!(
            "`{other}` is not a yes/no value (expected true/false, yes/no, 1/0 or 是/否)"
        )),
    }
}
