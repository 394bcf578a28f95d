//! The rule-pack file format: one TOML file per legal instrument.
//!
//! ```toml
//! [pack]
//! id = "cn-provisions-2024"
//! title = { zh = "促进和规范数据跨境流动规定", en = "Provisions on Promoting and Regulating Cross-Border Data Flows" }
//! short = { zh = "《规定》", en = "Provisions 2024" }
//! issuer = { zh = "国家互联网信息办公室", en = "Cyberspace Administration of China" }
//! document = { zh = "国家互联网信息办公室令第16号", en = "CAC Order No. 16" }
//! issued = "2024-03-22"
//! effective = "2024-03-22"
//!
//! [[rule]]
//! id = "contract-volume"
//! pathway = "standard_contract_or_certification"
//! when = { all = [{ fact = "ciio", is = false }, { fact = "individuals", at_least = 100000, less_than = 1000000 }] }
//! article = { zh = "第八条第（一）项", en = "Art. 8(1)" }
//! text = { zh = "…", en = "…" }
//! ```
//!
//! Every item (`window`, `exemption`, `rule`, `obligation`) has an `id`, an `article` it cites, a paraphrase
//! `text` in both languages, and may narrow the pack's dates with `effective` / `ends` and name the item it
//! `supersedes` (`"pack-id/item-id"`). Unknown keys are errors.

use serde::{Deserialize, Serialize};

use crate::condition::ConditionSpec;
use crate::date::Date;
use crate::pathway::{ExemptionId, MechanismKind, Pathway};
use crate::text::Text;

/// A rule-pack file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// What instrument this is.
    pub pack: PackMeta,
    /// Counting windows the instrument sets.
    #[serde(default)]
    pub window: Vec<WindowSpec>,
    /// Exemptions it grants.
    #[serde(default)]
    pub exemption: Vec<ExemptionSpec>,
    /// Rules that require a pathway.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
    /// Duties that come with a pathway.
    #[serde(default)]
    pub obligation: Vec<ObligationSpec>,
    /// Questions the law leaves open, and the reading the pack adopts.
    #[serde(default)]
    pub reading: Vec<ReadingSpec>,
    /// Standards the documents and the clause checker cite (`article` is the code, `text` the title).
    #[serde(default)]
    pub standard: Vec<StandardSpec>,
}

/// What a standard governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StandardTopic {
    /// The requirements a certification checks (the binding agreement's clauses among them).
    CertificationRequirements,
    /// Which personal information is sensitive.
    SensitivePersonalInformation,
}

/// The instrument a pack encodes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Stable identifier, such as `cn-pipl`.
    pub id: String,
    /// Full title.
    pub title: Text,
    /// Short name used in citations, such as `PIPL` / `《个人信息保护法》`.
    pub short: Text,
    /// Issuing body.
    pub issuer: Text,
    /// Document number, such as `CAC Order No. 16`.
    pub document: Text,
    /// Date of issue.
    pub issued: Date,
    /// Date it takes effect.
    pub effective: Date,
    /// Last day in force, if repealed or superseded.
    #[serde(default)]
    pub ends: Option<Date>,
    /// Where the official text is published.
    #[serde(default)]
    pub source: Option<String>,
    /// What the pack is unsure of, or how it reads the text.
    #[serde(default)]
    pub note: Option<Text>,
}

/// How counts are windowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// Since 1 January of the current year (from 2024-03-22).
    CalendarYear,
    /// Since 1 January of the previous year (2022-09-01 to 2024-03-21).
    SincePreviousYear,
}

impl WindowKind {
    /// The first day counted for a window ending on `as_of`.
    pub fn start(self, as_of: Date) -> Date {
        match self {
            WindowKind::CalendarYear => as_of.first_of_year(),
            WindowKind::SincePreviousYear => as_of.first_of_previous_year(),
        }
    }

    /// The snake_case identifier.
    pub fn id(self) -> &'static str {
        match self {
            WindowKind::CalendarYear => "calendar_year",
            WindowKind::SincePreviousYear => "since_previous_year",
        }
    }
}

/// The fields every item shares, for validation.
pub trait ItemSpec {
    /// The item's id within its pack.
    fn id(&self) -> &str;
    /// First day in force, if narrower than the pack.
    fn effective(&self) -> Option<Date>;
    /// Last day in force, if narrower than the pack.
    fn ends(&self) -> Option<Date>;
    /// The item this one replaces, as `pack-id/item-id`.
    fn supersedes(&self) -> Option<&str>;
    /// The cited article.
    fn article(&self) -> &Text;
    /// The paraphrase.
    fn text(&self) -> &Text;
    /// Reading notes, if any.
    fn note(&self) -> Option<&Text>;
}

/// Declares an item struct with the fields every item shares (separate structs rather than `#[serde(flatten)]`,
/// which would switch off `deny_unknown_fields`).
macro_rules! item_spec {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Id within the pack.
            pub id: String,
            $($(#[$fm])* pub $field: $ty,)*
            /// First day in force, if later than the pack.
            #[serde(default)]
            pub effective: Option<Date>,
            /// Last day in force, if earlier than the pack's end.
            #[serde(default)]
            pub ends: Option<Date>,
            /// The item this one replaces, as `pack-id/item-id`.
            #[serde(default)]
            pub supersedes: Option<String>,
            /// Cited article.
            pub article: Text,
            /// Paraphrase.
            pub text: Text,
            /// Reading notes: how the pack reads the text, what is uncertain.
            #[serde(default)]
            pub note: Option<Text>,
        }

        impl ItemSpec for $name {
            fn id(&self) -> &str { &self.id }
            fn effective(&self) -> Option<Date> { self.effective }
            fn ends(&self) -> Option<Date> { self.ends }
            fn supersedes(&self) -> Option<&str> { self.supersedes.as_deref() }
            fn article(&self) -> &Text { &self.article }
            fn text(&self) -> &Text { &self.text }
            fn note(&self) -> Option<&Text> { self.note.as_ref() }
        }
    };
}

item_spec! {
    /// A counting window.
    WindowSpec {
        /// The window.
        kind: WindowKind,
    }
}

item_spec! {
    /// An exemption from all three mechanisms. Its `id` is the stable name used in profiles.
    ExemptionSpec {
        /// Applied without a claim when `when` holds (the small-volume exemption); otherwise only when the
        /// profile claims it.
        #[serde(default)]
        automatic: bool,
        /// Whether transfers under this exemption still count towards the thresholds.
        counted: bool,
        /// Conditions the flow must meet for the exemption to apply.
        when: ConditionSpec,
    }
}

impl ExemptionSpec {
    /// The exemption's typed id, or an error naming the known ones.
    pub fn exemption_id(&self) -> Result<ExemptionId, String> {
        ExemptionId::parse(&self.id)
    }
}

item_spec! {
    /// A rule that requires a pathway when its condition holds.
    RuleSpec {
        /// The pathway required.
        pathway: Pathway,
        /// When the rule fires.
        when: ConditionSpec,
        /// Rules (`pack-id/rule-id`) this more specific rule displaces when both fire (lex specialis).
        #[serde(default)]
        overrides: Vec<String>,
    }
}

/// When an obligation falls due.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DueSpec {
    /// Before the first transfer.
    BeforeTransfer,
    /// Continuously, while transfers go on.
    Ongoing,
    /// Keep records for this many years.
    Retain {
        /// Years to keep.
        years: i16,
    },
    /// A number of working days or years after the obligation's mechanism took effect (filing deadline, validity).
    AfterMechanism {
        /// Working days after the anchor (PRC official calendar).
        #[serde(default)]
        working_days: Option<u32>,
        /// Calendar years after the anchor.
        #[serde(default)]
        years: Option<i16>,
    },
    /// Working days before the mechanism's validity ends (the window to apply for extension).
    BeforeExpiry {
        /// Validity in years from the anchor.
        validity_years: i16,
        /// Working days before expiry.
        working_days: u32,
        /// Whether it is a window (apply *within* the working days before expiry: Provisions 2024 Art. 9)
        /// rather than a deadline (apply *at least* that long before: Assessment Measures 2022 Art. 14(3)).
        #[serde(default)]
        window: bool,
    },
    /// Calendar months before the mechanism's validity ends: the window to apply for renewal (Certification
    /// Measures 2026 Art. 8: within the 6 months before a certificate expires).
    MonthsBeforeExpiry {
        /// Validity in years from the anchor.
        validity_years: i16,
        /// Months before expiry the window opens.
        months: i8,
    },
}

item_spec! {
    /// A question the law leaves open (`text` asks it; `note` says why the pack reads it as it does), and
    /// what the other reading would change, so that `assess` can say when it would change the answer.
    ReadingSpec {
        /// The reading adopted, in words.
        adopted: Text,
        /// The other reading, in words.
        alternative: Text,
        /// Exemptions whose transfers the other reading counts towards the thresholds.
        #[serde(default)]
        counts: Vec<String>,
        /// The other reading applies the sensitive-PI figures flow by flow: a flow that carries no sensitive
        /// PI is decided as if the processor had exported none (the adopted reading counts them processor-wide).
        #[serde(default)]
        sensitive_per_flow: bool,
    }
}

item_spec! {
    /// A standard in force for a topic (`article`: its code; `text`: its title).
    StandardSpec {
        /// What it governs.
        topic: StandardTopic,
    }
}

item_spec! {
    /// A duty that comes with a pathway.
    ObligationSpec {
        /// The pathways that carry this duty.
        pathways: Vec<Pathway>,
        /// A further condition, if the duty applies only to some flows.
        #[serde(default)]
        when: Option<ConditionSpec>,
        /// The mechanism this duty belongs to: shown only when that mechanism is chosen or none is recorded
        /// yet, and the anchor of `after_mechanism` / `before_expiry` deadlines.
        #[serde(default)]
        mechanism: Option<MechanismKind>,
        /// When it falls due.
        due: DueSpec,
        /// Whose duty it is: the processor's (the default, listed by `assess`) or the certification body's
        /// (used by the certification service, never listed as the processor's).
        #[serde(default)]
        party: Party,
    }
}

/// Who carries a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The PI processor.
    #[default]
    Processor,
    /// The certification body that certified the processor.
    CertificationBody,
}
