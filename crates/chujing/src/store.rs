//! The one place the command line opens the ledger: a runtime for one command, the database, the key.

use anyhow::Result;
use chujing_app::db::{self, KeySource};
use chujing_ledger::{HashKey, SubjectHasher};
use chujing_store::Store;

/// A single-threaded async runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Connects to `url`, creating and migrating the database as needed: for commands that record.
pub async fn connect(url: &str) -> Result<Store> {
    Ok(db::connect(url).await?)
}

/// Connects to `url` for the service (`serve`, `demo`): as [`connect`], with SQLite's write-ahead log.
pub async fn connect_service(url: &str) -> Result<Store> {
    Ok(db::connect_service(url).await?)
}

/// Connects to the existing ledger at `url`: for commands that only read (never creates one).
pub async fn open_existing(url: &str) -> Result<Store> {
    Ok(db::open_existing(url).await?)
}

/// The ledger key's hasher for `url` (from `CHUJING_LEDGER_KEY` or the key file beside a SQLite database),
/// checked against the stored batches; says so when a new key file was created.
pub async fn hasher(store: &Store, url: &str) -> Result<SubjectHasher> {
    Ok(db::checked_hasher(store, &ledger_key(url)?).await?)
}

/// The ledger key for `url` (from `CHUJING_LEDGER_KEY` or the key file beside a SQLite database); says so
/// when a new key file was created.
pub fn ledger_key(url: &str) -> Result<HashKey> {
    let env = std::env::var("CHUJING_LEDGER_KEY").ok();
    let (key, source) = db::ledger_key(url, env.as_deref())?;
    if let KeySource::Created(path) = source {
        eprintln!(
            "created the ledger key {} — keep it secret and back it up with the database",
            path.display()
        );
    }
    Ok(key)
}
