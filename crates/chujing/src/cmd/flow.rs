//! `chujing flow set|list` and `chujing processor set|show`: what the ledger knows about flows and the
//! processor, for deciding pathways from counts.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use chujing_app::settings::{self, Change, FlowChange, ProcessorChange};
use chujing_law::Date;
use chujing_ledger::LedgerStore;

use crate::output;
use crate::store as db;

#[derive(Debug, clap::Subcommand)]
pub enum FlowCommand {
    /// Record a flow's mechanism, exemption or important-data status (other settings are kept).
    Set(FlowSetArgs),
    /// List the flows the ledger knows.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct FlowSetArgs {
    /// The flow id, as used in `ledger ingest --flow`.
    pub id: String,
    /// The recipient abroad (as a certificate's scope names it).
    #[arg(long, value_name = "NAME")]
    pub recipient: Option<String>,
    /// The recipient's country or region (ISO 3166-1 alpha-2; Hong Kong HK, Macao MO, Taiwan TW).
    #[arg(long, value_name = "CODE", value_parser = parse_country)]
    pub country: Option<chujing_law::CountryCode>,
    /// The mechanism obtained: standard_contract, certification or security_assessment (with --since), or
    /// `none` to clear it.
    #[arg(long, value_name = "KIND")]
    pub mechanism: Option<String>,
    /// The day the mechanism took effect (contract effective, result or certificate issued).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<Date>,
    /// Its last valid day, if known (otherwise computed from the law).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<Date>,
    /// The exemption claimed for the flow (`none` clears it), e.g. hr_management.
    #[arg(long, value_name = "EXEMPTION")]
    pub exemption: Option<String>,
    /// Whether the flow carries important data.
    #[arg(long, value_name = "BOOL")]
    pub important_data: Option<bool>,
}

#[derive(Debug, clap::Subcommand)]
pub enum ProcessorCommand {
    /// Record who the processor is.
    Set {
        /// Legal name.
        #[arg(long)]
        name: Option<String>,
        /// Critical information infrastructure operator.
        #[arg(long, value_name = "BOOL")]
        ciio: Option<bool>,
        /// Located in mainland China (false for a processor abroad under PIPL Art. 3(2)).
        #[arg(long, value_name = "BOOL")]
        located_in_china: Option<bool>,
        /// All individuals whose PI it processes (`none` clears it); the rules of 2022–2024 test it.
        #[arg(long, value_name = "N|none", value_parser = parse_count_change)]
        individuals_processed: Option<Change<u64>>,
        /// The province where it is registered (`none` clears it).
        #[arg(long, value_name = "PROVINCE|none", value_parser = parse_text_change)]
        province: Option<Change<String>>,
        /// Its representative or designated body in China, for a processor abroad (`none` clears it).
        #[arg(long, value_name = "NAME|none", value_parser = parse_text_change)]
        representative_in_china: Option<Change<String>>,
    },
    /// Show the processor's settings.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

fn parse_country(s: &str) -> Result<chujing_law::CountryCode, String> {
    chujing_law::CountryCode::parse(s)
}

fn parse_count_change(s: &str) -> Result<Change<u64>, String> {
    if s == "none" {
        return Ok(Change::Clear);
    }
    s.replace(['_', ','], "")
        .parse()
        .map(Change::Set)
        .map_err(|_| format!("`{s}`: expected a number of individuals, or none"))
}

fn parse_text_change(s: &str) -> Result<Change<String>, String> {
    Ok(if s == "none" {
        Change::Clear
    } else {
        Change::Set(s.to_string())
    })
}

pub fn run_flow(at: db::Db<'_>, command: FlowCommand) -> Result<ExitCode> {
    db::runtime()?.block_on(async {
        let database = match command {
            FlowCommand::Set(_) => db::connect(at.url).await?,
            FlowCommand::List { .. } => db::open_existing(at.url).await?,
        };
        let create = matches!(command, FlowCommand::Set(_))
            .then(|| (at.org.unwrap_or(chujing_app::org::UNNAMED), None));
        let (_, store) = db::processor_ledger(&database, at.org, create).await?;
        match command {
            FlowCommand::Set(args) => {
                // Where the flow goes first (the same use case as `PUT /api/v1/flows`), then what the ledger
                // decides by.
                if args.recipient.is_some() || args.country.is_some() {
                    let now = chujing_app::certify::Now::at_instant(crate::clock::instant());
                    let patch = chujing_app::certify::flows::FlowPatch {
                        recipient: args.recipient.clone(),
                        country: args.country,
                        ..Default::default()
                    };
                    chujing_app::certify::flows::patch(
                        store.store(),
                        store.actor(),
                        &args.id,
                        patch,
                        &now,
                    )
                    .await?;
                    if args.mechanism.is_none()
                        && args.exemption.is_none()
                        && args.important_data.is_none()
                    {
                        writeln!(anstream::stdout(), "flow `{}` recorded", args.id)?;
                        database.close().await;
                        return Ok(ExitCode::SUCCESS);
                    }
                }
                let change = FlowChange {
                    mechanism: args
                        .mechanism
                        .as_deref()
                        .map(|m| settings::mechanism(m, args.since, args.until))
                        .transpose()?,
                    exemption: args
                        .exemption
                        .as_deref()
                        .map(settings::exemption)
                        .transpose()?,
                    important_data: args.important_data,
                };
                let set =
                    settings::set_flow(&store, &args.id, change, crate::clock::today_in_china())
                        .await?;
                for notice in &set.notices {
                    eprintln!("warning: {notice}");
                }
                writeln!(anstream::stdout(), "flow `{}` recorded", set.flow.id)?;
            }
            FlowCommand::List { json } => {
                // The one home of flows: the records the service lists too.
                let own = chujing_store::records::Filter {
                    org: Some(&store.actor().org.id),
                    ..Default::default()
                };
                let flows = chujing_app::certify::flows::list(store.store(), &own).await?;
                if json {
                    output::print_json(&flows)?;
                } else {
                    let mut t = output::table(vec![
                        "flow",
                        "recipient",
                        "country",
                        "mechanism",
                        "since",
                        "until",
                        "exemption",
                        "important data",
                    ]);
                    let dash = || "—".to_string();
                    for f in &flows {
                        let m = f.mechanism.as_ref();
                        t.add_row(vec![
                            f.id.clone(),
                            Some(f.recipient.clone())
                                .filter(|r| !r.is_empty())
                                .unwrap_or_else(dash),
                            f.country.map_or_else(dash, |c| c.to_string()),
                            m.map_or_else(dash, |m| {
                                m.certificate
                                    .clone()
                                    .unwrap_or_else(|| m.kind.id().to_string())
                            }),
                            m.and_then(|m| m.since).map_or_else(dash, |d| d.to_string()),
                            m.and_then(|m| m.until).map_or_else(dash, |d| d.to_string()),
                            f.exemption.map_or_else(dash, |e| e.id().to_string()),
                            f.important_data.to_string(),
                        ]);
                    }
                    writeln!(anstream::stdout(), "{t}")?;
                }
            }
        }
        database.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

pub fn run_processor(at: db::Db<'_>, command: ProcessorCommand) -> Result<ExitCode> {
    db::runtime()?.block_on(async {
        let database = match command {
            ProcessorCommand::Set { .. } => db::connect(at.url).await?,
            ProcessorCommand::Show { .. } => db::open_existing(at.url).await?,
        };
        // `processor set --name NAME` makes the organisation on a database that has none.
        let create = match &command {
            ProcessorCommand::Set { name: Some(n), province, .. } => {
                let province = match province {
                    Some(Change::Set(p)) => Some(p.as_str()),
                    _ => None,
                };
                Some((n.as_str(), province))
            }
            _ => None,
        };
        let (mut org, store) = db::processor_ledger(&database, at.org, create).await?;
        let now = chujing_app::certify::Now::at_instant(crate::clock::instant());
        if let Some((name, _)) = create.filter(|_| org.name == chujing_app::org::UNNAMED) {
            org = chujing_app::certify::accounts::rename_org(&database, &org.id, name, &db::operator_label(), &now)
                .await?;
        }
        match command {
            ProcessorCommand::Set {
                name,
                ciio,
                located_in_china,
                individuals_processed,
                province,
                representative_in_china,
            } => {
                let change = ProcessorChange {
                    name,
                    ciio,
                    located_in_china,
                    individuals_processed,
                    province,
                    representative_in_china,
                };
                // The service's use case: the same checks (a flow of processing abroad needs a processor
                // abroad) and the same audit entry.
                let actor = chujing_app::org::operator(org.clone(), &db::operator_label());
                let p = chujing_app::certify::processor::change(&database, &actor, change, &now).await?;
                writeln!(
                    anstream::stdout(),
                    "processor `{}` recorded (organisation {})",
                    p.facts.name, org.id
                )?;
            }
            ProcessorCommand::Show { json } => {
                let recorded = store.processor().await?;
                let p = recorded.clone().unwrap_or_default();
                if json {
                    let mut v = serde_json::to_value(&p)?;
                    if let Some(o) = v.as_object_mut() {
                        o.insert("recorded".into(), recorded.is_some().into());
                    }
                    output::print_json(&v)?;
                } else if recorded.is_none() {
                    writeln!(
                        anstream::stdout(),
                        "no processor recorded: the gate (`ledger check`) refuses until it is (`chujing processor set --ciio BOOL --located-in-china BOOL`)"
                    )?;
                } else {
                    writeln!(
                        anstream::stdout(),
                        "{} (CIIO: {}, located in China: {}, individuals processed: {}, province: {}, representative \
                         in China: {})",
                        p.name,
                        p.ciio,
                        p.located_in_china,
                        p.individuals_processed
                            .map_or("not recorded".into(), |n| n.to_string()),
                        p.province.as_deref().unwrap_or("not recorded"),
                        p.representative_in_china.as_deref().unwrap_or("—"),
                    )?;
                }
            }
        }
        database.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
