//! Supervision of certificates (Certification Measures 2026): the body audits each certificate it issued at
//! a frequency it sets, records findings with rectification deadlines, and sees when the next audit is due.

use super::events::{Event, Subject};
use chujing_law::Date;
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::certificates::CertificateRecord;
use super::{Actor, Columns, Now, access, audit, decode, record, revised, st, write};
use crate::{AppError, Result};

/// A finding of a supervision audit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// What was found.
    pub text: String,
    /// The day by which the holder rectifies it, if it must.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub rectify_by: Option<Date>,
}

/// A supervision audit as the body records it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditInput {
    /// The day it was carried out.
    #[schema(value_type = String)]
    pub date: Date,
    /// Findings (none: conforming).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The conclusion.
    pub conclusion: String,
}

/// A supervision audit as kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SupervisionAudit {
    /// The audit.
    #[serde(flatten)]
    pub input: AuditInput,
    /// Who recorded it.
    pub by: String,
}

/// A certificate's supervision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Supervision {
    /// The certificate.
    pub certificate: String,
    /// The holder.
    pub processor: String,
    /// The body.
    pub body: String,
    /// Months between audits, as the body set it.
    pub every_months: u8,
    /// Audits, oldest first.
    pub audits: Vec<SupervisionAudit>,
    /// The day the next audit is due: the last audit (or the issue day) plus the interval.
    #[schema(value_type = String)]
    pub next_due: Date,
    /// Findings whose rectification deadline has passed, as of the day read (the body follows them up).
    pub overdue_findings: usize,
}

impl Supervision {
    fn schedule(&mut self, issued: Date) {
        let last = self
            .audits
            .iter()
            .map(|a| a.input.date)
            .max()
            .unwrap_or(issued);
        self.next_due = last.add_months(i32::from(self.every_months));
    }

    /// Recounts what is overdue on `today`.
    pub fn as_of(mut self, today: Date) -> Supervision {
        self.overdue_findings = self
            .audits
            .iter()
            .flat_map(|a| &a.input.findings)
            .filter(|f| f.rectify_by.is_some_and(|d| today > d))
            .count();
        self
    }
}

/// Refuses anyone but the body that issued the certificate.
fn body_of(actor: &Actor, c: &CertificateRecord) -> Result<()> {
    if access::may_act_on_certificate(actor, c) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the certification body that issued the certificate supervises it".into(),
        ))
    }
}

/// Sets (or changes) how often the body audits certificate `number`.
pub async fn set_frequency(
    store: &Store,
    actor: &Actor,
    c: &CertificateRecord,
    every_months: u8,
    now: &Now,
) -> Result<Supervision> {
    body_of(actor, c)?;
    if !(1..=36).contains(&every_months) {
        return Err(AppError::Input(
            "audit at least every 36 months and at most monthly (`every_months` 1 to 36)".into(),
        ));
    }
    let number = c.certificate.number.to_string();
    let mut w = write(store).await?;
    let existing = st(w.get("supervision", &number).await)?;
    let mut s = match &existing {
        Some(rec) => decode(rec)?,
        None => Supervision {
            certificate: number.clone(),
            processor: c.certificate.holder.clone(),
            body: c.body.clone(),
            every_months,
            audits: Vec::new(),
            next_due: c.certificate.issued_on,
            overdue_findings: 0,
        },
    };
    s.every_months = every_months;
    s.schedule(c.certificate.issued_on);
    match existing {
        Some(rec) => st(w.update(&revised(&rec, "scheduled", &s, now)?).await)?,
        None => {
            let columns = Columns {
                kind: "supervision",
                id: &number,
                org: &s.processor,
                party: &s.body,
                state: "scheduled",
                search: number.clone(),
                province: None,
            };
            st(w.insert(&record(columns, &s, now)?).await)?;
        }
    }
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::SupervisionSchedule,
        Subject::Certificate(&number),
        &every_months,
    )
    .await?;
    st(w.commit().await)?;
    Ok(s.as_of(now.today))
}

/// Records a supervision audit of certificate `c` (its frequency set first).
pub async fn record_audit(
    store: &Store,
    actor: &Actor,
    c: &CertificateRecord,
    input: AuditInput,
    now: &Now,
) -> Result<Supervision> {
    body_of(actor, c)?;
    if input.conclusion.trim().is_empty() || input.findings.iter().any(|f| f.text.trim().is_empty())
    {
        return Err(AppError::Input(
            "an audit states its conclusion, and every finding what was found".into(),
        ));
    }
    if input.date > now.today || input.date < c.certificate.issued_on {
        return Err(AppError::Input(format!(
            "the audit's date {} is not between the certificate's issue ({}) and today",
            input.date, c.certificate.issued_on
        )));
    }
    let number = c.certificate.number.to_string();
    let mut w = write(store).await?;
    let rec = st(w.get("supervision", &number).await)?.ok_or_else(|| {
        AppError::Conflict(format!(
            "set how often certificate {number} is audited first (`every_months`)"
        ))
    })?;
    let mut s: Supervision = decode(&rec)?;
    s.audits.push(SupervisionAudit {
        input,
        by: actor.label(),
    });
    s.schedule(c.certificate.issued_on);
    st(w.update(&revised(&rec, "scheduled", &s, now)?).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::SupervisionAudit,
        Subject::Certificate(&number),
        &s.audits.last(),
    )
    .await?;
    st(w.commit().await)?;
    Ok(s.as_of(now.today))
}

/// A page of the supervision plans the actor may see, newest first, as of `today`.
pub async fn page(
    store: &Store,
    actor: &Actor,
    today: Date,
    req: &super::PageRequest,
) -> Result<super::Page<Supervision>> {
    super::page_where(
        store,
        "supervision",
        &access::own_or_assigned(actor),
        req,
        |s: Supervision| s.as_of(today),
    )
    .await
}

/// The supervision records passing `f`, as of `today`.
pub async fn list(store: &Store, actor: &Actor, today: Date) -> Result<Vec<Supervision>> {
    list_where(store, &access::own_or_assigned(actor), today).await
}

/// The plans passing `f`, as of `today`.
pub(crate) async fn list_where(
    store: &Store,
    f: &Filter<'_>,
    today: Date,
) -> Result<Vec<Supervision>> {
    st(store.records("supervision", f).await)?
        .iter()
        .map(|r| decode::<Supervision>(r).map(|s| s.as_of(today)))
        .collect()
}
