//! What the CAC's application guides require of the documents beyond the measures themselves: each edition's
//! date, the outline of its reports and the articles their statements cite, one file per edition in
//! `guides/` (first editions of 2022 and 2023, whose templates chujing does not hold; second editions of
//! 2024-03-22).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::Date;
use crate::text::{Lang, Text};

/// An edition of the CAC's guides to applying for the security assessment and to filing the standard contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuideEdition {
    /// The first editions (security assessment guide of 2022-08-31; standard contract filing guide of
    /// 2023-05-30). chujing does not encode their templates.
    First,
    /// The second editions, published by the CAC with the 2024 Provisions and used since 2024-03-22.
    Second,
}

/// The editions' files, oldest first: each holds the edition's date, its outlines and the articles its documents
/// cite.
const FILES: [(&str, &str); 2] = [
    (
        "first-edition.toml",
        include_str!("../guides/first-edition.toml"),
    ),
    (
        "second-edition.toml",
        include_str!("../guides/second-edition.toml"),
    ),
];

/// What an edition of the guides asks of the documents: the outline of each report and the articles each
/// statement rests on, read from `guides/*.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// Which edition.
    pub edition: GuideEdition,
    /// The day it took over.
    pub since: Date,
    /// Its name.
    pub label: Text,
    /// Whether the outlines below are the guides' own templates (the Chinese documents then follow their
    /// layout), not chujing's arrangement of the measures.
    pub template: bool,
    /// Months within which the risk self-assessment is completed before the application, where the edition
    /// sets a limit chujing has checked.
    #[serde(default)]
    pub self_assessment_months: Option<i8>,
    /// What a document of this edition says first about how it is arranged; `{since}` is the day the next
    /// edition took over.
    #[serde(default)]
    pub note: Option<Text>,
    /// The articles the documents' statements cite.
    pub citations: Citations,
    /// The outline of the PI protection impact assessment report.
    pub pipia: Vec<OutlineSection>,
    /// The outline of the data export risk self-assessment report.
    pub self_assessment: Vec<OutlineSection>,
}

/// The articles the documents of an edition cite for what they state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citations {
    /// Why a PIPIA is not needed for export when no PI leaves China.
    pub pipia_not_required: Text,
    /// Why every provision of PI abroad needs a PIPIA.
    pub pipia_required: Text,
    /// What the security assessment's self-assessment rests on.
    pub self_assessment: Text,
    /// Who may use the standard contract.
    pub standard_contract: Text,
    /// Who may use certification.
    pub certification: Text,
    /// What sensitive personal information is.
    pub sensitive_personal_information: Text,
    /// The filing guide's list of materials.
    pub filing_checklist: Text,
    /// The sentence introducing that list.
    pub filing_checklist_intro: Text,
    /// The certification rules' list of materials.
    pub certification_materials: Text,
}

/// One part of a report's outline.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawSection")]
pub enum OutlineSection {
    /// A section of chujing's own, with its own heading.
    Own(OwnSection),
    /// A section of the template.
    Template {
        /// Its depth, 1 for a part.
        level: u8,
        /// Its number written before the heading (`（一）`), where the heading is also restated.
        number: Option<String>,
        /// Its heading.
        heading: Text,
        /// Where given, the heading is restated as the first paragraph with this article.
        citation: Option<Text>,
        /// What it holds, in order.
        blocks: Vec<OutlineBlock>,
    },
}

/// chujing's own sections, placed in an outline whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnSection {
    /// The processor, the date, the law in force and the pathway.
    Overview,
    /// The table of flows.
    Flows,
    /// The pathway and the duties.
    Conclusion,
}

/// What a template section holds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawBlock")]
pub enum OutlineBlock {
    /// A statement of the template or the law, with its article where it has one.
    Text {
        /// The statement.
        text: Text,
        /// Its article.
        citation: Option<Text>,
    },
    /// Figures chujing knows.
    Figures(Figures),
    /// What the processor must supply.
    Open {
        /// The open item's id, stable across languages.
        id: String,
        /// What to supply.
        text: Text,
    },
}

/// The figures chujing fills into a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Figures {
    /// The facts of the overview.
    Overview,
    /// The table of flows.
    Flows,
    /// The purposes of each flow.
    Purposes,
    /// Scale, categories and sensitivity.
    Scale,
    /// The destinations.
    Destinations,
    /// The data items of each business scenario.
    DataItems,
    /// The pathway and the duties.
    Conclusion,
    /// The edition's note on how the document is arranged.
    EditionNote,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    chujing: Option<OwnSection>,
    level: Option<u8>,
    number: Option<String>,
    heading: Option<Text>,
    citation: Option<Text>,
    #[serde(default)]
    blocks: Vec<OutlineBlock>,
}

impl TryFrom<RawSection> for OutlineSection {
    type Error = String;
    fn try_from(r: RawSection) -> Result<Self, String> {
        match (r.chujing, r.level, r.heading) {
            (Some(own), None, None) if r.blocks.is_empty() && r.citation.is_none() => {
                Ok(OutlineSection::Own(own))
            }
            (None, Some(level), Some(heading)) if (1..=4).contains(&level) => {
                Ok(OutlineSection::Template {
                    level,
                    number: r.number,
                    heading,
                    citation: r.citation,
                    blocks: r.blocks,
                })
            }
            _ => Err("a section is either `chujing = \"overview\"` (or flows, conclusion) alone, or a `level` \
                      from 1 to 4 with a `heading`"
                .into()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    text: Option<Text>,
    citation: Option<Text>,
    figures: Option<Figures>,
    open: Option<String>,
}

impl TryFrom<RawBlock> for OutlineBlock {
    type Error = String;
    fn try_from(r: RawBlock) -> Result<Self, String> {
        match (r.text, r.figures, r.open) {
            (Some(text), None, None) => Ok(OutlineBlock::Text {
                text,
                citation: r.citation,
            }),
            (None, Some(f), None) if r.citation.is_none() => Ok(OutlineBlock::Figures(f)),
            (Some(text), None, Some(id)) if r.citation.is_none() => {
                Ok(OutlineBlock::Open { id, text })
            }
            _ => Err("a block is `text` (with an optional `citation`), `figures`, or `open` with its `text`".into()),
        }
    }
}

/// The editions, oldest first, parsed once.
pub fn editions() -> &'static [Edition; 2] {
    static EDITIONS: OnceLock<[Edition; 2]> = OnceLock::new();
    EDITIONS.get_or_init(|| FILES.map(|(name, text)| parse_embedded(name, text)))
}

/// Parses an edition's file compiled into this crate.
#[expect(
    clippy::panic,
    reason = "the files are compiled in, not input: the crate's tests parse each one, so a mistake in them \
              fails the build's tests with the file and the field, never a user's run"
)]
fn parse_embedded(name: &str, text: &str) -> Edition {
    toml::from_str(text).unwrap_or_else(|e| panic!("guides/{name}: {e}"))
}

impl GuideEdition {
    /// The edition in use on `date` (the first before any was published: nothing newer applied).
    pub fn on(date: Date) -> GuideEdition {
        editions()
            .iter()
            .rev()
            .find(|e| e.since <= date)
            .map_or(GuideEdition::First, |e| e.edition)
    }

    /// What the edition asks of the documents.
    pub fn outline(self) -> &'static Edition {
        let [first, second] = editions();
        match self {
            GuideEdition::First => first,
            GuideEdition::Second => second,
        }
    }

    /// The day the edition took over.
    pub fn since(self) -> Date {
        self.outline().since
    }

    /// The edition that followed, if any.
    pub fn next(self) -> Option<GuideEdition> {
        editions().iter().map(|e| e.edition).find(|e| *e > self)
    }

    /// The edition in words.
    pub fn label(self, lang: Lang) -> &'static str {
        self.outline().label.get(lang)
    }
}

/// Whether a self-assessment dated `assessed` is recent enough for an application made on `filed`, under the
/// edition in use on `filed`: `None` where that edition sets no limit chujing has checked.
pub fn self_assessment_current(assessed: Date, filed: Date) -> Option<bool> {
    let months = GuideEdition::on(filed).outline().self_assessment_months?;
    let earliest = filed
        .to_jiff()
        .checked_sub(jiff::Span::new().months(months))
        .map_or(filed, Date::from);
    Some(assessed >= earliest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edition_is_chosen_by_its_date() {
        assert_eq!(
            GuideEdition::on(Date::new(2024, 3, 21).unwrap()),
            GuideEdition::First
        );
        assert_eq!(
            GuideEdition::on(Date::new(2024, 3, 22).unwrap()),
            GuideEdition::Second
        );
        assert_eq!(Some(GuideEdition::Second.since()), Date::new(2024, 3, 22));
    }

    #[test]
    fn three_months_back_to_the_day() {
        let filed = Date::new(2026, 12, 4).unwrap();
        assert_eq!(
            self_assessment_current(Date::new(2026, 9, 4).unwrap(), filed),
            Some(true)
        );
        assert_eq!(
            self_assessment_current(Date::new(2026, 9, 3).unwrap(), filed),
            Some(false)
        );
        // The first editions' limit is not encoded: chujing says nothing rather than apply the second's.
        assert_eq!(
            self_assessment_current(
                Date::new(2023, 1, 1).unwrap(),
                Date::new(2023, 12, 1).unwrap()
            ),
            None
        );
    }

    #[test]
    fn every_edition_file_reads_and_outlines_both_reports() {
        let editions = editions();
        assert_eq!(editions.len(), FILES.len());
        for pair in editions.windows(2) {
            assert!(pair[0].since < pair[1].since && pair[0].edition < pair[1].edition);
        }
        for (i, e) in editions.iter().enumerate() {
            let slot = [GuideEdition::First, GuideEdition::Second].get(i).copied();
            assert_eq!(
                Some(e.edition),
                slot,
                "{} holds the wrong edition",
                FILES.get(i).map_or("", |f| f.0)
            );
            assert!(
                !e.pipia.is_empty() && !e.self_assessment.is_empty(),
                "{:?}",
                e.edition
            );
            for s in e.pipia.iter().chain(&e.self_assessment) {
                if let OutlineSection::Template { blocks, .. } = s {
                    for b in blocks {
                        if let OutlineBlock::Open { id, .. } = b {
                            assert!(!id.is_empty() && !id.contains(' '), "{id:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_section_is_either_chujings_own_or_the_templates() {
        let bad = "chujing = \"overview\"\nlevel = 1\nheading = { zh = \"a\", en = \"a\" }";
        assert!(toml::from_str::<OutlineSection>(bad).is_err());
        let block = "figures = \"scale\"\ncitation = { zh = \"a\", en = \"a\" }";
        assert!(toml::from_str::<OutlineBlock>(block).is_err());
    }
}
