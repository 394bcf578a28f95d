//! Every list pages: more rows than a page, newest first, each row reached once through the `next` cursor,
//! the total told, and the oldest row reached at the end — nothing stops at a fixed number. The reports list
//! holds 1,050 reports, past the 1,000 every list used to stop at without a word; the other lists page two rows
//! at a time over three or more.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use chujing_app::certify::OrgKind;
use chujing_app::certify::public::{self, NewReport};
use serde_json::{Value, json};

use crate::kit::{Kit, now};

/// Every row of the list at `path` (which may carry a query), read page by page with `limit` rows a page;
/// checks that each page but the last is full, that the total stays what the first page said, that no row
/// comes twice, and that the rows are as many as the total.
async fn walk(kit: &Kit, path: &str, token: Option<&str>, limit: u32) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut rows: Vec<Value> = Vec::new();
    let mut after: Option<String> = None;
    let mut total = None;
    loop {
        let url = match &after {
            Some(c) => format!("{path}{sep}limit={limit}&after={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let (s, page) = kit.get(&url, token).await;
        assert_eq!(s, StatusCode::OK, "{url}: {page}");
        let items = page["items"].as_array().unwrap().clone();
        let t = page["total"].as_u64().unwrap();
        assert_eq!(*total.get_or_insert(t), t, "{url}: the total stays");
        match page["next"].as_str() {
            Some(next) => {
                assert_eq!(
                    items.len(),
                    limit as usize,
                    "{url}: a page before the last is full"
                );
                after = Some(next.to_string());
                rows.extend(items);
            }
            None => {
                rows.extend(items);
                break;
            }
        }
    }
    let distinct: BTreeSet<String> = rows.iter().map(Value::to_string).collect();
    assert_eq!(distinct.len(), rows.len(), "{path}: no row twice");
    assert_eq!(
        Some(rows.len() as u64),
        total,
        "{path}: every row of the total"
    );
    rows
}

/// The list at `path` paged `limit` at a time holds `expected` rows, the newest first and the oldest last,
/// each named by `key`.
async fn newest_to_oldest(
    kit: &Kit,
    path: &str,
    token: Option<&str>,
    limit: u32,
    key: impl Fn(&Value) -> String,
    (newest, oldest, expected): (&str, &str, usize),
) {
    let rows = walk(kit, path, token, limit).await;
    assert!(rows.len() > limit as usize, "{path}: more rows than a page");
    let keys: Vec<String> = rows.iter().map(&key).collect();
    assert_eq!(keys.len(), expected, "{path}: {keys:?}");
    assert_eq!(
        keys.first().map(String::as_str),
        Some(newest),
        "{path}: newest first"
    );
    assert_eq!(
        keys.last().map(String::as_str),
        Some(oldest),
        "{path}: the oldest reached"
    );
}

fn field(name: &'static str) -> impl Fn(&Value) -> String {
    move |v| {
        v[name]
            .as_str()
            .map_or_else(|| v[name].to_string(), str::to_string)
    }
}

/// Files `n` violation reports through the use case (past the public limits, which a test of lists is not
/// about); their receipts, oldest first.
async fn reports(kit: &Kit, n: usize) -> Vec<String> {
    let mut receipts = Vec::with_capacity(n);
    for i in 0..n {
        let new = NewReport {
            about: format!("Company {i}"),
            province: None,
            text: "seen".into(),
        };
        receipts.push(
            public::submit(&kit.store, new, &now())
                .await
                .unwrap()
                .receipt,
        );
    }
    receipts
}

/// Posts each of `bodies` to `path`, which must answer 201; the field `id` of each answer, oldest first.
async fn created(
    kit: &Kit,
    path: &str,
    token: &str,
    bodies: impl Iterator<Item = Value>,
    id: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for body in bodies {
        let (s, v) = kit.post(path, Some(token), body).await;
        assert_eq!(s, StatusCode::CREATED, "{path}: {v}");
        out.push(v[id].as_str().unwrap().to_string());
    }
    out
}

/// `PUT path` with `body`, which must answer 200.
async fn put(kit: &Kit, path: &str, token: &str, body: Value) {
    let (s, v) = kit.put(path, Some(token), body).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
}

async fn lists(kit: &Kit) {
    let national = kit.national().await;
    let (p_id, p) = kit.member(OrgKind::Processor, "Acme", Some("310000")).await;
    let (body_id, body) = kit
        .member(OrgKind::CertificationBody, "Cert Co", None)
        .await;

    // Three applications granted: three certificates, three platform reports, three registry entries.
    let mut granted = Vec::new();
    for _ in 0..3 {
        granted.push(kit.granted(&p, &body_id, &body).await);
    }
    let (apps, numbers): (Vec<String>, Vec<String>) = granted.into_iter().unzip();
    newest_to_oldest(
        kit,
        "/api/v1/applications",
        Some(&p),
        2,
        field("id"),
        (&apps[2], &apps[0], 3),
    )
    .await;
    let number = |v: &Value| v["certificate"]["number"].as_str().unwrap().to_string();
    newest_to_oldest(
        kit,
        "/api/v1/certificates",
        Some(&body),
        2,
        number,
        (&numbers[2], &numbers[0], 3),
    )
    .await;
    newest_to_oldest(
        kit,
        "/api/v1/registry",
        None,
        2,
        field("number"),
        (&numbers[2], &numbers[0], 3),
    )
    .await;
    newest_to_oldest(
        kit,
        "/api/v1/registry?q=acme",
        None,
        2,
        field("number"),
        (&numbers[2], &numbers[0], 3),
    )
    .await;
    newest_to_oldest(
        kit,
        "/api/v1/platform-reports",
        Some(&body),
        2,
        field("certificate"),
        (&numbers[2], &numbers[0], 3),
    )
    .await;
    for n in &numbers {
        put(
            kit,
            &format!("/api/v1/certificates/{n}/supervision"),
            &body,
            json!({ "every_months": 12 }),
        )
        .await;
    }
    newest_to_oldest(
        kit,
        "/api/v1/supervision",
        Some(&body),
        2,
        field("certificate"),
        (&numbers[2], &numbers[0], 3),
    )
    .await;

    // Flows, batches, and three batches outside the certificate's scope: three scope cases.
    kit.facts(&p, false).await;
    for f in ["f1", "f2", "f3"] {
        put(
            kit,
            &format!("/api/v1/flows/{f}"),
            &p,
            json!({ "recipient": "Acme GmbH", "country": "DE" }),
        )
        .await;
    }
    let us = json!({ "recipient": "Elsewhere Ltd", "country": "US", "categories": ["identity"],
        "mechanism": { "kind": "certification", "certificate": numbers[0] } });
    put(kit, "/api/v1/flows/us", &p, us).await;
    newest_to_oldest(
        kit,
        "/api/v1/flows",
        Some(&p),
        2,
        field("id"),
        ("us", "f1", 4),
    )
    .await;
    let mut cases = Vec::new();
    for b in ["b1", "b2", "b3"] {
        let (s, r) = kit
            .post(
                "/api/v1/transfers",
                Some(&p),
                json!({ "batch_id": b, "flow": "f1", "individuals": 10 }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    for b in ["us-1", "us-2", "us-3"] {
        let (s, r) = kit
            .post(
                "/api/v1/transfers",
                Some(&p),
                json!({ "batch_id": b, "flow": "us", "individuals": 150_000 }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        cases.push(r["scope_case"].as_str().unwrap().to_string());
    }
    // Batches of one day: newest first by id.
    newest_to_oldest(
        kit,
        "/api/v1/transfers",
        Some(&p),
        2,
        field("batch_id"),
        ("us-3", "b1", 6),
    )
    .await;
    newest_to_oldest(
        kit,
        "/api/v1/scope-cases",
        Some(&body),
        2,
        field("id"),
        (&cases[2], &cases[0], 3),
    )
    .await;

    // Filings, orders and scans.
    let filing = |n: usize| {
        json!({ "recipient": format!("Recipient {n}"), "contract_effective": "2026-11-20",
            "contract": "contract", "pipia": "pipia" })
    };
    let filings = created(kit, "/api/v1/filings", &p, (0..3).map(filing), "id").await;
    newest_to_oldest(
        kit,
        "/api/v1/filings",
        Some(&p),
        2,
        field("id"),
        (&filings[2], &filings[0], 3),
    )
    .await;
    let order = |n: usize| json!({ "processor": p_id, "kind": "interview", "text": format!("explain {n}") });
    let orders = created(
        kit,
        "/api/v1/orders",
        &national,
        (0..3).map(order),
        "reference",
    )
    .await;
    newest_to_oldest(
        kit,
        "/api/v1/orders",
        Some(&p),
        2,
        field("reference"),
        (&orders[2], &orders[0], 3),
    )
    .await;
    let report = include_str!("fixtures/scan-customers.json");
    for n in 0..3 {
        let (s, v) = kit
            .call(
                Method::POST,
                &format!("/api/v1/scans?file=scan-{n}.json"),
                Some(&p),
                Some(report.as_bytes().to_vec()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    newest_to_oldest(
        kit,
        "/api/v1/scans",
        Some(&p),
        2,
        field("file"),
        ("scan-2.json", "scan-0.json", 3),
    )
    .await;

    // 1,050 violation reports: the one filed after the 1,000th is listed first, the first one last.
    let receipts = reports(kit, 1_050).await;
    let (oldest, newest) = (receipts.first().unwrap(), receipts.last().unwrap());
    newest_to_oldest(
        kit,
        "/api/v1/reports",
        Some(&national),
        500,
        field("receipt"),
        (newest, oldest, 1_050),
    )
    .await;
    let rows = walk(kit, "/api/v1/reports", Some(&national), 50).await;
    assert_eq!(rows.len(), 1_050, "with the default page size too");

    // The audit log: every entry, newest first, down to the first.
    let (_, verified) = kit.get("/api/v1/audit/verify", Some(&national)).await;
    let entries = verified["entries"].as_u64().unwrap() as usize;
    let seq = |v: &Value| v["seq"].to_string();
    newest_to_oldest(
        kit,
        "/api/v1/audit",
        Some(&national),
        500,
        seq,
        (&entries.to_string(), "1", entries),
    )
    .await;

    // Organisations (the regulator's list): the newest, Cert Co, first, the national regulator last.
    newest_to_oldest(
        kit,
        "/api/v1/orgs",
        Some(&national),
        2,
        field("name"),
        ("Cert Co", "CAC", 3),
    )
    .await;

    // A cursor no page gave, and a limit out of range, are refused.
    for bad in [
        "/api/v1/reports?after=abc",
        "/api/v1/reports?limit=0",
        "/api/v1/reports?limit=501",
    ] {
        let (s, v) = kit.get(bad, Some(&national)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
    }
    // Another list's cursor is refused, not read as this list's.
    let (_, batches) = kit.get("/api/v1/transfers?limit=1", Some(&p)).await;
    let foreign = batches["next"].as_str().unwrap();
    let (s, _) = kit
        .get(&format!("/api/v1/reports?after={foreign}"), Some(&national))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_list_of_the_api_pages_from_the_newest_row_to_the_oldest_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}/c.db", dir.path().display())).await;
    lists(&kit).await;
}

#[tokio::test]
async fn every_list_of_the_api_pages_from_the_newest_row_to_the_oldest_on_postgres() {
    let Some(db) = chujing_testkit::PgDatabase::create(
        "every_list_of_the_api_pages_from_the_newest_row_to_the_oldest_on_postgres",
        "chujing_lists",
    ) else {
        return;
    };
    lists(&Kit::new(&db.url).await).await;
}

/// The regulator's page shows 50 of the 1,050 reports with a link to the next page; following the links
/// reaches the first report filed.
#[tokio::test]
async fn the_regulators_report_table_pages_to_the_first_report_filed() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}/c.db", dir.path().display())).await;
    let national = kit.national().await;
    let receipts = reports(&kit, 1_050).await;
    let mut path = "/regulator".to_string();
    let (mut pages, mut seen) = (0, 0);
    loop {
        let (s, html) = kit.get(&path, Some(&national)).await;
        assert_eq!(s, StatusCode::OK);
        let html = html.as_str().unwrap().to_string();
        pages += 1;
        // A report's receipt as its row shows it (the audit log's table names it too).
        seen += receipts
            .iter()
            .filter(|r| html.contains(&format!("<small>{r}</small>")))
            .count();
        if pages == 1 {
            assert!(
                html.contains(receipts.last().unwrap().as_str()),
                "the newest report on the first page"
            );
            assert!(
                html.contains("50 / 1050"),
                "the table says how many of how many"
            );
        }
        match next_link(&html, "#reports") {
            Some(href) if pages < 100 => path = href,
            _ => break,
        }
    }
    assert_eq!(pages, 21, "1,050 reports at 50 a page");
    assert_eq!(seen, 1_050, "every report on one of the pages");
    let (_, last) = kit.get(&path, Some(&national)).await;
    assert!(
        last.as_str()
            .unwrap()
            .contains(receipts.first().unwrap().as_str()),
        "the first report filed, on the last page"
    );
}

/// The address of the `rel="next"` link of the table whose links end in `anchor`.
fn next_link(html: &str, anchor: &str) -> Option<String> {
    html.match_indices("\" rel=\"next\"").find_map(|(at, _)| {
        let before = html.get(..at)?;
        let href = before.get(before.rfind("href=\"")? + 6..)?;
        href.ends_with(anchor).then(|| href.replace("&amp;", "&"))
    })
}
