//! A processor's description and its cross-border flows: the input of `chujing assess`.
//!
//! Parse it with [`Profile::parse`]; every problem names the file, line and field and says what was expected.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::date::Date;
use crate::error::{InputError, LawError};
use crate::pathway::{ExemptionId, FlowKind, MechanismKind};
use crate::source::{Format, find_line, parse};

/// A processor and its flows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The date to decide as of, if the profile fixes one (`--as-of` wins).
    #[serde(default)]
    pub as_of: Option<Date>,
    /// Who exports.
    pub processor: Processor,
    /// What goes abroad.
    pub flows: Vec<Flow>,
    /// Processor-wide distinct counts for the window (from the ledger, say). Without it, counted flows are
    /// summed, which over-counts people who appear in several flows.
    #[serde(default)]
    pub totals: Option<Totals>,
    /// Open readings of the law the processor's legal team decides otherwise than the packs:
    /// `{ "exempted-transfers-counted" = "alternative" }` (the reading's id, with or without its pack).
    #[serde(default)]
    pub readings: std::collections::BTreeMap<String, ReadingChoice>,
    /// Affiliates that export the same kind of data to the same recipients, with their own figures for the
    /// window: volumes split among them to stay under the assessment threshold are checked against the ban
    /// on splitting.
    #[serde(default)]
    pub group: Vec<GroupMember>,
}

/// An affiliate of the processor and what it exported in the window.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMember {
    /// Its name.
    pub name: String,
    /// Distinct individuals whose PI it exported.
    pub individuals: u64,
    /// Of which with sensitive PI.
    #[serde(default)]
    pub sensitive_individuals: u64,
}

/// Which reading of an open question of law to decide on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingChoice {
    /// The reading the pack adopts.
    Adopted,
    /// The other one.
    Alternative,
}

/// The personal-information processor (个人信息处理者).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, from = "ProcessorSpec")]
pub struct Processor {
    /// Legal name.
    pub name: String,
    /// Critical information infrastructure operator.
    pub ciio: bool,
    /// Located in mainland China; `false` for a processor abroad under PIPL Art. 3(2).
    pub located_in_china: bool,
    /// All individuals whose PI it processes, if known.
    pub individuals_processed: Option<u64>,
    /// The facts the profile did not state, and the value assumed for each (`ciio` false,
    /// `located_in_china` true): the assessment says so.
    #[serde(skip)]
    pub assumed: Vec<(&'static str, bool)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcessorSpec {
    name: String,
    #[serde(default)]
    ciio: Option<bool>,
    #[serde(default)]
    located_in_china: Option<bool>,
    #[serde(default)]
    individuals_processed: Option<u64>,
}

impl From<ProcessorSpec> for Processor {
    fn from(s: ProcessorSpec) -> Processor {
        let mut assumed = Vec::new();
        let mut fact = |name: &'static str, given: Option<bool>, default: bool| {
            given.unwrap_or_else(|| {
                assumed.push((name, default));
                default
            })
        };
        let ciio = fact("ciio", s.ciio, false);
        let located_in_china = fact("located_in_china", s.located_in_china, true);
        Processor {
            name: s.name,
            ciio,
            located_in_china,
            individuals_processed: s.individuals_processed,
            assumed,
        }
    }
}

impl Processor {
    /// Who the processor is, as the law asks it.
    pub fn facts(&self) -> crate::condition::ProcessorFacts {
        crate::condition::ProcessorFacts {
            ciio: self.ciio,
            located_in_china: self.located_in_china,
        }
    }
}

/// The exemption a profile claims for a flow: `none`, or an exemption a profile may claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClaimedExemption(Option<ExemptionId>);

impl ClaimedExemption {
    /// The exemption claimed, if any.
    pub fn id(self) -> Option<ExemptionId> {
        self.0
    }
}

impl Serialize for ClaimedExemption {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.map_or("none", ExemptionId::id))
    }
}

impl<'de> Deserialize<'de> for ClaimedExemption {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "none" {
            return Ok(ClaimedExemption(None));
        }
        let claimable = || {
            let names: Vec<&str> = ExemptionId::ALL
                .iter()
                .filter(|e| e.is_claimable())
                .map(|e| e.id())
                .collect();
            format!("none, {}", names.join(", "))
        };
        match ExemptionId::parse(&s) {
            Ok(e) if e.is_claimable() => Ok(ClaimedExemption(Some(e))),
            Ok(e) => Err(serde::de::Error::custom(format!(
                "`{e}` is decided from the counts and cannot be claimed; expected one of {}",
                claimable()
            ))),
            Err(_) => Err(serde::de::Error::custom(format!(
                "unknown exemption `{s}`, expected one of {}",
                claimable()
            ))),
        }
    }
}

/// A mechanism the processor has obtained for a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mechanism {
    /// Which mechanism.
    pub kind: MechanismKind,
    /// The day it took effect: contract effective date, assessment result issued, certificate issued.
    pub since: Date,
    /// Its last valid day, if known (otherwise computed from the law).
    #[serde(default)]
    pub until: Option<Date>,
}

/// One cross-border flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "FlowSpec")]
pub struct Flow {
    /// Identifier, unique within the profile.
    pub id: String,
    /// The recipient abroad (or the processor itself, for offshore processing).
    pub recipient: String,
    /// Where the recipient is.
    pub country: CountryCode,
    /// How the PI goes abroad.
    pub kind: FlowKind,
    /// Purposes of the transfer.
    pub purposes: Vec<String>,
    /// Categories of PI (empty when the flow carries none).
    pub categories: Vec<String>,
    /// Distinct individuals whose PI this flow exported in the window.
    pub individuals: u64,
    /// Distinct individuals whose sensitive PI this flow exported in the window.
    pub sensitive_individuals: u64,
    /// Whether the flow carries important data.
    pub important_data: bool,
    /// The exemption claimed.
    pub exemption: ClaimedExemption,
    /// The mechanism obtained, if any.
    pub mechanism: Option<Mechanism>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowSpec {
    id: String,
    #[serde(default)]
    recipient: String,
    country: CountryCode,
    #[serde(default = "transfer")]
    kind: FlowKind,
    #[serde(default)]
    purposes: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    individuals: Option<u64>,
    #[serde(default)]
    sensitive_individuals: u64,
    #[serde(default)]
    important_data: bool,
    #[serde(default)]
    exemption: ClaimedExemption,
    #[serde(default)]
    mechanism: Option<Mechanism>,
}

fn transfer() -> FlowKind {
    FlowKind::Transfer
}

impl TryFrom<FlowSpec> for Flow {
    type Error = String;
    fn try_from(s: FlowSpec) -> Result<Flow, String> {
        if s.id.trim().is_empty() {
            return Err("`id` must not be empty".into());
        }
        // A missing figure read as 0 would make the flow exempt by its volume: never guess it.
        let Some(individuals) = s.individuals else {
            return Err(format!(
                "flow `{}`: `individuals` is missing: give the distinct individuals whose PI this flow exported in \
                 the window (0 if it exports none), or count them with `chujing scan --profile` or the ledger",
                s.id
            ));
        };
        if s.sensitive_individuals > individuals {
            return Err(format!(
                "flow `{}`: sensitive_individuals ({}) exceeds individuals ({}); every individual whose sensitive \
                 PI is exported is also counted in `individuals`",
                s.id, s.sensitive_individuals, individuals
            ));
        }
        s.country.check_abroad(&s.id)?;
        if let Some(m) = &s.mechanism
            && m.until.is_some_and(|u| u < m.since)
        {
            return Err(format!(
                "flow `{}`: mechanism.until is before mechanism.since",
                s.id
            ));
        }
        Ok(Flow {
            id: s.id,
            recipient: s.recipient,
            country: s.country,
            kind: s.kind,
            purposes: s.purposes,
            categories: s.categories,
            individuals,
            sensitive_individuals: s.sensitive_individuals,
            important_data: s.important_data,
            exemption: s.exemption,
            mechanism: s.mechanism,
        })
    }
}

impl Flow {
    /// Whether the flow carries personal information.
    pub fn personal_information(&self) -> bool {
        self.individuals > 0 || self.sensitive_individuals > 0 || !self.categories.is_empty()
    }
}

/// Processor-wide distinct counts in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// Distinct individuals over all counted flows.
    pub individuals: u64,
    /// Distinct individuals with sensitive PI over all counted flows.
    #[serde(default)]
    pub sensitive_individuals: u64,
}

impl Profile {
    /// Parses a profile in TOML or JSON (by `file`'s extension), then checks it as a whole.
    pub fn parse(file: &str, src: &str) -> Result<Profile, LawError> {
        let profile: Profile = parse(file, src, Format::from_name(file))?;
        let err = |needle: &str, field: String, message: String| {
            LawError::Input(InputError {
                file: file.to_string(),
                line: find_line(src, needle),
                column: None,
                field: Some(field),
                message,
            })
        };
        if profile.flows.is_empty() {
            return Err(err(
                "[processor]",
                "flows".into(),
                "the profile has no flows: add at least one [[flows]] table".into(),
            ));
        }
        let mut ids = HashSet::new();
        for (i, f) in profile.flows.iter().enumerate() {
            if !ids.insert(f.id.as_str()) {
                return Err(err(
                    &f.id,
                    format!("flows[{i}].id"),
                    format!("flow id `{}` is used twice; ids must be unique", f.id),
                ));
            }
            if let Some(misfit) = f.kind.misfit(&f.id, profile.processor.located_in_china) {
                return Err(err(
                    "offshore_processing",
                    format!("flows[{i}].kind"),
                    format!("{misfit} (processor.located_in_china is true)"),
                ));
            }
        }
        if let Some(t) = profile.totals
            && t.sensitive_individuals > t.individuals
        {
            return Err(err(
                "[totals]",
                "totals.sensitive_individuals".into(),
                format!(
                    "sensitive_individuals ({}) exceeds individuals ({}); every individual whose sensitive PI is \
                 exported is also counted in `individuals`",
                    t.sensitive_individuals, t.individuals
                ),
            ));
        }
        Ok(profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
as_of = "2026-11-22"
[processor]
name = "Acme"
[[flows]]
id = "hr"
recipient = "Acme GmbH"
country = "DE"
categories = ["identity"]
individuals = 3000
exemption = "hr_management"
"#;

    fn input_error(file: &str, src: &str) -> InputError {
        match Profile::parse(file, src).unwrap_err() {
            LawError::Input(e) => e,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn parses_with_defaults() {
        let p = Profile::parse("p.toml", GOOD).unwrap();
        assert!(p.processor.located_in_china);
        assert_eq!(p.flows[0].kind, FlowKind::Transfer);
        assert_eq!(p.flows[0].exemption.id(), Some(ExemptionId::HrManagement));
    }

    #[test]
    fn bad_values_name_line_and_field() {
        let e = input_error("p.toml", &GOOD.replace("\"DE\"", "\"XX\""));
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(8), Some("flows[0].country")),
            "{e}"
        );
        assert!(e.message.contains("ISO 3166-1"));

        let e = input_error("p.toml", &GOOD.replace("3000", "-3"));
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(10), Some("flows[0].individuals")),
            "{e}"
        );

        let e = input_error("p.toml", &GOOD.replace("hr_management", "vacation"));
        assert!(
            e.message
                .contains("unknown exemption `vacation`, expected one of none, contract_necessity"),
            "{e}"
        );

        let e = input_error("p.toml", &GOOD.replace("2026-11-22", "2026-02-30"));
        assert_eq!(e.field.as_deref(), Some("as_of"));
        assert!(e.message.contains("does not exist"));

        let e = input_error("p.toml", &GOOD.replace("recipient =", "recipiant ="));
        assert!(e.message.contains("unknown field `recipiant`"), "{e}");
        assert_eq!(e.line, Some(7));

        let e = input_error(
            "p.toml",
            &GOOD.replace(
                "individuals = 3000",
                "individuals = 3000\nsensitive_individuals = 4000",
            ),
        );
        assert_eq!(e.field.as_deref(), Some("flows[0]"));
        assert!(e.line.is_some(), "{e}");
    }

    #[test]
    fn a_flow_without_individuals_is_refused_not_read_as_zero() {
        // Before: the missing figure was read as 0 and the flow came out exempt by its volume.
        let e = input_error("p.toml", &GOOD.replace("individuals = 3000", ""));
        assert_eq!(e.field.as_deref(), Some("flows[0]"), "{e}");
        assert!(e.message.contains("`individuals` is missing"), "{e}");
    }

    #[test]
    fn whole_profile_checks() {
        let twice = format!("{GOOD}\n[[flows]]\nid = \"hr\"\ncountry = \"US\"\nindividuals = 1\n");
        assert!(input_error("p.toml", &twice).message.contains("used twice"));
        let offshore = GOOD.replace(
            "country = \"DE\"",
            "country = \"DE\"\nkind = \"offshore_processing\"",
        );
        assert!(
            input_error("p.toml", &offshore)
                .message
                .contains("located_in_china")
        );
        assert!(
            input_error("p.toml", &GOOD.replace("\"DE\"", "\"CN\""))
                .message
                .contains("not abroad")
        );
    }

    #[test]
    fn json_profiles() {
        let json = r#"{"processor": {"name": "A"}, "flows": [{"id": "x", "country": "US", "individuals": "many"}]}"#;
        let e = input_error("p.json", json);
        assert_eq!(e.field.as_deref(), Some("flows[0].individuals"));
        assert_eq!(e.line, Some(1));
    }
}
