//! What one cell holds: its content checked by the validators, helped by what the column header says.

use jiff::civil::Date;

use crate::category::Category;
use crate::detect;
use crate::header::Hint;

/// How a finding was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The value passed its validator.
    Valid,
    /// The value has the category's shape but fails its check digit: counted only to judge whether a column's
    /// passes are chance (see [`crate::ColumnStats`]).
    ShapeOnly,
    /// The value passed its validator, and the words just before it in free text name it (卡号, 身份证, card):
    /// evidence of its own, never dismissed by a vote of its column.
    Named,
}

impl Evidence {
    /// Whether the value is that category (it passed its validator).
    pub fn is_valid(self) -> bool {
        self != Evidence::ShapeOnly
    }
}

/// One thing found in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    /// What it is.
    pub category: Category,
    /// The matched text, for distinct counts and masked samples.
    pub text: &'a str,
    /// How it was established.
    pub evidence: Evidence,
}

/// Categories known only from a header: every non-empty cell of such a column is that information.
fn header_only(c: Category) -> bool {
    matches!(
        c,
        Category::Health
            | Category::Biometric
            | Category::Religion
            | Category::SpecificIdentity
            | Category::FinancialAccount
            | Category::Whereabouts
    )
}

/// Whether someone born on `birth` is under 14 on `today` (PIPL Art. 28).
pub fn under_14(birth: Date, today: Date) -> bool {
    birth
        .checked_add(jiff::Span::new().years(14))
        .is_ok_and(|fourteen| fourteen > today)
}

/// Classifies cells against a scan date (which decides minors and impossible birth dates).
#[derive(Debug, Clone)]
pub struct Classifier {
    today: Date,
}

impl Classifier {
    /// A classifier for a scan on `today`.
    pub fn new(today: Date) -> Classifier {
        Classifier { today }
    }

    /// Reports what `cell` holds, given its column's `hint`, to `found`. Returns whether anything was found.
    pub fn cell<'a>(
        &self,
        cell: &'a str,
        hint: Option<Hint>,
        buf: &mut Vec<u8>,
        found: &mut dyn FnMut(Found<'a>),
    ) -> bool {
        let cell = cell.trim();
        if cell.is_empty() {
            return false;
        }
        let mut any = false;
        let mut emit = |category, text, evidence: Evidence| {
            any |= evidence.is_valid();
            found(Found {
                category,
                text,
                evidence,
            });
        };
        if let Some(hint) = hint {
            self.hinted(cell, hint, &mut emit);
        }
        if !self.whole(cell, hint, buf, &mut emit) && looks_like_text(cell) {
            for token in tokens(cell) {
                if !self.token(cell, token, buf, &mut emit) && token.contains(':') {
                    // `key:value` in a log line: a colon also joins IPv6 and MAC addresses, so it is split
                    // only when the whole token is not one.
                    for part in token.split(':').filter(|p| p.len() >= 7) {
                        self.token(cell, part, buf, &mut emit);
                    }
                }
            }
        }
        any
    }

    /// What a token of free text `text` is; a token named by the words before it is checked as that
    /// identifier alone, and a pass is [`Evidence::Named`].
    fn token<'a>(
        &self,
        text: &str,
        token: &'a str,
        buf: &mut Vec<u8>,
        emit: &mut dyn FnMut(Category, &'a str, Evidence),
    ) -> bool {
        let Some(Hint::Category(named)) = context_hint(text, token) else {
            return self.whole(token, None, buf, emit);
        };
        let mut named_emit = |category, text, evidence| {
            let evidence = if category == named && evidence == Evidence::Valid {
                Evidence::Named
            } else {
                evidence
            };
            emit(category, text, evidence);
        };
        self.whole(token, Some(Hint::Category(named)), buf, &mut named_emit)
    }

    /// What the header alone, or the header with the value's shape, establishes.
    fn hinted<'a>(
        &self,
        cell: &'a str,
        hint: Hint,
        emit: &mut dyn FnMut(Category, &'a str, Evidence),
    ) {
        match hint {
            Hint::Category(c) if header_only(c) => emit(c, cell, Evidence::Valid),
            Hint::Category(Category::PersonName)
                if detect::chinese_name(cell) || detect::latin_name(cell) =>
            {
                emit(Category::PersonName, cell, Evidence::Valid)
            }
            Hint::Category(Category::Address) if cell.chars().count() >= 4 => {
                emit(Category::Address, cell, Evidence::Valid)
            }
            Hint::Category(Category::BirthDate) => {
                if let Some(birth) = detect::calendar_date(cell).filter(|d| *d <= self.today) {
                    emit(Category::BirthDate, cell, Evidence::Valid);
                    if under_14(birth, self.today) {
                        emit(Category::MinorUnder14, cell, Evidence::Valid);
                    }
                }
            }
            Hint::Category(Category::TaiwanPermit) if detect::taiwan_permit(cell.as_bytes()) => {
                emit(Category::TaiwanPermit, cell, Evidence::Valid)
            }
            Hint::Category(Category::Geolocation) if detect::coordinate_pair(cell) => {
                emit(Category::Geolocation, cell, Evidence::Valid)
            }
            Hint::Coordinate if detect::precise_degrees(cell).is_some() => {
                emit(Category::Geolocation, cell, Evidence::Valid)
            }
            Hint::Age => {
                if cell.parse::<u8>().is_ok_and(|age| age < 14) {
                    emit(Category::MinorUnder14, cell, Evidence::Valid);
                }
            }
            Hint::Category(_) | Hint::Coordinate => {}
        }
    }

    /// What the whole value is, by its content. Returns whether it was recognised.
    fn whole<'a>(
        &self,
        value: &'a str,
        hint: Option<Hint>,
        buf: &mut Vec<u8>,
        emit: &mut dyn FnMut(Category, &'a str, Evidence),
    ) -> bool {
        let bytes = value.as_bytes();
        let Some(&first) = bytes.first() else {
            return false;
        };
        if (first.is_ascii_digit() || first == b'+' || first == b'(')
            && bytes.len() <= 32
            && detect::compact_digits(bytes, buf)
        {
            // A header naming a checked identifier confirms it: values of its shape are that identifier,
            // valid or not, and are not read as anything else of the same shape (an ID that fails its check
            // digit is a mistyped ID, not a card number that happens to pass Luhn).
            match hint {
                Some(Hint::Category(Category::CnResidentId)) if detect::resident_id_shape(buf) => {
                    return match detect::resident_id(buf, self.today) {
                        Some(birth) => {
                            emit(Category::CnResidentId, value, Evidence::Valid);
                            if under_14(birth, self.today) {
                                emit(Category::MinorUnder14, value, Evidence::Valid);
                            }
                            true
                        }
                        None => {
                            emit(Category::CnResidentId, value, Evidence::ShapeOnly);
                            false
                        }
                    };
                }
                Some(Hint::Category(Category::BankCard)) if (16..=19).contains(&buf.len()) => {
                    let valid = detect::bank_card(buf);
                    let evidence = if valid {
                        Evidence::Valid
                    } else {
                        Evidence::ShapeOnly
                    };
                    emit(Category::BankCard, value, evidence);
                    return valid;
                }
                _ => {}
            }
            let decided = detect::digit_categories(buf, self.today)
                .or_else(|| detect::credit_code(bytes).then_some((Category::OrgCreditCode, None)));
            // Every checked identifier whose shape the value has, but which it is not, gets a shape-only
            // mark: a column's passes are weighed against them (see `ColumnStats::report`), so that order
            // numbers that pass Luhn by chance are not reported as cards.
            let is = |c: Category| decided.is_some_and(|(d, _)| d == c);
            let shapes = [
                (Category::CnResidentId, detect::resident_id_shape(buf)),
                (Category::BankCard, detect::bank_card_shape(buf)),
                (Category::Imei, detect::imei_shape(buf)),
                (
                    Category::OrgCreditCode,
                    buf.len() == 18 && buf.iter().all(u8::is_ascii_digit),
                ),
            ];
            // A value that validates as one identifier is evidence of nothing against another: a column of
            // notes with both 18-digit IDs and card numbers must not have its cards voted down by the IDs.
            if decided.is_none() {
                for (category, shaped) in shapes {
                    if shaped && !is(category) {
                        emit(category, value, Evidence::ShapeOnly);
                    }
                }
            }
            if let Some((category, birth)) = decided {
                emit(category, value, Evidence::Valid);
                if birth.is_some_and(|b| under_14(b, self.today)) {
                    emit(Category::MinorUnder14, value, Evidence::Valid);
                }
                return true;
            }
            return false;
        }
        if bytes.is_ascii() {
            let category = match bytes.len() {
                18 if detect::credit_code(bytes) => Some(Category::OrgCreditCode),
                9 if detect::passport(bytes) => Some(Category::Passport),
                9 | 11 if detect::hk_macao_permit(bytes) => Some(Category::HkMacaoPermit),
                14 | 17 if detect::mac_address(bytes) => Some(Category::MacAddress),
                _ if memchr::memchr(b'@', bytes).is_some() && detect::email(bytes) => {
                    Some(Category::Email)
                }
                7..=45
                    if (first.is_ascii_hexdigit() || first == b':')
                        && detect::ip_address(bytes) =>
                {
                    Some(Category::IpAddress)
                }
                _ if hint != Some(Hint::Coordinate) && detect::coordinate_pair(value) => {
                    Some(Category::Geolocation)
                }
                _ => None,
            };
            if let Some(c) = category {
                emit(c, value, Evidence::Valid);
                return true;
            }
            return false;
        }
        if detect::vehicle_plate(value) {
            emit(Category::VehiclePlate, value, Evidence::Valid);
            return true;
        }
        if hint != Some(Hint::Category(Category::Address)) && detect::chinese_address(value) {
            emit(Category::Address, value, Evidence::Valid);
            return true;
        }
        false
    }
}

/// Whether a value is free text worth splitting into tokens: it holds a space, a non-ASCII character or a
/// separator of `key=value`, `key:value` or listed values (`= : ; , |`), or is long.
fn looks_like_text(s: &str) -> bool {
    s.len() > 24 || !s.is_ascii() || s.contains([' ', '=', ':', ';', ',', '|'])
}

/// Words that, just before a number in free text, say what it is: the number is then checked as that
/// identifier alone (as under a header), so its evidence is its own and not a vote of the column.
const CONTEXT_WORDS: &[(&str, Category)] = &[
    ("银行卡", Category::BankCard),
    ("卡号", Category::BankCard),
    ("信用卡", Category::BankCard),
    ("借记卡", Category::BankCard),
    ("储蓄卡", Category::BankCard),
    ("card", Category::BankCard),
    ("身份证", Category::CnResidentId),
    ("证件号", Category::CnResidentId),
    ("公民身份号码", Category::CnResidentId),
    ("id_number", Category::CnResidentId),
    ("idcard", Category::CnResidentId),
    ("id_card", Category::CnResidentId),
];

/// How far before a token a context word may end (characters of punctuation, `no.`, `:` and the like).
const CONTEXT_GAP: usize = 12;

/// The identifier named just before `token` in `text`, if a context word ends at most [`CONTEXT_GAP`]
/// bytes before it with no other number between.
fn context_hint(text: &str, token: &str) -> Option<Hint> {
    let start = (token.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let before = text.get(..start)?;
    let window_start = before
        .char_indices()
        .rev()
        .take_while(|(i, _)| start - i <= CONTEXT_GAP + 18)
        .last()
        .map_or(start, |(i, _)| i);
    let window = before.get(window_start..)?.to_ascii_lowercase();
    CONTEXT_WORDS
        .iter()
        .filter_map(|(word, category)| {
            let end = window.rfind(word)? + word.len();
            let gap = window.get(end..)?;
            (gap.len() <= CONTEXT_GAP && !gap.bytes().any(|b| b.is_ascii_digit()))
                .then_some((end, *category))
        })
        .max_by_key(|(end, _)| *end)
        .map(|(_, category)| Hint::Category(category))
}

/// Candidate tokens of free text: runs of ASCII letters, digits and the punctuation of identifiers (`@ . _ %
/// + - :`), and runs that start with a plate's province character. Punctuation at either end is dropped.
fn tokens(s: &str) -> impl Iterator<Item = &str> {
    let is_token = |c: char| c.is_ascii_alphanumeric() || "@._%+-:".contains(c);
    s.split(move |c: char| !is_token(c))
        .map(|t| t.trim_matches(|c: char| ".:-+".contains(c)))
        .filter(|t| t.len() >= 7)
        .chain(plates(s))
}

/// Plate-shaped runs in free text: a province character followed by up to 8 plate characters.
fn plates(s: &str) -> impl Iterator<Item = &str> {
    s.char_indices().filter_map(move |(i, c)| {
        if !('\u{4E00}'..='\u{9FFF}').contains(&c) {
            return None;
        }
        let rest = s.get(i + c.len_utf8()..)?;
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '·')
            .map(char::len_utf8)
            .sum();
        (6..=10)
            .contains(&len)
            .then(|| s.get(i..i + c.len_utf8() + len))
            .flatten()
            .filter(|t| detect::vehicle_plate(t))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    fn found(cell: &str, hint: Option<Hint>) -> Vec<(Category, String, Evidence)> {
        let c = Classifier::new(Date::new(2026, 11, 22).unwrap());
        let mut out = Vec::new();
        let mut buf = Vec::new();
        c.cell(cell, hint, &mut buf, &mut |f| {
            out.push((f.category, f.text.to_string(), f.evidence));
        });
        out
    }

    fn categories(cell: &str, hint: Option<Hint>) -> Vec<Category> {
        found(cell, hint)
            .into_iter()
            .filter(|f| f.2.is_valid())
            .map(|f| f.0)
            .collect()
    }

    #[test]
    fn whole_cells() {
        assert_eq!(
            categories("11010519491231002X", None),
            [Category::CnResidentId]
        );
        assert_eq!(
            categories("110105202001010015", None),
            [Category::CnResidentId, Category::MinorUnder14]
        );
        assert_eq!(categories("+86 138 0013 8000", None), [Category::CnMobile]);
        assert_eq!(
            categories("4111 1111 1111 1111", None),
            [Category::BankCard]
        );
        assert_eq!(
            categories("91350100M000100Y43", None),
            [Category::OrgCreditCode]
        );
        assert_eq!(categories("zhang@example.cn", None), [Category::Email]);
        assert_eq!(categories("10.0.0.1", None), [Category::IpAddress]);
        assert_eq!(categories("京A12345", None), [Category::VehiclePlate]);
        assert_eq!(categories("1763800000123", None), []);
        assert_eq!(categories("", None), []);
    }

    #[test]
    fn failed_checks_are_shape_only() {
        let shape = |c| (c, "110105194912310021".to_string(), Evidence::ShapeOnly);
        assert_eq!(
            found("110105194912310021", None),
            [
                shape(Category::CnResidentId),
                shape(Category::OrgCreditCode)
            ]
        );
    }

    #[test]
    fn headers_raise_and_confirm() {
        // In an ID column, a mistyped ID that happens to pass Luhn is not a card.
        let id = Some(Hint::Category(Category::CnResidentId));
        assert_eq!(categories("440524188001010014", id), []);
        assert_eq!(categories("440524188001010014", None), [Category::BankCard]);
        assert_eq!(
            categories("张三", Some(Hint::Category(Category::PersonName))),
            [Category::PersonName]
        );
        assert_eq!(categories("张三", None), []);
        assert_eq!(
            categories("高血压", Some(Hint::Category(Category::Health))),
            [Category::Health]
        );
        assert_eq!(
            categories("2015-06-01", Some(Hint::Category(Category::BirthDate))),
            [Category::BirthDate, Category::MinorUnder14]
        );
        assert_eq!(categories("9", Some(Hint::Age)), [Category::MinorUnder14]);
        assert_eq!(
            categories("39.904211", Some(Hint::Coordinate)),
            [Category::Geolocation]
        );
    }

    #[test]
    fn free_text() {
        assert_eq!(
            categories(
                "联系人张三,电话13800138000,身份证11010519491231002X,车牌京A12345",
                None
            ),
            [
                Category::CnMobile,
                Category::CnResidentId,
                Category::VehiclePlate
            ]
        );
        assert_eq!(
            categories("订单号 202611221234567890 已发货", None),
            Vec::<Category>::new()
        );
    }
}
