//! The standard contract filing (Standard Contract Measures Art. 7): the processor files the contract and its
//! PIPIA report with the provincial CAC within a number of working days of the contract taking effect.

use serde::Serialize;

use crate::calendar::WorkingDate;
use crate::pack::{DueSpec, Party};
use crate::pathway::MechanismKind;
use crate::regime::cite;
use crate::{Date, Lang, LawError, RuleBook};

/// When a contract that took effect on a day must be filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingDue {
    /// Working days the law allows.
    pub working_days: u32,
    /// The last day, on the holiday calendar.
    pub due: WorkingDate,
    /// The article.
    pub citation: String,
}

/// The filing deadline of a standard contract that took effect on `effective`, under the law in force then;
/// `None` when that law asks for no filing.
pub fn contract_filing_due(
    book: &RuleBook,
    effective: Date,
    lang: Lang,
) -> Result<Option<FilingDue>, LawError> {
    let regime = book.regime_at(effective)?;
    Ok(regime
        .obligations
        .iter()
        .filter(|o| {
            o.body.party == Party::Processor
                && o.body.mechanism == Some(MechanismKind::StandardContract)
        })
        .find_map(|o| match o.body.due {
            DueSpec::AfterMechanism {
                working_days: Some(days),
                ..
            } => Some(FilingDue {
                working_days: days,
                due: book.calendar().add_working_days(effective, days),
                citation: book
                    .packs()
                    .get(o.pack)
                    .map_or_else(String::new, |p| cite(&p.meta, &o.article, lang)),
            }),
            _ => None,
        }))
}
