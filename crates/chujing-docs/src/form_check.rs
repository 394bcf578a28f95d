//! The standard contract checked against the official form, clause by clause (Standard Contract Measures
//! Art. 6: the contract is concluded strictly in the form; other terms go in Annex II and must not conflict with
//! the body), and its Annex I (个人信息出境说明) against the ledger, the profile and a scan.
//!
//! [`parse`] reads a contract's text into its clauses (第一条 …), their items (（一）…), and its annexes;
//! [`fingerprint`] makes a [`Form`] of a copy of the official form; [`compare`] says, for every item of the
//! form, whether the contract holds it unaltered (blanks filled in), altered (and shows the contract's text), or
//! not at all, and which items the contract added to the body; [`check_annex_ii`] finds Annex II terms that
//! override or contradict the body; [`check_annex_i`] compares Annex I's scale and categories with what chujing
//! counted and found.

use chujing_law::Lang;
use chujing_law::explain::number;
use chujing_law::form::{
    Fingerprint, Form, FormClause, FormId, FormItem, MadeFrom, Numbering, chinese_numeral,
    normalise, parse_numeral, sketch,
};
use serde::Serialize;

use crate::contract::shorten;

/// How like a form's item a contract's item must be to count as that item altered rather than another text.
const ALTERED: f64 = 0.35;

/// A contract's text, read into the form's structure. Line numbers are 1-based lines of the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contract {
    /// The clauses of the body, in the order written.
    pub clauses: Vec<Clause>,
    /// Whether a heading 附录一 was found, and where.
    pub annex_i_line: Option<usize>,
    /// Annex I's numbered items: (number, label, value, line).
    pub annex_i: Vec<AnnexItem>,
    /// Whether a heading 附录二 was found, and where.
    pub annex_ii_line: Option<usize>,
    /// Annex II's paragraphs: (line, text).
    pub annex_ii: Vec<(usize, String)>,
}

/// A clause of a contract's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Its number: 3 for 第三条.
    pub number: u32,
    /// Its heading as written.
    pub heading: String,
    /// The line of its heading.
    pub line: usize,
    /// The text between the heading and the first item, with its first line.
    pub lead: Option<(usize, String)>,
    /// Its items.
    pub items: Vec<Item>,
}

/// A numbered part of a contract's clause: an item （二）, or a point 2. or sub-point （2） inside one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// How it is numbered.
    pub level: Numbering,
    /// Its number as written: 2 for （二）, 2., （2）.
    pub number: u32,
    /// Its first line.
    pub line: usize,
    /// Its own text, the label left off: the text before its first point.
    pub text: String,
    /// The points it holds, in the order written.
    pub points: Vec<Item>,
}

impl Item {
    /// Its label as written: （二）, 2., （2）.
    pub fn label(&self) -> String {
        self.level.label(self.number)
    }
}

/// A numbered item of Annex I.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexItem {
    /// Its number: 3 for the scale.
    pub number: u32,
    /// The label before the colon.
    pub label: String,
    /// What is filled in, with chujing's own source notes taken off.
    pub value: String,
    /// Its line.
    pub line: usize,
}

/// A line with Markdown's marks taken off: headings, quotes, list bullets and bold.
fn clean(line: &str) -> String {
    let mut s = line
        .trim()
        .trim_start_matches('#')
        .trim_start_matches('>')
        .trim();
    for bullet in ["- ", "* ", "+ "] {
        s = s.strip_prefix(bullet).unwrap_or(s);
    }
    s.replace("**", "").trim().to_string()
}

/// `第三条 境外接收方的义务` → (3, "境外接收方的义务").
fn clause_heading(line: &str) -> Option<(u32, String)> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find('条')?;
    let number = parse_numeral(rest.get(..end)?)?;
    let heading = rest.get(end + '条'.len_utf8()..)?.trim();
    // A heading is short; a line of running text that happens to start with 第五条 is not one.
    (heading.chars().count() <= 40).then(|| (number, heading.to_string()))
}

/// A line's label and the text after it: `（二）境外接收方…` is item 2, `2. 采取…` point 2 and `（2）加密…`
/// sub-point 2; parentheses and digits may be full- or half-width, a point's mark `.`, `．` or `、`.
fn item_label(line: &str) -> Option<(Numbering, u32, String)> {
    let text = |rest: &str| rest.trim().to_string();
    if let Some(rest) = line.strip_prefix('（').or_else(|| line.strip_prefix('(')) {
        let end = rest.find(['）', ')'])?;
        let inside = rest.get(..end)?;
        let close = rest.get(end..)?.chars().next()?;
        let after = text(rest.get(end + close.len_utf8()..)?);
        return match digits(inside) {
            Some(n) => Some((Numbering::SubPoint, n, after)),
            None => Some((Numbering::Item, parse_numeral(inside)?, after)),
        };
    }
    let end = line.find(|c: char| !(c.is_ascii_digit() || ('０'..='９').contains(&c)))?;
    let number = digits(line.get(..end)?)?;
    let rest = line.get(end..)?;
    let mark = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '.' | '．' | '、'))?;
    let after = rest.get(mark.len_utf8()..)?;
    // 1.5万人 is a figure, not point 1.
    if after.starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return None;
    }
    Some((Numbering::Point, number, text(after)))
}

/// ASCII or full-width digits as a number of 1 … 999.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.chars().count() > 3 {
        return None;
    }
    s.chars()
        .try_fold(0u32, |n, c| {
            let d = c
                .to_digit(10)
                .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))?;
            Some(n * 10 + d)
        })
        .filter(|&n| n > 0)
}

/// `附录一：个人信息出境说明` → 1.
fn annex_heading(line: &str) -> Option<u32> {
    let rest = line.strip_prefix("附录")?;
    if line.chars().count() > 40 {
        return None;
    }
    let numeral: String = rest
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c) || c.is_ascii_digit())
        .collect();
    parse_numeral(&numeral)
}

/// A line that belongs to no clause: "（以下无正文）" after the last clause, a page number a conversion left
/// in the text ("第 3 页 共 10 页", "- 3 -").
fn noise(line: &str) -> bool {
    let l = normalise(line);
    let page = |s: &str| {
        s.strip_prefix('第')
            .and_then(|r| r.strip_suffix('页'))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    l.contains("以下无正文")
        || l.contains("本页无正文")
        || page(&l)
        || l.split_once("页共")
            .is_some_and(|(a, b)| page(&format!("{a}页")) && b.ends_with('页'))
        || (l.starts_with('-') && l.ends_with('-') && {
            let n = l.trim_matches('-');
            !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
        })
}

/// A line that ends the body: the parties' signatures after the last clause.
fn signature(line: &str) -> bool {
    // Room for a long company name and its "（盖章）".
    let short = line.chars().count() <= 80;
    let party = ["个人信息处理者", "境外接收方"].iter().any(|p| {
        line.strip_prefix(p)
            .is_some_and(|r| r.starts_with(['：', ':']))
    });
    let signing = [
        "签字",
        "签署",
        "签章",
        "盖章",
        "签名",
        "日期",
        "法定代表人",
        "授权代表",
    ]
    .iter()
    .any(|p| line.starts_with(p));
    short && (party || signing)
}

/// Words by which Annex I's items are known, by number: a copy that lays Annex I out as a table, or numbers it
/// otherwise, is read by its labels.
const ANNEX_LABELS: &[(u32, &str)] = &[
    (1, "处理目的"),
    (2, "处理方式"),
    (3, "规模"),
    (5, "敏感个人信息种类"),
    (4, "个人信息种类"),
    (6, "第三方"),
    (7, "传输方式"),
    (8, "保存期限"),
    (9, "保存地点"),
    (10, "其他事项"),
];

/// The Annex I item a label names, by its words.
fn annex_label(label: &str) -> Option<u32> {
    ANNEX_LABELS
        .iter()
        .find(|(_, words)| label.contains(words))
        .map(|(n, _)| *n)
}

/// `3. 出境个人信息的规模：15万人（来源: …）` → (3, label, "15万人"); also an unnumbered line that starts with
/// an item's label (a table's cell: `出境个人信息的规模`, the value in the next cell), numbered by its label.
fn annex_item(line: &str) -> Option<(u32, String, String)> {
    // A number is one only with its mark (`3.`, `3、`, `（3）`): a value such as `15万人` starts with digits too.
    let (number, rest) = match item_label(line) {
        Some((_, n, rest)) => (Some(n), rest),
        None => (None, line.to_string()),
    };
    let (label, value) = match rest.find(['：', ':']) {
        Some(at) => {
            let colon = rest.get(at..)?.chars().next()?;
            (rest.get(..at)?, rest.get(at + colon.len_utf8()..)?)
        }
        None => (rest.as_str(), ""),
    };
    let label = label.trim();
    // Unnumbered, a line is an item only when it starts with a label: a short one naming an item's words.
    let number = match number {
        Some(n) => n,
        None if label.chars().count() <= 30 => annex_label(label)?,
        None => return None,
    };
    Some((number, label.to_string(), strip_source(value)))
}

/// A value with chujing's note of its source (`(来源: …)`) taken off.
fn strip_source(value: &str) -> String {
    let cut = ["(来源", "（来源", "(source", "（source"]
        .iter()
        .filter_map(|m| value.find(m))
        .min();
    cut.and_then(|at| value.get(..at))
        .unwrap_or(value)
        .trim()
        .to_string()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Preamble,
    Body,
    Signatures,
    AnnexI,
    AnnexII,
    OtherAnnex,
}

/// Reads a contract's text into clauses, items and annexes. Lines before 第一条 (the title and the parties)
/// and the signatures after the last clause are not part of any clause.
pub fn parse(text: &str) -> Contract {
    let mut c = Contract::default();
    let mut part = Part::Preamble;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = clean(raw);
        if line.is_empty() || noise(&line) {
            continue;
        }
        if let Some(n) = annex_heading(&line) {
            part = match n {
                1 => {
                    c.annex_i_line.get_or_insert(line_no);
                    Part::AnnexI
                }
                2 => {
                    c.annex_ii_line.get_or_insert(line_no);
                    Part::AnnexII
                }
                _ => Part::OtherAnnex,
            };
            continue;
        }
        match part {
            Part::Preamble | Part::Body => {
                if let Some((number, heading)) = clause_heading(&line) {
                    part = Part::Body;
                    c.clauses.push(Clause {
                        number,
                        heading,
                        line: line_no,
                        lead: None,
                        items: Vec::new(),
                    });
                } else if part == Part::Body && signature(&line) {
                    part = Part::Signatures;
                } else if let Some(clause) = c.clauses.last_mut() {
                    body_line(clause, line_no, &line);
                }
            }
            Part::AnnexI => match annex_item(&line) {
                Some((number, label, value)) => c.annex_i.push(AnnexItem {
                    number,
                    label,
                    value,
                    line: line_no,
                }),
                None => {
                    if let Some(last) = c.annex_i.last_mut() {
                        last.value.push_str(&strip_source(&line));
                    }
                }
            },
            Part::AnnexII => c.annex_ii.push((line_no, line)),
            Part::Signatures | Part::OtherAnnex => {}
        }
    }
    c
}

fn body_line(clause: &mut Clause, line_no: usize, line: &str) {
    if let Some((level, number, text)) = item_label(line) {
        let item = Item {
            level,
            number,
            line: line_no,
            text,
            points: Vec::new(),
        };
        place(&mut clause.items, item);
    } else if let Some(item) = clause.items.last_mut() {
        continue_text(item, line);
    } else {
        clause
            .lead
            .get_or_insert_with(|| (line_no, String::new()))
            .1
            .push_str(line);
    }
}

/// Puts a numbered part under the last part of a shallower level (a point under its item), or beside it.
fn place(parts: &mut Vec<Item>, item: Item) {
    match parts.last_mut() {
        Some(last) if last.level < item.level => place(&mut last.points, item),
        _ => parts.push(item),
    }
}

/// A line without a label continues the part written last, at its deepest level.
fn continue_text(item: &mut Item, line: &str) {
    match item.points.last_mut() {
        Some(point) => continue_text(point, line),
        None => item.text.push_str(line),
    }
}

/// What is wrong with a copy that was to be fingerprinted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAForm(pub String);

/// Makes the fingerprints of a copy of the form `id` (its text, and `made_from` naming the file). The copy
/// must number its clauses 第一条 onwards and the items of each （一） onwards, without gaps.
pub fn fingerprint(
    id: FormId,
    text: &str,
    made_from: MadeFrom,
    annex_items: Vec<String>,
    title: String,
    source: String,
) -> Result<Form, NotAForm> {
    let parsed = parse(text);
    if parsed.clauses.is_empty() {
        return Err(NotAForm(
            "no clause found: a form's clauses start on lines of their own, 第一条 …".into(),
        ));
    }
    let mut clauses = Vec::new();
    for (i, c) in parsed.clauses.iter().enumerate() {
        if c.number as usize != i + 1 {
            return Err(NotAForm(format!(
                "line {}: 第{}条 where 第{}条 was expected",
                c.line,
                chinese_numeral(c.number),
                chinese_numeral(i as u32 + 1)
            )));
        }
        clauses.push(FormClause {
            number: u8::try_from(c.number).unwrap_or(u8::MAX),
            heading: normalise(&c.heading),
            lead: c.lead.as_ref().map(|(_, t)| Fingerprint::of(t)),
            items: fingerprint_parts(&c.items)?,
        });
    }
    Ok(Form {
        form: id,
        title,
        source,
        made_from: Some(made_from),
        clauses,
        annex_items,
    })
}

/// The fingerprints of one clause's or item's parts, which must be numbered one onwards at one level each.
fn fingerprint_parts(parts: &[Item]) -> Result<Vec<FormItem>, NotAForm> {
    let level = parts.first().map_or(Numbering::Item, |p| p.level);
    parts
        .iter()
        .enumerate()
        .map(|(j, item)| {
            let expected = u32::try_from(j + 1).unwrap_or(u32::MAX);
            if item.level != level || item.number != expected {
                return Err(NotAForm(format!(
                    "line {}: {} where {} was expected",
                    item.line,
                    item.label(),
                    level.label(expected)
                )));
            }
            Ok(FormItem {
                number: u8::try_from(item.number).unwrap_or(u8::MAX),
                level: item.level,
                fingerprint: Fingerprint::of(&item.text),
                points: fingerprint_parts(&item.points)?,
            })
        })
        .collect()
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A clause of the form has no heading 第…条 in the contract.
    ClauseMissing,
    /// A clause's heading differs from the form's.
    HeadingAltered,
    /// An item (or a clause's text before its items) is the form's, changed beyond filling its blanks.
    Altered,
    /// An item of the form is not in the contract.
    Missing,
    /// The contract's body has an item or clause the form does not: additions belong in Annex II.
    Added,
    /// The contract has no Annex I or II.
    AnnexMissing,
    /// An Annex II term overrides or contradicts the body.
    #[serde(rename = "annex_ii_conflict")]
    AnnexIIConflict,
    /// Annex I states a figure or categories that differ from what chujing counted or found.
    AnnexIMismatch,
}

impl FindingKind {
    /// The finding in words, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FindingKind::ClauseMissing => lang.pick("clause missing", "条款缺失"),
            FindingKind::HeadingAltered => lang.pick("heading altered", "标题被改动"),
            FindingKind::Altered => lang.pick("ALTERED", "被改动"),
            FindingKind::Missing => lang.pick("MISSING", "缺失"),
            FindingKind::Added => lang.pick("added to the body", "正文中增加"),
            FindingKind::AnnexMissing => lang.pick("annex missing", "附录缺失"),
            FindingKind::AnnexIIConflict => lang.pick("conflicts with the body", "与正文冲突"),
            FindingKind::AnnexIMismatch => {
                lang.pick("differs from chujing's figures", "与 chujing 数据不符")
            }
        }
    }
}

/// One difference between a contract and the form, or between Annex I and what chujing counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Where in the form or the contract: `第三条（二）`, `附录一 第3项`.
    pub place: String,
    /// The contract's line, when the place is in the contract.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The contract's text there, shortened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// What was expected or found instead, in the report's language.
    pub detail: String,
}

/// What the parties wrote into the blanks of one item, for a reviewer to read: a blank is where the form lets
/// the parties write, and what they wrote there is the one difference from the form the check lets pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filled {
    /// The item: `第一条（三）`.
    pub place: String,
    /// Its line in the contract.
    pub line: usize,
    /// What each blank holds, normalised (white space and quotation marks dropped), in order.
    pub fills: Vec<String>,
}

/// A contract's body compared with the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Comparison {
    /// Every difference, in the order of the form. None: the body is the form, blanks filled in.
    pub findings: Vec<Finding>,
    /// The items whose blanks were filled in, and with what.
    pub filled: Vec<Filled>,
}

impl Comparison {
    fn filled(&mut self, place: String, line: usize, fills: Option<Vec<String>>) {
        if let Some(fills) = fills.filter(|f| f.iter().any(|x| !x.is_empty())) {
            self.filled.push(Filled { place, line, fills });
        }
    }
}

/// Compares a contract's body with a form that has fingerprints.
pub fn compare(form: &Form, contract: &Contract, lang: Lang) -> Comparison {
    let mut out = Comparison::default();
    for fc in &form.clauses {
        let Some(cc) = contract
            .clauses
            .iter()
            .find(|c| c.number == u32::from(fc.number))
        else {
            out.findings.push(Finding {
                kind: FindingKind::ClauseMissing,
                place: fc.label(),
                line: None,
                text: None,
                detail: lang
                    .pick("the contract has no such clause", "合同中没有该条")
                    .to_string(),
            });
            continue;
        };
        if normalise(&cc.heading) != fc.heading {
            out.findings.push(Finding {
                kind: FindingKind::HeadingAltered,
                place: fc.label(),
                line: Some(cc.line),
                text: Some(shorten(&cc.heading, 60)),
                detail: format!(
                    "{}{}",
                    lang.pick("the form's heading: ", "范本标题："),
                    fc.heading
                ),
            });
        }
        compare_lead(fc, cc, lang, &mut out);
        compare_items(fc, cc, lang, &mut out);
    }
    let findings = &mut out.findings;
    for cc in &contract.clauses {
        if !form
            .clauses
            .iter()
            .any(|f| u32::from(f.number) == cc.number)
        {
            findings.push(Finding {
                kind: FindingKind::Added,
                place: format!("第{}条", chinese_numeral(cc.number)),
                line: Some(cc.line),
                text: Some(shorten(&cc.heading, 60)),
                detail: lang
                    .pick(
                        "the form has no such clause: terms the parties add belong in Annex II",
                        "范本没有该条：双方的其他约定应在附录二中列明",
                    )
                    .to_string(),
            });
        }
    }
    out
}

fn compare_lead(fc: &FormClause, cc: &Clause, lang: Lang, out: &mut Comparison) {
    let place = format!("{}{}", fc.label(), lang.pick(" (opening text)", "（引言）"));
    if let (Some(f), Some((line, text))) = (&fc.lead, &cc.lead) {
        out.filled(place.clone(), *line, f.fills(text));
    }
    let findings = &mut out.findings;
    match (&fc.lead, &cc.lead) {
        (Some(f), Some((line, text))) if !f.matches(text) => findings.push(Finding {
            kind: FindingKind::Altered,
            place: format!("{}{}", fc.label(), lang.pick(" (opening text)", "（引言）")),
            line: Some(*line),
            text: Some(shorten(text, 160)),
            detail: altered_detail(f.similarity(text), lang),
        }),
        (Some(_), None) => findings.push(Finding {
            kind: FindingKind::Missing,
            place: format!("{}{}", fc.label(), lang.pick(" (opening text)", "（引言）")),
            line: Some(cc.line),
            text: None,
            detail: lang
                .pick(
                    "the form's text before the first item is not there",
                    "范本中第一项之前的文字缺失",
                )
                .to_string(),
        }),
        (None, Some((line, text))) => findings.push(Finding {
            kind: FindingKind::Added,
            place: format!("{}{}", fc.label(), lang.pick(" (opening text)", "（引言）")),
            line: Some(*line),
            text: Some(shorten(text, 160)),
            detail: lang
                .pick(
                    "the form has no text before the first item",
                    "范本在第一项之前没有文字",
                )
                .to_string(),
        }),
        _ => {}
    }
}

fn altered_detail(similarity: f64, lang: Lang) -> String {
    format!(
        "{} {:.0}%",
        lang.pick(
            "changed beyond filling in its blanks; like the form's item by",
            "除填写空白处外有改动；与范本该项相似度"
        ),
        similarity * 100.0
    )
}

/// Pairs the contract's items with the form's: first those that match exactly (blanks filled), then, among the
/// rest, the most alike above [`ALTERED`] as altered; the form's items left are missing, the contract's added.
/// Pairing by text rather than by number names the right item when one was deleted and the rest renumbered.
/// The points inside each pair are compared the same way, one level down.
fn compare_items(fc: &FormClause, cc: &Clause, lang: Lang, out: &mut Comparison) {
    compare_parts(&fc.label(), &fc.items, &cc.items, lang, out);
}

fn compare_parts(
    within: &str,
    form: &[FormItem],
    contract: &[Item],
    lang: Lang,
    out: &mut Comparison,
) {
    let mut form_left: Vec<&FormItem> = Vec::new();
    let mut contract_left: Vec<&Item> = contract.iter().collect();
    let mut pairs: Vec<(&FormItem, &Item)> = Vec::new();
    for fi in form {
        let exact = contract_left
            .iter()
            .enumerate()
            .filter(|(_, ci)| ci.level == fi.level)
            .filter_map(|(k, ci)| Some((k, *ci, fi.fingerprint.fills(&ci.text)?)))
            .min_by_key(|(_, ci, _)| ci.number.abs_diff(u32::from(fi.number)));
        match exact {
            Some((k, ci, fills)) => {
                out.filled(format!("{within}{}", fi.label()), ci.line, Some(fills));
                pairs.push((fi, ci));
                contract_left.remove(k);
            }
            None => form_left.push(fi),
        }
    }
    let altered = pair_altered(&form_left, &contract_left);
    let place = |fi: &FormItem| format!("{within}{}", fi.label());
    for (a, fi) in form_left.iter().enumerate() {
        let pair = altered.iter().find(|(x, _, _)| *x == a);
        match pair.and_then(|(_, b, s)| Some((*contract_left.get(*b)?, *s))) {
            Some((ci, s)) => {
                out.findings.push(Finding {
                    kind: FindingKind::Altered,
                    place: place(fi),
                    line: Some(ci.line),
                    text: Some(shorten(&format!("{}{}", ci.label(), ci.text), 200)),
                    detail: altered_detail(s, lang),
                });
                pairs.push((fi, ci));
            }
            None => out.findings.push(Finding {
                kind: FindingKind::Missing,
                place: place(fi),
                line: None,
                text: None,
                detail: lang
                    .pick(
                        "no item of the clause is this item of the form",
                        "该条中没有与范本该项对应的内容",
                    )
                    .to_string(),
            }),
        }
    }
    for (b, ci) in contract_left.iter().enumerate() {
        if !altered.iter().any(|(_, y, _)| *y == b) {
            out.findings.push(Finding {
                kind: FindingKind::Added,
                place: format!("{within}{}", ci.label()),
                line: Some(ci.line),
                text: Some(shorten(&ci.text, 160)),
                detail: lang
                    .pick(
                        "the form has no such item: terms the parties add belong in Annex II",
                        "范本没有该项：双方的其他约定应在附录二中列明",
                    )
                    .to_string(),
            });
        }
    }
    // One level down, in the form's order.
    pairs.sort_by_key(|(fi, _)| fi.number);
    for (fi, ci) in pairs {
        compare_parts(&place(fi), &fi.points, &ci.points, lang, out);
    }
}

/// Among the form's parts and the contract's left unpaired, the most alike pairs above [`ALTERED`], each part
/// used once: (form's index, contract's index, similarity).
fn pair_altered(form_left: &[&FormItem], contract_left: &[&Item]) -> Vec<(usize, usize, f64)> {
    // Each of the contract's parts sketched once, then compared with every part of the form left.
    let sketches: Vec<Vec<u32>> = contract_left.iter().map(|ci| sketch(&ci.text)).collect();
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (a, fi) in form_left.iter().enumerate() {
        for (b, other) in sketches.iter().enumerate() {
            let same_level = contract_left.get(b).is_some_and(|ci| ci.level == fi.level);
            let s = fi.fingerprint.similarity_to(other);
            if same_level && s >= ALTERED {
                pairs.push((s, a, b));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut form_used = vec![false; form_left.len()];
    let mut contract_used = vec![false; contract_left.len()];
    let mut altered = Vec::new();
    for (s, a, b) in pairs {
        if form_used.get(a) == Some(&false) && contract_used.get(b) == Some(&false) {
            if let Some(u) = form_used.get_mut(a) {
                *u = true;
            }
            if let Some(u) = contract_used.get_mut(b) {
                *u = true;
            }
            altered.push((a, b, s));
        }
    }
    altered
}

/// Wordings by which a term puts itself above the body of the contract, or sets part of it aside.
const OVERRIDES: &[&str] = &[
    "以附录二为准",
    "以本附录为准",
    "以附录为准",
    "优先于本合同",
    "优先于合同正文",
    "优先于正文",
    "优先适用本附录",
    "不适用本合同",
    "本合同正文不适用",
    "排除适用",
    "取代本合同",
    "prevail over the body",
    "prevails over the body",
    "prevail over the contract",
    "prevails over the contract",
    "shall not apply",
    "notwithstanding",
    "supersede",
];

/// Annex II's terms that override the body, or contradict one of the clauses the body must hold (the same
/// contradiction cues as the agreement check: liability excluded, retention without end, another country's
/// law…).
pub fn check_annex_ii(contract: &Contract, lang: Lang) -> Vec<Finding> {
    let mut findings = Vec::new();
    if contract.annex_ii_line.is_none() {
        return findings;
    }
    for (line, text) in &contract.annex_ii {
        let lower = text.to_lowercase();
        let normalised = normalise(text);
        let why = OVERRIDES
            .iter()
            .find(|cue| normalised.contains(&normalise(cue)) || lower.contains(*cue))
            .map(|cue| {
                format!(
                    "{}「{cue}」",
                    lang.pick("puts itself above the body: ", "将附录置于正文之上：")
                )
            })
            .or_else(|| {
                crate::contract::CLAUSES.iter().find_map(|clause| {
                    crate::contract::contradiction(text, clause).map(|segment| {
                        format!(
                            "{}{}：«{}»",
                            lang.pick("contradicts the body on ", "与正文相反："),
                            lang.pick(clause.name.0, clause.name.1),
                            shorten(segment, 80)
                        )
                    })
                })
            });
        if let Some(detail) = why {
            findings.push(Finding {
                kind: FindingKind::AnnexIIConflict,
                place: lang.pick("Annex II", "附录二").to_string(),
                line: Some(*line),
                text: Some(shorten(text, 160)),
                detail,
            });
        }
    }
    findings
}

/// What Annex I should say of one transfer, from chujing's figures: the scale (and where it was counted), the
/// categories, and the sensitive categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnexExpect {
    /// The flow the contract covers.
    pub flow: String,
    /// Its recipient.
    pub recipient: String,
    /// Distinct individuals provided abroad.
    pub individuals: u64,
    /// Where that figure comes from, in the report's language.
    pub individuals_source: String,
    /// The categories of PI, by their Chinese names, with where each comes from.
    pub categories: Vec<(String, String)>,
    /// The sensitive categories, by their Chinese names, with where each comes from (empty when chujing knows
    /// of none, or knows of sensitive PI in the flow but not its categories: see `has_sensitive`).
    pub sensitive: Vec<(String, String)>,
    /// Whether the flow carries sensitive PI as far as chujing knows.
    pub has_sensitive: bool,
}

/// A figure stated in Annex I's scale: the number and whether it is only a bound (不超过 …).
fn stated_scale(value: &str) -> Option<(u64, bool)> {
    let v = normalise(value);
    // Every number in the value with what follows it; the one counted in people wins over a date's year.
    let mut numbers = Vec::new();
    let mut at = 0;
    while let Some(start) = v
        .get(at..)
        .and_then(|r| r.find(|c: char| c.is_ascii_digit()))
    {
        let rest = v.get(at + start..)?;
        let number: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
            .collect();
        let unit = rest.get(number.len()..).unwrap_or_default();
        numbers.push((number.clone(), unit));
        at += start + number.len();
    }
    let people = |unit: &str| {
        ["人", "万", "亿", "individual", "person", "people"]
            .iter()
            .any(|u| unit.starts_with(u))
    };
    let (number, unit) = numbers
        .iter()
        .find(|(_, unit)| people(unit))
        .or_else(|| numbers.first())?;
    let base: f64 = number.replace(',', "").trim_end_matches('.').parse().ok()?;
    let factor = if unit.starts_with('亿') {
        1e8
    } else if unit.starts_with('万') {
        1e4
    } else {
        1.0
    };
    let bound = [
        "不超过",
        "不多于",
        "以内",
        "以下",
        "至多",
        "最多",
        "不满",
        "少于",
        "上限",
        "upto",
        "notmorethan",
        "fewerthan",
        "lessthan",
        "atmost",
    ]
    .iter()
    .any(|cue| v.contains(cue));
    Some(((base * factor).round() as u64, bound))
}

/// Two-character words too common in names of categories to tell one from another.
const GENERIC: &[&str] = &[
    "信息", "个人", "数据", "记录", "号码", "资料", "其他", "相关",
];

/// Whether Annex I names `category` among `declared`: a name that holds the other, or shares a word of two
/// characters with it that is not [`GENERIC`] — Annex I names categories broadly (身份信息) where the scan
/// names what it found (居民身份证号码), and a broad name that covers a finding is no omission.
fn declares(declared: &str, category: &str) -> bool {
    let c = normalise(category);
    let bigrams = |s: &str| -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        chars
            .windows(2)
            .map(|w| w.iter().collect::<String>())
            .filter(|w| !GENERIC.contains(&w.as_str()))
            .collect()
    };
    let wanted = bigrams(&c);
    declared
        .split(['、', '，', ',', ';', '；', '/', '和', '及', '与'])
        .map(normalise)
        .filter(|t| !t.is_empty())
        .any(|t| t.contains(&c) || c.contains(&t) || bigrams(&t).iter().any(|b| wanted.contains(b)))
}

fn says_none(value: &str) -> bool {
    let v = normalise(value);
    v.is_empty()
        || ["无", "无。", "不涉及", "none", "n/a", "未发现"].contains(&v.as_str())
        || v.starts_with("无(")
        || v.starts_with("无,")
}

/// The finding of a contract without Annex I (个人信息出境说明), which the form has the parties fill in.
pub fn annex_i_missing(lang: Lang) -> Finding {
    Finding {
        kind: FindingKind::AnnexMissing,
        place: lang.pick("Annex I", "附录一").to_string(),
        line: None,
        text: None,
        detail: lang
            .pick(
                "the contract has no Annex I (个人信息出境说明): its heading starts a line with 附录一",
                "合同中没有附录一“个人信息出境说明”（应以“附录一”开头另起一行）",
            )
            .to_string(),
    }
}

/// Compares Annex I's items 3 (scale), 4 (categories) and 5 (sensitive categories) with `expect`.
pub fn check_annex_i(contract: &Contract, expect: &AnnexExpect, lang: Lang) -> Vec<Finding> {
    let Some(annex_line) = contract.annex_i_line else {
        return vec![annex_i_missing(lang)];
    };
    // An item by its label's words where a label names it, else by its number.
    let item = |n: u32| {
        let items = &contract.annex_i;
        items
            .iter()
            .find(|i| annex_label(&i.label) == Some(n))
            .or_else(|| items.iter().find(|i| i.number == n))
    };
    let place = |n: u32| match lang {
        Lang::Zh => format!("附录一 第{n}项"),
        Lang::En => format!("Annex I item {n}"),
    };
    let mut findings = Vec::new();
    let mut mismatch = |n: u32, line: Option<usize>, text: Option<String>, detail: String| {
        findings.push(Finding {
            kind: FindingKind::AnnexIMismatch,
            place: place(n),
            line,
            text,
            detail,
        });
    };
    match item(3).map(|i| (i, stated_scale(&i.value))) {
        None => mismatch(
            3,
            Some(annex_line),
            None,
            lang.pick("no item 3 (the scale) found", "未找到第3项（规模）")
                .into(),
        ),
        Some((i, None)) => mismatch(
            3,
            Some(i.line),
            Some(shorten(&i.value, 80)),
            lang.pick("states no number of individuals", "未写明人数")
                .into(),
        ),
        Some((i, Some((stated, bound)))) => {
            let wrong = if bound {
                stated < expect.individuals
            } else {
                stated != expect.individuals
            };
            if wrong {
                mismatch(
                    3,
                    Some(i.line),
                    Some(shorten(&i.value, 80)),
                    match lang {
                        Lang::Zh => format!(
                            "写明 {}{}；chujing 计得 {}（{}）",
                            number(stated),
                            if bound { "（上限）" } else { "" },
                            number(expect.individuals),
                            expect.individuals_source
                        ),
                        Lang::En => format!(
                            "states {}{}; chujing counted {} ({})",
                            if bound { "at most " } else { "" },
                            number(stated),
                            number(expect.individuals),
                            expect.individuals_source
                        ),
                    },
                );
            }
        }
    }
    // Items 4 and 5: every category chujing knows of must be named.
    let mut omissions = |n: u32, expected: &[(String, String)]| {
        let item = item(n);
        let declared = item.map(|i| i.value.as_str()).unwrap_or_default();
        let omitted: Vec<String> = expected
            .iter()
            .filter(|(name, _)| !declares(declared, name))
            .map(|(name, source)| format!("{name}（{source}）"))
            .collect();
        if !omitted.is_empty() {
            mismatch(
                n,
                item.map(|i| i.line).or(Some(annex_line)),
                item.map(|i| shorten(&i.value, 80)),
                format!(
                    "{}{}",
                    lang.pick("does not name: ", "未列明："),
                    omitted.join("、")
                ),
            );
        }
        (!omitted.is_empty(), declared)
    };
    omissions(4, &expect.categories);
    let (sensitive_omitted, declared5) = omissions(5, &expect.sensitive);
    let sensitive = item(5);
    if !sensitive_omitted
        && expect.has_sensitive
        && expect.sensitive.is_empty()
        && says_none(declared5)
    {
        mismatch(
            5,
            sensitive.map(|i| i.line).or(Some(annex_line)),
            sensitive.map(|i| shorten(&i.value, 80)),
            lang.pick(
                "names no sensitive category, but the profile records individuals with sensitive PI in this transfer",
                "未列明敏感个人信息种类，但出境情况文件记录该出境活动涉及敏感个人信息主体",
            )
            .into(),
        );
    }
    findings
}

/// Why the transfer a contract is for could not be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoFlow {
    /// The flow asked for is not one of the transfers an Annex I is written for.
    NotCounted {
        /// The flow asked for.
        flow: String,
        /// The transfers there are, as `id (recipient)`.
        listed: String,
    },
    /// The contract names none of the transfers' recipients.
    NoneNamed {
        /// The transfers there are.
        listed: String,
    },
    /// The contract names the recipients of several transfers.
    Several {
        /// The transfers it names.
        listed: String,
    },
}

impl NoFlow {
    /// The reason in words, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (NoFlow::NotCounted { flow, listed }, Lang::En) => {
                format!(
                    "{flow} is no transfer an Annex I is written for; the profile's are: {listed}"
                )
            }
            (NoFlow::NotCounted { flow, listed }, Lang::Zh) => {
                format!("{flow} 不是需要附录一的出境活动；出境情况文件中的出境活动：{listed}")
            }
            (NoFlow::NoneNamed { listed }, Lang::En) => {
                format!("the contract names none of the profile's recipients ({listed})")
            }
            (NoFlow::NoneNamed { listed }, Lang::Zh) => {
                format!("合同未写明出境情况文件中任何境外接收方（{listed}）")
            }
            (NoFlow::Several { listed }, Lang::En) => {
                format!("the contract names the recipients of several transfers ({listed})")
            }
            (NoFlow::Several { listed }, Lang::Zh) => {
                format!("合同写明了多个出境活动的境外接收方（{listed}）")
            }
        }
    }
}

/// The transfer a contract is for: `flow` when given (it must be one of `recipients`' flows), else the one flow
/// whose recipient the contract names. `recipients` are (flow, recipient) pairs.
pub fn pick_flow(
    text: &str,
    recipients: &[(String, String)],
    flow: Option<&str>,
) -> Result<String, NoFlow> {
    let listed = |pairs: &mut dyn Iterator<Item = &(String, String)>| {
        pairs
            .map(|(f, r)| format!("{f} ({r})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(flow) = flow {
        return recipients
            .iter()
            .find(|(f, _)| f == flow)
            .map(|(f, _)| f.clone())
            .ok_or_else(|| NoFlow::NotCounted {
                flow: flow.to_string(),
                listed: listed(&mut recipients.iter()),
            });
    }
    let text = normalise(text);
    let named: Vec<&(String, String)> = recipients
        .iter()
        .filter(|(_, r)| !r.trim().is_empty() && text.contains(&normalise(r)))
        .collect();
    match named.as_slice() {
        [(f, _)] => Ok(f.clone()),
        [] => Err(NoFlow::NoneNamed {
            listed: listed(&mut recipients.iter()),
        }),
        several => Err(NoFlow::Several {
            listed: listed(&mut several.iter().copied()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = "\
个人信息出境标准合同（测试用合成范本，非官方文本）
个人信息处理者：
第一条 定义
在本合同中：
（一）“甲方”指个人信息处理者。
（二）“乙方”指位于____的境外接收方。
第二条 境外接收方的义务
（一）乙方按照附录一处理个人信息。
（二）乙方在保存期限届满后删除个人信息（包括所有备份）。
（三）乙方不得向第三方提供个人信息，附录一另有约定的除外。
第三条 其他
（一）本合同适用中华人民共和国法律。
个人信息处理者：____
附录一 个人信息出境说明
1. 处理目的：____
3. 出境个人信息的规模：____
附录二
双方约定的其他条款（如有）。
";

    fn form() -> Form {
        fingerprint(
            FormId::StandardContract,
            FORM,
            MadeFrom {
                file: "form.txt".into(),
                sha256: "0".into(),
                verified: false,
            },
            Vec::new(),
            "t".into(),
            "s".into(),
        )
        .expect("the synthetic form parses")
    }

    #[test]
    fn the_form_parses_into_clauses_items_and_annexes() {
        let c = parse(FORM);
        assert_eq!(c.clauses.len(), 3);
        assert_eq!(c.clauses.first().map(|c| c.items.len()), Some(2));
        assert_eq!(
            c.clauses.first().and_then(|c| c.lead.clone()).map(|l| l.0),
            Some(4)
        );
        assert_eq!(c.annex_i.len(), 2);
        assert_eq!(c.annex_ii.len(), 1);
    }

    #[test]
    fn page_numbers_and_end_marks_belong_to_no_item() {
        for line in ["（以下无正文）", "第 3 页 共 10 页", "第3页", "- 3 -"] {
            assert!(noise(line), "{line}");
        }
        for line in ["第三条 其他", "（一）本合同适用中华人民共和国法律。", "-"]
        {
            assert!(!noise(line), "{line}");
        }
        let text = FORM
            .replace("第三条 其他\n", "第 2 页 共 3 页\n第三条 其他\n")
            .replace(
                "（一）本合同适用中华人民共和国法律。\n",
                "（一）本合同适用中华人民共和国法律。\n（以下无正文）\n",
            );
        assert_eq!(
            compare(&form(), &parse(&text), Lang::Zh).findings,
            Vec::new()
        );
    }

    #[test]
    fn the_form_filled_in_has_no_finding_and_says_what_was_filled() {
        let filled = FORM
            .replace("位于____的", "位于新加坡的")
            .replace("处理目的：____", "处理目的：客户服务");
        let c = compare(&form(), &parse(&filled), Lang::Zh);
        assert_eq!(c.findings, Vec::new());
        assert_eq!(
            c.filled,
            vec![Filled {
                place: "第一条（二）".into(),
                line: 6,
                fills: vec!["新加坡".into()],
            }]
        );
    }

    #[test]
    fn a_deleted_item_is_named_even_when_the_rest_are_renumbered() {
        let deleted = FORM
            .replace(
                "（二）乙方在保存期限届满后删除个人信息（包括所有备份）。\n",
                "",
            )
            .replace("（三）乙方不得", "（二）乙方不得");
        let f = compare(&form(), &parse(&deleted), Lang::Zh).findings;
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            f.first().map(|f| (f.kind, f.place.as_str())),
            Some((FindingKind::Missing, "第二条（二）"))
        );
    }

    #[test]
    fn an_edited_item_is_altered_and_shown() {
        let edited = FORM.replace("在保存期限届满后删除", "在保存期限届满十年后删除");
        let f = compare(&form(), &parse(&edited), Lang::En).findings;
        assert_eq!(f.len(), 1, "{f:#?}");
        let f = f.first().expect("one finding");
        assert_eq!(
            (f.kind, f.place.as_str(), f.line),
            (FindingKind::Altered, "第二条（二）", Some(9))
        );
        assert!(
            f.text.as_deref().is_some_and(|t| t.contains("十年")),
            "{f:?}"
        );
    }

    #[test]
    fn a_clause_added_to_the_body_is_reported() {
        let added = FORM.replace(
            "个人信息处理者：____\n",
            "第四条 附加条款\n乙方可以自行决定再提供。\n个人信息处理者：____\n",
        );
        let f = compare(&form(), &parse(&added), Lang::Zh).findings;
        assert_eq!(
            f.iter()
                .map(|f| (f.kind, f.place.as_str()))
                .collect::<Vec<_>>(),
            vec![(FindingKind::Added, "第四条")]
        );
    }

    #[test]
    fn annex_ii_may_add_but_not_override() {
        let ok = parse(&FORM.replace(
            "双方约定的其他条款（如有）。",
            "乙方每年向甲方提交一次合规报告。",
        ));
        assert_eq!(check_annex_ii(&ok, Lang::Zh), Vec::new());
        let over = parse(&FORM.replace(
            "双方约定的其他条款（如有）。",
            "本附录与正文不一致的，以本附录为准。",
        ));
        assert_eq!(check_annex_ii(&over, Lang::Zh).len(), 1);
        let contra =
            parse(&FORM.replace("双方约定的其他条款（如有）。", "乙方可永久保存个人信息。"));
        assert_eq!(
            check_annex_ii(&contra, Lang::Zh).len(),
            1,
            "{:?}",
            check_annex_ii(&contra, Lang::Zh)
        );
    }

    /// A clause whose items hold points (1.) and sub-points (（1）), as the official form's 第三条（七） does.
    const NESTED: &str = "\
第一条 定义
（一）“甲方”指个人信息处理者。
第二条 境外接收方的义务
（一）乙方采取下列措施：
1. 技术措施，包括：
（1）在____中加密；
（2）去标识化。
2. 管理措施，包括访问控制、权限审批和人员培训。
（二）乙方接受监督。
";

    fn nested() -> Form {
        let made = MadeFrom {
            file: "nested.txt".into(),
            sha256: "0".into(),
            verified: false,
        };
        fingerprint(
            FormId::StandardContract,
            NESTED,
            made,
            Vec::new(),
            "t".into(),
            "s".into(),
        )
        .expect("a form with points and sub-points reads")
    }

    #[test]
    fn points_and_sub_points_are_levels_of_their_own() {
        let form = nested();
        let item = form
            .clauses
            .get(1)
            .and_then(|c| c.items.first())
            .expect("第二条（一）");
        assert_eq!(form.clauses.get(1).map(|c| c.items.len()), Some(2));
        assert_eq!(
            item.points.iter().map(FormItem::label).collect::<Vec<_>>(),
            vec!["1.", "2."]
        );
        assert_eq!(
            item.points
                .first()
                .map(|p| p.points.iter().map(FormItem::label).collect::<Vec<_>>()),
            Some(vec!["（1）".to_string(), "（2）".to_string()])
        );
        let filled = NESTED.replace("在____中加密", "在传输和存储中加密");
        let c = compare(&form, &parse(&filled), Lang::Zh);
        assert_eq!(c.findings, Vec::new());
        assert_eq!(
            c.filled
                .iter()
                .map(|f| f.place.as_str())
                .collect::<Vec<_>>(),
            vec!["第二条（一）1.（1）"]
        );
    }

    #[test]
    fn a_change_inside_a_point_is_found_at_its_level() {
        let form = nested();
        let deleted = NESTED.replace("（2）去标识化。\n", "");
        let f = compare(&form, &parse(&deleted), Lang::Zh).findings;
        assert_eq!(
            f.iter()
                .map(|f| (f.kind, f.place.as_str()))
                .collect::<Vec<_>>(),
            vec![(FindingKind::Missing, "第二条（一）1.（2）")]
        );
        let edited = NESTED.replace("和人员培训。", "和人员培训，由乙方自行决定是否采取。");
        let f = compare(&form, &parse(&edited), Lang::En).findings;
        assert_eq!(
            f.iter()
                .map(|f| (f.kind, f.place.as_str(), f.line))
                .collect::<Vec<_>>(),
            vec![(FindingKind::Altered, "第二条（一）2.", Some(8))]
        );
        let added = NESTED.replace(
            "（二）乙方接受监督。",
            "3. 乙方可以再提供。\n（二）乙方接受监督。",
        );
        let f = compare(&form, &parse(&added), Lang::Zh).findings;
        assert_eq!(
            f.iter()
                .map(|f| (f.kind, f.place.as_str()))
                .collect::<Vec<_>>(),
            vec![(FindingKind::Added, "第二条（一）3.")]
        );
    }

    #[test]
    fn a_copy_numbered_out_of_order_at_any_level_is_not_a_form() {
        let skipped = NESTED.replace("（2）去标识化。", "（3）去标识化。");
        let made = MadeFrom {
            file: "x".into(),
            sha256: "0".into(),
            verified: false,
        };
        let err = fingerprint(
            FormId::StandardContract,
            &skipped,
            made,
            Vec::new(),
            "t".into(),
            "s".into(),
        )
        .expect_err("refused");
        assert_eq!(err.0, "line 7: （3） where （2） was expected");
        // A figure such as 1.5万 begins no point.
        assert_eq!(item_label("1.5万人"), None);
        assert_eq!(
            item_label("１、措施"),
            Some((Numbering::Point, 1, "措施".to_string()))
        );
    }

    fn expect(individuals: u64) -> AnnexExpect {
        AnnexExpect {
            flow: "crm".into(),
            recipient: "R".into(),
            individuals,
            individuals_source: "台账".into(),
            categories: vec![("身份信息".into(), "出境情况文件".into())],
            sensitive: Vec::new(),
            has_sensitive: false,
        }
    }

    #[test]
    fn annex_i_laid_out_as_a_table_is_read_by_its_labels() {
        // A DOCX table: each cell a paragraph, the label in one, the value in the next.
        let text = "第一条 定义\n附录一\n出境个人信息的规模\n15万人\n出境个人信息种类\n身份信息、联系方式\n出境敏感个人信息种类\n无\n";
        let c = parse(text);
        assert_eq!(
            c.annex_i
                .iter()
                .map(|i| (i.number, i.value.as_str()))
                .collect::<Vec<_>>(),
            vec![(3, "15万人"), (4, "身份信息、联系方式"), (5, "无")]
        );
        assert_eq!(check_annex_i(&c, &expect(150_000), Lang::Zh), Vec::new());
    }

    #[test]
    fn annex_i_scale_and_categories_are_compared() {
        let text = "第一条 定义\n附录一\n3. 出境个人信息的规模：15万人\n4. 出境个人信息种类：个人身份信息、联系方式\n5. 出境敏感个人信息种类：无\n";
        let c = parse(text);
        assert_eq!(check_annex_i(&c, &expect(150_000), Lang::Zh), Vec::new());
        let f = check_annex_i(&c, &expect(150_001), Lang::Zh);
        assert_eq!(
            f.iter().map(|f| f.place.as_str()).collect::<Vec<_>>(),
            vec!["附录一 第3项"]
        );
        let bound = parse(&text.replace("15万人", "不超过20万人"));
        assert_eq!(
            check_annex_i(&bound, &expect(150_000), Lang::Zh),
            Vec::new()
        );
        assert_eq!(check_annex_i(&bound, &expect(250_000), Lang::Zh).len(), 1);
        let mut sensitive = expect(150_000);
        sensitive.sensitive = vec![("生物识别信息".into(), "扫描报告".into())];
        let f = check_annex_i(&c, &sensitive, Lang::Zh);
        assert_eq!(
            f.iter().map(|f| f.place.as_str()).collect::<Vec<_>>(),
            vec!["附录一 第5项"]
        );
        assert_eq!(stated_scale("150,000 人"), Some((150_000, false)));
        assert!(declares("身份信息、联系方式", "居民身份证号码"));
        assert!(declares("健康生理信息", "医疗健康信息"));
        assert!(!declares("身份信息、联系方式", "医疗健康信息"));
        assert!(!declares("无", "生物识别信息"));
        assert_eq!(stated_scale("1.5万人"), Some((15_000, false)));
    }
}
