//! The one place that reads the clock: "today" in China (UTC+8, no daylight saving).

use chujing_law::Date;

/// Today's date in China.
#[expect(
    clippy::disallowed_methods,
    reason = "the CLI's single clock read; domain crates take dates as parameters"
)]
pub fn today_in_china() -> Date {
    let now = jiff::Timestamp::now();
    let offset = jiff::tz::Offset::constant(8);
    Date::from(offset.to_datetime(now).date())
}

/// The time now, as an RFC 3339 timestamp (UTC), for records of what was done when.
#[expect(
    clippy::disallowed_methods,
    reason = "the CLI's clock: domain crates and the store take times as parameters"
)]
pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// The instant now, read once (the certification commands derive both their timestamp and their day in China
/// from it).
#[expect(
    clippy::disallowed_methods,
    reason = "the CLI's clock: domain crates and the store take times as parameters"
)]
pub fn instant() -> jiff::Timestamp {
    jiff::Timestamp::now()
}
