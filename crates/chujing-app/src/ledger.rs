//! The ledger's use cases: read a batch file into a batch, ingest it, the status as of a date, and the what-if
//! gate.

use std::path::PathBuf;

use chujing_law::{Date, RuleBook};
use chujing_ledger::{
    BatchIdentity, BatchMeta, BatchRef, FlowSettings, Insert, LedgerStore, ProcessorSettings,
    Status, StoredBatch, SubjectHasher, SubjectSet, evaluate, normalise,
};
use chujing_records::{BadRow, parse_flag};
use serde::Serialize;

use crate::error::{AppError, Result};

/// A batch file and what it is.
#[derive(Debug, Clone)]
pub struct BatchInput {
    /// The transfer records.
    pub file: PathBuf,
    /// The column (JSON Lines, Parquet: dotted path) holding the subject key.
    pub subject_column: String,
    /// A yes/no column saying whether the record carries sensitive PI.
    pub sensitive_column: Option<String>,
    /// Every record carries sensitive PI.
    pub all_sensitive: bool,
    /// The flow.
    pub flow: String,
    /// The transfer date.
    pub date: Date,
    /// The idempotency key (default: from the flow, date, options and contents).
    pub batch_id: Option<String>,
    /// The recipient.
    pub recipient: Option<String>,
    /// Categories of PI in the batch.
    pub categories: Vec<String>,
    /// Count and report malformed rows and empty keys instead of stopping at the first.
    pub skip_bad_rows: bool,
    /// Which reader counts it.
    pub reader: Reader,
}

/// Which reader counts a batch. Both give the same individuals, from the same normaliser and keyed hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Reader {
    /// chujing's own reader: one file (also compressed), every bad row named by its line.
    #[default]
    Native,
    /// Apache DataFusion on every core of this machine (builds with the `engine` feature): a file, a
    /// directory or a glob of CSV, TSV, JSON Lines or Parquet files, read as one batch. Bad rows are counted,
    /// not located: the native reader names their lines.
    DataFusion,
    /// The same plan on the Apache Ballista cluster whose scheduler is at this `HOST:PORT` (builds with the
    /// `ballista` feature; its executors are `chujing engine executor`, started with the ledger's key).
    Ballista(String),
}

impl std::str::FromStr for Reader {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Reader, String> {
        match s {
            "native" => Ok(Reader::Native),
            "datafusion" => Ok(Reader::DataFusion),
            other => match other.strip_prefix("ballista://") {
                Some(at) if at.contains(':') => Ok(Reader::Ballista(at.to_string())),
                _ => Err(format!(
                    "unknown engine `{other}` (expected `native`, `datafusion` or `ballista://HOST:PORT`)"
                )),
            },
        }
    }
}

/// What reading a batch file found.
#[derive(Debug, Clone, Serialize)]
pub struct ReadSummary {
    /// Records counted.
    pub records: u64,
    /// Rows skipped (with `skip_bad_rows`).
    pub skipped_rows: u64,
    /// The first 20 rows skipped, with why.
    pub bad_rows: Vec<BadRowOut>,
    /// Records whose subject key was good but whose sensitivity flag was unreadable (with `skip_bad_rows`):
    /// counted, and counted as sensitive, since the lighter reading could pick a lighter pathway.
    pub assumed_sensitive: u64,
    /// The first 20 of them, with why.
    pub assumed_sensitive_rows: Vec<BadRowOut>,
    /// Whether the rows above are named by their lines: the engine counts skipped and assumed rows without
    /// locating them (`bad_rows` and `assumed_sensitive_rows` are then empty).
    pub rows_located: bool,
}

/// A row that was skipped.
#[derive(Debug, Clone, Serialize)]
pub struct BadRowOut {
    /// 1-based line (Parquet: row).
    pub line: u64,
    /// What was wrong.
    pub message: String,
}

/// What one chunk of a batch file yields.
#[derive(Debug, Default)]
struct Accumulator {
    subjects: Vec<u128>,
    sensitive: Vec<u128>,
    records: u64,
    bad: Vec<BadRow>,
    assumed_sensitive: Vec<BadRow>,
    first_error: Option<BadRow>,
}

impl Accumulator {
    fn reject(&mut self, line: u64, message: String, skip: bool) {
        let row = BadRow { line, message };
        if skip {
            self.bad.push(row);
        } else if self.first_error.is_none() {
            self.first_error = Some(row);
        }
    }

    /// Counts one record.
    fn record(
        &mut self,
        input: &BatchInput,
        hasher: &SubjectHasher,
        r: chujing_records::Record<'_>,
    ) {
        let Some(key) = normalise(r.subject) else {
            let message = format!("column `{}`: empty subject key", input.subject_column);
            return self.reject(r.line, message, input.skip_bad_rows);
        };
        let is_sensitive = match r.sensitive.map(parse_flag) {
            None => input.all_sensitive,
            Some(Ok(flag)) => flag,
            Some(Err(message)) => {
                let col = input.sensitive_column.as_deref().unwrap_or_default();
                let message = format!("column `{col}`: {message}");
                if !input.skip_bad_rows {
                    return self.reject(r.line, message, false);
                }
                // The individual is real: count them, and as sensitive (the conservative reading).
                self.assumed_sensitive.push(BadRow {
                    line: r.line,
                    message,
                });
                true
            }
        };
        let h = hasher.hash(&key);
        self.subjects.push(h);
        if is_sensitive {
            self.sensitive.push(h);
        }
        self.records += 1;
    }
}

/// Reads a batch with the reader `input` names (not stored); `progress` is told how many bytes were read
/// (by the native reader; the engine reports none).
pub fn read_batch(
    input: &BatchInput,
    hasher: &SubjectHasher,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> Result<(StoredBatch, ReadSummary)> {
    match input.reader {
        Reader::Native => read_batch_natively(input, hasher, progress),
        Reader::DataFusion | Reader::Ballista(_) => crate::engine::read_batch(input, hasher),
    }
}

/// Reads, normalises and hashes a batch file into a batch (not stored); `progress` is told how many bytes of
/// the file were read.
fn read_batch_natively(
    input: &BatchInput,
    hasher: &SubjectHasher,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> Result<(StoredBatch, ReadSummary)> {
    let name = input.file.display().to_string();
    let columns = chujing_records::Columns {
        subject: input.subject_column.clone(),
        sensitive: input.sensitive_column.clone(),
    };
    let chunks = chujing_records::keys::read(
        &input.file,
        &columns,
        progress,
        Accumulator::default,
        |acc, row| {
            if acc.first_error.is_some() {
                return;
            }
            match row {
                Ok(r) => acc.record(input, hasher, r),
                Err(row) => acc.reject(row.line, row.message, input.skip_bad_rows),
            }
        },
        |acc, lines| {
            let later = |row: &mut BadRow| row.line += lines;
            acc.bad.iter_mut().for_each(later);
            acc.assumed_sensitive.iter_mut().for_each(later);
            acc.first_error.iter_mut().for_each(later);
        },
    )?;
    if let Some(row) = chunks
        .parts
        .iter()
        .filter_map(|p| p.first_error.as_ref())
        .min_by_key(|r| r.line)
    {
        return Err(AppError::Input(format!(
            "{name}:{}: {}; nothing was ingested (use --skip-bad-rows to count and skip such rows)",
            row.line, row.message
        )));
    }
    let records = chunks.parts.iter().map(|p| p.records).sum();
    let bad: Vec<BadRow> = chunks
        .parts
        .iter()
        .flat_map(|p| p.bad.iter().cloned())
        .collect();
    if records == 0 {
        let why = if bad.is_empty() {
            "the file holds no records (a header alone, or nothing)".to_string()
        } else {
            format!("every one of its {} rows was skipped as bad", bad.len())
        };
        return Err(empty_batch(&name, &why));
    }
    let assumed: Vec<BadRow> = chunks
        .parts
        .iter()
        .flat_map(|p| p.assumed_sensitive.iter().cloned())
        .collect();
    let (subjects, sensitive): (Vec<_>, Vec<_>) = chunks
        .parts
        .into_iter()
        .map(|p| (p.subjects, p.sensitive))
        .unzip();
    let (subjects, sensitive) = rayon::join(
        || SubjectSet::from_runs(subjects),
        || SubjectSet::from_runs(sensitive),
    );
    let first = |rows: &[BadRow]| -> Vec<BadRowOut> {
        rows.iter()
            .take(20)
            .map(|b| BadRowOut {
                line: b.line,
                message: b.message.clone(),
            })
            .collect()
    };
    let summary = ReadSummary {
        records,
        skipped_rows: bad.len() as u64,
        bad_rows: first(&bad),
        assumed_sensitive: assumed.len() as u64,
        assumed_sensitive_rows: first(&assumed),
        rows_located: true,
    };
    Ok(assemble(
        input,
        hasher,
        chunks.content_hash,
        subjects,
        sensitive,
        summary,
    ))
}

/// The refusal of a batch with no one in it.
pub(crate) fn empty_batch(name: &str, why: &str) -> AppError {
    AppError::Input(format!(
        "{name}: {why}; an empty batch is not stored, as it would count as a transfer of no one"
    ))
}

/// A batch from what a reader counted: its identity (from the flow, date, options and the input's content
/// hash) and its metadata. Every reader ends here, so that the same input makes the same batch.
pub(crate) fn assemble(
    input: &BatchInput,
    hasher: &SubjectHasher,
    content_hash: u64,
    subjects: SubjectSet,
    sensitive: SubjectSet,
    summary: ReadSummary,
) -> (StoredBatch, ReadSummary) {
    let fingerprint = BatchIdentity {
        flow: &input.flow,
        date: input.date,
        subject_column: &input.subject_column,
        sensitive_column: input.sensitive_column.as_deref(),
        all_sensitive: input.all_sensitive,
        content_hash,
    }
    .default_id();
    let meta = BatchMeta {
        batch_id: input
            .batch_id
            .clone()
            .unwrap_or_else(|| fingerprint.clone()),
        flow_id: input.flow.clone(),
        date: input.date,
        recipient: input.recipient.clone(),
        categories: input.categories.clone(),
        key_id: hasher.key_id().to_string(),
        records: summary.records,
        individuals: subjects.len(),
        sensitive_individuals: sensitive.len(),
        fingerprint,
    };
    (
        StoredBatch {
            meta,
            subjects,
            sensitive,
        },
        summary,
    )
}

/// What ingesting did.
#[derive(Debug, Clone)]
pub enum Ingested {
    /// The batch id was in the ledger already, for this same input: nothing changed.
    AlreadyPresent {
        /// The batch id.
        batch_id: String,
    },
    /// The batch was read; `inserted` says whether it was stored (false: a concurrent writer stored it first).
    Read {
        /// The batch as stored.
        meta: BatchMeta,
        /// What reading found.
        summary: Box<ReadSummary>,
        /// Whether this call stored it.
        inserted: bool,
    },
}

pub(crate) fn store_err<E: std::error::Error + Send + Sync + 'static>(
    what: &'static str,
) -> impl FnOnce(E) -> AppError {
    move |e| AppError::store(what, e)
}

/// Whether the ledger holds this batch already; a batch id it holds for a different input is refused.
async fn already_stored<S: LedgerStore>(store: &S, batch: &StoredBatch) -> Result<bool> {
    let Some(stored) = store
        .batch_meta(&batch.meta.batch_id)
        .await
        .map_err(store_err("cannot look up the batch"))?
    else {
        return Ok(false);
    };
    let same = if stored.fingerprint.is_empty() {
        // Stored before fingerprints were kept: only the people themselves can tell (rare, so the sets of
        // that one day are read).
        store
            .batches_between(stored.date, stored.date)
            .await
            .map_err(store_err("cannot read the batch"))?
            .iter()
            .any(|s| {
                s.meta.batch_id == stored.batch_id
                    && s.meta.flow_id == batch.meta.flow_id
                    && (&s.subjects, &s.sensitive) == (&batch.subjects, &batch.sensitive)
            })
    } else {
        stored.fingerprint == batch.meta.fingerprint
    };
    if same {
        Ok(true)
    } else {
        Err(different_input(&stored, &batch.meta))
    }
}

/// Reads `input` and stores it as one batch, all or nothing; the same batch id is counted once.
pub async fn ingest<S: LedgerStore + Sync>(
    store: &S,
    hasher: &SubjectHasher,
    input: &BatchInput,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> Result<Ingested> {
    // Even with a batch id given, the input is read: the id must stand for this input, not another one.
    let (batch, summary) = read_batch(input, hasher, progress)?;
    fail::fail_point!("app::ingest::after-parse");
    if already_stored(store, &batch).await? {
        return Ok(Ingested::AlreadyPresent {
            batch_id: batch.meta.batch_id,
        });
    }
    let inserted = store
        .insert_batch(&batch)
        .await
        .map_err(store_err("cannot store the batch"))?;
    Ok(Ingested::Read {
        meta: batch.meta,
        summary: Box::new(summary),
        inserted: inserted == Insert::Inserted,
    })
}

/// The refusal of a batch id that the ledger holds for a different input (another file, flow, date or
/// options): taking it for the same batch would leave the new input's individuals uncounted.
fn different_input(stored: &BatchMeta, new: &BatchMeta) -> AppError {
    let describe = |m: &BatchMeta| {
        format!(
            "flow `{}`, dated {}, {} records, input fingerprint {}",
            m.flow_id,
            m.date,
            m.records,
            if m.fingerprint.is_empty() {
                "not recorded"
            } else {
                &m.fingerprint
            }
        )
    };
    AppError::Input(format!(
        "batch id `{}` is already in the ledger for a different input.\n  in the ledger: {}\n  this input:    {}\n\
         Nothing was ingested. Give this input its own --batch-id, or leave --batch-id out to derive one from it.",
        new.batch_id,
        describe(stored),
        describe(new)
    ))
}

/// What counting as of a date needs: the processor, the flows' settings and the batches of the window in
/// force on `as_of`.
#[derive(Debug, Clone)]
pub struct LedgerView {
    /// The processor.
    pub processor: ProcessorSettings,
    /// Whether the processor's facts were recorded (`chujing processor set`); when not, the defaults — not a
    /// CIIO, located in China — are assumed, and the output says so.
    pub processor_recorded: bool,
    /// Every flow's settings.
    pub flows: Vec<FlowSettings>,
    /// The batches dated in the window.
    pub batches: Vec<StoredBatch>,
}

impl LedgerView {
    /// Loads what counting as of `as_of` needs.
    pub async fn load<S: LedgerStore>(
        book: &RuleBook,
        store: &S,
        as_of: Date,
    ) -> Result<LedgerView> {
        let regime = book.regime_at(as_of)?;
        let from = regime.window_start(as_of).unwrap_or(as_of);
        let processor = store
            .processor()
            .await
            .map_err(store_err("cannot read the processor"))?;
        Ok(LedgerView {
            processor_recorded: processor.is_some(),
            processor: processor.unwrap_or_default(),
            flows: store
                .flows()
                .await
                .map_err(store_err("cannot read the flows"))?,
            batches: store
                .batches_between(from, as_of)
                .await
                .map_err(store_err("cannot read the batches"))?,
        })
    }

    /// The processor's facts as recorded, `None` when they never were.
    pub fn recorded_processor(&self) -> Option<&ProcessorSettings> {
        self.processor_recorded.then_some(&self.processor)
    }

    /// The status as of `as_of` over these batches and `extra` (for what-if).
    pub fn status(
        &self,
        book: &RuleBook,
        as_of: Date,
        extra: Option<&StoredBatch>,
        alert_share: f64,
    ) -> Result<Status> {
        let refs: Vec<BatchRef<'_>> = self
            .batches
            .iter()
            .chain(extra)
            .map(StoredBatch::as_batch_ref)
            .collect();
        Ok(evaluate(
            book,
            as_of,
            &self.processor,
            &self.flows,
            &refs,
            alert_share,
        )?)
    }
}

/// The share of a threshold at which the status alerts, unless the user says otherwise.
pub const DEFAULT_ALERT_SHARE: f64 = 0.8;

/// The ledger as of `as_of`, alerting at `alert_share` of each threshold.
pub async fn status<S: LedgerStore>(
    book: &RuleBook,
    store: &S,
    as_of: Date,
    alert_share: f64,
) -> Result<(LedgerView, Status)> {
    if !(0.0..=1.0).contains(&alert_share) {
        return Err(AppError::Input(format!(
            "--alert-share {alert_share} is not a share between 0 and 1"
        )));
    }
    let view = LedgerView::load(book, store, as_of).await?;
    let status = view.status(book, as_of, None, alert_share)?;
    Ok((view, status))
}

/// The what-if gate's answer: the ledger before and after the batch, on its date.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The batch id.
    pub batch_id: String,
    /// Whether it is in the ledger already (then it changes nothing).
    pub already_ingested: bool,
    /// Before.
    pub before: Status,
    /// After.
    pub after: Status,
    /// Whether the batch's flow would need a mechanism not recorded as in force.
    pub mechanism_missing: bool,
}

/// Would this batch change the pathway? Reads it and counts the ledger with and without it; stores nothing.
pub async fn check<S: LedgerStore>(
    book: &RuleBook,
    store: &S,
    hasher: &SubjectHasher,
    input: &BatchInput,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> Result<Checked> {
    let as_of = input.date;
    let view = LedgerView::load(book, store, as_of).await?;
    // The gate never decides on assumed facts: a CIIO taken for a non-CIIO would pass a batch that needs a
    // security assessment (PIPL Art. 40).
    let missing = crate::settings::missing_facts(book, as_of, view.recorded_processor())?;
    if !missing.is_empty() {
        return Err(AppError::FactsMissing(missing));
    }
    let (batch, _) = read_batch(input, hasher, progress)?;
    let already = already_stored(store, &batch).await?;
    let before = view.status(book, as_of, None, DEFAULT_ALERT_SHARE)?;
    let after = view.status(
        book,
        as_of,
        (!already).then_some(&batch),
        DEFAULT_ALERT_SHARE,
    )?;
    let mechanism_missing = after.flow(&input.flow).is_some_and(|f| !f.satisfied);
    Ok(Checked {
        batch_id: batch.meta.batch_id,
        already_ingested: already,
        before,
        after,
        mechanism_missing,
    })
}

/// Takes the batch `batch_id` out of the ledger, recording `reason` and the time `now` (RFC 3339) with what
/// the batch was: a wrong batch can be undone, never silently.
pub async fn remove<S: LedgerStore>(
    store: &S,
    batch_id: &str,
    reason: &str,
    now: &str,
) -> Result<chujing_ledger::Removal> {
    if reason.trim().is_empty() {
        return Err(AppError::Input(
            "say why the batch is removed (--reason): it is kept in the ledger's record of removals".into(),
        ));
    }
    store
        .remove_batch(batch_id, reason.trim(), now)
        .await
        .map_err(store_err("cannot remove the batch"))?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no batch `{batch_id}` in the ledger (`chujing ledger batches` lists them)"
            ))
        })
}

/// Every batch, oldest first, and every removal.
pub async fn batches<S: LedgerStore>(
    store: &S,
) -> Result<(Vec<chujing_ledger::BatchMeta>, Vec<chujing_ledger::Removal>)> {
    let metas = store
        .batch_metas()
        .await
        .map_err(store_err("cannot read the batches"))?;
    let removals = store
        .removals()
        .await
        .map_err(store_err("cannot read the removals"))?;
    Ok((metas, removals))
}
