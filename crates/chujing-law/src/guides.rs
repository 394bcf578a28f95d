//! What the CAC's application guides (second editions, published with the 2024 Provisions) require of the
//! documents beyond the measures themselves.

use crate::Date;
use crate::text::Lang;

/// An edition of the CAC's guides to applying for the security assessment and to filing the standard contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GuideEdition {
    /// The first editions (security assessment guide of 2022-08-31; standard contract filing guide of
    /// 2023-05-30). chujing does not encode their templates.
    First,
    /// The second editions, published by the CAC with the 2024 Provisions and used since 2024-03-22.
    Second,
}

/// The editions by the day each took over, in order.
const EDITIONS: [(GuideEdition, (i16, i8, i8)); 2] = [
    (GuideEdition::First, (2022, 8, 31)),
    (GuideEdition::Second, (2024, 3, 22)),
];

impl GuideEdition {
    /// The edition in use on `date` (the first before any was published: nothing newer applied).
    pub fn on(date: Date) -> GuideEdition {
        EDITIONS
            .iter()
            .rev()
            .find(|(_, from)| from_date(*from).is_some_and(|d| d <= date))
            .map_or(GuideEdition::First, |(e, _)| *e)
    }

    /// The day the edition took over.
    pub fn since(self) -> Option<Date> {
        EDITIONS
            .iter()
            .find(|(e, _)| *e == self)
            .and_then(|(_, from)| from_date(*from))
    }

    /// The edition in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            GuideEdition::First => lang.pick("first edition", "第一版"),
            GuideEdition::Second => lang.pick("second edition", "第二版"),
        }
    }
}

fn from_date((y, m, d): (i16, i8, i8)) -> Option<Date> {
    Date::new(y, m, d)
}

/// Months within which the risk self-assessment is completed before the application (Guide to Applying for the
/// Data Export Security Assessment, 2nd ed.: completed within the 3 months before the application, with no
/// major change until it is made).
pub const SELF_ASSESSMENT_MONTHS: i8 = 3;

/// Whether a self-assessment dated `assessed` is recent enough for an application made on `filed`.
pub fn self_assessment_current(assessed: Date, filed: Date) -> bool {
    let earliest = filed
        .to_jiff()
        .checked_sub(jiff::Span::new().months(SELF_ASSESSMENT_MONTHS))
        .map_or(filed, Date::from);
    assessed >= earliest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edition_is_chosen_by_its_date() {
        assert_eq!(
            GuideEdition::on(Date::new(2024, 3, 21).unwrap()),
            GuideEdition::First
        );
        assert_eq!(
            GuideEdition::on(Date::new(2024, 3, 22).unwrap()),
            GuideEdition::Second
        );
        assert_eq!(GuideEdition::Second.since(), Date::new(2024, 3, 22));
    }

    #[test]
    fn three_months_back_to_the_day() {
        let filed = Date::new(2026, 12, 4).unwrap();
        assert!(self_assessment_current(
            Date::new(2026, 9, 4).unwrap(),
            filed
        ));
        assert!(!self_assessment_current(
            Date::new(2026, 9, 3).unwrap(),
            filed
        ));
    }
}
