//! Deciding a profile, with totals from the profile or from the ledger.

use std::collections::BTreeMap;
use std::path::Path;

use chujing_docs::{LedgerFigures, LedgerFlow};
use chujing_law::assess::{Assessment, assess_with_totals};
use chujing_law::profile::Totals;
use chujing_law::{Date, Lang, Profile, RuleBook, Warning, WarningKind};
use chujing_ledger::{BatchRef, LedgerStore, StoredBatch, count_window, per_flow};

use crate::error::{AppError, Result};
use crate::ledger::LedgerView;

/// Reads and parses the profile at `path`, and the date to assess it as of: `as_of` if given, else the
/// profile's own `as_of`, else `today`.
pub fn read_profile(path: &Path, as_of: Option<Date>, today: Date) -> Result<(Profile, Date)> {
    let name = path.display().to_string();
    let src = std::fs::read_to_string(path)
        .map_err(|e| AppError::Input(format!("{name}: cannot read the profile: {e}")))?;
    let profile = Profile::parse(&name, &src)?;
    let as_of = as_of.or(profile.as_of).unwrap_or(today);
    Ok((profile, as_of))
}

/// The ledger's distinct counts in the window in force on `as_of`, and the window's figures for reports:
/// distinct individuals per month of transfer, over the flows the window counts.
pub async fn ledger_figures<S: LedgerStore>(
    book: &RuleBook,
    store: &S,
    as_of: Date,
) -> Result<(Totals, Option<chujing_docs::LedgerFigures>)> {
    let view = LedgerView::load(book, store, as_of).await?;
    if view.batches.is_empty() && !holds_batches(store).await? {
        return Err(AppError::Input(
            "the ledger holds no batches, so it cannot give exact figures: ingest the transfers first \
             (`chujing ledger ingest`), or assess without --ledger"
                .into(),
        ));
    }
    let refs: Vec<BatchRef<'_>> = view.batches.iter().map(StoredBatch::as_batch_ref).collect();
    let window = count_window(book, as_of, view.processor.facts(), &view.flows, &refs)?;
    let totals = Totals {
        individuals: window.as_ref().map_or(0, |w| w.individuals),
        sensitive_individuals: window.as_ref().map_or(0, |w| w.sensitive_individuals),
    };
    let figures = window.map(|w| {
        let mut months: BTreeMap<String, Vec<&[u128]>> = BTreeMap::new();
        for b in refs.iter().filter(|b| {
            b.date >= w.from && b.date <= w.to && !w.excluded_flows.iter().any(|f| f == b.flow_id)
        }) {
            let month = b.date.to_string().get(..7).unwrap_or_default().to_string();
            months.entry(month).or_default().push(b.subjects);
        }
        chujing_docs::LedgerFigures {
            from: w.from,
            to: w.to,
            individuals: w.individuals,
            sensitive_individuals: w.sensitive_individuals,
            by_month: months
                .into_iter()
                .map(|(m, runs)| (m, chujing_ledger::count_union(&runs)))
                .collect(),
            // Flows with batches in the window (no settings given: a flow with settings and no batch is
            // not a count of zero here).
            flows: per_flow(&refs, &[], w.from, as_of)
                .into_iter()
                .map(|(id, individuals, sensitive_individuals)| LedgerFlow {
                    id,
                    individuals,
                    sensitive_individuals,
                })
                .collect(),
        }
    });
    Ok((totals, figures))
}

/// Whether the ledger holds any batch at all (an empty window in a used ledger is an exact zero; an empty
/// ledger is no count).
pub async fn holds_batches<S: LedgerStore>(store: &S) -> Result<bool> {
    let metas = store
        .batch_metas()
        .await
        .map_err(|e| AppError::store("cannot read the batches", e))?;
    Ok(!metas.is_empty())
}

/// An assessment, and the ledger's figures it used.
#[derive(Debug)]
pub struct Assessed {
    /// The decision.
    pub assessment: Assessment,
    /// The ledger's figures, when assessed with the ledger and the law in force counts a window.
    pub ledger: Option<LedgerFigures>,
}

/// Decides `profile` as of `as_of`. With `ledger`, the figures are the ledger's: its processor-wide totals,
/// and each flow's own count where the ledger holds batches of that flow in the window. Where the profile's
/// figures differ, or a flow is not in the ledger, the assessment says so.
pub async fn assess<S: LedgerStore>(
    book: &RuleBook,
    profile: &Profile,
    as_of: Date,
    lang: Lang,
    ledger: Option<&S>,
) -> Result<Assessed> {
    let Some(store) = ledger else {
        let assessment = assess_with_totals(book, profile, as_of, lang, None)?;
        return Ok(Assessed {
            assessment,
            ledger: None,
        });
    };
    let (totals, figures) = ledger_figures(book, store, as_of).await?;
    let (counted, notes) = with_ledger_flows(profile, figures.as_ref());
    let mut assessment = assess_with_totals(book, &counted, as_of, lang, Some(totals))?;
    assessment
        .warnings
        .extend(notes.into_iter().map(|kind| Warning::new(kind, lang)));
    Ok(Assessed {
        assessment,
        ledger: figures,
    })
}

/// The profile with each flow's figures replaced by the ledger's where the ledger has batches of the flow in
/// the window, and what differed: a flow whose profile figures are not the ledger's, a flow not in the ledger.
pub fn with_ledger_flows(
    profile: &Profile,
    figures: Option<&LedgerFigures>,
) -> (Profile, Vec<WarningKind>) {
    let mut counted = profile.clone();
    let mut notes = Vec::new();
    for flow in &mut counted.flows {
        match figures.and_then(|f| f.flow(&flow.id)) {
            Some(l) => {
                if (flow.individuals, flow.sensitive_individuals)
                    != (l.individuals, l.sensitive_individuals)
                {
                    notes.push(WarningKind::ProfileDisagreesWithLedger {
                        flow: flow.id.clone(),
                        profile: flow.individuals,
                        profile_sensitive: flow.sensitive_individuals,
                        ledger: l.individuals,
                        ledger_sensitive: l.sensitive_individuals,
                    });
                }
                flow.individuals = l.individuals;
                flow.sensitive_individuals = l.sensitive_individuals;
            }
            None => notes.push(WarningKind::FlowNotInLedger {
                flow: flow.id.clone(),
                individuals: flow.individuals,
            }),
        }
    }
    (counted, notes)
}
