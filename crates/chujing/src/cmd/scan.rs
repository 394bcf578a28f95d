//! `chujing scan`: what personal and sensitive personal information files hold, column by column.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_law::Date;
use chujing_scan::{
    Category, Classifier, ColumnReport, Format, Individuals, Options, TableReport, TableScanner,
};
use serde::Serialize;

use crate::output::{self, InputProblem};
use crate::records;

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

Formats by name: .csv .tsv (any delimiter is guessed from the header), .jsonl .ndjson .json (nested fields as \
dotted paths), .parquet, anything else as plain text; .gz and .zst are decompressed. Text may be UTF-8 or \
GB18030/GBK. Directories are scanned recursively.")]
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
    /// Lines longer than this many bytes are cut (a warning names them), so memory stays bounded.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    max_line: usize,
}

/// The scan of one file.
#[derive(Debug, Serialize)]
struct FileOut {
    path: String,
    #[serde(flatten)]
    table: Option<TableReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
}

/// The whole scan.
#[derive(Debug, Serialize)]
struct ScanOut {
    as_of: String,
    files: Vec<FileOut>,
    summary: Summary,
}

/// What all files held together.
#[derive(Debug, Serialize)]
struct Summary {
    files: usize,
    rows: u64,
    personal_categories: Vec<Category>,
    sensitive_categories: Vec<Category>,
    other_categories: Vec<Category>,
}

/// Every file under `paths`, directories walked recursively in name order.
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| InputProblem(format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("{}: cannot list", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            out.extend(files(&entries)?);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The scanner's format for a file, from its name.
fn format_for(extension: Option<&str>) -> Option<Format> {
    match extension {
        Some("csv") => Some(Format::Delimited(None)),
        Some("tsv" | "tab") => Some(Format::Delimited(Some(b'\t'))),
        Some("jsonl" | "ndjson" | "json") => Some(Format::JsonLines),
        Some("parquet") => None,
        _ => Some(Format::Text),
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let today = args.as_of.unwrap_or_else(crate::clock::today_in_china);
    let options = Options {
        classifier: Classifier::new(today.to_jiff()),
        subject_column: args.subject_column.clone(),
        sample: args.sample,
        max_line: args.max_line.max(1024),
        workers: rayon::current_num_threads(),
    };
    let files = files(&args.paths)?;
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = output::byte_progress(total, "scanning", args.json);
    let mut out = Vec::with_capacity(files.len());
    for file in &files {
        bar.set_message(format!("scanning {}", file.display()));
        let ticker = bar.clone();
        let (extension, compression) = records::extension_of(file);
        let result = match format_for(extension.as_deref()) {
            Some(format) => records::open(file, compression, move |n| ticker.inc(n))
                .and_then(|r| chujing_scan::scan(r, format, &options).map_err(anyhow::Error::from)),
            None => {
                let r = scan_parquet(file, &options);
                bar.inc(std::fs::metadata(file).map(|m| m.len()).unwrap_or(0));
                r
            }
        };
        let path = file.display().to_string();
        out.push(match result {
            Ok(table) => FileOut {
                path,
                table: Some(table),
                skipped: None,
            },
            Err(e) => FileOut {
                path,
                table: None,
                skipped: Some(format!("{e:#}")),
            },
        });
    }
    bar.finish_and_clear();
    let summary = summarise(&out);
    if let Some(profile) = &args.profile {
        write_profile(profile, args.flow.as_deref().unwrap_or_default(), &out)?;
    }
    let report = ScanOut {
        as_of: today.to_string(),
        files: out,
        summary,
    };
    if args.json {
        output::print_json(&report)?;
    } else {
        print_human(&report);
    }
    if let Some(profile) = &args.profile {
        eprintln!(
            "wrote the flow `{}` into {}",
            args.flow.as_deref().unwrap_or_default(),
            profile.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a Parquet file's columns as text into a scanner (one thread: Parquet decoding is columnar already).
fn scan_parquet(path: &Path, options: &Options) -> Result<TableReport> {
    use arrow_array::{Array, StringArray};
    let name = path.display().to_string();
    let builder = records::parquet_builder(path)?;
    let schema = builder.schema().clone();
    let headers: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut scanner = TableScanner::new(
        options.classifier.clone(),
        &headers,
        options.subject_column.as_deref(),
    );
    let reader = builder.with_batch_size(8192).build()?;
    let mut left = options.sample.unwrap_or(u64::MAX);
    'batches: for batch in reader {
        let batch = batch.with_context(|| format!("{name}: cannot read"))?;
        let columns: Vec<Option<StringArray>> = batch
            .columns()
            .iter()
            .map(|c| records::text_column(c).ok())
            .collect();
        for row in 0..batch.num_rows() {
            if left == 0 {
                break 'batches;
            }
            left -= 1;
            for (i, column) in columns.iter().enumerate() {
                if let Some(c) = column
                    && !c.is_null(row)
                {
                    scanner.cell(i, c.value(row));
                }
            }
            scanner.end_row();
        }
    }
    let rows = scanner.rows();
    let (columns, individuals) = scanner.finish();
    Ok(TableReport {
        format: "parquet".into(),
        encoding: "parquet".into(),
        rows,
        sampled: left == 0 && options.sample.is_some(),
        columns,
        individuals,
        warnings: Vec::new(),
    })
}

fn summarise(files: &[FileOut]) -> Summary {
    let found: BTreeSet<Category> = files
        .iter()
        .filter_map(|f| f.table.as_ref())
        .flat_map(|t| t.columns.iter())
        .flat_map(|c| c.findings.iter().map(|f| f.category))
        .collect();
    Summary {
        files: files.len(),
        rows: files
            .iter()
            .filter_map(|f| f.table.as_ref())
            .map(|t| t.rows)
            .sum(),
        personal_categories: found
            .iter()
            .copied()
            .filter(|c| c.is_personal() && !c.is_sensitive())
            .collect(),
        sensitive_categories: found.iter().copied().filter(|c| c.is_sensitive()).collect(),
        other_categories: found.iter().copied().filter(|c| !c.is_personal()).collect(),
    }
}

/// The individuals of every file, summed (files of one flow hold different people only if the user says
/// so; a sum is an upper bound, and the note written into the profile says which).
fn individuals(files: &[FileOut]) -> Vec<&Individuals> {
    files
        .iter()
        .filter_map(|f| f.table.as_ref()?.individuals.as_ref())
        .collect()
}

/// Updates (or adds) the flow `flow` of the TOML profile at `path` with the categories and individuals found,
/// keeping everything else in the file as written.
fn write_profile(path: &Path, flow: &str, files: &[FileOut]) -> Result<()> {
    let counted = individuals(files);
    let summary = summarise(files);
    let categories: Vec<&str> = summary
        .personal_categories
        .iter()
        .chain(&summary.sensitive_categories)
        .map(|c| c.id())
        .collect();
    let sum = |f: fn(&Individuals) -> u64| counted.iter().map(|i| f(i)).sum::<u64>();
    let total = sum(|i| i.with_personal_information);
    let sensitive = sum(|i| i.with_sensitive_information);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(InputProblem(format!("{}: cannot read: {e}", path.display())).into()),
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| InputProblem(format!("{}: not TOML: {e}", path.display())))?;
    let flows = doc
        .entry("flows")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            InputProblem(format!(
                "{}: `flows` is not an array of tables",
                path.display()
            ))
        })?;
    let index = flows
        .iter()
        .position(|t| t.get("id").and_then(|v| v.as_str()) == Some(flow));
    let table = match index {
        Some(i) => flows.get_mut(i),
        None => {
            let mut t = toml_edit::Table::new();
            t.insert("id", toml_edit::value(flow));
            flows.push(t);
            flows.get_mut(flows.len() - 1)
        }
    }
    .ok_or_else(|| anyhow::anyhow!("the flow table just found is gone"))?;
    let mut array = toml_edit::Array::new();
    categories.iter().for_each(|c| array.push(*c));
    table.insert("categories", toml_edit::value(array));
    table.insert(
        "individuals",
        toml_edit::value(i64::try_from(total).unwrap_or(i64::MAX)),
    );
    table.insert(
        "sensitive_individuals",
        toml_edit::value(i64::try_from(sensitive).unwrap_or(i64::MAX)),
    );
    if let Some(mut key) = table.key_mut("individuals") {
        let note = if counted.len() > 1 {
            "# from `chujing scan`: distinct individuals per file, summed over the files (an upper bound if the same people appear in several)\n"
        } else {
            "# from `chujing scan`: distinct individuals by the subject column\n"
        };
        key.leaf_decor_mut().set_prefix(note);
    }
    std::fs::write(path, doc.to_string())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

fn print_human(report: &ScanOut) {
    use crate::output::{bold, dim};
    for file in &report.files {
        let Some(t) = &file.table else {
            anstream::println!(
                "{}  {}",
                styled(bold(), &file.path),
                file.skipped.as_deref().unwrap_or_default()
            );
            continue;
        };
        anstream::println!(
            "{}  {} rows{}, {}, {}",
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
    anstream::println!("{}", styled(bold(), "Summary"));
    anstream::println!(
        "  files: {}, rows: {}, scan date: {}",
        s.files,
        s.rows,
        report.as_of
    );
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
            anstream::println!(
                "  note: column `{}`: {} value(s) pass the {} check but {} of the same shape fail it — taken as chance, not reported",
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
