//! Open readings: where the law is unsettled, the pack's reading decides, and the assessment says when the
//! other reading would give another pathway.

use std::sync::LazyLock;

use chujing_law::{Date, Lang, Pathway, Profile, RuleBook, assess};

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

fn profile(hr: u64, crm: u64, totals: &str) -> Profile {
    let src = format!(
        "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
         [[flows]]\nid = \"hr\"\ncountry = \"DE\"\ncategories = [\"employment\"]\nindividuals = {hr}\n\
         exemption = \"hr_management\"\n\
         [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"contact\"]\nindividuals = {crm}\n{totals}"
    );
    Profile::parse("p.toml", &src).unwrap()
}

#[test]
fn counting_the_hr_exempt_flow_would_need_a_contract() {
    // 30,000 HR-exempt and 80,000 others: exempt as read (80,000 < 100,000); 110,000 if the exempted flow
    // counts, which needs a standard contract or certification (Provisions 2024 Art. 5(4), 8).
    let a = assess(
        &BOOK,
        &profile(30_000, 80_000, ""),
        Date::parse("2026-11-23").unwrap(),
        Lang::En,
    )
    .unwrap();
    assert_eq!(a.pathway, Pathway::Exempt);
    assert_eq!(a.open_readings.len(), 1, "{:#?}", a.open_readings);
    let r = &a.open_readings[0];
    assert_eq!(r.id, "cn-provisions-2024/exempted-transfers-counted");
    assert_eq!(
        r.alternative_pathway,
        Pathway::StandardContractOrCertification
    );
    assert_eq!(r.flows[0].flow, "crm");
    assert!(r.citation.contains("Provisions 2024"), "{}", r.citation);
}

#[test]
fn a_reading_that_changes_nothing_is_not_listed() {
    // 5,000 HR-exempt beside 20,000: 25,000 either way, exempt either way.
    let a = assess(
        &BOOK,
        &profile(5_000, 20_000, ""),
        Date::parse("2026-11-23").unwrap(),
        Lang::En,
    )
    .unwrap();
    assert!(a.open_readings.is_empty(), "{:#?}", a.open_readings);
}

#[test]
fn given_totals_are_raised_by_the_flows_the_other_reading_counts() {
    // [totals] of 90,000 over the counted flows: with the 30,000 HR flow, 120,000.
    let a = assess(
        &BOOK,
        &profile(30_000, 80_000, "[totals]\nindividuals = 90000\n"),
        Date::parse("2026-11-23").unwrap(),
        Lang::Zh,
    )
    .unwrap();
    assert_eq!(a.pathway, Pathway::Exempt);
    assert_eq!(
        a.open_readings[0].alternative_pathway,
        Pathway::StandardContractOrCertification
    );
    assert!(a.open_readings[0].question.contains("人数门槛"));
}

#[test]
fn before_the_provisions_there_is_no_such_question() {
    let a = assess(
        &BOOK,
        &profile(30_000, 80_000, ""),
        Date::parse("2023-08-01").unwrap(),
        Lang::En,
    )
    .unwrap();
    assert!(a.open_readings.is_empty());
}

#[test]
fn a_profile_may_adopt_the_other_reading_and_is_then_told_about_the_packs() {
    let mut p = profile(30_000, 80_000, "");
    p.readings.insert(
        "exempted-transfers-counted".into(),
        chujing_law::profile::ReadingChoice::Alternative,
    );
    let a = assess(&BOOK, &p, Date::parse("2026-11-23").unwrap(), Lang::En).unwrap();
    assert_eq!(a.pathway, Pathway::StandardContractOrCertification);
    let r = &a.open_readings[0];
    assert_eq!(r.adopted, "they are counted");
    assert_eq!(r.alternative_pathway, Pathway::Exempt);
    p.readings.clear();
    p.readings.insert(
        "no-such-reading".into(),
        chujing_law::profile::ReadingChoice::Alternative,
    );
    let err = assess(&BOOK, &p, Date::parse("2026-11-23").unwrap(), Lang::En).unwrap_err();
    assert!(
        err.to_string().contains("exempted-transfers-counted"),
        "{err}"
    );
}

/// 50,000 customers without sensitive PI beside 100 patients with it.
fn customers_and_patients() -> Profile {
    let src = "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
         [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"contact\"]\nindividuals = 50000\n\
         [[flows]]\nid = \"clinic\"\ncountry = \"SG\"\ncategories = [\"health\"]\nindividuals = 100\n\
         sensitive_individuals = 100\n";
    Profile::parse("p.toml", src).unwrap()
}

#[test]
fn read_per_flow_the_flow_without_sensitive_pi_would_be_exempt() {
    // As read (per processor), 100 individuals' sensitive PI takes every flow out of Art. 5(4): both need a
    // contract or certification (Art. 8). Per flow, the 50,000 customers stay under 100,000 and are exempt.
    let a = assess(
        &BOOK,
        &customers_and_patients(),
        Date::parse("2026-11-23").unwrap(),
        Lang::En,
    )
    .unwrap();
    assert_eq!(a.pathway, Pathway::StandardContractOrCertification);
    assert_eq!(a.flows[0].pathway, Pathway::StandardContractOrCertification);
    let r = a
        .open_readings
        .iter()
        .find(|r| r.id == "cn-provisions-2024/sensitive-read-per-processor")
        .unwrap_or_else(|| panic!("no per-flow reading in {:#?}", a.open_readings));
    assert_eq!(r.flows.len(), 1, "{:#?}", r.flows);
    assert_eq!(r.flows[0].flow, "crm");
    assert_eq!(r.flows[0].pathway, Pathway::Exempt);
    // The processor still needs the contract for the patients.
    assert_eq!(
        r.alternative_pathway,
        Pathway::StandardContractOrCertification
    );
}

#[test]
fn adopting_the_per_flow_reading_decides_on_it_and_names_the_packs() {
    let mut p = customers_and_patients();
    p.readings.insert(
        "sensitive-read-per-processor".into(),
        chujing_law::profile::ReadingChoice::Alternative,
    );
    let a = assess(&BOOK, &p, Date::parse("2026-11-23").unwrap(), Lang::Zh).unwrap();
    assert_eq!(a.flows[0].pathway, Pathway::Exempt);
    assert_eq!(a.flows[1].pathway, Pathway::StandardContractOrCertification);
    let r = &a.open_readings[0];
    assert!(r.adopted.starts_with("按数据流"), "{}", r.adopted);
    assert_eq!(r.flows[0].flow, "crm");
    assert_eq!(r.flows[0].pathway, Pathway::StandardContractOrCertification);
}

#[test]
fn per_flow_reading_leaves_a_processor_over_the_assessment_threshold_to_the_sensitive_flow() {
    // 12,000 individuals' sensitive PI: the assessment (Art. 7(2)). Read per flow, only the flow carrying
    // it needs the assessment; the 50,000 customers would be exempt.
    let src = "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
         [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"contact\"]\nindividuals = 50000\n\
         [[flows]]\nid = \"clinic\"\ncountry = \"SG\"\ncategories = [\"health\"]\nindividuals = 12000\n\
         sensitive_individuals = 12000\n";
    let a = assess(
        &BOOK,
        &Profile::parse("p.toml", src).unwrap(),
        Date::parse("2026-11-23").unwrap(),
        Lang::En,
    )
    .unwrap();
    assert_eq!(a.flows[0].pathway, Pathway::SecurityAssessment);
    let r = &a.open_readings[0];
    assert_eq!(r.alternative_pathway, Pathway::SecurityAssessment);
    assert_eq!(r.flows[0].flow, "crm");
    assert_eq!(r.flows[0].pathway, Pathway::Exempt);
}
