//! Scope cases: a batch recorded for a certified processor outside its certificate's scope opens a case in
//! the certification body's queue, proposing suspension (Certification Measures 2026 Art. 10: exports that
//! do not match the certified scope lead the body to suspend the certificate until it is revoked). The body
//! acts on the certificate and closes the case with what it did.

use super::events::{Event, Subject};
use chujing_cert::scope::ScopeBreach;
use chujing_law::Date;
use chujing_ledger::BatchMeta;
use chujing_store::Store;
use chujing_store::records::{Filter, Write};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::applications::Step;
use super::certificates::CertificateRecord;
use super::transfers::GateAnswer;
use super::{
    Actor, Columns, Now, access, audit, decode, get_in, random_hex, record, revised, st, write,
};
use crate::{AppError, Result};

/// A scope case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScopeCase {
    /// Its id.
    pub id: String,
    /// The certificate.
    pub certificate: String,
    /// The holder (processor).
    pub processor: String,
    /// The body that issued the certificate, whose queue it is in.
    pub body: String,
    /// The batch that fell outside the scope.
    pub batch_id: String,
    /// Its flow.
    pub flow: String,
    /// Its transfer day.
    #[schema(value_type = String)]
    pub date: Date,
    /// Individuals in the batch.
    pub individuals: u64,
    /// How it falls outside the scope.
    #[schema(value_type = Vec<Object>)]
    pub breaches: Vec<ScopeBreach>,
    /// What the body is asked to consider: `suspend`.
    pub proposed: String,
    /// The article.
    pub citation: Option<String>,
    /// `open` or `closed`.
    #[schema(value_type = String)]
    pub status: chujing_cert::CaseState,
    /// Opened on.
    #[schema(value_type = String)]
    pub opened_on: Date,
    /// How it was closed.
    pub closed: Option<Step>,
}

/// Opens a case for `batch` (inside the write that records it); returns its id.
pub(crate) async fn open(
    w: &mut Write,
    cert: &CertificateRecord,
    batch: &BatchMeta,
    answer: &GateAnswer,
    now: &Now,
    actor: &Actor,
) -> Result<String> {
    let c = ScopeCase {
        id: format!("case-{}", random_hex(8)?),
        certificate: cert.certificate.number.to_string(),
        processor: cert.certificate.holder.clone(),
        body: cert.body.clone(),
        batch_id: batch.batch_id.clone(),
        flow: batch.flow_id.clone(),
        date: batch.date,
        individuals: batch.individuals,
        breaches: answer.scope_breaches.clone(),
        proposed: "suspend".into(),
        citation: answer
            .reasons
            .iter()
            .find(|r| r.code == super::transfers::ReasonCode::OutsideScope)
            .and_then(|r| r.citation.clone()),
        status: chujing_cert::CaseState::Open,
        opened_on: now.today,
        closed: None,
    };
    let columns = Columns {
        kind: "scope_case",
        id: &c.id,
        org: &c.processor,
        party: &c.body,
        state: c.status.id(),
        search: format!("{} {}", c.certificate, c.batch_id),
        province: actor.org.province,
    };
    st(w.insert(&record(columns, &c, now)?).await)?;
    audit(
        w,
        now,
        &actor.label(),
        Event::ScopeCaseOpen,
        Subject::Certificate(&c.certificate),
        &c,
    )
    .await?;
    Ok(c.id)
}

/// A page of the scope cases the actor may see, newest first.
pub async fn page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<ScopeCase>> {
    super::page_where(
        store,
        "scope_case",
        &access::own_or_assigned(actor),
        req,
        |c| c,
    )
    .await
}

/// The scope cases the actor may see: its own, or those of its body's certificates; a regulator's, all.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<ScopeCase>> {
    list_where(store, &access::own_or_assigned(actor)).await
}

/// The cases passing `f`.
pub(crate) async fn list_where(store: &Store, f: &Filter<'_>) -> Result<Vec<ScopeCase>> {
    st(store.records("scope_case", f).await)?
        .iter()
        .map(decode)
        .collect()
}

/// Closes an open case with what the body did (`reason`: suspended, found within scope, …).
pub async fn close(
    store: &Store,
    actor: &Actor,
    id: &str,
    reason: &str,
    now: &Now,
) -> Result<ScopeCase> {
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "scope_case", id).await?;
    let mut c: ScopeCase = decode(&rec)?;
    if !access::may_close_case(actor, &c) {
        return Err(AppError::NotFound(format!("no scope case `{id}` of yours")));
    }
    // Who asks is checked before what is asked: another's case is not found, whatever the request holds.
    c.status = c.status.close(reason).map_err(super::refused)?;
    c.closed = Some(Step {
        action: "close".into(),
        by: actor.label(),
        at: now.at.clone(),
        reason: Some(reason.trim().into()),
    });
    st(w.update(&revised(&rec, c.status.id(), &c, now)?).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::ScopeCaseClose,
        Subject::ScopeCase(id),
        &c.closed,
    )
    .await?;
    st(w.commit().await)?;
    Ok(c)
}
