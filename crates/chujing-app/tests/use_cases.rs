//! The use cases against the in-memory ledger: what the command line and the server both rely on. Each
//! expected figure is counted independently from the rows written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use std::collections::BTreeSet;
use std::path::Path;

use chujing_app::ledger::{self, BatchInput, Ingested};
use chujing_law::{Date, Pathway, RuleBook};
use chujing_ledger::{FlowSettings, HashKey, LedgerStore, MemoryStore, SubjectHasher};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn hasher() -> SubjectHasher {
    SubjectHasher::new(&HashKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap())
}

/// Writes a CSV of `ids` (every twentieth sensitive) and returns its distinct and distinct-sensitive counts.
fn write_csv(path: &Path, ids: impl Iterator<Item = u64>) -> (u64, u64) {
    let mut text = String::from("id,health\n");
    let (mut all, mut sensitive) = (BTreeSet::new(), BTreeSet::new());
    for i in ids {
        let flag = i % 20 == 0;
        text.push_str(&format!("P{i:08},{}\n", if flag { "是" } else { "否" }));
        all.insert(i);
        if flag {
            sensitive.insert(i);
        }
    }
    std::fs::write(path, text).unwrap();
    (all.len() as u64, sensitive.len() as u64)
}

fn input(file: &Path, date: &str) -> BatchInput {
    BatchInput {
        file: file.to_path_buf(),
        subject_column: "id".into(),
        sensitive_column: Some("health".into()),
        all_sensitive: false,
        flow: "crm".into(),
        date: d(date),
        batch_id: None,
        recipient: None,
        categories: Vec::new(),
        skip_bad_rows: false,
        reader: chujing_app::ledger::Reader::Native,
    }
}

#[tokio::test]
async fn ingest_counts_once_and_status_decides_from_the_window() {
    let book = RuleBook::embedded().unwrap();
    let store = MemoryStore::default();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    write_csv(&a, 0..60_000);
    write_csv(&b, 40_000..110_000); // 20,000 people again
    let (all, sensitive) = {
        let both = dir.path().join("both.csv");
        write_csv(&both, (0..60_000).chain(40_000..110_000))
    };
    for (file, date) in [(&a, "2026-03-01"), (&b, "2026-06-01")] {
        let done = ledger::ingest(&store, &hasher(), &input(file, date), |_| {})
            .await
            .unwrap();
        assert!(matches!(done, Ingested::Read { inserted: true, .. }));
    }
    // The same file again is the same batch: nothing changes.
    let again = ledger::ingest(&store, &hasher(), &input(&a, "2026-03-01"), |_| {})
        .await
        .unwrap();
    assert!(
        matches!(again, Ingested::AlreadyPresent { .. }),
        "{again:?}"
    );
    let (_, status) = ledger::status(&book, &store, d("2026-11-23"), 0.8)
        .await
        .unwrap();
    assert_eq!(status.totals(), (all, sensitive));
    assert_eq!(all, 110_000);
    // 110,000 individuals since 1 January (≥ 100,000), 5,500 of them with sensitive PI (< 10,000): a
    // standard contract or certification (Provisions 2024 Art. 8), not a security assessment (Art. 7).
    assert_eq!(sensitive, 5_500);
    assert_eq!(
        status.pathway,
        Some(Pathway::StandardContractOrCertification)
    );
    // Next year's window starts again.
    let (_, next_year) = ledger::status(&book, &store, d("2027-01-02"), 0.8)
        .await
        .unwrap();
    assert_eq!(next_year.totals(), (0, 0));
}

#[tokio::test]
async fn the_gate_stores_nothing_and_opens_with_a_mechanism() {
    let book = RuleBook::embedded().unwrap();
    let store = MemoryStore::default();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    write_csv(&a, (0..30_000).map(|i| i * 20 + 1)); // nobody sensitive
    // Nothing is decided before the processor's facts are recorded: the refusal names them.
    let refused = ledger::check(&book, &store, &hasher(), &input(&a, "2026-11-23"), |_| {}).await;
    assert!(
        matches!(&refused, Err(chujing_app::AppError::FactsMissing(f)) if f.len() == 2),
        "{refused:?}"
    );
    let change = chujing_app::settings::ProcessorChange {
        ciio: Some(false),
        located_in_china: Some(true),
        ..Default::default()
    };
    chujing_app::settings::set_processor(&store, change)
        .await
        .unwrap();
    let checked = ledger::check(&book, &store, &hasher(), &input(&a, "2026-11-23"), |_| {})
        .await
        .unwrap();
    assert_eq!(checked.before.totals(), (0, 0));
    assert_eq!(checked.after.totals(), (30_000, 0));
    assert_eq!(checked.after.pathway, Some(Pathway::Exempt));
    assert!(!checked.mechanism_missing);
    assert!(
        store.batch_metas().await.unwrap().is_empty(),
        "check stored a batch"
    );

    let b = dir.path().join("b.csv");
    write_csv(&b, 0..12_000); // 600 with sensitive PI: any sensitive PI needs a standard contract
    let checked = ledger::check(&book, &store, &hasher(), &input(&b, "2026-11-23"), |_| {})
        .await
        .unwrap();
    assert!(checked.mechanism_missing, "{:?}", checked.after.pathway);
    let mut flow = FlowSettings::new("crm");
    flow.mechanism = Some(chujing_law::profile::Mechanism {
        kind: chujing_law::MechanismKind::StandardContract,
        since: d("2026-11-01"),
        until: None,
    });
    store.set_flow(&flow).await.unwrap();
    let checked = ledger::check(&book, &store, &hasher(), &input(&b, "2026-11-23"), |_| {})
        .await
        .unwrap();
    assert!(!checked.mechanism_missing);
}

#[tokio::test]
async fn a_bad_row_refuses_the_batch_and_names_its_line() {
    let store = MemoryStore::default();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.csv");
    std::fs::write(&f, "id,health\nP1,是\nP2,maybe\n").unwrap();
    let err = ledger::ingest(&store, &hasher(), &input(&f, "2026-11-01"), |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.csv:3") && err.contains("maybe"), "{err}");
    assert!(store.batch_metas().await.unwrap().is_empty());
}

#[test]
fn a_scan_writes_its_figures_into_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("c.csv");
    std::fs::write(
        &csv,
        "身份证号,手机\n11010519491231002X,13800138000\n440524188001010014,13900139000\n11010519491231002X,13800138000\n",
    )
    .unwrap();
    let options = chujing_scan::Options {
        classifier: chujing_scan::Classifier::new(jiff::civil::Date::new(2026, 11, 23).unwrap()),
        subject_column: Some("身份证号".into()),
        sample: None,
        max_line: 1 << 20,
        workers: 1,
    };
    let out = chujing_app::scan::scan_file(&chujing_records::Found::named(&csv), &options, |_| {});
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, "[processor]\nname = \"X\"\n").unwrap();
    chujing_app::scan::write_profile(&profile, "crm", &[out]).unwrap();
    let text = std::fs::read_to_string(&profile).unwrap();
    assert!(text.contains("individuals = 2"), "{text}");
    assert!(
        text.contains("cn_resident_id") && text.contains("name = \"X\""),
        "{text}"
    );
}

fn scan_options(subject: &str, sample: Option<u64>) -> chujing_scan::Options {
    chujing_scan::Options {
        classifier: chujing_scan::Classifier::new(jiff::civil::Date::new(2026, 11, 23).unwrap()),
        subject_column: Some(subject.into()),
        sample,
        max_line: 1 << 20,
        workers: 1,
    }
}

/// Scans `files` (name, bytes) into a profile that says 150,000 and returns the refusal; the profile must be
/// left as it was.
fn refused_profile(files: &[(&str, &[u8])], options: &chujing_scan::Options) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out: Vec<_> = files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            chujing_app::scan::scan_file(&chujing_records::Found::named(path), options, |_| {})
        })
        .collect();
    let profile = dir.path().join("p.toml");
    let before = "[processor]\nname = \"X\"\n[[flows]]\nid = \"crm\"\nindividuals = 150000\n";
    std::fs::write(&profile, before).unwrap();
    let err = chujing_app::scan::write_profile(&profile, "crm", &out).unwrap_err();
    assert_eq!(err.kind(), chujing_app::ErrorKind::Input, "{err}");
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), before);
    err.to_string()
}

const TWO_PEOPLE: &[u8] =
    "身份证号,手机\n11010519491231002X,13800138000\n440524188001010014,13900139000\n".as_bytes();

#[test]
fn a_profile_is_not_overwritten_from_an_input_that_could_not_be_read() {
    // Before: the truncated file was skipped, the readable one counted, and the profile's 150,000 became 2.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &TWO_PEOPLE.repeat(2_000)).unwrap();
    let gz = gz.finish().unwrap();
    let truncated = &gz[..gz.len() / 2];
    let err = refused_profile(
        &[("ok.csv", TWO_PEOPLE), ("cut.csv.gz", truncated)],
        &scan_options("身份证号", None),
    );
    assert!(err.contains("cut.csv.gz"), "{err}");
}

#[test]
fn a_profile_is_not_overwritten_when_the_subject_column_is_misspelt() {
    // Before: individuals = 0 was written, and the flow came out exempt.
    let err = refused_profile(&[("c.csv", TWO_PEOPLE)], &scan_options("身份证", None));
    assert!(err.contains("c.csv:1") && err.contains("身份证号"), "{err}");
}

#[test]
fn a_profile_is_not_written_from_a_sample() {
    let err = refused_profile(&[("c.csv", TWO_PEOPLE)], &scan_options("身份证号", Some(1)));
    assert!(err.contains("--sample"), "{err}");
}

#[test]
fn a_profile_is_not_written_when_rows_were_malformed() {
    let mut bad = TWO_PEOPLE.to_vec();
    bad.extend("220102199003070318\n".as_bytes());
    let err = refused_profile(&[("c.csv", &bad)], &scan_options("身份证号", None));
    assert!(err.contains("c.csv:4"), "{err}");
}

#[tokio::test]
async fn flow_settings_change_only_what_is_given_and_refuse_what_the_law_does_not_allow() {
    use chujing_app::settings::{self, Change, FlowChange};
    let store = MemoryStore::default();
    let contract = settings::mechanism("standard_contract", Some(d("2026-03-01")), None).unwrap();
    let change = FlowChange {
        mechanism: Some(contract),
        important_data: Some(true),
        ..FlowChange::default()
    };
    let today = d("2026-11-23");
    let first = settings::set_flow(&store, "crm", change, today)
        .await
        .unwrap();
    assert_eq!(
        first.notices,
        ["the ledger knows no flow yet; `crm` is new"]
    );
    let hr = FlowChange {
        exemption: Some(settings::exemption("hr_management").unwrap()),
        ..FlowChange::default()
    };
    let set = settings::set_flow(&store, "crm", hr, today).await.unwrap();
    assert!(set.notices.is_empty(), "{:?}", set.notices);
    let flow = set.flow;
    assert!(flow.important_data, "an earlier setting was lost");
    assert!(flow.mechanism.is_some(), "an earlier setting was lost");
    assert_eq!(flow.exemption, Some(chujing_law::ExemptionId::HrManagement));
    assert_eq!(store.flows().await.unwrap(), vec![flow]);

    assert_eq!(
        settings::mechanism("none", None, None).unwrap(),
        Change::Clear
    );
    for (kind, since, until) in [
        ("standard_contract", None, None), // no date it took effect
        (
            "standard_contract",
            Some(d("2026-03-01")),
            Some(d("2026-02-01")),
        ), // ends before it starts
        ("contract", Some(d("2026-03-01")), None), // no such mechanism
    ] {
        let refused = settings::mechanism(kind, since, until).unwrap_err();
        assert_eq!(refused.kind(), chujing_app::ErrorKind::Input, "{refused}");
    }
    // Small volumes are exempt by the counts (Provisions 2024 Art. 5(4)), never by a claim.
    let refused = settings::exemption("small_volume").unwrap_err();
    assert!(
        refused.to_string().contains("cannot be claimed"),
        "{refused}"
    );
}

mod json_paths {
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            "[a-z0-9 ]{0,6}".prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof!["[a-c]{1,2}", "[a-c]\\.[a-c]"]
    }

    fn map(inner: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
        prop::collection::btree_map(key(), inner, 1..4)
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
    }

    /// JSON objects (one per record) with nested objects, lists and keys that may hold dots.
    fn object() -> impl Strategy<Value = Value> {
        map(leaf().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                map(inner),
            ]
        }))
    }

    proptest! {
        /// Every cell `scan` names outside a list, `ledger ingest` finds by the same path with the same text,
        /// unless two fields share the path, which ingest refuses as ambiguous rather than pick one.
        #[test]
        fn ingest_finds_what_scan_names(value in object()) {
            let mut cells = Vec::new();
            chujing_scan::reader::flatten("", &value, &mut cells);
            for (path, text) in cells.iter().filter(|(p, _)| !p.contains("[]")) {
                let same_path = cells.iter().filter(|(p, _)| p == path).count();
                let found = chujing_records::keys::json_text(&value, path);
                if same_path == 1 {
                    // A list or an empty object under the same dotted name makes the path ambiguous too.
                    let ambiguous = found.as_ref().is_err_and(|e| e.contains("names"));
                    prop_assert!(ambiguous || found.as_deref() == Ok(text.as_str()), "{} in {}: {:?}", path, value, found);
                } else {
                    prop_assert!(found.is_err(), "{} named twice but read as {:?}", path, found);
                }
            }
        }
    }
}

#[tokio::test]
async fn a_batch_id_given_again_for_a_different_input_is_refused_not_taken_as_counted() {
    let book = RuleBook::embedded().unwrap();
    let store = MemoryStore::default();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    write_csv(&a, 0..1_000);
    write_csv(&b, 5_000..9_000);
    let with_id = |file: &Path, flow: &str, date: &str| BatchInput {
        batch_id: Some("march".into()),
        flow: flow.into(),
        ..input(file, date)
    };
    let same = with_id(&a, "crm", "2026-03-01");
    let first = ledger::ingest(&store, &hasher(), &same, |_| {})
        .await
        .unwrap();
    assert!(matches!(first, Ingested::Read { inserted: true, .. }));
    // The same input under the same id is the same batch.
    let same = with_id(&a, "crm", "2026-03-01");
    let again = ledger::ingest(&store, &hasher(), &same, |_| {})
        .await
        .unwrap();
    assert!(matches!(again, Ingested::AlreadyPresent { .. }));
    // Another file, another flow or another date under that id: refused, naming both.
    for other in [
        with_id(&b, "crm", "2026-03-01"),
        with_id(&a, "hr", "2026-03-01"),
        with_id(&a, "crm", "2026-04-01"),
    ] {
        let refused = ledger::ingest(&store, &hasher(), &other, |_| {})
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), chujing_app::ErrorKind::Input, "{refused}");
        assert!(
            refused
                .to_string()
                .contains("in the ledger: flow `crm`, dated 2026-03-01"),
            "{refused}"
        );
        let gate = ledger::check(&book, &store, &hasher(), &other, |_| {}).await;
        assert!(
            gate.is_err(),
            "the gate took another input for the stored batch"
        );
    }
    let (_, status) = ledger::status(&book, &store, d("2026-11-23"), 0.8)
        .await
        .unwrap();
    assert_eq!(status.totals().0, 1_000);
}

#[tokio::test]
async fn skipping_bad_rows_keeps_people_whose_flag_is_unreadable_and_refuses_empty_batches() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flags.csv");
    // Three people; one flag unreadable, one row without a key.
    std::fs::write(&file, "id,health\nP1,否\nP2,maybe\n,是\nP3,是\n").unwrap();
    let skipping = BatchInput {
        skip_bad_rows: true,
        reader: chujing_app::ledger::Reader::Native,
        ..input(&file, "2026-03-01")
    };
    let (batch, summary) = ledger::read_batch(&skipping, &hasher(), |_| {}).unwrap();
    assert_eq!(batch.meta.individuals, 3, "P2 was dropped for a bad flag");
    assert_eq!(
        batch.meta.sensitive_individuals, 2,
        "P2 must count as sensitive, P3 is"
    );
    assert_eq!((summary.skipped_rows, summary.assumed_sensitive), (1, 1));
    assert_eq!(summary.assumed_sensitive_rows[0].line, 3);
    // Without skipping, the bad flag stops the batch.
    assert!(ledger::read_batch(&input(&file, "2026-03-01"), &hasher(), |_| {}).is_err());

    for (name, text) in [
        ("header.csv", "id,health\n"),
        ("all-bad.csv", "id,health\n,是\n,否\n"),
    ] {
        let empty = dir.path().join(name);
        std::fs::write(&empty, text).unwrap();
        let input = BatchInput {
            skip_bad_rows: true,
            reader: chujing_app::ledger::Reader::Native,
            ..input(&empty, "2026-03-01")
        };
        let refused = ledger::read_batch(&input, &hasher(), |_| {}).unwrap_err();
        assert_eq!(
            refused.kind(),
            chujing_app::ErrorKind::Input,
            "{name}: {refused}"
        );
    }
}

#[tokio::test]
async fn a_batch_stored_before_fingerprints_is_matched_by_its_people() {
    let store = MemoryStore::default();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    write_csv(&a, 0..1_000);
    write_csv(&b, 1_000..2_000); // as many rows, other people
    let with_id = |file: &Path| BatchInput {
        batch_id: Some("legacy".into()),
        ..input(file, "2026-03-01")
    };
    // A batch as an older chujing stored it: no fingerprint.
    let (mut old, _) = ledger::read_batch(&with_id(&a), &hasher(), |_| {}).unwrap();
    old.meta.fingerprint.clear();
    store.insert_batch(&old).await.unwrap();
    let same = ledger::ingest(&store, &hasher(), &with_id(&a), |_| {})
        .await
        .unwrap();
    assert!(matches!(same, Ingested::AlreadyPresent { .. }), "{same:?}");
    // Same flow, date and counts but other people (b), or one person different (c): refused.
    let mut c_rows: Vec<u64> = (0..1_000).collect();
    c_rows[0] = 5_000;
    let c = dir.path().join("c.csv");
    write_csv(&c, c_rows.into_iter());
    for other in [&b, &c] {
        let refused = ledger::ingest(&store, &hasher(), &with_id(other), |_| {}).await;
        let refused = refused.unwrap_err();
        assert_eq!(refused.kind(), chujing_app::ErrorKind::Input, "{refused}");
    }
}

#[tokio::test]
async fn flow_set_refuses_empty_ids_and_empty_changes_and_names_the_flows_it_knows() {
    // Before: an empty id, a call that changed nothing and a misspelt id were all recorded without a word.
    use chujing_app::settings::{self, FlowChange};
    let store = MemoryStore::default();
    let today = d("2026-11-23");
    let important = || FlowChange {
        important_data: Some(false),
        ..FlowChange::default()
    };
    settings::set_flow(&store, "crm", important(), today)
        .await
        .unwrap();
    let empty = settings::set_flow(&store, " ", important(), today)
        .await
        .unwrap_err();
    assert!(empty.to_string().contains("empty"), "{empty}");
    let nothing = settings::set_flow(&store, "crm", FlowChange::default(), today)
        .await
        .unwrap_err();
    assert!(
        nothing.to_string().contains("nothing to change"),
        "{nothing}"
    );
    let typo = settings::set_flow(&store, "cmr", important(), today)
        .await
        .unwrap();
    assert_eq!(typo.notices.len(), 1);
    assert!(
        typo.notices[0].contains("no flow `cmr`") && typo.notices[0].contains("crm"),
        "{:?}",
        typo.notices
    );
    let future = FlowChange {
        mechanism: Some(
            settings::mechanism("standard_contract", Some(d("2027-01-05")), None).unwrap(),
        ),
        ..FlowChange::default()
    };
    let set = settings::set_flow(&store, "crm", future, today)
        .await
        .unwrap();
    assert!(set.notices[0].contains("after today"), "{:?}", set.notices);
    assert!(settings::unusual_date(d("2021-10-31"), today, "--date").is_some());
    assert!(settings::unusual_date(d("2021-11-01"), today, "--date").is_none());
}

#[tokio::test]
async fn a_removed_batch_stops_counting_and_its_removal_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::default();
    let file = dir.path().join("a.csv");
    write_csv(&file, 0..40);
    let ingested = ledger::ingest(&store, &hasher(), &input(&file, "2026-03-01"), |_| {})
        .await
        .unwrap();
    let Ingested::Read { meta, .. } = ingested else {
        panic!("not read")
    };
    let batch_id = meta.batch_id.clone();
    let err = ledger::remove(&store, &batch_id, "  ", "2026-11-23T08:00:00Z")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--reason"), "{err}");
    let removal = ledger::remove(&store, &batch_id, "wrong file", "2026-11-23T08:00:00Z")
        .await
        .unwrap();
    assert_eq!(removal.batch.individuals, 40);
    let (batches, removals) = ledger::batches(&store).await.unwrap();
    assert!(batches.is_empty());
    assert_eq!(removals, [removal]);
    let again = ledger::remove(&store, &batch_id, "again", "2026-11-23T08:01:00Z")
        .await
        .unwrap_err();
    assert!(again.to_string().contains("no batch"), "{again}");
}

/// The same input through DataFusion and through the native reader: the same batch — id, counts and every
/// individual's hash — so that either may ingest it and the ledger counts it once.
#[cfg(feature = "engine")]
#[test]
fn the_engine_reads_a_batch_as_the_native_reader_does() {
    use chujing_app::ledger::Reader;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.csv");
    let (all, sensitive) = write_csv(
        &file,
        (0..30_000).chain(10_000..20_000).map(|i| i * 7 % 25_000),
    );
    let native = ledger::read_batch(&input(&file, "2026-03-01"), &hasher(), |_| {}).unwrap();
    let on_engine = BatchInput {
        reader: Reader::DataFusion,
        ..input(&file, "2026-03-01")
    };
    let engine = ledger::read_batch(&on_engine, &hasher(), |_| {}).unwrap();
    assert_eq!(engine.0.meta, native.0.meta);
    assert_eq!(engine.0.subjects, native.0.subjects);
    assert_eq!(engine.0.sensitive, native.0.sensitive);
    assert_eq!(
        (
            engine.0.meta.individuals,
            engine.0.meta.sensitive_individuals
        ),
        (all, sensitive)
    );
    assert!(native.1.rows_located && !engine.1.rows_located);
}

/// What the native reader refuses for an empty key, the engine refuses too (and counts with --skip-bad-rows).
#[cfg(feature = "engine")]
#[test]
fn the_engine_refuses_empty_keys_unless_told_to_skip_them() {
    use chujing_app::ledger::Reader;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.csv");
    std::fs::write(&file, "id,health\nP1,否\n,否\nP2,是\n").unwrap();
    let on_engine = BatchInput {
        reader: Reader::DataFusion,
        ..input(&file, "2026-03-01")
    };
    let err = ledger::read_batch(&on_engine, &hasher(), |_| {}).unwrap_err();
    assert!(
        err.to_string()
            .contains("1 record(s) have an empty subject key"),
        "{err}"
    );
    assert!(ledger::read_batch(&input(&file, "2026-03-01"), &hasher(), |_| {}).is_err());
    let skipping = BatchInput {
        skip_bad_rows: true,
        ..on_engine
    };
    let (batch, summary) = ledger::read_batch(&skipping, &hasher(), |_| {}).unwrap();
    assert_eq!(
        (
            batch.meta.individuals,
            summary.skipped_rows,
            summary.records
        ),
        (2, 1, 2)
    );
}
