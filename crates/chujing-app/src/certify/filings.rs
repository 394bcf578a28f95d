//! Standard contract filings (Standard Contract Measures Art. 7): a processor files the signed contract and
//! its PIPIA report with the regulator of its province, within 10 working days of the contract taking effect;
//! the regulator accepts the filing or returns it for correction (补正) with reasons, and every round is kept.

use super::events::{Event, Subject};
use chujing_law::filing::contract_filing_due;
use chujing_law::{Date, Lang, RuleBook};
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::secret::MasterKey;
use super::{
    Actor, Columns, Now, access, audit, decode, get_in, random_hex, record, revised, st, write,
};
use crate::{AppError, Result};

/// The most bytes of a contract or PIPIA report filed inline.
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;

/// A filing as the processor makes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFiling {
    /// The recipient abroad the contract is with.
    pub recipient: String,
    /// The day the contract took effect (the deadline counts from it).
    #[schema(value_type = String)]
    pub contract_effective: Date,
    /// The signed contract's text.
    pub contract: String,
    /// The PIPIA report's text.
    pub pipia: String,
}

/// What the processor sends again after a return, or with a submission.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingStep {
    /// Why (required to return a filing: the processor corrects what it says).
    #[serde(default)]
    pub reason: Option<String>,
    /// A corrected contract (with a resubmission).
    #[serde(default)]
    pub contract: Option<String>,
    /// A corrected PIPIA report (with a resubmission).
    #[serde(default)]
    pub pipia: Option<String>,
    /// The last day to correct (required to return a filing): until then the contract stays usable.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub correct_by: Option<Date>,
}

pub use chujing_cert::{FilingAction, FilingState};

/// One round: a submission and what the regulator made of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Round {
    /// 1 for the first submission.
    pub number: u32,
    /// When it was submitted.
    pub submitted_at: String,
    /// The day, in China.
    #[schema(value_type = String)]
    pub submitted_on: Date,
    /// `returned` or `accepted`, once decided.
    pub outcome: Option<String>,
    /// The regulator's reasons for a return.
    pub reason: Option<String>,
    /// The last day to correct, set with a return.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub correct_by: Option<Date>,
    /// Who decided, and when.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<String>,
}

/// A filing as kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Filing {
    /// Its id.
    pub id: String,
    /// The processor.
    pub processor: String,
    /// The regulator it is filed with (of the processor's province; the national one where the province has
    /// none).
    pub regulator: String,
    /// The recipient.
    pub recipient: String,
    /// The day the contract took effect.
    #[schema(value_type = String)]
    pub contract_effective: Date,
    /// The last day to file, on the holiday calendar.
    #[schema(value_type = Option<String>)]
    pub due_on: Option<Date>,
    /// The article.
    pub citation: Option<String>,
    /// `draft`, `submitted`, `returned` or `accepted`.
    #[schema(value_type = String)]
    pub state: FilingState,
    /// Whether the first submission came after the due day.
    pub late: bool,
    /// Every round, oldest first.
    pub rounds: Vec<Round>,
}

/// The regulator a processor of `province` files with and reports go to: that province's (by its GB/T 2260
/// code, whatever name it was given by), or the national one where the province has none.
pub(crate) async fn regulator_for(
    store: &Store,
    province: Option<chujing_law::Province>,
) -> Result<Option<String>> {
    let regulators = super::accounts::orgs(store, Some(super::OrgKind::Regulator)).await?;
    Ok(province
        .and_then(|p| regulators.iter().find(|r| r.province == Some(p)))
        .or_else(|| regulators.iter().find(|r| r.province.is_none()))
        .map(|r| r.id.clone()))
}

fn check_document(what: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() || text.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::Input(format!(
            "the {what} is required, at most {MAX_DOCUMENT_BYTES} bytes"
        )));
    }
    Ok(())
}

/// Seals and stores a filing's documents.
async fn put_documents(
    w: &mut chujing_store::records::Write,
    key: &MasterKey,
    id: &str,
    contract: Option<&str>,
    pipia: Option<&str>,
) -> Result<()> {
    for (kind, text) in [("contract", contract), ("pipia", pipia)] {
        if let Some(text) = text {
            check_document(kind, text)?;
            st(
                w.put_blob(&format!("{id}/{kind}"), &key.seal(text.as_bytes())?)
                    .await,
            )?;
        }
    }
    Ok(())
}

/// Creates a filing in draft, its documents sealed.
pub async fn create(
    store: &Store,
    key: &MasterKey,
    book: &RuleBook,
    actor: &Actor,
    new: NewFiling,
    now: &Now,
) -> Result<Filing> {
    if new.recipient.trim().is_empty() {
        return Err(AppError::Input("a filing names the recipient".into()));
    }
    check_document("contract", &new.contract)?;
    check_document("PIPIA report", &new.pipia)?;
    let regulator = regulator_for(store, actor.org.province)
        .await?
        .ok_or_else(|| AppError::Conflict("no regulator is registered to file with".into()))?;
    let due = contract_filing_due(book, new.contract_effective, Lang::En)?;
    let f = Filing {
        id: format!("filing-{}", random_hex(8)?),
        processor: actor.org.id.clone(),
        regulator,
        recipient: new.recipient.trim().into(),
        contract_effective: new.contract_effective,
        due_on: due.as_ref().map(|d| d.due.date),
        citation: due.map(|d| d.citation),
        state: FilingState::Draft,
        late: false,
        rounds: Vec::new(),
    };
    let mut w = write(store).await?;
    put_documents(&mut w, key, &f.id, Some(&new.contract), Some(&new.pipia)).await?;
    let columns = Columns {
        kind: "filing",
        id: &f.id,
        org: &f.processor,
        party: &f.regulator,
        state: f.state.id(),
        search: format!("{} {}", f.id, f.recipient),
        province: actor.org.province,
    };
    st(w.insert(&record(columns, &f, now)?).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::FilingCreate,
        Subject::Filing(&f.id),
        &f,
    )
    .await?;
    st(w.commit().await)?;
    Ok(f)
}

/// A filing.
pub async fn get(store: &Store, actor: &Actor, id: &str) -> Result<Filing> {
    let rec = super::get(store, "filing", id).await?;
    let f: Filing = decode(&rec)?;
    seen(actor, &f, &rec, id)?;
    Ok(f)
}

/// Whether the actor may see the filing, as not found when not.
fn seen(actor: &Actor, f: &Filing, rec: &chujing_store::records::Record, id: &str) -> Result<()> {
    if access::may_see_filing(actor, f, &rec.province) {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no filing `{id}` of yours")))
    }
}

/// A page of the filings the actor may see, newest first.
pub async fn page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<Filing>> {
    super::page_where(
        store,
        "filing",
        &access::jurisdiction_filter(actor),
        req,
        |f| f,
    )
    .await
}

/// The filings the actor may see: its own, or those filed with its regulator; the national regulator's, all.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<Filing>> {
    list_where(store, &access::jurisdiction_filter(actor)).await
}

/// The filings passing `f`.
pub(crate) async fn list_where(store: &Store, f: &Filter<'_>) -> Result<Vec<Filing>> {
    st(store.records("filing", f).await)?
        .iter()
        .map(decode)
        .collect()
}

/// The filing after `action` (the lifecycle is chujing-cert's), or why the action is not open to it now.
fn step(
    mut f: Filing,
    action: FilingAction,
    input: &FilingStep,
    by: &str,
    now: &Now,
) -> Result<Filing> {
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let cx = chujing_cert::FilingContext {
        today: now.today,
        due_on: f.due_on,
        submitted_before: !f.rounds.is_empty(),
        reason,
        correct_by: input.correct_by,
    };
    let next = f.state.apply(action, &cx).map_err(super::refused)?;
    match next {
        chujing_cert::FilingNext::Submitted { late } => {
            if f.rounds.is_empty() {
                f.late = late;
            }
            f.rounds.push(Round {
                number: u32::try_from(f.rounds.len())
                    .unwrap_or(u32::MAX)
                    .saturating_add(1),
                submitted_at: now.at.clone(),
                submitted_on: now.today,
                outcome: None,
                reason: None,
                correct_by: None,
                decided_by: None,
                decided_at: None,
            });
        }
        chujing_cert::FilingNext::Returned { .. } | chujing_cert::FilingNext::Accepted => {
            if let Some(round) = f.rounds.last_mut() {
                round.outcome = Some(next.state().id().into());
                round.reason = reason.map(str::to_string);
                round.correct_by = match next {
                    chujing_cert::FilingNext::Returned { correct_by } => Some(correct_by),
                    _ => None,
                };
                round.decided_by = Some(by.into());
                round.decided_at = Some(now.at.clone());
            }
        }
    }
    f.state = next.state();
    Ok(f)
}

/// Takes `action` on filing `id`: the processor submits (with corrected documents after a return), the
/// regulator returns or accepts ([`access::may_act_on_filing`]).
pub async fn act(
    store: &Store,
    key: &MasterKey,
    actor: &Actor,
    id: &str,
    action: FilingAction,
    input: FilingStep,
    now: &Now,
) -> Result<Filing> {
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "filing", id).await?;
    let current: Filing = decode(&rec)?;
    seen(actor, &current, &rec, id)?;
    access::may_act_on_filing(actor, &current, action)?;
    if !action.by_processor() && (input.contract.is_some() || input.pipia.is_some()) {
        return Err(AppError::Input(
            "documents are sent by the processor, with a submission".into(),
        ));
    }
    if action != FilingAction::Return && input.correct_by.is_some() {
        return Err(AppError::Input(
            "`correct_by` is set by the regulator with a return".into(),
        ));
    }
    let f = step(current, action, &input, &actor.label(), now)?;
    put_documents(
        &mut w,
        key,
        id,
        input.contract.as_deref(),
        input.pipia.as_deref(),
    )
    .await?;
    st(w.update(&revised(&rec, f.state.id(), &f, now)?).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::FilingStep(f.state),
        Subject::Filing(id),
        &serde_json::json!({ "round": f.rounds.last(), "state": f.state }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(f)
}
