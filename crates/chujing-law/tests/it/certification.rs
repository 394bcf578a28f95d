//! The certification route's terms and eligibility, read from the packs in force on a date.

use std::sync::LazyLock;

use chujing_law::certification::{Ineligible, eligibility, terms};
use chujing_law::{Date, Lang, Pathway, Profile, RuleBook};

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn from_2026_a_certificate_has_a_renewal_window_and_a_platform_report() {
    let t = terms(&BOOK, d("2026-03-10"), Lang::En).unwrap().unwrap();
    assert_eq!(t.validity_years.value, 3);
    assert!(t.validity_years.citation.contains("Art. 8"), "{t:?}");
    assert_eq!(t.expires(d("2026-03-10")), d("2029-03-09"));
    assert_eq!(
        t.renewal_window(d("2026-03-10")),
        Some((d("2028-09-10"), d("2029-03-09")))
    );
    let r = t.report_working_days.as_ref().unwrap();
    assert_eq!(r.value, 5);
    assert!(r.citation.contains("Art. 9"), "{r:?}");
    // Issued the day before National Day: Oct 1-7 are holidays and Saturday Oct 10 is a working day.
    let due = t.report_due(&BOOK, d("2026-09-30")).unwrap();
    assert_eq!(due.date, d("2026-10-13"));
    assert_eq!(due.fallback_year, None);
}

#[test]
fn before_2026_a_certificate_is_valid_three_years_with_no_report_or_window() {
    let t = terms(&BOOK, d("2025-12-31"), Lang::En).unwrap().unwrap();
    assert_eq!(t.validity_years.value, 3);
    assert!(t.renewal_months.is_none());
    assert!(t.report_working_days.is_none());
    assert!(t.report_due(&BOOK, d("2025-12-31")).is_none());
}

fn profile(located_in_china: bool, crm: u64, group: &str) -> Profile {
    let src = format!(
        "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = {located_in_china}\n\
         [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"contact\"]\nindividuals = {crm}\n{group}"
    );
    Profile::parse("p.toml", &src).unwrap()
}

#[test]
fn a_processor_in_the_contract_band_may_apply_and_is_told_the_prerequisites() {
    let e = eligibility(
        &BOOK,
        &profile(true, 150_000, ""),
        None,
        d("2026-11-23"),
        Lang::En,
    )
    .unwrap();
    assert!(e.eligible(), "{e:?}");
    assert_eq!(e.pathway, Pathway::StandardContractOrCertification);
    assert!(
        e.prerequisites
            .iter()
            .any(|p| p.contains("separate consent")),
        "{e:?}"
    );
    assert!(
        e.citations
            .iter()
            .any(|c| c.contains("Certification Measures 2026 Art. 6"))
    );
}

#[test]
fn ineligible_processors_are_told_why() {
    let on = d("2026-11-23");
    let why = |p: &Profile, rep: Option<&str>, on: Date| {
        eligibility(&BOOK, p, rep, on, Lang::En).unwrap().ineligible
    };
    assert_eq!(
        why(&profile(true, 1_200_000, ""), None, on),
        [Ineligible::NeedsAssessment]
    );
    assert_eq!(
        why(&profile(true, 5_000, ""), None, on),
        [Ineligible::NotNeeded]
    );
    assert_eq!(
        why(&profile(false, 150_000, ""), None, on),
        [Ineligible::NoRepresentative]
    );
    assert!(
        why(
            &profile(false, 150_000, ""),
            Some("Rep Office (Shanghai)"),
            on
        )
        .is_empty()
    );
    let group = "[[group]]\nname = \"Sister Co\"\nindividuals = 900000\n";
    assert_eq!(
        why(&profile(true, 150_000, group), None, on),
        [Ineligible::SplitAcrossGroup]
    );
    // Before Order No. 20 there is no eligibility rule of the route's own.
    assert_eq!(
        why(&profile(true, 150_000, ""), None, d("2025-06-01")),
        [Ineligible::NoRoute]
    );
}

#[test]
fn the_body_duties_are_not_listed_as_the_processors() {
    let a = chujing_law::assess(
        &BOOK,
        &profile(true, 150_000, ""),
        d("2026-11-23"),
        Lang::En,
    )
    .unwrap();
    assert!(
        !a.obligations
            .iter()
            .any(|o| o.id.ends_with("/platform-report") || o.id.ends_with("/violations-reported")),
        "{:?}",
        a.obligations.iter().map(|o| &o.id).collect::<Vec<_>>()
    );
}

#[test]
fn the_review_checklist_follows_the_certification_standard_in_force() {
    use chujing_law::certification::review_checklist;
    let ids = |on| -> Vec<&str> {
        review_checklist(&BOOK, d(on), Lang::En)
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect()
    };
    let before = ids("2026-02-28");
    let after = ids("2026-03-01");
    assert!(before.contains(&"binding-agreement") && !before.contains(&"basic-principles"));
    assert!(after.contains(&"basic-principles") && !after.contains(&"binding-agreement"));
    for both in [&before, &after] {
        assert!(both.contains(&"legality-necessity") && both.contains(&"destination-law"));
    }
    let items = review_checklist(&BOOK, d("2026-03-01"), Lang::Zh).unwrap();
    assert!(items.iter().any(|i| i.source == "GB/T 46068-2025"));
}

#[test]
fn the_volumes_a_certificate_may_cover_end_where_the_security_assessment_begins() {
    use chujing_law::Pathway::{Exempt, SecurityAssessment, StandardContractOrCertification};
    use chujing_law::certification::pathway_for_volumes;
    let book = chujing_law::RuleBook::embedded().unwrap();
    let on = chujing_law::Date::parse("2026-12-07").unwrap();
    for (individuals, sensitive, pathway) in [
        (50_000, 0, Exempt),
        (150_000, 0, StandardContractOrCertification),
        (999_999, 0, StandardContractOrCertification),
        (1_000_000, 0, SecurityAssessment),
        (9_999_999, 0, SecurityAssessment),
        (20_000, 9_999, StandardContractOrCertification),
        (20_000, 10_000, SecurityAssessment),
    ] {
        assert_eq!(
            pathway_for_volumes(&book, on, individuals, sensitive).unwrap(),
            pathway,
            "{individuals} individuals, {sensitive} sensitive"
        );
    }
}
