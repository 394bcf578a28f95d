//! The certification route as the certification service needs it: who may apply on a date (Certification
//! Measures 2026 Art. 5, 7), what must come first (Art. 6), and the dated terms of a certificate — its
//! validity, the renewal window (Art. 8) and the body's report to the national platform (Art. 9).
//!
//! Every figure is read from the obligations of the packs in force (by their kind of deadline and party, not
//! by a number written here), so that a change in the law is a change of a pack.

use serde::Serialize;

use crate::assess::Assessment;
use crate::calendar::WorkingDate;
use crate::pack::{DueSpec, Party};
use crate::pathway::{MechanismKind, Pathway};
use crate::regime::{Item, Obligation, Regime, cite};
use crate::{Date, Lang, LawError, Profile, RuleBook, WarningKind};

/// A duration the law sets, with where it says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term<T> {
    /// The figure.
    pub value: T,
    /// The article that sets it.
    pub citation: String,
}

/// The terms of certificates issued on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationTerms {
    /// Years a certificate is valid.
    pub validity_years: Term<i16>,
    /// Months before expiry from which renewal is applied for, where the law sets a window.
    pub renewal_months: Option<Term<i8>>,
    /// Working days the body has to report an issue or status change to the national platform, where the law
    /// sets it.
    pub report_working_days: Option<Term<u32>>,
}

/// The certification duties in force on `on` of `party` (certification mechanism only).
fn duties(regime: &Regime, party: Party) -> impl Iterator<Item = &Item<Obligation>> {
    regime.obligations.iter().filter(move |o| {
        o.body.party == party && o.body.mechanism == Some(MechanismKind::Certification)
    })
}

/// The terms of certificates issued on `on`; `None` before the law had a certification route with a
/// validity.
pub fn terms(
    book: &RuleBook,
    on: Date,
    lang: Lang,
) -> Result<Option<CertificationTerms>, LawError> {
    let regime = book.regime_at(on)?;
    let citation = |o: &Item<Obligation>| {
        book.packs()
            .get(o.pack)
            .map_or_else(String::new, |p| cite(&p.meta, &o.article, lang))
    };
    let validity = duties(regime, Party::Processor).find_map(|o| match o.body.due {
        DueSpec::AfterMechanism {
            years: Some(years), ..
        } => Some(Term {
            value: years,
            citation: citation(o),
        }),
        _ => None,
    });
    let renewal = duties(regime, Party::Processor).find_map(|o| match o.body.due {
        DueSpec::MonthsBeforeExpiry { months, .. } => Some(Term {
            value: months,
            citation: citation(o),
        }),
        _ => None,
    });
    let report = duties(regime, Party::CertificationBody).find_map(|o| match o.body.due {
        DueSpec::AfterMechanism {
            working_days: Some(days),
            ..
        } => Some(Term {
            value: days,
            citation: citation(o),
        }),
        _ => None,
    });
    Ok(validity.map(|validity_years| CertificationTerms {
        validity_years,
        renewal_months: renewal,
        report_working_days: report,
    }))
}

impl CertificationTerms {
    /// The last day a certificate issued on `issued` is valid.
    pub fn expires(&self, issued: Date) -> Date {
        issued.add_years(self.validity_years.value).yesterday()
    }

    /// The days within which renewal of a certificate issued on `issued` is applied for (first, last), where
    /// the law sets a window.
    pub fn renewal_window(&self, issued: Date) -> Option<(Date, Date)> {
        let months = self.renewal_months.as_ref()?.value;
        let expiry = issued.add_years(self.validity_years.value);
        let first = expiry
            .to_jiff()
            .checked_sub(jiff::Span::new().months(months))
            .ok()
            .map(Date::from)?;
        Some((first, self.expires(issued)))
    }

    /// The day by which the body reports to the platform an issue or status change on `event`, on the working-day
    /// calendar (with the year whose holidays are not yet published, if one was met).
    pub fn report_due(&self, book: &RuleBook, event: Date) -> Option<WorkingDate> {
        let days = self.report_working_days.as_ref()?.value;
        Some(book.calendar().add_working_days(event, days))
    }
}

/// Why a processor may not use the certification route on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ineligible {
    /// The law in force has no certification measures with an eligibility rule yet.
    NoRoute,
    /// Its transfers need a security assessment (CIIO, important data, or over the volume band).
    NeedsAssessment,
    /// No mechanism is needed: every flow is exempt or carries no PI.
    NotNeeded,
    /// Its group's combined volumes need the assessment: splitting is banned (Art. 5 para. 4).
    SplitAcrossGroup,
    /// A processor abroad applies through its office or designated representative in China (Art. 7).
    NoRepresentative,
}

/// Whether a processor may apply for certification on a date, and what must come first.
#[derive(Debug, Clone, Serialize)]
pub struct Eligibility {
    /// The date checked.
    pub as_of: Date,
    /// The processor's pathway on that date.
    pub pathway: Pathway,
    /// Why not, where it may not (empty: eligible).
    pub ineligible: Vec<Ineligible>,
    /// What must be done before applying (Art. 6), in words.
    pub prerequisites: Vec<String>,
    /// The articles relied on.
    pub citations: Vec<String>,
}

impl Eligibility {
    /// Whether the processor may apply.
    pub fn eligible(&self) -> bool {
        self.ineligible.is_empty()
    }
}

/// Whether the processor of `profile` may apply for certification on `as_of`, with `representative` its
/// office or designated representative in China, if it has one.
pub fn eligibility(
    book: &RuleBook,
    profile: &Profile,
    representative: Option<&str>,
    as_of: Date,
    lang: Lang,
) -> Result<Eligibility, LawError> {
    let a = crate::assess(book, profile, as_of, lang)?;
    let certification: Vec<_> = a
        .obligations
        .iter()
        .filter(|o| o.mechanism == Some(MechanismKind::Certification))
        .collect();
    let mut ineligible = Vec::new();
    // The 2026 measures are the first to bar splitting; before them, no pack carries that duty and the route
    // had no eligibility rule of its own.
    let measures = book
        .regime_at(as_of)?
        .obligations
        .iter()
        .any(|o| o.id.ends_with("/no-splitting"));
    match a.pathway {
        _ if !measures => ineligible.push(Ineligible::NoRoute),
        Pathway::SecurityAssessment => ineligible.push(Ineligible::NeedsAssessment),
        Pathway::Exempt | Pathway::NotApplicable => ineligible.push(Ineligible::NotNeeded),
        Pathway::StandardContractOrCertification | Pathway::Certification => {}
    }
    if split(&a) {
        ineligible.push(Ineligible::SplitAcrossGroup);
    }
    if !profile.processor.located_in_china && representative.is_none_or(|r| r.trim().is_empty()) {
        ineligible.push(Ineligible::NoRepresentative);
    }
    Ok(Eligibility {
        as_of,
        pathway: a.pathway,
        ineligible,
        prerequisites: certification
            .iter()
            .filter(|o| o.id.ends_with("/certification-prerequisites"))
            .map(|o| o.text.clone())
            .collect(),
        citations: certification.iter().fold(Vec::new(), |mut out, o| {
            if !out.contains(&o.citation) {
                out.push(o.citation.clone());
            }
            out
        }),
    })
}

fn split(a: &Assessment) -> bool {
    a.warnings
        .iter()
        .any(|w| matches!(w.kind, WarningKind::SplitAcrossGroup { .. }))
}

impl Ineligible {
    /// The reason in words.
    pub fn describe(&self, lang: Lang) -> &'static str {
        match self {
            Ineligible::NoRoute => lang.pick(
                "the law in force on this date has no certification measures with an eligibility rule (they apply from 2026-01-01)",
                "该日期施行的法律尚无规定认证适用范围的认证办法（自2026年1月1日起施行）",
            ),
            Ineligible::NeedsAssessment => lang.pick(
                "its transfers need a security assessment (CIIO, important data, or volumes over the certification band)",
                "其出境活动应当申报安全评估（关键信息基础设施运营者、重要数据或超出认证适用的数量范围）",
            ),
            Ineligible::NotNeeded => lang.pick(
                "no mechanism is needed: its transfers are exempt or carry no personal information",
                "无需出境机制：其出境活动免予申报或不涉及个人信息",
            ),
            Ineligible::SplitAcrossGroup => lang.pick(
                "its group's combined volumes need the security assessment; splitting volumes to use certification is banned (Art. 5 para. 4)",
                "其集团合计数量应当申报安全评估，不得拆分数量以适用认证（第五条第四款）",
            ),
            Ineligible::NoRepresentative => lang.pick(
                "a processor abroad applies through its office or designated representative in China (Art. 7); none is named",
                "境外处理者应当由其境内专门机构或者指定代表申请（第七条），申请未载明",
            ),
        }
    }
}
