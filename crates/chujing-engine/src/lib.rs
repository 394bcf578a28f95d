//! chujing's counting and scanning as Apache DataFusion functions, for datasets past what one process reads
//! line by line.
//!
//! The functions call the very code of the native path — [`chujing_ledger::normalise()`], the keyed
//! [`chujing_ledger::SubjectHasher`], [`chujing_ledger::SubjectSet`], [`chujing_records::parse_flag`] — so a
//! count through DataFusion is the native count, not a second implementation of it:
//!
//! - `chujing_subject_hash(key)`: the 128-bit keyed pseudonym of a normalised subject key, as
//!   `FixedSizeBinary(16)` (big-endian, so that byte order is numeric order); NULL for a key that is empty
//!   once normalised;
//! - `chujing_sensitivity(flag)`: 0 (no), 1 (yes) or 2 (unreadable) for a sensitivity flag;
//! - `chujing_hash_bucket(hash)`: the hash's top bits, to split the distinct sets into disjoint ranges that
//!   are merged in parallel;
//! - `chujing_subject_set(hash)`: the aggregate — the sorted, deduplicated set of hashes, exactly (never a
//!   sketch), as the ledger stores it;
//! - `chujing_scan(settings, column, …)`: the aggregate that runs the native [`chujing_scan::TableScanner`]
//!   over its rows — the same validators, header hints, tallies and distinct individuals — and carries each
//!   partition's state to be merged as the native scanner merges its threads';
//! - `chujing_pi_categories(value, header, scan_date)`: the categories the native classifier finds valid in
//!   one cell, for SQL over a dataset.
//!
//! [`count()`](count::count) runs the ledger's count of a batch over a dataset (CSV, TSV, JSON Lines or Parquet; one file, a
//! directory or a glob) on all cores; [`scan()`](scan::scan) scans one for personal information. The crate does I/O and runs its own Tokio runtime: it is an adapter, not a
//! domain crate.

#![deny(missing_docs)]

#[cfg(feature = "ballista")]
pub mod cluster;
pub mod count;
pub mod dataset;
pub mod error;
pub mod scan;
pub mod udf;

pub use count::{BatchCount, CountRequest, count};
pub use dataset::{Dataset, DatasetFormat};
pub use error::EngineError;
pub use scan::{DatasetScan, ScanRequest, scan};
pub use udf::{functions, register, session};
