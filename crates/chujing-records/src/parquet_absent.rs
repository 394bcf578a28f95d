//! Parquet in a chujing built without the `parquet` feature: every file is refused with an error that names
//! it and says how to get a chujing that reads it. Nothing is skipped: the scan reports the file unreadable
//! and the ledger refuses the batch, so no individual goes uncounted.

use std::convert::Infallible;
use std::path::Path;

use crate::{RecordsError, Result};

/// What a user does to read Parquet files.
pub const HOW_TO_READ: &str = "this chujing was built without Parquet support; build it with \
    `--features parquet` (`cargo install --path crates/chujing --features parquet`), or convert the file \
    to CSV or JSON Lines";

/// A Parquet file being read as text columns; never made in this build.
#[derive(Debug)]
pub struct ParquetTable {
    /// Column names, nested fields as dotted paths, in schema order.
    pub columns: Vec<String>,
    never: Infallible,
}

impl ParquetTable {
    /// Refuses `path`: this build reads no Parquet.
    pub fn open(path: &Path) -> Result<ParquetTable> {
        Err(RecordsError::Input(format!(
            "{}: {HOW_TO_READ}",
            path.display()
        )))
    }

    /// The position of a column.
    pub fn column(&self, _wanted: &str) -> Result<usize> {
        match self.never {}
    }

    /// The next batch of rows.
    pub fn next_batch(&mut self) -> Result<Option<TextBatch>> {
        match self.never {}
    }
}

/// Rows of a Parquet file as text; never made in this build.
#[derive(Debug)]
pub struct TextBatch {
    never: Infallible,
}

impl TextBatch {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        match self.never {}
    }

    /// The 1-based number of the batch's first row in the file.
    pub fn first_row(&self) -> u64 {
        match self.never {}
    }

    /// Whether a column has a text form.
    pub fn readable(&self, _column: usize) -> bool {
        match self.never {}
    }

    /// A column's value in a row as text.
    pub fn value(&self, _column: usize, _row: usize) -> Option<&str> {
        match self.never {}
    }
}
