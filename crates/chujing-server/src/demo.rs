//! `chujing demo`: a deployment with realistic generated data, written through the service's own API so that
//! every record in it is one a user could have made.
//!
//! What it holds: a processor with three flows (a customer CRM under a standard contract, HR data under the
//! HR-management exemption, analytics under a certificate) and a month of daily transfer batches that take the
//! CRM past the 100,000 individuals of the contract band; a scan of a generated customer file; an application
//! part way through review; a granted certificate and a suspended one; a standard contract filing the regulator
//! returned for correction; and two public reports.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chujing_app::certify::{Now, OrgKind, Scope, accounts};
use chujing_law::{Date, Lang, RuleBook};
use serde::Serialize;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::AppState;
use crate::error::ApiError;

/// Who signs in to the demo, one per role.
#[derive(Clone, Serialize, serde::Deserialize)]
pub struct SignIn {
    /// The role, in words: `processor`, `certification body`, `regulator`.
    pub role: String,
    /// The organisation's name.
    pub organisation: String,
    /// The e-mail to sign in with.
    pub email: String,
    /// The generated password.
    pub password: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("role", &self.role)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// Days of transfer batches on the CRM flow, ending today.
pub const DAYS: u16 = 30;
/// Customers in each day's batch; consecutive days share some, so the month holds fewer distinct
/// individuals than batch rows.
const PER_DAY: u32 = 4_000;
/// How far each day's customers move on: `PER_DAY - STEP` are the day before's again.
const STEP: u32 = 3_500;

/// Distinct individuals the month of batches holds.
pub fn distinct_individuals() -> u32 {
    (u32::from(DAYS) - 1) * STEP + PER_DAY
}

/// The profile an applicant sends with its application.
fn profile(name: &str, recipient: &str, country: &str, individuals: u32) -> String {
    format!(
        "[processor]\nname = \"{name}\"\nciio = false\nlocated_in_china = true\n\n[[flows]]\nid = \"analytics\"\n\
         recipient = \"{recipient}\"\ncountry = \"{country}\"\npurposes = [\"analytics\"]\n\
         categories = [\"identity\", \"contact\"]\nindividuals = {individuals}\n"
    )
}

/// An in-process client of the router, signed in with a token.
struct Client {
    router: axum::Router,
}

impl Client {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Value, ApiError> {
        let mut req = Request::builder().method(method.clone()).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req
            .body(Body::from(body))
            .map_err(|e| failed(&method, path, &e.to_string()))?;
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| failed(&method, path, &e.to_string()))?;
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), crate::MAX_BODY)
            .await
            .map_err(|e| failed(&method, path, &e.to_string()))?;
        if !(status.is_success()) {
            let text = String::from_utf8_lossy(&bytes);
            return Err(failed(&method, path, &format!("{status}: {text}")));
        }
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn json(&self, m: Method, path: &str, token: &str, v: &Value) -> Result<Value, ApiError> {
        self.call(m, path, Some(token), v.to_string().into_bytes())
            .await
    }

    async fn post(&self, path: &str, token: &str, v: Value) -> Result<Value, ApiError> {
        self.json(Method::POST, path, token, &v).await
    }

    async fn put(&self, path: &str, token: &str, v: Value) -> Result<Value, ApiError> {
        self.json(Method::PUT, path, token, &v).await
    }
}

fn failed(method: &Method, path: &str, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        format!("setting up the demo: {method} {path} failed: {what}"),
    )
}

fn text(v: &Value, field: &str) -> Result<String, ApiError> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("setting up the demo: an answer had no `{field}`: {v}"),
            )
        })
}

/// An organisation with one user (its password generated); returns the sign-in and a write token.
async fn member(
    state: &AppState,
    kind: OrgKind,
    name: &str,
    province: Option<&str>,
    email: &str,
    now: &Now,
) -> Result<(SignIn, String, String), ApiError> {
    let store = &state.store;
    let org = accounts::add_org(store, kind, name, province, "demo", now).await?;
    // A password of the demo's own, not a one-time one: the demo is explored with the sign-ins it prints.
    let password = accounts::new_password()?;
    accounts::add_user(store, &org.id, email, Some(&password), "demo", now).await?;
    let token = accounts::create_token(store, email, Scope::Write, 1, "demo", now).await?;
    let sign_in = SignIn {
        role: kind.id().replace('_', " "),
        organisation: name.into(),
        email: email.into(),
        password,
    };
    Ok((sign_in, org.id, token.token))
}

/// Writes the demo's records into an empty database through the API; returns one sign-in per role.
pub async fn seed(
    state: &AppState,
    book: &RuleBook,
    agreement: &str,
    scan_report: &str,
    now: &Now,
) -> Result<Vec<SignIn>, ApiError> {
    let store = &state.store;
    // The demo's passwords are its own, not one-time ones (see `member`).
    let (_, regulator_password) = accounts::init_with(
        store,
        "国家互联网信息办公室",
        "regulator@demo.chujing.cn",
        Some(&accounts::new_password()?),
        now,
    )
    .await?;
    let regulator = accounts::create_token(
        store,
        "regulator@demo.chujing.cn",
        Scope::Write,
        1,
        "demo",
        now,
    )
    .await?
    .token;
    let c = Client {
        router: crate::router(state.clone()),
    };
    let (acme_in, _, acme) = member(
        state,
        OrgKind::Processor,
        "Acme (Shanghai) Co., Ltd.",
        Some("上海"),
        "privacy@acme.demo.chujing.cn",
        now,
    )
    .await?;
    let (body_in, body_id, body) = member(
        state,
        OrgKind::CertificationBody,
        "示例认证中心 Example Certification Centre",
        None,
        "review@cert.demo.chujing.cn",
        now,
    )
    .await?;
    let (_, _, beta) = member(
        state,
        OrgKind::Processor,
        "Beta Travel (Beijing) Co., Ltd.",
        Some("北京"),
        "dpo@beta.demo.chujing.cn",
        now,
    )
    .await?;
    let (_, _, gamma) = member(
        state,
        OrgKind::Processor,
        "Gamma Health (Shenzhen) Co., Ltd.",
        Some("广东"),
        "dpo@gamma.demo.chujing.cn",
        now,
    )
    .await?;
    for p in [&acme, &beta, &gamma] {
        c.put(
            "/api/v1/processor",
            p,
            json!({ "ciio": false, "located_in_china": true }),
        )
        .await?;
    }
    let review = Review {
        c: &c,
        body: &body,
        body_id: &body_id,
        book,
        agreement,
        today: now.today,
    };
    // Acme's certificate covers its analytics flow; Beta's is suspended for exports outside its scope.
    let acme_certificate = review
        .through(
            &acme,
            &profile(
                "Acme (Shanghai) Co., Ltd.",
                "Acme Analytics Inc.",
                "US",
                150_000,
            ),
            Stage::Granted,
        )
        .await?
        .unwrap_or_default();
    let beta_certificate = review
        .through(
            &beta,
            &profile(
                "Beta Travel (Beijing) Co., Ltd.",
                "Beta Travel Pte. Ltd.",
                "SG",
                120_000,
            ),
            Stage::Granted,
        )
        .await?
        .unwrap_or_default();
    c.post(
        &format!("/api/v1/certificates/{beta_certificate}/actions/suspend"),
        &body,
        json!({ "reason": "supervision found booking data sent to a recipient outside the certified scope; suspended until the scope is restored (demo)" }),
    )
    .await?;
    review
        .through(
            &gamma,
            &profile(
                "Gamma Health (Shenzhen) Co., Ltd.",
                "Gamma Research GmbH",
                "DE",
                300_000,
            ),
            Stage::InReview,
        )
        .await?;
    flows(&c, &acme, &acme_certificate, now.today).await?;
    batches(&c, &acme, now.today).await?;
    c.call(
        Method::POST,
        "/api/v1/scans?file=customers.csv",
        Some(&acme),
        scan_report.as_bytes().to_vec(),
    )
    .await?;
    filing(&c, &acme, &regulator, agreement, now.today).await?;
    for (about, what) in [
        (
            beta_certificate.as_str(),
            "The app still sends my booking history to its partner abroad although the company says the certificate covers only its Singapore office.",
        ),
        (
            "Acme (Shanghai) Co., Ltd.",
            "I was never told my membership data goes to Singapore; the privacy notice names no recipient abroad.",
        ),
    ] {
        c.call(
            Method::POST,
            "/api/v1/reports",
            None,
            json!({ "about": about, "text": what })
                .to_string()
                .into_bytes(),
        )
        .await?;
    }
    let regulator_in = SignIn {
        role: "regulator".into(),
        organisation: "国家互联网信息办公室".into(),
        email: "regulator@demo.chujing.cn".into(),
        password: regulator_password,
    };
    Ok(vec![acme_in, body_in, regulator_in])
}

/// How far an application is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Accepted, in verification, half its review items passed.
    InReview,
    /// Every item passed, audited and granted.
    Granted,
}

/// The certification body's side of an application.
struct Review<'a> {
    c: &'a Client,
    body: &'a str,
    body_id: &'a str,
    book: &'a RuleBook,
    agreement: &'a str,
    today: Date,
}

impl Review<'_> {
    /// Walks an application of the processor `p` to `stage`; returns the certificate number when granted.
    async fn through(
        &self,
        p: &str,
        profile: &str,
        stage: Stage,
    ) -> Result<Option<String>, ApiError> {
        let c = self.c;
        let app = c
            .post(
                "/api/v1/applications",
                p,
                json!({ "body": self.body_id, "profile": profile }),
            )
            .await?;
        let id = text(&app, "id")?;
        let path = |rest: &str| format!("/api/v1/applications/{id}{rest}");
        for kind in chujing_cert::MaterialKind::ALL {
            let bytes = match kind {
                chujing_cert::MaterialKind::Agreement => self.agreement.as_bytes().to_vec(),
                other => format!("{} (demo material)", other.id()).into_bytes(),
            };
            c.call(
                Method::PUT,
                &path(&format!("/materials/{}", kind.id())),
                Some(p),
                bytes,
            )
            .await?;
        }
        c.post(&path("/actions/submit"), p, json!({})).await?;
        for step in ["accept", "start_verification"] {
            c.post(&path(&format!("/actions/{step}")), self.body, json!({}))
                .await?;
        }
        let items = chujing_law::certification::review_checklist(self.book, self.today, Lang::En)
            .map_err(chujing_app::AppError::from)?;
        let take = match stage {
            Stage::Granted => items.len(),
            Stage::InReview => items.len() / 2,
        };
        for item in items.iter().take(take) {
            c.put(
                &path(&format!("/review/{}", item.id)),
                self.body,
                json!({ "passed": true, "evidence": "documents and interviews seen (demo)" }),
            )
            .await?;
        }
        if stage == Stage::InReview {
            return Ok(None);
        }
        c.post(&path("/actions/start_audit"), self.body, json!({}))
            .await?;
        let granted = c
            .post(&path("/actions/grant"), self.body, json!({}))
            .await?;
        Ok(Some(text(&granted, "certificate")?))
    }
}

/// Acme's three flows: the CRM under a standard contract, HR under its exemption, analytics certified.
async fn flows(c: &Client, acme: &str, certificate: &str, today: Date) -> Result<(), ApiError> {
    let since = today
        .to_jiff()
        .checked_sub(jiff::Span::new().days(60))
        .map_or(today, Date::from);
    c.put(
        "/api/v1/flows/crm",
        acme,
        json!({ "recipient": "Acme Marketing Cloud Pte. Ltd.", "country": "SG",
            "purposes": ["loyalty_programme"], "categories": ["identity", "contact"],
            "mechanism": { "kind": "standard_contract", "since": since.to_string() } }),
    )
    .await?;
    c.put(
        "/api/v1/flows/hr",
        acme,
        json!({ "recipient": "Acme GmbH", "country": "DE", "purposes": ["hr_management"],
            "categories": ["identity", "contact", "employment"], "exemption": "hr_management" }),
    )
    .await?;
    c.put(
        "/api/v1/flows/analytics",
        acme,
        json!({ "recipient": "Acme Analytics Inc.", "country": "US", "purposes": ["analytics"],
            "categories": ["identity", "contact"],
            "mechanism": { "kind": "certification", "certificate": certificate } }),
    )
    .await?;
    Ok(())
}

/// A month of daily CRM batches by customer key, ending today: past the contract band's 100,000.
async fn batches(c: &Client, acme: &str, today: Date) -> Result<(), ApiError> {
    for day in 0..DAYS {
        let back = i64::from(DAYS - 1 - day);
        let date = today
            .to_jiff()
            .checked_sub(jiff::Span::new().days(back))
            .map_or(today, Date::from);
        let first = u32::from(day) * STEP;
        let subjects: Vec<String> = (first..first + PER_DAY)
            .map(|n| format!("member-{n:07}"))
            .collect();
        c.post(
            "/api/v1/transfers",
            acme,
            json!({ "batch_id": format!("crm-{date}"), "flow": "crm", "date": date.to_string(),
                "subjects": subjects }),
        )
        .await?;
    }
    Ok(())
}

/// A standard contract filing, submitted and returned by the regulator for correction.
async fn filing(
    c: &Client,
    acme: &str,
    regulator: &str,
    agreement: &str,
    today: Date,
) -> Result<(), ApiError> {
    let effective = today
        .to_jiff()
        .checked_sub(jiff::Span::new().days(3))
        .map_or(today, Date::from);
    let f = c
        .post(
            "/api/v1/filings",
            acme,
            json!({ "recipient": "Acme Marketing Cloud Pte. Ltd.",
                "contract_effective": effective.to_string(), "contract": agreement,
                "pipia": "Personal information protection impact assessment report (demo)." }),
        )
        .await?;
    let id = text(&f, "id")?;
    c.post(
        &format!("/api/v1/filings/{id}/actions/submit"),
        acme,
        json!({}),
    )
    .await?;
    let correct_by = today
        .to_jiff()
        .checked_add(jiff::Span::new().days(14))
        .map_or(today, Date::from);
    c.post(
        &format!("/api/v1/filings/{id}/actions/return"),
        regulator,
        json!({ "reason": "Annex I names no retention period for the recipient; state it and file again.",
            "correct_by": correct_by.to_string() }),
    )
    .await?;
    Ok(())
}
