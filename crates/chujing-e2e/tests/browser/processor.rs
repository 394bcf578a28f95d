//! The processor's dashboard in the browser: it signs in with its password, sees its window's counts against
//! the thresholds, its flows and batches, in both languages; screenshots of each.

use chujing_app::certify::OrgKind;
use chujing_e2e::Browser;
use fantoccini::Locator;
use serde_json::json;

use crate::kit::Kit;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_processor_signs_in_and_sees_its_dashboard_in_both_languages() {
    let test = "a_processor_signs_in_and_sees_its_dashboard_in_both_languages";
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("d.db").display())).await;
    let (org, p) = kit
        .member(
            OrgKind::Processor,
            "Acme (Shanghai) Co., Ltd.",
            Some("310000"),
        )
        .await;
    kit.facts(&p, false).await;
    for (flow, recipient, country) in [
        ("crm", "Acme Marketing Cloud Inc.", "SG"),
        ("hr", "Acme GmbH", "DE"),
    ] {
        let f = json!({ "recipient": recipient, "country": country })
            .to_string()
            .into_bytes();
        let (s, _) = kit
            .call(
                axum::http::Method::PUT,
                &format!("/api/v1/flows/{flow}"),
                Some(&p),
                Some(f),
            )
            .await;
        assert_eq!(s, axum::http::StatusCode::OK);
    }
    for (i, (flow, n)) in [("crm", 40_000), ("hr", 3_000), ("crm", 45_000)]
        .into_iter()
        .enumerate()
    {
        let b = json!({ "batch_id": format!("2026-11-{:02}-{flow}", 10 + i), "flow": flow, "individuals": n });
        assert_eq!(
            kit.post("/api/v1/transfers", Some(&p), b).await.0,
            axum::http::StatusCode::CREATED
        );
    }
    let url = crate::public::serve(&kit).await;
    let Some(browser) = Browser::start(test, 1280, 1100).await else {
        return;
    };
    let c = &browser.client;

    c.goto(&format!("{url}/dashboard")).await.unwrap();
    c.wait().for_element(Locator::Id("email")).await.unwrap();
    assert!(
        c.current_url().await.unwrap().path().ends_with("/login"),
        "signed out: to the sign-in page"
    );
    browser
        .type_into("email", &format!("{org}@example.cn"))
        .await
        .unwrap();
    browser
        .type_into("password", "correct horse battery")
        .await
        .unwrap();
    browser.click("main form button").await.unwrap();
    browser.click("a[href='/dashboard']").await.unwrap();
    let count = c.wait().for_element(Locator::Css(".count")).await.unwrap();
    assert_eq!(count.text().await.unwrap(), "88000");
    assert!(!c.find_all(Locator::Css("meter")).await.unwrap().is_empty());
    assert_eq!(
        c.find_all(Locator::Css("#batches ~ table tbody tr"))
            .await
            .unwrap()
            .len(),
        3
    );
    browser.screenshot("dashboard-en").await.unwrap();
    crate::public::accessible(&browser, "the dashboard").await;

    browser.switch_language("zh").await.unwrap();
    let heading = browser.text("h1").await.unwrap();
    assert_eq!(heading, "个人信息出境概况");
    browser.screenshot("dashboard-zh").await.unwrap();

    // From the documents, a signed standard contract checked against the form (the command line's synthetic
    // stand-in: the form's structure in chujing's own words), uploaded as files.
    browser.follow("#contract-link").await.unwrap();
    for (id, name, text) in [
        (
            "contract",
            "signed.md",
            include_str!(
                "../../../chujing/tests/fixtures/forms/synthetic-standard-contract-signed.md"
            ),
        ),
        (
            "reference",
            "form.md",
            include_str!("../../../chujing/tests/fixtures/forms/synthetic-standard-contract.md"),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(&path.display().to_string())
            .await
            .unwrap();
    }
    browser.follow("#contract-form button").await.unwrap();
    c.wait()
        .for_element(Locator::Id("no-finding"))
        .await
        .unwrap();
    assert!(browser.text("#filled").await.unwrap().contains("美国"));
    crate::public::accessible(&browser, "the standard contract check").await;
    browser.screenshot("contract-check-zh").await.unwrap();
    browser.close().await;
}
