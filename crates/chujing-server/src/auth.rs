//! Who is calling: a bearer token, or a browser session cookie whose changes carry the CSRF header.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use chujing_app::certify::{Actor, accounts};

use crate::AppState;
use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "chujing_session";
/// The header a session sends its CSRF token in, on every change.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The caller: anonymous, or an authenticated user.
#[derive(Debug, Clone)]
pub enum Principal {
    /// No credential (the public).
    Anonymous,
    /// A user of an organisation (shared with the credentials the server keeps).
    User(std::sync::Arc<Actor>),
}

/// The bearer token of `Authorization: Bearer TOKEN`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A cookie's value.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name)?.strip_prefix('='))
}

/// The credential a request carries, and whether it is a session cookie (a bearer token wins).
pub fn credential(headers: &HeaderMap) -> Option<(&str, bool)> {
    match (bearer(headers), cookie(headers, SESSION_COOKIE)) {
        (Some(t), _) => Some((t, false)),
        (None, Some(t)) => Some((t, true)),
        (None, None) => None,
    }
}

/// A browser session's CSRF token, for the pages to put in their forms (a request extension).
#[derive(Clone)]
pub struct SessionCsrf(pub String);

impl std::fmt::Debug for SessionCsrf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionCsrf(<redacted>)")
    }
}

/// The caller of a request. A credential that is present but unknown, expired or revoked is a 401, never
/// treated as anonymous; a session's change without its CSRF token is a 403.
pub async fn principal(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Principal, ApiError> {
    Ok(caller(state, method, headers).await?.0)
}

/// The caller, with its session's CSRF token when it came with the session cookie.
pub async fn caller(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(Principal, Option<SessionCsrf>), ApiError> {
    let Some((token, session)) = credential(headers) else {
        return Ok((Principal::Anonymous, None));
    };
    let now = state.clock.now();
    let found = accounts::authenticate(&state.store, &state.views, token, &now)
        .await
        .map_err(ApiError::from)?;
    let Some((actor, csrf)) = found else {
        return Err(ApiError::unauthorized());
    };
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if session && !safe {
        let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if csrf.is_none() || sent != csrf.as_deref() {
            return Err(ApiError::forbidden(format!(
                "a change made with a session cookie sends its CSRF token in the `{CSRF_HEADER}` header"
            )));
        }
    }
    let csrf = if session { csrf.map(SessionCsrf) } else { None };
    Ok((Principal::User(actor), csrf))
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(p.clone());
        }
        principal(state, &parts.method, &parts.headers).await
    }
}

/// The address of the client, as the connection gives it (`ConnectInfo`); the unspecified address where
/// there is no connection (a router called in-process). Behind a reverse proxy this is the proxy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| {
                c.0.ip()
            });
        Ok(ClientAddr(addr))
    }
}
