//! `chujing report KIND` and `chujing contract check`: the documents a pathway ends in, and the agreement
//! clause checker.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_docs::contract::{self, ClauseStatus};
use chujing_docs::render;
use chujing_docs::{DocumentKind, Inputs, ScanFigures};
use chujing_law::assess::assess_with_totals;
use chujing_law::{Date, Lang};

use crate::cmd::rules::{load, parse_lang};
use crate::output::{self, InputProblem};

fn parse_kind(s: &str) -> Result<DocumentKind, String> {
    DocumentKind::parse(s).ok_or_else(|| {
        let kinds: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.id()).collect();
        format!("expected one of: {}", kinds.join(", "))
    })
}

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page.
    Html,
    /// PDF, typeset in process with a CJK font.
    Pdf,
}

/// Write a PIPIA, a self-assessment report, standard contract filing materials or a certification
/// application from a profile — every figure with its source, every statement of law with its article, and
/// what only you can supply listed at the top as open items.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  chujing report pipia --profile examples/mid-size-standard-contract.toml -o pipia.md
  chujing report standard-contract-filing --profile profile.toml --lang en --format html -o filing.html
  chujing report self-assessment --profile examples/large-platform-security-assessment.toml --format pdf -o sa.pdf
  chujing report pipia --profile profile.toml --ledger --scan scan.json -o pipia.md

Kinds: pipia, self-assessment, standard-contract-filing, certification-application. Chinese is the default \
language (filings are made in Chinese). PDF needs a CJK font: Debian's fonts-wqy-microhei or fonts-noto-cjk, or \
CHUJING_PDF_FONT=/path/to/font.ttc.")]
pub struct ReportArgs {
    /// What to write: pipia, self-assessment, standard-contract-filing, certification-application.
    #[arg(value_name = "KIND", value_parser = parse_kind)]
    kind: DocumentKind,
    /// The profile (TOML, or JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    profile: PathBuf,
    /// Take the counts (and a chart by month) from the ledger (`--db`) instead of the profile's [totals].
    #[arg(long)]
    ledger: bool,
    /// Take the categories found from a `chujing scan --json` report.
    #[arg(long, value_name = "FILE")]
    scan: Option<PathBuf>,
    /// Language: `zh` (default; filings are in Chinese) or `en`.
    #[arg(long, default_value = "zh", value_parser = parse_lang)]
    lang: Lang,
    /// Output format; by default from the output file's extension (.md, .html, .pdf), else Markdown.
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Assess as of this date (default: the profile's as_of, else today in China).
    #[arg(long, value_name = "DATE", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// Write here (default: standard output; PDF needs a file).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The parts of a `chujing scan --json` report the documents use; parsed at the edge, unknown fields ignored.
#[derive(serde::Deserialize)]
struct ScanReport {
    files: Vec<ScannedFile>,
}

#[derive(serde::Deserialize)]
struct ScannedFile {
    #[serde(default)]
    rows: u64,
    #[serde(default)]
    columns: Vec<ScannedColumn>,
    individuals: Option<ScannedIndividuals>,
}

#[derive(serde::Deserialize)]
struct ScannedColumn {
    #[serde(default)]
    findings: Vec<ScannedFinding>,
}

#[derive(serde::Deserialize)]
struct ScannedFinding {
    category: String,
    #[serde(default)]
    personal: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    count: u64,
}

#[derive(serde::Deserialize)]
struct ScannedIndividuals {
    #[serde(default)]
    with_personal_information: u64,
    #[serde(default)]
    with_sensitive_information: u64,
}

/// The scan report's figures the documents use.
fn read_scan(path: &Path) -> Result<ScanFigures> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputProblem(format!("{name}: cannot read the scan report: {e}")))?;
    let report: ScanReport = serde_json::from_str(&text)
        .map_err(|e| InputProblem(format!("{name}: not a `chujing scan --json` report: {e}")))?;
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

pub fn run_report(rules: Option<&Path>, db_url: &str, args: ReportArgs) -> Result<ExitCode> {
    // PDF is binary: refuse standard output before doing any work.
    if args.output.is_none() && args.format == Some(ReportFormat::Pdf) {
        return Err(InputProblem("a PDF needs a file: add -o FILE.pdf".into()).into());
    }
    let book = load(rules)?;
    let (profile, as_of) = crate::cmd::assess::read_profile(&args.profile, args.as_of)?;
    let (totals, ledger) = if args.ledger {
        let (t, f) = crate::cmd::assess::ledger_figures(&book, db_url, as_of)?;
        (Some(t), f)
    } else {
        (None, None)
    };
    let assessment = assess_with_totals(&book, &profile, as_of, args.lang, totals)?;
    let scan = args.scan.as_deref().map(read_scan).transpose()?;
    let profile_file = args.profile.file_name().map_or_else(
        || args.profile.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let doc = chujing_docs::build(
        args.kind,
        &Inputs {
            profile_file: &profile_file,
            profile: &profile,
            assessment: &assessment,
            ledger: ledger.as_ref(),
            scan: scan.as_ref(),
        },
    );
    let format = args.format.unwrap_or_else(|| {
        match args
            .output
            .as_ref()
            .and_then(|o| o.extension())
            .and_then(|e| e.to_str())
        {
            Some("html" | "htm") => ReportFormat::Html,
            Some("pdf") => ReportFormat::Pdf,
            _ => ReportFormat::Md,
        }
    });
    let bytes = match format {
        ReportFormat::Md => render::markdown(&doc).into_bytes(),
        ReportFormat::Html => render::html(&doc).into_bytes(),
        ReportFormat::Pdf => {
            let configured = std::env::var_os("CHUJING_PDF_FONT").map(PathBuf::from);
            let font = chujing_pdf::find_font(configured.as_deref())?;
            chujing_pdf::render(&doc, &font)?
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("{}: cannot write", path.display()))?;
            eprintln!(
                "wrote {} ({} open item{} to complete)",
                path.display(),
                doc.open_items.len(),
                if doc.open_items.len() == 1 { "" } else { "s" }
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Work with binding agreements.
#[derive(Debug, clap::Subcommand)]
pub enum ContractCommand {
    /// Find, in Chinese or English wording, each clause the certification requirements and the standard
    /// contract expect (parties, categories and purposes, protective measures, rules no weaker than PIPL,
    /// supervision, PRC law, responsible entity in China, liability, individuals' rights, onward transfer,
    /// retention and deletion), and report each as found (with the passage), missing, or contradicted (a
    /// passage words the clause but says the opposite, e.g. "shall not be governed by PRC law": review it).
    ///
    /// Exit code 4 when a clause is missing or contradicted.
    Check(ContractArgs),
}

/// Arguments of `contract check`.
#[derive(Debug, clap::Args)]
pub struct ContractArgs {
    /// The agreement: Markdown, plain text or DOCX.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Language of clause names and citations: `en` or `zh`.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    lang: Lang,
}

/// The text of a DOCX file: the paragraphs of word/document.xml.
fn docx_text(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let file =
        std::fs::File::open(path).map_err(|e| InputProblem(format!("{name}: cannot open: {e}")))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| InputProblem(format!("{name}: not a DOCX (zip) file: {e}")))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| InputProblem(format!("{name}: no word/document.xml: {e}")))?
        .read_to_string(&mut xml)
        .map_err(|e| InputProblem(format!("{name}: word/document.xml is not UTF-8 text: {e}")))?;
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

fn count(results: &[contract::ClauseResult], status: ClauseStatus) -> usize {
    results.iter().filter(|r| r.status == status).count()
}

pub fn run_contract(command: ContractCommand) -> Result<ExitCode> {
    let ContractCommand::Check(args) = command;
    let name = args.file.display().to_string();
    let is_docx = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    let text = if is_docx {
        docx_text(&args.file)?
    } else {
        std::fs::read_to_string(&args.file)
            .map_err(|e| InputProblem(format!("{name}: cannot read as UTF-8 text: {e}")))?
    };
    let paragraphs = contract::paragraphs(&text);
    let zh = args.lang == Lang::Zh;
    let results = contract::check(&paragraphs, zh);
    let missing = count(&results, ClauseStatus::Missing);
    let contradicted = count(&results, ClauseStatus::Contradicted);
    if args.json {
        output::print_json(&serde_json::json!({
            "file": name,
            "paragraphs": paragraphs.len(),
            "clauses": results,
            "missing": missing,
            "contradicted": contradicted,
        }))?;
    } else {
        let mut table = output::table(if zh {
            vec!["条款", "结果", "位置与原文", "依据"]
        } else {
            vec!["clause", "result", "where, and the passage", "requirement"]
        });
        for r in &results {
            table.add_row(vec![
                r.name.to_string(),
                match r.status {
                    ClauseStatus::Found => args.lang.pick("found", "已找到"),
                    ClauseStatus::Contradicted => {
                        args.lang.pick("CONTRADICTED: review", "疑似相反，请复核")
                    }
                    ClauseStatus::Missing => args.lang.pick("MISSING", "缺失"),
                }
                .to_string(),
                match (&r.paragraph, &r.contradiction, &r.passage) {
                    (Some(p), Some(text), _) => format!("¶{p}: «{text}»"),
                    (Some(p), None, Some(text)) => format!("¶{p}: {text}"),
                    _ => String::new(),
                },
                r.citation.to_string(),
            ]);
        }
        println!("{name}: {} paragraphs", paragraphs.len());
        println!("{table}");
        if missing + contradicted == 0 {
            println!(
                "{}",
                args.lang
                    .pick("every expected clause was found", "所有应有条款均已找到")
            );
        }
        if missing > 0 {
            println!(
                "{missing} {}",
                args.lang.pick("clause(s) missing", "项条款缺失")
            );
        }
        if contradicted > 0 {
            println!(
                "{contradicted} {}",
                args.lang.pick(
                    "clause(s) worded but contradicted by the passage in «»: a person must review them",
                    "项条款有相反表述（见«»内原文），需人工复核"
                )
            );
        }
    }
    Ok(if missing + contradicted == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(4)
    })
}
