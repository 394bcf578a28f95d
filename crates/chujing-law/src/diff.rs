//! What changed in the law between two dates: the items (windows, exemptions, rules, obligations, readings)
//! and the volume thresholds in force on one date and not the other, or in force on both but worded or
//! conditioned differently. A legal team reads it to see what a regime change means for it.

use serde::Serialize;

use crate::date::Date;
use crate::error::LawError;
use crate::regime::{Item, Regime, cite};
use crate::rulebook::RuleBook;
use crate::text::Lang;

/// How an item differs between the two dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In force on the later date only.
    Appeared,
    /// In force on the earlier date only.
    Disappeared,
    /// In force on both, with another text, article or condition.
    Changed,
}

/// One difference.
#[derive(Debug, Clone, Serialize)]
pub struct ItemChange {
    /// `window`, `exemption`, `rule`, `obligation`, `reading` or `threshold`.
    pub kind: &'static str,
    /// The item's id (`pack-id/item-id`), or the threshold (`individuals ≥ 1,000,000`).
    pub id: String,
    /// What happened to it.
    pub change: Change,
    /// What it says (on the later date, or the earlier if it disappeared).
    pub text: String,
    /// Its citation.
    pub citation: String,
}

/// The law on two dates, compared.
#[derive(Debug, Clone, Serialize)]
pub struct LawDiff {
    /// The earlier date.
    pub from: Date,
    /// The later date.
    pub to: Date,
    /// The packs in force on the earlier date.
    pub packs_from: Vec<String>,
    /// The packs in force on the later date.
    pub packs_to: Vec<String>,
    /// Every difference, items first, in pack order.
    pub changes: Vec<ItemChange>,
}

/// An item reduced to what is compared: id, citation, text and the body's form.
struct Entry {
    kind: &'static str,
    id: String,
    citation: String,
    text: String,
    body: String,
}

fn entries(book: &RuleBook, regime: &Regime, lang: Lang) -> Vec<Entry> {
    fn add<T: std::fmt::Debug>(
        out: &mut Vec<Entry>,
        book: &RuleBook,
        kind: &'static str,
        items: &[Item<T>],
        lang: Lang,
    ) {
        for i in items {
            let citation = book
                .packs()
                .get(i.pack)
                .map_or_else(String::new, |p| cite(&p.meta, &i.article, lang));
            out.push(Entry {
                kind,
                id: i.id.clone(),
                text: i.text.get(lang).to_string(),
                body: format!("{:?}|{:?}|{:?}", i.body, i.article, i.text),
                citation,
            });
        }
    }
    let mut out = Vec::new();
    add(&mut out, book, "window", regime.window.as_slice(), lang);
    add(&mut out, book, "exemption", &regime.exemptions, lang);
    add(&mut out, book, "rule", &regime.rules, lang);
    add(&mut out, book, "obligation", &regime.obligations, lang);
    add(&mut out, book, "reading", &regime.readings, lang);
    for t in regime.thresholds() {
        out.push(Entry {
            kind: "threshold",
            id: format!("{} ≥ {}", t.fact.id(), crate::explain::number(t.bound)),
            text: t.items.join(", "),
            body: String::new(),
            citation: String::new(),
        });
    }
    out
}

/// What differs between the law in force on `from` and on `to`.
pub fn diff(book: &RuleBook, from: Date, to: Date, lang: Lang) -> Result<LawDiff, LawError> {
    let (a, b) = (book.regime_at(from)?, book.regime_at(to)?);
    let (before, after) = (entries(book, a, lang), entries(book, b, lang));
    let mut changes = Vec::new();
    let same = |x: &Entry, y: &Entry| x.kind == y.kind && x.id == y.id;
    for e in &after {
        match before.iter().find(|x| same(x, e)) {
            None => changes.push(change(e, Change::Appeared)),
            Some(x) if x.body != e.body => changes.push(change(e, Change::Changed)),
            Some(_) => {}
        }
    }
    for e in before.iter().filter(|x| !after.iter().any(|y| same(x, y))) {
        changes.push(change(e, Change::Disappeared));
    }
    let ids = |r: &Regime| {
        r.packs
            .iter()
            .filter_map(|p| book.packs().get(*p).map(|p| p.meta.id.clone()))
            .collect()
    };
    Ok(LawDiff {
        from,
        to,
        packs_from: ids(a),
        packs_to: ids(b),
        changes,
    })
}

fn change(e: &Entry, change: Change) -> ItemChange {
    ItemChange {
        kind: e.kind,
        id: e.id.clone(),
        change,
        text: e.text.clone(),
        citation: e.citation.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_provisions_replace_the_window_and_thresholds_and_add_exemptions() {
        let book = RuleBook::embedded().unwrap();
        let diff = diff(&book, d("2024-03-21"), d("2024-03-22"), Lang::En).unwrap();
        let has = |kind: &str, id: &str, change: Change| {
            diff.changes
                .iter()
                .any(|c| c.kind == kind && c.id == id && c.change == change)
        };
        assert!(
            has("window", "cn-provisions-2024/window", Change::Appeared),
            "{diff:#?}"
        );
        assert!(has(
            "window",
            "cn-sa-measures-2022/window",
            Change::Disappeared
        ));
        assert!(has(
            "exemption",
            "cn-provisions-2024/hr_management",
            Change::Appeared
        ));
        assert!(has(
            "threshold",
            "individuals ≥ 1,000,000",
            Change::Appeared
        ));
        assert!(diff.packs_to.contains(&"cn-provisions-2024".to_string()));
    }

    #[test]
    fn the_same_day_has_no_changes_and_the_statutory_duty_appears_in_2025() {
        let book = RuleBook::embedded().unwrap();
        assert!(
            diff(&book, d("2026-11-22"), d("2026-11-22"), Lang::En)
                .unwrap()
                .changes
                .is_empty()
        );
        let diff = diff(&book, d("2024-12-31"), d("2025-01-01"), Lang::Zh).unwrap();
        let duty = diff
            .changes
            .iter()
            .find(|c| c.id == "cn-network-data-regs-2025/statutory_duty")
            .unwrap();
        assert_eq!(duty.change, Change::Appeared);
        assert!(duty.citation.contains("第三十五条"), "{}", duty.citation);
    }
}
