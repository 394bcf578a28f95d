//! The documents, built from what chujing knows: the profile, the assessment (the law as of a date), and where
//! given the ledger and a scan. Every figure names its source; every statement of law cites its article;
//! what only a person can know is an open item.
//!
//! Citations: PIPL and the 2024 Provisions follow the project's law reference (`shared/law`). That reference
//! does not number the articles of the implementing measures; the numbers cited here for them (Security
//! Assessment Measures 2022 Art. 5 self-assessment, Art. 6 materials; Standard Contract Measures 2023 Art. 5
//! PIPIA, Art. 6 contract, Art. 7 filing within 10 working days) are those of the published texts and should
//! be checked against them when the measures are amended.

use chujing_law::guides::{
    Citations, Edition, Figures, GuideEdition, OutlineBlock, OutlineSection, OwnSection,
};
use chujing_law::{Assessment, Date, Lang, Profile};

use crate::model::{Block, ChecklistEntry, Document, Fact, OpenItem, Section, Source};
use crate::names;

/// The documents chujing writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// Personal information protection impact assessment (PIPL Art. 55-56).
    Pipia,
    /// Self-assessment report for a security assessment (Security Assessment Measures Art. 5-6).
    SelfAssessment,
    /// Standard contract filing materials (Standard Contract Measures Art. 7).
    StandardContractFiling,
    /// Certification application materials.
    CertificationApplication,
    /// Annex I of the standard contract (个人信息出境说明), filled from the data.
    StandardContractAnnex,
}

impl DocumentKind {
    /// Every kind.
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Pipia,
        DocumentKind::SelfAssessment,
        DocumentKind::StandardContractFiling,
        DocumentKind::CertificationApplication,
        DocumentKind::StandardContractAnnex,
    ];

    /// The identifier on the command line.
    pub fn id(self) -> &'static str {
        match self {
            DocumentKind::Pipia => "pipia",
            DocumentKind::SelfAssessment => "self-assessment",
            DocumentKind::StandardContractFiling => "standard-contract-filing",
            DocumentKind::CertificationApplication => "certification-application",
            DocumentKind::StandardContractAnnex => "standard-contract-annex",
        }
    }

    /// The kind of an identifier.
    pub fn parse(id: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// What the ledger says, for the documents.
#[derive(Debug, Clone)]
pub struct LedgerFigures {
    /// The counting window.
    pub from: Date,
    /// Its last day.
    pub to: Date,
    /// Distinct individuals in the window (counted flows).
    pub individuals: u64,
    /// Distinct individuals with sensitive PI.
    pub sensitive_individuals: u64,
    /// Individuals per month of transfer (`YYYY-MM`, distinct within the month), oldest first.
    pub by_month: Vec<(String, u64)>,
    /// Each flow with batches in the window: its own distinct individuals there.
    pub flows: Vec<LedgerFlow>,
}

/// One flow's figures in the ledger's window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerFlow {
    /// The flow id.
    pub id: String,
    /// Distinct individuals in the window.
    pub individuals: u64,
    /// Distinct individuals with sensitive PI in the window.
    pub sensitive_individuals: u64,
}

impl LedgerFigures {
    /// The ledger's figures of the flow `id`, when it has batches in the window.
    pub fn flow(&self, id: &str) -> Option<&LedgerFlow> {
        self.flows.iter().find(|f| f.id == id)
    }
}

/// What a scan report says, for the documents.
#[derive(Debug, Clone)]
pub struct ScanFigures {
    /// The scan report's file name.
    pub file: String,
    /// Rows scanned.
    pub rows: u64,
    /// (category id, sensitive, cells) found.
    pub categories: Vec<(String, bool, u64)>,
    /// Distinct individuals with any PI and with sensitive PI, when the scan had a subject column.
    pub individuals: Option<(u64, u64)>,
}

/// Everything a document is built from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The profile's file name (named as the source of its figures).
    pub profile_file: &'a str,
    /// The profile.
    pub profile: &'a Profile,
    /// The assessment, in the document's language.
    pub assessment: &'a Assessment,
    /// The ledger's figures, with `--ledger`.
    pub ledger: Option<&'a LedgerFigures>,
    /// A scan's figures, with `--scan`.
    pub scan: Option<&'a ScanFigures>,
}

/// Text in the document's language.
fn t(lang: Lang, en: &str, zh: &str) -> String {
    lang.pick(en, zh).to_string()
}

fn para(text: String, citation: Option<String>) -> Block {
    Block::Paragraph { text, citation }
}

fn open(id: &str, lang: Lang, en: &str, zh: &str) -> Block {
    Block::Open {
        item: OpenItem {
            id: id.to_string(),
            text: t(lang, en, zh),
        },
    }
}

fn fact(label: String, value: String, source: Source) -> Fact {
    Fact {
        label,
        value,
        source,
    }
}

/// A number with thousands separators.
fn n(x: u64) -> String {
    chujing_law::explain::number(x)
}

impl Inputs<'_> {
    fn lang(&self) -> Lang {
        self.assessment.lang
    }

    fn profile_source(&self) -> Source {
        Source::Profile(self.profile_file.to_string())
    }

    /// Where the processor-wide totals came from: the ledger only when they are the ledger's own figures (a
    /// flow the ledger does not hold can raise them, and then they are the profile's).
    fn totals_source(&self) -> Source {
        let t = &self.assessment.totals;
        let ledger_own = self.ledger.is_some_and(|l| {
            (l.individuals, l.sensitive_individuals) == (t.individuals, t.sensitive_individuals)
        });
        match t.source {
            chujing_law::assess::TotalsSource::Ledger if ledger_own => Source::Ledger,
            _ => self.profile_source(),
        }
    }

    /// The purposes and the categories the profile records for a flow, each joined for a table cell (empty
    /// when the profile has no such flow).
    fn purposes_and_categories(&self, flow_id: &str) -> (String, String) {
        self.profile
            .flows
            .iter()
            .find(|p| p.id == flow_id)
            .map(|p| {
                let lang = self.lang();
                let purposes = names::join(lang, &p.purposes, |l, id| {
                    names::purpose(l, id).map(String::from)
                });
                let categories = names::join(lang, &p.categories, names::category);
                (purposes.0, categories.0)
            })
            .unwrap_or_default()
    }

    /// In a Chinese document, the purposes and categories of the profile that have no Chinese name here, as
    /// an open item asking for them (an identifier is not a Chinese name).
    fn unnamed(&self) -> Option<Block> {
        let lang = self.lang();
        if lang != Lang::Zh {
            return None;
        }
        let mut unknown: Vec<String> = Vec::new();
        for f in &self.profile.flows {
            unknown.extend(
                names::join(lang, &f.purposes, |l, id| {
                    names::purpose(l, id).map(String::from)
                })
                .1,
            );
            unknown.extend(names::join(lang, &f.categories, names::category).1);
        }
        unknown.sort();
        unknown.dedup();
        (!unknown.is_empty()).then(|| Block::Open {
            item: OpenItem {
                id: "chinese-names".into(),
                text: format!(
                    "为出境情况文件中的以下标识提供中文名称（申报材料应使用中文）：{}",
                    unknown.join("、")
                ),
            },
        })
    }
}

/// Builds a document of `kind`.
pub fn build(kind: DocumentKind, inputs: &Inputs<'_>) -> Document {
    let lang = inputs.lang();
    let a = inputs.assessment;
    let (title, sections) = match kind {
        DocumentKind::Pipia => (
            t(
                lang,
                "Personal Information Protection Impact Assessment Report (cross-border provision)",
                "个人信息保护影响评估报告（向境外提供个人信息）",
            ),
            outlined(inputs, &edition(inputs).pipia),
        ),
        DocumentKind::SelfAssessment => (
            t(
                lang,
                "Data Export Risk Self-Assessment Report",
                "数据出境风险自评估报告",
            ),
            outlined(inputs, &edition(inputs).self_assessment),
        ),
        DocumentKind::StandardContractFiling => (
            t(
                lang,
                "Standard Contract Filing Materials",
                "个人信息出境标准合同备案材料",
            ),
            standard_contract_filing(inputs),
        ),
        DocumentKind::CertificationApplication => (
            t(
                lang,
                "Personal Information Protection Certification: Application Materials",
                "个人信息保护认证申请材料",
            ),
            certification_application(inputs),
        ),
        DocumentKind::StandardContractAnnex => (
            t(
                lang,
                "Standard contract, Annex I: description of the provision of personal information abroad",
                "个人信息出境标准合同　附录一：个人信息出境说明",
            ),
            standard_contract_annex(inputs),
        ),
    };
    let mut sections = sections;
    // Before any template's numbered parts, unnumbered: whether the document applies to this processor at all
    // (a filing the law does not allow must say so first), and the other reading of the law where it would
    // change the answer.
    if let Some(readings) = open_readings(inputs) {
        sections.insert(0, readings);
    }
    sections.insert(0, standing(kind, inputs));
    let mut doc = Document {
        kind: kind.id().to_string(),
        lang,
        title,
        subtitle: format!(
            "{} · {} {}",
            a.processor.name,
            t(lang, "as of", "评估基准日"),
            a.as_of
        ),
        organisation: a.processor.name.clone(),
        date: written_date(a.as_of, lang),
        // The guides' templates are Chinese: the Chinese documents of the second editions follow them.
        template: lang == Lang::Zh
            && edition(inputs).template
            && matches!(kind, DocumentKind::Pipia | DocumentKind::SelfAssessment),
        notice: t(
            lang,
            "Generated by chujing from the sources named beside each figure. It paraphrases the law and is not legal advice; items marked OPEN must be completed by the processor before use.",
            "本文件由 chujing 根据各数据旁注明的来源生成，对法规的表述为转述，不构成法律意见；标注“待补充”的事项须由个人信息处理者补充完整后方可使用。",
        ),
        open_heading: t(
            lang,
            "Open items (to be supplied by the processor)",
            "待补充事项（由个人信息处理者提供）",
        ),
        open_items: Vec::new(),
        sections,
    };
    doc.collect_open_items();
    doc
}

/// Whether this kind of document is for this processor at all, stated before anything else: a contract filing
/// for a processor that needs a security assessment would be a filing the law does not allow.
fn standing(kind: DocumentKind, i: &Inputs<'_>) -> Section {
    use chujing_law::{MechanismKind, Standing};
    let lang = i.lang();
    let pathway = i.assessment.pathway;
    let route = pathway.label(lang);
    let (mechanism, citation) = match kind {
        DocumentKind::Pipia => {
            let (text, cite_text) = if pathway == chujing_law::Pathway::NotApplicable {
                (
                    t(
                        lang,
                        "Not required for export: no personal information leaves China in any flow. Keep it only if another processing activity calls for it.",
                        "出境场景下无需编制：所有数据流均不涉及个人信息出境。仅在其他处理活动需要时保留。",
                    ),
                    cite(i, |c| &c.pipia_not_required),
                )
            } else {
                (
                    match lang {
                        Lang::En => format!(
                            "Required: every provision of personal information abroad needs a PIPIA before it starts, whatever the pathway (here: {route})."
                        ),
                        Lang::Zh => format!(
                            "必须编制：无论采用何种路径（本处理者为{route}），向境外提供个人信息前均须进行个人信息保护影响评估。"
                        ),
                    },
                    cite(i, |c| &c.pipia_required),
                )
            };
            return standing_section(lang, text, cite_text);
        }
        DocumentKind::SelfAssessment => (
            MechanismKind::SecurityAssessment,
            cite(i, |c| &c.self_assessment),
        ),
        DocumentKind::StandardContractFiling | DocumentKind::StandardContractAnnex => (
            MechanismKind::StandardContract,
            cite(i, |c| &c.standard_contract),
        ),
        DocumentKind::CertificationApplication => {
            (MechanismKind::Certification, cite(i, |c| &c.certification))
        }
    };
    let what = match mechanism {
        MechanismKind::SecurityAssessment => t(
            lang,
            "a security assessment (this self-assessment goes with its application)",
            "数据出境安全评估（本自评估报告随申报提交）",
        ),
        MechanismKind::StandardContract => t(
            lang,
            "a standard contract filing",
            "个人信息出境标准合同备案",
        ),
        MechanismKind::Certification => t(
            lang,
            "a personal information protection certification",
            "个人信息保护认证",
        ),
    };
    let text = match (pathway.standing_of(mechanism), lang) {
        (Standing::Required, Lang::En) => {
            format!("Eligible: the processor's pathway is {route}, which {what} satisfies.")
        }
        (Standing::Required, Lang::Zh) => {
            format!("适用：本处理者的路径为{route}，{what}可满足该要求。")
        }
        (Standing::NotRequired, Lang::En) => format!(
            "Not required: the processor's pathway is {route}; nothing in the law in force calls for {what}."
        ),
        (Standing::NotRequired, Lang::Zh) => {
            format!("无需办理：本处理者的路径为{route}，现行规定并不要求{what}。")
        }
        (Standing::Closed, Lang::En) => format!(
            "NOT ELIGIBLE: the processor's pathway is {route}, which {what} cannot satisfy. This document would not make the transfers lawful."
        ),
        (Standing::Closed, Lang::Zh) => format!(
            "不适用：本处理者的路径为{route}，{what}无法满足该要求，本文件不能使出境活动合法。"
        ),
    };
    standing_section(lang, text, citation)
}

/// The open questions of law whose other reading would change a pathway, when there are any.
fn open_readings(i: &Inputs<'_>) -> Option<Section> {
    let lang = i.lang();
    let readings = &i.assessment.open_readings;
    if readings.is_empty() {
        return None;
    }
    let outcome = |r| chujing_law::explain::reading_outcome(r, i.assessment.pathway, lang);
    let blocks = readings
        .iter()
        .map(|r| {
            let text = match lang {
                Lang::En => format!(
                    "{} This document reads it so: {}. If instead {}: {}.{}",
                    r.question,
                    r.adopted,
                    r.alternative,
                    outcome(r),
                    r.why.as_ref().map_or(String::new(), |w| format!(" ({w})"))
                ),
                Lang::Zh => format!(
                    "{}本文件采用的理解：{}。如果改为{}：{}。{}",
                    r.question,
                    r.adopted,
                    r.alternative,
                    outcome(r),
                    r.why.as_ref().map_or(String::new(), |w| format!("（{w}）"))
                ),
            };
            para(text, Some(r.citation.clone()))
        })
        .collect();
    Some(Section {
        level: 1,
        heading: t(lang, "If the law is read the other way", "如果按另一种理解"),
        blocks,
    })
}

fn standing_section(lang: Lang, text: String, citation: String) -> Section {
    Section {
        level: 1,
        heading: t(
            lang,
            "Is this document for this processor?",
            "本文件是否适用于本处理者",
        ),
        blocks: vec![para(text, Some(citation))],
    }
}

/// The processor, the date, the law in force and the pathway decided.
fn overview(i: &Inputs<'_>) -> Section {
    let lang = i.lang();
    let a = i.assessment;
    let yes_no = |b: bool| {
        t(
            lang,
            if b { "yes" } else { "no" },
            if b { "是" } else { "否" },
        )
    };
    let mut facts = vec![
        fact(
            t(lang, "Personal information processor", "个人信息处理者"),
            a.processor.name.clone(),
            i.profile_source(),
        ),
        fact(
            t(
                lang,
                "Critical information infrastructure operator",
                "关键信息基础设施运营者",
            ),
            yes_no(a.processor.ciio),
            i.profile_source(),
        ),
        fact(
            t(lang, "Located in China", "位于中国境内"),
            yes_no(a.processor.located_in_china),
            i.profile_source(),
        ),
    ];
    if let Some(p) = a.processor.individuals_processed {
        facts.push(fact(
            t(
                lang,
                "Individuals whose PI is processed",
                "处理个人信息的自然人数量",
            ),
            n(p),
            i.profile_source(),
        ));
    }
    facts.push(fact(
        t(lang, "Assessment date", "评估基准日"),
        a.as_of.to_string(),
        Source::Decision,
    ));
    facts.push(fact(
        t(
            lang,
            "Pathway required for the processor",
            "个人信息处理者适用的出境路径",
        ),
        a.pathway.label(lang).to_string(),
        Source::Decision,
    ));
    let instruments: Vec<String> = a
        .instruments
        .iter()
        .map(|x| format!("{} ({}, {})", x.title, x.document, x.effective))
        .collect();
    Section {
        level: 1,
        heading: t(lang, "Overview", "基本情况"),
        blocks: vec![
            Block::Facts { facts },
            para(
                format!(
                    "{}{}",
                    t(
                        lang,
                        "Law in force on the assessment date: ",
                        "评估基准日有效的规定："
                    ),
                    instruments.join("; ")
                ),
                None,
            ),
        ],
    }
}

/// The flows: recipient, country, kind, purposes, categories, volumes, pathway.
fn flows(i: &Inputs<'_>) -> Section {
    let lang = i.lang();
    let headers = [
        ("flow", "出境活动"),
        ("recipient", "境外接收方"),
        ("country/region", "国家或地区"),
        ("kind", "方式"),
        ("purposes", "目的"),
        ("categories", "个人信息种类"),
        ("individuals", "人数"),
        ("sensitive", "敏感个人信息人数"),
        ("pathway", "路径"),
    ]
    .iter()
    .map(|(en, zh)| t(lang, en, zh))
    .collect();
    let rows = i
        .assessment
        .flows
        .iter()
        .map(|f| {
            let categories = i.purposes_and_categories(&f.id);
            vec![
                f.id.clone(),
                f.recipient.clone(),
                f.country.clone(),
                f.kind.label(lang).to_string(),
                categories.0,
                categories.1,
                n(f.individuals),
                n(f.sensitive_individuals),
                f.pathway.label(lang).to_string(),
            ]
        })
        .collect();
    let mut blocks = vec![Block::Table {
        headers,
        rows,
        source: i.profile_source(),
    }];
    if let Some(ledger) = i.ledger {
        blocks.push(figure_sources(i, ledger));
    }
    blocks.extend(i.unnamed());
    Section {
        level: 1,
        heading: t(lang, "The transfers", "出境活动情况"),
        blocks,
    }
}

/// The standard in force for `topic` on the assessment's date, as the assessment names it.
fn standard_of(i: &Inputs<'_>, topic: chujing_law::pack::StandardTopic) -> Option<String> {
    i.assessment
        .standards
        .iter()
        .find(|s| s.topic == topic)
        .map(|s| s.name.clone())
}

/// Which flows' figures are the ledger's count and which the profile's, and where the two disagree (worded
/// once, in the assessment's warnings).
fn figure_sources(i: &Inputs<'_>, ledger: &LedgerFigures) -> Block {
    let lang = i.lang();
    let (counted, given): (Vec<&str>, Vec<&str>) = i
        .assessment
        .flows
        .iter()
        .map(|f| f.id.as_str())
        .partition(|id| ledger.flow(id).is_some());
    let list = |ids: &[&str]| {
        if ids.is_empty() {
            t(lang, "none", "无")
        } else {
            ids.join(", ")
        }
    };
    let mut text = format!(
        "{} {}. {} {}.",
        t(
            lang,
            "Individuals counted by the ledger in the window:",
            "人数取自台账计数期间统计的数据流："
        ),
        list(&counted),
        t(
            lang,
            "Individuals as given in the profile (not in the ledger):",
            "人数取自档案填写（台账中没有）的数据流："
        ),
        list(&given)
    );
    for w in i.assessment.warnings.iter().filter(|w| {
        matches!(
            w.kind,
            chujing_law::WarningKind::ProfileDisagreesWithLedger { .. }
        )
    }) {
        text.push(' ');
        text.push_str(&w.message);
        text.push('.');
    }
    para(text, None)
}

/// Scale, scope, categories and sensitivity, from the totals, the ledger and the scan.
fn scale(i: &Inputs<'_>) -> Vec<Block> {
    let lang = i.lang();
    let a = i.assessment;
    let mut blocks = Vec::new();
    let mut facts = vec![
        fact(
            t(
                lang,
                "Individuals provided abroad in the counting window",
                "计数期间内向境外提供个人信息的人数",
            ),
            n(a.totals.individuals),
            i.totals_source(),
        ),
        fact(
            t(lang, "of which with sensitive PI", "其中敏感个人信息人数"),
            n(a.totals.sensitive_individuals),
            i.totals_source(),
        ),
    ];
    if let Some(s) = standard_of(
        i,
        chujing_law::pack::StandardTopic::SensitivePersonalInformation,
    ) {
        facts.push(fact(
            t(
                lang,
                "Sensitive PI identified under",
                "敏感个人信息识别依据",
            ),
            s.clone(),
            Source::Law(format!(
                "{}; {s}",
                cite(i, |c| &c.sensitive_personal_information)
            )),
        ));
    }
    if let Some(w) = &a.window {
        facts.push(fact(
            t(lang, "Counting window", "计数期间"),
            format!("{} – {}", w.from, w.to),
            Source::Law(w.citation.clone()),
        ));
    }
    if let Some(l) = i.ledger {
        facts.push(fact(
            t(
                lang,
                "Ledger: distinct individuals in the window",
                "台账：计数期间内去重人数",
            ),
            format!(
                "{} ({} {})",
                n(l.individuals),
                n(l.sensitive_individuals),
                t(lang, "sensitive", "敏感")
            ),
            Source::Ledger,
        ));
    }
    blocks.push(Block::Facts { facts });
    if let Some(l) = i.ledger.filter(|l| !l.by_month.is_empty()) {
        blocks.push(Block::Chart {
            caption: t(lang, "Individuals whose PI was provided abroad, by month of transfer (distinct within each month)", "按出境月份统计的个人信息出境人数（月内去重）"),
            bars: l.by_month.clone(),
            source: Source::Ledger,
        });
    }
    match i.scan {
        Some(s) => {
            let rows = s
                .categories
                .iter()
                .map(|(c, sensitive, count)| {
                    let name = names::category(lang, c).unwrap_or_else(|| c.clone());
                    vec![name, t(lang, if *sensitive { "yes" } else { "no" }, if *sensitive { "是" } else { "否" }), n(*count)]
                })
                .collect();
            blocks.push(para(
                format!("{} {} ({} {})", t(lang, "Categories found by scanning the exported data:", "对出境数据进行扫描发现的个人信息种类："), s.file, n(s.rows), t(lang, "rows", "行")),
                None,
            ));
            blocks.push(Block::Table {
                headers: vec![t(lang, "category", "种类"), t(lang, "sensitive", "敏感"), t(lang, "cells", "数量")],
                rows,
                source: Source::Scan(s.file.clone()),
            });
        }
        None => blocks.push(open(
            "data-inventory",
            lang,
            "Confirm the categories of PI in each transfer (for example by `chujing scan` of the exported data).",
            "确认各出境活动涉及的个人信息种类（例如以 `chujing scan` 扫描出境数据）。",
        )),
    }
    blocks
}

/// The pathway and the duties that follow, with their dates.
fn conclusion(i: &Inputs<'_>) -> Section {
    let lang = i.lang();
    let a = i.assessment;
    let mut blocks = vec![para(
        format!(
            "{}{}",
            t(
                lang,
                "Pathway required for the processor: ",
                "个人信息处理者适用的出境路径："
            ),
            a.pathway.label(lang)
        ),
        a.citations.first().cloned(),
    )];
    let rows = a
        .obligations
        .iter()
        .map(|o| {
            vec![
                o.text.clone(),
                o.flows.join(", "),
                o.due_text.clone(),
                o.citation.clone(),
            ]
        })
        .collect();
    blocks.push(Block::Table {
        headers: vec![
            t(lang, "duty", "义务"),
            t(lang, "flows", "出境活动"),
            t(lang, "when", "期限"),
            t(lang, "article", "依据"),
        ],
        rows,
        source: Source::Decision,
    });
    for w in &a.warnings {
        blocks.push(para(format!("{} {w}", t(lang, "Note:", "提示："),), None));
    }
    Section {
        level: 1,
        heading: t(lang, "Conclusion and duties", "评估结论与义务"),
        blocks,
    }
}

/// One fact per flow, labelled "`en` ID" / "`zh`（ID）", from the profile.
fn per_flow_facts<'a>(
    i: &Inputs<'_>,
    (en, zh): (&str, &str),
    values: impl Iterator<Item = (&'a str, String)>,
) -> Block {
    let lang = i.lang();
    Block::Facts {
        facts: values
            .map(|(id, value)| {
                fact(
                    t(lang, &format!("{en} {id}"), &format!("{zh}（{id}）")),
                    value,
                    i.profile_source(),
                )
            })
            .collect(),
    }
}

/// The purposes of each flow, from the profile.
fn purposes(i: &Inputs<'_>) -> Block {
    per_flow_facts(
        i,
        ("Purposes of", "出境目的"),
        i.profile
            .flows
            .iter()
            .map(|f| (f.id.as_str(), i.purposes_and_categories(&f.id).0)),
    )
}

/// The destinations, from the profile.
fn destinations(i: &Inputs<'_>) -> Block {
    per_flow_facts(
        i,
        ("Destination of", "接收方所在地"),
        i.assessment
            .flows
            .iter()
            .map(|f| (f.id.as_str(), format!("{} ({})", f.country, f.recipient))),
    )
}

fn standard_contract_filing(i: &Inputs<'_>) -> Vec<Section> {
    let lang = i.lang();
    let a = i.assessment;
    let filing = a
        .obligations
        .iter()
        .find(|o| o.id.ends_with("/contract-filing"));
    // The duty, its deadline and its article are the rule pack's (the obligation that fired), never restated
    // here: a pack that changes the deadline changes the document.
    let mut deadline = vec![match filing {
        Some(o) => para(
            format!(
                "{}{}{}",
                t(lang, "The processor shall ", "个人信息处理者应当"),
                o.text,
                t(lang, ".", "。")
            ),
            Some(o.citation.clone()),
        ),
        None => para(
            format!(
                "{} {}",
                t(
                    lang,
                    "The law in force on the assessment date sets no filing of a standard contract for these flows:",
                    "评估基准日施行的规定未对上述数据流设定标准合同备案义务：",
                ),
                t(
                    lang,
                    "no filing deadline is stated.",
                    "本文件不列明备案期限。",
                )
            ),
            None,
        ),
    }];
    if let Some(o) = filing {
        deadline.push(Block::Facts {
            facts: vec![fact(
                t(lang, "Filing due", "备案期限"),
                o.due_text.clone(),
                Source::Decision,
            )],
        });
    }
    // Without the date the contract took effect there is no deadline to state, only a duty to compute one.
    if filing.and_then(|o| o.due).is_none() {
        deadline.push(open("contract-effective-date", lang, "Record the date the standard contract takes effect (`mechanism = { kind = \"standard_contract\", since = … }` in the profile) to compute the filing deadline.", "在出境情况文件（profile）中记录标准合同生效日期（`mechanism = { kind = \"standard_contract\", since = … }`），以计算备案期限。"));
    }
    let annex_rows = a
        .flows
        .iter()
        .filter(|f| f.counted)
        .map(|f| {
            let (purposes, categories) = i.purposes_and_categories(&f.id);
            vec![
                f.id.clone(),
                f.recipient.clone(),
                f.country.clone(),
                purposes,
                f.kind.label(lang).to_string(),
                n(f.individuals),
                categories,
                n(f.sensitive_individuals),
            ]
        })
        .collect();
    let (_, checklist) = filing_checklist(chujing_law::MechanismKind::StandardContract, lang);
    vec![
        overview(i),
        Section {
            level: 1,
            heading: t(lang, "Filing deadline", "备案期限"),
            blocks: deadline,
        },
        Section {
            level: 1,
            heading: t(
                lang,
                "Annex I: description of the provision of personal information abroad",
                "附录一：个人信息出境说明",
            ),
            blocks: vec![
                Block::Table {
                    headers: [
                        ("flow", "出境活动"),
                        ("recipient", "境外接收方"),
                        ("country/region", "国家或地区"),
                        ("purposes", "处理目的"),
                        ("method", "处理方式"),
                        ("individuals", "出境个人信息规模（人）"),
                        ("categories", "个人信息种类"),
                        ("sensitive individuals", "敏感个人信息（人）"),
                    ]
                    .iter()
                    .map(|(en, zh)| t(lang, en, zh))
                    .collect(),
                    rows: annex_rows,
                    source: i.profile_source(),
                },
                open(
                    "retention-period",
                    lang,
                    "State the recipient's retention period and what happens at its end (deletion or anonymisation).",
                    "说明境外接收方的保存期限及期满后的处理（删除或匿名化）。",
                ),
                open(
                    "storage-location",
                    lang,
                    "State where the recipient stores the personal information.",
                    "说明境外接收方存储个人信息的地点。",
                ),
                open(
                    "onward-transfer",
                    lang,
                    "List any onward recipients and the conditions of onward transfer.",
                    "列明再提供的接收方及再提供的条件（如有）。",
                ),
            ],
        },
        Section {
            level: 1,
            heading: t(lang, "Filing checklist", "备案材料清单"),
            blocks: vec![
                para(
                    cite(i, |c| &c.filing_checklist_intro),
                    Some(cite(i, |c| &c.filing_checklist)),
                ),
                Block::Checklist { entries: checklist },
            ],
        },
        conclusion(i),
    ]
}

fn certification_application(i: &Inputs<'_>) -> Vec<Section> {
    let lang = i.lang();
    let entries = vec![
        ChecklistEntry {
            text: t(lang, "Certification application form", "认证申请书"),
            done: false,
            note: t(
                lang,
                "to fill in with the certification body",
                "向认证机构填写",
            ),
        },
        ChecklistEntry {
            text: t(
                lang,
                "Legally binding agreement between the processor and the recipient",
                "个人信息处理者与境外接收方之间具有法律约束力的协议",
            ),
            done: false,
            note: t(
                lang,
                "check its clauses with `chujing contract check`",
                "可用 `chujing contract check` 检查条款",
            ),
        },
        ChecklistEntry {
            text: t(
                lang,
                "Unified rules for the cross-border processing (purpose, scope, categories, retention, rights)",
                "统一遵守的个人信息跨境处理规则",
            ),
            done: false,
            note: t(lang, "to supply", "待提供"),
        },
        ChecklistEntry {
            text: t(lang, "Risk mitigation plan", "风险处置方案"),
            done: false,
            note: t(lang, "to supply", "待提供"),
        },
        ChecklistEntry {
            text: t(
                lang,
                "Compliance strategy and organisation (PI protection officer and department at both parties)",
                "合规策略及组织（双方个人信息保护负责人及机构）",
            ),
            done: false,
            note: t(lang, "to supply", "待提供"),
        },
        ChecklistEntry {
            text: t(lang, "PIPIA report", "个人信息保护影响评估报告"),
            done: true,
            note: t(
                lang,
                "generated with `chujing report pipia` (open items to complete)",
                "可用 `chujing report pipia` 生成（待补充事项须完成）",
            ),
        },
        ChecklistEntry {
            text: t(
                lang,
                "Business licence of the applicant (or of the office or representative in China, for a processor abroad)",
                "申请人营业执照（境外处理者为其境内专门机构或指定代表）",
            ),
            done: false,
            note: t(lang, "to supply", "待提供"),
        },
    ];
    let a = i.assessment;
    let eligible = a.pathway == chujing_law::Pathway::StandardContractOrCertification;
    vec![
        overview(i),
        Section {
            level: 1,
            heading: t(lang, "Eligibility", "适用条件"),
            blocks: vec![para(
                if eligible {
                    t(
                        lang,
                        "The processor's pathway allows certification: a non-CIIO within the contract band, providing no important data.",
                        "个人信息处理者适用的路径允许通过个人信息保护认证：非关键信息基础设施运营者，出境规模在标准合同适用范围内，且不涉及重要数据。",
                    )
                } else {
                    format!(
                        "{} {}",
                        t(
                            lang,
                            "Certification is not the pathway decided for this processor:",
                            "该个人信息处理者适用的路径不是个人信息保护认证："
                        ),
                        a.pathway.label(lang)
                    )
                },
                // The rule that decided the pathway, as the pack cites it.
                a.citations.first().cloned(),
            )],
        },
        Section {
            level: 1,
            heading: t(lang, "Materials and their status", "申请材料及完成情况"),
            blocks: vec![
                para(
                    match (lang, standard_of(i, chujing_law::pack::StandardTopic::CertificationRequirements)) {
                        (Lang::En, Some(s)) => format!("Materials the certification bodies ask for under the Implementation Rules and {s}."),
                        (Lang::Zh, Some(s)) => format!("依据《个人信息保护认证实施规则》及{s}所需的材料。"),
                        (Lang::En, None) => "Materials the certification bodies ask for under the Implementation Rules.".into(),
                        (Lang::Zh, None) => "依据《个人信息保护认证实施规则》所需的材料。".into(),
                    },
                    Some(cite(i, |c| &c.certification_materials)),
                ),
                Block::Checklist { entries },
            ],
        },
        flows(i),
        conclusion(i),
    ]
}

/// The guides' edition in use on the assessment date: what it asks of the documents (chujing-law's
/// `guides/*.toml`).
fn edition(i: &Inputs<'_>) -> &'static Edition {
    GuideEdition::on(i.assessment.as_of).outline()
}

/// An edition's article for a statement, in the document's language.
fn cite(i: &Inputs<'_>, pick: impl Fn(&Citations) -> &chujing_law::Text) -> String {
    pick(&edition(i).citations).get(i.lang()).to_string()
}

/// A report laid out as the edition's outline lays it out, with chujing's figures where it names them.
fn outlined(i: &Inputs<'_>, outline: &[OutlineSection]) -> Vec<Section> {
    let lang = i.lang();
    outline
        .iter()
        .map(|s| match s {
            OutlineSection::Own(OwnSection::Overview) => overview(i),
            OutlineSection::Own(OwnSection::Flows) => flows(i),
            OutlineSection::Own(OwnSection::Conclusion) => conclusion(i),
            OutlineSection::Template {
                level,
                number,
                heading,
                citation,
                blocks,
            } => {
                let heading = heading.get(lang);
                let restated = citation
                    .as_ref()
                    .map(|c| para(heading.to_string(), Some(c.get(lang).to_string())));
                let blocks = restated
                    .into_iter()
                    .chain(blocks.iter().flat_map(|b| outlined_block(i, b)))
                    .collect();
                sec(
                    *level,
                    format!("{}{heading}", number.as_deref().unwrap_or_default()),
                    blocks,
                )
            }
        })
        .collect()
}

fn outlined_block(i: &Inputs<'_>, block: &OutlineBlock) -> Vec<Block> {
    let lang = i.lang();
    match block {
        OutlineBlock::Text { text, citation } => vec![para(
            text.get(lang).to_string(),
            citation.as_ref().map(|c| c.get(lang).to_string()),
        )],
        OutlineBlock::Open { id, text } => vec![Block::Open {
            item: OpenItem {
                id: id.clone(),
                text: text.get(lang).to_string(),
            },
        }],
        OutlineBlock::Figures(f) => match f {
            Figures::Overview => overview(i).blocks,
            Figures::Flows => flows(i).blocks,
            Figures::Purposes => vec![purposes(i)],
            Figures::Scale => scale(i),
            Figures::Destinations => vec![destinations(i)],
            Figures::DataItems => data_items(i),
            Figures::Conclusion => conclusion(i).blocks,
            Figures::EditionNote => edition_note(i).into_iter().collect(),
        },
    }
}

/// The edition's note on how its documents are arranged (the first editions' templates are not encoded, and
/// the document says so), with the day the next edition took over.
fn edition_note(i: &Inputs<'_>) -> Option<Block> {
    let lang = i.lang();
    let current = GuideEdition::on(i.assessment.as_of);
    let since = current
        .next()
        .map(|e| written_date(e.since(), lang))
        .unwrap_or_default();
    let note = current.outline().note.as_ref()?;
    Some(para(note.get(lang).replace("{since}", &since), None))
}

/// A date as a document writes it: 2024-03-22, 2024年3月22日.
fn written_date(date: Date, lang: Lang) -> String {
    match lang {
        Lang::En => date.to_string(),
        Lang::Zh => {
            let d = date.to_jiff();
            format!("{}年{}月{}日", d.year(), d.month(), d.day())
        }
    }
}

/// A section of a template, its heading numbered as the template numbers it.
fn sec(level: u8, heading: String, blocks: Vec<Block>) -> Section {
    Section {
        heading,
        level,
        blocks,
    }
}

/// The data items of each business scenario (a flow), for the self-assessment's table: 序号 / 数据项名称 /
/// 内容描述 / 出境必要性 / 示例 / 备注, each category once within its scenario.
fn data_items(i: &Inputs<'_>) -> Vec<Block> {
    let lang = i.lang();
    let headers = [
        ("No.", "序号"),
        ("Data item", "数据项名称"),
        ("Description", "内容描述"),
        ("Why it must go abroad", "出境必要性"),
        ("Example", "示例"),
        ("Notes", "备注"),
    ]
    .iter()
    .map(|(en, zh)| t(lang, en, zh))
    .collect::<Vec<_>>();
    let mut blocks = Vec::new();
    for f in &i.profile.flows {
        let mut seen: Vec<&String> = Vec::new();
        for c in &f.categories {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        let rows = seen
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let name = names::category(lang, c).unwrap_or_else(|| (*c).clone());
                vec![
                    (k + 1).to_string(),
                    name,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            })
            .collect();
        let (purposes, _) = i.purposes_and_categories(&f.id);
        blocks.push(para(
            format!(
                "{}{}（{} → {}，{}）",
                t(lang, "Business scenario: ", "业务场景："),
                f.id,
                f.recipient,
                f.country,
                purposes
            ),
            None,
        ));
        blocks.push(Block::Table {
            headers: headers.clone(),
            rows,
            source: i.profile_source(),
        });
    }
    blocks.push(open(
        "data-items",
        lang,
        "For each data item, describe its content, why it must go abroad, give an example (masked) and any note.",
        "逐项填写数据项的内容描述、出境必要性、示例（脱敏）和备注。",
    ));
    blocks
}

/// An entry the processor supplies itself.
fn to_supply(lang: Lang, en: &str, zh: &str) -> ChecklistEntry {
    ChecklistEntry {
        text: t(lang, en, zh),
        done: false,
        note: t(lang, "to supply", "待提供"),
    }
}

/// The materials a filing needs, as the CAC's second-edition guides list them, each with whether chujing
/// produces it: for a security assessment (the application) or a standard contract (the filing); a
/// certification's are listed by the certification application document itself (none here). Returns the guide
/// cited and the entries.
pub fn filing_checklist(
    mechanism: chujing_law::MechanismKind,
    lang: Lang,
) -> (String, Vec<ChecklistEntry>) {
    use chujing_law::MechanismKind as M;
    let identity = || {
        vec![
            to_supply(
                lang,
                "Copy of the unified social credit code certificate",
                "统一社会信用代码证件影印件",
            ),
            to_supply(
                lang,
                "Copy of the legal representative's identity document",
                "法定代表人身份证件影印件",
            ),
            to_supply(
                lang,
                "Copy of the filing agent's identity document, and the power of attorney",
                "经办人身份证件影印件及经办人授权委托书",
            ),
        ]
    };
    match mechanism {
        M::SecurityAssessment => {
            let mut e = identity();
            e.extend([
                to_supply(lang, "The declaration (filled in the data export declaration system)", "数据出境安全评估申报书（在数据出境申报系统填写）"),
                to_supply(
                    lang,
                    "The contract or other legal document to be concluded with the recipient (check it with `chujing contract check`)",
                    "与境外接收方拟订立的数据出境相关合同或者其他具有法律效力的文件（可用 `chujing contract check` 检查）",
                ),
                ChecklistEntry {
                    text: t(lang, "The data export risk self-assessment report", "数据出境风险自评估报告"),
                    done: true,
                    note: t(lang, "generated: self-assessment (open items to complete)", "已生成：self-assessment（待补充事项须完成）"),
                },
                to_supply(lang, "Other supporting documents", "其他相关证明材料"),
            ]);
            (
                t(
                    lang,
                    "Security Assessment Application Guide (2nd ed.)",
                    "《数据出境安全评估申报指南（第二版）》",
                ),
                e,
            )
        }
        M::StandardContract => {
            let mut e = identity();
            e.extend([
                ChecklistEntry {
                    text: t(lang, "Letter of commitment", "承诺书"),
                    done: false,
                    note: t(lang, "to sign", "待签署"),
                },
                ChecklistEntry {
                    text: t(
                        lang,
                        "The signed standard contract (its Annex I below is filled from chujing's data)",
                        "已签署的标准合同（附录一见下文，由 chujing 根据数据填写）",
                    ),
                    done: false,
                    note: t(
                        lang,
                        "Annex I drafted; contract to sign, then check it against the official form with `chujing contract check --form standard-contract`",
                        "附录一已起草，合同待签署；签署后可用 `chujing contract check --form standard-contract` 对照范本检查",
                    ),
                },
                ChecklistEntry {
                    text: t(lang, "PIPIA report", "个人信息保护影响评估报告"),
                    done: true,
                    note: t(
                        lang,
                        "generated with `chujing report pipia` (open items to complete)",
                        "可用 `chujing report pipia` 生成（待补充事项须完成）",
                    ),
                },
            ]);
            (
                t(
                    lang,
                    "Standard Contract Filing Guide (2nd ed.), part 3",
                    "《个人信息出境标准合同备案指南（第二版）》第三部分",
                ),
                e,
            )
        }
        // The certification body's application materials are the certification application document's own
        // list.
        M::Certification => (String::new(), Vec::new()),
    }
}

/// Annex I of the standard contract, one part per flow, its ten items in the form's order (Standard Contract
/// Measures, Annex: 附录一 个人信息出境说明): purpose, method, scale, categories, sensitive categories, onward
/// recipients, transfer method, retention, storage place, other. What the data gives is filled with its source;
/// the rest is an open item.
/// The categories a scan found, sensitive or not, by their names in `lang`.
fn scan_categories(i: &Inputs<'_>, lang: Lang, sensitive: bool) -> Vec<String> {
    i.scan
        .map(|s| {
            s.categories
                .iter()
                .filter(|(_, s, _)| *s == sensitive)
                .map(|(c, _, _)| names::category(lang, c).unwrap_or_else(|| c.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Annex I's scale of a flow: the ledger's distinct individuals when the ledger holds the flow, else the
/// profile's figure.
fn annex_scale(i: &Inputs<'_>, f: &chujing_law::assess::FlowDecision) -> (u64, Source) {
    match i.ledger.and_then(|l| l.flow(&f.id)) {
        Some(l) => (l.individuals, Source::Ledger),
        None => (f.individuals, i.profile_source()),
    }
}

/// The transfers an Annex I is written for: counted flows that provided someone's PI.
fn annex_flows<'a>(
    i: &'a Inputs<'_>,
) -> impl Iterator<Item = &'a chujing_law::assess::FlowDecision> {
    i.assessment
        .flows
        .iter()
        .filter(|f| f.counted && f.individuals > 0)
}

/// What Annex I of the contract for `flow` should state, from the same figures the annex builder writes.
/// `None` when no such transfer needs an Annex I.
fn annex_expectations(i: &Inputs<'_>, flow: &str) -> Option<crate::form_check::AnnexExpect> {
    let f = annex_flows(i).find(|f| f.id == flow)?;
    let lang = i.lang();
    let (individuals, source) = annex_scale(i, f);
    let source_of = |s: &Source| crate::render::source_label(s, lang);
    let profile = source_of(&i.profile_source());
    let mut categories: Vec<(String, String)> = i
        .profile
        .flows
        .iter()
        .find(|p| p.id == flow)
        .map(|p| {
            p.categories
                .iter()
                .map(|c| {
                    (
                        names::category(Lang::Zh, c).unwrap_or_else(|| c.clone()),
                        profile.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let scan = i.scan.map(|s| source_of(&Source::Scan(s.file.clone())));
    if let Some(scan) = &scan {
        for name in scan_categories(i, Lang::Zh, false) {
            if !categories.iter().any(|(c, _)| *c == name) {
                categories.push((name, scan.clone()));
            }
        }
    }
    let sensitive = scan
        .map(|scan| {
            scan_categories(i, Lang::Zh, true)
                .into_iter()
                .map(|c| (c, scan.clone()))
                .collect()
        })
        .unwrap_or_default();
    Some(crate::form_check::AnnexExpect {
        flow: f.id.clone(),
        recipient: f.recipient.clone(),
        individuals,
        individuals_source: source_of(&source),
        categories,
        sensitive,
        has_sensitive: f.sensitive_individuals > 0,
    })
}

/// What Annex I of the contract whose text is `text` should state, for
/// [`crate::form_check::check_annex_i`]: of transfer `flow` when given, else of the one transfer whose recipient
/// the contract names (`form_check::pick_flow`).
pub fn annex_expectation(
    i: &Inputs<'_>,
    text: &str,
    flow: Option<&str>,
) -> Result<crate::form_check::AnnexExpect, crate::form_check::NoFlow> {
    let recipients = annex_recipients(i);
    let flow = crate::form_check::pick_flow(text, &recipients, flow)?;
    // pick_flow answers only with a flow of `recipients`, and annex_expectations knows each of them.
    annex_expectations(i, &flow).ok_or(crate::form_check::NoFlow::NotCounted {
        flow,
        listed: String::new(),
    })
}

/// The flows an Annex I may be written for, with their recipients.
fn annex_recipients(i: &Inputs<'_>) -> Vec<(String, String)> {
    annex_flows(i)
        .map(|f| (f.id.clone(), f.recipient.clone()))
        .collect()
}

fn standard_contract_annex(i: &Inputs<'_>) -> Vec<Section> {
    let lang = i.lang();
    let scan_sensitive = scan_categories(i, lang, true);
    annex_flows(i)
        .map(|f| {
            let (purposes, categories) = i.purposes_and_categories(&f.id);
            let (individuals, scale_source) = annex_scale(i, f);
            let item = |n: u8, en: &str, zh: &str| format!("{n}. {}", t(lang, en, zh));
            let mut facts = vec![
                fact(item(1, "Purpose of processing", "处理目的"), purposes, i.profile_source()),
                fact(item(2, "Method of processing", "处理方式"), f.kind.label(lang).to_string(), i.profile_source()),
                fact(
                    item(3, "Scale of the personal information provided abroad", "出境个人信息的规模"),
                    format!("{} {}", n(individuals), t(lang, "individuals", "人")),
                    scale_source,
                ),
                fact(item(4, "Categories of personal information provided abroad", "出境个人信息种类"), categories, i.profile_source()),
            ];
            let mut blocks = Vec::new();
            match (&i.scan, f.sensitive_individuals) {
                (Some(s), _) => facts.push(fact(
                    item(5, "Categories of sensitive personal information provided abroad", "出境敏感个人信息种类"),
                    if scan_sensitive.is_empty() { t(lang, "none found", "未发现") } else { scan_sensitive.join(lang.pick(", ", "、")) },
                    Source::Scan(s.file.clone()),
                )),
                (None, 0) => facts.push(fact(
                    item(5, "Categories of sensitive personal information provided abroad", "出境敏感个人信息种类"),
                    t(lang, "none (no individual with sensitive PI recorded)", "无（未记录敏感个人信息主体）"),
                    i.profile_source(),
                )),
                (None, _) => blocks.push(open(
                    "annex-sensitive-categories",
                    lang,
                    "Item 5: name the categories of sensitive personal information provided abroad (for example by `chujing scan` of the exported data).",
                    "第5项：列明出境敏感个人信息种类（例如以 `chujing scan` 扫描出境数据）。",
                )),
            }
            facts.push(fact(
                item(9, "Place of storage after export", "出境后保存地点"),
                format!("{} ({})", f.country, f.recipient),
                i.profile_source(),
            ));
            blocks.insert(0, Block::Facts { facts });
            blocks.extend([
                open("annex-onward", lang, "Item 6: the third parties abroad the recipient alone may provide the PI to (or none).", "第6项：境外接收方只向以下中华人民共和国境外第三方提供个人信息（如无，填“无”）。"),
                open("annex-transfer-method", lang, "Item 7: the transfer method (for example encrypted API, SFTP, remote access).", "第7项：传输方式（例如加密接口、SFTP、远程访问）。"),
                open("annex-retention", lang, "Item 8: the retention period after export (from … to …).", "第8项：出境后保存期限（自……至……）。"),
                open("annex-storage-place", lang, "Item 9: the precise place of storage (city, data centre).", "第9项：具体保存地点（城市、数据中心）。"),
                open("annex-other", lang, "Item 10: other matters (or none).", "第10项：其他事项（如无，填“无”）。"),
            ]);
            sec(1, format!("{}{}（{} → {}）", t(lang, "Transfer: ", "出境活动："), f.id, f.recipient, f.country), blocks)
        })
        .collect()
}
