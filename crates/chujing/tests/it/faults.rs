//! Faults with real processes: `serve` killed with SIGKILL mid-write, the database file read-only, the disk
//! full, PostgreSQL restarted under load. After each, no acknowledged write is lost, nothing is half-applied
//! (every batch in the ledger has its audit entry and no entry lacks its batch; a certificate's state is the one
//! its last audit entry records), `audit verify` passes, and the errors said what happened.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::util::sqlite_rows as sqlite_column;
use crate::util::{
    Server, api, audit_verifies, chujing, chujing_env, declare_the_flow, individuals_before, pairs,
    service_with_a_processor, try_ingest_ids,
};

/// Individuals in every batch the writers send.
const PER_BATCH: u64 = 10;

fn batch(id: &str) -> String {
    format!(r#"{{"batch_id": "{id}", "flow": "hr", "individuals": {PER_BATCH}}}"#)
}

/// What a burst of writers saw: the batches acknowledged (201) and every answer's status.
#[derive(Default)]
struct Burst {
    acknowledged: Mutex<BTreeSet<String>>,
    sent: AtomicUsize,
    statuses: Mutex<Vec<u16>>,
    stop: AtomicBool,
}

impl Burst {
    /// How many batches were acknowledged so far.
    fn acked(&self) -> usize {
        self.acknowledged.lock().unwrap().len()
    }
}

/// `writers` threads posting batches `w{writer}-{n}` to `port` until `stop` (or, with `until_refused`, until
/// the server stops answering).
fn burst(
    port: u16,
    token: &str,
    writers: usize,
    until_refused: bool,
) -> (Arc<Burst>, Vec<std::thread::JoinHandle<()>>) {
    let seen = Arc::new(Burst::default());
    let handles = (0..writers)
        .map(|w| {
            let (seen, token) = (seen.clone(), token.to_string());
            std::thread::spawn(move || {
                for n in 0.. {
                    if seen.stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let id = format!("w{w}-{n}");
                    seen.sent.fetch_add(1, Ordering::SeqCst);
                    let (status, body) =
                        api(port, "POST", "/api/v1/transfers", &token, &batch(&id));
                    seen.statuses.lock().unwrap().push(status);
                    match status {
                        201 => {
                            seen.acknowledged.lock().unwrap().insert(id);
                        }
                        0 if until_refused => return,
                        0 => {}
                        // Under six writers the gate's optimistic read can lose to the others every time it
                        // tries: it refuses, not acknowledged, and says to send again (nothing was written).
                        409 if body.contains("send it again") => {}
                        s => assert!(
                            s >= 500,
                            "a write answered {s} instead of 201 or an error: {body}"
                        ),
                    }
                }
            })
        })
        .collect();
    (seen, handles)
}

#[expect(
    clippy::disallowed_methods,
    reason = "waits for a real server to acknowledge writes"
)]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("timed out waiting until {what}");
}

/// The ledger and the audit log agree: each batch of `org` in the database has its `transfer.record` entry and
/// each entry its batch. `column` runs a query on the database (SQLite or PostgreSQL). Returns the batch ids.
fn batches_match_their_audit_entries(
    column: impl Fn(&str) -> Vec<String>,
    org: &str,
) -> BTreeSet<String> {
    let batches: BTreeSet<String> = column(&format!(
        "SELECT batch_id FROM batches WHERE processor = '{org}'"
    ))
    .into_iter()
    .collect();
    let prefix = format!("batch/{org}/");
    let audited: BTreeSet<String> =
        column("SELECT subject FROM audit_log WHERE action = 'transfer.record'")
            .into_iter()
            .filter_map(|s| s.strip_prefix(&prefix).map(str::to_string))
            .collect();
    assert_eq!(
        batches, audited,
        "every recorded batch has its audit entry and no entry lacks its batch"
    );
    batches
}

fn integrity_ok(path: &std::path::Path) {
    assert_eq!(
        sqlite_column(path, "PRAGMA integrity_check"),
        ["ok"],
        "{}",
        path.display()
    );
}

#[test]
fn serve_killed_during_a_burst_of_writes_keeps_every_acknowledged_batch_and_half_applies_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let db = format!("sqlite://{}", path.display());
    let (env, token, org) = service_with_a_processor(&db);
    let server = Server::serve(&pairs(&env));
    declare_the_flow(server.port, &token);

    let (seen, writers) = burst(server.port, &token, 6, true);
    wait_until("30 batches are acknowledged", || seen.acked() >= 30);
    server.kill9();
    writers.into_iter().for_each(|w| w.join().unwrap());
    let acknowledged = seen.acknowledged.lock().unwrap().clone();

    integrity_ok(&path);
    let recorded = batches_match_their_audit_entries(|sql| sqlite_column(&path, sql), &org);
    let lost: Vec<&String> = acknowledged.difference(&recorded).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    audit_verifies(&env);

    // The restarted server counts what the database holds, and knows every acknowledged batch as recorded.
    let server = Server::serve(&pairs(&env));
    assert_eq!(
        individuals_before(server.port, &token),
        Some(PER_BATCH * recorded.len() as u64)
    );
    for id in &acknowledged {
        let (status, body) = api(server.port, "POST", "/api/v1/transfers", &token, &batch(id));
        assert_eq!(status, 200, "{id} is already recorded: {body}");
    }
}

/// A certificate's state is the one its last audit entry records, its history is its audit entries step for
/// step, and each entry has the platform report it owes.
fn certificate_matches_its_audit_entries(path: &std::path::Path, number: &str) -> String {
    let body = sqlite_column(
        path,
        &format!("SELECT body FROM records WHERE kind = 'certificate' AND id = '{number}'"),
    );
    let record: Value = serde_json::from_str(body.first().unwrap()).unwrap();
    let state = record["certificate"]["status"]
        .as_str()
        .unwrap()
        .to_string();
    // The certificate's own entries (issue, then each action), as "action<TAB>content".
    let (actions, entries): (Vec<String>, Vec<String>) = sqlite_column(
        path,
        &format!(
            "SELECT action || char(9) || content FROM audit_log WHERE subject = 'certificate/{number}' \
             AND action LIKE 'certificate.%' ORDER BY seq"
        ),
    )
    .into_iter()
    .map(|row| {
        let (action, content) = row.split_once('\t').unwrap();
        (action.to_string(), content.to_string())
    })
    .unzip();
    // Each change owes the national platform a report (Certification Measures Art. 9), in the same write.
    let reports_owed = sqlite_column(
        path,
        &format!(
            "SELECT count(*) FROM audit_log WHERE subject = 'certificate/{number}' \
             AND action = 'platform_report.due'"
        ),
    );
    assert_eq!(
        reports_owed,
        [entries.len().to_string()],
        "{number}: a platform report owed for each change"
    );
    let last: Value = serde_json::from_str(entries.last().unwrap()).unwrap();
    assert_eq!(
        last["status"], state,
        "{number}: the record's state is the last audit entry's"
    );
    let steps: Vec<String> = record["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("certificate.{}", h["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps, actions,
        "{number}: its history is its audit entries, step for step"
    );
    state
}

#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "kills the server at varied moments of a state change"
)]
fn serve_killed_during_certificate_state_changes_leaves_each_certificate_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let dir = dir.to_str().unwrap();
    let (code, _, err) = chujing(&["demo", "--seed-only", "--dir", dir]);
    assert_eq!(code, 0, "{err}");
    let path = std::path::Path::new(dir).join("demo.db");
    let db = format!("sqlite://{}", path.display());
    let env = [("CHUJING_DATABASE_URL", db.as_str())];
    let (code, token, err) = chujing_env(
        &[
            "admin",
            "token",
            "create",
            "--user",
            "review@cert.demo.chujing.cn",
        ],
        &env,
    );
    assert_eq!(code, 0, "{err}");
    let token = token.trim().to_string();
    let numbers = sqlite_column(&path, "SELECT id FROM records WHERE kind = 'certificate'");
    assert!(
        numbers.len() >= 2,
        "the demo has a granted and a suspended certificate"
    );

    let (mut answered, mut cut) = (0, 0);
    for round in 0..14_u64 {
        let number = numbers
            .get(usize::try_from(round).unwrap() % numbers.len())
            .unwrap();
        let before = certificate_matches_its_audit_entries(&path, number);
        let (action, after) = match before.as_str() {
            "valid" => ("suspend", "suspended"),
            "suspended" => ("reinstate", "valid"),
            other => panic!("{number} is {other}"),
        };
        let server = Server::serve(&env);
        let (port, token2, number2) = (server.port, token.clone(), number.clone());
        let change = std::thread::spawn(move || {
            api(
                port,
                "POST",
                &format!("/api/v1/certificates/{number2}/actions/{action}"),
                &token2,
                r#"{"reason": "fault test: supervision finding"}"#,
            )
        });
        // From at once to well after the answer (0 to 169 ms): the kill lands before, inside and after the write.
        std::thread::sleep(std::time::Duration::from_millis(round * round));
        server.kill9();
        let (status, body) = change.join().unwrap();
        integrity_ok(&path);
        let now = certificate_matches_its_audit_entries(&path, number);
        match status {
            200 => {
                answered += 1;
                assert_eq!(now, after, "acknowledged {action} of {number} kept: {body}");
            }
            0 => {
                cut += 1;
                assert!(now == before || now == after, "{number}: {now}");
            }
            s => panic!("{action} of {number} answered {s}: {body}"),
        }
    }
    assert!(
        answered > 0,
        "some state changes were answered before the kill"
    );
    assert!(cut > 0, "some were cut by it");
    let (code, out, err) = chujing_env(&["audit", "verify"], &env);
    assert_eq!(code, 0, "{out}{err}");
}

/// A mount made for one test, undone when dropped (`umount -l`, also when the test fails).
struct Mount(std::path::PathBuf);

impl Mount {
    /// `mount ARGS… DIR`; `None` (the test skipped) where this process may not mount: it needs root.
    fn new(test: &str, dir: &std::path::Path, args: &[&str]) -> Option<Mount> {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if !root {
            chujing_testkit::skip(
                test,
                "mounting a read-only or a full file system needs root",
            );
            return None;
        }
        // Root in a container may still lack the right to mount: that is a missing tool, not a failure.
        if let Err(why) = mount(&[args, &[dir.to_str().unwrap()]].concat()) {
            chujing_testkit::skip(test, &format!("this root may not mount here: {why}"));
            return None;
        }
        Some(Mount(dir.to_path_buf()))
    }
}

/// `mount ARGS`; what it printed on failure.
fn mount(args: &[&str]) -> Result<(), String> {
    let out = std::process::Command::new("mount")
        .args(args)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "mount {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// A CSV of `n` subject ids from `first` on.
fn ids(path: &std::path::Path, first: u64, n: u64) {
    let text: String = std::iter::once("id_number\n".to_string())
        .chain((first..first + n).map(|i| format!("{i:018}\n")))
        .collect();
    std::fs::write(path, text).unwrap();
}

fn ledger_individuals(db: &str) -> u64 {
    let (code, out, err) = chujing_env(
        &["--db", db, "ledger", "status", "--json"],
        &[("CHUJING_LEDGER_KEY", crate::util::TEST_KEY)],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["windows"][0]["individuals"].as_u64().unwrap()
}

fn ingest(db: &str, csv: &std::path::Path, date: &str) -> (i32, String) {
    try_ingest_ids(db, csv, "hr", date, None)
}

#[test]
fn a_read_only_database_refuses_the_write_with_what_to_do_and_is_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("c.db");
    let db = format!("sqlite://{}", path.display());
    let (first, second) = (tmp.path().join("a.csv"), tmp.path().join("b.csv"));
    ids(&first, 0, 2_000);
    ids(&second, 1_000_000, 2_000);
    assert_eq!(ingest(&db, &first, "2026-03-01").0, 0);
    let before = std::fs::read(&path).unwrap();

    let Some(read_only) = Mount::new(
        "a_read_only_database_refuses_the_write_with_what_to_do_and_is_left_as_it_was",
        &dir,
        &["--bind", dir.to_str().unwrap()],
    ) else {
        return;
    };
    mount(&["-o", "remount,bind,ro", dir.to_str().unwrap()]).unwrap();
    let (code, err) = ingest(&db, &second, "2026-03-02");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the database is read-only") && err.contains("nothing was written"),
        "the error says what happened and what to do: {err}"
    );
    assert_eq!(
        ledger_individuals(&db),
        2_000,
        "reading still works, and counts the first batch"
    );
    drop(read_only);

    assert!(
        std::fs::read(&path).unwrap() == before,
        "the file is as it was"
    );
    integrity_ok(&path);
    assert_eq!(ingest(&db, &second, "2026-03-02").0, 0, "writable again");
    assert_eq!(ledger_individuals(&db), 4_000);
}

#[test]
fn a_full_disk_refuses_the_write_whole_and_the_ledger_carries_on_once_space_is_freed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("small");
    std::fs::create_dir(&dir).unwrap();
    let Some(_disk) = Mount::new(
        "a_full_disk_refuses_the_write_whole_and_the_ledger_carries_on_once_space_is_freed",
        &dir,
        &["-t", "tmpfs", "-o", "size=8m", "tmpfs"],
    ) else {
        return;
    };
    let path = dir.join("c.db");
    let db = format!("sqlite://{}", path.display());
    let (first, big) = (tmp.path().join("a.csv"), tmp.path().join("big.csv"));
    ids(&first, 0, 2_000);
    ids(&big, 5_000_000, 200_000);
    assert_eq!(ingest(&db, &first, "2026-03-01").0, 0);

    // Fill the disk to the last byte.
    let filler = dir.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0_u8; 4096];
        while f.write_all(&block).is_ok() {}
    }
    let (code, err) = ingest(&db, &big, "2026-03-03");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the disk holding the database is full")
            && err.contains("nothing of this write was recorded"),
        "the error says what happened and what to do: {err}"
    );
    integrity_ok(&path);
    assert_eq!(
        ledger_individuals(&db),
        2_000,
        "the refused batch is not half there"
    );

    std::fs::remove_file(&filler).unwrap();
    assert_eq!(ingest(&db, &big, "2026-03-03").0, 0, "space freed");
    assert_eq!(ledger_individuals(&db), 202_000);
}

/// A PostgreSQL cluster of this test's own (`scripts/pg-test-server` with `CHUJING_PG_THROWAWAY=1`), so that
/// restarting it disturbs no other test; stopped and removed when dropped.
struct OwnCluster {
    url: String,
    dir: String,
}

impl OwnCluster {
    fn start(test: &str) -> Option<OwnCluster> {
        let script = crate::util::root().join("scripts/pg-test-server");
        let out = std::process::Command::new(&script)
            .env_remove("CHUJING_TEST_PG_URL")
            .env("CHUJING_PG_THROWAWAY", "1")
            .output()
            .unwrap();
        let printed = String::from_utf8(out.stdout).unwrap();
        let Some((url, dir)) = printed.trim().split_once("?pg_dir=") else {
            let why = String::from_utf8_lossy(&out.stderr).into_owned();
            chujing_testkit::skip(
                test,
                &format!("no PostgreSQL cluster of its own to restart: {why}"),
            );
            return None;
        };
        Some(OwnCluster {
            url: url.to_string(),
            dir: dir.to_string(),
        })
    }

    fn script(&self, args: &[&str]) -> std::process::ExitStatus {
        std::process::Command::new(crate::util::root().join("scripts/pg-test-server"))
            .arg(args.first().unwrap())
            .arg(&self.dir)
            .args(args.get(1..).unwrap_or_default())
            .status()
            .unwrap()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.script(&["stop"]);
    }
}

/// Runs `sql` on PostgreSQL at `url`; the first column of every row as text.
fn pg_column(url: &str, sql: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Row;
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_all(&pool)
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).unwrap())
            .collect()
    })
}

#[test]
fn postgres_restarted_under_load_gives_errors_not_wrong_answers_and_the_service_recovers_by_itself()
{
    let test = "postgres_restarted_under_load_gives_errors_not_wrong_answers_and_the_service_recovers_by_itself";
    let Some(cluster) = OwnCluster::start(test) else {
        return;
    };
    let (env, token, org) = service_with_a_processor(&cluster.url);
    let server = Server::serve(&pairs(&env));
    declare_the_flow(server.port, &token);

    let (seen, mut threads) = burst(server.port, &token, 3, false);
    // A reader beside the writers: the gate's count is never below what was acknowledged before it asked, nor
    // above what had been sent when it answered — or it is an error.
    let gate_errors = Arc::new(AtomicUsize::new(0));
    threads.push({
        let (seen, token, errors, port) = (
            seen.clone(),
            token.clone(),
            gate_errors.clone(),
            server.port,
        );
        std::thread::spawn(move || {
            while !seen.stop.load(Ordering::SeqCst) {
                let acked = seen.acked() as u64;
                let counted = individuals_before(port, &token);
                let sent = seen.sent.load(Ordering::SeqCst) as u64;
                match counted {
                    Some(n) => assert!(
                        acked * PER_BATCH <= n && n <= sent * PER_BATCH,
                        "the gate counted {n} with {acked} batches acknowledged and {sent} sent"
                    ),
                    None => {
                        errors.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        })
    });
    wait_until("20 batches are acknowledged", || seen.acked() >= 20);
    // Down for longer than the store's 10-second wait for a connection: requests in that time must fail.
    assert!(
        cluster.script(&["restart", "12"]).success(),
        "pg_ctl stop, then start"
    );
    let after_restart = seen.acked();
    wait_until("the service acknowledges 20 more batches by itself", || {
        seen.acked() >= after_restart + 20
    });
    seen.stop.store(true, Ordering::SeqCst);
    threads.into_iter().for_each(|t| t.join().unwrap());

    let statuses = seen.statuses.lock().unwrap().clone();
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 503),
        "the server kept answering, 201 or 503 (unavailable, send again): {statuses:?}"
    );
    assert!(
        statuses.contains(&503),
        "writes while the database was down were refused as unavailable, not left hanging or acknowledged"
    );
    let recorded = batches_match_their_audit_entries(|sql| pg_column(&cluster.url, sql), &org);
    let acknowledged = seen.acknowledged.lock().unwrap().clone();
    let lost: Vec<&String> = acknowledged.difference(&recorded).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert_eq!(
        individuals_before(server.port, &token),
        Some(PER_BATCH * recorded.len() as u64)
    );
    drop(server);
    audit_verifies(&env);
    eprintln!(
        "{} writes answered 201, {} refused with 503, {} gate reads refused during the restart",
        statuses.iter().filter(|s| **s == 201).count(),
        statuses.iter().filter(|s| **s == 503).count(),
        gate_errors.load(Ordering::SeqCst)
    );
}

/// `chattr +i` on files (immutable: no process may write them, root's included) until dropped; `None` (the
/// test skipped) where this process may not set the attribute (it needs root and CAP_LINUX_IMMUTABLE).
struct Immutable(Vec<std::path::PathBuf>);

impl Immutable {
    fn new(test: &str, paths: &[std::path::PathBuf]) -> Option<Immutable> {
        let mut made = Immutable(Vec::new());
        for path in paths {
            if let Err(why) = chattr("+i", path) {
                chujing_testkit::skip(test, &format!("cannot make the database immutable: {why}"));
                return None;
            }
            made.0.push(path.clone());
        }
        Some(made)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = chattr("-i", path);
        }
    }
}

fn chattr(flag: &str, path: &std::path::Path) -> Result<(), String> {
    let out = std::process::Command::new("chattr")
        .arg(flag)
        .arg(path)
        .output()
        .map_err(|e| format!("chattr: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "chattr {flag}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The reads a processor makes beside its writes: the overview and the gate's check. Each must answer 200
/// whatever happens to writes (never a 500).
fn reads_answer(port: u16, token: &str) -> Vec<(u16, String)> {
    vec![
        api(port, "GET", "/api/v1/overview", token, ""),
        api(
            port,
            "POST",
            "/api/v1/transfers/check",
            token,
            r#"{"flow": "hr", "individuals": 0}"#,
        ),
    ]
}

/// A write fault lived through by a real `serve` with six writers: writes before it, writes while `fault`
/// holds (refused, never acknowledged), writes after it is undone (the service recovers by itself), then
/// SIGKILL. Every batch answered 201 is seen by a separate reader before the kill and is in the database
/// after it; every batch has its audit entry; the chain verifies; reads answered 200 throughout.
fn writes_through_a_fault<F>(
    test: &str,
    dir: &std::path::Path,
    fault: impl FnOnce(&std::path::Path) -> Option<F>,
) {
    let path = dir.join("c.db");
    let db = format!("sqlite://{}", path.display());
    let (env, token, org) = service_with_a_processor(&db);
    let server = Server::serve(&pairs(&env));
    declare_the_flow(server.port, &token);

    let (seen, writers) = burst(server.port, &token, 6, false);
    wait_until("10 batches are acknowledged", || seen.acked() >= 10);
    let Some(fault) = fault(&path) else {
        seen.stop.store(true, Ordering::SeqCst);
        writers.into_iter().for_each(|w| w.join().unwrap());
        return;
    };
    let refused = || {
        seen.statuses
            .lock()
            .unwrap()
            .iter()
            .filter(|s| **s >= 500)
            .count()
    };
    wait_until("writes are refused while the fault holds", || {
        refused() >= 12
    });
    for (status, body) in reads_answer(server.port, &token) {
        assert_eq!(status, 200, "{test}: a read while writes fail: {body}");
    }
    drop(fault);
    let after = seen.acked();
    wait_until("the service acknowledges 30 more batches by itself", || {
        seen.acked() >= after + 30
    });
    seen.stop.store(true, Ordering::SeqCst);
    writers.into_iter().for_each(|w| w.join().unwrap());
    let acknowledged = seen.acknowledged.lock().unwrap().clone();

    // A separate reader, before the kill: an acknowledged batch is committed, not held in an open transaction.
    let visible = batches_match_their_audit_entries(|sql| sqlite_column(&path, sql), &org);
    let unseen: Vec<&String> = acknowledged.difference(&visible).collect();
    assert!(
        unseen.is_empty(),
        "{test}: acknowledged but not committed: {unseen:?}"
    );
    for (status, body) in reads_answer(server.port, &token) {
        assert_eq!(status, 200, "{test}: a read after the fault: {body}");
    }
    server.kill9();

    integrity_ok(&path);
    let recorded = batches_match_their_audit_entries(|sql| sqlite_column(&path, sql), &org);
    let lost: Vec<&String> = acknowledged.difference(&recorded).collect();
    assert!(lost.is_empty(), "{test}: acknowledged but lost: {lost:?}");
    audit_verifies(&env);
    let statuses = seen.statuses.lock().unwrap().clone();
    assert!(
        statuses.iter().all(|s| matches!(s, 201 | 409 | 503)),
        "{test}: every write answered 201, 409 (send again) or 503 (unavailable), never a 500: {statuses:?}"
    );
    let server = Server::serve(&pairs(&env));
    assert_eq!(
        individuals_before(server.port, &token),
        Some(PER_BATCH * recorded.len() as u64),
        "{test}: the restarted service counts what the database holds"
    );
}

#[test]
fn serve_whose_database_was_briefly_unwritable_acknowledges_only_committed_batches_and_recovers_by_itself()
 {
    let test = "serve_whose_database_was_briefly_unwritable_acknowledges_only_committed_batches_and_recovers_by_itself";
    let tmp = tempfile::tempdir().unwrap();
    // The database file and its write-ahead log: the service's commits go to the log, so that the file alone
    // unwritable would refuse nothing until a checkpoint (which waits for it to be writable again).
    writes_through_a_fault(test, tmp.path(), |db| {
        let log = db.with_extension("db-wal");
        assert!(log.exists(), "the service keeps a write-ahead log");
        Immutable::new(test, &[db.to_path_buf(), log])
    });
}

#[test]
fn serve_on_a_full_disk_acknowledges_only_committed_batches_and_recovers_once_space_is_freed() {
    let test =
        "serve_on_a_full_disk_acknowledges_only_committed_batches_and_recovers_once_space_is_freed";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("small");
    std::fs::create_dir(&dir).unwrap();
    let Some(_disk) = Mount::new(test, &dir, &["-t", "tmpfs", "-o", "size=32m", "tmpfs"]) else {
        return;
    };
    /// A file filling the disk to the last byte, removed when dropped.
    struct Filler(std::path::PathBuf);
    impl Drop for Filler {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    writes_through_a_fault(test, &dir, |db| {
        use std::io::Write;
        let filler = db.with_file_name("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0_u8; 4096];
        while f.write_all(&block).is_ok() {}
        Some(Filler(filler))
    });
}
