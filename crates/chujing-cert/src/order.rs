//! Regulator orders: an interview (Certification Measures 2026 Art. 16), rectification by a deadline, the
//! suspension of a processor's transfers until lifted, and the lift that ends an order in force.

use chujing_law::Date;
use serde::{Deserialize, Serialize};

use crate::CertError;
use crate::filing::allowed_hint;

/// What an order does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    /// Summons the processor to an interview (Art. 16).
    Interview,
    /// Orders rectification by a deadline.
    Rectification,
    /// Suspends the processor's transfers until lifted: the gate refuses its batches.
    SuspendTransfers,
    /// Lifts an earlier order (`lifts` names it).
    Lift,
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// In force until lifted.
    InForce,
    /// Lifted by a later order.
    Lifted,
    /// A lift: done when issued.
    Done,
}

/// What an order is issued with, checked before it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDraft<'a> {
    /// What it does.
    pub kind: OrderKind,
    /// Its grounds and what is required.
    pub text: &'a str,
    /// Its deadline.
    pub deadline: Option<Date>,
    /// The order it lifts.
    pub lifts: Option<&'a str>,
    /// The day it is issued.
    pub today: Date,
}

impl OrderDraft<'_> {
    /// The state a new order starts in, or what it lacks.
    pub fn issue(&self) -> Result<OrderState, CertError> {
        if self.text.trim().is_empty() {
            return Err(CertError::Incomplete(
                "an order states its grounds and what is required (`text`)".into(),
            ));
        }
        match (self.kind, self.deadline, self.lifts) {
            (OrderKind::Rectification, None, _) => Err(CertError::Incomplete(
                "a rectification order sets a `deadline`".into(),
            )),
            (_, Some(d), _) if d < self.today => Err(CertError::Incomplete(format!(
                "the deadline {d} is before the day of the order ({})",
                self.today
            ))),
            (OrderKind::Lift, _, None) => Err(CertError::Incomplete(
                "a `lift` names the order it lifts (`lifts`)".into(),
            )),
            (OrderKind::Lift, _, Some(_)) => Ok(OrderState::Done),
            (_, _, Some(_)) => Err(CertError::Incomplete(
                "only a `lift` names an order it lifts".into(),
            )),
            _ => Ok(OrderState::InForce),
        }
    }
}

impl OrderState {
    /// The snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            OrderState::InForce => "in_force",
            OrderState::Lifted => "lifted",
            OrderState::Done => "done",
        }
    }

    /// The state after a lift, or why it cannot be lifted.
    pub fn lift(self) -> Result<OrderState, CertError> {
        match self {
            OrderState::InForce => Ok(OrderState::Lifted),
            other => Err(CertError::Step {
                record: "order",
                action: "lift",
                state: other.id(),
                hint: allowed_hint(std::iter::empty()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: OrderKind) -> OrderDraft<'static> {
        OrderDraft {
            kind,
            text: "explain the exports to US",
            deadline: None,
            lifts: None,
            today: Date::parse("2026-11-23").unwrap(),
        }
    }

    #[test]
    fn an_order_states_its_grounds_a_rectification_its_deadline_and_a_lift_its_target() {
        assert_eq!(draft(OrderKind::Interview).issue(), Ok(OrderState::InForce));
        assert!(draft(OrderKind::Rectification).issue().is_err());
        assert!(
            OrderDraft {
                deadline: Some(Date::parse("2026-11-01").unwrap()),
                ..draft(OrderKind::Rectification)
            }
            .issue()
            .is_err(),
            "a deadline in the past"
        );
        assert!(draft(OrderKind::Lift).issue().is_err());
        assert_eq!(
            OrderDraft {
                lifts: Some("ORD-2026-00001-ab"),
                ..draft(OrderKind::Lift)
            }
            .issue(),
            Ok(OrderState::Done)
        );
        assert!(
            OrderDraft {
                text: " ",
                ..draft(OrderKind::Interview)
            }
            .issue()
            .is_err()
        );
    }

    #[test]
    fn only_an_order_in_force_is_lifted() {
        assert_eq!(OrderState::InForce.lift(), Ok(OrderState::Lifted));
        assert!(OrderState::Lifted.lift().is_err());
        assert!(OrderState::Done.lift().is_err());
    }
}
