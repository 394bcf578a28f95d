//! `chujing`: the command line of the cross-border personal-information engine. Thin: it parses arguments,
//! reads files, calls the domain crates and prints.
//!
//! Exit codes: 0 success; 2 bad input or usage (the message names file, line and field); 3 `ledger check`:
//! the batch needs a mechanism not recorded; 4 `contract check`: a clause is missing, contradicted or altered; 5 `scan`:
//! an input could not be read (the others are reported); 1 any other failure.

#![allow(
    rustdoc::broken_intra_doc_links,
    reason = "doc comments here are --help texts, where `[totals]` or `[pack]` are literal TOML tables"
)]

mod clock;
mod cmd;
mod output;
mod store;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// chujing (数据出境) decides the legal pathway for sending personal information out of China under PIPL
/// and its implementing measures, as of any date, with reasons and article citations.
#[derive(Debug, Parser)]
#[command(
    name = "chujing",
    version,
    after_help = "\
Examples:
  chujing assess examples/mid-size-standard-contract.toml
  chujing assess profile.toml --as-of 2023-08-01 --lang zh
  chujing assess profile.json --json | jq .pathway
  chujing rules list
  chujing rules show cn-provisions-2024
  chujing rules check ./my-rules
  chujing ledger ingest transfers.csv --subject-column id_number --flow crm --date 2026-11-01
  chujing ledger ingest 'lake/transfers/*.parquet' --engine datafusion --subject-column uid --flow app --date 2026-11-01
  chujing ledger status --as-of 2026-11-22
  chujing ledger check next-batch.csv --subject-column id_number --flow crm --date 2026-11-23
  chujing assess profile.toml --ledger
  chujing scan exports/ --subject-column id_number
  chujing report pipia --profile examples/mid-size-standard-contract.toml -o pipia.pdf
  chujing contract check agreement.docx
  chujing contract check --form standard-contract --reference form.docx signed.docx
  chujing admin init --email admin@cac.example.cn && chujing serve --listen 127.0.0.1:8080
  chujing audit verify

Exit codes: 0 success, 2 bad input (file, line and field are named), 3 `ledger check`: the batch needs a \
mechanism that is not recorded, 4 `contract check`: a clause is missing, contradicted or altered, 5 `scan`: an input could not be read (the others are \
reported), 6 `audit verify`: the audit log does not verify, 1 other failure."
)]
struct Cli {
    /// Load rule packs from this directory instead of the ones built in (every *.toml with a `[pack]` table;
    /// a file with a `[calendar]` table replaces the holiday calendar).
    #[arg(long, global = true, value_name = "DIR", env = "CHUJING_RULES")]
    rules: Option<PathBuf>,

    /// The ledger database: `sqlite://PATH` (created if missing) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, global = true, value_name = "URL", env = "CHUJING_DATABASE_URL", default_value = chujing_app::db::DEFAULT_DB)]
    db: String,

    /// The processor organisation the ledger, flow and processor commands act on: its id or its name. Default:
    /// the database's one processor (`chujing processor set --name NAME` makes it on a new database). The
    /// service (`chujing serve`) sees the same organisation's records.
    #[arg(long, global = true, value_name = "NAME|ID", env = "CHUJING_ORG")]
    org: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a demo of the service on SQLite with generated data: a processor, a certification body and a
    /// regulator, one sign-in each (the quickest way to see everything chujing does).
    Demo(cmd::demo::DemoArgs),
    /// Decide the pathway of every flow in a profile, and of the processor, as of a date.
    Assess(cmd::assess::Args),
    /// List, show and check rule packs (the law as versioned data).
    #[command(subcommand)]
    Rules(cmd::rules::Command),
    /// The exact ledger of exported individuals: ingest batches, see counts per legal window, check a batch
    /// before it is sent.
    #[command(subcommand)]
    Ledger(cmd::ledger::Command),
    /// What the ledger knows about each flow: mechanism obtained, exemption claimed, important data.
    #[command(subcommand)]
    Flow(cmd::flow::FlowCommand),
    /// Who the processor is (CIIO, located in China), for deciding pathways from the ledger.
    #[command(subcommand)]
    Processor(cmd::flow::ProcessorCommand),
    /// Find personal and sensitive personal information in files, column by column.
    Scan(cmd::scan::Args),
    /// Write a PIPIA, self-assessment, standard contract filing or certification application (zh/en; Markdown,
    /// HTML or PDF).
    Report(cmd::report::ReportArgs),
    /// Write the whole filing package of the processor's pathway into a directory (Chinese; DOCX, PDF and
    /// Markdown; an index with every open item).
    Filing(cmd::filing::FilingArgs),
    /// Check a binding agreement for the clauses the certification requirements expect, or a standard
    /// contract against the official form; fingerprint the form.
    #[command(subcommand)]
    Contract(cmd::contract::ContractCommand),
    /// Run the certification service: JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json), on the
    /// same database as the ledger (--db).
    Serve(cmd::serve::ServeArgs),
    /// Set up the certification service: the first regulator, organisations, users, API tokens.
    #[command(subcommand)]
    Admin(cmd::serve::AdminCommand),
    /// The certification service's audit log.
    #[command(subcommand)]
    Audit(cmd::serve::AuditCommand),
    /// The processes of an Apache Ballista cluster that carry chujing's functions, for counting datasets
    /// past one machine (`ledger ingest --engine ballista://HOST:PORT`; builds with `--features ballista`).
    #[command(subcommand)]
    Engine(cmd::engine::Command),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cmd::package::CompletionsArgs),
    /// Print the manual page chujing(1), or write one page per subcommand into a directory.
    Man(cmd::package::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = store::Db {
        url: &cli.db,
        org: cli.org.as_deref(),
    };
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(args),
        Command::Assess(args) => cmd::assess::run(cli.rules.as_deref(), db, args),
        Command::Rules(c) => cmd::rules::run(cli.rules.as_deref(), c),
        Command::Ledger(c) => {
            cmd::rules::load(cli.rules.as_deref()).and_then(|book| cmd::ledger::run(&book, db, c))
        }
        Command::Flow(c) => cmd::flow::run_flow(db, c),
        Command::Processor(c) => cmd::flow::run_processor(db, c),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Report(args) => cmd::report::run_report(cli.rules.as_deref(), db, args),
        Command::Filing(args) => cmd::filing::run(cli.rules.as_deref(), db, args),
        Command::Contract(c) => cmd::contract::run(cli.rules.as_deref(), db, c),
        Command::Serve(args) => cmd::serve::run_serve(&cli.db, cli.rules.as_deref(), args),
        Command::Admin(c) => cmd::serve::run_admin(&cli.db, c),
        Command::Audit(c) => cmd::serve::run_audit(&cli.db, c),
        Command::Engine(c) => cmd::engine::run(&cli.db, c),
        Command::Completions(args) => cmd::package::completions::<Cli>(&args),
        Command::Man(args) => cmd::package::man::<Cli>(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => output::report_error(&err),
    }
}
