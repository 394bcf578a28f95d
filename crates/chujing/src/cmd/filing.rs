//! `chujing filing`: the whole filing package of a processor's pathway in one directory — each document the
//! pathway calls for, in Chinese, as Word to edit and stamp, as PDF to read and as Markdown to review, and an
//! index of what was written and what the processor must still supply.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_docs::{DocumentKind, Inputs};
use chujing_law::{Date, Lang, Pathway};

use crate::cmd::report::{ReportFormat, rendered};

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

/// The documents of a pathway's filing.
fn kinds(pathway: Pathway) -> Vec<DocumentKind> {
    match pathway {
        Pathway::SecurityAssessment => vec![DocumentKind::SelfAssessment, DocumentKind::Pipia],
        Pathway::StandardContractOrCertification => vec![
            DocumentKind::Pipia,
            DocumentKind::StandardContractAnnex,
            DocumentKind::StandardContractFiling,
        ],
        _ => vec![DocumentKind::Pipia],
    }
}

/// Writes the package.
pub fn run(rules: Option<&Path>, db_url: &str, args: FilingArgs) -> Result<ExitCode> {
    let book = crate::cmd::rules::load(rules)?;
    let (profile, as_of) = crate::cmd::assess::read_profile(&args.profile, args.as_of, &[])?;
    let assessed = crate::cmd::assess::assess_with(
        &book,
        &profile,
        as_of,
        Lang::Zh,
        args.ledger.then_some(db_url),
    )?;
    let (assessment, ledger) = (assessed.assessment, assessed.ledger);
    let scan = args
        .scan
        .as_deref()
        .map(chujing_app::report::read_scan)
        .transpose()?;
    let profile_file = args.profile.file_name().map_or_else(
        || args.profile.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create the directory", args.output.display()))?;
    let mut index = format!(
        "# 出境申报（备案）材料 · {}\n\n评估基准日 {}；出境路径：{}。由 chujing 生成，须由个人信息处理者补充“待补充”事项并审核后方可使用。\n\n",
        assessment.processor.name,
        assessment.as_of,
        assessment.pathway.label(Lang::Zh)
    );
    let mut notes: Vec<String> = Vec::new();
    for kind in kinds(assessment.pathway) {
        let doc = chujing_docs::build(
            kind,
            &Inputs {
                profile_file: &profile_file,
                profile: &profile,
                assessment: &assessment,
                ledger: ledger.as_ref(),
                scan: scan.as_ref(),
            },
        );
        let _ = writeln!(index, "## {}\n", doc.title);
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
                    let _ = writeln!(index, "- [{name}]({name})");
                    notes.extend(said);
                }
                // Without a CJK font there is no PDF: the package says so instead of failing.
                Err(e) if format == ReportFormat::Pdf => {
                    let _ = writeln!(index, "- {name}：未生成（{e}）");
                    eprintln!("warning: {name} not written: {e}");
                }
                Err(e) => return Err(e),
            }
        }
        let _ = writeln!(index, "\n待补充事项（{}项）：\n", doc.open_items.len());
        for item in &doc.open_items {
            let _ = writeln!(index, "- [ ] `{}`：{}", item.id, item.text);
        }
        index.push('\n');
    }
    // The materials the filing needs, from the second-edition guide: what chujing wrote, what to supply.
    let mechanism = match assessment.pathway {
        Pathway::SecurityAssessment => Some(chujing_law::MechanismKind::SecurityAssessment),
        Pathway::StandardContractOrCertification => {
            Some(chujing_law::MechanismKind::StandardContract)
        }
        _ => None,
    };
    if let Some((guide, entries)) = mechanism.map(|m| chujing_docs::filing_checklist(m, Lang::Zh)) {
        let _ = writeln!(
            index,
            "## 申报（备案）材料清单

依据{guide}。
"
        );
        for e in entries {
            let mark = if e.done { "x" } else { " " };
            let _ = writeln!(index, "- [{mark}] {}——{}", e.text, e.note);
        }
        index.push('\n');
    }
    notes.sort();
    notes.dedup();
    if !notes.is_empty() {
        let _ = writeln!(index, "## 字体说明\n");
        for n in &notes {
            let _ = writeln!(index, "- {n}");
            eprintln!("note: {n}");
        }
    }
    let path = args.output.join("目录.md");
    std::fs::write(&path, index).with_context(|| format!("{}: cannot write", path.display()))?;
    eprintln!("wrote the filing package to {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}
