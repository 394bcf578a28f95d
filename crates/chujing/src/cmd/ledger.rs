//! `chujing ledger ingest|status|check`: the exact ledger of exported individuals.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use chujing_law::assess::valid_until;
use chujing_law::condition::CountFact;
use chujing_law::explain::number;
use chujing_law::{Date, Pathway, Regime, RuleBook};
use chujing_ledger::{
    BatchMeta, BatchRef, FlowPathway, FlowSettings, Insert, LedgerStore, StoredBatch,
    SubjectHasher, SubjectSet, WindowCount, count_union, count_window, decide_flows, normalise,
};
use chujing_store::Store;
use indicatif::ProgressBar;
use serde::Serialize;

use crate::clock;
use crate::db;
use crate::output::{self, InputProblem, bold, pathway_style};
use crate::records::{self, BadRow, Columns};

/// Exit code of `ledger check` when the batch needs a mechanism the flow has not recorded.
pub const EXIT_MECHANISM_MISSING: u8 = 3;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Count a transfer batch: read the subject keys, hash them under the ledger key, store the batch.
    /// The same batch id is counted once; a batch is stored entirely or not at all.
    Ingest(BatchArgs),
    /// Distinct individuals in each legal window in force, how close they are to each threshold, and the
    /// pathway that follows.
    Status(StatusArgs),
    /// What if: would this batch change the pathway? Prints before and after; stores nothing. Exits 3 when
    /// the batch's flow would need a mechanism not recorded with `chujing flow set`.
    Check(BatchArgs),
}

/// A batch file and what it is.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// The transfer records: .csv, .tsv, .jsonl or .ndjson (optionally .gz or .zst), or .parquet.
    pub file: PathBuf,
    /// The column (JSON Lines: dotted path) holding the subject key, e.g. an ID or phone number.
    #[arg(long, value_name = "COL")]
    pub subject_column: String,
    /// A yes/no column saying whether the record carries sensitive PI.
    #[arg(long, value_name = "COL", conflicts_with = "sensitive")]
    pub sensitive_column: Option<String>,
    /// Every record of the batch carries sensitive PI.
    #[arg(long)]
    pub sensitive: bool,
    /// The flow the batch belongs to.
    #[arg(long, value_name = "ID")]
    pub flow: String,
    /// The transfer date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Date,
    /// The idempotency key (default: derived from the flow, date, options and file contents).
    #[arg(long, value_name = "ID")]
    pub batch_id: Option<String>,
    /// The recipient.
    #[arg(long)]
    pub recipient: Option<String>,
    /// A category of PI in the batch (repeatable).
    #[arg(long = "category", value_name = "CATEGORY")]
    pub categories: Vec<String>,
    /// Count and report malformed rows and empty keys instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The date to count up to (default: today in China).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Alert when a figure reaches this share of a threshold.
    #[arg(long, value_name = "SHARE", default_value_t = 0.8)]
    pub alert_share: f64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

pub fn run(book: &RuleBook, url: &str, command: Command) -> Result<ExitCode> {
    let rt = db::runtime()?;
    rt.block_on(async {
        let store = db::connect(url).await?;
        let result = match command {
            Command::Ingest(args) => ingest(&store, url, args).await,
            Command::Status(args) => status(book, &store, args).await,
            Command::Check(args) => check(book, &store, url, args).await,
        };
        store.close().await;
        result
    })
}

/// What reading a batch file found.
#[derive(Debug, Serialize)]
struct ReadSummary {
    records: u64,
    skipped_rows: u64,
    bad_rows: Vec<BadRowOut>,
}

#[derive(Debug, Serialize)]
struct BadRowOut {
    line: u64,
    message: String,
}

/// The default batch id: flow, date, and a hash of the options and of the file's bytes, so that ingesting the
/// same file again is a no-op.
fn default_batch_id(args: &BatchArgs, content_hash: u64) -> String {
    let mut h = siphasher::sip::SipHasher13::new();
    for part in [
        args.subject_column.as_str(),
        args.sensitive_column.as_deref().unwrap_or(""),
        if args.sensitive { "all" } else { "" },
    ] {
        h.write(part.as_bytes());
        h.write_u8(0);
    }
    h.write_u64(content_hash);
    format!("{}:{}:{:016x}", args.flow, args.date, h.finish())
}

fn progress_bar(path: &Path, quiet: bool) -> ProgressBar {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    crate::output::byte_progress(len, &format!("reading {}", path.display()), quiet)
}

/// What one chunk of a batch file yields.
#[derive(Debug, Default)]
struct Accumulator {
    subjects: Vec<u128>,
    sensitive: Vec<u128>,
    records: u64,
    bad: Vec<BadRow>,
    first_error: Option<BadRow>,
}

impl Accumulator {
    fn reject(&mut self, row: BadRow, skip: bool) {
        if skip {
            self.bad.push(row);
        } else if self.first_error.is_none() {
            self.first_error = Some(row);
        }
    }
}

/// Reads, normalises and hashes a batch file into a batch (not stored), named `batch_id` or by default after
/// its contents.
fn read_batch(
    args: &BatchArgs,
    hasher: &SubjectHasher,
    batch_id: Option<String>,
) -> Result<(StoredBatch, ReadSummary)> {
    let name = args.file.display().to_string();
    let columns = Columns {
        subject: args.subject_column.clone(),
        sensitive: args.sensitive_column.clone(),
    };
    let bar = progress_bar(&args.file, args.json);
    let ticker = bar.clone();
    let chunks = records::read(
        &args.file,
        &columns,
        move |n| ticker.inc(n),
        Accumulator::default,
        |acc, row| {
            if acc.first_error.is_some() {
                return;
            }
            let r = match row {
                Ok(r) => r,
                Err(row) => return acc.reject(row, args.skip_bad_rows),
            };
            let Some(key) = normalise(r.subject) else {
                let message = format!("column `{}`: empty subject key", args.subject_column);
                return acc.reject(
                    BadRow {
                        line: r.line,
                        message,
                    },
                    args.skip_bad_rows,
                );
            };
            let is_sensitive = match r.sensitive.map(records::parse_flag) {
                None => args.sensitive,
                Some(Ok(flag)) => flag,
                Some(Err(message)) => {
                    let col = args.sensitive_column.as_deref().unwrap_or_default();
                    let message = format!("column `{col}`: {message}");
                    return acc.reject(
                        BadRow {
                            line: r.line,
                            message,
                        },
                        args.skip_bad_rows,
                    );
                }
            };
            let h = hasher.hash(&key);
            acc.subjects.push(h);
            if is_sensitive {
                acc.sensitive.push(h);
            }
            acc.records += 1;
        },
        |acc, lines| {
            let later = |row: &mut BadRow| row.line += lines;
            acc.bad.iter_mut().for_each(later);
            acc.first_error.iter_mut().for_each(later);
        },
    )?;
    bar.finish_and_clear();
    let batch_id = batch_id.unwrap_or_else(|| default_batch_id(args, chunks.content_hash));
    if let Some(row) = chunks
        .parts
        .iter()
        .filter_map(|p| p.first_error.as_ref())
        .min_by_key(|r| r.line)
    {
        return Err(InputProblem(format!(
            "{name}:{}: {}; nothing was ingested (use --skip-bad-rows to count and skip such rows)",
            row.line, row.message
        ))
        .into());
    }
    let records = chunks.parts.iter().map(|p| p.records).sum();
    let bad: Vec<BadRow> = chunks
        .parts
        .iter()
        .flat_map(|p| p.bad.iter().cloned())
        .collect();
    let (subjects, sensitive): (Vec<_>, Vec<_>) = chunks
        .parts
        .into_iter()
        .map(|p| (p.subjects, p.sensitive))
        .unzip();
    let (subjects, sensitive) = rayon::join(
        || SubjectSet::from_runs(subjects),
        || SubjectSet::from_runs(sensitive),
    );
    let meta = BatchMeta {
        batch_id,
        flow_id: args.flow.clone(),
        date: args.date,
        recipient: args.recipient.clone(),
        categories: args.categories.clone(),
        key_id: hasher.key_id().to_string(),
        records,
        individuals: subjects.len(),
        sensitive_individuals: sensitive.len(),
    };
    let summary = ReadSummary {
        records,
        skipped_rows: bad.len() as u64,
        bad_rows: bad
            .iter()
            .take(20)
            .map(|b| BadRowOut {
                line: b.line,
                message: b.message.clone(),
            })
            .collect(),
    };
    Ok((
        StoredBatch {
            meta,
            subjects,
            sensitive,
        },
        summary,
    ))
}

async fn ingest(store: &Store, url: &str, args: BatchArgs) -> Result<ExitCode> {
    let hasher = db::hasher(store, url).await?;
    if let Some(id) = &args.batch_id
        && store.has_batch(id).await?
    {
        return report_ingest(&args, id, "already_present", None);
    }
    let (batch, summary) = read_batch(&args, &hasher, args.batch_id.clone())?;
    let batch_id = batch.meta.batch_id.clone();
    if store.has_batch(&batch_id).await? {
        return report_ingest(&args, &batch_id, "already_present", None);
    }
    let status = match store.insert_batch(&batch).await? {
        Insert::Inserted => "inserted",
        Insert::AlreadyPresent => "already_present",
    };
    report_ingest(&args, &batch_id, status, Some((&batch.meta, &summary)))
}

fn report_ingest(
    args: &BatchArgs,
    batch_id: &str,
    status: &str,
    read: Option<(&BatchMeta, &ReadSummary)>,
) -> Result<ExitCode> {
    if args.json {
        output::print_json(&serde_json::json!({
            "batch_id": batch_id,
            "status": status,
            "flow": args.flow,
            "date": args.date,
            "records": read.map(|(m, _)| m.records),
            "individuals": read.map(|(m, _)| m.individuals),
            "sensitive_individuals": read.map(|(m, _)| m.sensitive_individuals),
            "skipped_rows": read.map(|(_, s)| s.skipped_rows),
            "bad_rows": read.map(|(_, s)| &s.bad_rows),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = anstream::stdout();
    let b = bold();
    match read {
        None => writeln!(
            out,
            "batch `{batch_id}` is already in the ledger; nothing changed"
        )?,
        Some((m, s)) => {
            let verb = if status == "inserted" {
                "ingested"
            } else {
                "already present:"
            };
            writeln!(
                out,
                "{b}{verb}{b:#} batch `{batch_id}` (flow `{}`, {}): {} records, {} individuals, {} with sensitive PI",
                m.flow_id,
                m.date,
                number(m.records),
                number(m.individuals),
                number(m.sensitive_individuals)
            )?;
            if s.skipped_rows > 0 {
                writeln!(out, "skipped {} bad rows:", number(s.skipped_rows))?;
                for r in &s.bad_rows {
                    writeln!(out, "  {}:{}: {}", args.file.display(), r.line, r.message)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A threshold the counts are measured against.
#[derive(Debug, Serialize)]
struct ThresholdProximity {
    fact: &'static str,
    threshold: u64,
    value: u64,
    share: f64,
    reached: bool,
    rules: Vec<String>,
}

/// Everything `status` reports for one window.
#[derive(Debug, Serialize)]
struct WindowStatus {
    #[serde(flatten)]
    count: WindowCount,
    thresholds: Vec<ThresholdProximity>,
}

#[derive(Debug, Serialize)]
struct FlowStatus {
    #[serde(flatten)]
    decision: FlowPathway,
    mechanism: Option<chujing_law::profile::Mechanism>,
    satisfied: bool,
}

#[derive(Debug, Serialize)]
struct Status {
    as_of: Date,
    windows: Vec<WindowStatus>,
    flows: Vec<FlowStatus>,
    pathway: Option<Pathway>,
    alerts: Vec<String>,
}

fn thresholds(regime: &Regime, window: &WindowCount) -> Vec<ThresholdProximity> {
    let mut out: Vec<ThresholdProximity> = Vec::new();
    let conditions = regime
        .rules
        .iter()
        .map(|r| (&r.id, &r.body.when))
        .chain(regime.exemptions.iter().map(|e| (&e.id, &e.body.when)));
    for (id, when) in conditions {
        let mut bounds = Vec::new();
        when.count_bounds(&mut bounds);
        for (fact, bound) in bounds {
            let value = match fact {
                CountFact::Individuals => window.individuals,
                CountFact::SensitiveIndividuals => window.sensitive_individuals,
                CountFact::IndividualsProcessed => continue,
            };
            if bound < 100 {
                continue; // "any sensitive PI" (≥ 1) is a switch, not a threshold to approach
            }
            match out
                .iter_mut()
                .find(|t| t.fact == fact.id() && t.threshold == bound)
            {
                Some(t) if !t.rules.contains(id) => t.rules.push(id.clone()),
                Some(_) => {}
                None => out.push(ThresholdProximity {
                    fact: fact.id(),
                    threshold: bound,
                    value,
                    share: value as f64 / bound as f64,
                    reached: value >= bound,
                    rules: vec![id.clone()],
                }),
            }
        }
    }
    out.sort_by(|a, b| (a.fact, a.threshold).cmp(&(b.fact, b.threshold)));
    out
}

/// Counts the window on `as_of` over `batches` (plus `extra`, for what-if) and decides each flow.
fn evaluate(
    book: &RuleBook,
    as_of: Date,
    processor: &chujing_ledger::ProcessorSettings,
    flows: &[FlowSettings],
    batches: &[StoredBatch],
    extra: Option<&StoredBatch>,
    alert_share: f64,
) -> Result<Status> {
    let regime = book.regime_at(as_of)?;
    let all: Vec<&StoredBatch> = batches.iter().chain(extra).collect();
    let refs: Vec<BatchRef<'_>> = all.iter().map(|b| b.as_batch_ref()).collect();
    let Some(window) = count_window(
        book,
        as_of,
        processor.ciio,
        processor.located_in_china,
        flows,
        &refs,
    )?
    else {
        return Ok(Status {
            as_of,
            windows: Vec::new(),
            flows: Vec::new(),
            pathway: None,
            alerts: vec!["the law in force sets no counting window".into()],
        });
    };
    let mut flow_ids: Vec<&str> = refs
        .iter()
        .filter(|r| window.from <= r.date && r.date <= as_of)
        .map(|r| r.flow_id)
        .collect();
    flow_ids.extend(flows.iter().map(|f| f.id.as_str()));
    flow_ids.sort_unstable();
    flow_ids.dedup();
    let per_flow: Vec<(String, u64, u64)> = flow_ids
        .iter()
        .map(|id| {
            let mine: Vec<&BatchRef<'_>> = refs
                .iter()
                .filter(|r| r.flow_id == *id && window.from <= r.date && r.date <= as_of)
                .collect();
            let s: Vec<&[u128]> = mine.iter().map(|r| r.subjects).collect();
            let x: Vec<&[u128]> = mine.iter().map(|r| r.sensitive).collect();
            (id.to_string(), count_union(&s), count_union(&x))
        })
        .collect();
    let decisions = decide_flows(
        regime,
        processor.ciio,
        processor.located_in_china,
        flows,
        &window,
        &per_flow,
    );
    let flows_out: Vec<FlowStatus> = decisions
        .into_iter()
        .map(|d| {
            let mechanism = flows
                .iter()
                .find(|f| f.id == d.flow)
                .and_then(|f| f.mechanism);
            let in_force = mechanism
                .filter(|m| m.since <= as_of && valid_until(book, m).is_none_or(|u| as_of <= u));
            let satisfied = d
                .pathway
                .is_none_or(|p| p.is_satisfied_by(in_force.map(|m| m.kind)));
            FlowStatus {
                decision: d,
                mechanism,
                satisfied,
            }
        })
        .collect();
    let pathway = flows_out
        .iter()
        .filter(|f| f.decision.individuals > 0)
        .filter_map(|f| f.decision.pathway)
        .max();
    let thresholds = thresholds(regime, &window);
    let mut alerts = Vec::new();
    for t in &thresholds {
        if t.share >= alert_share {
            let what = if t.fact == "individuals" {
                "individuals"
            } else {
                "individuals with sensitive PI"
            };
            let state = if t.reached {
                "has reached"
            } else {
                "is close to"
            };
            alerts.push(format!(
                "{} {what} ({:.0}%) {state} the threshold of {} ({})",
                number(t.value),
                t.share * 100.0,
                number(t.threshold),
                t.rules.join(", ")
            ));
        }
    }
    for f in flows_out.iter().filter(|f| !f.satisfied) {
        alerts.push(format!(
            "flow `{}` needs {} but has no such mechanism in force (record it with `chujing flow set {} --mechanism …`)",
            f.decision.flow,
            f.decision.pathway.map_or("a decision", |p| p.label(chujing_law::Lang::En)),
            f.decision.flow
        ));
    }
    Ok(Status {
        as_of,
        windows: vec![WindowStatus {
            count: window,
            thresholds,
        }],
        flows: flows_out,
        pathway,
        alerts,
    })
}

/// What counting as of `as_of` needs: the processor, the flows' settings and the batches of the window.
pub(crate) async fn load(
    book: &RuleBook,
    store: &Store,
    as_of: Date,
) -> Result<(
    chujing_ledger::ProcessorSettings,
    Vec<FlowSettings>,
    Vec<StoredBatch>,
)> {
    let regime = book.regime_at(as_of)?;
    let from = regime.window_start(as_of).unwrap_or(as_of);
    Ok((
        store.processor().await?,
        store.flows().await?,
        store.batches_between(from, as_of).await?,
    ))
}

async fn status(book: &RuleBook, store: &Store, args: StatusArgs) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.alert_share) {
        return Err(InputProblem(format!(
            "--alert-share {} is not a share between 0 and 1",
            args.alert_share
        ))
        .into());
    }
    let as_of = args.as_of.unwrap_or_else(clock::today_in_china);
    let (processor, flows, batches) = load(book, store, as_of).await?;
    let status = evaluate(
        book,
        as_of,
        &processor,
        &flows,
        &batches,
        None,
        args.alert_share,
    )?;
    if args.json {
        output::print_json(&status)?;
    } else {
        print_status(&processor.name, &status)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_status(name: &str, s: &Status) -> Result<()> {
    let mut out = anstream::stdout();
    let b = bold();
    writeln!(out, "{b}{name}{b:#} — ledger as of {}", s.as_of)?;
    for w in &s.windows {
        let c = &w.count;
        writeln!(
            out,
            "window {} to {} ({}, {}): {b}{}{b:#} individuals, {b}{}{b:#} with sensitive PI, from {} batches",
            c.from,
            c.to,
            c.kind,
            c.rule,
            number(c.individuals),
            number(c.sensitive_individuals),
            c.batches
        )?;
        if !c.excluded_flows.is_empty() {
            writeln!(out, "left out as exempted: {}", c.excluded_flows.join(", "))?;
        }
        let mut t = output::table(vec!["count", "threshold", "value", "share", "rules"]);
        for th in &w.thresholds {
            t.add_row(vec![
                th.fact.to_string(),
                number(th.threshold),
                number(th.value),
                format!("{:.1}%", th.share * 100.0),
                th.rules.join("\n"),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    let mut t = output::table(vec![
        "flow",
        "individuals",
        "sensitive",
        "pathway",
        "exemption",
        "mechanism",
    ]);
    for f in &s.flows {
        let d = &f.decision;
        t.add_row(vec![
            d.flow.clone(),
            number(d.individuals),
            number(d.sensitive_individuals),
            d.pathway.map_or("—".into(), |p| p.id().to_string()),
            d.exemption.map_or("—".into(), |e| e.id().to_string()),
            match (&f.mechanism, f.satisfied) {
                (Some(m), true) => format!("{} since {}", m.kind.id(), m.since),
                (Some(m), false) => format!("{} since {} (not enough)", m.kind.id(), m.since),
                (None, true) => "—".into(),
                (None, false) => "missing".into(),
            },
        ]);
    }
    writeln!(out, "{t}")?;
    if let Some(p) = s.pathway {
        let ps = pathway_style(p);
        writeln!(
            out,
            "processor pathway: {ps}{}{ps:#}",
            p.label(chujing_law::Lang::En)
        )?;
    }
    for a in &s.alerts {
        let y = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
            .bold();
        writeln!(out, "{y}!{y:#} {a}")?;
    }
    Ok(())
}

async fn check(book: &RuleBook, store: &Store, url: &str, args: BatchArgs) -> Result<ExitCode> {
    let hasher = db::hasher(store, url).await?;
    let as_of = args.date;
    let (processor, flows, batches) = load(book, store, as_of).await?;
    let (batch, _) = read_batch(&args, &hasher, args.batch_id.clone())?;
    let batch_id = batch.meta.batch_id.clone();
    let already = store.has_batch(&batch_id).await?;
    let before = evaluate(book, as_of, &processor, &flows, &batches, None, 0.8)?;
    let after = evaluate(
        book,
        as_of,
        &processor,
        &flows,
        &batches,
        (!already).then_some(&batch),
        0.8,
    )?;
    let flow_after = after.flows.iter().find(|f| f.decision.flow == args.flow);
    let blocked = flow_after.is_some_and(|f| !f.satisfied);
    let summary = |s: &Status| {
        serde_json::json!({
            "individuals": s.windows.first().map(|w| w.count.individuals),
            "sensitive_individuals": s.windows.first().map(|w| w.count.sensitive_individuals),
            "pathway": s.pathway,
            "flow_pathway": s.flows.iter().find(|f| f.decision.flow == args.flow).and_then(|f| f.decision.pathway),
        })
    };
    if args.json {
        output::print_json(&serde_json::json!({
            "batch_id": batch_id,
            "already_ingested": already,
            "as_of": as_of,
            "before": summary(&before),
            "after": summary(&after),
            "changes_pathway": before.pathway != after.pathway,
            "mechanism_missing": blocked,
        }))?;
    } else {
        let mut out = anstream::stdout();
        let line = |s: &Status| {
            let w = s.windows.first();
            format!(
                "{} individuals, {} with sensitive PI → {}",
                number(w.map_or(0, |w| w.count.individuals)),
                number(w.map_or(0, |w| w.count.sensitive_individuals)),
                s.pathway.map_or("—", |p| p.label(chujing_law::Lang::En))
            )
        };
        if already {
            writeln!(
                out,
                "batch `{batch_id}` is already in the ledger: it changes nothing"
            )?;
        }
        writeln!(out, "before: {}", line(&before))?;
        writeln!(out, "after:  {}", line(&after))?;
        if let Some(f) = flow_after {
            let p = f
                .decision
                .pathway
                .map_or("—", |p| p.label(chujing_law::Lang::En));
            if blocked {
                writeln!(
                    out,
                    "flow `{}` would need {p}, which is not recorded as obtained (`chujing flow set {} --mechanism …`)",
                    args.flow, args.flow
                )?;
            } else {
                writeln!(out, "flow `{}`: {p}, satisfied", args.flow)?;
            }
        }
    }
    Ok(if blocked {
        ExitCode::from(EXIT_MECHANISM_MISSING)
    } else {
        ExitCode::SUCCESS
    })
}
