//! PDF rendering of chujing's documents with typst, in process, with a CJK font. Kept in its own crate, and
//! typst behind the `typeset` feature: it is half of a cold build. Without the feature ([`BUILT`] is false)
//! every PDF is refused with [`PdfError::NotBuilt`], which says how to get a chujing that makes them.
//!
//! Font: typst needs real font files. chujing uses the font named by `CHUJING_PDF_FONT` (a .ttf, .otf or .ttc
//! file), else the first found of WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`) and Noto Sans CJK
//! (`fonts-noto-cjk`), both free licences; the PDF embeds the subset it uses. No font is bundled, to keep the
//! repository and the binary small.

use std::path::{Path, PathBuf};

use chujing_docs::model::{Block, Document};
use chujing_docs::render::{bar_chart_svg, facts_table, open_mark, source_label, source_line};
use serde_json::{Value, json};

const TEMPLATE: &str = include_str!("../templates/document.typ");
/// The typesetting the CAC's guides prescribe for a filing (`Document::template`).
const FILING: &str = include_str!("../templates/filing.typ");

/// A face the filing template names, and where its font is looked for: an environment variable naming a
/// file, the font itself where installed, then free fonts from Debian's packages that stand in for it.
struct Role {
    name: &'static str,
    env: &'static str,
    named: &'static [&'static str],
    substitutes: &'static [&'static str],
}

/// 仿宋 (body and level-3 headings), 楷体 (level-2 headings), Times New Roman (digits and Latin letters). 黑体
/// (level-1 headings and the title) is the CJK font of every document (`find_font`).
const ROLES: [Role; 3] = [
    Role {
        name: "仿宋",
        env: "CHUJING_FONT_FANGSONG",
        named: &[
            "/usr/share/fonts/truetype/windows/simfang.ttf",
            "/usr/share/fonts/truetype/fangsong/simfang.ttf",
        ],
        // No free FangSong for simplified Chinese is packaged by Debian (cwTeX's is traditional): a Song face
        // stands in (fonts-arphic-gbsn00lp).
        substitutes: &["/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"],
    },
    Role {
        name: "楷体",
        env: "CHUJING_FONT_KAI",
        named: &["/usr/share/fonts/truetype/windows/simkai.ttf"],
        substitutes: &["/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"],
    },
    Role {
        name: "Times New Roman",
        env: "CHUJING_FONT_LATIN",
        named: &["/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf"],
        // Metric-compatible with Times New Roman (fonts-liberation).
        substitutes: &["/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"],
    },
];

/// A face found for a role of the filing template.
#[derive(Debug, Clone)]
struct Found {
    family: String,
    bytes: Vec<u8>,
    note: Option<String>,
}

/// The font's family name, as typst knows it.
fn family(bytes: &[u8]) -> Option<String> {
    let face = ttf_parser::Face::parse(bytes, 0).ok()?;
    // The English name first (typst matches families by it), then any.
    let names = || {
        face.names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
    };
    names()
        .filter(|n| n.language_id == 0x0409)
        .find_map(|n| n.to_string())
        .or_else(|| names().find_map(|n| n.to_string()))
}

/// The font for `role`: its environment variable, the named font, a substitute, else the main CJK font (each
/// but the named font said in the note).
fn face_for(role: &Role, main: &Path, main_bytes: &[u8]) -> Found {
    let configured = std::env::var_os(role.env).map(PathBuf::from);
    let tries = configured
        .iter()
        .map(|p| (p.clone(), false))
        .chain(role.named.iter().map(|p| (PathBuf::from(p), false)))
        .chain(role.substitutes.iter().map(|p| (PathBuf::from(p), true)));
    for (path, substitute) in tries {
        if let Some((bytes, fam)) = std::fs::read(&path)
            .ok()
            .and_then(|b| family(&b).map(|f| (b, f)))
        {
            let note = substitute.then(|| {
                format!(
                    "{} is not installed: {fam} ({}) stands in",
                    role.name,
                    path.display()
                )
            });
            return Found {
                family: fam,
                bytes,
                note,
            };
        }
    }
    let fam = family(main_bytes).unwrap_or_default();
    Found {
        note: Some(format!(
            "{} is not installed, nor a stand-in: {fam} ({}) is used",
            role.name,
            main.display()
        )),
        family: fam,
        bytes: main_bytes.to_vec(),
    }
}

/// Where CJK fonts are looked for when `CHUJING_PDF_FONT` is not set.
pub const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
];

/// Whether this build typesets PDFs (the `typeset` feature).
pub const BUILT: bool = cfg!(feature = "typeset");

/// What can go wrong making a PDF.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// This chujing was built without typst.
    #[error(
        "this chujing was built without PDF output; build it with `--features pdf` (`cargo install --path \
         crates/chujing --features pdf`), or write the document as .docx, .html or .md"
    )]
    NotBuilt,
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
    if !BUILT {
        return Err(PdfError::NotBuilt);
    }
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
                    Block::Facts { facts } => {
                        let (headers, rows) = facts_table(facts, lang);
                        json!({"kind": "table", "headers": headers, "rows": rows, "source": ""})
                    }
                    Block::Table { headers, rows, source } => json!({
                        "kind": "table",
                        "headers": headers,
                        "rows": rows,
                        "source": source_line(source, lang),
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
        "organisation": doc.organisation,
        "date": doc.date,
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
    render_with_notes(doc, font).map(|(pdf, _)| pdf)
}

/// As [`render`], and for a document in a regulator's template, which faces stood in for the ones the
/// template names (仿宋, 楷体, 黑体, Times New Roman), to be said to the user.
pub fn render_with_notes(doc: &Document, font: &Path) -> Result<(Vec<u8>, Vec<String>), PdfError> {
    if !BUILT {
        return Err(PdfError::NotBuilt);
    }
    let bytes = std::fs::read(font).map_err(|e| PdfError::Font(font.to_path_buf(), e))?;
    let mut view = view(doc);
    let text = view.to_string();
    check_font(font, &bytes, &text)?;
    let mut notes = Vec::new();
    let mut fonts: Vec<Vec<u8>> = vec![bytes.clone()];
    let template = if doc.template {
        let [fangsong, kai, latin] = ROLES.each_ref().map(|r| face_for(r, font, &bytes));
        // The body's face and the headings' must have every character too.
        for (found, name) in [(&fangsong, "仿宋"), (&kai, "楷体")] {
            check_font(&PathBuf::from(name), &found.bytes, &text)?;
        }
        let hei = family(&bytes).unwrap_or_default();
        notes.push(format!("黑体 is set in {hei} ({})", font.display()));
        notes.extend(
            [&fangsong, &kai, &latin]
                .iter()
                .filter_map(|f| f.note.clone()),
        );
        if let Some(v) = view.as_object_mut() {
            v.insert(
                "fonts".into(),
                json!({ "fangsong": fangsong.family, "kai": kai.family, "latin": latin.family, "hei": hei }),
            );
        }
        fonts.extend([fangsong.bytes, kai.bytes, latin.bytes]);
        FILING
    } else {
        TEMPLATE
    };
    Ok((typeset(template, &fonts, &view.to_string())?, notes))
}

/// Compiles `template` with the document's view as its input `doc`, and writes the PDF.
#[cfg(feature = "typeset")]
fn typeset(template: &'static str, fonts: &[Vec<u8>], view: &str) -> Result<Vec<u8>, PdfError> {
    let engine = typst_as_lib::TypstEngine::builder()
        .main_file(template)
        .fonts(fonts.iter().map(Vec::as_slice))
        .build();
    let mut inputs = typst::foundations::Dict::new();
    inputs.insert("doc".into(), typst::foundations::Value::Str(view.into()));
    let compiled: typst_layout::PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| PdfError::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default())
        .map_err(|e| PdfError::Pdf(format!("{e:?}")))
}

/// Without typst there is no PDF ([`render_with_notes`] has refused before this).
#[cfg(not(feature = "typeset"))]
fn typeset(_template: &'static str, _fonts: &[Vec<u8>], _view: &str) -> Result<Vec<u8>, PdfError> {
    Err(PdfError::NotBuilt)
}
