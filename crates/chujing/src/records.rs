//! Reading subject keys (and a sensitivity flag) out of transfer files: CSV/TSV and JSON Lines (plain, gzip
//! or zstd) and Parquet. Errors name the file, line (Parquet: row) and column.

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
    Parquet,
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
        Some("parquet") if compression.is_none() => Format::Parquet,
        Some("parquet") => {
            return Err(InputProblem(format!(
                "{}: Parquet files compress their own columns; give the .parquet file itself",
                path.display()
            ))
            .into());
        }
        _ => {
            return Err(InputProblem(format!(
                "{}: cannot tell the format from the name; expected .csv, .tsv, .jsonl, .ndjson (optionally .gz or .zst) or .parquet",
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

/// What reading produced: one accumulator per chunk in file order, and a hash of the file's contents.
#[derive(Debug)]
pub struct Chunks<T> {
    /// The accumulators, in file order.
    pub parts: Vec<T>,
    /// A hash of the file's bytes (the default batch identity).
    pub content_hash: u64,
}

/// Files up to this size may be read whole and parsed in parallel.
const PARALLEL_MAX_BYTES: u64 = 2 << 30;
/// Target size of a parallel chunk: fixed, so that the content hash does not depend on the machine.
const CHUNK_BYTES: usize = 4 << 20;

/// Reads every record of `path`. Each chunk of the file gets an accumulator from `make`, and `on_row` is
/// called with it for each record or bad row of the chunk, in order. Plain delimited files without quotes are
/// split at line ends and read on all cores; anything else is streamed. Structural problems (no such column,
/// unreadable file) are errors.
pub fn read<T: Send>(
    path: &Path,
    columns: &Columns,
    progress: impl Fn(u64) + Send + Sync + 'static,
    make: impl Fn() -> T + Sync,
    on_row: impl Fn(&mut T, Result<Record<'_>, BadRow>) + Sync,
) -> Result<Chunks<T>> {
    let (format, compression) = format_of(path)?;
    if format == Format::Parquet {
        let mut acc = make();
        read_parquet(path, columns, &mut |row| on_row(&mut acc, row))?;
        progress(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
        return Ok(Chunks {
            parts: vec![acc],
            content_hash: hash_file(path)?,
        });
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    if let (Format::Delimited(delimiter), None, true) =
        (format, compression, size <= PARALLEL_MAX_BYTES)
    {
        let bytes = std::fs::read(path)
            .map_err(|e| InputProblem(format!("{}: cannot read: {e}", path.display())))?;
        progress(bytes.len() as u64);
        if memchr::memchr(b'"', &bytes).is_none() {
            return read_plain(path, &bytes, delimiter, columns, &make, &on_row);
        }
        // Quoted fields may hold line breaks: stream the bytes already read through the CSV parser.
        let content_hash = hash_chunks(&bytes);
        let mut acc = make();
        read_streaming(
            path,
            Box::new(std::io::Cursor::new(bytes)),
            format,
            columns,
            &mut |row| on_row(&mut acc, row),
        )?;
        return Ok(Chunks {
            parts: vec![acc],
            content_hash,
        });
    }
    let hashing = HashingReader {
        inner: open(path, compression, progress)?,
        chunk: Vec::new(),
        hashes: Vec::new(),
    };
    let shared = std::rc::Rc::new(std::cell::RefCell::new(hashing));
    let mut acc = make();
    read_streaming(
        path,
        Box::new(SharedReader(shared.clone())),
        format,
        columns,
        &mut |row| on_row(&mut acc, row),
    )?;
    let content_hash = shared.borrow_mut().finish();
    Ok(Chunks {
        parts: vec![acc],
        content_hash,
    })
}

/// The content hash: xxh3 of each fixed-size chunk, combined in order. It only names a file for idempotency
/// (not a secret, not an integrity check), so a fast non-cryptographic hash is the right tool.
fn hash_chunks(bytes: &[u8]) -> u64 {
    use rayon::prelude::*;
    let hashes: Vec<u64> = bytes.par_chunks(CHUNK_BYTES).map(chunk_hash).collect();
    combine(&hashes)
}

fn chunk_hash(chunk: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(chunk)
}

fn combine(hashes: &[u64]) -> u64 {
    use std::hash::Hasher;
    let mut h = siphasher::sip::SipHasher13::new();
    hashes.iter().for_each(|x| h.write_u64(*x));
    h.finish()
}

/// The content hash of a file, read in the same fixed-size chunks as [`hash_chunks`].
fn hash_file(path: &Path) -> Result<u64> {
    let mut file = File::open(path)
        .map_err(|e| InputProblem(format!("{}: cannot open: {e}", path.display())))?;
    let mut hashes = Vec::new();
    let mut chunk = vec![0u8; CHUNK_BYTES];
    loop {
        let mut filled = 0;
        while filled < CHUNK_BYTES {
            let n = file.read(chunk.get_mut(filled..).unwrap_or_default())?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        if filled == 0 {
            break;
        }
        hashes.push(chunk_hash(chunk.get(..filled).unwrap_or_default()));
        if filled < CHUNK_BYTES {
            break;
        }
    }
    Ok(combine(&hashes))
}

/// Reads the subject (and sensitivity) columns of a Parquet file; `line` is the 1-based row number. Columns of
/// any type that casts to text work (strings, integers, booleans); nulls are empty values.
fn read_parquet(
    path: &Path,
    columns: &Columns,
    on_row: &mut dyn FnMut(Result<Record<'_>, BadRow>),
) -> Result<()> {
    use arrow_array::{Array, StringArray};
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| InputProblem(format!("{name}: cannot open: {e}")))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| InputProblem(format!("{name}: not a readable Parquet file: {e}")))?;
    let schema = builder.schema().clone();
    let find = |col: &str| {
        schema.index_of(col).map_err(|_| {
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            InputProblem(format!(
                "{name}: no column `{col}`; the file has: {}",
                names.join(", ")
            ))
        })
    };
    let mut wanted = vec![find(&columns.subject)?];
    if let Some(col) = &columns.sensitive {
        wanted.push(find(col)?);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| InputProblem(format!("{name}: {e}")))?;
    let as_text = |batch: &arrow_array::RecordBatch, col: &str| -> Result<StringArray> {
        let column = batch
            .column_by_name(col)
            .ok_or_else(|| InputProblem(format!("{name}: no column `{col}`")))?;
        let text = arrow_cast::cast(column, &arrow_schema::DataType::Utf8).map_err(|e| {
            InputProblem(format!(
                "{name}: column `{col}` cannot be read as text: {e}"
            ))
        })?;
        text.as_any()
            .downcast_ref::<StringArray>()
            .cloned()
            .ok_or_else(|| {
                InputProblem(format!("{name}: column `{col}` cannot be read as text")).into()
            })
    };
    let mut row = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| InputProblem(format!("{name}: after row {row}: {e}")))?;
        let subjects = as_text(&batch, &columns.subject)?;
        let flags = columns
            .sensitive
            .as_deref()
            .map(|c| as_text(&batch, c))
            .transpose()?;
        for i in 0..batch.num_rows() {
            row += 1;
            fn value(a: &StringArray, i: usize) -> &str {
                if a.is_null(i) { "" } else { a.value(i) }
            }
            on_row(Ok(Record {
                line: row,
                subject: value(&subjects, i),
                sensitive: flags.as_ref().map(|f| value(f, i)),
            }));
        }
    }
    Ok(())
}

/// A reader that hashes what passes through it in the same fixed-size chunks as [`hash_chunks`].
struct HashingReader {
    inner: Box<dyn Read>,
    chunk: Vec<u8>,
    hashes: Vec<u64>,
}

impl HashingReader {
    fn finish(&mut self) -> u64 {
        if !self.chunk.is_empty() {
            self.hashes.push(chunk_hash(&self.chunk));
            self.chunk.clear();
        }
        combine(&self.hashes)
    }
}

struct SharedReader(std::rc::Rc<std::cell::RefCell<HashingReader>>);

impl Read for SharedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut r = self.0.borrow_mut();
        let n = r.inner.read(buf)?;
        let mut rest = buf.get(..n).unwrap_or_default();
        while !rest.is_empty() {
            let take = (CHUNK_BYTES - r.chunk.len()).min(rest.len());
            let (head, tail) = rest.split_at(take);
            r.chunk.extend_from_slice(head);
            rest = tail;
            if r.chunk.len() == CHUNK_BYTES {
                let h = chunk_hash(&r.chunk);
                r.hashes.push(h);
                r.chunk.clear();
            }
        }
        Ok(n)
    }
}

/// Parses an unquoted delimited file held in memory, in parallel chunks split at line ends.
fn read_plain<T: Send>(
    path: &Path,
    bytes: &[u8],
    delimiter: u8,
    columns: &Columns,
    make: &(impl Fn() -> T + Sync),
    on_row: &(impl Fn(&mut T, Result<Record<'_>, BadRow>) + Sync),
) -> Result<Chunks<T>> {
    use rayon::prelude::*;
    let name = path.display().to_string();
    let header_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let header = trim_cr(bytes.get(..header_end).unwrap_or_default());
    let headers: Vec<&[u8]> = header.split(|b| *b == delimiter).collect();
    let (subject, sensitive) = find_columns(&name, &headers, columns)?;
    let body = bytes
        .get((header_end + 1).min(bytes.len())..)
        .unwrap_or_default();
    // Chunks of about CHUNK_BYTES, each ending after a line break; their first line numbers.
    let mut chunks: Vec<(u64, &[u8])> = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let target = (start + CHUNK_BYTES).min(body.len());
        let end = body
            .get(target..)
            .and_then(|rest| memchr::memchr(b'\n', rest))
            .map_or(body.len(), |p| target + p + 1);
        chunks.push((0, body.get(start..end).unwrap_or_default()));
        start = end;
    }
    // Each chunk's first line number: line breaks counted in parallel, then summed in order.
    let breaks: Vec<u64> = chunks
        .par_iter()
        .map(|(_, c)| memchr::memchr_iter(b'\n', c).count() as u64)
        .collect();
    let mut line = 2u64;
    for (chunk, n) in chunks.iter_mut().zip(breaks) {
        chunk.0 = line;
        line += n;
    }
    let fields = headers.len();
    let (content_hash, parts) = rayon::join(
        || hash_chunks(bytes),
        || {
            chunks
                .par_iter()
                .map(|(first_line, chunk)| {
                    let mut acc = make();
                    let mut line_start = 0;
                    let mut line = *first_line;
                    while line_start < chunk.len() {
                        let line_end =
                            memchr::memchr(b'\n', chunk.get(line_start..).unwrap_or_default())
                                .map_or(chunk.len(), |p| line_start + p);
                        let raw = trim_cr(chunk.get(line_start..line_end).unwrap_or_default());
                        let this_line = line;
                        line += 1;
                        line_start = line_end + 1;
                        if raw.is_empty() {
                            continue;
                        }
                        let line = this_line;
                        let (mut subject_value, mut sensitive_value) =
                            (None::<&[u8]>, None::<&[u8]>);
                        let mut count = 0;
                        let mut field_start = 0;
                        for field_end in
                            memchr::memchr_iter(delimiter, raw).chain(std::iter::once(raw.len()))
                        {
                            let value = raw.get(field_start..field_end).unwrap_or_default();
                            if count == subject {
                                subject_value = Some(value);
                            }
                            if Some(count) == sensitive {
                                sensitive_value = Some(value);
                            }
                            count += 1;
                            field_start = field_end + 1;
                        }
                        if count != fields {
                            on_row(
                                &mut acc,
                                Err(BadRow {
                                    line,
                                    message: format!(
                                        "expected {fields} fields like the header, found {count}"
                                    ),
                                }),
                            );
                            continue;
                        }
                        fn text<'b>(v: Option<&'b [u8]>, col: &str) -> Result<&'b str, String> {
                            std::str::from_utf8(v.unwrap_or_default())
                                .map_err(|_| format!("column `{col}`: not valid UTF-8"))
                        }
                        let s = text(subject_value, &columns.subject);
                        let x = sensitive
                            .map(|_| {
                                text(
                                    sensitive_value,
                                    columns.sensitive.as_deref().unwrap_or_default(),
                                )
                            })
                            .transpose();
                        match (s, x) {
                            (Ok(subject), Ok(sensitive)) => on_row(
                                &mut acc,
                                Ok(Record {
                                    line,
                                    subject,
                                    sensitive,
                                }),
                            ),
                            (Err(message), _) | (_, Err(message)) => {
                                on_row(&mut acc, Err(BadRow { line, message }))
                            }
                        }
                    }
                    acc
                })
                .collect()
        },
    );
    Ok(Chunks {
        parts,
        content_hash,
    })
}

/// The positions of the subject and sensitivity columns in a header row, or an error listing the header.
fn find_columns(
    name: &str,
    headers: &[&[u8]],
    columns: &Columns,
) -> Result<(usize, Option<usize>), InputProblem> {
    let find = |col: &str| {
        headers
            .iter()
            .position(|h| *h == col.as_bytes())
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
    Ok((
        find(&columns.subject)?,
        columns.sensitive.as_deref().map(find).transpose()?,
    ))
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Streams records through the CSV or JSON Lines parser.
fn read_streaming(
    path: &Path,
    reader: Box<dyn Read + '_>,
    format: Format,
    columns: &Columns,
    on_row: &mut dyn FnMut(Result<Record<'_>, BadRow>),
) -> Result<()> {
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
            let names: Vec<&[u8]> = headers.iter().collect();
            let (subject, sensitive) = find_columns(&name, &names, columns)?;
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
        Format::Parquet => read_parquet(path, columns, on_row)?,
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
