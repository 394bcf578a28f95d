//! Discovery of personal information (PI) and sensitive PI in tables, column by column.
//!
//! - [`detect`]: validators for single values — PRC resident IDs (GB 11643 check digit, real birth date,
//!   province), mobile and fixed-line numbers, payment cards (Luhn, issuer prefixes), IMEI, passports and
//!   travel permits, e-mail, IP and MAC addresses, coordinates, vehicle plates, dates, names, addresses, and the
//!   Unified Social Credit Code (an organisation's identifier, not PI);
//! - [`header`]: what Chinese and English column headers say (身份证号, 病历, diagnosis, …);
//! - [`classify`]: a cell's findings from its content and its column's header;
//! - [`category`]: the categories and their sensitivity (PIPL Art. 28; GB/T 45574-2025);
//! - [`column`](mod@column) and [`table`]: tallies per column, distinct values, masked samples, individuals;
//! - [`reader`]: delimited text, JSON Lines and plain text from any UTF-8 stream, in bounded memory.
//!
//! The crate reads from `std::io::Read` values it is given; opening files, walking directories and
//! decompressing are the caller's.

pub mod category;
pub mod classify;
pub mod column;
pub mod detect;
pub mod header;
pub mod reader;
pub mod table;

pub use category::{Category, SensitiveClass, Sensitivity};
pub use classify::Classifier;
pub use column::{ColumnReport, ColumnStats, Finding};
pub use reader::{Format, Options, TableReport, Warning, WarningKind, scan};
pub use table::{Individuals, ScannerState, TableScanner, unique_headers};

/// What can stop a scan of one stream.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The scanner's workers produced nothing to merge (no worker ran).
    #[error("no worker ran")]
    NoWorker,
    /// The header row could not be read.
    #[error("cannot read the header row: {0}")]
    Header(String),
    /// The stream could not be read.
    #[error("cannot read: {0}")]
    Read(String),
    /// The subject column's name is in the header more than once, so which one identifies people is not known.
    #[error(
        "line 1: the header has {times} columns named `{name}`, so it is not known which identifies individuals; rename one in the header"
    )]
    AmbiguousSubject {
        /// The repeated name.
        name: String,
        /// How many times.
        times: usize,
    },
}

impl From<std::io::Error> for ScanError {
    fn from(e: std::io::Error) -> ScanError {
        ScanError::Read(e.to_string())
    }
}
