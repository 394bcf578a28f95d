//! `chujing rules list|show|check`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_law::check::check_semantics;
use chujing_law::pack::ItemSpec;
use chujing_law::rulebook::Source;
use chujing_law::{Lang, LawError, RuleBook};
use clap::Subcommand;

use crate::output::{self, InputProblem, bold, dim};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the rule packs: instrument, document, and the dates they are in force.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Language of titles: `en` or `zh`.
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Show one pack: every window, exemption, rule and obligation with its dates and citation.
    Show {
        /// The pack id, as in `chujing rules list`.
        id: String,
        /// Print the pack as JSON.
        #[arg(long)]
        json: bool,
        /// Language of texts: `en` or `zh`.
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Validate a directory of rule packs: schema, citations, overlapping or missing dates, and — across a grid
    /// of facts at every threshold — that every flow is decided, that more individuals, sensitive individuals,
    /// CIIO status or important data never lighten the pathway, and that no exemption covers important data.
    Check {
        /// The directory (default: the packs built into chujing).
        dir: Option<std::path::PathBuf>,
    },
    /// What changed in the law between two dates: windows, exemptions, rules, obligations, open readings and
    /// thresholds that appeared, disappeared or changed, with their citations.
    #[command(
        after_help = "Examples:\n  chujing rules diff 2024-03-21 2024-03-22   # the Provisions 2024\n  \
                            chujing rules diff 2024-12-31 2025-01-01 --lang zh   # the Network Data Regulations"
    )]
    Diff {
        /// The earlier date.
        #[arg(value_parser = chujing_law::Date::parse)]
        from: chujing_law::Date,
        /// The later date.
        #[arg(value_parser = chujing_law::Date::parse)]
        to: chujing_law::Date,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Language of texts: `en` or `zh`.
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
    },
}

pub fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

/// Reads a rules directory: `*.toml` files with a `[pack]` table, and optionally one with `[calendar]`.
pub fn read_dir(dir: &Path) -> Result<(Vec<Source>, Source)> {
    let unreadable = |e: std::io::Error| {
        InputProblem(format!(
            "--rules {}: cannot read the rules directory: {e}; expected a directory of rule packs \
             (*.toml files with a [pack] table)",
            dir.display()
        ))
    };
    let mut entries = Vec::new();
    // An entry that does not read is an error, never a pack silently left out.
    for e in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = e.map_err(unreadable)?.path();
        if path.extension().is_some_and(|x| x == "toml") {
            entries.push(path);
        }
    }
    entries.sort();
    let mut packs = Vec::new();
    let mut calendar = None;
    for path in entries {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.display().to_string();
        if text.lines().any(|l| l.trim() == "[calendar]") {
            if calendar.is_some() {
                return Err(InputProblem(format!(
                    "{name}: a second [calendar] file; keep one per rules directory"
                ))
                .into());
            }
            calendar = Some((name, text));
        } else {
            packs.push((name, text));
        }
    }
    if packs.is_empty() {
        return Err(InputProblem(format!(
            "{}: no rule packs (*.toml files with a [pack] table)",
            dir.display()
        ))
        .into());
    }
    let calendar = calendar.unwrap_or_else(|| RuleBook::embedded_sources().1);
    Ok((packs, calendar))
}

/// The rule book: from `--rules DIR`, or built in.
pub fn load(dir: Option<&Path>) -> Result<RuleBook> {
    match dir {
        Some(dir) => {
            let (packs, calendar) = read_dir(dir)?;
            Ok(RuleBook::from_sources(&packs, &calendar)?)
        }
        None => Ok(RuleBook::embedded()?),
    }
}

pub fn run(rules: Option<&Path>, command: Command) -> Result<ExitCode> {
    match command {
        Command::List { json, lang } => list(&load(rules)?, json, lang),
        Command::Show { id, json, lang } => show(&load(rules)?, &id, json, lang),
        Command::Check { dir } => check(dir.as_deref().or(rules)),
        Command::Diff {
            from,
            to,
            json,
            lang,
        } => diff(&load(rules)?, from, to, json, lang),
    }
}

fn diff(
    book: &RuleBook,
    from: chujing_law::Date,
    to: chujing_law::Date,
    json: bool,
    lang: Lang,
) -> Result<ExitCode> {
    use chujing_law::diff::Change;
    let d = chujing_law::diff::diff(book, from, to, lang)?;
    if json {
        output::print_json(&d)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = anstream::stdout();
    let b = bold();
    writeln!(out, "{b}{from}{b:#}: {}", d.packs_from.join(", "))?;
    writeln!(out, "{b}{to}{b:#}: {}", d.packs_to.join(", "))?;
    if d.changes.is_empty() {
        writeln!(out, "no change in the law between these dates")?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = output::table(vec!["", "kind", "item", "what it says", "citation"]);
    for c in &d.changes {
        t.add_row(vec![
            match c.change {
                Change::Appeared => "+",
                Change::Disappeared => "−",
                Change::Changed => "~",
            }
            .to_string(),
            c.kind.to_string(),
            c.id.clone(),
            c.text.clone(),
            c.citation.clone(),
        ]);
    }
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t.set_width(160);
    writeln!(out, "{t}")?;
    let d = dim();
    writeln!(out, "{d}+ appeared, − disappeared, ~ changed{d:#}")?;
    Ok(ExitCode::SUCCESS)
}

fn list(book: &RuleBook, json: bool, lang: Lang) -> Result<ExitCode> {
    if json {
        let packs: Vec<_> = book
            .packs()
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.meta.id, "title": p.meta.title, "short": p.meta.short, "document": p.meta.document,
                    "issuer": p.meta.issuer, "issued": p.meta.issued, "effective": p.meta.effective,
                    "ends": p.meta.ends, "file": p.file,
                    "rules": p.spec.rule.len(), "exemptions": p.spec.exemption.len(),
                    "obligations": p.spec.obligation.len(), "windows": p.spec.window.len(),
                })
            })
            .collect();
        output::print_json(&packs)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = output::table(match lang {
        Lang::En => vec![
            "id",
            "instrument",
            "document",
            "effective",
            "ends",
            "rules",
            "exemptions",
            "obligations",
        ],
        Lang::Zh => vec!["id", "文件", "文号", "施行", "终止", "规则", "豁免", "义务"],
    });
    for p in book.packs() {
        let m = &p.meta;
        t.add_row(vec![
            m.id.clone(),
            m.title.get(lang).to_string(),
            m.document.get(lang).to_string(),
            m.effective.to_string(),
            m.ends.map_or_else(|| "—".into(), |d| d.to_string()),
            p.spec.rule.len().to_string(),
            p.spec.exemption.len().to_string(),
            p.spec.obligation.len().to_string(),
        ]);
    }
    let mut out = anstream::stdout();
    writeln!(out, "{t}")?;
    Ok(ExitCode::SUCCESS)
}

fn show(book: &RuleBook, id: &str, json: bool, lang: Lang) -> Result<ExitCode> {
    let Some(pack) = book.pack(id) else {
        let known: Vec<&str> = book.packs().iter().map(|p| p.meta.id.as_str()).collect();
        return Err(InputProblem(format!(
            "no rule pack `{id}`; known packs: {}",
            known.join(", ")
        ))
        .into());
    };
    if json {
        output::print_json(&pack.spec)?;
        return Ok(ExitCode::SUCCESS);
    }
    let m = &pack.meta;
    let mut out = anstream::stdout();
    let (b, d) = (bold(), dim());
    writeln!(
        out,
        "{b}{}{b:#} ({})",
        m.title.get(lang),
        m.document.get(lang)
    )?;
    writeln!(
        out,
        "{}: {}",
        lang.pick("issuer", "发布机关"),
        m.issuer.get(lang)
    )?;
    writeln!(
        out,
        "{}: {}  {}: {}  {}: {}",
        lang.pick("issued", "发布"),
        m.issued,
        lang.pick("effective", "施行"),
        m.effective,
        lang.pick("ends", "终止"),
        m.ends.map_or_else(|| "—".into(), |d| d.to_string())
    )?;
    if let Some(src) = &m.source {
        writeln!(out, "{}: {src}", lang.pick("source", "来源"))?;
    }
    if let Some(note) = &m.note {
        writeln!(
            out,
            "{d}{}: {}{d:#}",
            lang.pick("note", "说明"),
            note.get(lang)
        )?;
    }
    let dates = |e: Option<chujing_law::Date>, x: Option<chujing_law::Date>| match (e, x) {
        (None, None) => String::new(),
        (e, x) => format!(
            " [{} → {}]",
            e.unwrap_or(m.effective),
            x.map_or_else(|| "…".into(), |d| d.to_string())
        ),
    };
    let short = m.short.get(lang);
    for w in &pack.spec.window {
        writeln!(
            out,
            "\n{b}window {}{b:#}{}: {} — {} ({short} {})",
            w.id,
            dates(w.effective, w.ends),
            w.kind.id(),
            w.text.get(lang),
            w.article.get(lang)
        )?;
    }
    let items = pack
        .spec
        .exemption
        .iter()
        .map(|e| {
            let automatic = if e.automatic { " (automatic)" } else { "" };
            ("exemption", e as &dyn ItemSpec, automatic.to_string())
        })
        .chain(
            pack.spec
                .rule
                .iter()
                .map(|r| ("rule", r as &dyn ItemSpec, format!(" → {}", r.pathway))),
        )
        .chain(
            pack.spec
                .obligation
                .iter()
                .map(|o| ("obligation", o as &dyn ItemSpec, String::new())),
        )
        .chain(pack.spec.reading.iter().map(|r| {
            let choice = format!(
                " [adopted: {}; --reading {}=alternative: {}]",
                r.adopted.get(lang),
                r.id,
                r.alternative.get(lang)
            );
            ("open reading", r as &dyn ItemSpec, choice)
        }));
    for (kind, item, extra) in items {
        writeln!(
            out,
            "\n{b}{kind} {}{b:#}{}{extra}: {} ({short} {})",
            item.id(),
            dates(item.effective(), item.ends()),
            item.text().get(lang),
            item.article().get(lang)
        )?;
        if let Some(n) = item.note() {
            writeln!(out, "  {d}{}{d:#}", n.get(lang))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(dir: Option<&Path>) -> Result<ExitCode> {
    let (label, book) = match dir {
        Some(dir) => {
            let (packs, calendar) = read_dir(dir)?;
            (
                dir.display().to_string(),
                RuleBook::from_sources(&packs, &calendar),
            )
        }
        None => {
            let (packs, calendar) = RuleBook::embedded_sources();
            (
                "the built-in packs".to_string(),
                RuleBook::from_sources(&packs, &calendar),
            )
        }
    };
    let book = match book {
        Ok(book) => book,
        Err(LawError::Invalid(problems)) => {
            let mut err = anstream::stderr();
            for p in &problems {
                writeln!(err, "{p}")?;
            }
            writeln!(err, "{} problem(s) in {label}", problems.len())?;
            return Ok(ExitCode::from(output::EXIT_INPUT));
        }
        Err(e) => return Err(e.into()),
    };
    let report = check_semantics(&book);
    let mut err = anstream::stderr();
    for p in &report.problems {
        writeln!(err, "{p}")?;
    }
    if !report.problems.is_empty() {
        writeln!(err, "{} problem(s) in {label}", report.problems.len())?;
        return Ok(ExitCode::from(output::EXIT_INPUT));
    }
    let rules: usize = book.packs().iter().map(|p| p.spec.rule.len()).sum();
    writeln!(
        anstream::stdout(),
        "ok: {label}: {} packs, {rules} rules; {} spans of law checked on up to {} fact combinations each (PI always decided, monotone, no exemption for important data)",
        book.packs().len(),
        report.regimes,
        report.cases
    )?;
    Ok(ExitCode::SUCCESS)
}
