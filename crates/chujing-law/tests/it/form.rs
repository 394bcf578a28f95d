//! Properties of a form's fingerprints: a form's own item matches itself with its blanks filled in any way a
//! blank can be (within the bound), and an item changed in its fixed text never does.

use chujing_law::form::{Fingerprint, MAX_FILL, fixed_parts, normalise};
use proptest::prelude::*;

/// Fixed text: Chinese and a little punctuation, never a blank marker.
fn fixed() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec![
            '境', '外', '接', '收', '方', '个', '人', '信', '息', '删', '除', '，', '。', '（',
            '）',
        ]),
        1..40,
    )
    .prop_map(|c| c.into_iter().collect())
}

/// What a party writes into a blank: anything but line breaks, up to the bound.
fn fill() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec!['美', '国', '3', '0', '日', 'A', ' ', '、']),
        0..30,
    )
    .prop_map(|c| c.into_iter().collect())
}

proptest! {
    #[test]
    fn an_item_with_its_blanks_filled_in_matches(parts in proptest::collection::vec(fixed(), 1..5), fills in proptest::collection::vec(fill(), 4)) {
        let form = parts.join("____");
        let fingerprint = Fingerprint::of(&form);
        let mut filled = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                filled.push_str(&fills[(i - 1) % fills.len()]);
            }
            filled.push_str(part);
        }
        prop_assert!(fingerprint.matches(&filled), "{form} ~ {filled}");
        prop_assert!(fingerprint.matches(&form), "the form matches itself");
    }

    #[test]
    fn an_item_whose_fixed_text_changed_does_not_match(text in fixed(), at in 0usize..40, insert in "[甲乙丙丁]{1,3}") {
        // Characters the fixed text never holds, put inside it: an edit, not a blank filled.
        let chars: Vec<char> = text.chars().collect();
        let at = at % (chars.len() + 1);
        let edited: String = chars[..at].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(chars[at..].iter()).collect();
        prop_assert!(!Fingerprint::of(&text).matches(&edited), "{text} vs {edited}");
    }

    #[test]
    fn normalising_twice_changes_nothing(text in "\\PC{0,60}") {
        let once = normalise(&text);
        prop_assert_eq!(normalise(&once), once.clone());
        // The fixed parts of a text without blanks are the text normalised.
        if !text.contains(['_', '＿', '【', 'X', 'x', '×']) && !text.chars().any(char::is_whitespace) {
            prop_assert_eq!(fixed_parts(&text), vec![once]);
        }
    }
}

#[test]
fn a_blank_filled_beyond_the_bound_is_an_addition_not_a_fill() {
    let fingerprint = Fingerprint::of("乙方应当在____日内删除。");
    let within = format!("乙方应当在{}日内删除。", "三".repeat(MAX_FILL));
    let beyond = format!("乙方应当在{}日内删除。", "三".repeat(MAX_FILL + 1));
    assert!(fingerprint.matches(&within));
    assert!(!fingerprint.matches(&beyond));
}
