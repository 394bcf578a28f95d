//! `chujing admin` and `chujing audit verify`: set-up from the command line, and a log edited in the
//! database caught with the entry named.

use crate::util::Write;
use crate::util::{Server, api as http, chujing_env};

#[test]
fn admin_sets_up_the_service_and_audit_verify_catches_an_edited_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("c.db").display());
    let run = |args: &[&str]| {
        let (code, out, err) = chujing_env(args, &[("CHUJING_DATABASE_URL", &db)]);
        assert_eq!(code, 0, "{args:?}: {err}");
        (out, err)
    };
    let (out, _) = run(&["admin", "init", "--email", "admin@cac.example.cn"]);
    assert!(out.contains("one-time password"), "{out}");
    let (again, err) = {
        let (code, out, err) = chujing_env(
            &["admin", "init", "--email", "x@cac.example.cn"],
            &[("CHUJING_DATABASE_URL", &db)],
        );
        (code, format!("{out}{err}"))
    };
    assert_ne!(again, 0, "a second init is refused: {err}");
    let (org, _) = run(&[
        "admin",
        "org",
        "add",
        "--kind",
        "processor",
        "--name",
        "Acme",
        "--province",
        "310000",
    ]);
    let org = org.trim();
    assert!(org.starts_with("org-"), "{org}");
    let (code, _, err) = chujing_env(
        &[
            "admin",
            "org",
            "add",
            "--kind",
            "processor",
            "--name",
            "No Province",
        ],
        &[("CHUJING_DATABASE_URL", &db)],
    );
    assert_eq!(
        code, 2,
        "a processor without a province is bad input: {err}"
    );
    run(&[
        "admin",
        "user",
        "add",
        "--org",
        org,
        "--email",
        "ops@acme.cn",
    ]);
    let (token, _) = run(&["admin", "token", "create", "--user", "ops@acme.cn"]);
    assert!(
        token.trim().starts_with("cj_") && token.trim().len() == 67,
        "{token}"
    );

    let (out, _) = run(&["audit", "verify", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 5, "init (org, user), org, user, token: {v}");

    // Someone edits the user's entry in the database.
    let conn = edit_fourth_entry(&dir.path().join("c.db"));
    assert!(conn, "the edit ran");
    let (code, out, _) = chujing_env(&["audit", "verify"], &[("CHUJING_DATABASE_URL", &db)]);
    assert_eq!(code, 6, "{out}");
    assert!(
        out.contains("BROKEN: audit log entry 4: its content does not match its hash"),
        "{out}"
    );
}

/// Edits the fourth audit entry's content with plain SQL, as an intruder with database access would.
fn edit_fourth_entry(path: &std::path::Path) -> bool {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET content = '{\"org\":\"someone-else\"}' WHERE seq = 4")
            .execute(&pool)
            .await
            .unwrap()
            .rows_affected()
            == 1
    })
}

#[expect(
    clippy::disallowed_methods,
    reason = "a server sees another's changes within a bound of real time"
)]
fn wait_past_the_staleness_bound() {
    std::thread::sleep(std::time::Duration::from_millis(20));
}

/// Two `chujing serve` processes on one PostgreSQL database, written to at once: every sequence number
/// (orders here; certificate numbers come from the same counter in the same kind of write) is issued once
/// and none is skipped, every batch is counted, a batch id sent to both at once is recorded once, and the
/// audit log stays one unbroken chain.
#[test]
fn two_servers_on_one_postgres_database_issue_each_number_once_and_lose_no_update() {
    let Some(pg) =
        chujing_testkit::PgDatabase::create("two_servers_on_one_postgres_database", "chujing_two")
    else {
        return;
    };
    let (owned, processor, org) = crate::util::service_with_a_processor(&pg.url);
    let regulator = crate::util::admin(
        &owned,
        &["admin", "token", "create", "--user", "admin@cac.example.cn"],
    );
    let env = crate::util::pairs(&owned);

    let servers = [Server::serve(&env), Server::serve(&env)];
    let ports = [servers[0].port, servers[1].port];
    crate::util::declare_the_flow(ports[0], &processor);

    let writers = crate::util::Writers {
        regulator,
        processor: processor.clone(),
        org,
        body: String::new(),
    };
    let threads: Vec<_> = (0..24)
        .map(|i| {
            let (port, writers) = (ports[i % 2], writers.clone());
            let write = [Write::Order, Write::Batch(i), Write::SameBatch][i % 3];
            std::thread::spawn(move || writers.send(port, write))
        })
        .collect();
    let answers: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    assert_eq!(
        crate::util::order_numbers(answers.iter().step_by(3)),
        (1..=8).collect::<Vec<u64>>(),
        "each order number once, none skipped"
    );
    let same: Vec<u16> = answers.iter().skip(2).step_by(3).map(|(s, _)| *s).collect();
    assert_eq!(
        same.iter().filter(|s| **s == 201).count(),
        1,
        "recorded once: {same:?}"
    );
    assert!(same.iter().all(|s| [200, 201, 409].contains(s)), "{same:?}");
    for (s, b) in answers.iter().skip(1).step_by(3) {
        assert_eq!(*s, 201, "{b}");
    }

    // Every batch counted: 8 × 1,000 + 7, by either server once its staleness bound (1 ms unless set) has
    // passed since the other's last write.
    wait_past_the_staleness_bound();
    assert_eq!(
        crate::util::individuals_before(ports[1], &processor),
        Some(8_007)
    );
    drop(servers);
    crate::util::audit_verifies(&owned);
}

/// `serve` reads its configuration once, at start, and refuses a bad one before it listens: a rules directory
/// that does not read (like every other command's `--rules`), a metrics token too short to be a secret. With a
/// good token, `/metrics` answers that token only, and every answer carries the security headers.
#[test]
fn serve_reads_its_rules_and_metrics_token_at_start_and_refuses_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let missing = dir.path().join("no-such-rules");
    let (code, _, err) = crate::util::chujing(&[
        "--db",
        &db,
        "--rules",
        missing.to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no-such-rules"), "{err}");
    let short = dir.path().join("short-token");
    std::fs::write(&short, "abc\n").unwrap();
    let (code, _, err) = crate::util::chujing(&[
        "--db",
        &db,
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--metrics-token-file",
        short.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("short-token") && err.contains("16 characters"),
        "{err}"
    );

    let token = "0123456789abcdef0123456789abcdef";
    let file = dir.path().join("metrics-token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let server = Server::serve(&[
        ("CHUJING_DATABASE_URL", db.as_str()),
        ("CHUJING_METRICS_TOKEN_FILE", file.to_str().unwrap()),
    ]);
    let (status, body) = http(server.port, "GET", "/metrics", "not-the-token", "");
    assert_eq!(status, 401, "{body}");
    let (status, body) = http(server.port, "GET", "/metrics", token, "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("chujing_http_requests_total"), "{body}");
}
