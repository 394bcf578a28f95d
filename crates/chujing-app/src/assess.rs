//! Deciding a profile, with totals from the profile or from the ledger.

use std::collections::BTreeMap;
use std::path::Path;

use chujing_law::assess::{Assessment, assess_with_totals};
use chujing_law::profile::Totals;
use chujing_law::{Date, Lang, Profile, RuleBook};
use chujing_ledger::{BatchRef, LedgerStore, StoredBatch, count_window};

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
        }
    });
    Ok((totals, figures))
}

/// Whether the ledger holds any batch at all (an empty window in a used ledger is an exact zero; an empty
/// ledger is no count).
async fn holds_batches<S: LedgerStore>(store: &S) -> Result<bool> {
    let metas = store
        .batch_metas()
        .await
        .map_err(|e| AppError::store("cannot read the batches", e))?;
    Ok(!metas.is_empty())
}

/// Decides `profile` as of `as_of`, with the processor-wide totals of the ledger when `ledger` is given.
pub async fn assess<S: LedgerStore>(
    book: &RuleBook,
    profile: &Profile,
    as_of: Date,
    lang: Lang,
    ledger: Option<&S>,
) -> Result<Assessment> {
    let totals = match ledger {
        Some(store) => Some(ledger_figures(book, store, as_of).await?.0),
        None => None,
    };
    Ok(assess_with_totals(book, profile, as_of, lang, totals)?)
}
