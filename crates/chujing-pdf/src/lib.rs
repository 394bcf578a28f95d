//! PDF rendering of chujing's documents with typst, in process, with a CJK font. Kept in its own crate: typst
//! is a heavy build, and only the command line links it.
//!
//! Font: typst needs real font files. chujing uses the font named by `CHUJING_PDF_FONT` (a .ttf, .otf or .ttc
//! file), else the first found of WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`) and Noto Sans CJK
//! (`fonts-noto-cjk`), both free licences; the PDF embeds the subset it uses. No font is bundled, to keep the
//! repository and the binary small.

use std::path::{Path, PathBuf};

use chujing_docs::model::{Block, Document};
use chujing_docs::render::{bar_chart_svg, open_mark, source_label, source_word};
use serde_json::{Value, json};
use typst_as_lib::TypstEngine;

const TEMPLATE: &str = include_str!("../templates/document.typ");

/// Where CJK fonts are looked for when `CHUJING_PDF_FONT` is not set.
pub const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
];

/// What can go wrong making a PDF.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No CJK font was found.
    #[error(
        "no CJK font found: install Debian's fonts-wqy-microhei (or fonts-noto-cjk), or set CHUJING_PDF_FONT to a .ttf/.otf/.ttc file"
    )]
    NoFont,
    /// The font file could not be read.
    #[error("cannot read the font {0}: {1}")]
    Font(PathBuf, std::io::Error),
    /// The file is not a font typst can use.
    #[error("{0} is not a font file (.ttf, .otf or .ttc): {1}; set CHUJING_PDF_FONT to a CJK font")]
    NotAFont(PathBuf, String),
    /// The font lacks glyphs for characters of the document: they would print as blanks.
    #[error(
        "the font {font} has no glyphs for {missing} Chinese character(s) of the document (such as {sample}); they \
         would print blank. Use a CJK font: install Debian's fonts-wqy-microhei or fonts-noto-cjk, or set \
         CHUJING_PDF_FONT to one"
    )]
    Coverage {
        /// The font file.
        font: PathBuf,
        /// How many distinct characters lack a glyph.
        missing: usize,
        /// A few of them.
        sample: String,
    },
    /// Typst failed to lay the document out.
    #[error("typesetting failed: {0}")]
    Typeset(String),
    /// Typst failed to write the PDF.
    #[error("writing the PDF failed: {0}")]
    Pdf(String),
}

/// The font file to use: `configured` (from `CHUJING_PDF_FONT`) or the first candidate that exists.
pub fn find_font(configured: Option<&Path>) -> Result<PathBuf, PdfError> {
    if let Some(p) = configured {
        return Ok(p.to_path_buf());
    }
    FONT_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .ok_or(PdfError::NoFont)
}

/// The document as the template reads it: text only, sources as words, charts as SVG.
fn view(doc: &Document) -> Value {
    let lang = doc.lang;
    let sections: Vec<Value> = doc
        .sections
        .iter()
        .map(|s| {
            let blocks: Vec<Value> = s
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Paragraph { text, citation } => json!({
                        "kind": "paragraph",
                        "text": if text == &s.heading { "" } else { text.as_str() },
                        "citation": citation,
                    }),
                    Block::Facts { facts } => json!({
                        "kind": "table",
                        "headers": [lang.pick("item", "项目"), lang.pick("value", "内容"), source_word(lang)],
                        "rows": facts.iter().map(|f| vec![f.label.clone(), f.value.clone(), source_label(&f.source, lang)]).collect::<Vec<_>>(),
                        "source": "",
                    }),
                    Block::Table { headers, rows, source } => json!({
                        "kind": "table",
                        "headers": headers,
                        "rows": rows,
                        "source": format!("{}: {}", source_word(lang), source_label(source, lang)),
                    }),
                    Block::Chart { caption, bars, source } => json!({
                        "kind": "chart",
                        "caption": caption,
                        "svg": bar_chart_svg(bars),
                        "source": source_label(source, lang),
                    }),
                    Block::Open { item } => json!({"kind": "open", "id": item.id, "text": item.text}),
                    Block::Checklist { entries } => json!({
                        "kind": "checklist",
                        "entries": entries.iter().map(|e| json!({"done": e.done, "text": e.text, "note": e.note})).collect::<Vec<_>>(),
                    }),
                })
                .collect();
            json!({"heading": s.heading, "level": s.level.clamp(1, 3), "blocks": blocks})
        })
        .collect();
    json!({
        "lang": doc.lang,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "notice": doc.notice,
        "open_heading": doc.open_heading,
        "open_mark": open_mark(lang),
        "open_items": doc.open_items,
        "sections": sections,
    })
}

/// Whether `c` is a Chinese character or CJK punctuation: what a font must have for a Chinese document.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Checks that `bytes` are a font whose first face has a glyph for every Chinese character of `text`.
fn check_font(font: &Path, bytes: &[u8], text: &str) -> Result<(), PdfError> {
    let face = ttf_parser::Face::parse(bytes, 0)
        .map_err(|e| PdfError::NotAFont(font.to_path_buf(), e.to_string()))?;
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| is_cjk(*c) && face.glyph_index(*c).is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        return Ok(());
    }
    Err(PdfError::Coverage {
        font: font.to_path_buf(),
        missing: missing.len(),
        sample: missing.iter().take(8).collect(),
    })
}

/// Typesets `doc` into PDF bytes with the font at `font`, after checking that the font is one and has every
/// Chinese character the document uses (typst would otherwise leave them blank and still write a PDF).
pub fn render(doc: &Document, font: &Path) -> Result<Vec<u8>, PdfError> {
    let bytes = std::fs::read(font).map_err(|e| PdfError::Font(font.to_path_buf(), e))?;
    let view = view(doc).to_string();
    check_font(font, &bytes, &view)?;
    let engine = TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts([bytes.as_slice()])
        .build();
    let mut inputs = typst::foundations::Dict::new();
    inputs.insert(
        "doc".into(),
        typst::foundations::Value::Str(view.as_str().into()),
    );
    let compiled: typst_layout::PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| PdfError::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default())
        .map_err(|e| PdfError::Pdf(format!("{e:?}")))
}
