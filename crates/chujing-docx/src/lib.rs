//! DOCX rendering of chujing's documents, because filings are edited, stamped and uploaded. Real Word heading
//! styles (`Heading1`–`Heading3`, in the navigation pane and the outline), real tables, and the page and type
//! that the CAC's filing templates prescribe: A4 with 2.54 cm top and bottom and 3.18 cm left and right
//! margins; body 四号 (14 pt) 仿宋 with digits and Latin letters in Times New Roman; level-1 headings 黑体,
//! level-2 楷体 bold, level-3 仿宋 bold; an exact line spacing of 26 pt; first lines indented by two characters;
//! a cover with the organisation, "（盖章）" and the date. The faces are named as the template names them; Word
//! substitutes where a machine lacks one. English documents use the same layout with Times New Roman.

use chujing_docs::model::{Block, Document};
use chujing_docs::render::{chart_table, facts_table, open_mark, source_line};
use chujing_law::Lang;
use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run,
    RunFonts, SpecialIndentType, Style, StyleType, Table, TableCell, TableRow, WidthType,
};

/// What can go wrong writing a DOCX.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The package could not be written.
    #[error("writing the DOCX failed: {0}")]
    Write(String),
}

/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// 2.54 cm and 3.18 cm in twentieths of a point.
const MARGIN_TOP_BOTTOM: i32 = 1440;
const MARGIN_LEFT_RIGHT: i32 = 1803;
/// 四号: 14 pt, in half-points.
const BODY_SIZE: usize = 28;
/// 26 pt, exact, in twentieths of a point.
const LINE: i32 = 520;
/// The first-line indent: two characters of 14 pt (docx-rs does not write Word's `firstLineChars`).
const FIRST_LINE: i32 = 560;
/// The faces the template names.
const LATIN: &str = "Times New Roman";
const FANGSONG: &str = "仿宋";
const KAI: &str = "楷体";
const HEI: &str = "黑体";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .ascii(LATIN)
        .hi_ansi(LATIN)
        .cs(LATIN)
        .east_asia(east_asia)
}

fn exact() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE)
        .before(0)
        .after(0)
}

/// The styles: the document defaults (the body's face, size and line spacing: every paragraph inherits them),
/// the body text (first lines indented) and the three heading levels. (docx-rs writes an empty `Normal` of its
/// own, so the body's formatting lives in the defaults and `BodyText`.)
fn styles(docx: Docx) -> Docx {
    let body = Style::new("BodyText", StyleType::Paragraph)
        .name("Body Text")
        .based_on("Normal")
        .fonts(fonts(FANGSONG))
        .size(BODY_SIZE)
        .line_spacing(exact())
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE)),
            None,
            None,
        );
    let heading = |id: &str, name: &str, face: &str, bold: bool, level: usize| {
        let s = Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .fonts(fonts(face))
            .size(BODY_SIZE)
            .line_spacing(exact())
            .outline_lvl(level);
        if bold { s.bold() } else { s }
    };
    docx.default_fonts(fonts(FANGSONG))
        .default_size(BODY_SIZE)
        .default_line_spacing(exact())
        .add_style(body)
        .add_style(heading("Heading1", "heading 1", HEI, false, 0))
        .add_style(heading("Heading2", "heading 2", KAI, true, 1))
        .add_style(heading("Heading3", "heading 3", FANGSONG, true, 2))
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .fonts(fonts(HEI))
                .size(44)
                .align(AlignmentType::Center),
        )
}

fn para(text: &str) -> Paragraph {
    Paragraph::new()
        .style("BodyText")
        .add_run(Run::new().add_text(text))
}

/// A paragraph without the first-line indent (cover lines, table cells).
fn flush(text: &str) -> Paragraph {
    Paragraph::new()
        .style("BodyText")
        .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
        .add_run(Run::new().add_text(text))
}

fn table(headers: &[String], rows: &[Vec<String>]) -> Table {
    let cell = |text: &str, bold: bool| {
        let run = Run::new().add_text(text).size(21);
        let run = if bold { run.bold() } else { run };
        TableCell::new().add_paragraph(
            Paragraph::new()
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240),
                )
                .add_run(run),
        )
    };
    let mut all = vec![TableRow::new(
        headers.iter().map(|h| cell(h, true)).collect(),
    )];
    all.extend(
        rows.iter()
            .map(|r| TableRow::new(r.iter().map(|c| cell(c, false)).collect())),
    );
    // The full text width, shared equally: long values wrap within their cell.
    Table::new(all).width(5000, WidthType::Pct)
}

/// The document as a DOCX package.
pub fn render(doc: &Document) -> Result<Vec<u8>, DocxError> {
    let lang = doc.lang;
    let mut docx = styles(
        Docx::new().page_size(A4.0, A4.1).page_margin(
            PageMargin::new()
                .top(MARGIN_TOP_BOTTOM)
                .bottom(MARGIN_TOP_BOTTOM)
                .left(MARGIN_LEFT_RIGHT)
                .right(MARGIN_LEFT_RIGHT),
        ),
    );
    // The cover: the title, the organisation with its seal, the date; then a new page.
    let seal = lang.pick(" (seal)", "（盖章）");
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(&doc.title)),
        )
        .add_paragraph(flush(&format!("{}{seal}", doc.organisation)).align(AlignmentType::Center))
        .add_paragraph(flush(&doc.date).align(AlignmentType::Center))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    if !doc.open_items.is_empty() {
        docx = docx.add_paragraph(heading(1, &doc.open_heading));
        for item in &doc.open_items {
            docx = docx.add_paragraph(para(&format!(
                "{} {}：{}",
                open_mark(lang),
                item.id,
                item.text
            )));
        }
    }
    for s in &doc.sections {
        docx = docx.add_paragraph(heading(s.level, &s.heading));
        for b in &s.blocks {
            docx = block(docx, lang, &s.heading, b);
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| DocxError::Write(e.to_string()))?;
    Ok(out.into_inner())
}

fn heading(level: u8, text: &str) -> Paragraph {
    let level = level.clamp(1, 3);
    Paragraph::new()
        .style(&format!("Heading{level}"))
        .add_run(Run::new().add_text(text))
}

fn block(docx: Docx, lang: Lang, heading: &str, b: &Block) -> Docx {
    match b {
        Block::Paragraph { text, citation } => {
            let text = match citation {
                Some(c) if text != heading => format!("{text}（{c}）"),
                Some(c) => format!("（{c}）"),
                None => text.clone(),
            };
            docx.add_paragraph(para(&text))
        }
        Block::Facts { facts } => {
            let (headers, rows) = facts_table(facts, lang);
            docx.add_table(table(&headers, &rows))
        }
        Block::Table {
            headers,
            rows,
            source,
        } => docx
            .add_table(table(headers, rows))
            .add_paragraph(flush(&source_line(source, lang))),
        Block::Chart {
            caption,
            bars,
            source,
        } => {
            let (headers, rows) = chart_table(bars, lang);
            docx.add_paragraph(flush(caption))
                .add_table(table(&headers, &rows))
                .add_paragraph(flush(&source_line(source, lang)))
        }
        Block::Open { item } => docx.add_paragraph(para(&format!(
            "{} {}：{}",
            open_mark(lang),
            item.id,
            item.text
        ))),
        Block::Checklist { entries } => entries.iter().fold(docx, |d, e| {
            d.add_paragraph(para(&format!(
                "{} {} —— {}",
                if e.done { "☑" } else { "☐" },
                e.text,
                e.note
            )))
        }),
    }
}
