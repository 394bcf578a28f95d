//! The text of a DOCX file, as a reader of a contract sees it: the paragraphs of `word/document.xml`, each
//! with the label Word's list numbering gives it (`（一）`, `1.`), which is not in the text runs but drawn from
//! `word/numbering.xml`. Without the labels a contract whose items are a numbered list would read as clauses
//! without items.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::{AppError, Result};

/// One level of a list's numbering: where it starts, how a number is written, and the label's pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// The lists of `word/numbering.xml`: each list (`w:num`) names an abstract list, whose levels say how to
/// number.
#[derive(Debug, Default)]
struct Numbering {
    abstract_of: HashMap<String, String>,
    levels: HashMap<(String, u32), Level>,
    /// A list's restarts: `w:startOverride` of a level, which Word applies where that list is first used
    /// (lists of one abstract list share their counters otherwise).
    overrides: HashMap<(String, u32), u32>,
    /// Per abstract list, the current number at each level (0: not yet used since a higher level moved).
    counters: HashMap<String, [u32; 9]>,
}

/// The value of `attr` in the first tag `tag` (for example `<w:start `) of `xml`.
fn tag_attr<'a>(xml: &'a str, tag: &str, attr: &str) -> Option<&'a str> {
    let at = xml.find(tag)?;
    let rest = xml.get(at..)?;
    let rest = rest.get(..rest.find('>')?)?;
    attr_in(rest, attr)
}

/// The value of `attr` (`w:val`) within one tag's text.
fn attr_in<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!("{attr}=\"");
    let start = tag.find(&key)? + key.len();
    let rest = tag.get(start..)?;
    rest.get(..rest.find('"')?)
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        for chunk in xml.split("<w:abstractNum ").skip(1) {
            let chunk = chunk.split("</w:abstractNum>").next().unwrap_or_default();
            let Some(id) = attr_in(
                chunk
                    .get(..chunk.find('>').unwrap_or(0))
                    .unwrap_or_default(),
                "w:abstractNumId",
            ) else {
                continue;
            };
            for lvl in chunk.split("<w:lvl ").skip(1) {
                let head = lvl.get(..lvl.find('>').unwrap_or(0)).unwrap_or_default();
                let Some(ilvl) = attr_in(head, "w:ilvl").and_then(|v| v.parse().ok()) else {
                    continue;
                };
                let level = Level {
                    start: tag_attr(lvl, "<w:start ", "w:val")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1),
                    format: tag_attr(lvl, "<w:numFmt ", "w:val")
                        .unwrap_or("decimal")
                        .to_string(),
                    text: tag_attr(lvl, "<w:lvlText ", "w:val")
                        .unwrap_or_default()
                        .to_string(),
                };
                n.levels.insert((id.to_string(), ilvl), level);
            }
        }
        for chunk in xml.split("<w:num ").skip(1) {
            let head = chunk
                .get(..chunk.find('>').unwrap_or(0))
                .unwrap_or_default();
            let chunk = chunk.split("</w:num>").next().unwrap_or_default();
            let (Some(num), Some(abs)) = (
                attr_in(head, "w:numId"),
                tag_attr(chunk, "<w:abstractNumId ", "w:val"),
            ) else {
                continue;
            };
            n.abstract_of.insert(num.to_string(), abs.to_string());
            for o in chunk.split("<w:lvlOverride ").skip(1) {
                let head = o.get(..o.find('>').unwrap_or(0)).unwrap_or_default();
                let ilvl = attr_in(head, "w:ilvl").and_then(|v| v.parse().ok());
                let start = tag_attr(o, "<w:startOverride ", "w:val").and_then(|v| v.parse().ok());
                if let (Some(ilvl), Some(start)) = (ilvl, start) {
                    n.overrides.insert((num.to_string(), ilvl), start);
                }
            }
        }
        n
    }

    /// The label of the next paragraph of list `num_id` at level `ilvl`, counting it.
    fn next_label(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        let abs = self.abstract_of.get(num_id)?.clone();
        let start = self.levels.get(&(abs.clone(), ilvl))?.start;
        let restart = self.overrides.remove(&(num_id.to_string(), ilvl));
        let counters = self.counters.entry(abs.clone()).or_insert([0; 9]);
        let slot = counters.get_mut(ilvl as usize)?;
        *slot = match restart {
            Some(s) => s,
            None if *slot == 0 => start,
            None => *slot + 1,
        };
        // A deeper level starts again under the next item of this one.
        for deeper in counters.iter_mut().skip(ilvl as usize + 1) {
            *deeper = 0;
        }
        let counters = *counters;
        let level = self.levels.get(&(abs.clone(), ilvl))?;
        let mut label = level.text.clone();
        for k in (0..=ilvl).rev() {
            let format = self
                .levels
                .get(&(abs.clone(), k))
                .map_or("decimal", |l| l.format.as_str());
            let value = counters.get(k as usize).copied().unwrap_or(0).max(1);
            label = label.replace(&format!("%{}", k + 1), &written(value, format));
        }
        Some(label)
    }
}

/// A list number as Word writes it in `format`.
fn written(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographTraditional"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chujing_law::form::chinese_numeral(n),
        "upperLetter" | "lowerLetter" => {
            let base = if format == "upperLetter" { b'A' } else { b'a' };
            let c = u8::try_from((n.saturating_sub(1)) % 26).unwrap_or(0) + base;
            char::from(c).to_string()
        }
        "bullet" | "none" => String::new(),
        _ => n.to_string(),
    }
}

/// A paragraph's list: (numId, ilvl), when it is an item of a numbered list.
fn list_of(paragraph: &str) -> Option<(&str, u32)> {
    let props = paragraph.get(..paragraph.find("</w:pPr>")?)?;
    let num_pr = props.get(props.find("<w:numPr>")?..)?;
    let num_id = tag_attr(num_pr, "<w:numId ", "w:val")?;
    let ilvl = tag_attr(num_pr, "<w:ilvl ", "w:val")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // numId 0 takes a paragraph out of a list its style would put it in.
    (num_id != "0").then_some((num_id, ilvl))
}

fn read_entry<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    entry: &str,
) -> Result<Option<String>> {
    let mut file = match zip.by_name(entry) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(AppError::Input(format!("{name}: cannot read {entry}: {e}"))),
    };
    let mut xml = String::new();
    file.read_to_string(&mut xml)
        .map_err(|e| AppError::Input(format!("{name}: {entry} is not UTF-8 text: {e}")))?;
    Ok(Some(xml))
}

/// The text of the DOCX at `path`: a paragraph a line pair, list labels written out.
pub fn text(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| AppError::Input(format!("{name}: cannot open: {e}")))?;
    text_of(&name, &bytes)
}

/// [`text`] of a DOCX's bytes; `name` names it in errors.
pub fn text_of(name: &str, bytes: &[u8]) -> Result<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| AppError::Input(format!("{name}: not a DOCX (zip) file: {e}")))?;
    let xml = read_entry(&mut zip, name, "word/document.xml")?.ok_or_else(|| {
        AppError::Input(format!("{name}: no word/document.xml: not a Word document"))
    })?;
    let mut numbering = read_entry(&mut zip, name, "word/numbering.xml")?
        .map(|x| Numbering::parse(&x))
        .unwrap_or_default();
    Ok(paragraphs(&xml, &mut numbering))
}

/// The paragraphs of `word/document.xml`: they end at `</w:p>`, their text is in `<w:t …>…</w:t>`; a list
/// item's label comes first. A tab (`<w:tab/>`) is a tab and a line break (`<w:br/>`) a space: a form's blank
/// is often a tab or spaces under an underline, and a blank left out of the text would join the words around it.
fn paragraphs(xml: &str, numbering: &mut Numbering) -> String {
    let mut out = String::new();
    for paragraph in xml.split("</w:p>") {
        if let Some(label) = list_of(paragraph).and_then(|(id, l)| numbering.next_label(id, l)) {
            out.push_str(&label);
        }
        // The paragraph's properties hold tab stops (`<w:tab w:val=…/>`), settings rather than text.
        let mut rest = paragraph
            .find("</w:pPr>")
            .and_then(|at| paragraph.get(at..))
            .unwrap_or(paragraph);
        while let Some(start) = rest.find("<w:") {
            let after = rest.get(start + 3..).unwrap_or_default();
            let tag_end = after.find(['>', ' ', '/']).unwrap_or(after.len());
            let name = after.get(..tag_end).unwrap_or_default();
            match name {
                "t" => {
                    let Some(open_end) = after.find('>') else {
                        break;
                    };
                    let body = after.get(open_end + 1..).unwrap_or_default();
                    let Some(close) = body.find("</w:t>") else {
                        break;
                    };
                    out.push_str(&unescape_xml(body.get(..close).unwrap_or_default()));
                    rest = body.get(close..).unwrap_or_default();
                    continue;
                }
                "tab" => out.push('\t'),
                "br" | "cr" => out.push(' '),
                _ => {}
            }
            rest = after;
        }
        out.push_str("\n\n");
    }
    out
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERING: &str = r#"<w:numbering>
<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num></w:numbering>"#;

    fn p(num: Option<(&str, u32)>, text: &str) -> String {
        let props = num.map_or(String::new(), |(id, l)| {
            format!(
                "<w:pPr><w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr>"
            )
        });
        format!("<w:p>{props}<w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    #[test]
    fn list_labels_are_written_out_level_by_level() {
        let mut n = Numbering::parse(NUMBERING);
        let xml = [
            p(None, "第三条 境外接收方的义务"),
            p(Some(("3", 0)), "甲"),
            p(Some(("3", 1)), "细则"),
            p(Some(("3", 1)), "细则"),
            p(Some(("3", 0)), "乙"),
            p(Some(("3", 1)), "细则"),
            p(Some(("0", 0)), "不在列表中"),
            p(Some(("3", 0)), "丙"),
            p(Some(("4", 0)), "另一条的第一项"),
            p(Some(("4", 0)), "另一条的第二项"),
        ]
        .concat();
        let text = paragraphs(&xml, &mut n);
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            vec![
                "第三条 境外接收方的义务",
                "（一）甲",
                "1.细则",
                "2.细则",
                "（二）乙",
                "1.细则",
                "不在列表中",
                "（三）丙",
                "（一）另一条的第一项",
                "（二）另一条的第二项",
            ]
        );
    }

    #[test]
    fn tabs_and_breaks_keep_the_words_around_them_apart() {
        let xml = "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>\
                   <w:r><w:t>位于</w:t></w:r><w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:tab/></w:r>\
                   <w:r><w:t>的组织</w:t><w:br/><w:t xml:space=\"preserve\">次行</w:t></w:r></w:p>";
        let text = paragraphs(xml, &mut Numbering::default());
        // The tab stop in the paragraph's properties is a setting, not a tab in the text; the run's tab is.
        assert_eq!(
            text.trim_end(),
            "\t位于\t的组织 次行".trim_start_matches('\t')
        );
    }

    #[test]
    fn numbers_are_written_as_the_format_says() {
        assert_eq!(written(12, "chineseCounting"), "十二");
        assert_eq!(written(3, "decimal"), "3");
        assert_eq!(written(2, "lowerLetter"), "b");
        assert_eq!(written(1, "bullet"), "");
    }
}
