//! The standard contract page: a processor uploads a signed standard contract and the official form (the
//! CAC's Word file, or fingerprints made from it) and reads the check `chujing contract check --form
//! standard-contract` makes — the body item by item, Annex II, and Annex I against the ledger kept here, the
//! saved profile and the newest scan. The files are read and dropped, never kept.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chujing_app::report::StandardContractCheck;

use super::{Chrome, PageContext, error_page, file_field, multipart_fields, page};
use crate::AppState;
use crate::error::ApiError;

/// A finding as the page shows it.
struct FindingRow {
    place: String,
    kind: &'static str,
    line: String,
    text: String,
    detail: String,
}

/// The check as the page shows it.
struct CheckView {
    file: String,
    summary: String,
    reference: String,
    annex: Option<String>,
    findings: Vec<FindingRow>,
    /// (item, line, what was written).
    filled: Vec<(String, usize, String)>,
}

#[derive(Template)]
#[template(path = "contracts.html")]
struct ContractsPage {
    c: Chrome,
    result: Option<CheckView>,
}

/// The upload form.
pub async fn contracts_page(cx: PageContext) -> Response {
    page(
        StatusCode::OK,
        &ContractsPage {
            c: cx.chrome(),
            result: None,
        },
    )
}

/// Checks the uploaded contract (`contract`) against the uploaded form (`reference`).
pub async fn contracts_check(
    State(s): State<AppState>,
    cx: PageContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = async {
        let a = crate::authz::actor(&cx.who)?;
        let fields = multipart_fields(&headers, body).await?;
        let file = |name: &str, what: &str| {
            file_field(&fields, name)
                .map(|f| {
                    (
                        f.file_name.clone().unwrap_or_else(|| name.to_string()),
                        f.bytes.clone(),
                    )
                })
                .ok_or_else(|| ApiError::bad_request(format!("choose {what} to upload")))
        };
        let (contract_name, contract) = file("contract", "the signed contract")?;
        let (reference_name, reference) = file(
            "reference",
            "the form (the CAC's Word file) or its fingerprints",
        )?;
        let sent = |name, bytes| crate::ops::Sent { name, bytes };
        let (check, why_not) = crate::ops::check_contract(
            &s,
            a,
            sent(&contract_name, &contract),
            sent(&reference_name, &reference),
            cx.lang,
        )
        .await?;
        let view = view(contract_name, &check, why_not, cx.lang);
        Ok(page(
            StatusCode::OK,
            &ContractsPage {
                c: cx.chrome(),
                result: Some(view),
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| error_page(&cx, e))
}

fn view(
    file: String,
    check: &StandardContractCheck,
    why_not: Option<String>,
    lang: chujing_law::Lang,
) -> CheckView {
    let annex = check.annex_line(lang).or_else(|| {
        why_not.map(|w| {
            format!(
                "{}{w}",
                lang.pick(
                    "Annex I not compared with chujing's figures: ",
                    "附录一未与 chujing 数据对照："
                )
            )
        })
    });
    CheckView {
        file,
        summary: check.summary(lang),
        reference: check.reference_line(lang),
        annex,
        findings: check
            .findings
            .iter()
            .map(|f| FindingRow {
                place: f.place.clone(),
                kind: f.kind.label(lang),
                line: f.line.map(|l| l.to_string()).unwrap_or_default(),
                text: f.text.clone().unwrap_or_default(),
                detail: f.detail.clone(),
            })
            .collect(),
        filled: check
            .filled
            .iter()
            .map(|f| (f.place.clone(), f.line, f.fills.join(" | ")))
            .collect(),
    }
}
