//! What can stop a count on the engine.

/// An error of the engine's count or scan.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The dataset cannot be used as given (no files, mixed formats, a missing column, bad values that the
    /// request does not allow to skip): the message says what was found and what to do.
    #[error("{0}")]
    Input(String),
    /// DataFusion refused the plan or failed while running it (an unreadable file, a malformed row).
    #[error("{context}: {source}")]
    Engine {
        /// What chujing was doing.
        context: String,
        /// DataFusion's error.
        #[source]
        source: datafusion::error::DataFusionError,
    },
    /// The Ballista cluster refused or failed: unreachable scheduler, no executor, a lost worker.
    #[error("{0}")]
    Cluster(String),
    /// The engine's runtime could not be started.
    #[error("cannot start the engine's runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// A set the engine returned is not a well-formed set of hashes (a bug, or a worker of another version).
    #[error("the engine returned a malformed set of subjects: {0}")]
    Ledger(#[from] chujing_ledger::LedgerError),
}

impl EngineError {
    /// Wraps DataFusion's error with what chujing was doing.
    pub(crate) fn engine(
        context: impl Into<String>,
    ) -> impl FnOnce(datafusion::error::DataFusionError) -> EngineError {
        let context = context.into();
        move |source| EngineError::Engine { context, source }
    }
}
