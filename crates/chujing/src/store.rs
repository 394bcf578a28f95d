//! The one place the command line opens the ledger: a runtime for one command, the database, the key.

use anyhow::Result;
use chujing_app::certify::audited::AuditedLedger;
use chujing_app::db::{self, KeySource};
use chujing_ledger::{HashKey, SubjectHasher};
use chujing_store::Store;

/// The database a command works on, and the processor organisation it names (`--db`, `--org`).
#[derive(Debug, Clone, Copy)]
pub struct Db<'a> {
    /// The database URL.
    pub url: &'a str,
    /// The processor organisation, by id or name, when named.
    pub org: Option<&'a str>,
}

/// A single-threaded async runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Connects to `url`, creating and migrating the database as needed: for commands that record.
pub async fn connect(url: &str) -> Result<Store> {
    upgraded(db::connect(url).await?).await
}

/// Connects to `url` for the service (`serve`, `demo`): as [`connect`], with SQLite's write-ahead log.
pub async fn connect_service(url: &str) -> Result<Store> {
    upgraded(db::connect_service(url).await?).await
}

/// The store after the data upgrades a database written by an earlier chujing needs (each runs once).
async fn upgraded(store: Store) -> Result<Store> {
    let now = chujing_app::certify::Now::at_instant(crate::clock::instant());
    if let Some(adopted) =
        chujing_app::certify::upgrade::all(&store, &operator_label(), &now).await?
    {
        eprintln!(
            "the ledger's processor is now the organisation `{}` ({}): name it with --org where the \
             database holds several",
            adopted.name, adopted.id
        );
    }
    Ok(store)
}

/// Connects to the existing ledger at `url`: for commands that only read (never creates one).
pub async fn open_existing(url: &str) -> Result<Store> {
    upgraded(db::open_existing(url).await?).await
}

/// The ledger key's hasher for `url` (from `CHUJING_LEDGER_KEY` or the key file beside a SQLite database),
/// checked against the stored batches; says so when a new key file was created.
pub async fn hasher<S: chujing_ledger::LedgerStore>(store: &S, url: &str) -> Result<SubjectHasher> {
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

/// Who the audit log names for what the command line writes: `cli:USER` of the machine's account.
pub fn operator_label() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// The processor organisation a command acts on (`--org`, or the database's one processor; `create` makes
/// it, from `processor set --name`, on a database that has none), and its ledger, whose changes are audited
/// as the command line's.
pub async fn processor_ledger(
    store: &Store,
    org: Option<&str>,
    create: Option<(&str, Option<&str>)>,
) -> Result<(chujing_app::certify::Org, AuditedLedger)> {
    let now = chujing_app::certify::Now::at_instant(crate::clock::instant());
    let actor = operator_label();
    let org = chujing_app::org::processor(store, org, create, &actor, &now).await?;
    let ledger = AuditedLedger::new(store, chujing_app::org::operator(org.clone(), &actor), now);
    Ok((org, ledger))
}
