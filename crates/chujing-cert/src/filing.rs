//! Standard contract filings (Standard Contract Measures Art. 7): `draft → submitted → returned ⇄ submitted →
//! accepted`. The processor submits (again after a return); the regulator it is filed with returns the filing
//! for correction (补正), naming what to correct and the day by which, or accepts it.

use chujing_law::Date;
use serde::{Deserialize, Serialize};

use crate::{CertError, parse_id};

/// Where a filing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingState {
    /// Made by the processor, not yet submitted.
    Draft,
    /// Submitted to the regulator, not yet decided.
    Submitted,
    /// Returned for correction; the processor submits again by the day the regulator set.
    Returned,
    /// Accepted: the contract is filed.
    Accepted,
}

/// A step of a filing's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingAction {
    /// The processor submits it (again, after a return).
    Submit,
    /// The regulator returns it for correction.
    Return,
    /// The regulator accepts it.
    Accept,
}

/// What a step is taken with: the day, the filing's due day, and what the regulator says with a return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingContext<'a> {
    /// The day of the step, in China.
    pub today: Date,
    /// The last day to file (10 working days after the contract took effect), where the law sets one.
    pub due_on: Option<Date>,
    /// Whether the filing was submitted before.
    pub submitted_before: bool,
    /// What to correct (a return needs it).
    pub reason: Option<&'a str>,
    /// The last day to correct (a return needs it, not before `today`).
    pub correct_by: Option<Date>,
}

/// What a step leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilingNext {
    /// Submitted; `late` when it is the first submission and comes after the due day.
    Submitted {
        /// Whether the first submission is late.
        late: bool,
    },
    /// Returned for correction by `correct_by`.
    Returned {
        /// The last day to correct.
        correct_by: Date,
    },
    /// Accepted.
    Accepted,
}

impl FilingNext {
    /// The state it leads to.
    pub fn state(self) -> FilingState {
        match self {
            FilingNext::Submitted { .. } => FilingState::Submitted,
            FilingNext::Returned { .. } => FilingState::Returned,
            FilingNext::Accepted => FilingState::Accepted,
        }
    }
}

impl FilingState {
    /// Every state.
    pub const ALL: [FilingState; 4] = [
        FilingState::Draft,
        FilingState::Submitted,
        FilingState::Returned,
        FilingState::Accepted,
    ];

    /// The snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            FilingState::Draft => "draft",
            FilingState::Submitted => "submitted",
            FilingState::Returned => "returned",
            FilingState::Accepted => "accepted",
        }
    }

    /// The actions open in this state.
    pub fn allowed(self) -> &'static [FilingAction] {
        match self {
            FilingState::Draft | FilingState::Returned => &[FilingAction::Submit],
            FilingState::Submitted => &[FilingAction::Return, FilingAction::Accept],
            FilingState::Accepted => &[],
        }
    }

    /// The step `action` from this state with `cx`, or why it is not open now (a conflict) or what it lacks
    /// (an incomplete step).
    pub fn apply(
        self,
        action: FilingAction,
        cx: &FilingContext<'_>,
    ) -> Result<FilingNext, CertError> {
        if !self.allowed().contains(&action) {
            return Err(CertError::Step {
                record: "filing",
                action: action.id(),
                state: self.id(),
                hint: allowed_hint(self.allowed().iter().map(|a| a.id())),
            });
        }
        Ok(match action {
            FilingAction::Submit => FilingNext::Submitted {
                late: !cx.submitted_before && cx.due_on.is_some_and(|d| cx.today > d),
            },
            FilingAction::Return => {
                if cx.reason.is_none_or(|r| r.trim().is_empty()) {
                    return Err(CertError::Incomplete(
                        "a return for correction (补正) says what to correct (`reason`)".into(),
                    ));
                }
                match cx.correct_by {
                    Some(day) if day >= cx.today => FilingNext::Returned { correct_by: day },
                    Some(day) => {
                        return Err(CertError::Incomplete(format!(
                            "the day to correct by ({day}) is before today ({})",
                            cx.today
                        )));
                    }
                    None => {
                        return Err(CertError::Incomplete(
                            "a return for correction sets the last day to correct (`correct_by`): until \
                             then the contract stays usable; the measures set no period of their own"
                                .into(),
                        ));
                    }
                }
            }
            FilingAction::Accept => FilingNext::Accepted,
        })
    }
}

impl FilingAction {
    /// Every action.
    pub const ALL: [FilingAction; 3] = [
        FilingAction::Submit,
        FilingAction::Return,
        FilingAction::Accept,
    ];

    /// The snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            FilingAction::Submit => "submit",
            FilingAction::Return => "return",
            FilingAction::Accept => "accept",
        }
    }

    /// Parses an action's name.
    pub fn parse(s: &str) -> Result<FilingAction, CertError> {
        parse_id("filing action", s, &Self::ALL, Self::id)
    }

    /// Whether the processor takes it (otherwise the regulator it is filed with).
    pub fn by_processor(self) -> bool {
        self == FilingAction::Submit
    }
}

/// `submit`, `return or accept`, or `nothing`.
pub(crate) fn allowed_hint<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    match ids.as_slice() {
        [] => "nothing more can be done to it".into(),
        [one] => format!("it allows {one}"),
        [rest @ .., last] => format!("it allows {} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(today: &str) -> FilingContext<'static> {
        FilingContext {
            today: Date::parse(today).unwrap(),
            due_on: Some(Date::parse("2026-11-16").unwrap()),
            submitted_before: false,
            reason: Some("the PIPIA report is unsigned"),
            correct_by: Some(Date::parse("2026-12-10").unwrap()),
        }
    }

    #[test]
    fn a_first_submission_after_the_due_day_is_late_and_a_return_needs_its_reason_and_day() {
        use FilingAction::*;
        assert_eq!(
            FilingState::Draft.apply(Submit, &cx("2026-11-23")),
            Ok(FilingNext::Submitted { late: true })
        );
        assert_eq!(
            FilingState::Draft.apply(Submit, &cx("2026-11-16")),
            Ok(FilingNext::Submitted { late: false })
        );
        assert!(matches!(
            FilingState::Submitted.apply(
                Return,
                &FilingContext {
                    correct_by: None,
                    ..cx("2026-11-23")
                }
            ),
            Err(CertError::Incomplete(_))
        ));
        assert!(matches!(
            FilingState::Submitted.apply(
                Return,
                &FilingContext {
                    reason: Some(" "),
                    ..cx("2026-11-23")
                }
            ),
            Err(CertError::Incomplete(_))
        ));
        assert_eq!(
            FilingState::Submitted
                .apply(Return, &cx("2026-11-23"))
                .map(FilingNext::state),
            Ok(FilingState::Returned)
        );
        let refused = FilingState::Accepted
            .apply(Submit, &cx("2026-11-23"))
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "cannot submit a filing that is accepted: nothing more can be done to it"
        );
    }
}
