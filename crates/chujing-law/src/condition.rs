//! The condition language of rule packs.
//!
//! A condition is a tree of `all`, `any` and `not` over atoms. An atom tests one fact:
//! `{ fact = "ciio", is = true }`, `{ fact = "individuals", at_least = 100000 }` (以上: the number itself
//! counts), `{ fact = "individuals", less_than = 1000000 }` (不满: the number itself does not count), or
//! `{ fact = "kind", in = ["remote_access"] }`. `at_least` and `less_than` may be combined for a band.

use serde::{Deserialize, Serialize};

use crate::pathway::FlowKind;

/// A yes/no fact about the processor or the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoolFact {
    /// The processor is a critical information infrastructure operator.
    Ciio,
    /// The processor is located in mainland China.
    LocatedInChina,
    /// The flow carries important data (as notified or published, Provisions 2024 Art. 2).
    ImportantData,
    /// The flow carries personal information.
    PersonalInformation,
    /// The flow carries sensitive personal information.
    SensitivePersonalInformation,
}

/// A count of distinct individuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountFact {
    /// Individuals whose PI the processor provided abroad in the counting window (exempted flows excluded).
    Individuals,
    /// Individuals whose sensitive PI the processor provided abroad in the counting window.
    SensitiveIndividuals,
    /// Individuals whose PI the processor processes at all (the 2022 "1 million" trigger).
    IndividualsProcessed,
}

impl BoolFact {
    /// The identifier used in rule packs.
    pub fn id(self) -> &'static str {
        match self {
            BoolFact::Ciio => "ciio",
            BoolFact::LocatedInChina => "located_in_china",
            BoolFact::ImportantData => "important_data",
            BoolFact::PersonalInformation => "personal_information",
            BoolFact::SensitivePersonalInformation => "sensitive_personal_information",
        }
    }
}

impl CountFact {
    /// The identifier used in rule packs.
    pub fn id(self) -> &'static str {
        match self {
            CountFact::Individuals => "individuals",
            CountFact::SensitiveIndividuals => "sensitive_individuals",
            CountFact::IndividualsProcessed => "individuals_processed",
        }
    }
}

/// Everything a condition can test, for one flow of one processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// See [`BoolFact::Ciio`].
    pub ciio: bool,
    /// See [`BoolFact::LocatedInChina`].
    pub located_in_china: bool,
    /// See [`BoolFact::ImportantData`].
    pub important_data: bool,
    /// See [`BoolFact::PersonalInformation`].
    pub personal_information: bool,
    /// See [`BoolFact::SensitivePersonalInformation`].
    pub sensitive_personal_information: bool,
    /// See [`CountFact::Individuals`].
    pub individuals: u64,
    /// See [`CountFact::SensitiveIndividuals`].
    pub sensitive_individuals: u64,
    /// See [`CountFact::IndividualsProcessed`].
    pub individuals_processed: u64,
    /// The kind of flow.
    pub kind: FlowKind,
}

/// Who the processor is, as the law asks it: one value wherever a processor is decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProcessorFacts {
    /// A critical information infrastructure operator (PIPL Art. 40).
    pub ciio: bool,
    /// Located in the People's Republic of China; `false` for a processor abroad under PIPL Art. 3(2).
    pub located_in_china: bool,
}

/// A fact about the processor that the law reads and that a gate must have recorded before it decides: the
/// lighter answer is never assumed for a fact that is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessorFact {
    /// Whether it is a critical information infrastructure operator (PIPL Art. 40).
    Ciio,
    /// Whether it is located in the People's Republic of China (PIPL Art. 3).
    LocatedInChina,
    /// How many individuals' PI it processes at all, where a rule in force tests it.
    IndividualsProcessed,
}

impl ProcessorFact {
    /// The identifier used in profiles, the API and rule packs.
    pub fn id(self) -> &'static str {
        match self {
            ProcessorFact::Ciio => "ciio",
            ProcessorFact::LocatedInChina => "located_in_china",
            ProcessorFact::IndividualsProcessed => "individuals_processed",
        }
    }

    /// The fact's name for a reader.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            ProcessorFact::Ciio => {
                lang.pick("whether it is a CIIO", "是否为关键信息基础设施运营者")
            }
            ProcessorFact::LocatedInChina => {
                lang.pick("whether it is located in China", "是否位于境内")
            }
            ProcessorFact::IndividualsProcessed => lang.pick(
                "how many individuals' PI it processes",
                "处理个人信息的人数",
            ),
        }
    }
}

impl Facts {
    /// The facts of a transfer of PI (no sensitive PI, no important data, nothing counted yet) by `processor`;
    /// callers set what they know on top.
    pub const fn transfer_by(processor: ProcessorFacts) -> Facts {
        Facts {
            ciio: processor.ciio,
            located_in_china: processor.located_in_china,
            important_data: false,
            personal_information: true,
            sensitive_personal_information: false,
            individuals: 0,
            sensitive_individuals: 0,
            individuals_processed: 0,
            kind: FlowKind::Transfer,
        }
    }

    /// The value of a yes/no fact.
    pub fn bool(&self, fact: BoolFact) -> bool {
        match fact {
            BoolFact::Ciio => self.ciio,
            BoolFact::LocatedInChina => self.located_in_china,
            BoolFact::ImportantData => self.important_data,
            BoolFact::PersonalInformation => self.personal_information,
            BoolFact::SensitivePersonalInformation => self.sensitive_personal_information,
        }
    }

    /// The value of a count.
    pub fn count(&self, fact: CountFact) -> u64 {
        match fact {
            CountFact::Individuals => self.individuals,
            CountFact::SensitiveIndividuals => self.sensitive_individuals,
            CountFact::IndividualsProcessed => self.individuals_processed,
        }
    }
}

/// A condition as written in a rule pack, before validation.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConditionSpec {
    /// Every sub-condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<ConditionSpec>>,
    /// At least one sub-condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<ConditionSpec>>,
    /// The sub-condition does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<ConditionSpec>>,
    /// The fact an atom tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    /// For a yes/no fact: the value that makes the atom hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is: Option<bool>,
    /// For a count: holds when the count is this number or more (以上).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<u64>,
    /// For a count: holds when the count is below this number (不满).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than: Option<u64>,
    /// For `kind`: the kinds of flow for which the atom holds.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<FlowKind>>,
}

/// A validated condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Every sub-condition holds (an empty list holds).
    All(Vec<Condition>),
    /// At least one sub-condition holds.
    Any(Vec<Condition>),
    /// The sub-condition does not hold.
    Not(Box<Condition>),
    /// A yes/no fact has the given value.
    Bool {
        /// The fact.
        fact: BoolFact,
        /// The value that makes the atom hold.
        is: bool,
    },
    /// A count lies in `[at_least, less_than)`.
    Count {
        /// The count.
        fact: CountFact,
        /// Lower bound, inclusive (以上).
        at_least: Option<u64>,
        /// Upper bound, exclusive (不满).
        less_than: Option<u64>,
    },
    /// The flow is of one of these kinds.
    Kind(Vec<FlowKind>),
}

/// One atom that held, with the figure it was decided on: the material of an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Figure {
    /// A yes/no fact.
    Bool {
        /// The fact.
        fact: BoolFact,
        /// Its value.
        value: bool,
    },
    /// A count against its bounds.
    Count {
        /// The count.
        fact: CountFact,
        /// Its value.
        value: u64,
        /// Lower bound, inclusive.
        #[serde(skip_serializing_if = "Option::is_none")]
        at_least: Option<u64>,
        /// Upper bound, exclusive.
        #[serde(skip_serializing_if = "Option::is_none")]
        less_than: Option<u64>,
    },
    /// The kind of flow.
    Kind {
        /// Its value.
        value: FlowKind,
    },
    /// An atom inside `not` that did not hold (so the `not` held).
    Negated {
        /// What did not hold.
        inner: Box<Figure>,
    },
}

impl ConditionSpec {
    /// Validates the spec into a [`Condition`]; the error says what is wrong, in the pack's own words.
    pub fn compile(&self) -> Result<Condition, String> {
        let forms = [
            self.all.is_some(),
            self.any.is_some(),
            self.not.is_some(),
            self.fact.is_some(),
        ];
        if forms.iter().filter(|f| **f).count() != 1 {
            return Err("a condition needs exactly one of `all`, `any`, `not` or `fact`".into());
        }
        let atom_fields = self.is.is_some()
            || self.at_least.is_some()
            || self.less_than.is_some()
            || self.kinds.is_some();
        if self.fact.is_none() && atom_fields {
            return Err(
                "`is`, `at_least`, `less_than` and `in` belong to an atom with `fact`".into(),
            );
        }
        let compile_list = |list: &[ConditionSpec]| {
            list.iter()
                .map(ConditionSpec::compile)
                .collect::<Result<Vec<_>, _>>()
        };
        if let Some(list) = &self.all {
            return Ok(Condition::All(compile_list(list)?));
        }
        if let Some(list) = &self.any {
            if list.is_empty() {
                return Err("`any` needs at least one condition".into());
            }
            return Ok(Condition::Any(compile_list(list)?));
        }
        if let Some(inner) = &self.not {
            return Ok(Condition::Not(Box::new(inner.compile()?)));
        }
        let fact = self.fact.as_deref().unwrap_or_default();
        let bool_fact = [
            BoolFact::Ciio,
            BoolFact::LocatedInChina,
            BoolFact::ImportantData,
            BoolFact::PersonalInformation,
            BoolFact::SensitivePersonalInformation,
        ]
        .into_iter()
        .find(|f| f.id() == fact);
        let count_fact = [
            CountFact::Individuals,
            CountFact::SensitiveIndividuals,
            CountFact::IndividualsProcessed,
        ]
        .into_iter()
        .find(|f| f.id() == fact);
        let count_fields = self.at_least.is_some() || self.less_than.is_some();
        match (bool_fact, count_fact, fact) {
            (Some(fact), _, _) => match (self.is, count_fields || self.kinds.is_some()) {
                (Some(is), false) => Ok(Condition::Bool { fact, is }),
                _ => Err(format!(
                    "fact `{}` is yes/no: write `is = true` or `is = false`",
                    fact.id()
                )),
            },
            (_, Some(fact), _) => {
                if self.is.is_some() || self.kinds.is_some() || !count_fields {
                    return Err(format!(
                        "fact `{}` is a count: write `at_least = N` (以上) and/or `less_than = N` (不满)",
                        fact.id()
                    ));
                }
                if let (Some(lo), Some(hi)) = (self.at_least, self.less_than)
                    && lo >= hi
                {
                    return Err(format!(
                        "empty band: at_least {lo} is not below less_than {hi}"
                    ));
                }
                Ok(Condition::Count {
                    fact,
                    at_least: self.at_least,
                    less_than: self.less_than,
                })
            }
            (_, _, "kind") => match (&self.kinds, self.is.is_some() || count_fields) {
                (Some(kinds), false) if !kinds.is_empty() => Ok(Condition::Kind(kinds.clone())),
                _ => Err("fact `kind` takes `in = [\"transfer\", …]`".into()),
            },
            (_, _, other) => Err(format!(
                "unknown fact `{other}`, expected one of ciio, located_in_china, important_data, \
                 personal_information, sensitive_personal_information, individuals, sensitive_individuals, \
                 individuals_processed, kind"
            )),
        }
    }
}

impl Condition {
    /// Whether the condition holds for `facts`.
    pub fn holds(&self, facts: &Facts) -> bool {
        match self {
            Condition::All(list) => list.iter().all(|c| c.holds(facts)),
            Condition::Any(list) => list.iter().any(|c| c.holds(facts)),
            Condition::Not(inner) => !inner.holds(facts),
            Condition::Bool { fact, is } => facts.bool(*fact) == *is,
            Condition::Count {
                fact,
                at_least,
                less_than,
            } => {
                let v = facts.count(*fact);
                at_least.is_none_or(|lo| v >= lo) && less_than.is_none_or(|hi| v < hi)
            }
            Condition::Kind(kinds) => kinds.contains(&facts.kind),
        }
    }

    /// The figures that made a holding condition hold: every atom of an `all`, the first holding branch of an
    /// `any`. Call only when [`Condition::holds`] is true.
    pub fn figures(&self, facts: &Facts, out: &mut Vec<Figure>) {
        match self {
            Condition::All(list) => list.iter().for_each(|c| c.figures(facts, out)),
            Condition::Any(list) => {
                if let Some(c) = list.iter().find(|c| c.holds(facts)) {
                    c.figures(facts, out);
                }
            }
            Condition::Not(inner) => {
                let mut inner_figures = Vec::new();
                inner.atoms_as_figures(facts, &mut inner_figures);
                out.extend(
                    inner_figures
                        .into_iter()
                        .map(|f| Figure::Negated { inner: Box::new(f) }),
                );
            }
            Condition::Bool { fact, .. } => out.push(Figure::Bool {
                fact: *fact,
                value: facts.bool(*fact),
            }),
            Condition::Count {
                fact,
                at_least,
                less_than,
            } => out.push(Figure::Count {
                fact: *fact,
                value: facts.count(*fact),
                at_least: *at_least,
                less_than: *less_than,
            }),
            Condition::Kind(_) => out.push(Figure::Kind { value: facts.kind }),
        }
    }

    /// The figures that made a failing condition fail: the failing atoms of an `all`, every branch of an
    /// `any`. Call only when [`Condition::holds`] is false.
    pub fn failing_figures(&self, facts: &Facts, out: &mut Vec<Figure>) {
        match self {
            Condition::All(list) => list
                .iter()
                .filter(|c| !c.holds(facts))
                .for_each(|c| c.failing_figures(facts, out)),
            Condition::Any(list) => list.iter().for_each(|c| c.failing_figures(facts, out)),
            Condition::Not(inner) => {
                let mut held = Vec::new();
                inner.figures(facts, &mut held);
                out.extend(
                    held.into_iter()
                        .map(|f| Figure::Negated { inner: Box::new(f) }),
                );
            }
            _ => self.figures(facts, out),
        }
    }

    fn atoms_as_figures(&self, facts: &Facts, out: &mut Vec<Figure>) {
        match self {
            Condition::All(list) | Condition::Any(list) => {
                list.iter().for_each(|c| c.atoms_as_figures(facts, out))
            }
            Condition::Not(inner) => inner.atoms_as_figures(facts, out),
            _ => self.figures(facts, out),
        }
    }

    /// Every count bound in the condition: `(fact, bound)` pairs, used to test both sides of each boundary.
    pub fn count_bounds(&self, out: &mut Vec<(CountFact, u64)>) {
        match self {
            Condition::All(list) | Condition::Any(list) => {
                list.iter().for_each(|c| c.count_bounds(out))
            }
            Condition::Not(inner) => inner.count_bounds(out),
            Condition::Count {
                fact,
                at_least,
                less_than,
            } => out.extend(at_least.iter().chain(less_than.iter()).map(|b| (*fact, *b))),
            Condition::Bool { .. } | Condition::Kind(_) => {}
        }
    }

    /// Whether any atom tests `fact`.
    pub fn mentions_count(&self) -> bool {
        let mut bounds = Vec::new();
        self.count_bounds(&mut bounds);
        !bounds.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            ciio: false,
            located_in_china: true,
            important_data: false,
            personal_information: true,
            sensitive_personal_information: false,
            individuals: 100_000,
            sensitive_individuals: 0,
            individuals_processed: 0,
            kind: FlowKind::Transfer,
        }
    }

    fn spec(src: &str) -> Result<Condition, String> {
        #[derive(Deserialize)]
        struct W {
            when: ConditionSpec,
        }
        let w: W = toml::from_str(src).map_err(|e| e.to_string())?;
        w.when.compile()
    }

    #[test]
    fn yi_shang_includes_and_bu_man_excludes() {
        let c = spec("when = { fact = \"individuals\", at_least = 100000 }").unwrap();
        assert!(c.holds(&facts()));
        let c = spec("when = { fact = \"individuals\", less_than = 100000 }").unwrap();
        assert!(!c.holds(&facts()));
    }

    #[test]
    fn combinators_and_figures() {
        let c = spec(
            "when = { all = [{ fact = \"ciio\", is = false }, { any = [{ fact = \"important_data\", is = true }, \
             { fact = \"individuals\", at_least = 10 }] }] }",
        )
        .unwrap();
        assert!(c.holds(&facts()));
        let mut figs = Vec::new();
        c.figures(&facts(), &mut figs);
        assert_eq!(figs.len(), 2);
        assert!(matches!(figs[1], Figure::Count { value: 100_000, .. }));
    }

    #[test]
    fn malformed_conditions_are_explained() {
        assert!(
            spec("when = { fact = \"ciio\", at_least = 1 }")
                .unwrap_err()
                .contains("yes/no")
        );
        assert!(
            spec("when = { fact = \"individuals\", is = true }")
                .unwrap_err()
                .contains("count")
        );
        assert!(
            spec("when = { fact = \"nope\", is = true }")
                .unwrap_err()
                .contains("unknown fact")
        );
        assert!(
            spec("when = { all = [], fact = \"ciio\", is = true }")
                .unwrap_err()
                .contains("exactly one")
        );
        assert!(
            spec("when = { fact = \"individuals\", at_least = 5, less_than = 5 }")
                .unwrap_err()
                .contains("empty band")
        );
        assert!(spec("when = { fact = \"kind\", in = [\"remote_access\"] }").is_ok());
    }
}
