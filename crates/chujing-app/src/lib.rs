//! chujing's use cases as plain functions, shared by the command line and the server: the command line
//! parses, calls one of these and prints; it holds no rule and no algorithm.
//!
//! - [`assess`]: read a profile, decide it as of a date, with totals from the profile or the ledger;
//! - [`ledger`]: read a batch file into a batch, ingest it, the status as of a date, the what-if gate;
//! - [`scan`]: scan files for PI, write what was found into a profile;
//! - [`report`]: the inputs of documents (a kept scan report, an agreement's text);
//! - [`docx`]: a Word document's text, list numbering written out;
//! - [`db`]: the database and the ledger key;
//! - [`certify`]: the certification service (`chujing serve`, `chujing admin`).
//!
//! The ledger use cases are generic over [`chujing_ledger::LedgerStore`]: SQLite and PostgreSQL in
//! production, [`chujing_ledger::MemoryStore`] in tests.

#![deny(missing_docs)]

pub mod assess;
pub mod certify;
pub mod db;
pub mod docx;
pub mod engine;
pub mod error;
pub mod ledger;
pub mod org;
pub mod report;
pub mod scan;
pub mod settings;

pub use error::{AppError, ErrorKind, Result};
