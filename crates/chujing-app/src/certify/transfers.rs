//! The transfer gate of the certification service: would a batch on a processor's flow need a mechanism the
//! flow has not got, breach the scope of the certificate it relies on, or go out while the regulator has
//! suspended the processor's transfers? `check` answers without recording; `record` records the batch in the
//! processor's own ledger (idempotent by batch id) and answers the same question on the ledger with it.
//!
//! A batch recorded is always counted, whatever the answer: the ledger records what went abroad, and a batch
//! dropped because it should not have gone would be an undercount. A recorded batch outside its certificate's
//! scope opens a scope case in the certification body's queue (Certification Measures 2026 Art. 10).

use super::events::{Event, Subject};
use std::collections::HashMap;
use std::sync::Arc;

use chujing_cert::CertificateStatus;
use chujing_cert::scope::{ScopeBreach, Transfer};
use chujing_law::certification::terms;
use chujing_law::{Date, Lang, ProcessorFact, RuleBook};
use chujing_ledger::{
    BatchIdentity, BatchMeta, BatchRef, FlowSettings, Insert, LedgerStore, ProcessorSettings,
    Status, StoredBatch, SubjectHasher, SubjectSet, WindowCount, decide_counts, evaluate,
    normalise,
};
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::certificates::CertificateRecord;
use super::flows::{self, FlowRecord};
use super::fresh::Views;
use super::orders::{self, Order};
use super::{Actor, Now, audit, st, write};
use crate::ledger::DEFAULT_ALERT_SHARE;
use crate::{AppError, Result};

/// The most individuals a batch given by its size alone may hold: each is stored as a 16-byte entry.
pub const MAX_COUNTED_BY_SIZE: u64 = 5_000_000;

/// A what-if: a batch of `individuals` on `flow` on `date`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferCheck {
    /// The flow (declared with `PUT /api/v1/flows/{id}`).
    pub flow: String,
    /// The transfer day (default: today in China).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub date: Option<Date>,
    /// Individuals in the batch: counted as individuals not yet exported in the window (the conservative
    /// reading of a size without keys).
    pub individuals: u64,
    /// Of them, individuals with sensitive PI.
    #[serde(default)]
    pub sensitive_individuals: u64,
}

/// A batch to record: its individuals by key (exact, deduplicated against the ledger) or by size.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTransfer {
    /// The idempotency key: the same batch id is recorded once; given again for a different batch, refused.
    pub batch_id: String,
    /// The flow.
    pub flow: String,
    /// The transfer day (default: today in China).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub date: Option<Date>,
    /// The subjects' keys (an ID number, a customer id, or a hash the sender computes the same way for the
    /// same person); the service hashes them again with its ledger key and keeps only that.
    #[serde(default)]
    pub subjects: Option<Vec<String>>,
    /// Keys of the subjects whose records carry sensitive PI (also counted as subjects).
    #[serde(default)]
    pub sensitive_subjects: Vec<String>,
    /// The batch's size, when keys are not sent: counted as that many individuals distinct from every other.
    #[serde(default)]
    pub individuals: Option<u64>,
    /// Of them, individuals with sensitive PI (with `individuals`).
    #[serde(default)]
    pub sensitive_individuals: Option<u64>,
}

/// The gate's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The batch may go.
    Allow,
    /// It may not: see the reasons.
    Deny,
}

/// Why the gate answers as it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// The regulator has suspended the processor's transfers.
    TransfersSuspended,
    /// The flow needs a mechanism that is not in force on the day.
    MechanismMissing,
    /// The certificate the flow relies on is not valid on the day.
    CertificateNotValid,
    /// The batch falls outside the certificate's scope.
    OutsideScope,
    /// The pathway is satisfied by a mechanism in force.
    MechanismInForce,
    /// The flow needs no mechanism (an exemption, or below every threshold).
    NoMechanismNeeded,
    /// The batch was given by its size, counted as individuals not yet exported.
    CountedBySize,
    /// The processor's facts that the law in force reads are not recorded (`facts` names them): the gate
    /// decides nothing on assumed ones, and denies.
    ProcessorFactsMissing,
    /// The mechanism recorded for the flow expired before the day (an assessment's approval, a contract's
    /// term): the message names the day it ended.
    MechanismExpired,
    /// The mechanism recorded for the flow takes effect only after the day.
    MechanismNotYetInForce,
    /// The exemption the flow claims is not upheld: the message says why. With a mechanism missing, the
    /// rejection is the cause.
    ExemptionRejected,
    /// The flow's standard contract was not filed by its deadline (Standard Contract Measures Art. 7): denied
    /// until a filing is made.
    ContractNotFiled,
    /// The flow's standard contract filing was returned for correction and the day the regulator set to
    /// correct it by has passed.
    FilingCorrectionOverdue,
    /// The standard contract's filing is still due (the message gives the deadline); the flow is allowed
    /// meanwhile.
    ContractFilingDue,
    /// The standard contract's filing was returned for correction; the flow is allowed until the day the
    /// regulator set.
    FilingBeingCorrected,
}

impl ReasonCode {
    /// Whether the reason denies the batch on its own.
    pub fn denies(self) -> bool {
        matches!(
            self,
            ReasonCode::TransfersSuspended
                | ReasonCode::ProcessorFactsMissing
                | ReasonCode::MechanismMissing
                | ReasonCode::MechanismExpired
                | ReasonCode::MechanismNotYetInForce
                | ReasonCode::CertificateNotValid
                | ReasonCode::OutsideScope
                | ReasonCode::ContractNotFiled
                | ReasonCode::FilingCorrectionOverdue
        )
    }

    /// Where the reason stands in the answer: what decided it first — the regulator's order, missing facts,
    /// a rejected claim that made a mechanism necessary, then the mechanism's own failings — then what only
    /// informs.
    fn rank(self) -> u8 {
        match self {
            ReasonCode::TransfersSuspended => 0,
            ReasonCode::ProcessorFactsMissing => 1,
            ReasonCode::ExemptionRejected => 2,
            ReasonCode::MechanismExpired
            | ReasonCode::MechanismNotYetInForce
            | ReasonCode::MechanismMissing
            | ReasonCode::CertificateNotValid
            | ReasonCode::ContractNotFiled
            | ReasonCode::FilingCorrectionOverdue => 3,
            ReasonCode::OutsideScope => 4,
            ReasonCode::ContractFilingDue | ReasonCode::FilingBeingCorrected => 5,
            ReasonCode::MechanismInForce | ReasonCode::NoMechanismNeeded => 6,
            ReasonCode::CountedBySize => 7,
        }
    }
}

/// One reason, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    /// What it is.
    pub code: ReasonCode,
    /// In English.
    pub message: String,
    /// In Chinese.
    pub message_zh: String,
    /// The article or order it rests on.
    pub citation: Option<String>,
    /// The facts it names (`processor_facts_missing`): `ciio`, `located_in_china`, `individuals_processed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub facts: Vec<ProcessorFact>,
}

/// The window's figures before and after the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WindowFigures {
    /// First day counted.
    #[schema(value_type = String)]
    pub from: Date,
    /// Last day counted.
    #[schema(value_type = String)]
    pub to: Date,
    /// Individuals exported in the window before the batch.
    pub individuals_before: u64,
    /// And after it.
    pub individuals_after: u64,
    /// Individuals with sensitive PI before the batch.
    pub sensitive_individuals_before: u64,
    /// And after it.
    pub sensitive_individuals_after: u64,
}

/// The gate's answer, with what it rests on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GateAnswer {
    /// `allow` or `deny`.
    pub decision: Verdict,
    /// The processor.
    pub processor: String,
    /// The flow.
    pub flow: String,
    /// The transfer day.
    #[schema(value_type = String)]
    pub date: Date,
    /// The pathway the flow needs after the batch (`None`: the law in force decides nothing for it).
    pub pathway: Option<String>,
    /// The processor's pathway after the batch.
    pub processor_pathway: Option<String>,
    /// The window.
    pub window: Option<WindowFigures>,
    /// Why.
    pub reasons: Vec<Reason>,
    /// Every article and order the answer rests on.
    pub citations: Vec<String>,
    /// The suspension order in force, by reference.
    pub suspension: Option<String>,
    /// The certificate the flow relies on.
    pub certificate: Option<String>,
    /// How the batch falls outside that certificate's scope.
    #[schema(value_type = Vec<Object>)]
    pub scope_breaches: Vec<ScopeBreach>,
}

/// What recording a batch did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Recorded {
    /// The batch id.
    pub batch_id: String,
    /// False when the batch was recorded before (the same batch: nothing changed).
    pub recorded: bool,
    /// Distinct individuals in the batch.
    pub individuals: u64,
    /// Of them, with sensitive PI.
    pub sensitive_individuals: u64,
    /// The scope case opened for it, if it fell outside its certificate's scope.
    pub scope_case: Option<String>,
    /// The gate's answer on the ledger with the batch.
    pub answer: GateAnswer,
}

/// What the gate knows of one processor on one day.
#[derive(Debug)]
pub struct Snapshot {
    processor_id: String,
    processor: ProcessorSettings,
    /// The facts the law in force reads that the processor has not recorded.
    missing: Vec<ProcessorFact>,
    flows: Vec<FlowRecord>,
    settings: Vec<FlowSettings>,
    certificates: HashMap<String, CertificateRecord>,
    suspension: Option<Order>,
    /// The processor's standard contract filings.
    filings: Vec<super::filings::Filing>,
    batches: Vec<Arc<StoredBatch>>,
    /// The status before any new batch.
    before: Status,
    /// Distinct individuals exported up to each day of the window, worked out when an overview first asks.
    cumulative: std::sync::OnceLock<Vec<(Date, u64)>>,
}

impl Snapshot {
    /// Reads what the gate needs of `processor` on `date`.
    pub async fn load(
        book: &RuleBook,
        store: &Store,
        cache: &super::fresh::BatchCache,
        processor: &str,
        date: Date,
    ) -> Result<Snapshot> {
        let owned = Filter {
            org: Some(processor),
            ..Filter::default()
        };
        let flows = flows::list(store, &owned).await?;
        let certificates: HashMap<String, CertificateRecord> =
            st(store.records("certificate", &owned).await)?
                .iter()
                .map(super::decode::<CertificateRecord>)
                .map(|r| r.map(|c| (c.certificate.number.to_string(), c)))
                .collect::<Result<_>>()?;
        let settings = flows
            .iter()
            .map(|f| {
                let cert = f.certificate().and_then(|n| certificates.get(n)).map(|r| {
                    let c = &r.certificate;
                    (
                        c.issued_on,
                        c.expires_on,
                        c.status_on(date) == CertificateStatus::Valid,
                    )
                });
                f.settings(cert)
            })
            .collect::<Vec<_>>();
        let ledger = store.for_processor(processor);
        let regime = book.regime_at(date)?;
        let from = regime.window_start(date).unwrap_or(date);
        let batches = cache.window(&ledger, processor, from, date).await?;
        let recorded = ledger
            .processor()
            .await
            .map_err(|e| AppError::from_store("cannot read the processor's settings", e))?;
        let missing = crate::settings::missing_facts(book, date, recorded.as_ref())?;
        // Counted with placeholders only to give the window's figures: no pathway is read from them while a
        // fact is missing (see `answer`).
        let processor_settings = recorded.unwrap_or_default();
        let refs: Vec<BatchRef<'_>> = batches.iter().map(|b| b.as_batch_ref()).collect();
        let before = evaluate(
            book,
            date,
            &processor_settings,
            &settings,
            &refs,
            DEFAULT_ALERT_SHARE,
        )?;
        Ok(Snapshot {
            processor_id: processor.into(),
            processor: processor_settings,
            missing,
            suspension: orders::suspension(store, processor).await?,
            filings: super::filings::list_where(store, &owned).await?,
            flows,
            settings,
            certificates,
            batches,
            before,
            cumulative: std::sync::OnceLock::new(),
        })
    }

    /// The snapshot of `processor` on `date` kept in `views`, read again when anything has changed.
    async fn kept(
        book: &RuleBook,
        store: &Store,
        views: &Views,
        processor: &str,
        date: Date,
    ) -> Result<Arc<Snapshot>> {
        views
            .gate
            .get(store, (processor.to_string(), date), || {
                Snapshot::load(book, store, &views.batches, processor, date)
            })
            .await
    }

    fn flow(&self, id: &str) -> Result<&FlowRecord> {
        self.flows.iter().find(|f| f.id == id).ok_or_else(|| {
            AppError::NotFound(format!(
                "no flow `{id}` for `{}`: declare it first (PUT /api/v1/flows/{id})",
                self.processor_id
            ))
        })
    }

    /// The status after a batch known only by its size: `individuals` added to the window (if the flow
    /// counts) and to the flow, as if none had been exported before.
    fn after_counts(&self, book: &RuleBook, date: Date, q: &TransferCheck) -> Result<Status> {
        let Some(window) = self.before.windows.first() else {
            return Ok(self.before.clone());
        };
        // The counts before the batch are the snapshot's, one per flow: derived once when it was read, not
        // recounted over the window's sets at every check.
        let counted = self.before.flow(&q.flow).is_none_or(|f| f.decision.counted);
        let mut w: WindowCount = window.count.clone();
        if counted {
            w.individuals = w.individuals.saturating_add(q.individuals);
            w.sensitive_individuals = w
                .sensitive_individuals
                .saturating_add(q.sensitive_individuals);
        }
        let mut flows: Vec<(String, u64, u64)> = self
            .before
            .flows
            .iter()
            .map(|f| {
                let d = &f.decision;
                (d.flow.clone(), d.individuals, d.sensitive_individuals)
            })
            .collect();
        match flows.iter_mut().find(|(id, _, _)| *id == q.flow) {
            Some((_, n, s)) => {
                *n = n.saturating_add(q.individuals);
                *s = s.saturating_add(q.sensitive_individuals);
            }
            None => flows.push((q.flow.clone(), q.individuals, q.sensitive_individuals)),
        }
        Ok(decide_counts(
            book,
            date,
            &self.processor,
            &self.settings,
            w,
            &flows,
            DEFAULT_ALERT_SHARE,
        )?)
    }

    /// The status after a batch known by its individuals.
    fn after_batch(&self, book: &RuleBook, date: Date, batch: &StoredBatch) -> Result<Status> {
        let refs: Vec<BatchRef<'_>> = self
            .batches
            .iter()
            .map(|b| b.as_batch_ref())
            .chain(std::iter::once(batch.as_batch_ref()))
            .collect();
        Ok(evaluate(
            book,
            date,
            &self.processor,
            &self.settings,
            &refs,
            DEFAULT_ALERT_SHARE,
        )?)
    }
}

fn reason(code: ReasonCode, en: String, zh: String, citation: Option<String>) -> Reason {
    Reason {
        code,
        message: en,
        message_zh: zh,
        citation,
        facts: Vec::new(),
    }
}

fn facts_missing(facts: &[ProcessorFact]) -> Reason {
    Reason {
        facts: facts.to_vec(),
        ..reason(
            ReasonCode::ProcessorFactsMissing,
            crate::error::missing_facts_message(facts, Lang::En),
            crate::error::missing_facts_message(facts, Lang::Zh),
            None,
        )
    }
}

/// The gate's answer for `flow` on `date`, given the status after the batch.
fn answer(
    book: &RuleBook,
    snap: &Snapshot,
    flow: &FlowRecord,
    date: Date,
    after: &Status,
) -> Result<GateAnswer> {
    let mut reasons = Vec::new();
    let mut citations: Vec<String> = Vec::new();
    if !snap.missing.is_empty() {
        return Ok(undecided(snap, flow, date, after));
    }
    if let Some(o) = &snap.suspension {
        reasons.push(suspended(o));
    }
    let status = after.flow(&flow.id);
    let pathway = status.and_then(|f| f.decision.pathway);
    let satisfied = status.is_none_or(|f| f.satisfied);
    let mechanism = status.and_then(|f| f.mechanism);
    match (pathway, satisfied) {
        (Some(p), false) => reasons.push(mechanism_problem(book, flow, mechanism, p, date)),
        (Some(p), true) if !p.is_satisfied_by(None) => {
            if let Some(m) =
                mechanism.filter(|m| m.kind == chujing_law::MechanismKind::StandardContract)
            {
                reasons.extend(filing_check(book, snap, flow, m, date)?);
            }
            reasons.push(reason(
                ReasonCode::MechanismInForce,
                format!("{} is satisfied by a mechanism in force", p.label(Lang::En)),
                format!("{}已由有效机制满足", p.label(Lang::Zh)),
                None,
            ));
        }
        _ => reasons.push(reason(
            ReasonCode::NoMechanismNeeded,
            format!("flow `{}` needs no mechanism on {date}", flow.id),
            format!("数据流“{}”于 {date} 无须出境机制", flow.id),
            None,
        )),
    }
    if let Some(r) = status.and_then(|f| f.decision.rejected_claim.as_ref()) {
        reasons.push(reason(
            ReasonCode::ExemptionRejected,
            format!("flow `{}`: {}", flow.id, r.text),
            format!("数据流“{}”：{}", flow.id, r.text_zh),
            r.citation.clone(),
        ));
    }
    let (certificate, breaches) = certificate_check(book, snap, flow, date, after, &mut reasons)?;
    for t in after.windows.iter().flat_map(|w| &w.thresholds) {
        if t.reached {
            citations.extend(t.rules.iter().cloned());
        }
    }
    let deny = reasons.iter().any(|r| r.code.denies());
    // A mechanism that does not carry this batch (a certificate out of scope or not valid, a contract not
    // filed) is not "a mechanism in force" for it: the answer does not say both.
    if deny {
        reasons.retain(|r| r.code != ReasonCode::MechanismInForce);
    }
    // The decisive reason first.
    reasons.sort_by_key(|r| r.code.rank());
    citations.extend(reasons.iter().filter_map(|r| r.citation.clone()));
    citations.dedup();
    Ok(GateAnswer {
        decision: if deny { Verdict::Deny } else { Verdict::Allow },
        processor: snap.processor_id.clone(),
        flow: flow.id.clone(),
        date,
        pathway: pathway.map(|p| p.id().to_string()),
        processor_pathway: after.pathway.map(|p| p.id().to_string()),
        window: window_figures(&snap.before, after),
        reasons,
        citations,
        suspension: snap.suspension.as_ref().map(|o| o.reference.clone()),
        certificate,
        scope_breaches: breaches,
    })
}

/// Why the flow's pathway is not satisfied on `date`: the mechanism recorded expired (on the day it ended), or
/// takes effect later, or is of a kind that does not satisfy the pathway, or there is none.
fn mechanism_problem(
    book: &RuleBook,
    flow: &FlowRecord,
    mechanism: Option<chujing_law::profile::Mechanism>,
    p: chujing_law::Pathway,
    date: Date,
) -> Reason {
    let needs = |lang| p.label(lang);
    match mechanism {
        Some(m) if m.since > date => reason(
            ReasonCode::MechanismNotYetInForce,
            format!(
                "flow `{}` needs {}; the {} recorded takes effect on {}, after {date}",
                flow.id,
                needs(Lang::En),
                m.kind.label(Lang::En),
                m.since
            ),
            format!(
                "数据流“{}”须{}；所记录的{}自 {} 起生效，晚于 {date}",
                flow.id,
                needs(Lang::Zh),
                m.kind.label(Lang::Zh),
                m.since
            ),
            None,
        ),
        Some(m) if p.is_satisfied_by(Some(m.kind)) => {
            let ended = chujing_law::assess::valid_until(book, &m);
            let day = ended.map_or_else(|| "?".to_string(), |d| d.to_string());
            reason(
                ReasonCode::MechanismExpired,
                format!(
                    "flow `{}` needs {}; the {} recorded (in effect from {}) expired on {day}",
                    flow.id,
                    needs(Lang::En),
                    m.kind.label(Lang::En),
                    m.since
                ),
                format!(
                    "数据流“{}”须{}；所记录的{}（自 {} 起生效）已于 {day} 届满",
                    flow.id,
                    needs(Lang::Zh),
                    m.kind.label(Lang::Zh),
                    m.since
                ),
                None,
            )
        }
        Some(m) => reason(
            ReasonCode::MechanismMissing,
            format!(
                "flow `{}` needs {} on {date}; the {} recorded does not satisfy it",
                flow.id,
                needs(Lang::En),
                m.kind.label(Lang::En)
            ),
            format!(
                "数据流“{}”于 {date} 须{}；所记录的{}不能满足",
                flow.id,
                needs(Lang::Zh),
                m.kind.label(Lang::Zh)
            ),
            None,
        ),
        None => reason(
            ReasonCode::MechanismMissing,
            format!(
                "flow `{}` needs {} and has no such mechanism in force on {date}",
                flow.id,
                needs(Lang::En)
            ),
            format!(
                "数据流“{}”须{}，{date} 无有效的相应机制",
                flow.id,
                needs(Lang::Zh)
            ),
            None,
        ),
    }
}

/// The recipient named alike: trimmed, spaces collapsed, case ignored.
fn same_recipient(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The filing of the standard contract `m` a flow relies on (Standard Contract Measures Art. 7: within 10
/// working days of the contract taking effect), as of `date`: a filing submitted or accepted for the flow's
/// recipient satisfies it; one returned for correction keeps the flow allowed until the day the regulator set
/// to correct it by; without either, the flow is allowed until the deadline and denied after it.
fn filing_check(
    book: &RuleBook,
    snap: &Snapshot,
    flow: &FlowRecord,
    m: chujing_law::profile::Mechanism,
    date: Date,
) -> Result<Option<Reason>> {
    use super::filings::FilingState as S;
    let filings: Vec<&super::filings::Filing> = snap
        .filings
        .iter()
        .filter(|f| same_recipient(&f.recipient, &flow.recipient))
        .collect();
    if filings
        .iter()
        .any(|f| matches!(f.state, S::Submitted | S::Accepted))
    {
        return Ok(None);
    }
    if let Some(f) = filings.iter().find(|f| f.state == S::Returned) {
        return Ok(Some(returned_filing(f, flow, date)));
    }
    let Some(due) = chujing_law::filing::contract_filing_due(book, m.since, Lang::En)? else {
        return Ok(None);
    };
    let due_zh = chujing_law::filing::contract_filing_due(book, m.since, Lang::Zh)?
        .map_or_else(|| due.citation.clone(), |d| d.citation);
    let day = due.due.date;
    Ok(Some(if date > day {
        reason(
            ReasonCode::ContractNotFiled,
            format!(
                "the standard contract with {} took effect on {}; its filing was due by {day} ({}) and has \
                 not been made: transfers under it are denied until it is",
                flow.recipient, m.since, due.citation
            ),
            format!(
                "与{}的标准合同自 {} 生效，应于 {day} 前备案（{due_zh}），至今未备案：备案前不予出境",
                flow.recipient, m.since
            ),
            Some(due.citation),
        )
    } else {
        reason(
            ReasonCode::ContractFilingDue,
            format!(
                "the standard contract with {} took effect on {}: file it by {day} ({})",
                flow.recipient, m.since, due.citation
            ),
            format!(
                "与{}的标准合同自 {} 生效：应于 {day} 前备案（{due_zh}）",
                flow.recipient, m.since
            ),
            Some(due.citation),
        )
    }))
}

/// A filing returned for correction: the flow stays allowed until the day the regulator set, denied after.
fn returned_filing(f: &super::filings::Filing, flow: &FlowRecord, date: Date) -> Reason {
    let by = f.rounds.last().and_then(|r| r.correct_by);
    match by {
        Some(by) if date <= by => reason(
            ReasonCode::FilingBeingCorrected,
            format!(
                "the filing {} of the standard contract with {} was returned for correction; the contract \
                 stays usable until {by}, the day set to correct it by",
                f.id, flow.recipient
            ),
            format!(
                "与{}的标准合同备案 {} 已被退回补正；补正期限 {by} 前可继续使用该合同",
                flow.recipient, f.id
            ),
            f.citation.clone(),
        ),
        _ => {
            let day = by.map_or_else(|| "a day not recorded".to_string(), |d| d.to_string());
            let day_zh = by.map_or_else(|| "未记录".to_string(), |d| d.to_string());
            reason(
                ReasonCode::FilingCorrectionOverdue,
                format!(
                    "the filing {} of the standard contract with {} was returned for correction by {day} and \
                     has not been submitted again: no filing stands for the contract",
                    f.id, flow.recipient
                ),
                format!(
                    "与{}的标准合同备案 {} 已被退回补正，补正期限 {day_zh} 已过且未重新提交",
                    flow.recipient, f.id
                ),
                f.citation.clone(),
            )
        }
    }
}

/// The answer while the processor's facts are missing: deny, naming them, with the window's figures and no
/// pathway (one read from placeholder facts would be the lighter answer assumed).
fn undecided(snap: &Snapshot, flow: &FlowRecord, date: Date, after: &Status) -> GateAnswer {
    let mut reasons = vec![facts_missing(&snap.missing)];
    if let Some(o) = &snap.suspension {
        reasons.push(suspended(o));
    }
    GateAnswer {
        decision: Verdict::Deny,
        processor: snap.processor_id.clone(),
        flow: flow.id.clone(),
        date,
        pathway: None,
        processor_pathway: None,
        window: window_figures(&snap.before, after),
        citations: reasons.iter().filter_map(|r| r.citation.clone()).collect(),
        reasons,
        suspension: snap.suspension.as_ref().map(|o| o.reference.clone()),
        certificate: flow.certificate().map(str::to_string),
        scope_breaches: Vec::new(),
    }
}

fn suspended(o: &Order) -> Reason {
    reason(
        ReasonCode::TransfersSuspended,
        format!(
            "the regulator suspended this processor's transfers by order {} ({})",
            o.reference, o.issued_on
        ),
        format!(
            "监管部门已以 {} 号决定（{}）暂停该处理者的数据出境",
            o.reference, o.issued_on
        ),
        // The order states its own grounds (`text`); the gate cites the order, not an article of its own
        // choosing: which article a regulator suspends under depends on the instrument it acts on.
        Some(o.reference.clone()),
    )
}

fn window_figures(before: &Status, after: &Status) -> Option<WindowFigures> {
    let w = after.windows.first()?;
    let (b, bs) = before.totals();
    Some(WindowFigures {
        from: w.count.from,
        to: w.count.to,
        individuals_before: b,
        individuals_after: w.count.individuals,
        sensitive_individuals_before: bs,
        sensitive_individuals_after: w.count.sensitive_individuals,
    })
}

/// The certificate a certification flow relies on: whether it is valid on `date`, and how the batch falls
/// outside its scope (Art. 10). A flow whose pathway needs no mechanism is not held to a certificate.
fn certificate_check(
    book: &RuleBook,
    snap: &Snapshot,
    flow: &FlowRecord,
    date: Date,
    after: &Status,
    reasons: &mut Vec<Reason>,
) -> Result<(Option<String>, Vec<ScopeBreach>)> {
    let Some(number) = flow.certificate() else {
        return Ok((None, Vec::new()));
    };
    let relies = after
        .flow(&flow.id)
        .and_then(|f| f.decision.pathway)
        .is_some_and(|p| !p.is_satisfied_by(None));
    let scope_citation = terms(book, date, Lang::En)?.and_then(|t| t.scope_citation);
    let Some(c) = snap.certificates.get(number).map(|r| &r.certificate) else {
        return Ok((Some(number.into()), Vec::new()));
    };
    let status = c.status_on(date);
    if status != CertificateStatus::Valid {
        if relies {
            let why = c.reason.as_deref().unwrap_or("");
            reasons.push(reason(
                ReasonCode::CertificateNotValid,
                format!("certificate {number} is {} on {date} {why}", status.id())
                    .trim_end()
                    .into(),
                format!("证书 {number} 于 {date} 状态为 {} {why}", status.id())
                    .trim_end()
                    .into(),
                scope_citation.clone(),
            ));
        }
        return Ok((Some(number.into()), Vec::new()));
    }
    let (individuals, sensitive) = after.totals();
    let breaches = c.scope.check(&Transfer {
        categories: flow.categories.clone(),
        purposes: flow.purposes.clone(),
        recipient: Some(flow.recipient.clone()),
        // A destination not recorded is not shown to be covered.
        country: flow
            .country
            .map_or_else(|| "(not recorded)".to_string(), |c| c.to_string()),
        window_individuals: individuals,
        window_sensitive_individuals: sensitive,
    });
    if relies && !breaches.is_empty() {
        let list = |lang| {
            breaches
                .iter()
                .map(|b| b.describe(lang))
                .collect::<Vec<_>>()
                .join("; ")
        };
        reasons.push(reason(
            ReasonCode::OutsideScope,
            format!(
                "outside the scope of certificate {number}: {}",
                list(Lang::En)
            ),
            format!("超出证书 {number} 的认证范围：{}", list(Lang::Zh)),
            scope_citation,
        ));
    }
    Ok((
        Some(number.into()),
        if relies { breaches } else { Vec::new() },
    ))
}

/// Would a batch of this size on this flow be allowed? Records nothing.
pub async fn check(
    book: &RuleBook,
    store: &Store,
    views: &Views,
    actor: &Actor,
    q: &TransferCheck,
    now: &Now,
) -> Result<GateAnswer> {
    if q.sensitive_individuals > q.individuals {
        return Err(AppError::Input(format!(
            "sensitive_individuals ({}) exceeds individuals ({}): the sensitive ones are among them",
            q.sensitive_individuals, q.individuals
        )));
    }
    let date = q.date.unwrap_or(now.today);
    let snap = Snapshot::kept(book, store, views, &actor.org.id, date).await?;
    let flow = snap.flow(&q.flow)?;
    let after = snap.after_counts(book, date, q)?;
    let mut a = answer(book, &snap, flow, date, &after)?;
    a.reasons.push(counted_by_size(q.individuals));
    Ok(a)
}

fn counted_by_size(n: u64) -> Reason {
    reason(
        ReasonCode::CountedBySize,
        format!(
            "the batch's {n} individuals are counted as not yet exported in the window (no keys were given)"
        ),
        format!("该批次的 {n} 人按本期间内尚未出境计算（未提供标识）"),
        None,
    )
}

/// The batch's sets: from keys (hashed with the service's ledger key) or from a size (entries that stand
/// for distinct individuals, derived from the batch id).
fn batch_sets(hasher: &SubjectHasher, t: &NewTransfer) -> Result<(SubjectSet, SubjectSet)> {
    let key = |k: &String, what: &str| {
        normalise(k).map(|n| hasher.hash(&n)).ok_or_else(|| {
            AppError::Input(format!(
                "{what}: an empty subject key; every subject must be named"
            ))
        })
    };
    match (&t.subjects, t.individuals) {
        (Some(subjects), None) => {
            if t.sensitive_individuals.is_some() {
                return Err(AppError::Input(
                    "with `subjects`, name the sensitive ones in `sensitive_subjects`, not by a count".into(),
                ));
            }
            let sensitive: Vec<u128> = t
                .sensitive_subjects
                .iter()
                .map(|k| key(k, "sensitive_subjects"))
                .collect::<Result<_>>()?;
            let mut all: Vec<u128> = subjects
                .iter()
                .map(|k| key(k, "subjects"))
                .collect::<Result<_>>()?;
            all.extend(&sensitive);
            Ok((
                SubjectSet::from_hashes(all),
                SubjectSet::from_hashes(sensitive),
            ))
        }
        (None, Some(n)) => {
            let s = t.sensitive_individuals.unwrap_or(0);
            if !t.sensitive_subjects.is_empty() || s > n {
                return Err(AppError::Input(
                    "with `individuals`, give `sensitive_individuals` (at most `individuals`), not keys".into(),
                ));
            }
            if n > MAX_COUNTED_BY_SIZE {
                return Err(AppError::Input(format!(
                    "a batch given by its size holds at most {MAX_COUNTED_BY_SIZE} individuals; split it into \
                     batches, or send the subjects' keys"
                )));
            }
            // NUL never survives in a real key, so these stand apart from every person named by key.
            let h = |i: u64| hasher.hash(&format!("\0size\0{}\0{i}", t.batch_id));
            let all: Vec<u128> = (0..n).map(h).collect();
            let sensitive: Vec<u128> = (0..s).map(h).collect();
            Ok((
                SubjectSet::from_hashes(all),
                SubjectSet::from_hashes(sensitive),
            ))
        }
        _ => Err(AppError::Input(
            "give the batch's subjects (`subjects`) or its size (`individuals`), one of the two"
                .into(),
        )),
    }
}

/// Records a batch on the actor's flow and answers the gate on the ledger with it; a batch outside its
/// certificate's scope opens a scope case for the certificate's body.
pub async fn record_batch(
    book: &RuleBook,
    store: &Store,
    views: &Views,
    hasher: &SubjectHasher,
    actor: &Actor,
    t: &NewTransfer,
    now: &Now,
) -> Result<Recorded> {
    if t.batch_id.trim().is_empty() || t.batch_id.len() > 200 {
        return Err(AppError::Input(
            "a batch id of 1 to 200 characters is required (the idempotency key)".into(),
        ));
    }
    let date = t.date.unwrap_or(now.today);
    let (subjects, sensitive) = batch_sets(hasher, t)?;
    let by_size = t.individuals.is_some();
    let content_hash = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for set in [&subjects, &sensitive] {
            h.update(set.len().to_le_bytes());
            set.as_slice()
                .iter()
                .for_each(|x| h.update(x.to_le_bytes()));
        }
        let d = h.finalize();
        u64::from_le_bytes(std::array::from_fn(|i| d.get(i).copied().unwrap_or(0)))
    };
    let fingerprint = BatchIdentity {
        flow: &t.flow,
        date,
        subject_column: if by_size { "size" } else { "keys" },
        sensitive_column: None,
        all_sensitive: false,
        content_hash,
    }
    .default_id();
    let processor = &actor.org.id;
    let ledger = store.for_processor(processor);
    let (mut w, snap, stored) = current_view(
        book,
        store,
        &views.batches,
        &ledger,
        processor,
        date,
        &t.batch_id,
    )
    .await?;
    let flow = snap.flow(&t.flow)?.clone();
    let batch = StoredBatch {
        meta: BatchMeta {
            batch_id: t.batch_id.clone(),
            flow_id: t.flow.clone(),
            date,
            recipient: Some(flow.recipient.clone()),
            categories: flow.categories.clone(),
            key_id: hasher.key_id().to_string(),
            records: subjects.len(),
            individuals: subjects.len(),
            sensitive_individuals: sensitive.len(),
            fingerprint,
        },
        subjects,
        sensitive,
    };
    if let Some(stored) = stored {
        if stored.fingerprint != batch.meta.fingerprint {
            return Err(AppError::Conflict(format!(
                "batch id `{}` is already recorded for a different batch (flow `{}`, {}, {} individuals); give \
                 this batch its own id",
                t.batch_id, stored.flow_id, stored.date, stored.individuals
            )));
        }
        let answer = answer(book, &snap, &flow, date, &snap.before)?;
        return Ok(Recorded {
            batch_id: t.batch_id.clone(),
            recorded: false,
            individuals: stored.individuals,
            sensitive_individuals: stored.sensitive_individuals,
            scope_case: None,
            answer,
        });
    }
    let after = snap.after_batch(book, date, &batch)?;
    let mut answer = answer(book, &snap, &flow, date, &after)?;
    if by_size {
        answer.reasons.push(counted_by_size(batch.meta.individuals));
    }
    let inserted = st(w.insert_batch(processor, &batch, store.part_hashes()).await)?;
    if inserted != Insert::Inserted {
        return Err(AppError::Conflict(format!(
            "batch `{}` was recorded by another request at the same time; send it again to see its answer",
            t.batch_id
        )));
    }
    let content = serde_json::json!({
        "batch": batch.meta,
        "decision": answer.decision,
        "reasons": answer.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
    });
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::TransferRecord,
        Subject::Batch {
            processor,
            batch: &t.batch_id,
        },
        &content,
    )
    .await?;
    let case = if answer.scope_breaches.is_empty() {
        None
    } else {
        let cert = snap_certificate(&snap, &answer)?;
        Some(super::cases::open(&mut w, &cert, &batch.meta, &answer, now, actor).await?)
    };
    st(w.commit().await)?;
    Ok(Recorded {
        batch_id: t.batch_id.clone(),
        recorded: true,
        individuals: batch.meta.individuals,
        sensitive_individuals: batch.meta.sensitive_individuals,
        scope_case: case,
        answer,
    })
}

/// Reads the processor's snapshot and the batch id's stored batch, then opens the write that records the
/// batch; when another write came in between (the audit log grew), reads again. Reads go through the pool
/// before the write, never while it holds its connection and the lock others wait on.
async fn current_view(
    book: &RuleBook,
    store: &Store,
    cache: &super::fresh::BatchCache,
    ledger: &Store,
    processor: &str,
    date: Date,
    batch_id: &str,
) -> Result<(chujing_store::records::Write, Snapshot, Option<BatchMeta>)> {
    for _ in 0..20 {
        let seq = st(store.changes().await)?;
        let snap = Snapshot::load(book, store, cache, processor, date).await?;
        let stored = ledger
            .batch_meta(batch_id)
            .await
            .map_err(|e| AppError::from_store("cannot look up the batch", e))?;
        let mut w = write(store).await?;
        if st(w.changes_before().await)? == seq {
            return Ok((w, snap, stored));
        }
    }
    Err(AppError::Conflict(
        "the ledger is changing too fast to record this batch now; send it again".into(),
    ))
}

fn snap_certificate(snap: &Snapshot, a: &GateAnswer) -> Result<CertificateRecord> {
    a.certificate
        .as_ref()
        .and_then(|n| snap.certificates.get(n))
        .cloned()
        .ok_or_else(|| AppError::NotFound("the flow's certificate is not recorded".into()))
}

/// A processor's ledger at a glance, as of a day: the window's counts against every threshold of the law in
/// force, each flow's pathway and mechanism, a suspension order, what to look at, and the recent batches. Read
/// from the same snapshot as the gate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overview {
    /// The processor (organisation id).
    pub processor: String,
    /// The day.
    #[schema(value_type = String)]
    pub date: Date,
    /// The counting window in force and its counts (none when the law counts nothing).
    pub window: Option<OverviewWindow>,
    /// Each threshold the window's counts are tested against.
    pub thresholds: Vec<ThresholdFigure>,
    /// The processor's pathway (`Pathway` id), from the flows that exported someone in the window; none
    /// while `missing_facts` names a fact.
    pub pathway: Option<String>,
    /// The facts the law in force reads that the processor has not recorded (`PUT /api/v1/processor`):
    /// until they are, no pathway is given and the gate denies.
    #[schema(value_type = Vec<String>)]
    pub missing_facts: Vec<ProcessorFact>,
    /// The flows.
    pub flows: Vec<OverviewFlow>,
    /// The reference of the regulator's order suspending this processor's transfers, if one is in force.
    pub suspension: Option<String>,
    /// What to look at, in English.
    pub alerts: Vec<String>,
    /// What to look at, in Chinese.
    pub alerts_zh: Vec<String>,
    /// Distinct individuals exported up to each day with a batch in the window, of the flows that count
    /// (the last figure is the window's count).
    pub cumulative: Vec<CumulativePoint>,
    /// The window's batches, newest first (at most 100).
    pub batches: Vec<OverviewBatch>,
    /// How many batches the window holds.
    pub batches_in_window: usize,
}

/// A counting window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverviewWindow {
    /// First day.
    #[schema(value_type = String)]
    pub from: Date,
    /// Last day counted.
    #[schema(value_type = String)]
    pub to: Date,
    /// Distinct individuals exported in it.
    pub individuals: u64,
    /// Of them, with sensitive PI.
    pub sensitive_individuals: u64,
}

/// One threshold and the window's count.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThresholdFigure {
    /// `individuals` or `sensitive_individuals`.
    pub fact: String,
    /// The bound.
    pub threshold: u64,
    /// The count.
    pub value: u64,
    /// `value / threshold`.
    pub share: f64,
    /// Whether the count has reached it.
    pub reached: bool,
    /// The rules that test it.
    pub rules: Vec<String>,
}

/// One flow.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverviewFlow {
    /// Its id.
    pub id: String,
    /// The recipient abroad.
    pub recipient: String,
    /// The destination (ISO 3166-1 alpha-2).
    pub country: String,
    /// Its pathway (`Pathway` id), none when it needs none or exported no one.
    pub pathway: Option<String>,
    /// Its mechanism's kind, if one is recorded.
    pub mechanism: Option<String>,
    /// The certificate it relies on.
    pub certificate: Option<String>,
    /// Whether a mechanism in force satisfies its pathway (or none is needed).
    pub satisfied: bool,
    /// Individuals exported on it in the window.
    pub individuals: u64,
    /// Of them, with sensitive PI.
    pub sensitive_individuals: u64,
}

/// Distinct individuals exported up to a day.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct CumulativePoint {
    /// The day.
    #[schema(value_type = String)]
    pub date: Date,
    /// Distinct individuals exported in the window up to and including it.
    pub individuals: u64,
}

/// One batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverviewBatch {
    /// Its id.
    pub batch_id: String,
    /// Its flow.
    pub flow: String,
    /// The day it was exported.
    #[schema(value_type = String)]
    pub date: Date,
    /// Distinct individuals in it.
    pub individuals: u64,
    /// Of them, with sensitive PI.
    pub sensitive_individuals: u64,
}

/// The most batches an overview lists.
const OVERVIEW_BATCHES: usize = 100;

/// The overview of the caller's own ledger on `now`'s day.
pub async fn overview(
    book: &RuleBook,
    store: &Store,
    views: &Views,
    actor: &Actor,
    now: &Now,
) -> Result<Overview> {
    let snap = Snapshot::kept(book, store, views, &actor.org.id, now.today).await?;
    Ok(snap.overview(now.today))
}

impl Snapshot {
    fn overview(&self, date: Date) -> Overview {
        let s = &self.before;
        let window = s.windows.first();
        let flows = self
            .flows
            .iter()
            .map(|f| {
                let st = s.flow(&f.id);
                OverviewFlow {
                    id: f.id.clone(),
                    recipient: f.recipient.clone(),
                    country: f.country.map(|c| c.to_string()).unwrap_or_default(),
                    pathway: st
                        .and_then(|x| x.decision.pathway)
                        .filter(|_| self.missing.is_empty())
                        .map(|p| p.id().to_string()),
                    mechanism: f.mechanism.as_ref().map(|m| m.kind.id().to_string()),
                    certificate: f.certificate().map(str::to_string),
                    satisfied: self.missing.is_empty() && st.is_none_or(|x| x.satisfied),
                    individuals: st.map_or(0, |x| x.decision.individuals),
                    sensitive_individuals: st.map_or(0, |x| x.decision.sensitive_individuals),
                }
            })
            .collect();
        let cumulative = self.cumulative.get_or_init(|| {
            let counted: Vec<BatchRef<'_>> = self
                .batches
                .iter()
                .filter(|b| s.flow(&b.meta.flow_id).is_none_or(|f| f.decision.counted))
                .map(|b| b.as_batch_ref())
                .collect();
            chujing_ledger::count::cumulative_by_date(&counted)
        });
        let mut batches: Vec<&StoredBatch> = self.batches.iter().map(|b| b.as_ref()).collect();
        batches
            .sort_by(|a, b| (b.meta.date, &b.meta.batch_id).cmp(&(a.meta.date, &a.meta.batch_id)));
        Overview {
            processor: self.processor_id.clone(),
            date,
            window: window.map(|w| OverviewWindow {
                from: w.count.from,
                to: w.count.to,
                individuals: w.count.individuals,
                sensitive_individuals: w.count.sensitive_individuals,
            }),
            thresholds: window
                .map(|w| {
                    w.thresholds
                        .iter()
                        .map(|t| ThresholdFigure {
                            fact: match t.fact {
                                chujing_law::condition::CountFact::SensitiveIndividuals => {
                                    "sensitive_individuals"
                                }
                                _ => "individuals",
                            }
                            .into(),
                            threshold: t.threshold,
                            value: t.value,
                            share: t.share,
                            reached: t.reached,
                            rules: t.rules.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            pathway: s
                .pathway
                .filter(|_| self.missing.is_empty())
                .map(|p| p.id().to_string()),
            missing_facts: self.missing.clone(),
            flows,
            suspension: self.suspension.as_ref().map(|o| o.reference.clone()),
            alerts: s.alerts.iter().map(|a| a.text(Lang::En)).collect(),
            alerts_zh: s.alerts.iter().map(|a| a.text(Lang::Zh)).collect(),
            cumulative: cumulative
                .iter()
                .map(|&(date, individuals)| CumulativePoint { date, individuals })
                .collect(),
            batches_in_window: batches.len(),
            batches: batches
                .into_iter()
                .take(OVERVIEW_BATCHES)
                .map(|b| OverviewBatch {
                    batch_id: b.meta.batch_id.clone(),
                    flow: b.meta.flow_id.clone(),
                    date: b.meta.date,
                    individuals: b.meta.individuals,
                    sensitive_individuals: b.meta.sensitive_individuals,
                })
                .collect(),
        }
    }
}

/// Takes one of the actor's batches out of its ledger, with the reason: the ledger keeps the removal and what
/// the batch was, and the audit log records who removed it (a wrong batch is undone, never silently). The
/// removal and its audit entry commit together.
pub async fn remove_batch(
    store: &Store,
    actor: &Actor,
    batch_id: &str,
    reason: &str,
    now: &Now,
) -> Result<chujing_ledger::Removal> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Input(
            "say why the batch is removed: the ledger keeps the reason in its record of removals"
                .into(),
        ));
    }
    let mut w = write(store).await?;
    let meta = st(w.batch_meta(&actor.org.id, batch_id).await)?
        .ok_or_else(|| AppError::NotFound(format!("no batch `{batch_id}` in your ledger")))?;
    st(w.remove_batch(&actor.org.id, &meta, reason, &now.at).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::BatchRemove,
        Subject::Batch {
            processor: &actor.org.id,
            batch: batch_id,
        },
        &serde_json::json!({ "reason": reason, "individuals": meta.individuals }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(chujing_ledger::Removal {
        batch: meta,
        reason: reason.to_string(),
        removed_at: now.at.clone(),
    })
}

/// A page of the actor's batches, newest first (by date, then id), with how many its ledger holds.
pub async fn batch_page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<OverviewBatch>> {
    let page = st(store.for_processor(&actor.org.id).batch_page(req).await)?;
    Ok(page.map(|m| OverviewBatch {
        batch_id: m.batch_id,
        flow: m.flow_id,
        date: m.date,
        individuals: m.individuals,
        sensitive_individuals: m.sensitive_individuals,
    }))
}

/// One of the actor's batches, by its id (what a removal would take out).
pub async fn batch(store: &Store, actor: &Actor, batch_id: &str) -> Result<BatchMeta> {
    store
        .for_processor(&actor.org.id)
        .batch_meta(batch_id)
        .await
        .map_err(|e| AppError::from_store("cannot look up the batch", e))?
        .ok_or_else(|| AppError::NotFound(format!("no batch `{batch_id}` in your ledger")))
}
