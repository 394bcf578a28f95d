//! Whatever the scanner can read, the ledger's key reader reads the same: encodings, byte-order marks,
//! sniffed delimiters, compression and nested Parquet fields, each checked against the keys written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use std::path::Path;
use std::sync::Arc;

use chujing_records::keys::read;
use chujing_records::{BadRow, Columns, Record};

/// The (line, subject, flag) of every record, or panics with the first bad row.
fn keys(path: &Path, sensitive: bool) -> Vec<(u64, String, Option<String>)> {
    let columns = Columns {
        subject: "身份证号".into(),
        sensitive: sensitive.then(|| "敏感".into()),
    };
    let chunks = read(
        path,
        &columns,
        |_| {},
        Vec::new,
        |acc: &mut Vec<_>, row: Result<Record<'_>, BadRow>| match row {
            Ok(r) => acc.push((
                r.line,
                r.subject.to_string(),
                r.sensitive.map(str::to_string),
            )),
            Err(b) => panic!("line {}: {}", b.line, b.message),
        },
        |acc, n| acc.iter_mut().for_each(|r| r.0 += n),
    )
    .unwrap();
    chunks.parts.into_iter().flatten().collect()
}

const TABLE: &str = "姓名,身份证号,敏感\n张三,11010519491231002X,是\n李四,440524188001010014,否\n";

fn expected() -> Vec<(u64, String, Option<String>)> {
    vec![
        (2, "11010519491231002X".into(), Some("是".into())),
        (3, "440524188001010014".into(), Some("否".into())),
    ]
}

#[test]
fn utf8_with_a_byte_order_mark_finds_the_first_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.csv");
    let text = TABLE
        .replace("姓名,", "")
        .replace("张三,", "")
        .replace("李四,", "");
    std::fs::write(
        &path,
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    )
    .unwrap();
    assert_eq!(keys(&path, true), expected());
    // The same file compressed goes through the streaming decoder.
    let gz = dir.path().join("bom.csv.zst");
    let bytes = zstd::encode_all(
        &[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()[..],
        1,
    )
    .unwrap();
    std::fs::write(&gz, bytes).unwrap();
    assert_eq!(keys(&gz, true), expected());
}

#[test]
fn gb18030_is_transcoded_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.csv");
    let (bytes, _, _) = encoding_rs::GB18030.encode(TABLE);
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(keys(&path, true), expected());
}

#[test]
fn the_delimiter_is_sniffed_from_the_header() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("semi.csv", TABLE.replace(',', ";")),
        ("pipe.csv", TABLE.replace(',', "|")),
        (
            "quoted-semi.csv",
            TABLE.replace(',', ";").replace("张三", "\"张;三\""),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        assert_eq!(keys(&path, true), expected(), "{name}");
    }
}

#[test]
fn a_subject_column_named_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.csv");
    std::fs::write(&path, "身份证号,身份证号\n1,2\n").unwrap();
    let err = read(
        &path,
        &Columns {
            subject: "身份证号".into(),
            sensitive: None,
        },
        |_| {},
        || (),
        |_, _| {},
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("more than once") && err.contains("dup.csv:1"),
        "{err}"
    );
}

/// A Parquet file with a struct column `person` of two fields, 身份证号 and 敏感, in two rows.
fn nested_parquet(dir: &Path) -> std::path::PathBuf {
    use arrow_array::{ArrayRef, RecordBatch, StringArray, StructArray};
    use arrow_schema::{DataType, Field};
    let ids: ArrayRef = Arc::new(StringArray::from(vec![
        "11010519491231002X",
        "440524188001010014",
    ]));
    let flags: ArrayRef = Arc::new(StringArray::from(vec!["是", "否"]));
    let person = StructArray::from(vec![
        (
            Arc::new(Field::new("身份证号", DataType::Utf8, true)),
            ids.clone(),
        ),
        (
            Arc::new(Field::new("敏感", DataType::Utf8, true)),
            flags.clone(),
        ),
    ]);
    let batch = RecordBatch::try_from_iter(vec![("person", Arc::new(person) as ArrayRef)]).unwrap();
    let path = dir.join("nested.parquet");
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    path
}

#[cfg(feature = "parquet")]
#[test]
fn nested_parquet_fields_are_dotted_paths_like_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = nested_parquet(dir.path());
    let columns = Columns {
        subject: "person.身份证号".into(),
        sensitive: Some("person.敏感".into()),
    };
    let chunks = read(
        &path,
        &columns,
        |_| {},
        Vec::new,
        |acc: &mut Vec<(u64, String)>, row| {
            let r = row.unwrap();
            acc.push((r.line, format!("{}/{}", r.subject, r.sensitive.unwrap())));
        },
        |_, _| {},
    )
    .unwrap();
    let seen: Vec<_> = chunks.parts.into_iter().flatten().collect();
    assert_eq!(
        seen,
        [
            (1, "11010519491231002X/是".into()),
            (2, "440524188001010014/否".into())
        ]
    );
}

#[cfg(not(feature = "parquet"))]
#[test]
fn without_the_parquet_feature_a_parquet_file_is_refused_saying_how_to_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = nested_parquet(dir.path());
    let columns = Columns {
        subject: "person.身份证号".into(),
        sensitive: None,
    };
    let err = read(
        &path,
        &columns,
        |_| {},
        Vec::new,
        |_: &mut Vec<()>, _| {},
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("nested.parquet") && err.contains("--features parquet"),
        "{err}"
    );
}

/// Reads `text` as `name` with the subject column `id`: the subjects, or the error.
fn subjects(name: &str, text: &str) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let columns = Columns {
        subject: "id".into(),
        sensitive: None,
    };
    // Bad rows are collected, as --skip-bad-rows would: a swallowed file must be refused even then.
    let chunks = read(
        &path,
        &columns,
        |_| {},
        Vec::new,
        |acc: &mut Vec<String>, row: Result<Record<'_>, BadRow>| {
            if let Ok(r) = row {
                acc.push(r.subject.to_string());
            }
        },
        |_, _| {},
    )
    .map_err(|e| e.to_string())?;
    Ok(chunks.parts.into_iter().flatten().collect())
}

fn rows(range: std::ops::Range<u32>) -> String {
    range.map(|i| format!("P{i:06},note {i}\n")).collect()
}

#[test]
fn a_quote_never_closed_refuses_the_batch_and_names_the_line_where_it_opened() {
    // 100,000 people; the note on line 50,002 opens a quote that is never closed.
    let text = format!(
        "id,note\n{}P050000,\"{}\n{}",
        rows(0..50_000),
        "x".repeat(5_000),
        rows(50_001..100_000)
    );
    let err = subjects("open.csv", &text).unwrap_err();
    assert!(err.contains("open.csv:50002:"), "{err}");
    assert!(err.contains("end of the file"), "{err}");
    assert!(
        err.len() < 400,
        "the message quotes the whole field: {} bytes",
        err.len()
    );
}

#[test]
fn a_quote_opened_in_the_first_column_is_refused_not_skipped_as_one_bad_row() {
    let text = format!("id,note\n{}\"P000100,a\n{}", rows(0..100), rows(101..1_000));
    let err = subjects("first.csv", &text).unwrap_err();
    assert!(err.contains("first.csv:102:"), "{err}");
}

#[test]
fn a_quoted_field_running_over_many_lines_is_refused_even_when_closed_later() {
    let text = format!(
        "id,note\nP1,\"opens\n{}P2,closes\"\n{}",
        rows(10..300),
        rows(300..400)
    );
    let err = subjects("long.csv", &text).unwrap_err();
    assert!(err.contains("long.csv:2:"), "{err}");
    assert!(err.contains("more than 100"), "{err}");
}

#[test]
fn quoted_fields_over_a_few_lines_are_read_anywhere_in_the_file() {
    let text = "id,note\nP1,\"Room 1\nBuilding 2\nRoad 3\"\nP2,x\nP3,\"last\nentry\"\n";
    assert_eq!(subjects("address.csv", text).unwrap(), ["P1", "P2", "P3"]);
    let no_final_newline = "id,note\nP1,\"a\nb\"";
    assert_eq!(subjects("y.csv", no_final_newline).unwrap(), ["P1"]);
}
