//! Scanning files for personal information, and writing what was found into a profile.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chujing_records::parquet::ParquetTable;
use chujing_records::{Format as InputFormat, Found, RecordsError, Source};
use chujing_scan::{Category, Format, Individuals, Options, TableReport, TableScanner};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};

/// The scan of one file.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileOut {
    /// The file.
    pub path: String,
    /// What it held, when it could be read.
    #[serde(flatten)]
    pub table: Option<TableReport>,
    /// Why it was not scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Whether it was not scanned because it could not be read (a file named on the command line that is not
    /// text, a broken or truncated file, a directory that cannot be listed), which leaves the scan
    /// incomplete; a binary file met while walking a directory is skipped without this.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
    /// With `--engine`, the files of the dataset `path` names, scanned together as one table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dataset_files: Vec<String>,
}

/// The whole scan.
#[derive(Debug, Serialize, Deserialize)]
pub struct ScanOut {
    /// The scan date (who is a minor).
    pub as_of: String,
    /// Each file.
    pub files: Vec<FileOut>,
    /// All files together.
    pub summary: Summary,
    /// Symbolic links not followed because they loop back to a directory above them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loops: Vec<String>,
}

/// What all files held together.
#[derive(Debug, Serialize, Deserialize)]
pub struct Summary {
    /// Files looked at.
    pub files: usize,
    /// Rows scanned.
    pub rows: u64,
    /// Categories of PI that are not sensitive.
    pub personal_categories: Vec<Category>,
    /// Categories of sensitive PI.
    pub sensitive_categories: Vec<Category>,
    /// Categories found that are not PI.
    pub other_categories: Vec<Category>,
    /// Files that could not be read (each file says why): the scan is incomplete when this is not zero.
    #[serde(default)]
    pub unreadable_files: usize,
    /// Files skipped because they are not tables or text (binary files met in a directory).
    #[serde(default)]
    pub skipped_files: usize,
}

/// Every file under `paths` (directories walked), with their total size for a progress bar.
pub fn inputs(paths: &[PathBuf]) -> Result<(chujing_records::Walk, u64)> {
    let walk = chujing_records::files(paths)?;
    let total = walk
        .found
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    Ok((walk, total))
}

/// Scans every file under `paths` as `chujing scan --json` does, without a progress bar, counting individuals by
/// `subject_column` and deciding minors as of `today`.
pub fn report(
    paths: &[PathBuf],
    subject_column: Option<String>,
    today: chujing_law::Date,
) -> Result<ScanOut> {
    let options = Options {
        classifier: chujing_scan::Classifier::new(today.to_jiff()),
        subject_column,
        sample: None,
        max_line: 1 << 20,
        workers: rayon::current_num_threads(),
    };
    let (walk, _) = inputs(paths)?;
    let files: Vec<FileOut> = walk
        .found
        .iter()
        .map(|f| scan_file(f, &options, |_| {}))
        .collect();
    Ok(ScanOut {
        as_of: today.to_string(),
        summary: summarise(&files),
        files,
        loops: walk.loops,
    })
}

/// Scans one file; what cannot be read is reported as skipped, with why.
pub fn scan_file(
    file: &Found,
    options: &Options,
    progress: impl Fn(u64) + Send + 'static,
) -> FileOut {
    let path = file.path.display().to_string();
    if let Some(why) = &file.unlisted {
        return FileOut {
            path,
            table: None,
            skipped: Some(why.clone()),
            unreadable: true,
            dataset_files: Vec::new(),
        };
    }
    match scan_source(&file.path, options, progress) {
        Ok(table) => FileOut {
            path,
            table: Some(table),
            skipped: None,
            unreadable: false,
            dataset_files: Vec::new(),
        },
        Err(e) => {
            // A binary file met in a directory is not a table, and walking past it is expected; anything
            // else, or a file the user named, is input that was meant to be read and was not.
            let unreadable = file.named || !matches!(e, AppError::Records(RecordsError::Binary(_)));
            // Errors name their file; the report names it already.
            let message = e.to_string();
            let why = message
                .strip_prefix(&format!("{path}: "))
                .unwrap_or(&message)
                .to_string();
            FileOut {
                path,
                table: None,
                skipped: Some(why),
                unreadable,
                dataset_files: Vec::new(),
            }
        }
    }
}

fn scan_source(
    file: &Path,
    options: &Options,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<TableReport> {
    let source = Source::of(file)?;
    if source.format == InputFormat::Parquet {
        let size = source.size();
        let table = scan_parquet(file, options);
        progress(size);
        return table;
    }
    let mut decoded = chujing_records::decode(&source.name(), source.open(progress)?)?;
    let format = match source.format {
        InputFormat::Delimited(Some(d)) => Format::Delimited(d),
        InputFormat::Delimited(None) => Format::Delimited(decoded.sniff_delimiter()?),
        InputFormat::JsonLines => Format::JsonLines,
        InputFormat::Text | InputFormat::Parquet => Format::Text,
    };
    let encoding = decoded.encoding;
    let mut report = chujing_scan::scan(decoded.reader, format, options)
        .map_err(|e| AppError::Input(format!("{}: {e}", source.name())))?;
    report.encoding = encoding.name().to_string();
    Ok(report)
}

/// Reads a Parquet file's columns (nested fields as dotted paths) as text into a scanner (one thread:
/// Parquet decoding is columnar already).
fn scan_parquet(path: &Path, options: &Options) -> Result<TableReport> {
    let mut table = ParquetTable::open(path)?;
    let headers: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    let mut scanner = TableScanner::new(
        options.classifier.clone(),
        &headers,
        options.subject_column.as_deref(),
    );
    let width = headers.len();
    let mut left = options.sample.unwrap_or(u64::MAX);
    'batches: while let Some(batch) = table.next_batch()? {
        for row in 0..batch.rows() {
            if left == 0 {
                break 'batches;
            }
            left -= 1;
            for column in 0..width {
                if let Some(text) = batch.value(column, row) {
                    scanner.cell(column, text);
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

/// What all files held together.
pub fn summarise(files: &[FileOut]) -> Summary {
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
        unreadable_files: files.iter().filter(|f| f.unreadable).count(),
        skipped_files: files
            .iter()
            .filter(|f| f.table.is_none() && !f.unreadable)
            .count(),
    }
}

/// Most problems listed when a profile is refused.
const PROBLEMS_LISTED: usize = 5;

/// The figures of a flow from a scan of all its files, refused when any part of the input was not counted:
/// a figure from part of the input is an undercount, and an undercount picks a lighter pathway.
fn flow_figures(files: &[FileOut]) -> Result<(u64, u64, u64, usize)> {
    let mut problems = Vec::new();
    let mut counted = Vec::new();
    for f in files {
        let Some(table) = &f.table else {
            problems.push(format!(
                "{}: {}",
                f.path,
                f.skipped.as_deref().unwrap_or("not read")
            ));
            continue;
        };
        if table.sampled {
            problems.push(format!("{}: only a sample was scanned (--sample)", f.path));
        }
        for w in table.warnings.iter().filter(|w| w.kind.loses_individuals()) {
            problems.push(match w.line {
                Some(line) => format!("{}:{line}: {}", f.path, w.message),
                None => format!("{}: {}", f.path, w.message),
            });
        }
        match &table.individuals {
            Some(i) => counted.push(i),
            None => problems.push(format!("{}: no individuals were counted", f.path)),
        }
    }
    if !problems.is_empty() {
        let more = problems.len().saturating_sub(PROBLEMS_LISTED);
        problems.truncate(PROBLEMS_LISTED);
        let mut list = problems.join("\n  ");
        if more > 0 {
            list.push_str(&format!("\n  … and {more} more"));
        }
        return Err(AppError::Input(format!(
            "the profile was not written: some of the input was not counted, and figures from the rest would \
             undercount the flow's individuals:\n  {list}\nFix or remove these inputs (or correct \
             --subject-column) and scan again."
        )));
    }
    let sum = |f: fn(&Individuals) -> u64| counted.iter().map(|i| f(i)).sum::<u64>();
    Ok((
        sum(|i| i.with_personal_information),
        sum(|i| i.with_sensitive_information),
        sum(|i| i.unidentified_rows),
        counted.len(),
    ))
}

/// Updates (or adds) the flow `flow` of the TOML profile at `path` with the categories and individuals found,
/// keeping everything else in the file as written. Refused, leaving the profile as it was, when any file
/// could not be read, was only sampled, or lost rows or its subject column.
pub fn write_profile(path: &Path, flow: &str, files: &[FileOut]) -> Result<()> {
    let (total, sensitive, unidentified, counted) = flow_figures(files)?;
    let summary = summarise(files);
    let categories: Vec<&str> = summary
        .personal_categories
        .iter()
        .chain(&summary.sensitive_categories)
        .map(|c| c.id())
        .collect();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(AppError::Input(format!(
                "{}: cannot read: {e}",
                path.display()
            )));
        }
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| AppError::Input(format!("{}: not TOML: {e}", path.display())))?;
    let flows = doc
        .entry("flows")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            AppError::Input(format!(
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
    .ok_or_else(|| {
        AppError::Input(format!(
            "{}: the flow `{flow}` cannot be written",
            path.display()
        ))
    })?;
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
        let mut note = String::from(if counted > 1 {
            "# from `chujing scan`: distinct individuals per file, summed over the files (an upper bound if the same people appear in several)\n"
        } else {
            "# from `chujing scan`: distinct individuals by the subject column\n"
        });
        if unidentified > 0 {
            note.push_str(&format!(
                "# including {unidentified} row(s) with PI and no subject value, each counted as one more individual\n"
            ));
        }
        key.leaf_decor_mut().set_prefix(note);
    }
    std::fs::write(path, doc.to_string()).map_err(|source| AppError::Io {
        context: format!("{}: cannot write", path.display()),
        source,
    })?;
    Ok(())
}
