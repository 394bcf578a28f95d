//! Authorisation, decided here and nowhere else. This is the security-sensitive part of the server: who may
//! call which route ([`ROUTES`]: every route declares its policy; a route without one is refused), and which
//! records each caller may see or change (the functions below, called by the handlers with the record in
//! hand). Deny by default: a processor sees only its own organisation's data; a certification body only the
//! applications and certificates assigned to it; the regulator sees all; the public only the registry, the
//! report form and a report's status.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chujing_app::certify::{Actor, OrgKind, Scope};

use crate::AppState;
use crate::auth::{Principal, caller};
use crate::error::ApiError;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    Authenticated,
    /// Users of organisations of these kinds.
    Roles(&'static [OrgKind]),
    /// The deployment's operator only: the bearer token given to `serve --metrics-token-file`, never a
    /// user's credential (what the server counts is not any party's to read).
    Operator,
}

/// What a route touches, for the record-level rules: what another organisation of the caller's kind may
/// see of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// No organisation's data: health, the public registry, the report form, a session.
    Open,
    /// A list: only the caller's own or assigned records.
    List,
    /// The caller's own organisation: it creates, declares or asks about its own.
    Own,
    /// One record named in the path: hidden (404) or refused (403) to an organisation it does not concern.
    Record,
}

/// A route and its policy.
#[derive(Debug, Clone, Copy)]
pub struct RoutePolicy {
    /// The HTTP method.
    pub method: &'static str,
    /// The path as routed (`/api/v1/applications/{id}`).
    pub path: &'static str,
    /// Who may call it.
    pub policy: Policy,
}

use OrgKind::{CertificationBody as B, Processor as P, Regulator as R};

const fn route(method: &'static str, path: &'static str, policy: Policy) -> RoutePolicy {
    RoutePolicy {
        method,
        path,
        policy,
    }
}

impl RoutePolicy {
    /// What the route touches, from its shape: a path parameter names a record (except the caller's own flow
    /// and the public receipt), a `GET` of a collection lists, any other call acts on the caller's own
    /// organisation; health, the registry, the report form, sessions and the organisations' names are open.
    pub fn target(&self) -> Target {
        let open = [
            "/api/v1/registry",
            "/api/v1/session",
            "/api/v1/openapi",
            "/api/v1/orgs",
            "/api/v1/bodies",
            "/api/v1/audit",
        ];
        let p = self.path;
        if !p.starts_with("/api/v1/") && self.policy != Policy::Public {
            // A signed-in page: one record named in its path, a page listing the caller's own or assigned
            // records, or a form acting on the caller's own organisation, like the API's routes.
            if p.contains('{') {
                Target::Record
            } else if self.method == "GET" {
                Target::List
            } else {
                Target::Own
            }
        } else if !p.starts_with("/api/v1/")
            || open.iter().any(|o| p.starts_with(o))
            || p.starts_with("/api/v1/reports/")
            || (p == "/api/v1/reports" && self.method == "POST")
        {
            Target::Open
        } else if p.starts_with("/api/v1/flows/") {
            Target::Own
        } else if p.contains('{') {
            Target::Record
        } else if self.method == "GET" {
            Target::List
        } else {
            Target::Own
        }
    }
}

/// Every route and its policy. The authorisation matrix test calls each route as every role and checks
/// the answer against this table and the record-level rules below.
pub const ROUTES: &[RoutePolicy] = &[
    route("GET", "/healthz", Policy::Public),
    // The pages: public ones here; each signed-in page names its roles like the API's routes.
    route("GET", "/", Policy::Public),
    route("GET", "/registry", Policy::Public),
    route("GET", "/reports/new", Policy::Public),
    route("POST", "/reports/new", Policy::Public),
    route("GET", "/reports/{receipt}", Policy::Public),
    route("GET", "/login", Policy::Public),
    route("POST", "/login", Policy::Public),
    route("POST", "/logout", Policy::Public),
    route("GET", "/lang/{lang}", Policy::Public),
    route("GET", "/static/{file}", Policy::Public),
    route("GET", "/dashboard", Policy::Roles(&[P])),
    route("GET", "/batches/{id}/remove", Policy::Roles(&[P])),
    route("POST", "/batches/{id}/remove", Policy::Roles(&[P])),
    route("GET", "/assess", Policy::Roles(&[P])),
    route("POST", "/assess", Policy::Roles(&[P])),
    route("POST", "/assess/gate", Policy::Roles(&[P])),
    route("GET", "/documents/{kind}/{format}", Policy::Roles(&[P])),
    route("POST", "/scans", Policy::Roles(&[P])),
    route("GET", "/contracts", Policy::Roles(&[P])),
    route("POST", "/contracts", Policy::Roles(&[P])),
    route("GET", "/applications", Policy::Roles(&[P, B, R])),
    route("POST", "/applications", Policy::Roles(&[P])),
    route("GET", "/applications/{id}", Policy::Roles(&[P, B, R])),
    route(
        "GET",
        "/applications/{id}/materials/{kind}",
        Policy::Roles(&[P, B]),
    ),
    route(
        "POST",
        "/applications/{id}/materials/{kind}",
        Policy::Roles(&[P]),
    ),
    route(
        "POST",
        "/applications/{id}/review/{item}",
        Policy::Roles(&[B]),
    ),
    route(
        "POST",
        "/applications/{id}/actions/{action}",
        Policy::Roles(&[P, B]),
    ),
    route("GET", "/body", Policy::Roles(&[B])),
    route(
        "POST",
        "/certificates/{number}/actions/{action}",
        Policy::Roles(&[B]),
    ),
    route("POST", "/platform-reports/{id}/report", Policy::Roles(&[B])),
    route(
        "POST",
        "/certificates/{number}/supervision",
        Policy::Roles(&[B]),
    ),
    route(
        "POST",
        "/certificates/{number}/supervision/audits",
        Policy::Roles(&[B]),
    ),
    route("POST", "/scope-cases/{id}/close", Policy::Roles(&[B])),
    route("GET", "/regulator", Policy::Roles(&[R])),
    route(
        "POST",
        "/filings/{id}/actions/{action}",
        Policy::Roles(&[P, R]),
    ),
    route("POST", "/orders", Policy::Roles(&[R])),
    route("GET", "/metrics", Policy::Operator),
    route("GET", "/api/v1/openapi.json", Policy::Public),
    route("GET", "/api/v1/registry", Policy::Public),
    route("POST", "/api/v1/reports", Policy::Public),
    route("GET", "/api/v1/reports/{receipt}", Policy::Public),
    route("POST", "/api/v1/session", Policy::Public),
    route("DELETE", "/api/v1/session", Policy::Authenticated),
    route("GET", "/api/v1/orgs", Policy::Roles(&[R])),
    route("POST", "/api/v1/account/password", Policy::Authenticated),
    route("GET", "/api/v1/account/tokens", Policy::Authenticated),
    route(
        "DELETE",
        "/api/v1/account/tokens/{id}",
        Policy::Authenticated,
    ),
    route("GET", "/account", Policy::Authenticated),
    route("POST", "/account/password", Policy::Authenticated),
    route("POST", "/account/tokens/{id}/revoke", Policy::Authenticated),
    route("GET", "/api/v1/bodies", Policy::Authenticated),
    route("GET", "/api/v1/reports", Policy::Roles(&[B, R])),
    route("POST", "/api/v1/applications", Policy::Roles(&[P])),
    route("GET", "/api/v1/applications", Policy::Roles(&[P, B, R])),
    route(
        "GET",
        "/api/v1/applications/{id}",
        Policy::Roles(&[P, B, R]),
    ),
    route(
        "PUT",
        "/api/v1/applications/{id}/materials/{kind}",
        Policy::Roles(&[P]),
    ),
    route(
        "GET",
        "/api/v1/applications/{id}/materials/{kind}",
        Policy::Roles(&[P, B]),
    ),
    route(
        "PUT",
        "/api/v1/applications/{id}/review/{item}",
        Policy::Roles(&[B]),
    ),
    route(
        "POST",
        "/api/v1/applications/{id}/actions/{action}",
        Policy::Roles(&[P, B]),
    ),
    route("GET", "/api/v1/certificates", Policy::Roles(&[P, B, R])),
    route(
        "GET",
        "/api/v1/certificates/{number}",
        Policy::Roles(&[P, B, R]),
    ),
    route(
        "POST",
        "/api/v1/certificates/{number}/actions/{action}",
        Policy::Roles(&[B]),
    ),
    route("GET", "/api/v1/platform-reports", Policy::Roles(&[B, R])),
    route(
        "POST",
        "/api/v1/platform-reports/{id}/actions/report",
        Policy::Roles(&[B]),
    ),
    route("POST", "/api/v1/orders", Policy::Roles(&[R])),
    route("GET", "/api/v1/orders", Policy::Roles(&[P, R])),
    route("GET", "/api/v1/audit/verify", Policy::Roles(&[R])),
    route("GET", "/api/v1/audit", Policy::Roles(&[R])),
    route("PUT", "/api/v1/processor", Policy::Roles(&[P])),
    route("GET", "/api/v1/processor", Policy::Roles(&[P])),
    route("PUT", "/api/v1/flows/{id}", Policy::Roles(&[P])),
    route("GET", "/api/v1/flows", Policy::Roles(&[P, R])),
    route("POST", "/api/v1/transfers/check", Policy::Roles(&[P])),
    route("GET", "/api/v1/overview", Policy::Roles(&[P])),
    route("POST", "/api/v1/transfers", Policy::Roles(&[P])),
    route("GET", "/api/v1/transfers", Policy::Roles(&[P])),
    route("DELETE", "/api/v1/transfers/{batch}", Policy::Roles(&[P])),
    route("POST", "/api/v1/scans", Policy::Roles(&[P])),
    route("GET", "/api/v1/scans", Policy::Roles(&[P])),
    route("POST", "/api/v1/contracts/check", Policy::Roles(&[P])),
    route("GET", "/api/v1/scope-cases", Policy::Roles(&[P, B, R])),
    route(
        "POST",
        "/api/v1/scope-cases/{id}/actions/close",
        Policy::Roles(&[B]),
    ),
    route("POST", "/api/v1/filings", Policy::Roles(&[P])),
    route("GET", "/api/v1/filings", Policy::Roles(&[P, R])),
    route("GET", "/api/v1/filings/{id}", Policy::Roles(&[P, R])),
    route(
        "POST",
        "/api/v1/filings/{id}/actions/{action}",
        Policy::Roles(&[P, R]),
    ),
    route(
        "PUT",
        "/api/v1/certificates/{number}/supervision",
        Policy::Roles(&[B]),
    ),
    route(
        "POST",
        "/api/v1/certificates/{number}/supervision/audits",
        Policy::Roles(&[B]),
    ),
    route("GET", "/api/v1/supervision", Policy::Roles(&[P, B, R])),
];

/// The policy of a route, if it has one.
pub fn policy_of(method: &str, path: &str) -> Option<Policy> {
    ROUTES
        .iter()
        .find(|r| r.method == method && r.path == path)
        .map(|r| r.policy)
}

/// The route-level decision: 401 when a signed-in caller is needed, 403 when the caller's kind or its
/// credential's scope does not allow the route, and 403 for a route with no policy.
pub fn decide(policy: Option<Policy>, method: &str, who: &Principal) -> Result<(), ApiError> {
    let Some(policy) = policy else {
        return Err(ApiError::route_refused(
            "this route declares no policy, so it is refused",
        ));
    };
    let actor = match (policy, who) {
        (Policy::Public, _) => return Ok(()),
        (Policy::Operator, _) => {
            return Err(ApiError::unauthorized_operator());
        }
        (_, Principal::Anonymous) => return Err(ApiError::unauthorized()),
        (_, Principal::User(a)) => a,
    };
    if let Policy::Roles(kinds) = policy
        && !kinds.contains(&actor.org.kind)
    {
        return Err(ApiError::route_refused(format!(
            "a {} may not call {method} on this route",
            actor.org.kind.id()
        )));
    }
    if method != "GET" && actor.scope == Scope::Read {
        return Err(ApiError::route_refused("this credential is read-only"));
    }
    Ok(())
}

/// Middleware: decides every request by its route's policy before any handler runs, and hands the
/// principal on.
pub async fn enforce(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(path) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
    else {
        return next.run(req).await; // unmatched: the fallback answers 404
    };
    let method = req.method().as_str().to_string();
    let policy = policy_of(&method, &path);
    if policy == Some(Policy::Operator) {
        // Before any credential lookup: the operator's token is not a user's.
        return match operator(&state, req.headers()) {
            Ok(()) => next.run(req).await,
            Err(e) => e.into_response(),
        };
    }
    let (who, csrf) = match caller(&state, req.method(), req.headers()).await {
        Ok(c) => c,
        Err(e)
            if e.status == axum::http::StatusCode::UNAUTHORIZED
                && is_page(&path)
                && crate::auth::credential(req.headers()).is_some_and(|(_, session)| session) =>
        {
            // A page sent with a session that has ended: forget the cookie and sign in again.
            return crate::web::signed_out();
        }
        Err(e) => return e.into_response(),
    };
    if let Err(e) = decide(policy, &method, &who) {
        if e.status == axum::http::StatusCode::UNAUTHORIZED && is_page(&path) {
            // A page that needs a signed-in user: the sign-in page.
            return axum::response::Redirect::to("/login").into_response();
        }
        if is_page(&path) {
            let shown = req.uri().path().to_string();
            return crate::web::refused(req.headers(), who, shown, e);
        }
        return e.into_response();
    }
    if let Principal::User(a) = &who
        && a.password_change_required
        && !open_until_password_changed(&method, &path)
    {
        // A one-time password opens the password change and little else.
        if is_page(&path) {
            return axum::response::Redirect::to("/account").into_response();
        }
        return ApiError::forbidden(
            "you signed in with a one-time password: choose your own first (POST /api/v1/account/password \
             or the account page)",
        )
        .with_code("password_change_required")
        .into_response();
    }
    req.extensions_mut().insert(who);
    if let Some(c) = csrf {
        req.extensions_mut().insert(c);
    }
    next.run(req).await
}

/// What a session signed in with a one-time password may do: change the password, read the account page, sign
/// out, switch language.
fn open_until_password_changed(method: &str, path: &str) -> bool {
    matches!(
        (method, path),
        ("GET", "/account")
            | ("POST", "/account/password")
            | ("POST", "/api/v1/account/password")
            | ("POST", "/logout")
            | ("DELETE", "/api/v1/session")
            | ("GET", "/lang/{lang}")
            | ("GET", "/static/{file}")
    ) || policy_of(method, path) == Some(Policy::Public)
}

/// The operator's routes: the bearer token must be the configured metrics token; without one configured
/// the route is off (404), so that nothing is served that no one set up.
fn operator(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let Some(token) = &state.metrics_token else {
        return Err(ApiError::not_found(
            "metrics are off: start the server with `chujing serve --metrics-token-file FILE` and send \
             `Authorization: Bearer` that token",
        ));
    };
    let sent = crate::auth::bearer(headers).unwrap_or_default();
    if token.matches(sent) {
        Ok(())
    } else {
        Err(ApiError::unauthorized_operator())
    }
}

/// Whether a route is a web page (its refusals are pages, not JSON).
pub fn is_page(path: &str) -> bool {
    !path.starts_with("/api/") && path != "/healthz" && path != "/metrics"
}

/// The caller as an actor (routes that are not public have one).
pub fn actor(who: &Principal) -> Result<&Actor, ApiError> {
    match who {
        Principal::User(a) => Ok(a),
        Principal::Anonymous => Err(ApiError::unauthorized()),
    }
}

// The record-level decisions live with the use cases (`chujing_app::certify::access`), which check them
// themselves; the pages use them to show only the buttons the caller may press.
pub use chujing_app::certify::access::*;
