//! Opening the ledger database and its secret key.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chujing_ledger::{HashKey, LedgerStore, SubjectHasher};
use chujing_store::Store;

use crate::output::InputProblem;

/// The default database: a SQLite file in the current directory.
pub const DEFAULT_DB: &str = "sqlite://./chujing.db";

/// A single-threaded async runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Connects to `url`, creating and migrating the database as needed.
pub async fn connect(url: &str) -> Result<Store> {
    Store::connect(url).await.map_err(|e| match e {
        chujing_store::StoreError::Url(_) => anyhow::Error::new(InputProblem(e.to_string())),
        other => anyhow::Error::new(other)
            .context(format!("cannot open the ledger database {}", redact(url))),
    })
}

/// The URL without a password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
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

/// The ledger key: `CHUJING_LEDGER_KEY` (32 hex digits) if set; for SQLite, else the file `DB.key` beside the
/// database, created with a fresh random key on first use (readable by its owner only). PostgreSQL deployments
/// share one key across nodes through the environment.
pub fn ledger_key(url: &str) -> Result<HashKey> {
    if let Ok(hex) = std::env::var("CHUJING_LEDGER_KEY") {
        return HashKey::from_hex(&hex)
            .map_err(|e| InputProblem(format!("CHUJING_LEDGER_KEY: {e}")).into());
    }
    let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Err(InputProblem(
            "set CHUJING_LEDGER_KEY to the deployment's secret ledger key (32 hex digits, e.g. from `openssl rand -hex 16`); \
             every node must use the same key"
                .into(),
        )
        .into());
    };
    let path = PathBuf::from(format!("{}.key", path.split('?').next().unwrap_or(path)));
    if path.exists() {
        let hex = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the ledger key {}", path.display()))?;
        return HashKey::from_hex(&hex)
            .map_err(|e| InputProblem(format!("{}: {e}", path.display())).into());
    }
    let key = chujing_store::random_key()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot create the ledger key {}", path.display()))?;
    writeln!(file, "{}", key.to_hex())?;
    file.sync_all()?;
    eprintln!(
        "created the ledger key {} — keep it secret and back it up with the database",
        path.display()
    );
    Ok(key)
}

/// The hasher for `url`, after checking that the stored batches were hashed with the same key.
pub async fn hasher(store: &Store, url: &str) -> Result<SubjectHasher> {
    let hasher = SubjectHasher::new(&ledger_key(url)?);
    let metas = store.batch_metas().await?;
    if let Some(other) = metas.iter().find(|m| m.key_id != hasher.key_id()) {
        return Err(InputProblem(format!(
            "batch `{}` was hashed with key {} but the current key is {}; counts across keys cannot be merged \
             (see docs/ledger.md, key rotation)",
            other.batch_id,
            other.key_id,
            hasher.key_id()
        ))
        .into());
    }
    Ok(hasher)
}
