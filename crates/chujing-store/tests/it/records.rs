//! The certification records and the audit log, against SQLite and PostgreSQL: no lost update, no counter
//! value twice, and an audit log that names its first tampered entry.

use chujing_store::records::{Filter, Record};
use chujing_store::{Store, StoreError};

fn rec(id: &str, org: &str, state: &str) -> Record {
    Record {
        kind: "application".into(),
        id: id.into(),
        org: org.into(),
        party: "body1".into(),
        state: state.into(),
        search: format!("{id} {org}"),
        body: "{}".into(),
        version: 1,
        updated_at: "2026-11-23T10:00:00Z".into(),
        seq: 0,
        province: String::new(),
    }
}

async fn story(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let mut w = store.write().await.unwrap();
    w.insert(&rec("a1", "p1", "draft")).await.unwrap();
    w.audit(
        "2026-11-23T10:00:00Z",
        "u1",
        "application.create",
        "application/a1",
        "{}",
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    // A second insert of the same id is a conflict.
    let mut w = store.write().await.unwrap();
    assert!(matches!(
        w.insert(&rec("a1", "p1", "draft")).await,
        Err(StoreError::Conflict(_))
    ));
    drop(w);
    // Two writers read version 1; the second to write loses, and nothing is overwritten.
    let read = store.record("application", "a1").await.unwrap().unwrap();
    let mut w = store.write().await.unwrap();
    w.update(&Record {
        state: "submitted".into(),
        ..read.clone()
    })
    .await
    .unwrap();
    w.commit().await.unwrap();
    let mut w = store.write().await.unwrap();
    let stale = w
        .update(&Record {
            state: "withdrawn".into(),
            ..read
        })
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    drop(w);
    let now = store.record("application", "a1").await.unwrap().unwrap();
    assert_eq!((now.state.as_str(), now.version), ("submitted", 2));
    // Filters.
    let mut w = store.write().await.unwrap();
    w.insert(&rec("a2", "p2", "draft")).await.unwrap();
    assert_eq!(w.next("cert-2026").await.unwrap(), 1);
    assert_eq!(w.next("cert-2026").await.unwrap(), 2);
    w.audit(
        "2026-11-23T10:01:00Z",
        "u2",
        "application.create",
        "application/a2",
        "{}",
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let by = |f: Filter<'static>| {
        let store = store.clone();
        async move {
            store
                .records("application", &f)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        by(Filter {
            org: Some("p2"),
            ..Filter::default()
        })
        .await,
        ["a2"]
    );
    assert_eq!(
        by(Filter {
            party: Some("body1"),
            ..Filter::default()
        })
        .await
        .len(),
        2
    );
    assert_eq!(
        by(Filter {
            state: Some("submitted"),
            ..Filter::default()
        })
        .await,
        ["a1"]
    );
    assert_eq!(
        by(Filter {
            search: Some("p2"),
            ..Filter::default()
        })
        .await,
        ["a2"]
    );
    // A dropped write leaves nothing: the counter value it took is not lost to a gap that matters, and
    // the audit log has exactly the committed entries.
    assert_eq!(store.verify_audit().await.unwrap(), Ok(2));
}

async fn tamper(url: &str, edit: &'static str) -> String {
    let store = Store::connect(url).await.unwrap();
    for i in 1..=3 {
        let mut w = store.write().await.unwrap();
        w.audit(
            "2026-11-23T10:00:00Z",
            "u1",
            "x",
            &format!("s/{i}"),
            &format!("{{\"n\":{i}}}"),
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
    }
    assert_eq!(store.verify_audit().await.unwrap(), Ok(3));
    run_sql(url, edit).await;
    store.verify_audit().await.unwrap().unwrap_err().to_string()
}

async fn run_sql(url: &str, sql: &'static str) {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
}

async fn tampering(url: impl Fn(&str) -> String) {
    let edited = tamper(
        &url("e"),
        "UPDATE audit_log SET content = '{\"n\":9}' WHERE seq = 2",
    )
    .await;
    assert_eq!(
        edited,
        "audit log entry 2: its content does not match its hash: it was edited"
    );
    let deleted = tamper(&url("d"), "DELETE FROM audit_log WHERE seq = 2").await;
    assert!(
        deleted.starts_with("audit log entry 2: missing or reordered"),
        "{deleted}"
    );
    let last = tamper(&url("l"), "DELETE FROM audit_log WHERE seq = 3").await;
    assert!(
        last.starts_with("audit log entry 3: the log ends at entry 2"),
        "{last}"
    );
    let swapped = tamper(
        &url("s"),
        "UPDATE audit_log SET subject = CASE seq WHEN 1 THEN 's/2' WHEN 2 THEN 's/1' ELSE subject END",
    )
    .await;
    assert!(
        swapped.starts_with("audit log entry 1: its content"),
        "{swapped}"
    );
}

#[tokio::test]
async fn records_and_audit_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&format!("sqlite://{}", dir.path().join("c.db").display())).await;
    let path = dir.path().to_path_buf();
    tampering(move |n| format!("sqlite://{}", path.join(format!("t{n}.db")).display())).await;
}

#[tokio::test]
async fn records_and_audit_on_postgres() {
    let test = "records_and_audit_on_postgres";
    let Some(db) = chujing_testkit::PgDatabase::create(test, "chujing_records") else {
        return;
    };
    story(&db.url).await;
    let mut dbs = Vec::new();
    for n in ["e", "d", "l", "s"] {
        let Some(d) = chujing_testkit::PgDatabase::create(test, &format!("chujing_tamper_{n}"))
        else {
            return;
        };
        dbs.push((n, d));
    }
    let urls: Vec<(String, String)> = dbs
        .iter()
        .map(|(n, d)| (n.to_string(), d.url.clone()))
        .collect();
    tampering(move |n| {
        urls.iter()
            .find(|(k, _)| k == n)
            .map(|(_, u)| u.clone())
            .unwrap_or_default()
    })
    .await;
}
