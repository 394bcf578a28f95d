//! The DOCX read back: its structure (Word headings, tables), its styles (the faces, sizes, spacing and margins
//! the filing template prescribes) and its Chinese text; and LibreOffice opens it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::io::Read;

use chujing_docs::{DocumentKind, Inputs};
use chujing_law::{Lang, Profile, RuleBook};

/// The self-assessment of the large example, in Chinese, as DOCX.
fn docx() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/large-platform-security-assessment.toml"
    );
    let src = std::fs::read_to_string(path).unwrap();
    let profile = Profile::parse("large-platform-security-assessment.toml", &src).unwrap();
    let book = RuleBook::embedded().unwrap();
    let as_of = chujing_law::Date::new(2026, 11, 22).unwrap();
    let assessment = chujing_law::assess(&book, &profile, as_of, Lang::Zh).unwrap();
    let doc = chujing_docs::build(
        DocumentKind::SelfAssessment,
        &Inputs {
            profile_file: "large-platform-security-assessment.toml",
            profile: &profile,
            assessment: &assessment,
            ledger: None,
            scan: None,
        },
    );
    chujing_docx::render(&doc).unwrap()
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_docx_has_word_headings_tables_and_the_templates_text() {
    let d = docx();
    let body = part(&d, "word/document.xml");
    for heading in [
        "一、自评估工作情况",
        "（一）数据处理者情况",
        "2. 各业务场景的出境数据项",
        "三、拟出境活动的风险自评估情况",
    ] {
        assert!(body.contains(heading), "{heading}");
    }
    for style in ["Heading1", "Heading2", "Heading3"] {
        assert!(
            body.contains(&format!("<w:pStyle w:val=\"{style}\" />")),
            "paragraphs styled {style}"
        );
    }
    assert!(body.contains("<w:tbl>"), "real tables");
    assert!(
        body.contains("数据项名称") && body.contains("出境必要性"),
        "the data-item table"
    );
    // The cover: the organisation with its seal and the date.
    assert!(body.contains("（盖章）") && body.contains("2026年11月22日"));
    // A4 with 2.54 cm top and bottom and 3.18 cm left and right margins (twentieths of a point).
    assert!(
        body.contains("w:w=\"11906\"") && body.contains("w:h=\"16838\""),
        "A4"
    );
    for (side, v) in [
        ("top", 1440),
        ("bottom", 1440),
        ("left", 1803),
        ("right", 1803),
    ] {
        assert!(body.contains(&format!("w:{side}=\"{v}\"")), "margin {side}");
    }
}

#[test]
fn the_docx_styles_are_the_templates() {
    let styles = part(&docx(), "word/styles.xml");
    let style = |id: &str| -> String {
        let start = styles
            .find(&format!("w:styleId=\"{id}\""))
            .unwrap_or_else(|| panic!("style {id}"));
        let end = styles[start..].find("</w:style>").unwrap() + start;
        styles[start..end].to_string()
    };
    // Every paragraph's defaults: 四号 仿宋, Latin Times New Roman, exactly 26 pt.
    let start = styles.find("<w:docDefaults>").unwrap();
    let defaults = &styles[start..styles.find("</w:docDefaults>").unwrap()];
    for want in [
        "w:eastAsia=\"仿宋\"",
        "w:ascii=\"Times New Roman\"",
        "<w:sz w:val=\"28\" />",
        "w:line=\"520\"",
        "w:lineRule=\"exact\"",
    ] {
        assert!(
            defaults.contains(want),
            "the defaults have {want}: {defaults}"
        );
    }
    // The body text: first lines indented two characters of 14 pt (560 twentieths of a point).
    let body = style("BodyText");
    assert!(
        body.contains("w:firstLine=\"560\"") && body.contains("w:eastAsia=\"仿宋\""),
        "{body}"
    );
    // Level 1 黑体; level 2 楷体 bold; level 3 仿宋 bold; all 14 pt.
    for (id, face, bold) in [
        ("Heading1", "黑体", false),
        ("Heading2", "楷体", true),
        ("Heading3", "仿宋", true),
    ] {
        let s = style(id);
        assert!(
            s.contains(&format!("w:eastAsia=\"{face}\"")),
            "{id} in {face}: {s}"
        );
        assert!(s.contains("<w:sz w:val=\"28\" />"), "{id} 14 pt: {s}");
        assert_eq!(s.contains("<w:b />"), bold, "{id} bold: {s}");
    }
}

#[test]
fn libreoffice_opens_the_docx() {
    let test = "the DOCX opens in LibreOffice";
    if !chujing_testkit::tool(test, "soffice", "libreoffice-writer-nogui") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sa.docx");
    std::fs::write(&path, docx()).unwrap();
    let out = std::process::Command::new("soffice")
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&path)
        // A profile of its own, so that a user's LibreOffice settings play no part.
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("sa.txt")).unwrap();
    assert!(
        text.contains("数据出境风险自评估报告") && text.contains("一、自评估工作情况"),
        "{text}"
    );
}
