//! A test kit: the real router over a real store (SQLite in a temporary directory, or PostgreSQL), a fixed
//! clock, and a call helper.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chujing_app::certify::secret::MasterKey;
use chujing_app::certify::{Now, OrgKind, Scope, accounts};
use chujing_law::Date;
use chujing_server::{AppState, Clock};
use chujing_store::Store;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The fixed instant of the tests.
pub fn now() -> Now {
    Now {
        at: "2026-11-23T02:00:00Z".into(),
        today: Date::parse("2026-11-23").unwrap(),
    }
}

/// The operator's token `/metrics` asks for in the kit's server.
pub const METRICS_TOKEN: &str = "metrics-token-of-the-test-kit";

/// A server over `url`.
pub struct Kit {
    pub router: Router,
    pub store: Store,
}

impl Kit {
    pub async fn new(url: &str) -> Kit {
        // Reads of the change number are reused for an hour: every test thereby shows that the server sees
        // its own changes at once (credentials revoked, certificates suspended, orders issued).
        let store = Store::connect(url)
            .await
            .unwrap()
            .with_staleness(std::time::Duration::from_secs(3600));
        let key = MasterKey::from_hex(&"42".repeat(32)).unwrap();
        let ledger_key = chujing_ledger::HashKey::new([7; 16]);
        let config = chujing_server::Config::embedded()
            .unwrap()
            .with_metrics_token(chujing_server::MetricsToken::new(METRICS_TOKEN).unwrap());
        let state =
            AppState::with_config(store.clone(), key, &ledger_key, Clock::Fixed(now()), config);
        Kit {
            router: chujing_server::router(state),
            store,
        }
    }

    /// Calls the API; returns the status and the body as JSON (or as a string value when not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let v = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, v)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, json: Value) -> (StatusCode, Value) {
        self.call(
            Method::PUT,
            path,
            token,
            Some(json.to_string().into_bytes()),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, json: Value) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            path,
            token,
            Some(json.to_string().into_bytes()),
        )
        .await
    }

    /// An organisation of `kind` with one user and a write token; returns (org id, token).
    pub async fn member(
        &self,
        kind: OrgKind,
        name: &str,
        province: Option<&str>,
    ) -> (String, String) {
        let n = now();
        let org = accounts::add_org(&self.store, kind, name, province, "test", &n)
            .await
            .unwrap();
        let email = format!("{}@example.cn", org.id);
        accounts::add_user(
            &self.store,
            &org.id,
            &email,
            Some("correct horse battery"),
            "test",
            &n,
        )
        .await
        .unwrap();
        let t = accounts::create_token(&self.store, &email, Scope::Write, 30, "test", &n)
            .await
            .unwrap();
        (org.id, t.token)
    }
}

impl Kit {
    /// Records the processor's facts (`PUT /api/v1/processor`) for the token `p`: located in China, a CIIO
    /// or not.
    pub async fn facts(&self, p: &str, ciio: bool) {
        let body = json!({ "ciio": ciio, "located_in_china": true });
        let (s, r) = self
            .call(
                Method::PUT,
                "/api/v1/processor",
                Some(p),
                Some(body.to_string().into_bytes()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
    }
}

/// A profile in the certification band: 150,000 customers to Singapore.
pub const PROFILE: &str = "[processor]\nname = \"Acme (Shanghai) Co., Ltd.\"\nciio = false\nlocated_in_china = true\n\
    [[flows]]\nid = \"crm\"\nrecipient = \"Acme Marketing Cloud Inc.\"\ncountry = \"SG\"\n\
    purposes = [\"loyalty_programme\"]\ncategories = [\"identity\", \"contact\"]\nindividuals = 150000\n";

impl Kit {
    /// Walks an application of the processor `p` to body `body` (its id and token) from creation to grant;
    /// returns (application id, certificate number).
    pub async fn granted(&self, p: &str, body_id: &str, body: &str) -> (String, String) {
        let id = self.to_audit(p, body_id, body).await;
        let path = format!("/api/v1/applications/{id}/actions/grant");
        let (s, a) = self.post(&path, Some(body), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        (id, a["certificate"].as_str().unwrap().to_string())
    }

    /// Walks an application of the processor `p` to body `body` from creation to its audit, leaving the
    /// grant; returns its id.
    pub async fn to_audit(&self, p: &str, body_id: &str, body: &str) -> String {
        use chujing_cert::MaterialKind;
        use serde_json::json;
        let (s, app) = self
            .post(
                "/api/v1/applications",
                Some(p),
                json!({ "body": body_id, "profile": PROFILE }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{app}");
        let id = app["id"].as_str().unwrap().to_string();
        let path = |rest: &str| format!("/api/v1/applications/{id}{rest}");
        let agreement = std::fs::read("../../examples/data/agreement.md").unwrap();
        for kind in MaterialKind::ALL {
            let bytes = if kind == MaterialKind::Agreement {
                agreement.clone()
            } else {
                kind.id().as_bytes().to_vec()
            };
            let (s, _) = self
                .call(
                    Method::PUT,
                    &path(&format!("/materials/{}", kind.id())),
                    Some(p),
                    Some(bytes),
                )
                .await;
            assert_eq!(s, StatusCode::OK);
        }
        assert_eq!(
            self.post(&path("/actions/submit"), Some(p), json!({}))
                .await
                .0,
            StatusCode::OK
        );
        for step in ["accept", "start_verification"] {
            assert_eq!(
                self.post(&path(&format!("/actions/{step}")), Some(body), json!({}))
                    .await
                    .0,
                StatusCode::OK
            );
        }
        let book = chujing_law::RuleBook::embedded().unwrap();
        let items =
            chujing_law::certification::review_checklist(&book, now().today, chujing_law::Lang::En)
                .unwrap();
        for item in items {
            let review = json!({ "passed": true, "evidence": "seen" })
                .to_string()
                .into_bytes();
            let (s, _) = self
                .call(
                    Method::PUT,
                    &path(&format!("/review/{}", item.id)),
                    Some(body),
                    Some(review),
                )
                .await;
            assert_eq!(s, StatusCode::OK);
        }
        assert_eq!(
            self.post(&path("/actions/start_audit"), Some(body), json!({}))
                .await
                .0,
            StatusCode::OK
        );
        id
    }

    /// Sets the service up (`admin init`): a write token of the national regulator's first user.
    pub async fn national(&self) -> String {
        accounts::init(&self.store, "CAC", "admin@cac.example.cn", &now())
            .await
            .unwrap();
        accounts::create_token(
            &self.store,
            "admin@cac.example.cn",
            Scope::Write,
            1,
            "t",
            &now(),
        )
        .await
        .unwrap()
        .token
    }

    /// A read-only token for a new user of organisation `org`.
    pub async fn read_only(&self, org: &str) -> String {
        let n = now();
        let email = format!("reader-{org}@example.cn");
        accounts::add_user(
            &self.store,
            org,
            &email,
            Some("correct horse battery"),
            "test",
            &n,
        )
        .await
        .unwrap();
        accounts::create_token(&self.store, &email, Scope::Read, 30, "test", &n)
            .await
            .unwrap()
            .token
    }
}
