//! `chujing completions` and `chujing man`: shell completions and manual pages generated from the command-line
//! definition itself, so that they never drift from `--help` (the Debian package ships both).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;

/// `chujing completions SHELL`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  chujing completions bash > ~/.local/share/bash-completion/completions/chujing
  chujing completions zsh > \"${fpath[1]}/_chujing\"
  chujing completions fish > ~/.config/fish/completions/chujing.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// `chujing man [--dir DIR]`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  chujing man | man -l -                 # read chujing(1) now
  chujing man --dir /usr/local/share/man/man1   # chujing.1 and one page per subcommand")]
pub struct ManArgs {
    /// Write chujing.1 and a page for every subcommand (chujing-ledger-ingest.1, …) into this directory
    /// instead of printing chujing.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints the completion script for `args.shell`.
pub fn completions<C: CommandFactory>(args: &CompletionsArgs) -> Result<ExitCode> {
    let mut cmd = C::command();
    clap_complete::generate(args.shell, &mut cmd, "chujing", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// Prints chujing.1, or writes every page into `args.dir`.
pub fn man<C: CommandFactory>(args: &ManArgs) -> Result<ExitCode> {
    let cmd = C::command();
    match &args.dir {
        None => clap_mangen::Man::new(cmd)
            .render(&mut std::io::stdout())
            .context("writing the manual page")?,
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("writing the manual pages into {}", dir.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
