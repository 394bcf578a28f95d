//! A document as data: sections of paragraphs, facts with their sources, tables and open items. Renderers
//! (Markdown, HTML, PDF) only lay it out.

use serde::Serialize;

/// Where a figure or statement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Source {
    /// The processor's profile (the file named).
    Profile(String),
    /// The exact ledger of exported individuals.
    Ledger,
    /// A `chujing scan` report (the file named).
    Scan(String),
    /// The law: the citation.
    Law(String),
    /// Decided by chujing from the above.
    Decision,
}

/// A labelled figure or statement with its source.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// What it is.
    pub label: String,
    /// Its value.
    pub value: String,
    /// Where it comes from.
    pub source: Source,
}

/// Something only a person can supply; listed at the top and shown where it belongs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenItem {
    /// Stable identifier (`recipient-security-measures`).
    pub id: String,
    /// What the user must supply.
    pub text: String,
}

/// A block of content.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "block")]
pub enum Block {
    /// A paragraph, with the article it states where it states law.
    Paragraph {
        /// The text.
        text: String,
        /// The article, where the paragraph states law.
        citation: Option<String>,
    },
    /// Facts with their sources.
    Facts {
        /// The facts.
        facts: Vec<Fact>,
    },
    /// A table.
    Table {
        /// Column headers.
        headers: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
        /// Where the table's figures come from.
        source: Source,
    },
    /// An open item, shown where it belongs.
    Open {
        /// The item.
        item: OpenItem,
    },
    /// A checklist with the status of each entry.
    Checklist {
        /// The entries.
        entries: Vec<ChecklistEntry>,
    },
    /// A bar chart (rendered as SVG in HTML and PDF, as a table in Markdown).
    Chart {
        /// What the chart shows.
        caption: String,
        /// (label, value) bars.
        bars: Vec<(String, u64)>,
        /// Where the figures come from.
        source: Source,
    },
}

/// One entry of a checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistEntry {
    /// The material or step.
    pub text: String,
    /// Whether chujing produced it (or the user has it).
    pub done: bool,
    /// Why, or what is missing.
    pub note: String,
}

/// A section with a heading.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// Its level: 1 (一、), 2 (（一）) or 3 (1.), as the filing templates number them.
    pub level: u8,
    /// Its content.
    pub blocks: Vec<Block>,
}

/// A whole document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The kind (`pipia`, …).
    pub kind: String,
    /// The document's language (serialised as `zh` or `en`).
    pub lang: chujing_law::Lang,
    /// The title.
    pub title: String,
    /// One line under the title: processor and date.
    pub subtitle: String,
    /// The organisation the document is for (its cover names it, beside the seal).
    pub organisation: String,
    /// The document's date (the assessment date).
    pub date: String,
    /// Whether the document follows a regulator's template, to be typeset as the template prescribes (a cover
    /// with the organisation, its seal and the date; the prescribed faces, sizes, spacing and margins).
    pub template: bool,
    /// A note that the document is generated and must be reviewed.
    pub notice: String,
    /// Heading of the open items list.
    pub open_heading: String,
    /// Everything the user must still supply, in order of appearance.
    pub open_items: Vec<OpenItem>,
    /// The sections.
    pub sections: Vec<Section>,
}

impl Document {
    /// Every open item that appears in the sections, in order, without repeats: the list at the top.
    pub fn collect_open_items(&mut self) {
        let mut items: Vec<OpenItem> = Vec::new();
        for s in &self.sections {
            for b in &s.blocks {
                if let Block::Open { item } = b
                    && !items.iter().any(|i| i.id == item.id)
                {
                    items.push(item.clone());
                }
            }
        }
        self.open_items = items;
    }
}
