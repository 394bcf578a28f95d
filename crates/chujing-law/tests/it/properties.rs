//! Properties of the law as encoded: more never means lighter, and exemptions never cover important data.

use std::sync::LazyLock;

use chujing_law::condition::Facts;
use chujing_law::profile::Profile;
use chujing_law::{Date, ExemptionId, FlowKind, Lang, RuleBook, assess};
use proptest::prelude::*;

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

/// Counts concentrated around the thresholds, where mistakes live.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..20,
        prop::sample::select(vec![
            1u64, 9_999, 10_000, 10_001, 99_999, 100_000, 100_001, 999_999, 1_000_000, 1_000_001
        ]),
        0u64..3_000_000,
    ]
}

fn day() -> impl Strategy<Value = Date> {
    // 2021-11-01 (PIPL) to the end of 2027.
    (0i64..(365 * 6 + 60)).prop_map(|offset| {
        let mut d = Date::parse("2021-11-01").unwrap();
        for _ in 0..offset {
            d = d.tomorrow();
        }
        d
    })
}

fn facts() -> impl Strategy<Value = Facts> {
    (any::<[bool; 5]>(), count(), count(), count(), 0usize..3).prop_map(|(b, i, s, p, k)| Facts {
        ciio: b[0],
        located_in_china: b[1],
        important_data: b[2],
        personal_information: b[3],
        sensitive_personal_information: b[4],
        individuals: i,
        sensitive_individuals: s,
        individuals_processed: p,
        kind: [
            FlowKind::Transfer,
            FlowKind::RemoteAccess,
            FlowKind::OffshoreProcessing,
        ][k],
    })
}

fn claim() -> impl Strategy<Value = Option<ExemptionId>> {
    prop::sample::select(vec![
        None,
        Some(ExemptionId::ContractNecessity),
        Some(ExemptionId::HrManagement),
        Some(ExemptionId::Emergency),
        Some(ExemptionId::CollectedAbroad),
        Some(ExemptionId::NoPersonalInformation),
        Some(ExemptionId::FtzNegativeList),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn more_never_lightens(date in day(), f in facts(), c in claim(), extra in 1u64..2_000_000, extra_s in 1u64..50_000) {
        let regime = BOOK.regime_at(date).unwrap();
        let tier = |x: &Facts| regime.decide(x, c).pathway.map(|p| p.tier());
        let Some(before) = tier(&f) else { return Ok(()) };
        let ups = [
            Facts { individuals: f.individuals + extra, individuals_processed: f.individuals_processed + extra, ..f },
            Facts { sensitive_individuals: f.sensitive_individuals + extra_s, sensitive_personal_information: true, ..f },
            Facts { ciio: true, ..f },
            Facts { important_data: true, ..f },
        ];
        for up in &ups {
            if let Some(after) = tier(up) {
                prop_assert!(after >= before, "{date}: {f:?} → {up:?} went from tier {before} to {after}");
            }
        }
    }

    #[test]
    fn no_exemption_for_important_data(date in day(), f in facts(), c in claim()) {
        let regime = BOOK.regime_at(date).unwrap();
        let f = Facts { important_data: true, ..f };
        let o = regime.decide(&f, c);
        prop_assert!(o.exemption.is_none(), "{date}: {f:?} claimed {c:?} was exempted");
    }

    /// The same, end to end: adding individuals to a profile's flow never lightens the processor's pathway.
    #[test]
    fn assess_is_monotone_in_individuals(date in day(), base in 0u64..1_500_000, extra in 1u64..1_500_000, sens in 0u64..20_000, ciio: bool) {
        let profile = |n: u64| {
            let src = format!(
                "[processor]\nname = \"P\"\nciio = {ciio}\n[[flows]]\nid = \"a\"\ncountry = \"US\"\ncategories = [\"identity\"]\n\
                 individuals = {n}\nsensitive_individuals = {s}\n",
                s = sens.min(n)
            );
            Profile::parse("p.toml", &src).unwrap()
        };
        let pathway = |n: u64| assess(&BOOK, &profile(n), date, Lang::En).unwrap().pathway.tier();
        prop_assert!(pathway(base + extra) >= pathway(base));
    }
}

const VALID: &str = include_str!("../../../../examples/mid-size-standard-contract.toml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Whatever the bytes, parsing a profile (TOML or JSON) or a rule pack returns an error, never panics.
    #[test]
    fn parsers_never_panic(text in "\\PC{0,400}") {
        let _ = Profile::parse("p.toml", &text);
        let _ = Profile::parse("p.json", &text);
        let cal = (String::from("c.toml"), String::from(chujing_law::rulebook::EMBEDDED_CALENDAR.1));
        let _ = RuleBook::from_sources(&[(String::from("x.toml"), text)], &cal);
    }

    /// A valid profile with one line replaced by noise: parse and assess return errors, never panic.
    #[test]
    fn mutated_profiles_never_panic(line in 0usize..60, noise in "[a-z_=\"\\[\\]0-9 .,{}-]{0,30}", date in day()) {
        let text: String = VALID
            .lines()
            .enumerate()
            .map(|(i, l)| if i == line { noise.clone() } else { l.to_string() })
            .collect::<Vec<_>>()
            .join("\n");
        if let Ok(profile) = Profile::parse("p.toml", &text) {
            let _ = assess(&BOOK, &profile, date, Lang::Zh);
        }
    }
}
