//! A damaged ledger is refused, never read as a smaller count.

use chujing_law::Date;
use chujing_ledger::{BatchMeta, HashKey, LedgerStore, StoredBatch, SubjectHasher, SubjectSet};
use chujing_store::{Store, StoreError};

fn batch(people: u32) -> StoredBatch {
    let h = SubjectHasher::new(&HashKey::new([9; 16]));
    let subjects = SubjectSet::from_hashes((0..people).map(|i| h.hash(&i.to_string())).collect());
    StoredBatch {
        meta: BatchMeta {
            fingerprint: "f".into(),
            batch_id: "b1".into(),
            flow_id: "crm".into(),
            date: Date::parse("2026-05-01").unwrap(),
            recipient: None,
            categories: Vec::new(),
            key_id: h.key_id().into(),
            records: u64::from(people),
            individuals: u64::from(people),
            sensitive_individuals: 0,
        },
        sensitive: SubjectSet::default(),
        subjects,
    }
}

/// A SQLite ledger holding one batch of 1,000 people in parts of 64, and a raw connection to damage it.
async fn ledger() -> (tempfile::TempDir, Store, sqlx::SqlitePool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("l.db").display());
    let store = Store::connect(&url).await.unwrap().with_part_hashes(64);
    store.insert_batch(&batch(1_000)).await.unwrap();
    let raw = sqlx::SqlitePool::connect(&url).await.unwrap();
    (dir, store, raw)
}

async fn read(store: &Store) -> Result<Vec<StoredBatch>, StoreError> {
    let (from, to) = (
        Date::parse("2026-01-01").unwrap(),
        Date::parse("2026-12-31").unwrap(),
    );
    store.batches_between(from, to).await
}

#[tokio::test]
async fn a_missing_part_is_an_error_not_a_smaller_count() {
    // Before: the parts were read until the first gap, and the batch came back with 640 of its 1,000 people.
    let (_dir, store, raw) = ledger().await;
    assert_eq!(read(&store).await.unwrap()[0].subjects.len(), 1_000);
    sqlx::query("DELETE FROM batch_parts WHERE part = 10")
        .execute(&raw)
        .await
        .unwrap();
    let err = read(&store).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
    assert!(
        err.to_string().contains("hold 640 individuals")
            && err.to_string().contains("records 1000"),
        "{err}"
    );
}

#[tokio::test]
async fn a_negative_stored_count_is_an_error_not_zero() {
    let (_dir, store, raw) = ledger().await;
    sqlx::query("UPDATE batches SET individuals = -5")
        .execute(&raw)
        .await
        .unwrap();
    let err = store.batch_metas().await.unwrap_err();
    assert!(err.to_string().contains("below zero"), "{err}");
}

#[tokio::test]
async fn a_count_too_large_for_the_database_is_refused_not_clamped() {
    let (_dir, store, _raw) = ledger().await;
    let mut huge = batch(3);
    huge.meta.batch_id = "b2".into();
    huge.meta.records = u64::MAX;
    let err = store.insert_batch(&huge).await.unwrap_err();
    assert!(matches!(err, StoreError::Range(_)), "{err}");
}

#[tokio::test]
async fn a_removal_takes_the_batch_and_its_parts_and_keeps_its_record() {
    let (_dir, store, raw) = ledger().await;
    let removal = store
        .remove_batch("b1", "wrong file", "2026-11-23T08:00:00Z")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(removal.batch.individuals, 1_000);
    assert!(read(&store).await.unwrap().is_empty());
    let parts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM batch_parts")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(parts, 0);
    assert_eq!(store.removals().await.unwrap(), [removal]);
    assert!(
        store
            .remove_batch("b1", "again", "t")
            .await
            .unwrap()
            .is_none()
    );
}
