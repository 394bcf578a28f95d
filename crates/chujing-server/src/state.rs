//! What every request shares: the store, the law, the master key, the clock, metrics, the login limiter, and
//! the configuration read once at start ([`Config`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chujing_app::certify::Now;
use chujing_app::certify::fresh::Views;
use chujing_app::certify::secret::MasterKey;
use chujing_law::RuleBook;
use chujing_ledger::{HashKey, SubjectHasher};
use chujing_store::Store;

/// Where the time comes from: the system's (the server), or a fixed instant (tests).
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock; the law's day is the day in China (UTC+8).
    System,
    /// A fixed instant.
    Fixed(Now),
}

impl Clock {
    /// The current instant and day.
    pub fn now(&self) -> Now {
        match self {
            Clock::Fixed(n) => n.clone(),
            Clock::System => system_now(),
        }
    }
}

fn system_now() -> Now {
    Now::at_instant(jiff_now())
}

#[expect(clippy::disallowed_methods, reason = "the server's one clock")]
fn jiff_now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// Shared state: one allocation, so that the clone every handler and middleware takes is one reference count.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every request shares.
#[derive(Debug)]
pub struct Shared {
    /// The database.
    pub store: Store,
    /// The law.
    pub book: Arc<RuleBook>,
    /// The key materials are sealed under.
    pub key: MasterKey,
    /// The clock.
    pub clock: Clock,
    /// Request counts and durations.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Failed sign-ins by address and e-mail.
    pub logins: crate::limiter::LoginLimiter,
    /// Anonymous writes (violation reports) by address and in all.
    pub public_writes: crate::limiter::PublicWriteLimiter,
    /// The font PDFs are typeset with, found at start, or why there is none.
    pub pdf_font: Result<PathBuf, String>,
    /// The token `/metrics` asks for; none: metrics are off.
    pub metrics_token: Option<MetricsToken>,
    /// Hashes the subjects of recorded batches under the deployment's ledger key.
    pub hasher: Arc<SubjectHasher>,
    /// Credentials, the registry and the gate's snapshots, kept while nothing changes.
    pub views: Arc<Views>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// What the server reads once when it starts, never per request: the law (the embedded packs or
/// `serve --rules DIR`), the PDF font, the metrics token.
#[derive(Debug)]
pub struct Config {
    /// The law.
    pub book: RuleBook,
    /// The CJK font PDFs are typeset with, or why there is none (the PDF downloads then answer 503).
    pub pdf_font: Result<PathBuf, String>,
    /// The bearer token `/metrics` asks for; without one `/metrics` is off (404).
    pub metrics_token: Option<MetricsToken>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`serve --trusted-proxy`); from any other
    /// peer the header is ignored, so that a client cannot pick the address the login limiter counts.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How many anonymous writes are taken per address and in all (`serve --public-writes-per-address`,
    /// `--public-writes-per-hour`).
    pub public_limits: crate::limiter::PublicLimits,
}

impl Config {
    /// The law `book`, the font at `font` or the first of Debian's CJK fonts found, no metrics token.
    pub fn new(book: RuleBook, font: Option<&Path>) -> Config {
        Config {
            book,
            pdf_font: chujing_pdf::find_font(font).map_err(|e| e.to_string()),
            metrics_token: None,
            trusted_proxies: Vec::new(),
            public_limits: crate::limiter::PublicLimits::default(),
        }
    }

    /// Taking at most `limits` anonymous writes.
    pub fn with_public_limits(mut self, limits: crate::limiter::PublicLimits) -> Config {
        self.public_limits = limits;
        self
    }

    /// The embedded law, the font `CHUJING_PDF_FONT` names (or Debian's), no metrics token.
    pub fn embedded() -> Result<Config, chujing_law::LawError> {
        let font = std::env::var_os("CHUJING_PDF_FONT").map(PathBuf::from);
        Ok(Config::new(RuleBook::embedded()?, font.as_deref()))
    }

    /// Trusting the `X-Forwarded-For` of these reverse proxies.
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Config {
        self.trusted_proxies = proxies;
        self
    }

    /// With the token `/metrics` asks for.
    pub fn with_metrics_token(mut self, token: MetricsToken) -> Config {
        self.metrics_token = Some(token);
        self
    }
}

/// The operator's token for `/metrics` (a scraper's `Authorization: Bearer`); never in `Debug` or logs.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// The shortest token accepted.
    pub const MIN_LEN: usize = 16;

    /// A token from its text (a file's first line, trimmed), at least [`MetricsToken::MIN_LEN`] characters.
    pub fn new(text: &str) -> Result<MetricsToken, String> {
        let t = text.trim();
        if t.len() < Self::MIN_LEN || t.chars().any(char::is_whitespace) {
            return Err(format!(
                "the metrics token must be one word of at least {} characters (e.g. `openssl rand -hex 32`)",
                Self::MIN_LEN
            ));
        }
        Ok(MetricsToken(t.to_string()))
    }

    /// Whether `sent` is the token, in time that does not depend on where they differ.
    pub fn matches(&self, sent: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), sent.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(<redacted>)")
    }
}

impl AppState {
    /// State over `store` with the embedded law ([`Config::embedded`]); materials sealed under `key`, batch
    /// subjects hashed under `ledger_key`.
    pub fn new(
        store: Store,
        key: MasterKey,
        ledger_key: &HashKey,
        clock: Clock,
    ) -> Result<AppState, chujing_law::LawError> {
        Ok(AppState::with_config(
            store,
            key,
            ledger_key,
            clock,
            Config::embedded()?,
        ))
    }

    /// State over `store` with the configuration read at start.
    pub fn with_config(
        store: Store,
        key: MasterKey,
        ledger_key: &HashKey,
        clock: Clock,
        config: Config,
    ) -> AppState {
        chujing_app::certify::accounts::prepare_login();
        AppState(Arc::new(Shared {
            store,
            book: Arc::new(config.book),
            key,
            clock,
            metrics: Arc::default(),
            logins: crate::limiter::LoginLimiter::default(),
            public_writes: crate::limiter::PublicWriteLimiter::new(config.public_limits),
            pdf_font: config.pdf_font,
            metrics_token: config.metrics_token,
            hasher: Arc::new(SubjectHasher::new(ledger_key)),
            views: Arc::default(),
            trusted_proxies: config.trusted_proxies,
        }))
    }
}
