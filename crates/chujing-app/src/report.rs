//! What documents are made from: the scan report a user kept, the text of an agreement.

use std::io::Read;
use std::path::Path;

use chujing_docs::ScanFigures;

use crate::error::{AppError, Result};
use crate::scan::ScanOut;

/// The scan report's figures the documents use. The report is read into the types `chujing scan --json`
/// wrote it from, so the two cannot drift apart.
pub fn read_scan(path: &Path) -> Result<ScanFigures> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::Input(format!("{name}: cannot read the scan report: {e}")))?;
    let file = path
        .file_name()
        .map_or(name.clone(), |n| n.to_string_lossy().into_owned());
    parse_scan(&name, &file, &text)
}

/// The figures of a `chujing scan --json` report given as text; `name` names it in errors, `file` in the
/// documents.
pub fn parse_scan(name: &str, file: &str, text: &str) -> Result<ScanFigures> {
    let report: ScanOut = serde_json::from_str(text)
        .map_err(|e| AppError::Input(format!("{name}: not a `chujing scan --json` report: {e}")))?;
    let mut categories: Vec<(String, bool, u64)> = Vec::new();
    let (mut rows, mut individuals, mut any_individuals) = (0, (0, 0), false);
    for table in report.files.into_iter().filter_map(|f| f.table) {
        rows += table.rows;
        let findings = table.columns.into_iter().flat_map(|c| c.findings);
        for finding in findings.filter(|f| f.personal) {
            let id = finding.category.id();
            match categories.iter_mut().find(|(c, _, _)| c == id) {
                Some(entry) => entry.2 += finding.count,
                None => categories.push((id.to_string(), finding.sensitive, finding.count)),
            }
        }
        if let Some(i) = table.individuals {
            any_individuals = true;
            individuals.0 += i.with_personal_information;
            individuals.1 += i.with_sensitive_information;
        }
    }
    Ok(ScanFigures {
        file: file.to_string(),
        rows,
        categories,
        individuals: any_individuals.then_some(individuals),
    })
}

/// The text of an agreement to check: a DOCX file's paragraphs, or plain text in UTF-8, UTF-16 (with its
/// mark) or GB18030/GBK, also compressed (.gz, .zst). A PDF is refused with what to use instead, and a file with
/// no text is refused rather than reported as missing every clause.
pub fn agreement_text(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let lower = name.to_ascii_lowercase();
    let bytes = if lower.ends_with(".gz") || lower.ends_with(".zst") || lower.ends_with(".zstd") {
        let source = chujing_records::Source::of(path)?;
        let mut bytes = Vec::new();
        source
            .open(|_| {})?
            .read_to_end(&mut bytes)
            .map_err(|e| AppError::Input(format!("{name}: cannot decompress: {e}")))?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| AppError::Input(format!("{name}: cannot read: {e}")))?
    };
    let stem = lower
        .trim_end_matches(".gz")
        .trim_end_matches(".zstd")
        .trim_end_matches(".zst");
    agreement_text_of(&name, stem, &bytes)
}

/// [`agreement_text`] of a file's bytes (an upload): `name` names it in errors, `file_name` (lower case, without
/// a compression suffix) says what kind of file it is where its bytes do not.
pub fn agreement_text_of(name: &str, file_name: &str, bytes: &[u8]) -> Result<String> {
    let text = if file_name.ends_with(".docx") || bytes.starts_with(b"PK\x03\x04") {
        crate::docx::text_of(name, bytes)?
    } else if file_name.ends_with(".pdf") || bytes.starts_with(b"%PDF-") {
        return Err(AppError::Input(format!(
            "{name}: a PDF cannot be checked (its text is not reliably in reading order): save the agreement \
             as .docx, or export its text to a .txt or .md file, and check that"
        )));
    } else {
        let mut decoded =
            chujing_records::decode(name, Box::new(std::io::Cursor::new(bytes.to_vec())))?;
        let mut text = String::new();
        decoded
            .reader
            .read_to_string(&mut text)
            .map_err(|e| AppError::Input(format!("{name}: cannot read as text: {e}")))?;
        text
    };
    if text.trim().is_empty() {
        return Err(AppError::Input(format!(
            "{name}: no text to check (the file is empty or holds only blanks)"
        )));
    }
    Ok(text)
}

/// Checks the agreement at `path` for the clauses of the certification requirements and the standard contract,
/// citing the certification standard in force on `as_of` (from the packs). Returns its paragraphs and the
/// result of each clause.
pub fn check_agreement(
    book: &chujing_law::RuleBook,
    path: &Path,
    as_of: chujing_law::Date,
    lang: chujing_law::Lang,
) -> Result<(Vec<String>, Vec<chujing_docs::contract::ClauseResult>)> {
    check_agreement_text(book, &agreement_text(path)?, as_of, lang)
}

/// [`check_agreement`] on an agreement's text.
pub fn check_agreement_text(
    book: &chujing_law::RuleBook,
    text: &str,
    as_of: chujing_law::Date,
    lang: chujing_law::Lang,
) -> Result<(Vec<String>, Vec<chujing_docs::contract::ClauseResult>)> {
    let standard = book
        .regime_at(as_of)?
        .standard(
            chujing_law::pack::StandardTopic::CertificationRequirements,
            lang,
        )
        .unwrap_or_else(|| {
            lang.pick(
                "the certification requirements (no standard named in the packs for this date)",
                "认证要求（规则包未列明该日适用的标准）",
            )
            .to_string()
        });
    let recipient_duty = book
        .duty_citation(as_of, "recipient-protection", lang)?
        .unwrap_or_else(|| {
            lang.pick(
                "PIPL (no duty on the recipient's protection in the packs for this date)",
                "《个人信息保护法》（规则包未列明该日适用的接收方保护义务）",
            )
            .to_string()
        });
    let paragraphs = chujing_docs::contract::paragraphs(text);
    let law = chujing_docs::contract::CheckedAgainst {
        standard: &standard,
        recipient_duty: &recipient_duty,
    };
    let results = chujing_docs::contract::check(&paragraphs, lang, &law);
    Ok((paragraphs, results))
}

/// The text of a DOCX file: its paragraphs, with the labels of Word's list numbering written out.
pub fn docx_text(path: &Path) -> Result<String> {
    crate::docx::text(path)
}

/// The form a standard contract is compared with: the fingerprints this build carries, or those of the copy
/// at `reference` — a fingerprint file (`.toml`, as `chujing contract fingerprint` writes it) or the form
/// itself (DOCX or text), fingerprinted on the spot and not kept.
pub fn standard_contract_form(reference: Option<&Path>) -> Result<chujing_law::form::Form> {
    use chujing_law::form::{Form, FormId};
    let Some(path) = reference else {
        let form = Form::builtin(FormId::StandardContract)?;
        if !form.has_fingerprints() {
            return Err(AppError::Input(
                "this build of chujing carries no fingerprints of the official standard contract (no copy of the \
                 form as the CAC published it could be compared when it was made): pass --reference with the form \
                 itself (the DOCX of the Standard Contract Measures' annex, from www.cac.gov.cn) or with a \
                 fingerprint file made from it by `chujing contract fingerprint`"
                    .into(),
            ));
        }
        return Ok(form);
    };
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| AppError::Input(format!("{name}: cannot read: {e}")))?;
    standard_contract_form_of(&name, &bytes)
}

/// [`standard_contract_form`] of a file's bytes (an upload, or a file read): fingerprints when `name` ends in
/// `.toml`, else a copy of the form.
pub fn standard_contract_form_of(name: &str, bytes: &[u8]) -> Result<chujing_law::form::Form> {
    if name.to_ascii_lowercase().ends_with(".toml") {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| AppError::Input(format!("{name}: not UTF-8 text: {e}")))?;
        return Ok(chujing_law::form::Form::from_toml(name, text)?);
    }
    fingerprint_form_of(name, bytes)
}

/// The fingerprints of the copy of the standard contract at `path` (DOCX or text), naming the copy and its
/// SHA-256. The copy must have the form's nine clauses, numbered without gaps, and so must their items.
pub fn fingerprint_form(path: &Path) -> Result<chujing_law::form::Form> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| AppError::Input(format!("{name}: cannot read: {e}")))?;
    fingerprint_form_of(&name, &bytes)
}

/// [`fingerprint_form`] of a file's bytes; `name` is the file's path or name (its last part is recorded).
pub fn fingerprint_form_of(name: &str, bytes: &[u8]) -> Result<chujing_law::form::Form> {
    use chujing_law::form::{Form, FormId, MadeFrom};
    use sha2::Digest;
    let text = agreement_text_of(name, &name.to_ascii_lowercase(), bytes)?;
    let builtin = Form::builtin(FormId::StandardContract)?;
    let made_from = MadeFrom {
        file: name.rsplit(['/', '\\']).next().unwrap_or(name).to_string(),
        sha256: hex::encode(sha2::Sha256::digest(bytes)),
        verified: false,
    };
    let form = chujing_docs::form_check::fingerprint(
        FormId::StandardContract,
        &text,
        made_from,
        builtin.annex_items,
        builtin.title,
        builtin.source,
    )
    .map_err(|e| AppError::Input(format!("{name}: not a copy of the form: {}", e.0)))?;
    // The standard contract has nine clauses, 定义 to 其他.
    if form.clauses.len() != 9 {
        return Err(AppError::Input(format!(
            "{name}: not a copy of the standard contract: it has {} clause(s) where the form has nine (第一条 … \
             第九条, each heading on a line of its own)",
            form.clauses.len()
        )));
    }
    Ok(form)
}

/// A standard contract compared with the form and, with `expect`, its Annex I with chujing's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StandardContractCheck {
    /// Clauses of the form compared.
    pub clauses: usize,
    /// Items of the form compared (clauses' opening texts included).
    pub items: usize,
    /// The copy the form's fingerprints were made from.
    pub reference: Option<chujing_law::form::MadeFrom>,
    /// Every difference, in the order of the form.
    pub findings: Vec<chujing_docs::form_check::Finding>,
    /// The items whose blanks the parties filled in, and with what: for a reviewer to read.
    pub filled: Vec<chujing_docs::form_check::Filled>,
    /// What Annex I was compared with, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annex_i: Option<chujing_docs::form_check::AnnexExpect>,
}

impl StandardContractCheck {
    /// What was compared: "compared with 9 clauses and 28 items of the standard contract".
    pub fn summary(&self, lang: chujing_law::Lang) -> String {
        match lang {
            chujing_law::Lang::Zh => {
                format!("对照标准合同范本 {} 条、{} 项", self.clauses, self.items)
            }
            chujing_law::Lang::En => format!(
                "compared with {} clauses and {} items of the standard contract",
                self.clauses, self.items
            ),
        }
    }

    /// Which copy of the form the fingerprints came from, and whether it was compared with the CAC's.
    pub fn reference_line(&self, lang: chujing_law::Lang) -> String {
        let pick = |en, zh| lang.pick(en, zh);
        self.reference.as_ref().map_or_else(String::new, |r| {
            let short = r.sha256.get(..12).unwrap_or(&r.sha256);
            format!(
                "{}{} (sha256 {short}…, {})",
                pick("the form as fingerprinted from ", "范本指纹来源："),
                r.file,
                if r.verified {
                    pick("compared with the CAC's copy", "已与网信办发布文本核对")
                } else {
                    pick(
                        "not compared with the CAC's copy by chujing",
                        "chujing 未与网信办发布文本核对",
                    )
                }
            )
        })
    }

    /// What Annex I was compared with, when it was.
    pub fn annex_line(&self, lang: chujing_law::Lang) -> Option<String> {
        let e = self.annex_i.as_ref()?;
        let individuals = chujing_law::explain::number(e.individuals);
        Some(match lang {
            chujing_law::Lang::Zh => format!(
                "附录一对照出境活动 {} → {}（{individuals} 人，{}）",
                e.flow, e.recipient, e.individuals_source
            ),
            chujing_law::Lang::En => format!(
                "Annex I compared with transfer {} → {} ({individuals} individuals, {})",
                e.flow, e.recipient, e.individuals_source
            ),
        })
    }
}

/// Checks the standard contract whose text is `text` against `form`: the body clause by clause, Annex II for
/// terms that override the body, and — with `expect` — Annex I's scale and categories.
pub fn check_standard_contract(
    form: &chujing_law::form::Form,
    text: &str,
    expect: Option<chujing_docs::form_check::AnnexExpect>,
    lang: chujing_law::Lang,
) -> StandardContractCheck {
    use chujing_docs::form_check;
    let contract = form_check::parse(text);
    let form_check::Comparison {
        mut findings,
        filled,
    } = form_check::compare(form, &contract, lang);
    if contract.annex_i_line.is_none() && expect.is_none() {
        // Annex I is the form's, to be filled in (Standard Contract Measures Art. 6); with `expect` its absence
        // is reported with the figures it should hold.
        findings.push(form_check::annex_i_missing(lang));
    }
    findings.extend(form_check::check_annex_ii(&contract, lang));
    if let Some(expect) = &expect {
        findings.extend(form_check::check_annex_i(&contract, expect, lang));
    }
    StandardContractCheck {
        clauses: form.clauses.len(),
        items: form
            .clauses
            .iter()
            .map(chujing_law::form::FormClause::parts)
            .sum(),
        reference: form.made_from.clone(),
        findings,
        filled,
        annex_i: expect,
    }
}
