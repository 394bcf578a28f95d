//! The engine's count against an independent one: every key normalised and hashed by the native functions,
//! and counted in a `HashSet`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use chujing_engine::{CountRequest, DatasetFormat, EngineError, count};
use chujing_ledger::{HashKey, SubjectHasher, normalise};
use datafusion::arrow::array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use datafusion::parquet::arrow::ArrowWriter;

fn hasher() -> SubjectHasher {
    SubjectHasher::new(&HashKey::new([7; 16]))
}

/// The independent count: distinct normalised keys (all, and of sensitive rows).
fn expected(rows: &[(&str, bool)]) -> (usize, usize) {
    let distinct = |only_sensitive: bool| {
        rows.iter()
            .filter(|(_, s)| !only_sensitive || *s)
            .filter_map(|(k, _)| normalise(k).map(|k| k.into_owned()))
            .collect::<HashSet<String>>()
            .len()
    };
    (distinct(false), distinct(true))
}

fn request(dataset: &Path, sensitive: Option<&str>) -> CountRequest {
    CountRequest {
        dataset: dataset.display().to_string(),
        subject_column: "id".into(),
        sensitive_column: sensitive.map(str::to_string),
        all_sensitive: false,
    }
}

/// Keys written several ways, leading zeros, a quoted line break, full-width digits.
const ROWS: &[(&str, bool)] = &[
    ("11010519491231002X", true),
    ("11010519491231002x", false),
    ("+86 138-0013-8000", false),
    ("13800138000", true),
    ("0123", false),
    ("123", false),
    ("１３９００１３９０００", false),
    ("li.lei@example.com", true),
    ("Li.Lei@Example.COM", false),
    ("line\nbreak", false),
];

fn csv(rows: &[(&str, bool)], delimiter: char) -> String {
    let mut s = format!("id{delimiter}sensitive{delimiter}note\n");
    for (k, flag) in rows {
        s.push_str(&format!(
            "\"{k}\"{delimiter}{}{delimiter}x\n",
            if *flag { "是" } else { "no" }
        ));
    }
    s
}

#[test]
fn a_csv_file_counts_as_the_native_functions_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.csv");
    std::fs::write(&file, csv(ROWS, ',')).unwrap();
    let counted = count(&hasher(), &request(&file, Some("sensitive"))).unwrap();
    let (all, sensitive) = expected(ROWS);
    assert_eq!(counted.subjects.len() as usize, all);
    assert_eq!(counted.sensitive.len() as usize, sensitive);
    assert_eq!(counted.records, ROWS.len() as u64);
    assert_eq!((counted.empty_keys, counted.unreadable_flags), (0, 0));
    // "0123" and "123" are two people: the column was read as text, not as a number.
    assert_eq!(all, 7);
    assert_eq!(counted.format, DatasetFormat::Csv);
}

#[test]
fn a_directory_and_a_glob_of_files_count_as_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let (first, rest) = ROWS.split_at(4);
    std::fs::write(dir.path().join("a.tsv"), csv(first, '\t')).unwrap();
    std::fs::write(dir.path().join("b.tsv"), csv(rest, '\t')).unwrap();
    std::fs::write(dir.path().join("c.tsv"), csv(first, '\t')).unwrap();
    std::fs::write(dir.path().join("_SUCCESS"), "").unwrap();
    let (all, sensitive) = expected(ROWS);
    let whole = count(&hasher(), &request(dir.path(), Some("sensitive"))).unwrap();
    assert_eq!(
        (
            whole.subjects.len() as usize,
            whole.sensitive.len() as usize
        ),
        (all, sensitive)
    );
    assert_eq!(whole.records, (ROWS.len() + first.len()) as u64);
    assert_eq!(whole.files.len(), 3);
    let glob = count(
        &hasher(),
        &request(&dir.path().join("[ab].tsv"), Some("sensitive")),
    )
    .unwrap();
    assert_eq!(glob.subjects, whole.subjects);
    assert_eq!(glob.files.len(), 2);
}

#[test]
fn empty_keys_and_unreadable_flags_are_counted_never_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.csv");
    std::fs::write(
        &file,
        "id,sensitive\n13800138000,yes\n,no\n\"  \",no\n13900139000,perhaps\n",
    )
    .unwrap();
    let counted = count(&hasher(), &request(&file, Some("sensitive"))).unwrap();
    assert_eq!(counted.empty_keys, 2);
    assert_eq!(counted.records, 2);
    assert_eq!(counted.unreadable_flags, 1);
    // The unreadable flag is read the conservative way: sensitive.
    assert_eq!(counted.sensitive.len(), 2);
}

#[test]
fn json_lines_with_a_nested_key_as_numbers_or_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = dir.path().join("numbers.jsonl");
    std::fs::write(
        &numbers,
        "{\"user\":{\"phone\":13800138000},\"s\":true}\n{\"user\":{\"phone\":13800138000},\"s\":false}\n\
         {\"user\":{\"phone\":13900139000},\"s\":false}\n",
    )
    .unwrap();
    let mut req = request(&numbers, Some("s"));
    req.subject_column = "user.phone".into();
    let counted = count(&hasher(), &req).unwrap();
    assert_eq!((counted.subjects.len(), counted.sensitive.len()), (2, 1));

    let text = dir.path().join("text.jsonl");
    std::fs::write(
        &text,
        "{\"user\":{\"phone\":\"+86 138 0013 8000\"},\"s\":\"是\"}\n",
    )
    .unwrap();
    req.dataset = text.display().to_string();
    let as_text = count(&hasher(), &req).unwrap();
    // The same person as the number 13800138000 above: one normaliser, one hash.
    assert!(counted.subjects.contains(as_text.subjects.as_slice()[0]));

    // A field that is a number on one line and text on another is refused, not read in part.
    let mixed = dir.path().join("mixed.jsonl");
    std::fs::write(&mixed, "{\"id\":13800138000}\n{\"id\":\"13900139000\"}\n").unwrap();
    assert!(count(&hasher(), &request(&mixed, None)).is_err());
}

#[test]
fn parquet_with_integer_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.parquet");
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![
        13800138000,
        13800138000,
        13900139000,
    ]));
    let names: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "c"]));
    let flags: ArrayRef = Arc::new(BooleanArray::from(vec![false, true, false]));
    let batch = RecordBatch::try_from_iter([("id", ids), ("name", names), ("s", flags)]).unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&file).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let counted = count(&hasher(), &request(&file, Some("s"))).unwrap();
    assert_eq!(
        (
            counted.subjects.len(),
            counted.sensitive.len(),
            counted.records
        ),
        (2, 1, 3)
    );
}

#[test]
fn refusals_name_the_dataset_and_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.csv");
    std::fs::write(&file, "phone\n13800138000\n").unwrap();
    let err = count(&hasher(), &request(&file, None)).unwrap_err();
    assert!(matches!(err, EngineError::Input(_)), "{err}");
    assert!(
        err.to_string().contains("no column `id`") && err.to_string().contains("phone"),
        "{err}"
    );

    std::fs::write(dir.path().join("other.jsonl"), "{}\n").unwrap();
    let err = count(&hasher(), &request(dir.path(), None)).unwrap_err();
    assert!(err.to_string().contains("several formats"), "{err}");

    let gz = tempfile::tempdir().unwrap();
    std::fs::write(gz.path().join("a.csv.gz"), "").unwrap();
    let err = count(&hasher(), &request(gz.path(), None)).unwrap_err();
    assert!(err.to_string().contains("native ingest"), "{err}");

    let ragged = tempfile::tempdir().unwrap();
    std::fs::write(ragged.path().join("a.csv"), "id,x\n1,2\n3\n4,5,6\n").unwrap();
    let err = count(&hasher(), &request(ragged.path(), None));
    assert!(
        err.is_err(),
        "a ragged CSV must be refused, not read in part: {:?}",
        err.map(|c| c.records)
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any keys: the engine's individuals are the independent count's, and every row is either counted or
    /// counted as an empty key — none is lost.
    #[test]
    fn the_engine_counts_what_the_native_functions_count(
        keys in proptest::collection::vec("[0-9a-zA-Z +()\\-@.]{0,8}", 1..120),
        flags in proptest::collection::vec(proptest::bool::ANY, 120),
    ) {
        let rows: Vec<(&str, bool)> = keys.iter().map(String::as_str).zip(flags.iter().copied()).collect();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("batch.csv");
        std::fs::write(&file, csv(&rows, ',')).unwrap();
        let counted = count(&hasher(), &request(&file, Some("sensitive"))).unwrap();
        let (all, sensitive) = expected(&rows);
        let empty = rows.iter().filter(|(k, _)| normalise(k).is_none()).count() as u64;
        proptest::prop_assert_eq!(counted.subjects.len() as usize, all);
        proptest::prop_assert_eq!(counted.sensitive.len() as usize, sensitive);
        proptest::prop_assert_eq!(counted.empty_keys, empty);
        proptest::prop_assert_eq!(counted.records + counted.empty_keys, rows.len() as u64);
    }
}

#[test]
fn delimited_files_with_different_headers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "id,sensitive\n1,no\n").unwrap();
    std::fs::write(dir.path().join("b.csv"), "sensitive,id\nno,2\n").unwrap();
    let err = count(&hasher(), &request(dir.path(), Some("sensitive"))).unwrap_err();
    assert!(
        err.to_string().contains("b.csv: line 1: the header"),
        "{err}"
    );
}

#[test]
fn a_glob_reads_the_files_it_names_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("part-1.csv"), "id\n1\n2\n").unwrap();
    std::fs::write(dir.path().join("all.csv"), "id\n1\n2\n3\n").unwrap();
    let counted = count(&hasher(), &request(&dir.path().join("part-*.csv"), None)).unwrap();
    assert_eq!((counted.records, counted.files.len()), (2, 1));
}
