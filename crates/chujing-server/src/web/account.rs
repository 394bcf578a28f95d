//! The account page: the user changes their password (the one thing a session signed in with a one-time
//! password may do) and sees and revokes their sessions and API tokens.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chujing_app::certify::accounts::{self, TokenInfo};
use serde::Deserialize;

use super::{Chrome, PageContext, error_page, form, page};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    /// Whether the user signed in with a one-time password and must choose their own.
    must_change: bool,
    problem: Option<String>,
    changed: bool,
    tokens: Vec<TokenInfo>,
}

/// The password form as sent.
#[derive(Debug, Default, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn render(
    s: &AppState,
    cx: &PageContext,
    status: StatusCode,
    problem: Option<String>,
) -> Response {
    let Principal::User(a) = &cx.who else {
        return Redirect::to("/login").into_response();
    };
    match accounts::tokens(&s.store, Some(&a.user)).await {
        Ok(tokens) => page(
            status,
            &AccountPage {
                c: cx.chrome(),
                must_change: a.password_change_required,
                changed: cx.path.contains("changed=1"),
                problem,
                tokens: tokens.into_iter().map(|(_, t)| t).collect(),
            },
        ),
        Err(e) => error_page(cx, e.into()),
    }
}

/// The account page.
pub async fn account(State(s): State<AppState>, cx: PageContext) -> Response {
    render(&s, &cx, StatusCode::OK, None).await
}

/// Changes the password from the form (the new one typed twice); the other sessions end.
pub async fn password(
    State(s): State<AppState>,
    cx: PageContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Principal::User(a) = &cx.who else {
        return Redirect::to("/login").into_response();
    };
    let r = async {
        let f: PasswordForm = form(&body)?;
        if f.new != f.confirm {
            return Err(ApiError::bad_request(
                cx.chrome().t.password_mismatch.to_string(),
            ));
        }
        let session = crate::auth::credential(&headers).map(|(t, _)| t);
        accounts::change_password(&s.store, a, &f.current, &f.new, session, &s.clock.now())
            .await
            .map_err(ApiError::from)
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/account?changed=1").into_response(),
        Err(e) => render(&s, &cx, e.status, Some(e.message)).await,
    }
}

/// Revokes one of the user's sessions or tokens.
pub async fn revoke(
    State(s): State<AppState>,
    cx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let Principal::User(a) = &cx.who else {
        return Redirect::to("/login").into_response();
    };
    match accounts::revoke_by_id(&s.store, &id, Some(&a.user), &a.label(), &s.clock.now()).await {
        Ok(_) => Redirect::to("/account#tokens").into_response(),
        Err(e) => render(&s, &cx, ApiError::from(e).status, None).await,
    }
}
