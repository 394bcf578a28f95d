//! `chujing report` (golden documents, HTML, PDF) and `chujing contract check`.

use serde_json::Value;

use crate::util::{chujing, chujing_env, root};

/// (kind, example profile) pairs: each kind from the example it belongs to.
const KINDS: [(&str, &str); 5] = [
    ("pipia", "examples/mid-size-standard-contract.toml"),
    (
        "self-assessment",
        "examples/large-platform-security-assessment.toml",
    ),
    (
        "standard-contract-filing",
        "examples/mid-size-standard-contract.toml",
    ),
    (
        "certification-application",
        "examples/mid-size-standard-contract.toml",
    ),
    (
        "standard-contract-annex",
        "examples/mid-size-standard-contract.toml",
    ),
];

#[test]
fn golden_documents_in_both_languages() {
    for (kind, profile) in KINDS {
        for lang in ["zh", "en"] {
            let (code, out, err) = chujing(&["report", kind, "--profile", profile, "--lang", lang]);
            assert_eq!(code, 0, "{kind} {lang}: {err}");
            insta::assert_snapshot!(format!("report-{kind}-{lang}"), out);
        }
    }
}

/// The PIPIA and the self-assessment follow the second editions' templates from 2024-03-22; before, the
/// matters of the Measures' Art. 5, saying that the first editions' templates are not encoded.
#[test]
fn golden_templates_before_the_second_editions() {
    for (kind, profile) in &KINDS[..2] {
        for lang in ["zh", "en"] {
            let (code, out, err) = chujing(&[
                "report",
                kind,
                "--profile",
                profile,
                "--lang",
                lang,
                "--as-of",
                "2023-12-01",
            ]);
            assert_eq!(code, 0, "{kind} {lang}: {err}");
            insta::assert_snapshot!(format!("report-{kind}-{lang}-2023"), out);
        }
    }
}

/// A document dated before the 2024 Provisions cites the law of its date: its edition's file
/// (chujing-law's `guides/first-edition.toml`) holds the articles, and no part of it names the Provisions.
#[test]
fn documents_dated_before_the_2024_provisions_do_not_cite_them() {
    for kind in [
        "standard-contract-filing",
        "certification-application",
        "pipia",
    ] {
        let (code, out, err) = chujing(&[
            "report",
            kind,
            "--profile",
            "examples/mid-size-standard-contract.toml",
            "--lang",
            "en",
            "--as-of",
            "2023-12-01",
        ]);
        assert_eq!(code, 0, "{kind}: {err}");
        assert!(
            !out.contains("Provisions 2024"),
            "{kind} cites the 2024 Provisions in 2023:\n{out}"
        );
        assert!(
            !out.contains("2nd ed."),
            "{kind} cites a second edition in 2023:\n{out}"
        );
    }
}

#[test]
fn documents_are_honest_about_sources_and_open_items() {
    let (_, out, _) = chujing(&[
        "report",
        "standard-contract-filing",
        "--profile",
        "examples/mid-size-standard-contract.toml",
        "--lang",
        "en",
    ]);
    // The filing deadline comes from the contract date and the holiday calendar (National Day skipped).
    assert!(out.contains("2026-10-15"), "{out}");
    // Every open item listed at the top appears in the body too.
    let top: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("- [ ] **OPEN** `"))
        .map(|l| l.split('`').next().unwrap())
        .collect();
    assert!(top.contains(&"retention-period"), "{top:?}");
    for id in &top {
        assert!(
            out.contains(&format!("> **OPEN** `{id}`")),
            "{id} not in the body"
        );
    }
    // Figures name their sources.
    assert!(out.contains("(source: profile mid-size-standard-contract.toml)"));
}

#[test]
fn scan_and_ledger_figures_flow_into_the_pipia() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("crm.csv");
    std::fs::write(
        &csv,
        "id_number,diagnosis\n11010519491231002X,高血压\n110105202001010015,\n",
    )
    .unwrap();
    let scan = dir.path().join("scan.json");
    let (code, out, err) = chujing(&[
        "scan",
        csv.to_str().unwrap(),
        "--json",
        "--as-of",
        "2026-11-22",
        "--subject-column",
        "id_number",
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(&scan, out).unwrap();
    let db = format!("sqlite://{}", dir.path().join("l.db").display());
    let env = [("CHUJING_LEDGER_KEY", crate::util::TEST_KEY)];
    for (date, batch) in [("2026-09-10", "a"), ("2026-10-02", "b")] {
        crate::util::ingest_ids(&db, &csv, "loyalty-crm", date, Some(batch));
    }
    let (code, out, err) = chujing_env(
        &[
            "--db",
            &db,
            "report",
            "pipia",
            "--profile",
            "examples/mid-size-standard-contract.toml",
            "--lang",
            "en",
            "--ledger",
            "--scan",
            scan.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("| health | yes | 1 |"), "{out}");
    assert!(
        out.contains("| 2026-09 | 2 |") && out.contains("| 2026-10 | 2 |"),
        "{out}"
    );
    assert!(out.contains("(source: ledger)"), "{out}");
    // Before: the flow table kept the profile's 150,000 for loyalty-crm, and the totals row, raised to a
    // profile figure, was labelled "source: ledger" above the ledger's real count.
    assert!(out.contains("| loyalty-crm |"), "{out}");
    let crm_row = out
        .lines()
        .find(|l| l.starts_with("| loyalty-crm |"))
        .unwrap();
    assert!(crm_row.contains("| 2 | 0 |"), "{crm_row}");
    assert!(
        out.contains(
            "the profile gives 150,000 individuals (0 sensitive), the ledger counts 2 (0 sensitive)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "Individuals as given in the profile (not in the ledger): hr-to-hq, support-access"
        ),
        "{out}"
    );
    let totals_row = out
        .lines()
        .find(|l| l.contains("Individuals provided abroad in the counting window"))
        .unwrap();
    assert!(
        totals_row.contains("40,000") && !totals_row.contains("source: ledger"),
        "{totals_row}"
    );
    assert!(
        !out.contains("`data-inventory`"),
        "the scan answers the inventory item"
    );
    let (code, html, _) = chujing_env(
        &[
            "--db",
            &db,
            "report",
            "pipia",
            "--profile",
            "examples/mid-size-standard-contract.toml",
            "--ledger",
            "--format",
            "html",
        ],
        &env,
    );
    assert_eq!(code, 0);
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<svg") && !html.contains("<script")
    );
}

#[test]
fn pdf_opens_with_chinese_headings_and_every_page_renders() {
    let test = "PDF reports with Chinese headings";
    if !chujing_testkit::tool(test, "pdftotext", "poppler-utils")
        || !chujing_testkit::tool(test, "pdftoppm", "poppler-utils")
    {
        return;
    }
    if let Err(e) = chujing_pdf::find_font(None) {
        chujing_testkit::skip(
            test,
            &format!(
                "{e}; scripts/test-tools installs a font, scripts/test builds the `pdf` feature"
            ),
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (kind, profile) in KINDS {
        let pdf = dir.path().join(format!("{kind}.pdf"));
        let (code, _, err) = chujing(&[
            "report",
            kind,
            "--profile",
            profile,
            "-o",
            pdf.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{kind}: {err}");
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = std::process::Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(text.status.success());
        let text = String::from_utf8(text.stdout).unwrap();
        let heading = match kind {
            "pipia" => "个人信息保护影响评估报告",
            "self-assessment" => "数据出境风险自评估报告",
            "standard-contract-filing" | "standard-contract-annex" => "附录一：个人信息出境说明",
            _ => "申请材料及完成情况",
        };
        assert!(text.contains(heading), "{kind}: no `{heading}` in\n{text}");
        assert!(text.contains("待补充事项"), "{kind}");
        let pages = text.matches('\u{c}').count().max(1);
        let prefix = dir.path().join(kind);
        let render = std::process::Command::new("pdftoppm")
            .args(["-r", "30", "-png"])
            .arg(&pdf)
            .arg(&prefix)
            .output()
            .unwrap();
        assert!(
            render.status.success(),
            "{}",
            String::from_utf8_lossy(&render.stderr)
        );
        let rendered = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{kind}-"))
            })
            .count();
        assert_eq!(rendered, pages, "{kind}: every page renders");
    }
}

#[test]
fn pdf_needs_a_file_and_a_font() {
    let (code, _, err) = chujing(&[
        "report",
        "pipia",
        "--profile",
        "examples/mid-size-standard-contract.toml",
        "--format",
        "pdf",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-o FILE.pdf"), "{err}");
    let (code, _, err) = chujing_env(
        &[
            "report",
            "pipia",
            "--profile",
            "examples/mid-size-standard-contract.toml",
            "-o",
            "/tmp/never.pdf",
        ],
        &[("CHUJING_PDF_FONT", "/no/such/font.ttf")],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/no/such/font.ttf"), "{err}");
}

fn check(file: &str, lang: &str) -> (i32, Value) {
    let (code, out, err) = chujing(&["contract", "check", file, "--json", "--lang", lang]);
    assert!(code == 0 || code == 4, "{err}");
    (code, serde_json::from_str(&out).unwrap())
}

/// The ids of the clauses `keep` selects.
fn clause_ids(v: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    v["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| keep(c))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// The result for one clause.
fn clause<'v>(v: &'v Value, id: &str) -> &'v Value {
    v["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// The clauses not found: missing or contradicted.
fn missing(v: &Value) -> Vec<String> {
    clause_ids(v, |c| c["found"] == false)
}

#[test]
fn contract_with_every_clause() {
    let (code, v) = check("crates/chujing/tests/fixtures/agreement-en.md", "en");
    assert_eq!(code, 0);
    assert_eq!(missing(&v), Vec::<String>::new());
    let law = clause(&v, "prc_governing_law");
    assert!(
        law["passage"]
            .as_str()
            .unwrap()
            .contains("People's Republic of China")
    );
}

#[test]
fn contract_in_chinese_with_clauses_missing() {
    let (code, v) = check(
        "crates/chujing/tests/fixtures/agreement-zh-partial.md",
        "zh",
    );
    assert_eq!(code, 4);
    assert_eq!(
        missing(&v),
        [
            "certification_supervision",
            "responsible_entity_in_china",
            "liability_between_parties",
            "civil_liability_to_individuals",
            "onward_transfer_limits",
            "retention_and_deletion"
        ]
    );
    let (_, out, _) = chujing(&[
        "contract",
        "check",
        "crates/chujing/tests/fixtures/agreement-zh-partial.md",
        "--lang",
        "zh",
    ]);
    assert!(
        out.contains("缺失") && out.contains("6 项条款缺失"),
        "{out}"
    );
}

#[test]
fn contract_saying_the_opposite_is_flagged_for_review() {
    let (code, v) = check(
        "crates/chujing/tests/fixtures/agreement-contradicted.md",
        "en",
    );
    assert_eq!(code, 4);
    let contradicted = clause_ids(&v, |c| c["status"] == "contradicted");
    assert_eq!(
        contradicted,
        [
            "certification_supervision",
            "prc_governing_law",
            "retention_and_deletion"
        ]
    );
    assert_eq!(v["missing"], 0);
    assert_eq!(v["contradicted"], 3);
    let law = clause(&v, "prc_governing_law");
    assert_eq!(law["paragraph"], 7);
    assert_eq!(
        law["contradiction"],
        "This Agreement shall not be governed by the laws of the People's Republic of China"
    );
    let (code, out, _) = chujing(&[
        "contract",
        "check",
        "crates/chujing/tests/fixtures/agreement-contradicted.md",
    ]);
    assert_eq!(code, 4);
    assert!(
        out.contains("CONTRADICTED: review") && out.contains("3 clause(s) worded but contradicted"),
        "{out}"
    );
    assert!(!out.contains("every expected clause was found"), "{out}");
}

#[test]
fn contract_reworded_and_as_docx() {
    let (code, v) = check("crates/chujing/tests/fixtures/agreement-reworded.txt", "en");
    assert_eq!(missing(&v), Vec::<String>::new(), "{v}");
    assert_eq!(code, 0);
    // The same text as a DOCX: paragraphs from word/document.xml, split runs and XML escapes included.
    let text = std::fs::read_to_string(
        root().join("crates/chujing/tests/fixtures/agreement-reworded.txt"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("agreement.docx");
    crate::util::write_docx(&docx, text.split("\n\n"));
    let (code, v) = check(docx.to_str().unwrap(), "en");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["paragraphs"], 13);
}

#[test]
fn every_document_says_first_whether_it_is_for_this_processor() {
    // Before: a contract filing was written for a processor that needs a security assessment, with no word
    // that the contract route is closed to it.
    let run = |kind: &str, profile: &str| {
        let (code, out, err) = chujing(&[
            "report",
            kind,
            "--profile",
            profile,
            "--lang",
            "en",
            "--as-of",
            "2026-11-22",
        ]);
        assert_eq!(code, 0, "{err}");
        // The standing is the first section: only the list of open items comes before it.
        let sections: Vec<&str> = out.split("\n## ").skip(1).collect();
        let at = usize::from(sections[0].starts_with("Open items"));
        let first = sections[at];
        assert!(
            first.starts_with("Is this document for this processor?"),
            "{out}"
        );
        first.to_string()
    };
    let large = "examples/large-platform-security-assessment.toml";
    assert!(run("standard-contract-filing", large).contains("NOT ELIGIBLE"));
    assert!(run("certification-application", large).contains("NOT ELIGIBLE"));
    assert!(run("self-assessment", large).contains("Eligible"));
    let mid = "examples/mid-size-standard-contract.toml";
    assert!(run("self-assessment", mid).contains("Not required"));
    assert!(run("standard-contract-filing", mid).contains("Eligible"));
    let small = "examples/small-exempt.toml";
    assert!(run("standard-contract-filing", small).contains("Not required"));
    assert!(run("pipia", small).contains("Required"));
}

/// `report pipia -o OUT` (in a fresh directory) with `font` as CHUJING_PDF_FONT: (exit code, stderr, whether
/// OUT was written).
fn pdf_with_font(out: &str, font: &std::path::Path) -> (i32, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(out);
    let (code, _, err) = chujing_env(
        &[
            "report",
            "pipia",
            "--profile",
            "examples/mid-size-standard-contract.toml",
            "-o",
            out.to_str().unwrap(),
        ],
        &[("CHUJING_PDF_FONT", font.to_str().unwrap())],
    );
    (code, err, out.exists())
}

#[test]
fn a_file_that_is_not_a_font_is_refused_and_nothing_is_written() {
    // Before: typst was handed the bytes, found no font in them, and wrote a PDF with blank text; exit 0.
    let (_dir, fake) = crate::util::temp_file("font.ttf", "not a font at all");
    let (code, err, written) = pdf_with_font("pipia.pdf", &fake);
    assert_ne!(code, 0);
    assert!(err.contains("is not a font file"), "{err}");
    assert!(!written);
    // Before: `-o OUT.PDF` wrote Markdown into a file named .PDF. The PDF path is proven by its font check,
    // which Markdown never makes.
    let (code, err, _) = pdf_with_font("OUT.PDF", &fake);
    assert_ne!(code, 0);
    assert!(err.contains("is not a font file"), "{err}");
}

#[test]
fn a_font_without_chinese_glyphs_is_refused() {
    let test = "a Latin-only font refused for a Chinese PDF";
    let latin = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if !latin.exists() {
        chujing_testkit::skip(
            test,
            "needs DejaVu Sans (Debian fonts-dejavu-core) as a font without CJK glyphs",
        );
        return;
    }
    let (code, err, written) = pdf_with_font("pipia.pdf", latin);
    assert_ne!(code, 0);
    assert!(err.contains("has no glyphs for"), "{err}");
    assert!(!written);
}

#[test]
fn contract_check_reads_gb18030_and_refuses_pdf_and_empty_files_plainly() {
    let dir = tempfile::tempdir().unwrap();
    // GB18030 bytes of "本协议适用中华人民共和国法律。" (before: refused as not UTF-8).
    let (gb, _, _) =
        encoding_rs::GB18030.encode("本协议适用中华人民共和国法律。\n\n乙方接受认证机构的监督。\n");
    let agreement = dir.path().join("agreement.txt");
    std::fs::write(&agreement, &gb).unwrap();
    let (code, v) = check(agreement.to_str().unwrap(), "zh");
    assert_eq!(code, 4);
    assert!(
        clause_ids(&v, |c| c["status"] == "found").contains(&"prc_governing_law".to_string()),
        "{v}"
    );
    // A PDF: say it is not supported and what to use (before: "not UTF-8").
    let pdf = dir.path().join("agreement.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").unwrap();
    let (code, _, err) = chujing(&["contract", "check", pdf.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("a PDF cannot be checked") && err.contains(".docx"),
        "{err}"
    );
    // An empty file: "no text", not twelve missing clauses.
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "  \n\n").unwrap();
    let (code, out, err) = chujing(&["contract", "check", empty.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("no text to check"), "{err}");
}

#[test]
fn a_document_shows_the_other_reading_when_it_would_change_the_pathway() {
    let (_dir, profile) = crate::util::temp_file("p.toml", crate::util::HR_EXEMPT_BESIDE_80K);
    let (code, out, err) = chujing(&[
        "report",
        "pipia",
        "--profile",
        profile.to_str().unwrap(),
        "--lang",
        "en",
        "--as-of",
        "2026-11-23",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("## If the law is read the other way"), "{out}");
    assert!(
        out.contains(
            "If instead they are counted: flow crm → standard contract or certification; \
             the processor's pathway would be standard contract or certification"
        ),
        "{out}"
    );
    let (_, text, _) = chujing(&["assess", profile.to_str().unwrap(), "--as-of", "2026-11-23"]);
    assert!(text.contains("If the law is read the other way"), "{text}");
}

#[test]
fn the_clause_checker_and_documents_cite_the_standard_in_force_on_the_date() {
    let cite = |date: &str| {
        let (code, out, err) = chujing(&[
            "contract",
            "check",
            "examples/data/agreement.md",
            "--json",
            "--as-of",
            date,
        ]);
        assert_eq!(code, 4, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        v["clauses"][0]["citation"].as_str().unwrap().to_string()
    };
    assert!(cite("2026-02-28").starts_with("TC260-PG-20222A"));
    assert!(cite("2026-03-01").starts_with("GB/T 46068-2025"));
    let doc = |kind: &str, date: &str| {
        let (code, out, err) = chujing(&[
            "report",
            kind,
            "--profile",
            "examples/mid-size-standard-contract.toml",
            "--lang",
            "en",
            "--as-of",
            date,
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let application = "certification-application";
    assert!(doc(application, "2025-10-31").contains("TC260-PG-20222A"));
    assert!(doc(application, "2026-03-01").contains("GB/T 46068-2025"));
    // Sensitive PI is identified under GB/T 45574-2025 from 2025-11-01.
    assert!(!doc("pipia", "2025-10-31").contains("GB/T 45574-2025"));
    assert!(
        doc("pipia", "2025-11-01").contains("Sensitive PI identified under: **GB/T 45574-2025")
    );
}

/// The words of a PDF page as `pdftotext -bbox` finds them: (xMin, yMin, xMax, yMax, text).
fn words(pdf: &std::path::Path, page: u32) -> Vec<(f64, f64, f64, f64, String)> {
    let out = std::process::Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-bbox"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |w: &str, name: &str| -> f64 {
        w.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|w| {
            let text = w
                .split('>')
                .nth(1)
                .and_then(|r| r.split('<').next())
                .unwrap_or("")
                .to_string();
            (
                attr(w, "xMin"),
                attr(w, "yMin"),
                attr(w, "xMax"),
                attr(w, "yMax"),
                text,
            )
        })
        .collect()
}

#[test]
fn a_filing_is_typeset_as_the_template_prescribes() {
    let test = "the filing template's typesetting";
    if !chujing_testkit::tool(test, "pdftotext", "poppler-utils")
        || !chujing_testkit::tool(test, "pdffonts", "poppler-utils")
    {
        return;
    }
    let stand_ins = [
        "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
        "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    ];
    if let Err(e) = chujing_pdf::find_font(None) {
        chujing_testkit::skip(test, &e.to_string());
        return;
    }
    if stand_ins.iter().any(|f| !std::path::Path::new(f).exists()) {
        chujing_testkit::skip(
            test,
            "needs the free faces that stand in for 仿宋, 楷体 and Times New Roman \
             (fonts-arphic-gbsn00lp, fonts-arphic-gkai00mp, fonts-liberation; scripts/test-tools installs them)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("sa.pdf");
    let (code, _, err) = chujing(&[
        "report",
        "self-assessment",
        "--profile",
        "examples/large-platform-security-assessment.toml",
        "--as-of",
        "2026-11-22",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    // Which faces stood in is said.
    assert!(
        err.contains("仿宋 is not installed: AR PL SungtiL GB"),
        "{err}"
    );
    assert!(
        err.contains("Times New Roman is not installed: Liberation Serif"),
        "{err}"
    );

    // The faces are embedded: 黑体, 仿宋 (its stand-in), 楷体 (its stand-in) and the Latin face.
    let fonts = std::process::Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
    for face in ["BousungEG-Light-GB", "GBZenKai", "LiberationSerif"] {
        assert!(fonts.contains(face), "{face} embedded:\n{fonts}");
    }
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("595.276 x 841.89 pts (A4)"));

    // The cover: the title, the organisation with its seal, the date in Chinese.
    let cover: String = words(&pdf, 1).into_iter().map(|w| w.4).collect();
    assert!(
        cover.contains("数据出境风险自评估报告")
            && cover.contains("（盖章）")
            && cover.contains("2026年11月22日"),
        "{cover}"
    );

    // A page of body text: 14 pt characters, lines 26 pt apart, 3.18 cm (90.1 pt) margins left and right with
    // first lines indented two characters, 2.54 cm (72 pt) top and bottom.
    let page = words(&pdf, 3);
    let cjk: Vec<_> = page
        .iter()
        .filter(|w| {
            w.4.chars()
                .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || "，。、：（）《》；".contains(c))
                && !w.4.is_empty()
        })
        .collect();
    assert!(cjk.len() > 10, "{page:?}");
    let body: Vec<_> = cjk
        .iter()
        .filter(|w| (w.3 - w.1 - 14.0).abs() < 0.05)
        .collect();
    assert!(
        body.len() * 2 > cjk.len(),
        "most Chinese words are 14 pt high: {cjk:?}"
    );
    let left = 3.18 / 2.54 * 72.0;
    let lefts: Vec<f64> = body.iter().map(|w| w.0).collect();
    assert!(
        lefts.iter().any(|x| (x - left).abs() < 0.5),
        "lines start 3.18 cm in: {lefts:?}"
    );
    assert!(
        lefts.iter().any(|x| (x - left - 28.0).abs() < 0.5),
        "first lines indented 2 characters: {lefts:?}"
    );
    assert!(
        page.iter()
            .all(|w| w.0 >= left - 10.0 && w.2 <= 595.276 - left + 10.0),
        "within the left and right margins"
    );
    // Everything but the page number, which sits in the bottom margin, is within the top and bottom margins.
    let (footer, content): (Vec<_>, Vec<_>) = page.iter().partition(|w| w.1 > 841.89 - 72.0);
    // The cover is not numbered: the third sheet is page 2.
    assert!(
        footer.iter().all(|w| w.4 == "2"),
        "only the page number below the text: {footer:?}"
    );
    assert!(
        content
            .iter()
            .all(|w| w.1 >= 72.0 - 14.0 && w.3 <= 841.89 - 72.0 + 4.0),
        "within the top and bottom margins"
    );
    let mut tops: Vec<f64> = body.iter().map(|w| w.1).collect();
    tops.sort_by(f64::total_cmp);
    tops.dedup_by(|a, b| (*a - *b).abs() < 0.05);
    let steps: Vec<f64> = tops.windows(2).map(|p| p[1] - p[0]).collect();
    let at_26 = steps.iter().filter(|d| (**d - 26.0).abs() < 0.05).count();
    assert!(at_26 * 2 > steps.len(), "lines 26 pt apart: {steps:?}");
}

#[test]
fn a_docx_is_written_from_its_extension_and_never_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pipia.docx");
    let (code, _, err) = chujing(&[
        "report",
        "pipia",
        "--profile",
        "examples/mid-size-standard-contract.toml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read(&out).unwrap().starts_with(b"PK"),
        "a zip package"
    );
    let (code, _, err) = chujing(&[
        "report",
        "pipia",
        "--profile",
        "examples/mid-size-standard-contract.toml",
        "--format",
        "docx",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-o FILE.docx"), "{err}");
}

#[test]
fn one_command_writes_the_whole_filing_package_of_the_pathway() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("filing");
    let (code, _, err) = chujing(&[
        "filing",
        "--profile",
        "examples/mid-size-standard-contract.toml",
        "--as-of",
        "2026-11-22",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let index = std::fs::read_to_string(out.join("目录.md")).unwrap();
    // The contract route: the PIPIA and the filing materials, each as Word, PDF (with a CJK font) and Markdown.
    for kind in ["pipia", "standard-contract-filing"] {
        let docx = std::fs::read(out.join(format!("{kind}.docx"))).unwrap();
        assert!(docx.starts_with(b"PK"), "{kind}.docx");
        assert!(out.join(format!("{kind}.md")).exists());
        assert!(index.contains(&format!("[{kind}.docx]")), "{index}");
        let pdf = out.join(format!("{kind}.pdf"));
        assert_eq!(
            pdf.exists(),
            chujing_pdf::find_font(None).is_ok(),
            "a PDF when a CJK font is installed, else said: {index}"
        );
    }
    assert!(
        !out.join("self-assessment.docx").exists(),
        "no assessment on this route"
    );
    assert!(
        index.contains("出境路径：标准合同或认证")
            && index.contains("- [ ] `recipient-security-measures`"),
        "{index}"
    );

    // A security assessment: the self-assessment report comes first.
    let sa = dir.path().join("sa");
    let (code, _, err) = chujing(&[
        "filing",
        "--profile",
        "examples/large-platform-security-assessment.toml",
        "-o",
        sa.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(sa.join("self-assessment.docx").exists() && sa.join("pipia.docx").exists());
    // Each package lists the materials its guide (second edition) asks for: produced, or to supply.
    let sa_index = std::fs::read_to_string(sa.join("目录.md")).unwrap();
    assert!(
        sa_index.contains("《数据出境安全评估申报指南（第二版）》"),
        "{sa_index}"
    );
    assert!(
        sa_index.contains("- [x] 数据出境风险自评估报告")
            && sa_index.contains("- [ ] 数据出境安全评估申报书"),
        "{sa_index}"
    );
    assert!(
        index.contains("《个人信息出境标准合同备案指南（第二版）》")
            && index.contains("- [ ] 承诺书"),
        "{index}"
    );
}
