//! Every party's main flow through the pages, in one browser: the processor applies and uploads its
//! materials, the certification body reviews and grants, the public finds the certificate in the registry,
//! the regulator suspends the processor's transfers and the processor's dashboard shows it. On the way the
//! processor tries another organisation's URLs and sees nothing of it. Each main page is saved as a
//! screenshot in both languages and checked with axe-core.

use chujing_app::certify::OrgKind;
use chujing_cert::MaterialKind;
use chujing_e2e::Browser;
use fantoccini::Locator;
use serde_json::json;

use crate::kit::{Kit, PROFILE};

const PASSWORD: &str = "correct horse battery";

/// Screenshots of the page in both languages, and no serious accessibility problem in either.
async fn main_page(browser: &Browser, name: &str) {
    let found = browser.in_both_languages(name).await.unwrap();
    assert!(found.is_empty(), "{name}: {found:#?}");
}

/// The main element's text.
async fn main_text(browser: &Browser) -> String {
    browser.text("main").await.unwrap()
}

/// Clicks a step's button on the application page and waits for the page again.
async fn step(browser: &Browser, action: &str) {
    browser
        .follow(&format!("#step-{action} button"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_party_walks_its_flow_through_the_pages() {
    let test = "every_party_walks_its_flow_through_the_pages";
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("w.db").display())).await;
    let (body_id, _) = kit
        .member(
            OrgKind::CertificationBody,
            "Example Certification Centre",
            None,
        )
        .await;
    let (acme, _) = kit
        .member(
            OrgKind::Processor,
            "Acme (Shanghai) Co., Ltd.",
            Some("310000"),
        )
        .await;
    let (regulator, _) = kit
        .member(OrgKind::Regulator, "Shanghai CAC", Some("310000"))
        .await;
    // Another processor with an application of its own: the processor must not reach it.
    let (_, other) = kit
        .member(OrgKind::Processor, "Other Co.", Some("440000"))
        .await;
    let (s, theirs) = kit
        .post(
            "/api/v1/applications",
            Some(&other),
            json!({ "body": body_id, "profile": PROFILE.replace("Acme (Shanghai)", "Other") }),
        )
        .await;
    assert_eq!(s, axum::http::StatusCode::CREATED, "{theirs}");
    let theirs = theirs["id"].as_str().unwrap().to_string();
    let files = tempfile::tempdir().unwrap();
    let agreement = std::fs::read("../../examples/data/agreement.md").unwrap();

    let url = crate::public::serve(&kit).await;
    let Some(browser) = Browser::start(test, 1280, 1100).await else {
        return;
    };
    let c = &browser.client;
    let email = |org: &str| format!("{org}@example.cn");

    // The processor applies: the form, then each material, then submits.
    browser
        .sign_in(&url, &email(&acme), PASSWORD)
        .await
        .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/dashboard")
    );
    // Its assessment first: the example profile decided, the page in both languages.
    browser.follow("nav a[href='/assess']").await.unwrap();
    assert!(!browser.text("#pathway").await.unwrap().is_empty());
    main_page(&browser, "assess").await;
    browser.follow("nav a[href='/applications']").await.unwrap();
    main_page(&browser, "applications-processor").await;
    c.find(Locator::Id("body"))
        .await
        .unwrap()
        .select_by_value(&body_id)
        .await
        .unwrap();
    browser.type_into("profile", PROFILE).await.unwrap();
    browser
        .follow("form[action='/applications'] button")
        .await
        .unwrap();
    let state = browser.text("#state").await.unwrap();
    assert_eq!(state, "draft");
    let ours = c
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    for kind in MaterialKind::ALL {
        let path = files.path().join(format!("{}.md", kind.id()));
        let bytes = if kind == MaterialKind::Agreement {
            agreement.clone()
        } else {
            format!("{} of Acme", kind.id()).into_bytes()
        };
        std::fs::write(&path, bytes).unwrap();
        c.find(Locator::Id(&format!("file-{}", kind.id())))
            .await
            .unwrap()
            .send_keys(&path.display().to_string())
            .await
            .unwrap();
        browser
            .follow(&format!("form[action$='/materials/{}'] button", kind.id()))
            .await
            .unwrap();
    }
    assert!(!main_text(&browser).await.contains("not uploaded"));
    step(&browser, "submit").await;
    assert_eq!(browser.text("#state").await.unwrap(), "submitted");
    main_page(&browser, "application-processor").await;

    // Another organisation's URLs show nothing of it.
    for path in [
        format!("/applications/{theirs}"),
        format!("/applications/{theirs}/materials/agreement"),
        "/body".to_string(),
        "/regulator".to_string(),
    ] {
        c.goto(&format!("{url}{path}")).await.unwrap();
        let text = main_text(&browser).await;
        assert!(
            text.starts_with("Something went wrong") && !text.contains("Other Co"),
            "{path} answers with the error page and nothing of the other organisation: {text}"
        );
    }
    c.goto(&format!("{url}/applications")).await.unwrap();
    let list = main_text(&browser).await;
    assert!(list.contains(&ours) && !list.contains(&theirs), "{list}");
    browser.sign_out().await.unwrap();

    // The body reviews and grants.
    browser
        .sign_in(&url, &email(&body_id), PASSWORD)
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/body"));
    assert!(main_text(&browser).await.contains(&ours));
    browser
        .follow(&format!("a[href='/applications/{ours}']"))
        .await
        .unwrap();
    step(&browser, "accept").await;
    step(&browser, "start_verification").await;
    let items = c
        .find_all(Locator::Css("form[action*='/review/']"))
        .await
        .unwrap()
        .len();
    assert!(items >= 5, "the checklist has its items: {items}");
    for i in 0..items {
        // Each save reloads the page: find the i-th item's form again.
        let forms = c
            .find_all(Locator::Css("form[action*='/review/']"))
            .await
            .unwrap();
        let form = &forms[i];
        form.find(Locator::Css("input[name=evidence]"))
            .await
            .unwrap()
            .send_keys("seen on site, records 2026-11")
            .await
            .unwrap();
        let save = form.find(Locator::Css("button")).await.unwrap();
        browser.follow_element(save).await.unwrap();
    }
    assert!(!main_text(&browser).await.contains("not reviewed"));
    step(&browser, "start_audit").await;
    main_page(&browser, "application-body").await;
    step(&browser, "grant").await;
    assert_eq!(browser.text("#state").await.unwrap(), "granted");
    let number = browser.text("#certificate").await.unwrap();
    assert!(number.starts_with("PIC-"), "{number}");
    c.goto(&format!("{url}/body")).await.unwrap();
    let body_page = main_text(&browser).await;
    assert!(
        body_page.contains(&number) && body_page.contains("issued"),
        "{body_page}"
    );
    // The supervision calendar: a plan for the new certificate, then an audit with a finding.
    browser
        .follow(&format!(
            "form[action='/certificates/{number}/supervision'] button"
        ))
        .await
        .unwrap();
    browser
        .click("#supervision ~ table td:last-child details summary")
        .await
        .unwrap();
    browser.type_into("audit-date-1", "11232026").await.unwrap();
    browser
        .type_into(
            "audit-finding-1",
            "separate consent not recorded for 3 customers",
        )
        .await
        .unwrap();
    browser
        .type_into("audit-conclusion-1", "conforming after rectification")
        .await
        .unwrap();
    browser
        .follow(&format!(
            "form[action='/certificates/{number}/supervision/audits'] button"
        ))
        .await
        .unwrap();
    let calendar = browser.text("#supervision ~ table tbody").await.unwrap();
    assert!(calendar.contains("12"), "every 12 months: {calendar}");
    main_page(&browser, "body").await;
    browser.sign_out().await.unwrap();

    // The public finds it.
    c.goto(&format!("{url}/registry")).await.unwrap();
    browser.type_into("q", &number).await.unwrap();
    browser.click("form[role=search] button").await.unwrap();
    browser
        .wait_for_text("#results tbody th", &number)
        .await
        .unwrap();
    assert!(main_text(&browser).await.contains("valid"));

    // The regulator suspends the processor's transfers.
    browser
        .sign_in(&url, &email(&regulator), PASSWORD)
        .await
        .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/regulator")
    );
    assert!(
        browser
            .text("#audit-status")
            .await
            .unwrap()
            .contains("verifies")
    );
    c.find(Locator::Id("o-processor"))
        .await
        .unwrap()
        .select_by_value(&acme)
        .await
        .unwrap();
    c.find(Locator::Id("o-kind"))
        .await
        .unwrap()
        .select_by_value("suspend_transfers")
        .await
        .unwrap();
    browser
        .type_into(
            "o-text",
            "Transfers continued after the certificate's scope was exceeded.",
        )
        .await
        .unwrap();
    browser.follow("#order-form button").await.unwrap();
    let orders = browser.text("#orders ~ table tbody").await.unwrap();
    assert!(orders.contains("suspend transfers"), "{orders}");
    main_page(&browser, "regulator").await;
    browser.sign_out().await.unwrap();

    // The processor's dashboard shows the suspension.
    browser
        .sign_in(&url, &email(&acme), PASSWORD)
        .await
        .unwrap();
    let banner = browser.text(".banner").await.unwrap();
    assert!(banner.contains("suspended"), "{banner}");
    main_page(&browser, "dashboard-suspended").await;

    // On a phone-sized screen the pages fit its width: tables become stacked rows, nothing scrolls sideways.
    c.set_window_size(390, 844).await.unwrap();
    for (path, name) in [
        ("/dashboard", "phone-dashboard"),
        ("/assess", "phone-assess"),
        ("/registry", "phone-registry"),
    ] {
        c.goto(&format!("{url}{path}")).await.unwrap();
        c.wait().for_element(Locator::Css("main h1")).await.unwrap();
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap_or(1) <= 0,
            "{path} scrolls sideways on a phone by {overflow}px"
        );
        main_page(&browser, name).await;
    }
    browser.close().await;
}
