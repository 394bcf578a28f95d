//! What the API and the pages both do with a record: call the use case with the caller and the service's
//! clock, keys and law. The use cases check the caller against the record themselves
//! (`chujing_app::certify::access`); the API's handlers and the pages differ only in how they read their
//! input and show the result.

use chujing_app::certify::Actor;
use chujing_app::certify::applications::{self, Application, ReviewInput, StepInput};
use chujing_app::certify::cases::{self, ScopeCase};
use chujing_app::certify::certificates::{self, CertificateRecord, PlatformReport};
use chujing_app::certify::filings::{self, Filing, FilingAction, FilingStep};
use chujing_app::certify::orders::{self, NewOrder, Order};
use chujing_cert::{Action, CertificateAction, MaterialKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::ApiResult;

/// An application the caller may see, else 404 (another organisation's application is not shown to exist).
pub async fn application(s: &AppState, a: &Actor, id: &str) -> ApiResult<Application> {
    Ok(applications::get(&s.store, a, id).await?)
}

/// Uploads a material to the caller's own application.
pub async fn put_material(
    s: &AppState,
    a: &Actor,
    id: &str,
    kind: MaterialKind,
    bytes: &[u8],
) -> ApiResult<Application> {
    let now = s.clock.now();
    Ok(applications::put_material(&s.store, a, id, kind, bytes, (&s.key, &s.book), &now).await?)
}

/// Reads a material: the applicant and its body.
pub async fn read_material(
    s: &AppState,
    a: &Actor,
    id: &str,
    kind: MaterialKind,
) -> ApiResult<Vec<u8>> {
    Ok(applications::read_material(&s.store, a, id, kind, &s.key, &s.clock.now()).await?)
}

/// Records a review item's result: the assigned body.
pub async fn review(
    s: &AppState,
    a: &Actor,
    id: &str,
    item: &str,
    input: ReviewInput,
) -> ApiResult<Application> {
    Ok(applications::review(&s.store, a, id, item, input, &s.book, &s.clock.now()).await?)
}

/// Takes a step of an application: the applicant's steps or its body's.
pub async fn step_application(
    s: &AppState,
    a: &Actor,
    id: &str,
    action: Action,
    input: StepInput,
) -> ApiResult<Application> {
    let out = applications::act(&s.store, a, id, action, input, &s.book, &s.clock.now()).await?;
    Ok(out.application)
}

/// A certificate the caller may see beyond the registry, else 404.
pub async fn certificate(s: &AppState, a: &Actor, number: &str) -> ApiResult<CertificateRecord> {
    Ok(certificates::get(&s.store, a, number, s.clock.now().today).await?)
}

/// A certificate the caller's body issued, else 404.
pub async fn issued_certificate(
    s: &AppState,
    a: &Actor,
    number: &str,
) -> ApiResult<CertificateRecord> {
    Ok(certificates::issued(&s.store, a, number, s.clock.now().today).await?)
}

/// Suspends, reinstates, revokes or renews a certificate: the body that issued it.
pub async fn step_certificate(
    s: &AppState,
    a: &Actor,
    number: &str,
    action: CertificateAction,
    reason: Option<&str>,
) -> ApiResult<CertificateRecord> {
    let now = s.clock.now();
    Ok(certificates::act(&s.store, a, number, action, reason, &s.book, &now).await?)
}

/// A material's file as it is downloaded: a name from the application, its kind and what its bytes are, and
/// that type — a PDF, a Word document, text, or bytes.
pub fn material_file(
    application: &str,
    kind: chujing_cert::MaterialKind,
    bytes: &[u8],
) -> (String, &'static str) {
    let (ext, mime) = if bytes.starts_with(b"%PDF-") {
        ("pdf", "application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    } else if std::str::from_utf8(bytes).is_ok() {
        ("txt", "text/plain; charset=utf-8")
    } else {
        ("bin", "application/octet-stream")
    };
    // The id is the service's own (`app-…`), safe in a header; the name is ASCII.
    let id: String = application
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (format!("{id}-{}.{ext}", kind.id()), mime)
}

/// A material as a download: its name and type, never shown inline.
pub fn material_download(
    application: &str,
    kind: chujing_cert::MaterialKind,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (name, mime) = material_file(application, kind, &bytes);
    (
        [
            (axum::http::header::CONTENT_TYPE, mime.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A platform report with whether it is overdue today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlatformReportView {
    /// The report.
    #[serde(flatten)]
    pub report: PlatformReport,
    /// Whether it is overdue today.
    pub overdue: bool,
}

/// The platform reports the caller may list (a body its own, a regulator all), newest first, each with
/// whether it is overdue today: all of them, or only the overdue ones; each with its record number.
pub async fn platform_reports(
    s: &AppState,
    a: &Actor,
    only_overdue: bool,
) -> ApiResult<Vec<(i64, PlatformReportView)>> {
    let today = s.clock.now().today;
    let list = certificates::platform_reports(&s.store, a).await?;
    Ok(list
        .into_iter()
        .map(|(n, r)| {
            let view = PlatformReportView {
                overdue: r.overdue(today),
                report: r,
            };
            (n, view)
        })
        .filter(|(_, v)| !only_overdue || v.overdue)
        .collect())
}

/// Marks one of the caller's platform reports as made.
pub async fn platform_report_made(s: &AppState, a: &Actor, id: &str) -> ApiResult<PlatformReport> {
    Ok(certificates::mark_reported(&s.store, a, id, &s.clock.now()).await?)
}

/// Issues an order to a processor within the regulator's jurisdiction.
pub async fn issue_order(s: &AppState, a: &Actor, new: NewOrder) -> ApiResult<Order> {
    Ok(orders::issue(&s.store, a, new, &s.clock.now()).await?)
}

/// A filing the caller may see, else 404.
pub async fn filing(s: &AppState, a: &Actor, id: &str) -> ApiResult<Filing> {
    Ok(filings::get(&s.store, a, id).await?)
}

/// Submits, returns or accepts a filing: its processor submits, the regulator it is filed with decides.
pub async fn step_filing(
    s: &AppState,
    a: &Actor,
    id: &str,
    action: FilingAction,
    input: FilingStep,
) -> ApiResult<Filing> {
    Ok(filings::act(&s.store, &s.key, a, id, action, input, &s.clock.now()).await?)
}

/// Closes a scope case with what was decided: the body whose certificate it concerns.
pub async fn close_case(s: &AppState, a: &Actor, id: &str, reason: &str) -> ApiResult<ScopeCase> {
    Ok(cases::close(&s.store, a, id, reason, &s.clock.now()).await?)
}

/// The audit log's verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerification {
    /// Whether every entry verifies.
    pub ok: bool,
    /// Entries checked (when ok).
    pub entries: Option<i64>,
    /// The first bad entry.
    pub first_bad: Option<i64>,
    /// What is wrong with it.
    pub reason: Option<String>,
}

/// Verifies the audit log's hash chain.
pub async fn verify_audit(s: &AppState) -> ApiResult<AuditVerification> {
    Ok(match chujing_app::certify::verify_audit(&s.store).await? {
        Ok(n) => AuditVerification {
            ok: true,
            entries: Some(n),
            first_bad: None,
            reason: None,
        },
        Err(b) => AuditVerification {
            ok: false,
            entries: None,
            first_bad: Some(b.seq),
            reason: Some(b.reason),
        },
    })
}

/// A file sent to be checked: its name (whose extension says what it is) and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Sent<'a> {
    /// The file's name.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// Checks a signed standard contract against the form sent with it (the CAC's copy or its fingerprints), and
/// its Annex I against the caller's saved profile, ledger and newest scan; the second value says why Annex I
/// was not compared, when it was not. Nothing sent is kept.
pub async fn check_contract(
    s: &AppState,
    a: &Actor,
    contract: Sent<'_>,
    reference: Sent<'_>,
    lang: chujing_law::Lang,
) -> ApiResult<(chujing_app::report::StandardContractCheck, Option<String>)> {
    let form = chujing_app::report::standard_contract_form_of(reference.name, reference.bytes)?;
    let text = chujing_app::report::agreement_text_of(
        contract.name,
        &contract.name.to_ascii_lowercase(),
        contract.bytes,
    )?;
    let today = s.clock.now().today;
    let expect =
        chujing_app::certify::profiles::annex_expectation(&s.book, &s.store, a, today, lang, &text)
            .await?;
    let (expect, why_not) = match expect {
        Ok(e) => (Some(e), None),
        Err(why) => (None, Some(why)),
    };
    Ok((
        chujing_app::report::check_standard_contract(&form, &text, expect, lang),
        why_not,
    ))
}
