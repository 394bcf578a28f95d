//! Obligations and their deadlines: anchored in the law in force when the mechanism took effect, counted in
//! official working days.

use std::sync::LazyLock;

use chujing_law::assess::Assessment;
use chujing_law::{Date, Lang, Profile, RuleBook, assess};

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

fn run(mechanism: &str, as_of: &str) -> Assessment {
    let src = format!(
        "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n[[flows]]\nid = \"big\"\ncountry = \"US\"\ncategories = [\"identity\"]\n\
         individuals = 2000000\nmechanism = {mechanism}\n"
    );
    let profile = Profile::parse("p.toml", &src).unwrap();
    assess(&BOOK, &profile, Date::parse(as_of).unwrap(), Lang::En).unwrap()
}

/// The date of an obligation, if it is listed and dated.
fn due(a: &Assessment, id: &str) -> Option<String> {
    a.obligations
        .iter()
        .find(|o| o.id == id)
        .and_then(|o| o.due)
        .map(|d| d.to_string())
}

#[test]
fn an_assessment_issued_in_2023_keeps_two_years() {
    let a = run(
        "{ kind = \"security_assessment\", since = \"2023-05-10\" }",
        "2024-06-01",
    );
    assert_eq!(
        due(&a, "cn-sa-measures-2022/assessment-validity").as_deref(),
        Some("2025-05-09")
    );
    // 60 working days before 2025-05-09, skipping the May Day and Qingming holidays of 2025 (counted by hand).
    assert_eq!(
        due(&a, "cn-sa-measures-2022/assessment-renewal").as_deref(),
        Some("2025-02-11")
    );
    assert!(due(&a, "cn-provisions-2024/assessment-validity").is_none());
    assert!(a.flows[0].satisfied);
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn an_assessment_issued_under_the_provisions_gets_three_years() {
    let a = run(
        "{ kind = \"security_assessment\", since = \"2024-05-10\" }",
        "2026-11-22",
    );
    assert_eq!(
        due(&a, "cn-provisions-2024/assessment-validity").as_deref(),
        Some("2027-05-09")
    );
    assert!(a.flows[0].satisfied);
}

#[test]
fn an_expired_assessment_does_not_satisfy() {
    let a = run(
        "{ kind = \"security_assessment\", since = \"2023-05-10\" }",
        "2026-01-10",
    );
    assert!(!a.flows[0].satisfied);
    assert!(
        a.warnings
            .iter()
            .any(|w| w.message.contains("expired on 2025-05-09")),
        "{:?}",
        a.warnings
    );
}

#[test]
fn the_wrong_mechanism_does_not_satisfy() {
    let a = run(
        "{ kind = \"standard_contract\", since = \"2026-03-02\" }",
        "2026-11-22",
    );
    assert!(!a.flows[0].satisfied);
    assert!(
        a.warnings.iter().any(|w| w
            .message
            .contains("does not satisfy the required security assessment")),
        "{:?}",
        a.warnings
    );
    // The contract's own duties are not listed for a flow that needs an assessment.
    assert!(due(&a, "cn-scc-measures-2023/contract-filing").is_none());
}

#[test]
fn the_provisions_extension_is_a_window_with_both_ends_and_says_when_it_is_estimated() {
    // Issued 2024-05-10, valid to 2027-05-09 (a Sunday). 2027's official holidays are not published: weekdays
    // are counted, and the text says so next to the dates. 60 weekdays back from 2027-05-09 is Monday
    // 2027-02-15; the window closes on the last weekday before expiry, Friday 2027-05-07 (counted by hand).
    let a = run(
        "{ kind = \"security_assessment\", since = \"2024-05-10\" }",
        "2026-11-22",
    );
    let o = a
        .obligations
        .iter()
        .find(|o| o.id == "cn-provisions-2024/assessment-extension")
        .unwrap();
    assert_eq!(o.due.map(|d| d.to_string()).as_deref(), Some("2027-05-07"));
    assert!(
        o.due_text.starts_with("from 2027-02-15 to 2027-05-07")
            && o.due_text
                .contains("estimated: 2027's official holidays are not published"),
        "{}",
        o.due_text
    );
}

#[test]
fn a_certificate_is_renewed_within_the_six_months_before_it_expires() {
    // Issued 2026-02-10, valid three years to 2029-02-09 (Certification Measures 2026 Art. 8): the renewal
    // window runs from 2028-08-09 to 2029-02-08 (counted by hand).
    let src = "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n[[flows]]\nid = \"crm\"\n\
               country = \"US\"\ncategories = [\"contact\"]\nindividuals = 200000\n\
               mechanism = { kind = \"certification\", since = \"2026-02-10\" }\n";
    let profile = Profile::parse("p.toml", src).unwrap();
    let a = assess(
        &BOOK,
        &profile,
        Date::parse("2026-11-22").unwrap(),
        Lang::En,
    )
    .unwrap();
    assert_eq!(
        due(&a, "cn-cert-measures-2026/certification-validity").as_deref(),
        Some("2029-02-09")
    );
    let renewal = a
        .obligations
        .iter()
        .find(|o| o.id == "cn-cert-measures-2026/certification-renewal")
        .unwrap();
    assert_eq!(
        renewal.due.map(|d| d.to_string()).as_deref(),
        Some("2029-02-08")
    );
    assert!(
        renewal
            .due_text
            .starts_with("from 2028-08-09 to 2029-02-08"),
        "{}",
        renewal.due_text
    );
}
