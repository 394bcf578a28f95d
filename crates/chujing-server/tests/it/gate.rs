//! The gate names the decisive reason first, with its code: a standard contract not filed by its deadline
//! (denied until it is), a filing returned for correction (allowed only until the day set to correct it), an
//! assessment expired on a day, a batch outside a certificate's scope, a claimed exemption rejected. And the
//! API refuses what the command line refuses: an exemption decided from the counts, a flow to mainland China.

use axum::http::StatusCode;
use chujing_app::certify::OrgKind;
use serde_json::{Value, json};

use crate::kit::Kit;

async fn kit() -> (tempfile::TempDir, Kit) {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}/g.db", dir.path().display())).await;
    (dir, kit)
}

/// The gate's answer for a batch of `n` on `flow` on `date`.
async fn check(kit: &Kit, token: &str, flow: &str, n: u64, date: &str) -> Value {
    let (s, a) = kit
        .post(
            "/api/v1/transfers/check",
            Some(token),
            json!({ "flow": flow, "individuals": n, "date": date }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    a
}

/// Whether the answer gives a reason of `code`.
fn has(a: &Value, code: &str) -> bool {
    a["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == code)
}

fn first(a: &Value) -> (&str, &str) {
    let r = &a["reasons"][0];
    (r["code"].as_str().unwrap(), r["message"].as_str().unwrap())
}

#[tokio::test]
async fn a_standard_contract_not_filed_by_its_deadline_is_denied_until_it_is_filed() {
    let (_dir, kit) = kit().await;
    let _national = kit.national().await;
    let (_, sh) = kit
        .member(OrgKind::Regulator, "Shanghai CAC", Some("310000"))
        .await;
    let (_, p) = kit.member(OrgKind::Processor, "Acme", Some("310000")).await;
    kit.facts(&p, false).await;
    // 150,000 individuals to Singapore: the contract band. The contract took effect on Friday 9 October; 10
    // working days (Saturday 10 October a working day in 2026) end on 22 October.
    let flow = json!({ "recipient": "Acme Pte. Ltd.", "country": "SG", "categories": ["contact"],
        "mechanism": { "kind": "standard_contract", "since": "2026-10-09" } });
    let (s, f) = kit.put("/api/v1/flows/crm", Some(&p), flow).await;
    assert_eq!(s, StatusCode::OK, "{f}");

    // Within the 10 working days: allowed, the deadline said.
    let a = check(&kit, &p, "crm", 150_000, "2026-10-15").await;
    assert_eq!(a["decision"], "allow", "{a}");
    assert!(has(&a, "contract_filing_due"), "{a}");
    // Past the deadline without a filing: denied, the deadline and the article first.
    let a = check(&kit, &p, "crm", 150_000, "2026-11-23").await;
    assert_eq!(a["decision"], "deny", "{a}");
    let (code, message) = first(&a);
    assert_eq!(code, "contract_not_filed", "{a}");
    assert!(
        message.contains("due by 2026-10-22") && message.contains("Art. 7"),
        "{message}"
    );
    assert!(!has(&a, "mechanism_in_force"), "{a}");

    // Filed and submitted (late): allowed.
    let (s, filing) = kit
        .post(
            "/api/v1/filings",
            Some(&p),
            json!({ "recipient": "Acme  Pte. Ltd. ", "contract_effective": "2026-10-09",
                "contract": "contract", "pipia": "pipia" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{filing}");
    let id = filing["id"].as_str().unwrap().to_string();
    let act = |a: &str| format!("/api/v1/filings/{id}/actions/{a}");
    assert_eq!(
        kit.post(&act("submit"), Some(&p), json!({})).await.0,
        StatusCode::OK
    );
    let a = check(&kit, &p, "crm", 150_000, "2026-11-23").await;
    assert_eq!(a["decision"], "allow", "{a}");

    // Returned for correction by 4 December: allowed until then, denied after.
    let (s, r) = kit
        .post(
            &act("return"),
            Some(&sh),
            json!({ "reason": "Annex I incomplete", "correct_by": "2026-12-04" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let a = check(&kit, &p, "crm", 150_000, "2026-12-04").await;
    assert_eq!(a["decision"], "allow", "{a}");
    assert!(has(&a, "filing_being_corrected"), "{a}");
    let a = check(&kit, &p, "crm", 150_000, "2026-12-05").await;
    assert_eq!(a["decision"], "deny", "{a}");
    let (code, message) = first(&a);
    assert_eq!(code, "filing_correction_overdue", "{a}");
    assert!(message.contains("2026-12-04"), "{message}");
}

#[tokio::test]
async fn an_expired_assessment_and_a_rejected_claim_are_named_as_the_cause() {
    let (_dir, kit) = kit().await;
    let (_, p) = kit
        .member(OrgKind::Processor, "Grid Co", Some("310000"))
        .await;
    kit.facts(&p, true).await; // a CIIO: every export needs the security assessment
    let flow = json!({ "recipient": "Grid GmbH", "country": "DE", "categories": ["contact"],
        "mechanism": { "kind": "security_assessment", "since": "2022-10-01", "until": "2024-09-30" } });
    assert_eq!(
        kit.put("/api/v1/flows/ops", Some(&p), flow).await.0,
        StatusCode::OK
    );
    let a = check(&kit, &p, "ops", 10, "2026-11-23").await;
    assert_eq!(a["decision"], "deny", "{a}");
    let (code, message) = first(&a);
    assert_eq!(code, "mechanism_expired", "{a}");
    assert!(message.contains("expired on 2024-09-30"), "{message}");

    // A claimed exemption whose conditions fail (important data leaves): the rejection comes first.
    let (_, q) = kit
        .member(OrgKind::Processor, "HR Co", Some("310000"))
        .await;
    kit.facts(&q, false).await;
    let hr = json!({ "recipient": "HR GmbH", "country": "DE", "categories": ["employment"],
        "exemption": "hr_management", "important_data": true });
    let (s, v) = kit.put("/api/v1/flows/hr", Some(&q), hr).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let a = check(&kit, &q, "hr", 10, "2026-11-23").await;
    assert_eq!(a["decision"], "deny", "{a}");
    let (code, message) = first(&a);
    assert_eq!(code, "exemption_rejected", "{a}");
    assert!(message.contains("hr_management"), "{message}");
}

#[tokio::test]
async fn a_batch_outside_the_certificates_scope_is_denied_with_that_reason_first() {
    let (_dir, kit) = kit().await;
    let (_, p) = kit.member(OrgKind::Processor, "Acme", Some("310000")).await;
    let (body_id, body) = kit
        .member(OrgKind::CertificationBody, "Cert Co", None)
        .await;
    let (_, number) = kit.granted(&p, &body_id, &body).await;
    kit.facts(&p, false).await;
    let flow = json!({ "recipient": "Elsewhere Ltd", "country": "US", "categories": ["identity"],
        "mechanism": { "kind": "certification", "certificate": number } });
    assert_eq!(
        kit.put("/api/v1/flows/us", Some(&p), flow).await.0,
        StatusCode::OK
    );
    let a = check(&kit, &p, "us", 150_000, "2026-11-23").await;
    assert_eq!(a["decision"], "deny", "{a}");
    let (code, message) = first(&a);
    assert_eq!(code, "outside_scope", "{a}");
    assert!(
        message.contains("recipient `Elsewhere Ltd`") && message.contains("US"),
        "{message}"
    );
    assert!(!has(&a, "mechanism_in_force"), "{a}");
}

#[tokio::test]
async fn the_api_refuses_what_the_command_line_refuses() {
    let (_dir, kit) = kit().await;
    let (_, p) = kit.member(OrgKind::Processor, "Acme", Some("310000")).await;
    for (flow, expected) in [
        (
            json!({ "recipient": "R", "country": "SG", "exemption": "small_volume" }),
            "cannot be claimed",
        ),
        (json!({ "recipient": "R", "country": "CN" }), "not abroad"),
        (
            json!({ "recipient": "R", "country": "SG",
                "mechanism": { "kind": "standard_contract", "since": "2026-10-01", "until": "2026-01-01" } }),
            "before the day it took effect",
        ),
    ] {
        let (s, e) = kit.put("/api/v1/flows/f", Some(&p), flow).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(expected),
            "{e}"
        );
    }
}
