//! Working days under the official PRC holiday calendar, for deadlines such as "within 10 working days".

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::date::Date;
use crate::error::LawError;
use crate::source::{Format, parse};
use crate::text::Text;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "the [calendar] table is validated, not used")]
struct CalendarFile {
    calendar: CalendarMeta,
    #[serde(default)]
    year: Vec<YearSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "metadata is validated, not used")]
struct CalendarMeta {
    id: String,
    title: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearSpec {
    year: i16,
    source: String,
    holidays: Vec<String>,
    workdays: Vec<String>,
}

/// One year of the official calendar.
#[derive(Debug, Clone, Default)]
struct Year {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

/// The official holiday calendar, by year.
#[derive(Debug, Clone, Default)]
pub struct HolidayCalendar {
    years: BTreeMap<i16, Year>,
    sources: BTreeMap<i16, String>,
}

/// A date computed in working days, and whether an unknown year forced the weekday fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WorkingDate {
    /// The date.
    pub date: Date,
    /// `Some(year)` when that year is not in the calendar and plain weekdays were used.
    pub fallback_year: Option<i16>,
}

impl HolidayCalendar {
    /// Parses a calendar file.
    pub fn parse(file: &str, src: &str) -> Result<HolidayCalendar, LawError> {
        let spec: CalendarFile = parse(file, src, Format::Toml)?;
        let mut cal = HolidayCalendar::default();
        for (i, y) in spec.year.iter().enumerate() {
            let err = |field: &str, message: String| {
                LawError::input(file, Some(format!("year[{i}].{field}")), message)
            };
            let mut year = Year::default();
            for entry in &y.holidays {
                for d in expand(entry).map_err(|m| err("holidays", m))? {
                    year.holidays.insert(d);
                }
            }
            for entry in &y.workdays {
                for d in expand(entry).map_err(|m| err("workdays", m))? {
                    if !d.is_weekend() {
                        return Err(err(
                            "workdays",
                            format!("{d} is a weekday; list only weekend make-up days"),
                        ));
                    }
                    year.workdays.insert(d);
                }
            }
            // A holiday may start in the previous year (2023's New Year break began on 2022-12-31).
            let misplaced = |d: &&Date| {
                d.year() != y.year && !(d.year() == y.year - 1 && year.holidays.contains(*d))
            };
            if let Some(d) = year.holidays.iter().chain(&year.workdays).find(misplaced) {
                return Err(err("holidays", format!("{d} is not in {}", y.year)));
            }
            if cal.years.insert(y.year, year).is_some() {
                return Err(err("year", format!("{} is listed twice", y.year)));
            }
            cal.sources.insert(y.year, y.source.clone());
        }
        Ok(cal)
    }

    /// The years the calendar knows, with their sources.
    pub fn sources(&self) -> impl Iterator<Item = (i16, &str)> {
        self.sources.iter().map(|(y, s)| (*y, s.as_str()))
    }

    /// Whether `date` is a working day; `Err(year)` when the year is unknown (then weekdays are assumed).
    pub fn is_working_day(&self, date: Date) -> Result<bool, i16> {
        // A holiday range may start in the previous year's notice (2023's New Year began on 2022-12-31).
        let listed_holiday = |y: i16| {
            self.years
                .get(&y)
                .is_some_and(|c| c.holidays.contains(&date))
        };
        if listed_holiday(date.year()) || listed_holiday(date.year() + 1) {
            return Ok(false);
        }
        match self.years.get(&date.year()) {
            Some(year) => Ok(year.workdays.contains(&date) || !date.is_weekend()),
            None => Err(date.year()),
        }
    }

    /// The `n`th working day after `date` (`n` = 0 is `date` itself).
    pub fn add_working_days(&self, date: Date, n: u32) -> WorkingDate {
        self.step_working_days(date, n, Date::tomorrow)
    }

    /// The `n`th working day before `date`.
    pub fn sub_working_days(&self, date: Date, n: u32) -> WorkingDate {
        self.step_working_days(date, n, Date::yesterday)
    }

    fn step_working_days(&self, date: Date, n: u32, step: fn(Date) -> Date) -> WorkingDate {
        let mut d = date;
        let mut left = n;
        let mut fallback_year = None;
        while left > 0 {
            d = step(d);
            let working = self.is_working_day(d).unwrap_or_else(|year| {
                fallback_year.get_or_insert(year);
                !d.is_weekend()
            });
            if working {
                left -= 1;
            }
        }
        WorkingDate {
            date: d,
            fallback_year,
        }
    }
}

fn expand(entry: &str) -> Result<Vec<Date>, String> {
    match entry.split_once("..") {
        None => Ok(vec![Date::parse(entry)?]),
        Some((a, b)) => {
            let (first, last) = (Date::parse(a)?, Date::parse(b)?);
            if last < first || first.year() != last.year() && last.year() - first.year() > 1 {
                return Err(format!(
                    "bad range `{entry}`: expected FIRST..LAST with FIRST ≤ LAST"
                ));
            }
            let mut out = vec![first];
            let mut d = first;
            while d < last {
                d = d.tomorrow();
                out.push(d);
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> HolidayCalendar {
        HolidayCalendar::parse(
            "calendar-cn.toml",
            include_str!("../rules/calendar-cn.toml"),
        )
        .unwrap()
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn holidays_and_make_up_days() {
        let c = cal();
        assert_eq!(c.is_working_day(d("2026-10-05")), Ok(false)); // National Day, a Monday
        assert_eq!(c.is_working_day(d("2026-10-10")), Ok(true)); // a Saturday worked
        assert_eq!(c.is_working_day(d("2026-11-21")), Ok(false)); // an ordinary Saturday
        assert_eq!(c.is_working_day(d("2022-12-31")), Ok(false)); // listed in 2023's notice
        assert_eq!(c.is_working_day(d("2030-01-02")), Err(2030));
    }

    #[test]
    fn ten_working_days_across_national_day() {
        // A contract taking effect on Friday 2026-09-25 (itself a holiday): the 10 working days skip the
        // Mid-Autumn and National Day holidays and count the make-up days.
        let due = cal().add_working_days(d("2026-09-25"), 10);
        // 28,29,30 Sep; 8,9,10(Sat, worked),12,13,14,15 Oct
        assert_eq!(due.date, d("2026-10-15"));
        assert_eq!(due.fallback_year, None);
    }

    #[test]
    fn unknown_years_fall_back_to_weekdays() {
        let due = cal().add_working_days(d("2026-12-28"), 10);
        assert_eq!(due.fallback_year, Some(2027));
        // 29,30,31 Dec; then 2027 weekdays: 1,4,5,6,7,8,11 Jan
        assert_eq!(due.date, d("2027-01-11"));
    }

    #[test]
    fn rejects_bad_files() {
        let bad = "[calendar]\nid='x'\ntitle={zh='x',en='x'}\n[[year]]\nyear=2026\nsource='s'\nholidays=[]\nworkdays=['2026-10-12']\n";
        assert!(
            HolidayCalendar::parse("c.toml", bad)
                .unwrap_err()
                .to_string()
                .contains("weekday")
        );
    }
}
