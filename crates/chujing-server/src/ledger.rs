//! The processor's side of the service over HTTP: its flows, the transfer gate (`/transfers/check`, a what-if
//! that records nothing; `/transfers`, which records a batch in the processor's own ledger), and the scope
//! cases its batches open in the certification body's queue.

use crate::json::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chujing_app::certify::cases::{self, ScopeCase};
use chujing_app::certify::flows::{self, FlowInput, FlowRecord};
use chujing_app::certify::processor::{self, ProcessorInput, ProcessorRecord};
use chujing_app::certify::transfers::{
    self, GateAnswer, NewTransfer, Overview, OverviewBatch, Recorded, TransferCheck,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::json_body;
use crate::auth::Principal;
use crate::authz::actor;
use crate::error::{ApiResult, ErrorBody};
use crate::paging::{PageOf, PageQuery, Paged};

#[utoipa::path(put, path = "/api/v1/flows/{id}", tag = "ledger", request_body = FlowInput,
    params(("id" = String, Path, description = "the flow id, unique within the processor")),
    responses((status = 200, body = FlowRecord), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn flow_put(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<FlowRecord>> {
    let a = actor(&who)?;
    let input: FlowInput = json_body(&body)?;
    Ok(Json(
        flows::put(&s.store, a, &id, input, &s.clock.now()).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/processor", tag = "ledger", request_body = ProcessorInput,
    responses((status = 200, body = ProcessorRecord, description = "recorded; the gate decides on these facts"),
        (status = 400, body = ErrorBody)))]
pub(crate) async fn processor_put(
    State(s): State<AppState>,
    who: Principal,
    body: Bytes,
) -> ApiResult<Json<ProcessorRecord>> {
    let a = actor(&who)?;
    let input: ProcessorInput = json_body(&body)?;
    Ok(Json(
        processor::put(&s.store, a, input, &s.clock.now()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/processor", tag = "ledger",
    responses((status = 200, body = ProcessorRecord), (status = 404, body = ErrorBody, description = "no facts recorded yet")))]
pub(crate) async fn processor_get(
    State(s): State<AppState>,
    who: Principal,
) -> ApiResult<Json<ProcessorRecord>> {
    let a = actor(&who)?;
    Ok(Json(processor::get(&s.store, a).await?))
}

#[utoipa::path(get, path = "/api/v1/flows", tag = "ledger", params(PageQuery),
    responses((status = 200, body = PageOf<FlowRecord>), (status = 400, body = ErrorBody)))]
pub(crate) async fn flows_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<FlowRecord>>> {
    let a = actor(&who)?;
    Ok(Json(flows::page(&s.store, a, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/transfers/check", tag = "ledger", request_body = TransferCheck,
    responses((status = 200, body = GateAnswer), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn transfer_check(
    State(s): State<AppState>,
    who: Principal,
    body: Bytes,
) -> ApiResult<Json<GateAnswer>> {
    let a = actor(&who)?;
    let q: TransferCheck = json_body(&body)?;
    Ok(Json(
        transfers::check(&s.book, &s.store, &s.views, a, &q, &s.clock.now()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/overview", tag = "ledger",
    responses((status = 200, body = Overview, description = "the caller's ledger today: the window's counts against every threshold, flows, suspension, alerts, recent batches")))]
pub(crate) async fn overview(
    State(s): State<AppState>,
    who: Principal,
) -> ApiResult<Json<Overview>> {
    let a = actor(&who)?;
    Ok(Json(
        transfers::overview(&s.book, &s.store, &s.views, a, &s.clock.now()).await?,
    ))
}

/// Why a batch is taken out of the ledger.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRemoval {
    /// Why (kept in the ledger's record of removals and in the audit log).
    pub reason: String,
}

/// A batch taken out of the ledger.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RemovedBatch {
    /// The batch as it was.
    pub batch: OverviewBatch,
    /// Why it was removed.
    pub reason: String,
    /// When.
    pub removed_at: String,
}

#[utoipa::path(delete, path = "/api/v1/transfers/{batch}", tag = "ledger", request_body = BatchRemoval,
    params(("batch" = String, Path, description = "the batch id, percent-encoded (a `/` in it as %2F)")),
    description = "Takes a batch out of the ledger with the reason: the ledger keeps what it was, and the audit log who removed it.",
    responses((status = 200, body = RemovedBatch), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn transfer_remove(
    State(s): State<AppState>,
    who: Principal,
    Path(batch): Path<String>,
    body: Bytes,
) -> ApiResult<Json<RemovedBatch>> {
    let a = actor(&who)?;
    // Who asks before what is asked: a batch not in the caller's ledger is not found, whatever the body.
    transfers::batch(&s.store, a, &batch).await?;
    let input: BatchRemoval = json_body(&body)?;
    let r = transfers::remove_batch(&s.store, a, &batch, &input.reason, &s.clock.now()).await?;
    Ok(Json(RemovedBatch {
        batch: OverviewBatch {
            batch_id: r.batch.batch_id,
            flow: r.batch.flow_id,
            date: r.batch.date,
            individuals: r.batch.individuals,
            sensitive_individuals: r.batch.sensitive_individuals,
        },
        reason: r.reason,
        removed_at: r.removed_at,
    }))
}

#[utoipa::path(post, path = "/api/v1/transfers", tag = "ledger", request_body = NewTransfer,
    responses((status = 201, body = Recorded, description = "recorded"),
        (status = 200, body = Recorded, description = "recorded before: nothing changed"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn transfer_record(
    State(s): State<AppState>,
    who: Principal,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Recorded>)> {
    let a = actor(&who)?;
    let t: NewTransfer = json_body(&body)?;
    let r = transfers::record_batch(
        &s.book,
        &s.store,
        &s.views,
        &s.hasher,
        a,
        &t,
        &s.clock.now(),
    )
    .await?;
    let code = if r.recorded {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(r)))
}

#[utoipa::path(get, path = "/api/v1/scope-cases", tag = "certificates", params(PageQuery),
    responses((status = 200, body = PageOf<ScopeCase>), (status = 400, body = ErrorBody)))]
pub(crate) async fn cases_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<ScopeCase>>> {
    let a = actor(&who)?;
    Ok(Json(cases::page(&s.store, a, &page).await?.into()))
}

/// How a case was decided.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseClose {
    /// What was decided (kept with the case).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/scope-cases/{id}/actions/close", tag = "certificates", request_body = CaseClose,
    params(("id" = String, Path)),
    responses((status = 200, body = ScopeCase), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn case_close(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<ScopeCase>> {
    let a = actor(&who)?;
    let input: CaseClose = json_body(&body)?;
    Ok(Json(
        crate::ops::close_case(&s, a, &id, &input.reason).await?,
    ))
}

/// The scan report's name, for the documents.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ScanName {
    /// The report's file name (default `scan.json`).
    #[serde(default)]
    pub file: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/scans", tag = "ledger", params(ScanName),
    request_body(content = Object, description = "the report `chujing scan --json` wrote", content_type = "application/json"),
    responses((status = 201, body = chujing_app::certify::scans::Scan), (status = 400, body = ErrorBody)))]
pub(crate) async fn scan_add(
    State(s): State<AppState>,
    who: Principal,
    axum::extract::Query(q): axum::extract::Query<ScanName>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<chujing_app::certify::scans::Scan>)> {
    let a = actor(&who)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| crate::error::ApiError::bad_request("the scan report is JSON in UTF-8"))?;
    let file = q.file.as_deref().unwrap_or("scan.json");
    let scan = chujing_app::certify::scans::add(&s.store, a, file, text, &s.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(scan)))
}

#[utoipa::path(get, path = "/api/v1/scans", tag = "ledger", params(PageQuery),
    responses((status = 200, body = PageOf<chujing_app::certify::scans::Scan>), (status = 400, body = ErrorBody)))]
pub(crate) async fn scans_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<chujing_app::certify::scans::Scan>>> {
    let a = actor(&who)?;
    Ok(Json(
        chujing_app::certify::scans::page(&s.store, a, &page)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/transfers", tag = "ledger", params(PageQuery),
    responses((status = 200, body = PageOf<OverviewBatch>), (status = 400, body = ErrorBody)))]
pub(crate) async fn transfers_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<OverviewBatch>>> {
    let a = actor(&who)?;
    Ok(Json(
        transfers::batch_page(&s.store, a, &page).await?.into(),
    ))
}
