//! Documents every pathway ends in — the PIPIA (PIPL Art. 55-56), the security assessment self-assessment
//! report, the standard contract filing materials and the certification application — built from the profile,
//! the assessment and, where given, the ledger and a scan, in Chinese (the language of filings) and English.
//!
//! - [`model`]: a document as data (sections, facts with sources, tables, open items);
//! - [`mod@build`]: the four documents;
//! - [`render`]: Markdown and self-contained HTML (the PDF renderer is the `chujing-pdf` crate);
//! - [`contract`]: the binding-agreement clause checker;
//! - [`form_check`]: the standard contract against the official form, and its Annex I against the figures.
//!
//! Pure: no I/O. Every figure names its source, every statement of law its article, and whatever only a
//! person can know is an open item listed at the top.

pub mod build;
pub mod contract;
pub mod form_check;
pub mod model;
pub mod names;
pub mod package;
pub mod render;

pub use build::{
    DocumentKind, Inputs, LedgerFigures, LedgerFlow, ScanFigures, annex_expectation, build,
    filing_checklist,
};
pub use model::Document;
