//! Reading subject keys (and a sensitivity flag) out of transfer files, for the ledger: delimited text and
//! JSON Lines (plain, gzip or zstd; any encoding [`decode`] reads) and Parquet. Plain UTF-8 delimited files
//! without quotes are read in parallel; everything else is streamed. Errors name the file, line (Parquet:
//! row) and column.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::parquet::ParquetTable;
use crate::source::{Format, Source};
use crate::text::{decode, guess_delimiter};
use crate::{RecordsError, Result};

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

/// What reading produced: one accumulator per chunk in file order, and a hash of the file's contents.
#[derive(Debug)]
pub struct Chunks<T> {
    /// The accumulators, in file order.
    pub parts: Vec<T>,
    /// A hash of the file's bytes (the default batch identity).
    pub content_hash: u64,
}

/// Size of a parallel chunk: fixed, so that the content hash does not depend on the machine.
const CHUNK_BYTES: usize = 4 << 20;

/// Reads every record of `path`. Each chunk of the file gets an accumulator from `make`, and `on_row` is
/// called with it for each record or bad row of the chunk, in order. Plain delimited files without quotes are
/// read in fixed-size chunks on all cores with bounded memory; anything else is streamed. Line numbers given
/// to `on_row` may be relative to the chunk: before returning, `shift(acc, n)` is called to add `n` to every
/// line number the accumulator kept, so that the caller only ever sees absolute lines. Structural problems
/// (no such column, unreadable file) are errors.
pub fn read<T: Send>(
    path: &Path,
    columns: &Columns,
    progress: impl Fn(u64) + Send + Sync + 'static,
    make: impl Fn() -> T + Sync,
    on_row: impl Fn(&mut T, Result<Record<'_>, BadRow>) + Sync,
    shift: impl Fn(&mut T, u64) + Sync,
) -> Result<Chunks<T>> {
    let source = Source::of(path)?;
    let (format, compression) = (source.format, source.compression);
    if format == Format::Text {
        return Err(RecordsError::Input(format!(
            "{}: cannot tell the format from the name; expected .csv, .tsv, .jsonl, .ndjson (optionally .gz \
             or .zst) or .parquet",
            path.display()
        )));
    }
    if format == Format::Parquet {
        let mut acc = make();
        read_parquet(path, columns, &mut |row| on_row(&mut acc, row))?;
        progress(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
        return Ok(Chunks {
            parts: vec![acc],
            content_hash: hash_file(path)?,
        });
    }
    let progress = std::sync::Arc::new(progress);
    let mut stream_progress: Box<dyn Fn(u64) + Send + Sync> = {
        let progress = progress.clone();
        Box::new(move |n| progress(n))
    };
    if let (Format::Delimited(delimiter), None) = (format, compression)
        && plain_utf8(path)?
    {
        let reported = std::sync::atomic::AtomicU64::new(0);
        let counted = |n: u64| {
            reported.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            progress(n)
        };
        let sink = Sink {
            make: &make,
            on_row: &on_row,
            shift: &shift,
        };
        if let Some(chunks) = read_blocks(
            path,
            delimiter,
            columns,
            CHUNK_BYTES as u64,
            &counted,
            &sink,
        )? {
            return Ok(chunks);
        }
        // Quoted fields may hold line breaks: stream the file through the CSV parser, without counting again
        // the bytes the progress bar has already seen.
        let skip = reported.into_inner();
        let seen = std::sync::atomic::AtomicU64::new(0);
        stream_progress = Box::new(move |n| {
            let before = seen.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            let after = before + n;
            if after > skip {
                progress(after - before.max(skip));
            }
        });
    }
    let hashing = HashingReader {
        inner: source.open(stream_progress)?,
        chunk: Vec::new(),
        hashes: Vec::new(),
    };
    let shared = Arc::new(Mutex::new(hashing));
    let mut decoded = decode(&source.name(), Box::new(SharedReader(shared.clone())))?;
    let format = match format {
        Format::Delimited(None) => Format::Delimited(Some(decoded.sniff_delimiter()?)),
        other => other,
    };
    let mut acc = make();
    read_streaming(
        path,
        Box::new(&mut decoded.reader),
        format,
        columns,
        &mut |row| on_row(&mut acc, row),
    )?;
    let content_hash = shared
        .lock()
        .map_err(|_| RecordsError::Input(format!("{}: a reader thread failed", path.display())))?
        .finish();
    Ok(Chunks {
        parts: vec![acc],
        content_hash,
    })
}

/// What a parallel reader does with each chunk: make an accumulator, feed it rows, shift its line numbers.
struct Sink<'a, M, R, S> {
    make: &'a M,
    on_row: &'a R,
    shift: &'a S,
}

/// The content hash is xxh3 of each fixed-size chunk, combined in order. It only names a file for idempotency
/// (not a secret, not an integrity check), so a fast non-cryptographic hash is the right tool.
fn chunk_hash(chunk: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(chunk)
}

fn combine(hashes: &[u64]) -> u64 {
    use std::hash::Hasher;
    let mut h = siphasher::sip::SipHasher13::new();
    hashes.iter().for_each(|x| h.write_u64(*x));
    h.finish()
}

/// The content hash of a dataset: of its one file, the hash [`read`] gives it; of several, one hash of
/// their hashes in the order given (so the same files make the same batch whichever reader counts them).
pub fn content_hash(paths: &[std::path::PathBuf]) -> Result<u64> {
    match paths {
        [one] => hash_file(one),
        many => {
            let hashes = many
                .iter()
                .map(|p| hash_file(p))
                .collect::<Result<Vec<u64>>>()?;
            Ok(combine(&hashes))
        }
    }
}

/// The content hash of a file, read in the same fixed-size chunks as [`read_blocks`].
fn hash_file(path: &Path) -> Result<u64> {
    let mut file = File::open(path)
        .map_err(|e| RecordsError::Input(format!("{}: cannot open: {e}", path.display())))?;
    let mut hashes = Vec::new();
    let mut chunk = vec![0u8; CHUNK_BYTES];
    loop {
        let mut filled = 0;
        while filled < CHUNK_BYTES {
            let n = file
                .read(chunk.get_mut(filled..).unwrap_or_default())
                .map_err(|e| {
                    RecordsError::Input(format!("{}: cannot read: {e}", path.display()))
                })?;
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

/// Whether the file starts as plain UTF-8 (with or without a byte-order mark), so that its chunks can be read
/// in parallel; anything else is streamed through the decoder.
fn plain_utf8(path: &Path) -> Result<bool> {
    let file = File::open(path)
        .map_err(|e| RecordsError::Input(format!("{}: cannot open: {e}", path.display())))?;
    let mut prefix = Vec::with_capacity(64 << 10);
    file.take(64 << 10)
        .read_to_end(&mut prefix)
        .map_err(|e| RecordsError::Input(format!("{}: cannot read: {e}", path.display())))?;
    let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&prefix);
    let utf8 = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    Ok(utf8 && memchr::memchr(0, body).is_none())
}

/// Reads the subject (and sensitivity) columns of a Parquet file; `line` is the 1-based row number. Columns of
/// any type that casts to text work (strings, integers, booleans); nulls are empty values; nested struct
/// fields are named by dotted paths.
fn read_parquet(
    path: &Path,
    columns: &Columns,
    on_row: &mut dyn FnMut(Result<Record<'_>, BadRow>),
) -> Result<()> {
    let name = path.display().to_string();
    let mut table = ParquetTable::open(path)?;
    let subject = table.column(&columns.subject)?;
    let sensitive = columns
        .sensitive
        .as_deref()
        .map(|c| table.column(c))
        .transpose()?;
    let unreadable =
        |col: &str| RecordsError::Input(format!("{name}: column `{col}` cannot be read as text"));
    while let Some(batch) = table.next_batch()? {
        if !batch.readable(subject) {
            return Err(unreadable(&columns.subject));
        }
        if let Some(i) = sensitive
            && !batch.readable(i)
        {
            return Err(unreadable(columns.sensitive.as_deref().unwrap_or_default()));
        }
        for i in 0..batch.rows() {
            on_row(Ok(Record {
                line: batch.first_row() + i as u64,
                subject: batch.value(subject, i).unwrap_or_default(),
                sensitive: sensitive.map(|c| batch.value(c, i).unwrap_or_default()),
            }));
        }
    }
    Ok(())
}

/// A reader that hashes what passes through it in the same fixed-size chunks as [`read_blocks`].
struct HashingReader {
    inner: Box<dyn Read + Send>,
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

struct SharedReader(Arc<Mutex<HashingReader>>);

impl Read for SharedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut r = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("a reader thread failed"))?;
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

/// Why a parallel read stopped early.
enum Stop {
    /// A double quote: fields may span lines, so the file must be streamed.
    Quoted,
    /// The file could not be read.
    Io(std::io::Error),
}

/// Reads `len` bytes at `offset` into `buf` (replacing its contents), fewer only at the end of the file.
fn read_at(file: &File, offset: u64, len: usize, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    buf.clear();
    buf.resize(len, 0);
    let mut filled = 0;
    while filled < len {
        let n = file.read_at(
            buf.get_mut(filled..).unwrap_or_default(),
            offset + filled as u64,
        )?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    buf.truncate(filled);
    Ok(())
}

/// The header line (without its line break) and the offset of the first byte after it.
fn read_header(file: &File, size: u64) -> std::io::Result<(Vec<u8>, u64)> {
    let mut header = Vec::new();
    let mut block = Vec::new();
    let mut offset = 0;
    while offset < size {
        read_at(file, offset, 1 << 16, &mut block)?;
        if block.is_empty() {
            break;
        }
        if let Some(p) = memchr::memchr(b'\n', &block) {
            header.extend_from_slice(block.get(..p).unwrap_or_default());
            return Ok((trim_cr(&header).to_vec(), offset + p as u64 + 1));
        }
        header.extend_from_slice(&block);
        offset += block.len() as u64;
    }
    Ok((trim_cr(&header).to_vec(), size))
}

/// Reads an unquoted delimited file on all cores, in fixed-size chunks read with positioned reads into
/// buffers that are reused: memory stays bounded whatever the file size, and no chunk waits for another. A
/// chunk owns the lines that start inside it (the last may run on into the next chunk). Returns `None` when
/// the file holds a double quote, as fields may then span lines; the caller streams it instead. The content
/// hash is the file's only with `chunk` = [`CHUNK_BYTES`]; tests use small chunks to cross many boundaries.
fn read_blocks<T: Send>(
    path: &Path,
    delimiter: Option<u8>,
    columns: &Columns,
    chunk: u64,
    progress: &(impl Fn(u64) + Sync),
    sink: &Sink<
        '_,
        impl Fn() -> T + Sync,
        impl Fn(&mut T, Result<Record<'_>, BadRow>) + Sync,
        impl Fn(&mut T, u64) + Sync,
    >,
) -> Result<Option<Chunks<T>>> {
    use rayon::prelude::*;
    let name = path.display().to_string();
    let cannot_read = |e: std::io::Error| RecordsError::Input(format!("{name}: cannot read: {e}"));
    let file =
        File::open(path).map_err(|e| RecordsError::Input(format!("{name}: cannot open: {e}")))?;
    let size = file.metadata().map_err(cannot_read)?.len();
    let (header, body_start) = read_header(&file, size).map_err(cannot_read)?;
    if memchr::memchr(b'"', &header).is_some() {
        return Ok(None);
    }
    // A byte-order mark (as Excel writes UTF-8 CSV) is not part of the first column's name.
    let header = header.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&header);
    let delimiter = delimiter.unwrap_or_else(|| guess_delimiter(header));
    let headers: Vec<&[u8]> = header.split(|b| *b == delimiter).collect();
    let (subject, sensitive) = find_columns(&name, &headers, columns)?;
    let layout = Layout {
        delimiter,
        fields: headers.len(),
        subject,
        sensitive,
        columns,
    };
    let read = (0..size.div_ceil(chunk))
        .into_par_iter()
        .map_init(Vec::new, |buf, i| {
            let from = i * chunk;
            let to = (from + chunk).min(size);
            // One byte before the chunk tells whether a line starts at its first byte.
            let read_from = from.saturating_sub(1);
            read_at(&file, read_from, (to - read_from) as usize, buf).map_err(Stop::Io)?;
            let lead = (from - read_from) as usize;
            let hash = chunk_hash(buf.get(lead..).unwrap_or_default());
            let first = if i == 0 || buf.first() == Some(&b'\n') {
                lead
            } else {
                memchr::memchr(b'\n', buf.get(lead..).unwrap_or_default())
                    .map_or(buf.len(), |p| lead + p + 1)
            };
            let first =
                first.max(body_start.saturating_sub(read_from).min(buf.len() as u64) as usize);
            // The last line that starts here may end in a later chunk: read on to its line break.
            if first < buf.len() && buf.last() != Some(&b'\n') {
                let mut offset = read_from + buf.len() as u64;
                let mut more = Vec::new();
                while offset < size {
                    read_at(&file, offset, 1 << 16, &mut more).map_err(Stop::Io)?;
                    if more.is_empty() {
                        break;
                    }
                    if let Some(p) = memchr::memchr(b'\n', &more) {
                        buf.extend_from_slice(more.get(..=p).unwrap_or_default());
                        break;
                    }
                    buf.extend_from_slice(&more);
                    offset += more.len() as u64;
                }
            }
            let region = buf.get(first..).unwrap_or_default();
            if memchr::memchr(b'"', region).is_some() {
                return Err(Stop::Quoted);
            }
            let mut acc = (sink.make)();
            let lines = layout.parse(region, &mut |row| (sink.on_row)(&mut acc, row));
            progress(to - from);
            Ok((acc, hash, lines))
        })
        .collect::<Result<Vec<_>, Stop>>();
    let parts = match read {
        Ok(parts) => parts,
        Err(Stop::Quoted) => return Ok(None),
        Err(Stop::Io(e)) => return Err(cannot_read(e)),
    };
    // Line numbers so far count from each chunk's first line; the header is line 1.
    let mut before = 1;
    let mut hashes = Vec::with_capacity(parts.len());
    let mut accs = Vec::with_capacity(parts.len());
    for (mut acc, hash, lines) in parts {
        (sink.shift)(&mut acc, before);
        before += lines;
        hashes.push(hash);
        accs.push(acc);
    }
    Ok(Some(Chunks {
        parts: accs,
        content_hash: combine(&hashes),
    }))
}

/// Where the wanted columns are in an unquoted delimited file.
struct Layout<'a> {
    delimiter: u8,
    fields: usize,
    subject: usize,
    sensitive: Option<usize>,
    columns: &'a Columns,
}

impl Layout<'_> {
    /// Splits `region` (whole lines) into records, numbering lines from 1, in one pass over delimiters and
    /// line breaks; blank lines are skipped. Returns the number of lines.
    fn parse(&self, region: &[u8], on_row: &mut dyn FnMut(Result<Record<'_>, BadRow>)) -> u64 {
        let mut line = 0u64;
        let mut line_start = 0;
        let mut field = 0;
        let mut field_start = 0;
        let (mut subject, mut sensitive) = (&[][..], &[][..]);
        let ends = memchr::memchr2_iter(self.delimiter, b'\n', region)
            .map(Some)
            .chain((region.last() != Some(&b'\n') && !region.is_empty()).then_some(None));
        for end in ends {
            let pos = end.unwrap_or(region.len());
            let is_line_end = end.is_none() || region.get(pos) == Some(&b'\n');
            let value = region.get(field_start..pos).unwrap_or_default();
            let value = if is_line_end { trim_cr(value) } else { value };
            if field == self.subject {
                subject = value;
            }
            if Some(field) == self.sensitive {
                sensitive = value;
            }
            field += 1;
            field_start = pos + 1;
            if !is_line_end {
                continue;
            }
            line += 1;
            let raw = trim_cr(region.get(line_start..pos).unwrap_or_default());
            line_start = pos + 1;
            let count = std::mem::replace(&mut field, 0);
            if raw.is_empty() {
                continue;
            }
            on_row(self.record(line, count, subject, sensitive));
        }
        line
    }

    /// The record of one line with `count` fields.
    fn record<'b>(
        &self,
        line: u64,
        count: usize,
        subject: &'b [u8],
        sensitive: &'b [u8],
    ) -> Result<Record<'b>, BadRow> {
        if count != self.fields {
            return Err(BadRow {
                line,
                message: format!(
                    "expected {} fields like the header, found {count}",
                    self.fields
                ),
            });
        }
        let text = |v: &'b [u8], col: &str| {
            std::str::from_utf8(v).map_err(|_| BadRow {
                line,
                message: format!("column `{col}`: not valid UTF-8"),
            })
        };
        Ok(Record {
            line,
            subject: text(subject, &self.columns.subject)?,
            sensitive: match self.sensitive {
                Some(_) => Some(text(
                    sensitive,
                    self.columns.sensitive.as_deref().unwrap_or_default(),
                )?),
                None => None,
            },
        })
    }
}

/// The positions of the subject and sensitivity columns in a header row, or an error listing the header.
fn find_columns(
    name: &str,
    headers: &[&[u8]],
    columns: &Columns,
) -> Result<(usize, Option<usize>)> {
    let find = |col: &str| {
        let mut same = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| **h == col.as_bytes());
        if let (Some(_), Some((second, _))) = (same.next(), same.next()) {
            return Err(RecordsError::Input(format!(
                "{name}:1: the header names `{col}` more than once (again as column {}); which one holds the \
                 key is ambiguous: rename the duplicates",
                second + 1
            )));
        }
        headers
            .iter()
            .position(|h| *h == col.as_bytes())
            .ok_or_else(|| {
                let names: Vec<String> = headers
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).into_owned())
                    .collect();
                RecordsError::Input(format!(
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

/// Line numbers for the CSV parser, whose own are wrong after CRLF line ends and blank lines
/// (BurntSushi/rust-csv#395, #208), as are its record offsets, which may point into the line breaks before a
/// record. This reader notes, as bytes pass through it, where each non-blank line starts; a record's line is
/// that of the first non-blank line starting at or after the offset the parser gives.
struct LineStarts<R> {
    inner: R,
    /// Offset of the next byte read.
    offset: u64,
    /// Number of the line that starts after the next line break.
    next_line: u64,
    /// A line start whose first byte (or the byte after a first `\r`) has not been read yet: (offset, line).
    pending: Option<(u64, u64)>,
    starts: LineIndex,
    /// Bytes read so far, and the last of them that is not white space (whether the file ends with a
    /// closing quote).
    last: std::rc::Rc<std::cell::Cell<(u64, Option<u8>)>>,
}

/// Offsets and numbers of non-blank lines read ahead of the parser.
type LineIndex = std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<(u64, u64)>>>;

impl<R> LineStarts<R> {
    fn new(inner: R) -> (LineStarts<R>, LineCounter) {
        let starts = LineIndex::default();
        let last = std::rc::Rc::default();
        let reader = LineStarts {
            inner,
            offset: 0,
            next_line: 2,
            pending: Some((0, 1)),
            starts: starts.clone(),
            last: std::rc::Rc::clone(&last),
        };
        (reader, LineCounter { starts, last })
    }

    /// Whether the line starting at `start` holds content (`Some(Some(..))`) or is blank (`Some(None)`),
    /// judged from the bytes of `read`, which begins at `self.offset`; `None` when they are not read yet.
    fn classify(&self, (start, line): (u64, u64), read: &[u8]) -> Option<Option<(u64, u64)>> {
        let at = |o: u64| {
            o.checked_sub(self.offset)
                .and_then(|i| read.get(i as usize).copied())
        };
        match at(start)? {
            b'\n' => Some(None),
            b'\r' => match at(start + 1)? {
                b'\n' => Some(None),
                _ => Some(Some((start, line))),
            },
            _ => Some(Some((start, line))),
        }
    }
}

impl<R: Read> Read for LineStarts<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        let candidates = self
            .pending
            .take()
            .into_iter()
            .chain(memchr::memchr_iter(b'\n', read).map(|p| (self.offset + p as u64 + 1, 0)));
        let mut found = Vec::new();
        for (start, line) in candidates {
            let line = if line == 0 {
                self.next_line += 1;
                self.next_line - 1
            } else {
                line
            };
            match self.classify((start, line), read) {
                Some(Some(content)) => found.push(content),
                Some(None) => {}
                None => self.pending = Some((start, line)),
            }
        }
        self.starts.borrow_mut().extend(found);
        self.offset += n as u64;
        let last = read
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            .copied();
        self.last.set((self.offset, last.or(self.last.get().1)));
        Ok(n)
    }
}

/// Answers line numbers from a [`LineIndex`], and how the file ended.
struct LineCounter {
    starts: LineIndex,
    last: std::rc::Rc<std::cell::Cell<(u64, Option<u8>)>>,
}

/// A quoted field may hold line breaks (an address over three lines), but one spanning more lines than this
/// is taken for a quote that was never closed: the lines after it would be swallowed into one record, and
/// their individuals never counted.
pub const MAX_FIELD_LINES: usize = 100;

/// Refuses the record just read when it runs over more than [`MAX_FIELD_LINES`] lines, or over several
/// lines to the end of the file where the file does not end with a closing quote: either way a quote opened
/// on `line` was probably never closed. `consumed` is how far the parser has read.
fn refuse_unclosed_quote(
    name: &str,
    line: u64,
    record: &csv::ByteRecord,
    lines: &LineCounter,
    consumed: u64,
) -> Result<()> {
    let breaks = |f: &[u8]| memchr::memchr_iter(b'\n', f).count() as u64;
    // Blank lines after a record do not count: only the line breaks inside its fields.
    let spanned = 1 + record.iter().map(breaks).sum::<u64>();
    if spanned == 1 {
        return Ok(());
    }
    // An unclosed quote takes the rest of the file into the record's last field.
    let ends_open =
        record.iter().next_back().is_some_and(|f| breaks(f) > 0) && lines.ends_unquoted(consumed);
    if spanned <= MAX_FIELD_LINES as u64 && !ends_open {
        return Ok(());
    }
    let longest = record.iter().max_by_key(|f| f.len()).unwrap_or_default();
    let start = String::from_utf8_lossy(longest.get(..longest.len().min(200)).unwrap_or_default());
    let how = if ends_open {
        "runs to the end of the file without a closing quote".to_string()
    } else {
        format!("runs over {spanned} lines (more than {MAX_FIELD_LINES})")
    };
    Err(RecordsError::Input(format!(
        "{name}:{line}: the record that starts here ({}) {how}; a quote is probably not closed, and the \
         rows after it would be counted as one. Close or remove the quote; the batch was not read",
        crate::excerpt(start.lines().next().unwrap_or_default())
    )))
}

impl LineCounter {
    /// Whether the parser, having consumed `consumed` bytes, is at the end of everything read, and the file's
    /// last visible byte is not a closing quote.
    fn ends_unquoted(&self, consumed: u64) -> bool {
        let (read, last) = self.last.get();
        consumed >= read && last != Some(b'"')
    }

    /// The line of the record the parser places at `offset`; offsets must not decrease from call to call.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut starts = self.starts.borrow_mut();
        while starts.front().is_some_and(|(o, _)| *o < offset) {
            starts.pop_front();
        }
        starts.front().map_or(0, |(_, line)| *line)
    }
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
            let (reader, mut lines) = LineStarts::new(reader);
            let mut csv = csv::ReaderBuilder::new()
                .delimiter(delimiter.unwrap_or(b','))
                .flexible(false)
                .from_reader(reader);
            let headers = csv
                .byte_headers()
                .map_err(|e| {
                    RecordsError::Input(format!("{name}:1: cannot read the header row: {e}"))
                })?
                .clone();
            let names: Vec<&[u8]> = headers.iter().collect();
            let (subject, sensitive) = find_columns(&name, &names, columns)?;
            let mut record = csv::ByteRecord::new();
            loop {
                match csv.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
                        refuse_unclosed_quote(&name, line, &record, &lines, csv.position().byte())?;
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
                        let line = lines.line_at(e.position().map_or(0, |p| p.byte()));
                        // A quote opened in the wrong column makes a record of the wrong length that swallows
                        // the lines after it: refused whole, never skipped as one bad row.
                        refuse_unclosed_quote(&name, line, &record, &lines, csv.position().byte())?;
                        let message = match e.kind() {
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => {
                                format!(
                                    "expected {expected_len} fields like the header, found {len}"
                                )
                            }
                            csv::ErrorKind::Io(io) => {
                                return Err(RecordsError::Input(format!(
                                    "{name}:{line}: cannot read: {io}"
                                )));
                            }
                            _ => e.to_string(),
                        };
                        on_row(Err(BadRow { line, message }));
                    }
                }
            }
        }
        Format::Parquet => read_parquet(path, columns, on_row)?,
        Format::Text => {
            return Err(RecordsError::Input(format!(
                "{name}: plain text has no columns"
            )));
        }
        Format::JsonLines => {
            let mut lines = BufReader::with_capacity(1 << 16, reader);
            let mut buf = String::new();
            let mut line = 0u64;
            loop {
                buf.clear();
                let n = lines.read_line(&mut buf).map_err(|e| {
                    RecordsError::Input(format!("{name}:{}: cannot read: {e}", line + 1))
                })?;
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
                let text = |path: &str| json_text(&value, path);
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

/// The text at `path` in a JSON object, named as `chujing scan` names its cells: object keys joined by dots
/// (a key that itself holds a dot is matched whole), strings as they are, numbers as written, `null` as
/// empty, `true`/`false` as words. An array, an object or a missing field is an error naming the path.
pub fn json_text(value: &serde_json::Value, path: &str) -> Result<String, String> {
    let mut found = Vec::new();
    lookup(value, path, &mut found);
    let found = match found.as_slice() {
        [] => return Err(format!("no field `{path}`")),
        [one] => *one,
        _ => {
            return Err(format!(
                "`{path}` names {} fields (a key with a dot in it and a nested field); rename one",
                found.len()
            ));
        }
    };
    match found {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::Array(_) => Err(format!(
            "field `{path}` is a list; give the path of one value per record"
        )),
        serde_json::Value::Object(_) => Err(format!(
            "field `{path}` is an object; give the dotted path of a field inside it"
        )),
    }
}

/// Every value at a dotted path: each key of an object that is the path, or a dotted prefix of it, is
/// followed.
fn lookup<'v>(value: &'v serde_json::Value, path: &str, found: &mut Vec<&'v serde_json::Value>) {
    let Some(map) = value.as_object() else {
        return;
    };
    for (k, v) in map {
        if k == path {
            found.push(v);
        } else if let Some(rest) = path
            .strip_prefix(k.as_str())
            .and_then(|r| r.strip_prefix('.'))
        {
            lookup(v, rest, found);
        }
    }
}

/// Reads a sensitivity flag: yes/no, true/false, 1/0, 是/否 (case-insensitive); empty is no.
pub fn parse_flag(value: &str) -> Result<bool, String> {
    // This runs once per record: the usual spellings are matched as written, before allocating.
    flag_word(value)
        .or_else(|| flag_word(&value.trim().to_ascii_lowercase()))
        .ok_or_else(|| {
            format!(
                "`{}` is not a yes/no value (expected true/false, yes/no, 1/0 or 是/否)",
                crate::excerpt(value.trim())
            )
        })
}

/// The flag a lower-case word stands for.
fn flag_word(word: &str) -> Option<bool> {
    match word {
        "1" | "true" | "yes" | "y" | "t" | "是" => Some(true),
        "0" | "false" | "no" | "n" | "f" | "否" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a reader saw: each record's line and values, or a bad row's line.
    type Seen = Vec<(u64, Option<(String, Option<String>)>)>;

    fn columns() -> Columns {
        Columns {
            subject: "subject".into(),
            sensitive: Some("flag".into()),
        }
    }

    fn keep(acc: &mut Seen, row: Result<Record<'_>, BadRow>) {
        acc.push(match row {
            Ok(r) => (
                r.line,
                Some((r.subject.to_string(), r.sensitive.map(str::to_string))),
            ),
            Err(b) => (b.line, None),
        });
    }

    fn blocks(path: &Path, chunk: u64) -> Option<Seen> {
        let sink = Sink {
            make: &Seen::new,
            on_row: &keep,
            shift: &|acc: &mut Seen, n: u64| acc.iter_mut().for_each(|(line, _)| *line += n),
        };
        read_blocks(path, Some(b','), &columns(), chunk, &|_| {}, &sink)
            .unwrap()
            .map(|c| c.parts.into_iter().flatten().collect())
    }

    fn streamed(path: &Path) -> Seen {
        let mut seen = Seen::new();
        let file = File::open(path).unwrap();
        read_streaming(
            path,
            Box::new(file),
            Format::Delimited(Some(b',')),
            &columns(),
            &mut |row| keep(&mut seen, row),
        )
        .unwrap();
        seen
    }

    /// One line of a generated file: a good record, a short one, or a blank line.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => ("[0-9a-z]{0,12}", "[0-9]{1,20}", "yes|no").prop_map(|(r, s, f)| format!("{r},{s},{f}")),
            1 => "[0-9]{1,20}".prop_map(|s| format!("only,{s}")),
            1 => Just(String::new()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whatever the chunk size, the parallel reader sees exactly what the CSV parser sees, with the same
        /// line numbers: lines that cross chunk boundaries, headers longer than a chunk, CRLF, blank lines.
        #[test]
        fn blocks_match_the_csv_parser(
            lines in prop::collection::vec(line(), 0..60),
            crlf in any::<bool>(),
            final_break in any::<bool>(),
            chunk in 1u64..80,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("record,subject,flag{end}");
            text.push_str(&lines.join(end));
            if final_break && !lines.is_empty() {
                text.push_str(end);
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.csv");
            std::fs::write(&path, &text).unwrap();
            prop_assert_eq!(blocks(&path, chunk), Some(streamed(&path)));
        }
    }

    #[test]
    fn line_numbers_are_right_after_crlf_and_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let record =
            |line, subject: &str| (line, Some((subject.to_string(), Some("no".to_string()))));
        for text in [
            "record,subject,flag\r\na,1,no\r\n\r\nb,2,no",
            "record,subject,flag\na,1,no\n\nb,2,no\n",
        ] {
            std::fs::write(&path, text).unwrap();
            let expected = vec![record(2, "1"), record(4, "2")];
            assert_eq!(streamed(&path), expected, "{text:?}");
            assert_eq!(blocks(&path, 1000), Some(expected), "{text:?}");
        }
        // A quoted field over two lines: the next record is on line 4.
        std::fs::write(
            &path,
            "record,subject,flag\r\n\"a\r\nb\",1,no\r\nc,2,no\r\n",
        )
        .unwrap();
        assert_eq!(streamed(&path), vec![record(2, "1"), record(4, "2")]);
    }

    #[test]
    fn a_quote_anywhere_hands_the_file_to_the_streaming_parser() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.csv");
        let mut text = String::from("record,subject,flag\n");
        for i in 0..50 {
            text.push_str(&format!("r{i},{i},no\n"));
        }
        text.push_str("\"r,50\",50,no\n");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(blocks(&path, 16), None);
        // Through `read`, the quoted field is parsed whole, and the progress bar counts each byte once.
        let counted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let c = counted.clone();
        let chunks = read(
            &path,
            &columns(),
            move |n| {
                c.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            },
            Seen::new,
            keep,
            |_, _| {},
        )
        .unwrap();
        let seen: Seen = chunks.parts.into_iter().flatten().collect();
        assert_eq!(seen.len(), 51);
        assert_eq!(seen[50], (52, Some(("50".into(), Some("no".into())))));
        assert_eq!(
            counted.load(std::sync::atomic::Ordering::Relaxed),
            text.len() as u64
        );
    }

    #[test]
    fn the_content_hash_does_not_depend_on_the_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        let mut text = String::from("record,subject,flag\n");
        // More than two chunks, so that chunk order matters.
        let mut i = 0;
        while text.len() < 2 * CHUNK_BYTES + 1000 {
            text.push_str(&format!("r{i},{i},no\n"));
            i += 1;
        }
        std::fs::write(&path, &text).unwrap();
        let read_hash = read(&path, &columns(), |_| {}, Seen::new, keep, |_, _| {})
            .unwrap()
            .content_hash;
        assert_eq!(read_hash, hash_file(&path).unwrap());
        let gz = dir.path().join("h.csv.gz");
        let mut enc =
            flate2::write::GzEncoder::new(File::create(&gz).unwrap(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
        enc.finish().unwrap();
        let streamed_hash = read(&gz, &columns(), |_| {}, Seen::new, keep, |_, _| {})
            .unwrap()
            .content_hash;
        assert_eq!(read_hash, streamed_hash);
    }
}
