//! A processor's upcoming deadlines, gathered from what it has recorded: the duties that run from each flow's
//! mechanism (a standard contract's filing, a security assessment's expiry and the window to apply for its
//! extension), the filings under way, the renewal window of each certificate it holds, the supervision audits
//! its body has planned, and the rectification orders in force. The dates come from the rule packs
//! (`chujing_law`); nothing here states a term of its own.

use chujing_law::pathway::MechanismKind;
use chujing_law::profile::Mechanism;
use chujing_law::{Date, Lang, RuleBook};
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::Serialize;
use utoipa::ToSchema;

use super::orders::OrderKind;
use super::{Actor, certificates, filings, flows, orders, supervision};
use crate::Result;

/// What a deadline is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A duty running from a flow's mechanism (filing, expiry, extension).
    Mechanism,
    /// A standard contract filing under way.
    Filing,
    /// A certificate's renewal window.
    Renewal,
    /// A supervision audit planned by the certification body.
    Supervision,
    /// A rectification order's deadline.
    Rectification,
}

/// One deadline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deadline {
    /// What it is about.
    pub kind: DeadlineKind,
    /// The flow, filing, certificate or order it concerns.
    pub subject: String,
    /// What is to be done, in the language asked for.
    pub what: String,
    /// The first day of a window (a renewal, an extension), if it is one.
    #[schema(value_type = Option<String>)]
    pub from: Option<Date>,
    /// The last day.
    #[schema(value_type = String)]
    pub due: Date,
    /// Whether the day has passed.
    pub overdue: bool,
    /// The article or the record it comes from.
    pub citation: String,
}

/// The actor's own deadlines on `today`, soonest first.
pub async fn upcoming(
    book: &RuleBook,
    store: &Store,
    actor: &Actor,
    today: Date,
    lang: Lang,
) -> Result<Vec<Deadline>> {
    let own = Filter {
        org: Some(&actor.org.id),
        ..Filter::default()
    };
    let filings = filings::list_where(store, &own).await?;
    let mut out = Vec::new();
    for f in flows::list(store, &own).await? {
        let Some(m) = &f.mechanism else { continue };
        let Some(since) = m.since else { continue };
        // A certificate's renewal comes from the certificate itself, below; a contract with a filing under
        // way is dated by the filing.
        let filed = filings.iter().any(|x| x.recipient == f.recipient);
        if m.kind == MechanismKind::Certification
            || (m.kind == MechanismKind::StandardContract && filed)
        {
            continue;
        }
        let recorded = Mechanism {
            kind: m.kind,
            since,
            until: m.until,
        };
        for o in chujing_law::assess::mechanism_deadlines(book, &recorded, lang) {
            let Some(due) = o.due else { continue };
            out.push(Deadline {
                kind: DeadlineKind::Mechanism,
                subject: f.id.clone(),
                what: format!("{} — {}", o.text, o.due_text),
                from: None,
                due,
                overdue: due < today,
                citation: o.citation,
            });
        }
    }
    for f in filings.iter().filter(|f| {
        matches!(
            f.state,
            chujing_cert::FilingState::Draft | chujing_cert::FilingState::Returned
        )
    }) {
        let Some(due) = f.due_on else { continue };
        out.push(Deadline {
            kind: DeadlineKind::Filing,
            subject: f.id.clone(),
            what: match lang {
                Lang::Zh => format!("向省级网信部门提交与{}的标准合同备案", f.recipient),
                Lang::En => format!(
                    "file the standard contract with {} at the provincial CAC",
                    f.recipient
                ),
            },
            from: None,
            due,
            overdue: due < today,
            citation: f.citation.clone().unwrap_or_default(),
        });
    }
    for c in certificates::list_where(store, &own, today).await? {
        use chujing_cert::CertificateStatus as S;
        if matches!(c.status_today, S::Revoked | S::Expired) {
            continue;
        }
        let cert = &c.certificate;
        let Some(terms) = chujing_law::certification::terms(book, cert.issued_on, lang)? else {
            continue;
        };
        let Some((from, due)) = terms.renewal_window_before(cert.expires_on) else {
            continue;
        };
        out.push(Deadline {
            kind: DeadlineKind::Renewal,
            subject: cert.number.to_string(),
            what: match lang {
                Lang::Zh => format!("申请证书续期（证书于{}届满）", cert.expires_on),
                Lang::En => format!(
                    "apply for the certificate's renewal (it expires on {})",
                    cert.expires_on
                ),
            },
            from: Some(from),
            due,
            overdue: due < today,
            citation: terms.renewal_months.map(|t| t.citation).unwrap_or_default(),
        });
    }
    for p in supervision::list_where(store, &own, today).await? {
        out.push(Deadline {
            kind: DeadlineKind::Supervision,
            what: match lang {
                Lang::Zh => format!("认证机构对证书{}的获证后监督", p.certificate),
                Lang::En => format!(
                    "the certification body's supervision audit of {}",
                    p.certificate
                ),
            },
            subject: p.certificate,
            from: None,
            due: p.next_due,
            overdue: p.next_due < today,
            citation: String::new(),
        });
    }
    for o in orders::list_where(store, &own).await? {
        let (OrderKind::Rectification, chujing_cert::OrderState::InForce, Some(due)) =
            (o.kind, o.status, o.deadline)
        else {
            continue;
        };
        out.push(Deadline {
            kind: DeadlineKind::Rectification,
            subject: o.reference,
            what: o.text,
            from: None,
            due,
            overdue: due < today,
            citation: String::new(),
        });
    }
    out.sort_by(|a, b| (a.due, &a.subject).cmp(&(b.due, &b.subject)));
    Ok(out)
}
