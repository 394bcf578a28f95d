//! What the ledger knows about its flows and its processor: recorded by `chujing flow set` and `chujing
//! processor set`, the service's API and its pages, checked here so that every caller refuses the same mistakes.

use chujing_law::profile::Mechanism;
use chujing_law::{Date, ExemptionId, MechanismKind, ProcessorFact, RuleBook};
use chujing_ledger::{FlowSettings, LedgerStore, ProcessorSettings};

use crate::error::{AppError, Result};
use crate::ledger::store_err;

/// A setting to change: set it, or clear it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change<T> {
    /// Set to this value.
    Set(T),
    /// Clear it.
    Clear,
}

impl<T> Change<T> {
    /// The value it sets, or `None` for a clearing.
    pub fn value(self) -> Option<T> {
        match self {
            Change::Set(v) => Some(v),
            Change::Clear => None,
        }
    }
}

/// A change to one flow's settings; what is `None` is kept.
#[derive(Debug, Clone, Default)]
pub struct FlowChange {
    /// The mechanism obtained.
    pub mechanism: Option<Change<Mechanism>>,
    /// The exemption claimed.
    pub exemption: Option<Change<ExemptionId>>,
    /// Whether the flow carries important data.
    pub important_data: Option<bool>,
}

/// The mechanism `kind` (`none` clears it) in effect from `since`, valid to `until` if known.
pub fn mechanism(
    kind: &str,
    since: Option<Date>,
    until: Option<Date>,
) -> Result<Change<Mechanism>> {
    if kind == "none" {
        return Ok(Change::Clear);
    }
    let kind = MechanismKind::parse(kind).ok_or_else(|| {
        AppError::Input(format!(
            "mechanism `{kind}`: expected standard_contract, certification, security_assessment or none"
        ))
    })?;
    let since = since.ok_or_else(|| {
        AppError::Input("a mechanism needs the date it took effect (--since DATE)".into())
    })?;
    if let Some(u) = until.filter(|u| *u < since) {
        return Err(AppError::Input(format!(
            "the mechanism's last valid day {u} is before the day it took effect, {since}"
        )));
    }
    Ok(Change::Set(Mechanism { kind, since, until }))
}

/// The exemption `id` (`none` clears it); only exemptions a processor claims can be recorded, not those
/// decided from the counts.
pub fn exemption(id: &str) -> Result<Change<ExemptionId>> {
    if id == "none" {
        return Ok(Change::Clear);
    }
    let id = ExemptionId::parse(id).map_err(AppError::Input)?;
    if !id.is_claimable() {
        return Err(AppError::Input(format!(
            "`{id}` is decided from the counts and cannot be claimed"
        )));
    }
    Ok(Change::Set(id))
}

/// The day PIPL took effect (Art. 74), as its rule pack gives it: no transfer under it is dated earlier.
fn pipl_in_force() -> Option<Date> {
    static PIPL: std::sync::OnceLock<Option<Date>> = std::sync::OnceLock::new();
    *PIPL.get_or_init(|| {
        let book = chujing_law::RuleBook::embedded().ok()?;
        Some(book.pack("cn-pipl")?.meta.effective)
    })
}

/// A warning for a date that is probably mistyped: after `today`, or before PIPL took effect (2021-11-01, as
/// the PIPL pack gives it).
pub fn unusual_date(date: Date, today: Date, what: &str) -> Option<String> {
    let pipl = pipl_in_force()?;
    if date > today {
        Some(format!("{what} {date} is after today ({today}); check it"))
    } else if date < pipl {
        Some(format!(
            "{what} {date} is before PIPL took effect ({pipl}); check it"
        ))
    } else {
        None
    }
}

/// A flow recorded, and what the user should check.
#[derive(Debug, Clone)]
pub struct FlowSet {
    /// The flow as stored.
    pub flow: FlowSettings,
    /// Things that look like mistakes but are not refused (a flow id the ledger has never seen, a date in the
    /// future).
    pub notices: Vec<String>,
}

/// Applies `change` to the flow `id` (a flow not yet known starts from the defaults) and stores it. An empty
/// id and a change that changes nothing are refused; a flow id the ledger has never seen, in its settings or
/// its batches, is recorded with a notice naming the known ones (a typo would otherwise leave the real flow
/// without its mechanism).
pub async fn set_flow<S: LedgerStore>(
    store: &S,
    id: &str,
    change: FlowChange,
    today: Date,
) -> Result<FlowSet> {
    if id.trim().is_empty() {
        return Err(AppError::Input("the flow id is empty".into()));
    }
    if change.mechanism.is_none() && change.exemption.is_none() && change.important_data.is_none() {
        return Err(AppError::Input(
            "nothing to change: give --mechanism, --exemption or --important-data".into(),
        ));
    }
    let flows = store
        .flows()
        .await
        .map_err(store_err("cannot read the flows"))?;
    let mut notices = Vec::new();
    let known_flow = flows.iter().any(|f| f.id == id);
    if !known_flow {
        let metas = store
            .batch_metas()
            .await
            .map_err(store_err("cannot read the batches"))?;
        if !metas.iter().any(|m| m.flow_id == id) {
            let mut known: Vec<&str> = flows
                .iter()
                .map(|f| f.id.as_str())
                .chain(metas.iter().map(|m| m.flow_id.as_str()))
                .collect();
            known.sort_unstable();
            known.dedup();
            notices.push(if known.is_empty() {
                format!("the ledger knows no flow yet; `{id}` is new")
            } else {
                format!(
                    "the ledger has no flow `{id}`, in its settings or its batches; it knows: {} (recorded anyway: \
                     check the spelling)",
                    known.join(", ")
                )
            });
        }
    }
    if let Some(Change::Set(m)) = change.mechanism {
        notices.extend(unusual_date(m.since, today, "the mechanism's --since"));
    }
    let mut flow = flows
        .into_iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| FlowSettings::new(id));
    if let Some(m) = change.mechanism {
        flow.mechanism = m.value();
    }
    if let Some(e) = change.exemption {
        flow.exemption = e.value();
    }
    if let Some(i) = change.important_data {
        flow.important_data = i;
    }
    store
        .set_flow(&flow)
        .await
        .map_err(store_err("cannot store the flow"))?;
    Ok(FlowSet { flow, notices })
}

/// A change to the processor's facts; what is `None` is kept.
#[derive(Debug, Clone, Default)]
pub struct ProcessorChange {
    /// Legal name.
    pub name: Option<String>,
    /// Critical information infrastructure operator.
    pub ciio: Option<bool>,
    /// Located in mainland China.
    pub located_in_china: Option<bool>,
    /// All individuals whose PI it processes.
    pub individuals_processed: Option<Change<u64>>,
    /// The province where it is registered (a code or a name).
    pub province: Option<Change<String>>,
    /// Its representative or designated body in China (PIPL Art. 53).
    pub representative_in_china: Option<Change<String>>,
}

impl ProcessorChange {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.ciio.is_none()
            && self.located_in_china.is_none()
            && self.individuals_processed.is_none()
            && self.province.is_none()
            && self.representative_in_china.is_none()
    }
}

/// Applies `change` to the processor's facts and stores them: the one way they are written, by `chujing
/// processor set`, `PUT /api/v1/processor` and the assessment page (see [`apply_processor_change`]).
pub async fn set_processor<S: LedgerStore>(
    store: &S,
    change: ProcessorChange,
) -> Result<ProcessorSettings> {
    let recorded = store
        .processor()
        .await
        .map_err(store_err("cannot read the processor"))?;
    let p = apply_processor_change(recorded, change)?;
    store
        .set_processor(&p)
        .await
        .map_err(store_err("cannot store the processor"))?;
    Ok(p)
}

/// The processor's facts after `change`, checked. The first record must state whether the processor is a
/// CIIO and where it is located — nothing is assumed for them; an empty change is refused.
pub fn apply_processor_change(
    recorded: Option<ProcessorSettings>,
    change: ProcessorChange,
) -> Result<ProcessorSettings> {
    if change.is_empty() {
        return Err(AppError::Input(
            "nothing to change: give a fact to record".into(),
        ));
    }
    if recorded.is_none() {
        let missing: Vec<ProcessorFact> = [
            (ProcessorFact::Ciio, change.ciio),
            (ProcessorFact::LocatedInChina, change.located_in_china),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.is_none().then_some(f))
        .collect();
        if !missing.is_empty() {
            return Err(AppError::FactsMissing(missing));
        }
    }
    let mut p = recorded.unwrap_or_default();
    if let Some(n) = change.name {
        if n.trim().is_empty() {
            return Err(AppError::Input("the processor's name is empty".into()));
        }
        p.name = n.trim().to_string();
    }
    if let Some(c) = change.ciio {
        p.ciio = c;
    }
    if let Some(l) = change.located_in_china {
        p.located_in_china = l;
    }
    if let Some(n) = change.individuals_processed {
        p.individuals_processed = n.value();
    }
    if let Some(v) = change.province {
        // Kept as its GB/T 2260 code, whatever name it was given by (the one reading of a province).
        p.province = text_fact(v.value(), "province")?
            .map(|t| chujing_law::Province::parse(&t).map(|p| p.code().to_string()))
            .transpose()
            .map_err(|e| AppError::Input(format!("the province: {e}")))?;
    }
    if let Some(v) = change.representative_in_china {
        p.representative_in_china = text_fact(v.value(), "representative in China")?;
    }
    Ok(p)
}

fn text_fact(v: Option<String>, what: &str) -> Result<Option<String>> {
    match v.map(|s| s.trim().to_string()) {
        Some(s) if s.is_empty() => Err(AppError::Input(format!(
            "the {what} is empty (clear it instead)"
        ))),
        Some(s) if s.chars().count() > 200 => Err(AppError::Input(format!(
            "the {what} has at most 200 characters"
        ))),
        other => Ok(other),
    }
}

/// The facts the law in force on `date` reads of the processor that are not recorded: all of them when
/// nothing is, and the count of individuals processed where a rule tests it and it was never given. A gate
/// with any of them missing refuses rather than assume the lighter answer.
pub fn missing_facts(
    book: &RuleBook,
    date: Date,
    recorded: Option<&ProcessorSettings>,
) -> Result<Vec<ProcessorFact>> {
    let regime = book.regime_at(date)?;
    Ok(regime
        .processor_facts_read()
        .into_iter()
        .filter(|f| match (recorded, f) {
            (None, _) => true,
            (Some(p), ProcessorFact::IndividualsProcessed) => p.individuals_processed.is_none(),
            (Some(_), _) => false,
        })
        .collect())
}
