//! The ledger's status as of a date: the window's counts, each threshold's proximity, each flow's pathway and
//! whether a mechanism in force satisfies it, and the alerts that follow. Pure: the batches are given.

use serde::Serialize;

use chujing_law::assess::mechanism_in_force;
use chujing_law::condition::CountFact;
use chujing_law::explain::number;
use chujing_law::profile::Mechanism;
use chujing_law::{Date, Lang, Pathway, RuleBook, processor_pathway};

use crate::count::{BatchRef, FlowPathway, FlowSettings, WindowCount, count_window, decide_flows};
use crate::error::LedgerError;
use crate::set::count_union;
use crate::store::ProcessorSettings;

/// How close a window's count is to a threshold of the law in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdProximity {
    /// The count (`individuals` or `sensitive_individuals`).
    pub fact: CountFact,
    /// The bound.
    pub threshold: u64,
    /// The window's count.
    pub value: u64,
    /// `value / threshold`.
    pub share: f64,
    /// Whether the count has reached the bound.
    pub reached: bool,
    /// The rules and exemptions that test it.
    pub rules: Vec<String>,
}

/// One window's counts and thresholds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowStatus {
    /// The counts.
    #[serde(flatten)]
    pub count: WindowCount,
    /// Every threshold the law in force tests these counts against.
    pub thresholds: Vec<ThresholdProximity>,
}

/// One flow's decision and the mechanism recorded for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowStatus {
    /// The decision.
    #[serde(flatten)]
    pub decision: FlowPathway,
    /// The mechanism recorded, in force or not.
    pub mechanism: Option<Mechanism>,
    /// Whether a mechanism in force satisfies the pathway (or none is needed).
    pub satisfied: bool,
}

/// Something the processor should look at.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    /// The law in force sets no counting window.
    NoWindow,
    /// A count has reached, or come close to, a threshold.
    Threshold {
        /// The threshold and the count.
        #[serde(flatten)]
        threshold: ThresholdProximity,
    },
    /// A flow needs a mechanism that is not recorded as in force.
    MechanismMissing {
        /// The flow.
        flow: String,
        /// What it needs.
        pathway: Option<Pathway>,
    },
}

impl Alert {
    /// The alert in words.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Alert::NoWindow, Lang::En) => "the law in force sets no counting window".into(),
            (Alert::NoWindow, Lang::Zh) => "现行规定未设计数区间".into(),
            (Alert::Threshold { threshold: t }, Lang::En) => format!(
                "{} {} ({:.0}%) {} the threshold of {} ({})",
                number(t.value),
                match t.fact {
                    CountFact::SensitiveIndividuals => "individuals with sensitive PI",
                    _ => "individuals",
                },
                t.share * 100.0,
                if t.reached {
                    "has reached"
                } else {
                    "is close to"
                },
                number(t.threshold),
                t.rules.join(", ")
            ),
            (Alert::Threshold { threshold: t }, Lang::Zh) => format!(
                "{}{}（{:.0}%）{}门槛 {}（{}）",
                match t.fact {
                    CountFact::SensitiveIndividuals => "敏感个人信息人数 ",
                    _ => "个人信息人数 ",
                },
                number(t.value),
                t.share * 100.0,
                if t.reached { "已达到" } else { "接近" },
                number(t.threshold),
                t.rules.join("、")
            ),
            (Alert::MechanismMissing { flow, pathway }, Lang::En) => format!(
                "flow `{flow}` needs {} but has no such mechanism in force (record it with `chujing flow set {flow} --mechanism …`)",
                pathway.map_or("a decision", |p| p.label(lang)),
            ),
            (Alert::MechanismMissing { flow, pathway }, Lang::Zh) => format!(
                "数据流“{flow}”须{}，但未记录有效的相应机制（以 `chujing flow set {flow} --mechanism …` 记录）",
                pathway.map_or("作出决定", |p| p.label(lang)),
            ),
        }
    }
}

/// The ledger as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// The date counted up to.
    pub as_of: Date,
    /// The counting window in force (none when the law counts nothing).
    pub windows: Vec<WindowStatus>,
    /// Each flow with batches in the window, or with settings.
    pub flows: Vec<FlowStatus>,
    /// The processor's pathway, from the flows that exported someone in the window.
    pub pathway: Option<Pathway>,
    /// What to look at.
    pub alerts: Vec<Alert>,
}

impl Status {
    /// The window's (individuals, sensitive individuals); zeros without a window.
    pub fn totals(&self) -> (u64, u64) {
        self.windows.first().map_or((0, 0), |w| {
            (w.count.individuals, w.count.sensitive_individuals)
        })
    }

    /// The status of one flow.
    pub fn flow(&self, id: &str) -> Option<&FlowStatus> {
        self.flows.iter().find(|f| f.decision.flow == id)
    }
}

/// Each threshold of the regime in force on `as_of`, measured against `window`.
fn proximity(
    book: &RuleBook,
    as_of: Date,
    window: &WindowCount,
) -> Result<Vec<ThresholdProximity>, LedgerError> {
    let regime = book.regime_at(as_of)?;
    Ok(regime
        .thresholds()
        .into_iter()
        .filter_map(|t| {
            let value = match t.fact {
                CountFact::Individuals => window.individuals,
                CountFact::SensitiveIndividuals => window.sensitive_individuals,
                CountFact::IndividualsProcessed => return None,
            };
            Some(ThresholdProximity {
                fact: t.fact,
                threshold: t.bound,
                value,
                share: value as f64 / t.bound as f64,
                reached: value >= t.bound,
                rules: t.items,
            })
        })
        .collect())
}

/// Distinct individuals (and with sensitive PI) per flow in `[from, as_of]`, for every flow with a batch there
/// or with settings.
pub fn per_flow(
    batches: &[BatchRef<'_>],
    flows: &[FlowSettings],
    from: Date,
    as_of: Date,
) -> Vec<(String, u64, u64)> {
    let in_window = |r: &&BatchRef<'_>| from <= r.date && r.date <= as_of;
    let mut ids: Vec<&str> = batches
        .iter()
        .filter(in_window)
        .map(|r| r.flow_id)
        .collect();
    ids.extend(flows.iter().map(|f| f.id.as_str()));
    ids.sort_unstable();
    ids.dedup();
    ids.iter()
        .map(|id| {
            let mine: Vec<&BatchRef<'_>> = batches
                .iter()
                .filter(in_window)
                .filter(|r| r.flow_id == *id)
                .collect();
            let s: Vec<&[u128]> = mine.iter().map(|r| r.subjects).collect();
            let x: Vec<&[u128]> = mine.iter().map(|r| r.sensitive).collect();
            (id.to_string(), count_union(&s), count_union(&x))
        })
        .collect()
}

/// Counts the window in force on `as_of` over `batches`, decides each flow, and lists what to look at: every
/// threshold whose share reaches `alert_share`, and every flow without the mechanism its pathway needs.
pub fn evaluate(
    book: &RuleBook,
    as_of: Date,
    processor: &ProcessorSettings,
    flows: &[FlowSettings],
    batches: &[BatchRef<'_>],
    alert_share: f64,
) -> Result<Status, LedgerError> {
    let Some(window) = count_window(book, as_of, processor.facts(), flows, batches)? else {
        return Ok(Status {
            as_of,
            windows: Vec::new(),
            flows: Vec::new(),
            pathway: None,
            alerts: vec![Alert::NoWindow],
        });
    };
    let counts = per_flow(batches, flows, window.from, as_of);
    decide_counts(book, as_of, processor, flows, window, &counts, alert_share)
}

/// The status from counts already made: the window's totals and each flow's own `(id, individuals,
/// sensitive individuals)`. What [`evaluate`] does after counting, and what a what-if over counts alone (a
/// batch known only by its size) starts from.
pub fn decide_counts(
    book: &RuleBook,
    as_of: Date,
    processor: &ProcessorSettings,
    flows: &[FlowSettings],
    window: WindowCount,
    counts: &[(String, u64, u64)],
    alert_share: f64,
) -> Result<Status, LedgerError> {
    let regime = book.regime_at(as_of)?;
    let decisions = decide_flows(book, as_of, regime, processor, flows, &window, counts);
    let flows_out: Vec<FlowStatus> = decisions
        .into_iter()
        .map(|d| {
            let mechanism = flows
                .iter()
                .find(|f| f.id == d.flow)
                .and_then(|f| f.mechanism);
            let in_force = mechanism.filter(|m| mechanism_in_force(book, m, as_of));
            let satisfied = d
                .pathway
                .is_none_or(|p| p.is_satisfied_by(in_force.map(|m| m.kind)));
            FlowStatus {
                decision: d,
                mechanism,
                satisfied,
            }
        })
        .collect();
    // A flow that exported nobody in the window has nothing to decide for the processor.
    let pathway = processor_pathway(
        flows_out
            .iter()
            .filter(|f| f.decision.individuals > 0)
            .filter_map(|f| f.decision.pathway),
    );
    let thresholds = proximity(book, as_of, &window)?;
    let alerts = thresholds
        .iter()
        .filter(|t| t.share >= alert_share)
        .map(|t| Alert::Threshold {
            threshold: t.clone(),
        })
        .chain(
            flows_out
                .iter()
                .filter(|f| !f.satisfied)
                .map(|f| Alert::MechanismMissing {
                    flow: f.decision.flow.clone(),
                    pathway: f.decision.pathway,
                }),
        )
        .collect();
    Ok(Status {
        as_of,
        windows: vec![WindowStatus {
            count: window,
            thresholds,
        }],
        flows: flows_out,
        pathway,
        alerts,
    })
}
