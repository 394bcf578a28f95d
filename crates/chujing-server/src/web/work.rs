//! The working pages of the signed-in parties: applications (the processor applies and uploads, the body
//! reviews and decides), the certification body's workspace and the regulator's. Every change goes through
//! [`crate::ops`], where the record-level authorisation is applied, exactly as the API's calls do; a page adds
//! the form and the words.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chujing_app::certify::applications::{self, Application, ReviewInput, StepInput};
use chujing_app::certify::cases::{self, ScopeCase};
use chujing_app::certify::certificates::{self, CertificateRecord};
use chujing_app::certify::filings::{self, Filing, FilingAction, FilingStep};
use chujing_app::certify::orders::{self, NewOrder, Order, OrderKind};
use chujing_app::certify::public::{self, Report};
use chujing_app::certify::supervision::{self, Supervision};
use chujing_app::certify::{Actor, Org, OrgKind, accounts};
use chujing_cert::{Action, CertificateAction, MaterialKind, Party};
use chujing_law::Lang;
use serde::Deserialize;

use super::pager::Pager;
use super::{
    Chrome, PageContext, error_page, file_field, form, multipart_fields, page, text, text_field,
};
use crate::AppState;
use crate::auth::Principal;
use crate::authz;
use crate::error::ApiError;
use crate::ops;

/// The signed-in actor of a page (its route is not public, so there is one).
fn actor(cx: &PageContext) -> Result<&Actor, ApiError> {
    authz::actor(&cx.who)
}

/// The organisations' names by id, to show names instead of ids.
async fn names(s: &AppState) -> Result<BTreeMap<String, String>, ApiError> {
    Ok(accounts::orgs(&s.store, None)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

fn name_of(names: &BTreeMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_string())
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// An answer: the page, or the error page with the error's status.
fn answer(cx: &PageContext, r: Result<Response, ApiError>) -> Response {
    r.unwrap_or_else(|e| error_page(cx, e))
}

/// An application as a row of a list.
struct AppRow {
    id: String,
    processor: String,
    body: String,
    state: &'static str,
    submitted_on: String,
    missing: usize,
    certificate: Option<String>,
}

impl AppRow {
    fn new(lang: Lang, a: &Application, names: &BTreeMap<String, String>) -> AppRow {
        AppRow {
            id: a.id.clone(),
            processor: name_of(names, &a.processor),
            body: name_of(names, &a.body),
            state: text::application_state(lang, a.state),
            submitted_on: a.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
            missing: a.missing.len(),
            certificate: a.certificate.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ApplicationsPage {
    c: Chrome,
    rows: Vec<AppRow>,
    pager: Pager,
    /// The bodies a processor may apply to (empty for the others: they do not apply).
    bodies: Vec<Org>,
    /// The profile saved on the assessment page, to apply with (empty when none is saved).
    profile: String,
}

/// The caller's applications: a processor's own (with the form to apply), a body's assigned, all for a
/// regulator.
pub async fn applications(State(s): State<AppState>, cx: PageContext) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let names = names(&s).await?;
        let list = applications::page(&s.store, a, &cx.table_page("applications")?).await?;
        let (bodies, profile) = if a.org.kind == OrgKind::Processor {
            let saved = chujing_app::certify::profiles::get(&s.store, a).await?;
            (
                accounts::orgs(&s.store, Some(OrgKind::CertificationBody)).await?,
                saved.map(|p| p.toml).unwrap_or_default(),
            )
        } else {
            (Vec::new(), String::new())
        };
        Ok(page(
            StatusCode::OK,
            &ApplicationsPage {
                c: cx.chrome(),
                rows: list
                    .items
                    .iter()
                    .map(|x| AppRow::new(cx.lang, x, &names))
                    .collect(),
                pager: cx.pager("applications", &list),
                bodies,
                profile,
            },
        ))
    }
    .await;
    answer(&cx, r)
}

/// Opens an application from the form (multipart: the profile as text or as a file).
pub async fn application_create(
    State(s): State<AppState>,
    cx: PageContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let fields = multipart_fields(&headers, body).await?;
        let field = |name: &str| text_field(&fields, name);
        let profile = field("profile_file")
            .or_else(|| field("profile"))
            .ok_or_else(|| {
                ApiError::bad_request("give the profile: paste it, or choose its file")
            })?;
        let new = applications::NewApplication {
            body: field("body").unwrap_or_default(),
            profile,
            representative: field("representative").filter(|r| !r.trim().is_empty()),
        };
        let app = applications::create(&s.store, a, new, &s.clock.now()).await?;
        Ok(Redirect::to(&format!("/applications/{}", app.id)).into_response())
    }
    .await;
    answer(&cx, r)
}

/// A material's line on the application page.
struct MaterialRow {
    kind: &'static str,
    label: &'static str,
    uploaded: Option<String>,
    clauses_missing: String,
}

/// A review item with its result so far.
struct ReviewRow {
    id: &'static str,
    text: &'static str,
    source: String,
    result: Option<(bool, String, String)>,
}

/// A step the caller may take, with whether it needs a reason.
struct StepButton {
    id: &'static str,
    label: &'static str,
    reason: bool,
    grant: bool,
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage {
    c: Chrome,
    app: Application,
    processor: String,
    body: String,
    state: &'static str,
    scope: ScopeView,
    eligible: Option<bool>,
    ineligible: Vec<String>,
    materials: Vec<MaterialRow>,
    upload: bool,
    download: bool,
    review: Vec<ReviewRow>,
    may_review: bool,
    steps: Vec<StepButton>,
    /// The history: when, what (in words), by whom, why.
    history: Vec<(String, String, String, Option<String>)>,
}

/// A scope in the page's words (comma-separated lists, as the grant form takes them back).
struct ScopeView {
    categories: String,
    purposes: String,
    recipients: String,
    countries: String,
    max_individuals: u64,
    max_sensitive_individuals: u64,
}

impl ScopeView {
    fn new(s: &chujing_cert::Scope) -> ScopeView {
        ScopeView {
            categories: join(&s.categories),
            purposes: join(&s.purposes),
            recipients: join(&s.recipients),
            countries: join(&s.countries),
            max_individuals: s.max_individuals,
            max_sensitive_individuals: s.max_sensitive_individuals,
        }
    }
}

/// The steps `a` may take on `app` now: those its state allows and its party takes.
fn steps(lang: Lang, a: &Actor, app: &Application) -> Vec<StepButton> {
    let party = match a.org.kind {
        OrgKind::Processor => Party::Applicant,
        OrgKind::CertificationBody => Party::Body,
        _ => return Vec::new(),
    };
    app.allowed
        .iter()
        .filter(|s| s.party() == party && authz::may_step_application(a, app, **s).is_ok())
        .map(|&s| StepButton {
            id: s.id(),
            label: text::action(lang, s),
            reason: matches!(s, Action::Return | Action::Refuse),
            grant: s == Action::Grant,
        })
        .collect()
}

/// One application: its state, scope, materials, review and the steps the caller may take.
pub async fn application(
    State(s): State<AppState>,
    cx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let app = ops::application(&s, a, &id).await?;
        let names = names(&s).await?;
        let lang = cx.lang;
        let materials = MaterialKind::ALL
            .into_iter()
            .map(|k| {
                let m = app.materials.iter().find(|m| m.kind == k);
                MaterialRow {
                    kind: k.id(),
                    label: text::material(lang, k),
                    uploaded: m
                        .map(|m| format!("{} B · {} · {}", m.size, m.uploaded_by, m.uploaded_at)),
                    clauses_missing: m.map(|m| m.clauses_missing.join(", ")).unwrap_or_default(),
                }
            })
            .collect();
        let on = app.submitted_on.unwrap_or(s.clock.now().today);
        let checklist = chujing_law::certification::review_checklist(&s.book, on, lang)
            .map_err(|e| ApiError::from(chujing_app::AppError::from(e)))?;
        let review = checklist
            .into_iter()
            .map(|item| ReviewRow {
                id: item.id,
                text: item.text,
                source: item.source,
                result: app.review.iter().find(|r| r.item == item.id).map(|r| {
                    (
                        r.passed,
                        r.evidence.clone(),
                        format!("{} · {}", r.reviewer, r.at),
                    )
                }),
            })
            .collect();
        let page_ = ApplicationPage {
            c: cx.chrome(),
            processor: name_of(&names, &app.processor),
            body: name_of(&names, &app.body),
            state: text::application_state(lang, app.state),
            scope: ScopeView::new(&app.scope),
            eligible: app.eligibility.as_ref().map(|e| e.eligible()),
            ineligible: app
                .eligibility
                .iter()
                .flat_map(|e| {
                    e.ineligible
                        .iter()
                        .map(|i| text::ineligible(lang, i).to_string())
                })
                .collect(),
            materials,
            upload: authz::may_upload(a, &app) && app.allowed.contains(&Action::Submit),
            download: authz::may_read_materials(a, &app),
            review,
            may_review: authz::may_review(a, &app)
                && matches!(
                    app.state,
                    chujing_cert::ApplicationState::Verification
                        | chujing_cert::ApplicationState::Audit
                ),
            steps: steps(lang, a, &app),
            history: app
                .history
                .iter()
                .map(|h| {
                    let what = Action::parse(&h.action)
                        .map_or_else(|_| h.action.clone(), |x| text::action(lang, x).to_string());
                    (h.at.clone(), what, h.by.clone(), h.reason.clone())
                })
                .collect(),
            app,
        };
        Ok(page(StatusCode::OK, &page_))
    }
    .await;
    answer(&cx, r)
}

/// Uploads one material (multipart, the file in `file`).
pub async fn material_upload(
    State(s): State<AppState>,
    cx: PageContext,
    Path((id, kind)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        // Whether the caller may see the application first: another organisation learns nothing from the
        // form's problems.
        ops::application(&s, a, &id).await?;
        let kind = MaterialKind::parse(&kind).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let fields = multipart_fields(&headers, body).await?;
        let file = file_field(&fields, "file")
            .ok_or_else(|| ApiError::bad_request("choose the file to upload"))?;
        ops::put_material(&s, a, &id, kind, &file.bytes).await?;
        Ok(Redirect::to(&format!("/applications/{id}#materials")).into_response())
    }
    .await;
    answer(&cx, r)
}

/// Downloads one material: the applicant and its body.
pub async fn material_download(
    State(s): State<AppState>,
    cx: PageContext,
    Path((id, kind)): Path<(String, String)>,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let kind = MaterialKind::parse(&kind).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let bytes = ops::read_material(&s, a, &id, kind).await?;
        Ok(ops::material_download(&id, kind, bytes))
    }
    .await;
    answer(&cx, r)
}

/// A review item's result as the form sends it.
#[derive(Debug, Default, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    result: String,
    #[serde(default)]
    evidence: String,
}

/// Records a review item's result.
pub async fn review(
    State(s): State<AppState>,
    cx: PageContext,
    Path((id, item)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let f: ReviewForm = form(&body)?;
        let input = ReviewInput {
            passed: f.result == "passed",
            evidence: f.evidence,
        };
        ops::review(&s, a, &id, &item, input).await?;
        Ok(Redirect::to(&format!("/applications/{id}#review")).into_response())
    }
    .await;
    answer(&cx, r)
}

/// A step's form: a reason (return, refuse), and on grant the scope certified.
#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    reason: String,
    categories: Option<String>,
    purposes: Option<String>,
    recipients: Option<String>,
    countries: Option<String>,
    max_individuals: Option<String>,
    max_sensitive_individuals: Option<String>,
}

fn set(list: &str) -> BTreeSet<String> {
    list.split([',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn count(field: &str, v: &str) -> Result<u64, ApiError> {
    v.trim().parse().map_err(|_| {
        ApiError::bad_request(format!(
            "`{field}` is a whole number of individuals, not `{v}`"
        ))
    })
}

impl StepForm {
    /// The scope certified, when the form carries one (the grant form always does).
    fn scope(&self) -> Result<Option<chujing_cert::Scope>, ApiError> {
        let (Some(max), Some(max_s)) = (&self.max_individuals, &self.max_sensitive_individuals)
        else {
            return Ok(None);
        };
        let list = |v: &Option<String>| v.as_deref().map(set).unwrap_or_default();
        Ok(Some(chujing_cert::Scope {
            categories: list(&self.categories),
            purposes: list(&self.purposes),
            recipients: list(&self.recipients),
            countries: list(&self.countries),
            max_individuals: count("max_individuals", max)?,
            max_sensitive_individuals: count("max_sensitive_individuals", max_s)?,
        }))
    }
}

/// Takes a step of an application.
pub async fn application_step(
    State(s): State<AppState>,
    cx: PageContext,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let action = Action::parse(&action).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let f: StepForm = form(&body)?;
        let input = StepInput {
            scope: f.scope()?,
            reason: Some(f.reason).filter(|r| !r.trim().is_empty()),
        };
        ops::step_application(&s, a, &id, action, input).await?;
        Ok(Redirect::to(&format!("/applications/{id}")).into_response())
    }
    .await;
    answer(&cx, r)
}

/// A certificate as a row, with the steps its body may take.
struct CertRow {
    number: String,
    holder: String,
    body: String,
    status: &'static str,
    status_id: &'static str,
    reason: Option<String>,
    scope: ScopeView,
    issued_on: String,
    expires_on: String,
    steps: Vec<(&'static str, &'static str)>,
}

impl CertRow {
    fn new(
        lang: Lang,
        c: &CertificateRecord,
        names: &BTreeMap<String, String>,
        act: bool,
    ) -> CertRow {
        use chujing_cert::CertificateStatus as S;
        let steps: &[CertificateAction] = match (act, c.status_today) {
            (false, _) => &[],
            (true, S::Valid) => &[CertificateAction::Suspend, CertificateAction::Revoke],
            (true, S::Suspended) => &[CertificateAction::Reinstate, CertificateAction::Revoke],
            (true, S::Revoked | S::Expired) => &[],
        };
        CertRow {
            number: c.certificate.number.to_string(),
            holder: name_of(names, &c.certificate.holder),
            body: name_of(names, &c.body),
            status: text::status(lang, c.status_today),
            status_id: c.status_today.id(),
            reason: c.certificate.reason.clone(),
            scope: ScopeView::new(&c.certificate.scope),
            issued_on: c.certificate.issued_on.to_string(),
            expires_on: c.certificate.expires_on.to_string(),
            steps: steps
                .iter()
                .map(|s| (s.id(), text::certificate_action(lang, *s)))
                .collect(),
        }
    }
}

/// A scope case as a row.
struct CaseRow {
    id: String,
    certificate: String,
    processor: String,
    flow: String,
    date: String,
    breaches: String,
    proposed: String,
    status: String,
    open: bool,
}

impl CaseRow {
    fn new(lang: Lang, c: &ScopeCase, names: &BTreeMap<String, String>) -> CaseRow {
        CaseRow {
            id: c.id.clone(),
            certificate: c.certificate.clone(),
            processor: name_of(names, &c.processor),
            flow: c.flow.clone(),
            date: c.date.to_string(),
            breaches: c
                .breaches
                .iter()
                .map(|b| b.describe(lang))
                .collect::<Vec<_>>()
                .join("; "),
            proposed: c.proposed.clone(),
            status: text::state(lang, c.status.id()).to_string(),
            open: c.closed.is_none(),
        }
    }
}

/// A supervision plan as a row.
struct SupervisionRow {
    certificate: String,
    holder: String,
    /// `None`: no plan yet.
    every_months: Option<u8>,
    next_due: String,
    overdue: bool,
    overdue_findings: usize,
}

/// A platform report as a row.
struct PlatformRow {
    id: String,
    certificate: String,
    event: String,
    event_on: String,
    due_on: String,
    reported_on: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "body.html")]
struct BodyPage {
    c: Chrome,
    queue: Vec<AppRow>,
    queue_pager: Pager,
    certificates: Vec<CertRow>,
    certificates_pager: Pager,
    supervision: Vec<SupervisionRow>,
    supervision_pager: Pager,
    cases: Vec<CaseRow>,
    cases_pager: Pager,
    platform: Vec<PlatformRow>,
    platform_pager: Pager,
    /// The platform report's period and article, from the packs in force today.
    platform_intro: String,
}

/// The period within which a body reports to the certification platform, as the law in force on `today`
/// sets it (Certification Measures 2026 Art. 9), in words.
fn platform_intro(s: &AppState, lang: Lang, today: chujing_law::Date) -> String {
    let t = text::text(lang);
    let term = chujing_law::certification::terms(&s.book, today, lang)
        .ok()
        .flatten()
        .and_then(|t| t.report_working_days);
    match term {
        Some(r) => {
            let period = match lang {
                Lang::En => format!("{} working days ({})", r.value, r.citation),
                Lang::Zh => format!("{}个工作日（{}）", r.value, r.citation),
            };
            format!("{}{period}{}", t.platform_intro, t.platform_flagged)
        }
        None => t.platform_no_duty.to_string(),
    }
}

/// The certification body's workspace: its queue, certificates, supervision calendar, scope cases and the
/// reports it owes the platform.
pub async fn body(State(s): State<AppState>, cx: PageContext) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let (lang, today) = (cx.lang, s.clock.now().today);
        let names = names(&s).await?;
        let queue = applications::queue_page(&s.store, a, &cx.table_page("queue")?).await?;
        let queue_pager = cx.pager("queue", &queue);
        let queue = queue
            .items
            .iter()
            .map(|x| AppRow::new(lang, x, &names))
            .collect();
        let certs = certificates::page(&s.store, a, today, &cx.table_page("certificates")?).await?;
        let certificates_pager = cx.pager("certificates", &certs);
        let certificates = certs
            .items
            .iter()
            .map(|c| CertRow::new(lang, c, &names, authz::may_act_on_certificate(a, c)))
            .collect();
        // Every certificate in force has a line: its plan, or the form to set one.
        let plans = supervision::list(&s.store, a, today).await?;
        let in_force: Vec<(i64, CertificateRecord)> = certificates::numbered(&s.store, a, today)
            .await?
            .into_iter()
            .filter(|(_, c)| {
                use chujing_cert::CertificateStatus as S;
                matches!(c.status_today, S::Valid | S::Suspended)
            })
            .collect();
        let in_force = cx.table_of("supervision", &in_force)?;
        let supervision_pager = cx.pager("supervision", &in_force);
        let supervision = in_force
            .items
            .iter()
            .map(|c| {
                let number = c.certificate.number.to_string();
                let plan = plans
                    .iter()
                    .find(|p: &&Supervision| p.certificate == number);
                SupervisionRow {
                    holder: name_of(&names, &c.certificate.holder),
                    overdue: plan.is_some_and(|p| p.next_due < today),
                    next_due: plan.map(|p| p.next_due.to_string()).unwrap_or_default(),
                    every_months: plan.map(|p| p.every_months),
                    overdue_findings: plan.map_or(0, |p| p.overdue_findings),
                    certificate: number,
                }
            })
            .collect();
        let cases = cases::page(&s.store, a, &cx.table_page("cases")?).await?;
        let cases_pager = cx.pager("cases", &cases);
        let cases = cases
            .items
            .iter()
            .map(|c| CaseRow::new(lang, c, &names))
            .collect();
        let platform = ops::platform_reports(&s, a, false).await?;
        let platform = cx.table_of("platform", &platform)?;
        let platform_pager = cx.pager("platform", &platform);
        let platform = platform
            .items
            .into_iter()
            .map(|v| PlatformRow {
                id: v.report.id,
                certificate: v.report.certificate,
                event: text::state(lang, &v.report.event).to_string(),
                event_on: v.report.event_on.to_string(),
                due_on: v.report.due_on.map(|d| d.to_string()).unwrap_or_default(),
                reported_on: v
                    .report
                    .reported_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                overdue: v.overdue,
            })
            .collect();
        Ok(page(
            StatusCode::OK,
            &BodyPage {
                c: cx.chrome(),
                queue,
                queue_pager,
                certificates,
                certificates_pager,
                supervision,
                supervision_pager,
                cases,
                cases_pager,
                platform,
                platform_pager,
                platform_intro: platform_intro(&s, lang, today),
            },
        ))
    }
    .await;
    answer(&cx, r)
}

/// A filing's step as the regulator's form sends it: a return's reason and last day to correct.
#[derive(Debug, Default, Deserialize)]
struct FilingForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    correct_by: String,
}

/// A reason, as the forms that need one send it.
#[derive(Debug, Default, Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// Suspends, reinstates or revokes a certificate from the body's workspace.
pub async fn certificate_step(
    State(s): State<AppState>,
    cx: PageContext,
    Path((number, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let action =
            CertificateAction::parse(&action).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let f: ReasonForm = form(&body)?;
        let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
        ops::step_certificate(&s, a, &number, action, reason).await?;
        Ok(Redirect::to("/body#certificates").into_response())
    }
    .await;
    answer(&cx, r)
}

/// Marks a platform report as made.
pub async fn platform_reported(
    State(s): State<AppState>,
    cx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        ops::platform_report_made(&s, a, &id).await?;
        Ok(Redirect::to("/body#platform").into_response())
    }
    .await;
    answer(&cx, r)
}

/// Closes a scope case with what was decided.
pub async fn case_close(
    State(s): State<AppState>,
    cx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let f: ReasonForm = form(&body)?;
        ops::close_case(&s, a, &id, &f.reason).await?;
        Ok(Redirect::to("/body#cases").into_response())
    }
    .await;
    answer(&cx, r)
}

/// A filing as a row.
struct FilingRow {
    id: String,
    processor: String,
    recipient: String,
    effective: String,
    due_on: String,
    late: bool,
    state: String,
    decide: bool,
}

/// An order as a row.
struct OrderRow {
    reference: String,
    processor: String,
    kind: &'static str,
    text: String,
    deadline: String,
    status: String,
    issued_on: String,
}

/// A violation report as a row.
struct ReportRow {
    receipt: String,
    about: String,
    text: String,
    status: String,
    received_at: String,
}

#[derive(Template)]
#[template(path = "regulator.html")]
struct RegulatorPage {
    c: Chrome,
    jurisdiction: String,
    filings: Vec<FilingRow>,
    filings_pager: Pager,
    certificates: Vec<CertRow>,
    certificates_pager: Pager,
    bodies: Vec<Org>,
    reports: Vec<ReportRow>,
    reports_pager: Pager,
    orders: Vec<OrderRow>,
    orders_pager: Pager,
    /// The audit log's entries (the national regulator's page only: it is every party's record).
    entries: Vec<chujing_app::certify::AuditRecord>,
    entries_pager: Option<Pager>,
    processors: Vec<Org>,
    kinds: Vec<(&'static str, &'static str)>,
    audit: ops::AuditVerification,
}

/// The order kinds in the form, with their words.
fn order_kinds(lang: Lang) -> Vec<(&'static str, &'static str)> {
    [
        ("interview", OrderKind::Interview),
        ("rectification", OrderKind::Rectification),
        ("suspend_transfers", OrderKind::SuspendTransfers),
        ("lift", OrderKind::Lift),
    ]
    .into_iter()
    .map(|(id, k)| (id, text::order_kind(lang, k)))
    .collect()
}

/// The regulator's workspace: filings to decide, certificates, bodies, reports received, orders (and the
/// form to issue one) and the audit log's verification; a provincial regulator sees its province.
pub async fn regulator(State(s): State<AppState>, cx: PageContext) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let (lang, today) = (cx.lang, s.clock.now().today);
        let names = names(&s).await?;
        let filings = filings::page(&s.store, a, &cx.table_page("filings")?).await?;
        let filings_pager = cx.pager("filings", &filings);
        let filings = filings
            .items
            .iter()
            .map(|f: &Filing| FilingRow {
                id: f.id.clone(),
                processor: name_of(&names, &f.processor),
                recipient: f.recipient.clone(),
                effective: f.contract_effective.to_string(),
                due_on: f.due_on.map(|d| d.to_string()).unwrap_or_default(),
                late: f.late,
                state: text::state(lang, f.state.id()).to_string(),
                decide: f.state == chujing_cert::FilingState::Submitted
                    && authz::may_act_on_filing(a, f, FilingAction::Accept).is_ok(),
            })
            .collect();
        let certificates =
            certificates::page(&s.store, a, today, &cx.table_page("certificates")?).await?;
        let certificates_pager = cx.pager("certificates", &certificates);
        let certificates = certificates
            .items
            .iter()
            .map(|c| CertRow::new(lang, c, &names, false))
            .collect();
        let orders = orders::page(&s.store, a, &cx.table_page("orders")?).await?;
        let orders_pager = cx.pager("orders", &orders);
        let orders = orders
            .items
            .iter()
            .map(|o: &Order| OrderRow {
                reference: o.reference.clone(),
                processor: name_of(&names, &o.processor),
                kind: text::order_kind(lang, o.kind),
                text: o.text.clone(),
                deadline: o.deadline.map(|d| d.to_string()).unwrap_or_default(),
                status: text::state(lang, o.status.id()).to_string(),
                issued_on: o.issued_on.to_string(),
            })
            .collect();
        let reports = public::page(&s.store, a, &cx.table_page("reports")?).await?;
        let reports_pager = cx.pager("reports", &reports);
        let reports = reports
            .items
            .into_iter()
            .map(|r: Report| ReportRow {
                status: text::report_status(lang, &r.status).to_string(),
                receipt: r.receipt,
                about: r.about,
                text: r.text,
                received_at: r.received_at,
            })
            .collect();
        let (entries, entries_pager) = if a.org.province.is_none() {
            let log = chujing_app::certify::audit_page(&s.store, &cx.table_page("audit")?).await?;
            let pager = cx.pager("audit", &log);
            (log.items, Some(pager))
        } else {
            (Vec::new(), None)
        };
        let processors = accounts::orgs(&s.store, Some(OrgKind::Processor))
            .await?
            .into_iter()
            .filter(|p| authz::may_order(a, p).is_ok())
            .collect();
        Ok(page(
            StatusCode::OK,
            &RegulatorPage {
                jurisdiction: match &a.org.province {
                    Some(p) => p.name(lang).to_string(),
                    None => text::text(lang).national.to_string(),
                },
                c: cx.chrome(),
                filings,
                filings_pager,
                certificates,
                certificates_pager,
                bodies: accounts::orgs(&s.store, Some(OrgKind::CertificationBody)).await?,
                reports,
                reports_pager,
                orders,
                orders_pager,
                entries,
                entries_pager,
                processors,
                kinds: order_kinds(lang),
                audit: ops::verify_audit(&s).await?,
            },
        ))
    }
    .await;
    answer(&cx, r)
}

/// Returns or accepts a filing (the regulator), or submits it (its processor).
pub async fn filing_step(
    State(s): State<AppState>,
    cx: PageContext,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let action = FilingAction::parse(&action)?;
        let f: FilingForm = form(&body)?;
        let input = FilingStep {
            reason: Some(f.reason).filter(|r| !r.trim().is_empty()),
            correct_by: form_date("correct_by", &f.correct_by)?,
            ..FilingStep::default()
        };
        ops::step_filing(&s, a, &id, action, input).await?;
        let back = if a.org.kind == OrgKind::Regulator {
            "/regulator#filings"
        } else {
            "/dashboard"
        };
        Ok(Redirect::to(back).into_response())
    }
    .await;
    answer(&cx, r)
}

/// An order as the form sends it.
#[derive(Debug, Default, Deserialize)]
struct OrderForm {
    #[serde(default)]
    processor: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    lifts: String,
}

impl OrderForm {
    fn order(self) -> Result<NewOrder, ApiError> {
        let kind = match self.kind.as_str() {
            "interview" => OrderKind::Interview,
            "rectification" => OrderKind::Rectification,
            "suspend_transfers" => OrderKind::SuspendTransfers,
            "lift" => OrderKind::Lift,
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown order kind `{other}`; expected interview, rectification, suspend_transfers or lift"
                )));
            }
        };
        let deadline = match self.deadline.trim() {
            "" => None,
            d => Some(d.parse().map_err(|_| {
                ApiError::bad_request(format!("the deadline is a date like 2026-12-31, not `{d}`"))
            })?),
        };
        Ok(NewOrder {
            processor: self.processor,
            kind,
            text: self.text,
            deadline,
            lifts: Some(self.lifts).filter(|l| !l.trim().is_empty()),
        })
    }
}

/// Issues an order from the regulator's workspace.
pub async fn order_issue(State(s): State<AppState>, cx: PageContext, body: Bytes) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let f: OrderForm = form(&body)?;
        ops::issue_order(&s, a, f.order()?).await?;
        Ok(Redirect::to("/regulator#orders").into_response())
    }
    .await;
    answer(&cx, r)
}

#[derive(Template)]
#[template(path = "batch_remove.html")]
struct BatchRemovePage {
    c: Chrome,
    batch: chujing_ledger::BatchMeta,
}

/// What removing one of the processor's batches would take out, and the form to do it with a reason.
pub async fn batch_remove_form(
    State(s): State<AppState>,
    cx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let batch = chujing_app::certify::transfers::batch(&s.store, a, &id).await?;
        Ok(page(
            StatusCode::OK,
            &BatchRemovePage {
                c: cx.chrome(),
                batch,
            },
        ))
    }
    .await;
    answer(&cx, r)
}

/// Removes one of the processor's batches from its ledger, with the reason.
pub async fn batch_remove(
    State(s): State<AppState>,
    cx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let f: ReasonForm = form(&body)?;
        chujing_app::certify::transfers::remove_batch(&s.store, a, &id, &f.reason, &s.clock.now())
            .await?;
        Ok(Redirect::to("/dashboard#batches").into_response())
    }
    .await;
    answer(&cx, r)
}

/// Keeps the figures of a scan report uploaded from the dashboard (multipart, the report in `file`).
pub async fn scan_upload(
    State(s): State<AppState>,
    cx: PageContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let fields = multipart_fields(&headers, body).await?;
        let file = file_field(&fields, "file").ok_or_else(|| {
            ApiError::bad_request("choose the scan report (chujing scan --json) to upload")
        })?;
        let text = String::from_utf8_lossy(&file.bytes);
        let name = file.file_name.as_deref().unwrap_or("scan.json");
        chujing_app::certify::scans::add(&s.store, a, name, &text, &s.clock.now()).await?;
        Ok(Redirect::to("/dashboard#scans").into_response())
    }
    .await;
    answer(&cx, r)
}

/// How often a certificate is audited, as the form sends it.
#[derive(Debug, Default, Deserialize)]
struct FrequencyForm {
    #[serde(default)]
    every_months: String,
}

/// Sets how often the body audits one of its certificates.
pub async fn supervision_frequency(
    State(s): State<AppState>,
    cx: PageContext,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let c = ops::issued_certificate(&s, a, &number).await?;
        let f: FrequencyForm = form(&body)?;
        let every: u8 = f.every_months.trim().parse().map_err(|_| {
            ApiError::bad_request(format!(
                "months between audits is a whole number from 1 to 36, not `{}`",
                f.every_months
            ))
        })?;
        supervision::set_frequency(&s.store, a, &c, every, &s.clock.now()).await?;
        Ok(Redirect::to("/body#supervision").into_response())
    }
    .await;
    answer(&cx, r)
}

/// A supervision audit as the form sends it: one finding at most (more through the API).
#[derive(Debug, Default, Deserialize)]
struct AuditForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    conclusion: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    rectify_by: String,
}

fn form_date(field: &str, v: &str) -> Result<Option<chujing_law::Date>, ApiError> {
    match v.trim() {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|_| {
            ApiError::bad_request(format!("`{field}` is a date like 2026-12-31, not `{d}`"))
        }),
    }
}

/// Records a supervision audit of one of the body's certificates.
pub async fn supervision_audit(
    State(s): State<AppState>,
    cx: PageContext,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let r = async {
        let a = actor(&cx)?;
        let c = ops::issued_certificate(&s, a, &number).await?;
        let f: AuditForm = form(&body)?;
        let date = form_date("date", &f.date)?
            .ok_or_else(|| ApiError::bad_request("give the day the audit was carried out"))?;
        let findings = if f.finding.trim().is_empty() {
            Vec::new()
        } else {
            vec![supervision::Finding {
                text: f.finding,
                rectify_by: form_date("rectify_by", &f.rectify_by)?,
            }]
        };
        let input = supervision::AuditInput {
            date,
            findings,
            conclusion: f.conclusion,
        };
        supervision::record_audit(&s.store, a, &c, input, &s.clock.now()).await?;
        Ok(Redirect::to("/body#supervision").into_response())
    }
    .await;
    answer(&cx, r)
}

/// Where a signed-in user's work starts: the dashboard, the body's or the regulator's workspace.
pub fn home_of(who: &Principal) -> &'static str {
    match who {
        Principal::User(a) => match a.org.kind {
            OrgKind::Processor => "/dashboard",
            OrgKind::CertificationBody => "/body",
            OrgKind::Regulator => "/regulator",
            OrgKind::Recipient => "/registry",
        },
        Principal::Anonymous => "/registry",
    }
}
