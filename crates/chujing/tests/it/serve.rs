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

/// The mode bits of `path`.
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_database_its_journal_and_its_key_are_readable_by_their_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let db = format!("sqlite://{}", path.display());
    // The command line's database (a rollback journal) and its key.
    let (code, _, err) = chujing_env(
        &["admin", "init", "--email", "admin@cac.example.cn"],
        &[("CHUJING_DATABASE_URL", &db)],
    );
    assert_eq!(code, 0, "{err}");
    let csv = dir.path().join("ids.csv");
    std::fs::write(&csv, "id_number\n110101199003071234\n").unwrap();
    let (code, _, err) = crate::util::chujing(&[
        "--db",
        &db,
        "ledger",
        "ingest",
        csv.to_str().unwrap(),
        "--subject-column",
        "id_number",
        "--flow",
        "hr",
        "--date",
        "2026-03-01",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("c.db") {
            assert_eq!(mode(&p), 0o600, "{name} is readable by its owner only");
            checked.push(name);
        }
    }
    assert!(
        checked.iter().any(|n| n == "c.db") && checked.iter().any(|n| n == "c.db.key"),
        "{checked:?}"
    );
    // The service's write-ahead log and shared memory follow the database's mode.
    let env = [("CHUJING_DATABASE_URL", db.as_str())];
    let server = crate::util::Server::serve(&env);
    assert_eq!(
        crate::util::http(server.port, "GET", "/healthz", "", "").0,
        200
    );
    for suffix in ["-wal", "-shm"] {
        let p = dir.path().join(format!("c.db{suffix}"));
        assert!(p.exists(), "{}", p.display());
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
}

#[test]
fn the_administrator_resets_disables_and_revokes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("c.db").display());
    let owned = vec![("CHUJING_DATABASE_URL", db.clone())];
    let env = crate::util::pairs(&owned);
    let run = |args: &[&str]| crate::util::admin(&owned, args);
    run(&["admin", "init", "--email", "admin@cac.example.cn"]);
    let org = run(&[
        "admin",
        "org",
        "add",
        "--kind",
        "processor",
        "--name",
        "Acme",
        "--province",
        "上海",
    ]);
    run(&[
        "admin",
        "user",
        "add",
        "--org",
        org.trim(),
        "--email",
        "ops@acme.cn",
    ]);
    let token = run(&["admin", "token", "create", "--user", "ops@acme.cn"]);
    let listed: serde_json::Value = serde_json::from_str(&run(&[
        "admin",
        "token",
        "list",
        "--user",
        "ops@acme.cn",
        "--json",
    ]))
    .unwrap();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    assert!(
        !listed.to_string().contains(token.trim()),
        "never the token itself"
    );
    let reset = run(&["admin", "user", "reset", "--email", "ops@acme.cn"]);
    assert!(reset.contains("one-time password"), "{reset}");
    let server = crate::util::Server::serve(&env);
    let (status, _) = crate::util::api(server.port, "GET", "/api/v1/flows", token.trim(), "");
    assert_eq!(status, 200, "a reset ends sessions, not API tokens");
    run(&["admin", "token", "revoke", &id]);
    let (status, _) = crate::util::api(server.port, "GET", "/api/v1/flows", token.trim(), "");
    assert_eq!(status, 401, "revoked: it stops at once");
    let token = run(&["admin", "token", "create", "--user", "ops@acme.cn"]);
    let disabled = run(&["admin", "user", "disable", "--email", "ops@acme.cn"]);
    assert!(
        disabled.contains("1 sessions and tokens revoked"),
        "{disabled}"
    );
    let (status, _) = crate::util::api(server.port, "GET", "/api/v1/flows", token.trim(), "");
    assert_eq!(status, 401, "a disabled user's token stops at once");
    let (code, _, err) = chujing_env(&["admin", "token", "revoke", "zz"], &env);
    assert_eq!(code, 2, "a malformed id is bad input: {err}");
}
