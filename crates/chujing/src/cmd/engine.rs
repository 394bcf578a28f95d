//! `chujing engine scheduler|executor`: the processes of an Apache Ballista cluster that carry chujing's
//! functions, for `ledger ingest --engine ballista://HOST:PORT`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chujing_app::engine::{ExecutorOptions, SchedulerOptions, run_executor, run_scheduler};
use chujing_ledger::SubjectHasher;

use crate::store;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run a Ballista scheduler: it plans counts sent with `--engine ballista://HOST:PORT` and hands their
    /// tasks to the executors. Runs until stopped (Ctrl-C).
    Scheduler {
        /// The address of its gRPC service, for clients and executors.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:50050")]
        bind: SocketAddr,
        /// Take an executor that has sent no heartbeat for this many seconds for lost, and run its tasks
        /// elsewhere (default: Ballista's, 180).
        #[arg(long, value_name = "SECONDS")]
        executor_timeout: Option<u64>,
    },
    /// Run a Ballista executor: it reads its share of a dataset and hashes subject keys under the ledger's
    /// key (from CHUJING_LEDGER_KEY, or the key file beside the --db SQLite file). Every executor must have
    /// the ledger's key; a count refuses the results of one that has another. Runs until stopped.
    Executor {
        /// The scheduler's address.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:50050")]
        scheduler: SocketAddr,
        /// Its Arrow Flight address, for shuffle data between executors.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:50051")]
        bind: SocketAddr,
        /// Its gRPC port, for tasks from the scheduler.
        #[arg(long, value_name = "PORT", default_value_t = 50052)]
        grpc_port: u16,
        /// Where it keeps shuffle files (default: a directory under the system's temporary directory).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        /// Tasks run at once (default: the machine's cores).
        #[arg(long, value_name = "N")]
        concurrency: Option<usize>,
        /// Seconds between heartbeats to the scheduler (keep it below the scheduler's --executor-timeout).
        #[arg(long, value_name = "SECONDS")]
        heartbeat: Option<u64>,
    },
}

pub fn run(url: &str, command: Command) -> Result<ExitCode> {
    // The key only: a worker hashes, it does not open the ledger. A worker with another key is refused by
    // the count that uses it (chujing_key_id), so a wrong key cannot change a figure.
    let hasher = SubjectHasher::new(&store::ledger_key(url)?);
    match command {
        Command::Scheduler {
            bind,
            executor_timeout,
        } => {
            eprintln!(
                "chujing engine scheduler on {bind} (ledger key {})",
                hasher.key_id()
            );
            let options = SchedulerOptions {
                bind,
                executor_timeout_seconds: executor_timeout,
            };
            run_scheduler(&hasher, &options)?;
        }
        Command::Executor {
            scheduler,
            bind,
            grpc_port,
            work_dir,
            concurrency,
            heartbeat,
        } => {
            let work_dir = match work_dir {
                Some(dir) => dir,
                None => std::env::temp_dir().join(format!("chujing-executor-{}", bind.port())),
            };
            std::fs::create_dir_all(&work_dir)?;
            eprintln!(
                "chujing engine executor on {bind} (tasks on port {grpc_port}) for the scheduler at {scheduler} \
                 (ledger key {})",
                hasher.key_id()
            );
            let options = ExecutorOptions {
                scheduler,
                bind,
                grpc_port,
                work_dir,
                concurrency,
                heartbeat_seconds: heartbeat,
            };
            run_executor(&hasher, &options)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
