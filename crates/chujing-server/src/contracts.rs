//! `POST /api/v1/contracts/check`: a signed standard contract against the official form, as the processor's
//! page `/contracts` checks it (`crate::ops::check_contract`), for scripts.

use axum::body::Bytes;
use axum::extract::State;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::json_body;
use crate::auth::Principal;
use crate::authz::actor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::Json;

/// A file sent to be checked: its name, and its content as text or, for a DOCX, as base64.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SentFile {
    /// The file's name; its extension says what it is: `.docx`, `.md`, `.txt`, or `.toml` for fingerprints.
    pub file_name: String,
    /// The content, for a text file (Markdown, text, TOML).
    #[serde(default)]
    pub text: Option<String>,
    /// The content in base64 (standard alphabet, padded), for a DOCX.
    #[serde(default)]
    pub base64: Option<String>,
}

impl SentFile {
    fn bytes(&self, what: &str) -> Result<Vec<u8>, ApiError> {
        match (&self.text, &self.base64) {
            (Some(t), None) => Ok(t.as_bytes().to_vec()),
            (None, Some(b)) => base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .map_err(|e| ApiError::bad_request(format!("{what}: `base64` is not base64: {e}"))),
            _ => Err(ApiError::bad_request(format!(
                "{what}: give its content as `text` or as `base64`, one of the two"
            ))),
        }
    }
}

/// A standard contract and the form to check it against.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractCheck {
    /// The signed contract.
    pub contract: SentFile,
    /// The form: the CAC's copy, or fingerprints made from it by `chujing contract fingerprint`.
    pub reference: SentFile,
}

/// The language of the findings.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CheckLang {
    /// `en` (default) or `zh`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// What the check found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractChecked {
    /// Clauses and items of the form compared, the copy the fingerprints came from, every finding (empty: the
    /// body is the form's, blanks filled in), the blanks filled, and what Annex I was compared with — as
    /// `chujing contract check --form standard-contract --json` prints under `result`.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    /// Why Annex I was not compared with the saved profile and the ledger, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annex_i_not_compared: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/contracts/check", tag = "ledger", params(CheckLang), request_body = ContractCheck,
    responses((status = 200, body = ContractChecked), (status = 400, body = ErrorBody)))]
pub(crate) async fn contract_check(
    State(s): State<AppState>,
    who: Principal,
    axum::extract::Query(q): axum::extract::Query<CheckLang>,
    body: Bytes,
) -> ApiResult<Json<ContractChecked>> {
    let a = actor(&who)?;
    let lang = match q.lang.as_deref() {
        None => chujing_law::Lang::En,
        Some(l) => l
            .parse()
            .map_err(|e: String| ApiError::bad_request(format!("lang: {e}")))?,
    };
    let input: ContractCheck = json_body(&body)?;
    let contract = input.contract.bytes("contract")?;
    let reference = input.reference.bytes("reference")?;
    let sent = |name, bytes| crate::ops::Sent { name, bytes };
    let (check, why_not) = crate::ops::check_contract(
        &s,
        a,
        sent(&input.contract.file_name, &contract),
        sent(&input.reference.file_name, &reference),
        lang,
    )
    .await?;
    let result = serde_json::to_value(&check).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
        )
    })?;
    Ok(Json(ContractChecked {
        result,
        annex_i_not_compared: why_not,
    }))
}
