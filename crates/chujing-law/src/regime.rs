//! The law in force over a span of days, compiled for fast decisions.

use crate::condition::{Condition, CountFact, Facts};
use crate::date::Date;
use crate::pack::{DueSpec, PackMeta, WindowKind};
use crate::pathway::{ExemptionId, Pathway};
use crate::text::{Lang, Text};

/// The most rules one regime may hold (the width of [`RuleSet`]).
pub const MAX_RULES: usize = 256;

/// A pack item, compiled: where it comes from, what it cites, and its body.
#[derive(Debug, Clone)]
pub struct Item<T> {
    /// Index of the pack in [`crate::RuleBook::packs`].
    pub pack: usize,
    /// `pack-id/item-id`.
    pub id: String,
    /// First day in force.
    pub effective: Date,
    /// Last day in force, if any.
    pub ends: Option<Date>,
    /// Cited article.
    pub article: Text,
    /// Paraphrase.
    pub text: Text,
    /// Reading notes.
    pub note: Option<Text>,
    /// The compiled content.
    pub body: T,
}

impl<T> Item<T> {
    /// Whether the item is in force on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        self.effective <= date && self.ends.is_none_or(|e| date <= e)
    }
}

/// A rule requiring a pathway.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The pathway required when `when` holds.
    pub pathway: Pathway,
    /// The condition.
    pub when: Condition,
    /// Rules this one displaces, as `pack-id/rule-id`.
    pub overrides: Vec<String>,
}

/// An exemption.
#[derive(Debug, Clone)]
pub struct Exemption {
    /// Which exemption.
    pub id: ExemptionId,
    /// Applied without a claim.
    pub automatic: bool,
    /// Whether exempted transfers still count towards thresholds.
    pub counted: bool,
    /// The condition for it to apply.
    pub when: Condition,
}

/// An open question of law, the reading adopted and the other one.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The reading adopted.
    pub adopted: crate::text::Text,
    /// The other reading.
    pub alternative: crate::text::Text,
    /// Exemptions whose transfers the other reading counts.
    pub counts: Vec<ExemptionId>,
    /// Whether the other reading applies the sensitive-PI figures flow by flow.
    pub sensitive_per_flow: bool,
}

impl Reading {
    /// Whether the engine can evaluate the other reading (it changes what is counted or how).
    pub fn evaluable(&self) -> bool {
        !self.counts.is_empty() || self.sensitive_per_flow
    }
}

/// A duty.
#[derive(Debug, Clone)]
pub struct Obligation {
    /// The pathways that carry it.
    pub pathways: Vec<Pathway>,
    /// A further condition.
    pub when: Option<Condition>,
    /// The mechanism it belongs to, if any.
    pub mechanism: Option<crate::pathway::MechanismKind>,
    /// When it falls due.
    pub due: DueSpec,
    /// Whose duty it is.
    pub party: crate::pack::Party,
}

/// A set of rule indices within one regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleSet([u64; MAX_RULES / 64]);

impl RuleSet {
    /// Adds rule `i`.
    pub fn insert(&mut self, i: usize) {
        if let Some(word) = self.0.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    /// Whether rule `i` is in the set.
    pub fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// The indices in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..MAX_RULES).filter(|i| self.contains(*i))
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

/// What became of an exemption a profile claimed for a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Nothing was claimed.
    None,
    /// The claim was upheld (index into [`Regime::exemptions`]).
    Accepted(usize),
    /// The law in force does not know this exemption.
    NotRecognised(ExemptionId),
    /// The exemption exists but its conditions fail for this flow (index into [`Regime::exemptions`]).
    ConditionFailed(usize),
}

/// The decision for one flow, before it is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The pathway, or `None` when no rule decides a flow that needs deciding.
    pub pathway: Option<Pathway>,
    /// The exemption applied (index into [`Regime::exemptions`]).
    pub exemption: Option<usize>,
    /// What became of the claim.
    pub claim: Claim,
    /// Rules that fired.
    pub fired: RuleSet,
    /// Fired rules displaced by a more specific one.
    pub overridden: RuleSet,
}

/// A volume threshold of the law in force: a count and the bound some rule or exemption tests it against.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Threshold {
    /// The count tested.
    pub fact: CountFact,
    /// The bound.
    pub bound: u64,
    /// The rules and exemptions that test it.
    pub items: Vec<String>,
}

/// The law in force from `from` to `to`: everything needed to decide on any day of that span.
#[derive(Debug, Clone)]
pub struct Regime {
    /// First day of the span.
    pub from: Date,
    /// Last day of the span, if it ends.
    pub to: Option<Date>,
    /// The packs in force (indices into [`crate::RuleBook::packs`]).
    pub packs: Vec<usize>,
    /// The counting window, if the regime counts.
    pub window: Option<Item<WindowKind>>,
    /// Exemptions.
    pub exemptions: Vec<Item<Exemption>>,
    /// Rules.
    pub rules: Vec<Item<Rule>>,
    /// For each rule, the indices of the rules it overrides.
    pub overrides: Vec<Vec<usize>>,
    /// Obligations.
    pub obligations: Vec<Item<Obligation>>,
    /// Open questions of law, with the reading adopted.
    pub readings: Vec<Item<Reading>>,
    /// Standards in force, by topic (`article`: code; `text`: title).
    pub standards: Vec<Item<crate::pack::StandardTopic>>,
}

impl Regime {
    /// The standard in force for `topic`, as `code title` in `lang`, if the packs name one.
    pub fn standard(&self, topic: crate::pack::StandardTopic, lang: Lang) -> Option<String> {
        self.standards
            .iter()
            .find(|s| s.body == topic)
            .map(|s| match lang {
                Lang::En => format!("{} {}", s.article.en, s.text.en),
                Lang::Zh => format!("{}《{}》", s.article.zh, s.text.zh),
            })
    }

    /// The exemption a profile claims, if it applies to the flow. Used before counting: an exemption whose
    /// transfers are not counted must not depend on counts (the validator enforces it).
    pub fn claimed_exemption(&self, facts: &Facts, claim: Option<ExemptionId>) -> Claim {
        let Some(claimed) = claim else {
            return Claim::None;
        };
        match self
            .exemptions
            .iter()
            .position(|e| e.body.id == claimed && !e.body.automatic)
        {
            None => Claim::NotRecognised(claimed),
            Some(i) => {
                if self
                    .exemptions
                    .get(i)
                    .is_some_and(|e| e.body.when.holds(facts))
                {
                    Claim::Accepted(i)
                } else {
                    Claim::ConditionFailed(i)
                }
            }
        }
    }

    /// Decides one flow. Pure and allocation-free: this is the hot path of every transfer gate.
    ///
    /// Order: an upheld claimed exemption; then no PI and no important data ⇒ not applicable; then automatic
    /// exemptions; then the heaviest pathway among the rules that fired and were not displaced.
    pub fn decide(&self, facts: &Facts, claim: Option<ExemptionId>) -> Outcome {
        let claim = self.claimed_exemption(facts, claim);
        let mut outcome = Outcome {
            pathway: None,
            exemption: None,
            claim,
            fired: RuleSet::default(),
            overridden: RuleSet::default(),
        };
        if let Claim::Accepted(i) = claim {
            outcome.pathway = Some(Pathway::Exempt);
            outcome.exemption = Some(i);
            return outcome;
        }
        if !facts.personal_information && !facts.important_data {
            outcome.pathway = Some(Pathway::NotApplicable);
            return outcome;
        }
        if let Some(i) = self
            .exemptions
            .iter()
            .position(|e| e.body.automatic && e.body.when.holds(facts))
        {
            outcome.pathway = Some(Pathway::Exempt);
            outcome.exemption = Some(i);
            return outcome;
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.body.when.holds(facts) {
                outcome.fired.insert(i);
            }
        }
        for (i, targets) in self.overrides.iter().enumerate() {
            if outcome.fired.contains(i) {
                targets.iter().for_each(|t| outcome.overridden.insert(*t));
            }
        }
        outcome.pathway = self
            .rules
            .iter()
            .enumerate()
            .filter(|(i, _)| outcome.fired.contains(*i) && !outcome.overridden.contains(*i))
            .map(|(_, r)| r.body.pathway)
            .max();
        outcome
    }

    /// Whether a rule or exemption in force tests the count of individuals the processor processes (the 2022
    /// Measures' "1 million" trigger): where one does, that figure must be known to decide.
    pub fn uses_individuals_processed(&self) -> bool {
        self.rules
            .iter()
            .map(|r| &r.body.when)
            .chain(self.exemptions.iter().map(|e| &e.body.when))
            .any(|when| {
                let mut bounds = Vec::new();
                when.count_bounds(&mut bounds);
                bounds
                    .iter()
                    .any(|(f, _)| *f == crate::condition::CountFact::IndividualsProcessed)
            })
    }

    /// The facts about the processor the law in force reads, of those that can go unrecorded: whether it is
    /// a CIIO and where it is located always; how many individuals it processes where a rule tests it.
    pub fn processor_facts_read(&self) -> Vec<crate::condition::ProcessorFact> {
        use crate::condition::ProcessorFact;
        let mut facts = vec![ProcessorFact::Ciio, ProcessorFact::LocatedInChina];
        if self.uses_individuals_processed() {
            facts.push(ProcessorFact::IndividualsProcessed);
        }
        facts
    }

    /// Whether a flow's individuals count towards the processor's totals: they do unless the flow rests on an
    /// upheld exemption that the pack marks as not counted (Provisions 2024 Art. 7-8 read with Art. 3-5; the
    /// validator keeps such exemptions free of counts, so `facts` need no counts here). The one home of this
    /// rule: the profile assessment and the ledger both ask it.
    pub fn counts_flow(&self, facts: &Facts, claim: Option<ExemptionId>) -> bool {
        match self.claimed_exemption(facts, claim) {
            Claim::Accepted(i) => self.exemptions.get(i).is_none_or(|e| e.body.counted),
            _ => true,
        }
    }

    /// Every volume threshold the rules and exemptions in force test, with the items that test it, ordered
    /// by count and bound. Bounds below 100 are switches ("any sensitive PI"), not thresholds to approach, and
    /// are left out; so is the count of individuals processed, which is not an export count.
    pub fn thresholds(&self) -> Vec<Threshold> {
        let mut out: Vec<Threshold> = Vec::new();
        let conditions = self
            .rules
            .iter()
            .map(|r| (&r.id, &r.body.when))
            .chain(self.exemptions.iter().map(|e| (&e.id, &e.body.when)));
        for (id, when) in conditions {
            let mut bounds = Vec::new();
            when.count_bounds(&mut bounds);
            for (fact, bound) in bounds {
                if fact == CountFact::IndividualsProcessed || bound < 100 {
                    continue;
                }
                match out.iter_mut().find(|t| t.fact == fact && t.bound == bound) {
                    Some(t) if !t.items.contains(id) => t.items.push(id.clone()),
                    Some(_) => {}
                    None => out.push(Threshold {
                        fact,
                        bound,
                        items: vec![id.clone()],
                    }),
                }
            }
        }
        out.sort_by_key(|t| (t.fact.id(), t.bound));
        out
    }

    /// The first day counted for a decision as of `as_of`, if the regime counts at all.
    pub fn window_start(&self, as_of: Date) -> Option<Date> {
        self.window.as_ref().map(|w| w.body.start(as_of))
    }
}

/// Formats the citation of an item: `PIPL Art. 38` / `《个人信息保护法》第三十八条`.
pub fn cite(pack: &PackMeta, article: &Text, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} {}", pack.short.en, article.en),
        Lang::Zh => format!("{}{}", pack.short.zh, article.zh),
    }
}
