//! The semantic validator: runs every span of law over a grid of facts at and around every threshold, and
//! checks what the law's structure promises — every flow that carries PI is decided; more
//! individuals, more sensitive individuals, CIIO status or important data never make the pathway lighter; an
//! exemption never covers important data; and no flow with PI is left to a fallback alone once a more specific
//! instrument has taken effect: a rule that others override (PIPL's general duty, once the Provisions set
//! bands) deciding by itself means the specific rules leave a gap — a threshold mistyped from 1,000,000 to
//! 2,000,000 leaves the band between them to the fallback, and no other check sees it, as the fallback's
//! pathway may well be monotone.

use crate::condition::{CountFact, Facts};
use crate::explain::number;
use crate::pathway::{ExemptionId, FlowKind, Pathway};
use crate::regime::Regime;
use crate::rulebook::RuleBook;

/// What [`check_semantics`] found.
#[derive(Debug, Clone, Default)]
pub struct SemanticReport {
    /// Spans of law checked.
    pub regimes: usize,
    /// Grid cases per span (the largest).
    pub cases: usize,
    /// Problems, in words.
    pub problems: Vec<String>,
}

/// The values worth testing for a count: 0 and both sides of every bound.
fn grid_values(regime: &Regime, fact: CountFact) -> Vec<u64> {
    let mut bounds = Vec::new();
    for r in &regime.rules {
        r.body.when.count_bounds(&mut bounds);
    }
    for e in &regime.exemptions {
        e.body.when.count_bounds(&mut bounds);
    }
    let mut values = vec![0];
    for (f, b) in bounds {
        if f == fact {
            values.extend([b.saturating_sub(1), b, b.saturating_add(1)]);
        }
    }
    values.sort_unstable();
    values.dedup();
    values
}

/// Checks every span of law in `book`.
pub fn check_semantics(book: &RuleBook) -> SemanticReport {
    let mut report = SemanticReport::default();
    for regime in book.regimes() {
        report.regimes += 1;
        let span = match regime.to {
            Some(to) => format!("{} to {to}", regime.from),
            None => format!("from {}", regime.from),
        };
        let individuals = grid_values(regime, CountFact::Individuals);
        let sensitive = grid_values(regime, CountFact::SensitiveIndividuals);
        let processed = grid_values(regime, CountFact::IndividualsProcessed);
        let claims: Vec<Option<ExemptionId>> = std::iter::once(None)
            .chain(
                regime
                    .exemptions
                    .iter()
                    .filter(|e| !e.body.automatic)
                    .map(|e| Some(e.body.id)),
            )
            .collect();
        // Rules another rule of this span overrides: fallbacks, which must not decide alone.
        let mut fallbacks = crate::regime::RuleSet::default();
        for targets in &regime.overrides {
            targets.iter().for_each(|t| fallbacks.insert(*t));
        }
        let mut cases = 0;
        let mut problems = Vec::new();
        for bits in 0u8..32 {
            let flag = |i: u8| bits & (1 << i) != 0;
            for kind in [
                FlowKind::Transfer,
                FlowKind::RemoteAccess,
                FlowKind::OffshoreProcessing,
            ] {
                for (ii, &i) in individuals.iter().enumerate() {
                    for (si, &s) in sensitive.iter().enumerate() {
                        for (pi, &p) in processed.iter().enumerate() {
                            let facts = Facts {
                                ciio: flag(0),
                                located_in_china: flag(1),
                                important_data: flag(2),
                                personal_information: flag(3),
                                sensitive_personal_information: flag(4),
                                individuals: i,
                                sensitive_individuals: s,
                                individuals_processed: p,
                                kind,
                            };
                            cases += 1;
                            let ups = [
                                (!facts.ciio).then_some((
                                    "CIIO status",
                                    Facts {
                                        ciio: true,
                                        ..facts
                                    },
                                )),
                                (!facts.important_data).then_some((
                                    "important data",
                                    Facts {
                                        important_data: true,
                                        ..facts
                                    },
                                )),
                                (!facts.sensitive_personal_information).then_some((
                                    "sensitive PI in the flow",
                                    Facts {
                                        sensitive_personal_information: true,
                                        ..facts
                                    },
                                )),
                                individuals.get(ii + 1).map(|v| {
                                    (
                                        "more individuals",
                                        Facts {
                                            individuals: *v,
                                            ..facts
                                        },
                                    )
                                }),
                                sensitive.get(si + 1).map(|v| {
                                    (
                                        "more sensitive individuals",
                                        Facts {
                                            sensitive_individuals: *v,
                                            ..facts
                                        },
                                    )
                                }),
                                processed.get(pi + 1).map(|v| {
                                    (
                                        "more individuals processed",
                                        Facts {
                                            individuals_processed: *v,
                                            ..facts
                                        },
                                    )
                                }),
                            ];
                            for claim in &claims {
                                let before = regime.decide(&facts, *claim);
                                let Some(pathway) = before.pathway else {
                                    // Important data without PI may be undecided where the law had no procedure
                                    // yet (before 2022-09-01); `assess` reports it. PI is always decided.
                                    if facts.personal_information {
                                        problems.push(format!(
                                            "{span}: no rule decides a flow with {}",
                                            describe(&facts)
                                        ));
                                    }
                                    continue;
                                };
                                let alone = !before.fired.is_empty()
                                    && before.fired.iter().all(|r| fallbacks.contains(r));
                                if facts.personal_information && before.exemption.is_none() && alone
                                {
                                    let names: Vec<&str> = before
                                        .fired
                                        .iter()
                                        .filter_map(|r| regime.rules.get(r).map(|x| x.id.as_str()))
                                        .collect();
                                    problems.push(format!(
                                        "{span}: only the fallback {} decides a flow with {}: the rules that \
                                         override it leave a gap here (a mistyped bound?)",
                                        names.join(", "),
                                        describe(&facts)
                                    ));
                                }
                                if facts.important_data && pathway == Pathway::Exempt {
                                    problems.push(format!(
                                        "{span}: an exemption covers important data ({})",
                                        describe(&facts)
                                    ));
                                }
                                for (what, up) in ups.iter().flatten() {
                                    if let Some(after) = regime.decide(up, *claim).pathway
                                        && after.tier() < pathway.tier()
                                    {
                                        problems.push(format!(
                                            "{span}: {what} makes the pathway lighter ({pathway} → {after}) for {}",
                                            describe(&facts)
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        report.cases = report.cases.max(cases);
        problems.sort();
        problems.dedup();
        let total = problems.len();
        report.problems.extend(problems.into_iter().take(20));
        if total > 20 {
            report
                .problems
                .push(format!("{span}: … and {} more", total - 20));
        }
    }
    report
}

fn describe(f: &Facts) -> String {
    format!(
        "ciio={} important_data={} pi={} sensitive_flow={} individuals={} sensitive_individuals={} processed={} kind={}",
        f.ciio,
        f.important_data,
        f.personal_information,
        f.sensitive_personal_information,
        number(f.individuals),
        number(f.sensitive_individuals),
        number(f.individuals_processed),
        f.kind.id()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::{EMBEDDED_CALENDAR, EMBEDDED_PACKS};

    #[test]
    fn the_built_in_law_passes() {
        let book = RuleBook::embedded().unwrap();
        let report = check_semantics(&book);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert!(report.regimes >= 6);
    }

    /// The embedded packs with `from` replaced by `to` in `file`.
    fn edited_book(file: &str, from: &str, to: &str) -> RuleBook {
        let mut packs: Vec<(String, String)> = EMBEDDED_PACKS
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        for (name, text) in &mut packs {
            if name == file {
                let edited = text.replace(from, to);
                assert_ne!(edited, *text, "the edit must change {file}");
                *text = edited;
            }
        }
        let cal = (
            EMBEDDED_CALENDAR.0.to_string(),
            EMBEDDED_CALENDAR.1.to_string(),
        );
        RuleBook::from_sources(&packs, &cal).unwrap()
    }

    #[test]
    fn a_band_left_to_the_fallback_is_caught() {
        // Before: the assessment threshold mistyped 1,000,000 → 2,000,000 passed, the band between left to
        // PIPL's general duty alone.
        let book = edited_book(
            "provisions-2024.toml",
            "{ fact = \"individuals\", at_least = 1000000 }",
            "{ fact = \"individuals\", at_least = 2000000 }",
        );
        let report = check_semantics(&book);
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("only the fallback") && p.contains("individuals=1,000,000")),
            "{:#?}",
            report.problems
        );
    }

    #[test]
    fn a_non_monotone_pack_is_caught() {
        // A typo that turns the small-volume exemption's "fewer than 100,000" into "100,000 or more": raising
        // the count would then move a flow from a mechanism down to an exemption.
        let book = edited_book(
            "provisions-2024.toml",
            "{ fact = \"individuals\", less_than = 100000 },",
            "{ fact = \"individuals\", at_least = 100000 },",
        );
        let report = check_semantics(&book);
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("more individuals makes the pathway lighter")),
            "{:#?}",
            report.problems
        );
    }
}
