//! The authorisation matrix: every served route, called as every kind of organisation, as another
//! organisation of the same kind, with a read-only credential, and anonymously, checked against the table
//! beside the routes (`authz::ROUTES`: each route's policy and what it touches). A served route without an
//! entry fails.
//!
//! Route level: anonymous callers of a non-public route get 401; a kind the policy does not name, or a
//! read-only credential on a change, gets 403 `route_forbidden`; everyone else passes the route. Record level:
//! a processor or body other than the one a record concerns gets 403 or 404 for it, never its content or
//! state, and never sees it in a list. (The national regulator sees every record; a provincial regulator's
//! limits to its province are tested in `jurisdiction.rs` and `oversight.rs`.)

use axum::http::{Method, StatusCode};
use chujing_app::certify::OrgKind;
use chujing_server::authz::{self, Policy, ROUTES, RoutePolicy, Target};
use serde_json::{Value, json};

use crate::kit::Kit;

/// The records the matrix calls routes on, all of processor A with body A.
pub(crate) struct Fixture {
    pub(crate) application: String,
    pub(crate) certificate: String,
    pub(crate) filing: String,
    pub(crate) case: String,
    pub(crate) platform_report: String,
    pub(crate) receipt: String,
}

/// A caller: who, with which token, and whether records of the fixture concern it.
struct Caller {
    name: &'static str,
    kind: Option<OrgKind>,
    token: Option<String>,
    read_only: bool,
    /// Another organisation of a kind that owns records: it must not see A's.
    other: bool,
}

pub(crate) async fn fixture(kit: &Kit, p: &str, body_id: &str, body: &str) -> Fixture {
    let (application, certificate) = kit.granted(p, body_id, body).await;
    kit.facts(p, false).await;
    let flow = json!({ "recipient": "Elsewhere Ltd", "country": "US", "categories": ["identity"],
        "mechanism": { "kind": "certification", "certificate": certificate } });
    let (s, _) = kit
        .call(
            Method::PUT,
            "/api/v1/flows/us",
            Some(p),
            Some(flow.to_string().into_bytes()),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, r) = kit
        .post(
            "/api/v1/transfers",
            Some(p),
            json!({ "batch_id": "b1", "flow": "us", "individuals": 150000 }),
        )
        .await;
    let case = r["scope_case"].as_str().expect("a scope case").to_string();
    let (_, f) = kit
        .post(
            "/api/v1/filings",
            Some(p),
            json!({ "recipient": "Acme GmbH", "contract_effective": "2026-11-20",
            "contract": "contract", "pipia": "pipia" }),
        )
        .await;
    let (_, reports) = kit.get("/api/v1/platform-reports", Some(body)).await;
    let (_, receipt) = kit
        .post(
            "/api/v1/reports",
            None,
            json!({ "about": certificate, "text": "seen" }),
        )
        .await;
    Fixture {
        application,
        certificate,
        filing: f["id"].as_str().unwrap().into(),
        case,
        platform_report: reports["items"][0]["id"].as_str().unwrap().into(),
        receipt: receipt["receipt"].as_str().unwrap().into(),
    }
}

/// The route's path with the fixture's records, and a body it accepts.
fn request(r: &RoutePolicy, f: &Fixture) -> (String, Option<Vec<u8>>) {
    let item = "legality-necessity";
    let path = r
        .path
        .replace(
            "{id}/materials/{kind}",
            &format!("{}/materials/agreement", f.application),
        )
        .replace(
            "{id}/review/{item}",
            &format!("{}/review/{item}", f.application),
        )
        .replace(
            "/applications/{id}/actions/{action}",
            &format!("/applications/{}/actions/withdraw", f.application),
        )
        .replace(
            "/applications/{id}",
            &format!("/applications/{}", f.application),
        )
        .replace(
            "/certificates/{number}/actions/{action}",
            &format!("/certificates/{}/actions/renew", f.certificate),
        )
        .replace("{number}", &f.certificate)
        .replace(
            "/platform-reports/{id}",
            &format!("/platform-reports/{}", f.platform_report),
        )
        .replace("{receipt}", &f.receipt)
        .replace("/scope-cases/{id}", &format!("/scope-cases/{}", f.case))
        .replace(
            "/filings/{id}/actions/{action}",
            &format!("/filings/{}/actions/accept", f.filing),
        )
        .replace("/filings/{id}", &format!("/filings/{}", f.filing))
        .replace("/flows/{id}", "/flows/matrix")
        .replace("/batches/{id}", "/batches/b1")
        .replace("/transfers/{batch}", "/transfers/b1")
        // No credential of this id: every caller the route admits is answered 404.
        .replace("/tokens/{id}", "/tokens/0000000000ab")
        .replace("/documents/{kind}/{format}", "/documents/pipia/md")
        .replace("/lang/{lang}", "/lang/en")
        .replace("/static/{file}", "/static/chujing.css");
    assert!(
        !path.contains('{'),
        "no fixture for {} {}",
        r.method,
        r.path
    );
    let body: Option<Value> = match (r.method, r.path) {
        ("GET", _) | ("DELETE", _) => None,
        ("POST", "/api/v1/reports") => Some(json!({ "about": "someone", "text": "something" })),
        ("POST", "/api/v1/session") => {
            Some(json!({ "email": "nobody@example.cn", "password": "wrong" }))
        }
        ("POST", "/api/v1/applications") => {
            Some(json!({ "body": "org-none", "profile": crate::kit::PROFILE }))
        }
        ("POST", "/batches/{id}/remove") => return (path, Some(b"reason=r".to_vec())),
        ("PUT", p) if p.ends_with("/materials/{kind}") => {
            return (path, Some(b"agreement text".to_vec()));
        }
        ("PUT", p) if p.ends_with("/review/{item}") => {
            Some(json!({ "passed": true, "evidence": "e" }))
        }
        ("PUT", "/api/v1/flows/{id}") => Some(json!({ "recipient": "R", "country": "SG" })),
        ("PUT", "/api/v1/processor") => Some(json!({ "ciio": false, "located_in_china": true })),
        ("POST", "/api/v1/transfers/check") => Some(json!({ "flow": "us", "individuals": 1 })),
        ("POST", "/api/v1/transfers") => {
            Some(json!({ "batch_id": "b1", "flow": "us", "individuals": 150000 }))
        }
        ("POST", "/api/v1/orders") => {
            Some(json!({ "processor": "org-none", "kind": "interview", "text": "t" }))
        }
        ("POST", "/api/v1/filings") => Some(
            json!({ "recipient": "R", "contract_effective": "2026-11-20",
            "contract": "c", "pipia": "p" }),
        ),
        ("PUT", p) if p.ends_with("/supervision") => Some(json!({ "every_months": 12 })),
        ("POST", p) if p.ends_with("/supervision/audits") => {
            Some(json!({ "date": "2026-11-23", "conclusion": "ok" }))
        }
        ("POST", p) if p.ends_with("/scope-cases/{id}/actions/close") => {
            Some(json!({ "reason": "r" }))
        }
        _ => Some(json!({})),
    };
    (path, body.map(|b| b.to_string().into_bytes()))
}

fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).unwrap()
}

/// Checks one call against the table.
async fn check(kit: &Kit, r: &RoutePolicy, f: &Fixture, c: &Caller) {
    let (path, body) = request(r, f);
    let (status, answer) = kit
        .call(method(r.method), &path, c.token.as_deref(), body)
        .await;
    // The API's error code, or the error page's (`data-error`).
    let code = answer["error"]["code"].as_str().unwrap_or_else(|| {
        answer
            .as_str()
            .and_then(|html| html.split("data-error=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("")
    });
    let what = format!("{} {} as {}: {status} {answer}", r.method, path, c.name);
    let route_denied = match (r.policy, c.kind) {
        (Policy::Public, _) => false,
        (Policy::Operator, _) => {
            // No user's credential, and no anonymous call, opens an operator's route.
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
            return;
        }
        (_, None) => {
            // A page sends the anonymous to the sign-in page; the API answers 401.
            let expected = if authz::is_page(r.path) {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(status, expected, "{what}");
            return;
        }
        (Policy::Authenticated, Some(_)) => false,
        (Policy::Roles(kinds), Some(k)) => !kinds.contains(&k),
    } || (c.read_only && r.method != "GET" && r.policy != Policy::Public);
    if route_denied {
        assert_eq!(
            (status, code),
            (StatusCode::FORBIDDEN, "route_forbidden"),
            "{what}"
        );
        return;
    }
    // A public route may still answer 401 for its own reason (a wrong password at login).
    let passed = code != "route_forbidden"
        && (r.policy == Policy::Public || status != StatusCode::UNAUTHORIZED);
    assert!(passed, "{what}");
    if !c.other {
        return;
    }
    match r.target() {
        Target::Record => assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "another organisation reached a record that is not its own: {what}"
        ),
        Target::List => {
            let text = answer.to_string();
            for id in [
                &f.application,
                &f.certificate,
                &f.filing,
                &f.case,
                &f.platform_report,
            ] {
                assert!(!text.contains(id.as_str()), "{id} leaked in a list: {what}");
            }
        }
        Target::Own | Target::Open => {}
    }
}

async fn matrix(kit: &Kit) {
    let national = kit.national().await;
    let (_, _sh) = kit
        .member(OrgKind::Regulator, "Shanghai CAC", Some("310000"))
        .await;
    let (body_id, body) = kit.member(OrgKind::CertificationBody, "Body A", None).await;
    let (_, other_body) = kit.member(OrgKind::CertificationBody, "Body B", None).await;
    let (p_id, p) = kit
        .member(OrgKind::Processor, "Processor A", Some("310000"))
        .await;
    let (_, other_p) = kit
        .member(OrgKind::Processor, "Processor B", Some("310000"))
        .await;
    let (_, recipient) = kit.member(OrgKind::Recipient, "Recipient", None).await;
    let reader = kit.read_only(&p_id).await;
    let f = fixture(kit, &p, &body_id, &body).await;

    let caller = |name, kind, token: &str, read_only, other| Caller {
        name,
        kind,
        token: Some(token.to_string()),
        read_only,
        other,
    };
    let callers = [
        Caller {
            name: "anonymous",
            kind: None,
            token: None,
            read_only: false,
            other: false,
        },
        caller(
            "another processor",
            Some(OrgKind::Processor),
            &other_p,
            false,
            true,
        ),
        caller(
            "another body",
            Some(OrgKind::CertificationBody),
            &other_body,
            false,
            true,
        ),
        caller(
            "a recipient",
            Some(OrgKind::Recipient),
            &recipient,
            false,
            true,
        ),
        caller(
            "the processor, read-only",
            Some(OrgKind::Processor),
            &reader,
            true,
            false,
        ),
        caller("the processor", Some(OrgKind::Processor), &p, false, false),
        caller(
            "the body",
            Some(OrgKind::CertificationBody),
            &body,
            false,
            false,
        ),
        caller(
            "the national regulator",
            Some(OrgKind::Regulator),
            &national,
            false,
            false,
        ),
    ];

    // Every served route has an entry in the table.
    let (_, doc) = kit.get("/api/v1/openapi.json", None).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            assert!(
                authz::policy_of(&m.to_uppercase(), path).is_some(),
                "{} {path} is served but has no entry in authz::ROUTES",
                m.to_uppercase()
            );
        }
    }
    // Logging out revokes the caller's token: last.
    let mut routes: Vec<&RoutePolicy> = ROUTES.iter().collect();
    routes.sort_by_key(|r| (r.method, r.path) == ("DELETE", "/api/v1/session"));
    let mut calls = 0;
    for r in routes {
        for c in &callers {
            check(kit, r, &f, c).await;
            calls += 1;
        }
    }
    assert_eq!(calls, ROUTES.len() * callers.len());
}

#[tokio::test]
async fn every_route_as_every_role_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    matrix(&Kit::new(&format!("sqlite://{}", dir.path().join("m.db").display())).await).await;
}
