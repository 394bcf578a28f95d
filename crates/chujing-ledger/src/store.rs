//! The storage boundary: what the ledger needs from a database, implemented by `chujing-store` for SQLite
//! and PostgreSQL.

use std::future::Future;

use serde::{Deserialize, Serialize};

use chujing_law::Date;

use crate::count::FlowSettings;
use crate::set::SubjectSet;

/// A transfer batch as stored: its metadata and its two subject sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBatch {
    /// Metadata.
    pub meta: BatchMeta,
    /// Every subject in the batch.
    pub subjects: SubjectSet,
    /// Subjects whose records carry sensitive PI.
    pub sensitive: SubjectSet,
}

impl StoredBatch {
    /// The batch as the counter sees it.
    pub fn as_batch_ref(&self) -> crate::BatchRef<'_> {
        crate::BatchRef {
            flow_id: &self.meta.flow_id,
            date: self.meta.date,
            subjects: self.subjects.as_slice(),
            sensitive: self.sensitive.as_slice(),
        }
    }
}

/// A batch taken out of the ledger, and why: kept for ever, so that no count ever shrinks without a trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    /// The batch as it was.
    pub batch: BatchMeta,
    /// Why it was removed, as the user gave it.
    pub reason: String,
    /// When (an RFC 3339 timestamp given by the caller: the store has no clock).
    pub removed_at: String,
}

/// What is known of a batch besides its subjects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchMeta {
    /// The idempotency key: the same batch id is counted once.
    pub batch_id: String,
    /// The flow it belongs to.
    pub flow_id: String,
    /// The transfer date.
    pub date: Date,
    /// The recipient, if given.
    pub recipient: Option<String>,
    /// Categories of PI, if given.
    pub categories: Vec<String>,
    /// The id of the key the subjects were hashed with.
    pub key_id: String,
    /// Records read.
    pub records: u64,
    /// Distinct subjects in the batch.
    pub individuals: u64,
    /// Distinct subjects with sensitive PI in the batch.
    pub sensitive_individuals: u64,
    /// What the batch id stands for: [`BatchIdentity::default_id`] of the input (flow, date, options and
    /// contents), so that a batch id given again for a different input is recognised; empty for batches
    /// stored before it was recorded.
    pub fingerprint: String,
}

/// Who the processor is, for deciding pathways from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessorSettings {
    /// Legal name.
    pub name: String,
    /// Critical information infrastructure operator.
    pub ciio: bool,
    /// Located in mainland China.
    pub located_in_china: bool,
    /// All individuals whose PI it processes, if recorded (the law in force may test it).
    #[serde(default)]
    pub individuals_processed: Option<u64>,
    /// The province where it is registered (or, abroad, where its representative is), if recorded.
    #[serde(default)]
    pub province: Option<String>,
    /// Its representative or designated body in China (PIPL Art. 53), for a processor abroad.
    #[serde(default)]
    pub representative_in_china: Option<String>,
}

impl ProcessorSettings {
    /// Who the processor is, as the law asks it.
    pub fn facts(&self) -> chujing_law::ProcessorFacts {
        chujing_law::ProcessorFacts {
            ciio: self.ciio,
            located_in_china: self.located_in_china,
        }
    }
}

impl Default for ProcessorSettings {
    fn default() -> Self {
        ProcessorSettings {
            name: String::from("(unnamed processor)"),
            ciio: false,
            located_in_china: true,
            individuals_processed: None,
            province: None,
            representative_in_china: None,
        }
    }
}

/// What became of a batch offered to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// Stored and counted from now on.
    Inserted,
    /// A batch with this id is already stored; nothing changed.
    AlreadyPresent,
}

/// Persistence for the ledger. A batch is stored entirely or not at all.
pub trait LedgerStore {
    /// The backend's error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Stores a batch atomically; a batch id already present is left alone.
    fn insert_batch(
        &self,
        batch: &StoredBatch,
    ) -> impl Future<Output = Result<Insert, Self::Error>> + Send;
    /// The batches dated from `from` to `to`, both included, with their subject sets.
    fn batches_between(
        &self,
        from: Date,
        to: Date,
    ) -> impl Future<Output = Result<Vec<StoredBatch>, Self::Error>> + Send;
    /// Takes the batch `batch_id` (its row and its sets) out of the ledger and records `reason` and
    /// `removed_at` with what it was, in one transaction; `None` when there is no such batch.
    fn remove_batch(
        &self,
        batch_id: &str,
        reason: &str,
        removed_at: &str,
    ) -> impl Future<Output = Result<Option<Removal>, Self::Error>> + Send;
    /// Every removal, oldest first.
    fn removals(&self) -> impl Future<Output = Result<Vec<Removal>, Self::Error>> + Send;
    /// Metadata of every batch, oldest first.
    fn batch_metas(&self) -> impl Future<Output = Result<Vec<BatchMeta>, Self::Error>> + Send;
    /// The batch of this id, if the ledger holds it.
    fn batch_meta(
        &self,
        batch_id: &str,
    ) -> impl Future<Output = Result<Option<BatchMeta>, Self::Error>> + Send;
    /// Every flow's recorded settings.
    fn flows(&self) -> impl Future<Output = Result<Vec<FlowSettings>, Self::Error>> + Send;
    /// Records a flow's settings, replacing earlier ones.
    fn set_flow(&self, flow: &FlowSettings)
    -> impl Future<Output = Result<(), Self::Error>> + Send;
    /// The processor's settings, `None` until they are first recorded (the callers say what they assume).
    fn processor(
        &self,
    ) -> impl Future<Output = Result<Option<ProcessorSettings>, Self::Error>> + Send;
    /// Records the processor's settings.
    fn set_processor(
        &self,
        p: &ProcessorSettings,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// What a batch is: its flow, date and reading options, and a hash of its contents. Its default id derives
/// from all of them, so that ingesting the same file the same way again is a no-op, and anything else is a
/// new batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchIdentity<'a> {
    /// The flow.
    pub flow: &'a str,
    /// The transfer date.
    pub date: Date,
    /// The subject key column.
    pub subject_column: &'a str,
    /// The sensitivity column, if any.
    pub sensitive_column: Option<&'a str>,
    /// Whether every record was declared sensitive.
    pub all_sensitive: bool,
    /// A hash of the input's bytes.
    pub content_hash: u64,
}

impl BatchIdentity<'_> {
    /// The default batch id: `FLOW:DATE:HASH`, the hash over the options and the contents.
    pub fn default_id(&self) -> String {
        use std::hash::Hasher;
        let mut h = siphasher::sip::SipHasher13::new();
        for part in [
            self.subject_column,
            self.sensitive_column.unwrap_or(""),
            if self.all_sensitive { "all" } else { "" },
        ] {
            h.write(part.as_bytes());
            h.write_u8(0);
        }
        h.write_u64(self.content_hash);
        format!("{}:{}:{:016x}", self.flow, self.date, h.finish())
    }
}
