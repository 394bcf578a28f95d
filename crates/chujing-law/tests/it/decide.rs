//! Table-driven decisions: every rule and exemption of every pack, and both sides of every threshold in every
//! span of law. `table_covers_every_rule_and_boundary` checks the table against the packs themselves, so a new
//! rule or threshold without rows here fails the build.

use std::sync::LazyLock;

use chujing_law::condition::{CountFact, Facts};
use chujing_law::regime::Claim;
use chujing_law::{Date, ExemptionId, FlowKind, LawError, Pathway, RuleBook};

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

use ExemptionId as E;
use Pathway::{
    Certification as CERT, Exempt as EX, NotApplicable as NA, SecurityAssessment as SA,
    StandardContractOrCertification as SCC,
};

/// A non-CIIO in China exporting ordinary PI, nothing counted yet.
const PI: Facts = Facts::transfer_by(chujing_law::ProcessorFacts {
    ciio: false,
    located_in_china: true,
});

const fn n(individuals: u64) -> Facts {
    Facts {
        individuals,
        individuals_processed: individuals,
        ..PI
    }
}
const fn s(individuals: u64, sensitive: u64) -> Facts {
    Facts {
        individuals,
        sensitive_individuals: sensitive,
        individuals_processed: individuals,
        sensitive_personal_information: sensitive > 0,
        ..PI
    }
}
const fn processed(individuals: u64, processed: u64) -> Facts {
    Facts {
        individuals,
        individuals_processed: processed,
        ..PI
    }
}
const CIIO: Facts = Facts {
    ciio: true,
    individuals: 10,
    individuals_processed: 10,
    ..PI
};
const IMPORTANT: Facts = Facts {
    important_data: true,
    individuals: 10,
    individuals_processed: 10,
    ..PI
};
const IMPORTANT_ONLY: Facts = Facts {
    important_data: true,
    personal_information: false,
    ..PI
};
const NO_DATA: Facts = Facts {
    personal_information: false,
    ..PI
};

struct Case {
    date: &'static str,
    facts: Facts,
    claim: Option<ExemptionId>,
    expect: Pathway,
    /// The rule or exemption (`pack/item`) that decides; "" for not applicable.
    by: &'static str,
}

const fn c(date: &'static str, facts: Facts, expect: Pathway, by: &'static str) -> Case {
    Case {
        date,
        facts,
        claim: None,
        expect,
        by,
    }
}
const fn claim(
    date: &'static str,
    facts: Facts,
    e: ExemptionId,
    expect: Pathway,
    by: &'static str,
) -> Case {
    Case {
        date,
        facts,
        claim: Some(e),
        expect,
        by,
    }
}

const PIPL_ONLY: &str = "2022-01-15";
const SAM: &str = "2022-10-01"; // Security Assessment Measures, before the certification rules
const CERT_RULES: &str = "2022-11-10"; // + certification rules, before the certification standard
const SAM_CERT: &str = "2023-03-01"; // + the TC260 certification standard, before the standard contract
const SAM_SCC: &str = "2023-08-01"; // + standard contract, before the Provisions
const PROV_2024: &str = "2024-09-01"; // Provisions 2024, before the Network Data Regulations
const NDR: &str = "2025-03-01"; // + Network Data Regulations, before the Compliance Audit Measures
const PROV: &str = "2025-06-01"; // + Compliance Audit Measures
const GBT_45574: &str = "2025-11-15"; // + the sensitive-PI standard
const CERT_2026: &str = "2026-02-01"; // + Certification Measures, before GB/T 46068
const PROV_2026: &str = "2026-11-22"; // + Certification Measures 2026

#[rustfmt::skip]
const TABLE: &[Case] = &[
    // PIPL alone (2021-11-01 to 2022-08-31): no thresholds; certification, or assessment for a CIIO.
    c("2021-11-01", n(1), CERT, "cn-pipl/mechanism-required"),
    c(PIPL_ONLY, n(5_000_000), CERT, "cn-pipl/mechanism-required"),
    c(PIPL_ONLY, CIIO, SA, "cn-pipl/ciio-assessment"),
    c(PIPL_ONLY, NO_DATA, NA, ""),
    claim(PIPL_ONLY, n(10), E::HrManagement, CERT, "cn-pipl/mechanism-required"), // no exemptions yet

    // Security Assessment Measures (from 2022-09-01), counted since 1 January of the previous year.
    c("2022-08-31", n(100_000), CERT, "cn-pipl/mechanism-required"),
    c("2022-09-01", n(100_000), SA, "cn-sa-measures-2022/volume"),
    c(SAM, n(99_999), CERT, "cn-pipl/mechanism-required"),
    c(SAM, n(100_000), SA, "cn-sa-measures-2022/volume"),
    c(SAM, s(20_000, 9_999), CERT, "cn-pipl/mechanism-required"),
    c(SAM, s(20_000, 10_000), SA, "cn-sa-measures-2022/volume"),
    c(SAM, processed(10, 999_999), CERT, "cn-pipl/mechanism-required"),
    c(SAM, processed(10, 1_000_000), SA, "cn-sa-measures-2022/processes-one-million"),
    c(SAM, CIIO, SA, "cn-sa-measures-2022/ciio"),
    c(SAM, IMPORTANT, SA, "cn-sa-measures-2022/important-data"),
    c(SAM, IMPORTANT_ONLY, SA, "cn-sa-measures-2022/important-data"),
    c(CERT_RULES, n(99_999), CERT, "cn-pipl/mechanism-required"),
    c(CERT_RULES, n(100_000), SA, "cn-sa-measures-2022/volume"),
    c(CERT_RULES, s(50, 9_999), CERT, "cn-pipl/mechanism-required"),
    c(CERT_RULES, s(50_000, 10_000), SA, "cn-sa-measures-2022/volume"),
    c(CERT_RULES, processed(10, 999_999), CERT, "cn-pipl/mechanism-required"),
    c(CERT_RULES, processed(10, 1_000_000), SA, "cn-sa-measures-2022/processes-one-million"),
    c(SAM_CERT, n(99_999), CERT, "cn-pipl/mechanism-required"),
    c(SAM_CERT, n(100_000), SA, "cn-sa-measures-2022/volume"),
    c(SAM_CERT, s(50, 9_999), CERT, "cn-pipl/mechanism-required"),
    c(SAM_CERT, s(50_000, 10_000), SA, "cn-sa-measures-2022/volume"),
    c(SAM_CERT, processed(10, 999_999), CERT, "cn-pipl/mechanism-required"),
    c(SAM_CERT, processed(10, 1_000_000), SA, "cn-sa-measures-2022/processes-one-million"),

    // Standard Contract Measures (from 2023-06-01): the contract band below the assessment triggers.
    c("2023-05-31", n(99_999), CERT, "cn-pipl/mechanism-required"),
    c("2023-06-01", n(99_999), SCC, "cn-scc-measures-2023/contract-eligible"),
    c(SAM_SCC, n(1), SCC, "cn-scc-measures-2023/contract-eligible"),
    c(SAM_SCC, n(99_999), SCC, "cn-scc-measures-2023/contract-eligible"),
    c(SAM_SCC, n(100_000), SA, "cn-sa-measures-2022/volume"),
    c(SAM_SCC, s(20_000, 9_999), SCC, "cn-scc-measures-2023/contract-eligible"),
    c(SAM_SCC, s(20_000, 10_000), SA, "cn-sa-measures-2022/volume"),
    c(SAM_SCC, processed(10, 999_999), SCC, "cn-scc-measures-2023/contract-eligible"),
    c(SAM_SCC, processed(10, 1_000_000), SA, "cn-sa-measures-2022/processes-one-million"),
    c(SAM_SCC, CIIO, SA, "cn-sa-measures-2022/ciio"),
    c(SAM_SCC, IMPORTANT, SA, "cn-sa-measures-2022/important-data"),
    c("2024-03-21", n(50_000), SCC, "cn-scc-measures-2023/contract-eligible"),
    c("2024-03-21", processed(10, 1_000_000), SA, "cn-sa-measures-2022/processes-one-million"),

    // Provisions 2024 (from 2024-03-22), counted since 1 January of the current year.
    c("2024-03-22", n(50_000), EX, "cn-provisions-2024/small_volume"),
    c("2024-03-22", processed(10, 1_000_000), EX, "cn-provisions-2024/small_volume"), // the 1M-processed trigger is gone
    c(PROV_2024, n(99_999), EX, "cn-provisions-2024/small_volume"),
    c(PROV_2024, n(100_000), SCC, "cn-provisions-2024/contract-volume"),
    c(PROV_2024, n(999_999), SCC, "cn-provisions-2024/contract-volume"),
    c(PROV_2024, n(1_000_000), SA, "cn-provisions-2024/volume"),
    c(PROV_2024, s(10, 0), EX, "cn-provisions-2024/small_volume"),
    c(PROV_2024, s(10, 1), SCC, "cn-provisions-2024/contract-sensitive"),
    c(PROV_2024, s(20_000, 9_999), SCC, "cn-provisions-2024/contract-sensitive"),
    c(PROV_2024, s(20_000, 10_000), SA, "cn-provisions-2024/volume"),
    c(NDR, n(99_999), EX, "cn-provisions-2024/small_volume"),
    c(NDR, n(100_000), SCC, "cn-provisions-2024/contract-volume"),
    c(NDR, n(999_999), SCC, "cn-provisions-2024/contract-volume"),
    c(NDR, n(1_000_000), SA, "cn-provisions-2024/volume"),
    c(NDR, s(10, 0), EX, "cn-provisions-2024/small_volume"),
    c(NDR, s(10, 1), SCC, "cn-provisions-2024/contract-sensitive"),
    c(NDR, s(20_000, 9_999), SCC, "cn-provisions-2024/contract-sensitive"),
    c(NDR, s(20_000, 10_000), SA, "cn-provisions-2024/volume"),
    c(GBT_45574, n(99_999), EX, "cn-provisions-2024/small_volume"),
    c(GBT_45574, n(100_000), SCC, "cn-provisions-2024/contract-volume"),
    c(GBT_45574, n(999_999), SCC, "cn-provisions-2024/contract-volume"),
    c(GBT_45574, n(1_000_000), SA, "cn-provisions-2024/volume"),
    c(GBT_45574, s(10, 0), EX, "cn-provisions-2024/small_volume"),
    c(GBT_45574, s(10, 1), SCC, "cn-provisions-2024/contract-sensitive"),
    c(GBT_45574, s(20_000, 9_999), SCC, "cn-provisions-2024/contract-sensitive"),
    c(GBT_45574, s(20_000, 10_000), SA, "cn-provisions-2024/volume"),
    c(CERT_2026, n(99_999), EX, "cn-provisions-2024/small_volume"),
    c(CERT_2026, n(100_000), SCC, "cn-provisions-2024/contract-volume"),
    c(CERT_2026, n(999_999), SCC, "cn-provisions-2024/contract-volume"),
    c(CERT_2026, n(1_000_000), SA, "cn-provisions-2024/volume"),
    c(CERT_2026, s(10, 0), EX, "cn-provisions-2024/small_volume"),
    c(CERT_2026, s(10, 1), SCC, "cn-provisions-2024/contract-sensitive"),
    c(CERT_2026, s(20_000, 9_999), SCC, "cn-provisions-2024/contract-sensitive"),
    c(CERT_2026, s(20_000, 10_000), SA, "cn-provisions-2024/volume"),
    // Network Data Regulations (from 2025-01-01): performing a statutory duty is a basis of its own (Art. 35(6)).
    claim("2024-12-31", n(500_000), E::StatutoryDuty, SCC, "cn-provisions-2024/contract-volume"), // not yet law
    claim("2025-01-01", n(500_000), E::StatutoryDuty, EX, "cn-network-data-regs-2025/statutory_duty"),
    claim(NDR, s(5_000_000, 200_000), E::StatutoryDuty, EX, "cn-network-data-regs-2025/statutory_duty"),
    claim(NDR, IMPORTANT, E::StatutoryDuty, SA, "cn-provisions-2024/important-data"), // never for important data
    c(PROV, n(99_999), EX, "cn-provisions-2024/small_volume"),
    c(PROV, n(100_000), SCC, "cn-provisions-2024/contract-volume"),
    c(PROV, n(999_999), SCC, "cn-provisions-2024/contract-volume"),
    c(PROV, n(1_000_000), SA, "cn-provisions-2024/volume"),
    c(PROV, s(10, 0), EX, "cn-provisions-2024/small_volume"),
    c(PROV, s(10, 1), SCC, "cn-provisions-2024/contract-sensitive"),
    c(PROV, s(20_000, 9_999), SCC, "cn-provisions-2024/contract-sensitive"),
    c(PROV, s(20_000, 10_000), SA, "cn-provisions-2024/volume"),
    c(PROV, CIIO, SA, "cn-provisions-2024/ciio"),
    c(PROV, Facts { ciio: true, ..IMPORTANT_ONLY }, SA, "cn-provisions-2024/ciio"),
    c(PROV, IMPORTANT, SA, "cn-provisions-2024/important-data"),
    c(PROV, IMPORTANT_ONLY, SA, "cn-provisions-2024/important-data"),
    c(PROV, NO_DATA, NA, ""),
    claim(PROV, NO_DATA, E::NoPersonalInformation, EX, "cn-provisions-2024/no_personal_information"),
    claim(PROV, n(5_000_000), E::CollectedAbroad, EX, "cn-provisions-2024/collected_abroad"),
    claim(PROV, n(5_000_000), E::ContractNecessity, EX, "cn-provisions-2024/contract_necessity"),
    claim(PROV, s(5_000_000, 200_000), E::HrManagement, EX, "cn-provisions-2024/hr_management"),
    claim(PROV, CIIO, E::Emergency, EX, "cn-provisions-2024/emergency"),
    claim(PROV, n(500_000), E::FtzNegativeList, EX, "cn-provisions-2024/ftz_negative_list"),
    claim(PROV, IMPORTANT, E::HrManagement, SA, "cn-provisions-2024/important-data"), // never for important data
    claim(PROV, IMPORTANT, E::ContractNecessity, SA, "cn-provisions-2024/important-data"),
    claim(PROV, n(10), E::NoPersonalInformation, EX, "cn-provisions-2024/small_volume"), // claim fails: it has PI
    c(PROV_2026, n(99_999), EX, "cn-provisions-2024/small_volume"),
    c(PROV_2026, n(100_000), SCC, "cn-provisions-2024/contract-volume"),
    c(PROV_2026, n(999_999), SCC, "cn-provisions-2024/contract-volume"),
    c(PROV_2026, n(1_000_000), SA, "cn-provisions-2024/volume"),
    c(PROV_2026, s(10, 0), EX, "cn-provisions-2024/small_volume"),
    c(PROV_2026, s(10, 1), SCC, "cn-provisions-2024/contract-sensitive"),
    c(PROV_2026, s(20_000, 9_999), SCC, "cn-provisions-2024/contract-sensitive"),
    c(PROV_2026, s(20_000, 10_000), SA, "cn-provisions-2024/volume"),
    c(PROV_2026, Facts { kind: FlowKind::RemoteAccess, ..n(150_000) }, SCC, "cn-provisions-2024/contract-volume"),
    c(PROV_2026, Facts { kind: FlowKind::OffshoreProcessing, located_in_china: false, ..n(150_000) }, SCC, "cn-provisions-2024/contract-volume"),
    c(PROV_2026, Facts { ciio: true, ..n(99_999) }, SA, "cn-provisions-2024/ciio"), // no small-volume exemption for a CIIO
];

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// The items that decided a case: the exemption applied, or the decisive (heaviest, not displaced) rules.
fn deciders(case: &Case) -> (Pathway, Vec<String>, Vec<String>) {
    let regime = BOOK.regime_at(date(case.date)).unwrap();
    let o = regime.decide(&case.facts, case.claim);
    let pathway = o
        .pathway
        .unwrap_or_else(|| panic!("{}: undecided", case.date));
    let fired: Vec<String> = o
        .fired
        .iter()
        .filter_map(|i| regime.rules.get(i))
        .map(|r| r.id.clone())
        .collect();
    if let Some(i) = o.exemption {
        return (pathway, vec![regime.exemptions[i].id.clone()], fired);
    }
    let decisive = o
        .fired
        .iter()
        .filter(|i| !o.overridden.contains(*i))
        .filter_map(|i| regime.rules.get(i))
        .filter(|r| r.body.pathway == pathway)
        .map(|r| r.id.clone())
        .collect();
    (pathway, decisive, fired)
}

#[test]
fn table() {
    let mut failures = Vec::new();
    for (row, case) in TABLE.iter().enumerate() {
        let (pathway, decisive, _) = deciders(case);
        let by_ok = if case.by.is_empty() {
            decisive.is_empty()
        } else {
            decisive.iter().any(|d| d == case.by)
        };
        if pathway != case.expect || !by_ok {
            failures.push(format!(
                "row {row} ({}): expected {} by `{}`, got {pathway} by {decisive:?}",
                case.date, case.expect, case.by
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn table_covers_every_rule_and_boundary() {
    let mut seen = std::collections::HashSet::new();
    for case in TABLE {
        let (_, decisive, fired) = deciders(case);
        seen.extend(decisive);
        seen.extend(fired);
    }
    let mut missing = Vec::new();
    for regime in BOOK.regimes() {
        for r in &regime.rules {
            if !seen.contains(&r.id) {
                missing.push(format!("rule {} never fires in the table", r.id));
            }
        }
        for e in &regime.exemptions {
            if !seen.contains(&e.id) {
                missing.push(format!("exemption {} never applies in the table", e.id));
            }
        }
        // Both sides of every bound, on a date inside this span.
        let rows: Vec<&Case> = TABLE
            .iter()
            .filter(|c| {
                let d = date(c.date);
                regime.from <= d && regime.to.is_none_or(|t| d <= t)
            })
            .collect();
        let mut bounds = Vec::new();
        regime
            .rules
            .iter()
            .for_each(|r| r.body.when.count_bounds(&mut bounds));
        regime
            .exemptions
            .iter()
            .for_each(|e| e.body.when.count_bounds(&mut bounds));
        for (fact, bound) in bounds {
            let value = |c: &Case| match fact {
                CountFact::Individuals => c.facts.individuals,
                CountFact::SensitiveIndividuals => c.facts.sensitive_individuals,
                CountFact::IndividualsProcessed => c.facts.individuals_processed,
            };
            for v in [bound - 1, bound] {
                if !rows.iter().any(|c| value(c) == v) {
                    missing.push(format!(
                        "span from {}: no row with {} = {v} (bound {bound})",
                        regime.from,
                        fact.id()
                    ));
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn dates_outside_any_regime_are_errors() {
    let err = BOOK.regime_at(date("2021-10-31")).unwrap_err();
    assert!(matches!(err, LawError::NoRegime { .. }));
    assert!(err.to_string().contains("2021-11-01"), "{err}");
}

#[test]
fn important_data_without_pi_before_2022_09_is_not_invented() {
    let regime = BOOK.regime_at(date(PIPL_ONLY)).unwrap();
    assert_eq!(regime.decide(&IMPORTANT_ONLY, None).pathway, None);
}

#[test]
fn claims_are_explained() {
    let regime = BOOK.regime_at(date(SAM_SCC)).unwrap();
    assert_eq!(
        regime.decide(&n(10), Some(E::HrManagement)).claim,
        Claim::NotRecognised(E::HrManagement)
    );
    let regime = BOOK.regime_at(date(PROV)).unwrap();
    assert!(matches!(
        regime.decide(&IMPORTANT, Some(E::HrManagement)).claim,
        Claim::ConditionFailed(_)
    ));
}

#[test]
fn windows_follow_the_regime() {
    let start = |d: &str| {
        BOOK.regime_at(date(d))
            .unwrap()
            .window_start(date(d))
            .map(|x| x.to_string())
    };
    assert_eq!(start("2024-03-21").as_deref(), Some("2023-01-01"));
    assert_eq!(start("2024-03-22").as_deref(), Some("2024-01-01"));
    assert_eq!(start("2023-01-01").as_deref(), Some("2022-01-01"));
    assert_eq!(start("2026-12-31").as_deref(), Some("2026-01-01"));
    assert_eq!(start(PIPL_ONLY), None);
}
