//! The Network Data Security Management Regulations (from 2025-01-01) and the Compliance Audit Measures (from
//! 2025-05-01): the statutory-duty exemption and the duties they add, on both sides of their start dates.

use std::sync::LazyLock;

use chujing_law::assess::Assessment;
use chujing_law::{Date, Lang, Pathway, Profile, RuleBook, assess};

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

fn run(processor: &str, flow: &str, as_of: &str) -> Assessment {
    let src = format!(
        "[processor]\nname = \"P\"\nciio = false\n{processor}\n\
         [[flows]]\nid = \"f\"\ncountry = \"SG\"\ncategories = [\"identity\"]\n{flow}\n"
    );
    let profile = Profile::parse("p.toml", &src).unwrap();
    assess(&BOOK, &profile, Date::parse(as_of).unwrap(), Lang::En).unwrap()
}

fn obligation_ids(a: &Assessment) -> Vec<&str> {
    a.obligations.iter().map(|o| o.id.as_str()).collect()
}

#[test]
fn a_statutory_duty_claimed_before_2025_is_rejected_with_the_date_it_became_law() {
    let flow = "individuals = 500000\nexemption = \"statutory_duty\"";
    let before = run("located_in_china = true", flow, "2024-12-31");
    assert_eq!(
        before.flows[0].pathway,
        Pathway::StandardContractOrCertification
    );
    let rejected = before.flows[0]
        .trace
        .iter()
        .find(|s| s.text.contains("statutory_duty"))
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(
        rejected.contains("not recognised") && rejected.contains("in force from 2025-01-01"),
        "{rejected}"
    );
    let after = run("located_in_china = true", flow, "2025-01-01");
    assert_eq!(after.flows[0].pathway, Pathway::Exempt);
}

#[test]
fn the_regulations_duties_start_on_their_dates() {
    let big = "located_in_china = true\nindividuals_processed = 20000000";
    let flow = "individuals = 200000";
    let before = run(big, flow, "2024-12-31");
    let ids = obligation_ids(&before);
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("cn-network-data-regs-2025/")),
        "{ids:?}"
    );
    let ndr = run(big, flow, "2025-03-01");
    let ids = obligation_ids(&ndr);
    for id in ["provision-records", "large-processor-duties"] {
        assert!(
            ids.contains(&format!("cn-network-data-regs-2025/{id}").as_str()),
            "{id}: {ids:?}"
        );
    }
    assert!(
        !ids.contains(&"cn-network-data-regs-2025/compliance-audit"),
        "{ids:?}"
    );
    let audit = run(big, flow, "2025-05-01");
    assert!(obligation_ids(&audit).contains(&"cn-network-data-regs-2025/compliance-audit"));
    // Below 10 million individuals processed, neither the Art. 28 duties nor the audit.
    let small = run(
        "located_in_china = true\nindividuals_processed = 9999999",
        flow,
        "2025-06-01",
    );
    let ids = obligation_ids(&small);
    assert!(
        !ids.contains(&"cn-network-data-regs-2025/large-processor-duties"),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"cn-network-data-regs-2025/compliance-audit"),
        "{ids:?}"
    );
}

#[test]
fn an_assessed_flow_is_held_to_its_scope_and_a_processor_abroad_reports_its_office() {
    let assessed = run(
        "located_in_china = true",
        "individuals = 2000000\nmechanism = { kind = \"security_assessment\", since = \"2025-02-01\" }",
        "2025-03-01",
    );
    assert!(obligation_ids(&assessed).contains(&"cn-network-data-regs-2025/assessment-scope-lock"));
    let abroad = run(
        "located_in_china = false",
        "individuals = 200000\nkind = \"offshore_processing\"",
        "2025-03-01",
    );
    assert!(
        obligation_ids(&abroad).contains(&"cn-network-data-regs-2025/foreign-processor-report")
    );
}
