//! The profile's `[totals]`: checked against the flows they claim to count.

use std::sync::LazyLock;

use chujing_law::assess::Assessment;
use chujing_law::{Date, Lang, Profile, RuleBook, WarningKind, assess};

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

const FLOWS: &str = "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
    [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"identity\"]\nindividuals = 60000\n\
    [[flows]]\nid = \"hr\"\ncountry = \"DE\"\ncategories = [\"identity\"]\nindividuals = 5000\n\
    exemption = \"hr_management\"\n";

fn run(totals: &str, as_of: &str) -> Assessment {
    let profile = Profile::parse("p.toml", &format!("{FLOWS}[totals]\n{totals}\n")).unwrap();
    assess(&BOOK, &profile, Date::parse(as_of).unwrap(), Lang::En).unwrap()
}

fn codes(a: &Assessment) -> Vec<&WarningKind> {
    a.warnings.iter().map(|w| &w.kind).collect()
}

#[test]
fn totals_above_the_sum_of_the_counted_flows_are_warned_about() {
    // The HR flow is exempt and not counted on this date: only crm's 60,000 are, and distinct people over
    // counted flows cannot be 90,000.
    let a = run("individuals = 90000", "2026-11-23");
    assert!(
        codes(&a).contains(&&WarningKind::TotalsAboveFlows {
            individuals: 90_000,
            sum: 60_000
        }),
        "{:?}",
        a.warnings
    );
    assert!(
        a.warnings
            .iter()
            .any(|w| w.message.contains("exceed the sum"))
    );
}

#[test]
fn totals_that_fit_their_flows_raise_no_warning() {
    let a = run("individuals = 60000", "2026-11-23");
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn totals_used_on_a_date_where_a_claimed_exemption_does_not_apply_are_warned_about() {
    // Before 2024-03-22 there was no HR exemption (Provisions 2024 Art. 5(2)): the hr flow counts, and totals
    // worked out without it would undercount.
    let a = run("individuals = 60000", "2023-08-01");
    assert!(
        codes(&a).contains(&&WarningKind::TotalsMayOmitFlow {
            flow: "hr".into(),
            exemption: "hr_management".into()
        }),
        "{:?}",
        a.warnings
    );
}
