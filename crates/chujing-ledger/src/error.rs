//! The errors of this crate.

/// What can go wrong in the ledger core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A stored run is not a whole number of 16-byte hashes, or is not sorted: storage corruption.
    #[error("a stored subject set is corrupt: {0}")]
    CorruptSet(String),
    /// A secret key has the wrong length.
    #[error("the ledger key must be 16 bytes (32 hex digits), got {0} bytes")]
    KeyLength(usize),
    /// A secret key is not written in hexadecimal.
    #[error("the ledger key must be 32 hex digits (0-9, a-f)")]
    KeyFormat,
    /// The law gave no answer for the date.
    #[error(transparent)]
    Law(#[from] chujing_law::LawError),
}
