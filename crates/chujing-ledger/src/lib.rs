//! Exact distinct counting of the individuals whose personal information a processor exported, per legal
//! window.
//!
//! The law's thresholds (10,000 / 100,000 / 1,000,000, PIPL Art. 40 and its measures) count *distinct
//! individuals*, so the ledger never estimates: every subject key is normalised ([`normalise()`]), replaced by a
//! keyed 128-bit hash ([`SubjectHasher`]; raw identifiers are never kept), and kept in sorted, deduplicated runs
//! ([`SubjectSet`]) of exactly 16 bytes per individual. A batch of transfers is one run; a window's count is the
//! size of the union of the runs it covers ([`count_union`]), computed by a streaming k-way merge. Runs split by
//! hash range are disjoint, so partitions add up exactly — the scale-out path.
//!
//! This crate is pure: no I/O, no clock. Storage lives behind the adapters in `chujing-store`.

#![deny(missing_docs)]

pub mod count;
pub mod error;
pub mod hash;
pub mod memory;
pub mod normalise;
pub mod set;
pub mod status;
pub mod store;

pub use count::{
    BatchRef, FlowPathway, FlowSettings, WindowCount, count_window, counted_flows, decide_flows,
};
pub use error::LedgerError;
pub use hash::{HashKey, SubjectHasher};
pub use memory::MemoryStore;
pub use normalise::normalise;
pub use set::{SetBuilder, SubjectSet, count_union};
pub use status::{
    Alert, FlowStatus, Status, ThresholdProximity, WindowStatus, decide_counts, evaluate, per_flow,
};
pub use store::{
    BatchIdentity, BatchMeta, Insert, LedgerStore, ProcessorSettings, Removal, StoredBatch,
};
