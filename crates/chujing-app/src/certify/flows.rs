//! Flows as first-class records of the certification service: every flow belongs to one processor
//! organisation and says where PI goes (recipient, country), how, why, what, and under which mechanism. The
//! ledger counts batches per flow, the gate decides them, and a certificate's scope is checked against them.

use super::events::{Event, Subject};
use chujing_law::profile::Mechanism;
use chujing_law::{CountryCode, Date, ExemptionId, FlowKind, MechanismKind};
use chujing_ledger::FlowSettings;
use chujing_ledger::LedgerStore;
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Actor, Columns, Now, audit, decode, record, revised, st, write};
use crate::settings::Change;
use crate::{AppError, Result};

/// The mechanism a flow relies on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowMechanism {
    /// `standard_contract`, `certification` or `security_assessment`.
    #[schema(value_type = String)]
    pub kind: MechanismKind,
    /// The day it took effect (a contract's effective date, an assessment's result); for a certificate, its
    /// issue day is used.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub since: Option<Date>,
    /// Its last valid day, if known (otherwise computed from the law); for a certificate, its expiry.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub until: Option<Date>,
    /// The certificate (`certification`): one the processor holds. Its status on the transfer day decides
    /// whether the mechanism is in force, and its scope is checked against every batch.
    #[serde(default)]
    pub certificate: Option<String>,
}

/// A flow as a processor declares it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowInput {
    /// The recipient abroad (as the certificate's scope names it).
    pub recipient: String,
    /// The recipient's country or region (ISO 3166-1 alpha-2).
    #[schema(value_type = String)]
    pub country: CountryCode,
    /// How the PI goes abroad: `transfer`, `remote_access` or `offshore_processing`.
    #[serde(default = "default_kind")]
    #[schema(value_type = String)]
    pub kind: FlowKind,
    /// Purposes.
    #[serde(default)]
    pub purposes: Vec<String>,
    /// Categories of PI.
    #[serde(default)]
    pub categories: Vec<String>,
    /// The exemption claimed (Provisions 2024 Art. 3–5), if any.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub exemption: Option<ExemptionId>,
    /// Whether the flow carries important data.
    #[serde(default)]
    pub important_data: bool,
    /// The mechanism obtained, if any.
    #[serde(default)]
    pub mechanism: Option<FlowMechanism>,
}

fn default_kind() -> FlowKind {
    FlowKind::Transfer
}

/// A flow as kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlowRecord {
    /// Its id, unique within its processor.
    pub id: String,
    /// The processor (organisation id).
    pub processor: String,
    /// The recipient abroad (empty while not recorded: the command line records a flow by its mechanism
    /// first).
    pub recipient: String,
    /// The recipient's country or region, once recorded.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub country: Option<CountryCode>,
    /// How the PI goes abroad.
    #[schema(value_type = String)]
    pub kind: FlowKind,
    /// Purposes.
    pub purposes: Vec<String>,
    /// Categories of PI.
    pub categories: Vec<String>,
    /// The exemption claimed.
    #[schema(value_type = Option<String>)]
    pub exemption: Option<ExemptionId>,
    /// Whether it carries important data.
    pub important_data: bool,
    /// The mechanism obtained.
    pub mechanism: Option<FlowMechanism>,
}

impl FlowRecord {
    /// What the ledger's counting needs of the flow; a certificate's dates are `certificate`'s (issued,
    /// expires) and a certificate not valid on the day is no mechanism in force.
    pub fn settings(&self, certificate: Option<(Date, Date, bool)>) -> FlowSettings {
        let mechanism = self.mechanism.as_ref().and_then(|m| {
            // A certificate this service issued decides by its own dates and status; one issued elsewhere is
            // recorded by its dates, as the other mechanisms are.
            if m.kind == MechanismKind::Certification && m.certificate.is_some() {
                let (issued, expires, valid) = certificate?;
                return valid.then_some(Mechanism {
                    kind: m.kind,
                    since: issued,
                    until: Some(expires),
                });
            }
            Some(Mechanism {
                kind: m.kind,
                since: m.since?,
                until: m.until,
            })
        });
        FlowSettings {
            id: self.id.clone(),
            exemption: self.exemption,
            important_data: self.important_data,
            mechanism,
            kind: self.kind,
        }
    }

    /// The certificate the flow relies on, if its mechanism is certification.
    pub fn certificate(&self) -> Option<&str> {
        self.mechanism
            .as_ref()
            .filter(|m| m.kind == MechanismKind::Certification)
            .and_then(|m| m.certificate.as_deref())
    }
}

/// The record id of processor `org`'s flow `id` (flow ids are unique per processor).
pub(crate) fn record_id(org: &str, id: &str) -> String {
    format!("{org}/{id}")
}

/// Checks a flow before it is kept, whichever door it came by: its id, a destination abroad, an exemption a
/// processor may claim, a mechanism with its days in order (a certificate named must be the processor's; one
/// issued elsewhere gives its days), and a kind that fits where the processor is.
async fn validate(store: &Store, actor: &Actor, flow: &FlowRecord) -> Result<()> {
    let id = flow.id.as_str();
    let id_ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !id_ok {
        return Err(AppError::Input(format!(
            "flow id `{id}`: use 1 to 100 letters, digits, `-`, `_` or `.`"
        )));
    }
    if let Some(country) = flow.country {
        country.check_abroad(id).map_err(AppError::Input)?;
    }
    if let Some(e) = flow.exemption {
        crate::settings::exemption(e.id())?;
    }
    let recorded = store
        .for_processor(&actor.org.id)
        .processor()
        .await
        .map_err(|e| AppError::from_store("cannot read the processor's facts", e))?;
    if let Some(misfit) = recorded.and_then(|p| flow.kind.misfit(id, p.located_in_china)) {
        return Err(AppError::Input(misfit));
    }
    let Some(m) = &flow.mechanism else {
        return Ok(());
    };
    match (m.kind, &m.certificate) {
        (MechanismKind::Certification, Some(number)) => {
            let c = super::get(store, "certificate", number).await?;
            if c.org == actor.org.id {
                Ok(())
            } else {
                Err(AppError::Input(format!(
                    "certificate `{number}` is not held by `{}`",
                    actor.org.id
                )))
            }
        }
        (_, Some(_)) => Err(AppError::Input(
            "only a certification mechanism names a certificate".into(),
        )),
        (kind, None) => match m.since {
            None => Err(AppError::Input(format!(
                "a {} mechanism gives the day it took effect (`mechanism.since`){}",
                kind.id(),
                if kind == MechanismKind::Certification {
                    ", or names a certificate of this service (`mechanism.certificate`)"
                } else {
                    ""
                }
            ))),
            Some(since) => crate::settings::mechanism(kind.id(), Some(since), m.until).map(|_| ()),
        },
    }
}

/// Declares or replaces the actor's flow `id` (`PUT /api/v1/flows/{id}`, the assessment page's save): the
/// whole flow, as [`FlowInput`] gives it.
pub async fn put(
    store: &Store,
    actor: &Actor,
    id: &str,
    input: FlowInput,
    now: &Now,
) -> Result<FlowRecord> {
    if input.recipient.trim().is_empty() {
        return Err(AppError::Input("a flow names its recipient".into()));
    }
    let flow = FlowRecord {
        id: id.into(),
        processor: actor.org.id.clone(),
        recipient: input.recipient.trim().into(),
        country: Some(input.country),
        kind: input.kind,
        purposes: input.purposes,
        categories: input.categories,
        exemption: input.exemption,
        important_data: input.important_data,
        mechanism: input.mechanism,
    };
    save(store, actor, flow, now).await
}

/// A change of a flow (`chujing flow set`): what it leaves `None` is kept; a flow not yet recorded starts
/// with nothing but its id.
#[derive(Debug, Clone, Default)]
pub struct FlowPatch {
    /// The recipient abroad.
    pub recipient: Option<String>,
    /// The recipient's country or region.
    pub country: Option<CountryCode>,
    /// How the PI goes abroad.
    pub kind: Option<FlowKind>,
    /// The exemption claimed, or none.
    pub exemption: Option<Change<ExemptionId>>,
    /// Whether it carries important data.
    pub important_data: Option<bool>,
    /// The mechanism obtained, or none.
    pub mechanism: Option<Change<FlowMechanism>>,
}

/// Changes the actor's flow `id` as `patch` says, with the same checks and audit as [`put`].
pub async fn patch(
    store: &Store,
    actor: &Actor,
    id: &str,
    patch: FlowPatch,
    now: &Now,
) -> Result<FlowRecord> {
    let rid = record_id(&actor.org.id, id);
    let mut flow = match st(store.record("flow", &rid).await)? {
        Some(rec) => decode::<FlowRecord>(&rec)?,
        None => FlowRecord {
            id: id.into(),
            processor: actor.org.id.clone(),
            recipient: String::new(),
            country: None,
            kind: FlowKind::Transfer,
            purposes: Vec::new(),
            categories: Vec::new(),
            exemption: None,
            important_data: false,
            mechanism: None,
        },
    };
    if let Some(r) = patch.recipient {
        flow.recipient = r.trim().to_string();
    }
    if let Some(c) = patch.country {
        flow.country = Some(c);
    }
    if let Some(k) = patch.kind {
        flow.kind = k;
    }
    if let Some(e) = patch.exemption {
        flow.exemption = e.value();
    }
    if let Some(i) = patch.important_data {
        flow.important_data = i;
    }
    if let Some(m) = patch.mechanism {
        flow.mechanism = m.value();
    }
    save(store, actor, flow, now).await
}

/// Checks and keeps `flow`, with its audit entry: the one write of a flow.
async fn save(store: &Store, actor: &Actor, flow: FlowRecord, now: &Now) -> Result<FlowRecord> {
    validate(store, actor, &flow).await?;
    let rid = record_id(&flow.processor, &flow.id);
    let mut w = write(store).await?;
    let search = format!(
        "{} {} {}",
        flow.id,
        flow.recipient,
        flow.country.map(|c| c.to_string()).unwrap_or_default()
    );
    match st(w.get("flow", &rid).await)? {
        Some(rec) => {
            let updated = chujing_store::records::Record {
                search: search.to_lowercase(),
                ..revised(&rec, "declared", &flow, now)?
            };
            st(w.update(&updated).await)?
        }
        None => {
            let columns = Columns {
                kind: "flow",
                id: &rid,
                org: &flow.processor,
                party: "",
                state: "declared",
                search,
                province: actor.org.province,
            };
            st(w.insert(&record(columns, &flow, now)?).await)?;
        }
    }
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::FlowPut,
        Subject::Flow(&rid),
        &flow,
    )
    .await?;
    st(w.commit().await)?;
    Ok(flow)
}

/// A page of the flows the actor may see, newest first.
pub async fn page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<FlowRecord>> {
    super::page_where(
        store,
        "flow",
        &super::access::jurisdiction_filter(actor),
        req,
        |f| f,
    )
    .await
}

/// The flows the actor may see: its own; the national regulator's, all (no flow names a provincial one).
pub async fn visible(store: &Store, actor: &Actor) -> Result<Vec<FlowRecord>> {
    list(store, &super::access::jurisdiction_filter(actor)).await
}

/// The flows passing `f`.
pub async fn list(store: &Store, f: &Filter<'_>) -> Result<Vec<FlowRecord>> {
    st(store.records("flow", f).await)?
        .iter()
        .map(decode)
        .collect()
}
