//! The certification lifecycle (Certification Measures 2026, CAC & SAMR Order No. 20), as pure state
//! machines and checks: no I/O, no clock. The service (`chujing serve`) stores what these decide.
//!
//! - [`application`]: `draft → submitted → accepted | returned → verification → audit → granted | refused`,
//!   with the party that may take each step and the materials an application needs.
//! - [`certificate`]: `valid → suspended ⇄ valid → revoked`, expiry by date, renewal in its window (Art. 8).
//! - [`scope`]: what a certificate covers, the transfers that fall outside it (Art. 10), and the grant's guard.
//! - [`filing`]: standard contract filings, `draft → submitted → returned ⇄ submitted → accepted`.
//! - [`order`]: regulator orders, `in_force → lifted`; [`case`]: scope cases, `open → closed`.
//!
//! The law's figures (validity, the renewal window, the platform report's 5 working days) come from
//! `chujing_law::certification`, never from here.

#![deny(missing_docs)]

pub mod application;
pub mod case;
pub mod certificate;
pub mod filing;
pub mod order;
pub mod scope;

pub use application::{Action, ApplicationState, MaterialKind, Party};
pub use case::CaseState;
pub use certificate::{CertificateAction, CertificateNumber, CertificateStatus};
pub use filing::{FilingAction, FilingContext, FilingNext, FilingState};
pub use order::{OrderDraft, OrderKind, OrderState};
pub use scope::{GrantRefusal, Scope, ScopeBreach, Transfer};

/// A step the lifecycle does not allow, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// The action is not allowed in the current state.
    #[error("cannot {action} an application that is {state}: {hint}")]
    Application {
        /// The action tried.
        action: &'static str,
        /// The state it was tried in.
        state: &'static str,
        /// What is allowed instead.
        hint: String,
    },
    /// The action is not allowed on a certificate in its status.
    #[error("cannot {action} a certificate that is {status}: {hint}")]
    Certificate {
        /// The action tried.
        action: &'static str,
        /// The certificate's status.
        status: &'static str,
        /// What is allowed instead.
        hint: String,
    },
    /// A step of a filing, order or case that its state does not allow now.
    #[error("cannot {action} a {record} that is {state}: {hint}")]
    Step {
        /// What it is (`filing`, `order`, `scope case`).
        record: &'static str,
        /// The action tried.
        action: &'static str,
        /// Its state.
        state: &'static str,
        /// What is allowed instead.
        hint: String,
    },
    /// A step that lacks what it must carry (a reason, a day): the message names it.
    #[error("{0}")]
    Incomplete(String),
    /// A value that is not one of the names allowed.
    #[error("unknown {what} `{given}`; expected one of: {expected}")]
    Unknown {
        /// What was being named.
        what: &'static str,
        /// The name given.
        given: String,
        /// The names allowed.
        expected: String,
    },
}

/// Parses `given` as one of `all` by its `id`, or names the allowed ones.
fn parse_id<T: Copy>(
    what: &'static str,
    given: &str,
    all: &[T],
    id: fn(T) -> &'static str,
) -> Result<T, CertError> {
    all.iter()
        .copied()
        .find(|t| id(*t) == given)
        .ok_or_else(|| CertError::Unknown {
            what,
            given: given.to_string(),
            expected: all.iter().map(|t| id(*t)).collect::<Vec<_>>().join(", "),
        })
}
