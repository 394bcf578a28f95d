//! What every request shares: the store, the law, the master key, the clock, metrics and the login limiter.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chujing_app::certify::Now;
use chujing_app::certify::fresh::Views;
use chujing_app::certify::secret::MasterKey;
use chujing_law::RuleBook;
use chujing_ledger::{HashKey, SubjectHasher};
use chujing_store::Store;

/// Where the time comes from: the system's (the server), or a fixed instant (tests).
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock; the law's day is the day in China (UTC+8).
    System,
    /// A fixed instant.
    Fixed(Now),
}

impl Clock {
    /// The current instant and day.
    pub fn now(&self) -> Now {
        match self {
            Clock::Fixed(n) => n.clone(),
            Clock::System => system_now(),
        }
    }
}

fn system_now() -> Now {
    Now::at_instant(jiff_now())
}

#[expect(clippy::disallowed_methods, reason = "the server's one clock")]
fn jiff_now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// Shared state: one allocation, so that the clone every handler and middleware takes is one reference count.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every request shares.
#[derive(Debug)]
pub struct Shared {
    /// The database.
    pub store: Store,
    /// The law.
    pub book: Arc<RuleBook>,
    /// The key materials are sealed under.
    pub key: MasterKey,
    /// The clock.
    pub clock: Clock,
    /// Request counts and durations.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Failed logins per e-mail, for rate limiting.
    pub logins: Arc<Mutex<HashMap<String, Vec<jiff::Timestamp>>>>,
    /// Hashes the subjects of recorded batches under the deployment's ledger key.
    pub hasher: Arc<SubjectHasher>,
    /// Credentials, the registry and the gate's snapshots, kept while nothing changes.
    pub views: Arc<Views>,
}

impl AppState {
    /// State over `store` with the embedded law; materials sealed under `key`, batch subjects hashed under
    /// `ledger_key`.
    pub fn new(
        store: Store,
        key: MasterKey,
        ledger_key: &HashKey,
        clock: Clock,
    ) -> Result<AppState, chujing_law::LawError> {
        Ok(AppState(Arc::new(Shared {
            store,
            book: Arc::new(RuleBook::embedded()?),
            key,
            clock,
            metrics: Arc::default(),
            logins: Arc::default(),
            hasher: Arc::new(SubjectHasher::new(ledger_key)),
            views: Arc::default(),
        })))
    }
}
