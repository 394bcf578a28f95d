//! The count on an Apache Ballista cluster the test starts itself — one `chujing engine scheduler` and two
//! `chujing engine executor` processes on loopback — against the native ledger, DataFusion on one machine and
//! an independent count; and an executor killed mid-job, which fails the count or is retried, never shrinks it.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{Server, TEST_KEY, chujing_env, free_port};

/// A scheduler and two executors, all with the test's ledger key; dropped, they are killed.
struct Cluster {
    scheduler: String,
    _scheduler: Server,
    executors: Vec<Server>,
    _work: tempfile::TempDir,
}

const KEY: (&str, &str) = ("CHUJING_LEDGER_KEY", TEST_KEY);

impl Cluster {
    #[expect(
        clippy::disallowed_methods,
        reason = "gives the executors a moment to register"
    )]
    fn start() -> Cluster {
        let work = tempfile::tempdir().unwrap();
        let port = free_port();
        let scheduler = format!("127.0.0.1:{port}");
        // An executor silent for 6 s is lost; they beat every 2 s.
        let sched = Server::spawn(
            &[
                "engine",
                "scheduler",
                "--bind",
                &scheduler,
                "--executor-timeout",
                "6",
            ],
            port,
            &[KEY],
        );
        let executors = (0..2)
            .map(|i| {
                let (flight, grpc) = (free_port(), free_port());
                let bind = format!("127.0.0.1:{flight}");
                let dir = work.path().join(format!("executor-{i}"));
                let (grpc, dir) = (grpc.to_string(), dir.display().to_string());
                let args = [
                    "engine",
                    "executor",
                    "--scheduler",
                    &scheduler,
                    "--bind",
                    &bind,
                    "--grpc-port",
                    &grpc,
                    "--work-dir",
                    &dir,
                    "--concurrency",
                    "2",
                    "--heartbeat",
                    "2",
                ];
                Server::spawn(&args, flight, &[KEY])
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_secs(2));
        Cluster {
            scheduler,
            _scheduler: sched,
            executors,
            _work: work,
        }
    }
}

/// Writes `files` CSV files of `rows` rows each over `people` distinct people (keys written two ways, every
/// seventh sensitive) into `dir`, and the same rows as one file `all.csv` beside it; returns the independent
/// count (distinct, distinct sensitive).
fn dataset(dir: &Path, files: usize, rows: usize, people: u64) -> (u64, u64) {
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    let (mut all, mut sensitive) = (HashSet::new(), HashSet::new());
    let mut whole = String::from("id,sensitive\n");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for f in 0..files {
        let mut text = String::from("id,sensitive\n");
        for _ in 0..rows {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let person = (state >> 33) % people;
            let flag = person.is_multiple_of(7);
            // One person, two spellings: the normaliser makes them one.
            let key = if state & 1 == 0 {
                format!("1{person:010}")
            } else {
                format!("+86 1{person:010}")
            };
            let line = format!("{key},{}\n", if flag { "yes" } else { "no" });
            text.push_str(&line);
            whole.push_str(&line);
            all.insert(person);
            if flag {
                sensitive.insert(person);
            }
        }
        std::fs::write(dir.join("parts").join(format!("part-{f:02}.csv")), text).unwrap();
    }
    std::fs::write(dir.join("all.csv"), whole).unwrap();
    (all.len() as u64, sensitive.len() as u64)
}

/// `ledger ingest` of `input` into a fresh SQLite ledger in `dir` with `engine`; the exit code, and the
/// batch's (individuals, sensitive) as `ledger batches` reads them back.
fn ingest(dir: &Path, name: &str, input: &Path, engine: &str) -> (i32, Option<(u64, u64)>, String) {
    let db = format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    let input = input.display().to_string();
    let (code, _, err) = chujing_env(
        &[
            "ledger",
            "ingest",
            &input,
            "--engine",
            engine,
            "--subject-column",
            "id",
            "--sensitive-column",
            "sensitive",
            "--flow",
            "app",
            "--date",
            "2026-06-01",
            "--db",
            &db,
        ],
        &[KEY],
    );
    let (_, out, _) = chujing_env(&["ledger", "batches", "--json", "--db", &db], &[KEY]);
    let batches: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
    let counted = batches["batches"].get(0).map(|b| {
        (
            b["individuals"].as_u64().unwrap(),
            b["sensitive_individuals"].as_u64().unwrap(),
        )
    });
    (code, counted, err)
}

#[test]
fn the_cluster_counts_exactly_what_the_native_ledger_and_an_independent_count_do() {
    if !crate::util::ballista_built(
        "the_cluster_counts_exactly_what_the_native_ledger_and_an_independent_count_do",
    ) {
        return;
    }
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let expected = dataset(dir.path(), 6, 4_000, 15_000);
    let parts = dir.path().join("parts");
    let native = ingest(dir.path(), "native", &dir.path().join("all.csv"), "native");
    let local = ingest(dir.path(), "local", &parts, "datafusion");
    let engine = format!("ballista://{}", cluster.scheduler);
    let on_cluster = ingest(dir.path(), "cluster", &parts, &engine);
    assert_eq!(
        (native.0, local.0, on_cluster.0),
        (0, 0, 0),
        "{} {} {}",
        native.2,
        local.2,
        on_cluster.2
    );
    assert_eq!(native.1, Some(expected));
    assert_eq!(local.1, Some(expected));
    assert_eq!(on_cluster.1, Some(expected), "{}", on_cluster.2);
}

#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "kills a worker while the job runs"
)]
fn an_executor_killed_mid_job_fails_the_count_or_is_retried_never_a_smaller_count() {
    if !crate::util::ballista_built(
        "an_executor_killed_mid_job_fails_the_count_or_is_retried_never_a_smaller_count",
    ) {
        return;
    }
    let mut cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let expected = dataset(dir.path(), 12, 40_000, 200_000);
    let parts = dir.path().join("parts");
    let engine = format!("ballista://{}", cluster.scheduler);
    let (path, name) = (dir.path().to_path_buf(), parts.clone());
    let job = std::thread::spawn(move || ingest(&path, "cluster", &name, &engine));
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(
        !job.is_finished(),
        "the count ended before the executor was killed: the dataset is too small to test a kill mid-job"
    );
    cluster.executors.remove(0).kill9();
    let (code, counted, err) = job.join().unwrap();
    eprintln!(
        "after the kill: exit {code}, counted {counted:?} (expected {expected:?}); {}",
        err.trim()
    );
    if code == 0 {
        assert_eq!(
            counted,
            Some(expected),
            "a count that succeeded must be exact"
        );
    } else {
        assert_eq!(counted, None, "a failed count stores nothing: {err}");
        assert!(!err.trim().is_empty(), "a failed count says why");
    }
}

#[test]
fn the_cluster_scans_a_dataset_as_the_native_scanner_scans_its_rows() {
    if !crate::util::ballista_built(
        "the_cluster_scans_a_dataset_as_the_native_scanner_scans_its_rows",
    ) {
        return;
    }
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("parts")).unwrap();
    let header = "id,手机号码,email,病历\n";
    let mut whole = String::from(header);
    for f in 0..4 {
        let mut text = String::from(header);
        for i in 0..2_000u64 {
            let n = f * 2_000 + i;
            let diagnosis = if n % 11 == 0 { "糖尿病" } else { "" };
            let line = format!(
                "u{},1{:010},p{}@example.cn,{diagnosis}\n",
                n % 5_000,
                3_800_000_000 + n * 7,
                n % 3_000
            );
            text.push_str(&line);
            whole.push_str(&line);
        }
        std::fs::write(dir.path().join("parts").join(format!("part-{f}.csv")), text).unwrap();
    }
    let all = dir.path().join("all.csv");
    std::fs::write(&all, whole).unwrap();
    let scan = |path: &Path, engine: &str| {
        let path = path.display().to_string();
        let (code, out, err) = chujing_env(
            &[
                "scan",
                &path,
                "--engine",
                engine,
                "--subject-column",
                "id",
                "--as-of",
                "2026-12-07",
                "--json",
            ],
            &[],
        );
        assert_eq!(code, 0, "{err}");
        crate::util::comparable_scan(&out)
    };
    let native = scan(&all, "native");
    let parts = dir.path().join("parts");
    let local = scan(&parts, "datafusion");
    let on_cluster = scan(&parts, &format!("ballista://{}", cluster.scheduler));
    assert_eq!(native["individuals"]["with_personal_information"], 5_000);
    assert_eq!(local, native);
    assert_eq!(on_cluster, native);
}
