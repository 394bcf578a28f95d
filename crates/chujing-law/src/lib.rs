//! China's cross-border personal-information law as versioned data, and the engine that decides the legal
//! pathway of a transfer as of a date.
//!
//! The law lives in rule packs (`rules/*.toml`), one per instrument, each with effective dates, thresholds,
//! counting windows, exemptions, obligations and, for every rule, its citation and a one-line paraphrase in
//! Chinese and English. [`RuleBook`] loads and validates packs; [`RuleBook::regime_at`] gives the [`Regime`]
//! in force on a date; [`assess()`] decides every flow of a [`Profile`] and the processor as a whole, with a
//! cited trace.
//!
//! This crate is pure: it reads no files, no clock and no environment. Callers pass text and dates in.

#![deny(missing_docs)]

pub mod assess;
pub mod calendar;
pub mod certification;
pub mod check;
pub mod condition;
pub mod country;
pub mod date;
pub mod diff;
pub mod error;
pub mod explain;
pub mod filing;
pub mod form;
pub mod guides;
pub mod pack;
pub mod pathway;
pub mod profile;
pub mod province;
pub mod regime;
pub mod rulebook;
pub mod source;
pub mod text;
pub mod warning;

pub use assess::{Assessment, assess};
pub use calendar::HolidayCalendar;
pub use condition::{ProcessorFact, ProcessorFacts};
pub use country::CountryCode;
pub use date::Date;
pub use error::LawError;
pub use pathway::{ExemptionId, FlowKind, MechanismKind, Pathway, Standing, processor_pathway};
pub use profile::Profile;
pub use province::Province;
pub use regime::Regime;
pub use rulebook::RuleBook;
pub use text::{Lang, Text};
pub use warning::{Warning, WarningKind};
