//! Applications for certification: their states, who may move them, and the materials they need.

use serde::{Deserialize, Serialize};

use crate::{CertError, parse_id};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Being prepared by the applicant.
    Draft,
    /// Submitted to the body, not yet accepted.
    Submitted,
    /// Accepted by the body for certification.
    Accepted,
    /// Returned to the applicant for correction; it may submit again.
    Returned,
    /// Technical verification of the materials.
    Verification,
    /// The on-site audit.
    Audit,
    /// Certified: a certificate was issued.
    Granted,
    /// Refused, with reasons.
    Refused,
    /// Withdrawn by the applicant.
    Withdrawn,
}

/// A step of the lifecycle (`POST /applications/{id}/actions/{action}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The applicant submits (or resubmits after a return).
    Submit,
    /// The body accepts the application.
    Accept,
    /// The body returns it for correction.
    Return,
    /// The body starts technical verification.
    StartVerification,
    /// The body starts the on-site audit.
    StartAudit,
    /// The body certifies.
    Grant,
    /// The body refuses.
    Refuse,
    /// The applicant withdraws.
    Withdraw,
}

/// Which side of an application may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The processor (or its representative in China).
    Applicant,
    /// The certification body the application is made to.
    Body,
}

impl ApplicationState {
    /// Every state.
    pub const ALL: [ApplicationState; 9] = [
        ApplicationState::Draft,
        ApplicationState::Submitted,
        ApplicationState::Accepted,
        ApplicationState::Returned,
        ApplicationState::Verification,
        ApplicationState::Audit,
        ApplicationState::Granted,
        ApplicationState::Refused,
        ApplicationState::Withdrawn,
    ];

    /// The snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            ApplicationState::Draft => "draft",
            ApplicationState::Submitted => "submitted",
            ApplicationState::Accepted => "accepted",
            ApplicationState::Returned => "returned",
            ApplicationState::Verification => "verification",
            ApplicationState::Audit => "audit",
            ApplicationState::Granted => "granted",
            ApplicationState::Refused => "refused",
            ApplicationState::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored or requested name.
    pub fn parse(s: &str) -> Result<ApplicationState, CertError> {
        parse_id("application state", s, &Self::ALL, Self::id)
    }

    /// Whether nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationState::Granted | ApplicationState::Refused | ApplicationState::Withdrawn
        )
    }

    /// Whether the applicant may still change its materials.
    pub fn editable(self) -> bool {
        matches!(self, ApplicationState::Draft | ApplicationState::Returned)
    }

    /// The actions allowed from this state.
    pub fn allowed(self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.next(*a).is_some())
            .collect()
    }

    fn next(self, action: Action) -> Option<ApplicationState> {
        use Action as A;
        use ApplicationState as S;
        Some(match (self, action) {
            (S::Draft | S::Returned, A::Submit) => S::Submitted,
            (S::Submitted, A::Accept) => S::Accepted,
            (S::Submitted, A::Return) => S::Returned,
            (S::Accepted, A::StartVerification) => S::Verification,
            (S::Verification, A::StartAudit) => S::Audit,
            (S::Audit, A::Grant) => S::Granted,
            (S::Accepted | S::Verification | S::Audit, A::Refuse) => S::Refused,
            (S::Draft | S::Submitted | S::Returned, A::Withdraw) => S::Withdrawn,
            _ => return None,
        })
    }

    /// The state after `action`, or why it is not allowed now.
    pub fn apply(self, action: Action) -> Result<ApplicationState, CertError> {
        self.next(action).ok_or_else(|| {
            let allowed = self.allowed();
            CertError::Application {
                action: action.id(),
                state: self.id(),
                hint: if allowed.is_empty() {
                    "it is final".to_string()
                } else {
                    format!(
                        "allowed now: {}",
                        allowed
                            .iter()
                            .map(|a| a.id())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            }
        })
    }
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 8] = [
        Action::Submit,
        Action::Accept,
        Action::Return,
        Action::StartVerification,
        Action::StartAudit,
        Action::Grant,
        Action::Refuse,
        Action::Withdraw,
    ];

    /// The snake_case name used in the API.
    pub fn id(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Accept => "accept",
            Action::Return => "return",
            Action::StartVerification => "start_verification",
            Action::StartAudit => "start_audit",
            Action::Grant => "grant",
            Action::Refuse => "refuse",
            Action::Withdraw => "withdraw",
        }
    }

    /// Parses an action name.
    pub fn parse(s: &str) -> Result<Action, CertError> {
        parse_id("action", s, &Self::ALL, Self::id)
    }

    /// Who takes this step: the applicant submits and withdraws; the body does the rest (Art. 7; Implementation
    /// Rules §4).
    pub fn party(self) -> Party {
        match self {
            Action::Submit | Action::Withdraw => Party::Applicant,
            _ => Party::Body,
        }
    }
}

/// A material an application carries (Certification Implementation Rules; TC260-PG-20222A / GB/T 46068-2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// The legally binding agreement with the recipient (run through the clause checker).
    Agreement,
    /// The PI protection officer and department of both parties.
    Officer,
    /// The unified processing rules.
    ProcessingRules,
    /// The PI protection impact assessment report (Art. 6).
    Pipia,
    /// The risk-mitigation plan.
    RiskPlan,
    /// The compliance strategy.
    ComplianceStrategy,
}

impl MaterialKind {
    /// Every material an application needs.
    pub const ALL: [MaterialKind; 6] = [
        MaterialKind::Agreement,
        MaterialKind::Officer,
        MaterialKind::ProcessingRules,
        MaterialKind::Pipia,
        MaterialKind::RiskPlan,
        MaterialKind::ComplianceStrategy,
    ];

    /// The snake_case name used in the API (`PUT …/materials/{kind}`).
    pub fn id(self) -> &'static str {
        match self {
            MaterialKind::Agreement => "agreement",
            MaterialKind::Officer => "officer",
            MaterialKind::ProcessingRules => "processing_rules",
            MaterialKind::Pipia => "pipia",
            MaterialKind::RiskPlan => "risk_plan",
            MaterialKind::ComplianceStrategy => "compliance_strategy",
        }
    }

    /// Parses a material name.
    pub fn parse(s: &str) -> Result<MaterialKind, CertError> {
        parse_id("material", s, &Self::ALL, Self::id)
    }

    /// Its name in words.
    pub fn describe(self, lang: chujing_law::Lang) -> &'static str {
        match self {
            MaterialKind::Agreement => lang.pick(
                "legally binding agreement with the recipient",
                "与境外接收方具有法律约束力的协议",
            ),
            MaterialKind::Officer => lang.pick(
                "PI protection officer and department",
                "个人信息保护负责人和个人信息保护机构",
            ),
            MaterialKind::ProcessingRules => {
                lang.pick("unified processing rules", "统一的个人信息处理规则")
            }
            MaterialKind::Pipia => lang.pick(
                "PI protection impact assessment report",
                "个人信息保护影响评估报告",
            ),
            MaterialKind::RiskPlan => lang.pick("risk-mitigation plan", "风险处置预案"),
            MaterialKind::ComplianceStrategy => lang.pick("compliance strategy", "合规策略"),
        }
    }

    /// The materials of [`MaterialKind::ALL`] not in `present`: what the completeness check reports.
    pub fn missing(present: &[MaterialKind]) -> Vec<MaterialKind> {
        Self::ALL
            .into_iter()
            .filter(|k| !present.contains(k))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_reaches_granted() {
        let mut s = ApplicationState::Draft;
        for a in [
            Action::Submit,
            Action::Accept,
            Action::StartVerification,
            Action::StartAudit,
            Action::Grant,
        ] {
            s = s.apply(a).unwrap_or_else(|e| unreachable!("{e}"));
        }
        assert_eq!(s, ApplicationState::Granted);
        assert!(s.is_final());
    }

    #[test]
    fn a_returned_application_is_resubmitted() {
        let s = ApplicationState::Submitted.apply(Action::Return);
        assert_eq!(s, Ok(ApplicationState::Returned));
        assert_eq!(
            ApplicationState::Returned.apply(Action::Submit),
            Ok(ApplicationState::Submitted)
        );
    }

    #[test]
    fn a_refused_step_says_what_is_allowed() {
        let err = ApplicationState::Draft.apply(Action::Grant).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot grant an application that is draft: allowed now: submit, withdraw"
        );
        let err = ApplicationState::Granted
            .apply(Action::Withdraw)
            .unwrap_err();
        assert!(err.to_string().ends_with("it is final"), "{err}");
    }

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_allowed() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.id()), Ok(a));
        }
        for s in ApplicationState::ALL {
            assert_eq!(ApplicationState::parse(s.id()), Ok(s));
        }
        let err = MaterialKind::parse("contract").unwrap_err().to_string();
        assert!(err.contains("agreement, officer"), "{err}");
        assert_eq!(
            MaterialKind::missing(&[MaterialKind::Agreement, MaterialKind::Pipia]),
            [
                MaterialKind::Officer,
                MaterialKind::ProcessingRules,
                MaterialKind::RiskPlan,
                MaterialKind::ComplianceStrategy
            ]
        );
    }
}
