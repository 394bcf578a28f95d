//! Certificates: issue, suspension with a published reason, reinstatement, revocation and renewal; the
//! body's report of each to the national platform, due within 5 working days (Certification Measures 2026
//! Art. 9); the public registry.

use super::events::{Event, Subject};
use chujing_cert::certificate::Certificate;
use chujing_cert::{CertificateAction, CertificateStatus};
use chujing_law::certification::terms;
use chujing_law::{Date, Lang, RuleBook};
use chujing_store::Store;
use chujing_store::records::{Filter, Write};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::applications::Step;
use super::fresh::Views;
use super::{Actor, Columns, Now, access, audit, decode, get_in, record, revised, st, write};
use crate::{AppError, Result};

/// A certificate as the service keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificateRecord {
    /// The certificate.
    #[schema(value_type = Object)]
    pub certificate: Certificate,
    /// The body that issued it.
    pub body: String,
    /// Its status on the day it is read (expiry is by date).
    #[schema(value_type = String)]
    pub status_today: CertificateStatus,
    /// Every change, oldest first.
    pub history: Vec<Step>,
}

/// A report the body owes the national platform (Art. 9).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlatformReport {
    /// Its id.
    pub id: String,
    /// The certificate.
    pub certificate: String,
    /// What happened: `issued`, `suspended`, `reinstated`, `revoked`, `renewed`.
    pub event: String,
    /// The day it happened.
    #[schema(value_type = String)]
    pub event_on: Date,
    /// The last day to report it.
    #[schema(value_type = Option<String>)]
    pub due_on: Option<Date>,
    /// Set when the due day was computed on plain weekdays because that year's holidays are not published.
    pub due_estimated: Option<String>,
    /// The article.
    pub citation: String,
    /// When the body reported it, once it has.
    #[schema(value_type = Option<String>)]
    pub reported_on: Option<Date>,
}

impl PlatformReport {
    /// Whether it is overdue on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.reported_on.is_none() && self.due_on.is_some_and(|d| today > d)
    }
}

/// Stores a newly issued certificate and the platform report it creates (inside the grant's write).
pub(crate) async fn record_issue(
    w: &mut Write,
    c: &Certificate,
    body: &str,
    book: &RuleBook,
    now: &Now,
    actor: &str,
) -> Result<()> {
    let holder: super::Org = decode(&get_in(w, "org", &c.holder).await?)?;
    let r = CertificateRecord {
        certificate: c.clone(),
        body: body.into(),
        status_today: c.status_on(now.today),
        history: vec![Step {
            action: "issue".into(),
            by: actor.into(),
            at: now.at.clone(),
            reason: None,
        }],
    };
    // The registry searches by number or holder name.
    let columns = Columns {
        kind: "certificate",
        id: c.number.as_str(),
        org: &c.holder,
        party: body,
        state: c.status.id(),
        search: format!("{} {}", c.number, holder.name),
        province: holder.province,
    };
    let rec = record(columns, &r, now)?;
    st(w.insert(&rec).await)?;
    audit(
        w,
        now,
        actor,
        Event::CertificateIssue,
        Subject::Certificate(c.number.as_str()),
        c,
    )
    .await?;
    platform_report(w, c, body, "issued", book, now, actor).await
}

async fn platform_report(
    w: &mut Write,
    c: &Certificate,
    body: &str,
    event: &str,
    book: &RuleBook,
    now: &Now,
    actor: &str,
) -> Result<()> {
    let t = terms(book, now.today, Lang::En)?;
    let Some(t) = t.filter(|t| t.report_working_days.is_some()) else {
        return Ok(()); // before 2026 the law set no report
    };
    let due = t.report_due(book, now.today);
    let seq = st(w.next(&format!("platform-report-{}", c.number)).await)?;
    let p = PlatformReport {
        id: format!("{}-{seq}", c.number),
        certificate: c.number.to_string(),
        event: event.into(),
        event_on: now.today,
        due_on: due.map(|d| d.date),
        due_estimated: due.and_then(|d| d.fallback_year).map(|y| {
            format!("estimated: {y}'s official holidays are not published, weekdays counted")
        }),
        citation: t
            .report_working_days
            .map(|r| r.citation)
            .unwrap_or_default(),
        reported_on: None,
    };
    let rec = record(
        Columns {
            kind: "platform_report",
            id: &p.id,
            org: body,
            party: &c.holder,
            state: "due",
            search: p.certificate.clone(),
            province: None,
        },
        &p,
        now,
    )?;
    st(w.insert(&rec).await)?;
    audit(
        w,
        now,
        actor,
        Event::PlatformReportDue,
        Subject::Certificate(c.number.as_str()),
        &p,
    )
    .await
}

/// A certificate the actor may see beyond the public registry (its holder, its body, a regulator), with its
/// status on `today`; another's is not found.
pub async fn get(
    store: &Store,
    actor: &Actor,
    number: &str,
    today: Date,
) -> Result<CertificateRecord> {
    let rec = super::get(store, "certificate", number).await?;
    let mut r: CertificateRecord = decode(&rec)?;
    if !access::may_see_certificate(actor, &r, &rec.province) {
        return Err(AppError::NotFound(format!(
            "no certificate `{number}` of yours; the public registry shows every certificate"
        )));
    }
    r.status_today = r.certificate.status_on(today);
    Ok(r)
}

/// A certificate the actor's body issued, else not found.
pub async fn issued(
    store: &Store,
    actor: &Actor,
    number: &str,
    today: Date,
) -> Result<CertificateRecord> {
    let r = get(store, actor, number, today).await?;
    if access::may_act_on_certificate(actor, &r) {
        Ok(r)
    } else {
        Err(AppError::NotFound(format!(
            "no certificate `{number}` issued by you"
        )))
    }
}

/// A page of the certificates the actor may see beyond the registry, newest first, with their status on
/// `today`.
pub async fn page(
    store: &Store,
    actor: &Actor,
    today: Date,
    req: &super::PageRequest,
) -> Result<super::Page<CertificateRecord>> {
    super::page_where(
        store,
        "certificate",
        &access::own_or_assigned(actor),
        req,
        |mut r: CertificateRecord| {
            r.status_today = r.certificate.status_on(today);
            r
        },
    )
    .await
}

/// The certificates the actor may see beyond the registry, with their status on `today`.
pub async fn list(store: &Store, actor: &Actor, today: Date) -> Result<Vec<CertificateRecord>> {
    list_where(store, &access::own_or_assigned(actor), today).await
}

/// Every certificate the actor may see beyond the registry, newest first, with its record number and its
/// status on `today`.
pub async fn numbered(
    store: &Store,
    actor: &Actor,
    today: Date,
) -> Result<Vec<(i64, CertificateRecord)>> {
    st(store
        .records("certificate", &access::own_or_assigned(actor))
        .await)?
    .iter()
    .rev()
    .map(|rec| {
        let mut r: CertificateRecord = decode(rec)?;
        r.status_today = r.certificate.status_on(today);
        Ok((rec.seq, r))
    })
    .collect()
}

/// Certificates passing `f`, with their status on `today`.
pub(crate) async fn list_where(
    store: &Store,
    f: &Filter<'_>,
    today: Date,
) -> Result<Vec<CertificateRecord>> {
    st(store.records("certificate", f).await)?
        .iter()
        .map(|rec| {
            let mut r: CertificateRecord = decode(rec)?;
            r.status_today = r.certificate.status_on(today);
            Ok(r)
        })
        .collect()
}

/// Takes an action on a certificate; each change creates the body's platform report.
pub async fn act(
    store: &Store,
    actor: &Actor,
    number: &str,
    action: CertificateAction,
    reason: Option<&str>,
    book: &RuleBook,
    now: &Now,
) -> Result<CertificateRecord> {
    let t = terms(book, now.today, Lang::En)?.ok_or_else(|| {
        AppError::Conflict(format!(
            "the law in force on {} sets no certificate terms",
            now.today
        ))
    })?;
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "certificate", number).await?;
    let mut r: CertificateRecord = decode(&rec)?;
    if !access::may_see_certificate(actor, &r, &rec.province) {
        return Err(AppError::NotFound(format!(
            "no certificate `{number}` of yours"
        )));
    }
    if !access::may_act_on_certificate(actor, &r) {
        return Err(AppError::Forbidden(
            "only the certification body that issued the certificate acts on it".into(),
        ));
    }
    let next = r
        .certificate
        .act(action, now.today, reason, &t)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    r.certificate = next;
    r.status_today = r.certificate.status_on(now.today);
    r.history.push(Step {
        action: action.id().into(),
        by: actor.label(),
        at: now.at.clone(),
        reason: reason.map(str::to_string),
    });
    st(
        w.update(&revised(&rec, r.certificate.status.id(), &r, now)?)
            .await,
    )?;
    let c = r.certificate.clone();
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::CertificateStep(action),
        Subject::Certificate(number),
        &serde_json::json!({ "status": c.status, "reason": c.reason, "expires_on": c.expires_on }),
    )
    .await?;
    let event = match action {
        CertificateAction::Suspend => "suspended",
        CertificateAction::Reinstate => "reinstated",
        CertificateAction::Revoke => "revoked",
        CertificateAction::Renew => "renewed",
    };
    platform_report(&mut w, &c, &r.body, event, book, now, &actor.label()).await?;
    st(w.commit().await)?;
    Ok(r)
}

/// The platform reports the actor may list (a body its own, a regulator all), newest first, each with its
/// record number (for paging a list filtered by what is due today: [`super::PageRequest::page_of`]).
pub async fn platform_reports(store: &Store, actor: &Actor) -> Result<Vec<(i64, PlatformReport)>> {
    let f = Filter {
        org: access::platform_reports_body(actor),
        ..Filter::default()
    };
    st(store.records("platform_report", &f).await)?
        .iter()
        .rev()
        .map(|r| decode(r).map(|p| (r.seq, p)))
        .collect()
}

/// Marks a platform report as made on `now.today`.
pub async fn mark_reported(
    store: &Store,
    actor: &Actor,
    id: &str,
    now: &Now,
) -> Result<PlatformReport> {
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "platform_report", id).await?;
    let mut p: PlatformReport = decode(&rec)?;
    // Only the body that owes a report marks it made (a regulator sees them all but makes none).
    if rec.org != actor.org.id {
        return Err(AppError::NotFound(format!(
            "no platform report `{id}` of yours"
        )));
    }
    if p.reported_on.is_some() {
        return Err(AppError::Conflict(format!(
            "platform report `{id}` was already made"
        )));
    }
    p.reported_on = Some(now.today);
    st(w.update(&revised(&rec, "reported", &p, now)?).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::PlatformReportMade,
        Subject::Certificate(&p.certificate),
        &p,
    )
    .await?;
    st(w.commit().await)?;
    Ok(p)
}

/// A certificate as the public registry shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistryEntry {
    /// Its number.
    pub number: String,
    /// The holder's name.
    pub holder: String,
    /// The issuing body's name.
    pub body: String,
    /// Its status today.
    #[schema(value_type = String)]
    pub status: CertificateStatus,
    /// Why it was suspended or revoked.
    pub reason: Option<String>,
    /// What it covers.
    #[schema(value_type = Object)]
    pub scope: chujing_cert::Scope,
    /// Issued on.
    #[schema(value_type = String)]
    pub issued_on: Date,
    /// Valid until.
    #[schema(value_type = String)]
    pub expires_on: Date,
}

/// The public registry on a day: every certificate's entry, newest first, and the text a search matches
/// (each one's number and holder's name, lower case) laid end to end, one line per entry, so that a search is
/// one pass of a substring finder over it instead of one per certificate.
#[derive(Debug)]
pub struct Registry {
    /// The entries with their record numbers, newest first.
    entries: Vec<(i64, RegistryEntry)>,
    text: String,
    /// Where each entry's line starts in `text`.
    starts: Vec<usize>,
}

impl Registry {
    /// Reads every certificate, with the organisations' names in one read (not two per certificate).
    async fn load(store: &Store, today: Date) -> Result<Registry> {
        let names: std::collections::HashMap<String, String> = super::accounts::orgs(store, None)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
        let records = st(store.records("certificate", &Filter::default()).await)?;
        let mut entries = Vec::with_capacity(records.len());
        // Newest first: the store reads them oldest first.
        for rec in records.iter().rev() {
            let r: CertificateRecord = decode(rec)?;
            let c = r.certificate;
            let entry = RegistryEntry {
                number: c.number.to_string(),
                holder: name(&c.holder),
                body: name(&r.body),
                status: c.status_on(today),
                reason: c.reason,
                scope: c.scope,
                issued_on: c.issued_on,
                expires_on: c.expires_on,
            };
            entries.push((rec.search.as_str(), rec.seq, entry));
        }
        Ok(Registry::new(entries))
    }

    /// A registry of `entries` (newest first), each with the text a search matches and its record number.
    fn new<'a>(entries: impl IntoIterator<Item = (&'a str, i64, RegistryEntry)>) -> Registry {
        let mut r = Registry {
            entries: Vec::new(),
            text: String::new(),
            starts: Vec::new(),
        };
        for (search, seq, entry) in entries {
            r.entries.push((seq, entry));
            r.starts.push(r.text.len());
            r.text.extend(search.to_lowercase().chars().map(one_line));
            r.text.push('\n');
        }
        r
    }

    /// The page `req` of the entries whose search text contains `q` (every entry when `q` is empty), newest
    /// first, with how many match.
    pub fn search(&self, q: &str, req: &super::PageRequest) -> Result<super::Page<RegistryEntry>> {
        // A query is matched within one line, as the text it is matched against is.
        let q: String = q.trim().to_lowercase().chars().map(one_line).collect();
        let page = if q.is_empty() {
            req.page_of(&self.entries)
        } else {
            let mut found: Vec<(i64, RegistryEntry)> = Vec::new();
            let mut last = None;
            for at in memchr::memmem::find_iter(self.text.as_bytes(), q.as_bytes()) {
                let entry = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
                if last != Some(entry) {
                    last = Some(entry);
                    found.extend(self.entries.get(entry).cloned());
                }
            }
            req.page_of(&found)
        };
        page.map_err(|e| AppError::Input(e.to_string()))
    }
}

/// Line breaks read as spaces in the registry's search text and in queries.
fn one_line(c: char) -> char {
    if c == '\n' { ' ' } else { c }
}

/// The public registry: the page `req` of the certificates whose number or holder contains `q` (all when
/// empty), newest first. The registry of the day is kept in `views` while nothing changes.
pub async fn registry(
    store: &Store,
    views: &Views,
    q: &str,
    today: Date,
    req: &super::PageRequest,
) -> Result<super::Page<RegistryEntry>> {
    let r = views
        .registry
        .get(store, today, || Registry::load(store, today))
        .await?;
    r.search(q, req)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(number: &str, holder: &str) -> RegistryEntry {
        RegistryEntry {
            number: number.into(),
            holder: holder.into(),
            body: "B".into(),
            status: CertificateStatus::Valid,
            reason: None,
            scope: chujing_cert::Scope::default(),
            issued_on: Date::parse("2026-01-01").unwrap(),
            expires_on: Date::parse("2028-12-31").unwrap(),
        }
    }

    fn numbers(found: &crate::certify::Page<RegistryEntry>) -> Vec<&str> {
        found.items.iter().map(|e| e.number.as_str()).collect()
    }

    /// Certificates 1 to `n`, each the newer the higher its number.
    fn registry(n: usize) -> Registry {
        let rows: Vec<(String, i64, RegistryEntry)> = (1..=n)
            .rev()
            .map(|i| {
                let (number, holder) = (format!("PIC-2026-{i:06}"), format!("Acme {i} Co."));
                (
                    format!("{number} {holder}"),
                    i as i64,
                    entry(&number, &holder),
                )
            })
            .collect();
        Registry::new(rows.iter().map(|(s, n, e)| (s.as_str(), *n, e.clone())))
    }

    fn search(r: &Registry, q: &str) -> crate::certify::Page<RegistryEntry> {
        r.search(q, &crate::certify::page_request(None, Some(500)).unwrap())
            .unwrap()
    }

    #[test]
    fn a_search_finds_a_part_of_the_number_or_the_holder_in_any_case() {
        let r = registry(30);
        assert_eq!(numbers(&search(&r, "pic-2026-000012")), ["PIC-2026-000012"]);
        assert_eq!(numbers(&search(&r, "  ACME 7 co")), ["PIC-2026-000007"]);
        assert_eq!(search(&r, "PIC-2026-00002").items.len(), 10, "20 to 29");
        assert!(search(&r, "nobody").items.is_empty());
    }

    #[test]
    fn each_entry_is_found_once_and_every_match_is_reached_page_by_page() {
        let r = registry(1_234);
        // "2026" matches each entry's number once; "0" many times in each.
        for q in ["2026", "0", ""] {
            let mut seen = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let req = crate::certify::page_request(after.as_deref(), Some(100)).unwrap();
                let page = r.search(q, &req).unwrap();
                assert_eq!(page.total, 1_234, "{q:?}");
                seen.extend(page.items.into_iter().map(|e| e.number));
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            assert_eq!(seen.len(), 1_234, "{q:?}: every entry once");
            assert_eq!(
                seen.first().map(String::as_str),
                Some("PIC-2026-001234"),
                "newest first"
            );
            assert_eq!(
                seen.last().map(String::as_str),
                Some("PIC-2026-000001"),
                "the oldest reached"
            );
        }
    }

    #[test]
    fn a_query_never_matches_across_two_entries() {
        let r = registry(3);
        // The end of one entry's line and the start of the next one's.
        assert!(search(&r, "co.\npic").items.is_empty());
        assert!(search(&r, "co. pic").items.is_empty());
    }
}
