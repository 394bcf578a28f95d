//! The ledger of one processor organisation as the command line writes it: the same tables the service
//! writes, and every change — a batch recorded or removed, a flow or the facts recorded — committed with its
//! audit entry, as the service's are. The ledger's use cases ([`crate::ledger`], [`crate::settings`]) run on it
//! unchanged.

use chujing_law::Date;
use chujing_ledger::{
    BatchMeta, FlowSettings, Insert, LedgerStore, ProcessorSettings, Removal, StoredBatch,
};
use chujing_store::{Store, StoreError};

use super::events::{Event, Subject};
use super::{Now, audit, st, write};
use crate::{AppError, Result};

/// Processor `org`'s ledger, written by `actor` at `now`.
#[derive(Debug, Clone)]
pub struct AuditedLedger {
    store: Store,
    org: String,
    actor: String,
    now: Now,
}

impl AuditedLedger {
    /// The ledger of `org` in `store` (any handle of the database), its changes audited as `actor`'s.
    pub fn new(store: &Store, org: &str, actor: &str, now: Now) -> AuditedLedger {
        AuditedLedger {
            store: store.for_processor(org),
            org: org.to_string(),
            actor: actor.to_string(),
            now,
        }
    }

    /// The processor's store handle, for reads outside the ledger's trait.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

fn read(e: StoreError) -> AppError {
    AppError::from_store("cannot read the ledger", e)
}

impl LedgerStore for AuditedLedger {
    type Error = AppError;

    async fn insert_batch(&self, batch: &StoredBatch) -> Result<Insert> {
        let mut w = write(&self.store).await?;
        let parts = self.store.part_hashes();
        let inserted = st(w.insert_batch(&self.org, batch, parts).await)?;
        if inserted == Insert::Inserted {
            let m = &batch.meta;
            audit(
                &mut w,
                &self.now,
                &self.actor,
                Event::TransferRecord,
                Subject::Batch {
                    processor: &self.org,
                    batch: &m.batch_id,
                },
                &serde_json::json!({ "flow": m.flow_id, "date": m.date, "individuals": m.individuals,
                    "sensitive_individuals": m.sensitive_individuals, "by": "command line" }),
            )
            .await?;
            st(w.commit().await)?;
        }
        Ok(inserted)
    }

    async fn batches_between(&self, from: Date, to: Date) -> Result<Vec<StoredBatch>> {
        self.store.batches_between(from, to).await.map_err(read)
    }

    async fn remove_batch(
        &self,
        batch_id: &str,
        reason: &str,
        removed_at: &str,
    ) -> Result<Option<Removal>> {
        let mut w = write(&self.store).await?;
        let Some(meta) = st(w.batch_meta(&self.org, batch_id).await)? else {
            return Ok(None);
        };
        st(w.remove_batch(&self.org, &meta, reason, removed_at).await)?;
        audit(
            &mut w,
            &self.now,
            &self.actor,
            Event::BatchRemove,
            Subject::Batch {
                processor: &self.org,
                batch: batch_id,
            },
            &serde_json::json!({ "reason": reason, "individuals": meta.individuals }),
        )
        .await?;
        st(w.commit().await)?;
        Ok(Some(Removal {
            batch: meta,
            reason: reason.to_string(),
            removed_at: removed_at.to_string(),
        }))
    }

    async fn removals(&self) -> Result<Vec<Removal>> {
        self.store.removals().await.map_err(read)
    }

    async fn batch_metas(&self) -> Result<Vec<BatchMeta>> {
        self.store.batch_metas().await.map_err(read)
    }

    async fn batch_meta(&self, batch_id: &str) -> Result<Option<BatchMeta>> {
        self.store.batch_meta(batch_id).await.map_err(read)
    }

    async fn flows(&self) -> Result<Vec<FlowSettings>> {
        self.store.flows().await.map_err(read)
    }

    async fn set_flow(&self, flow: &FlowSettings) -> Result<()> {
        let mut w = write(&self.store).await?;
        st(w.set_flow(&self.org, flow).await)?;
        let id = super::flows::record_id(&self.org, &flow.id);
        audit(
            &mut w,
            &self.now,
            &self.actor,
            Event::FlowPut,
            Subject::Flow(&id),
            flow,
        )
        .await?;
        st(w.commit().await)
    }

    async fn processor(&self) -> Result<Option<ProcessorSettings>> {
        self.store.processor().await.map_err(read)
    }

    async fn set_processor(&self, p: &ProcessorSettings) -> Result<()> {
        let mut w = write(&self.store).await?;
        st(w.set_processor(&self.org, p).await)?;
        audit(
            &mut w,
            &self.now,
            &self.actor,
            Event::ProcessorPut,
            Subject::Processor(&self.org),
            p,
        )
        .await?;
        st(w.commit().await)
    }
}
