//! `chujing scan`: JSON output, directories and compressed files, --profile feeding `assess`, bad paths.

use std::io::Write;

use serde_json::Value;

use crate::util::{chujing, root};

/// A directory with a CSV, a gzip-compressed JSON Lines file and a binary file.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("customer_name,id_number,mobile,diagnosis,order_no\n");
    for i in 0..300u64 {
        let id = if i % 3 == 0 {
            "110105202001010015"
        } else {
            "11010519491231002X"
        };
        csv.push_str(&format!(
            "张{},{id},1380013{:04},{},{}\n",
            ["三", "四", "五"][(i % 3) as usize],
            i,
            if i % 2 == 0 { "高血压" } else { "" },
            202611220000000000u64 + i
        ));
    }
    std::fs::write(dir.path().join("customers.csv"), csv).unwrap();
    let gz = std::fs::File::create(dir.path().join("events.jsonl.gz")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::fast());
    enc.write_all(b"{\"user\":{\"email\":\"li@example.cn\"},\"ip\":\"10.0.0.8\"}\n")
        .unwrap();
    enc.finish().unwrap();
    std::fs::write(dir.path().join("blob.bin"), b"\x00\x01\x02").unwrap();
    dir
}

#[test]
fn json_report_of_a_directory() {
    let dir = fixture();
    let path = dir.path().to_str().unwrap();
    let (code, out, err) = chujing(&[
        "scan",
        path,
        "--json",
        "--as-of",
        "2026-11-22",
        "--subject-column",
        "id_number",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert!(files[0]["skipped"].as_str().unwrap().contains("binary"));
    let csv = &files[1];
    assert_eq!(csv["rows"], 300);
    let finding = |column: &str, category: &str| {
        csv["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == column)
            .and_then(|c| {
                c["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["category"] == category)
            })
            .cloned()
    };
    let ids = finding("id_number", "cn_resident_id").unwrap();
    assert_eq!(
        (ids["count"].as_u64(), ids["distinct"].as_u64()),
        (Some(300), Some(2))
    );
    assert_eq!(ids["sensitive"], false);
    assert_eq!(
        finding("id_number", "minor_under_14").unwrap()["count"],
        100
    );
    assert_eq!(finding("mobile", "cn_mobile").unwrap()["distinct"], 300);
    assert_eq!(finding("diagnosis", "health").unwrap()["sensitive"], true);
    assert_eq!(
        finding("customer_name", "person_name").unwrap()["count"],
        300
    );
    assert!(finding("order_no", "bank_card").is_none());
    // Samples are masked: no full ID number in the output.
    assert!(!out.contains("11010519491231002X"));
    assert_eq!(csv["individuals"]["with_personal_information"], 2);
    assert_eq!(csv["individuals"]["with_sensitive_information"], 2);
    let jsonl = &files[2];
    assert_eq!(jsonl["format"], "jsonl");
    let names: Vec<&str> = jsonl["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"user.email") && names.contains(&"ip"),
        "{names:?}"
    );
    let sensitive: Vec<&str> = v["summary"]["sensitive_categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(sensitive, ["minor_under_14", "health"]);
}

#[test]
fn human_report_has_a_sensitivity_summary() {
    let dir = fixture();
    let (code, out, _) = chujing(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--as-of",
        "2026-11-22",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("sensitive PI (PIPL Art. 28): minor_under_14"),
        "{out}"
    );
    assert!(out.contains("1101**********002X"), "{out}");
}

#[test]
fn profile_is_updated_and_assess_reads_it() {
    let dir = fixture();
    let profile = dir.path().join("profile.toml");
    std::fs::copy(
        root().join("examples/mid-size-standard-contract.toml"),
        &profile,
    )
    .unwrap();
    let csv = dir.path().join("customers.csv");
    let (code, _, err) = chujing(&[
        "scan",
        csv.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--subject-column",
        "id_number",
        "--profile",
        profile.to_str().unwrap(),
        "--flow",
        "loyalty-crm",
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&profile).unwrap();
    // The rest of the file, comments included, is kept.
    assert!(text.starts_with("# A consumer brand"));
    let flow = flow_of(&text, "loyalty-crm");
    assert_eq!(flow["individuals"].as_integer(), Some(2));
    assert_eq!(flow["sensitive_individuals"].as_integer(), Some(2));
    let categories: Vec<&str> = flow["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        categories.contains(&"cn_resident_id") && categories.contains(&"health"),
        "{categories:?}"
    );
    let (code, out, err) = chujing(&["assess", profile.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("loyalty-crm"));
}

#[test]
fn profile_needs_a_subject_column_and_paths_must_exist() {
    let (code, _, err) = chujing(&["scan", "examples", "--profile", "p.toml", "--flow", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("subject-column"), "{err}");
    let (code, _, err) = chujing(&["scan", "no/such/file.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.csv"), "{err}");
}

#[test]
fn parquet_columns_of_any_type_are_scanned() {
    if !crate::util::parquet_built("parquet_columns_of_any_type_are_scanned") {
        return;
    }
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let ids = arrow_array::StringArray::from(vec![
        "11010519491231002X",
        "110105202001010015",
        "11010519491231002X",
    ]);
    let phones = arrow_array::Int64Array::from(vec![13800138000i64, 13900139000, 13700137000]);
    let batch = arrow_array::RecordBatch::try_from_iter([
        ("身份证号", Arc::new(ids) as arrow_array::ArrayRef),
        ("phone", Arc::new(phones) as arrow_array::ArrayRef),
    ])
    .unwrap();
    let path = dir.path().join("people.parquet");
    write_parquet(&path, &batch);
    let v = scan_json(&path, "身份证号");
    let file = &v["files"][0];
    assert_eq!(file["format"], "parquet");
    assert_eq!(file["rows"], 3);
    let columns = file["columns"].as_array().unwrap();
    assert_eq!(columns[0]["findings"][0]["category"], "cn_resident_id");
    assert_eq!(columns[0]["findings"][0]["distinct"], 2);
    assert_eq!(columns[0]["findings"][1]["category"], "minor_under_14");
    assert_eq!(columns[1]["findings"][0]["category"], "cn_mobile");
    assert_eq!(file["individuals"]["with_sensitive_information"], 1);
}

/// The flow `id` of the profile `text`.
fn flow_of(text: &str, id: &str) -> toml::Value {
    let doc: toml::Table = text.parse().unwrap();
    doc["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"].as_str() == Some(id))
        .unwrap()
        .clone()
}

/// `chujing scan PATH --json` as of 2026-11-22 with `subject` as the subject column; it must succeed.
fn scan_json(path: &std::path::Path, subject: &str) -> Value {
    serde_json::from_str(&scan_out(path, subject, &[])).unwrap()
}

/// The standard output of `chujing scan PATH --json --as-of 2026-11-22 --subject-column SUBJECT EXTRA…`,
/// which must succeed.
fn scan_out(path: &std::path::Path, subject: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "scan",
        path.to_str().unwrap(),
        "--json",
        "--as-of",
        "2026-11-22",
        "--subject-column",
        subject,
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = chujing(&args);
    assert_eq!(code, 0, "{err}");
    out
}

/// Writes one record batch to `path` as Parquet.
fn write_parquet(path: &std::path::Path, batch: &arrow_array::RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

#[test]
fn parquet_struct_and_list_columns_are_scanned_field_by_field() {
    if !crate::util::parquet_built("parquet_struct_and_list_columns_are_scanned_field_by_field") {
        return;
    }
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, StringArray, StructArray};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let ids: ArrayRef = Arc::new(StringArray::from(vec![
        "11010519491231002X",
        "110105202001010015",
    ]));
    let phones: ArrayRef = Arc::new(StringArray::from(vec!["13800138000", "13900139000"]));
    let user = StructArray::from(vec![
        (
            Arc::new(arrow_schema::Field::new(
                "id_number",
                arrow_schema::DataType::Utf8,
                false,
            )),
            ids,
        ),
        (
            Arc::new(arrow_schema::Field::new(
                "phone",
                arrow_schema::DataType::Utf8,
                false,
            )),
            phones,
        ),
    ]);
    let mut emails = ListBuilder::new(StringBuilder::new());
    emails.values().append_value("li@example.cn");
    emails.values().append_value("wang@example.cn");
    emails.append(true);
    emails.values().append_value("zhao@example.cn");
    emails.append(true);
    let contacts = {
        let fields = vec![arrow_schema::Field::new(
            "mobile",
            arrow_schema::DataType::Utf8,
            false,
        )];
        let mut b = ListBuilder::new(arrow_array::builder::StructBuilder::from_fields(fields, 2));
        for phone in ["13700137000", "13600136000"] {
            let s = b.values();
            s.field_builder::<StringBuilder>(0)
                .unwrap()
                .append_value(phone);
            s.append(true);
            b.append(true);
        }
        b.finish()
    };
    let batch = arrow_array::RecordBatch::try_from_iter([
        ("user", Arc::new(user) as ArrayRef),
        ("emails", Arc::new(emails.finish()) as ArrayRef),
        ("contacts", Arc::new(contacts) as ArrayRef),
    ])
    .unwrap();
    let path = dir.path().join("nested.parquet");
    write_parquet(&path, &batch);
    let v = scan_json(&path, "user.id_number");
    let out = v.to_string();
    let file = &v["files"][0];
    let found = |name: &str| {
        file["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["findings"][0]["category"].clone())
    };
    assert_eq!(
        found("user.id_number"),
        Some("cn_resident_id".into()),
        "{out}"
    );
    assert_eq!(found("user.phone"), Some("cn_mobile".into()), "{out}");
    // A list is scanned in its text form, under its own name.
    assert_eq!(found("emails"), Some("email".into()), "{out}");
    // A list of structs has no cast to text: it is scanned in its display form, not reported empty.
    assert_eq!(found("contacts"), Some("cn_mobile".into()), "{out}");
    assert_eq!(file["individuals"]["with_personal_information"], 2);
    if crate::util::engine_built("parquet_struct_and_list_columns_are_scanned_field_by_field") {
        // The engine reads the same columns through the same text conversion and the same scanner.
        let (native, engine) = (
            scan_with(&path, "user.id_number", "native"),
            scan_with(&path, "user.id_number", "datafusion"),
        );
        assert_eq!(engine, native);
    }
}

/// `chujing scan PATH --engine ENGINE --json` as of 2026-11-22, comparable across engines.
fn scan_with(path: &std::path::Path, subject: &str, engine: &str) -> Value {
    crate::util::comparable_scan(&scan_out(path, subject, &["--engine", engine]))
}

#[test]
fn the_engine_scans_a_glob_as_one_table_and_refuses_what_it_would_misread() {
    if !crate::util::engine_built(
        "the_engine_scans_a_glob_as_one_table_and_refuses_what_it_would_misread",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let header = "身份证号,手机号码,诊断\n";
    let rows = [
        "11010519491231002X,13800138000,高血压",
        "110105202001010015,13900139000,",
        "11010519491231002X,13700137000,",
    ];
    let all = format!("{header}{}\n", rows.join("\n"));
    std::fs::write(dir.path().join("all.csv"), &all).unwrap();
    std::fs::create_dir(dir.path().join("parts")).unwrap();
    for (i, row) in rows.iter().enumerate() {
        std::fs::write(
            dir.path().join(format!("parts/p{i}.csv")),
            format!("{header}{row}\n"),
        )
        .unwrap();
    }
    let glob = dir.path().join("parts/*.csv");
    let native = scan_with(&dir.path().join("all.csv"), "身份证号", "native");
    assert_eq!(scan_with(&glob, "身份证号", "datafusion"), native);
    // The profile is written from the engine's figures as from the native scan's.
    let profile = dir.path().join("profile.toml");
    std::fs::copy(
        root().join("examples/mid-size-standard-contract.toml"),
        &profile,
    )
    .unwrap();
    let (code, _, err) = chujing(&[
        "scan",
        glob.to_str().unwrap(),
        "--engine",
        "datafusion",
        "--subject-column",
        "身份证号",
        "--as-of",
        "2026-11-22",
        "--profile",
        profile.to_str().unwrap(),
        "--flow",
        "loyalty-crm",
    ]);
    assert_eq!(code, 0, "{err}");
    let flow = flow_of(&std::fs::read_to_string(&profile).unwrap(), "loyalty-crm");
    // Two people: one with a diagnosis, one a minor under 14 by the birth date in the ID (both sensitive).
    assert_eq!(flow["individuals"].as_integer(), Some(2));
    assert_eq!(flow["sensitive_individuals"].as_integer(), Some(2));
    // A .csv delimited by semicolons would be one column to the engine: refused, naming the file.
    let semi = dir.path().join("semi.csv");
    std::fs::write(&semi, "身份证号;手机号码\n11010519491231002X;13800138000\n").unwrap();
    let (code, _, err) = chujing(&["scan", semi.to_str().unwrap(), "--engine", "datafusion"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("semi.csv") && err.contains("delimited by `;`"),
        "{err}"
    );
    // --sample reads the first rows of each file, which an engine's partitions do not have.
    let (code, _, err) = chujing(&[
        "scan",
        semi.to_str().unwrap(),
        "--engine",
        "datafusion",
        "--sample",
        "5",
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_named_input_that_cannot_be_read_makes_the_scan_exit_non_zero() {
    // Before: the file was listed as skipped and the scan said "no personal information", exit 0.
    let dir = fixture();
    let blob = dir.path().join("blob.bin");
    let csv = dir.path().join("customers.csv");
    let (code, out, err) = chujing(&[
        "scan",
        csv.to_str().unwrap(),
        blob.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
    ]);
    assert_eq!(code, 5, "{out}{err}");
    assert!(out.contains("NOT READ") && out.contains("binary"), "{out}");
    assert!(err.contains("1 of 2 file(s) could not be read"), "{err}");
    // The same binary file met while walking a directory is skipped as not a table: the scan is complete.
    let (code, out, _) = chujing(&["scan", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["unreadable_files"], 0);
    assert_eq!(v["summary"]["skipped_files"], 1);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_a_note_and_the_scan_goes_on() {
    // Before: the loop aborted the whole scan with nothing reported.
    let dir = fixture();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("again")).unwrap();
    let (code, out, err) = chujing(&["scan", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 3, "{out}");
    assert!(
        v["loops"][0].as_str().unwrap().contains("loops back"),
        "{out}"
    );
}
