//! Calendar dates (no time, no time zone): the law counts in days.

use std::fmt;

use jiff::civil;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A civil date such as `2024-03-22`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

impl Date {
    /// Builds a date, or `None` when it does not exist (`2023-02-29`).
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        civil::Date::new(year, month, day).ok().map(Date)
    }

    /// The year.
    pub fn year(self) -> i16 {
        self.0.year()
    }

    /// 1 January of this date's year.
    pub fn first_of_year(self) -> Date {
        Date(self.0.first_of_year())
    }

    /// 1 January of the previous year.
    pub fn first_of_previous_year(self) -> Date {
        // INVARIANT: years in range for jiff (-9999..=9999); packs and profiles are validated to 1900..=2999.
        Date::new(self.year().saturating_sub(1), 1, 1).unwrap_or(self.first_of_year())
    }

    /// The next day, saturating at the end of the supported range.
    pub fn tomorrow(self) -> Date {
        self.0.tomorrow().map(Date).unwrap_or(self)
    }

    /// The previous day, saturating at the start of the supported range.
    pub fn yesterday(self) -> Date {
        self.0.yesterday().map(Date).unwrap_or(self)
    }

    /// This date plus `years` calendar years (29 February becomes 28 February).
    pub fn add_years(self, years: i16) -> Date {
        self.0
            .checked_add(jiff::Span::new().years(years))
            .map(Date)
            .unwrap_or(self)
    }

    /// This date plus `months` calendar months (the 31st becomes the month's last day).
    pub fn add_months(self, months: i32) -> Date {
        self.0
            .checked_add(jiff::Span::new().months(months))
            .map(Date)
            .unwrap_or(self)
    }

    /// Monday = 1 … Sunday = 7.
    pub fn weekday_number(self) -> i8 {
        self.0.weekday().to_monday_one_offset()
    }

    /// Whether this date falls on Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        self.weekday_number() >= 6
    }

    /// The underlying jiff date.
    pub fn to_jiff(self) -> civil::Date {
        self.0
    }

    /// Parses `YYYY-MM-DD`, with a message that says what was expected.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bytes = s.as_bytes();
        let well_formed = bytes.len() == 10
            && bytes.get(4) == Some(&b'-')
            && bytes.get(7) == Some(&b'-')
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !well_formed {
            return Err(format!(
                "invalid date `{s}`, expected YYYY-MM-DD such as 2026-11-22"
            ));
        }
        let field =
            |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<i16>().ok()).unwrap_or(0);
        let (y, m, d) = (field(0..4), field(5..7), field(8..10));
        if !(1900..=2999).contains(&y) {
            return Err(format!(
                "date `{s}` is out of range, expected a year from 1900 to 2999"
            ));
        }
        Date::new(y, m as i8, d as i8)
            .ok_or_else(|| format!("impossible date `{s}`: that day does not exist"))
    }
}

impl From<civil::Date> for Date {
    fn from(d: civil::Date) -> Self {
        Date(d)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).map_err(E::custom)
            }
            // TOML's native dates (`as_of = 2026-11-22`, unquoted) arrive as a one-entry map.
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_key, value)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom("expected a date YYYY-MM-DD"));
                };
                Date::parse(&value).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse("2024-03-22").unwrap().to_string(), "2024-03-22");
        assert!(
            Date::parse("2023-02-29")
                .unwrap_err()
                .contains("does not exist")
        );
        assert!(Date::parse("2024-2-1").unwrap_err().contains("YYYY-MM-DD"));
        assert!(
            Date::parse("0001-01-01")
                .unwrap_err()
                .contains("out of range")
        );
        assert_eq!(
            Date::parse("2024-02-29").unwrap().add_years(1).to_string(),
            "2025-02-28"
        );
        assert_eq!(
            Date::parse("2024-06-30")
                .unwrap()
                .first_of_previous_year()
                .to_string(),
            "2023-01-01"
        );
    }

    #[test]
    fn toml_native_dates_are_accepted() {
        #[derive(Deserialize)]
        struct T {
            d: Date,
        }
        let t: T = toml::from_str("d = 2026-11-22").unwrap();
        assert_eq!(t.d.to_string(), "2026-11-22");
        let t: T = toml::from_str("d = \"2026-11-22\"").unwrap();
        assert_eq!(t.d.to_string(), "2026-11-22");
    }
}
