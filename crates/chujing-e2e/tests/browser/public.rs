//! The public's pages: the registry finds a granted certificate, the language switch turns every page into
//! the other language, and a violation report sent from the form is answered with a receipt whose page shows
//! its status. Screenshots of each page in both languages go to `<target>/screenshots/`.

use chujing_app::certify::OrgKind;
use chujing_e2e::Browser;
use fantoccini::Locator;

use crate::kit::Kit;

/// axe-core finds nothing serious or critical on the page.
pub async fn accessible(browser: &Browser, page: &str) {
    let found = browser.accessibility_violations().await.unwrap();
    assert!(found.is_empty(), "{page}: {found:#?}");
}

/// The kit's router served on a loopback port; returns its base URL.
pub async fn serve(kit: &Kit) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = kit.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_finds_a_certificate_and_reports_a_violation_in_both_languages() {
    let test = "the_public_finds_a_certificate_and_reports_a_violation_in_both_languages";
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("b.db").display())).await;
    let (body_id, body) = kit
        .member(
            OrgKind::CertificationBody,
            "Example Certification Centre",
            None,
        )
        .await;
    let (_, p) = kit
        .member(
            OrgKind::Processor,
            "Acme (Shanghai) Co., Ltd.",
            Some("310000"),
        )
        .await;
    let (_, number) = kit.granted(&p, &body_id, &body).await;
    let url = serve(&kit).await;
    let Some(browser) = Browser::start(test, 1280, 900).await else {
        return;
    };
    let c = &browser.client;
    // The check itself finds what it should: an image without a text alternative is critical.
    c.goto("data:text/html,<html lang=en><title>t</title><main><img src=x.png></main></html>")
        .await
        .unwrap();
    let found = browser.accessibility_violations().await.unwrap();
    assert!(
        found.iter().any(|v| v.starts_with("image-alt")),
        "{found:?}"
    );

    // English first (the browser asks for it), then the switch to Chinese.
    c.goto(&format!("{url}/registry")).await.unwrap();
    browser.type_into("q", "acme").await.unwrap();
    browser.click("form[role=search] button").await.unwrap();
    // htmx swaps the results in: read the row once the swap has happened.
    browser
        .wait_for_text("#results tbody th", &number)
        .await
        .unwrap();
    let html = c.source().await.unwrap();
    assert!(
        html.contains("<html lang=\"en\">") && html.contains(">valid<"),
        "{html}"
    );
    browser.screenshot("registry-en").await.unwrap();
    accessible(&browser, "the registry").await;

    browser.switch_language("zh").await.unwrap();
    let html = c.source().await.unwrap();
    assert!(
        html.contains("有效") && html.contains(&number),
        "the switch kept the search: {html}"
    );
    browser.screenshot("registry-zh").await.unwrap();

    // A violation report from the form, in Chinese.
    c.goto(&format!("{url}/reports/new")).await.unwrap();
    browser.screenshot("report-form-zh").await.unwrap();
    accessible(&browser, "the report form").await;
    browser.type_into("about", &number).await.unwrap();
    browser.type_into("province", "310000").await.unwrap();
    browser
        .type_into("text", "未经单独同意向境外提供个人信息")
        .await
        .unwrap();
    browser.click("main form button").await.unwrap();
    let receipt = c
        .wait()
        .for_element(Locator::Css(".receipt code"))
        .await
        .unwrap();
    let code = receipt.text().await.unwrap();
    assert!(!code.is_empty());
    // The receipt answers the form's POST: its language switch leads back to the form, so one language here
    // (the status page below is the receipt's page in both).
    browser.screenshot("report-receipt-zh").await.unwrap();
    browser.click(".receipt a").await.unwrap();
    let status = c
        .wait()
        .for_element(Locator::Css(".report-status"))
        .await
        .unwrap();
    assert_eq!(status.text().await.unwrap(), "已收到");
    let found = browser.in_both_languages("report-status").await.unwrap();
    assert!(found.is_empty(), "the report's status: {found:#?}");
    c.goto(&format!("{url}/login")).await.unwrap();
    let found = browser.in_both_languages("login").await.unwrap();
    assert!(found.is_empty(), "the sign-in page: {found:#?}");

    // Back to English: the report form's words change with it.
    browser.switch_language("en").await.unwrap();
    c.goto(&format!("{url}/reports/new")).await.unwrap();
    let heading = browser.text("h1").await.unwrap();
    assert_eq!(heading, "Report a violation");
    browser.screenshot("report-form-en").await.unwrap();
    browser.close().await;
}
