//! An Apache Ballista cluster that carries chujing's functions: `chujing engine scheduler`, `chujing engine
//! executor`, and counts and scans run on it (`--engine ballista://HOST:PORT`).
//!
//! Every process registers the functions itself, each hashing under the key it was started with; a plan names
//! the functions and never holds the key. A count checks, from the rows, that every executor hashed under the
//! ledger's key (`chujing_key_id`), and fails — it never returns a partial count — when a task fails after
//! Ballista's retries.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use chujing_ledger::SubjectHasher;
use datafusion::execution::FunctionRegistry;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::count::{BatchCount, CountRequest, count_async, on_own_runtime};
use crate::error::EngineError;
use crate::scan::{DatasetScan, ScanRequest, scan_async};
use crate::udf::{functions, register};

/// The largest message between the processes: one hash bucket's set is one value (16 bytes per individual),
/// and gRPC's default of 16 MB would cap a bucket at a million individuals.
const MAX_MESSAGE_BYTES: usize = 1 << 30;

fn cluster_error(
    context: &str,
) -> impl FnOnce(ballista_core::error::BallistaError) -> EngineError + '_ {
    move |e| EngineError::Cluster(format!("{context}: {e}"))
}

/// Where a scheduler listens, and when it takes an executor for lost.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// The address of its gRPC service (clients and executors).
    pub bind: SocketAddr,
    /// An executor silent this long is taken for lost and its tasks run elsewhere (default: Ballista's).
    pub executor_timeout_seconds: Option<u64>,
}

/// Runs a scheduler until the process is stopped.
pub fn run_scheduler(
    hasher: &SubjectHasher,
    options: &SchedulerOptions,
) -> Result<(), EngineError> {
    let hasher = hasher.clone();
    let bind = options.bind;
    let timeout = options.executor_timeout_seconds;
    on_own_runtime(move || async move {
        let builder_hasher = hasher.clone();
        let config = SchedulerConfig {
            bind_host: bind.ip().to_string(),
            bind_port: bind.port(),
            // The scheduler plans with the functions (their names and types); it runs none of them.
            override_session_builder: Some(Arc::new(move |config: SessionConfig| {
                let mut state = ballista_core::utils::default_session_builder(config)?;
                let (scalars, aggregates) = functions(&builder_hasher);
                for f in scalars {
                    state.register_udf(Arc::new(f))?;
                }
                for f in aggregates {
                    state.register_udaf(Arc::new(f))?;
                }
                Ok(state)
            })),
            grpc_server_max_decoding_message_size: MAX_MESSAGE_BYTES as u32,
            grpc_server_max_encoding_message_size: MAX_MESSAGE_BYTES as u32,
            grpc_client_max_message_size: MAX_MESSAGE_BYTES as u32,
            ..SchedulerConfig::default()
        };
        let config = match timeout {
            Some(seconds) => SchedulerConfig {
                executor_timeout_seconds: seconds,
                expire_dead_executor_interval_seconds: seconds.div_ceil(3).max(1),
                ..config
            },
            None => config,
        };
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .map_err(cluster_error("cannot set up the scheduler's state"))?;
        start_server(cluster, bind, Arc::new(config))
            .await
            .map_err(cluster_error("the scheduler stopped"))
    })
}

/// Where an executor listens and which scheduler it serves.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's address.
    pub scheduler: SocketAddr,
    /// The address to listen on (its port serves Arrow Flight, shuffle data).
    pub bind: SocketAddr,
    /// The port of its gRPC service (tasks from the scheduler).
    pub grpc_port: u16,
    /// Where it keeps shuffle files.
    pub work_dir: PathBuf,
    /// Tasks run at once (default: the machine's cores).
    pub concurrency: Option<usize>,
    /// Seconds between heartbeats to the scheduler (default: Ballista's); shorter than the scheduler's
    /// executor timeout.
    pub heartbeat_seconds: Option<u64>,
}

/// Runs an executor until the process is stopped.
pub fn run_executor(hasher: &SubjectHasher, options: &ExecutorOptions) -> Result<(), EngineError> {
    let mut registry = BallistaFunctionRegistry::default();
    let (scalars, aggregates) = functions(hasher);
    for f in scalars {
        registry
            .scalar_functions
            .insert(f.name().to_string(), Arc::new(f));
    }
    for f in aggregates {
        registry
            .aggregate_functions
            .insert(f.name().to_string(), Arc::new(f));
    }
    let mut config = ExecutorProcessConfig {
        bind_host: options.bind.ip().to_string(),
        port: options.bind.port(),
        grpc_port: options.grpc_port,
        scheduler_host: options.scheduler.ip().to_string(),
        scheduler_port: options.scheduler.port(),
        // A scheduler started at the same moment may not listen yet.
        scheduler_connect_timeout_seconds: 30,
        work_dir: Some(options.work_dir.display().to_string()),
        print_thread_info: false,
        grpc_max_decoding_message_size: MAX_MESSAGE_BYTES as u32,
        grpc_max_encoding_message_size: MAX_MESSAGE_BYTES as u32,
        override_function_registry: Some(Arc::new(registry)),
        ..ExecutorProcessConfig::default()
    };
    if let Some(n) = options.concurrency {
        config.vcores = n;
    }
    if let Some(seconds) = options.heartbeat_seconds {
        config.executor_heartbeat_interval_seconds = seconds;
    }
    on_own_runtime(move || async move {
        start_executor_process(Arc::new(config))
            .await
            .map_err(cluster_error("the executor stopped"))
    })
}

/// Counts `request` on the Ballista cluster whose scheduler is at `scheduler` (`HOST:PORT`).
pub fn count(
    scheduler: &str,
    hasher: &SubjectHasher,
    request: &CountRequest,
) -> Result<BatchCount, EngineError> {
    on_own_runtime(|| async {
        let ctx = remote(scheduler, "chujing ledger count").await?;
        register(&ctx, hasher);
        count_async(&ctx, hasher.key_id(), request).await
    })
}

/// Scans `request` on the Ballista cluster whose scheduler is at `scheduler` (`HOST:PORT`). The scan hashes
/// nothing under the ledger's key (its fingerprints are the native scan's), so it needs none.
pub fn scan(scheduler: &str, request: &ScanRequest) -> Result<DatasetScan, EngineError> {
    on_own_runtime(|| async {
        let ctx = remote(scheduler, "chujing scan").await?;
        crate::scan::register(&ctx);
        scan_async(&ctx, request).await
    })
}

/// A session whose plans run on the cluster at `scheduler`, as job `job`.
async fn remote(scheduler: &str, job: &str) -> Result<SessionContext, EngineError> {
    let config = SessionConfig::new_with_ballista()
        .with_ballista_grpc_client_max_message_size(MAX_MESSAGE_BYTES)
        .with_ballista_job_name(job);
    let state = SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .build();
    let ctx = SessionContext::remote_with_state(&format!("df://{scheduler}"), state)
        .await
        .map_err(EngineError::engine(format!(
            "cannot reach the Ballista scheduler at {scheduler}"
        )))?;
    Ok(ctx)
}
