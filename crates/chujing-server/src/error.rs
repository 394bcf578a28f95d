//! The API's one error type: every failure answers `{"error": {"code", "message"}}` with its status.

use crate::json::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chujing_app::{AppError, ErrorKind};
use serde::Serialize;
use utoipa::ToSchema;

/// An API error.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable code (`bad_request`, `unauthorized`, `forbidden`, `route_forbidden`, `not_found`, `conflict`,
    /// `too_large`, `rate_limited`, `unavailable`, `password_change_required`, `processor_facts_missing`,
    /// `internal`).
    pub code: &'static str,
    /// What went wrong and what to do.
    pub message: String,
    /// Seconds after which the same request may succeed (`Retry-After`): a limit reached, the database
    /// unavailable.
    pub retry_after: Option<u64>,
}

/// The body of an error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// An error's code and message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code.
    pub code: String,
    /// What went wrong.
    pub message: String,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error under another stable code.
    pub fn with_code(mut self, code: &'static str) -> ApiError {
        self.code = code;
        self
    }

    /// The same error, sent with `Retry-After: seconds`.
    pub fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in: send `Authorization: Bearer TOKEN` (chujing admin token create) or log in at POST /api/v1/session",
        )
    }

    /// 401 on an operator's route (`/metrics`): a user's credential does not open it.
    pub fn unauthorized_operator() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send `Authorization: Bearer` the operator's token (chujing serve --metrics-token-file)",
        )
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 403 decided by a route's policy (the caller's kind or credential), before any record is read: code
    /// `route_forbidden`, so that a client (and the authorisation matrix test) can tell it from a refusal that
    /// concerns one record.
    pub fn route_refused(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "route_forbidden", message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<chujing_cert::CertError> for ApiError {
    /// A name the lifecycle does not know, or a step it refuses, as the request's fault.
    fn from(e: chujing_cert::CertError) -> ApiError {
        ApiError::bad_request(e.to_string())
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e.kind() {
            ErrorKind::Input => ApiError::bad_request(e.to_string()),
            ErrorKind::NotFound => ApiError::not_found(e.to_string()),
            ErrorKind::Forbidden => ApiError::forbidden(e.to_string()),
            // `processor_facts_missing` names what to record before the answer can be given.
            ErrorKind::Conflict => ApiError::new(StatusCode::CONFLICT, e.code(), e.to_string()),
            ErrorKind::Unavailable => {
                tracing::warn!(error = %e.chain(), "the database is unavailable");
                let reason = e.unavailable_reason().unwrap_or("it does not answer");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    e.code(),
                    format!(
                        "the service's database is unavailable for now ({reason}); nothing was changed by \
                         this request: send it again shortly (a batch sent again with the same batch id is \
                         recorded once)"
                    ),
                )
                .retry_after(UNAVAILABLE_RETRY_SECONDS)
            }
            ErrorKind::Failure => {
                // The cause is logged; the answer does not carry internals.
                tracing::error!(error = %e.chain(), "request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server failed; see its log",
                )
            }
        }
    }
}

/// How long a client is told to wait before sending a request again that the database could not serve.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after;
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.into(),
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// A handler's result.
pub type ApiResult<T> = Result<T, ApiError>;
