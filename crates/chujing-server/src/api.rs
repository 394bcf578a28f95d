//! The `/api/v1` handlers: parse, ask [`crate::authz`], call `chujing_app::certify`, answer. Each carries its
//! OpenAPI description; the document at `/api/v1/openapi.json` is generated from them.

use crate::json::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chujing_app::certify::applications::{
    self, Application, NewApplication, ReviewInput, StepInput,
};
use chujing_app::certify::certificates::{self, CertificateRecord, PlatformReport, RegistryEntry};
use chujing_app::certify::orders::{self, NewOrder, Order};
use chujing_app::certify::public::{self, NewReport, Report, ReportStatus};
use chujing_app::certify::{Org, accounts};
use chujing_cert::{Action, CertificateAction, MaterialKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{ClientAddr, Principal, SESSION_COOKIE};
use crate::authz::actor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::limiter::Limited;
use crate::ops::{self, AuditVerification, PlatformReportView};
use crate::paging::{PageOf, PageQuery, Paged};
use chujing_app::certify::AuditRecord;

/// The API's routes, with their OpenAPI descriptions.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi_info())
        .routes(routes!(registry))
        .routes(routes!(report_submit, reports_list))
        .routes(routes!(report_status))
        .routes(routes!(login, logout))
        .routes(routes!(orgs_list))
        .routes(routes!(bodies_list))
        .routes(routes!(password_change))
        .routes(routes!(tokens_list))
        .routes(routes!(token_revoke))
        .routes(routes!(application_create, applications_list))
        .routes(routes!(application_get))
        .routes(routes!(material_put, material_get))
        .routes(routes!(review_put))
        .routes(routes!(application_action))
        .routes(routes!(certificates_list))
        .routes(routes!(certificate_get))
        .routes(routes!(certificate_action))
        .routes(routes!(platform_reports_list))
        .routes(routes!(platform_report_made))
        .routes(routes!(order_issue, orders_list))
        .routes(routes!(audit_verify))
        .routes(routes!(audit_list))
        .routes(routes!(
            crate::ledger::processor_put,
            crate::ledger::processor_get
        ))
        .routes(routes!(crate::ledger::flow_put))
        .routes(routes!(crate::ledger::flows_list))
        .routes(routes!(crate::ledger::transfer_check))
        .routes(routes!(crate::ledger::overview))
        .routes(routes!(
            crate::ledger::transfer_record,
            crate::ledger::transfers_list
        ))
        .routes(routes!(crate::ledger::transfer_remove))
        .routes(routes!(crate::ledger::scan_add, crate::ledger::scans_list))
        .routes(routes!(crate::contracts::contract_check))
        .routes(routes!(crate::ledger::cases_list))
        .routes(routes!(crate::ledger::case_close))
        .routes(routes!(
            crate::oversight::filing_create,
            crate::oversight::filings_list
        ))
        .routes(routes!(crate::oversight::filing_get))
        .routes(routes!(crate::oversight::filing_action))
        .routes(routes!(crate::oversight::supervision_put))
        .routes(routes!(crate::oversight::supervision_audit))
        .routes(routes!(crate::oversight::supervision_list))
}

fn openapi_info() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{InfoBuilder, OpenApiBuilder};
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("chujing certification service")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Personal information outbound-transfer certification (CAC & SAMR Order No. 20): applications, \
                     review, certificates, the public registry, violation reports, regulator orders, audit log.\n\n\
                     Errors are {\"error\": {\"code\", \"message\"}}; codes: bad_request, unauthorized, forbidden, \
                     route_forbidden, not_found, conflict, too_large, rate_limited (429, with Retry-After in \
                     seconds), unavailable (503: the database cannot serve the request now, with the reason and \
                     Retry-After; nothing was changed), password_change_required (403: a session signed in with a \
                     one-time password may only change it), processor_facts_missing, internal.\n\n\
                     Lists answer one page, newest first: {\"items\", \"next\", \"total\"}; send ?after=NEXT for the \
                     following page and ?limit=1..500 (default 50). A cursor no page gave is a 400.\n\n\
                     Violation reports (POST /api/v1/reports) are limited to 10 an hour per client address and 500 \
                     an hour in all by default. Sessions and API tokens are listed and revoked under \
                     /api/v1/account/tokens.",
                ))
                .build(),
        )
        .build()
}

/// `GET /healthz`: the service and its database answer.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.setting("schema").await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// Unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such route; the API is described at /api/v1/openapi.json")
}

pub(crate) fn json_body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!("the request body is not the JSON expected: {e}"))
    })
}

/// A registry search.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RegistryQuery {
    /// Certificate number or holder name (part of it); empty lists all, page by page.
    #[serde(default)]
    pub q: String,
}

#[utoipa::path(get, path = "/api/v1/registry", params(RegistryQuery, PageQuery), tag = "public",
    responses((status = 200, body = PageOf<RegistryEntry>), (status = 400, body = ErrorBody)))]
async fn registry(
    State(s): State<AppState>,
    Query(q): Query<RegistryQuery>,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<RegistryEntry>>> {
    if q.q.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "the query has at most 200 characters",
        ));
    }
    let now = s.clock.now();
    Ok(Json(
        certificates::registry(&s.store, &s.views, &q.q, now.today, &page)
            .await?
            .into(),
    ))
}

/// A receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    /// The receipt code: the way to follow the report.
    pub receipt: String,
}

#[utoipa::path(post, path = "/api/v1/reports", request_body = NewReport, tag = "public",
    responses((status = 201, body = Receipt), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too many reports from this address, or to this service, in the last hour; `Retry-After` says when to send again")))]
async fn report_submit(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    admit_public_write(&s, addr)?;
    let new: NewReport = json_body(&body)?;
    let r = public::submit(&s.store, new, &s.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(Receipt { receipt: r.receipt })))
}

#[utoipa::path(get, path = "/api/v1/reports/{receipt}", tag = "public",
    params(("receipt" = String, Path, description = "the receipt code")),
    responses((status = 200, body = ReportStatus), (status = 404, body = ErrorBody)))]
async fn report_status(
    State(s): State<AppState>,
    Path(receipt): Path<String>,
) -> ApiResult<Json<ReportStatus>> {
    Ok(Json(public::status(&s.store, &receipt).await?))
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "regulator", params(PageQuery),
    responses((status = 200, body = PageOf<Report>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn reports_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<Report>>> {
    let a = actor(&who)?;
    Ok(Json(public::page(&s.store, a, &page).await?.into()))
}

/// Counts one anonymous write from `addr` (a violation report, by the API or the form), or answers 429 with
/// `Retry-After`: the limits per address and in all are in [`crate::limiter::PublicLimits`].
pub(crate) fn admit_public_write(s: &AppState, addr: std::net::IpAddr) -> Result<(), ApiError> {
    let at: jiff::Timestamp = s
        .clock
        .now()
        .at
        .parse()
        .map_err(|_| ApiError::bad_request("clock"))?;
    s.public_writes.admit(addr, at).map_err(|refused| {
        let limits = s.public_writes.limits();
        let (whom, n) = if refused.by_address {
            ("from your address", limits.per_address)
        } else {
            ("to this service from all addresses", limits.global)
        };
        let seconds = u64::try_from(refused.retry_after.as_secs())
            .unwrap_or(1)
            .max(1);
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "at most {n} reports {whom} are taken in {} minutes: send again in {} minutes",
                limits.window.as_mins(),
                seconds.div_ceil(60)
            ),
        )
        .retry_after(seconds)
    })
}

#[utoipa::path(get, path = "/api/v1/bodies", tag = "organisations", params(PageQuery),
    description = "The certification bodies, which a processor applies to: open to every signed-in party.",
    responses((status = 200, body = PageOf<Org>), (status = 400, body = ErrorBody)))]
async fn bodies_list(
    State(s): State<AppState>,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<Org>>> {
    let kind = Some(chujing_app::certify::OrgKind::CertificationBody);
    Ok(Json(
        accounts::org_page(&s.store, kind, &page).await?.into(),
    ))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password (the one-time password after a reset).
    pub current: String,
    /// The new one: at least 12 characters, not the e-mail address.
    pub new: String,
}

#[utoipa::path(post, path = "/api/v1/account/password", tag = "session", request_body = PasswordChange,
    description = "Changes the caller's password; the caller's other sessions end. After a reset (a one-time password) this is the only change a session may make.",
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "the current password is not right")))]
async fn password_change(
    State(s): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let a = actor(&who)?;
    let input: PasswordChange = json_body(&body)?;
    let session = crate::auth::credential(&headers).map(|(t, _)| t);
    accounts::change_password(
        &s.store,
        a,
        &input.current,
        &input.new,
        session,
        &s.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/account/tokens", tag = "session", params(PageQuery),
    description = "The caller's sessions and API tokens, newest first: each by its id (never the token).",
    responses((status = 200, body = PageOf<accounts::TokenInfo>), (status = 400, body = ErrorBody)))]
async fn tokens_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<accounts::TokenInfo>>> {
    let a = actor(&who)?;
    let mine = accounts::tokens(&s.store, Some(&a.user)).await?;
    let listed = page
        .page_of(&mine)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Json(listed.into()))
}

#[utoipa::path(delete, path = "/api/v1/account/tokens/{id}", tag = "session",
    params(("id" = String, Path, description = "the token's id as the list gives it (at least 8 characters)")),
    description = "Revokes one of the caller's sessions or API tokens: it stops answering at once.",
    responses((status = 200, body = accounts::TokenInfo), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn token_revoke(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<accounts::TokenInfo>> {
    let a = actor(&who)?;
    let now = s.clock.now();
    Ok(Json(
        accounts::revoke_by_id(&s.store, &id, Some(&a.user), &a.label(), &now).await?,
    ))
}

/// A login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// The user's e-mail.
    pub email: String,
    /// The password.
    pub password: String,
}

/// A session: its cookie is set; changes send `csrf` in the `x-csrf-token` header.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    /// The CSRF token.
    pub csrf: String,
    /// When the session ends.
    pub expires_at: String,
}

#[utoipa::path(post, path = "/api/v1/session", request_body = Login, tag = "session",
    responses((status = 200, body = Session), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    body: Bytes,
) -> ApiResult<Response> {
    let l: Login = json_body(&body)?;
    let issued = sign_in(&s, addr, &l.email, &l.password).await?;
    let body = Session {
        csrf: issued.csrf.unwrap_or_default(),
        expires_at: issued.expires_at,
    };
    Ok((
        [(header::SET_COOKIE, session_cookie(&issued.token))],
        Json(body),
    )
        .into_response())
}

/// The session cookie that carries `token` (HttpOnly, Secure, SameSite=Strict, for the session's 12 hours).
pub(crate) fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
        12 * 3600
    )
}

/// Opens a session for an e-mail and password (the API's `POST /session` and the sign-in page), through the
/// login limiter ([`crate::limiter`]): refused with 429 after too many failures from this address for this
/// e-mail, or from this address at all. A wrong e-mail and a wrong password take the same time and get the
/// same answer.
pub(crate) async fn sign_in(
    s: &AppState,
    addr: std::net::IpAddr,
    email: &str,
    password: &str,
) -> Result<accounts::Issued, ApiError> {
    let now = s.clock.now();
    let at: jiff::Timestamp = now.at.parse().map_err(|_| ApiError::bad_request("clock"))?;
    if let Err(why) = s.logins.check(addr, email, at) {
        let whom = match why {
            Limited::Account => "for this e-mail from your address",
            Limited::Address => "from your address",
        };
        let minutes = crate::limiter::WINDOW.as_mins();
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many failed logins {whom}: wait {minutes} minutes"),
        )
        .retry_after(u64::try_from(crate::limiter::WINDOW.as_secs()).unwrap_or(900)));
    }
    match accounts::login(&s.store, email, password, &now).await? {
        Some(issued) => {
            s.logins.succeeded(addr, email);
            Ok(issued)
        }
        None => {
            s.logins.failed(addr, email, at);
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "wrong e-mail or password",
            ))
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
async fn logout(
    State(s): State<AppState>,
    who: Principal,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let a = actor(&who)?;
    let token = crate::auth::credential(&headers).map(|(t, _)| t);
    if let Some(t) = token {
        accounts::revoke(&s.store, t, &a.label(), &s.clock.now()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations", params(PageQuery),
    description = "Every organisation: the regulators' list (403 for the other parties).",
    responses((status = 200, body = PageOf<Org>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn orgs_list(State(s): State<AppState>, Paged(page): Paged) -> ApiResult<Json<PageOf<Org>>> {
    Ok(Json(
        accounts::org_page(&s.store, None, &page).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/applications", request_body = NewApplication, tag = "applications",
    responses((status = 201, body = Application), (status = 400, body = ErrorBody)))]
async fn application_create(
    State(s): State<AppState>,
    who: Principal,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Application>)> {
    let a = actor(&who)?;
    let new: NewApplication = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(applications::create(&s.store, a, new, &s.clock.now()).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(PageQuery),
    responses((status = 200, body = PageOf<Application>), (status = 400, body = ErrorBody)))]
async fn applications_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<Application>>> {
    let a = actor(&who)?;
    Ok(Json(applications::page(&s.store, a, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path)), responses((status = 200, body = Application), (status = 404, body = ErrorBody)))]
async fn application_get(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Application>> {
    let a = actor(&who)?;
    Ok(Json(ops::application(&s, a, &id).await?))
}

fn material_kind(kind: &str) -> ApiResult<MaterialKind> {
    MaterialKind::parse(kind).map_err(|e| ApiError::bad_request(e.to_string()))
}

#[utoipa::path(put, path = "/api/v1/applications/{id}/materials/{kind}", tag = "applications",
    params(("id" = String, Path), ("kind" = String, Path, description = "agreement, officer, processing_rules, pipia, risk_plan, compliance_strategy")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = Application), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn material_put(
    State(s): State<AppState>,
    who: Principal,
    Path((id, kind)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Application>> {
    let a = actor(&who)?;
    let kind = material_kind(&kind)?;
    Ok(Json(ops::put_material(&s, a, &id, kind, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/materials/{kind}", tag = "applications",
    params(("id" = String, Path), ("kind" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn material_get(
    State(s): State<AppState>,
    who: Principal,
    Path((id, kind)): Path<(String, String)>,
) -> ApiResult<Response> {
    let a = actor(&who)?;
    let kind = material_kind(&kind)?;
    let bytes = ops::read_material(&s, a, &id, kind).await?;
    Ok(ops::material_download(&id, kind, bytes))
}

#[utoipa::path(put, path = "/api/v1/applications/{id}/review/{item}", tag = "applications",
    params(("id" = String, Path), ("item" = String, Path)), request_body = ReviewInput,
    responses((status = 200, body = Application), (status = 409, body = ErrorBody)))]
async fn review_put(
    State(s): State<AppState>,
    who: Principal,
    Path((id, item)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Application>> {
    let a = actor(&who)?;
    let input: ReviewInput = json_body(&body)?;
    Ok(Json(ops::review(&s, a, &id, &item, input).await?))
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/actions/{action}", tag = "applications",
    params(("id" = String, Path), ("action" = String, Path, description = "submit, accept, return, start_verification, start_audit, grant, refuse, withdraw")),
    request_body = StepInput,
    responses((status = 200, body = Application), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn application_action(
    State(s): State<AppState>,
    who: Principal,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Application>> {
    let a = actor(&who)?;
    let action = Action::parse(&action).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let input: StepInput = if body.is_empty() {
        StepInput::default()
    } else {
        json_body(&body)?
    };
    Ok(Json(
        ops::step_application(&s, a, &id, action, input).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/certificates", tag = "certificates", params(PageQuery),
    responses((status = 200, body = PageOf<CertificateRecord>), (status = 400, body = ErrorBody)))]
async fn certificates_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<CertificateRecord>>> {
    let a = actor(&who)?;
    let today = s.clock.now().today;
    Ok(Json(
        certificates::page(&s.store, a, today, &page).await?.into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/certificates/{number}", tag = "certificates",
    params(("number" = String, Path)), responses((status = 200, body = CertificateRecord), (status = 404, body = ErrorBody)))]
async fn certificate_get(
    State(s): State<AppState>,
    who: Principal,
    Path(number): Path<String>,
) -> ApiResult<Json<CertificateRecord>> {
    let a = actor(&who)?;
    Ok(Json(ops::certificate(&s, a, &number).await?))
}

/// A certificate action's input.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateStep {
    /// Why (required to suspend or revoke: it is published).
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/certificates/{number}/actions/{action}", tag = "certificates",
    params(("number" = String, Path), ("action" = String, Path, description = "suspend, reinstate, revoke, renew")),
    request_body = CertificateStep,
    responses((status = 200, body = CertificateRecord), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn certificate_action(
    State(s): State<AppState>,
    who: Principal,
    Path((number, action)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<CertificateRecord>> {
    let a = actor(&who)?;
    let action =
        CertificateAction::parse(&action).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let step: CertificateStep = if body.is_empty() {
        CertificateStep::default()
    } else {
        json_body(&body)?
    };
    Ok(Json(
        ops::step_certificate(&s, a, &number, action, step.reason.as_deref()).await?,
    ))
}

/// How to export platform reports.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `json` (default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
    /// Only the overdue ones.
    #[serde(default)]
    pub overdue: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/platform-reports", tag = "certificates", params(ExportQuery, PageQuery),
    responses((status = 200, body = PageOf<PlatformReportView>,
        description = "JSON, a page at a time; or with format=csv every report (the whole list, for export)"),
        (status = 400, body = ErrorBody)))]
async fn platform_reports_list(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<ExportQuery>,
    Paged(page): Paged,
) -> ApiResult<Response> {
    let a = actor(&who)?;
    let numbered = ops::platform_reports(&s, a, q.overdue.unwrap_or(false)).await?;
    match q.format.as_deref() {
        None | Some("json") => {
            let listed = page
                .page_of(&numbered)
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            Ok(Json(PageOf::from(listed)).into_response())
        }
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"platform-reports.csv\"",
                ),
            ],
            platform_reports_csv(numbered.into_iter().map(|(_, v)| v)),
        )
            .into_response()),
        Some(other) => Err(ApiError::bad_request(format!(
            "unknown format `{other}`; expected json or csv"
        ))),
    }
}

/// The platform reports as CSV (RFC 4180: fields with a comma, quote or line break are quoted).
fn platform_reports_csv(views: impl Iterator<Item = PlatformReportView>) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let date = |d: Option<chujing_law::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut out =
        String::from("id,certificate,event,event_on,due_on,reported_on,overdue,citation\r\n");
    for v in views {
        let r = &v.report;
        let row = [
            field(&r.id),
            field(&r.certificate),
            field(&r.event),
            r.event_on.to_string(),
            date(r.due_on),
            date(r.reported_on),
            v.overdue.to_string(),
            field(&r.citation),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[utoipa::path(post, path = "/api/v1/platform-reports/{id}/actions/report", tag = "certificates",
    params(("id" = String, Path)), responses((status = 200, body = PlatformReport), (status = 404, body = ErrorBody)))]
async fn platform_report_made(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<PlatformReport>> {
    let a = actor(&who)?;
    Ok(Json(ops::platform_report_made(&s, a, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/orders", request_body = NewOrder, tag = "regulator",
    responses((status = 201, body = Order), (status = 400, body = ErrorBody)))]
async fn order_issue(
    State(s): State<AppState>,
    who: Principal,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let a = actor(&who)?;
    let new: NewOrder = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(ops::issue_order(&s, a, new).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/orders", tag = "regulator", params(PageQuery),
    responses((status = 200, body = PageOf<Order>), (status = 400, body = ErrorBody)))]
async fn orders_list(
    State(s): State<AppState>,
    who: Principal,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<Order>>> {
    let a = actor(&who)?;
    Ok(Json(orders::page(&s.store, a, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "regulator", params(PageQuery),
    responses((status = 200, body = PageOf<AuditRecord>), (status = 400, body = ErrorBody)))]
async fn audit_list(
    State(s): State<AppState>,
    Paged(page): Paged,
) -> ApiResult<Json<PageOf<AuditRecord>>> {
    Ok(Json(
        chujing_app::certify::audit_page(&s.store, &page)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "regulator", responses((status = 200, body = AuditVerification)))]
async fn audit_verify(State(s): State<AppState>) -> ApiResult<Json<AuditVerification>> {
    Ok(Json(ops::verify_audit(&s).await?))
}
