//! Running the real binary.

use std::path::PathBuf;

use assert_cmd::Command;

/// The workspace root (examples/ lives there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `chujing` with `args`, run from the workspace root; returns (exit code, stdout, stderr).
pub fn chujing(args: &[&str]) -> (i32, String, String) {
    chujing_env(args, &[])
}

/// A profile whose open reading changes its pathway: 30,000 exported under the HR exemption beside 80,000
/// others is exempt as the packs read it, and needs a contract or certification if the exempted are counted.
pub const HR_EXEMPT_BESIDE_80K: &str = "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
    [[flows]]\nid = \"hr\"\ncountry = \"DE\"\ncategories = [\"employment\"]\nindividuals = 30000\n\
    exemption = \"hr_management\"\n\
    [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"contact\"]\nindividuals = 80000\n";

/// A fixed ledger key, so that runs against different databases hash alike.
pub const TEST_KEY: &str = "000102030405060708090a0b0c0d0e0f";

/// `chujing` with `args` and extra environment variables.
pub fn chujing_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::cargo_bin("chujing")
        .unwrap()
        .current_dir(root())
        .env_remove("CHUJING_RULES")
        .env_remove("CHUJING_DATABASE_URL")
        .env_remove("CHUJING_LEDGER_KEY")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes `text` to a file in a fresh temporary directory and returns both.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Writes a DOCX whose paragraphs are `paragraphs`, each split into two runs with XML escapes, as Word splits
/// text: word/document.xml alone, which is all the agreement reader needs.
pub fn write_docx<'a>(path: &std::path::Path, paragraphs: impl Iterator<Item = &'a str>) {
    let body: String = paragraphs.map(|p| docx_paragraph(p, None)).collect();
    write_docx_xml(path, &body, None);
}

/// One paragraph of word/document.xml, its text split into two runs, in list `num` (numId) when given.
pub fn docx_paragraph(text: &str, num: Option<u32>) -> String {
    let escaped = text.trim().replace('&', "&amp;").replace('<', "&lt;");
    let mid = escaped
        .char_indices()
        .nth(escaped.chars().count() / 2)
        .map_or(0, |(i, _)| i);
    let (a, b) = escaped.split_at(mid);
    let props = num.map_or(String::new(), |id| {
        format!("<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr>")
    });
    format!(
        "<w:p>{props}<w:r><w:t>{a}</w:t></w:r><w:r><w:t xml:space=\"preserve\">{b}</w:t></w:r></w:p>"
    )
}

/// Writes a DOCX of `body` (paragraphs of word/document.xml) and, when given, word/numbering.xml.
pub fn write_docx_xml(path: &std::path::Path, body: &str, numbering: Option<&str>) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    write!(
        zip,
        "<?xml version=\"1.0\"?><w:document><w:body>{body}</w:body></w:document>"
    )
    .unwrap();
    if let Some(numbering) = numbering {
        zip.start_file("word/numbering.xml", options).unwrap();
        zip.write_all(numbering.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// `chujing --db DB ledger ingest CSV --subject-column id_number --flow FLOW --date DATE [--batch-id ID]` with
/// the test key; asserts that it succeeded.
pub fn ingest_ids(db: &str, csv: &std::path::Path, flow: &str, date: &str, batch: Option<&str>) {
    let mut args = vec![
        "--db",
        db,
        "ledger",
        "ingest",
        csv.to_str().unwrap(),
        "--subject-column",
        "id_number",
        "--flow",
        flow,
        "--date",
        date,
    ];
    if let Some(batch) = batch {
        args.extend(["--batch-id", batch]);
    }
    let (code, _, err) = chujing_env(&args, &[("CHUJING_LEDGER_KEY", TEST_KEY)]);
    assert_eq!(code, 0, "{err}");
}

/// Whether this chujing reads Parquet (the `parquet` feature, which scripts/test builds); records the skip
/// when it does not.
pub fn parquet_built(test: &str) -> bool {
    let built = cfg!(feature = "parquet");
    if !built {
        chujing_testkit::skip(
            test,
            "needs the `parquet` feature (scripts/test builds --all-features)",
        );
    }
    built
}
