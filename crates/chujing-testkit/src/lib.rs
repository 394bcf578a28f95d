//! Honest skips. Rust's test harness has no run-time skip: a test that returns early counts as passed. A
//! test that cannot find what it needs calls [`skip`] (or a helper built on it) instead, which
//!
//! - under CI (`CI` set), fails the test: CI installs everything, so an absence there is a broken set-up;
//! - elsewhere, prints the reason and appends a line `SKIPPED <test>: <reason>` to the file named by
//!   `CHUJING_SKIP_LOG`, which `scripts/test` counts: its closing line reports these tests as skipped, not
//!   passed.

#![deny(missing_docs)]

use std::io::Write;

/// Records that `test` is skipped for `reason`; panics under CI. Call it, then return from the test.
#[allow(clippy::panic, reason = "failing the test under CI is the point")]
pub fn skip(test: &str, reason: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {reason} — CI must provide it (scripts/test does)");
    }
    eprintln!("SKIPPED {test}: {reason}");
    if let Some(log) = std::env::var_os("CHUJING_SKIP_LOG")
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
    {
        let _ = writeln!(file, "SKIPPED {test}: {reason}");
    }
}

/// The PostgreSQL server of the tests (`CHUJING_TEST_PG_URL`), or `None` after recording the skip.
pub fn postgres(test: &str) -> Option<String> {
    let url = std::env::var("CHUJING_TEST_PG_URL").ok();
    if url.is_none() {
        skip(
            test,
            "needs PostgreSQL: set CHUJING_TEST_PG_URL (scripts/test starts a server)",
        );
    }
    url
}

/// Whether the command `tool` runs here; records the skip when it does not.
pub fn tool(test: &str, tool: &str, package: &str) -> bool {
    let ok = std::process::Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        skip(
            test,
            &format!("needs `{tool}` (Debian's {package}; scripts/test-tools installs it)"),
        );
    }
    ok
}

/// A fresh, empty PostgreSQL database for one test, dropped when the value is. Created with `psql` against
/// the server `CHUJING_TEST_PG_URL` names (trust authentication, as `scripts/pg-test-server` sets up).
#[derive(Debug)]
pub struct PgDatabase {
    admin: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl PgDatabase {
    /// Creates a database named `<prefix>_<process id>`; records the skip (and returns `None`) when there is
    /// no PostgreSQL.
    #[allow(clippy::panic, reason = "a test set-up that fails must fail the test")]
    pub fn create(test: &str, prefix: &str) -> Option<PgDatabase> {
        let admin = postgres(test)?;
        let name = format!("{prefix}_{}", std::process::id());
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let db = PgDatabase {
            url: format!("{base}/{name}"),
            admin: admin.clone(),
            name,
        };
        for sql in [db.drop_sql(), format!("CREATE DATABASE {}", db.name)] {
            if let Err(e) = db.psql(&sql) {
                panic!("{test}: {e}");
            }
        }
        Some(db)
    }

    fn drop_sql(&self) -> String {
        format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
    }

    fn psql(&self, sql: &str) -> Result<(), String> {
        let status = std::process::Command::new("psql")
            .args([self.admin.as_str(), "-qc", sql])
            .status()
            .map_err(|e| format!("cannot run psql (Debian's postgresql-client): {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("psql `{sql}` failed: {status}"))
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Err(e) = self.psql(&self.drop_sql()) {
            eprintln!("could not drop the test database: {e}");
        }
    }
}
