//! `chujing assess FILE`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_law::assess::assess_with_totals;
use chujing_law::assess::{Assessment, StepKind};
use chujing_law::explain::number;
use chujing_law::profile::Totals;
use chujing_law::{Date, Lang, Profile, RuleBook};
use chujing_ledger::{BatchRef, count_window};

use crate::clock;
use crate::cmd::rules::{load, parse_lang};
use crate::output::{self, InputProblem, bold, dim, pathway_style};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The profile (TOML or JSON) describes the processor and each cross-border flow; see \
examples/ for complete ones. Counts are distinct individuals in the counting window; [totals] gives \
processor-wide distinct counts (without it, counted flows are summed, which may over-count).\n\n\
The date decided as of is --as-of, else the profile's `as_of`, else today in China.\n\n\
Exit codes: 0 success, 2 bad input (the file, line and field are named), 1 other failure."
)]
pub struct Args {
    /// The profile: TOML, or JSON when the name ends in .json.
    pub file: PathBuf,
    /// Decide as of this date (YYYY-MM-DD); the law in force that day applies.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Language of explanations: `en` or `zh`.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    pub lang: Lang,
    /// Take the processor-wide totals from the ledger (`--db`) instead of the profile's [totals].
    #[arg(long)]
    pub ledger: bool,
    /// Show every rule that fired, including those displaced or outweighed (JSON always has them all).
    #[arg(long, short)]
    pub verbose: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

/// Reads and parses the profile at `path`, and the date to assess it as of: `as_of` if given, else the
/// profile's own `as_of`, else today in China.
pub(crate) fn read_profile(path: &Path, as_of: Option<Date>) -> Result<(Profile, Date)> {
    let name = path.display().to_string();
    let src = std::fs::read_to_string(path)
        .map_err(|e| InputProblem(format!("{name}: cannot read the profile: {e}")))
        .context("reading the profile")?;
    let profile = Profile::parse(&name, &src)?;
    let as_of = as_of
        .or(profile.as_of)
        .unwrap_or_else(clock::today_in_china);
    Ok((profile, as_of))
}

pub fn run(rules: Option<&Path>, db_url: &str, args: Args) -> Result<ExitCode> {
    let book = load(rules)?;
    let (profile, as_of) = read_profile(&args.file, args.as_of)?;
    let totals = if args.ledger {
        Some(ledger_totals(&book, db_url, as_of)?)
    } else {
        None
    };
    let assessment = assess_with_totals(&book, &profile, as_of, args.lang, totals)?;
    if args.json {
        output::print_json(&assessment)?;
    } else {
        print_human(&assessment, args.verbose)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The ledger's distinct counts in the window in force on `as_of`.
fn ledger_totals(book: &RuleBook, url: &str, as_of: Date) -> Result<Totals> {
    ledger_figures(book, url, as_of).map(|(totals, _)| totals)
}

/// The ledger's distinct counts in the window in force on `as_of`, and the window's figures for reports:
/// distinct individuals per month of transfer, over the flows the window counts.
pub(crate) fn ledger_figures(
    book: &RuleBook,
    url: &str,
    as_of: Date,
) -> Result<(Totals, Option<chujing_docs::LedgerFigures>)> {
    crate::db::runtime()?.block_on(async {
        let store = crate::db::connect(url).await?;
        let (p, flows, batches) = crate::cmd::ledger::load(book, &store, as_of).await?;
        store.close().await;
        let refs: Vec<BatchRef<'_>> = batches.iter().map(|b| b.as_batch_ref()).collect();
        let window = count_window(book, as_of, p.ciio, p.located_in_china, &flows, &refs)?;
        let totals = Totals {
            individuals: window.as_ref().map_or(0, |w| w.individuals),
            sensitive_individuals: window.as_ref().map_or(0, |w| w.sensitive_individuals),
        };
        let figures = window.map(|w| {
            let mut months: std::collections::BTreeMap<String, Vec<&[u128]>> = Default::default();
            for b in refs.iter().filter(|b| {
                b.date >= w.from
                    && b.date <= w.to
                    && !w.excluded_flows.iter().any(|f| f == b.flow_id)
            }) {
                let month = b.date.to_string().get(..7).unwrap_or_default().to_string();
                months.entry(month).or_default().push(b.subjects);
            }
            chujing_docs::LedgerFigures {
                from: w.from,
                to: w.to,
                individuals: w.individuals,
                sensitive_individuals: w.sensitive_individuals,
                by_month: months
                    .into_iter()
                    .map(|(m, runs)| (m, chujing_ledger::count_union(&runs)))
                    .collect(),
            }
        });
        Ok((totals, figures))
    })
}

fn print_human(a: &Assessment, verbose: bool) -> Result<()> {
    let lang = a.lang;
    let mut out = anstream::stdout();
    let (b, d) = (bold(), dim());
    let l = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    writeln!(
        out,
        "{b}{}{b:#} — {} {}",
        a.processor.name,
        l("assessed as of", "评估基准日"),
        a.as_of
    )?;
    for step in a.trace.iter().filter(|s| {
        matches!(
            s.step,
            StepKind::Regime | StepKind::Window | StepKind::Totals
        )
    }) {
        match &step.citation {
            Some(c) => writeln!(out, "{d}·{d:#} {} ({c})", step.text)?,
            None => writeln!(out, "{d}·{d:#} {}", step.text)?,
        }
    }
    writeln!(out)?;
    let mut t = output::table(match lang {
        Lang::En => vec![
            "flow",
            "recipient",
            "country",
            "kind",
            "individuals",
            "sensitive",
            "pathway",
            "exemption",
        ],
        Lang::Zh => vec![
            "数据流",
            "接收方",
            "国家/地区",
            "方式",
            "人数",
            "敏感人数",
            "出境路径",
            "豁免",
        ],
    });
    for f in &a.flows {
        t.add_row(vec![
            f.id.clone(),
            f.recipient.clone(),
            f.country.clone(),
            f.kind.id().to_string(),
            number(f.individuals),
            number(f.sensitive_individuals),
            f.pathway.label(lang).to_string(),
            f.exemption
                .map_or_else(|| "—".into(), |e| e.id().to_string()),
        ]);
    }
    writeln!(out, "{t}")?;
    let ps = pathway_style(a.pathway);
    writeln!(
        out,
        "\n{b}{}{b:#} {ps}{}{ps:#}",
        l("Processor pathway:", "处理者出境路径："),
        a.pathway.label(lang).to_uppercase()
    )?;

    writeln!(out, "\n{b}{}{b:#}", l("Why", "理由"))?;
    for f in &a.flows {
        let ps = pathway_style(f.pathway);
        writeln!(
            out,
            "  {b}{}{b:#} → {ps}{}{ps:#}",
            f.id,
            f.pathway.label(lang)
        )?;
        let shown = |s: &&chujing_law::assess::Step| match s.step {
            StepKind::Result => false,
            StepKind::Overridden | StepKind::Outweighed => verbose,
            _ => true,
        };
        for s in f.trace.iter().filter(shown) {
            let mark = match s.step {
                StepKind::Fired | StepKind::ExemptionApplied | StepKind::NotApplicable => "✓",
                StepKind::Overridden | StepKind::Outweighed => "↷",
                StepKind::ExemptionRejected => "✗",
                _ => "·",
            };
            match &s.citation {
                Some(c) => writeln!(out, "    {mark} {} {d}({c}){d:#}", s.text)?,
                None => writeln!(out, "    {mark} {}", s.text)?,
            }
        }
    }
    if !a.obligations.is_empty() {
        writeln!(out, "\n{b}{}{b:#}", l("Obligations", "义务"))?;
        let mut t = output::table(match lang {
            Lang::En => vec!["duty", "flows", "due", "citation"],
            Lang::Zh => vec!["义务", "数据流", "期限", "依据"],
        });
        for o in &a.obligations {
            let text = match o.mechanism {
                Some(m) => format!("[{}] {}", chujing_law::explain::mechanism(m, lang), o.text),
                None => o.text.clone(),
            };
            t.add_row(vec![
                text,
                o.flows.join(", "),
                o.due_text.clone(),
                o.citation.clone(),
            ]);
        }
        t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
        t.set_width(140);
        writeln!(out, "{t}")?;
    }
    if !a.warnings.is_empty() {
        let y = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
            .bold();
        writeln!(out, "\n{y}{}{y:#}", l("Warnings", "提示"))?;
        for w in &a.warnings {
            writeln!(out, "  ! {w}")?;
        }
    }
    Ok(())
}
