//! Violation reports (Certification Measures 2026 Art. 15: anyone may report): anonymous, answered with a
//! receipt code, routed to the provincial regulator (and the national one sees all) and, when they name a
//! certificate, to the body that issued it.

use super::events::{Event, Subject};
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Columns, Now, audit, decode, random_hex, record, st, write};
use crate::{AppError, Result};

/// The longest report text accepted, in characters.
pub const MAX_REPORT_CHARS: usize = 10_000;

/// A report as the public sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// Whom it is about: a certificate number or an organisation's name.
    pub about: String,
    /// The province concerned, if known: its GB/T 2260 code or its name (routes it to that province's
    /// regulator; a report about a certificate without one goes to the holder's province).
    #[serde(default)]
    pub province: Option<String>,
    /// What happened.
    pub text: String,
}

/// A report as kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Report {
    /// The receipt code (the only way to look it up).
    pub receipt: String,
    /// Whom it is about.
    pub about: String,
    /// The province.
    pub province: Option<String>,
    /// What happened.
    pub text: String,
    /// The regulator it was routed to (organisation id), if one exists for the province.
    pub regulator: Option<String>,
    /// The certification body concerned, when it names a certificate.
    pub body: Option<String>,
    /// `received`, `in_review` or `closed`.
    pub status: String,
    /// When it was received.
    pub received_at: String,
}

/// What the public sees of a report: its status only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportStatus {
    /// The receipt code.
    pub receipt: String,
    /// Its status.
    pub status: String,
    /// When it was received.
    pub received_at: String,
}

/// Receives a report; returns it with its receipt code.
pub async fn submit(store: &Store, new: NewReport, now: &Now) -> Result<Report> {
    let text = new.text.trim();
    let about = new.about.trim();
    if text.is_empty() || about.is_empty() {
        return Err(AppError::Input(
            "a report says whom it is about (`about`) and what happened (`text`)".into(),
        ));
    }
    if text.chars().count() > MAX_REPORT_CHARS || about.chars().count() > 200 {
        return Err(AppError::Input(format!(
            "a report's text has at most {MAX_REPORT_CHARS} characters and `about` at most 200"
        )));
    }
    let named = new
        .province
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(chujing_law::Province::parse)
        .transpose()
        .map_err(|e| AppError::Input(format!("`province`: {e}")))?;
    let certificate = st(store.record("certificate", about).await)?;
    let province = named.or_else(|| {
        certificate
            .as_ref()
            .and_then(|rec| chujing_law::Province::parse(&rec.province).ok())
    });
    let regulator = super::filings::regulator_for(store, province).await?;
    let body = certificate.map(|rec| rec.party);
    let r = Report {
        receipt: format!("R-{}", random_hex(8)?.to_uppercase()),
        about: about.into(),
        province: province.map(|p| p.code().to_string()),
        text: text.into(),
        regulator: regulator.clone(),
        body: body.clone(),
        status: "received".into(),
        received_at: now.at.clone(),
    };
    let mut w = write(store).await?;
    let rec = record(
        Columns {
            kind: "report",
            id: &r.receipt,
            org: regulator.as_deref().unwrap_or(""),
            party: body.as_deref().unwrap_or(""),
            state: "received",
            search: r.about.clone(),
            province,
        },
        &r,
        now,
    )?;
    st(w.insert(&rec).await)?;
    audit(
        &mut w,
        now,
        "public",
        Event::ReportReceive,
        Subject::Report(&r.receipt),
        &serde_json::json!({ "regulator": regulator, "body": body }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(r)
}

/// A report's status by its receipt.
pub async fn status(store: &Store, receipt: &str) -> Result<ReportStatus> {
    let r: Report = decode(&super::get(store, "report", receipt).await?)?;
    Ok(ReportStatus {
        receipt: r.receipt,
        status: r.status,
        received_at: r.received_at,
    })
}

/// A page of the violation reports the actor may see, newest first.
pub async fn page(
    store: &Store,
    actor: &super::Actor,
    req: &super::PageRequest,
) -> Result<super::Page<Report>> {
    super::page_where(
        store,
        "report",
        &super::access::reports_filter(actor),
        req,
        |r| r,
    )
    .await
}

/// The violation reports the actor may see: a provincial regulator those routed to it, the national one all,
/// a body those about its certificates.
pub async fn list(store: &Store, actor: &super::Actor) -> Result<Vec<Report>> {
    list_where(store, &super::access::reports_filter(actor)).await
}

/// The reports passing `f`.
pub(crate) async fn list_where(store: &Store, f: &Filter<'_>) -> Result<Vec<Report>> {
    st(store.records("report", f).await)?
        .iter()
        .map(decode)
        .collect()
}
