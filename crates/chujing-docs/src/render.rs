//! Markdown and self-contained HTML renderings of a [`Document`].

use std::fmt::Write;

use chujing_law::Lang;

use crate::model::{Block, Document, Source};

/// How a source reads in `lang`.
pub fn source_label(source: &Source, lang: Lang) -> String {
    let pick = |en: &str, zh: &str| lang.pick(en, zh).to_string();
    match source {
        Source::Profile(file) => format!("{} {file}", pick("profile", "出境情况文件")),
        Source::Ledger => pick("ledger", "出境台账"),
        Source::Scan(file) => format!("{} {file}", pick("scan", "扫描报告")),
        Source::Law(cite) => cite.clone(),
        Source::Decision => pick("chujing decision", "chujing 判定"),
    }
}

/// The mark of an open item in `lang`.
pub fn open_mark(lang: Lang) -> &'static str {
    lang.pick("OPEN", "待补充")
}

/// The word that introduces a source in `lang`.
pub fn source_word(lang: Lang) -> &'static str {
    lang.pick("source", "来源")
}

/// "source: ledger": a source as a line under a table or chart, in `lang`.
pub fn source_line(source: &Source, lang: Lang) -> String {
    format!("{}: {}", source_word(lang), source_label(source, lang))
}

/// Facts as a table (item, value, source), for renderers that lay them out as one.
pub fn facts_table(facts: &[crate::model::Fact], lang: Lang) -> ([String; 3], Vec<Vec<String>>) {
    let headers = [
        lang.pick("item", "项目"),
        lang.pick("value", "内容"),
        source_word(lang),
    ]
    .map(String::from);
    let rows = facts
        .iter()
        .map(|f| {
            vec![
                f.label.clone(),
                f.value.clone(),
                source_label(&f.source, lang),
            ]
        })
        .collect();
    (headers, rows)
}

/// A chart's bars as a table (month, individuals), for renderers without pictures.
pub fn chart_table(bars: &[(String, u64)], lang: Lang) -> ([String; 2], Vec<Vec<String>>) {
    let headers = [lang.pick("month", "月份"), lang.pick("individuals", "人数")].map(String::from);
    let rows = bars
        .iter()
        .map(|(l, v)| vec![l.clone(), v.to_string()])
        .collect();
    (headers, rows)
}

/// Escapes a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The document as Markdown.
pub fn markdown(doc: &Document) -> String {
    let lang = doc.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n\n{}\n\n> {}\n",
        doc.title, doc.subtitle, doc.notice
    );
    if !doc.open_items.is_empty() {
        let _ = writeln!(out, "## {}\n", doc.open_heading);
        for item in &doc.open_items {
            let _ = writeln!(
                out,
                "- [ ] **{}** `{}`: {}",
                open_mark(lang),
                item.id,
                item.text
            );
        }
        out.push('\n');
    }
    for s in &doc.sections {
        // The title is `#`; a section of level 1 is `##`, of level 2 `###`, of level 3 `####`.
        let marks = "#".repeat(usize::from(s.level.clamp(1, 3)) + 1);
        let _ = writeln!(out, "{marks} {}\n", s.heading);
        for b in &s.blocks {
            match b {
                Block::Paragraph { text, citation } => match citation {
                    Some(c) if text != &s.heading => {
                        let _ = writeln!(out, "{text} ({c})\n");
                    }
                    Some(c) => {
                        let _ = writeln!(out, "*{c}*\n");
                    }
                    None => {
                        let _ = writeln!(out, "{text}\n");
                    }
                },
                Block::Facts { facts } => {
                    for f in facts {
                        let _ = writeln!(
                            out,
                            "- {}: **{}** ({}: {})",
                            f.label,
                            f.value,
                            source_word(lang),
                            source_label(&f.source, lang)
                        );
                    }
                    out.push('\n');
                }
                Block::Table {
                    headers,
                    rows,
                    source,
                } => {
                    table(&mut out, headers, rows);
                    let _ = writeln!(out, "\n*{}*\n", source_line(source, lang));
                }
                Block::Chart {
                    caption,
                    bars,
                    source,
                } => {
                    let _ = writeln!(out, "{caption}\n");
                    let (headers, rows) = chart_table(bars, lang);
                    table(&mut out, &headers, &rows);
                    let _ = writeln!(out, "\n*{}*\n", source_line(source, lang));
                }
                Block::Open { item } => {
                    let _ = writeln!(
                        out,
                        "> **{}** `{}`: {}\n",
                        open_mark(lang),
                        item.id,
                        item.text
                    );
                }
                Block::Checklist { entries } => {
                    for e in entries {
                        let _ = writeln!(
                            out,
                            "- [{}] {} — {}",
                            if e.done { "x" } else { " " },
                            e.text,
                            e.note
                        );
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn table(out: &mut String, headers: &[String], rows: &[Vec<String>]) {
    let _ = writeln!(
        out,
        "| {} |",
        headers
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for r in rows {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A bar chart as inline SVG (text kept as text, so it stays searchable and translatable).
pub fn bar_chart_svg(bars: &[(String, u64)]) -> String {
    let width = 640u64;
    let height = 240u64;
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = bars.len().max(1) as u64;
    let slot = (width - 60) / n;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    let _ = write!(
        svg,
        "<line x1=\"50\" y1=\"200\" x2=\"{}\" y2=\"200\" stroke=\"#444\"/>",
        width - 5
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let h = v * 170 / max;
        let x = 55 + i as u64 * slot;
        let w = slot.saturating_sub(8).max(2);
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{h}\" fill=\"#3b6ea5\"/><text x=\"{}\" y=\"216\" font-size=\"11\" text-anchor=\"middle\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{v}</text>",
            200 - h,
            x + w / 2,
            escape(label),
            x + w / 2,
            (200 - h).saturating_sub(4),
        );
    }
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}\
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f7}\
.open{background:#fff4d6;border-left:4px solid #e0a800;padding:.4rem .6rem}.src{color:#666;font-size:.85em}.cite{color:#555;font-style:italic}\
.notice{background:#f3f3f3;padding:.5rem .8rem}ul.check{list-style:none;padding-left:0}";

/// The document as one self-contained HTML page (inline style and charts, no external resources).
pub fn html(doc: &Document) -> String {
    let lang = doc.lang;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        lang.pick("en", "zh-CN"),
        escape(&doc.title)
    );
    let _ = writeln!(
        out,
        "<h1>{}</h1><p>{}</p><p class=\"notice\">{}</p>",
        escape(&doc.title),
        escape(&doc.subtitle),
        escape(&doc.notice)
    );
    if !doc.open_items.is_empty() {
        let _ = writeln!(out, "<h2>{}</h2><ul>", escape(&doc.open_heading));
        for item in &doc.open_items {
            let _ = writeln!(
                out,
                "<li class=\"open\"><strong>{}</strong> <code>{}</code>: {}</li>",
                open_mark(lang),
                escape(&item.id),
                escape(&item.text)
            );
        }
        out.push_str("</ul>\n");
    }
    for s in &doc.sections {
        let h = s.level.clamp(1, 3) + 1;
        let _ = writeln!(out, "<h{h}>{}</h{h}>", escape(&s.heading));
        for b in &s.blocks {
            match b {
                Block::Paragraph { text, citation } => {
                    let cite = citation
                        .as_ref()
                        .map(|c| format!(" <span class=\"cite\">({})</span>", escape(c)))
                        .unwrap_or_default();
                    if text == &s.heading {
                        let _ = writeln!(out, "<p>{}</p>", cite.trim());
                    } else {
                        let _ = writeln!(out, "<p>{}{cite}</p>", escape(text));
                    }
                }
                Block::Facts { facts } => {
                    out.push_str("<table>");
                    for f in facts {
                        let _ = write!(
                            out,
                            "<tr><th>{}</th><td>{}</td><td class=\"src\">{}</td></tr>",
                            escape(&f.label),
                            escape(&f.value),
                            escape(&source_label(&f.source, lang))
                        );
                    }
                    out.push_str("</table>\n");
                }
                Block::Table {
                    headers,
                    rows,
                    source,
                } => {
                    html_table(&mut out, headers, rows);
                    let _ = writeln!(
                        out,
                        "<p class=\"src\">{}: {}</p>",
                        source_word(lang),
                        escape(&source_label(source, lang))
                    );
                }
                Block::Chart {
                    caption,
                    bars,
                    source,
                } => {
                    let _ = writeln!(
                        out,
                        "<figure>{}<figcaption>{} <span class=\"src\">({}: {})</span></figcaption></figure>",
                        bar_chart_svg(bars),
                        escape(caption),
                        source_word(lang),
                        escape(&source_label(source, lang))
                    );
                }
                Block::Open { item } => {
                    let _ = writeln!(
                        out,
                        "<p class=\"open\"><strong>{}</strong> <code>{}</code>: {}</p>",
                        open_mark(lang),
                        escape(&item.id),
                        escape(&item.text)
                    );
                }
                Block::Checklist { entries } => {
                    out.push_str("<ul class=\"check\">");
                    for e in entries {
                        let _ = write!(
                            out,
                            "<li>{} {} — <span class=\"src\">{}</span></li>",
                            if e.done { "☑" } else { "☐" },
                            escape(&e.text),
                            escape(&e.note)
                        );
                    }
                    out.push_str("</ul>\n");
                }
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}

fn html_table(out: &mut String, headers: &[String], rows: &[Vec<String>]) {
    out.push_str("<table><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>\n");
}
