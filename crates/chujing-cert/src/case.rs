//! Scope cases (Certification Measures 2026 Art. 10): a transfer recorded outside a certificate's scope opens
//! a case in its body's queue, proposing suspension; the body closes it with what it decided.

use serde::{Deserialize, Serialize};

use crate::CertError;
use crate::filing::allowed_hint;

/// Where a scope case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Waiting for the body's decision.
    Open,
    /// Decided.
    Closed,
}

impl CaseState {
    /// The snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Closed => "closed",
        }
    }

    /// The state after the body closes the case with `decision`, or why it cannot.
    pub fn close(self, decision: &str) -> Result<CaseState, CertError> {
        if self != CaseState::Open {
            return Err(CertError::Step {
                record: "scope case",
                action: "close",
                state: self.id(),
                hint: allowed_hint(std::iter::empty()),
            });
        }
        if decision.trim().is_empty() {
            return Err(CertError::Incomplete(
                "closing a case says what was decided (`reason`)".into(),
            ));
        }
        Ok(CaseState::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_case_closes_once_with_its_decision() {
        assert_eq!(
            CaseState::Open.close("suspended PIC-2026-000001"),
            Ok(CaseState::Closed)
        );
        assert!(matches!(
            CaseState::Open.close(" "),
            Err(CertError::Incomplete(_))
        ));
        assert!(matches!(
            CaseState::Closed.close("again"),
            Err(CertError::Step { .. })
        ));
    }
}
