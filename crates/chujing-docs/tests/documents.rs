//! The documents checked against sources they are not built from: the example profiles read as raw TOML
//! (not through `Profile`), dates worked out by hand in the examples' comments, and the rendered text (not
//! the document model) for the open items.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use std::collections::BTreeSet;

use chujing_docs::{DocumentKind, Inputs, build, render};
use chujing_law::assess::assess_with_totals;
use chujing_law::{Date, Lang, Profile, RuleBook};
use toml_edit::{DocumentMut, Item};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// Every example profile: (file name, text).
fn examples() -> Vec<(String, String)> {
    let mut out: Vec<_> = std::fs::read_dir(EXAMPLES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 4, "the examples are missing from {EXAMPLES}");
    out
}

/// The document of `kind` in `lang` for the profile `src`, rendered as (Markdown, HTML).
fn rendered(name: &str, src: &str, kind: DocumentKind, lang: Lang) -> (String, String) {
    let book = RuleBook::embedded().unwrap();
    let profile = Profile::parse(name, src).unwrap();
    let as_of = profile.as_of.unwrap_or(Date::new(2026, 11, 22).unwrap());
    let assessment = assess_with_totals(&book, &profile, as_of, lang, None).unwrap();
    let doc = build(
        kind,
        &Inputs {
            profile_file: name,
            profile: &profile,
            assessment: &assessment,
            ledger: None,
            scan: None,
        },
    );
    (render::markdown(&doc), render::html(&doc))
}

fn every_document(name: &str, src: &str) -> Vec<(DocumentKind, Lang, String, String)> {
    let mut out = Vec::new();
    for kind in DocumentKind::ALL {
        for lang in [Lang::En, Lang::Zh] {
            let (md, html) = rendered(name, src, kind, lang);
            out.push((kind, lang, md, html));
        }
    }
    out
}

/// A count as the documents print it, with thousands separators, written here independently.
fn thousands(x: i64) -> String {
    let digits = x.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn raw_str<'a>(item: &'a Item, key: &str) -> &'a str {
    item.get(key)
        .and_then(Item::as_str)
        .unwrap_or_else(|| panic!("no `{key}`"))
}

#[test]
fn the_processor_and_every_flow_of_the_profile_appear_in_every_document_that_lists_them() {
    for (name, src) in examples() {
        let raw: DocumentMut = src.parse().unwrap();
        let processor = raw_str(&raw["processor"], "name");
        let flows = raw["flows"].as_array_of_tables().unwrap();
        for (kind, lang, md, html) in every_document(&name, &src) {
            let at = format!("{name}, {} in {lang:?}", kind.id());
            assert!(
                md.contains(processor),
                "{at}: the processor `{processor}` is missing"
            );
            assert!(
                html.contains(&html_text(processor)),
                "{at} (HTML): `{processor}` is missing"
            );
            // The filing's annex (and Annex I alone) lists the flows that count; a flow claiming an exemption
            // may not.
            let annex = matches!(
                kind,
                DocumentKind::StandardContractFiling | DocumentKind::StandardContractAnnex
            );
            let listed = flows
                .iter()
                .filter(|f| !annex || f.get("exemption").is_none());
            for flow in listed {
                for key in ["id", "recipient", "country"] {
                    let value = flow.get(key).and_then(|v| v.as_str()).unwrap();
                    assert!(md.contains(value), "{at}: flow {key} `{value}` is missing");
                    assert!(
                        html.contains(&html_text(value)),
                        "{at} (HTML): `{value}` is missing"
                    );
                }
            }
        }
    }
}

#[test]
fn the_pipia_states_each_flows_volumes_and_categories_from_the_profile() {
    for (name, src) in examples() {
        let raw: DocumentMut = src.parse().unwrap();
        for lang in [Lang::En, Lang::Zh] {
            let (md, _) = rendered(&name, &src, DocumentKind::Pipia, lang);
            for flow in raw["flows"].as_array_of_tables().unwrap() {
                let id = flow.get("id").and_then(|v| v.as_str()).unwrap();
                let row = md
                    .lines()
                    .find(|l| l.starts_with(&format!("| {id} |")))
                    .unwrap_or_else(|| {
                        panic!("{name}: no row for flow `{id}` in the PIPIA's flow table")
                    });
                let individuals = flow
                    .get("individuals")
                    .and_then(|v| v.as_integer())
                    .unwrap();
                assert!(
                    row.contains(&thousands(individuals)),
                    "{name}: `{id}` lacks {individuals}: {row}"
                );
                for category in flow.get("categories").and_then(|v| v.as_array()).unwrap() {
                    // Named in the document's language (an identifier only when no name is known).
                    let id_ = category.as_str().unwrap();
                    let category =
                        chujing_docs::names::category(lang, id_).unwrap_or_else(|| id_.to_string());
                    assert!(
                        row.contains(&category),
                        "{name}: `{id}` lacks category {category}: {row}"
                    );
                }
            }
        }
    }
}

/// The open-item ids in the list at the top and those in the body, read from the rendered Markdown.
fn open_items(md: &str, mark: &str) -> (Vec<String>, BTreeSet<String>) {
    let id = |line: &str, prefix: &str| {
        let rest = line.strip_prefix(prefix)?;
        Some(rest.split('`').nth(1)?.to_string())
    };
    let listed = md
        .lines()
        .filter_map(|l| id(l, &format!("- [ ] **{mark}** ")))
        .collect();
    let shown = md
        .lines()
        .filter_map(|l| id(l, &format!("> **{mark}** ")))
        .collect();
    (listed, shown)
}

#[test]
fn the_list_at_the_top_holds_every_open_item_of_the_body_once() {
    for (name, src) in examples() {
        for (kind, lang, md, _) in every_document(&name, &src) {
            let (listed, shown) = open_items(&md, lang.pick("OPEN", "待补充"));
            let at = format!("{name}, {} in {lang:?}", kind.id());
            let unique: BTreeSet<String> = listed.iter().cloned().collect();
            assert_eq!(
                unique.len(),
                listed.len(),
                "{at}: an item is listed twice: {listed:?}"
            );
            assert_eq!(unique, shown, "{at}: the list and the body disagree");
        }
    }
}

/// The profile without any recorded mechanism (a mechanism always has a `since` date).
fn without_mechanisms(src: &str) -> String {
    let mut raw: DocumentMut = src.parse().unwrap();
    for flow in raw["flows"].as_array_of_tables_mut().unwrap().iter_mut() {
        flow.remove("mechanism");
    }
    raw.to_string()
}

#[test]
fn the_filing_deadline_is_stated_and_without_a_contract_date_it_is_an_open_item() {
    let (name, src) = examples()
        .into_iter()
        .find(|(n, _)| n.starts_with("mid-size"))
        .unwrap();
    // The example's comment: in effect 2026-09-25, due ten working days later, 2026-10-15 (National Day).
    for lang in [Lang::En, Lang::Zh] {
        let (md, _) = rendered(&name, &src, DocumentKind::StandardContractFiling, lang);
        assert!(
            md.contains("2026-10-15"),
            "the filing deadline is missing:\n{md}"
        );
        let (md, _) = rendered(
            &name,
            &without_mechanisms(&src),
            DocumentKind::StandardContractFiling,
            lang,
        );
        let (listed, _) = open_items(&md, lang.pick("OPEN", "待补充"));
        assert!(
            listed.iter().any(|i| i == "contract-effective-date"),
            "{listed:?}"
        );
        assert!(!md.contains("2026-10-15"));
    }
}

#[test]
fn the_self_assessment_states_how_long_the_assessment_result_is_valid() {
    let (name, src) = examples()
        .into_iter()
        .find(|(n, _)| n.starts_with("large-platform"))
        .unwrap();
    // The example's comment: issued 2024-05-10, valid three years (Provisions 2024 Art. 9), to 2027-05-09.
    for lang in [Lang::En, Lang::Zh] {
        let (md, _) = rendered(&name, &src, DocumentKind::SelfAssessment, lang);
        assert!(md.contains("2027-05-09"), "the expiry is missing:\n{md}");
    }
}

#[test]
fn the_profiles_totals_are_stated_with_their_source() {
    for (name, src) in examples() {
        let raw: DocumentMut = src.parse().unwrap();
        let Some(totals) = raw.get("totals") else {
            continue;
        };
        let individuals = thousands(totals["individuals"].as_integer().unwrap());
        for lang in [Lang::En, Lang::Zh] {
            let (md, _) = rendered(&name, &src, DocumentKind::Pipia, lang);
            let line = md
                .lines()
                .find(|l| l.contains(&format!("**{individuals}**")))
                .unwrap_or_else(|| panic!("{name}: the total {individuals} is missing"));
            assert!(
                line.contains(&name),
                "{name}: the total's source is not the profile: {line}"
            );
        }
    }
}
