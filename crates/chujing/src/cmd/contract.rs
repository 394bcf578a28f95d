//! `chujing contract check` and `chujing contract fingerprint`: an agreement checked for the clauses the
//! certification requirements expect, or a standard contract against the official form.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chujing_docs::contract::{self, ClauseStatus};
use chujing_docs::form_check::Finding;
use chujing_law::{Date, Lang};

use crate::cmd::rules::{load, parse_lang};
use crate::output::{self, InputProblem};

/// Work with binding agreements and the standard contract.
#[derive(Debug, clap::Subcommand)]
pub enum ContractCommand {
    /// Check an agreement against a form.
    ///
    /// `--form certification-agreement` (the default): find, in Chinese or English wording, each clause the
    /// certification requirements expect of the binding agreement (parties, categories and purposes, protective
    /// measures, rules no weaker than PIPL, supervision, PRC law, responsible entity in China, liability,
    /// individuals' rights, onward transfer, retention and deletion), and report each as found (with the
    /// passage), missing, or contradicted (a passage words the clause but says the opposite, e.g. "shall not be
    /// governed by PRC law": review it).
    ///
    /// `--form standard-contract`: compare a standard contract with the official form clause by clause
    /// (第一条 … 第九条 and their items): every item present and unaltered but for its blanks, altered (the
    /// contract's text is shown), or missing, and any item added to the body; Annex II terms that override or
    /// contradict the body; and, with --profile, Annex I's scale, categories and sensitive categories against
    /// the profile, the ledger (--ledger) and a scan (--scan). The form is given by --reference (the official
    /// DOCX or text, or fingerprints made from it by `contract fingerprint`).
    ///
    /// Exit code 4 when a clause is missing, contradicted or altered, or Annex I differs.
    #[command(after_help = "\
Examples:
  chujing contract check agreement.docx
  chujing contract check --form standard-contract --reference 个人信息出境标准合同.docx signed.docx
  chujing contract check --form standard-contract --reference form.toml signed.docx \\
      --profile profile.toml --ledger --scan scan.json")]
    Check(ContractArgs),
    /// Make the fingerprints of a copy of the official standard contract: for each clause its heading, and
    /// for each item hashes of its text between the blanks and a sketch that recognises an edited item. No text
    /// of the form is written. Use the file with `contract check --reference`.
    #[command(after_help = "\
Examples:
  chujing contract fingerprint 个人信息出境标准合同.docx -o standard-contract.toml")]
    Fingerprint(FingerprintArgs),
}

/// The form an agreement is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormArg {
    /// The binding agreement of the certification route: the clauses the certification requirements expect,
    /// found by their wording.
    CertificationAgreement,
    /// The standard contract: the official form, clause by clause and item by item.
    StandardContract,
}

/// Arguments of `contract check`.
#[derive(Debug, clap::Args)]
pub struct ContractArgs {
    /// The agreement: Markdown, plain text or DOCX.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Which form to check it against.
    #[arg(long, value_enum, default_value = "certification-agreement")]
    form: FormArg,
    /// With `--form standard-contract`: the official form to compare with — its DOCX or text as the CAC
    /// published it, or a fingerprint file (.toml) made from it by `contract fingerprint`.
    #[arg(long, value_name = "FILE")]
    reference: Option<PathBuf>,
    /// With `--form standard-contract`: compare Annex I with this profile's transfer to the contract's
    /// recipient.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// With --profile: take the scale from the ledger (--db) instead of the profile.
    #[arg(long, requires = "profile")]
    ledger: bool,
    /// With --profile: compare the categories with a `chujing scan --json` report too.
    #[arg(long, value_name = "FILE", requires = "profile")]
    scan: Option<PathBuf>,
    /// With --profile: the transfer the contract is for (default: the one whose recipient the contract names).
    #[arg(long, value_name = "ID", requires = "profile")]
    flow: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Language of clause names, findings and citations: `en` or `zh`.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    lang: Lang,
    /// The date whose certification standard is cited, or as of which the profile is assessed (default: today
    /// in China).
    #[arg(long, value_name = "DATE", value_parser = Date::parse)]
    as_of: Option<Date>,
}

/// Arguments of `contract fingerprint`.
#[derive(Debug, clap::Args)]
pub struct FingerprintArgs {
    /// A copy of the official standard contract: DOCX, Markdown or plain text.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write here (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `contract check` or `contract fingerprint`.
pub fn run(
    rules: Option<&Path>,
    db: crate::store::Db<'_>,
    command: ContractCommand,
) -> Result<ExitCode> {
    match command {
        ContractCommand::Check(args) => match args.form {
            FormArg::CertificationAgreement => {
                if args.reference.is_some() || args.profile.is_some() {
                    return Err(InputProblem(
                        "--reference and --profile go with --form standard-contract: the certification agreement \
                         has no official form to compare with"
                            .into(),
                    )
                    .into());
                }
                run_agreement(rules, args)
            }
            FormArg::StandardContract => run_standard_contract(rules, db, args),
        },
        ContractCommand::Fingerprint(args) => run_fingerprint(args),
    }
}

fn run_fingerprint(args: FingerprintArgs) -> Result<ExitCode> {
    let form = chujing_app::report::fingerprint_form(&args.file)?;
    let made_from = form
        .made_from
        .clone()
        .unwrap_or_else(|| chujing_law::form::MadeFrom {
            file: String::new(),
            sha256: String::new(),
            verified: false,
        });
    let text = format!(
        "# The standard contract's fingerprints, made by `chujing contract fingerprint` from {} (sha256 {}).\n\
         # No text of the form is kept: headings, item numbers, hashes and sketches only. Set\n\
         # made_from.verified = true once that copy has been compared word for word with the CAC's.\n\n{}",
        made_from.file,
        made_from.sha256,
        form.to_toml()
    );
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("{}: cannot write", path.display()))?,
        None => print!("{text}"),
    }
    let items: usize = form
        .clauses
        .iter()
        .flat_map(|c| &c.items)
        .map(chujing_law::form::FormItem::count)
        .sum();
    eprintln!(
        "fingerprinted {} clauses and {items} numbered items and points of {} (sha256 {})",
        form.clauses.len(),
        made_from.file,
        made_from.sha256
    );
    Ok(ExitCode::SUCCESS)
}

fn run_standard_contract(
    rules: Option<&Path>,
    db: crate::store::Db<'_>,
    args: ContractArgs,
) -> Result<ExitCode> {
    let name = args.file.display().to_string();
    let form = chujing_app::report::standard_contract_form(args.reference.as_deref())?;
    let text = chujing_app::report::agreement_text(&args.file)?;
    let expect = match &args.profile {
        Some(profile) => {
            let book = load(rules)?;
            let prepared = crate::cmd::report::prepare(
                &book,
                profile,
                args.as_of,
                &[],
                args.lang,
                args.ledger.then_some(db),
                args.scan.as_deref(),
            )?;
            let inputs = prepared.inputs();
            let expect = chujing_docs::annex_expectation(&inputs, &text, args.flow.as_deref())
                .map_err(|e| {
                    InputProblem(format!(
                        "{name}: {}: say which transfer it is for with --flow",
                        e.describe(Lang::En)
                    ))
                })?;
            Some(expect)
        }
        None => None,
    };
    let check = chujing_app::report::check_standard_contract(&form, &text, expect, args.lang);
    if args.json {
        output::print_json(&serde_json::json!({
            "file": name,
            "form": "standard-contract",
            "result": check,
        }))?;
    } else {
        print_standard_contract(&name, &check, args.lang);
    }
    Ok(if check.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(4)
    })
}

fn print_standard_contract(
    name: &str,
    check: &chujing_app::report::StandardContractCheck,
    lang: Lang,
) {
    let pick = |en, zh| lang.pick(en, zh);
    let sep = pick("; ", "；");
    let colon = pick(": ", "：");
    println!(
        "{name}{colon}{}{sep}{}",
        check.summary(lang),
        check.reference_line(lang)
    );
    if let Some(line) = check.annex_line(lang) {
        println!("{line}");
    }
    print_filled(check, lang);
    if check.findings.is_empty() {
        println!(
            "{}",
            pick(
                "no finding: the body is the form's with its blanks filled in, Annex II overrides nothing",
                "未发现问题：正文与范本一致（仅填写空白处），附录二未与正文冲突"
            )
        );
        return;
    }
    let mut table = output::table(vec![
        pick("where", "位置"),
        pick("finding", "结果"),
        pick("line", "行"),
        pick("the contract's text", "合同原文"),
        pick("detail", "说明"),
    ]);
    for f in &check.findings {
        table.add_row(finding_row(f, lang));
    }
    println!("{table}");
    println!("{} {}", check.findings.len(), pick("finding(s)", "项问题"));
}

/// The blanks the parties filled in, item by item: the one difference from the form the check lets pass, so
/// a reviewer reads it.
fn print_filled(check: &chujing_app::report::StandardContractCheck, lang: Lang) {
    if check.filled.is_empty() {
        return;
    }
    let pick = |en, zh| lang.pick(en, zh);
    let mut table = output::table(vec![
        pick("blanks filled in", "填写的空白处"),
        pick("line", "行"),
        pick(
            "what was written (white space dropped)",
            "填写内容（已去除空白）",
        ),
    ]);
    for f in &check.filled {
        table.add_row(vec![
            f.place.clone(),
            f.line.to_string(),
            f.fills
                .iter()
                .map(|x| if x.is_empty() { "—" } else { x.as_str() })
                .collect::<Vec<_>>()
                .join(" | "),
        ]);
    }
    println!("{table}");
}

fn finding_row(f: &Finding, lang: Lang) -> Vec<String> {
    vec![
        f.place.clone(),
        f.kind.label(lang).to_string(),
        f.line.map(|l| l.to_string()).unwrap_or_default(),
        f.text.clone().unwrap_or_default(),
        f.detail.clone(),
    ]
}

fn count(results: &[contract::ClauseResult], status: ClauseStatus) -> usize {
    results.iter().filter(|r| r.status == status).count()
}

fn run_agreement(rules: Option<&Path>, args: ContractArgs) -> Result<ExitCode> {
    let name = args.file.display().to_string();
    let as_of = args.as_of.unwrap_or_else(crate::clock::today_in_china);
    let (paragraphs, results) =
        chujing_app::report::check_agreement(&load(rules)?, &args.file, as_of, args.lang)?;
    let missing = count(&results, ClauseStatus::Missing);
    let contradicted = count(&results, ClauseStatus::Contradicted);
    if args.json {
        output::print_json(&serde_json::json!({
            "file": name,
            "paragraphs": paragraphs.len(),
            "clauses": results,
            "missing": missing,
            "contradicted": contradicted,
        }))?;
    } else {
        let pick = |en, zh| args.lang.pick(en, zh);
        let mut table = output::table(vec![
            pick("clause", "条款"),
            pick("result", "结果"),
            pick("where, and the passage", "位置与原文"),
            pick("requirement", "依据"),
        ]);
        for r in &results {
            table.add_row(vec![
                r.name.to_string(),
                match r.status {
                    ClauseStatus::Found => args.lang.pick("found", "已找到"),
                    ClauseStatus::Contradicted => {
                        args.lang.pick("CONTRADICTED: review", "疑似相反，请复核")
                    }
                    ClauseStatus::Missing => args.lang.pick("MISSING", "缺失"),
                }
                .to_string(),
                match (&r.paragraph, &r.contradiction, &r.passage) {
                    (Some(p), Some(text), _) => format!("¶{p}: «{text}»"),
                    (Some(p), None, Some(text)) => format!("¶{p}: {text}"),
                    _ => String::new(),
                },
                r.citation.to_string(),
            ]);
        }
        println!("{name}: {} paragraphs", paragraphs.len());
        println!("{table}");
        if missing + contradicted == 0 {
            println!(
                "{}",
                args.lang
                    .pick("every expected clause was found", "所有应有条款均已找到")
            );
        }
        if missing > 0 {
            println!(
                "{missing} {}",
                args.lang.pick("clause(s) missing", "项条款缺失")
            );
        }
        if contradicted > 0 {
            println!(
                "{contradicted} {}",
                args.lang.pick(
                    "clause(s) worded but contradicted by the passage in «»: a person must review them",
                    "项条款有相反表述（见«»内原文），需人工复核"
                )
            );
        }
    }
    Ok(if missing + contradicted == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(4)
    })
}
