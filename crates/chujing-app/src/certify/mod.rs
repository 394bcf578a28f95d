//! The certification service's use cases (Certification Measures 2026, CAC & SAMR Order No. 20): accounts,
//! applications with their materials and review, certificates, the public registry and violation reports,
//! regulator orders, and the audit log. The server and the `admin` commands call these; who may call which is
//! decided before, in the server's one authorisation module.
//!
//! Every change is one [`chujing_store::records::Write`]: the records it changes and the audit entry that
//! records it commit together, and writes from several processes on one database happen one at a time.

pub mod access;
pub mod accounts;
pub mod applications;
pub mod audited;
pub mod cases;
pub mod certificates;
pub mod deadlines;
pub mod events;
pub mod filings;
pub mod flows;
pub mod fresh;
pub mod orders;
pub mod processor;
pub mod profiles;
pub mod public;
pub mod scans;
pub mod secret;
pub mod supervision;
pub mod transfers;
pub mod upgrade;

use chujing_law::Date;
use chujing_store::Store;
pub use chujing_store::page::{Page, PageRequest};
use chujing_store::records::{Record, Write};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::ToSchema;

use crate::{AppError, Result};

/// The kind of an organisation: who it is in the certification system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A PI processor (applies for certification; a processor abroad through its representative).
    Processor,
    /// An overseas recipient.
    Recipient,
    /// A certification body.
    CertificationBody,
    /// A regulator (the CAC): national, or provincial with a province code.
    Regulator,
}

impl OrgKind {
    /// Every kind.
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Processor,
        OrgKind::Recipient,
        OrgKind::CertificationBody,
        OrgKind::Regulator,
    ];

    /// The snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            OrgKind::Processor => "processor",
            OrgKind::Recipient => "recipient",
            OrgKind::CertificationBody => "certification_body",
            OrgKind::Regulator => "regulator",
        }
    }

    /// Parses a name, or says which are allowed.
    pub fn parse(s: &str) -> Result<OrgKind> {
        Self::ALL.into_iter().find(|k| k.id() == s).ok_or_else(|| {
            AppError::Input(format!(
                "unknown organisation kind `{s}`; expected one of: processor, recipient, certification_body, regulator"
            ))
        })
    }
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Org {
    /// Its id.
    pub id: String,
    /// What it is.
    pub kind: OrgKind,
    /// Its name.
    pub name: String,
    /// The province where it is registered (a processor), or whose regulator it is, as its GB/T 2260 code
    /// (read from a code or a name); `None` for the national regulator.
    #[schema(value_type = Option<String>)]
    pub province: Option<chujing_law::Province>,
}

/// What a token or session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read only.
    Read,
    /// Read and change.
    Write,
}

/// Who is acting: an authenticated user of an organisation, with the scope of their credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user's e-mail.
    pub user: String,
    /// Their organisation.
    pub org: Org,
    /// What their credential allows.
    pub scope: Scope,
    /// Whether the user signed in with a one-time password (a new account, or an administrator's reset) and
    /// must choose their own before doing anything else.
    pub password_change_required: bool,
}

impl Actor {
    /// How the audit log names this actor.
    pub fn label(&self) -> String {
        format!("{} ({})", self.user, self.org.id)
    }
}

/// The time of a use case, passed in (the domain reads no clock): the instant and the day in China.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Now {
    /// RFC 3339 timestamp.
    pub at: String,
    /// The date in China (UTC+8), the date the law is applied on.
    pub today: Date,
}

impl Now {
    /// The instant `ts` and its date in China (UTC+8, no daylight saving): what adapters pass in after
    /// reading their clock once.
    pub fn at_instant(ts: jiff::Timestamp) -> Now {
        let today = jiff::tz::Offset::constant(8).to_datetime(ts).date();
        Now {
            at: ts.to_string(),
            today: Date::from(today),
        }
    }
}

/// `n` random bytes as hex, from the operating system.
pub(crate) fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Io {
        context: "no randomness from the operating system".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(hex::encode(bytes))
}

/// A record's document.
pub(crate) fn decode<T: DeserializeOwned>(r: &Record) -> Result<T> {
    serde_json::from_str(&r.body).map_err(|e| {
        AppError::store(
            &format!("{} `{}` does not read back", r.kind, r.id),
            std::io::Error::other(e.to_string()),
        )
    })
}

/// JSON of a document.
pub(crate) fn encode<T: Serialize>(t: &T) -> Result<String> {
    serde_json::to_string(t)
        .map_err(|e| AppError::store("cannot encode", std::io::Error::other(e.to_string())))
}

/// The columns of a record, besides its document.
pub(crate) struct Columns<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub org: &'a str,
    pub party: &'a str,
    pub state: &'a str,
    pub search: String,
    /// The province whose regulator has jurisdiction over the record.
    pub province: Option<chujing_law::Province>,
}

/// A new record of `doc`.
pub(crate) fn record<T: Serialize>(c: Columns<'_>, doc: &T, now: &Now) -> Result<Record> {
    Ok(Record {
        kind: c.kind.into(),
        id: c.id.into(),
        org: c.org.into(),
        party: c.party.into(),
        state: c.state.into(),
        search: c.search.to_lowercase(),
        body: encode(doc)?,
        version: 1,
        updated_at: now.at.clone(),
        seq: 0,
        province: c.province.map(|p| p.code().to_string()).unwrap_or_default(),
    })
}

/// `rec` with a new document and state, its other columns (owner, party, search) kept: the update of a
/// record read at `rec.version`.
pub(crate) fn revised<T: Serialize>(
    rec: &Record,
    state: &str,
    doc: &T,
    now: &Now,
) -> Result<Record> {
    Ok(Record {
        state: state.into(),
        body: encode(doc)?,
        updated_at: now.at.clone(),
        ..rec.clone()
    })
}

/// Opens a write.
pub(crate) async fn write(store: &Store) -> Result<Write> {
    store
        .write()
        .await
        .map_err(|e| AppError::from_store("cannot start a write", e))
}

/// Which page of a list a caller asks for: after the cursor `after` (a page's `next`), at most `limit` rows
/// (default 50, at most 500); a cursor no page gave, or a limit out of range, is bad input.
pub fn page_request(after: Option<&str>, limit: Option<u32>) -> Result<PageRequest> {
    PageRequest::new(after, limit).map_err(|e| AppError::Input(e.to_string()))
}

/// The first page of `n` rows.
pub(crate) fn first_of(n: u32) -> Result<PageRequest> {
    page_request(None, Some(n))
}

/// A page of the records of `kind` passing `f`, newest first, each decoded and then mapped by `then`.
pub(crate) async fn page_where<T: DeserializeOwned, U>(
    store: &Store,
    kind: &str,
    f: &chujing_store::records::Filter<'_>,
    req: &PageRequest,
    mut then: impl FnMut(T) -> U,
) -> Result<Page<U>> {
    st(store.records_page(kind, f, req).await)?.try_map(|r| decode(&r).map(&mut then))
}

/// A step the lifecycle refuses, as a use-case error: one its state does not allow now is a conflict (409),
/// one that lacks what it must carry, or names what does not exist, is bad input (400).
pub(crate) fn refused(e: chujing_cert::CertError) -> AppError {
    match e {
        chujing_cert::CertError::Incomplete(_) | chujing_cert::CertError::Unknown { .. } => {
            AppError::Input(e.to_string())
        }
        _ => AppError::Conflict(e.to_string()),
    }
}

/// A store result as a use-case result.
pub(crate) fn st<T>(r: std::result::Result<T, chujing_store::StoreError>) -> Result<T> {
    r.map_err(|e| AppError::from_store("the database failed", e))
}

/// Appends the audit entry of a change.
pub(crate) async fn audit<T: Serialize>(
    w: &mut Write,
    now: &Now,
    actor: &str,
    event: events::Event,
    subject: events::Subject<'_>,
    content: &T,
) -> Result<()> {
    let content = encode(content)?;
    let (action, subject) = (event.name(), subject.to_string());
    st(w.audit(&now.at, actor, &action, &subject, &content).await).map(|_| ())
}

/// A record that must exist.
pub(crate) async fn get(store: &Store, kind: &str, id: &str) -> Result<Record> {
    st(store.record(kind, id).await)?.ok_or_else(|| AppError::NotFound(format!("no {kind} `{id}`")))
}

/// A record that must exist, as the write sees it.
pub(crate) async fn get_in(w: &mut Write, kind: &str, id: &str) -> Result<Record> {
    st(w.get(kind, id).await)?.ok_or_else(|| AppError::NotFound(format!("no {kind} `{id}`")))
}

/// An entry of the audit log, as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditRecord {
    /// Its position, from 1.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who: a user and organisation, `public`, `admin` or `system`.
    pub actor: String,
    /// What was done (`application.submit`, `certificate.suspend`, …).
    pub action: String,
    /// To what (`application/ID`, `certificate/NUMBER`, …).
    pub subject: String,
    /// The decision or change (JSON).
    pub content: String,
    /// Its hash, which the next entry commits to.
    pub hash: String,
}

/// A page of the audit log, newest entry first.
pub async fn audit_page(store: &Store, req: &PageRequest) -> Result<Page<AuditRecord>> {
    Ok(st(store.audit_page(req).await)?.map(|e| AuditRecord {
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        content: e.content,
        hash: e.hash,
    }))
}

/// The audit log's verification: the number of entries, or the first bad entry.
pub async fn verify_audit(
    store: &Store,
) -> Result<std::result::Result<i64, chujing_store::records::ChainBreak>> {
    st(store.verify_audit().await)
}
