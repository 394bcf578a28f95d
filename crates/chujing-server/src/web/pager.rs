//! A table's place in its list on a page: the rows shown of how many, newest first, and the links to the
//! next page and back to the first. Each table of a page pages on its own query parameter (`TABLE_after`),
//! so that paging one table keeps the others where they are.

use chujing_app::certify::{Page, PageRequest, page_request};

use super::PageContext;
use crate::error::ApiError;

/// How many rows a page's table shows at a time.
pub const TABLE_ROWS: u32 = 50;

/// A table's pager, as the `pager` macro shows it.
#[derive(Debug, Clone)]
pub struct Pager {
    /// Rows on this page.
    pub shown: usize,
    /// Rows in the whole list.
    pub total: u64,
    /// The link to the next page, if any.
    pub next: Option<String>,
    /// The link back to the first page, when this is not it.
    pub first: Option<String>,
}

impl PageContext {
    /// The query parameters of the page's address.
    fn query(&self) -> Vec<(String, String)> {
        let query = self.path.split_once('?').map_or("", |(_, q)| q);
        serde_urlencoded::from_str(query).unwrap_or_default()
    }

    /// The page of table `table` the address asks for (its `TABLE_after` cursor), [`TABLE_ROWS`] rows.
    pub(crate) fn table_page(&self, table: &str) -> Result<PageRequest, ApiError> {
        let key = format!("{table}_after");
        let after = self
            .query()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v);
        page_request(after.as_deref(), Some(TABLE_ROWS)).map_err(ApiError::from)
    }

    /// The page of table `table` the address asks for, of `rows` held in memory (newest first, each with its
    /// record number).
    pub(crate) fn table_of<T: Clone>(
        &self,
        table: &str,
        rows: &[(i64, T)],
    ) -> Result<Page<T>, ApiError> {
        self.table_page(table)?
            .page_of(rows)
            .map_err(|e| ApiError::bad_request(e.to_string()))
    }

    /// The pager of table `table` showing `page`.
    pub(crate) fn pager<T>(&self, table: &str, page: &Page<T>) -> Pager {
        let key = format!("{table}_after");
        let others: Vec<(String, String)> = self
            .query()
            .into_iter()
            .filter(|(k, _)| *k != key)
            .collect();
        let on_first = others.len() == self.query().len();
        let href = |cursor: Option<&str>| {
            let mut pairs = others.clone();
            if let Some(c) = cursor {
                pairs.push((key.clone(), c.to_string()));
            }
            let path = self
                .path
                .split_once('?')
                .map_or(self.path.as_str(), |(p, _)| p);
            match serde_urlencoded::to_string(&pairs) {
                Ok(q) if !q.is_empty() => format!("{path}?{q}#{table}"),
                _ => format!("{path}#{table}"),
            }
        };
        Pager {
            shown: page.items.len(),
            total: page.total,
            next: page.next.as_deref().map(|c| href(Some(c))),
            first: (!on_first).then(|| href(None)),
        }
    }
}
