//! Views read from the store and kept while the database's change number stands still: the service's hot
//! reads (who a credential belongs to, the public registry, the transfer gate's snapshot of a processor) cost a
//! look-up instead of several queries. Every write transaction moves the number, so a view is never served
//! after a change this process made; changes of other processes are seen within the store's staleness bound
//! (`chujing_store::changes`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use chujing_law::Date;
use chujing_ledger::StoredBatch;
use chujing_store::Store;

use super::st;
use crate::Result;

/// Views by key, each with the change number it was read at.
#[derive(Debug)]
pub struct Fresh<K, V> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
    capacity: usize,
}

impl<K: Hash + Eq, V> Fresh<K, V> {
    /// A cache of at most `capacity` views; beyond, it starts again (what it holds is cheap to read again).
    pub fn new(capacity: usize) -> Fresh<K, V> {
        Fresh {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The view of `key`, read by `load` unless the one held was read at the current change number.
    ///
    /// The number is read before `load` runs: a change in between leaves the view stored under the older
    /// number, newer than its key says, and read again by the next call — never the other way round.
    pub async fn get<F, Fut>(&self, store: &Store, key: K, load: F) -> Result<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        let changes = st(store.recent_changes().await)?;
        if let Some(v) = self.held(&key, changes) {
            return Ok(v);
        }
        let v = Arc::new(load().await?);
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= self.capacity && !map.contains_key(&key) {
                map.clear();
            }
            map.insert(key, (changes, Arc::clone(&v)));
        }
        Ok(v)
    }

    fn held(&self, key: &K, changes: i64) -> Option<Arc<V>> {
        let map = self.entries.lock().ok()?;
        let (at, v) = map.get(key)?;
        (*at == changes).then(|| Arc::clone(v))
    }
}

/// The service's cached views.
#[derive(Debug)]
pub struct Views {
    /// Credentials by the hash of their token.
    pub credentials: Fresh<String, Option<super::accounts::Authenticated>>,
    /// The public registry on a day.
    pub registry: Fresh<chujing_law::Date, super::certificates::Registry>,
    /// The transfer gate's snapshot of a processor on a day.
    pub gate: Fresh<(String, chujing_law::Date), super::transfers::Snapshot>,
    /// The batches of the snapshots, read once each.
    pub batches: BatchCache,
}

impl Default for Views {
    fn default() -> Views {
        Views {
            credentials: Fresh::new(65_536),
            registry: Fresh::new(8),
            gate: Fresh::new(4096),
            batches: BatchCache::default(),
        }
    }
}

/// Processors' batches, each read from the ledger once. A stored batch never changes: its id is its
/// idempotency key, and a removed batch leaves the metadata that decides what is kept. So a snapshot read
/// again after a change — any write anywhere moves the change number — reads the window's metadata and only
/// the batches it lacks, instead of every subject of the window (1,000,000 individuals: 16 MB from the
/// database).
#[derive(Debug, Default)]
pub struct BatchCache {
    /// By processor, the batches of the window last read, by batch id.
    held: Mutex<HashMap<String, HashMap<String, Arc<StoredBatch>>>>,
}

/// Processors whose batches are kept at most; beyond, the cache starts again.
const BATCH_CACHE_PROCESSORS: usize = 4096;

impl BatchCache {
    /// The batches of `ledger` (one processor's) exported from `from` to `to`, in day order.
    pub async fn window(
        &self,
        ledger: &Store,
        processor: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<Arc<StoredBatch>>> {
        let read = |e| crate::AppError::from_store("cannot read the processor's ledger", e);
        let metas = ledger.batch_metas_between(from, to).await.map_err(read)?;
        let known: HashMap<String, Arc<StoredBatch>> = self
            .held
            .lock()
            .ok()
            .and_then(|m| m.get(processor).cloned())
            .unwrap_or_default();
        let mut out = Vec::with_capacity(metas.len());
        for meta in metas {
            match known.get(&meta.batch_id) {
                // The same batch: its metadata (with its content's fingerprint) is unchanged.
                Some(b) if b.meta == meta => out.push(Arc::clone(b)),
                _ => out.push(Arc::new(ledger.load_batch(meta).await.map_err(read)?)),
            }
        }
        if let Ok(mut m) = self.held.lock() {
            if m.len() >= BATCH_CACHE_PROCESSORS && !m.contains_key(processor) {
                m.clear();
            }
            let now: HashMap<String, Arc<StoredBatch>> = out
                .iter()
                .map(|b| (b.meta.batch_id.clone(), Arc::clone(b)))
                .collect();
            m.insert(processor.to_string(), now);
        }
        Ok(out)
    }
}
