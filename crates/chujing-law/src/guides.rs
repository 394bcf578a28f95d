//! What the CAC's application guides (second editions, published with the 2024 Provisions) require of the
//! documents beyond the measures themselves.

use crate::Date;

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
