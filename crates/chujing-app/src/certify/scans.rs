//! Scan reports a processor keeps with the service: the figures of a `chujing scan --json` report (rows,
//! categories of PI found and which are sensitive, individuals), shown on its dashboard and used by its
//! documents. The report's cells are never sent: `chujing scan` reports counts, not values.

use super::events::{Event, Subject};
use chujing_law::Date;
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};

use super::{Actor, Columns, Now, audit, random_hex, record, st, write};
use crate::Result;

/// The largest scan report kept.
pub const MAX_SCAN_REPORT: usize = 4 * 1024 * 1024;

/// A scan report as kept.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scan {
    /// Its id.
    pub id: String,
    /// The processor.
    pub processor: String,
    /// The report's file name.
    pub file: String,
    /// Rows scanned.
    pub rows: u64,
    /// (category id, sensitive, cells) found.
    #[schema(value_type = Vec<Vec<Object>>)]
    pub categories: Vec<(String, bool, u64)>,
    /// Distinct individuals with any PI and with sensitive PI, when the scan had a subject column.
    #[schema(value_type = Option<Vec<u64>>)]
    pub individuals: Option<(u64, u64)>,
    /// Who sent it.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// The day it was sent.
    #[schema(value_type = String)]
    pub on: Date,
}

impl Scan {
    /// The figures the documents use.
    pub fn figures(&self) -> chujing_docs::ScanFigures {
        chujing_docs::ScanFigures {
            file: self.file.clone(),
            rows: self.rows,
            categories: self.categories.clone(),
            individuals: self.individuals,
        }
    }

    /// Whether it found sensitive PI.
    pub fn sensitive(&self) -> bool {
        self.categories.iter().any(|(_, s, _)| *s)
    }
}

/// Keeps the figures of a scan report sent by the actor (`file` is its name).
pub async fn add(store: &Store, actor: &Actor, file: &str, text: &str, now: &Now) -> Result<Scan> {
    if text.len() > MAX_SCAN_REPORT {
        return Err(crate::AppError::Input(format!(
            "a scan report has at most {MAX_SCAN_REPORT} bytes"
        )));
    }
    let file = file.trim();
    let file = if file.is_empty() { "scan.json" } else { file };
    let f = crate::report::parse_scan(file, file, text)?;
    let scan = Scan {
        id: format!("scan-{}", random_hex(8)?),
        processor: actor.org.id.clone(),
        file: f.file,
        rows: f.rows,
        categories: f.categories,
        individuals: f.individuals,
        by: actor.label(),
        at: now.at.clone(),
        on: now.today,
    };
    let mut w = write(store).await?;
    let columns = Columns {
        kind: "scan",
        id: &scan.id,
        org: &scan.processor,
        party: "",
        state: "kept",
        search: scan.file.clone(),
        province: None,
    };
    st(w.insert(&record(columns, &scan, now)?).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::ScanAdd,
        Subject::Scan(&scan.id),
        &serde_json::json!({ "file": scan.file, "rows": scan.rows }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(scan)
}

/// A page of the actor's scans, newest first.
pub async fn page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<Scan>> {
    let own = Filter {
        org: Some(&actor.org.id),
        ..Filter::default()
    };
    super::page_where(store, "scan", &own, req, |s| s).await
}
