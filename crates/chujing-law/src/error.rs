//! The errors of this crate.

use std::fmt;

use crate::date::Date;

/// Where in which input something is wrong, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file (or other source name) the input came from.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field path, such as `flows[0].country`, when known.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "`{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Everything that can go wrong when loading law or deciding.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LawError {
    /// A profile, rule pack or calendar is malformed.
    #[error("{0}")]
    Input(InputError),
    /// Several problems in rule packs, found by the validator.
    #[error("the rule packs have {} problem(s):\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<InputError>),
    /// No regime was in force on the date.
    #[error(
        "no cross-border regime is in force on {date}: the earliest rule pack takes effect on {earliest}"
    )]
    NoRegime {
        /// The date asked about.
        date: Date,
        /// The earliest effective date of any pack.
        earliest: Date,
    },
    /// The rules in force decide nothing for a flow that carries personal information or important data.
    #[error(
        "the law in force on {date} has no rule that decides flow `{flow}`: for important data without personal \
         information this is expected before 2022-09-01, when no export procedure existed yet (Data Security Law \
         Art. 31 left it to later measures); otherwise add a rule to the packs or check the flow's facts"
    )]
    Undecided {
        /// The as-of date.
        date: Date,
        /// The flow id.
        flow: String,
    },
}

impl LawError {
    /// Builds an input error with only a file and message.
    pub fn input(file: &str, field: Option<String>, message: impl Into<String>) -> LawError {
        LawError::Input(InputError {
            file: file.to_string(),
            line: None,
            column: None,
            field,
            message: message.into(),
        })
    }
}
