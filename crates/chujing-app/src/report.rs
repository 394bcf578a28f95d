//! What documents are made from: the scan report a user kept, the text of an agreement.

use std::io::Read;
use std::path::Path;

use chujing_docs::ScanFigures;

use crate::error::{AppError, Result};

#[derive(Debug, serde::Deserialize)]
struct ScanReport {
    files: Vec<ScannedFile>,
}

#[derive(Debug, serde::Deserialize)]
struct ScannedFile {
    #[serde(default)]
    rows: u64,
    #[serde(default)]
    columns: Vec<ScannedColumn>,
    individuals: Option<ScannedIndividuals>,
}

#[derive(Debug, serde::Deserialize)]
struct ScannedColumn {
    #[serde(default)]
    findings: Vec<ScannedFinding>,
}

#[derive(Debug, serde::Deserialize)]
struct ScannedFinding {
    category: String,
    #[serde(default)]
    personal: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    count: u64,
}

#[derive(Debug, serde::Deserialize)]
struct ScannedIndividuals {
    #[serde(default)]
    with_personal_information: u64,
    #[serde(default)]
    with_sensitive_information: u64,
}

/// The scan report's figures the documents use.
pub fn read_scan(path: &Path) -> Result<ScanFigures> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::Input(format!("{name}: cannot read the scan report: {e}")))?;
    let report: ScanReport = serde_json::from_str(&text)
        .map_err(|e| AppError::Input(format!("{name}: not a `chujing scan --json` report: {e}")))?;
    let mut categories: Vec<(String, bool, u64)> = Vec::new();
    let (mut rows, mut individuals, mut any_individuals) = (0, (0, 0), false);
    for f in report.files {
        rows += f.rows;
        for finding in f.columns.into_iter().flat_map(|c| c.findings) {
            if !finding.personal {
                continue;
            }
            match categories
                .iter_mut()
                .find(|(c, _, _)| *c == finding.category)
            {
                Some(entry) => entry.2 += finding.count,
                None => categories.push((finding.category, finding.sensitive, finding.count)),
            }
        }
        if let Some(i) = f.individuals {
            any_individuals = true;
            individuals.0 += i.with_personal_information;
            individuals.1 += i.with_sensitive_information;
        }
    }
    Ok(ScanFigures {
        file: path
            .file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().into_owned()),
        rows,
        categories,
        individuals: any_individuals.then_some(individuals),
    })
}

/// The text of a DOCX file: the paragraphs of word/document.xml.
pub fn docx_text(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| AppError::Input(format!("{name}: cannot open: {e}")))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| AppError::Input(format!("{name}: not a DOCX (zip) file: {e}")))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| AppError::Input(format!("{name}: no word/document.xml: {e}")))?
        .read_to_string(&mut xml)
        .map_err(|e| {
            AppError::Input(format!("{name}: word/document.xml is not UTF-8 text: {e}"))
        })?;
    // Paragraphs end at </w:p>; text runs are <w:t …>…</w:t>. Everything else is markup.
    let mut out = String::new();
    for paragraph in xml.split("</w:p>") {
        let mut rest = paragraph;
        while let Some(start) = rest.find("<w:t") {
            let after = rest.get(start + 4..).unwrap_or_default();
            if !(after.starts_with('>') || after.starts_with(' ')) {
                rest = after;
                continue;
            }
            let Some(open_end) = after.find('>') else {
                break;
            };
            let body = after.get(open_end + 1..).unwrap_or_default();
            let Some(close) = body.find("</w:t>") else {
                break;
            };
            out.push_str(&unescape_xml(body.get(..close).unwrap_or_default()));
            rest = body.get(close..).unwrap_or_default();
        }
        out.push_str("\n\n");
    }
    Ok(out)
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
