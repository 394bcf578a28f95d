//! What every answer carries, whatever its route: a request id, unique per request and kept when the caller
//! sent one, and JSON with its content type.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::kit::Kit;

async fn request_id(kit: &Kit, sent: Option<&str>) -> (StatusCode, String, String) {
    let mut req = Request::builder().uri("/api/v1/registry");
    if let Some(id) = sent {
        req = req.header("x-request-id", id);
    }
    let res = kit
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    (res.status(), header("x-request-id"), header("content-type"))
}

#[tokio::test]
async fn every_answer_has_its_own_request_id_and_keeps_the_callers() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("h.db").display())).await;
    let (status, first, content_type) = request_id(&kit, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    let (_, second, _) = request_id(&kit, None).await;
    assert!(!first.is_empty() && first != second, "{first} / {second}");
    let (_, kept, _) = request_id(&kit, Some("trace-42")).await;
    assert_eq!(kept, "trace-42");
}
