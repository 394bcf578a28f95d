//! Jurisdiction by code: provinces are read from a GB/T 2260 code or a name and kept as the code, so that
//! `330000` and `浙江` are one province. Filings, orders and reports are routed by it, and a provincial regulator
//! sees its province's applications, certificates, filings, orders and reports and nothing else; records made
//! before the codes are given theirs when the database is next opened for writing.

use axum::http::StatusCode;
use chujing_app::certify::{OrgKind, accounts};
use serde_json::json;

use crate::kit::{Kit, now};

async fn kit() -> (tempfile::TempDir, Kit) {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}/j.db", dir.path().display())).await;
    (dir, kit)
}

fn ids(v: &serde_json::Value, field: &str) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_code_and_a_name_are_one_province_and_each_regulator_sees_its_own() {
    let (_dir, kit) = kit().await;
    let national = kit.national().await;
    let (zj_id, zj) = kit
        .member(OrgKind::Regulator, "Zhejiang CAC", Some("330000"))
        .await;
    let (_, sh) = kit
        .member(OrgKind::Regulator, "Shanghai CAC", Some("上海市"))
        .await;
    let (hz_id, hz) = kit
        .member(OrgKind::Processor, "Hangzhou Co", Some("浙江"))
        .await;
    let (_, pd) = kit
        .member(OrgKind::Processor, "Pudong Co", Some("310000"))
        .await;
    let (body_id, body) = kit
        .member(OrgKind::CertificationBody, "Cert Co", None)
        .await;

    // The processor's province, given by name, is kept as its code.
    let (_, orgs) = kit.get("/api/v1/orgs", Some(&national)).await;
    let hangzhou = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == hz_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(hangzhou["province"], "330000", "{hangzhou}");

    // A filing of the processor registered as 浙江 goes to the regulator registered as 330000.
    let filing = json!({ "recipient": "R", "contract_effective": "2026-11-20", "contract": "c", "pipia": "p" });
    let (s, f) = kit.post("/api/v1/filings", Some(&hz), filing.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(
        f["regulator"],
        zj_id.as_str(),
        "routed by code, not by spelling: {f}"
    );
    let (_, f2) = kit.post("/api/v1/filings", Some(&pd), filing).await;
    for (token, expected) in [
        (&zj, vec![f["id"].as_str().unwrap()]),
        (&sh, vec![f2["id"].as_str().unwrap()]),
    ] {
        let (_, listed) = kit.get("/api/v1/filings", Some(token)).await;
        assert_eq!(ids(&listed, "id"), expected);
    }
    let (s, _) = kit
        .get(
            &format!("/api/v1/filings/{}", f["id"].as_str().unwrap()),
            Some(&sh),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another province's filing");

    // Applications and certificates: each provincial regulator its own province's; the national one all.
    let (hz_app, hz_cert) = kit.granted(&hz, &body_id, &body).await;
    let (pd_app, pd_cert) = kit.granted(&pd, &body_id, &body).await;
    let (_, apps) = kit.get("/api/v1/applications", Some(&zj)).await;
    assert_eq!(ids(&apps, "id"), [hz_app.as_str()]);
    let (_, apps) = kit.get("/api/v1/applications", Some(&national)).await;
    assert_eq!(apps["total"], 2);
    let (s, _) = kit
        .get(&format!("/api/v1/applications/{pd_app}"), Some(&zj))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, certs) = kit.get("/api/v1/certificates", Some(&sh)).await;
    let numbers: Vec<&str> = certs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["certificate"]["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, [pd_cert.as_str()]);
    let (s, _) = kit
        .get(&format!("/api/v1/certificates/{hz_cert}"), Some(&sh))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Orders: a provincial regulator orders processors of its province, whatever name they were given by.
    let order = |p: &str| json!({ "processor": p, "kind": "interview", "text": "explain" });
    let (s, o) = kit.post("/api/v1/orders", Some(&zj), order(&hz_id)).await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let (_, listed) = kit.get("/api/v1/orders", Some(&sh)).await;
    assert_eq!(
        listed["total"], 0,
        "Shanghai does not see Zhejiang's orders"
    );

    // Reports: by the province they name (any spelling), or the province of the certificate they are about.
    for (about, province) in [("Hangzhou Co", Some("Zhejiang")), (pd_cert.as_str(), None)] {
        let mut r = json!({ "about": about, "text": "seen" });
        if let Some(p) = province {
            r["province"] = json!(p);
        }
        let (s, v) = kit.post("/api/v1/reports", None, r).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, zj_reports) = kit.get("/api/v1/reports", Some(&zj)).await;
    assert_eq!(ids(&zj_reports, "about"), ["Hangzhou Co"]);
    let (_, sh_reports) = kit.get("/api/v1/reports", Some(&sh)).await;
    assert_eq!(ids(&sh_reports, "about"), [pd_cert.as_str()]);
    let (s, e) = kit
        .post(
            "/api/v1/reports",
            None,
            json!({ "about": "x", "text": "y", "province": "Atlantis" }),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "an unknown province is refused, not sent nowhere: {e}"
    );
}

#[tokio::test]
async fn records_made_before_the_codes_are_given_their_province_once() {
    let (dir, kit) = kit().await;
    let national = kit.national().await;
    let (_, zj) = kit
        .member(OrgKind::Regulator, "Zhejiang CAC", Some("330000"))
        .await;
    let (hz_id, hz) = kit
        .member(OrgKind::Processor, "Hangzhou Co", Some("330000"))
        .await;
    let filing = json!({ "recipient": "R", "contract_effective": "2026-11-20", "contract": "c", "pipia": "p" });
    let (_, f) = kit.post("/api/v1/filings", Some(&hz), filing).await;
    // As an earlier chujing left them: the province a name in the document, no province on the records.
    let mut w = kit.store.write().await.unwrap();
    let org = w.get("org", &hz_id).await.unwrap().unwrap();
    let legacy = org.body.replace("\"330000\"", "\"浙江\"");
    w.update(&chujing_store::records::Record {
        body: legacy,
        province: String::new(),
        party: "浙江".into(),
        ..org
    })
    .await
    .unwrap();
    let rec = w
        .get("filing", f["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    w.update(&chujing_store::records::Record {
        province: String::new(),
        ..rec
    })
    .await
    .unwrap();
    w.commit().await.unwrap();
    // The kit opens its store without the upgrade, as an earlier chujing did.
    let url = format!("sqlite://{}/j.db", dir.path().display());
    let (_, before) = kit.get("/api/v1/filings", Some(&zj)).await;
    assert_eq!(
        before["total"], 0,
        "without its province the filing is in no province's list"
    );

    let store = chujing_app::db::connect(&url).await.unwrap();
    let org = accounts::org(&store, &hz_id).await.unwrap();
    assert_eq!(
        org.province.map(chujing_law::Province::code),
        Some("330000")
    );
    let kit = Kit::new(&url).await;
    let (_, after) = kit.get("/api/v1/filings", Some(&zj)).await;
    assert_eq!(after["total"], 1, "{after}");
    let _ = (national, now());
}
