//! What the assessment states plainly besides the pathway: a mechanism a flow needs and lacks, and the
//! processor facts it had to assume.

use std::sync::LazyLock;

use chujing_law::{Date, Lang, Pathway, Profile, RuleBook, WarningKind, assess};

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

fn warnings(src: &str) -> Vec<WarningKind> {
    let profile = Profile::parse("p.toml", src).unwrap();
    let a = assess(
        &BOOK,
        &profile,
        Date::parse("2026-11-23").unwrap(),
        Lang::En,
    )
    .unwrap();
    a.warnings.into_iter().map(|w| w.kind).collect()
}

#[test]
fn a_flow_that_needs_a_mechanism_and_has_none_is_named() {
    // Before: only the JSON's `satisfied: false` said so; the text output was silent.
    let w = warnings(
        "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
         [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"identity\"]\nindividuals = 200000\n",
    );
    assert_eq!(
        w,
        [WarningKind::MechanismMissing {
            flow: "crm".into(),
            required: Pathway::StandardContractOrCertification
        }]
    );
}

#[test]
fn processor_facts_the_profile_leaves_out_are_said_to_be_assumed() {
    let w = warnings(
        "[processor]\nname = \"P\"\n[[flows]]\nid = \"crm\"\ncountry = \"SG\"\nindividuals = 10\n",
    );
    assert_eq!(
        w,
        [
            WarningKind::ProcessorFactAssumed {
                fact: "ciio".into(),
                assumed: false
            },
            WarningKind::ProcessorFactAssumed {
                fact: "located_in_china".into(),
                assumed: true
            }
        ]
    );
}

#[test]
fn volumes_split_across_a_group_are_warned_about_where_splitting_is_banned() {
    let src = "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
        [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"contact\"]\nindividuals = 500000\n\
        [[group]]\nname = \"P Beijing\"\nindividuals = 400000\n\
        [[group]]\nname = \"P Shenzhen\"\nindividuals = 400000\n";
    let profile = Profile::parse("p.toml", src).unwrap();
    let on = |date: &str| assess(&BOOK, &profile, Date::parse(date).unwrap(), Lang::En).unwrap();
    let a = on("2026-11-23");
    assert_eq!(a.pathway, Pathway::StandardContractOrCertification);
    let split = a
        .warnings
        .iter()
        .find(|w| matches!(w.kind, WarningKind::SplitAcrossGroup { .. }))
        .unwrap();
    assert!(
        split.message.contains("1,300,000") && split.message.contains("Art. 5 para. 4"),
        "{}",
        split.message
    );
    // Before the Certification Measures' ban (2026-01-01) the packs hold no such rule: no warning.
    assert!(
        !on("2025-06-01")
            .warnings
            .iter()
            .any(|w| matches!(w.kind, WarningKind::SplitAcrossGroup { .. }))
    );
}
