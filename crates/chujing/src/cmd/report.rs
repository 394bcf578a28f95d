//! `chujing report KIND`: the documents a pathway ends in.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_docs::render;
use chujing_docs::{DocumentKind, Inputs};
use chujing_law::{Date, Lang};

use crate::cmd::rules::{load, parse_lang};
use crate::output::InputProblem;

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
    /// Word (DOCX): real headings, styles and tables, to edit, stamp and upload.
    Docx,
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
  chujing report pipia --profile profile.toml -o pipia.docx
  chujing report pipia --profile profile.toml --ledger --scan scan.json -o pipia.md

Kinds: pipia, self-assessment, standard-contract-filing, standard-contract-annex (Annex I alone), \
certification-application. Chinese is the default \
language (filings are made in Chinese). PDF needs a CJK font: Debian's fonts-wqy-microhei or fonts-noto-cjk, or \
CHUJING_PDF_FONT=/path/to/font.ttc.")]
pub struct ReportArgs {
    /// What to write: pipia, self-assessment, standard-contract-filing, standard-contract-annex,
    /// certification-application.
    #[arg(value_name = "KIND", value_parser = parse_kind)]
    kind: DocumentKind,
    /// The profile (TOML, or JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    profile: PathBuf,
    /// Take the counts (and a chart by month) from the ledger (`--db`) instead of the profile's [totals].
    #[arg(long)]
    ledger: bool,
    /// Decide an open question of law the other way, as `assess --reading` does.
    #[arg(long, value_name = "ID=CHOICE", value_parser = crate::cmd::assess::parse_reading)]
    reading: Vec<(String, chujing_law::profile::ReadingChoice)>,
    /// Take the categories found from a `chujing scan --json` report.
    #[arg(long, value_name = "FILE")]
    scan: Option<PathBuf>,
    /// Language: `zh` (default; filings are in Chinese) or `en`.
    #[arg(long, default_value = "zh", value_parser = parse_lang)]
    lang: Lang,
    /// Output format; by default from the output file's extension (.md, .html, .pdf, .docx), else Markdown.
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Assess as of this date (default: the profile's as_of, else today in China).
    #[arg(long, value_name = "DATE", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// Write here (default: standard output; PDF and DOCX need a file).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The parts of a `chujing scan --json` report the documents use; parsed at the edge, unknown fields ignored.
pub fn run_report(
    rules: Option<&Path>,
    db: crate::store::Db<'_>,
    args: ReportArgs,
) -> Result<ExitCode> {
    // PDF is binary: refuse standard output before doing any work.
    if args.output.is_none() && matches!(args.format, Some(ReportFormat::Pdf | ReportFormat::Docx))
    {
        return Err(InputProblem(
            "a PDF or DOCX needs a file: add -o FILE.pdf or -o FILE.docx".into(),
        )
        .into());
    }
    let book = load(rules)?;
    let prepared = prepare(
        &book,
        &args.profile,
        args.as_of,
        &args.reading,
        args.lang,
        args.ledger.then_some(db),
        args.scan.as_deref(),
    )?;
    let today = crate::clock::today_in_china();
    let as_of = prepared.assessment.as_of;
    let edition = chujing_law::guides::GuideEdition::on(today);
    if let (DocumentKind::SelfAssessment, Some(months), Some(false)) = (
        args.kind,
        edition.outline().self_assessment_months,
        chujing_law::guides::self_assessment_current(as_of, today),
    ) {
        eprintln!(
            "warning: the self-assessment is dated {as_of}, more than {months} months before today ({today}); an \
             application needs one completed within the {months} months before it (security assessment guide, {}): \
             assess again as of a recent date",
            edition.label(chujing_law::Lang::En)
        );
    }
    let doc = chujing_docs::build(args.kind, &prepared.inputs());
    let format = args.format.unwrap_or_else(|| {
        match args
            .output
            .as_ref()
            .and_then(|o| o.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "htm") => ReportFormat::Html,
            Some("pdf") => ReportFormat::Pdf,
            Some("docx") => ReportFormat::Docx,
            _ => ReportFormat::Md,
        }
    });
    let (bytes, notes) = rendered(&doc, format)?;
    for n in notes {
        eprintln!("note: {n}");
    }
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

/// What documents are built from, read and decided once: the profile, its assessment, the ledger's and a
/// scan's figures.
pub struct Prepared {
    profile: chujing_law::Profile,
    /// The assessment, in the documents' language.
    pub assessment: chujing_law::Assessment,
    ledger: Option<chujing_docs::LedgerFigures>,
    scan: Option<chujing_docs::ScanFigures>,
    profile_file: String,
}

impl Prepared {
    /// The documents' inputs.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            profile_file: &self.profile_file,
            profile: &self.profile,
            assessment: &self.assessment,
            ledger: self.ledger.as_ref(),
            scan: self.scan.as_ref(),
        }
    }
}

/// Reads the profile (with `reading`s decided otherwise), assesses it as of `as_of` in `lang` (with the ledger
/// of the processor `ledger` names, when given) and reads the scan report, for `report` and `filing`.
pub fn prepare(
    book: &chujing_law::RuleBook,
    profile_path: &Path,
    as_of: Option<Date>,
    reading: &[(String, chujing_law::profile::ReadingChoice)],
    lang: Lang,
    ledger: Option<crate::store::Db<'_>>,
    scan: Option<&Path>,
) -> Result<Prepared> {
    let (profile, as_of) = crate::cmd::assess::read_profile(profile_path, as_of, reading)?;
    let assessed = crate::cmd::assess::assess_with(book, &profile, as_of, lang, ledger)?;
    let scan = scan.map(chujing_app::report::read_scan).transpose()?;
    let profile_file = profile_path.file_name().map_or_else(
        || profile_path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(Prepared {
        profile,
        assessment: assessed.assessment,
        ledger: assessed.ledger,
        scan,
        profile_file,
    })
}

/// A document in `format`, with what to say about its making (the faces that stood in for a PDF's).
pub fn rendered(
    doc: &chujing_docs::Document,
    format: ReportFormat,
) -> Result<(Vec<u8>, Vec<String>)> {
    Ok(match format {
        ReportFormat::Md => (render::markdown(doc).into_bytes(), Vec::new()),
        ReportFormat::Html => (render::html(doc).into_bytes(), Vec::new()),
        ReportFormat::Pdf => {
            let configured = std::env::var_os("CHUJING_PDF_FONT").map(PathBuf::from);
            let font = chujing_pdf::find_font(configured.as_deref())?;
            chujing_pdf::render_with_notes(doc, &font)?
        }
        ReportFormat::Docx => (chujing_docx::render(doc)?, Vec::new()),
    })
}
