//! Lists read page by page, newest first, by keyset: a page ends with a cursor naming its last row, and the
//! next page is the rows after that row in the list's order — not an offset, so that rows added meanwhile
//! neither push a row onto the next page twice nor hide one. Every list the service shows is read through
//! [`PageRequest`] and answered as a [`Page`] with the total, so that nothing stops at a fixed number without
//! saying so.

use serde::Serialize;

use crate::StoreError;

/// The rows of a page when the request names no limit.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most rows a page holds.
pub const MAX_LIMIT: u32 = 500;

/// Which page of a list: the rows after `after` (the `next` cursor of the page before; the newest rows when
/// absent), at most `limit` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    after: Option<Key>,
    limit: u32,
}

/// Where a page ends: a record's or an audit entry's number, or a batch's date and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// The number of a record ([`crate::records::Record::seq`]) or an audit entry.
    Seq(i64),
    /// A ledger batch: its date and id.
    Batch(String, String),
}

impl Key {
    /// The cursor's text: the number, or `DATE.HEX-OF-ID` (a batch id may hold any character).
    fn encode(&self) -> String {
        match self {
            Key::Seq(n) => n.to_string(),
            Key::Batch(date, id) => format!("{date}.{}", hex::encode(id)),
        }
    }

    fn decode(cursor: &str) -> Option<Key> {
        if let Ok(n) = cursor.parse::<i64>() {
            return (n > 0).then_some(Key::Seq(n));
        }
        let (date, id) = cursor.split_once('.')?;
        let valid_date = date.len() == 10 && chujing_law::Date::parse(date).is_ok();
        let id = String::from_utf8(hex::decode(id).ok()?).ok()?;
        valid_date.then(|| Key::Batch(date.to_string(), id))
    }
}

impl PageRequest {
    /// The first page, of [`DEFAULT_LIMIT`] rows.
    pub fn first() -> PageRequest {
        PageRequest {
            after: None,
            limit: DEFAULT_LIMIT,
        }
    }

    /// A page as a request names it: `after` a cursor from an earlier page, `limit` from 1 to [`MAX_LIMIT`]
    /// (default [`DEFAULT_LIMIT`]). A cursor that no page gave, or a limit out of range, is refused.
    pub fn new(after: Option<&str>, limit: Option<u32>) -> Result<PageRequest, StoreError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(StoreError::Page(format!(
                "limit {limit} is out of range: give 1 to {MAX_LIMIT}"
            )));
        }
        let after = match after.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(Key::decode(c).ok_or_else(|| {
                StoreError::Page(format!(
                    "`{}` is not a cursor: give the `next` of the page before, or none for the first page",
                    c.chars().take(40).collect::<String>()
                ))
            })?),
        };
        Ok(PageRequest { after, limit })
    }

    /// The most rows of the page.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The number the page's rows come after (`i64::MAX` for the first page); a batch cursor is refused.
    pub(crate) fn after_seq(&self) -> Result<i64, StoreError> {
        match &self.after {
            None => Ok(i64::MAX),
            Some(Key::Seq(n)) => Ok(*n),
            Some(Key::Batch(..)) => Err(wrong_list()),
        }
    }

    /// The batch (date, id) the page's rows come after; `None` for the first page; a number is refused.
    pub(crate) fn after_batch(&self) -> Result<Option<(&str, &str)>, StoreError> {
        match &self.after {
            None => Ok(None),
            Some(Key::Batch(date, id)) => Ok(Some((date, id))),
            Some(Key::Seq(_)) => Err(wrong_list()),
        }
    }

    /// The page of `rows` read with one more than the limit (which tells whether a page follows), with `key`
    /// naming a row's place and `total` the list's length.
    pub(crate) fn page<T>(&self, mut rows: Vec<T>, total: u64, key: impl Fn(&T) -> Key) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more {
            rows.last().map(|r| key(r).encode())
        } else {
            None
        };
        Page {
            items: rows,
            next,
            total,
        }
    }

    /// The page of a list held in memory, newest first, each row with its number (strictly decreasing).
    pub fn page_of<T: Clone>(&self, rows: &[(i64, T)]) -> Result<Page<T>, StoreError> {
        let after = self.after_seq()?;
        let start = rows.partition_point(|(n, _)| *n >= after);
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let window: Vec<(i64, T)> = rows.iter().skip(start).take(limit + 1).cloned().collect();
        let page = self.page(window, rows.len() as u64, |(n, _)| Key::Seq(*n));
        Ok(page.map(|(_, t)| t))
    }
}

fn wrong_list() -> StoreError {
    StoreError::Page(
        "this cursor is another list's: give the `next` of this list's page before".into(),
    )
}

/// One page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The cursor of the next page (`after=` it), or `None` on the last page.
    pub next: Option<String>,
    /// How many rows the whole list holds.
    pub total: u64,
}

impl<T> Page<T> {
    /// The same page with each row mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
            total: self.total,
        }
    }

    /// The same page with each row mapped by a function that may fail.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, E>>()?,
            next: self.next,
            total: self.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_foreign_text_is_refused() {
        for key in [
            Key::Seq(7),
            Key::Batch("2026-03-01".into(), "a/b c.d".into()),
        ] {
            assert_eq!(Key::decode(&key.encode()), Some(key));
        }
        for bad in [
            "0",
            "-3",
            "x",
            "2026-13-01.61",
            "2026-03-01.zz",
            "2026-03-01",
        ] {
            assert!(PageRequest::new(Some(bad), None).is_err(), "{bad}");
        }
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(None, Some(MAX_LIMIT + 1)).is_err());
    }

    #[test]
    fn an_in_memory_list_pages_through_every_row_once() {
        let rows: Vec<(i64, i64)> = (1..=7).rev().map(|n| (n, n)).collect();
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let req = PageRequest::new(after.as_deref(), Some(3)).unwrap();
            let page = req.page_of(&rows).unwrap();
            assert_eq!(page.total, 7);
            seen.extend(page.items);
            match page.next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        assert_eq!(seen, [7, 6, 5, 4, 3, 2, 1]);
    }
}
