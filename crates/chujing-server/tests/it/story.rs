//! The whole story over HTTP, against SQLite and PostgreSQL: organisations, an application with its
//! materials, review, grant, the registry, a suspension with its reason, a public report, a regulator order,
//! platform reports and the audit log.

use axum::http::{Method, StatusCode};
use chujing_app::certify::{OrgKind, accounts};
use chujing_cert::MaterialKind;
use chujing_law::{Lang, RuleBook};
use serde_json::{Value, json};

use crate::kit::{Kit, PROFILE, now};

async fn story(kit: &Kit) {
    let (_, _password) = accounts::init(&kit.store, "CAC", "admin@cac.example.cn", &now())
        .await
        .unwrap();
    let regulator = accounts::create_token(
        &kit.store,
        "admin@cac.example.cn",
        chujing_app::certify::Scope::Write,
        1,
        "test",
        &now(),
    )
    .await
    .unwrap()
    .token;
    let (body_id, body) = kit
        .member(
            OrgKind::CertificationBody,
            "China Cybersecurity Review Centre",
            None,
        )
        .await;
    let (p1_id, p1) = kit
        .member(
            OrgKind::Processor,
            "Acme (Shanghai) Co., Ltd.",
            Some("310000"),
        )
        .await;
    let (_, p2) = kit
        .member(OrgKind::Processor, "Other Co.", Some("440000"))
        .await;

    // The processor applies.
    let (s, app) = kit
        .post(
            "/api/v1/applications",
            Some(&p1),
            json!({ "body": body_id, "profile": PROFILE }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let id = app["id"].as_str().unwrap().to_string();
    let path = |rest: &str| format!("/api/v1/applications/{id}{rest}");
    assert_eq!(app["state"], "draft");
    assert_eq!(app["missing"].as_array().unwrap().len(), 6);

    // Submitting without materials is refused with what is missing.
    let (s, err) = kit
        .post(&path("/actions/submit"), Some(&p1), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("materials missing: agreement"),
        "{err}"
    );

    // Materials: the agreement is checked, every one sealed.
    let agreement = std::fs::read("../../examples/data/agreement.md").unwrap();
    for kind in MaterialKind::ALL {
        let bytes = if kind == MaterialKind::Agreement {
            agreement.clone()
        } else {
            format!("{} of Acme", kind.id()).into_bytes()
        };
        let (s, a) = kit
            .call(
                Method::PUT,
                &path(&format!("/materials/{}", kind.id())),
                Some(&p1),
                Some(bytes),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{a}");
    }
    let (_, a) = kit.get(&path(""), Some(&p1)).await;
    assert_eq!(a["missing"], json!([]));
    assert!(a["materials"][0]["clauses_missing"].is_array());
    let stored = kit
        .store
        .blob(&format!("{id}/agreement"))
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.windows(20).any(|w| w == &agreement[..20]),
        "materials are sealed at rest"
    );

    let (s, a) = kit
        .post(&path("/actions/submit"), Some(&p1), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["state"], "submitted");
    assert_eq!(a["eligibility"]["ineligible"], json!([]));

    // Another processor does not see it; the applicant cannot accept its own application.
    assert_eq!(kit.get(&path(""), Some(&p2)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        kit.post(&path("/actions/accept"), Some(&p1), json!({}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    // The body reviews.
    for step in ["accept", "start_verification"] {
        let (s, a) = kit
            .post(&path(&format!("/actions/{step}")), Some(&body), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{step}: {a}");
    }
    let (s, e) = kit
        .post(&path("/actions/grant"), Some(&body), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "granting out of order: {e}");
    let book = RuleBook::embedded().unwrap();
    for item in chujing_law::certification::review_checklist(&book, now().today, Lang::En).unwrap()
    {
        let (s, a) = kit
            .call(
                Method::PUT,
                &path(&format!("/review/{}", item.id)),
                Some(&body),
                Some(
                    json!({ "passed": true, "evidence": "seen on site" })
                        .to_string()
                        .into_bytes(),
                ),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{a}");
    }
    kit.post(&path("/actions/start_audit"), Some(&body), json!({}))
        .await;
    let (s, a) = kit
        .post(&path("/actions/grant"), Some(&body), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["state"], "granted");
    let number = a["certificate"].as_str().unwrap().to_string();
    assert_eq!(number, "PIC-2026-000001");

    // The public registry shows it, without logging in.
    let (s, r) = kit.get("/api/v1/registry?q=acme", None).await;
    assert_eq!(s, StatusCode::OK);
    let r = &r["items"];
    assert_eq!(r[0]["number"], number.as_str());
    assert_eq!(r[0]["status"], "valid");
    assert_eq!(r[0]["expires_on"], "2029-11-22");
    assert_eq!(r[0]["scope"]["countries"], json!(["SG"]));

    let case = transfers_within_and_outside_scope(kit, &p1, &p2, &body, &number).await;

    // The body suspends it; the registry shows the reason.
    let cert = format!("/api/v1/certificates/{number}/actions/suspend");
    assert_eq!(
        kit.post(&cert, Some(&body), json!({})).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        kit.post(&cert, Some(&p1), json!({ "reason": "x" })).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, c) = kit
        .post(
            &cert,
            Some(&body),
            json!({ "reason": "exports to US outside the certified scope" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (_, r) = kit.get(&format!("/api/v1/registry?q={number}"), None).await;
    let r = &r["items"];
    assert_eq!(r[0]["status"], "suspended");
    assert_eq!(r[0]["reason"], "exports to US outside the certified scope");

    supervision_and_export(kit, &body, &number).await;

    // Two platform reports are due within 5 working days (issue and suspension).
    let (_, pr) = kit.get("/api/v1/platform-reports", Some(&body)).await;
    let pr = pr["items"].as_array().unwrap();
    assert_eq!(pr.len(), 2, "{pr:?}");
    // Newest first: the report is the older one.
    assert_eq!(pr[1]["event"], "issued");
    assert_eq!(pr[1]["due_on"], "2026-11-30");
    assert_eq!(pr[1]["overdue"], false);

    // The public reports a violation and follows it by receipt.
    let (s, receipt) = kit
        .post(
            "/api/v1/reports",
            None,
            json!({ "about": number, "province": "310000", "text": "my data went to the US" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    let receipt = receipt["receipt"].as_str().unwrap();
    let (s, st) = kit.get(&format!("/api/v1/reports/{receipt}"), None).await;
    assert_eq!(
        (s, st["status"].as_str()),
        (StatusCode::OK, Some("received"))
    );
    assert!(st.get("text").is_none(), "the public sees the status only");
    let (_, reports) = kit.get("/api/v1/reports", Some(&body)).await;
    assert_eq!(
        reports["items"].as_array().unwrap().len(),
        1,
        "routed to the body concerned"
    );

    // The regulator suspends the processor's transfers.
    let (s, o) = kit
        .post("/api/v1/orders", Some(&regulator), json!({ "processor": p1_id, "kind": "suspend_transfers", "text": "pending investigation" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let suspended = chujing_app::certify::orders::suspension(&kit.store, &p1_id)
        .await
        .unwrap();
    assert_eq!(
        suspended.map(|o| o.reference),
        o["reference"].as_str().map(str::to_string)
    );
    gate_after_suspensions(kit, &p1, &body, &case, o["reference"].as_str().unwrap()).await;
    let (_, mine) = kit.get("/api/v1/orders", Some(&p1)).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let (_, theirs) = kit.get("/api/v1/orders", Some(&p2)).await;
    assert_eq!(theirs, json!({"items": [], "next": null, "total": 0}));

    // The audit log verifies; only the regulator may ask.
    let (s, v) = kit.get("/api/v1/audit/verify", Some(&regulator)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["entries"].as_i64().unwrap() > 20);
    assert_eq!(
        kit.get("/api/v1/audit/verify", Some(&p1)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        kit.get("/api/v1/audit/verify", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        kit.get("/api/v1/audit/verify", Some("cj_not_a_token"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

/// Flows under the certificate; the gate allows what the certificate covers; a batch recorded to a
/// recipient and country it does not cover opens a scope case in the body's queue. Returns the case id.
async fn transfers_within_and_outside_scope(
    kit: &Kit,
    p1: &str,
    p2: &str,
    body: &str,
    number: &str,
) -> String {
    let flow = |recipient: &str, country: &str| {
        json!({ "recipient": recipient, "country": country, "purposes": ["loyalty_programme"],
            "categories": ["identity", "contact"],
            "mechanism": { "kind": "certification", "certificate": number } })
    };
    for (id, f) in [
        ("crm", flow("Acme Marketing Cloud Inc.", "SG")),
        ("us-analytics", flow("Acme Analytics LLC", "US")),
    ] {
        let (s, r) = kit
            .call(
                Method::PUT,
                &format!("/api/v1/flows/{id}"),
                Some(p1),
                Some(f.to_string().into_bytes()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
    }
    // A certificate the processor does not hold cannot be claimed.
    let (s, e) = kit
        .call(
            Method::PUT,
            "/api/v1/flows/x",
            Some(p2),
            Some(flow("R", "SG").to_string().into_bytes()),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");

    // Before the processor's facts are recorded the gate decides nothing: it denies, naming them.
    let check = |n: u64| json!({ "flow": "crm", "individuals": n });
    let (s, a) = kit
        .post("/api/v1/transfers/check", Some(p1), check(1000))
        .await;
    assert_eq!((s, &a["decision"]), (StatusCode::OK, &json!("deny")), "{a}");
    assert_eq!(a["reasons"][0]["code"], "processor_facts_missing", "{a}");
    assert_eq!(
        a["reasons"][0]["facts"],
        json!(["ciio", "located_in_china"]),
        "{a}"
    );
    assert_eq!(a["pathway"], Value::Null, "{a}");
    let (s, _) = kit.get("/api/v1/processor", Some(p1)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    kit.facts(p1, false).await;
    let (_, f) = kit.get("/api/v1/processor", Some(p1)).await;
    assert_eq!(
        (&f["ciio"], &f["located_in_china"]),
        (&json!(false), &json!(true)),
        "{f}"
    );

    // Small batches need no mechanism; at 150,000 the certificate is the mechanism, and within scope.
    let (s, a) = kit
        .post("/api/v1/transfers/check", Some(p1), check(1000))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["decision"], "allow", "{a}");
    let (_, a) = kit
        .post("/api/v1/transfers/check", Some(p1), check(150_000))
        .await;
    assert_eq!(a["decision"], "allow", "{a}");
    assert_eq!(a["pathway"], "standard_contract_or_certification", "{a}");
    assert_eq!(a["window"]["individuals_after"], 150_000);
    assert!(
        a["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "mechanism_in_force"),
        "{a}"
    );
    // Over the certified cap: outside scope, denied with the article.
    let (_, a) = kit
        .post("/api/v1/transfers/check", Some(p1), check(150_001))
        .await;
    assert_eq!(a["decision"], "deny", "{a}");
    assert_eq!(a["scope_breaches"][0]["kind"], "individuals", "{a}");
    assert!(
        a["citations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("Art. 10")),
        "{a}"
    );
    // Another processor has no such flow.
    assert_eq!(
        kit.post("/api/v1/transfers/check", Some(p2), check(1))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Recorded by key: deduplicated; the same batch again changes nothing; the same id for another batch is refused.
    let keyed = json!({ "batch_id": "crm-1", "flow": "crm", "subjects": ["310101199001011234", "a", "a", " b "] });
    let (s, r) = kit.post("/api/v1/transfers", Some(p1), keyed.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(
        (
            r["individuals"].as_u64(),
            r["sensitive_individuals"].as_u64()
        ),
        (Some(3), Some(0))
    );
    assert_eq!(r["answer"]["decision"], "allow", "{r}");
    let (s, r) = kit.post("/api/v1/transfers", Some(p1), keyed).await;
    assert_eq!(
        (s, r["recorded"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{r}"
    );
    let (s, r) = kit
        .post(
            "/api/v1/transfers",
            Some(p1),
            json!({ "batch_id": "crm-1", "flow": "crm", "individuals": 5 }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{r}");

    // A batch to a recipient and country the certificate does not cover: recorded (it went), denied, and a
    // scope case opens in the body's queue proposing suspension, citing the batch.
    let (s, r) = kit
        .post(
            "/api/v1/transfers",
            Some(p1),
            json!({ "batch_id": "us-1", "flow": "us-analytics", "individuals": 120000 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["answer"]["decision"], "deny", "{r}");
    let kinds: Vec<&str> = r["answer"]["scope_breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["recipient", "country"], "{r}");
    let case = r["scope_case"].as_str().unwrap().to_string();
    let (_, cases) = kit.get("/api/v1/scope-cases", Some(body)).await;
    let cases = &cases["items"];
    assert_eq!(cases[0]["id"], case.as_str(), "{cases}");
    assert_eq!(cases[0]["batch_id"], "us-1");
    assert_eq!(cases[0]["proposed"], "suspend");
    assert_eq!(
        kit.get("/api/v1/scope-cases", Some(p2)).await.1["items"],
        json!([])
    );
    // The window now holds both batches: 120,003 individuals.
    let (_, a) = kit
        .post("/api/v1/transfers/check", Some(p1), check(0))
        .await;
    assert_eq!(a["window"]["individuals_before"], 120_003, "{a}");
    case
}

/// After the body suspends the certificate, the certified flow is denied; after the regulator suspends
/// transfers, every batch is denied with the order's reference.
async fn gate_after_suspensions(kit: &Kit, p1: &str, body: &str, case: &str, order: &str) {
    let check = json!({ "flow": "crm", "individuals": 100000 });
    let (_, a) = kit.post("/api/v1/transfers/check", Some(p1), check).await;
    assert_eq!(a["decision"], "deny", "{a}");
    let codes: Vec<&str> = a["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"transfers_suspended"), "{a}");
    assert!(codes.contains(&"certificate_not_valid"), "{a}");
    assert_eq!(a["suspension"], order);
    let (s, c) = kit
        .post(
            &format!("/api/v1/scope-cases/{case}/actions/close"),
            Some(body),
            json!({ "reason": "certificate suspended" }),
        )
        .await;
    assert_eq!(
        (s, c["status"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{c}"
    );
    assert_eq!(
        kit.post(
            &format!("/api/v1/scope-cases/{case}/actions/close"),
            Some(p1),
            json!({ "reason": "x" })
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
}

/// The body audits the certificate yearly; a finding past its deadline is flagged; platform reports export
/// as CSV.
async fn supervision_and_export(kit: &Kit, body: &str, number: &str) {
    let path = format!("/api/v1/certificates/{number}/supervision");
    let audit = json!({ "date": "2026-11-23", "conclusion": "conforming but for one finding",
        "findings": [{ "text": "retention schedule not applied to backups", "rectify_by": "2026-11-20" }] });
    let (s, e) = kit
        .post(&format!("{path}/audits"), Some(body), audit.clone())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "the frequency comes first: {e}");
    let (s, v) = kit
        .call(
            Method::PUT,
            &path,
            Some(body),
            Some(json!({ "every_months": 12 }).to_string().into_bytes()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["next_due"], "2027-11-23");
    let (s, v) = kit.post(&format!("{path}/audits"), Some(body), audit).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["overdue_findings"].as_u64(),
            v["audits"].as_array().map(Vec::len)
        ),
        (Some(1), Some(1))
    );
    let (_, list) = kit.get("/api/v1/supervision", Some(body)).await;
    assert_eq!(list["items"][0]["certificate"], number);

    let (s, csv) = kit
        .get("/api/v1/platform-reports?format=csv", Some(body))
        .await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("id,certificate,event,"), "{csv}");
    assert!(
        csv.contains(&format!(",{number},issued,2026-11-23,2026-11-30,,false,")),
        "{csv}"
    );
    assert_eq!(
        kit.get("/api/v1/platform-reports?format=xml", Some(body))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_whole_story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("s.db").display())).await;
    story(&kit).await;
}

#[tokio::test]
async fn the_whole_story_on_postgres() {
    let Some(db) =
        chujing_testkit::PgDatabase::create("the_whole_story_on_postgres", "chujing_story")
    else {
        return;
    };
    story(&Kit::new(&db.url).await).await;
}

#[tokio::test]
async fn every_route_of_the_openapi_document_declares_its_policy() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("o.db").display())).await;
    let (s, doc) = kit.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    for (method, path) in &documented {
        assert!(
            chujing_server::authz::policy_of(method, path).is_some(),
            "{method} {path} has no policy"
        );
    }
    let undocumented: Vec<_> = chujing_server::authz::ROUTES
        .iter()
        // The API's routes; the pages (outside /api/) are HTML, called in the matrix and the page tests.
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
        .filter(|r| !documented.iter().any(|(m, p)| m == r.method && p == r.path))
        .collect();
    assert!(
        undocumented.is_empty(),
        "policies for routes not served: {undocumented:?}"
    );
}

/// A CIIO recorded through the API has its batch denied by the gate where `assess` says security assessment
/// (PIPL Art. 40): the gate reads the facts recorded, not assumed ones.
#[tokio::test]
async fn a_ciio_recorded_through_the_api_is_denied_where_assess_says_security_assessment() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("c.db").display())).await;
    let (_, p) = kit.member(OrgKind::Processor, "Grid Co.", Some("31")).await;
    let flow = json!({ "recipient": "R", "country": "SG", "categories": ["identity"] });
    let (s, r) = kit
        .call(
            Method::PUT,
            "/api/v1/flows/crm",
            Some(&p),
            Some(flow.to_string().into_bytes()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    kit.facts(&p, true).await;
    let (_, a) = kit
        .post(
            "/api/v1/transfers/check",
            Some(&p),
            json!({ "flow": "crm", "individuals": 10 }),
        )
        .await;
    assert_eq!(
        (&a["decision"], &a["pathway"]),
        (&json!("deny"), &json!("security_assessment")),
        "{a}"
    );
    let (s, r) = kit
        .post(
            "/api/v1/transfers",
            Some(&p),
            json!({ "batch_id": "b1", "flow": "crm", "individuals": 10 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["answer"]["decision"], "deny", "{r}");
    let profile = "[processor]\nname = \"Grid Co.\"\nciio = true\nlocated_in_china = true\n[[flows]]\nid = \"crm\"\n\
        recipient = \"R\"\ncountry = \"SG\"\npurposes = [\"x\"]\ncategories = [\"identity\"]\nindividuals = 10\n";
    let assessed = chujing_app::certify::profiles::decide(
        &chujing_law::RuleBook::embedded().unwrap(),
        profile,
        now().today,
        chujing_law::Lang::En,
    )
    .unwrap();
    assert_eq!(
        assessed.flows[0].pathway,
        chujing_law::Pathway::SecurityAssessment
    );
}

#[tokio::test]
async fn facts_recorded_through_the_api_after_a_profile_is_saved_decide_the_page_and_the_documents()
{
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("f.db").display())).await;
    let (org, p) = kit.member(OrgKind::Processor, "Acme", Some("31")).await;
    let actor = chujing_app::certify::Actor {
        user: format!("{org}@example.cn"),
        org: accounts::org(&kit.store, &org).await.unwrap(),
        scope: chujing_app::certify::Scope::Write,
        password_change_required: false,
    };
    let profiles = chujing_app::certify::profiles::save;
    // The saved profile states a non-CIIO (the certification band), then the API records a CIIO.
    profiles(&kit.store, &actor, PROFILE, &now()).await.unwrap();
    let heavy = format!(
        "id=\"pathway\">{}<",
        chujing_law::Pathway::SecurityAssessment.label(Lang::Zh)
    );
    let (_, before) = kit.get("/assess", Some(&p)).await;
    assert!(!before.as_str().unwrap_or_default().contains(&heavy));
    kit.facts(&p, true).await;
    let book = RuleBook::embedded().unwrap();
    let decided = chujing_app::certify::profiles::decide_recorded(
        &book,
        &kit.store,
        &actor,
        PROFILE,
        now().today,
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(decided.pathway, chujing_law::Pathway::SecurityAssessment);
    assert!(decided.processor.ciio);
    // The page shows the saved profile's decision from the recorded facts.
    let (s, page) = kit.get("/assess", Some(&p)).await;
    assert_eq!(s, StatusCode::OK);
    let page = page.as_str().unwrap_or_default().to_string();
    assert!(page.contains(&heavy), "{page}");
    // And so do the documents.
    let doc = chujing_app::certify::profiles::document(
        &book,
        &kit.store,
        &actor,
        chujing_docs::DocumentKind::Pipia,
        now().today,
        Lang::En,
    )
    .await
    .unwrap();
    let text = chujing_docs::render::markdown(&doc);
    assert!(text.contains("security assessment"), "{text}");
}
