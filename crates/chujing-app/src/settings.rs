//! What the ledger knows about its flows and its processor: recorded by `chujing flow set` and `chujing
//! processor set` (and, to come, the server), checked here so that every caller refuses the same mistakes.

use chujing_law::profile::Mechanism;
use chujing_law::{Date, ExemptionId, MechanismKind};
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
    fn value(self) -> Option<T> {
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

/// The day PIPL took effect (Art. 74): no transfer under it is dated earlier.
const PIPL_IN_FORCE: (i16, i8, i8) = (2021, 11, 1);

/// A warning for a date that is probably mistyped: after `today`, or before PIPL took effect (2021-11-01).
pub fn unusual_date(date: Date, today: Date, what: &str) -> Option<String> {
    let (y, m, d) = PIPL_IN_FORCE;
    let pipl = Date::new(y, m, d)?;
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

/// A change to the processor's settings; what is `None` is kept.
#[derive(Debug, Clone, Default)]
pub struct ProcessorChange {
    /// Legal name.
    pub name: Option<String>,
    /// Critical information infrastructure operator.
    pub ciio: Option<bool>,
    /// Located in mainland China.
    pub located_in_china: Option<bool>,
}

/// Applies `change` to the processor and stores it.
pub async fn set_processor<S: LedgerStore>(
    store: &S,
    change: ProcessorChange,
) -> Result<ProcessorSettings> {
    let mut p = store
        .processor()
        .await
        .map_err(store_err("cannot read the processor"))?
        .unwrap_or_default();
    if let Some(n) = change.name {
        if n.trim().is_empty() {
            return Err(AppError::Input("the processor's name is empty".into()));
        }
        p.name = n;
    }
    if let Some(c) = change.ciio {
        p.ciio = c;
    }
    if let Some(l) = change.located_in_china {
        p.located_in_china = l;
    }
    store
        .set_processor(&p)
        .await
        .map_err(store_err("cannot store the processor"))?;
    Ok(p)
}
