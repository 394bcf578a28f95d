//! The web pages: server-rendered HTML (askama templates in `templates/`, checked when the crate builds), htmx
//! for partial updates, every asset served from inside the binary. Pages call the same use cases as the API
//! and pass the same authorisation (`crate::authz`: every page route is in its table); they add only the
//! words ([`text`]) and the forms.
//!
//! A form sent with the session cookie carries the session's CSRF token in a hidden `csrf` field;
//! [`csrf_from_form`] moves it into the header the authentication checks, so pages and API share one check.

mod account;
mod assess;
mod contract;
mod pager;
pub mod text;
mod work;

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Form, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chujing_app::certify::accounts;
use chujing_app::certify::certificates::{self, RegistryEntry};
use chujing_app::certify::deadlines::{self, Deadline};
use chujing_app::certify::public::{self, NewReport};
use chujing_app::certify::transfers::{self, Overview};
use chujing_law::Lang;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CSRF_HEADER, Principal, SESSION_COOKIE, SessionCsrf};
use crate::error::ApiError;
use text::Text;

/// The cookie that remembers the language chosen with the switch.
pub const LANG_COOKIE: &str = "chujing_lang";

/// The largest form a page accepts (the violation report's text is at most 10,000 characters).
const MAX_FORM: usize = 256 * 1024;

/// The pages' routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/",
            get(|cx: PageContext| async move { Redirect::to(work::home_of(&cx.who)) }),
        )
        .route("/registry", get(registry))
        .route("/reports/new", get(report_form).post(report_send))
        .route("/reports/{receipt}", get(report_status))
        .route("/login", get(login_form).post(login_send))
        .route("/logout", post(logout))
        .route("/account", get(account::account))
        .route("/account/password", post(account::password))
        .route("/account/tokens/{id}/revoke", post(account::revoke))
        .route("/lang/{lang}", get(switch_language))
        .route("/static/{file}", get(asset))
        .route("/dashboard", get(dashboard))
        .route(
            "/batches/{id}/remove",
            get(work::batch_remove_form).post(work::batch_remove),
        )
        .route(
            "/assess",
            get(assess::assess_page).post(assess::assess_send),
        )
        .route("/assess/gate", post(assess::gate))
        .route("/documents/{kind}/{format}", get(assess::document))
        .route("/scans", post(work::scan_upload))
        .route(
            "/contracts",
            get(contract::contracts_page).post(contract::contracts_check),
        )
        .route(
            "/certificates/{number}/supervision",
            post(work::supervision_frequency),
        )
        .route(
            "/certificates/{number}/supervision/audits",
            post(work::supervision_audit),
        )
        .route(
            "/applications",
            get(work::applications).post(work::application_create),
        )
        .route("/applications/{id}", get(work::application))
        .route(
            "/applications/{id}/materials/{kind}",
            get(work::material_download).post(work::material_upload),
        )
        .route("/applications/{id}/review/{item}", post(work::review))
        .route(
            "/applications/{id}/actions/{action}",
            post(work::application_step),
        )
        .route("/body", get(work::body))
        .route(
            "/certificates/{number}/actions/{action}",
            post(work::certificate_step),
        )
        .route(
            "/platform-reports/{id}/report",
            post(work::platform_reported),
        )
        .route("/scope-cases/{id}/close", post(work::case_close))
        .route("/regulator", get(work::regulator))
        .route("/filings/{id}/actions/{action}", post(work::filing_step))
        .route("/orders", post(work::order_issue))
}

/// What every page shows around its content: the words, the language switch, who is signed in.
pub struct Chrome {
    /// The words.
    pub t: &'static Text,
    /// The page's language.
    pub lang: Lang,
    /// The other language's code (`zh` or `en`).
    pub other_lang: &'static str,
    /// This page's path and query, to come back to after switching language.
    pub path: String,
    /// The signed-in user's e-mail and organisation.
    pub user: Option<String>,
    /// The signed-in user's organisation kind (`processor`, `certification_body`, `regulator`, …; empty when
    /// signed out): which workspaces the navigation offers.
    pub role: &'static str,
    /// The session's CSRF token, for the forms (empty without a session).
    pub csrf: String,
}

impl std::fmt::Debug for Chrome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chrome")
            .field("lang", &self.lang)
            .field("path", &self.path)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl Chrome {
    fn new(lang: Lang, path: String, who: &Principal, csrf: Option<&SessionCsrf>) -> Chrome {
        Chrome {
            t: text::text(lang),
            lang,
            other_lang: match lang {
                Lang::Zh => "en",
                Lang::En => "zh",
            },
            path,
            user: match who {
                Principal::User(a) => Some(format!("{} ({})", a.user, a.org.name)),
                Principal::Anonymous => None,
            },
            role: match who {
                Principal::User(a) => a.org.kind.id(),
                Principal::Anonymous => "",
            },
            csrf: csrf.map(|c| c.0.clone()).unwrap_or_default(),
        }
    }
}

/// The page's language: the switch's cookie, else the browser's first choice of Chinese or English, else
/// Chinese.
pub fn language(headers: &HeaderMap) -> Lang {
    let chosen = crate::auth::cookie(headers, LANG_COOKIE);
    match chosen {
        Some("zh") => return Lang::Zh,
        Some("en") => return Lang::En,
        _ => {}
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Tags in the order the browser lists them (q-values are listed in descending order in practice).
    for tag in accept.split(',') {
        let tag = tag
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("zh") {
            return Lang::Zh;
        }
        if tag.starts_with("en") {
            return Lang::En;
        }
    }
    Lang::Zh
}

/// What a page handler gets: the caller, their session's CSRF token, the language and the path.
#[derive(Debug)]
pub struct PageContext {
    who: Principal,
    csrf: Option<SessionCsrf>,
    lang: Lang,
    path: String,
}

impl axum::extract::FromRequestParts<AppState> for PageContext {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let who = Principal::from_request_parts(parts, state).await?;
        Ok(PageContext {
            who,
            csrf: parts.extensions.get::<SessionCsrf>().cloned(),
            lang: language(&parts.headers),
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
        })
    }
}

impl PageContext {
    fn chrome(&self) -> Chrome {
        Chrome::new(self.lang, self.path.clone(), &self.who, self.csrf.as_ref())
    }
}

/// A rendered page, or the error page when the template fails.
fn page(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page did not render");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page did not render").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    /// The error's stable code, as the API gives it (`data-error` on the message, for machines and tests).
    code: &'static str,
    message: String,
}

/// An error as a page, with its status.
fn error_page(cx: &PageContext, e: ApiError) -> Response {
    page(
        e.status,
        &ErrorPage {
            c: cx.chrome(),
            code: e.code,
            message: e.message,
        },
    )
}

/// A page refused before its handler ran (the caller's kind may not see it): the error page, in the caller's
/// language, with the refusal's status.
pub fn refused(headers: &HeaderMap, who: Principal, path: String, e: ApiError) -> Response {
    let cx = PageContext {
        who,
        csrf: None,
        lang: language(headers),
        path,
    };
    error_page(&cx, e)
}

/// A registry entry in the page's words.
struct Row {
    number: String,
    holder: String,
    body: String,
    status: &'static str,
    status_id: &'static str,
    reason: Option<String>,
    categories: String,
    recipients: String,
    countries: String,
    max_individuals: u64,
    issued_on: String,
    expires_on: String,
}

impl Row {
    fn new(lang: Lang, e: RegistryEntry) -> Row {
        let join = |s: &std::collections::BTreeSet<String>| {
            s.iter().cloned().collect::<Vec<_>>().join(", ")
        };
        Row {
            status: text::status(lang, e.status),
            status_id: e.status.id(),
            categories: join(&e.scope.categories),
            recipients: join(&e.scope.recipients),
            countries: join(&e.scope.countries),
            max_individuals: e.scope.max_individuals,
            issued_on: e.issued_on.to_string(),
            expires_on: e.expires_on.to_string(),
            number: e.number,
            holder: e.holder,
            body: e.body,
            reason: e.reason,
        }
    }
}

#[derive(Template)]
#[template(path = "registry.html")]
struct RegistryPage {
    c: Chrome,
    q: String,
    entries: Vec<Row>,
    pager: pager::Pager,
}

/// A registry search.
#[derive(Debug, Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

async fn registry(
    State(s): State<AppState>,
    cx: PageContext,
    Query(search): Query<Search>,
) -> Response {
    if search.q.chars().count() > 200 {
        return error_page(
            &cx,
            ApiError::bad_request("the query has at most 200 characters"),
        );
    }
    let today = s.clock.now().today;
    let found = async {
        let req = cx.table_page("registry")?;
        Ok::<_, ApiError>(certificates::registry(&s.store, &s.views, &search.q, today, &req).await?)
    };
    match found.await {
        Ok(found) => page(
            StatusCode::OK,
            &RegistryPage {
                c: cx.chrome(),
                q: search.q,
                pager: cx.pager("registry", &found),
                entries: found
                    .items
                    .into_iter()
                    .map(|e| Row::new(cx.lang, e))
                    .collect(),
            },
        ),
        Err(e) => error_page(&cx, e),
    }
}

#[derive(Template)]
#[template(path = "report_new.html")]
struct ReportForm {
    c: Chrome,
    problem: Option<String>,
    /// What the form shows filled in: nothing at first, what was sent when it comes back to be corrected.
    input: ReportInput,
}

/// The report form as sent.
#[derive(Debug, Default, Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    about: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    text: String,
}

async fn report_form(cx: PageContext) -> Response {
    page(
        StatusCode::OK,
        &ReportForm {
            c: cx.chrome(),
            problem: None,
            input: ReportInput::default(),
        },
    )
}

#[derive(Template)]
#[template(path = "report_receipt.html")]
struct ReceiptPage {
    c: Chrome,
    receipt: String,
}

async fn report_send(
    State(s): State<AppState>,
    cx: PageContext,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
    Form(input): Form<ReportInput>,
) -> Response {
    if let Err(e) = crate::api::admit_public_write(&s, addr) {
        // The form again, as filled in, with when to send it.
        let mut res = page(
            e.status,
            &ReportForm {
                c: cx.chrome(),
                problem: Some(e.message),
                input,
            },
        );
        if let Some(secs) = e.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        return res;
    }
    let province = input.province.trim();
    let new = NewReport {
        about: input.about.clone(),
        province: (!province.is_empty()).then(|| province.to_string()),
        text: input.text.clone(),
    };
    match public::submit(&s.store, new, &s.clock.now()).await {
        Ok(r) => page(
            StatusCode::CREATED,
            &ReceiptPage {
                c: cx.chrome(),
                receipt: r.receipt,
            },
        ),
        Err(e) => {
            let e = ApiError::from(e);
            // The form again, as filled in, with what to correct.
            page(
                e.status,
                &ReportForm {
                    c: cx.chrome(),
                    problem: Some(e.message),
                    input,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "report_status.html")]
struct StatusPage {
    c: Chrome,
    status: String,
    received_at: String,
}

async fn report_status(
    State(s): State<AppState>,
    cx: PageContext,
    Path(receipt): Path<String>,
) -> Response {
    match public::status(&s.store, &receipt).await {
        Ok(r) => page(
            StatusCode::OK,
            &StatusPage {
                c: cx.chrome(),
                status: text::report_status(cx.lang, &r.status).to_string(),
                received_at: r.received_at,
            },
        ),
        Err(e) => error_page(&cx, e.into()),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    problem: Option<String>,
    email: String,
}

/// The sign-in form as sent.
#[derive(Debug, Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn login_form(cx: PageContext) -> Response {
    page(
        StatusCode::OK,
        &LoginPage {
            c: cx.chrome(),
            problem: None,
            email: String::new(),
        },
    )
}

async fn login_send(
    State(s): State<AppState>,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
    cx: PageContext,
    Form(input): Form<LoginInput>,
) -> Response {
    match crate::api::sign_in(&s, addr, &input.email, &input.password).await {
        Ok(issued) => {
            let mut res = (
                [(
                    header::SET_COOKIE,
                    crate::api::session_cookie(&issued.token),
                )],
                // The start page sends the user on to its workspace.
                Redirect::to("/"),
            )
                .into_response();
            // The language the user chose before, wherever they chose it.
            if let Some(v) = issued
                .lang
                .and_then(|l| HeaderValue::from_str(&lang_cookie(code(l))).ok())
            {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => page(
            e.status,
            &LoginPage {
                c: cx.chrome(),
                problem: Some(e.message),
                email: input.email,
            },
        ),
    }
}

/// Ends the session the cookie names (its CSRF token came in the form) and clears the cookie.
async fn logout(State(s): State<AppState>, cx: PageContext, headers: HeaderMap) -> Response {
    let Principal::User(a) = &cx.who else {
        return Redirect::to("/login").into_response();
    };
    if let Some((token, true)) = crate::auth::credential(&headers)
        && let Err(e) = accounts::revoke(&s.store, token, &a.label(), &s.clock.now()).await
    {
        return error_page(&cx, e.into());
    }
    (
        [(header::SET_COOKIE, clear_session())],
        Redirect::to("/registry"),
    )
        .into_response()
}

fn clear_session() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
}

/// The answer to a page sent with a session that has ended (expired or revoked): the cookie cleared, and the
/// sign-in page.
pub fn signed_out() -> Response {
    (
        [(header::SET_COOKIE, clear_session())],
        Redirect::to("/login"),
    )
        .into_response()
}

/// Where to come back to after switching language.
#[derive(Debug, Deserialize)]
pub struct Back {
    #[serde(default)]
    back: String,
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

fn lang_cookie(code: &str) -> String {
    format!("{LANG_COOKIE}={code}; Path=/; SameSite=Lax; Max-Age=31536000")
}

/// Remembers the language in a cookie for a year — and for a signed-in user in their account, so that it
/// follows them to another browser — and goes back to the page (a path on this site only).
async fn switch_language(
    State(s): State<AppState>,
    cx: PageContext,
    Path(lang): Path<String>,
    Query(b): Query<Back>,
) -> Response {
    let chosen = match lang.as_str() {
        "zh" => Lang::Zh,
        "en" => Lang::En,
        _ => return (StatusCode::NOT_FOUND, "no such language").into_response(),
    };
    if let Principal::User(a) = &cx.who
        && let Err(e) = accounts::set_language(&s.store, &a.user, chosen, &s.clock.now()).await
    {
        // The cookie still carries the choice in this browser.
        tracing::warn!(error = %e, "the language choice was not saved for the user");
    }
    let back = local_path(&b.back).unwrap_or("/registry");
    (
        [(header::SET_COOKIE, lang_cookie(code(chosen)))],
        Redirect::to(back),
    )
        .into_response()
}

/// `back` when it is a path on this site and nothing else: it starts with one `/`, and holds no backslash,
/// no white space and no control character — browsers drop tabs and line breaks from an address, so that
/// `/\t/evil.example` would leave as `//evil.example`, another site — and fits a header.
pub(crate) fn local_path(back: &str) -> Option<&str> {
    let mut chars = back.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && back.len() <= 2048
        && !back
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    local.then_some(back)
}

/// The vendored assets.
async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind): (&'static [u8], &str) = match file.as_str() {
        "htmx.min.js" => (
            include_bytes!("../../static/htmx.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "chujing.css" => (
            include_bytes!("../../static/chujing.css"),
            "text/css; charset=utf-8",
        ),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Moves the `csrf` field of a page's form into the CSRF header before authentication, so that a form sent
/// with the session cookie passes the same check as the API's calls. Only page routes (not `/api/`), only
/// forms (url-encoded, or multipart when they carry a file), and never over a header already present.
pub async fn csrf_from_form(req: Request, next: Next) -> Response {
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            (
                v.starts_with("application/x-www-form-urlencoded"),
                v.starts_with("multipart/form-data"),
            )
        });
    let Some((urlencoded, multipart)) = kind else {
        return next.run(req).await;
    };
    if req.method() != Method::POST
        || !(urlencoded || multipart)
        || !crate::authz::is_page(req.uri().path())
        || req.headers().contains_key(CSRF_HEADER)
    {
        return next.run(req).await;
    }
    let limit = if multipart { crate::MAX_BODY } else { MAX_FORM };
    let (mut parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("a form has at most {limit} bytes"),
            )
            .into_response();
        }
    };
    let token = if multipart {
        multipart_fields(&parts.headers, bytes.clone())
            .await
            .ok()
            .and_then(|fields| fields.into_iter().find(|f| f.name == "csrf"))
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
    } else {
        form_urlencoded_field(&bytes, "csrf")
    };
    if let Some(v) = token.and_then(|t| HeaderValue::from_str(&t).ok()) {
        parts.headers.insert(CSRF_HEADER, v);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A page's url-encoded form. The form is read whatever the request's content type says, so that a request
/// of another shape is answered by the use case's own checks (a missing field is empty), not refused before
/// the authorisation has been asked.
fn form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| ApiError::bad_request(format!("the form could not be read: {e}")))
}

/// One field of a multipart form.
struct Field {
    name: String,
    /// The file's name, for a file.
    file_name: Option<String>,
    bytes: Bytes,
}

/// The first non-empty field `name` of a multipart form, as text.
fn text_field(fields: &[Field], name: &str) -> Option<String> {
    file_field(fields, name).map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
}

/// The first non-empty field `name` of a multipart form (a file chosen).
fn file_field<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
    fields
        .iter()
        .find(|f| f.name == name && !f.bytes.is_empty())
}

/// The fields of a multipart form (file uploads), read whole (the body is already limited to
/// [`crate::MAX_BODY`]).
async fn multipart_fields(headers: &HeaderMap, body: Bytes) -> Result<Vec<Field>, ApiError> {
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or_else(|| {
            ApiError::bad_request("this form is sent as multipart/form-data (it carries a file)")
        })?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    let bad = |e: multer::Error| ApiError::bad_request(format!("the form could not be read: {e}"));
    while let Some(field) = parts.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(bad)?;
        out.push(Field {
            name,
            file_name,
            bytes,
        });
    }
    Ok(out)
}

/// The first value of `name` in a url-encoded form.
fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A threshold as a gauge.
struct Gauge {
    fact: &'static str,
    threshold: u64,
    value: u64,
    /// Where the gauge turns to a warning: 80% of the bound (the ledger's alert share).
    low: u64,
    percent: String,
    reached: bool,
    rules: String,
}

/// A flow in the page's words.
struct FlowRow {
    id: String,
    recipient: String,
    country: String,
    pathway: &'static str,
    mechanism: String,
    certificate: Option<String>,
    satisfied: bool,
    individuals: u64,
    sensitive_individuals: u64,
}

/// The window's cumulative exports as an SVG step line, with the individuals thresholds in reach drawn and
/// the days new rules took effect marked.
struct Chart {
    points: String,
    lines: Vec<ChartLine>,
    changes: Vec<ChartMark>,
    label: String,
}

/// A day the law in force changed within the window.
struct ChartMark {
    x: u32,
    text_x: u32,
    text_y: u32,
    label: String,
}

struct ChartLine {
    y: u32,
    text_y: u32,
    label: String,
}

const CHART_W: u32 = 640;
const CHART_H: u32 = 220;

fn days(from: chujing_law::Date, to: chujing_law::Date) -> i64 {
    from.to_jiff()
        .until(to.to_jiff())
        .map_or(0, |s| i64::from(s.get_days()))
}

/// The days within `from`..=`to` a new regime began, each with what it brought: the short titles of the packs
/// that took effect, else the standards newly in force (a standard's effective day also starts a regime).
fn regime_changes(
    book: &chujing_law::RuleBook,
    from: chujing_law::Date,
    to: chujing_law::Date,
    lang: Lang,
) -> Vec<(chujing_law::Date, String)> {
    use chujing_law::pack::StandardTopic;
    let mut out = Vec::new();
    let mut before: Option<&chujing_law::regime::Regime> = None;
    for r in book.regimes() {
        if r.from > from && r.from <= to {
            let mut new: Vec<String> = r
                .packs
                .iter()
                .filter(|p| before.is_none_or(|b| !b.packs.contains(p)))
                .filter_map(|&p| book.packs().get(p))
                .map(|p| p.meta.short.get(lang).to_string())
                .collect();
            if new.is_empty() {
                new = [
                    StandardTopic::CertificationRequirements,
                    StandardTopic::SensitivePersonalInformation,
                ]
                .into_iter()
                .filter_map(|t| {
                    let now = r.standard(t, lang)?;
                    (before.and_then(|b| b.standard(t, lang)) != Some(now.clone())).then_some(now)
                })
                .collect();
            }
            out.push((r.from, new.join("、")));
        }
        before = Some(r);
    }
    out
}

fn chart(o: &Overview, t: &Text, book: &chujing_law::RuleBook, lang: Lang) -> Option<Chart> {
    let w = o.window.as_ref()?;
    let span = days(w.from, w.to).max(1) as f64;
    let thresholds: Vec<u64> = o
        .thresholds
        .iter()
        .filter(|g| g.fact == "individuals")
        .map(|g| g.threshold)
        .collect();
    // The axis reaches the first threshold above the count, so that the next bound is in sight.
    let next = thresholds
        .iter()
        .copied()
        .filter(|&b| b >= w.individuals)
        .min();
    let top = (next.unwrap_or(w.individuals).max(w.individuals).max(1) as f64) * 1.1;
    let x = |d: chujing_law::Date| (days(w.from, d) as f64 / span * f64::from(CHART_W)).round();
    let y = |n: u64| (f64::from(CHART_H) - n as f64 / top * f64::from(CHART_H)).round();
    let mut points = vec![format!("0,{}", y(0))];
    let mut last = 0;
    for p in &o.cumulative {
        points.push(format!("{},{}", x(p.date), y(last)));
        points.push(format!("{},{}", x(p.date), y(p.individuals)));
        last = p.individuals;
    }
    points.push(format!("{},{}", x(w.to), y(last)));
    let lines = thresholds
        .iter()
        .filter(|&&b| (b as f64) <= top)
        .map(|&b| {
            let at = y(b) as u32;
            ChartLine {
                y: at,
                text_y: at.saturating_sub(4),
                label: format!("{} {b}", t.individuals),
            }
        })
        .collect();
    let changes = regime_changes(book, w.from, w.to, lang)
        .into_iter()
        .enumerate()
        .map(|(i, (d, packs))| {
            let at = x(d) as u32;
            ChartMark {
                x: at,
                // Labels right of the line, or left of it near the right edge; stacked when several.
                text_x: if at > CHART_W - 200 {
                    at.saturating_sub(196)
                } else {
                    at + 4
                },
                // At the foot of the chart, clear of the thresholds' labels at its top.
                text_y: CHART_H - 6 - 14 * (i as u32 % 4),
                label: if packs.is_empty() {
                    format!("{d} {}", t.regime_change)
                } else {
                    format!("{d} {}: {packs}", t.regime_change)
                },
            }
        })
        .collect();
    Some(Chart {
        points: points.join(" "),
        lines,
        changes,
        label: format!(
            "{}: {} – {}, {} {}",
            t.window_label, w.from, w.to, w.individuals, t.individuals
        ),
    })
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    chart: Option<Chart>,
    org: String,
    o: Overview,
    gauges: Vec<Gauge>,
    deadlines: Vec<Deadline>,
    /// Each document kind, with its name.
    documents: Vec<(&'static str, &'static str)>,
    /// The scan reports kept, newest first.
    scans: Vec<chujing_app::certify::scans::Scan>,
    scans_pager: pager::Pager,
    /// The ledger's batches, newest first.
    batches: Vec<transfers::OverviewBatch>,
    batches_pager: pager::Pager,
    pathway: &'static str,
    alerts: Vec<String>,
    flows: Vec<FlowRow>,
}

fn pathway_label(lang: Lang, id: Option<&str>) -> &'static str {
    chujing_law::Pathway::ALL
        .into_iter()
        .find(|p| Some(p.id()) == id)
        .map_or(text::text(lang).no_pathway, |p| p.label(lang))
}

/// The processor's dashboard: the window's counts against each threshold, the pathway they lead to, what to
/// look at, the flows and the recent batches.
async fn dashboard(State(s): State<AppState>, cx: PageContext) -> Response {
    let Principal::User(a) = &cx.who else {
        return Redirect::to("/login").into_response();
    };
    let o = match transfers::overview(&s.book, &s.store, &s.views, a, &s.clock.now()).await {
        Ok(o) => o,
        Err(e) => return error_page(&cx, e.into()),
    };
    let (lang, t) = (cx.lang, text::text(cx.lang));
    let today = s.clock.now().today;
    let deadlines = match deadlines::upcoming(&s.book, &s.store, a, today, lang).await {
        Ok(d) => d,
        Err(e) => return error_page(&cx, e.into()),
    };
    let lists = async {
        let scans =
            chujing_app::certify::scans::page(&s.store, a, &cx.table_page("scans")?).await?;
        let batches = transfers::batch_page(&s.store, a, &cx.table_page("batches")?).await?;
        Ok::<_, ApiError>((scans, batches))
    };
    let (scans, batches) = match lists.await {
        Ok(l) => l,
        Err(e) => return error_page(&cx, e),
    };
    let gauges = o
        .thresholds
        .iter()
        .map(|g| Gauge {
            fact: if g.fact == "sensitive_individuals" {
                t.sensitive_individuals
            } else {
                t.individuals
            },
            threshold: g.threshold,
            value: g.value,
            low: g.threshold / 10 * 8,
            percent: format!("{:.0}", g.share * 100.0),
            reached: g.reached,
            rules: g.rules.join(", "),
        })
        .collect();
    let flows = o
        .flows
        .iter()
        .map(|f| FlowRow {
            id: f.id.clone(),
            recipient: f.recipient.clone(),
            country: f.country.clone(),
            pathway: pathway_label(lang, f.pathway.as_deref()),
            mechanism: f
                .mechanism
                .as_deref()
                .map_or_else(String::new, |m| text::mechanism(lang, m).to_string()),
            certificate: f.certificate.clone(),
            satisfied: f.satisfied,
            individuals: f.individuals,
            sensitive_individuals: f.sensitive_individuals,
        })
        .collect();
    let page_ = DashboardPage {
        c: cx.chrome(),
        chart: chart(&o, t, &s.book, lang),
        deadlines,
        scans_pager: cx.pager("scans", &scans),
        scans: scans.items,
        batches_pager: cx.pager("batches", &batches),
        batches: batches.items,
        documents: chujing_docs::DocumentKind::ALL
            .into_iter()
            .map(|k| (k.id(), text::document(lang, k)))
            .collect(),
        org: a.org.name.clone(),
        pathway: pathway_label(lang, o.pathway.as_deref()),
        alerts: match lang {
            Lang::Zh => o.alerts_zh.clone(),
            Lang::En => o.alerts.clone(),
        },
        gauges,
        flows,
        o,
    };
    page(StatusCode::OK, &page_)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_a_path_on_this_site_is_gone_back_to() {
        for ok in [
            "/",
            "/dashboard",
            "/registry?q=PIC-2026-000001#results",
            "/a/b",
        ] {
            assert_eq!(local_path(ok), Some(ok));
        }
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "/\r\nSet-Cookie: x=1",
            "evil",
            "/ /evil",
            "/\u{0}",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
