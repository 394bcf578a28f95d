//! Accounts: a user changes their password (the other sessions end); an administrator's reset issues a
//! one-time password that opens nothing but the password change; a disabled user's sessions and tokens stop
//! at once; a user lists and revokes their tokens; the language switch goes back to this site only; every
//! signed-in answer and download is `no-store`; only regulators list organisations; a batch is removed over
//! the API whatever its id holds.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chujing_app::certify::{OrgKind, accounts};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::kit::{Kit, now};

async fn kit() -> (tempfile::TempDir, Kit) {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}/a.db", dir.path().display())).await;
    (dir, kit)
}

/// Sends `req`; the status, the headers and the body as text.
async fn send(kit: &Kit, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = kit.router.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// Signs in once; the session's token (the cookie's value, which the kit sends as a bearer: the same
/// credential), or the status when refused.
async fn sign_in(kit: &Kit, email: &str, password: &str) -> Result<String, StatusCode> {
    let req = Request::post("/api/v1/session")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap();
    let (s, headers, _) = send(kit, req).await;
    if s != StatusCode::OK {
        return Err(s);
    }
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    Ok(cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("chujing_session=")
        .to_string())
}

#[tokio::test]
async fn a_user_changes_their_password_and_their_other_sessions_end() {
    let (_dir, kit) = kit().await;
    let (org, _) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    let email = format!("{org}@example.cn");
    let one = sign_in(&kit, &email, "correct horse battery")
        .await
        .unwrap();
    let other = sign_in(&kit, &email, "correct horse battery")
        .await
        .unwrap();
    let change = |current: &str, new: &str| json!({ "current": current, "new": new });
    let path = "/api/v1/account/password";
    let (s, _) = kit
        .post(
            path,
            Some(&one),
            change("wrong password!!", "a new long password"),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the current password is checked");
    let (s, e) = kit
        .post(path, Some(&one), change("correct horse battery", "short"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, e) = kit
        .post(
            path,
            Some(&one),
            change("correct horse battery", "a new long password"),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    assert_eq!(
        kit.get("/api/v1/flows", Some(&one)).await.0,
        StatusCode::OK,
        "this session goes on"
    );
    assert_eq!(
        kit.get("/api/v1/flows", Some(&other)).await.0,
        StatusCode::UNAUTHORIZED,
        "the other ended"
    );
    assert!(
        sign_in(&kit, &email, "correct horse battery")
            .await
            .is_err(),
        "the old password is gone"
    );
    assert!(sign_in(&kit, &email, "a new long password").await.is_ok());
}

#[tokio::test]
async fn a_reset_password_opens_only_the_password_change_until_the_user_chooses_their_own() {
    let (_dir, kit) = kit().await;
    let (org, token) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    let email = format!("{org}@example.cn");
    let before = sign_in(&kit, &email, "correct horse battery")
        .await
        .unwrap();
    let once = accounts::reset_password(&kit.store, &email, "admin", &now())
        .await
        .unwrap();
    assert_eq!(
        kit.get("/api/v1/flows", Some(&before)).await.0,
        StatusCode::UNAUTHORIZED,
        "sessions end"
    );
    assert_eq!(
        kit.get("/api/v1/flows", Some(&token)).await.0,
        StatusCode::OK,
        "an API token is not a session"
    );
    let session = sign_in(&kit, &email, &once).await.unwrap();
    let (s, e) = kit.get("/api/v1/flows", Some(&session)).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("password_change_required"))
    );
    let page = Request::get("/dashboard")
        .header("authorization", format!("Bearer {session}"))
        .body(Body::empty())
        .unwrap();
    let (s, headers, _) = send(&kit, page).await;
    assert_eq!(
        (s, headers[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/account")
    );
    let (s, e) = kit
        .post(
            "/api/v1/account/password",
            Some(&session),
            json!({ "current": once, "new": "my own long password" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    assert_eq!(
        kit.get("/api/v1/flows", Some(&session)).await.0,
        StatusCode::OK
    );
    // The audit log records the reset and the change, never a password.
    let (entries, _) = kit.store.audit_log().await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"user.reset") && actions.contains(&"user.password"),
        "{actions:?}"
    );
    assert!(entries.iter().all(|e| !e.content.contains(&once)));
}

#[tokio::test]
async fn a_disabled_users_sessions_and_tokens_stop_at_once_and_tokens_are_listed_and_revoked() {
    let (_dir, kit) = kit().await;
    let (org, token) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    let email = format!("{org}@example.cn");
    let session = sign_in(&kit, &email, "correct horse battery")
        .await
        .unwrap();

    // The user's own list: the API token and the session, by ids; revoking the session ends it.
    let (s, listed) = kit.get("/api/v1/account/tokens", Some(&token)).await;
    assert_eq!(s, StatusCode::OK, "{listed}");
    assert_eq!(listed["total"], 2, "{listed}");
    let session_id = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "session")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !listed.to_string().contains(&token),
        "a token is never listed"
    );
    let (s, v) = kit
        .call(
            Method::DELETE,
            &format!("/api/v1/account/tokens/{session_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("revoked")),
        "{v}"
    );
    assert_eq!(
        kit.get("/api/v1/flows", Some(&session)).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Disabled: the token stops at once, sign-in is refused; enabled again, the password works, the token
    // stays revoked.
    let ended = accounts::set_disabled(&kit.store, &email, true, "admin", &now())
        .await
        .unwrap();
    assert_eq!(ended, 1, "the API token");
    assert_eq!(
        kit.get("/api/v1/flows", Some(&token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&kit, &email, "correct horse battery").await,
        Err(StatusCode::UNAUTHORIZED)
    );
    accounts::set_disabled(&kit.store, &email, false, "admin", &now())
        .await
        .unwrap();
    assert!(sign_in(&kit, &email, "correct horse battery").await.is_ok());
    assert_eq!(
        kit.get("/api/v1/flows", Some(&token)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_language_switch_goes_back_to_this_site_only() {
    let (_dir, kit) = kit().await;
    for (back, expected) in [
        ("%2F%09%2Fevil.example", "/registry"),
        ("%2F%0A%2Fevil.example", "/registry"),
        ("%2F%0D%0ASet-Cookie%3A%20x%3D1", "/registry"),
        ("%2F%2Fevil.example", "/registry"),
        ("https%3A%2F%2Fevil.example", "/registry"),
        ("%2Fdashboard%3Fx%3D1", "/dashboard?x=1"),
    ] {
        let req = Request::get(format!("/lang/en?back={back}"))
            .body(Body::empty())
            .unwrap();
        let (s, headers, body) = send(&kit, req).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{back}: {body}");
        assert_eq!(
            headers[header::LOCATION].to_str().unwrap(),
            expected,
            "{back}"
        );
    }
}

#[tokio::test]
async fn signed_in_answers_and_downloads_are_not_stored_and_only_regulators_list_organisations() {
    let (_dir, kit) = kit().await;
    let national = kit.national().await;
    let (_, p) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    let (body_id, body) = kit.member(OrgKind::CertificationBody, "B", None).await;
    let get = |path: &str, token: Option<&str>| {
        let mut r = Request::get(path);
        if let Some(t) = token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        r.body(Body::empty()).unwrap()
    };
    for (path, token) in [
        ("/api/v1/flows", Some(&p)),
        ("/dashboard", Some(&p)),
        ("/regulator", Some(&national)),
    ] {
        let (s, headers, _) = send(&kit, get(path, token.map(String::as_str))).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    let (_, headers, _) = send(&kit, get("/static/chujing.css", Some(&p))).await;
    assert_ne!(
        headers
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );

    // A material downloads with a name and a type, not stored.
    let id = kit.to_audit(&p, &body_id, &body).await;
    let (s, headers, text) = send(
        &kit,
        get(
            &format!("/api/v1/applications/{id}/materials/agreement"),
            Some(&body),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{text}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"{id}-agreement.txt\"")
    );

    // Organisations: the regulator's list; the others see the certification bodies only.
    assert_eq!(
        kit.get("/api/v1/orgs", Some(&p)).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, orgs) = kit.get("/api/v1/orgs", Some(&national)).await;
    assert_eq!((s, orgs["total"].as_u64()), (StatusCode::OK, Some(3)));
    let (s, bodies) = kit.get("/api/v1/bodies", Some(&p)).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = bodies["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["B"]);
}

#[tokio::test]
async fn a_batch_whose_id_holds_a_slash_is_removed_over_the_api_and_the_page_links_to_it() {
    let (_dir, kit) = kit().await;
    let (_, p) = kit.member(OrgKind::Processor, "P", Some("310000")).await;
    kit.facts(&p, false).await;
    let flow = json!({ "recipient": "R", "country": "DE" });
    assert_eq!(
        kit.put("/api/v1/flows/hr", Some(&p), flow).await.0,
        StatusCode::OK
    );
    let batch = json!({ "batch_id": "2026/11/run 1", "flow": "hr", "individuals": 10 });
    assert_eq!(
        kit.post("/api/v1/transfers", Some(&p), batch).await.0,
        StatusCode::CREATED
    );
    // The dashboard links to the removal with the id encoded whole.
    let req = Request::get("/dashboard")
        .header("authorization", format!("Bearer {p}"))
        .body(Body::empty())
        .unwrap();
    let (_, _, page) = send(&kit, req).await;
    assert!(
        page.contains("/batches/2026%2F11%2Frun%201/remove"),
        "the id's slashes encoded"
    );
    let path = "/api/v1/transfers/2026%2F11%2Frun%201";
    let (s, e) = kit
        .call(Method::DELETE, path, Some(&p), Some(b"{}".to_vec()))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a removal says why: {e}");
    let (s, v) = kit
        .call(
            Method::DELETE,
            path,
            Some(&p),
            Some(json!({ "reason": "sent twice" }).to_string().into_bytes()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["batch"]["batch_id"].as_str(), v["reason"].as_str()),
        (Some("2026/11/run 1"), Some("sent twice"))
    );
    let (_, listed): (_, Value) = kit.get("/api/v1/transfers", Some(&p)).await;
    assert_eq!(listed["total"], 0);
    let (entries, _) = kit.store.audit_log().await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "batch.remove" && e.subject.ends_with("/2026/11/run 1"))
    );
}
