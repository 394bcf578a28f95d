//! The database's change number: every write transaction moves it, a rolled-back one does not, and a process
//! sees its own commits at once and another process's within its staleness bound.

use std::time::Duration;

use chujing_ledger::LedgerStore;
use chujing_store::Store;
use chujing_store::records::Record;

fn rec(id: &str) -> Record {
    Record {
        kind: "flow".into(),
        id: id.into(),
        org: "p1".into(),
        party: String::new(),
        state: "active".into(),
        search: id.into(),
        body: "{}".into(),
        version: 1,
        updated_at: "2026-11-23T10:00:00Z".into(),
        seq: 0,
        province: String::new(),
    }
}

async fn changes(url: &str) {
    // Two pools on one database stand for two processes; this one reuses a read for an hour.
    let here = Store::connect(url)
        .await
        .unwrap()
        .with_staleness(Duration::from_secs(3600));
    let there = Store::connect(url).await.unwrap();
    let start = here.recent_changes().await.unwrap();
    assert_eq!(start, here.changes().await.unwrap());

    let mut w = here.write().await.unwrap();
    assert_eq!(w.changes_before().await.unwrap(), start);
    w.insert(&rec("f1")).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        here.recent_changes().await.unwrap(),
        start + 1,
        "a process's own commit is seen at once, whatever the bound"
    );

    let mut w = here.write().await.unwrap();
    w.insert(&rec("f2")).await.unwrap();
    drop(w);
    assert_eq!(
        there.changes().await.unwrap(),
        start + 1,
        "a rolled-back write leaves the number"
    );

    // The ledger's own writes move it too: a batch, a setting, a flow, a removal.
    let ledger = there.for_processor("p1");
    let b = crate::story::batch("b1", "crm", "2026-03-01", 0..10, 0..0);
    ledger.insert_batch(&b).await.unwrap();
    ledger.set_setting("k", "v").await.unwrap();
    ledger
        .remove_batch("b1", "test", "2026-11-23T10:00:00Z")
        .await
        .unwrap();
    assert_eq!(there.changes().await.unwrap(), start + 4);

    assert_eq!(
        here.recent_changes().await.unwrap(),
        start + 1,
        "another process's changes are seen within the bound, not before"
    );
    let eager = here.clone().with_staleness(Duration::ZERO);
    assert_eq!(eager.recent_changes().await.unwrap(), start + 4);
}

#[tokio::test]
async fn change_number_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    changes(&format!("sqlite://{}", dir.path().join("c.db").display())).await;
}

#[tokio::test]
async fn change_number_on_postgres() {
    let Some(db) =
        chujing_testkit::PgDatabase::create("change_number_on_postgres", "chujing_changes")
    else {
        return;
    };
    changes(&db.url).await;
}
