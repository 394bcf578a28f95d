//! `chujing serve`: the certification service over HTTP — a JSON API under `/api/v1` with its OpenAPI
//! document at `/api/v1/openapi.json`, `/healthz`, Prometheus `/metrics`, request ids in structured logs,
//! request size and time limits, security headers and caught panics ([`harden`]), graceful shutdown.
//!
//! Authentication (`Authorization: Bearer TOKEN` or the session cookie with its CSRF header) is in [`auth`];
//! who may do what is decided in one place, [`authz`]: every route declares its policy there, and a route
//! without one is refused. Handlers ([`api`]) parse, ask [`authz`], call the use cases of
//! `chujing_app::certify`, and answer.

#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod authz;
pub mod contracts;
pub mod demo;
pub mod error;
pub mod harden;
pub mod json;
pub mod ledger;
pub mod limiter;
pub mod metrics;
pub mod ops;
pub mod oversight;
pub mod paging;
pub mod state;
pub mod web;

pub use state::{AppState, Clock, Config, MetricsToken};

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

/// The largest request body accepted (materials included): 8 MiB.
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// The longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole application: API, health, metrics and OpenAPI document, with its limits and middleware.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::routes().split_for_parts();
    let openapi_json = std::sync::Arc::new(openapi.to_pretty_json().unwrap_or_default());
    let doc = {
        let json = openapi_json.clone();
        axum::routing::get(move || {
            let json = json.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    (*json).clone(),
                )
            }
        })
    };
    let app = Router::new()
        .merge(api)
        .merge(web::routes())
        .route("/api/v1/openapi.json", doc)
        .route("/healthz", axum::routing::get(api::healthz))
        .route("/metrics", axum::routing::get(metrics::render))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), authz::enforce))
        .layer(axum::middleware::from_fn(web::csrf_from_form))
        // Outside the authentication: the credential and every view a request looks up are read as of
        // its arrival, with one read of the database's change number between them.
        .layer(axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| {
                chujing_store::changes::during_request(next.run(req))
            },
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(
            |req: &axum::http::Request<axum::body::Body>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            },
        ).on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RequestIds::new()))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(state);
    harden::harden(app)
}

/// Request ids unique across processes without a system call each: a random 64-bit prefix drawn when the
/// server starts, and a counter.
#[derive(Debug, Clone)]
struct RequestIds {
    prefix: u64,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> RequestIds {
        let mut bytes = [0u8; 8];
        // Without the system's randomness the prefix is 0: ids stay unique within the process.
        let _ = getrandom::fill(&mut bytes);
        RequestIds {
            prefix: u64::from_le_bytes(bytes),
            next: std::sync::Arc::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{:016x}-{n:x}", self.prefix);
        axum::http::HeaderValue::from_str(&id)
            .ok()
            .map(RequestId::new)
    }
}

/// Serves on `listen` until `shutdown` completes (SIGINT or SIGTERM in `chujing serve`), then finishes the
/// requests in flight.
pub async fn serve(
    state: AppState,
    listen: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(address = %listener.local_addr()?, "chujing serve listening");
    // The client's address reaches the login limiter.
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
