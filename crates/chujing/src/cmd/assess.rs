//! `chujing assess FILE`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use chujing_law::assess::{Assessment, StepKind};
use chujing_law::explain::number;
use chujing_law::profile::ReadingChoice;
use chujing_law::{Date, Lang, Profile};

use crate::clock;
use crate::cmd::rules::{load, parse_lang};
use crate::output::{self, bold, dim, pathway_style};

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
    /// Decide an open question of law the other way: `ID=alternative` (or `ID=adopted`), e.g.
    /// `exempted-transfers-counted=alternative`; `chujing rules show PACK` lists the readings. Repeatable;
    /// overrides the profile's `[readings]`.
    #[arg(long, value_name = "ID=CHOICE", value_parser = parse_reading)]
    pub reading: Vec<(String, ReadingChoice)>,
}

/// `ID=adopted|alternative`.
pub fn parse_reading(s: &str) -> Result<(String, ReadingChoice), String> {
    let (id, choice) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected ID=adopted or ID=alternative"))?;
    let choice = match choice {
        "adopted" => ReadingChoice::Adopted,
        "alternative" => ReadingChoice::Alternative,
        other => return Err(format!("`{other}`: expected `adopted` or `alternative`")),
    };
    Ok((id.to_string(), choice))
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

/// Reads the profile at `path` and the date to assess it as of (`as_of`, else the profile's, else today), with
/// the readings chosen on the command line.
pub(crate) fn read_profile(
    path: &Path,
    as_of: Option<Date>,
    readings: &[(String, ReadingChoice)],
) -> Result<(Profile, Date)> {
    let (mut profile, as_of) =
        chujing_app::assess::read_profile(path, as_of, clock::today_in_china())?;
    profile.readings.extend(readings.iter().cloned());
    Ok((profile, as_of))
}

pub fn run(rules: Option<&Path>, db: crate::store::Db<'_>, args: Args) -> Result<ExitCode> {
    let book = load(rules)?;
    let (profile, as_of) = read_profile(&args.file, args.as_of, &args.reading)?;
    let assessed = assess_with(&book, &profile, as_of, args.lang, args.ledger.then_some(db))?;
    let assessment = assessed.assessment;
    if args.json {
        output::print_json(&assessment)?;
    } else {
        print_human(&assessment, args.verbose)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Assesses `profile`, with the ledger of the processor `ledger` names when given (opened, closed after).
pub fn assess_with(
    book: &chujing_law::RuleBook,
    profile: &Profile,
    as_of: Date,
    lang: Lang,
    ledger: Option<crate::store::Db<'_>>,
) -> Result<chujing_app::assess::Assessed> {
    crate::store::runtime()?.block_on(async {
        let Some(db) = ledger else {
            let none: Option<&chujing_store::Store> = None;
            return anyhow::Ok(
                chujing_app::assess::assess(book, profile, as_of, lang, none).await?,
            );
        };
        let store = crate::store::open_existing(db.url).await?;
        let (_, processor) = crate::store::processor_ledger(&store, db.org, None).await?;
        let a = chujing_app::assess::assess(book, profile, as_of, lang, Some(&processor)).await;
        store.close().await;
        anyhow::Ok(a?)
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
    if !a.open_readings.is_empty() {
        writeln!(
            out,
            "\n{b}{}{b:#}",
            l("If the law is read the other way", "如果按另一种理解")
        )?;
        for r in &a.open_readings {
            let ps = pathway_style(r.alternative_pathway);
            writeln!(out, "  ? {} {d}({}){d:#}", r.question, r.citation)?;
            writeln!(out, "    {}{}", l("adopted: ", "采用："), r.adopted)?;
            writeln!(
                out,
                "    {}{}{}{ps}{}{ps:#}",
                l("if instead ", "如果改为"),
                r.alternative,
                l(" — ", "——"),
                chujing_law::explain::reading_outcome(r, a.pathway, lang)
            )?;
            if let Some(why) = &r.why {
                writeln!(out, "    {d}{why}{d:#}")?;
            }
        }
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
