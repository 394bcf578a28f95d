//! A ledger store in memory: the use cases' tests run against it, and it documents what every store must do.

use std::collections::BTreeMap;
use std::future::{Future, Ready, ready};
use std::sync::{Mutex, PoisonError};

use chujing_law::Date;

use crate::count::FlowSettings;
use crate::store::{BatchMeta, Insert, LedgerStore, ProcessorSettings, StoredBatch};

/// A store in memory (nothing persists). Batches are keyed by id: inserting an id twice keeps the first.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    batches: BTreeMap<String, StoredBatch>,
    removals: Vec<crate::store::Removal>,
    flows: BTreeMap<String, FlowSettings>,
    processor: Option<ProcessorSettings>,
}

/// A lock poisoned by a panic elsewhere; the memory store's only error.
#[derive(Debug, thiserror::Error)]
#[error("the in-memory ledger was poisoned by a panic")]
pub struct Poisoned;

impl<T> From<PoisonError<T>> for Poisoned {
    fn from(_: PoisonError<T>) -> Poisoned {
        Poisoned
    }
}

impl MemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> Ready<Result<T, Poisoned>> {
        ready(
            self.inner
                .lock()
                .map(|mut i| f(&mut i))
                .map_err(Poisoned::from),
        )
    }
}

impl LedgerStore for MemoryStore {
    type Error = Poisoned;

    fn insert_batch(
        &self,
        batch: &StoredBatch,
    ) -> impl Future<Output = Result<Insert, Poisoned>> + Send {
        self.with(|i| {
            if i.batches.contains_key(&batch.meta.batch_id) {
                return Insert::AlreadyPresent;
            }
            i.batches.insert(batch.meta.batch_id.clone(), batch.clone());
            Insert::Inserted
        })
    }

    fn batches_between(
        &self,
        from: Date,
        to: Date,
    ) -> impl Future<Output = Result<Vec<StoredBatch>, Poisoned>> + Send {
        self.with(|i| {
            i.batches
                .values()
                .filter(|b| from <= b.meta.date && b.meta.date <= to)
                .cloned()
                .collect()
        })
    }

    fn batch_metas(&self) -> impl Future<Output = Result<Vec<BatchMeta>, Poisoned>> + Send {
        self.with(|i| i.batches.values().map(|b| b.meta.clone()).collect())
    }

    fn batch_meta(
        &self,
        batch_id: &str,
    ) -> impl Future<Output = Result<Option<BatchMeta>, Poisoned>> + Send {
        self.with(|i| i.batches.get(batch_id).map(|b| b.meta.clone()))
    }

    fn flows(&self) -> impl Future<Output = Result<Vec<FlowSettings>, Poisoned>> + Send {
        self.with(|i| i.flows.values().cloned().collect())
    }

    fn remove_batch(
        &self,
        batch_id: &str,
        reason: &str,
        removed_at: &str,
    ) -> impl Future<Output = Result<Option<crate::store::Removal>, Poisoned>> + Send {
        self.with(|i| {
            let batch = i.batches.remove(batch_id)?;
            let removal = crate::store::Removal {
                batch: batch.meta,
                reason: reason.to_string(),
                removed_at: removed_at.to_string(),
            };
            i.removals.push(removal.clone());
            Some(removal)
        })
    }

    fn removals(
        &self,
    ) -> impl Future<Output = Result<Vec<crate::store::Removal>, Poisoned>> + Send {
        self.with(|i| i.removals.clone())
    }

    fn set_flow(&self, flow: &FlowSettings) -> impl Future<Output = Result<(), Poisoned>> + Send {
        self.with(|i| {
            i.flows.insert(flow.id.clone(), flow.clone());
        })
    }

    fn processor(
        &self,
    ) -> impl Future<Output = Result<Option<ProcessorSettings>, Poisoned>> + Send {
        self.with(|i| i.processor.clone())
    }

    fn set_processor(
        &self,
        p: &ProcessorSettings,
    ) -> impl Future<Output = Result<(), Poisoned>> + Send {
        self.with(|i| i.processor = Some(p.clone()))
    }
}
