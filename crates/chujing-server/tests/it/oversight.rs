//! Regulators by jurisdiction: standard contract filings with the provincial regulator (the deadline, returns
//! for correction kept round by round), and orders limited to a provincial regulator's province.

use axum::http::StatusCode;
use chujing_app::certify::OrgKind;
use serde_json::json;

use crate::kit::Kit;

async fn jurisdiction(kit: &Kit) {
    let national = kit.national().await;
    let (sh_id, sh) = kit
        .member(OrgKind::Regulator, "Shanghai CAC", Some("310000"))
        .await;
    let (_, gd) = kit
        .member(OrgKind::Regulator, "Guangdong CAC", Some("440000"))
        .await;
    let (p1_id, p1) = kit
        .member(OrgKind::Processor, "Acme (Shanghai)", Some("310000"))
        .await;

    // A contract that took effect on 2 November is due by 16 November (10 working days); filed on the 23rd, late.
    let (s, f) = kit
        .post(
            "/api/v1/filings",
            Some(&p1),
            json!({ "recipient": "Acme GmbH", "contract_effective": "2026-11-02",
            "contract": "第一条 …", "pipia": "个人信息保护影响评估报告 …" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(
        (f["regulator"].as_str(), f["due_on"].as_str()),
        (Some(sh_id.as_str()), Some("2026-11-16"))
    );
    assert!(f["citation"].as_str().unwrap().contains("Art. 7"), "{f}");
    let id = f["id"].as_str().unwrap();
    let act = |a: &str| format!("/api/v1/filings/{id}/actions/{a}");
    let (s, f) = kit.post(&act("submit"), Some(&p1), json!({})).await;
    assert_eq!(
        (s, f["state"].as_str(), f["late"].as_bool()),
        (StatusCode::OK, Some("submitted"), Some(true)),
        "{f}"
    );

    // Another province's regulator does not see it; the processor cannot accept its own filing.
    assert_eq!(
        kit.get(&format!("/api/v1/filings/{id}"), Some(&gd)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kit.post(&act("accept"), Some(&gd), json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kit.post(&act("accept"), Some(&p1), json!({})).await.0,
        StatusCode::FORBIDDEN
    );

    // Returned for correction with reasons, submitted again with a corrected PIPIA, accepted: both rounds kept.
    assert_eq!(
        kit.post(&act("return"), Some(&sh), json!({})).await.0,
        StatusCode::BAD_REQUEST
    );
    let (s, e) = kit
        .post(
            &act("return"),
            Some(&sh),
            json!({ "reason": "附件一未填写出境规模" }),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a return sets the day to correct by: {e}"
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("correct_by"),
        "{e}"
    );
    let (s, f) = kit
        .post(
            &act("return"),
            Some(&sh),
            json!({ "reason": "附件一未填写出境规模", "correct_by": "2026-12-04" }),
        )
        .await;
    assert_eq!(
        (s, f["state"].as_str()),
        (StatusCode::OK, Some("returned")),
        "{f}"
    );
    assert_eq!(
        kit.post(&act("accept"), Some(&sh), json!({})).await.0,
        StatusCode::CONFLICT
    );
    let (s, f) = kit
        .post(
            &act("submit"),
            Some(&p1),
            json!({ "pipia": "更正后的报告" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let (s, f) = kit.post(&act("accept"), Some(&sh), json!({})).await;
    assert_eq!(
        (s, f["state"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{f}"
    );
    let rounds = f["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(
        (rounds[0]["outcome"].as_str(), rounds[0]["reason"].as_str()),
        (Some("returned"), Some("附件一未填写出境规模"))
    );
    assert_eq!(rounds[0]["correct_by"], "2026-12-04");
    assert_eq!(rounds[1]["outcome"], "accepted");

    // Who sees filings: the national regulator all, a provincial one its own, the processor its own.
    for (token, n) in [(&national, 1), (&sh, 1), (&gd, 0), (&p1, 1)] {
        assert_eq!(
            kit.get("/api/v1/filings", Some(token)).await.1["items"]
                .as_array()
                .unwrap()
                .len(),
            n
        );
    }

    // Orders: a provincial regulator orders processors of its province only.
    let order =
        json!({ "processor": p1_id, "kind": "interview", "text": "explain the late filing" });
    assert_eq!(
        kit.post("/api/v1/orders", Some(&gd), order.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, o) = kit.post("/api/v1/orders", Some(&sh), order).await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    for (token, n) in [(&national, 1), (&sh, 1), (&gd, 0), (&p1, 1)] {
        assert_eq!(
            kit.get("/api/v1/orders", Some(token)).await.1["items"]
                .as_array()
                .unwrap()
                .len(),
            n
        );
    }
}

#[tokio::test]
async fn regulators_act_within_their_province_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    jurisdiction(&Kit::new(&format!("sqlite://{}", dir.path().join("j.db").display())).await).await;
}

#[tokio::test]
async fn regulators_act_within_their_province_on_postgres() {
    let Some(db) = chujing_testkit::PgDatabase::create(
        "regulators_act_within_their_province_on_postgres",
        "chujing_juris",
    ) else {
        return;
    };
    jurisdiction(&Kit::new(&db.url).await).await;
}
