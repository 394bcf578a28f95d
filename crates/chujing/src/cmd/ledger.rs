//! `chujing ledger ingest|status|check`: the exact ledger of exported individuals.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use chujing_app::certify::audited::AuditedLedger as Ledger;
use chujing_app::ledger::{self as app, BatchInput, Checked, Ingested, Reader};
use chujing_law::explain::number;
use chujing_law::{Date, Lang, RuleBook};
use chujing_ledger::Status;
use indicatif::ProgressBar;

use crate::clock;
use crate::output::{self, bold, pathway_style};
use crate::store;

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
    /// List the batches in the ledger (and those removed, with why).
    Batches {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Take a wrong batch out of the ledger. The removal is recorded with its reason, the time and what the
    /// batch was, and listed by `ledger batches`: a count never shrinks without a trace.
    Remove {
        /// The batch id (see `ledger batches`).
        batch_id: String,
        /// Why it is removed (kept in the ledger).
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
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
    /// Count and report malformed rows and empty keys instead of stopping at the first. A row whose key is
    /// good but whose sensitivity flag is unreadable is counted, as sensitive.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Which reader counts the batch: `native` (one file, also .gz or .zst; every bad row named by its line)
    /// or `datafusion` (Apache DataFusion on every core: FILE may then be a directory or a glob of .csv, .tsv,
    /// .jsonl or .parquet files, counted as one batch; bad rows are counted, not located) or
    /// `ballista://HOST:PORT` (the same on an Apache Ballista cluster of `chujing engine` processes). All count
    /// the same individuals. `datafusion` needs a build with `--features engine`, `ballista://` one with
    /// `--features ballista`.
    #[arg(long, value_name = "ENGINE", default_value = "native")]
    pub engine: Reader,
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

pub fn run(book: &RuleBook, at: store::Db<'_>, command: Command) -> Result<ExitCode> {
    let url = at.url;
    store::runtime()?.block_on(async {
        // Only ingest creates a ledger; the others need an existing one (a removal from a ledger that does not
        // exist is a mistake in --db).
        let database = match command {
            Command::Ingest(_) => store::connect(url).await?,
            Command::Status(_)
            | Command::Check(_)
            | Command::Batches { .. }
            | Command::Remove { .. } => store::open_existing(url).await?,
        };
        // A batch needs its processor: ingest on a database without one makes it (named by --org, or to be
        // named by `processor set --name`).
        let create = matches!(command, Command::Ingest(_))
            .then(|| (at.org.unwrap_or(chujing_app::org::UNNAMED), None));
        let (_, db) = store::processor_ledger(&database, at.org, create).await?;
        let result = match command {
            Command::Ingest(args) => ingest(&db, url, args).await,
            Command::Batches { json } => batches(&db, json).await,
            Command::Remove {
                batch_id,
                reason,
                json,
            } => remove(&db, &batch_id, &reason, json).await,
            Command::Status(args) => status(book, &db, args).await,
            Command::Check(args) => check(book, &db, url, args).await,
        };
        database.close().await;
        result
    })
}

impl BatchArgs {
    fn input(&self) -> BatchInput {
        BatchInput {
            file: self.file.clone(),
            subject_column: self.subject_column.clone(),
            sensitive_column: self.sensitive_column.clone(),
            all_sensitive: self.sensitive,
            flow: self.flow.clone(),
            date: self.date,
            batch_id: self.batch_id.clone(),
            recipient: self.recipient.clone(),
            categories: self.categories.clone(),
            skip_bad_rows: self.skip_bad_rows,
            reader: self.engine.clone(),
        }
    }
}

fn progress_bar(path: &Path, quiet: bool) -> ProgressBar {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    crate::output::byte_progress(len, &format!("reading {}", path.display()), quiet)
}

async fn ingest(db: &Ledger, url: &str, args: BatchArgs) -> Result<ExitCode> {
    if let Some(w) =
        chujing_app::settings::unusual_date(args.date, clock::today_in_china(), "--date")
    {
        eprintln!("warning: {w}");
    }
    let hasher = store::hasher(db, url).await?;
    let bar = progress_bar(&args.file, args.json);
    let ticker = bar.clone();
    let done = app::ingest(db, &hasher, &args.input(), move |n| ticker.inc(n)).await;
    bar.finish_and_clear();
    report_ingest(&args, &done?)
}

async fn batches(db: &Ledger, json: bool) -> Result<ExitCode> {
    let (metas, removals) = app::batches(db).await?;
    if json {
        output::print_json(&serde_json::json!({"batches": metas, "removals": removals}))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = output::table(vec![
        "batch",
        "flow",
        "date",
        "records",
        "individuals",
        "sensitive",
    ]);
    for m in &metas {
        t.add_row(vec![
            m.batch_id.clone(),
            m.flow_id.clone(),
            m.date.to_string(),
            number(m.records),
            number(m.individuals),
            number(m.sensitive_individuals),
        ]);
    }
    let mut out = anstream::stdout();
    writeln!(out, "{t}")?;
    for r in &removals {
        writeln!(
            out,
            "removed {}: batch `{}` ({}, {}, {} individuals): {}",
            r.removed_at,
            r.batch.batch_id,
            r.batch.flow_id,
            r.batch.date,
            number(r.batch.individuals),
            r.reason
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn remove(db: &Ledger, batch_id: &str, reason: &str, json: bool) -> Result<ExitCode> {
    let removal = app::remove(db, batch_id, reason, &clock::now()).await?;
    if json {
        output::print_json(&removal)?;
    } else {
        writeln!(
            anstream::stdout(),
            "removed batch `{}` ({}, {}, {} individuals); the removal is recorded in the ledger",
            removal.batch.batch_id,
            removal.batch.flow_id,
            removal.batch.date,
            number(removal.batch.individuals)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report_ingest(args: &BatchArgs, done: &Ingested) -> Result<ExitCode> {
    let (batch_id, status, read) = match done {
        Ingested::AlreadyPresent { batch_id } => (batch_id, "already_present", None),
        Ingested::Read {
            meta,
            summary,
            inserted,
        } => (
            &meta.batch_id,
            if *inserted {
                "inserted"
            } else {
                "already_present"
            },
            Some((meta, summary)),
        ),
    };
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
            "assumed_sensitive": read.map(|(_, s)| s.assumed_sensitive),
            "assumed_sensitive_rows": read.map(|(_, s)| &s.assumed_sensitive_rows),
            "rows_located": read.map(|(_, s)| s.rows_located),
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
            if !s.rows_located && s.skipped_rows + s.assumed_sensitive > 0 {
                writeln!(
                    out,
                    "the engine counts these rows without their lines; the native reader (without --engine) names them"
                )?;
            }
            if s.skipped_rows > 0 {
                writeln!(out, "skipped {} bad rows:", number(s.skipped_rows))?;
                for r in &s.bad_rows {
                    writeln!(out, "  {}:{}: {}", args.file.display(), r.line, r.message)?;
                }
            }
            if s.assumed_sensitive > 0 {
                writeln!(
                    out,
                    "counted {} records as sensitive because their flag could not be read:",
                    number(s.assumed_sensitive)
                )?;
                for r in &s.assumed_sensitive_rows {
                    writeln!(out, "  {}:{}: {}", args.file.display(), r.line, r.message)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn status(book: &RuleBook, db: &Ledger, args: StatusArgs) -> Result<ExitCode> {
    let as_of = args.as_of.unwrap_or_else(clock::today_in_china);
    let (view, status) = app::status(book, db, as_of, args.alert_share).await?;
    if args.json {
        let mut v = status_json(&status)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("processor_recorded".into(), view.processor_recorded.into());
        }
        output::print_json(&v)?;
    } else {
        print_status(&view.processor.name, &status)?;
        if !view.processor_recorded {
            writeln!(
                anstream::stdout(),
                "! no processor facts recorded: assumed not a CIIO and located in China (a CIIO needs a security \
                 assessment for any PI; record the facts with `chujing processor set --name … --ciio true|false`)"
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The status as JSON, each alert with its message in words beside its fields.
fn status_json(status: &Status) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(status)?;
    if let Some(alerts) = v.get_mut("alerts").and_then(|a| a.as_array_mut()) {
        for (json, alert) in alerts.iter_mut().zip(&status.alerts) {
            json["message"] = alert.text(Lang::En).into();
        }
    }
    Ok(v)
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
                th.fact.id().to_string(),
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
        writeln!(out, "{y}!{y:#} {}", a.text(Lang::En))?;
    }
    Ok(())
}

async fn check(book: &RuleBook, db: &Ledger, url: &str, args: BatchArgs) -> Result<ExitCode> {
    let hasher = store::hasher(db, url).await?;
    let bar = progress_bar(&args.file, args.json);
    let ticker = bar.clone();
    let checked = app::check(book, db, &hasher, &args.input(), move |n| ticker.inc(n)).await;
    bar.finish_and_clear();
    let checked = checked?;
    if args.json {
        print_check_json(&args, &checked)?;
    } else {
        print_check(&args, &checked)?;
    }
    Ok(if checked.mechanism_missing {
        ExitCode::from(EXIT_MECHANISM_MISSING)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_check_json(args: &BatchArgs, c: &Checked) -> Result<()> {
    let summary = |s: &Status| {
        let (individuals, sensitive) = s.totals();
        serde_json::json!({
            "individuals": s.windows.first().map(|_| individuals),
            "sensitive_individuals": s.windows.first().map(|_| sensitive),
            "pathway": s.pathway,
            "flow_pathway": s.flow(&args.flow).and_then(|f| f.decision.pathway),
        })
    };
    output::print_json(&serde_json::json!({
        "batch_id": c.batch_id,
        "already_ingested": c.already_ingested,
        "as_of": args.date,
        "before": summary(&c.before),
        "after": summary(&c.after),
        "changes_pathway": c.before.pathway != c.after.pathway,
        "mechanism_missing": c.mechanism_missing,
    }))
}

fn print_check(args: &BatchArgs, c: &Checked) -> Result<()> {
    let mut out = anstream::stdout();
    let line = |s: &Status| {
        let (individuals, sensitive) = s.totals();
        format!(
            "{} individuals, {} with sensitive PI → {}",
            number(individuals),
            number(sensitive),
            s.pathway.map_or("—", |p| p.label(Lang::En))
        )
    };
    if c.already_ingested {
        writeln!(
            out,
            "batch `{}` is already in the ledger: it changes nothing",
            c.batch_id
        )?;
    }
    writeln!(out, "before: {}", line(&c.before))?;
    writeln!(out, "after:  {}", line(&c.after))?;
    if let Some(f) = c.after.flow(&args.flow) {
        let p = f.decision.pathway.map_or("—", |p| p.label(Lang::En));
        if c.mechanism_missing {
            writeln!(
                out,
                "flow `{}` would need {p}, which is not recorded as obtained (`chujing flow set {} --mechanism …`)",
                args.flow, args.flow
            )?;
        } else {
            writeln!(out, "flow `{}`: {p}, satisfied", args.flow)?;
        }
    }
    Ok(())
}
