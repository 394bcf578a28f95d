//! `--engine datafusion`: a batch counted by Apache DataFusion on every core (chujing-engine), with the native
//! reader's normaliser and keyed hash, and stored exactly as a natively read batch; a dataset scanned for
//! personal information by the native scanner on the engine's partitions.

use chujing_ledger::{StoredBatch, SubjectHasher};

use crate::error::{AppError, Result};
use crate::ledger::{BatchInput, ReadSummary};

/// Counts `input` (a file, a directory or a glob) on DataFusion. Empty keys and unreadable sensitivity flags
/// are refused unless `skip_bad_rows`, as natively; they are counted, not located.
#[cfg(feature = "engine")]
pub(crate) fn read_batch(
    input: &BatchInput,
    hasher: &SubjectHasher,
) -> Result<(StoredBatch, ReadSummary)> {
    let location = input.file.display().to_string();
    let request = chujing_engine::CountRequest {
        dataset: location.clone(),
        subject_column: input.subject_column.clone(),
        sensitive_column: input.sensitive_column.clone(),
        all_sensitive: input.all_sensitive,
    };
    let counted = match &input.reader {
        crate::ledger::Reader::Ballista(scheduler) => on_cluster(scheduler, hasher, &request)?,
        _ => chujing_engine::count(hasher, &request).map_err(engine_error(INGESTED))?,
    };
    let refuse = |n: u64, what: String| {
        AppError::Input(format!(
            "{location}: {n} record(s) {what}; nothing was ingested (--skip-bad-rows counts them as the native \
             reader does; the native reader, without --engine, names their lines)"
        ))
    };
    if counted.empty_keys > 0 && !input.skip_bad_rows {
        let what = format!(
            "have an empty subject key in column `{}`",
            input.subject_column
        );
        return Err(refuse(counted.empty_keys, what));
    }
    if counted.unreadable_flags > 0 && !input.skip_bad_rows {
        let column = input.sensitive_column.as_deref().unwrap_or_default();
        let what = format!("have a sensitivity flag in column `{column}` that is not yes/no");
        return Err(refuse(counted.unreadable_flags, what));
    }
    if counted.records == 0 {
        let why = format!(
            "none of its {} record(s) has a subject key",
            counted.empty_keys
        );
        return Err(crate::ledger::empty_batch(&location, &why));
    }
    let paths: Vec<_> = counted.files.iter().map(|f| f.local_path.clone()).collect();
    let content_hash = chujing_records::keys::content_hash(&paths)?;
    let summary = ReadSummary {
        records: counted.records,
        skipped_rows: counted.empty_keys,
        bad_rows: Vec::new(),
        assumed_sensitive: counted.unreadable_flags,
        assumed_sensitive_rows: Vec::new(),
        rows_located: false,
    };
    Ok(crate::ledger::assemble(
        input,
        hasher,
        content_hash,
        counted.subjects,
        counted.sensitive,
        summary,
    ))
}

/// Counts on a Ballista cluster.
#[cfg(all(feature = "engine", feature = "ballista"))]
fn on_cluster(
    scheduler: &str,
    hasher: &SubjectHasher,
    request: &chujing_engine::CountRequest,
) -> Result<chujing_engine::BatchCount> {
    chujing_engine::cluster::count(scheduler, hasher, request).map_err(engine_error(INGESTED))
}

/// This build has no Ballista client: say how to get one.
#[cfg(all(feature = "engine", not(feature = "ballista")))]
fn on_cluster(
    _: &str,
    _: &SubjectHasher,
    _: &chujing_engine::CountRequest,
) -> Result<chujing_engine::BatchCount> {
    Err(no_ballista())
}

/// The refusal of a cluster command in a build without Ballista.
#[cfg(not(feature = "ballista"))]
fn no_ballista() -> AppError {
    AppError::Input(
        "this build of chujing has no Ballista client or workers: build it with `--features ballista`, or use \
         `--engine datafusion` on one machine"
            .into(),
    )
}

/// What a failed count leaves: nothing stored.
#[cfg(feature = "engine")]
const INGESTED: &str = "nothing was ingested";

/// The engine's refusal of its input (a missing column, a malformed file) is the user's to fix; a failure
/// of the engine itself is not. `left` says what the failure left (`nothing was ingested`).
#[cfg(feature = "engine")]
fn engine_error(left: &'static str) -> impl Fn(chujing_engine::EngineError) -> AppError {
    move |e| engine_error_leaving(e, left)
}

#[cfg(feature = "engine")]
fn engine_error_leaving(e: chujing_engine::EngineError, left: &str) -> AppError {
    use chujing_engine::EngineError;
    match e {
        EngineError::Input(_) | EngineError::Engine { .. } => AppError::Input(e.to_string()),
        EngineError::Cluster(m) => AppError::Io {
            context: format!("the Ballista cluster failed; {left}"),
            source: std::io::Error::other(m),
        },
        EngineError::Runtime(source) => AppError::Io {
            context: "cannot start the engine".into(),
            source,
        },
        EngineError::Ledger(e) => AppError::Ledger(e),
    }
}

/// This build has no engine: say how to get one.
#[cfg(not(feature = "engine"))]
pub(crate) fn read_batch(_: &BatchInput, _: &SubjectHasher) -> Result<(StoredBatch, ReadSummary)> {
    Err(no_engine())
}

/// The refusal of `--engine` in a build without DataFusion.
#[cfg(not(feature = "engine"))]
fn no_engine() -> AppError {
    AppError::Input(
        "this build of chujing has no DataFusion engine: build it with `--features engine` (cargo install \
         --path crates/chujing --features engine), or leave out --engine to use the native reader"
            .into(),
    )
}

/// Where a scheduler listens (`chujing engine scheduler`).
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// The address of its gRPC service.
    pub bind: std::net::SocketAddr,
    /// An executor silent this long is taken for lost.
    pub executor_timeout_seconds: Option<u64>,
}

/// Where an executor listens and which scheduler it serves (`chujing engine executor`).
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's address.
    pub scheduler: std::net::SocketAddr,
    /// Its Arrow Flight address (shuffle data).
    pub bind: std::net::SocketAddr,
    /// Its gRPC port (tasks).
    pub grpc_port: u16,
    /// Where it keeps shuffle files.
    pub work_dir: std::path::PathBuf,
    /// Tasks at once (default: the cores).
    pub concurrency: Option<usize>,
    /// Seconds between heartbeats.
    pub heartbeat_seconds: Option<u64>,
}

/// Runs a Ballista scheduler carrying chujing's functions until the process stops.
pub fn run_scheduler(hasher: &SubjectHasher, options: &SchedulerOptions) -> Result<()> {
    #[cfg(feature = "ballista")]
    {
        let options = chujing_engine::cluster::SchedulerOptions {
            bind: options.bind,
            executor_timeout_seconds: options.executor_timeout_seconds,
        };
        chujing_engine::cluster::run_scheduler(hasher, &options).map_err(engine_error("it stopped"))
    }
    #[cfg(not(feature = "ballista"))]
    {
        let _ = (hasher, options);
        Err(no_ballista())
    }
}

/// Runs a Ballista executor carrying chujing's functions, hashing under `hasher`'s key, until it stops.
pub fn run_executor(hasher: &SubjectHasher, options: &ExecutorOptions) -> Result<()> {
    #[cfg(feature = "ballista")]
    {
        let options = chujing_engine::cluster::ExecutorOptions {
            scheduler: options.scheduler,
            bind: options.bind,
            grpc_port: options.grpc_port,
            work_dir: options.work_dir.clone(),
            concurrency: options.concurrency,
            heartbeat_seconds: options.heartbeat_seconds,
        };
        chujing_engine::cluster::run_executor(hasher, &options).map_err(engine_error("it stopped"))
    }
    #[cfg(not(feature = "ballista"))]
    {
        let _ = (hasher, options);
        Err(no_ballista())
    }
}

/// Scans the dataset at `location` (a file, a directory or a glob of one format) on `reader`'s engine as one
/// table: one report for all its files, with the native scanner's findings and individuals for their rows
/// together (the native scan reports each file alone).
pub fn scan_dataset(
    reader: &crate::ledger::Reader,
    location: &str,
    subject_column: Option<String>,
    today: chujing_law::Date,
) -> Result<crate::scan::FileOut> {
    #[cfg(feature = "engine")]
    {
        let request = chujing_engine::ScanRequest {
            dataset: location.to_string(),
            subject_column,
            today: today.to_jiff(),
        };
        let scanned = match reader {
            crate::ledger::Reader::Ballista(scheduler) => scan_on_cluster(scheduler, &request)?,
            _ => chujing_engine::scan(&request).map_err(engine_error(SCANNED))?,
        };
        Ok(file_out(location, scanned))
    }
    #[cfg(not(feature = "engine"))]
    {
        let _ = (reader, location, subject_column, today);
        Err(no_engine())
    }
}

/// What a failed scan leaves: no report.
#[cfg(feature = "engine")]
const SCANNED: &str = "nothing was scanned";

/// The engine's scan as the native scan's report of one input.
#[cfg(feature = "engine")]
fn file_out(location: &str, scanned: chujing_engine::DatasetScan) -> crate::scan::FileOut {
    use chujing_engine::DatasetFormat;
    let (format, encoding) = match scanned.format {
        DatasetFormat::Csv => ("csv", "utf-8"),
        DatasetFormat::Tsv => ("tsv", "utf-8"),
        DatasetFormat::JsonLines => ("jsonl", "utf-8"),
        DatasetFormat::Parquet => ("parquet", "parquet"),
    };
    crate::scan::FileOut {
        path: location.to_string(),
        table: Some(chujing_scan::TableReport {
            format: format.into(),
            encoding: encoding.into(),
            rows: scanned.rows,
            sampled: false,
            columns: scanned.columns,
            individuals: scanned.individuals,
            warnings: Vec::new(),
        }),
        skipped: None,
        unreadable: false,
        dataset_files: scanned
            .files
            .iter()
            .map(|f| f.local_path.display().to_string())
            .collect(),
    }
}

/// Scans on a Ballista cluster.
#[cfg(all(feature = "engine", feature = "ballista"))]
fn scan_on_cluster(
    scheduler: &str,
    request: &chujing_engine::ScanRequest,
) -> Result<chujing_engine::DatasetScan> {
    chujing_engine::cluster::scan(scheduler, request).map_err(engine_error(SCANNED))
}

/// This build has no Ballista client: say how to get one.
#[cfg(all(feature = "engine", not(feature = "ballista")))]
fn scan_on_cluster(
    _: &str,
    _: &chujing_engine::ScanRequest,
) -> Result<chujing_engine::DatasetScan> {
    Err(no_ballista())
}
