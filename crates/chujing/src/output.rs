//! Printing: errors with exit codes, styles that vanish when output is not a terminal, JSON.

use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use chujing_law::{LawError, Pathway};

/// Exit code for bad input.
pub const EXIT_INPUT: u8 = 2;

/// An error the user can fix in their input: printed as is, exit 2.
#[derive(Debug)]
pub struct InputProblem(pub String);

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputProblem {}

/// Prints an error chain and picks the exit code: 2 for input problems, 0 for a closed pipe, 1 otherwise.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    // A reader that closed the pipe (`| head`) ended the output normally; serde_json wraps the write error.
    let broken_pipe = |e: &(dyn std::error::Error + 'static)| {
        e.downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                e.downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            })
            == Some(std::io::ErrorKind::BrokenPipe)
    };
    if err.chain().any(broken_pipe) {
        return ExitCode::SUCCESS;
    }
    let input = err.chain().any(|e| {
        e.downcast_ref::<InputProblem>().is_some()
            || e.downcast_ref::<chujing_app::AppError>().is_some_and(|a| {
                a.kind() == chujing_app::ErrorKind::Input
                    || matches!(a, chujing_app::AppError::FactsMissing(_))
            })
            || e.downcast_ref::<chujing_records::RecordsError>().is_some()
            || matches!(
                e.downcast_ref::<LawError>(),
                Some(
                    LawError::Input(_)
                        | LawError::Invalid(_)
                        | LawError::NoRegime { .. }
                        | LawError::Undecided { .. }
                )
            )
    });
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let mut stderr = anstream::stderr();
    let _ = write!(stderr, "{red}error{red:#}: {err}");
    // Errors often repeat their source's words in their own ("database error: pool timed out", then the
    // source "pool timed out"): each cause is shown once, where it first appears.
    let mut said = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !said.contains(&text) {
            let _ = write!(stderr, "\n  caused by: {text}");
            said.push_str(&text);
        }
    }
    let _ = writeln!(stderr);
    if let Some(chujing_app::AppError::FactsMissing(facts)) = err
        .chain()
        .find_map(|e| e.downcast_ref::<chujing_app::AppError>())
    {
        let flags: Vec<String> = facts
            .iter()
            .map(|f| format!("--{} …", f.id().replace('_', "-")))
            .collect();
        let _ = writeln!(
            stderr,
            "  record them first: chujing processor set {}",
            flags.join(" ")
        );
    }
    ExitCode::from(if input { EXIT_INPUT } else { 1 })
}

/// The style of a pathway: heavier is louder.
pub fn pathway_style(p: Pathway) -> Style {
    let color = match p {
        Pathway::NotApplicable => AnsiColor::BrightBlack,
        Pathway::Exempt => AnsiColor::Green,
        Pathway::StandardContractOrCertification | Pathway::Certification => AnsiColor::Yellow,
        Pathway::SecurityAssessment => AnsiColor::Red,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// Bold.
pub fn bold() -> Style {
    Style::new().bold()
}

/// Dimmed.
pub fn dim() -> Style {
    Style::new().dimmed()
}

/// Writes a value as pretty JSON to stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// A progress bar over `len` bytes on standard error, hidden when `quiet` or when standard error is not a
/// terminal.
pub fn byte_progress(len: u64, message: &str, quiet: bool) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

/// A spinner with `message` on standard error for work of unknown length (an engine's query), ticking on its
/// own; hidden when `quiet` or when standard error is not a terminal.
pub fn spinner(message: &str, quiet: bool) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A table with the project's look.
pub fn table(header: Vec<&str>) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(header);
    t
}
