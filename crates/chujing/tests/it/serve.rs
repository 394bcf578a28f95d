//! `chujing admin` and `chujing audit verify`: set-up from the command line, and a log edited in the
//! database caught with the entry named.

use crate::util::chujing_env;

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
