//! The assessment page: the processor edits its profile in a form (or uploads one), sees the decision with
//! its reasoning, citations and open readings, saves it; and asks the what-if gate whether a batch may go.
//! The decision is `chujing_law::assess` (as `chujing assess`), the gate `transfers::check` (as the API's).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chujing_app::certify::profiles;
use chujing_app::certify::transfers::{self, GateAnswer, TransferCheck, Verdict};
use chujing_app::certify::{Actor, flows};
use chujing_law::{Assessment, Date, Lang};
use serde::Deserialize;

use super::{Chrome, PageContext, error_page, form, multipart_fields, page, text_field};
use crate::AppState;
use crate::error::ApiError;

/// A profile to start from when none is saved: one flow, to be edited.
const EXAMPLE: &str = r#"[processor]
name = "Example (Shanghai) Co., Ltd."
ciio = false
located_in_china = true

[[flows]]
id = "crm"
recipient = "Example Marketing Cloud Inc."
country = "SG"
purposes = ["customer_service"]
categories = ["identity", "contact"]
individuals = 120000
sensitive_individuals = 0
"#;

/// The gate's answer in the page's words.
struct GateView {
    allowed: bool,
    reasons: Vec<(String, Option<String>)>,
    before: Option<(u64, u64)>,
    after: Option<(u64, u64)>,
}

impl GateView {
    fn new(lang: Lang, g: GateAnswer) -> GateView {
        GateView {
            allowed: g.decision == Verdict::Allow,
            reasons: g
                .reasons
                .into_iter()
                .map(|r| {
                    let text = match lang {
                        Lang::Zh => r.message_zh,
                        Lang::En => r.message,
                    };
                    (text, r.citation)
                })
                .collect(),
            before: g
                .window
                .as_ref()
                .map(|w| (w.individuals_before, w.sensitive_individuals_before)),
            after: g
                .window
                .as_ref()
                .map(|w| (w.individuals_after, w.sensitive_individuals_after)),
        }
    }
}

#[derive(Template)]
#[template(path = "assess.html")]
struct AssessPage {
    c: Chrome,
    profile: String,
    as_of: String,
    saved: Option<String>,
    problem: Option<String>,
    decision: Option<Assessment>,
    pathway: &'static str,
    flows: Vec<String>,
    gate: Option<GateView>,
    gate_problem: Option<String>,
    check: GateInput,
}

/// The what-if gate's form.
#[derive(Debug, Default, Deserialize)]
struct GateInput {
    #[serde(default)]
    flow: String,
    #[serde(default)]
    individuals: String,
    #[serde(default)]
    sensitive_individuals: String,
    #[serde(default)]
    date: String,
}

impl GateInput {
    fn question(&self) -> Result<TransferCheck, ApiError> {
        let n = |field: &str, v: &str| -> Result<u64, ApiError> {
            match v.trim() {
                "" => Ok(0),
                v => v.parse().map_err(|_| {
                    ApiError::bad_request(format!("`{field}` is a whole number, not `{v}`"))
                }),
            }
        };
        Ok(TransferCheck {
            flow: self.flow.clone(),
            date: date(&self.date)?,
            individuals: n("individuals", &self.individuals)?,
            sensitive_individuals: n("sensitive_individuals", &self.sensitive_individuals)?,
        })
    }
}

fn date(v: &str) -> Result<Option<Date>, ApiError> {
    match v.trim() {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|_| {
            ApiError::bad_request(format!("a date is written like 2026-12-31, not `{d}`"))
        }),
    }
}

/// What the page shows: the profile in the form and, when it parses, its decision as of `as_of`.
struct Shown {
    profile: String,
    as_of: Option<Date>,
    saved: Option<String>,
    problem: Option<String>,
    gate: Option<GateView>,
    gate_problem: Option<String>,
    check: GateInput,
}

impl Shown {
    /// The saved profile (or the example to edit when none is), as of today.
    fn saved(saved: Option<profiles::SavedProfile>) -> Shown {
        Shown {
            saved: saved
                .as_ref()
                .map(|p| format!("{} · {}", p.saved_at, p.saved_by)),
            profile: saved.map_or_else(|| EXAMPLE.to_string(), |p| p.toml),
            as_of: None,
            problem: None,
            gate: None,
            gate_problem: None,
            check: GateInput::default(),
        }
    }
}

async fn render(s: &AppState, cx: &PageContext, a: &Actor, shown: Shown) -> Response {
    let today = s.clock.now().today;
    let as_of = shown.as_of.unwrap_or(today);
    let (decision, problem) = match (&shown.problem, shown.profile.trim().is_empty()) {
        (Some(p), _) => (None, Some(p.clone())),
        (None, true) => (None, None),
        (None, false) => {
            // The saved profile is decided with the processor's recorded facts (one home); a text being tried
            // and not saved, as written.
            let decided = if shown.saved.is_some() {
                profiles::decide_recorded(&s.book, &s.store, a, &shown.profile, as_of, cx.lang)
                    .await
            } else {
                profiles::decide(&s.book, &shown.profile, as_of, cx.lang)
            };
            match decided {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(ApiError::from(e).message)),
            }
        }
    };
    let own = chujing_store::records::Filter {
        org: Some(&a.org.id),
        ..Default::default()
    };
    let flows = match flows::list(&s.store, &own).await {
        Ok(f) => f.into_iter().map(|f| f.id).collect(),
        Err(e) => return error_page(cx, e.into()),
    };
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(
        status,
        &AssessPage {
            c: cx.chrome(),
            pathway: decision.as_ref().map_or("", |d| d.pathway.label(cx.lang)),
            profile: shown.profile,
            as_of: as_of.to_string(),
            saved: shown.saved,
            problem,
            decision,
            flows,
            gate: shown.gate,
            gate_problem: shown.gate_problem,
            check: shown.check,
        },
    )
}

/// The page: the saved profile (or an example to edit) and its decision today.
pub async fn assess_page(State(s): State<AppState>, cx: PageContext) -> Response {
    let a = match crate::authz::actor(&cx.who) {
        Ok(a) => a,
        Err(e) => return error_page(&cx, e),
    };
    let saved = match profiles::get(&s.store, a).await {
        Ok(p) => p,
        Err(e) => return error_page(&cx, e.into()),
    };
    render(&s, &cx, a, Shown::saved(saved)).await
}

/// Decides the profile sent (multipart: the text, or a file that replaces it), and saves it when asked.
pub async fn assess_send(
    State(s): State<AppState>,
    cx: PageContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let a = match crate::authz::actor(&cx.who) {
        Ok(a) => a,
        Err(e) => return error_page(&cx, e),
    };
    let fields = match multipart_fields(&headers, body).await {
        Ok(f) => f,
        Err(e) => return error_page(&cx, e),
    };
    let field = |name: &str| text_field(&fields, name);
    let profile = field("profile_file")
        .or_else(|| field("profile"))
        .unwrap_or_default();
    let mut shown = Shown {
        profile,
        as_of: None,
        saved: None,
        problem: None,
        gate: None,
        gate_problem: None,
        check: GateInput::default(),
    };
    match date(&field("as_of").unwrap_or_default()) {
        Ok(d) => shown.as_of = d,
        Err(e) => shown.problem = Some(e.message),
    }
    if shown.problem.is_none() && field("do").as_deref() == Some("save") {
        match profiles::save(&s.store, a, &shown.profile, &s.clock.now()).await {
            Ok(p) => shown.saved = Some(format!("{} · {}", p.saved_at, p.saved_by)),
            Err(e) => shown.problem = Some(ApiError::from(e).message),
        }
    }
    render(&s, &cx, a, shown).await
}

/// Asks the what-if gate about a batch on one of the processor's flows; records nothing.
pub async fn gate(State(s): State<AppState>, cx: PageContext, body: Bytes) -> Response {
    let a = match crate::authz::actor(&cx.who) {
        Ok(a) => a,
        Err(e) => return error_page(&cx, e),
    };
    let check: GateInput = match form(&body) {
        Ok(c) => c,
        Err(e) => return error_page(&cx, e),
    };
    let saved = match profiles::get(&s.store, a).await {
        Ok(p) => p,
        Err(e) => return error_page(&cx, e.into()),
    };
    let answer = match check.question() {
        Ok(q) => transfers::check(&s.book, &s.store, &s.views, a, &q, &s.clock.now())
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    let (gate, gate_problem) = match answer {
        Ok(g) => (Some(GateView::new(cx.lang, g)), None),
        Err(e) => (None, Some(e.message)),
    };
    let shown = Shown {
        gate,
        gate_problem,
        check,
        ..Shown::saved(saved)
    };
    render(&s, &cx, a, shown).await
}

/// A document of the saved profile, for download: `/documents/{kind}/{format}` with a kind of `chujing report`
/// (pipia, self-assessment, standard-contract-filing, certification-application) and md, html, pdf or docx; in the
/// page's language, as of today, with the service's ledger as its figures.
pub async fn document(
    State(s): State<AppState>,
    cx: PageContext,
    axum::extract::Path((kind, format)): axum::extract::Path<(String, String)>,
) -> Response {
    let r = async {
        let a = crate::authz::actor(&cx.who)?;
        let kind = chujing_docs::DocumentKind::parse(&kind).ok_or_else(|| {
            ApiError::not_found(format!(
                "no document `{kind}`: pipia, self-assessment, standard-contract-filing or certification-application"
            ))
        })?;
        if !matches!(format.as_str(), "md" | "html" | "pdf" | "docx") {
            return Err(ApiError::not_found(format!(
                "no format `{format}`: md, html, pdf or docx"
            )));
        }
        let today = s.clock.now().today;
        let doc = profiles::document(&s.book, &s.store, a, kind, today, cx.lang).await?;
        let (bytes, content_type) = match format.as_str() {
            "md" => (
                chujing_docs::render::markdown(&doc).into_bytes(),
                "text/markdown; charset=utf-8",
            ),
            "html" => (
                chujing_docs::render::html(&doc).into_bytes(),
                "text/html; charset=utf-8",
            ),
            "docx" => (
                chujing_docx::render(&doc).map_err(|e| {
                    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
                })?,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            _ => (pdf(&s.pdf_font, doc).await?, "application/pdf"),
        };
        let name = format!("attachment; filename=\"{}.{format}\"", kind.id());
        Ok(axum::response::IntoResponse::into_response((
            [
                (axum::http::header::CONTENT_TYPE, content_type.to_string()),
                (axum::http::header::CONTENT_DISPOSITION, name),
            ],
            bytes,
        )))
    }
    .await;
    r.unwrap_or_else(|e| error_page(&cx, e))
}

/// Typesets a document as PDF off the request threads (typst takes a few hundred milliseconds), with the CJK
/// font found when the server started.
async fn pdf(
    font: &Result<std::path::PathBuf, String>,
    doc: chujing_docs::Document,
) -> Result<Vec<u8>, ApiError> {
    let unavailable = |e: String| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            format!(
                "the PDF cannot be made on this server: {e}; download the HTML or Markdown instead"
            ),
        )
    };
    let font = font.clone().map_err(unavailable)?;
    tokio::task::spawn_blocking(move || chujing_pdf::render(&doc, &font).map_err(|e| e.to_string()))
        .await
        .map_err(|e| unavailable(e.to_string()))?
        .map_err(unavailable)
}
