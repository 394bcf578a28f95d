//! `chujing scan`: what personal and sensitive personal information files hold, column by column.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chujing_app::ledger::Reader;
use chujing_app::scan::{self, ScanOut};
use chujing_law::Date;
use chujing_scan::{Category, Classifier, ColumnReport, Options};

use crate::output;

/// Scan files for personal information (PI) and sensitive PI, column by column.
///
/// Each value is checked by a validator, not a bare pattern: resident IDs by their GB 11643 check digit,
/// birth date and province; cards and IMEIs by Luhn; phone numbers by their number blocks. Column headers in
/// Chinese and English (身份证号, 手机, 病历, diagnosis, 指纹, …) raise or confirm a category. Minors under 14 are
/// derived from resident IDs' birth dates against the scan date.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  chujing scan customers.csv
  chujing scan exports/ --json
  chujing scan orders.jsonl.gz --subject-column user.id_number
  chujing scan crm.csv --subject-column 身份证号 --profile profile.toml --flow loyalty-crm
  chujing scan --engine datafusion 'lake/orders/*.parquet' --subject-column user.id_number

Formats by name: .csv .tsv (any delimiter is guessed from the header), .jsonl .ndjson .json (nested fields as \
dotted paths), .parquet, anything else as plain text; .gz and .zst are decompressed. Text may be UTF-8 or \
GB18030/GBK. Directories are scanned recursively.

With --engine datafusion (or ballista://HOST:PORT), each PATH is one dataset — a file, a directory or a glob of .csv, .tsv, .jsonl, .ndjson or .parquet files of one layout — scanned as one table on every core (or on the cluster) by the same scanner: the same findings and individuals as the native scan of those rows together. The engine reads UTF-8 text only, .csv delimited by commas, JSON Lines without arrays, and no compressed files; it refuses the rest, saying so, rather than read it otherwise than the native scan would.

Exit codes: 0 every input was read; 5 some input could not be read (each is named with why; the others are \
reported); 2 bad usage, or --profile refused because part of the input was not counted (the profile is left \
as it was).")]
pub struct Args {
    /// Files or directories to scan.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Scan only the first N rows of each file.
    #[arg(long, value_name = "N")]
    sample: Option<u64>,
    /// The column (or JSON path) that identifies individuals: distinct individuals are counted per category.
    #[arg(long, value_name = "COL")]
    subject_column: Option<String>,
    /// The scan date, which decides who is a minor under 14 (default: today in China).
    #[arg(long, value_name = "DATE", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// Write the flow's `categories`, `individuals` and `sensitive_individuals` into this profile (TOML),
    /// updating the flow named by --flow, or adding it; needs --subject-column to count individuals.
    #[arg(
        long,
        value_name = "FILE",
        requires = "flow",
        requires = "subject_column"
    )]
    profile: Option<PathBuf>,
    /// The flow of the profile to update, with --profile.
    #[arg(long, value_name = "ID")]
    flow: Option<String>,
    /// Lines longer than this many bytes are cut (a warning names them), so memory stays bounded (native
    /// scan only).
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    max_line: usize,
    /// Which scanner reads: `native` (chujing's reader, file by file), `datafusion` (each PATH a dataset
    /// scanned as one table by Apache DataFusion on every core; a build with `--features engine`) or
    /// `ballista://HOST:PORT` (the same on an Apache Ballista cluster of `chujing engine` processes; a build
    /// with `--features ballista`).
    #[arg(
        long,
        value_name = "ENGINE",
        default_value = "native",
        conflicts_with = "sample"
    )]
    engine: Reader,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let today = args.as_of.unwrap_or_else(crate::clock::today_in_china);
    if args.engine != Reader::Native {
        return run_on_engine(&args, today);
    }
    let options = Options {
        classifier: Classifier::new(today.to_jiff()),
        subject_column: args.subject_column.clone(),
        sample: args.sample,
        max_line: args.max_line.max(1024),
        workers: rayon::current_num_threads(),
    };
    let (walk, total) = scan::inputs(&args.paths)?;
    let bar = output::byte_progress(total, "scanning", args.json);
    let mut out = Vec::with_capacity(walk.found.len());
    for file in &walk.found {
        bar.set_message(format!("scanning {}", file.path.display()));
        let ticker = bar.clone();
        out.push(scan::scan_file(file, &options, move |n| ticker.inc(n)));
    }
    bar.finish_and_clear();
    finish(&args, today, out, walk.loops)
}

/// Scans each path as one dataset on the engine.
fn run_on_engine(args: &Args, today: Date) -> Result<ExitCode> {
    let spinner = output::spinner("scanning on the engine", args.json);
    let mut out = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        let location = path.display().to_string();
        spinner.set_message(format!("scanning {location} on the engine"));
        out.push(chujing_app::engine::scan_dataset(
            &args.engine,
            &location,
            args.subject_column.clone(),
            today,
        )?);
    }
    spinner.finish_and_clear();
    finish(args, today, out, Vec::new())
}

/// Prints the report, writes the profile if asked, and says whether every input was read.
fn finish(
    args: &Args,
    today: Date,
    files: Vec<scan::FileOut>,
    loops: Vec<String>,
) -> Result<ExitCode> {
    let summary = scan::summarise(&files);
    let unreadable = summary.unreadable_files;
    let report = ScanOut {
        as_of: today.to_string(),
        files,
        summary,
        loops,
    };
    if args.json {
        output::print_json(&report)?;
    } else {
        print_human(&report);
    }
    if let (Some(profile), Some(flow)) = (&args.profile, &args.flow) {
        scan::write_profile(profile, flow, &report.files)?;
        eprintln!("wrote the flow `{flow}` into {}", profile.display());
    }
    if unreadable > 0 {
        eprintln!(
            "error: {unreadable} of {} file(s) could not be read (each is named above with why); the report covers only the others",
            report.summary.files
        );
        return Ok(ExitCode::from(INCOMPLETE));
    }
    Ok(ExitCode::SUCCESS)
}

/// The exit code of a scan that could not read every input it was given.
const INCOMPLETE: u8 = 5;

fn print_human(report: &ScanOut) {
    use crate::output::{bold, dim};
    for file in &report.files {
        let Some(t) = &file.table else {
            anstream::println!(
                "{}  {}: {}",
                styled(bold(), &file.path),
                if file.unreadable {
                    "NOT READ"
                } else {
                    "skipped"
                },
                file.skipped.as_deref().unwrap_or_default()
            );
            continue;
        };
        let files = match file.dataset_files.len() {
            0 => String::new(),
            n => format!(", {n} file(s) as one table"),
        };
        anstream::println!(
            "{}  {} rows{}, {}, {}{files}",
            styled(bold(), &file.path),
            t.rows,
            if t.sampled { " (sampled)" } else { "" },
            t.format,
            t.encoding
        );
        let mut table = output::table(vec![
            "column",
            "category",
            "sensitive",
            "cells",
            "distinct",
            "samples",
        ]);
        let mut any = false;
        for column in &t.columns {
            for f in &column.findings {
                any = true;
                table.add_row(vec![
                    column.name.clone(),
                    f.category.id().to_string(),
                    sensitivity_text(f),
                    f.count.to_string(),
                    format!("{}{}", f.distinct, if f.distinct_exact { "" } else { "+" }),
                    f.samples.join(" "),
                ]);
            }
        }
        if any {
            anstream::println!("{table}");
        } else {
            anstream::println!("  {}", styled(dim(), "no personal information found"));
        }
        if let Some(i) = &t.individuals {
            anstream::println!(
                "  individuals by `{}`: {} with PI, {} with sensitive PI",
                i.column,
                i.with_personal_information,
                i.with_sensitive_information
            );
        }
        for w in &t.warnings {
            match w.line {
                Some(line) => anstream::println!("  warning: {}:{line}: {}", file.path, w.message),
                None => anstream::println!("  warning: {}: {}", file.path, w.message),
            }
        }
        dismissed_notes(&t.columns);
        anstream::println!();
    }
    let s = &report.summary;
    let ids = |cs: &[Category]| {
        if cs.is_empty() {
            "none".to_string()
        } else {
            cs.iter()
                .map(|c| format!("{} ({})", c.id(), c.name_zh()))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for note in &report.loops {
        anstream::println!("note: {note}");
    }
    anstream::println!("{}", styled(bold(), "Summary"));
    anstream::println!(
        "  files: {}, rows: {}, scan date: {}",
        s.files,
        s.rows,
        report.as_of
    );
    if s.unreadable_files + s.skipped_files > 0 {
        anstream::println!(
            "  not scanned: {} unreadable, {} not tables or text",
            s.unreadable_files,
            s.skipped_files
        );
    }
    anstream::println!(
        "  sensitive PI (PIPL Art. 28): {}",
        ids(&s.sensitive_categories)
    );
    anstream::println!(
        "  other PI:                    {}",
        ids(&s.personal_categories)
    );
    if !s.other_categories.is_empty() {
        anstream::println!(
            "  not PI:                      {}",
            ids(&s.other_categories)
        );
    }
}

fn sensitivity_text(f: &chujing_scan::Finding) -> String {
    match (f.personal, f.class) {
        (false, _) => "not PI".into(),
        (true, Some(class)) => format!("yes: {}", class.id()),
        (true, None) => "no".into(),
    }
}

fn dismissed_notes(columns: &[ColumnReport]) {
    for c in columns {
        for d in &c.dismissed {
            // Beside values a word names (卡号, card), only the unnamed passes were weighed and dismissed.
            let unnamed = if c.findings.iter().any(|f| f.category == d.category) {
                " that no word names"
            } else {
                ""
            };
            anstream::println!(
                "  note: column `{}`: {} value(s){unnamed} pass the {} check but {} of the same shape fail it — taken as chance, not reported",
                c.name,
                d.passed,
                d.category.id(),
                d.failed
            );
        }
    }
}

/// `text` in `style` (plain when the output is not a terminal: anstream strips it).
fn styled(style: anstyle::Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}
