//! `chujing serve`, `chujing admin` and `chujing audit`: the certification service and its administration.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Result;
use chujing_app::certify::{Now, OrgKind, Scope, accounts, secret};
use clap::{Args as ClapArgs, Subcommand};
use tracing_subscriber::filter::{LevelFilter, Targets};

use crate::{clock, store};

/// `chujing serve`.
#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "CHUJING_LISTEN")]
    listen: SocketAddr,
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long)]
    json_logs: bool,
    /// How late, in milliseconds, this server may see what *other* processes change in the database (another
    /// server on the same PostgreSQL, `chujing admin`). The server keeps credentials, the public registry and
    /// the transfer gate's view of each processor while the database's change number stands still, and reads
    /// that number at most this often; its own changes it sees at once. 0 reads it on every request.
    #[arg(
        long,
        default_value_t = 1,
        env = "CHUJING_STALENESS_MS",
        value_name = "MS"
    )]
    staleness_ms: u64,
    /// Serve `/metrics` (Prometheus) to whoever sends `Authorization: Bearer` the token in this file (its
    /// first line; at least 16 characters, e.g. from `openssl rand -hex 32`). Without it `/metrics` is off.
    #[arg(long, env = "CHUJING_METRICS_TOKEN_FILE", value_name = "FILE")]
    metrics_token_file: Option<std::path::PathBuf>,
    /// The CJK font the PDF downloads are typeset with (default: the first of Debian's Noto CJK and
    /// WenQuanYi fonts found). Read when the server starts.
    #[arg(long, env = "CHUJING_PDF_FONT", value_name = "FILE")]
    pdf_font: Option<std::path::PathBuf>,
    /// A reverse proxy in front of this server (repeatable): from its address, the client is the one its
    /// `X-Forwarded-For` names (haproxy `option forwardfor`, nginx `proxy_add_x_forwarded_for`), so that the
    /// login limiter counts each client, not the proxy. From any other address the header is ignored.
    #[arg(
        long = "trusted-proxy",
        value_name = "IP",
        env = "CHUJING_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Anonymous writes (violation reports, by the API or the form) taken from one client address in an
    /// hour (an IPv6 client counts by its /64 network); more answer 429 with `Retry-After`.
    #[arg(long, env = "CHUJING_PUBLIC_WRITES_PER_ADDRESS", value_name = "N", default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..))]
    public_writes_per_address: u32,
    /// Anonymous writes taken from all addresses together in an hour: the most the public can add to the
    /// database, whatever the number of addresses.
    #[arg(long, env = "CHUJING_PUBLIC_WRITES_PER_HOUR", value_name = "N", default_value_t = 500,
        value_parser = clap::value_parser!(u32).range(1..))]
    public_writes_per_hour: u32,
}

/// `chujing admin …`: set up organisations, users and tokens from the machine the database is on.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the first (national) regulator organisation and its first user; prints a one-time password.
    Init {
        /// The regulator's name.
        #[arg(long, default_value = "国家互联网信息办公室")]
        name: String,
        /// The first user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `chujing admin org …`.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organisation; prints its id.
    Add {
        /// processor, recipient, certification_body or regulator.
        #[arg(long)]
        kind: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// A processor's province of registration, or a provincial regulator's province (none: national).
        #[arg(long)]
        province: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List organisations.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `chujing admin user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to an organisation; prints a one-time password, which the user replaces at their first
    /// sign-in.
    Add {
        /// The organisation's id (`chujing admin org list`).
        #[arg(long)]
        org: String,
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Reset a user's password: prints a new one-time password (the user replaces it at their next sign-in)
    /// and ends the user's sessions.
    Reset {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Disable a user: no sign-in, and their sessions and API tokens stop answering at once (they are
    /// revoked).
    Disable {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user again (new sessions and tokens are needed).
    Enable {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
    },
}

/// `chujing admin token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; prints it once (only its hash is stored).
    Create {
        /// The user's e-mail.
        #[arg(long)]
        user: String,
        /// `write` or `read`.
        #[arg(long, default_value = "write")]
        scope: String,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 90)]
        days: u16,
    },
    /// List sessions and API tokens, newest first, by their ids (never the tokens).
    List {
        /// Only this user's.
        #[arg(long)]
        user: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a session or API token by its id (as `list` shows it, at least 8 characters): it stops
    /// answering at once.
    Revoke {
        /// The id.
        id: String,
    },
}

/// `chujing audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain; names the first edited, reordered or deleted entry (exit 6).
    Verify {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn now() -> Now {
    Now::at_instant(clock::instant())
}

/// Logs to standard error, as text or JSON lines, at the levels `CHUJING_LOG` gives (`warn`, or
/// `chujing_server=debug,info`: a default level and TARGET=LEVEL pairs), else at `default`.
pub(crate) fn init_logging(json: bool, default: LevelFilter) -> Result<()> {
    use tracing_subscriber::prelude::*;
    let filter = match std::env::var("CHUJING_LOG") {
        Ok(spec) => spec.parse::<Targets>().map_err(|e| {
            anyhow::anyhow!(
                "CHUJING_LOG={spec:?}: {e}; expected a level (error, warn, info, debug, trace) or \
                 TARGET=LEVEL pairs separated by commas, e.g. `chujing_server=debug,warn`"
            )
        })?,
        Err(_) => Targets::new().with_default(default),
    };
    let logs = tracing_subscriber::registry().with(filter);
    let stderr = std::io::stderr;
    if json {
        logs.with(tracing_subscriber::fmt::layer().json().with_writer(stderr))
            .init();
    } else {
        logs.with(tracing_subscriber::fmt::layer().with_writer(stderr))
            .init();
    }
    Ok(())
}

/// What the server reads once at start: the law (`--rules DIR` or built in), the PDF font, the metrics token.
fn config(rules: Option<&std::path::Path>, args: &ServeArgs) -> Result<chujing_server::Config> {
    let book = crate::cmd::rules::load(rules)?;
    let mut config = chujing_server::Config::new(book, args.pdf_font.as_deref())
        .with_trusted_proxies(args.trusted_proxies.clone())
        .with_public_limits(chujing_server::limiter::PublicLimits {
            per_address: args.public_writes_per_address as usize,
            global: args.public_writes_per_hour as usize,
            ..chujing_server::limiter::PublicLimits::default()
        });
    if let Err(why) = &config.pdf_font {
        eprintln!("chujing serve: PDF downloads are off: {why}");
    }
    if let Some(file) = &args.metrics_token_file {
        let refused = |e: &dyn std::fmt::Display| {
            crate::output::InputProblem(format!("--metrics-token-file {}: {e}", file.display()))
        };
        let text = std::fs::read_to_string(file).map_err(|e| refused(&e))?;
        let first = text.lines().next().unwrap_or_default();
        let token = chujing_server::MetricsToken::new(first).map_err(|e| refused(&e))?;
        config = config.with_metrics_token(token);
    }
    Ok(config)
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run_serve(db: &str, rules: Option<&std::path::Path>, args: ServeArgs) -> Result<ExitCode> {
    init_logging(args.json_logs, LevelFilter::INFO)?;
    let config = config(rules, &args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = store::connect_service(db)
            .await?
            .with_staleness(std::time::Duration::from_millis(args.staleness_ms));
        let key = secret::for_database(db, std::env::var("CHUJING_MASTER_KEY").ok().as_deref())?;
        // Batches recorded over HTTP are hashed under the same ledger key as the command line's.
        let ledger_key = store::ledger_key(db)?;
        let state = chujing_server::AppState::with_config(
            store,
            key,
            &ledger_key,
            chujing_server::Clock::System,
            config,
        );
        chujing_server::serve(state, args.listen, shutdown()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

pub(crate) async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    eprintln!("shutting down: finishing the requests in flight");
}

/// Runs an admin command.
pub fn run_admin(db: &str, c: AdminCommand) -> Result<ExitCode> {
    let rt = store::runtime()?;
    rt.block_on(async {
        let store = store::connect(db).await?;
        let now = now();
        match c {
            AdminCommand::Init { name, email } => {
                let (org, password) = accounts::init(&store, &name, &email, &now).await?;
                println!(
                    "created the regulator `{}` ({}) and its user {email}",
                    org.name, org.id
                );
                println!(
                    "one-time password (shown once; you choose your own at the first sign-in): {password}"
                );
            }
            AdminCommand::Org(OrgCommand::Add {
                kind,
                name,
                province,
                json,
            }) => {
                let org = accounts::add_org(
                    &store,
                    OrgKind::parse(&kind)?,
                    &name,
                    province.as_deref(),
                    "admin",
                    &now,
                )
                .await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&org)?);
                } else {
                    println!("{}", org.id);
                }
            }
            AdminCommand::Org(OrgCommand::List { json }) => {
                let orgs = accounts::orgs(&store, None).await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&orgs)?);
                } else {
                    for o in orgs {
                        println!(
                            "{}\t{}\t{}\t{}",
                            o.id,
                            o.kind.id(),
                            o.province.map_or("-", chujing_law::Province::code),
                            o.name
                        );
                    }
                }
            }
            AdminCommand::User(UserCommand::Add { org, email }) => {
                let (email, password) =
                    accounts::add_user(&store, &org, &email, None, "admin", &now).await?;
                println!("added {email} to {org}");
                println!(
                    "one-time password (shown once): {}",
                    password.unwrap_or_default()
                );
            }
            AdminCommand::User(UserCommand::Reset { email }) => {
                let password = accounts::reset_password(&store, &email, "admin", &now).await?;
                println!("reset the password of {email}; their sessions have ended");
                println!("one-time password (shown once; replaced at the next sign-in): {password}");
            }
            AdminCommand::User(UserCommand::Disable { email }) => {
                let ended = accounts::set_disabled(&store, &email, true, "admin", &now).await?;
                println!("disabled {email}; {ended} sessions and tokens revoked");
            }
            AdminCommand::User(UserCommand::Enable { email }) => {
                accounts::set_disabled(&store, &email, false, "admin", &now).await?;
                println!("enabled {email}; they sign in again with their password");
            }
            AdminCommand::Token(TokenCommand::List { user, json }) => {
                let listed: Vec<accounts::TokenInfo> = accounts::tokens(&store, user.as_deref())
                    .await?
                    .into_iter()
                    .map(|(_, t)| t)
                    .collect();
                if json {
                    println!("{}", serde_json::to_string_pretty(&listed)?);
                } else {
                    for t in &listed {
                        let kind = match t.kind {
                            accounts::CredentialKind::Api => "api",
                            accounts::CredentialKind::Session => "session",
                        };
                        println!("{}  {kind:7}  {:7}  expires {}  {}", t.id, t.state, t.expires_at, t.user);
                    }
                }
            }
            AdminCommand::Token(TokenCommand::Revoke { id }) => {
                let t = accounts::revoke_by_id(&store, &id, None, "admin", &now).await?;
                println!("revoked {} of {}", t.id, t.user);
            }
            AdminCommand::Token(TokenCommand::Create { user, scope, days }) => {
                let scope = match scope.as_str() {
                    "write" => Scope::Write,
                    "read" => Scope::Read,
                    other => anyhow::bail!(chujing_app::AppError::Input(format!(
                        "unknown scope `{other}`: expected write or read"
                    ))),
                };
                let issued =
                    accounts::create_token(&store, &user, scope, days, "admin", &now).await?;
                eprintln!(
                    "token for {user}, expires {} (shown once; only its hash is stored):",
                    issued.expires_at
                );
                println!("{}", issued.token);
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs an audit command.
pub fn run_audit(db: &str, c: AuditCommand) -> Result<ExitCode> {
    let AuditCommand::Verify { json } = c;
    let rt = store::runtime()?;
    rt.block_on(async {
        let store = store::open_existing(db).await?;
        let result = chujing_app::certify::verify_audit(&store).await?;
        let (code, value) = match &result {
            Ok(n) => (
                ExitCode::SUCCESS,
                serde_json::json!({ "ok": true, "entries": n }),
            ),
            Err(b) => (
                ExitCode::from(6),
                serde_json::json!({ "ok": false, "first_bad": b.seq, "reason": b.reason }),
            ),
        };
        if json {
            println!("{}", serde_json::to_string_pretty(&value)?);
        } else {
            match result {
                Ok(n) => println!("ok: the audit log's {n} entries verify"),
                Err(b) => println!("BROKEN: {b}"),
            }
        }
        Ok(code)
    })
}
