//! `chujing`: the command line of the cross-border personal-information engine. Thin: it parses arguments,
//! reads files, calls the domain crates and prints.
//!
//! Exit codes: 0 success; 2 bad input or usage (the message names file, line and field); 1 any other failure.

mod clock;
mod cmd;
mod output;

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

Exit codes: 0 success, 2 bad input (file, line and field are named), 1 other failure."
)]
struct Cli {
    /// Load rule packs from this directory instead of the ones built in (every *.toml with a `[pack]` table;
    /// a file with a `[calendar]` table replaces the holiday calendar).
    #[arg(long, global = true, value_name = "DIR", env = "CHUJING_RULES")]
    rules: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide the pathway of every flow in a profile, and of the processor, as of a date.
    Assess(cmd::assess::Args),
    /// List, show and check rule packs (the law as versioned data).
    #[command(subcommand)]
    Rules(cmd::rules::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Assess(args) => cmd::assess::run(cli.rules.as_deref(), args),
        Command::Rules(c) => cmd::rules::run(cli.rules.as_deref(), c),
    };
    match result {
        Ok(code) => code,
        Err(err) => output::report_error(&err),
    }
}
