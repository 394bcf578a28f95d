//! The server's hardening: security headers on every answer, a panicking handler answered with a 500,
//! `/metrics` only for the operator's token, sign-ins that do not tell which e-mails exist by their time,
//! and a login limiter that cannot be used to lock a user out.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use chujing_app::certify::OrgKind;
use chujing_server::harden::SECURITY_HEADERS;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::kit::{Kit, METRICS_TOKEN};

async fn kit() -> (tempfile::TempDir, Kit) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let kit = Kit::new(&url).await;
    (dir, kit)
}

/// Sends `req` as if from `addr`; returns the status, the headers and the body as text.
async fn send(
    router: &axum::Router,
    mut req: Request<Body>,
    addr: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    if let Some(a) = addr {
        let a: SocketAddr = a.parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(a));
    }
    let res = router.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into(),
    )
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (_d, kit) = kit().await;
    let too_large = Request::post("/api/v1/reports")
        .header("content-type", "application/json")
        .body(Body::from(vec![b' '; chujing_server::MAX_BODY + 1]))
        .unwrap();
    let requests = [
        ("a page", get("/registry")),
        ("the API", get("/api/v1/registry")),
        ("a static file", get("/static/chujing.css")),
        ("health", get("/healthz")),
        ("an unknown path", get("/no/such/thing")),
        ("a refusal", get("/api/v1/applications")),
        ("a body over the limit", too_large),
    ];
    for (what, req) in requests {
        let (status, headers, _) = send(&kit.router, req, None).await;
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(
                headers.get(*name).and_then(|v| v.to_str().ok()),
                Some(*value),
                "{what} ({status}) lacks {name}"
            );
        }
    }
}

#[tokio::test]
async fn the_pages_use_no_inline_script_or_style_that_the_policy_would_block() {
    let (_d, kit) = kit().await;
    for path in ["/registry", "/login", "/reports/new", "/"] {
        let (_, _, html) = send(&kit.router, get(path), None).await;
        for inline in [
            "<script>",
            "<style",
            " style=\"",
            " onclick=",
            " onload=",
            "javascript:",
        ] {
            assert!(!html.contains(inline), "{path} has `{inline}`");
        }
        if html.contains("htmx") {
            assert!(
                html.contains("\"includeIndicatorStyles\":false"),
                "{path}: htmx would inject an inline style"
            );
        }
    }
}

#[tokio::test]
async fn a_panicking_handler_is_answered_500_and_the_server_goes_on() {
    async fn boom() -> &'static str {
        panic!("a bug in a handler")
    }
    let router = chujing_server::harden::harden(
        axum::Router::new()
            .route("/boom", axum::routing::get(boom))
            .route("/fine", axum::routing::get(|| async { "fine" })),
    );
    let (status, headers, body) = send(&router, get("/boom"), None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "internal");
    assert!(
        !body.contains("a bug in a handler"),
        "the panic is logged, not answered: {body}"
    );
    assert!(headers.contains_key("content-security-policy"));
    let (status, _, body) = send(&router, get("/fine"), None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "fine"));
}

#[tokio::test]
async fn metrics_answer_only_the_operators_token() {
    let (_d, kit) = kit().await;
    let national = kit.national().await;
    let (_, processor) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    let with = |token: &str| {
        Request::get("/metrics")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    for (who, req) in [
        ("anonymous", get("/metrics")),
        ("a processor", with(&processor)),
        ("the regulator", with(&national)),
        ("a wrong token", with("metrics-token-of-the-test-kiX")),
        ("a prefix of the token", with("metrics-token")),
    ] {
        let (status, _, body) = send(&kit.router, req, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{who}: {body}");
    }
    let (status, _, body) = send(&kit.router, with(METRICS_TOKEN), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("chujing_http_requests_total{"), "{body}");
}

#[tokio::test]
async fn without_a_metrics_token_metrics_are_off() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let store = chujing_store::Store::connect(&url).await.unwrap();
    let key = chujing_app::certify::secret::MasterKey::from_hex(&"42".repeat(32)).unwrap();
    let state = chujing_server::AppState::new(
        store,
        key,
        &chujing_ledger::HashKey::new([7; 16]),
        chujing_server::Clock::Fixed(crate::kit::now()),
    )
    .unwrap();
    let router = chujing_server::router(state);
    let (status, _, body) = send(&router, get("/metrics"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("--metrics-token-file"), "{body}");
}

fn login(email: &str, password: &str) -> Request<Body> {
    Request::post("/api/v1/session")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap()
}

#[tokio::test]
async fn an_attacker_cannot_lock_a_user_out_from_another_address() {
    let (_d, kit) = kit().await;
    let (org, _) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    let email = format!("{org}@example.cn");
    let attacker = Some("203.0.113.9:40000");
    for _ in 0..chujing_server::limiter::PER_ACCOUNT {
        let (s, _, b) = send(&kit.router, login(&email, "guess"), attacker).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    }
    let (s, _, b) = send(
        &kit.router,
        login(&email, "correct horse battery"),
        attacker,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "the attacker is stopped: {b}"
    );
    assert!(b.contains("from your address"), "{b}");
    // The user, from their own address, signs in.
    let user = Some("198.51.100.7:51000");
    let (s, headers, b) = send(&kit.router, login(&email, "correct horse battery"), user).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(headers.contains_key("set-cookie"));
}

/// The median time of `n` calls.
async fn median(kit: &Kit, email: &str, n: usize) -> Duration {
    let mut times = Vec::new();
    for i in 0..n {
        // A fresh address each time, so that the limiter does not answer first.
        let addr = format!("192.0.2.{}:1000", i + 1);
        let start = Instant::now();
        let (s, _, b) = send(&kit.router, login(email, "wrong password"), Some(&addr)).await;
        times.push(start.elapsed());
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    }
    times.sort();
    times[n / 2]
}

#[tokio::test]
async fn a_sign_in_for_an_unknown_email_takes_as_long_as_a_wrong_password() {
    let (_d, kit) = kit().await;
    let (org, _) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    let known = median(&kit, &format!("{org}@example.cn"), 7).await;
    let unknown = median(&kit, "nobody@example.cn", 7).await;
    let malformed = median(&kit, "not an e-mail", 7).await;
    // Without the dummy Argon2 run an unknown e-mail answers in microseconds, a known one in milliseconds;
    // the bound is loose so that a loaded machine does not fail it.
    for (what, t) in [
        ("an unknown e-mail", unknown),
        ("a malformed e-mail", malformed),
    ] {
        assert!(
            t * 2 >= known && t <= known * 2,
            "{what} took {t:?}, a wrong password {known:?}: timing tells them apart"
        );
    }
}

/// A report sent through the API from `addr`.
fn report(addr_header: Option<&str>) -> Request<Body> {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v1/reports")
        .header("content-type", "application/json");
    if let Some(forwarded) = addr_header {
        req = req.header("x-forwarded-for", forwarded);
    }
    req.body(Body::from(
        json!({ "about": "Acme", "text": "x".repeat(10_000) }).to_string(),
    ))
    .unwrap()
}

async fn reports_stored(kit: &Kit) -> usize {
    kit.store
        .records("report", &chujing_store::records::Filter::default())
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn one_address_flooding_the_report_form_is_held_to_its_limit_and_told_when_to_send_again() {
    let (_dir, kit) = kit().await;
    for n in 0..10 {
        let (s, _, b) = send(&kit.router, report(None), Some("203.0.113.7:5000")).await;
        assert_eq!(s, StatusCode::CREATED, "report {n}: {b}");
    }
    let (s, headers, b) = send(&kit.router, report(None), Some("203.0.113.7:5001")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    assert!(
        b.contains("rate_limited") && b.contains("from your address"),
        "{b}"
    );
    let retry: u64 = headers[axum::http::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry), "Retry-After {retry}");
    // The form is held to the same count.
    let form = Request::builder()
        .method("POST")
        .uri("/reports/new")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("about=Acme&text=seen"))
        .unwrap();
    let (s, headers, _) = send(&kit.router, form, Some("203.0.113.7:5002")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key(axum::http::header::RETRY_AFTER));
    assert_eq!(
        reports_stored(&kit).await,
        10,
        "nothing past the limit was stored"
    );
    // Another address still reports.
    let (s, _, b) = send(&kit.router, report(None), Some("198.51.100.2:5000")).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_report_limit_and_all_share_the_global_one()
{
    let dir = tempfile::tempdir().unwrap();
    let store = chujing_store::Store::connect(&format!("sqlite://{}/l.db", dir.path().display()))
        .await
        .unwrap();
    let proxy: std::net::IpAddr = "10.0.0.1".parse().unwrap();
    let config = chujing_server::Config::embedded()
        .unwrap()
        .with_trusted_proxies(vec![proxy])
        .with_public_limits(chujing_server::limiter::PublicLimits {
            per_address: 2,
            global: 5,
            window: jiff::SignedDuration::from_hours(1),
        });
    let state = chujing_server::AppState::with_config(
        store,
        chujing_app::certify::secret::MasterKey::from_hex(&"42".repeat(32)).unwrap(),
        &chujing_ledger::HashKey::new([7; 16]),
        chujing_server::Clock::Fixed(crate::kit::now()),
        config,
    );
    let router = chujing_server::router(state);
    let via_proxy = "10.0.0.1:40000";
    for client in ["192.0.2.1", "192.0.2.2"] {
        for _ in 0..2 {
            let (s, _, b) = send(&router, report(Some(client)), Some(via_proxy)).await;
            assert_eq!(s, StatusCode::CREATED, "{client}: {b}");
        }
        let (s, _, b) = send(&router, report(Some(client)), Some(via_proxy)).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{client}: {b}");
    }
    // A client naming itself in the header without the proxy counts as its own address.
    let (s, _, b) = send(&router, report(Some("192.0.2.1")), Some("192.0.2.9:1")).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // The fifth report in all fills the service's hour; a new client is refused by the global limit.
    let (s, _, b) = send(&router, report(Some("192.0.2.3")), Some(via_proxy)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    assert!(b.contains("from all addresses"), "{b}");
}
