//! `chujing filing`: the whole filing package of a processor's pathway in one directory — each document the
//! pathway calls for, in Chinese, as Word to edit and stamp, as PDF to read and as Markdown to review, and an
//! index of what was written and what the processor must still supply.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_docs::package;
use chujing_law::{Date, Lang};

use crate::cmd::report::{ReportFormat, prepare, rendered};

/// Write the filing package of the processor's pathway into a directory: the PIPIA always (every export of
/// personal information needs one), and the self-assessment report for a security assessment or, for the
/// contract route, the standard contract's Annex I and the filing materials (the deadline, the checklist); each as DOCX, PDF and
/// Markdown, in Chinese, with `目录.md` listing them and every open item.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
  chujing filing --profile examples/mid-size-standard-contract.toml -o filing/

PDF needs a CJK font (Debian's fonts-wqy-microhei); without one the package is written without its PDFs and \
says so.")]
pub struct FilingArgs {
    /// The profile (TOML, or JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    profile: PathBuf,
    /// Take the counts from the ledger (`--db`) instead of the profile's figures.
    #[arg(long)]
    ledger: bool,
    /// Take the categories found from a `chujing scan --json` report.
    #[arg(long, value_name = "FILE")]
    scan: Option<PathBuf>,
    /// Assess as of this date (default: the profile's as_of, else today in China).
    #[arg(long, value_name = "DATE", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// The directory to write into (created if absent).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
}

/// Writes the package.
pub fn run(rules: Option<&Path>, db: crate::store::Db<'_>, args: FilingArgs) -> Result<ExitCode> {
    let book = crate::cmd::rules::load(rules)?;
    let prepared = prepare(
        &book,
        &args.profile,
        args.as_of,
        &[],
        Lang::Zh,
        args.ledger.then_some(db),
        args.scan.as_deref(),
    )?;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create the directory", args.output.display()))?;
    let mut packaged = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for kind in package::documents(prepared.assessment.pathway) {
        let doc = chujing_docs::build(kind, &prepared.inputs());
        let mut files = Vec::new();
        for (format, ext) in [
            (ReportFormat::Docx, "docx"),
            (ReportFormat::Pdf, "pdf"),
            (ReportFormat::Md, "md"),
        ] {
            let name = format!("{}.{ext}", kind.id());
            match rendered(&doc, format) {
                Ok((bytes, said)) => {
                    let path = args.output.join(&name);
                    std::fs::write(&path, bytes)
                        .with_context(|| format!("{}: cannot write", path.display()))?;
                    files.push((name, None));
                    notes.extend(said);
                }
                // Without a CJK font there is no PDF: the package says so instead of failing.
                Err(e) if format == ReportFormat::Pdf => {
                    eprintln!("warning: {name} not written: {e}");
                    files.push((name, Some(e.to_string())));
                }
                Err(e) => return Err(e),
            }
        }
        packaged.push(package::Packaged { doc, files });
    }
    notes.sort();
    notes.dedup();
    for n in &notes {
        eprintln!("note: {n}");
    }
    let path = args.output.join("目录.md");
    std::fs::write(
        &path,
        package::index(&prepared.assessment, &packaged, &notes),
    )
    .with_context(|| format!("{}: cannot write", path.display()))?;
    eprintln!("wrote the filing package to {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}
