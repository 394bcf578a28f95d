//! Counting distinct individuals in the legal window in force on a date.
//!
//! The window and which flows count come from the law (`chujing-law`): since 1 January of the current year
//! from 2024-03-22, of the previous year before; flows whose claimed exemption the law in force recognises and
//! does not count (Provisions 2024 Art. 3–5) are left out. The law applied is the one in force on the as-of
//! date: it classifies every transfer in its window, including those made before it took effect.

use serde::{Deserialize, Serialize};

use chujing_law::condition::Facts;
use chujing_law::profile::Mechanism;
use chujing_law::regime::Regime;
use chujing_law::{Date, ExemptionId, FlowKind, ProcessorFacts, RuleBook};

use crate::error::LedgerError;
use rayon::prelude::*;

use crate::set::count_union;

/// What the ledger records about a flow (`chujing flow set`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowSettings {
    /// The flow id used in batches.
    pub id: String,
    /// The exemption claimed for the flow, if any.
    pub exemption: Option<ExemptionId>,
    /// Whether the flow carries important data.
    pub important_data: bool,
    /// The mechanism obtained, if any.
    pub mechanism: Option<Mechanism>,
    /// How the PI goes abroad (a transfer, remote access, or processing abroad under PIPL Art. 3(2)); flows
    /// recorded before the kind was kept are transfers.
    #[serde(default = "transfer")]
    pub kind: FlowKind,
}

fn transfer() -> FlowKind {
    FlowKind::Transfer
}

impl FlowSettings {
    /// A flow with nothing recorded.
    pub fn new(id: &str) -> FlowSettings {
        FlowSettings {
            id: id.to_string(),
            exemption: None,
            important_data: false,
            mechanism: None,
            kind: FlowKind::Transfer,
        }
    }
}

/// A stored batch as the counter needs it.
#[derive(Debug, Clone, Copy)]
pub struct BatchRef<'a> {
    /// The flow it belongs to.
    pub flow_id: &'a str,
    /// The transfer date.
    pub date: Date,
    /// Hashes of every subject in the batch, sorted.
    pub subjects: &'a [u128],
    /// Hashes of the subjects whose records carry sensitive PI, sorted.
    pub sensitive: &'a [u128],
}

/// The counts of one window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowCount {
    /// The pack item that sets the window (`pack-id/window`).
    pub rule: String,
    /// `calendar_year` or `since_previous_year`.
    pub kind: &'static str,
    /// First day counted.
    pub from: Date,
    /// Last day counted.
    pub to: Date,
    /// Distinct individuals over the counted flows' records in the window.
    pub individuals: u64,
    /// Distinct individuals over records marked sensitive.
    pub sensitive_individuals: u64,
    /// Flows left out because the law in force exempts them without counting.
    pub excluded_flows: Vec<String>,
    /// Batches counted.
    pub batches: usize,
}

/// The facts of a flow known before counting: who the processor is and whether the flow carries important data.
fn settings_facts(processor: ProcessorFacts, f: &FlowSettings) -> Facts {
    Facts {
        important_data: f.important_data,
        kind: f.kind,
        ..Facts::transfer_by(processor)
    }
}

/// Whether each flow counts on `regime`: `(counted, excluded)` flow ids among `flows`.
pub fn counted_flows(
    regime: &Regime,
    processor: ProcessorFacts,
    flows: &[FlowSettings],
) -> Vec<(String, bool)> {
    flows
        .iter()
        .map(|f| {
            let facts = settings_facts(processor, f);
            (f.id.clone(), regime.counts_flow(&facts, f.exemption))
        })
        .collect()
}

/// Counts the window in force on `as_of` over `batches`, or `None` when the law in force sets no window.
/// Batches of flows without settings count.
pub fn count_window(
    book: &RuleBook,
    as_of: Date,
    processor: ProcessorFacts,
    flows: &[FlowSettings],
    batches: &[BatchRef<'_>],
) -> Result<Option<WindowCount>, LedgerError> {
    let regime = book.regime_at(as_of)?;
    let Some(window) = &regime.window else {
        return Ok(None);
    };
    let from = window.body.start(as_of);
    let status = counted_flows(regime, processor, flows);
    let excluded: Vec<String> = status
        .iter()
        .filter(|(_, c)| !c)
        .map(|(id, _)| id.clone())
        .collect();
    let selected: Vec<&BatchRef<'_>> = batches
        .iter()
        .filter(|b| from <= b.date && b.date <= as_of && !excluded.iter().any(|e| e == b.flow_id))
        .collect();
    let subjects: Vec<&[u128]> = selected.iter().map(|b| b.subjects).collect();
    let sensitive: Vec<&[u128]> = selected.iter().map(|b| b.sensitive).collect();
    Ok(Some(WindowCount {
        rule: window.id.clone(),
        kind: window.body.id(),
        from,
        to: as_of,
        individuals: count_union(&subjects),
        sensitive_individuals: count_union(&sensitive),
        excluded_flows: excluded,
        batches: selected.len(),
    }))
}

/// The pathway the law in force requires of one flow, given the ledger's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowPathway {
    /// The flow id.
    pub flow: String,
    /// Distinct individuals this flow exported in the window.
    pub individuals: u64,
    /// Distinct individuals with sensitive PI this flow exported in the window.
    pub sensitive_individuals: u64,
    /// The pathway required (`None` when the law in force decides nothing for it).
    pub pathway: Option<chujing_law::Pathway>,
    /// The exemption applied, if any.
    pub exemption: Option<ExemptionId>,
    /// Whether the flow counts towards the thresholds.
    pub counted: bool,
    /// Why the exemption the flow claims is not upheld, when it claims one that is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_claim: Option<RejectedClaim>,
}

/// Why the exemption a flow claims is not upheld (its conditions fail, or the law in force does not know
/// it), as the law's explanation gives it in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedClaim {
    /// The exemption claimed.
    pub exemption: ExemptionId,
    /// Why not, in English.
    pub text: String,
    /// Why not, in Chinese.
    pub text_zh: String,
    /// The exemption's article, in English, where it is one the law knows.
    pub citation: Option<String>,
}

/// Distinct individuals exported up to each day on which a batch was exported, for a chart of the window:
/// each subject counts on the first day it appears, so the last figure is the distinct count of all the
/// batches (what [`count_window`] gives for them).
pub fn cumulative_by_date(batches: &[BatchRef<'_>]) -> Vec<(Date, u64)> {
    let mut by_day: Vec<&BatchRef<'_>> = batches.iter().collect();
    by_day.sort_by_key(|b| b.date);
    let mut days: Vec<Date> = by_day.iter().map(|b| b.date).collect();
    days.dedup();
    let day_of: Vec<usize> = by_day
        .iter()
        .map(|b| days.partition_point(|d| *d < b.date))
        .collect();
    // The subjects are split by the top byte of their hash into 256 buckets, worked through in parallel: a
    // bucket's pairs fit in the processor's cache where the whole window's (32 MB for 1,000,000 individuals)
    // do not. Each batch's set is sorted, so its subjects of one bucket are one stretch.
    let runs: Vec<&[u128]> = by_day.iter().map(|b| b.subjects).collect();
    let bounds = crate::set::top_byte_bounds(&runs);
    let new_by_day = (0..crate::set::TOP_BYTES)
        .into_par_iter()
        .fold(
            || (vec![0u64; days.len()], Vec::<(u128, usize)>::new()),
            |(mut counts, mut pairs), k| {
                pairs.clear();
                for ((run, bound), &day) in runs.iter().zip(&bounds).zip(&day_of) {
                    let stretch = crate::set::top_byte_run(run, bound, k);
                    pairs.extend(stretch.iter().map(|h| (*h, day)));
                }
                // A stable sort by subject keeps each subject's entries in day order (the batches were laid
                // out so), so its first entry is the day it was first exported.
                pairs.sort_by_key(|(h, _)| *h);
                pairs.dedup_by_key(|(h, _)| *h);
                for (_, day) in &pairs {
                    if let Some(n) = counts.get_mut(*day) {
                        *n += 1;
                    }
                }
                (counts, pairs)
            },
        )
        .map(|(counts, _)| counts)
        .reduce(
            || vec![0u64; days.len()],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let mut running = 0u64;
    days.into_iter()
        .zip(new_by_day)
        .map(|(day, n)| {
            running += n;
            (day, running)
        })
        .collect()
}

/// Decides every flow from ledger counts: `window` gives the processor-wide totals, `per_flow` each flow's
/// own `(individuals, sensitive_individuals)`. Individuals processed is not known to the ledger; the exported
/// total is used as its lower bound, as `assess` does.
pub fn decide_flows(
    book: &RuleBook,
    as_of: Date,
    regime: &Regime,
    settings: &crate::ProcessorSettings,
    flows: &[FlowSettings],
    window: &WindowCount,
    per_flow: &[(String, u64, u64)],
) -> Vec<FlowPathway> {
    let (processor, individuals_processed) = (settings.facts(), settings.individuals_processed);
    let status = counted_flows(regime, processor, flows);
    per_flow
        .iter()
        .map(|(id, individuals, sensitive)| {
            let settings = flows
                .iter()
                .find(|f| &f.id == id)
                .cloned()
                .unwrap_or_else(|| FlowSettings::new(id));
            let facts = Facts {
                sensitive_personal_information: *sensitive > 0,
                individuals: window.individuals,
                sensitive_individuals: window.sensitive_individuals,
                // Never fewer than the window's exported individuals, who are among those processed.
                individuals_processed: individuals_processed.unwrap_or(0).max(window.individuals),
                ..settings_facts(processor, &settings)
            };
            let outcome = regime.decide(&facts, settings.exemption);
            let rejected = |lang| {
                chujing_law::assess::claim_rejection(
                    book,
                    regime,
                    &facts,
                    outcome.claim,
                    as_of,
                    lang,
                )
            };
            let rejected_claim =
                settings
                    .exemption
                    .zip(rejected(chujing_law::Lang::En))
                    .map(|(exemption, en)| RejectedClaim {
                        exemption,
                        text: en.text,
                        text_zh: rejected(chujing_law::Lang::Zh)
                            .map(|s| s.text)
                            .unwrap_or_default(),
                        citation: en.citation,
                    });
            FlowPathway {
                flow: id.clone(),
                individuals: *individuals,
                sensitive_individuals: *sensitive,
                pathway: outcome.pathway,
                exemption: outcome
                    .exemption
                    .and_then(|i| regime.exemptions.get(i))
                    .map(|e| e.body.id),
                counted: status.iter().find(|(f, _)| f == id).is_none_or(|(_, c)| *c),
                rejected_claim,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The chart never falls, has one point per day with a batch, and ends at the distinct count.
        #[test]
        fn cumulative_ends_at_the_distinct_count(
            raw in proptest::collection::vec(
                (0u32..28, proptest::collection::btree_set(0u128..500, 0..60)), 0..12)
        ) {
            let sets: Vec<(Date, Vec<u128>)> = raw
                .into_iter()
                .map(|(d, s)| (Date::new(2026, 1, i8::try_from(d % 28 + 1).unwrap()).unwrap(), s.into_iter().collect()))
                .collect();
            let batches: Vec<BatchRef<'_>> = sets
                .iter()
                .map(|(date, s)| BatchRef { flow_id: "f", date: *date, subjects: s, sensitive: &[] })
                .collect();
            let points = cumulative_by_date(&batches);
            let runs: Vec<&[u128]> = sets.iter().map(|(_, s)| s.as_slice()).collect();
            prop_assert_eq!(points.last().map_or(0, |p| p.1), count_union(&runs));
            prop_assert!(points.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
            let days: std::collections::BTreeSet<Date> = sets.iter().map(|(d, _)| *d).collect();
            prop_assert_eq!(points.len(), days.len());
        }

        /// Each day's figure is the distinct count of every batch up to that day, with subjects spread over
        /// the whole hash space (every bucket of the top byte).
        #[test]
        fn cumulative_is_the_distinct_count_up_to_each_day(
            raw in proptest::collection::vec(
                (0u32..10, proptest::collection::btree_set(0u128..2000, 0..80)), 0..10)
        ) {
            // Spread small numbers over the top byte, keeping the sets sorted and distinct.
            let spread = |x: u128| ((x % 256) << 120) | (x / 256);
            let sets: Vec<(Date, Vec<u128>)> = raw
                .into_iter()
                .map(|(d, s)| {
                    let mut v: Vec<u128> = s.into_iter().map(spread).collect();
                    v.sort_unstable();
                    (Date::new(2026, 3, i8::try_from(d + 1).unwrap()).unwrap(), v)
                })
                .collect();
            let batches: Vec<BatchRef<'_>> = sets
                .iter()
                .map(|(date, s)| BatchRef { flow_id: "f", date: *date, subjects: s, sensitive: &[] })
                .collect();
            for (day, n) in cumulative_by_date(&batches) {
                let upto: std::collections::BTreeSet<u128> = sets
                    .iter()
                    .filter(|(d, _)| *d <= day)
                    .flat_map(|(_, s)| s.iter().copied())
                    .collect();
                prop_assert_eq!(n, upto.len() as u64, "on {}", day);
            }
        }
    }
}
