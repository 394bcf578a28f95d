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

/// The address of the client: the connection's peer (`ConnectInfo`), or, when the peer is a trusted reverse
/// proxy (`serve --trusted-proxy`), the address its `X-Forwarded-For` names; the unspecified address where
/// there is no connection (a router called in-process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| {
                c.0.ip()
            });
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientAddr(client_address(
            peer,
            &forwarded,
            &state.trusted_proxies,
        )))
    }
}

/// The client behind `peer`: walking `X-Forwarded-For` from the right (each proxy appends the address it
/// was reached from), the first address that is not a trusted proxy. Only a trusted peer's header counts,
/// and an entry that is not an address ends the walk at the proxy before it — the limiter then counts the
/// proxy's address, which is stricter, never a client's choice.
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded: &[&str],
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    let mut client = peer;
    if !trusted.contains(&peer) {
        return client;
    }
    for entry in forwarded.iter().rev().flat_map(|h| h.rsplit(',')) {
        match entry.trim().parse::<std::net::IpAddr>() {
            Ok(addr) => {
                client = addr;
                if !trusted.contains(&addr) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod client_address_tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::client_address;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peer_names_the_client() {
        let proxy = ip("10.0.0.1");
        // From an untrusted peer the header is the client's own say-so: ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["198.51.100.7"], &[proxy]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(proxy, &["198.51.100.7"], &[proxy]),
            ip("198.51.100.7")
        );
        // No header: the proxy itself.
        assert_eq!(client_address(proxy, &[], &[proxy]), proxy);
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client_never_one_the_client_wrote() {
        let (edge, inner) = (ip("10.0.0.1"), ip("10.0.0.2"));
        // The client wrote 1.2.3.4 itself; the edge proxy appended the real 198.51.100.7, the inner proxy the edge.
        let header = ["1.2.3.4, 198.51.100.7", "10.0.0.1"];
        assert_eq!(
            client_address(inner, &header, &[edge, inner]),
            ip("198.51.100.7")
        );
        // An entry that is not an address stops the walk at the last proxy: stricter, not the client's pick.
        assert_eq!(
            client_address(inner, &["1.2.3.4, garbage"], &[edge, inner]),
            inner
        );
    }
}
