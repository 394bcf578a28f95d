//! Official forms a contract must follow word for word — the standard contract of the Standard Contract
//! Measures (Art. 6: concluded "strictly in the form" the CAC published as their annex; the parties may agree
//! other terms in Annex II, which must not conflict with the body) — held as *fingerprints*, never as text.
//!
//! A form is its clauses (第一条 … 第九条), each with its heading and items (（一）…), and each item a
//! [`Fingerprint`]: hashes of its normalised text between the blanks the parties fill in, and a MinHash sketch
//! that recognises an item someone changed. The text itself stays with its publisher: the fingerprints are
//! made from a copy of the official form (`chujing contract fingerprint`) and say which copy they came from.
//!
//! Normalisation folds what does not change a clause's meaning in a copy: white space, full-width against
//! half-width forms, quotation marks and the case of Latin letters.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::LawError;

/// How many hash functions a sketch uses: 64 minima make the estimated similarity of two items good to about
/// ±0.06, enough to tell an edited item (≥ 0.5) from a different one (≤ 0.2).
pub const SKETCH_SIZE: usize = 64;

/// Characters per shingle of a sketch: three characters of Chinese are about a word and a half.
const SHINGLE: usize = 3;

/// The longest text a filled-in blank may hold, in characters. A longer fill is not a blank filled but a term
/// added inside an item, which the form does not allow.
pub const MAX_FILL: usize = 200;

/// The forms chujing knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormId {
    /// 个人信息出境标准合同: the annex of the Standard Contract Measures (CAC Order No. 13, dated
    /// 2023-02-22, released 2023-02-24, in force 2023-06-01).
    StandardContract,
}

impl FormId {
    /// The form's identifier on the command line and in files.
    pub fn as_str(self) -> &'static str {
        match self {
            FormId::StandardContract => "standard-contract",
        }
    }
}

/// An official form, as fingerprints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Which form.
    pub form: FormId,
    /// Its title, as published.
    pub title: String,
    /// Where it was published, cited.
    pub source: String,
    /// The copy the fingerprints were made from, when they were: its file name and SHA-256. `None` when this
    /// form carries no fingerprints yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_from: Option<MadeFrom>,
    /// The clauses of the body, in order.
    #[serde(default, rename = "clause")]
    pub clauses: Vec<FormClause>,
    /// The items of Annex I (个人信息出境说明), as numbered there, when known.
    #[serde(default)]
    pub annex_items: Vec<String>,
}

/// The copy of a form that fingerprints were made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MadeFrom {
    /// The file's name.
    pub file: String,
    /// The SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// Whether the maintainers compared that copy with the publisher's, word for word.
    pub verified: bool,
}

/// A clause of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormClause {
    /// Its number: 1 for 第一条.
    pub number: u8,
    /// Its heading, normalised.
    pub heading: String,
    /// The text before its first item, when it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<Fingerprint>,
    /// Its items, in order.
    #[serde(default, rename = "item")]
    pub items: Vec<FormItem>,
}

impl FormClause {
    /// How the clause is named: 第三条.
    pub fn label(&self) -> String {
        format!("第{}条", chinese_numeral(u32::from(self.number)))
    }
}

impl FormClause {
    /// How many numbered items the clause holds, at every level, and its opening text when it has one.
    pub fn parts(&self) -> usize {
        usize::from(self.lead.is_some()) + self.items.iter().map(FormItem::count).sum::<usize>()
    }
}

/// How a numbered part of a clause is numbered. Each level has its own style, and its numbers run from one
/// within the part above it: the form's 第三条（七） holds points 1., 2., …, and a point may hold （1）, （2）, ….
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Numbering {
    /// （一）: an item of the clause.
    #[default]
    Item,
    /// 1.: a point of an item.
    Point,
    /// （1）: a sub-point of a point (or of an item that has no points).
    SubPoint,
}

impl Numbering {
    /// The label of number `n` at this level: （三）, 3., （3）.
    pub fn label(self, n: u32) -> String {
        match self {
            Numbering::Item => format!("（{}）", chinese_numeral(n)),
            Numbering::Point => format!("{n}."),
            Numbering::SubPoint => format!("（{n}）"),
        }
    }

    fn is_item(&self) -> bool {
        *self == Numbering::Item
    }
}

/// A numbered part of a clause: an item （一）, or a point 1. or sub-point （1） inside one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormItem {
    /// Its number within the part above it: 1 for （一）, 1., （1）.
    pub number: u8,
    /// How it is numbered; an item (（一）) when not written.
    #[serde(default, skip_serializing_if = "Numbering::is_item")]
    pub level: Numbering,
    /// Its own text's fingerprint: the text before its first point.
    pub fingerprint: Fingerprint,
    /// The points it holds, in order.
    #[serde(default, rename = "point", skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<FormItem>,
}

impl FormItem {
    /// How the part is named at its own level: （一）, 1., （1）.
    pub fn label(&self) -> String {
        self.level.label(u32::from(self.number))
    }

    /// This part and every point inside it.
    pub fn count(&self) -> usize {
        1 + self.points.iter().map(FormItem::count).sum::<usize>()
    }
}

/// Writes 1 … 99 as Chinese numerals: 一, 十, 十二, 二十一.
pub fn chinese_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or("?");
    match n {
        0..=9 => digit(n).to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n - 10) }),
        _ => format!(
            "{}十{}",
            digit(n / 10),
            if n.is_multiple_of(10) {
                ""
            } else {
                digit(n % 10)
            }
        ),
    }
}

/// Reads a Chinese numeral of 1 … 99 (一, 十二, 二十一), or ASCII digits.
pub fn parse_numeral(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let value = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    let chars: Vec<char> = s.chars().collect();
    let n = match chars.as_slice() {
        ['十'] => 10,
        [d] => value(*d)?,
        ['十', d] => 10 + value(*d)?,
        [t, '十'] => value(*t)? * 10,
        [t, '十', d] => value(*t)? * 10 + value(*d)?,
        _ => return None,
    };
    u32::try_from(n).ok().filter(|&n| n > 0)
}

/// The fingerprint of an item's text: its fixed parts between blanks, hashed, and a sketch of the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FingerprintFile", into = "FingerprintFile")]
pub struct Fingerprint {
    /// The fixed parts, in order: their length in characters and hash. Between two parts the parties fill a
    /// blank. One part when the item has no blank.
    pub parts: Vec<Part>,
    /// The MinHash sketch of the fixed text.
    pub sketch: Vec<u32>,
}

/// A fixed part of an item: its length in characters and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Characters, normalised.
    pub chars: u32,
    /// 64-bit FNV-1a of the normalised UTF-8.
    pub hash: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FingerprintFile {
    parts: Vec<String>,
    sketch: String,
}

impl From<Fingerprint> for FingerprintFile {
    fn from(f: Fingerprint) -> Self {
        let mut sketch = String::with_capacity(f.sketch.len() * 8);
        for v in &f.sketch {
            let _ = write!(sketch, "{v:08x}");
        }
        FingerprintFile {
            parts: f
                .parts
                .iter()
                .map(|p| format!("{}:{:016x}", p.chars, p.hash))
                .collect(),
            sketch,
        }
    }
}

impl TryFrom<FingerprintFile> for Fingerprint {
    type Error = String;
    fn try_from(f: FingerprintFile) -> Result<Self, String> {
        let parts = f
            .parts
            .iter()
            .map(|p| {
                let (chars, hash) = p
                    .split_once(':')
                    .ok_or_else(|| format!("part `{p}`: expected `CHARS:HASH`"))?;
                Ok(Part {
                    chars: chars
                        .parse()
                        .map_err(|_| format!("part `{p}`: `{chars}` is not a length"))?,
                    hash: u64::from_str_radix(hash, 16)
                        .map_err(|_| format!("part `{p}`: `{hash}` is not 16 hex digits"))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        if f.sketch.len() != SKETCH_SIZE * 8 || !f.sketch.is_ascii() {
            return Err(format!(
                "sketch: expected {} hex digits, found {}",
                SKETCH_SIZE * 8,
                f.sketch.len()
            ));
        }
        let sketch = (0..SKETCH_SIZE)
            .map(|i| {
                f.sketch
                    .get(i * 8..i * 8 + 8)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("sketch: digits {}..{} are not hex", i * 8, i * 8 + 8))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Fingerprint { parts, sketch })
    }
}

/// 64-bit FNV-1a, seeded: stable across platforms and releases, unlike the standard library's hasher.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    fnv1a_more(fnv_start(seed), bytes)
}

fn fnv_start(seed: u64) -> u64 {
    0xcbf2_9ce4_8422_2325_u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn fnv1a_more(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// [`fnv1a`] (seed 0) of characters' UTF-8, without making a string of them: the matcher hashes a window at
/// every place a blank's fill may end.
fn fnv1a_chars(chars: &[char]) -> u64 {
    let mut buf = [0u8; 4];
    chars.iter().fold(fnv_start(0), |h, c| {
        fnv1a_more(h, c.encode_utf8(&mut buf).as_bytes())
    })
}

/// Folds one character as a copy of a form may differ without changing its words: full-width ASCII to ASCII,
/// Latin letters to lower case; `None` for white space and quotation marks, which are dropped.
fn fold(c: char) -> Option<char> {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    };
    match c {
        c if c.is_whitespace() => None,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '【' | '】' => {
            None
        }
        '_' | '＿' => None,
        c => Some(c.to_ascii_lowercase()),
    }
}

/// A text normalised for comparison: white space, quotation marks, bracket marks and underscores dropped,
/// full-width forms folded. A filled-in blank keeps what was written in it.
pub fn normalise(text: &str) -> String {
    text.chars().filter_map(fold).collect()
}

/// Whether `c` is a character of Chinese text (not ASCII).
fn wide(c: char) -> bool {
    !c.is_ascii()
}

/// Splits a form's item text into its fixed parts, normalised, at its blanks: runs of two or more
/// underscores, a 【…】 choice, an `XX` placeholder, and white space between two characters of Chinese text
/// ("于　年　月　日签署": a date to fill in).
pub fn fixed_parts(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut parts = vec![String::new()];
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = |pred: &dyn Fn(char) -> bool| {
            chars
                .get(i..)
                .map_or(0, |rest| rest.iter().take_while(|&&c| pred(c)).count())
        };
        let blank_len = if c == '_' || c == '＿' {
            Some(run(&|c| c == '_' || c == '＿')).filter(|&n| n >= 2)
        } else if c == '【' {
            chars
                .get(i..)
                .and_then(|rest| rest.iter().take(24).position(|&c| c == '】'))
                .map(|end| end + 1)
        } else if c == 'X' || c == 'x' || c == '×' {
            Some(run(&|c| c == 'X' || c == 'x' || c == '×')).filter(|&n| n >= 2)
        } else if c.is_whitespace() {
            let n = run(&char::is_whitespace);
            let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let after = chars.get(i + n).copied();
            (before.is_some_and(wide) && after.is_some_and(wide)).then_some(n)
        } else {
            None
        };
        match blank_len {
            Some(n) => {
                // Consecutive blanks are one; a leading blank leaves an empty first part, so that a filled
                // form may start with anything.
                if parts.len() == 1 || parts.last().is_some_and(|p| !p.is_empty()) {
                    parts.push(String::new());
                }
                i += n;
            }
            None => {
                if let (Some(f), Some(last)) = (fold(c), parts.last_mut()) {
                    last.push(f);
                }
                i += 1;
            }
        }
    }
    parts
}

/// The shingles' minima under [`SKETCH_SIZE`] seeded hashes.
fn sketch_of(text: &str) -> Vec<u32> {
    let chars: Vec<char> = text.chars().collect();
    let mut minima = vec![u32::MAX; SKETCH_SIZE];
    let mut buf = [0u8; SHINGLE * 4];
    let shingles = chars.windows(SHINGLE.min(chars.len().max(1)));
    for window in shingles {
        let mut len = 0;
        for c in window {
            len += c.encode_utf8(buf.get_mut(len..).unwrap_or_default()).len();
        }
        let bytes = buf.get(..len).unwrap_or_default();
        for (seed, min) in minima.iter_mut().enumerate() {
            // Fold the 64-bit hash to 32 bits: a sketch's minima need not be wider.
            let h = fnv1a(seed as u64 + 1, bytes);
            let h = (h ^ (h >> 32)) as u32;
            if h < *min {
                *min = h;
            }
        }
    }
    minima
}

impl Fingerprint {
    /// The fingerprint of a form's item text (blanks as the form shows them).
    pub fn of(text: &str) -> Fingerprint {
        let parts = fixed_parts(text);
        let joined: String = parts.concat();
        Fingerprint {
            parts: parts
                .iter()
                .map(|p| Part {
                    chars: u32::try_from(p.chars().count()).unwrap_or(u32::MAX),
                    hash: fnv1a(0, p.as_bytes()),
                })
                .collect(),
            sketch: sketch_of(&joined),
        }
    }

    /// Whether `text` (an item of a contract, not yet normalised) is this item with its blanks filled in:
    /// it starts with the first fixed part, ends with the last, holds the others in order between, and no
    /// blank holds more than [`MAX_FILL`] characters.
    pub fn matches(&self, text: &str) -> bool {
        self.fills(text).is_some()
    }

    /// What `text` wrote into this item's blanks, normalised and in order, when it is this item with its
    /// blanks filled in (see [`Fingerprint::matches`]); `None` when it is not. Each fixed part is taken at its
    /// first place after the one before, so a fill never holds a copy of the part that follows it.
    pub fn fills(&self, text: &str) -> Option<Vec<String>> {
        let text: Vec<char> = normalise(text).chars().collect();
        let slice = |from: usize, to: usize| -> Option<String> {
            Some(text.get(from..to)?.iter().collect())
        };
        let hash_at =
            |at: usize, len: usize| -> Option<u64> { Some(fnv1a_chars(text.get(at..at + len)?)) };
        let Some((first, rest)) = self.parts.split_first() else {
            return text.is_empty().then(Vec::new);
        };
        let first_len = first.chars as usize;
        if hash_at(0, first_len) != Some(first.hash) {
            return None;
        }
        let Some((last, middle)) = rest.split_last() else {
            return (text.len() == first_len).then(Vec::new);
        };
        let mut fills = Vec::new();
        let mut at = first_len;
        for part in middle {
            let len = part.chars as usize;
            let start = (at..=(at + MAX_FILL).min(text.len().saturating_sub(len)))
                .find(|&start| hash_at(start, len) == Some(part.hash))?;
            fills.push(slice(at, start)?);
            at = start + len;
        }
        let last_len = last.chars as usize;
        let last_start = text.len().checked_sub(last_len)?;
        if last_start < at
            || last_start - at > MAX_FILL
            || hash_at(last_start, last_len) != Some(last.hash)
        {
            return None;
        }
        fills.push(slice(at, last_start)?);
        Some(fills)
    }

    /// How like this item `text` is: the estimated Jaccard similarity of their shingles, 0 to 1.
    pub fn similarity(&self, text: &str) -> f64 {
        self.similarity_to(&sketch(text))
    }

    /// [`Fingerprint::similarity`] to a text already sketched ([`sketch`]): to compare one text with many
    /// items, sketch it once.
    pub fn similarity_to(&self, other: &[u32]) -> f64 {
        let same = self
            .sketch
            .iter()
            .zip(other)
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / SKETCH_SIZE as f64
    }
}

/// The MinHash sketch of a contract's text, normalised, as items' sketches are made.
pub fn sketch(text: &str) -> Vec<u32> {
    sketch_of(&normalise(text))
}

/// The standard contract's form as this build carries it.
const STANDARD_CONTRACT: &str = include_str!("../forms/standard-contract.toml");

impl Form {
    /// The form `id` as this build carries it (which may be without fingerprints: see [`Form::made_from`]).
    pub fn builtin(id: FormId) -> Result<Form, LawError> {
        match id {
            FormId::StandardContract => {
                Form::from_toml("forms/standard-contract.toml", STANDARD_CONTRACT)
            }
        }
    }

    /// Reads a form from TOML (as [`Form::to_toml`] writes it).
    pub fn from_toml(file: &str, text: &str) -> Result<Form, LawError> {
        let form: Form = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((None, None), |span| {
                let before = text.get(..span.start).unwrap_or_default();
                let line = before.lines().count().max(1);
                let column = before
                    .rsplit('\n')
                    .next()
                    .map_or(1, |l| l.chars().count() + 1);
                (Some(line), Some(column))
            });
            LawError::Input(crate::error::InputError {
                file: file.to_string(),
                line,
                column,
                field: None,
                message: format!("not a form's fingerprints: {}", e.message()),
            })
        })?;
        form.validate(file)?;
        Ok(form)
    }

    /// Writes the form as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Whether the form carries fingerprints to compare a contract with.
    pub fn has_fingerprints(&self) -> bool {
        self.made_from.is_some() && !self.clauses.is_empty()
    }

    fn validate(&self, file: &str) -> Result<(), LawError> {
        let numbered = |what: &str, numbers: &mut dyn Iterator<Item = u8>| {
            numbers.enumerate().try_for_each(|(i, n)| {
                if usize::from(n) == i + 1 {
                    Ok(())
                } else {
                    Err(LawError::input(
                        file,
                        None,
                        format!("{what} {n} is out of order: expected {}", i + 1),
                    ))
                }
            })
        };
        numbered("clause", &mut self.clauses.iter().map(|c| c.number))?;
        for c in &self.clauses {
            validate_parts(file, &c.label(), None, &c.items)?;
        }
        if self.made_from.is_some() == self.clauses.is_empty() {
            return Err(LawError::input(
                file,
                None,
                "a form names the copy its fingerprints were made from (`made_from`) exactly when it has clauses",
            ));
        }
        Ok(())
    }
}

/// The parts of one clause or item: numbered one onwards at one level, deeper than the part above them.
fn validate_parts(
    file: &str,
    place: &str,
    above: Option<Numbering>,
    parts: &[FormItem],
) -> Result<(), LawError> {
    let level = parts.first().map_or(Numbering::Item, |p| p.level);
    for (i, part) in parts.iter().enumerate() {
        let expected = level.label(u32::try_from(i + 1).unwrap_or(u32::MAX));
        if part.level != level || usize::from(part.number) != i + 1 || above >= Some(part.level) {
            return Err(LawError::input(
                file,
                None,
                format!(
                    "{place}: {} is out of order: expected {expected}",
                    part.label()
                ),
            ));
        }
        validate_parts(
            file,
            &format!("{place}{}", part.label()),
            Some(level),
            &part.points,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_hash_as_their_utf8() {
        let text = "境外接收方 abc，（一）";
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(fnv1a_chars(&chars), fnv1a(0, text.as_bytes()));
    }

    #[test]
    fn numerals_round_trip() {
        for n in 1..=99 {
            assert_eq!(parse_numeral(&chinese_numeral(n)), Some(n), "{n}");
        }
        assert_eq!(chinese_numeral(3), "三");
        assert_eq!(chinese_numeral(12), "十二");
        assert_eq!(chinese_numeral(20), "二十");
        assert_eq!(parse_numeral("零"), None);
    }

    #[test]
    fn blanks_split_fixed_parts() {
        assert_eq!(
            fixed_parts("双方于　年　月　日签署关于XX的合同，期限____年。"),
            vec!["双方于", "年", "月", "日签署关于", "的合同,期限", "年。"]
        );
        assert_eq!(
            fixed_parts("“个人信息”是指 the data"),
            vec!["个人信息是指thedata"]
        );
        assert_eq!(fixed_parts("【已】/【约定】签署"), vec!["", "/", "签署"]);
    }

    #[test]
    fn a_filled_item_matches_and_an_edited_one_does_not() {
        let form = Fingerprint::of("境外接收方应当在____日内删除个人信息（包括所有备份）。");
        assert!(form.matches("境外接收方应当在 30 日内删除个人信息(包括所有备份)。"));
        assert!(form.matches("境外接收方应当在____日内删除个人信息（包括所有备份）。"));
        assert!(!form.matches("境外接收方应当在30日内删除个人信息。"));
        assert_eq!(
            form.fills("境外接收方应当在 30 日内删除个人信息(包括所有备份)。"),
            Some(vec!["30".to_string()])
        );
        assert!(!form.matches("境外接收方可以在30日内删除个人信息（包括所有备份）。"));
        let long = "很".repeat(MAX_FILL + 1);
        assert!(!form.matches(&format!(
            "境外接收方应当在{long}日内删除个人信息（包括所有备份）。"
        )));
        let edited = "境外接收方可以在30日内删除个人信息（包括所有备份）。";
        assert!(form.similarity(edited) > 0.5, "{}", form.similarity(edited));
        assert!(form.similarity("双方同意适用中华人民共和国法律解决争议。") < 0.2);
    }

    #[test]
    fn a_fingerprint_survives_toml() {
        let form = Form {
            form: FormId::StandardContract,
            title: "t".into(),
            source: "s".into(),
            made_from: Some(MadeFrom {
                file: "f".into(),
                sha256: "00".into(),
                verified: false,
            }),
            clauses: vec![FormClause {
                number: 1,
                heading: "定义".into(),
                lead: Some(Fingerprint::of("在本合同中：")),
                items: vec![FormItem {
                    number: 1,
                    level: Numbering::Item,
                    fingerprint: Fingerprint::of("乙方应当："),
                    points: vec![FormItem {
                        number: 1,
                        level: Numbering::Point,
                        fingerprint: Fingerprint::of("采取____措施；"),
                        points: vec![FormItem {
                            number: 1,
                            level: Numbering::SubPoint,
                            fingerprint: Fingerprint::of("加密；"),
                            points: Vec::new(),
                        }],
                    }],
                }],
            }],
            annex_items: vec!["处理目的".into()],
        };
        let text = form.to_toml();
        assert_eq!(Form::from_toml("x.toml", &text).ok(), Some(form.clone()));
        assert_eq!(form.clauses.first().map(FormClause::parts), Some(4));
        // A point numbered at an item's level is refused, naming where.
        let mut wrong = form;
        if let Some(p) = wrong
            .clauses
            .first_mut()
            .and_then(|c| c.items.first_mut())
            .and_then(|i| i.points.first_mut())
        {
            p.level = Numbering::Item;
        }
        let err = Form::from_toml("x.toml", &wrong.to_toml()).expect_err("refused");
        assert!(
            err.to_string()
                .contains("第一条（一）: （一） is out of order"),
            "{err}"
        );
    }

    #[test]
    fn the_builtin_form_loads_and_says_whether_it_has_fingerprints() {
        let form = Form::builtin(FormId::StandardContract).expect("the built-in form loads");
        assert_eq!(form.has_fingerprints(), form.made_from.is_some());
        assert_eq!(form.annex_items.len(), 10);
    }
}
