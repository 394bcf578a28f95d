//! Windows follow the law in force: previous-year counting before 2024-03-22, current-year after, exempted
//! flows left out only where the law recognises the exemption.

use std::sync::LazyLock;

use chujing_law::{Date, ExemptionId, RuleBook};
use chujing_ledger::{BatchRef, FlowSettings, HashKey, SubjectHasher, SubjectSet, count_window};

/// A processor in China that is not a CIIO.
const PROCESSOR: chujing_law::ProcessorFacts = chujing_law::ProcessorFacts {
    ciio: false,
    located_in_china: true,
};

static BOOK: LazyLock<RuleBook> = LazyLock::new(|| RuleBook::embedded().unwrap());

fn set(ids: std::ops::Range<u32>) -> SubjectSet {
    let h = SubjectHasher::new(&HashKey::new([3; 16]));
    SubjectSet::from_hashes(ids.map(|i| h.hash(&format!("id{i}"))).collect())
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn windows_across_year_boundaries_and_regime_changes() {
    let (a, b, c) = (set(0..100), set(50..200), set(150..400));
    let empty = SubjectSet::default();
    let batches = [
        BatchRef {
            flow_id: "crm",
            date: d("2023-06-30"),
            subjects: a.as_slice(),
            sensitive: empty.as_slice(),
        },
        BatchRef {
            flow_id: "crm",
            date: d("2024-01-15"),
            subjects: b.as_slice(),
            sensitive: b.as_slice(),
        },
        BatchRef {
            flow_id: "crm",
            date: d("2024-12-31"),
            subjects: c.as_slice(),
            sensitive: empty.as_slice(),
        },
    ];
    let count = |as_of: &str| {
        count_window(&BOOK, d(as_of), PROCESSOR, &[], &batches)
            .unwrap()
            .unwrap()
    };

    // 2024-03-21: the 2022 Measures count since 1 January of the previous year: all of 2023 and 2024 so far.
    let w = count("2024-03-21");
    assert_eq!(
        (
            w.kind,
            w.from.to_string(),
            w.individuals,
            w.sensitive_individuals
        ),
        ("since_previous_year", "2023-01-01".into(), 200, 150)
    );
    // 2024-03-22: the Provisions count since 1 January of this year: 2023 drops out.
    let w = count("2024-03-22");
    assert_eq!(
        (w.kind, w.from.to_string(), w.individuals),
        ("calendar_year", "2024-01-01".into(), 150)
    );
    // The last day of the year includes the batch of that day; the next day starts a new window.
    assert_eq!(count("2024-12-31").individuals, 350);
    assert_eq!(count("2025-01-01").individuals, 0);
    // Before the first window (PIPL alone) nothing is counted.
    assert!(
        count_window(&BOOK, d("2022-05-01"), PROCESSOR, &[], &batches)
            .unwrap()
            .is_none()
    );
}

#[test]
fn exempted_flows_are_left_out_where_the_law_recognises_them() {
    let (crm, hr) = (set(0..100), set(1000..1300));
    let empty = SubjectSet::default();
    let batches = [
        BatchRef {
            flow_id: "crm",
            date: d("2024-02-01"),
            subjects: crm.as_slice(),
            sensitive: empty.as_slice(),
        },
        BatchRef {
            flow_id: "hr",
            date: d("2024-02-01"),
            subjects: hr.as_slice(),
            sensitive: empty.as_slice(),
        },
    ];
    let flows = [FlowSettings {
        exemption: Some(ExemptionId::HrManagement),
        ..FlowSettings::new("hr")
    }];
    let w = count_window(&BOOK, d("2024-06-01"), PROCESSOR, &flows, &batches)
        .unwrap()
        .unwrap();
    assert_eq!(
        (w.individuals, w.excluded_flows.clone()),
        (100, vec!["hr".to_string()])
    );
    // Before 2024-03-22 the HR exemption does not exist: the flow counts.
    let w = count_window(&BOOK, d("2024-03-01"), PROCESSOR, &flows, &batches)
        .unwrap()
        .unwrap();
    assert_eq!((w.individuals, w.excluded_flows.len()), (400, 0));
    // Never for important data.
    let flows = [FlowSettings {
        important_data: true,
        ..flows[0].clone()
    }];
    assert_eq!(
        count_window(&BOOK, d("2024-06-01"), PROCESSOR, &flows, &batches)
            .unwrap()
            .unwrap()
            .individuals,
        400
    );
}
