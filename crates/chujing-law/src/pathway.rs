//! The vocabulary of decisions: pathways, exemptions, kinds of flow and mechanisms.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::Lang;

/// What the law requires before personal information may be provided abroad (PIPL Art. 38).
///
/// Ordered from lightest to heaviest. `Certification` (the only route before the standard contract existed)
/// sorts above `StandardContractOrCertification` because it leaves the processor fewer choices; the two never
/// compete in one regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pathway {
    /// No personal information and no important data leave China: the export regime does not apply.
    NotApplicable,
    /// An exemption applies: no assessment, contract or certification (notice, consent and PIPIA still do).
    Exempt,
    /// A standard contract filed with the provincial CAC, or a certification.
    StandardContractOrCertification,
    /// Certification only (before the standard contract was available).
    Certification,
    /// A CAC security assessment.
    SecurityAssessment,
}

impl Pathway {
    /// Every pathway, lightest first.
    pub const ALL: [Pathway; 5] = [
        Pathway::NotApplicable,
        Pathway::Exempt,
        Pathway::StandardContractOrCertification,
        Pathway::Certification,
        Pathway::SecurityAssessment,
    ];

    /// The snake_case identifier used in files and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Pathway::NotApplicable => "not_applicable",
            Pathway::Exempt => "exempt",
            Pathway::StandardContractOrCertification => "standard_contract_or_certification",
            Pathway::Certification => "certification",
            Pathway::SecurityAssessment => "security_assessment",
        }
    }

    /// A short name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Pathway::NotApplicable => lang.pick("not applicable", "不适用"),
            Pathway::Exempt => lang.pick("exempt", "豁免"),
            Pathway::StandardContractOrCertification => {
                lang.pick("standard contract or certification", "标准合同或认证")
            }
            Pathway::Certification => lang.pick("certification", "个人信息保护认证"),
            Pathway::SecurityAssessment => lang.pick("security assessment", "数据出境安全评估"),
        }
    }

    /// The severity tier: 0 none, 1 exempt, 2 contract/certification, 3 assessment.
    pub fn tier(self) -> u8 {
        match self {
            Pathway::NotApplicable => 0,
            Pathway::Exempt => 1,
            Pathway::StandardContractOrCertification | Pathway::Certification => 2,
            Pathway::SecurityAssessment => 3,
        }
    }

    /// Whether a mechanism the processor has obtained satisfies this pathway.
    pub fn is_satisfied_by(self, mechanism: Option<MechanismKind>) -> bool {
        match self {
            Pathway::NotApplicable | Pathway::Exempt => true,
            Pathway::StandardContractOrCertification => matches!(
                mechanism,
                Some(MechanismKind::StandardContract | MechanismKind::Certification)
            ),
            Pathway::Certification => mechanism == Some(MechanismKind::Certification),
            Pathway::SecurityAssessment => mechanism == Some(MechanismKind::SecurityAssessment),
        }
    }
}

/// What a mechanism is to a processor, given the pathway it must take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The pathway is this mechanism (or one of two it may choose between).
    Required,
    /// Nothing requires it: the processor is exempt or out of scope, or the mechanism is heavier than its
    /// pathway.
    NotRequired,
    /// Closed to the processor: its pathway is heavier than this mechanism (a processor that needs a security
    /// assessment may not rely on a standard contract or certification instead; Standard Contract Measures
    /// Art. 4, Provisions 2024 Art. 7).
    Closed,
}

impl Pathway {
    /// What `mechanism` is to a processor on this pathway.
    pub fn standing_of(self, mechanism: MechanismKind) -> Standing {
        let own = match mechanism {
            MechanismKind::SecurityAssessment => Pathway::SecurityAssessment,
            MechanismKind::StandardContract | MechanismKind::Certification => {
                Pathway::StandardContractOrCertification
            }
        };
        match self {
            Pathway::NotApplicable | Pathway::Exempt => Standing::NotRequired,
            _ if self.is_satisfied_by(Some(mechanism)) => Standing::Required,
            _ if self.tier() < own.tier() => Standing::NotRequired,
            _ => Standing::Closed,
        }
    }
}

/// The processor's pathway: the heaviest of the pathways of the flows that transfer something, as a
/// processor must satisfy each of its flows; `None` when no flow transfers anything. The one home of this
/// rule: the profile assessment and the ledger both ask it.
pub fn processor_pathway(flows: impl IntoIterator<Item = Pathway>) -> Option<Pathway> {
    flows.into_iter().max()
}

impl fmt::Display for Pathway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The exemptions a rule pack may define. Which of them exist on a date is data (the packs); the names are
/// the stable interface of profiles and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionId {
    /// Necessary to conclude or perform a contract the individual is party to.
    ContractNecessity,
    /// Cross-border human-resources management of employees.
    HrManagement,
    /// An emergency to protect a person's life, health or property.
    Emergency,
    /// PI collected abroad, processed in China and sent back, nothing domestic added.
    CollectedAbroad,
    /// Trade, transport, academic, manufacturing or marketing data with no PI and no important data.
    NoPersonalInformation,
    /// Data outside a free-trade zone's negative list.
    FtzNegativeList,
    /// A non-CIIO below the volume threshold (decided from the counts, never claimed).
    SmallVolume,
    /// Necessary to perform a statutory duty or legal obligation (Network Data Regulations Art. 35(6), from
    /// 2025-01-01).
    StatutoryDuty,
}

impl ExemptionId {
    /// Every exemption.
    pub const ALL: [ExemptionId; 8] = [
        ExemptionId::ContractNecessity,
        ExemptionId::HrManagement,
        ExemptionId::Emergency,
        ExemptionId::CollectedAbroad,
        ExemptionId::NoPersonalInformation,
        ExemptionId::FtzNegativeList,
        ExemptionId::SmallVolume,
        ExemptionId::StatutoryDuty,
    ];

    /// Parses a snake_case identifier, with an error naming the known ones.
    pub fn parse(s: &str) -> Result<ExemptionId, String> {
        ExemptionId::ALL
            .into_iter()
            .find(|e| e.id() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = ExemptionId::ALL.iter().map(|e| e.id()).collect();
                format!(
                    "unknown exemption `{s}`, expected one of {}",
                    known.join(", ")
                )
            })
    }

    /// Whether a profile may claim it (`small_volume` is decided from the counts).
    pub fn is_claimable(self) -> bool {
        self != ExemptionId::SmallVolume
    }

    /// The snake_case identifier.
    pub fn id(self) -> &'static str {
        match self {
            ExemptionId::ContractNecessity => "contract_necessity",
            ExemptionId::HrManagement => "hr_management",
            ExemptionId::Emergency => "emergency",
            ExemptionId::CollectedAbroad => "collected_abroad",
            ExemptionId::NoPersonalInformation => "no_personal_information",
            ExemptionId::FtzNegativeList => "ftz_negative_list",
            ExemptionId::SmallVolume => "small_volume",
            ExemptionId::StatutoryDuty => "statutory_duty",
        }
    }

    /// The exemption in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ExemptionId::ContractNecessity => lang.pick(
                "necessary for a contract with the individual",
                "订立、履行个人作为一方当事人的合同所必需",
            ),
            ExemptionId::HrManagement => {
                lang.pick("cross-border HR management", "实施跨境人力资源管理所必需")
            }
            ExemptionId::Emergency => {
                lang.pick("emergency", "紧急情况下保护自然人生命健康和财产安全所必需")
            }
            ExemptionId::CollectedAbroad => {
                lang.pick("collected abroad", "境外收集后在境内处理并向境外提供")
            }
            ExemptionId::NoPersonalInformation => {
                lang.pick("no personal information", "不含个人信息和重要数据")
            }
            ExemptionId::FtzNegativeList => lang.pick(
                "outside a free-trade zone's negative list",
                "自由贸易试验区负面清单外的数据",
            ),
            ExemptionId::SmallVolume => lang.pick(
                "fewer than 100,000 individuals",
                "累计向境外提供不满10万人个人信息",
            ),
            ExemptionId::StatutoryDuty => {
                lang.pick("statutory duty", "履行法定职责或者法定义务所必需")
            }
        }
    }
}

impl fmt::Display for ExemptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The three ways personal information is "provided abroad".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// Data collected in China is sent abroad.
    Transfer,
    /// Data stays in China; a party abroad may access, query, download or export it.
    RemoteAccess,
    /// A processor abroad processes PI of individuals in China (PIPL Art. 3(2)).
    OffshoreProcessing,
}

impl FlowKind {
    /// The snake_case identifier.
    pub fn id(self) -> &'static str {
        match self {
            FlowKind::Transfer => "transfer",
            FlowKind::RemoteAccess => "remote_access",
            FlowKind::OffshoreProcessing => "offshore_processing",
        }
    }

    /// Whether a processor with this location can have a flow of this kind: processing abroad of
    /// individuals in China (PIPL Art. 3(2)) is what a processor abroad does, never one located in China.
    pub fn fits(self, located_in_china: bool) -> bool {
        !(self == FlowKind::OffshoreProcessing && located_in_china)
    }

    /// Why a flow of this kind does not fit a processor located in China, in words, when it does not.
    pub fn misfit(self, flow: &str, located_in_china: bool) -> Option<String> {
        (!self.fits(located_in_china)).then(|| {
            format!(
                "flow `{flow}` is `offshore_processing` (a processor abroad, PIPL Art. 3(2)) but the processor \
                 is located in China; record it as located abroad or use `transfer` / `remote_access`"
            )
        })
    }

    /// The flow kind in words (the Chinese as the guides word it).
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FlowKind::Transfer => lang.pick("transfer abroad", "向境外传输"),
            FlowKind::RemoteAccess => lang.pick("access from abroad", "境外访问、调取"),
            FlowKind::OffshoreProcessing => lang.pick(
                "processing abroad of individuals in China",
                "在境外处理境内自然人个人信息",
            ),
        }
    }
}

/// A mechanism a processor has obtained for a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MechanismKind {
    /// A standard contract, in force and filed.
    StandardContract,
    /// A personal-information protection certificate.
    Certification,
    /// A passed CAC security assessment.
    SecurityAssessment,
}

impl MechanismKind {
    /// The snake_case identifier.
    pub fn id(self) -> &'static str {
        match self {
            MechanismKind::StandardContract => "standard_contract",
            MechanismKind::Certification => "certification",
            MechanismKind::SecurityAssessment => "security_assessment",
        }
    }

    /// Every mechanism.
    pub const ALL: [MechanismKind; 3] = [
        MechanismKind::StandardContract,
        MechanismKind::Certification,
        MechanismKind::SecurityAssessment,
    ];

    /// The mechanism of a snake_case identifier.
    pub fn parse(id: &str) -> Option<MechanismKind> {
        MechanismKind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Its name: `the standard contract` / `标准合同`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MechanismKind::StandardContract => lang.pick("standard contract", "标准合同"),
            MechanismKind::Certification => lang.pick("certification", "个人信息保护认证"),
            MechanismKind::SecurityAssessment => {
                lang.pick("security assessment", "数据出境安全评估")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_lightest_first() {
        let mut sorted = Pathway::ALL;
        sorted.sort();
        assert_eq!(sorted, Pathway::ALL);
        assert!(Pathway::SecurityAssessment > Pathway::Certification);
        assert!(Pathway::Exempt < Pathway::StandardContractOrCertification);
    }

    #[test]
    fn standing_follows_the_pathway() {
        use MechanismKind::{Certification, SecurityAssessment, StandardContract};
        let sa = Pathway::SecurityAssessment;
        assert_eq!(sa.standing_of(StandardContract), Standing::Closed);
        assert_eq!(sa.standing_of(Certification), Standing::Closed);
        assert_eq!(sa.standing_of(SecurityAssessment), Standing::Required);
        let sc = Pathway::StandardContractOrCertification;
        assert_eq!(sc.standing_of(StandardContract), Standing::Required);
        assert_eq!(sc.standing_of(Certification), Standing::Required);
        assert_eq!(sc.standing_of(SecurityAssessment), Standing::NotRequired);
        // Before the standard contract existed, certification was the only lighter route.
        assert_eq!(
            Pathway::Certification.standing_of(StandardContract),
            Standing::Closed
        );
        for m in MechanismKind::ALL {
            assert_eq!(Pathway::Exempt.standing_of(m), Standing::NotRequired);
        }
    }

    #[test]
    fn mechanisms_satisfy_pathways() {
        use MechanismKind::*;
        assert!(Pathway::StandardContractOrCertification.is_satisfied_by(Some(Certification)));
        assert!(!Pathway::Certification.is_satisfied_by(Some(StandardContract)));
        assert!(!Pathway::SecurityAssessment.is_satisfied_by(Some(Certification)));
        assert!(Pathway::Exempt.is_satisfied_by(None));
    }
}
