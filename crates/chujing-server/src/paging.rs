//! Lists page by page: every list of the API answers one page, newest first, as `{"items", "next",
//! "total"}`, and takes `?after=NEXT&limit=N` for the following one (chujing-store's keyset pages).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chujing_app::certify::{Page, PageRequest, page_request};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Which page of a list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next` cursor of the page before; absent for the first page (the newest rows).
    pub after: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

impl PageQuery {
    /// The page asked for; a cursor no page gave, or a limit out of range, is a 400.
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        page_request(self.after.as_deref(), self.limit).map_err(ApiError::from)
    }
}

/// The page asked for by a request's `after` and `limit` (other parameters are left to the handler).
#[derive(Debug, Clone)]
pub struct Paged(pub PageRequest);

impl<S: Send + Sync> FromRequestParts<S> for Paged {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q: PageQuery = serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "the page is asked for as ?after=CURSOR&limit=1..500: {e}"
                ))
            })?;
        Ok(Paged(q.request()?))
    }
}

/// One page of a list, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PageOf<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The cursor of the next page (send it as `after`); null on the last page.
    pub next: Option<String>,
    /// How many rows the whole list holds.
    pub total: u64,
}

impl<T> From<Page<T>> for PageOf<T> {
    fn from(p: Page<T>) -> PageOf<T> {
        PageOf {
            items: p.items,
            next: p.next,
            total: p.total,
        }
    }
}
