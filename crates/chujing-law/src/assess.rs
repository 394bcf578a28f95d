//! Deciding a profile: every flow's pathway and the processor's, with traces, citations and obligations.

use serde::Serialize;

use crate::condition::{Facts, Figure};
use crate::date::Date;
use crate::error::LawError;
use crate::explain;
use crate::pack::DueSpec;
use crate::pathway::{ExemptionId, FlowKind, MechanismKind, Pathway, processor_pathway};
use crate::profile::{Flow, Mechanism, Profile};
use crate::regime::{Claim, Item, Obligation, Regime, cite};
use crate::rulebook::RuleBook;
use crate::text::{Lang, Text};
use crate::warning::{Warning, WarningKind};

/// The result of `chujing assess`.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// The date decided as of.
    pub as_of: Date,
    /// The language of texts.
    pub lang: Lang,
    /// The processor.
    pub processor: ProcessorSummary,
    /// Ids of the packs in force.
    pub regime: Vec<String>,
    /// The packs in force, with titles.
    pub instruments: Vec<InstrumentSummary>,
    /// The counting window, if the law in force counts.
    pub window: Option<WindowSummary>,
    /// The processor-wide counts the thresholds were applied to.
    pub totals: TotalsSummary,
    /// The processor's pathway: the heaviest of its flows.
    pub pathway: Pathway,
    /// Every flow's decision.
    pub flows: Vec<FlowDecision>,
    /// Duties that follow, with deadlines where the law sets one.
    pub obligations: Vec<ObligationDue>,
    /// Processor-level steps of the reasoning.
    pub trace: Vec<Step>,
    /// Every article cited, in order of first use.
    pub citations: Vec<String>,
    /// Things the user should check.
    pub warnings: Vec<Warning>,
    /// Open questions of law whose other reading would change a pathway (empty when none would).
    pub open_readings: Vec<OpenReading>,
    /// The standards in force on the date, by topic, named in the output language.
    pub standards: Vec<StandardInForce>,
}

/// A standard in force for a topic.
#[derive(Debug, Clone, Serialize)]
pub struct StandardInForce {
    /// What it governs.
    pub topic: crate::pack::StandardTopic,
    /// Its code and title.
    pub name: String,
}

/// An open question of law whose other reading would give a different pathway.
#[derive(Debug, Clone, Serialize)]
pub struct OpenReading {
    /// The reading's id (`pack-id/reading-id`).
    pub id: String,
    /// The question.
    pub question: String,
    /// The reading adopted.
    pub adopted: String,
    /// The other reading.
    pub alternative: String,
    /// The processor's pathway under the other reading.
    pub alternative_pathway: Pathway,
    /// The flows whose pathway the other reading changes, with the pathway they would get.
    pub flows: Vec<ReadingFlow>,
    /// Where the question arises.
    pub citation: String,
    /// Why the pack reads it as it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// A flow's pathway under the other reading of an open question.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingFlow {
    /// The flow.
    pub flow: String,
    /// Its pathway under the other reading.
    pub pathway: Pathway,
}

/// The processor as assessed.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessorSummary {
    /// Name.
    pub name: String,
    /// CIIO status.
    pub ciio: bool,
    /// Located in China.
    pub located_in_china: bool,
    /// Individuals processed, as given.
    pub individuals_processed: Option<u64>,
}

/// A pack in force.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentSummary {
    /// Pack id.
    pub id: String,
    /// Title in the output language.
    pub title: String,
    /// Document number.
    pub document: String,
    /// Effective date.
    pub effective: Date,
}

/// The counting window.
#[derive(Debug, Clone, Serialize)]
pub struct WindowSummary {
    /// `calendar_year` or `since_previous_year`.
    pub kind: &'static str,
    /// First day counted.
    pub from: Date,
    /// Last day counted (the as-of date).
    pub to: Date,
    /// The article that sets it.
    pub citation: String,
}

/// Where the totals came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalsSource {
    /// The profile's `[totals]` table.
    Profile,
    /// Summed over counted flows (may over-count).
    SumOfFlows,
    /// Counted exactly by the ledger.
    Ledger,
}

/// Processor-wide counts in the window.
#[derive(Debug, Clone, Serialize)]
pub struct TotalsSummary {
    /// Distinct individuals exported (counted flows only).
    pub individuals: u64,
    /// Distinct individuals with sensitive PI exported.
    pub sensitive_individuals: u64,
    /// Where the figures came from.
    pub source: TotalsSource,
    /// Flows left out of the counts because their exemption is not counted.
    pub excluded_flows: Vec<String>,
}

/// One flow's decision.
#[derive(Debug, Clone, Serialize)]
pub struct FlowDecision {
    /// Flow id.
    pub id: String,
    /// Recipient.
    pub recipient: String,
    /// Recipient's country.
    pub country: String,
    /// How the PI goes abroad.
    pub kind: FlowKind,
    /// Individuals this flow exported.
    pub individuals: u64,
    /// Individuals with sensitive PI this flow exported.
    pub sensitive_individuals: u64,
    /// Whether it carries important data.
    pub important_data: bool,
    /// The pathway required.
    pub pathway: Pathway,
    /// The exemption applied, if any.
    pub exemption: Option<ExemptionId>,
    /// Whether the flow counts towards the thresholds.
    pub counted: bool,
    /// The mechanism recorded in the profile.
    pub mechanism: Option<Mechanism>,
    /// Whether the recorded mechanism satisfies the pathway on the as-of date.
    pub satisfied: bool,
    /// Steps of the reasoning.
    pub trace: Vec<Step>,
    /// Articles cited.
    pub citations: Vec<String>,
}

/// What a step of the reasoning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The law in force.
    Regime,
    /// The counting window.
    Window,
    /// The counts.
    Totals,
    /// A claimed or automatic exemption applied.
    ExemptionApplied,
    /// A claimed exemption did not apply.
    ExemptionRejected,
    /// Nothing to decide.
    NotApplicable,
    /// A rule fired.
    Fired,
    /// A rule fired but a more specific one displaced it.
    Overridden,
    /// A rule fired but a heavier pathway applies.
    Outweighed,
    /// The conclusion.
    Result,
}

/// One step of the reasoning.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What the step is.
    pub step: StepKind,
    /// The rule or exemption (`pack-id/item-id`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The pathway it leads to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pathway: Option<Pathway>,
    /// The figures it was decided on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
    /// The article cited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// The step in words.
    pub text: String,
}

impl Step {
    /// A step with only a kind and words.
    fn plain(step: StepKind, text: String) -> Step {
        Step {
            step,
            rule: None,
            pathway: None,
            figures: Vec::new(),
            citation: None,
            text,
        }
    }
}

/// A duty and when it falls due.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationDue {
    /// `pack-id/obligation-id`.
    pub id: String,
    /// The flows it concerns.
    pub flows: Vec<String>,
    /// The mechanism it belongs to, if any.
    pub mechanism: Option<MechanismKind>,
    /// What to do.
    pub text: String,
    /// The article.
    pub citation: String,
    /// The date, where the law and the profile give one.
    pub due: Option<Date>,
    /// When, in words.
    pub due_text: String,
}

/// Category names that usually mean sensitive PI (PIPL Art. 28), to warn when a flow lists one but reports no
/// sensitive individuals.
const SENSITIVE_CATEGORY_HINTS: &[&str] = &[
    "bank_account",
    "bank_card",
    "financial_account",
    "health",
    "medical",
    "medical_health",
    "diagnosis",
    "biometric",
    "biometrics",
    "face",
    "facial",
    "fingerprint",
    "religion",
    "religious_belief",
    "specific_identity",
    "whereabouts",
    "trajectory",
    "precise_location",
    "location",
    "minor",
    "minors",
    "minors_under_14",
    "children",
];

/// Decides every flow of `profile` and the processor as of `as_of`.
pub fn assess(
    book: &RuleBook,
    profile: &Profile,
    as_of: Date,
    lang: Lang,
) -> Result<Assessment, LawError> {
    assess_with_totals(book, profile, as_of, lang, None)
}

/// Like [`assess()`], with processor-wide totals from elsewhere (the ledger) instead of the profile's.
pub fn assess_with_totals(
    book: &RuleBook,
    profile: &Profile,
    as_of: Date,
    lang: Lang,
    ledger_totals: Option<crate::profile::Totals>,
) -> Result<Assessment, LawError> {
    let regime = book.regime_at(as_of)?;
    let mut warnings = Vec::new();
    let p = &profile.processor;
    let chosen = chosen_readings(regime, profile)?;
    let reads = reads_under(regime, profile, &chosen);
    let counted = &reads.counted;
    warnings.extend(profile.processor.assumed.iter().map(|(fact, assumed)| {
        WarningKind::ProcessorFactAssumed {
            fact: (*fact).to_string(),
            assumed: *assumed,
        }
    }));
    let totals = processor_totals(profile, counted, ledger_totals, &mut warnings);
    let individuals_processed = individuals_processed(regime, profile, &totals, &mut warnings);

    let ctx = Context {
        book,
        regime,
        as_of,
        lang,
    };
    let mut flows = Vec::with_capacity(profile.flows.len());
    let mut decided_on = Vec::with_capacity(profile.flows.len());
    for (f, is_counted) in profile.flows.iter().zip(counted) {
        let facts = decided_facts(
            p,
            f,
            &totals,
            individuals_processed,
            reads.sensitive_per_flow,
        );
        flows.push(decide_flow(&ctx, f, *is_counted, &facts, &mut warnings)?);
        decided_on.push(facts);
    }
    let pathway =
        processor_pathway(flows.iter().map(|f| f.pathway)).unwrap_or(Pathway::NotApplicable);
    warnings.extend(split_across_group(
        &ctx,
        profile,
        &totals,
        individuals_processed,
        pathway,
    ));
    let obligations = obligations(
        book,
        regime,
        profile,
        &flows,
        &decided_on,
        lang,
        &mut warnings,
    );
    let excluded_flows: Vec<String> = profile
        .flows
        .iter()
        .zip(counted)
        .filter(|(f, c)| !**c && f.personal_information())
        .map(|(f, _)| f.id.clone())
        .collect();
    let open_readings = open_readings(
        &ctx,
        profile,
        (&reads, &chosen),
        (&totals, ledger_totals.is_some()),
        (&flows, pathway),
    );
    let totals = TotalsSummary {
        excluded_flows,
        ..totals
    };
    let (instruments, window) = regime_summary(&ctx);
    let trace = processor_trace(&ctx, &window, &totals, &flows, pathway);
    let citations = unique(
        trace
            .iter()
            .filter_map(|s| s.citation.clone())
            .chain(flows.iter().flat_map(|f| f.citations.iter().cloned()))
            .chain(obligations.iter().map(|o| o.citation.clone())),
    );
    Ok(Assessment {
        as_of,
        lang,
        processor: ProcessorSummary {
            name: p.name.clone(),
            ciio: p.ciio,
            located_in_china: p.located_in_china,
            individuals_processed: p.individuals_processed,
        },
        regime: instruments.iter().map(|i| i.id.clone()).collect(),
        instruments,
        window,
        totals,
        pathway,
        flows,
        obligations,
        trace,
        citations,
        warnings: warnings
            .into_iter()
            .map(|w| Warning::new(w, lang))
            .collect(),
        open_readings,
        standards: regime
            .standards
            .iter()
            .filter_map(|s| {
                Some(StandardInForce {
                    topic: s.body,
                    name: regime.standard(s.body, lang)?,
                })
            })
            .collect(),
    })
}

/// The warning that the group's combined volumes need the assessment the processor's alone do not, where the
/// law in force bans splitting (an obligation `no-splitting` of a pack in force, whose citation is given).
fn split_across_group(
    ctx: &Context<'_>,
    profile: &Profile,
    totals: &TotalsSummary,
    individuals_processed: u64,
    pathway: Pathway,
) -> Option<WarningKind> {
    let Context {
        book, regime, lang, ..
    } = *ctx;
    if profile.group.is_empty() || pathway == Pathway::SecurityAssessment {
        return None;
    }
    let ban = regime
        .obligations
        .iter()
        .find(|o| o.id.ends_with("/no-splitting"))?;
    let individuals = profile
        .group
        .iter()
        .fold(totals.individuals, |a, m| a.saturating_add(m.individuals));
    let sensitive_individuals = profile
        .group
        .iter()
        .fold(totals.sensitive_individuals, |a, m| {
            a.saturating_add(m.sensitive_individuals)
        });
    let p = &profile.processor;
    let needs_assessment = profile.flows.iter().any(|f| {
        let facts = Facts {
            individuals,
            sensitive_individuals,
            individuals_processed: individuals_processed.max(individuals),
            ..flow_facts(p, f)
        };
        regime.decide(&facts, f.exemption.id()).pathway == Some(Pathway::SecurityAssessment)
    });
    let citation = book
        .packs()
        .get(ban.pack)
        .map(|m| crate::regime::cite(&m.meta, &ban.article, lang))?;
    needs_assessment.then(|| WarningKind::SplitAcrossGroup {
        individuals,
        sensitive_individuals,
        members: profile.group.iter().map(|m| m.name.clone()).collect(),
        citation,
    })
}

/// The readings in force whose other reading the profile adopts; an id that names no reading in force is an
/// error naming those that are.
fn chosen_readings<'r>(
    regime: &'r Regime,
    profile: &Profile,
) -> Result<Vec<&'r crate::regime::Item<crate::regime::Reading>>, LawError> {
    let mut chosen = Vec::new();
    for (id, choice) in &profile.readings {
        let found = regime
            .readings
            .iter()
            .find(|r| r.id == *id || r.id.rsplit('/').next() == Some(id.as_str()));
        match (found, choice) {
            (Some(r), crate::profile::ReadingChoice::Alternative) => chosen.push(r),
            (Some(_), crate::profile::ReadingChoice::Adopted) => {}
            (None, _) => {
                let known: Vec<&str> = regime.readings.iter().map(|r| r.id.as_str()).collect();
                return Err(LawError::Input(crate::error::InputError {
                    file: "profile".into(),
                    line: None,
                    column: None,
                    field: Some(format!("readings.{id}")),
                    message: format!(
                        "no open reading `{id}` in the law in force; the readings are: {}",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                }));
            }
        }
    }
    Ok(chosen)
}

/// How the open questions of law are read for one evaluation.
#[derive(PartialEq, Eq)]
struct Reads {
    /// Whether each flow counts towards the thresholds.
    counted: Vec<bool>,
    /// Whether the sensitive-PI figures apply flow by flow (a flow carrying none is decided as if none was
    /// exported) rather than processor-wide.
    sensitive_per_flow: bool,
}

/// The readings of the packs, with the other reading of each of `alternatives`.
fn reads_under(
    regime: &Regime,
    profile: &Profile,
    alternatives: &[&crate::regime::Item<crate::regime::Reading>],
) -> Reads {
    Reads {
        counted: counted_under(regime, profile, alternatives),
        sensitive_per_flow: alternatives.iter().any(|r| r.body.sensitive_per_flow),
    }
}

/// The facts a flow is decided on: its own, with the processor-wide counts. Where sensitive-PI figures are
/// read flow by flow, a flow that carries no sensitive PI sees none.
fn decided_facts(
    p: &crate::profile::Processor,
    f: &Flow,
    totals: &TotalsSummary,
    individuals_processed: u64,
    sensitive_per_flow: bool,
) -> Facts {
    let sensitive_individuals = if sensitive_per_flow && f.sensitive_individuals == 0 {
        0
    } else {
        totals.sensitive_individuals
    };
    Facts {
        individuals: totals.individuals,
        sensitive_individuals,
        individuals_processed,
        ..flow_facts(p, f)
    }
}

/// Whether each flow counts towards the thresholds, with the exemptions of `alternatives` counted.
fn counted_under(
    regime: &Regime,
    profile: &Profile,
    alternatives: &[&crate::regime::Item<crate::regime::Reading>],
) -> Vec<bool> {
    let p = &profile.processor;
    profile
        .flows
        .iter()
        .map(|f| {
            regime.counts_flow(&flow_facts(p, f), f.exemption.id())
                || f.exemption
                    .id()
                    .is_some_and(|e| alternatives.iter().any(|r| r.body.counts.contains(&e)))
        })
        .collect()
}

/// Every open reading in force whose other reading changes the processor's or a flow's pathway. A reading
/// that counts exempted transfers is evaluated on the profile's own figures: with the ledger's totals it is
/// not (the ledger counted under the adopted reading; `ledger status` with other settings answers it).
fn open_readings(
    ctx: &Context<'_>,
    profile: &Profile,
    (reads, chosen): (&Reads, &[&crate::regime::Item<crate::regime::Reading>]),
    (decided_totals, from_ledger): (&TotalsSummary, bool),
    (flows, pathway): (&[FlowDecision], Pathway),
) -> Vec<OpenReading> {
    let Context {
        book, regime, lang, ..
    } = *ctx;
    let p = &profile.processor;
    let mut out = Vec::new();
    for r in regime.readings.iter().filter(|r| r.body.evaluable()) {
        // The other reading: the pack's where the profile adopted the alternative, else the alternative.
        let flipped = chosen.iter().any(|c| c.id == r.id);
        let others: Vec<_> = if flipped {
            chosen.iter().copied().filter(|c| c.id != r.id).collect()
        } else {
            chosen.iter().copied().chain(std::iter::once(r)).collect()
        };
        let other = reads_under(regime, profile, &others);
        if other == *reads || (from_ledger && other.counted != reads.counted) {
            continue;
        }
        let totals = if other.counted == reads.counted {
            TotalsSummary {
                excluded_flows: Vec::new(),
                ..decided_totals.clone()
            }
        } else {
            other_totals(profile, (&reads.counted, &other.counted), flipped)
        };
        let processed = individuals_processed(regime, profile, &totals, &mut Vec::new());
        let changed: Vec<ReadingFlow> = profile
            .flows
            .iter()
            .zip(flows)
            .filter_map(|(f, decided)| {
                let facts = decided_facts(p, f, &totals, processed, other.sensitive_per_flow);
                let alt = regime.decide(&facts, f.exemption.id()).pathway?;
                (alt != decided.pathway).then(|| ReadingFlow {
                    flow: f.id.clone(),
                    pathway: alt,
                })
            })
            .collect();
        let alternative_pathway = processor_pathway(flows.iter().map(|f| {
            changed
                .iter()
                .find(|c| c.flow == f.id)
                .map_or(f.pathway, |c| c.pathway)
        }))
        .unwrap_or(pathway);
        if changed.is_empty() && alternative_pathway == pathway {
            continue;
        }
        let meta = book.packs().get(r.pack).map(|m| &m.meta);
        let (adopted, alternative) = if flipped {
            (&r.body.alternative, &r.body.adopted)
        } else {
            (&r.body.adopted, &r.body.alternative)
        };
        out.push(OpenReading {
            id: r.id.clone(),
            question: r.text.get(lang).to_string(),
            adopted: adopted.get(lang).to_string(),
            alternative: alternative.get(lang).to_string(),
            alternative_pathway,
            flows: changed,
            citation: meta.map_or_else(String::new, |m| crate::regime::cite(m, &r.article, lang)),
            why: r.note.as_ref().map(|n| n.get(lang).to_string()),
        });
    }
    out
}

/// The processor-wide counts where another reading counts other flows (`counted` now, `other` then).
fn other_totals(
    profile: &Profile,
    (counted, other): (&[bool], &[bool]),
    flipped: bool,
) -> TotalsSummary {
    let (individuals, sensitive_individuals) = match profile.totals {
        // The profile's [totals] leave out the flows the other reading adds: add them (an upper bound, as a
        // sum is).
        Some(t) if !flipped => {
            let added: Vec<bool> = other.iter().zip(counted).map(|(o, c)| *o && !*c).collect();
            (
                t.individuals
                    .saturating_add(flow_sum(profile, &added, |f| f.individuals)),
                t.sensitive_individuals
                    .saturating_add(flow_sum(profile, &added, |f| f.sensitive_individuals)),
            )
        }
        // Without [totals], or where the other reading counts fewer flows than the [totals] were made for,
        // the flows it counts are summed.
        _ => (
            flow_sum(profile, other, |f| f.individuals),
            flow_sum(profile, other, |f| f.sensitive_individuals),
        ),
    };
    TotalsSummary {
        individuals,
        sensitive_individuals,
        source: TotalsSource::SumOfFlows,
        excluded_flows: Vec::new(),
    }
}

/// What deciding a flow needs besides the flow.
struct Context<'a> {
    book: &'a RuleBook,
    regime: &'a Regime,
    as_of: Date,
    lang: Lang,
}

/// A flow's own facts, before the processor-wide counts are added.
fn flow_facts(p: &crate::profile::Processor, f: &Flow) -> Facts {
    Facts {
        important_data: f.important_data,
        personal_information: f.personal_information(),
        sensitive_personal_information: f.sensitive_individuals > 0,
        kind: f.kind,
        ..Facts::transfer_by(p.facts())
    }
}

/// The processor-wide counts the thresholds apply to: the ledger's, else the profile's `[totals]`, else the
/// sum over counted flows (which can only over-count). Never below a single counted flow: a distinct count
/// over all flows cannot be smaller than one of them, so smaller given figures are raised and reported.
fn processor_totals(
    profile: &Profile,
    counted: &[bool],
    ledger_totals: Option<crate::profile::Totals>,
    warnings: &mut Vec<WarningKind>,
) -> TotalsSummary {
    let counted_flows = || {
        profile
            .flows
            .iter()
            .zip(counted)
            .filter(|(_, c)| **c)
            .map(|(f, _)| f)
    };
    let max_i = counted_flows().map(|f| f.individuals).max().unwrap_or(0);
    let max_s = counted_flows()
        .map(|f| f.sensitive_individuals)
        .max()
        .unwrap_or(0);
    let given = match ledger_totals {
        Some(t) => Some((t, TotalsSource::Ledger)),
        None => profile.totals.map(|t| (t, TotalsSource::Profile)),
    };
    if matches!(given, Some((_, TotalsSource::Profile))) {
        totals_checks(profile, counted, warnings);
    }
    let (individuals, sensitive_individuals, source) = match given {
        Some((t, source)) => {
            if t.individuals < max_i || t.sensitive_individuals < max_s {
                warnings.push(WarningKind::TotalsBelowAFlow {
                    individuals: t.individuals,
                    sensitive_individuals: t.sensitive_individuals,
                    flow_individuals: max_i,
                    flow_sensitive_individuals: max_s,
                });
            }
            (
                t.individuals.max(max_i),
                t.sensitive_individuals.max(max_s),
                source,
            )
        }
        None => (
            flow_sum(profile, counted, |f| f.individuals),
            flow_sum(profile, counted, |f| f.sensitive_individuals),
            TotalsSource::SumOfFlows,
        ),
    };
    TotalsSummary {
        individuals,
        sensitive_individuals,
        source,
        excluded_flows: Vec::new(),
    }
}

/// The sum of a figure over the flows `keep` selects (saturating): an upper bound of their distinct count.
fn flow_sum(profile: &Profile, keep: &[bool], figure: fn(&Flow) -> u64) -> u64 {
    profile
        .flows
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .fold(0u64, |a, (f, _)| a.saturating_add(figure(f)))
}

/// What the profile's own `[totals]` may have got wrong: more people than the counted flows hold together,
/// or a flow left out of them that counts on this date.
fn totals_checks(profile: &Profile, counted: &[bool], warnings: &mut Vec<WarningKind>) {
    let Some(totals) = profile.totals else {
        return;
    };
    let sum = flow_sum(profile, counted, |f| f.individuals);
    if totals.individuals > sum {
        warnings.push(WarningKind::TotalsAboveFlows {
            individuals: totals.individuals,
            sum,
        });
    }
    for (f, _) in profile.flows.iter().zip(counted).filter(|(_, c)| **c) {
        if let Some(exemption) = f.exemption.id() {
            warnings.push(WarningKind::TotalsMayOmitFlow {
                flow: f.id.clone(),
                exemption: exemption.id().to_string(),
            });
        }
    }
}

/// The individuals the processor handles: as given, else the largest exported figure as a lower bound
/// (reported when a rule in force depends on it).
fn individuals_processed(
    regime: &Regime,
    profile: &Profile,
    totals: &TotalsSummary,
    warnings: &mut Vec<WarningKind>,
) -> u64 {
    if let Some(n) = profile.processor.individuals_processed {
        return n;
    }
    let max_any = profile
        .flows
        .iter()
        .map(|f| f.individuals)
        .max()
        .unwrap_or(0);
    let lower_bound = totals.individuals.max(max_any);
    let uses_processed = regime.uses_individuals_processed();
    if uses_processed {
        warnings.push(WarningKind::IndividualsProcessedMissing { lower_bound });
    }
    lower_bound
}

/// One flow's decision, decided on `facts`.
fn decide_flow(
    ctx: &Context<'_>,
    f: &Flow,
    is_counted: bool,
    facts: &Facts,
    warnings: &mut Vec<WarningKind>,
) -> Result<FlowDecision, LawError> {
    let Context {
        book,
        regime,
        as_of,
        lang,
    } = *ctx;
    let outcome = regime.decide(facts, f.exemption.id());
    let pathway = outcome.pathway.ok_or_else(|| LawError::Undecided {
        date: as_of,
        flow: f.id.clone(),
    })?;
    let mut trace = Vec::new();
    flow_trace(book, regime, facts, &outcome, as_of, lang, &mut trace);
    trace.push(Step {
        pathway: Some(pathway),
        ..Step::plain(
            StepKind::Result,
            match lang {
                Lang::En => format!("pathway for flow `{}`: {}", f.id, pathway.label(lang)),
                Lang::Zh => format!("数据流“{}”的出境路径：{}", f.id, pathway.label(lang)),
            },
        )
    });
    let in_force = f.mechanism.filter(|m| mechanism_in_force(book, m, as_of));
    let satisfied = pathway.is_satisfied_by(in_force.map(|m| m.kind));
    match f.mechanism {
        Some(m) if !satisfied => warnings.push(mechanism_warning(book, f, m, pathway, as_of)),
        None if !satisfied => warnings.push(WarningKind::MechanismMissing {
            flow: f.id.clone(),
            required: pathway,
        }),
        _ => {}
    }
    if f.sensitive_individuals == 0
        && let Some(c) = f
            .categories
            .iter()
            .find(|c| SENSITIVE_CATEGORY_HINTS.contains(&c.to_ascii_lowercase().as_str()))
    {
        warnings.push(WarningKind::SensitiveCategoryWithoutCount {
            flow: f.id.clone(),
            category: c.clone(),
        });
    }
    let citations = unique(trace.iter().filter_map(|s| s.citation.clone()));
    Ok(FlowDecision {
        id: f.id.clone(),
        recipient: f.recipient.clone(),
        country: f.country.to_string(),
        kind: f.kind,
        individuals: f.individuals,
        sensitive_individuals: f.sensitive_individuals,
        important_data: f.important_data,
        pathway,
        exemption: outcome
            .exemption
            .and_then(|i| regime.exemptions.get(i))
            .map(|e| e.body.id),
        counted: is_counted && f.personal_information(),
        mechanism: f.mechanism,
        satisfied,
        trace,
        citations,
    })
}

/// Why a recorded mechanism does not satisfy the flow's pathway.
fn mechanism_warning(
    book: &RuleBook,
    f: &Flow,
    m: Mechanism,
    required: Pathway,
    as_of: Date,
) -> WarningKind {
    let flow = f.id.clone();
    if m.since > as_of {
        return WarningKind::MechanismNotYetInForce {
            flow,
            mechanism: m.kind,
            since: m.since,
        };
    }
    match valid_until(book, &m).filter(|u| *u < as_of) {
        Some(expired) => WarningKind::MechanismExpired {
            flow,
            mechanism: m.kind,
            expired,
            required,
        },
        None => WarningKind::MechanismInsufficient {
            flow,
            mechanism: m.kind,
            required,
        },
    }
}

/// The packs in force, and the counting window.
fn regime_summary(ctx: &Context<'_>) -> (Vec<InstrumentSummary>, Option<WindowSummary>) {
    let Context {
        book,
        regime,
        as_of,
        lang,
    } = *ctx;
    let packs = book.packs();
    let instruments = regime
        .packs
        .iter()
        .filter_map(|i| packs.get(*i).map(|p| &p.meta))
        .map(|m| InstrumentSummary {
            id: m.id.clone(),
            title: m.title.get(lang).to_string(),
            document: m.document.get(lang).to_string(),
            effective: m.effective,
        })
        .collect();
    let window = regime.window.as_ref().map(|w| WindowSummary {
        kind: w.body.id(),
        from: w.body.start(as_of),
        to: as_of,
        citation: packs
            .get(w.pack)
            .map(|p| cite(&p.meta, &w.article, lang))
            .unwrap_or_default(),
    });
    (instruments, window)
}

/// The processor-level steps: the law in force, the window, the totals, the processor's pathway.
fn processor_trace(
    ctx: &Context<'_>,
    window: &Option<WindowSummary>,
    totals: &TotalsSummary,
    flows: &[FlowDecision],
    pathway: Pathway,
) -> Vec<Step> {
    let Context {
        book,
        regime,
        as_of,
        lang,
    } = *ctx;
    let names: Vec<&str> = regime
        .packs
        .iter()
        .filter_map(|i| book.packs().get(*i))
        .map(|p| p.meta.short.get(lang))
        .collect();
    let mut trace = vec![Step::plain(
        StepKind::Regime,
        match lang {
            Lang::En => format!("law in force on {as_of}: {}", names.join(", ")),
            Lang::Zh => format!("{as_of} 有效的规定：{}", names.join("、")),
        },
    )];
    trace.push(match window {
        Some(w) => Step {
            rule: regime.window.as_ref().map(|x| x.id.clone()),
            citation: Some(w.citation.clone()),
            ..Step::plain(
                StepKind::Window,
                match lang {
                    Lang::En => format!("individuals are counted from {} to {}", w.from, w.to),
                    Lang::Zh => format!("计数区间：{} 至 {}", w.from, w.to),
                },
            )
        },
        None => Step::plain(
            StepKind::Window,
            lang.pick(
                "the law in force sets no volume thresholds, so nothing is counted",
                "现行规定未设数量门槛，不计数",
            )
            .to_string(),
        ),
    });
    trace.push(Step::plain(StepKind::Totals, totals_text(totals, lang)));
    let heaviest = flows
        .iter()
        .filter(|f| f.pathway == pathway)
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    trace.push(Step {
        pathway: Some(pathway),
        ..Step::plain(
            StepKind::Result,
            match lang {
                Lang::En => format!(
                    "processor's pathway: {}, the heaviest of its flows ({heaviest})",
                    pathway.label(lang)
                ),
                Lang::Zh => format!(
                    "处理者的出境路径：{}，取各数据流中最严格者（{heaviest}）",
                    pathway.label(lang)
                ),
            },
        )
    });
    trace
}

fn totals_text(totals: &TotalsSummary, lang: Lang) -> String {
    let (i, s) = (
        explain::number(totals.individuals),
        explain::number(totals.sensitive_individuals),
    );
    let excluded = &totals.excluded_flows;
    let mut text = match (lang, totals.source) {
        (Lang::En, TotalsSource::Profile) => {
            format!("processor-wide: {i} individuals, {s} with sensitive PI (from [totals])")
        }
        (Lang::En, TotalsSource::SumOfFlows) => format!(
            "processor-wide: {i} individuals, {s} with sensitive PI, summed over counted flows (may over-count people who appear in several flows; give [totals] or use the ledger for exact figures)"
        ),
        (Lang::Zh, TotalsSource::Profile) => {
            format!("处理者合计：{i}人，其中敏感个人信息{s}人（来自 [totals]）")
        }
        (Lang::En, TotalsSource::Ledger) => {
            format!(
                "processor-wide: {i} individuals, {s} with sensitive PI (counted exactly by the ledger)"
            )
        }
        (Lang::Zh, TotalsSource::Ledger) => {
            format!("处理者合计：{i}人，其中敏感个人信息{s}人（台账精确去重计数）")
        }
        (Lang::Zh, TotalsSource::SumOfFlows) => format!(
            "处理者合计：{i}人，其中敏感个人信息{s}人，由计入的数据流相加（同一人出现在多个数据流时会重复计算；可提供 [totals] 或使用台账得到精确数）"
        ),
    };
    if !excluded.is_empty() {
        text.push_str(&match lang {
            Lang::En => format!("; left out as exempted: {}", excluded.join(", ")),
            Lang::Zh => format!("；因豁免不计入：{}", excluded.join("、")),
        });
    }
    text
}

fn exemption_step(
    regime: &Regime,
    book: &RuleBook,
    i: usize,
    facts: &Facts,
    lang: Lang,
) -> Option<Step> {
    let e = regime.exemptions.get(i)?;
    let mut figures = Vec::new();
    e.body.when.figures(facts, &mut figures);
    let m = &book.packs().get(e.pack)?.meta;
    let mut text = e.text.get(lang).to_string();
    if !e.body.counted {
        text.push_str(lang.pick(" (left out of the counts)", "（不计入累计人数）"));
    }
    Some(Step {
        rule: Some(e.id.clone()),
        pathway: Some(Pathway::Exempt),
        figures,
        citation: Some(cite(m, &e.article, lang)),
        ..Step::plain(StepKind::ExemptionApplied, text)
    })
}

/// Why a claimed exemption is not upheld for a flow with `facts` on `as_of` — its conditions fail (with the
/// figures that fail them), or the law in force does not know it (with where it is defined) — as a step of
/// the trace; `None` when nothing was claimed or the claim is upheld. The assessment's trace and the gate's
/// reasons both say it from here.
pub fn claim_rejection(
    book: &RuleBook,
    regime: &Regime,
    facts: &Facts,
    claim: Claim,
    as_of: Date,
    lang: Lang,
) -> Option<Step> {
    let meta = |pack: usize| book.packs().get(pack).map(|p| &p.meta);
    let cite_of = |pack: usize, article: &Text| meta(pack).map(|m| cite(m, article, lang));
    match claim {
        Claim::None | Claim::Accepted(_) => None,
        Claim::ConditionFailed(i) => {
            let e = regime.exemptions.get(i)?;
            let mut figures = Vec::new();
            e.body.when.failing_figures(facts, &mut figures);
            let text = match lang {
                Lang::En => format!(
                    "the claimed exemption `{}` does not apply: {}",
                    e.body.id,
                    explain::figures(&figures, lang)
                ),
                Lang::Zh => format!(
                    "所主张的豁免“{}”不适用：{}",
                    e.body.id,
                    explain::figures(&figures, lang)
                ),
            };
            Some(Step {
                rule: Some(e.id.clone()),
                figures,
                citation: cite_of(e.pack, &e.article),
                ..Step::plain(StepKind::ExemptionRejected, text)
            })
        }
        Claim::NotRecognised(id) => {
            let elsewhere = book
                .exemption_definitions(id)
                .filter_map(|e| Some((cite_of(e.pack, &e.article)?, e.effective, e.ends)))
                .map(|(c, from, ends)| match (lang, ends) {
                    (Lang::En, None) => format!("{c}, in force from {from}"),
                    (Lang::En, Some(e)) => format!("{c}, in force {from} to {e}"),
                    (Lang::Zh, None) => format!("{c}，自{from}起施行"),
                    (Lang::Zh, Some(e)) => format!("{c}，{from}至{e}有效"),
                })
                .collect::<Vec<_>>()
                .join("; ");
            Some(Step::plain(
                StepKind::ExemptionRejected,
                match (lang, elsewhere.is_empty()) {
                    (Lang::En, true) => format!(
                        "the claimed exemption `{id}` is not recognised by the law in force on {as_of}"
                    ),
                    (Lang::En, false) => format!(
                        "the claimed exemption `{id}` is not recognised by the law in force on {as_of} (it is defined by {elsewhere})"
                    ),
                    (Lang::Zh, true) => format!("所主张的豁免“{id}”在{as_of}有效的规定中不存在"),
                    (Lang::Zh, false) => {
                        format!("所主张的豁免“{id}”在{as_of}有效的规定中不存在（见{elsewhere}）")
                    }
                },
            ))
        }
    }
}

fn flow_trace(
    book: &RuleBook,
    regime: &Regime,
    facts: &Facts,
    outcome: &crate::regime::Outcome,
    as_of: Date,
    lang: Lang,
    trace: &mut Vec<Step>,
) {
    let meta = |pack: usize| book.packs().get(pack).map(|p| &p.meta);
    let cite_of = |pack: usize, article: &Text| meta(pack).map(|m| cite(m, article, lang));
    match outcome.claim {
        Claim::Accepted(i) => trace.extend(exemption_step(regime, book, i, facts, lang)),
        claim => trace.extend(claim_rejection(book, regime, facts, claim, as_of, lang)),
    }
    if matches!(outcome.claim, Claim::Accepted(_)) {
        return;
    }
    if outcome.pathway == Some(Pathway::NotApplicable) {
        trace.push(Step { pathway: Some(Pathway::NotApplicable), figures: vec![
                Figure::Bool { fact: crate::condition::BoolFact::PersonalInformation, value: false },
                Figure::Bool { fact: crate::condition::BoolFact::ImportantData, value: false },
            ], ..Step::plain(StepKind::NotApplicable, lang.pick(
                "the flow carries no personal information and no important data: the export regime does not apply",
                "该数据流不含个人信息和重要数据，不适用数据出境规定",
            ).to_string()) });
        return;
    }
    if let Some(i) = outcome.exemption {
        trace.extend(exemption_step(regime, book, i, facts, lang));
        return;
    }
    for (i, rule) in regime
        .rules
        .iter()
        .enumerate()
        .filter(|(i, _)| outcome.fired.contains(*i))
    {
        let mut figures = Vec::new();
        rule.body.when.figures(facts, &mut figures);
        let overridden = outcome.overridden.contains(i);
        let by = regime
            .overrides
            .iter()
            .enumerate()
            .find(|(j, targets)| outcome.fired.contains(*j) && targets.contains(&i))
            .and_then(|(j, _)| regime.rules.get(j))
            .map(|r| r.id.clone())
            .unwrap_or_default();
        let mut text = format!(
            "{} → {} [{}]",
            rule.text.get(lang),
            rule.body.pathway.label(lang),
            explain::figures(&figures, lang)
        );
        let outweighed = !overridden && outcome.pathway.is_some_and(|p| p > rule.body.pathway);
        if overridden {
            text.push_str(&match lang {
                Lang::En => format!(" — displaced by the more specific `{by}`"),
                Lang::Zh => format!("——由更具体的“{by}”取代"),
            });
        } else if outweighed {
            text.push_str(lang.pick(" — a heavier pathway applies", "——适用更严格的路径"));
        }
        trace.push(Step {
            rule: Some(rule.id.clone()),
            pathway: Some(rule.body.pathway),
            figures,
            citation: cite_of(rule.pack, &rule.article),
            ..Step::plain(
                if overridden {
                    StepKind::Overridden
                } else if outweighed {
                    StepKind::Outweighed
                } else {
                    StepKind::Fired
                },
                text,
            )
        });
    }
}

/// The duties of every flow; `flow_facts` are the facts each flow was decided on.
fn obligations(
    book: &RuleBook,
    regime: &Regime,
    profile: &Profile,
    flows: &[FlowDecision],
    flow_facts: &[Facts],
    lang: Lang,
    warnings: &mut Vec<WarningKind>,
) -> Vec<ObligationDue> {
    let mut out: Vec<ObligationDue> = Vec::new();
    let mut fallback_years = Vec::new();
    for ((flow, decision), facts) in profile.flows.iter().zip(flows).zip(flow_facts) {
        // Deadlines counted from a mechanism follow the law in force when the mechanism took effect (an
        // assessment result issued in 2023 keeps its two-year validity).
        let anchor_regime = flow.mechanism.and_then(|m| book.regime_at(m.since).ok());
        let applies = |o: &Item<Obligation>| {
            o.body.party == crate::pack::Party::Processor
                && o.body.pathways.contains(&decision.pathway)
                && o.body.when.as_ref().is_none_or(|c| c.holds(facts))
                && match (o.body.mechanism, flow.mechanism) {
                    (Some(k), Some(m)) => k == m.kind,
                    _ => true,
                }
        };
        let anchored = |o: &Item<Obligation>| {
            matches!(
                o.body.due,
                DueSpec::AfterMechanism { .. }
                    | DueSpec::BeforeExpiry { .. }
                    | DueSpec::MonthsBeforeExpiry { .. }
            )
        };
        let recorded =
            |o: &Item<Obligation>| o.body.mechanism.is_some() && flow.mechanism.is_some();
        let from_as_of = regime
            .obligations
            .iter()
            .filter(|o| applies(o) && !(anchored(o) && recorded(o) && anchor_regime.is_some()));
        let from_anchor = anchor_regime
            .into_iter()
            .flat_map(|r| r.obligations.iter())
            .filter(|o| applies(o) && anchored(o) && recorded(o));
        for o in from_as_of.chain(from_anchor) {
            let Some(m) = book.packs().get(o.pack).map(|p| &p.meta) else {
                continue;
            };
            let mechanism = flow
                .mechanism
                .filter(|fm| Some(fm.kind) == o.body.mechanism);
            let (due, due_text, fallback) = due(book, &o.body, mechanism, lang);
            fallback_years.extend(fallback);
            let id = o.id.clone();
            if let Some(existing) = out
                .iter_mut()
                .find(|x| x.id == id && x.due == due && x.due_text == due_text)
            {
                existing.flows.push(flow.id.clone());
            } else {
                out.push(ObligationDue {
                    id,
                    flows: vec![flow.id.clone()],
                    mechanism: o.body.mechanism,
                    text: o.text.get(lang).to_string(),
                    citation: cite(m, &o.article, lang),
                    due,
                    due_text,
                });
            }
        }
    }
    fallback_years.sort_unstable();
    fallback_years.dedup();
    warnings.extend(
        fallback_years
            .into_iter()
            .map(|year| WarningKind::HolidayCalendarMissing { year }),
    );
    out
}

fn due(
    book: &RuleBook,
    o: &Obligation,
    mechanism: Option<Mechanism>,
    lang: Lang,
) -> (Option<Date>, String, Option<i16>) {
    let what = o
        .mechanism
        .map(|k| explain::mechanism(k, lang))
        .unwrap_or_default();
    let cal = book.calendar();
    match (&o.due, mechanism) {
        (DueSpec::BeforeTransfer, _) => (
            None,
            lang.pick("before the transfer", "出境前").into(),
            None,
        ),
        (DueSpec::Ongoing, _) => (None, lang.pick("ongoing", "持续").into(), None),
        (DueSpec::Retain { years }, _) => (
            None,
            match lang {
                Lang::En => format!("keep at least {years} years"),
                Lang::Zh => format!("至少保存{years}年"),
            },
            None,
        ),
        (
            DueSpec::AfterMechanism {
                working_days: Some(n),
                ..
            },
            Some(m),
        ) => {
            let d = cal.add_working_days(m.since, *n);
            (
                Some(d.date),
                match lang {
                    Lang::En => format!(
                        "by {} ({n} working days after the {what} took effect on {})",
                        d.date, m.since
                    ),
                    Lang::Zh => format!("{}前（{what}自{}生效起{n}个工作日内）", d.date, m.since),
                },
                d.fallback_year,
            )
        }
        (
            DueSpec::AfterMechanism {
                working_days: Some(n),
                ..
            },
            None,
        ) => (
            None,
            match lang {
                Lang::En => format!("within {n} working days after the {what} takes effect"),
                Lang::Zh => format!("{what}生效之日起{n}个工作日内"),
            },
            None,
        ),
        (DueSpec::AfterMechanism { years: Some(y), .. }, Some(m)) => {
            let until = expiry(&m, *y);
            (
                Some(until),
                match lang {
                    Lang::En => format!("valid until {until} ({y} years from {})", m.since),
                    Lang::Zh => format!("有效期至{until}（自{}起{y}年）", m.since),
                },
                None,
            )
        }
        // The validator ensures exactly one of working_days / years.
        (DueSpec::AfterMechanism { .. }, _) => {
            let years = match o.due {
                DueSpec::AfterMechanism { years: Some(y), .. } => y,
                _ => 0,
            };
            (
                None,
                match lang {
                    Lang::En => format!("valid {years} years from the date the {what} is issued"),
                    Lang::Zh => format!("{what}自出具之日起{years}年有效"),
                },
                None,
            )
        }
        (
            DueSpec::BeforeExpiry {
                validity_years,
                working_days,
                window,
            },
            Some(m),
        ) => {
            let expiry = expiry(&m, *validity_years);
            let first = cal.sub_working_days(expiry, *working_days);
            // A window closes on the last working day before expiry; a deadline is its first day.
            let last = if *window {
                cal.sub_working_days(expiry, 1)
            } else {
                first
            };
            let fallback = first.fallback_year.or(last.fallback_year);
            let estimated = fallback.map_or(String::new(), |y| match lang {
                Lang::En => format!(
                    "; estimated: {y}'s official holidays are not published, weekdays counted"
                ),
                Lang::Zh => format!("；{y}年法定节假日安排尚未公布，按周一至周五估算"),
            });
            let text = match (lang, window) {
                (Lang::En, true) => format!(
                    "from {} to {} (within the {working_days} working days before the {what} expires on {expiry}{estimated})",
                    first.date, last.date
                ),
                (Lang::Zh, true) => format!(
                    "{}至{}（{what}于{expiry}届满前{working_days}个工作日内{estimated}）",
                    first.date, last.date
                ),
                (Lang::En, false) => format!(
                    "{} ({working_days} working days before the {what} expires on {expiry}{estimated})",
                    first.date
                ),
                (Lang::Zh, false) => {
                    format!(
                        "{}（{what}于{expiry}届满前{working_days}个工作日{estimated}）",
                        first.date
                    )
                }
            };
            (Some(last.date), text, fallback)
        }
        (
            DueSpec::MonthsBeforeExpiry {
                validity_years,
                months,
            },
            Some(m),
        ) => {
            let expiry = expiry(&m, *validity_years);
            let first = expiry
                .to_jiff()
                .checked_sub(jiff::Span::new().months(*months))
                .map_or(expiry, Date::from);
            let last = expiry.yesterday();
            (
                Some(last),
                match lang {
                    Lang::En => format!(
                        "from {first} to {last} (within the {months} months before the {what} expires on {expiry})"
                    ),
                    Lang::Zh => {
                        format!("{first}至{last}（{what}于{expiry}届满前{months}个月内）")
                    }
                },
                None,
            )
        }
        (DueSpec::MonthsBeforeExpiry { months, .. }, None) => (
            None,
            match lang {
                Lang::En => format!("within the {months} months before the {what} expires"),
                Lang::Zh => format!("{what}届满前{months}个月内"),
            },
            None,
        ),
        (DueSpec::BeforeExpiry { working_days, .. }, None) => (
            None,
            match lang {
                Lang::En => format!("{working_days} working days before the {what} expires"),
                Lang::Zh => format!("{what}届满前{working_days}个工作日"),
            },
            None,
        ),
    }
}

/// The last valid day of a mechanism valid for `years`: as recorded, else the day before the anniversary.
fn expiry(m: &Mechanism, years: i16) -> Date {
    m.until
        .unwrap_or_else(|| m.since.add_years(years).yesterday())
}

/// The last valid day of a mechanism: as recorded, or from the validity the law in force on its first day set
/// (an assessment issued in 2023 keeps the two years of the 2022 Measures). `None` when it does not expire.
pub fn valid_until(book: &RuleBook, m: &Mechanism) -> Option<Date> {
    m.until.or_else(|| {
        let regime = book.regime_at(m.since).ok()?;
        regime.obligations.iter().find_map(|o| match o.body.due {
            DueSpec::AfterMechanism { years: Some(y), .. } if o.body.mechanism == Some(m.kind) => {
                Some(expiry(m, y))
            }
            _ => None,
        })
    })
}

/// The processor's dated duties that run from a recorded mechanism — a contract's filing, an assessment's
/// expiry and the window to apply for its extension, a certificate's renewal — under the law in force on the
/// day the mechanism took effect (as [`assess`] dates them). Duties the law gives no date for are left out.
pub fn mechanism_deadlines(book: &RuleBook, m: &Mechanism, lang: Lang) -> Vec<ObligationDue> {
    let Ok(regime) = book.regime_at(m.since) else {
        return Vec::new();
    };
    regime
        .obligations
        .iter()
        .filter(|o| {
            o.body.party == crate::pack::Party::Processor && o.body.mechanism == Some(m.kind)
        })
        .filter_map(|o| {
            let meta = &book.packs().get(o.pack)?.meta;
            let (due, due_text, _) = due(book, &o.body, Some(*m), lang);
            Some(ObligationDue {
                id: o.id.clone(),
                flows: Vec::new(),
                mechanism: o.body.mechanism,
                text: o.text.get(lang).to_string(),
                citation: cite(meta, &o.article, lang),
                due: Some(due?),
                due_text,
            })
        })
        .collect()
}

/// Whether a recorded mechanism is in force on `as_of`: taken effect, and not expired.
pub fn mechanism_in_force(book: &RuleBook, m: &Mechanism, as_of: Date) -> bool {
    m.since <= as_of && valid_until(book, m).is_none_or(|u| as_of <= u)
}

fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}
