//! What every response carries and what no request may do to the process: the security headers, and a
//! panic in a handler answered as a 500 (logged) instead of a dropped connection.
//!
//! The pages load their one script and their one stylesheet from `/static/` and use no inline script, inline
//! style or `eval` (htmx is configured in `base.html` not to inject its indicator style nor to evaluate
//! attributes), so the content security policy allows nothing but the server's own files.

use std::any::Any;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The content security policy of every response: the server's own scripts, styles, images and forms only;
/// never framed (`frame-ancestors 'none'`, against clickjacking); no `<base>`, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'; object-src 'none'";

/// The headers set on every response that does not set its own.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    // Browsers must not guess a type: an uploaded material is served as what it was stored as.
    ("x-content-type-options", "nosniff"),
    // For browsers without `frame-ancestors`.
    ("x-frame-options", "DENY"),
    // Record ids and receipts are in paths; they are not sent to other sites.
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
];

/// The router with the security headers on every response and panics caught: the outermost layers, so that
/// the limits' and the fallback's answers carry the headers too.
pub fn harden(router: Router) -> Router {
    let mut router = router
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn(no_store));
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ),
        );
    }
    router
}

/// `Cache-Control: no-store` on every answer to a request that carries a credential (a bearer token or the
/// session cookie) and on every answer that sets a cookie: what a signed-in user sees — pages, API answers,
/// downloaded materials — is kept by no browser or proxy cache. The vendored static files are the exception.
async fn no_store(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let credential = req.headers().contains_key(header::AUTHORIZATION)
        || req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.contains(crate::auth::SESSION_COOKIE));
    let asset = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let private = credential || res.headers().contains_key(header::SET_COOKIE);
    if private && !asset {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// A handler that panicked: logged with its message (chujing's own text, never a request's secrets), and
/// answered as the server's failure; the process and the other requests go on. A change the handler had not
/// committed is rolled back with its transaction.
fn panicked(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    tracing::error!(panic = %message, "a request handler panicked");
    let mut res = ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed; see its log",
    )
    .into_response();
    // The connection is not reused: the handler's state is not trusted further.
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}
