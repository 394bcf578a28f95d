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

/// One database, two doors: what the command line records for a processor organisation is that
/// organisation's in the service, and the other way round.
#[test]
fn the_command_line_and_the_service_act_on_one_processor_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("c.db").display());
    let owned = vec![
        ("CHUJING_DATABASE_URL", db.clone()),
        ("CHUJING_LEDGER_KEY", crate::util::TEST_KEY.to_string()),
        ("CHUJING_MASTER_KEY", crate::util::MASTER_KEY.to_string()),
    ];
    let env = crate::util::pairs(&owned);
    let run = |args: &[&str]| crate::util::admin(&owned, args);
    run(&["admin", "init", "--email", "admin@cac.example.cn"]);
    let acme = run(&[
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
    run(&[
        "admin",
        "org",
        "add",
        "--kind",
        "processor",
        "--name",
        "Other",
        "--province",
        "330000",
    ]);
    run(&[
        "admin",
        "user",
        "add",
        "--org",
        &acme,
        "--email",
        "ops@acme.cn",
    ]);
    let token = run(&["admin", "token", "create", "--user", "ops@acme.cn"]);

    // Two processors: a ledger command names one.
    let (code, _, err) = chujing_env(&["processor", "set", "--ciio", "true"], &env);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--org") && err.contains("Acme") && err.contains("Other"),
        "{err}"
    );
    run(&[
        "processor",
        "set",
        "--org",
        "Acme",
        "--ciio",
        "true",
        "--located-in-china",
        "true",
    ]);
    let csv = dir.path().join("ids.csv");
    std::fs::write(&csv, "id_number\n110101199003071234\n110101199003075678\n").unwrap();
    run(&[
        "ledger",
        "ingest",
        csv.to_str().unwrap(),
        "--subject-column",
        "id_number",
        "--flow",
        "crm",
        "--date",
        "2026-03-01",
        "--batch-id",
        "from-cli",
        "--org",
        &acme,
    ]);

    run(&[
        "flow",
        "set",
        "crm",
        "--org",
        "Acme",
        "--recipient",
        "Acme Inc",
        "--country",
        "US",
        "--important-data",
        "false",
    ]);

    let server = crate::util::Server::serve(&env);
    let (status, flows) = crate::util::api(server.port, "GET", "/api/v1/flows", &token, "");
    assert_eq!(status, 200, "{flows}");
    let flows: serde_json::Value = serde_json::from_str(&flows).unwrap();
    let crm = flows["items"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == "crm"))
        .unwrap_or_else(|| panic!("the command line's flow is the service's: {flows}"));
    assert_eq!(
        (crm["recipient"].as_str(), crm["country"].as_str()),
        (Some("Acme Inc"), Some("US")),
        "{crm}"
    );
    let (status, facts) = crate::util::api(server.port, "GET", "/api/v1/processor", &token, "");
    assert_eq!(status, 200, "{facts}");
    let facts: serde_json::Value = serde_json::from_str(&facts).unwrap();
    assert_eq!(
        (facts["name"].as_str(), facts["ciio"].as_bool()),
        (Some("Acme"), Some(true))
    );
    let (_, listed) = crate::util::api(server.port, "GET", "/api/v1/transfers", &token, "");
    assert!(
        listed.contains("\"from-cli\""),
        "the command line's batch is the organisation's: {listed}"
    );
    let flow = r#"{"recipient": "Acme GmbH", "country": "DE"}"#;
    assert_eq!(
        crate::util::api(server.port, "PUT", "/api/v1/flows/hr", &token, flow).0,
        200
    );
    let batch = r#"{"batch_id": "from-api", "flow": "hr", "individuals": 5}"#;
    let (status, body) = crate::util::api(server.port, "POST", "/api/v1/transfers", &token, batch);
    assert_eq!(status, 201, "{body}");
    drop(server);

    let batches = run(&["ledger", "batches", "--org", "Acme", "--json"]);
    assert!(
        batches.contains("\"from-api\"") && batches.contains("\"from-cli\""),
        "{batches}"
    );
    // The command line's writes are in the audit log, as the organisation's.
    let (code, out, err) = chujing_env(&["audit", "verify", "--json"], &env);
    assert_eq!(code, 0, "{out}{err}");
    let log = crate::util::sqlite_rows(
        &dir.path().join("c.db"),
        "SELECT action || ' ' || subject FROM audit_log",
    );
    assert!(
        log.iter()
            .any(|l| l == &format!("transfer.record batch/{acme}/from-cli")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l == &format!("processor.put processor/{acme}")),
        "{log:?}"
    );
}

/// A ledger written before every processor was an organisation (the processor `''`) becomes one
/// organisation's, once, with nothing lost.
#[test]
fn a_ledger_of_the_unnamed_processor_becomes_an_organisations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let db = format!("sqlite://{}", path.display());
    let owned = vec![
        ("CHUJING_DATABASE_URL", db.clone()),
        ("CHUJING_LEDGER_KEY", crate::util::TEST_KEY.to_string()),
    ];
    let run = |args: &[&str]| crate::util::admin(&owned, args);
    let csv = dir.path().join("ids.csv");
    std::fs::write(&csv, "id_number\n110101199003071234\n").unwrap();
    run(&[
        "ledger",
        "ingest",
        csv.to_str().unwrap(),
        "--subject-column",
        "id_number",
        "--flow",
        "crm",
        "--date",
        "2026-03-01",
    ]);
    run(&[
        "processor",
        "set",
        "--name",
        "Acme",
        "--ciio",
        "false",
        "--located-in-china",
        "true",
    ]);
    // As an earlier chujing left it: every row of the processor '' and no organisation.
    let org = crate::util::sqlite_rows(&path, "SELECT id FROM records WHERE kind = 'org'");
    let o = &org[0];
    for sql in [
        // The parts refer to their batch: a copy of the batch first, the parts moved, the old batch taken away.
        format!(
            "INSERT INTO batches SELECT '', batch_id, flow_id, date, recipient, categories, key_id, records, \
             individuals, sensitive_individuals, parts, fingerprint FROM batches WHERE processor = '{o}'"
        ),
        format!("UPDATE batch_parts SET processor = '' WHERE processor = '{o}'"),
        format!("DELETE FROM batches WHERE processor = '{o}'"),
        format!("UPDATE settings SET key = 'processor' WHERE key = 'processor/{o}'"),
        "DELETE FROM records WHERE kind = 'org'".to_string(),
        // Its flows in the ledger's own table, where `flow set` kept them.
        "DELETE FROM records WHERE kind = 'flow'".to_string(),
        "INSERT INTO flows (processor, id, settings) VALUES ('', 'crm', \
         '{\"id\":\"crm\",\"exemption\":null,\"important_data\":true,\"mechanism\":null}')"
            .to_string(),
        "DELETE FROM settings WHERE key LIKE 'upgrade/%'".to_string(),
    ] {
        crate::util::sqlite_rows(&path, &sql);
    }
    let status = run(&["ledger", "status", "--json", "--as-of", "2026-03-02"]);
    let v: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(v["windows"][0]["individuals"], 1, "{v}");
    let orgs = crate::util::sqlite_rows(&path, "SELECT body FROM records WHERE kind = 'org'");
    assert_eq!(orgs.len(), 1, "{orgs:?}");
    assert!(
        orgs[0].contains("\"Acme\""),
        "named as its facts name it: {orgs:?}"
    );
    assert!(
        crate::util::sqlite_rows(&path, "SELECT batch_id FROM batches WHERE processor = ''")
            .is_empty()
    );
    // Its flow is now the organisation's flow record: important data still decides.
    let flows = run(&["flow", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&flows).unwrap();
    assert_eq!(
        (v[0]["id"].as_str(), v[0]["important_data"].as_bool()),
        (Some("crm"), Some(true)),
        "{v}"
    );
    assert!(crate::util::sqlite_rows(&path, "SELECT id FROM flows").is_empty());
}
