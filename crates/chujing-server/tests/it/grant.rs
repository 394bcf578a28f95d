//! The grant's guard: a body certifies the scope applied for, or less — never health data, recipients,
//! countries or volumes the processor did not apply for — through the API and the page alike, and the public
//! registry never shows a scope wider than the application's.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chujing_app::certify::OrgKind;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::kit::Kit;

#[tokio::test]
async fn a_grant_wider_than_the_application_is_refused_naming_each_excess() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}/g.db", dir.path().display())).await;
    let (_, p) = kit.member(OrgKind::Processor, "Acme", Some("310000")).await;
    let (body_id, body) = kit
        .member(OrgKind::CertificationBody, "Cert Co", None)
        .await;
    let id = kit.to_audit(&p, &body_id, &body).await;
    let grant = format!("/api/v1/applications/{id}/actions/grant");
    // The application asks for identity and contact data of 150,000 people to Acme Marketing Cloud in SG.
    let wider = json!({ "scope": {
        "categories": ["identity", "contact", "health", "biometric"],
        "purposes": ["loyalty_programme"],
        "recipients": ["Acme Marketing Cloud Inc.", "Unknown LLC"],
        "countries": ["SG", "US", "RU"],
        "max_individuals": 9_999_999,
        "max_sensitive_individuals": 0 } });
    let (s, e) = kit.post(&grant, Some(&body), wider).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let message = e["error"]["message"].as_str().unwrap();
    for named in [
        "category `health`",
        "category `biometric`",
        "recipient `Unknown LLC`",
        "destination RU",
        "destination US",
        "9,999,999 individuals, over the 150,000 applied for",
    ] {
        assert!(message.contains(named), "names {named}: {message}");
    }
    // The same through the page's grant form.
    let form = "csrf=x&categories=identity%2C+health&purposes=loyalty_programme&recipients=Acme+Marketing+Cloud+Inc.\
        &countries=SG&max_individuals=150000&max_sensitive_individuals=0";
    let req = Request::builder()
        .method("POST")
        .uri(format!("/applications/{id}/actions/grant"))
        .header("authorization", format!("Bearer {body}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let res = kit.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let page =
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(
        page.contains("category `health` was not applied for"),
        "{page}"
    );
    // Nothing was issued; the registry is empty. A narrower grant is taken.
    let (_, registry) = kit.get("/api/v1/registry", None).await;
    assert_eq!(registry["total"], 0, "{registry}");
    let narrower = json!({ "scope": {
        "categories": ["contact"], "purposes": ["loyalty_programme"],
        "recipients": ["Acme Marketing Cloud Inc."], "countries": ["SG"],
        "max_individuals": 100_000, "max_sensitive_individuals": 0 } });
    let (s, a) = kit.post(&grant, Some(&body), narrower).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (_, registry) = kit.get("/api/v1/registry", None).await;
    assert_eq!(
        registry["items"][0]["scope"]["categories"],
        json!(["contact"])
    );
}
