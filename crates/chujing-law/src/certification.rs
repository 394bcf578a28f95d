//! The certification route as the certification service needs it: who may apply on a date (Certification
//! Measures 2026 Art. 5, 7), what must come first (Art. 6), and the dated terms of a certificate — its
//! validity, the renewal window (Art. 8) and the body's report to the national platform (Art. 9).
//!
//! Every figure is read from the obligations of the packs in force (by their kind of deadline and party, not
//! by a number written here), so that a change in the law is a change of a pack.

use serde::{Deserialize, Serialize};

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
    /// The article that keeps exports within the certified scope, and has the body suspend a certificate
    /// where they do not match it, where the law says so (Certification Measures 2026 Art. 10).
    pub scope_citation: Option<String>,
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
    let scope = duties(regime, Party::Processor)
        .find(|o| o.id.ends_with("/certified-scope"))
        .map(citation);
    Ok(validity.map(|validity_years| CertificationTerms {
        validity_years,
        renewal_months: renewal,
        report_working_days: report,
        scope_citation: scope,
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
        self.renewal_window_before(self.expires(issued))
    }

    /// The renewal window of a certificate whose last valid day is `last_day` (a renewed certificate's).
    pub fn renewal_window_before(&self, last_day: Date) -> Option<(Date, Date)> {
        let months = self.renewal_months.as_ref()?.value;
        let first = last_day
            .tomorrow()
            .to_jiff()
            .checked_sub(jiff::Span::new().months(months))
            .ok()
            .map(Date::from)?;
        Some((first, last_day))
    }

    /// The day by which the body reports to the platform an issue or status change on `event`, on the working-day
    /// calendar (with the year whose holidays are not yet published, if one was met).
    pub fn report_due(&self, book: &RuleBook, event: Date) -> Option<WorkingDate> {
        let days = self.report_working_days.as_ref()?.value;
        Some(book.calendar().add_working_days(event, days))
    }
}

/// Why a processor may not use the certification route on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// The pathway that exports of `individuals` people in one counting window, `sensitive` of them with
/// sensitive PI, lead to on `as_of` for a processor in China that is not a CIIO and exports no important
/// data: what a certificate covering that many may stand in for. A scope certification cannot cover is one
/// whose volumes lead to the security assessment (Provisions 2024 Art. 7 against Art. 8; Certification
/// Measures 2026 Art. 5): decided by the rules in force, not by figures written here.
pub fn pathway_for_volumes(
    book: &RuleBook,
    as_of: Date,
    individuals: u64,
    sensitive: u64,
) -> Result<Pathway, LawError> {
    let sensitive = sensitive.min(individuals);
    let toml = format!(
        "[processor]\nname = \"scope\"\nciio = false\nlocated_in_china = true\n\
         [[flows]]\nid = \"scope\"\ncountry = \"SG\"\ncategories = [\"contact\"]\n\
         individuals = {individuals}\nsensitive_individuals = {sensitive}\n"
    );
    let profile = Profile::parse("scope", &toml)?;
    Ok(crate::assess(book, &profile, as_of, Lang::En)?.pathway)
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

/// What a review item examines (the three matters the certification assesses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewTopic {
    /// Legality, legitimacy and necessity of the export.
    LegalityAndNecessity,
    /// The recipient country's legal and policy environment.
    DestinationLaw,
    /// The recipient's protective capacity and security measures, by the certification standard in force.
    SecurityMeasures,
}

/// One item of a certification body's review checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    /// Stable id (`legality-necessity`, `basic-requirements`, …).
    pub id: &'static str,
    /// What it examines.
    pub topic: ReviewTopic,
    /// What the reviewer checks, in words.
    pub text: &'static str,
    /// The article or standard it comes from.
    pub source: String,
}

/// The items a body reviews for an application made on `on`: the PIPIA matters of Art. 6 and the headings of
/// the certification standard in force (GB/T 46068-2025 from 2026-03-01, TC260-PG-20222A before).
pub fn review_checklist(
    book: &RuleBook,
    on: Date,
    lang: Lang,
) -> Result<Vec<ReviewItem>, LawError> {
    use ReviewTopic::*;
    let regime = book.regime_at(on)?;
    let standard = regime
        .standards
        .iter()
        .find(|s| s.body == crate::pack::StandardTopic::CertificationRequirements);
    let code = standard.map_or("", |s| s.article.get(lang));
    let art6 = lang.pick(
        "Certification Measures 2026 Art. 6",
        "《个人信息出境认证办法》第六条",
    );
    let item = |id, topic, en, zh, source: &str| ReviewItem {
        id,
        topic,
        text: lang.pick(en, zh),
        source: source.to_string(),
    };
    let mut out = vec![
        item(
            "legality-necessity",
            LegalityAndNecessity,
            "the lawfulness, legitimacy and necessity of the processor's and the recipient's purpose, scope and method",
            "处理者和境外接收方处理个人信息的目的、范围、方式等的合法性、正当性、必要性",
            art6,
        ),
        item(
            "scale-sensitivity",
            LegalityAndNecessity,
            "the scale, scope, type and sensitivity of the PI exported and the risks to individuals",
            "出境个人信息的规模、范围、种类、敏感程度及可能带来的风险",
            art6,
        ),
        item(
            "destination-law",
            DestinationLaw,
            "the PI protection laws and policies of the recipient's country or region",
            "境外接收方所在国家或者地区的个人信息保护政策和法规",
            art6,
        ),
        item(
            "recipient-capacity",
            SecurityMeasures,
            "the recipient's undertakings and the management and technical measures and capacity to keep them",
            "境外接收方承诺承担的义务以及履行义务的管理和技术措施、能力",
            art6,
        ),
    ];
    if code.starts_with("GB/T 46068") {
        // Only the top-level headings are verified (the pack's note says so); the items follow them.
        out.extend([
            item("basic-principles", SecurityMeasures,
                "the standard's basic principles (top-level heading; sub-clauses not verified by chujing)",
                "标准“基本原则”部分（一级标题；下级条款 chujing 未核对）", code),
            item("basic-requirements", SecurityMeasures,
                "the standard's basic requirements: binding agreement, PI protection officer and department, unified processing rules, PIPIA (top-level heading)",
                "标准“基本要求”部分：具有法律约束力的协议、个人信息保护负责人和机构、统一的处理规则、个人信息保护影响评估（一级标题）", code),
            item("individuals-rights", SecurityMeasures,
                "the standard's protection of individuals' rights: notice, separate consent, requests, remedies (top-level heading)",
                "标准“个人信息主体权益保障”部分：告知、单独同意、权利请求、救济（一级标题）", code),
        ]);
    } else if !code.is_empty() {
        out.extend([
            item("binding-agreement", SecurityMeasures,
                "a legally binding agreement: parties, categories, scope and purposes, measures, unified rules, supervision, PRC law, liability",
                "具有法律约束力的协议：双方、种类、范围和目的、保护措施、统一规则、接受监督、适用中国法律、责任承担", code),
            item("officer-department", SecurityMeasures,
                "a PI protection officer (a decision-maker with expertise) and a responsible department at both parties",
                "双方设立个人信息保护负责人（具有决策权和专业知识）和个人信息保护机构", code),
            item("unified-rules", SecurityMeasures,
                "unified processing rules: purpose, scope, categories, sensitivity, volumes, storage, retention, rights, remedies",
                "统一的个人信息跨境处理规则：目的、范围、种类、敏感程度、数量、存储地、保存期限、权利、救济", code),
            item("rights-and-suspension", SecurityMeasures,
                "notice and separate consent, handling of rights requests, and suspension of transfers when security cannot be ensured",
                "告知和单独同意、处理个人权利请求、无法保障安全时停止出境", code),
        ]);
    }
    Ok(out)
}
