//! Prometheus metrics: requests by route and status, and their total duration.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// (method, route, status) → (requests, seconds).
type Counts = BTreeMap<(String, String, u16), (u64, f64)>;

/// Request counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<Counts>,
}

/// Counts a request by method, route and status.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let res = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    if let Ok(mut m) = state.metrics.requests.lock() {
        let e = m.entry((method, route, res.status().as_u16())).or_default();
        e.0 += 1;
        e.1 += secs;
    }
    res
}

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let mut out = String::from(
        "# HELP chujing_http_requests_total Requests by method, route and status.\n\
         # TYPE chujing_http_requests_total counter\n",
    );
    let mut secs = String::from(
        "# HELP chujing_http_request_seconds_total Time spent answering, by method, route and status.\n\
         # TYPE chujing_http_request_seconds_total counter\n",
    );
    if let Ok(m) = state.metrics.requests.lock() {
        for ((method, route, status), (n, s)) in m.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            out.push_str(&format!("chujing_http_requests_total{{{labels}}} {n}\n"));
            secs.push_str(&format!(
                "chujing_http_request_seconds_total{{{labels}}} {s}\n"
            ));
        }
    }
    out.push_str(&secs);
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        out,
    )
}
