//! Crash consistency of `ingest` on the real stores: a child process runs an ingest and is stopped at a
//! named stage by a failpoint (the `fail` crate), the parent looks at the ledger while the child is held
//! there, then the child aborts (no destructors, no rollback by the program: what a `kill -9` or a power cut
//! leaves). At every stage, the acknowledged batch is whole, the interrupted one is absent or whole, never
//! half there, and retrying the ingest counts everyone exactly once.
//!
//! The stages:
//! - `app::ingest::after-parse`: the file is read and hashed, nothing written;
//! - `store::insert-batch::in-transaction`: the batch row and its first part written, not committed
//!   (the store is opened with 100 hashes a part, so the batch has 20 parts);
//! - `store::insert-batch::after-commit`: committed, not yet acknowledged to the caller.
//!
//! The child is this test binary running the same test with `CHUJING_CRASH_CHILD` set. It reports reaching
//! the stage on its standard output and waits for a line on its standard input before it aborts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use chujing_app::ledger::{self, BatchInput, Ingested};
use chujing_law::Date;
use chujing_ledger::{HashKey, LedgerStore, SubjectHasher, count_union};
use chujing_store::Store;

const CHILD: &str = "CHUJING_CRASH_CHILD";
const REACHED: &str = "CRASH-TEST reached ";
const ACKNOWLEDGED: u32 = 1_000;
const INTERRUPTED: u32 = 2_000;

fn hasher() -> SubjectHasher {
    SubjectHasher::new(&HashKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap())
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A batch file of the ids `range`, and its ingest with the batch id `id`.
fn batch(dir: &Path, id: &str, range: std::ops::Range<u32>) -> BatchInput {
    let file = dir.join(format!("{id}.csv"));
    let rows: String = range.map(|i| format!("P{i:08}\n")).collect();
    std::fs::write(&file, format!("id\n{rows}")).unwrap();
    BatchInput {
        file,
        subject_column: "id".into(),
        sensitive_column: None,
        all_sensitive: false,
        flow: "crm".into(),
        date: d("2026-03-01"),
        batch_id: Some(id.into()),
        recipient: None,
        categories: Vec::new(),
        skip_bad_rows: false,
        reader: chujing_app::ledger::Reader::Native,
    }
}

async fn open(url: &str) -> Store {
    chujing_app::db::connect(url)
        .await
        .unwrap()
        .with_part_hashes(100)
}

/// The batches the store shows, each with its stated size and the distinct hashes actually stored.
async fn visible(store: &Store) -> Vec<(String, u64, u64)> {
    let batches = store
        .batches_between(d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    batches
        .iter()
        .map(|b| {
            let stored = count_union(&[b.subjects.as_slice()]);
            (b.meta.batch_id.clone(), b.meta.individuals, stored)
        })
        .collect()
}

/// The child: ingest the second batch and stop at `stage`.
async fn child(stage: &str, url: &str, dir: &Path) {
    let store = open(url).await;
    let stage_name = stage.to_string();
    fail::cfg_callback(stage, move || {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{REACHED}{stage_name}").unwrap();
        out.flush().unwrap();
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        std::process::abort();
    })
    .unwrap();
    let input = batch(dir, "interrupted", ACKNOWLEDGED..ACKNOWLEDGED + INTERRUPTED);
    let done = ledger::ingest(&store, &hasher(), &input, |_| {}).await;
    panic!("the ingest ran past the failpoint `{stage}`: {done:?}");
}

/// The parent: acknowledge one batch, crash the child at `stage`, check the ledger during and after.
async fn crash_at(test: &str, stage: &str, url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(url).await;
    let acknowledged = batch(dir.path(), "acknowledged", 0..ACKNOWLEDGED);
    let done = ledger::ingest(&store, &hasher(), &acknowledged, |_| {})
        .await
        .unwrap();
    assert!(
        matches!(done, Ingested::Read { inserted: true, .. }),
        "{done:?}"
    );
    let before = visible(&store).await;
    let whole = |n: u32| u64::from(n);
    assert_eq!(
        before,
        [(
            "acknowledged".into(),
            whole(ACKNOWLEDGED),
            whole(ACKNOWLEDGED)
        )]
    );

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, dir.path())
        .env("CHUJING_CRASH_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // Not piped: a stderr nobody reads could fill and block the child; shown, it explains a failure.
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The harness may have begun the line (`test name ... `) before the child's report.
    let reached = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| Some(l.split_once(REACHED)?.1.trim().to_string()));
    assert_eq!(
        reached.as_deref(),
        Some(stage),
        "the child never reached the failpoint"
    );

    // Held at the stage: another reader sees the acknowledged batch and nothing half written.
    let during = visible(&store).await;
    check(stage, "while the child is held", &during);

    child.stdin.take().unwrap().write_all(b"abort\n").unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the child was meant to abort, it exited with {status}"
    );
    drop(store);

    // After the crash, as a fresh process would open it.
    let store = open(url).await;
    let after = visible(&store).await;
    check(stage, "after the crash", &after);

    // Retrying is safe: the interrupted batch is stored once, and everyone is counted once.
    let retry = batch(
        dir.path(),
        "interrupted",
        ACKNOWLEDGED..ACKNOWLEDGED + INTERRUPTED,
    );
    ledger::ingest(&store, &hasher(), &retry, |_| {})
        .await
        .unwrap();
    let batches = store
        .batches_between(d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    let sets: Vec<&[u128]> = batches.iter().map(|b| b.subjects.as_slice()).collect();
    assert_eq!(batches.len(), 2);
    assert_eq!(count_union(&sets), whole(ACKNOWLEDGED + INTERRUPTED));
}

/// The acknowledged batch whole; the interrupted one absent, or whole once committed.
fn check(stage: &str, when: &str, seen: &[(String, u64, u64)]) {
    let ack = (
        "acknowledged".to_string(),
        u64::from(ACKNOWLEDGED),
        u64::from(ACKNOWLEDGED),
    );
    let int = (
        "interrupted".to_string(),
        u64::from(INTERRUPTED),
        u64::from(INTERRUPTED),
    );
    let expected = if stage.ends_with("after-commit") {
        vec![ack, int]
    } else {
        vec![ack]
    };
    assert_eq!(seen, expected, "stage `{stage}`, {when}");
}

const AFTER_PARSE: &str = "app::ingest::after-parse";
const IN_TRANSACTION: &str = "store::insert-batch::in-transaction";
const AFTER_COMMIT: &str = "store::insert-batch::after-commit";

/// In the child: (working directory, database URL), as the parent passed them.
fn child_env() -> Option<(std::path::PathBuf, String)> {
    let dir = std::env::var_os(CHILD)?;
    let url = std::env::var("CHUJING_CRASH_URL").expect("the parent passes the URL");
    Some((dir.into(), url))
}

async fn on_sqlite(test: &str, stage: &str) {
    if let Some((dir, url)) = child_env() {
        return child(stage, &url, &dir).await;
    }
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("ledger.db").display());
    crash_at(test, stage, &url).await;
}

async fn on_postgres(test: &str, stage: &str, database: &str) {
    if let Some((dir, url)) = child_env() {
        return child(stage, &url, &dir).await;
    }
    let Some(pg) = chujing_testkit::PgDatabase::create(test, database) else {
        return;
    };
    crash_at(test, stage, &pg.url).await;
}

#[tokio::test]
async fn sqlite_crash_after_parsing_stores_nothing() {
    on_sqlite("sqlite_crash_after_parsing_stores_nothing", AFTER_PARSE).await;
}

#[tokio::test]
async fn sqlite_crash_inside_the_transaction_leaves_no_half_batch() {
    on_sqlite(
        "sqlite_crash_inside_the_transaction_leaves_no_half_batch",
        IN_TRANSACTION,
    )
    .await;
}

#[tokio::test]
async fn sqlite_crash_after_commit_keeps_the_whole_batch() {
    on_sqlite(
        "sqlite_crash_after_commit_keeps_the_whole_batch",
        AFTER_COMMIT,
    )
    .await;
}

#[tokio::test]
async fn postgres_crash_after_parsing_stores_nothing() {
    on_postgres(
        "postgres_crash_after_parsing_stores_nothing",
        AFTER_PARSE,
        "chujing_crash_parse",
    )
    .await;
}

#[tokio::test]
async fn postgres_crash_inside_the_transaction_leaves_no_half_batch() {
    on_postgres(
        "postgres_crash_inside_the_transaction_leaves_no_half_batch",
        IN_TRANSACTION,
        "chujing_crash_tx",
    )
    .await;
}

#[tokio::test]
async fn postgres_crash_after_commit_keeps_the_whole_batch() {
    on_postgres(
        "postgres_crash_after_commit_keeps_the_whole_batch",
        AFTER_COMMIT,
        "chujing_crash_commit",
    )
    .await;
}
