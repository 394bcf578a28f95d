//! Subject keys are normalised before hashing, so that the same person written two ways counts once.

use std::borrow::Cow;

/// Normalises a subject key, or returns `None` when nothing is left (an empty key).
///
/// - full-width forms (`１１０１…`, `ＡＢＣ`, the ideographic space) become ASCII — Chinese input methods
///   produce them in ID numbers and phone numbers;
/// - surrounding whitespace is trimmed and letters are lower-cased (`…123X` and `…123x` are one ID);
/// - a key made only of digits and phone punctuation (`+`, `-`, spaces, brackets) keeps only its digits, and
///   a Chinese mobile number loses its country code (`+86 138-0013-8000` = `13800138000`).
pub fn normalise(raw: &str) -> Option<Cow<'_, str>> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    // Fast paths without allocation: digits only (ID and phone numbers), or lower-case ASCII words.
    let bytes = trimmed.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        return Some(Cow::Borrowed(national(trimmed)));
    }
    if bytes
        .iter()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || matches!(b, b'@' | b'.' | b'_'))
    {
        return Some(Cow::Borrowed(trimmed));
    }
    let folded: String = trimmed
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_lowercase();
    if folded.is_empty() {
        return None;
    }
    let phone_like = folded.bytes().any(|b| b.is_ascii_digit())
        && folded
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b' ' | b'(' | b')'));
    if !phone_like {
        return Some(Cow::Owned(folded));
    }
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    Some(Cow::Owned(national(&digits).to_string()))
}

/// A Chinese mobile number without its country code (`86…` or `0086…`); other digit strings unchanged.
fn national(digits: &str) -> &str {
    let is_mobile = |s: &str| s.len() == 11 && s.starts_with('1');
    match digits.len() {
        13 if digits.starts_with("86") => {
            digits.get(2..).filter(|d| is_mobile(d)).unwrap_or(digits)
        }
        15 if digits.starts_with("0086") => {
            digits.get(4..).filter(|d| is_mobile(d)).unwrap_or(digits)
        }
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<String> {
        normalise(s).map(|c| c.into_owned())
    }

    #[test]
    fn same_person_written_differently() {
        assert_eq!(n(" 11010519491231002X "), n("11010519491231002x"));
        assert_eq!(
            n("１１０１０５１９４９１２３１００２Ｘ"),
            n("11010519491231002x")
        );
        assert_eq!(n("+86 138-0013-8000"), Some("13800138000".into()));
        assert_eq!(n("0086 13800138000"), Some("13800138000".into()));
        assert_eq!(n("１３８ ００１３ ８０００"), Some("13800138000".into()));
        assert_eq!(n("Li.Lei@Example.COM"), Some("li.lei@example.com".into()));
        assert_eq!(n("  "), None);
        assert_eq!(n("\u{3000}"), None);
        // Not a mobile number: digits kept as they are.
        assert_eq!(n("86 12345"), Some("8612345".into()));
        assert_eq!(n("8613800138000"), Some("13800138000".into()));
        assert_eq!(n("8623800138000"), Some("8623800138000".into()));
    }
}
