//! The engine's scan against the native scanner on the same rows: per column the same cells, findings,
//! counts, distinct values and dismissals, and the same individuals per category (the masked samples may be
//! other rows', and are left out of the comparison).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;

use chujing_engine::{EngineError, ScanRequest, scan};
use chujing_scan::{Classifier, Format, Options, TableReport};
use proptest::prelude::*;
use serde_json::Value;

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 12, 7)
}

/// A resident ID with its GB 11643 check digit.
fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// The native scan of one delimited text.
fn native(text: &str, subject: Option<&str>) -> TableReport {
    let options = Options {
        classifier: Classifier::new(today()),
        subject_column: subject.map(str::to_string),
        sample: None,
        max_line: 1 << 20,
        workers: 2,
    };
    chujing_scan::scan(text.as_bytes(), Format::Delimited(b','), &options).unwrap()
}

fn on_engine(
    dataset: &Path,
    subject: Option<&str>,
) -> Result<chujing_engine::DatasetScan, EngineError> {
    scan(&ScanRequest {
        dataset: dataset.display().to_string(),
        subject_column: subject.map(str::to_string),
        today: today(),
    })
}

/// A report's columns and individuals without the samples, columns by name.
fn comparable(
    columns: &[chujing_scan::ColumnReport],
    individuals: Option<&chujing_scan::Individuals>,
) -> Value {
    let mut columns: Vec<Value> = columns
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap();
            for f in v["findings"].as_array_mut().unwrap() {
                f.as_object_mut().unwrap().remove("samples");
            }
            v
        })
        .collect();
    columns.sort_by_key(|c| c["name"].as_str().unwrap().to_string());
    serde_json::json!({ "columns": columns, "individuals": individuals })
}

fn same(engine: &chujing_engine::DatasetScan, native: &TableReport) {
    assert_eq!(engine.rows, native.rows);
    assert_eq!(
        comparable(&engine.columns, engine.individuals.as_ref()),
        comparable(&native.columns, native.individuals.as_ref())
    );
}

/// Rows of identifiers, a header the scanner reads (身份证号, 手机, 病历), chance passes among order numbers,
/// a subject column with blanks and repeats, a quoted line break.
fn table() -> String {
    let mut s = String::from("id,身份证号,手机,email,order_no,病历,note\n");
    for i in 0..300u32 {
        let id = if i % 17 == 0 {
            String::new()
        } else {
            format!("u{}", i % 120)
        };
        let rid = resident_id(&format!(
            "110105{}{:02}{:02}{:03}",
            1950 + i % 70,
            1 + i % 12,
            1 + i % 28,
            i % 1000
        ));
        let phone = format!("138{:08}", i * 7919 % 100_000_000);
        let diagnosis = if i % 5 == 0 { "高血压" } else { "" };
        let note = if i % 9 == 0 {
            "\"call 13900139000\nlater\""
        } else {
            "ok"
        };
        s.push_str(&format!(
            "{id},{rid},{phone},user{i}@example.com,{:018},{diagnosis},{note}\n",
            u64::from(i) * 104_729_113
        ));
    }
    s
}

#[test]
fn a_csv_file_scans_as_the_native_scanner_scans_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = table();
    let path = dir.path().join("crm.csv");
    std::fs::write(&path, &text).unwrap();
    for subject in [None, Some("id"), Some("身份证号")] {
        let engine = on_engine(&path, subject).unwrap();
        same(&engine, &native(&text, subject));
    }
    let engine = on_engine(&path, Some("id")).unwrap();
    let individuals = engine.individuals.unwrap();
    assert!(
        individuals.with_sensitive_information > 0,
        "{individuals:?}"
    );
    assert!(individuals.unidentified_rows > 0, "{individuals:?}");
}

#[test]
fn files_of_a_directory_scan_as_one_table() {
    let dir = tempfile::tempdir().unwrap();
    let text = table();
    let (header, body) = text.split_once('\n').unwrap();
    let lines: Vec<&str> = body.lines().collect();
    // Split at row boundaries outside the quoted line breaks: every row holding one is a pair of lines.
    let mut files = [String::new(), String::new(), String::new()];
    let mut n = 0;
    let mut i = 0;
    while i < lines.len() {
        let whole = if lines[i].contains('"') { 2 } else { 1 };
        let row = lines[i..i + whole].join("\n");
        files[n % 3].push_str(&format!("{row}\n"));
        n += 1;
        i += whole;
    }
    for (k, f) in files.iter().enumerate() {
        std::fs::write(
            dir.path().join(format!("part-{k}.csv")),
            format!("{header}\n{f}"),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("_SUCCESS"), "").unwrap();
    let engine = on_engine(dir.path(), Some("id")).unwrap();
    assert_eq!(engine.files.len(), 3);
    same(&engine, &native(&text, Some("id")));
}

#[test]
fn json_lines_with_nested_objects_scan_as_the_native_scanner_scans_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for i in 0..200u32 {
        let rid = resident_id(&format!("3101041980{:02}01{:03}", 1 + i % 12, i));
        lines.push_str(&format!(
            "{{\"user\":{{\"id\":\"u{}\",\"id_number\":\"{rid}\",\"phone\":{}}},\"vip\":{},\"lat\":31.2304,\"note\":\"ok\"}}\n",
            i % 150,
            13_800_138_000u64 + u64::from(i),
            i % 2 == 0
        ));
    }
    let path = dir.path().join("orders.jsonl");
    std::fs::write(&path, &lines).unwrap();
    let options = Options {
        classifier: Classifier::new(today()),
        subject_column: Some("user.id".into()),
        sample: None,
        max_line: 1 << 20,
        workers: 2,
    };
    let native = chujing_scan::scan(lines.as_bytes(), Format::JsonLines, &options).unwrap();
    let engine = on_engine(&path, Some("user.id")).unwrap();
    same(&engine, &native);
}

#[test]
fn a_field_first_seen_late_in_json_lines_is_scanned_and_counted() {
    // Inferred from the first thousand lines only, the table would not have `phone`: its people unread.
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for i in 0..1_500u64 {
        if i < 1_200 {
            lines.push_str(&format!("{{\"id\":\"u{i}\",\"note\":\"ok\"}}\n"));
        } else {
            lines.push_str(&format!(
                "{{\"id\":\"u{i}\",\"phone\":\"1{}\"}}\n",
                3_800_138_000 + i
            ));
        }
    }
    let path = dir.path().join("late.jsonl");
    std::fs::write(&path, &lines).unwrap();
    let engine = on_engine(&path, Some("id")).unwrap();
    let phone = engine
        .columns
        .iter()
        .find(|c| c.name == "phone")
        .expect("the late field is a column");
    assert_eq!(phone.findings.first().map(|f| f.count), Some(300));
    assert_eq!(engine.individuals.unwrap().with_personal_information, 300);
}

#[test]
fn what_the_engine_would_read_otherwise_is_refused_with_the_file_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |name: &str, bytes: &[u8], subject: Option<&str>| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let e = on_engine(&path, subject).unwrap_err().to_string();
        assert!(e.contains(name), "{e}");
        std::fs::remove_file(&path).unwrap();
        e
    };
    let e = refused("semi.csv", b"id;phone\nu1;13800138000\n", None);
    assert!(e.contains("delimited by `;`"), "{e}");
    let gbk = [
        b"id,\xd0\xd5\xc3\xfb\n".as_slice(),
        b"u1,\xd5\xc5\xc8\xfd\n",
    ]
    .concat();
    let e = refused("gbk.csv", &gbk, None);
    assert!(e.contains("UTF-8 only"), "{e}");
    let e = refused(
        "arrays.jsonl",
        b"{\"id\":\"u1\",\"phones\":[\"13800138000\"]}\n",
        None,
    );
    assert!(e.contains("arrays"), "{e}");
    let e = refused("crm.csv", b"id,phone\nu1,13800138000\n", Some("user"));
    assert!(e.contains("no column `user`"), "{e}");
    let e = refused("twice.csv", b"id,id\nu1,u2\n", Some("id"));
    assert!(
        e.contains("line 1: the header has 2 columns named `id`"),
        "{e}"
    );
    let e = refused("float.jsonl", b"{\"id\":2}\n{\"id\":2.5}\n", Some("id"));
    assert!(e.contains("decimal"), "{e}");
}

/// Cells drawn from values the detectors tell apart: valid and broken resident IDs, phones, cards-like
/// digits, e-mails, names, blanks.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (0u32..500).prop_map(|i| resident_id(&format!("11010519{:02}0101{:03}", 50 + i % 50, i))),
        (0u32..500).prop_map(|i| format!("11010519{:02}0101{:03}0", 50 + i % 50, i)),
        (0u64..1000).prop_map(|i| format!("139{:08}", i * 31)),
        (0u64..1000).prop_map(|i| format!("{:016}", i * 7_777_777)),
        (0u32..300).prop_map(|i| format!("p{i}@example.cn")),
        Just("张三".to_string()),
        Just("hello world".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// For any rows split over any files, the engine's scan is the native scan of them together.
    #[test]
    fn any_rows_scan_on_the_engine_as_natively(
        rows in prop::collection::vec(
            (prop::option::of(0u32..60), cell(), cell(), cell()), 0..120),
        files in 1usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let header = "id,身份证号,phone,note";
        let line = |(id, a, b, c): &(Option<u32>, String, String, String)| {
            format!("{},{a},{b},{c}\n", id.map(|i| format!("s{i}")).unwrap_or_default())
        };
        let mut parts = vec![format!("{header}\n"); files];
        for (i, r) in rows.iter().enumerate() {
            parts[i % files].push_str(&line(r));
        }
        for (k, p) in parts.iter().enumerate() {
            std::fs::write(dir.path().join(format!("p{k}.csv")), p).unwrap();
        }
        let all: String = std::iter::once(format!("{header}\n")).chain(rows.iter().map(line)).collect();
        let engine = on_engine(dir.path(), Some("id")).unwrap();
        let native = native(&all, Some("id"));
        prop_assert_eq!(engine.rows, native.rows);
        prop_assert_eq!(
            comparable(&engine.columns, engine.individuals.as_ref()),
            comparable(&native.columns, native.individuals.as_ref())
        );
    }
}

#[test]
fn the_cell_detector_in_sql_finds_what_the_native_classifier_finds() {
    let cells = [
        ("13800138000", "手机号码"),
        ("11010519491231002X", "note"),
        ("110105202001010015", "身份证号"),
        ("call 13900139000 or li@example.cn", "备注"),
        ("hello", "note"),
        ("高血压", "诊断"),
        ("", "note"),
    ];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ctx = datafusion::prelude::SessionContext::new();
    chujing_engine::scan::register(&ctx);
    let values: Vec<String> = cells
        .iter()
        .map(|(v, h)| format!("('{v}', '{h}')"))
        .collect();
    let sql = format!(
        "SELECT chujing_pi_categories(v, h, '2026-12-07') FROM (VALUES {}) t(v, h)",
        values.join(", ")
    );
    let batches = rt.block_on(async { ctx.sql(&sql).await.unwrap().collect().await.unwrap() });
    let found: Vec<Option<String>> = batches
        .iter()
        .flat_map(|b| {
            let a = b
                .column(0)
                .as_any()
                .downcast_ref::<datafusion::arrow::array::StringArray>()
                .unwrap();
            a.iter().map(|v| v.map(str::to_string)).collect::<Vec<_>>()
        })
        .collect();
    let classifier = Classifier::new(today());
    let expected: Vec<Option<String>> = cells
        .iter()
        .map(|(v, h)| {
            let mut ids = std::collections::BTreeSet::new();
            classifier.cell(
                v,
                chujing_scan::header::hint(h),
                &mut Vec::new(),
                &mut |f| {
                    if f.evidence.is_valid() {
                        ids.insert(f.category as u32);
                    }
                },
            );
            let ids: Vec<&str> = chujing_scan::Category::ALL
                .into_iter()
                .filter(|c| ids.contains(&(*c as u32)))
                .map(chujing_scan::Category::id)
                .collect();
            (!ids.is_empty()).then(|| ids.join(","))
        })
        .collect();
    assert_eq!(found, expected);
    assert_eq!(found[0].as_deref(), Some("cn_mobile"));
    assert!(
        found[2].as_deref().unwrap().contains("minor_under_14"),
        "{found:?}"
    );
    assert_eq!(found[4], None);
}
