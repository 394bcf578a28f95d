//! The use cases' one error type, and its kinds.

use chujing_law::LawError;
use chujing_records::RecordsError;

/// What can stop a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A problem with the user's input that the message names (file, line, field) and the user fixes.
    #[error("{0}")]
    Input(String),
    /// The law could not decide, or a profile or pack is invalid.
    #[error(transparent)]
    Law(#[from] LawError),
    /// An input file could not be read as asked.
    #[error(transparent)]
    Records(#[from] RecordsError),
    /// The ledger could not count.
    #[error(transparent)]
    Ledger(#[from] chujing_ledger::LedgerError),
    /// The database failed.
    #[error("{context}")]
    Store {
        /// What was being done.
        context: String,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// What was asked for does not exist (or is not the asker's to see).
    #[error("{0}")]
    NotFound(String),
    /// The actor may see the record but not do this to it; the message says who may.
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the state of what it acts on: a step the lifecycle does not allow now, or a
    /// change made by someone else since it was read. The message says what is allowed.
    #[error("{0}")]
    Conflict(String),
    /// The processor's facts that the law in force reads are not recorded: nothing is decided on assumed
    /// ones. Record them (`chujing processor set`, `PUT /api/v1/processor`, the assessment page).
    #[error("{}", missing_facts_message(.0, chujing_law::Lang::En))]
    FactsMissing(Vec<chujing_law::ProcessorFact>),
    /// A file could not be written, or another system failure.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
}

/// Whether an error is the user's to fix (exit code 2) or a failure (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input: the message says what to change.
    Input,
    /// Not found.
    NotFound,
    /// Not the actor's to do.
    Forbidden,
    /// A conflict with the current state.
    Conflict,
    /// The database is unavailable for now (see `StoreError::is_unavailable`): the same request may succeed
    /// later.
    Unavailable,
    /// Anything else.
    Failure,
}

impl AppError {
    /// The kind of error, from which the command line picks its exit code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Input(_) | AppError::Records(_) => ErrorKind::Input,
            AppError::NotFound(_) => ErrorKind::NotFound,
            AppError::Forbidden(_) => ErrorKind::Forbidden,
            AppError::Conflict(_) | AppError::FactsMissing(_) => ErrorKind::Conflict,
            AppError::Store { source, .. }
                if source
                    .downcast_ref::<chujing_store::StoreError>()
                    .is_some_and(chujing_store::StoreError::is_unavailable) =>
            {
                ErrorKind::Unavailable
            }
            AppError::Law(
                LawError::Input(_)
                | LawError::Invalid(_)
                | LawError::NoRegime { .. }
                | LawError::Undecided { .. },
            ) => ErrorKind::Input,
            AppError::Ledger(
                chujing_ledger::LedgerError::KeyFormat | chujing_ledger::LedgerError::KeyLength(_),
            ) => ErrorKind::Input,
            AppError::Ledger(chujing_ledger::LedgerError::Law(
                LawError::Input(_) | LawError::NoRegime { .. },
            )) => ErrorKind::Input,
            _ => ErrorKind::Failure,
        }
    }

    /// Why the database is unavailable (see [`chujing_store::StoreError::unavailable_reason`]), for an error
    /// of kind [`ErrorKind::Unavailable`].
    pub fn unavailable_reason(&self) -> Option<&'static str> {
        match self {
            AppError::Store { source, .. } => source
                .downcast_ref::<chujing_store::StoreError>()
                .and_then(chujing_store::StoreError::unavailable_reason),
            _ => None,
        }
    }

    /// The message with every cause under it, for logs: `context: cause: cause …`.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            let text = cause.to_string();
            if !out.ends_with(&text) {
                out.push_str(": ");
                out.push_str(&text);
            }
            next = cause.source();
        }
        out
    }

    /// A store failure, with what was being done; a conflict stays a conflict.
    pub fn from_store(context: &str, e: chujing_store::StoreError) -> AppError {
        match e {
            chujing_store::StoreError::Conflict(m) => AppError::Conflict(m),
            chujing_store::StoreError::Page(m) => AppError::Input(m),
            e => AppError::store(context, e),
        }
    }

    /// A store failure, with what was being done.
    pub fn store(
        context: &str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> AppError {
        AppError::Store {
            context: context.to_string(),
            source: Box::new(source),
        }
    }
}

/// What the processor has not recorded, in `lang`.
pub fn missing_facts_message(
    facts: &[chujing_law::ProcessorFact],
    lang: chujing_law::Lang,
) -> String {
    let sep = lang.pick("; ", "；");
    let list = facts
        .iter()
        .map(|f| format!("{} (`{}`)", f.label(lang), f.id()))
        .collect::<Vec<_>>()
        .join(sep);
    match lang {
        chujing_law::Lang::En => format!(
            "the processor's facts are not recorded: {list}; nothing is decided on an assumed value"
        ),
        chujing_law::Lang::Zh => format!("未记录处理者情况：{list}；不按假定值作出判断"),
    }
}

impl AppError {
    /// A stable code for machines: what kind of error, or which precondition failed.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::FactsMissing(_) => "processor_facts_missing",
            e => match e.kind() {
                ErrorKind::Input => "bad_request",
                ErrorKind::NotFound => "not_found",
                ErrorKind::Forbidden => "forbidden",
                ErrorKind::Conflict => "conflict",
                ErrorKind::Unavailable => "unavailable",
                ErrorKind::Failure => "internal",
            },
        }
    }
}

/// A result of a use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
