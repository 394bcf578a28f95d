//! The processor's facts kept by the service — whether it is a CIIO, where it is located, how many
//! individuals it processes, its province and its representative in China — in the one place the gate, the
//! assessment page and the documents read them (the processor's ledger settings, as `chujing processor set`
//! writes them). Each change is checked by [`crate::settings::apply_processor_change`] and committed with its
//! audit entry.

use super::events::{Event, Subject};
use chujing_ledger::{LedgerStore, ProcessorSettings};
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Actor, Now, OrgKind, audit, st, write};
use crate::settings::{Change, ProcessorChange, apply_processor_change};
use crate::{AppError, Result};

/// The processor's facts as `PUT /api/v1/processor` takes them: the whole record (what is left out is
/// cleared, but the name and province, which default to the organisation's).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessorInput {
    /// Legal name (default: the organisation's).
    #[serde(default)]
    pub name: Option<String>,
    /// A critical information infrastructure operator (PIPL Art. 40).
    pub ciio: bool,
    /// Located in mainland China (`false` for a processor abroad under PIPL Art. 3(2)).
    pub located_in_china: bool,
    /// All individuals whose PI it processes (the rules of 2022–2024 test it).
    #[serde(default)]
    pub individuals_processed: Option<u64>,
    /// The province where it is registered (default: the organisation's).
    #[serde(default)]
    pub province: Option<String>,
    /// Its representative or designated body in China (PIPL Art. 53), for a processor abroad.
    #[serde(default)]
    pub representative_in_china: Option<String>,
}

/// The processor's facts as kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProcessorRecord {
    /// The processor (organisation id).
    pub processor: String,
    /// The facts.
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub facts: ProcessorSettings,
}

fn own_processor(actor: &Actor) -> Result<&str> {
    if actor.org.kind == OrgKind::Processor {
        Ok(&actor.org.id)
    } else {
        Err(AppError::NotFound(
            "only a processor organisation has processor facts".into(),
        ))
    }
}

/// The actor's facts as recorded; `NotFound` when none are.
pub async fn get(store: &Store, actor: &Actor) -> Result<ProcessorRecord> {
    let org = own_processor(actor)?;
    let facts = store
        .for_processor(org)
        .processor()
        .await
        .map_err(|e| AppError::from_store("cannot read the processor's facts", e))?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no facts recorded for `{org}`: record them with PUT /api/v1/processor"
            ))
        })?;
    Ok(ProcessorRecord {
        processor: org.into(),
        facts,
    })
}

/// Records the actor's facts, replacing what was recorded.
pub async fn put(
    store: &Store,
    actor: &Actor,
    input: ProcessorInput,
    now: &Now,
) -> Result<ProcessorRecord> {
    let org = own_processor(actor)?;
    let change = ProcessorChange {
        name: Some(input.name.unwrap_or_else(|| actor.org.name.clone())),
        ciio: Some(input.ciio),
        located_in_china: Some(input.located_in_china),
        individuals_processed: Some(set_or_clear(input.individuals_processed)),
        // Kept as its GB/T 2260 code by `apply_processor_change`, whatever name it is given by.
        province: Some(set_or_clear(
            input
                .province
                .or_else(|| actor.org.province.map(|p| p.code().to_string())),
        )),
        representative_in_china: Some(set_or_clear(input.representative_in_china)),
    };
    record(store, actor, org, change, now).await
}

/// Records a change of the actor's facts (what the change leaves out is kept): the command line's
/// `chujing processor set`, with the same checks and audit as [`put`].
pub async fn change(
    store: &Store,
    actor: &Actor,
    change: ProcessorChange,
    now: &Now,
) -> Result<ProcessorRecord> {
    let org = own_processor(actor)?;
    // The facts name the organisation as it is named, unless the change names it.
    let change = ProcessorChange {
        name: change.name.or_else(|| Some(actor.org.name.clone())),
        ..change
    };
    record(store, actor, org, change, now).await
}

/// Records the facts a saved profile states (those it leaves out are kept as recorded), with the same
/// checks and audit as [`put`]. Nothing is recorded when the profile states none.
pub async fn record_stated(
    store: &Store,
    actor: &Actor,
    processor: &chujing_law::profile::Processor,
    now: &Now,
) -> Result<Option<ProcessorRecord>> {
    let org = own_processor(actor)?;
    let stated = |fact: &str| !processor.assumed.iter().any(|(f, _)| *f == fact);
    let change = ProcessorChange {
        name: Some(processor.name.clone()),
        ciio: stated("ciio").then_some(processor.ciio),
        located_in_china: stated("located_in_china").then_some(processor.located_in_china),
        individuals_processed: processor.individuals_processed.map(Change::Set),
        ..ProcessorChange::default()
    };
    if change.ciio.is_none() && change.located_in_china.is_none() {
        return Ok(None);
    }
    record(store, actor, org, change, now).await.map(Some)
}

fn set_or_clear<T>(v: Option<T>) -> Change<T> {
    v.map_or(Change::Clear, Change::Set)
}

async fn record(
    store: &Store,
    actor: &Actor,
    org: &str,
    change: ProcessorChange,
    now: &Now,
) -> Result<ProcessorRecord> {
    // Read before the write begins: a processor recorded as located in China has no flow of processing
    // abroad (PIPL Art. 3(2)).
    let owned = Filter {
        org: Some(org),
        ..Filter::default()
    };
    let flows = super::flows::list(store, &owned).await?;
    let mut w = write(store).await?;
    let recorded = st(w.processor(org).await)?;
    let facts = apply_processor_change(recorded, change)?;
    if let Some(misfit) = flows
        .iter()
        .find_map(|f| f.kind.misfit(&f.id, facts.located_in_china))
    {
        return Err(AppError::Input(misfit));
    }
    st(w.set_processor(org, &facts).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::ProcessorPut,
        Subject::Processor(org),
        &facts,
    )
    .await?;
    st(w.commit().await)?;
    Ok(ProcessorRecord {
        processor: org.into(),
        facts,
    })
}
