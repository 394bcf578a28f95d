//! What an assessment asks the user to check, as structured reasons; their English and Chinese prose is
//! written here and nowhere else.

use std::fmt;

use serde::Serialize;

use crate::date::Date;
use crate::explain::{mechanism, number};
use crate::pathway::{MechanismKind, Pathway};
use crate::text::Lang;

/// Why the user should check something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum WarningKind {
    /// The profile's `[totals]` (or the ledger's) are below a single counted flow: a distinct count over all
    /// flows cannot be smaller, so the flow's figures were used.
    TotalsBelowAFlow {
        /// Individuals as given.
        individuals: u64,
        /// Individuals with sensitive PI as given.
        sensitive_individuals: u64,
        /// The largest counted flow's individuals.
        flow_individuals: u64,
        /// The largest counted flow's individuals with sensitive PI.
        flow_sensitive_individuals: u64,
    },
    /// The profile's `[totals]` exceed the sum of the counted flows: a distinct count over the flows cannot be
    /// larger than their sum, so a flow's figure is missing or stale (the totals were still used: they are
    /// the larger, and the thresholds are decided on them).
    TotalsAboveFlows {
        /// Individuals as given in `[totals]`.
        individuals: u64,
        /// The sum over counted flows.
        sum: u64,
    },
    /// `[totals]` are used, and a flow claiming an exemption is counted on the as-of date (the exemption is
    /// not in force then, or does not apply): totals worked out with that flow left out would undercount.
    TotalsMayOmitFlow {
        /// The flow.
        flow: String,
        /// The exemption it claims.
        exemption: String,
    },
    /// With the ledger, a flow's figures in the profile differ from the ledger's count of its batches in the
    /// window; the ledger's are used.
    ProfileDisagreesWithLedger {
        /// The flow.
        flow: String,
        /// Individuals in the profile.
        profile: u64,
        /// Individuals with sensitive PI in the profile.
        profile_sensitive: u64,
        /// Individuals in the ledger.
        ledger: u64,
        /// Individuals with sensitive PI in the ledger.
        ledger_sensitive: u64,
    },
    /// With the ledger, a flow of the profile has no batch in the ledger's window: the profile's figures are
    /// used for it.
    FlowNotInLedger {
        /// The flow.
        flow: String,
        /// Individuals in the profile.
        individuals: u64,
    },
    /// The group's combined figures reach the security assessment while the processor's own stay below: the
    /// contract and certification routes are closed to volumes split to avoid the assessment.
    SplitAcrossGroup {
        /// Individuals over the processor and its affiliates (summed: an upper bound).
        individuals: u64,
        /// Of which with sensitive PI.
        sensitive_individuals: u64,
        /// The affiliates.
        members: Vec<String>,
        /// The provision that bans splitting.
        citation: String,
    },
    /// A fact about the processor that the profile does not state, and the value assumed.
    ProcessorFactAssumed {
        /// The field (`ciio`, `located_in_china`).
        fact: String,
        /// The value assumed.
        assumed: bool,
    },
    /// A flow needs a mechanism and none is recorded.
    MechanismMissing {
        /// The flow.
        flow: String,
        /// The pathway it needs.
        required: Pathway,
    },
    /// `processor.individuals_processed` is missing though the law in force uses it; the exported count was
    /// used as a lower bound.
    IndividualsProcessedMissing {
        /// The figure used.
        lower_bound: u64,
    },
    /// The recorded mechanism takes effect after the as-of date.
    MechanismNotYetInForce {
        /// The flow.
        flow: String,
        /// The mechanism recorded.
        mechanism: MechanismKind,
        /// When it takes effect.
        since: Date,
    },
    /// The recorded mechanism has expired.
    MechanismExpired {
        /// The flow.
        flow: String,
        /// The mechanism recorded.
        mechanism: MechanismKind,
        /// Its last valid day.
        expired: Date,
        /// The pathway the flow needs.
        required: Pathway,
    },
    /// The recorded mechanism is not one that satisfies the pathway.
    MechanismInsufficient {
        /// The flow.
        flow: String,
        /// The mechanism recorded.
        mechanism: MechanismKind,
        /// The pathway the flow needs.
        required: Pathway,
    },
    /// A category that is usually sensitive PI (PIPL Art. 28) with no individuals with sensitive PI.
    SensitiveCategoryWithoutCount {
        /// The flow.
        flow: String,
        /// The category.
        category: String,
    },
    /// The packs have no official holiday calendar for a year a deadline falls in: Monday to Friday were
    /// counted as working days.
    HolidayCalendarMissing {
        /// The year.
        year: i16,
    },
}

impl WarningKind {
    /// The reason in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            WarningKind::TotalsBelowAFlow {
                individuals,
                sensitive_individuals,
                flow_individuals,
                flow_sensitive_individuals,
            } => {
                let (i, s) = (number(*individuals), number(*sensitive_individuals));
                let (fi, fs) = (
                    number(*flow_individuals),
                    number(*flow_sensitive_individuals),
                );
                match lang {
                    Lang::En => format!(
                        "[totals] ({i} individuals, {s} sensitive) is below a single counted flow ({fi}, {fs}); a \
                         distinct count over all flows cannot be smaller, so the larger figures are used"
                    ),
                    Lang::Zh => format!(
                        "[totals]（{i}人，敏感{s}人）小于单个计入数据流的人数（{fi}人，敏感{fs}人）；全部数据流去重后的人数不可能更小，已采用较大值"
                    ),
                }
            }
            WarningKind::TotalsAboveFlows { individuals, sum } => {
                let (i, sum) = (number(*individuals), number(*sum));
                match lang {
                    Lang::En => format!(
                        "[totals] ({i} individuals) exceed the sum of the counted flows ({sum}); a distinct count \
                         cannot exceed the sum, so a flow's figure is missing or out of date: check the flows' \
                         `individuals` (the totals are used)"
                    ),
                    Lang::Zh => format!(
                        "[totals]（{i}人）超过计入数据流人数之和（{sum}人）；去重人数不可能超过其和，说明某个数据流的人数缺失或过时：请核对各数据流的 individuals（已采用 [totals]）"
                    ),
                }
            }
            WarningKind::TotalsMayOmitFlow { flow, exemption } => match lang {
                Lang::En => format!(
                    "flow `{flow}` claims the exemption `{exemption}`, which does not exempt it on this date, so it \
                     is counted: make sure [totals] include its individuals (totals worked out without it \
                     would undercount)"
                ),
                Lang::Zh => format!(
                    "数据流 `{flow}` 主张的豁免 `{exemption}` 在该日期不适用，因此计入人数：请确认 [totals] 包含其个人（未计入该数据流算出的合计会少算）"
                ),
            },
            WarningKind::ProfileDisagreesWithLedger {
                flow,
                profile,
                profile_sensitive,
                ledger,
                ledger_sensitive,
            } => {
                let (p, ps, l, ls) = (
                    number(*profile),
                    number(*profile_sensitive),
                    number(*ledger),
                    number(*ledger_sensitive),
                );
                match lang {
                    Lang::En => format!(
                        "flow `{flow}`: the profile gives {p} individuals ({ps} sensitive), the ledger counts {l} \
                         ({ls} sensitive) in the window; the ledger's figures are used"
                    ),
                    Lang::Zh => format!(
                        "数据流 `{flow}`：档案填写 {p} 人（敏感 {ps} 人），台账在计数期间内统计为 {l} 人（敏感 {ls} 人）；采用台账数据"
                    ),
                }
            }
            WarningKind::FlowNotInLedger { flow, individuals } => {
                let i = number(*individuals);
                match lang {
                    Lang::En => format!(
                        "flow `{flow}` has no batch in the ledger's window: its figure ({i} individuals) is the \
                         profile's, not a count"
                    ),
                    Lang::Zh => format!(
                        "数据流 `{flow}` 在台账计数期间内没有批次：其人数（{i} 人）取自档案，并非台账统计"
                    ),
                }
            }
            WarningKind::SplitAcrossGroup {
                individuals,
                sensitive_individuals,
                members,
                citation,
            } => {
                let (i, s, m) = (
                    number(*individuals),
                    number(*sensitive_individuals),
                    members.join(", "),
                );
                match lang {
                    Lang::En => format!(
                        "with its affiliates ({m}) the group exported PI of {i} individuals ({s} sensitive), which \
                         needs a security assessment; if the volumes were split among them to stay below it, the \
                         contract and certification routes are closed ({citation})"
                    ),
                    Lang::Zh => format!(
                        "与关联方（{m}）合计向境外提供{i}人个人信息（敏感{s}人），已达安全评估标准；如系为规避安全评估而在其间拆分数量，不得通过标准合同或认证出境（{citation}）"
                    ),
                }
            }
            WarningKind::ProcessorFactAssumed { fact, assumed } => match (fact.as_str(), lang) {
                ("ciio", Lang::En) => format!(
                    "processor.ciio is not stated: the processor is assumed {}to be a critical information \
                     infrastructure operator (a CIIO needs a security assessment for any PI); state it in the profile",
                    if *assumed { "" } else { "not " }
                ),
                ("ciio", Lang::Zh) => format!(
                    "档案未填写 processor.ciio：假定该处理者{}关键信息基础设施运营者（关键信息基础设施运营者提供任何个人信息均须申报安全评估）；请在档案中写明",
                    if *assumed { "是" } else { "不是" }
                ),
                (_, Lang::En) => format!(
                    "processor.{fact} is not stated: assumed {assumed}; state it in the profile"
                ),
                (_, Lang::Zh) => {
                    format!("档案未填写 processor.{fact}：假定为 {assumed}；请在档案中写明")
                }
            },
            WarningKind::MechanismMissing { flow, required } => match lang {
                Lang::En => format!(
                    "flow `{flow}` needs {} and has none recorded: it may not proceed until one is in force",
                    required.label(lang)
                ),
                Lang::Zh => format!(
                    "数据流 `{flow}` 需要{}，但未记录任何已取得的机制：在取得并生效前不得出境",
                    required.label(lang)
                ),
            },
            WarningKind::IndividualsProcessedMissing { lower_bound } => match lang {
                Lang::En => format!(
                    "processor.individuals_processed is not given but the law in force uses it; the exported count {} is used as a lower bound",
                    number(*lower_bound)
                ),
                Lang::Zh => format!(
                    "未提供 processor.individuals_processed，而现行规定使用该数；以出境人数 {} 作为下限",
                    number(*lower_bound)
                ),
            },
            WarningKind::MechanismNotYetInForce {
                flow,
                mechanism: m,
                since,
            } => {
                let what = mechanism(*m, lang);
                match lang {
                    Lang::En => {
                        format!("flow `{flow}`: the recorded {what} takes effect only on {since}")
                    }
                    Lang::Zh => format!("数据流“{flow}”：已记录的{what}自{since}起才生效"),
                }
            }
            WarningKind::MechanismExpired {
                flow,
                mechanism: m,
                expired,
                required,
            } => {
                let (what, label) = (mechanism(*m, lang), required.label(lang));
                match lang {
                    Lang::En => format!(
                        "flow `{flow}`: the recorded {what} expired on {expired}; a {label} is required"
                    ),
                    Lang::Zh => {
                        format!("数据流“{flow}”：已记录的{what}已于{expired}到期，须{label}")
                    }
                }
            }
            WarningKind::MechanismInsufficient {
                flow,
                mechanism: m,
                required,
            } => {
                let (what, label) = (mechanism(*m, lang), required.label(lang));
                match lang {
                    Lang::En => format!(
                        "flow `{flow}`: the recorded {what} does not satisfy the required {label}"
                    ),
                    Lang::Zh => format!("数据流“{flow}”：已记录的{what}不满足所需的{label}"),
                }
            }
            WarningKind::SensitiveCategoryWithoutCount { flow, category } => match lang {
                Lang::En => format!(
                    "flow `{flow}`: category `{category}` is usually sensitive PI (PIPL Art. 28) but sensitive_individuals is 0; check the count"
                ),
                Lang::Zh => format!(
                    "数据流“{flow}”：类别“{category}”通常属于敏感个人信息（《个人信息保护法》第二十八条），但 sensitive_individuals 为 0，请核对"
                ),
            },
            WarningKind::HolidayCalendarMissing { year } => match lang {
                Lang::En => format!(
                    "the official holiday calendar for {year} is not in the rule packs: working days in {year} were counted as Monday to Friday; check the deadline against the State Council's notice"
                ),
                Lang::Zh => format!(
                    "规则包中没有{year}年的官方节假日安排：{year}年的工作日按周一至周五计算，请对照国务院办公厅通知核对期限"
                ),
            },
        }
    }
}

/// A warning: the structured reason and its words in the assessment's language (both in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The reason.
    #[serde(flatten)]
    pub kind: WarningKind,
    /// The reason in words.
    pub message: String,
}

impl Warning {
    /// The warning for `kind`, worded in `lang`.
    pub fn new(kind: WarningKind, lang: Lang) -> Warning {
        let message = kind.text(lang);
        Warning { kind, message }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
