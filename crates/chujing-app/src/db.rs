//! Opening the ledger database and its secret key.

use std::io::Write;
use std::path::PathBuf;

use chujing_ledger::{HashKey, LedgerStore, SubjectHasher};
use chujing_store::{Create, Journal, Store};

use crate::error::{AppError, Result};

/// The default database: a SQLite file in the current directory.
pub const DEFAULT_DB: &str = "sqlite://./chujing.db";

/// Connects to `url`, creating and migrating the database as needed: for commands that record.
pub async fn connect(url: &str) -> Result<Store> {
    let store = open(url, Create::IfMissing).await?;
    crate::certify::upgrade::fill_provinces(&store).await?;
    Ok(store)
}

/// Connects to `url` for the service (`serve`, `demo`), creating and migrating the database as needed; a
/// SQLite database keeps a write-ahead log from then on, so that reads go on while a write fails
/// ([`chujing_store::Journal::WriteAhead`]).
pub async fn connect_service(url: &str) -> Result<Store> {
    let store = open_with(url, Create::IfMissing, Journal::WriteAhead).await?;
    crate::certify::upgrade::fill_provinces(&store).await?;
    Ok(store)
}

/// Connects to an existing ledger at `url`: for commands that only read, which must never report from an
/// empty ledger created by the reading.
pub async fn open_existing(url: &str) -> Result<Store> {
    if let Some(path) = sqlite_path(url)
        && !path.exists()
    {
        return Err(AppError::Input(format!(
            "no ledger at {}: `chujing ledger ingest` creates one; to use another, give --db or set \
             CHUJING_DATABASE_URL",
            path.display()
        )));
    }
    open(url, Create::Never).await
}

/// The path of a SQLite URL (`sqlite://PATH[?options]`, `sqlite:PATH`); `None` for other databases.
pub(crate) fn sqlite_url_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// The file of a SQLite URL, unless the database is in memory.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = sqlite_url_path(url)?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

async fn open(url: &str, create: Create) -> Result<Store> {
    open_with(url, create, Journal::AsFound).await
}

async fn open_with(url: &str, create: Create, journal: Journal) -> Result<Store> {
    if create == Create::IfMissing
        && let Some(path) = sqlite_path(url)
    {
        create_private(&path)?;
    }
    Store::open_with(url, create, journal)
        .await
        .map_err(|e| match e {
            chujing_store::StoreError::Url(_) => AppError::Input(e.to_string()),
            other => AppError::store(
                &format!(
                    "cannot open the ledger database {}",
                    chujing_store::redact_url(url)
                ),
                other,
            ),
        })
}

/// Where the ledger key came from, for the user to hear about a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `CHUJING_LEDGER_KEY`.
    Environment,
    /// A key file that existed.
    File(PathBuf),
    /// A key file created now with a fresh random key: keep it secret, back it up.
    Created(PathBuf),
}

/// The ledger key: `env_key` (the value of `CHUJING_LEDGER_KEY`, 32 hex digits) if set; for SQLite, else the
/// file `DB.key` beside the database, created with a fresh random key on first use (readable by its owner
/// only). PostgreSQL deployments share one key across nodes through the environment.
pub fn ledger_key(url: &str, env_key: Option<&str>) -> Result<(HashKey, KeySource)> {
    if let Some(hex) = env_key {
        return HashKey::from_hex(hex)
            .map(|k| (k, KeySource::Environment))
            .map_err(|e| AppError::Input(format!("CHUJING_LEDGER_KEY: {e}")));
    }
    let Some(path) = sqlite_url_path(url) else {
        return Err(AppError::Input(
            "set CHUJING_LEDGER_KEY to the deployment's secret ledger key (32 hex digits, e.g. from `openssl rand -hex 16`); \
             every node must use the same key"
                .into(),
        ));
    };
    let path = PathBuf::from(format!("{path}.key"));
    let io = |what: &str, source| AppError::Io {
        context: format!("cannot {what} the ledger key {}", path.display()),
        source,
    };
    let read = |path: &PathBuf| {
        let hex = std::fs::read_to_string(path).map_err(|e| io("read", e))?;
        HashKey::from_hex(&hex)
            .map(|k| (k, KeySource::File(path.clone())))
            .map_err(|e| AppError::Input(format!("{}: {e}", path.display())))
    };
    if path.exists() {
        return read(&path);
    }
    // Written whole to a file of this process's own, then linked into place: a link either makes the complete
    // key visible at once or fails because another process's key got there first, which is then the key. No
    // reader ever sees a key file half written.
    let key = chujing_store::random_key().map_err(|e| AppError::store("cannot draw a key", e))?;
    let draft = PathBuf::from(format!("{}.{}.new", path.display(), std::process::id()));
    write_key(&draft, &key).map_err(|e| io("create", e))?;
    let linked = std::fs::hard_link(&draft, &path);
    let _ = std::fs::remove_file(&draft);
    match linked {
        Ok(()) => Ok((key, KeySource::Created(path))),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
        Err(e) => Err(io("create", e)),
    }
}

/// Creates an empty SQLite database file at `path`, readable and writable by its owner only, unless a file is
/// there: SQLite creates its rollback journal, write-ahead log and shared-memory files with the database's
/// permissions, so that none of the ledger's files is readable by others (the default would be 0644).
fn create_private(path: &std::path::Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(AppError::Io {
            context: format!("cannot create the database file {}", path.display()),
            source: e,
        }),
    }
}

/// Writes `key` to a new file at `path`, readable by its owner only, and syncs it.
fn write_key(path: &std::path::Path, key: &HashKey) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    writeln!(file, "{}", key.to_hex())?;
    file.sync_all()
}

/// A hasher under `key`, after checking that the stored batches were hashed with the same key: counts across
/// keys cannot be merged.
pub async fn checked_hasher<S: LedgerStore>(store: &S, key: &HashKey) -> Result<SubjectHasher> {
    let hasher = SubjectHasher::new(key);
    let metas = store
        .batch_metas()
        .await
        .map_err(|e| AppError::store("cannot list the ledger's batches", e))?;
    if let Some(other) = metas.iter().find(|m| m.key_id != hasher.key_id()) {
        return Err(AppError::Input(format!(
            "batch `{}` was hashed with key {} but the current key is {}; counts across keys cannot be merged \
             (see docs/ledger.md, key rotation)",
            other.batch_id,
            other.key_id,
            hasher.key_id()
        )));
    }
    Ok(hasher)
}
