//! The schema's migrations, compiled into the binary. Built here from `include_str!` rather than by sqlx's
//! `migrate!` macro, whose proc-macro stack rebuilt sqlx, SQLite and PostgreSQL for the host in every cold
//! build. The versions, descriptions and checksums are those sqlx reads from the directories (a test checks
//! them), so a database migrated by an earlier chujing verifies.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// One migration file: its version, its description (the file name's part after the version, `_` read as a
/// space by sqlx), and its SQL.
type File = (i64, &'static str, &'static str);

macro_rules! files {
    ($dir:literal: $($version:literal $name:literal),* $(,)?) => {
        &[$((
            $version,
            $name,
            include_str!(concat!("../migrations/", $dir, "/", $name, ".sql")),
        )),*]
    };
}

/// SQLite's migrations, in `migrations/sqlite`.
const SQLITE: &[File] = files!("sqlite":
    1 "0001_ledger", 2 "0002_batch_fingerprint", 3 "0003_removals", 4 "0004_certify",
    5 "0005_processors", 6 "0006_changes", 7 "0007_record_order", 8 "0008_record_province",
);

/// PostgreSQL's migrations, in `migrations/postgres`.
const POSTGRES: &[File] = files!("postgres":
    1 "0001_ledger", 2 "0002_batch_fingerprint", 3 "0003_removals", 4 "0004_certify",
    5 "0005_processors", 6 "0006_changes", 7 "0007_record_order", 8 "0008_record_province",
);

/// The migrations of a SQLite ledger.
pub(crate) fn sqlite() -> Migrator {
    migrator(SQLITE)
}

/// The migrations of a PostgreSQL ledger.
pub(crate) fn postgres() -> Migrator {
    migrator(POSTGRES)
}

fn migrator(files: &'static [File]) -> Migrator {
    Migrator::with_migrations(files.iter().map(migration).collect())
}

/// A migration as sqlx's directory reader makes it: the description without the version, `_` as spaces; the
/// checksum of the SQL; no transaction when the file opens with `-- no-transaction`.
fn migration(&(version, name, sql): &File) -> Migration {
    let description = name.split_once('_').map_or(name, |(_, d)| d);
    Migration::new(
        version,
        Cow::Owned(description.replace('_', " ")),
        MigrationType::Simple,
        sql.into_sql_str(),
        sql.starts_with("-- no-transaction"),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// What sqlx reads from a directory: every file there, with its version, description and checksum.
    async fn from_directory(dir: &str) -> Vec<(i64, String, Vec<u8>, bool)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let read = sqlx::migrate::Migrator::new(path.as_path())
            .await
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        read.iter().map(summary).collect()
    }

    fn summary(m: &sqlx::migrate::Migration) -> (i64, String, Vec<u8>, bool) {
        (
            m.version,
            m.description.to_string(),
            m.checksum.to_vec(),
            m.no_tx,
        )
    }

    #[tokio::test]
    async fn the_compiled_in_migrations_are_the_directories_files_with_their_checksums() {
        for (dir, compiled) in [
            ("migrations/sqlite", super::sqlite()),
            ("migrations/postgres", super::postgres()),
        ] {
            let compiled: Vec<_> = compiled.iter().map(summary).collect();
            assert_eq!(compiled, from_directory(dir).await, "{dir}");
        }
    }
}
