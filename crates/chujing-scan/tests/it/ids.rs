//! Resident ID numbers, each rejected for one stated reason. The check character is computed here by ISO 7064
//! MOD 11-2 in its textbook form (weights 2^(i) mod 11, check = (12 − sum mod 11) mod 11), independently of the
//! detector's tables, so that every other test ID differs from a valid one in exactly the way its name says.

use chujing_scan::detect::resident_id;
use jiff::civil::Date;

fn today() -> Date {
    Date::new(2026, 11, 22).unwrap()
}

/// The check character that makes the 17-digit `body` a valid 18-character ID (GB 11643-1999, ISO 7064).
pub fn check_char(body: &str) -> char {
    assert_eq!(body.len(), 17, "an ID body has 17 digits: {body}");
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let weight = (1u32 << (17 - i)) % 11; // position 18 − i, counted from the right starting at 1
            u32::from(b - b'0') * weight
        })
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        v => char::from_digit(v, 10).unwrap(),
    }
}

/// `body` with its correct check character.
pub fn valid_id(body: &str) -> String {
    format!("{body}{}", check_char(body))
}

/// `body` with a check character that is certainly wrong.
pub fn wrong_check_id(body: &str) -> String {
    let right = check_char(body);
    let wrong = if right == '0' { '1' } else { '0' };
    format!("{body}{wrong}")
}

#[test]
fn the_standards_example_is_valid_in_either_case() {
    assert_eq!(valid_id("11010519491231002"), "11010519491231002X");
    assert_eq!(
        resident_id(b"11010519491231002X", today()),
        Date::new(1949, 12, 31).ok()
    );
    assert!(resident_id(b"11010519491231002x", today()).is_some());
}

#[test]
fn a_wrong_check_character_is_rejected() {
    for seq in 0..1000 {
        let body = format!("11010519491231{seq:03}");
        assert!(resident_id(valid_id(&body).as_bytes(), today()).is_some());
        let wrong = wrong_check_id(&body);
        assert!(resident_id(wrong.as_bytes(), today()).is_none(), "{wrong}");
    }
}

#[test]
fn a_birth_year_before_1900_is_rejected_even_with_a_right_check_character() {
    let id = valid_id("44052418800101001");
    assert!(resident_id(id.as_bytes(), today()).is_none(), "{id}");
}

#[test]
fn a_birth_date_after_the_scan_date_is_rejected() {
    let id = valid_id("11010520300101001");
    assert!(resident_id(id.as_bytes(), today()).is_none(), "{id}");
    let day_after = valid_id("11010520261123001");
    assert!(resident_id(day_after.as_bytes(), today()).is_none());
    let same_day = valid_id("11010520261122001");
    assert!(resident_id(same_day.as_bytes(), today()).is_some());
}

#[test]
fn an_unknown_province_is_rejected() {
    let id = valid_id("99010519491231002");
    assert!(resident_id(id.as_bytes(), today()).is_none(), "{id}");
}

#[test]
fn an_impossible_date_is_rejected() {
    for body in [
        "11010519490230002",
        "11010519491301002",
        "11010519491200002",
    ] {
        let id = valid_id(body);
        assert!(resident_id(id.as_bytes(), today()).is_none(), "{id}");
    }
}

#[test]
fn the_legacy_fifteen_digit_form_has_no_check_character() {
    assert_eq!(
        resident_id(b"110105491231002", today()),
        Date::new(1949, 12, 31).ok()
    );
    assert!(
        resident_id(b"110105491331002", today()).is_none(),
        "month 13"
    );
    assert!(
        resident_id(b"990105491231002", today()).is_none(),
        "no such province"
    );
}
