//! Per-column tallies of what was found, mergeable across threads, and the column report they produce.

use serde::{Deserialize, Serialize};

use crate::category::{Category, SensitiveClass, Sensitivity};
use crate::classify::{Evidence, Found};
use crate::header::Hint;

/// Distinct values are counted exactly up to this many per column and category; past it, the report says the
/// count is a lower bound. It bounds memory (8 bytes per distinct value) whatever the file size.
pub const DISTINCT_LIMIT: usize = 1 << 22;

/// How many masked samples a finding keeps.
pub const SAMPLES: usize = 3;

/// A value's 64-bit fingerprint, for distinct counts (never stored or printed).
pub fn fingerprint(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// A value with its middle masked: `1101**********1234`, `138****8000`, `张*`, `z***@example.com`.
pub fn mask(text: &str) -> String {
    if let Some((local, domain)) = text.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=2 => (1, 0),
        3..=6 => (1, 1),
        7..=10 => (2, 2),
        11..=14 => (3, 4),
        _ => (4, 4),
    };
    let head = head.min(n);
    let tail = tail.min(n - head);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// Distinct fingerprints, counted exactly up to [`DISTINCT_LIMIT`]. Values are appended (sequential writes)
/// and sorted and deduplicated whenever they have doubled since the last time: far cheaper than a hash set,
/// whose every insert is a cache miss once it outgrows the cache. Memory stays under about twice the distinct
/// values, and under twice the limit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Distinct {
    values: Vec<u64>,
    compacted: usize,
    capped: bool,
    limit: usize,
}

impl Default for Distinct {
    fn default() -> Distinct {
        Distinct {
            values: Vec::new(),
            compacted: 0,
            capped: false,
            limit: DISTINCT_LIMIT,
        }
    }
}

impl Distinct {
    /// A set that counts exactly however many values it gets (for individuals, which must never be
    /// undercounted; a column's distinct values are only a description and keep the limit).
    pub fn unbounded() -> Distinct {
        Distinct {
            limit: usize::MAX,
            ..Distinct::default()
        }
    }

    /// Adds a fingerprint.
    pub fn insert(&mut self, value: u64) {
        self.values.push(value);
        if self.values.len() >= (2 * self.compacted).max(1 << 16) {
            self.compact();
        }
    }

    /// Adds every fingerprint of `other`.
    pub fn extend(&mut self, other: Distinct) {
        self.capped |= other.capped;
        self.values.extend(other.values);
        self.compact();
    }

    fn compact(&mut self) {
        self.values.sort_unstable();
        self.values.dedup();
        if self.values.len() > self.limit {
            self.values.truncate(self.limit);
            self.capped = true;
        }
        self.compacted = self.values.len();
    }

    /// The sorted distinct fingerprints.
    pub fn finish(mut self) -> (Vec<u64>, bool) {
        self.compact();
        (self.values, self.capped)
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Values of one category that passed their check, of one kind of evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Passes {
    count: u64,
    distinct: Distinct,
    samples: Vec<String>,
}

impl Passes {
    fn add(&mut self, text: &str) {
        self.count += 1;
        self.distinct.insert(fingerprint(text));
        let masked = mask(text);
        if self.samples.len() < SAMPLES && !self.samples.contains(&masked) {
            self.samples.push(masked);
        }
    }

    fn merge(&mut self, other: Passes) {
        self.count += other.count;
        self.distinct.extend(other.distinct);
        for s in other.samples {
            if self.samples.len() < SAMPLES && !self.samples.contains(&s) {
                self.samples.push(s);
            }
        }
    }
}

/// What one column holds of one category so far. Values named by the words before them
/// ([`Evidence::Named`]) are kept apart from the rest: beside named cards, a column of notes may hold order
/// numbers that pass a Luhn check by chance, and those are weighed on their own.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Tally {
    named: Passes,
    unnamed: Passes,
    shape_only: u64,
}

impl Tally {
    fn add(&mut self, found: &Found<'_>) {
        match found.evidence {
            Evidence::ShapeOnly => self.shape_only += 1,
            Evidence::Named => self.named.add(found.text),
            Evidence::Valid => self.unnamed.add(found.text),
        }
    }

    fn merge(&mut self, other: Tally) {
        self.named.merge(other.named);
        self.unnamed.merge(other.unnamed);
        self.shape_only += other.shape_only;
    }
}

/// What one column holds so far. It serializes without its hint, which is its header's and is read again
/// from the name when the scanner is rebuilt ([`crate::TableScanner::from_state`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnStats {
    name: String,
    #[serde(skip)]
    hint: Option<Hint>,
    non_empty: u64,
    tallies: Vec<Option<Tally>>,
}

impl ColumnStats {
    /// An empty tally for a column named `name`.
    pub fn new(name: &str) -> ColumnStats {
        ColumnStats {
            name: name.to_string(),
            hint: crate::header::hint(name),
            non_empty: 0,
            tallies: vec![None; Category::ALL.len()],
        }
    }

    /// Reads the hint from the name again (after deserializing, which leaves it out).
    pub(crate) fn rehint(&mut self) {
        self.hint = crate::header::hint(&self.name);
    }

    /// The column's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the column's header suggests.
    pub fn hint(&self) -> Option<Hint> {
        self.hint
    }

    /// Counts a non-empty cell.
    pub fn cell(&mut self) {
        self.non_empty += 1;
    }

    /// Adds a finding.
    pub fn add(&mut self, found: &Found<'_>) {
        if let Some(slot) = self.tallies.get_mut(found.category as usize) {
            slot.get_or_insert_with(Tally::default).add(found);
        }
    }

    /// Adds another thread's tally of the same column.
    pub fn merge(&mut self, other: ColumnStats) {
        self.non_empty += other.non_empty;
        for (mine, theirs) in self.tallies.iter_mut().zip(other.tallies) {
            match (mine.as_mut(), theirs) {
                (Some(m), Some(t)) => m.merge(t),
                (None, Some(t)) => *mine = Some(t),
                _ => {}
            }
        }
    }

    /// The column's report. A category with a check digit is reported only when at least half of the cells
    /// shaped like it pass the check: in a column of random 18-digit order numbers, one in ten passes a Luhn
    /// check by chance, and those passes are dismissed (and listed as such) rather than reported. Values named
    /// by the words before them in free text are evidence of their own and are always reported; the passes
    /// beside them that no word names are weighed against the failures as a column's are, so that chance
    /// passes among named cards are dismissed and listed, not reported as cards.
    pub fn report(self) -> ColumnReport {
        let mut findings = Vec::new();
        let mut dismissed: Vec<Dismissed> = Vec::new();
        for (category, tally) in Category::ALL.into_iter().zip(self.tallies) {
            let Some(t) = tally else { continue };
            if t.named.count + t.unnamed.count == 0 {
                continue;
            }
            // Minors read from resident IDs go with them; a birth-date or age column keeps its own.
            let from_dismissed_ids = category == Category::MinorUnder14
                && !matches!(
                    self.hint,
                    Some(Hint::Age | Hint::Category(Category::BirthDate))
                )
                && dismissed
                    .iter()
                    .any(|d| d.category == Category::CnResidentId);
            if from_dismissed_ids {
                continue;
            }
            let mut kept = t.named;
            let chance = if kept.count == 0 {
                // A column with nothing named: its passes must be at least half of its shape.
                t.unnamed.count < t.shape_only
            } else {
                chance_beside_named(t.unnamed.count, t.shape_only)
            };
            if category.has_check_digit() && chance {
                dismissed.push(Dismissed {
                    category,
                    passed: t.unnamed.count,
                    failed: t.shape_only,
                });
                if kept.count == 0 {
                    continue;
                }
            } else {
                kept.merge(t.unnamed);
            }
            let (distinct, capped) = kept.distinct.finish();
            let (sensitive, class) = match category.sensitivity() {
                Sensitivity::Sensitive(c) => (true, Some(c)),
                _ => (false, None),
            };
            findings.push(Finding {
                category,
                personal: category.is_personal(),
                sensitive,
                class,
                count: kept.count,
                distinct: distinct.len() as u64,
                distinct_exact: !capped,
                failed_check: t.shape_only,
                samples: kept.samples,
            });
        }
        ColumnReport {
            name: self.name,
            non_empty: self.non_empty,
            findings,
            dismissed,
        }
    }
}

/// Whether the unnamed passes beside named values are what chance lets through. A check digit passes about
/// one random value in ten (Luhn: 1 in 10; GB 11643: 1 in 11, fewer with its date), so chance leaves about nine
/// failures per pass: the passes are taken as chance while the failures are at least half that (4.5 per pass,
/// a pass share under 18 %, twice the chance rate). Order numbers beside named cards are (about 10 %); resident
/// IDs written without a word beside order numbers that fail as IDs are not (a third).
fn chance_beside_named(passed: u64, failed: u64) -> bool {
    passed > 0 && failed.saturating_mul(2) >= passed.saturating_mul(9)
}

/// What was found in one column (or JSON path).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnReport {
    /// The column's header, or the JSON path, or `text` for plain text.
    pub name: String,
    /// Cells that were not empty.
    pub non_empty: u64,
    /// What the column holds.
    pub findings: Vec<Finding>,
    /// Categories whose check-digit passes were too few to be more than chance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed: Vec<Dismissed>,
}

/// One category found in a column.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// What was found.
    pub category: Category,
    /// Whether it is personal information (the Unified Social Credit Code is not).
    pub personal: bool,
    /// Whether it is sensitive personal information (PIPL Art. 28).
    pub sensitive: bool,
    /// The class of sensitive personal information, if sensitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<SensitiveClass>,
    /// Matching cells (or tokens, in free text).
    pub count: u64,
    /// Distinct matching values.
    pub distinct: u64,
    /// Whether `distinct` is exact (it is a lower bound past [`DISTINCT_LIMIT`]).
    pub distinct_exact: bool,
    /// Values of this shape that failed the check digit.
    pub failed_check: u64,
    /// A few masked examples.
    pub samples: Vec<String>,
}

/// A check-digit category seen in a column but dismissed as chance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dismissed {
    /// The category.
    pub category: Category,
    /// Values that passed the check.
    pub passed: u64,
    /// Values of the same shape that failed it.
    pub failed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unbounded_set_counts_past_the_column_limit() {
        // Individuals are counted in unbounded sets: a set capped at the column limit would undercount a
        // table of more people than that.
        let mut capped = Distinct::default();
        let mut exact = Distinct::unbounded();
        for v in 0..(DISTINCT_LIMIT as u64 + 10) {
            capped.insert(v);
            exact.insert(v);
        }
        assert_eq!(
            capped.finish(),
            ((0..DISTINCT_LIMIT as u64).collect(), true)
        );
        let (values, capped) = exact.finish();
        assert_eq!((values.len(), capped), (DISTINCT_LIMIT + 10, false));
    }

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask("110105194912310021"), "1101**********0021");
        assert_eq!(mask("13800138000"), "138****8000");
        assert_eq!(mask("张三"), "张*");
        assert_eq!(mask("zhang@example.com"), "z***@example.com");
    }

    #[test]
    fn chance_passes_are_dismissed() {
        let mut c = ColumnStats::new("order_no");
        let pass = Found {
            category: Category::BankCard,
            text: "4111111111111111",
            evidence: Evidence::Valid,
        };
        let fail = Found {
            evidence: Evidence::ShapeOnly,
            ..pass
        };
        c.add(&pass);
        for _ in 0..9 {
            c.add(&fail);
        }
        let r = c.report();
        assert!(r.findings.is_empty());
        assert_eq!(r.dismissed.len(), 1);
    }

    #[test]
    fn chance_passes_beside_named_cards_are_dismissed_and_the_named_kept() {
        let mut c = ColumnStats::new("note");
        let named = |text| Found {
            category: Category::BankCard,
            text,
            evidence: Evidence::Named,
        };
        c.add(&named("6222020200112233445"));
        c.add(&named("4111111111111111"));
        // An order number passing Luhn by chance, among nine that fail.
        c.add(&Found {
            evidence: Evidence::Valid,
            ..named("5500000000000004")
        });
        for _ in 0..9 {
            c.add(&Found {
                evidence: Evidence::ShapeOnly,
                ..named("5500000000000005")
            });
        }
        let r = c.report();
        let f = r.findings.first().expect("the named cards are reported");
        assert_eq!((f.count, f.distinct), (2, 2));
        assert_eq!(
            r.dismissed
                .iter()
                .map(|d| (d.passed, d.failed))
                .collect::<Vec<_>>(),
            vec![(1, 9)]
        );
        // Unnamed cards that mostly pass are not chance: they are reported with the named.
        let mut c = ColumnStats::new("note");
        c.add(&named("6222020200112233445"));
        c.add(&Found {
            evidence: Evidence::Valid,
            ..named("5500000000000004")
        });
        let f = c.report().findings;
        assert_eq!(f.first().map(|f| f.count), Some(2));
        // Unnamed IDs beside order numbers that fail as IDs, a third of the shape: not chance.
        assert!(!chance_beside_named(5_000, 10_000));
        assert!(chance_beside_named(400, 3_600));
        assert!(!chance_beside_named(0, 10));
    }
}
