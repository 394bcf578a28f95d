//! Every tabular input of chujing, read one way: what `chujing scan` can read, `chujing ledger ingest` can
//! read.
//!
//! - [`source`]: which files (directories walked in name order, symlink loops refused), their format from
//!   the name (CSV/TSV, JSON Lines, Parquet, text), decompression (`.gz`, `.zst`) and progress;
//! - [`text`]: bytes to UTF-8 text: a UTF-8 or UTF-16 byte-order mark is honoured and dropped, GB18030 (which
//!   also covers GBK and GB2312) is recognised and transcoded, binary data is refused; the delimiter of a
//!   header row; JSON objects as dotted paths;
//! - [`parquet`]: Parquet columns as text, nested struct fields as dotted paths like JSON Lines (with the
//!   `parquet` feature; without it Parquet files are refused with an error that says so);
//! - [`keys`]: the ledger's reader of subject keys (and a sensitivity flag), in parallel over plain files.
//!
//! Errors name the file and, where there is one, the line (Parquet: the row) and the column, and quote at
//! most a short excerpt of a value.

#![deny(missing_docs)]

pub mod keys;
#[cfg(feature = "parquet")]
pub mod parquet;
#[cfg(not(feature = "parquet"))]
#[path = "parquet_absent.rs"]
pub mod parquet;
pub mod source;
pub mod text;

pub use keys::{BadRow, Chunks, Columns, Record, parse_flag};
pub use source::{Compression, Format, Found, Source, Walk, files, open};
pub use text::{Decoded, Encoding, decode};

/// What can go wrong reading an input. Every variant is a problem with the input (or its file), which the
/// user fixes; the message names the file and, where known, the line and column.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// The input is unreadable, malformed or does not have what was asked for.
    #[error("{0}")]
    Input(String),
    /// The input holds NUL bytes near its start: not text.
    #[error("{0}: binary data (NUL bytes near the start), not a table or text")]
    Binary(String),
}

/// A result of this crate.
pub type Result<T, E = RecordsError> = std::result::Result<T, E>;

/// At most this many characters of a value are quoted in an error message.
pub const EXCERPT_CHARS: usize = 40;

/// A short excerpt of `value` for an error message: its first [`EXCERPT_CHARS`] characters, with `…` and the
/// full length when it was cut (a malformed field may be megabytes long).
pub fn excerpt(value: &str) -> String {
    let mut chars = value.char_indices();
    match chars.nth(EXCERPT_CHARS) {
        None => value.to_string(),
        Some((cut, _)) => format!(
            "{}… ({} bytes)",
            value.get(..cut).unwrap_or_default(),
            value.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn excerpts_are_short() {
        assert_eq!(super::excerpt("abc"), "abc");
        let long = "号".repeat(100);
        let e = super::excerpt(&long);
        assert!(e.starts_with(&"号".repeat(40)));
        assert!(e.ends_with("… (300 bytes)"), "{e}");
    }
}
