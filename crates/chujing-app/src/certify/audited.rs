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

/// The ledger of the processor organisation `actor` acts for, written by `actor` at `now`.
#[derive(Debug, Clone)]
pub struct AuditedLedger {
    store: Store,
    org: String,
    /// How the audit log names the actor.
    label: String,
    actor: super::Actor,
    now: Now,
}

impl AuditedLedger {
    /// The ledger of `actor`'s organisation in `store` (any handle of the database), its changes audited as
    /// `actor`'s.
    pub fn new(store: &Store, actor: super::Actor, now: Now) -> AuditedLedger {
        AuditedLedger {
            store: store.for_processor(&actor.org.id),
            org: actor.org.id.clone(),
            label: actor.label(),
            actor,
            now,
        }
    }

    /// Who acts on it.
    pub fn actor(&self) -> &super::Actor {
        &self.actor
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
                &self.label,
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
            &self.label,
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

    /// The organisation's flows, from the one home of flows (the service's flow records), as the ledger
    /// counts them: a certificate of this service by its status today.
    async fn flows(&self) -> Result<Vec<FlowSettings>> {
        let own = chujing_store::records::Filter {
            org: Some(&self.org),
            ..chujing_store::records::Filter::default()
        };
        let flows = super::flows::list(&self.store, &own).await?;
        let certificates: Vec<super::certificates::CertificateRecord> =
            st(self.store.records("certificate", &own).await)?
                .iter()
                .map(super::decode)
                .collect::<Result<_>>()?;
        Ok(flows
            .iter()
            .map(|f| {
                let cert = f.certificate().and_then(|n| {
                    certificates
                        .iter()
                        .map(|r| &r.certificate)
                        .find(|c| c.number.as_str() == n)
                        .map(|c| {
                            let valid = c.status_on(self.now.today)
                                == chujing_cert::CertificateStatus::Valid;
                            (c.issued_on, c.expires_on, valid)
                        })
                });
                f.settings(cert)
            })
            .collect())
    }

    /// Records what the ledger's settings of a flow change into the flow's record — only what differs from
    /// what the record gives now, so that a mechanism not in force today (a suspended certificate) is not
    /// cleared by a change of another field — through the one use case that writes flows.
    async fn set_flow(&self, flow: &FlowSettings) -> Result<()> {
        use crate::settings::Change;
        let now_settings = self.flows().await?.into_iter().find(|f| f.id == flow.id);
        let changed =
            |f: &dyn Fn(&FlowSettings) -> bool| now_settings.as_ref().is_none_or(|n| !f(n));
        let rid = super::flows::record_id(&self.org, &flow.id);
        let existing: Option<super::flows::FlowRecord> = st(self.store.record("flow", &rid).await)?
            .map(|r| super::decode(&r))
            .transpose()?;
        let certificate = existing
            .as_ref()
            .and_then(|f| f.mechanism.as_ref())
            .and_then(|m| m.certificate.clone());
        let mechanism = flow.mechanism.map(|m| super::flows::FlowMechanism {
            kind: m.kind,
            since: Some(m.since),
            until: m.until,
            certificate: certificate
                .clone()
                .filter(|_| m.kind == chujing_law::MechanismKind::Certification),
        });
        let patch = super::flows::FlowPatch {
            kind: changed(&|n| n.kind == flow.kind).then_some(flow.kind),
            exemption: changed(&|n| n.exemption == flow.exemption)
                .then(|| flow.exemption.map_or(Change::Clear, Change::Set)),
            important_data: changed(&|n| n.important_data == flow.important_data)
                .then_some(flow.important_data),
            mechanism: changed(&|n| n.mechanism == flow.mechanism)
                .then(|| mechanism.map_or(Change::Clear, Change::Set)),
            ..super::flows::FlowPatch::default()
        };
        super::flows::patch(&self.store, &self.actor, &flow.id, patch, &self.now).await?;
        Ok(())
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
            &self.label,
            Event::ProcessorPut,
            Subject::Processor(&self.org),
            p,
        )
        .await?;
        st(w.commit().await)
    }
}
