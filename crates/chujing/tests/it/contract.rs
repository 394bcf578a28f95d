//! `contract check --form standard-contract` and `contract fingerprint`, on a synthetic stand-in for the
//! official form (tests/fixtures/forms: the form's structure, chujing's own wording — not the CAC's text).

use std::path::PathBuf;

use crate::util::{chujing, chujing_env, root};

const FORM: &str = "crates/chujing/tests/fixtures/forms/synthetic-standard-contract.md";
const SIGNED: &str = "crates/chujing/tests/fixtures/forms/synthetic-standard-contract-signed.md";
const PROFILE: &str = "examples/mid-size-standard-contract.toml";

fn signed() -> String {
    std::fs::read_to_string(root().join(SIGNED)).unwrap()
}

/// The signed contract with `from` replaced by `to` (which must be there), in a temporary file.
fn edited(from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
    let text = signed();
    assert!(text.contains(from), "the fixture holds «{from}»");
    crate::util::temp_file("contract.md", &text.replacen(from, to, 1))
}

/// The line of `out` (a table's row) that holds `needle`, or nothing.
fn row<'a>(out: &'a str, needle: &str) -> &'a str {
    out.lines().find(|l| l.contains(needle)).unwrap_or_default()
}

fn check(contract: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "contract",
        "check",
        "--form",
        "standard-contract",
        "--reference",
        FORM,
        contract,
    ];
    args.extend_from_slice(extra);
    chujing(&args)
}

#[test]
fn the_form_filled_in_and_signed_has_no_finding() {
    let (code, out, err) = check(SIGNED, &["--profile", PROFILE]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("compared with 9 clauses and 32 items"),
        "{out}"
    );
    assert!(out.contains("no finding"), "{out}");
    assert!(
        out.contains("Annex I compared with transfer loyalty-crm → Acme Marketing Cloud Inc. (150,000 individuals"),
        "{out}"
    );
    assert!(out.contains("not compared with the CAC's copy"), "{out}");
    // What the parties wrote into the form's blanks is shown, item by item, for a reviewer.
    let row = row(&out, "第一条（三）");
    assert!(row.contains("美国"), "{out}");
    let (_, json, _) = check(SIGNED, &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["result"]["filled"][1]["place"], "第九条（三）", "{json}");
    assert_eq!(v["result"]["filled"][1]["fills"][0], "两", "{json}");
}

#[test]
fn an_item_of_article_3_deleted_is_named() {
    let (_dir, path) = edited(
        "（二）境外接收方以对个人权益影响最小的方式处理个人信息。\n",
        "",
    );
    let (code, out, err) = check(path.to_str().unwrap(), &["--json"]);
    assert_eq!(code, 4, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["result"]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{out}");
    assert_eq!(findings[0]["kind"], "missing");
    assert_eq!(findings[0]["place"], "第三条（二）");
}

#[test]
fn a_changed_retention_period_in_article_3_is_shown() {
    let (_dir, path) = edited("实现处理目的所必要的最短时间", "十年");
    let (code, out, err) = check(path.to_str().unwrap(), &["--lang", "zh"]);
    assert_eq!(code, 4, "{out}{err}");
    let row = row(&out, "第三条（三）");
    assert!(row.contains("被改动"), "{out}");
    assert!(
        row.contains("期限为十年"),
        "the contract's clause is shown: {out}"
    );
    assert!(out.contains("1 项问题"), "{out}");
}

#[test]
fn annex_i_scale_that_differs_from_the_ledger_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("crm.csv");
    std::fs::write(
        &csv,
        "id_number\n11010519491231002X\n110105202001010015\n11010519491231002X\n",
    )
    .unwrap();
    let db = format!("sqlite://{}", dir.path().join("l.db").display());
    crate::util::ingest_ids(&db, &csv, "loyalty-crm", "2026-10-02", None);
    let env = [("CHUJING_LEDGER_KEY", crate::util::TEST_KEY)];
    let (code, out, err) = chujing_env(
        &[
            "--db",
            &db,
            "contract",
            "check",
            "--form",
            "standard-contract",
            "--reference",
            FORM,
            SIGNED,
            "--profile",
            PROFILE,
            "--ledger",
            "--lang",
            "zh",
        ],
        &env,
    );
    assert_eq!(code, 4, "{out}{err}");
    let row = row(&out, "附录一 第3项");
    assert!(
        row.contains("写明 150,000；chujing 计得 2（出境台账）"),
        "{out}"
    );
    assert!(out.contains("1 项问题"), "only the scale differs: {out}");
}

#[test]
fn annex_i_omitting_what_the_scan_found_and_annex_ii_overriding_the_body_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("crm.csv");
    std::fs::write(&csv, "id_number,diagnosis\n11010519491231002X,高血压\n").unwrap();
    let (code, scan, err) = chujing(&[
        "scan",
        csv.to_str().unwrap(),
        "--json",
        "--subject-column",
        "id_number",
    ]);
    assert_eq!(code, 0, "{err}");
    let scan_path = dir.path().join("scan.json");
    std::fs::write(&scan_path, scan).unwrap();
    let (_d, path) = edited(
        "境外接收方每年向个人信息处理者提交一次个人信息保护合规报告。",
        "本附录与正文不一致的，以本附录为准。",
    );
    let (code, out, err) = check(
        path.to_str().unwrap(),
        &[
            "--profile",
            PROFILE,
            "--scan",
            scan_path.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(code, 4, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let places: Vec<(&str, &str)> = v["result"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["place"].as_str().unwrap()))
        .collect();
    assert_eq!(
        places,
        vec![
            ("annex_ii_conflict", "Annex II"),
            ("annex_i_mismatch", "Annex I item 5")
        ],
        "{out}"
    );
}

#[test]
fn fingerprints_keep_no_text_of_the_form_and_check_alike() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("form.toml");
    let (code, _, err) = chujing(&[
        "contract",
        "fingerprint",
        FORM,
        "-o",
        toml.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("fingerprinted 9 clauses and 31 numbered items and points"),
        "{err}"
    );
    let written = std::fs::read_to_string(&toml).unwrap();
    // Headings only: no item's words.
    for words in ["对个人权益影响最小", "第三方受益人", "连带责任"] {
        assert!(
            !written.contains(words),
            "«{words}» leaked into the fingerprints"
        );
    }
    assert!(written.contains("verified = false"), "{written}");
    let (code, out, err) = chujing(&[
        "contract",
        "check",
        "--form",
        "standard-contract",
        "--reference",
        toml.to_str().unwrap(),
        SIGNED,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let (_d, path) = edited(
        "（二）境外接收方以对个人权益影响最小的方式处理个人信息。\n",
        "",
    );
    let (code, out, _) = chujing(&[
        "contract",
        "check",
        "--form",
        "standard-contract",
        "--reference",
        toml.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("第三条（二）"), "{out}");
}

#[test]
fn the_form_as_a_docx_is_read_paragraph_by_paragraph() {
    // The CAC publishes the form as a Word file: its paragraphs, split into runs, are the reference.
    let text = std::fs::read_to_string(root().join(FORM)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("个人信息出境标准合同.docx");
    crate::util::write_docx(&docx, text.lines().filter(|l| !l.trim().is_empty()));
    let docx = docx.to_str().unwrap();
    let (code, out, err) = chujing(&[
        "contract",
        "check",
        "--form",
        "standard-contract",
        "--reference",
        docx,
        SIGNED,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("fingerprinted from 个人信息出境标准合同.docx"),
        "{out}"
    );
    let (_d, path) = edited("实现处理目的所必要的最短时间", "十年");
    let (code, out, _) = chujing(&[
        "contract",
        "check",
        "--form",
        "standard-contract",
        "--reference",
        docx,
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("第三条（三）"), "{out}");
}

#[test]
fn a_contract_whose_items_are_a_word_numbered_list_reads_with_its_labels() {
    // Each clause's items a list of its own (（一）… by Word's chineseCounting numbering, restarted per
    // clause): the labels are in numbering.xml, not in the text.
    let mut body = String::new();
    let mut nums = String::new();
    let mut clause = 0;
    for line in signed().lines().filter(|l| !l.trim().is_empty()) {
        if line.starts_with('第') && line.contains('条') {
            clause += 1;
            nums.push_str(&format!(
                "<w:num w:numId=\"{clause}\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>"
            ));
        }
        match line.strip_prefix('（').and_then(|r| r.split_once('）')) {
            // Items (（一）) only: the points inside 第三条（四） keep their labels in the text.
            Some((label, text)) if !label.chars().all(|c| c.is_ascii_digit()) => {
                body.push_str(&crate::util::docx_paragraph(text, Some(clause)))
            }
            _ => body.push_str(&crate::util::docx_paragraph(line, None)),
        }
    }
    let numbering = format!(
        "<w:numbering><w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%1）\"/></w:lvl></w:abstractNum>{nums}</w:numbering>"
    );
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("signed.docx");
    crate::util::write_docx_xml(&docx, &body, Some(&numbering));
    let (code, out, err) = check(docx.to_str().unwrap(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no finding"), "{out}");
}

#[test]
fn without_fingerprints_or_a_reference_the_check_refuses_rather_than_passes() {
    let (code, out, err) = chujing(&["contract", "check", "--form", "standard-contract", SIGNED]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("no fingerprints of the official standard contract"),
        "{err}"
    );
    assert!(err.contains("--reference"), "{err}");
    // Something that is not the form is not fingerprinted as one.
    let (code, _, err) = chujing(&[
        "contract",
        "fingerprint",
        "crates/chujing/tests/fixtures/agreement-en.md",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a copy of the form"), "{err}");
    // The certification agreement has no form to compare with.
    let (code, _, err) = chujing(&["contract", "check", "--reference", FORM, SIGNED]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--form standard-contract"), "{err}");
}
