//! Oversight over HTTP: standard contract filings with the provincial regulator (Standard Contract Measures
//! Art. 7) and the supervision of certificates by their body.

use crate::json::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chujing_app::certify::filings::{self, Filing, FilingAction, FilingStep, NewFiling};
use chujing_app::certify::supervision::{self, AuditInput, Supervision};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::json_body;
use crate::auth::Principal;
use crate::authz::actor;
use crate::error::{ApiResult, ErrorBody};
use crate::paging::{PageOf, PageQuery, Paged};

#[utoipa::path(post, path = "/api/v1/filings", tag = "regulator", request_body = NewFiling,
    responses((status = 201, body = Filing), (status = 400, body = ErrorBody)))]
pub(crate) async fn filing_create(
    State(s): State<AppState>,
    who: Principal,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Filing>)> {
    let a = actor(&who)?;
    let new: NewFiling = json_body(&body)?;
    let f = filings::create(&s.store, &s.key, &s.book, a, new, &s.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(f)))
}

#[utoipa::path(get, path = "/api/v1/filings", tag = "regulator", params(PageQuery),
    responses((status = 200, body = PageOf<Filing>), (status = 400, body = ErrorBody)))]
pub(crate) async fn filings_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<Filing>>> {
    let a = actor(&who)?;
    Ok(Json(filings::page(&s.store, a, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/filings/{id}", tag = "regulator", params(("id" = String, Path)),
    responses((status = 200, body = Filing), (status = 404, body = ErrorBody)))]
pub(crate) async fn filing_get(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Filing>> {
    let a = actor(&who)?;
    Ok(Json(crate::ops::filing(&s, a, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/filings/{id}/actions/{action}", tag = "regulator",
    params(("id" = String, Path), ("action" = String, Path, description = "submit, return, accept")),
    request_body = FilingStep,
    responses((status = 200, body = Filing), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn filing_action(
    State(s): State<AppState>,
    who: Principal,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Filing>> {
    let a = actor(&who)?;
    let action = FilingAction::parse(&action)?;
    let input: FilingStep = if body.is_empty() {
        FilingStep::default()
    } else {
        json_body(&body)?
    };
    Ok(Json(
        crate::ops::step_filing(&s, a, &id, action, input).await?,
    ))
}

/// How often a certificate is audited.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Frequency {
    /// Months between supervision audits (1 to 36).
    pub every_months: u8,
}

#[utoipa::path(put, path = "/api/v1/certificates/{number}/supervision", tag = "certificates",
    params(("number" = String, Path)), request_body = Frequency,
    responses((status = 200, body = Supervision), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn supervision_put(
    State(s): State<AppState>,
    who: Principal,
    Path(number): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Supervision>> {
    let a = actor(&who)?;
    let f: Frequency = json_body(&body)?;
    let c = crate::ops::issued_certificate(&s, a, &number).await?;
    Ok(Json(
        supervision::set_frequency(&s.store, a, &c, f.every_months, &s.clock.now()).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/certificates/{number}/supervision/audits", tag = "certificates",
    params(("number" = String, Path)), request_body = AuditInput,
    responses((status = 200, body = Supervision), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(crate) async fn supervision_audit(
    State(s): State<AppState>,
    who: Principal,
    Path(number): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Supervision>> {
    let a = actor(&who)?;
    let input: AuditInput = json_body(&body)?;
    let c = crate::ops::issued_certificate(&s, a, &number).await?;
    Ok(Json(
        supervision::record_audit(&s.store, a, &c, input, &s.clock.now()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/supervision", tag = "certificates", params(PageQuery),
    responses((status = 200, body = PageOf<Supervision>), (status = 400, body = ErrorBody)))]
pub(crate) async fn supervision_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<Supervision>>> {
    let a = actor(&who)?;
    let today = s.clock.now().today;
    Ok(Json(
        supervision::page(&s.store, a, today, &page).await?.into(),
    ))
}
