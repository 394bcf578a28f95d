//! The same story against both backends must give identical answers (atuin's `db_story` pattern).
//!
//! The SQLite test always runs. The PostgreSQL test runs when `CHUJING_TEST_PG_URL` points at a server whose
//! user may create databases (`scripts/test` provides one, starting a throwaway cluster when none is
//! running) and creates and drops its own database; without one it is reported as skipped, and under CI it
//! fails.

use std::sync::LazyLock;

use chujing_law::{Date, ExemptionId, RuleBook};
use chujing_ledger::{
    BatchMeta, BatchRef, FlowSettings, HashKey, Insert, LedgerStore, ProcessorSettings,
    StoredBatch, SubjectHasher, SubjectSet, count_window,
};
use chujing_store::Store;

/// A processor in China that is not a CIIO.
const PROCESSOR: chujing_law::ProcessorFacts = chujing_law::ProcessorFacts {
    ciio: false,
    located_in_china: true,
};

static BOOK: LazyLock<RuleBook> = LazyLock::new(|| RuleBook::embedded().unwrap());

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

pub(crate) fn batch(
    id: &str,
    flow: &str,
    date: &str,
    subjects: std::ops::Range<u32>,
    sensitive: std::ops::Range<u32>,
) -> StoredBatch {
    let h = SubjectHasher::new(&HashKey::new([5; 16]));
    let set = |r: std::ops::Range<u32>| {
        SubjectSet::from_hashes(r.map(|i| h.hash(&format!("{i}"))).collect())
    };
    let (subjects, sensitive) = (set(subjects), set(sensitive));
    StoredBatch {
        meta: BatchMeta {
            fingerprint: format!("{flow}:{date}"),
            batch_id: id.into(),
            flow_id: flow.into(),
            date: d(date),
            recipient: Some("R".into()),
            categories: vec!["identity".into()],
            key_id: h.key_id().into(),
            records: subjects.len() + 7,
            individuals: subjects.len(),
            sensitive_individuals: sensitive.len(),
        },
        subjects,
        sensitive,
    }
}

/// Everything the story observes, compared across backends.
#[derive(Debug, PartialEq)]
struct Observed {
    duplicate: Insert,
    processor: ProcessorSettings,
    flows: Vec<FlowSettings>,
    metas: Vec<BatchMeta>,
    counts: Vec<(String, u64, u64, Vec<String>)>,
    round_trip: bool,
    isolated: bool,
}

async fn story(store: Store) -> Observed {
    let store = store.with_part_hashes(64); // exercise multi-part sets
    assert_eq!(store.processor().await.unwrap(), None);
    let processor = ProcessorSettings {
        name: "Acme".into(),
        ciio: false,
        located_in_china: true,
        individuals_processed: Some(2_000_000),
        province: Some("31".into()),
        representative_in_china: None,
    };
    store.set_processor(&processor).await.unwrap();
    let hr = FlowSettings {
        exemption: Some(ExemptionId::HrManagement),
        ..FlowSettings::new("hr")
    };
    store.set_flow(&FlowSettings::new("hr")).await.unwrap();
    store.set_flow(&hr).await.unwrap(); // replaces

    let b1 = batch("b1", "crm", "2023-11-05", 0..500, 0..40);
    assert_eq!(store.insert_batch(&b1).await.unwrap(), Insert::Inserted);
    let duplicate = store.insert_batch(&b1).await.unwrap();
    store
        .insert_batch(&batch("b2", "crm", "2024-02-01", 300..900, 30..90))
        .await
        .unwrap();
    store
        .insert_batch(&batch("b3", "hr", "2024-02-01", 5000..5300, 0..0))
        .await
        .unwrap();
    store
        .insert_batch(&batch("b4", "crm", "2024-12-31", 850..1000, 0..0))
        .await
        .unwrap();
    assert!(store.batch_meta("b4").await.unwrap().is_some());
    // 500 subjects in parts of 64: eight parts, read back whole below.
    assert_eq!(store.part_count("b1").await.unwrap(), 8);
    assert!(store.batch_meta("nope").await.unwrap().is_none());

    let loaded = store
        .batches_between(d("2023-01-01"), d("2024-12-31"))
        .await
        .unwrap();
    let round_trip = loaded.iter().any(|b| b == &b1) && loaded.len() == 4;
    let flows = store.flows().await.unwrap();
    let mut counts = Vec::new();
    for as_of in [
        "2024-03-21",
        "2024-03-22",
        "2024-12-30",
        "2024-12-31",
        "2025-01-01",
    ] {
        let batches = store
            .batches_between(d("2023-01-01"), d(as_of))
            .await
            .unwrap();
        let refs: Vec<BatchRef<'_>> = batches.iter().map(|b| b.as_batch_ref()).collect();
        let w = count_window(&BOOK, d(as_of), PROCESSOR, &flows, &refs)
            .unwrap()
            .unwrap();
        counts.push((
            as_of.to_string(),
            w.individuals,
            w.sensitive_individuals,
            w.excluded_flows,
        ));
    }
    let metas = store.batch_metas().await.unwrap();
    let isolated = processors_are_isolated(&store, &b1).await;
    store.close().await;
    Observed {
        duplicate,
        processor,
        flows,
        metas,
        counts,
        round_trip,
        isolated,
    }
}

/// Another processor's ledger in the same database sees nothing of the first one's, and may use the same
/// batch and flow ids; a batch stored with a write commits with its audit entry.
async fn processors_are_isolated(store: &Store, b1: &StoredBatch) -> bool {
    let other = store.for_processor("org-2");
    let empty = other.batch_metas().await.unwrap().is_empty()
        && other.flows().await.unwrap().is_empty()
        && other.processor().await.unwrap().is_none()
        && other.part_count("b1").await.unwrap() == 0;
    let mut w = other.write().await.unwrap();
    let inserted = w.insert_batch("org-2", b1, 64).await.unwrap();
    w.audit("t", "test", "transfer.record", "b1", "{}")
        .await
        .unwrap();
    w.commit().await.unwrap();
    let again = other.insert_batch(b1).await.unwrap();
    let seen = other
        .batches_between(d("2023-01-01"), d("2023-12-31"))
        .await
        .unwrap();
    let removed = other
        .remove_batch("b1", "test", "t")
        .await
        .unwrap()
        .is_some();
    empty
        && inserted == Insert::Inserted
        && again == Insert::AlreadyPresent
        && seen.len() == 1
        && seen[0] == *b1
        && removed
        && store.batch_meta("b1").await.unwrap().is_some()
        && store.removals().await.unwrap().is_empty()
        && other.removals().await.unwrap().len() == 1
}

fn expected_counts() -> Vec<(String, u64, u64, Vec<String>)> {
    vec![
        // Since 2023-01-01, the HR exemption not yet law: b1 ∪ b2 ∪ b3 = 0..900 + 300 HR.
        ("2024-03-21".into(), 1200, 90, vec![]),
        // Since 2024-01-01 under the Provisions: b2 only (HR left out).
        ("2024-03-22".into(), 600, 60, vec!["hr".into()]),
        ("2024-12-30".into(), 600, 60, vec!["hr".into()]),
        ("2024-12-31".into(), 700, 60, vec!["hr".into()]),
        ("2025-01-01".into(), 0, 0, vec!["hr".into()]),
    ]
}

/// What every backend must answer for the story.
fn assert_told(told: &Observed) {
    assert_eq!(told.duplicate, Insert::AlreadyPresent);
    assert!(told.round_trip);
    assert!(told.isolated, "another processor's ledger must be separate");
    assert_eq!(told.counts, expected_counts());
    assert_eq!(told.flows[0].exemption, Some(ExemptionId::HrManagement));
}

async fn sqlite_story() -> Observed {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ledger.db").display());
    story(Store::connect(&url).await.unwrap()).await
}

#[tokio::test]
async fn sqlite_tells_the_story() {
    assert_told(&sqlite_story().await);
}

#[tokio::test]
async fn postgres_tells_the_same_story_as_sqlite() {
    let Some(pg) =
        chujing_testkit::PgDatabase::create("store story on PostgreSQL", "chujing_story")
    else {
        return;
    };
    let postgres = story(Store::connect(&pg.url).await.unwrap()).await;
    assert_told(&postgres);
    assert_eq!(postgres, sqlite_story().await);
}
