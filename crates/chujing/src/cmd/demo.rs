//! `chujing demo`: the service on SQLite with realistic generated data, one sign-in per role.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chujing_app::certify::{Now, secret};
use chujing_server::demo::{self, SignIn};
use clap::Args as ClapArgs;

use crate::{clock, store};

/// The agreement the demo's applicants and filing send: the example binding agreement.
const AGREEMENT: &str = include_str!("../../../../examples/data/agreement.md");

/// `chujing demo`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  chujing demo                      # set up ./chujing-demo/ (or reuse it) and serve it
  chujing demo --reset              # throw the demo's records away and generate them again
  chujing demo --listen 0.0.0.0:9000
  chujing demo --seed-only --json   # set up, print the sign-ins as JSON, do not serve

The demo is a SQLite database in its own directory: a processor with three flows and a month of transfer
batches past the 100,000 individuals of the contract band, a scan, an application part way through review, a
granted and a suspended certificate, a standard contract filing returned for correction and two public
reports. Everything is written through the service's API, as a user would. Ctrl-C stops the server; a second
run serves the same records unless --reset is given.")]
pub struct DemoArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "CHUJING_LISTEN")]
    listen: SocketAddr,
    /// The demo's directory: its database, keys, sign-ins and generated files.
    #[arg(long, default_value = "chujing-demo")]
    dir: PathBuf,
    /// Generate the demo again from scratch, throwing its earlier records away.
    #[arg(long)]
    reset: bool,
    /// Set up the demo and exit without serving it.
    #[arg(long)]
    seed_only: bool,
    /// Print the address and sign-ins as JSON.
    #[arg(long)]
    json: bool,
}

/// The files of the demo in its directory.
struct Layout {
    db: PathBuf,
    sign_ins: PathBuf,
    customers: PathBuf,
}

impl Layout {
    fn of(dir: &Path) -> Layout {
        Layout {
            db: dir.join("demo.db"),
            sign_ins: dir.join("sign-ins.json"),
            customers: dir.join("customers.csv"),
        }
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.db.display())
    }
}

/// Runs `chujing demo`.
pub fn run(args: DemoArgs) -> Result<ExitCode> {
    // Warnings and errors only: the request log would bury the sign-ins (CHUJING_LOG=info shows it).
    super::serve::init_logging(false, tracing_subscriber::filter::LevelFilter::WARN)?;
    let layout = Layout::of(&args.dir);
    let fresh = prepare(&args, &layout)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let url = layout.url();
        let store = store::connect_service(&url).await?;
        let key = secret::for_database(&url, None)?;
        let ledger_key = store::ledger_key(&url)?;
        let state =
            chujing_server::AppState::new(store, key, &ledger_key, chujing_server::Clock::System)?;
        let sign_ins = if fresh {
            eprintln!("generating the demo in {} …", args.dir.display());
            let sign_ins = seed(&state, &layout).await?;
            write_sign_ins(&layout.sign_ins, &sign_ins)?;
            sign_ins
        } else {
            eprintln!(
                "reusing the demo in {} (--reset generates it again)",
                args.dir.display()
            );
            read_sign_ins(&layout.sign_ins)?
        };
        print_welcome(&args, &sign_ins)?;
        if args.seed_only {
            return Ok(ExitCode::SUCCESS);
        }
        chujing_server::serve(state, args.listen, super::serve::shutdown()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Clears the directory for `--reset`; returns whether the demo must be generated.
fn prepare(args: &DemoArgs, layout: &Layout) -> Result<bool> {
    let exists = layout.db.exists();
    if exists && !args.reset {
        if !layout.sign_ins.exists() {
            bail!(
                "{} holds a demo database but not its sign-ins ({}): run `chujing demo --reset` to generate it again",
                args.dir.display(),
                layout.sign_ins.display()
            );
        }
        return Ok(false);
    }
    if args.reset && args.dir.exists() {
        // Only the demo's own files: the directory may be one the user chose and holds other things.
        for entry in std::fs::read_dir(&args.dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with("demo.db") || matches!(name, "sign-ins.json" | "customers.csv") {
                std::fs::remove_file(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating the demo's directory {}", args.dir.display()))?;
    Ok(true)
}

/// Generates the customer file, scans it and writes every record through the API.
async fn seed(state: &chujing_server::AppState, layout: &Layout) -> Result<Vec<SignIn>> {
    let now = Now::at_instant(clock::instant());
    std::fs::write(&layout.customers, customers(2_000))
        .with_context(|| format!("writing {}", layout.customers.display()))?;
    let report = chujing_app::scan::report(
        std::slice::from_ref(&layout.customers),
        Some("member_id".into()),
        now.today,
    )?;
    let scan = serde_json::to_string(&report)?;
    demo::seed(state, &state.book, AGREEMENT, &scan, &now)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))
}

/// A customer file of `n` members: name, resident ID (with its check digit), mobile, city and a health note
/// for some (sensitive PI).
fn customers(n: u32) -> String {
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
    const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳"];
    const CITIES: [&str; 4] = ["上海", "杭州", "苏州", "南京"];
    const NOTES: [&str; 3] = ["高血压", "二型糖尿病", "哮喘"];
    let mut out = String::from("member_id,name,id_number,mobile,city,health_note\n");
    for i in 0..n {
        let pick = |list: &[&'static str], k: u32| -> &'static str {
            list.get(usize::try_from(k).unwrap_or(0) % list.len())
                .copied()
                .unwrap_or("")
        };
        let name = format!("{}{}", pick(&SURNAMES, i), pick(&GIVEN, i / 8));
        let birth = format!("19{:02}{:02}{:02}", 60 + i % 40, 1 + i % 12, 1 + i % 28);
        let id = resident_id(&format!("310101{birth}{:03}", i % 1000));
        let mobile = format!("13{:09}", 800_000_000 + u64::from(i) * 7);
        let note = if i % 5 == 0 { pick(&NOTES, i / 5) } else { "" };
        out.push_str(&format!(
            "member-{i:07},{name},{id},{mobile},{},{note}\n",
            pick(&CITIES, i)
        ));
    }
    out
}

/// A resident ID's 17 digits with their check character (GB 11643-1999, ISO 7064 MOD 11-2).
fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17
        .chars()
        .filter_map(|c| c.to_digit(10))
        .zip(WEIGHTS)
        .map(|(d, w)| d * w)
        .sum();
    let check = CHECK
        .get(usize::try_from(sum % 11).unwrap_or(0))
        .copied()
        .map_or('?', char::from);
    format!("{first17}{check}")
}

fn write_sign_ins(path: &Path, sign_ins: &[SignIn]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The demo's passwords: readable by the user who ran it only.
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(serde_json::to_string_pretty(sign_ins)?.as_bytes())?;
    Ok(())
}

fn read_sign_ins(path: &Path) -> Result<Vec<SignIn>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not the demo's sign-ins; run `chujing demo --reset`",
            path.display()
        )
    })
}

fn print_welcome(args: &DemoArgs, sign_ins: &[SignIn]) -> Result<()> {
    let address = format!("http://{}", args.listen);
    if args.json {
        crate::output::print_json(&serde_json::json!({
            "address": address,
            "serving": !args.seed_only,
            "sign_ins": sign_ins,
        }))?;
        return Ok(());
    }
    if args.seed_only {
        let dir = if args.dir == Path::new("chujing-demo") {
            String::new()
        } else {
            format!(" --dir {}", args.dir.display())
        };
        println!(
            "the demo is ready in {}; serve it with `chujing demo{dir}`",
            args.dir.display()
        );
    } else {
        println!("chujing demo: {address}   (Ctrl-C stops it)");
    }
    println!("  public registry and reports: {address}/registry   (no sign-in)");
    for s in sign_ins {
        println!(
            "  {:<19} {}  /  {}   ({})",
            s.role, s.email, s.password, s.organisation
        );
    }
    println!(
        "  sign in at {address}/login; the passwords are kept in {}",
        Layout::of(&args.dir).sign_ins.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_resident_ids_pass_their_check_digit() {
        // GB 11643's example: 11010519491231002X.
        assert_eq!(resident_id("11010519491231002"), "11010519491231002X");
    }
}
