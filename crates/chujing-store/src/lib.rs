//! Persistence for chujing: SQLite (the embedded default, a file, no server) and PostgreSQL (for several
//! nodes), with migrations compiled in.
//!
//! Both backends run the same runtime SQL (`$1` placeholders work in both) against their own migrations, and
//! the same conformance test. Subject sets are stored as blobs of sorted 16-byte hashes, split into parts of at
//! most [`PART_HASHES`] so that a batch of any size fits the databases' value limits; a batch and its parts are
//! written in one transaction, so a crash leaves a batch wholly stored or absent.

#![deny(missing_docs)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chujing_law::Date;
use chujing_ledger::{
    BatchMeta, FlowSettings, Insert, LedgerStore, ProcessorSettings, Removal, SetBuilder,
    StoredBatch,
};
use sqlx::Connection;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// The most hashes stored in one part: just under 1 MiB, so that a part fills whole 64 KiB pages. Small parts
/// are much faster to write than one large blob: SQLite copies a bound blob several times into fresh memory,
/// and 1 MiB buffers are reused where 64 MiB ones are page-faulted in each time (ingest of 1.8 M individuals:
/// 85 ms to write in 64 MiB parts, 31 ms in 1 MiB parts).
pub const PART_HASHES: usize = 65_500;

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL is not one chujing understands.
    #[error(
        "unsupported database URL `{0}`: expected sqlite://PATH or postgres://USER@HOST[:PORT]/DB"
    )]
    Url(String),
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database cannot be written: the file, its directory or its file system is read-only, or the
    /// server is a read-only replica. The write was refused whole.
    #[error(
        "the database is read-only ({0}): nothing was written; make the database file and its directory \
         writable by this user (or point --db at a primary server) and run the command again"
    )]
    ReadOnly(String),
    /// The disk holding the database is full. The write was rolled back whole.
    #[error(
        "the disk holding the database is full ({0}): nothing of this write was recorded; free space on \
         that disk and run the command again"
    )]
    DiskFull(String),
    /// The operating system failed to read or write the database's files (an I/O error, a file that cannot
    /// be opened). The write was refused whole.
    #[error(
        "the database's files could not be read or written ({0}): nothing of this write was recorded; check \
         the disk and the files' permissions, then run the command again"
    )]
    Io(String),
    /// Another writer held the database for longer than the store waits (30 s). Nothing was written.
    #[error("the database is busy ({0}): nothing was written; run the command again")]
    Busy(String),
    /// Migrating the schema failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data does not read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database server did not answer.
    #[error("the database server did not answer: {0}")]
    Unreachable(String),
    /// A figure does not fit the database's columns.
    #[error("cannot store: {0}")]
    Range(String),
    /// A write based on a stale read, or a record that already exists.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A page asked for with a cursor no page gave, or a limit out of range.
    #[error("{0}")]
    Page(String),
}

impl StoreError {
    /// Whether the failure is the database being unavailable for now (unreachable, restarting, out of
    /// connections, disk full, read-only) rather than a wrong request or corrupt data: the same request may
    /// succeed later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Unreachable(_)
            | StoreError::ReadOnly(_)
            | StoreError::DiskFull(_)
            | StoreError::Io(_)
            | StoreError::Busy(_) => true,
            StoreError::Database(e) => match e {
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
                // PostgreSQL: connection exceptions (class 08) and the server shutting down or starting.
                sqlx::Error::Database(d) => d.code().is_some_and(|c| {
                    c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
                }),
                _ => false,
            },
            _ => false,
        }
    }
}

impl StoreError {
    /// Why the database is unavailable, in a few words for an answer that cannot carry the database's own
    /// message: `None` when it is not unavailable.
    pub fn unavailable_reason(&self) -> Option<&'static str> {
        match self {
            StoreError::ReadOnly(_) => {
                Some("it cannot be written: the file or its file system is read-only")
            }
            StoreError::DiskFull(_) => Some("the disk holding it is full"),
            StoreError::Io(_) => Some("its files could not be read or written"),
            StoreError::Busy(_) => Some("it is busy with other writes"),
            StoreError::Unreachable(_) => Some("its server does not answer"),
            e if e.is_unavailable() => Some("its server is restarting or out of connections"),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    /// Names the failures of the machine rather than of the request: a read-only database, a full disk, an
    /// I/O error and a database busy for too long (SQLite result codes 8, 13, 10 and 14, 5 and 6 with their
    /// extended forms; PostgreSQL SQLSTATE 25006, 53100 and class 58).
    fn from(e: sqlx::Error) -> StoreError {
        let named: Option<fn(String) -> StoreError> = match &e {
            sqlx::Error::Database(d) => {
                let code = d.code().unwrap_or_default();
                if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                    // The primary result code is the low byte of the extended one.
                    match code.parse::<i64>().map(|c| c & 0xff) {
                        Ok(8) => Some(StoreError::ReadOnly),
                        Ok(13) => Some(StoreError::DiskFull),
                        Ok(10 | 14) => Some(StoreError::Io),
                        Ok(5 | 6) => Some(StoreError::Busy),
                        _ => None,
                    }
                } else {
                    match code.as_ref() {
                        "25006" => Some(StoreError::ReadOnly),
                        "53100" => Some(StoreError::DiskFull),
                        c if c.starts_with("58") => Some(StoreError::Io),
                        _ => None,
                    }
                }
            }
            _ => None,
        };
        match named {
            Some(variant) => variant(e.to_string()),
            None => StoreError::Database(e),
        }
    }
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection pool to the ledger database.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    part_hashes: usize,
    /// Whose ledger this handle reads and writes: `""` is the command line's single processor.
    processor: String,
    /// This process's commits and its last read of the change number, shared by every clone.
    watch: Arc<changes::Watch>,
    /// How old a read of the change number [`Store::recent_changes`] may reuse.
    staleness: Duration,
}

/// Runs `$body` with `$pool` bound to whichever pool the store has: the same code, compiled per backend.
macro_rules! on_pool {
    ($self:expr, $pool:ident => $body:expr) => {
        match &$self.backend {
            crate::Backend::Sqlite($pool) => $body,
            crate::Backend::Postgres($pool) => $body,
        }
    };
}

/// Adds one to the database's change number inside the transaction `$tx` (see [`changes`]).
macro_rules! bump_changes {
    ($tx:expr) => {
        sqlx::query("UPDATE audit_head SET changes = changes + 1 WHERE id = 1")
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use bump_changes;

pub mod changes;
mod migrations;
pub mod page;
pub mod records;
mod tx;

/// A count as the databases store it (signed 64-bit); a count that does not fit is refused, never clamped.
fn to_i64(n: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(n)
        .map_err(|_| StoreError::Range(format!("{what} {n} does not fit a 64-bit signed column")))
}

/// A stored count; a negative one is corruption, never read as 0.
fn to_u64(n: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} is {n}, below zero")))
}

/// `url` with its password replaced by `***`: what every message shows of a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = url.get(s + 3..at).unwrap_or_default();
            match userinfo.split_once(':') {
                Some((user, _)) => format!(
                    "{}{user}:***{}",
                    url.get(..s + 3).unwrap_or_default(),
                    url.get(at..).unwrap_or_default()
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// How long opening a PostgreSQL ledger waits for the server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Migrates a SQLite ledger. SQLite has no lock around sqlx's migrations: two processes opening a new ledger
/// at once can both decide to apply a migration, and the second fails on what the first created. Each
/// migration is one transaction, so the failed one left nothing behind; running again finds it applied.
async fn migrate_sqlite(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        match migrations::sqlite().run(pool).await {
            Ok(()) => return Ok(()),
            Err(_) if attempt < 4 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A new connection keeps the write-ahead log where the file has one; otherwise it journals into a rollback
/// journal truncated after each commit (the rollback journal mode is a connection's, not the file's).
async fn journal_as_found(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await?;
    if !mode.eq_ignore_ascii_case("wal") {
        sqlx::query("PRAGMA journal_mode = TRUNCATE")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether opening a SQLite ledger may create it. Commands that only read never do: an empty ledger made by
/// a typo in a path would report zero individuals as if counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// Create the file if it does not exist (commands that record).
    IfMissing,
    /// Fail if it does not exist (commands that only read).
    Never,
}

/// How a SQLite database journals its writes (no effect on PostgreSQL). Either way with FULL sync: a write
/// acknowledged survives a crash of the process or the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Journal {
    /// The command line's: a write-ahead log where the file already keeps one (a service's database, which
    /// a command must not switch while the service runs), else a rollback journal, which writes a large
    /// batch's pages once where the log writes them twice — into the log, then at the checkpoint (2.6 times
    /// the time for 50 MB of sets; docs/benchmarks.md).
    AsFound,
    /// The service's: a write-ahead log. Readers never wait for a writer, and a write that fails (a file
    /// made unwritable, a full disk) leaves the database readable: with a rollback journal, a COMMIT that
    /// failed after its journal was written leaves a hot journal that every reader must first roll back,
    /// which it cannot while the file is unwritable.
    WriteAhead,
}

impl Store {
    /// Connects to `url` (`sqlite://PATH`, created if missing, or `postgres://…`) and migrates the schema.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::open(url, Create::IfMissing).await
    }

    /// Connects to `url` and migrates the schema; a SQLite file is created only with [`Create::IfMissing`].
    pub async fn open(url: &str, create: Create) -> Result<Store, StoreError> {
        Store::open_with(url, create, Journal::AsFound).await
    }

    /// [`Store::open`] with the journal `journal`.
    pub async fn open_with(
        url: &str,
        create: Create,
        journal: Journal,
    ) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            let mut options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(create == Create::IfMissing)
                // Large pages: subject sets are big blobs, stored in far fewer overflow pages.
                .page_size(65536)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30));
            if journal == Journal::WriteAhead {
                // A checkpoint every 64 pages (4 MiB, SQLite's default in bytes: its 1,000 pages assume
                // 4 KiB ones), and the log cut back to 16 MiB after one: with 64 KiB pages the default
                // would let the log grow to 64 MiB of small writes before copying them into the file.
                options = options
                    .journal_mode(SqliteJournalMode::Wal)
                    .pragma("wal_autocheckpoint", "64")
                    .pragma("journal_size_limit", "16777216");
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .after_connect(|conn, _| Box::pin(async move { journal_as_found(conn).await }))
                .connect_with(options)
                .await?;
            migrate_sqlite(&pool).await?;
            Backend::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            // One connection first, so that an unreachable server is reported at once with the system's
            // reason (the pool would retry for its whole acquire timeout and then say only "timed out").
            tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
                .await
                .map_err(|_| {
                    StoreError::Unreachable(format!(
                        "no answer within {} s",
                        CONNECT_TIMEOUT.as_secs()
                    ))
                })??
                .close()
                .await?;
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_with(options)
                .await?;
            // PostgreSQL migrations hold an advisory lock: concurrent first uses wait for each other.
            migrations::postgres().run(&pool).await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::Url(redact_url(url)));
        };
        Ok(Store {
            backend,
            part_hashes: PART_HASHES,
            processor: String::new(),
            watch: Arc::default(),
            staleness: Duration::ZERO,
        })
    }

    /// Stores subject sets in parts of at most `n` hashes (tests use small parts).
    pub fn with_part_hashes(mut self, n: usize) -> Store {
        self.part_hashes = n.max(1);
        self
    }

    /// The same database, as the ledger of processor `org` (the certification service's organisations; the
    /// command line's ledger is the processor `""`). Batch and flow ids are unique per processor.
    pub fn for_processor(&self, org: &str) -> Store {
        Store {
            processor: org.to_string(),
            ..self.clone()
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// A setting, if present.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = on_pool!(self, pool => sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<String, _>("value"))
            .transpose()?);
        Ok(row)
    }

    /// Stores a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        w.set_setting(key, value).await?;
        w.commit().await
    }

    /// How many parts a stored batch's sets were split into (0 when the batch is absent).
    pub async fn part_count(&self, batch_id: &str) -> Result<i64, StoreError> {
        Ok(
            on_pool!(self, pool => sqlx::query("SELECT COUNT(*) AS n FROM batch_parts WHERE processor = $1 AND batch_id = $2")
            .bind(&self.processor)
            .bind(batch_id)
            .fetch_one(pool)
            .await?
            .try_get::<i64, _>("n")?),
        )
    }

    /// Closes the pool.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }
}

impl Store {
    /// The setting that holds this ledger's processor settings.
    fn processor_key(&self) -> String {
        processor_key(&self.processor)
    }
}

/// A batch's row and its parts' bytes, ready to insert.
pub(crate) struct BatchRows<'a> {
    meta: &'a BatchMeta,
    categories: String,
    parts: Vec<(Vec<u8>, Vec<u8>)>,
}

impl<'a> BatchRows<'a> {
    /// Splits `batch`'s sets into parts of at most `size` hashes (at least one part, even when empty).
    pub(crate) fn new(batch: &'a StoredBatch, size: usize) -> Result<BatchRows<'a>, StoreError> {
        let m = &batch.meta;
        let (subjects, sensitive) = (batch.subjects.as_slice(), batch.sensitive.as_slice());
        let n = subjects
            .len()
            .div_ceil(size)
            .max(sensitive.len().div_ceil(size))
            .max(1);
        // Parts are consecutive slices of the sorted set, so each part is sorted and they follow each other.
        let bytes = |set: &[u128], part: usize| {
            let slice = set.get(part * size..).unwrap_or_default();
            let slice = slice.get(..size.min(slice.len())).unwrap_or_default();
            let mut out = Vec::with_capacity(slice.len() * 16);
            slice
                .iter()
                .for_each(|h| out.extend_from_slice(&h.to_le_bytes()));
            out
        };
        Ok(BatchRows {
            meta: m,
            categories: serde_json::to_string(&m.categories)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            parts: (0..n)
                .map(|p| (bytes(subjects, p), bytes(sensitive, p)))
                .collect(),
        })
    }
}

/// Inserts a batch's row and parts for processor `$processor` in the open transaction `$tx`; evaluates to
/// [`Insert::AlreadyPresent`] (with nothing written) when the processor has a batch of that id. The caller
/// commits.
macro_rules! insert_batch_in {
    ($tx:expr, $processor:expr, $rows:expr) => {{
        let rows = $rows;
        let m = rows.meta;
        let inserted = sqlx::query(
            "INSERT INTO batches (processor, batch_id, flow_id, date, recipient, categories, key_id, records, \
             individuals, sensitive_individuals, parts, fingerprint) \
             VALUES ($12, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (processor, batch_id) DO NOTHING")
            .bind(&m.batch_id)
            .bind(&m.flow_id)
            .bind(m.date.to_string())
            .bind(&m.recipient)
            .bind(&rows.categories)
            .bind(&m.key_id)
            .bind($crate::to_i64(m.records, "records")?)
            .bind($crate::to_i64(m.individuals, "individuals")?)
            .bind($crate::to_i64(m.sensitive_individuals, "sensitive_individuals")?)
            .bind(i64::try_from(rows.parts.len()).unwrap_or(i64::MAX))
            .bind(&m.fingerprint)
            .bind($processor)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
        if inserted == 0 {
            chujing_ledger::Insert::AlreadyPresent
        } else {
            for (part, (subjects, sensitive)) in rows.parts.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO batch_parts (processor, batch_id, part, subjects, sensitive) \
                     VALUES ($5, $1, $2, $3, $4)")
                    .bind(&m.batch_id)
                    .bind(i64::try_from(part).unwrap_or(i64::MAX))
                    .bind(subjects)
                    .bind(sensitive)
                    .bind($processor)
                    .execute(&mut *$tx)
                    .await?;
                // The crash tests stop here with the batch row and some of its parts written, uncommitted.
                fail::fail_point!("store::insert-batch::in-transaction");
            }
            chujing_ledger::Insert::Inserted
        }
    }};
}
pub(crate) use insert_batch_in;

fn parse_meta(
    batch_id: String,
    flow_id: String,
    date: String,
    recipient: Option<String>,
    categories: String,
    (key_id, fingerprint): (String, String),
    counts: (i64, i64, i64),
) -> Result<BatchMeta, StoreError> {
    Ok(BatchMeta {
        fingerprint,
        date: Date::parse(&date).map_err(StoreError::Corrupt)?,
        categories: serde_json::from_str(&categories)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        batch_id,
        flow_id,
        recipient,
        key_id,
        records: to_u64(counts.0, "records")?,
        individuals: to_u64(counts.1, "individuals")?,
        sensitive_individuals: to_u64(counts.2, "sensitive_individuals")?,
    })
}

/// A batch's sets must hold as many individuals as its row says: a part missing (or one too many) would
/// otherwise be a smaller (or larger) count that nobody sees.
fn check_parts(batch: &StoredBatch) -> Result<(), StoreError> {
    let m = &batch.meta;
    let read = (batch.subjects.len(), batch.sensitive.len());
    if read != (m.individuals, m.sensitive_individuals) {
        return Err(StoreError::Corrupt(format!(
            "batch `{}`: its parts hold {} individuals ({} with sensitive PI) but the batch records {} ({}); a part \
             is missing or damaged. Restore the ledger from a backup, or remove the batch and ingest its file again",
            m.batch_id, read.0, read.1, m.individuals, m.sensitive_individuals
        )));
    }
    Ok(())
}

/// `SELECT` of the columns [`meta_from_row!`] reads, from `batches`, then `$rest`.
macro_rules! select_meta {
    ($rest:literal) => {
        concat!(
            "SELECT batch_id, flow_id, date, recipient, categories, key_id, records, individuals, ",
            "sensitive_individuals, fingerprint FROM batches ",
            $rest
        )
    };
}
pub(crate) use select_meta;

macro_rules! meta_from_row {
    ($r:expr) => {
        $crate::parse_meta(
            $r.try_get("batch_id")?,
            $r.try_get("flow_id")?,
            $r.try_get("date")?,
            $r.try_get("recipient")?,
            $r.try_get("categories")?,
            ($r.try_get("key_id")?, $r.try_get("fingerprint")?),
            (
                $r.try_get("records")?,
                $r.try_get("individuals")?,
                $r.try_get("sensitive_individuals")?,
            ),
        )
    };
}
pub(crate) use meta_from_row;

impl Store {
    /// What is known of this processor's batches exported from `from` to `to`, in day order, without their
    /// subjects: a reader that keeps batches it has read loads only the ones it lacks ([`Store::load_batch`]).
    pub async fn batch_metas_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<BatchMeta>, StoreError> {
        Ok(on_pool!(self, pool => {
            let rows = sqlx::query(
                select_meta!("WHERE processor = $3 AND date >= $1 AND date <= $2 ORDER BY date, batch_id"))
                .bind(from.to_string())
                .bind(to.to_string())
                .bind(&self.processor)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| meta_from_row!(r)).collect::<Result<Vec<_>, StoreError>>()?
        }))
    }

    /// A page of this processor's batches, newest first (by date, then id), without their subjects.
    pub async fn batch_page(
        &self,
        req: &page::PageRequest,
    ) -> Result<page::Page<BatchMeta>, StoreError> {
        let after = req.after_batch()?;
        let (date, id) = after.unwrap_or(("9999-12-31", ""));
        let first = after.is_none();
        on_pool!(self, pool => {
            let rows = sqlx::query(select_meta!(
                "WHERE processor = $1 AND ($4 OR date < $2 OR (date = $2 AND batch_id < $3)) \
                 ORDER BY date DESC, batch_id DESC LIMIT $5"))
                .bind(&self.processor)
                .bind(date)
                .bind(id)
                .bind(first)
                .bind(i64::from(req.limit()) + 1)
                .fetch_all(pool)
                .await?;
            let metas = rows.iter().map(|r| meta_from_row!(r)).collect::<Result<Vec<_>, StoreError>>()?;
            let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM batches WHERE processor = $1")
                .bind(&self.processor)
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            Ok(req.page(metas, to_u64(total, "batch count")?, |m: &BatchMeta| {
                page::Key::Batch(m.date.to_string(), m.batch_id.clone())
            }))
        })
    }

    /// One batch with its subjects, read from its parts and checked against what the batch records.
    pub async fn load_batch(&self, meta: BatchMeta) -> Result<StoredBatch, StoreError> {
        // One part at a time: besides the sets, only one part's bytes (at most PART_HASHES × 16) are held.
        let corrupt = |e: chujing_ledger::LedgerError| {
            StoreError::Corrupt(format!("batch `{}`: {e}", meta.batch_id))
        };
        let mut subjects =
            SetBuilder::with_capacity(usize::try_from(meta.individuals).unwrap_or(0));
        let mut sensitive =
            SetBuilder::with_capacity(usize::try_from(meta.sensitive_individuals).unwrap_or(0));
        for part in 0i64.. {
            let row: Option<(Vec<u8>, Vec<u8>)> = on_pool!(self, pool => {
                sqlx::query(
                    "SELECT subjects, sensitive FROM batch_parts WHERE processor = $3 AND batch_id = $1 AND part = $2")
                    .bind(&meta.batch_id)
                    .bind(part)
                    .bind(&self.processor)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| Ok::<_, sqlx::Error>((r.try_get("subjects")?, r.try_get("sensitive")?)))
                    .transpose()?
            });
            let Some((s, x)) = row else { break };
            subjects.push_part(&s).map_err(corrupt)?;
            sensitive.push_part(&x).map_err(corrupt)?;
        }
        let batch = StoredBatch {
            subjects: subjects.finish().map_err(corrupt)?,
            sensitive: sensitive.finish().map_err(corrupt)?,
            meta,
        };
        check_parts(&batch)?;
        Ok(batch)
    }
}

impl LedgerStore for Store {
    type Error = StoreError;

    async fn insert_batch(&self, batch: &StoredBatch) -> Result<Insert, StoreError> {
        let mut w = self.write().await?;
        let inserted = w
            .insert_batch(&self.processor, batch, self.part_hashes)
            .await?;
        // A batch already present: the write is dropped, which rolls it back.
        if inserted == Insert::Inserted {
            w.commit().await?;
            fail::fail_point!("store::insert-batch::after-commit");
        }
        Ok(inserted)
    }

    async fn batches_between(&self, from: Date, to: Date) -> Result<Vec<StoredBatch>, StoreError> {
        let metas = self.batch_metas_between(from, to).await?;
        let mut out = Vec::with_capacity(metas.len());
        for meta in metas {
            out.push(self.load_batch(meta).await?);
        }
        Ok(out)
    }

    async fn remove_batch(
        &self,
        batch_id: &str,
        reason: &str,
        removed_at: &str,
    ) -> Result<Option<Removal>, StoreError> {
        let Some(batch) = self.batch_meta(batch_id).await? else {
            return Ok(None);
        };
        let mut w = self.write().await?;
        w.remove_batch(&self.processor, &batch, reason, removed_at)
            .await?;
        w.commit().await?;
        Ok(Some(Removal {
            batch,
            reason: reason.to_string(),
            removed_at: removed_at.to_string(),
        }))
    }

    async fn removals(&self) -> Result<Vec<Removal>, StoreError> {
        let rows: Vec<(String, String, String)> = on_pool!(self, pool => sqlx::query(
                "SELECT batch, reason, removed_at FROM removals WHERE processor = $1 ORDER BY seq")
            .bind(&self.processor)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("batch")?, r.try_get("reason")?, r.try_get("removed_at")?)))
            .collect::<Result<_, _>>()?);
        rows.into_iter()
            .map(|(batch, reason, removed_at)| {
                Ok(Removal {
                    batch: serde_json::from_str(&batch)
                        .map_err(|e| StoreError::Corrupt(format!("removal: {e}")))?,
                    reason,
                    removed_at,
                })
            })
            .collect()
    }

    async fn batch_metas(&self) -> Result<Vec<BatchMeta>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                select_meta!("WHERE processor = $1 ORDER BY date, batch_id"))
                .bind(&self.processor)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| meta_from_row!(r)).collect()
        })
    }

    async fn batch_meta(&self, batch_id: &str) -> Result<Option<BatchMeta>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query(
                select_meta!("WHERE processor = $2 AND batch_id = $1"))
                .bind(batch_id)
                .bind(&self.processor)
                .fetch_optional(pool)
                .await?;
            row.map(|r| meta_from_row!(r)).transpose()
        })
    }

    async fn flows(&self) -> Result<Vec<FlowSettings>, StoreError> {
        let rows: Vec<String> = on_pool!(self, pool => sqlx::query("SELECT settings FROM flows WHERE processor = $1 ORDER BY id")
            .bind(&self.processor)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("settings"))
            .collect::<Result<_, _>>()?);
        rows.iter()
            .map(|s| {
                serde_json::from_str(s)
                    .map_err(|e| StoreError::Corrupt(format!("flow settings: {e}")))
            })
            .collect()
    }

    async fn set_flow(&self, flow: &FlowSettings) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        w.set_flow(&self.processor, flow).await?;
        w.commit().await
    }

    async fn processor(&self) -> Result<Option<ProcessorSettings>, StoreError> {
        self.setting(&self.processor_key())
            .await?
            .map(|json| {
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("processor settings: {e}")))
            })
            .transpose()
    }

    async fn set_processor(&self, p: &ProcessorSettings) -> Result<(), StoreError> {
        let json = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.set_setting(&self.processor_key(), &json).await
    }
}

/// The setting that holds the facts of processor `processor` (the CLI's single ledger: empty).
pub(crate) fn processor_key(processor: &str) -> String {
    if processor.is_empty() {
        "processor".into()
    } else {
        format!("processor/{processor}")
    }
}

/// A fresh random 16-byte ledger key from the operating system.
pub fn random_key() -> Result<chujing_ledger::HashKey, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        StoreError::Corrupt(format!("no randomness from the operating system: {e}"))
    })?;
    Ok(chujing_ledger::HashKey::new(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_even_with_an_at_sign_in_them() {
        assert_eq!(
            redact_url("postgres://app:p@ss@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact_url("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact_url("sqlite://./chujing.db"), "sqlite://./chujing.db");
    }

    #[tokio::test]
    async fn an_unsupported_url_is_shown_without_its_password() {
        let err = Store::connect("mysql://root:hunter2@db/x")
            .await
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("root:***@") && !e.contains("hunter2")),
            "{err:?}"
        );
    }
}
