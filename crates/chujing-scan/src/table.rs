//! Scanning rows of a table: each cell classified with its column's header, tallied per column, and with a
//! subject column, distinct individuals per category.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::classify::Classifier;
use crate::column::{ColumnReport, ColumnStats, Distinct, fingerprint};

/// Scans rows; one per thread, merged at the end.
#[derive(Debug, Clone)]
pub struct TableScanner {
    classifier: Classifier,
    columns: Vec<ColumnStats>,
    by_name: HashMap<String, usize>,
    subject_column: Option<String>,
    subjects: Option<Subjects>,
    rows: u64,
    row: RowState,
    buf: Vec<u8>,
}

/// What the current row has shown so far.
#[derive(Debug, Clone, Default)]
struct RowState {
    subject: Option<u64>,
    categories: u32,
}

/// Distinct individuals (fingerprints of the subject column) per category.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Subjects {
    per_category: Vec<Distinct>,
    /// Rows holding PI but no subject value, by the set of categories they held: each is counted as one
    /// more individual (it may be anyone, so counting it as someone new is the count that never falls short).
    unidentified: HashMap<u32, u64>,
}

impl TableScanner {
    /// A scanner for a table with `headers` (more columns may be added by name, as in JSON Lines). With
    /// `subject_column`, it counts distinct individuals per category by that column's values. A header that
    /// repeats an earlier one is kept apart under [`unique_headers`]' name for it, so that no column's cells
    /// land under another's.
    pub fn new(
        classifier: Classifier,
        headers: &[&str],
        subject_column: Option<&str>,
    ) -> TableScanner {
        let mut s = TableScanner {
            classifier,
            columns: Vec::new(),
            by_name: HashMap::new(),
            subject_column: subject_column.map(str::to_string),
            subjects: subject_column.map(|_| Subjects {
                per_category: vec![Distinct::unbounded(); Category::ALL.len()],
                unidentified: HashMap::new(),
            }),
            rows: 0,
            row: RowState::default(),
            buf: Vec::new(),
        };
        for h in unique_headers(headers) {
            s.column(&h);
        }
        s
    }

    /// The index of the column named `name`, added if new.
    pub fn column(&mut self, name: &str) -> usize {
        if let Some(i) = self.by_name.get(name) {
            return *i;
        }
        self.columns.push(ColumnStats::new(name));
        let i = self.columns.len() - 1;
        self.by_name.insert(name.to_string(), i);
        i
    }

    /// Whether a column of that name was seen.
    pub fn has_column(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Classifies one cell of the current row in column `index`.
    pub fn cell(&mut self, index: usize, value: &str) {
        let Some(column) = self.columns.get_mut(index) else {
            return;
        };
        if value.trim().is_empty() {
            return;
        }
        column.cell();
        if self.subject_column.as_deref() == Some(column.name()) {
            self.row.subject = Some(fingerprint(value.trim()));
        }
        let hint = column.hint();
        let row = &mut self.row;
        self.classifier
            .cell(value, hint, &mut self.buf, &mut |found| {
                if found.evidence.is_valid() {
                    row.categories |= 1 << (found.category as u32);
                }
                column.add(&found);
            });
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        self.rows += 1;
        let row = std::mem::take(&mut self.row);
        let Some(subjects) = self.subjects.as_mut() else {
            return;
        };
        let Some(subject) = row.subject else {
            if row.categories != 0 {
                *subjects.unidentified.entry(row.categories).or_default() += 1;
            }
            return;
        };
        for (i, set) in subjects.per_category.iter_mut().enumerate() {
            if row.categories & (1 << i) != 0 {
                set.insert(subject);
            }
        }
    }

    /// Adds another thread's scan of other rows of the same table.
    pub fn merge(&mut self, other: TableScanner) {
        self.rows += other.rows;
        for column in other.columns {
            let i = self.column(column.name());
            if let Some(mine) = self.columns.get_mut(i) {
                mine.merge(column);
            }
        }
        if let (Some(mine), Some(theirs)) = (self.subjects.as_mut(), other.subjects) {
            for (m, t) in mine.per_category.iter_mut().zip(theirs.per_category) {
                m.extend(t);
            }
            for (mask, rows) in theirs.unidentified {
                *mine.unidentified.entry(mask).or_default() += rows;
            }
        }
    }

    /// Rows scanned so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// What the scanner has tallied, to be carried to another process and merged there (a distributed
    /// engine's partial aggregate). Taken between rows: a row not ended is not in it.
    pub fn into_state(self) -> ScannerState {
        ScannerState {
            columns: self.columns,
            subject_column: self.subject_column,
            subjects: self.subjects,
            rows: self.rows,
        }
    }

    /// A scanner holding `state`'s tallies, classifying further cells with `classifier`; merged into
    /// another with [`TableScanner::merge`], it counts as the scanner that tallied them would.
    pub fn from_state(classifier: Classifier, state: ScannerState) -> TableScanner {
        let mut columns = state.columns;
        columns.iter_mut().for_each(ColumnStats::rehint);
        let by_name = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name().to_string(), i))
            .collect();
        TableScanner {
            classifier,
            columns,
            by_name,
            subject_column: state.subject_column,
            subjects: state.subjects,
            rows: state.rows,
            row: RowState::default(),
            buf: Vec::new(),
        }
    }

    /// The columns' reports and, with a subject column, the distinct individuals. Categories dismissed as
    /// chance in every column do not count towards individuals.
    pub fn finish(self) -> (Vec<ColumnReport>, Option<Individuals>) {
        let columns: Vec<ColumnReport> =
            self.columns.into_iter().map(ColumnStats::report).collect();
        let reported: HashSet<Category> = columns
            .iter()
            .flat_map(|c| c.findings.iter().map(|f| f.category))
            .collect();
        let subject_column = self.subject_column.unwrap_or_default();
        let individuals = self
            .subjects
            .map(|s| s.count(subject_column, |c| reported.contains(&c)));
        (columns, individuals)
    }
}

/// A scanner's tallies without its classifier: see [`TableScanner::into_state`]. Serializable; its layout is
/// this version's (a state is read by the same build that wrote it, as a cluster's processes are).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScannerState {
    columns: Vec<ColumnStats>,
    subject_column: Option<String>,
    subjects: Option<Subjects>,
    rows: u64,
}

impl Subjects {
    /// The individuals of the categories `kept` (those reported in some column): distinct subject values,
    /// plus one per row with PI and no subject value.
    fn count(self, column: String, kept: impl Fn(Category) -> bool) -> Individuals {
        let mask_of = |keep: &dyn Fn(Category) -> bool| {
            Category::ALL
                .into_iter()
                .enumerate()
                .filter(|(_, c)| kept(*c) && keep(*c))
                .fold(0u32, |m, (i, _)| m | 1 << i)
        };
        let unidentified = |mask: u32| {
            self.unidentified
                .iter()
                .filter(|(m, _)| *m & mask != 0)
                .map(|(_, rows)| rows)
                .sum::<u64>()
        };
        let sets: Vec<(usize, Category, Vec<u64>)> = Category::ALL
            .into_iter()
            .enumerate()
            .zip(self.per_category)
            .map(|((i, c), set)| (i, c, set.finish().0))
            .filter(|(i, c, set)| kept(*c) && (!set.is_empty() || unidentified(1 << i) > 0))
            .collect();
        let union = |keep: fn(Category) -> bool| {
            let mut all: Vec<u64> = sets
                .iter()
                .filter(|(_, c, _)| keep(*c))
                .flat_map(|(_, _, set)| set.iter().copied())
                .collect();
            all.sort_unstable();
            all.dedup();
            all.len() as u64 + unidentified(mask_of(&keep))
        };
        Individuals {
            with_personal_information: union(Category::is_personal),
            with_sensitive_information: union(Category::is_sensitive),
            unidentified_rows: unidentified(mask_of(&Category::is_personal)),
            per_category: sets
                .iter()
                .map(|(i, category, set)| CategoryIndividuals {
                    category: *category,
                    individuals: set.len() as u64 + unidentified(1 << i),
                })
                .collect(),
            column,
        }
    }
}

/// The headers with each repeat of an earlier name renamed `name (2)`, `name (3)`, … (skipping names the
/// header already has), so that every column has its own name.
pub fn unique_headers<S: AsRef<str>>(headers: &[S]) -> Vec<String> {
    let all: HashSet<&str> = headers.iter().map(AsRef::as_ref).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(headers.len());
    for h in headers {
        let h = h.as_ref();
        let mut name = h.to_string();
        let mut n = 1;
        while seen.contains(&name) || (n > 1 && all.contains(name.as_str())) {
            n += 1;
            name = format!("{h} ({n})");
        }
        seen.insert(name.clone());
        out.push(name);
    }
    out
}

/// Distinct individuals, by the subject column.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Individuals {
    /// The subject column.
    pub column: String,
    /// Individuals with a row holding any personal information.
    pub with_personal_information: u64,
    /// Individuals with a row holding sensitive personal information.
    pub with_sensitive_information: u64,
    /// Rows holding PI with no value in the subject column: each is counted above as one more individual.
    #[serde(default)]
    pub unidentified_rows: u64,
    /// Individuals per category.
    pub per_category: Vec<CategoryIndividuals>,
}

/// Distinct individuals of one category.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryIndividuals {
    /// The category.
    pub category: Category,
    /// Distinct individuals with it.
    pub individuals: u64,
}
